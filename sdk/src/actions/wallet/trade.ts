import type { PerpClientBase } from "../../clientBase.js";
import type {
  AccountRequiredError,
  EventNotFoundError,
  InvalidSizeError,
  InvalidSlippageError,
  LeverageAboveTierError,
  NotionalAboveMaxTierError,
  PartialCloseBelowMinimumMarginError,
  PerpSendErrorType,
  PerpSimulateErrorType,
  TradeRejectedError,
  UnknownMarketError,
} from "../../errors/index.js";
import {
  sendTrade,
  simulateTradeRequest,
  type TradeExecutionResult,
  type TradeOptions,
  type TradeSimulation,
} from "../internal/trade.js";

/** Parameters of {@link trade}. */
export type TradeParameters = TradeOptions & {
  marketId: bigint;
  /** Signed size: positive buys, negative sells (opens, increases, reduces, closes or flips). */
  sizeDelta: bigint;
};

/** The hash, receipt and decoded fill. */
export type TradeReturnType = TradeExecutionResult;

/** Parameters of {@link simulateTrade}: the trade's. */
export type SimulateTradeParameters = TradeParameters;

/** The simulated trade: the request `trade` sends, the engine's fill in the simulation, the bound and the preview. */
export type SimulateTradeReturnType = TradeSimulation;

/**
 * Errors {@link simulateTrade} can throw: the SDK's own checks before simulating (`InvalidSizeError`,
 * `InvalidSlippageError`, `UnknownMarketError`, `AccountRequiredError`, and the engine's rules as its exact mirror
 * sees them: `LeverageAboveTierError`, `NotionalAboveMaxTierError`, `PartialCloseBelowMinimumMarginError`,
 * `TradeRejectedError`), then a wallet missing, the simulation's decoded revert or an RPC error.
 */
export type SimulateTradeErrorType =
  | InvalidSizeError
  | InvalidSlippageError
  | UnknownMarketError
  | AccountRequiredError
  | LeverageAboveTierError
  | NotionalAboveMaxTierError
  | PartialCloseBelowMinimumMarginError
  | TradeRejectedError
  | PerpSimulateErrorType;

/**
 * Errors {@link trade} can throw: those of {@link simulateTrade} (nothing is sent then), a failed send, a mined revert
 * (`TransactionRevertedError`) or a receipt without the `Trade` event.
 */
export type TradeErrorType = SimulateTradeErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates a trade without sending it: the SDK's preview and validation (as {@link trade} does), then
 * `PerpEngine.trade` simulated from the wallet's account with the acceptable price it would send.
 *
 * @example
 * const { fillPrice, preview } = await perp.simulateTrade({ marketId: 0n, sizeDelta: parseSize("1") });
 */
export async function simulateTrade(
  client: PerpClientBase,
  parameters: SimulateTradeParameters,
): Promise<SimulateTradeReturnType> {
  return simulateTradeRequest(client, "trade", parameters);
}

/**
 * Trades `sizeDelta` in a market with a slippage bound computed from the SDK's own fill-price math (or an explicit
 * `acceptablePrice`), after checking it with the SDK's exact mirror of the engine and simulating it
 * ({@link simulateTrade}), so a revert is decoded before anything is sent. The lower-level action behind
 * {@link openPosition}, {@link reducePosition} and {@link closePosition}.
 *
 * @example
 * const { fillPrice, feeUsd, newSize } = await perp.trade({ marketId: 0n, sizeDelta: -parseSize("0.5"), slippageBps: 30n });
 */
export async function trade(client: PerpClientBase, parameters: TradeParameters): Promise<TradeReturnType> {
  return sendTrade(client, "trade", await simulateTrade(client, parameters));
}
