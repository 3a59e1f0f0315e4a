import type { Address } from "viem";
import { watchContractEvent } from "viem/actions";

import { liquidationEngineAbi } from "../abis/liquidationEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpError } from "../errors/index.js";
import { startWatch } from "./startWatch.js";
import { adlEventMatches, toAdlEvent, type AdlEvent } from "./types.js";

/** Parameters of {@link watchAdl}. */
export interface WatchAdlParameters {
  /**
   * Called with each batch of auto-deleveraging events, oldest first: `requested`, `candidateSubmitted`,
   * `executed`, `resolved`.
   */
  onAdl: (events: AdlEvent[]) => void;
  /** Called when polling or the subscription fails. */
  onError?: (error: PerpError) => void;
  /** Only this request's events. */
  requestId?: bigint;
  /** Only events naming this account (the bankrupt account, a candidate or a victim). */
  account?: Address;
  /** Polling interval in ms for HTTP transports (default: the public client's). */
  pollingInterval?: number;
  /** Deliver events from this block on (default: only blocks mined after the call). */
  fromBlock?: bigint;
}

/** Stops watching. */
export type WatchAdlReturnType = () => void;

/**
 * Watches auto-deleveraging through one filter on the liquidation engine: requests opening, candidates joining,
 * victims reduced and requests resolved. Returns the function that unsubscribes.
 *
 * @example
 * const unwatch = keeper.watchAdl({
 *   onAdl: (events) => events.forEach((e) => e.type === "requested" && console.log(`ADL #${e.requestId} opened`)),
 * });
 */
export function watchAdl(client: PerpClientBase, parameters: WatchAdlParameters): WatchAdlReturnType {
  return startWatch(client, { ...parameters, action: "watchAdl" }, (fromBlock) =>
    watchContractEvent(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      strict: true,
      fromBlock,
      pollingInterval: parameters.pollingInterval,
      onLogs: (logs) => {
        const events: AdlEvent[] = [];
        for (const log of logs) {
          const event = toAdlEvent(log);
          if (event !== undefined && adlEventMatches(event, parameters)) events.push(event);
        }
        if (events.length > 0) parameters.onAdl(events);
      },
      onError: (error) => parameters.onError?.(toPerpError(error, "watchAdl")),
    }),
  );
}
