import type { Address } from "viem";
import { getContractEvents } from "viem/actions";

import { perpEngineAbi } from "../abis/perpEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../errors/index.js";
import { fetchPaged, type BlockRangeParameters } from "./paging.js";
import { toTradeEvent, type TradeEvent } from "./types.js";

/** Parameters of {@link getTradeHistory}. */
export type GetTradeHistoryParameters = BlockRangeParameters & {
  /**
   * Only this account's trades, or those of any of these accounts (e.g. every sub-account of an owner:
   * `(await perp.getSubAccounts()).map((s) => s.address)`), filtered on the node.
   */
  account?: Address | readonly Address[];
  /** Only this market's trades. */
  marketId?: bigint;
};

/** The trades, oldest first. */
export type GetTradeHistoryReturnType = TradeEvent[];

/** Errors {@link getTradeHistory} can throw. */
export type GetTradeHistoryErrorType = PerpRequestErrorType;

/**
 * Past `Trade` events, filtered by account and market on the node (indexed topics), fetched in pages of
 * `pageSize` blocks from the deployment's start block (or `fromBlock`) to the latest block (or `toBlock`).
 *
 * @example
 * const trades = await perp.getTradeHistory({ account: "0x…", pageSize: 5_000n });
 * for (const t of trades) console.log(t.blockNumber, formatSize(t.sizeDelta), formatUsd(t.fillPrice));
 */
export async function getTradeHistory(
  client: PerpClientBase,
  parameters: GetTradeHistoryParameters = {},
): Promise<GetTradeHistoryReturnType> {
  try {
    return await fetchPaged(client, parameters, async (fromBlock, toBlock) => {
      const logs = await getContractEvents(client.publicClient, {
        address: client.deployment.contracts.perpEngine,
        abi: perpEngineAbi,
        eventName: "Trade",
        args: {
          account:
            typeof parameters.account === "string"
              ? parameters.account
              : parameters.account && [...parameters.account],
          marketId: parameters.marketId,
        },
        fromBlock,
        toBlock,
        strict: true,
      });
      return logs.map(toTradeEvent);
    });
  } catch (err) {
    throw toPerpError(err, "getTradeHistory");
  }
}
