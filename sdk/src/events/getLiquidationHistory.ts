import type { Address } from "viem";
import { getContractEvents } from "viem/actions";

import { liquidationEngineAbi } from "../abis/liquidationEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../errors/index.js";
import { fetchPaged, type BlockRangeParameters } from "./paging.js";
import { liquidationEventMatches, toLiquidationEvent, type LiquidationEvent } from "./types.js";

/** Parameters of {@link getLiquidationHistory}. */
export type GetLiquidationHistoryParameters = BlockRangeParameters & {
  /**
   * Only events naming this liquidated account, or any of these (e.g. every sub-account of an owner:
   * `(await perp.getSubAccounts()).map((s) => s.address)`).
   */
  account?: Address | readonly Address[];
  /** Only events naming this keeper (`liquidated`, `keeperRewardCredited`). */
  keeper?: Address;
};

/** The liquidation events, oldest first. */
export type GetLiquidationHistoryReturnType = LiquidationEvent[];

/** Errors {@link getLiquidationHistory} can throw. */
export type GetLiquidationHistoryErrorType = PerpRequestErrorType;

/**
 * Past liquidation events of the liquidation engine (`liquidated` and the waterfall layers), fetched in pages of
 * `pageSize` blocks from the deployment's start block (or `fromBlock`) to the latest block (or `toBlock`).
 *
 * @example
 * const history = await perp.getLiquidationHistory({ keeper: "0x…" });
 * const earned = history.reduce((sum, e) => (e.type === "liquidated" ? sum + e.keeperRewardUsd : sum), 0n);
 */
export async function getLiquidationHistory(
  client: PerpClientBase,
  parameters: GetLiquidationHistoryParameters = {},
): Promise<GetLiquidationHistoryReturnType> {
  try {
    return await fetchPaged(client, parameters, async (fromBlock, toBlock) => {
      const logs = await getContractEvents(client.publicClient, {
        address: client.deployment.contracts.liquidationEngine,
        abi: liquidationEngineAbi,
        fromBlock,
        toBlock,
        strict: true,
      });
      const events: LiquidationEvent[] = [];
      for (const log of logs) {
        const event = toLiquidationEvent(log);
        if (event !== undefined && liquidationEventMatches(event, parameters)) events.push(event);
      }
      return events;
    });
  } catch (err) {
    throw toPerpError(err, "getLiquidationHistory");
  }
}
