import { readContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../../errors/index.js";

/** Parameters of {@link getTotalShortfall}. */
export interface GetTotalShortfallParameters {
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** Σ shortfall queued for ADL and not yet covered, 18-decimal USD. */
export type GetTotalShortfallReturnType = bigint;

/** Errors {@link getTotalShortfall} can throw. */
export type GetTotalShortfallErrorType = PerpRequestErrorType;

/**
 * Reads the bad debt the insurance fund could not cover and auto-deleveraging has not repaid yet
 * (`LiquidationEngine.totalShortfall`), over every queued request.
 *
 * @example
 * const shortfall = await perp.getTotalShortfall();
 * if (shortfall > 0n) console.log(`${formatUsd(shortfall)} USD waiting for ADL`);
 */
export async function getTotalShortfall(
  client: PerpClientBase,
  parameters: GetTotalShortfallParameters = {},
): Promise<GetTotalShortfallReturnType> {
  try {
    return await readContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "totalShortfall",
      blockNumber: parameters.blockNumber,
    });
  } catch (err) {
    throw toPerpError(err, "getTotalShortfall");
  }
}
