import type { PerpClientBase } from "../../clientBase.js";
import type { PerpError } from "../../errors/index.js";
import { executeTrade, type TradeOptions, type TradeExecutionResult } from "../internal/trade.js";

/** Parameters of {@link trade}. */
export type TradeParameters = TradeOptions & {
  marketId: bigint;
  /** Signed size: positive buys, negative sells (opens, increases, reduces, closes or flips). */
  sizeDelta: bigint;
};

/** The hash, receipt and decoded fill. */
export type TradeReturnType = TradeExecutionResult;

/**
 * Errors {@link trade} can throw: validation errors (`InvalidSizeError`, `UnknownMarketError`,
 * `LeverageAboveTierError`, `NotionalAboveMaxTierError`, `TradeRejectedError`) before anything is sent, a
 * `PerpContractError` when the engine reverts, `TransactionRevertedError` for a mined revert.
 */
export type TradeErrorType = PerpError;

/**
 * Trades `sizeDelta` in a market with a slippage bound computed from the SDK's own fill-price math (or an explicit
 * `acceptablePrice`), after checking it with the SDK's exact mirror of the engine. The lower-level action behind
 * {@link openPosition}, {@link reducePosition} and {@link closePosition}.
 *
 * @example
 * const { fillPrice, fee, newSize } = await perp.trade({ marketId: 0n, sizeDelta: -parseSize("0.5"), slippageBps: 30n });
 */
export async function trade(client: PerpClientBase, parameters: TradeParameters): Promise<TradeReturnType> {
  return executeTrade(client, "trade", parameters);
}
