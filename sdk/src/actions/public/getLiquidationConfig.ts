import { readContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../../errors/index.js";
import type { LiquidationConfig } from "../../math/liquidationMath.js";
import { toLiquidationConfig } from "../../types.js";

/** Parameters of {@link getLiquidationConfig}. */
export interface GetLiquidationConfigParameters {
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The liquidation parameters. */
export type GetLiquidationConfigReturnType = LiquidationConfig;

/** Errors {@link getLiquidationConfig} can throw. */
export type GetLiquidationConfigErrorType = PerpRequestErrorType;

/**
 * Reads the liquidation parameters (`LiquidationEngine.config`): fee rate, keeper share, reward floor and cap,
 * partial threshold, slice fraction and cooldown. With an account snapshot and the fund's balance they are all
 * `simulateLiquidation` needs.
 *
 * @example
 * const config = await perp.getLiquidationConfig();
 * console.log(`fee ${formatRate(config.feeRate)}, keeper ${formatRate(config.keeperShare)} of it`);
 */
export async function getLiquidationConfig(
  client: PerpClientBase,
  parameters: GetLiquidationConfigParameters = {},
): Promise<GetLiquidationConfigReturnType> {
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "config",
      blockNumber: parameters.blockNumber,
    });
    return toLiquidationConfig(view);
  } catch (err) {
    throw toPerpError(err, "getLiquidationConfig");
  }
}
