import type { Address } from "viem";
import { watchContractEvent } from "viem/actions";

import { perpEngineAbi } from "../abis/perpEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpError } from "../errors/index.js";
import { startWatch } from "./startWatch.js";
import { toTradeEvent, type TradeEvent } from "./types.js";

/** Parameters of {@link watchTrades}. */
export interface WatchTradesParameters {
  /** Called with each batch of new trades, oldest first. */
  onTrades: (trades: TradeEvent[]) => void;
  /** Called when polling or the subscription fails. */
  onError?: (error: PerpError) => void;
  /** Only this account's trades. */
  account?: Address;
  /** Only this market's trades. */
  marketId?: bigint;
  /** Polling interval in ms for HTTP transports (default: the public client's). */
  pollingInterval?: number;
  /** Deliver events from this block on (default: only blocks mined after the call). */
  fromBlock?: bigint;
}

/** Stops watching. */
export type WatchTradesReturnType = () => void;

/**
 * Watches new `Trade` events (from the next block, or `fromBlock`) through viem's `watchContractEvent`, polling a
 * filter or `eth_getLogs`. Returns the function that unsubscribes.
 *
 * @example
 * const unwatch = perp.watchTrades({
 *   marketId: 0n,
 *   onTrades: (trades) => trades.forEach((t) => console.log(t.account, formatSize(t.sizeDelta), formatUsd(t.fillPrice))),
 * });
 * // later
 * unwatch();
 */
export function watchTrades(
  client: PerpClientBase,
  parameters: WatchTradesParameters,
): WatchTradesReturnType {
  return startWatch(client, { ...parameters, action: "watchTrades" }, (fromBlock) =>
    watchContractEvent(client.publicClient, {
      address: client.deployment.contracts.perpEngine,
      abi: perpEngineAbi,
      eventName: "Trade",
      args: { account: parameters.account, marketId: parameters.marketId },
      strict: true,
      fromBlock,
      pollingInterval: parameters.pollingInterval,
      onLogs: (logs) => parameters.onTrades(logs.map(toTradeEvent)),
      onError: (error) => parameters.onError?.(toPerpError(error, "watchTrades")),
    }),
  );
}
