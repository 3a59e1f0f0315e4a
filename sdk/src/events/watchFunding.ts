import { isAddressEqual, type Address } from "viem";
import { watchContractEvent } from "viem/actions";

import { perpEngineAbi } from "../abis/perpEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpError } from "../errors/index.js";
import { startWatch } from "./startWatch.js";
import { toFundingAccruedEvent, toFundingSettledEvent, type FundingEvent } from "./types.js";

/** Parameters of {@link watchFunding}. */
export interface WatchFundingParameters {
  /** Called with each batch of funding events, oldest first: accruals (`type: "accrued"`) and settlements. */
  onFunding: (events: FundingEvent[]) => void;
  /** Called when polling or the subscription fails. */
  onError?: (error: PerpError) => void;
  /** Only this market's events. */
  marketId?: bigint;
  /** Only this account's settlements (accruals are market-wide and always included). */
  account?: Address;
  /** Polling interval in ms for HTTP transports (default: the public client's). */
  pollingInterval?: number;
  /** Deliver events from this block on (default: only blocks mined after the call). */
  fromBlock?: bigint;
}

/** Stops watching. */
export type WatchFundingReturnType = () => void;

/**
 * Watches funding: every `FundingAccrued` (a market's index advanced, with the hourly rate applied) and every
 * `FundingSettled` (funding moved into an account's collateral on a trade), through one engine filter. Returns the
 * function that unsubscribes.
 *
 * @example
 * const unwatch = perp.watchFunding({
 *   marketId: 0n,
 *   onFunding: (events) => events.forEach((e) => e.type === "accrued" && console.log(formatRate(e.rate))),
 * });
 */
export function watchFunding(
  client: PerpClientBase,
  parameters: WatchFundingParameters,
): WatchFundingReturnType {
  const { marketId, account } = parameters;
  return startWatch(client, { ...parameters, action: "watchFunding" }, (fromBlock) =>
    watchContractEvent(client.publicClient, {
      address: client.deployment.contracts.perpEngine,
      abi: perpEngineAbi,
      strict: true,
      fromBlock,
      pollingInterval: parameters.pollingInterval,
      onLogs: (logs) => {
        const events: FundingEvent[] = [];
        for (const log of logs) {
          if (log.eventName === "FundingAccrued") {
            if (marketId === undefined || log.args.marketId === marketId)
              events.push(toFundingAccruedEvent(log));
          } else if (log.eventName === "FundingSettled") {
            if (marketId !== undefined && log.args.marketId !== marketId) continue;
            if (account !== undefined && !isAddressEqual(log.args.account, account)) continue;
            events.push(toFundingSettledEvent(log));
          }
        }
        if (events.length > 0) parameters.onFunding(events);
      },
      onError: (error) => parameters.onError?.(toPerpError(error, "watchFunding")),
    }),
  );
}
