import type { Address } from "viem";
import { getContractEvents } from "viem/actions";

import { liquidationEngineAbi } from "../abis/liquidationEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../errors/index.js";
import { fetchPaged, type BlockRangeParameters } from "./paging.js";
import { adlEventMatches, toAdlEvent, type AdlEvent } from "./types.js";

/** Parameters of {@link getAdlHistory}. */
export type GetAdlHistoryParameters = BlockRangeParameters & {
  /** Only this request's events. */
  requestId?: bigint;
  /** Only events naming this account (the bankrupt account, a candidate or a victim). */
  account?: Address;
};

/** The auto-deleveraging events, oldest first. */
export type GetAdlHistoryReturnType = AdlEvent[];

/** Errors {@link getAdlHistory} can throw. */
export type GetAdlHistoryErrorType = PerpRequestErrorType;

/**
 * Past auto-deleveraging events (`requested`, `candidateSubmitted`, `executed`, `resolved`), fetched in pages of
 * `pageSize` blocks from the deployment's start block (or `fromBlock`) to the latest block (or `toBlock`).
 *
 * @example
 * const steps = (await perp.getAdlHistory({ requestId: 0n })).filter((e) => e.type === "executed");
 */
export async function getAdlHistory(
  client: PerpClientBase,
  parameters: GetAdlHistoryParameters = {},
): Promise<GetAdlHistoryReturnType> {
  try {
    return await fetchPaged(client, parameters, async (fromBlock, toBlock) => {
      const logs = await getContractEvents(client.publicClient, {
        address: client.deployment.contracts.liquidationEngine,
        abi: liquidationEngineAbi,
        fromBlock,
        toBlock,
        strict: true,
      });
      const events: AdlEvent[] = [];
      for (const log of logs) {
        const event = toAdlEvent(log);
        if (event !== undefined && adlEventMatches(event, parameters)) events.push(event);
      }
      return events;
    });
  } catch (err) {
    throw toPerpError(err, "getAdlHistory");
  }
}
