import type { Address } from "viem";
import { watchContractEvent } from "viem/actions";

import { liquidationEngineAbi } from "../abis/liquidationEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpError } from "../errors/index.js";
import { startWatch } from "./startWatch.js";
import { liquidationEventMatches, toLiquidationEvent, type LiquidationEvent } from "./types.js";

/** Parameters of {@link watchLiquidations}. */
export interface WatchLiquidationsParameters {
  /**
   * Called with each batch of liquidation events, oldest first: `liquidated` and the waterfall layers it reached
   * (`lossAbsorbedByCollateral`, `badDebtCoveredByFund`, `shortfallForAdl`), and `keeperRewardCredited`.
   */
  onLiquidations: (events: LiquidationEvent[]) => void;
  /** Called when polling or the subscription fails. */
  onError?: (error: PerpError) => void;
  /** Only events naming this liquidated account. */
  account?: Address;
  /** Only events naming this keeper (`liquidated`, `keeperRewardCredited`). */
  keeper?: Address;
  /** Polling interval in ms for HTTP transports (default: the public client's). */
  pollingInterval?: number;
  /** Deliver events from this block on (default: only blocks mined after the call). */
  fromBlock?: bigint;
}

/** Stops watching. */
export type WatchLiquidationsReturnType = () => void;

/**
 * Watches liquidations through one filter on the liquidation engine: each `Liquidated` (notional closed, fee,
 * keeper reward, fund fee, partial flag) with the loss-waterfall events of the same transaction. Returns the
 * function that unsubscribes.
 *
 * @example
 * const unwatch = perp.watchLiquidations({
 *   onLiquidations: (events) =>
 *     events.forEach((e) => e.type === "liquidated" && console.log(e.account, formatUsd(e.notionalClosedUsd))),
 * });
 */
export function watchLiquidations(
  client: PerpClientBase,
  parameters: WatchLiquidationsParameters,
): WatchLiquidationsReturnType {
  return startWatch(client, { ...parameters, action: "watchLiquidations" }, (fromBlock) =>
    watchContractEvent(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      strict: true,
      fromBlock,
      pollingInterval: parameters.pollingInterval,
      onLogs: (logs) => {
        const events: LiquidationEvent[] = [];
        for (const log of logs) {
          const event = toLiquidationEvent(log);
          if (event !== undefined && liquidationEventMatches(event, parameters)) events.push(event);
        }
        if (events.length > 0) parameters.onLiquidations(events);
      },
      onError: (error) => parameters.onError?.(toPerpError(error, "watchLiquidations")),
    }),
  );
}
