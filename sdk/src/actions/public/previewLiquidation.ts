import type { Address } from "viem";
import { readContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type AccountRequiredError, type PerpRequestErrorType } from "../../errors/index.js";
import type { LiquidationPreview } from "../../math/liquidationPreview.js";
import { toLiquidationPreview } from "../../types.js";
import { resolveAccount } from "../internal/wallet.js";

/** Parameters of {@link previewLiquidation}. */
export interface PreviewLiquidationParameters {
  /** The account to liquidate (default: the wallet's account). */
  account?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** What `liquidate(account)` would do now. */
export type PreviewLiquidationReturnType = LiquidationPreview & { account: Address };

/** Errors {@link previewLiquidation} can throw. */
export type PreviewLiquidationErrorType = AccountRequiredError | PerpRequestErrorType;

/**
 * What `liquidate(account)` would do now (`LiquidationEngine.previewLiquidation`): whether the account is
 * liquidatable (maintenance margin at fair prices below zero, no cooldown), the positions closed or sliced, the
 * notional at quoted fills, the keeper's reward (whole USDC units), the insurance fund's fee and the bad debt
 * expected. Keepers call it to judge a liquidation before sending; `simulateLiquidation` computes the same offline.
 *
 * @example
 * const preview = await keeper.previewLiquidation({ account: "0x…" });
 * if (preview.liquidatable) console.log(`reward ${formatUsd(preview.keeperRewardUsd)} USD`);
 */
export async function previewLiquidation(
  client: PerpClientBase,
  parameters: PreviewLiquidationParameters = {},
): Promise<PreviewLiquidationReturnType> {
  const account = resolveAccount(client, parameters.account, "previewLiquidation");
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "previewLiquidation",
      args: [account],
      blockNumber: parameters.blockNumber,
    });
    return { account, ...toLiquidationPreview(view) };
  } catch (err) {
    throw toPerpError(err, "previewLiquidation");
  }
}
