import type { PerpClientBase } from "../../clientBase.js";
import {
  InvalidSizeError,
  NoPositionError,
  type EventNotFoundError,
  type PerpSendErrorType,
} from "../../errors/index.js";
import { getAccount } from "../public/getAccount.js";
import {
  sendTrade,
  simulateTradeRequest,
  type TradeExecutionResult,
  type TradeOptions,
  type TradeSimulation,
} from "../internal/trade.js";
import { resolveAccount } from "../internal/wallet.js";
import type { SimulateTradeErrorType } from "./trade.js";

/** Parameters of {@link reducePosition}. */
export type ReducePositionParameters = TradeOptions & {
  marketId: bigint;
  /** Size to take off, 18 decimals, in (0, |position|]. */
  size: bigint;
};

/** The hash, receipt and decoded fill (with the realised PnL). */
export type ReducePositionReturnType = TradeExecutionResult;

/** Parameters of {@link simulateReducePosition}: the reduction's. */
export type SimulateReducePositionParameters = ReducePositionParameters;

/** The simulated reduction: the request `reducePosition` sends, the engine's fill in the simulation, the preview. */
export type SimulateReducePositionReturnType = TradeSimulation;

/** Errors {@link simulateReducePosition} can throw: `NoPositionError`, `InvalidSizeError`, and those of `simulateTrade`. */
export type SimulateReducePositionErrorType = NoPositionError | InvalidSizeError | SimulateTradeErrorType;

/** Errors {@link reducePosition} can throw: those of {@link simulateReducePosition}, then a failed send. */
export type ReducePositionErrorType =
  | SimulateReducePositionErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Simulates reducing the account's position in a market by `size` without sending it (the checks of
 * {@link reducePosition}, then `PerpEngine.trade` simulated).
 *
 * @example
 * const { preview } = await perp.simulateReducePosition({ marketId: 0n, size: parseSize("0.5") });
 */
export async function simulateReducePosition(
  client: PerpClientBase,
  parameters: SimulateReducePositionParameters,
): Promise<SimulateReducePositionReturnType> {
  const account = resolveAccount(client, parameters.account, "reducePosition");
  const snapshot = await getAccount(client, { account });
  const held = snapshot.positions.find((p) => p.marketId === parameters.marketId);
  if (held === undefined) throw new NoPositionError(parameters.marketId);
  const magnitude = held.size > 0n ? held.size : -held.size;
  if (parameters.size <= 0n || parameters.size > magnitude)
    throw new InvalidSizeError(parameters.size, `The size to reduce must be in (0, ${magnitude}].`);
  const sizeDelta = held.size > 0n ? -parameters.size : parameters.size;
  return simulateTradeRequest(client, "reducePosition", { ...parameters, account, sizeDelta, snapshot });
}

/**
 * Reduces the account's position in a market by `size` (a reduce-only trade: allowed even in a paused market).
 * Refuses, before sending, a market without a position and a size that is not in (0, |position|]; simulated first
 * ({@link simulateReducePosition}).
 *
 * @example
 * const { realisedPnlUsd } = await perp.reducePosition({ marketId: 0n, size: parseSize("0.5") });
 */
export async function reducePosition(
  client: PerpClientBase,
  parameters: ReducePositionParameters,
): Promise<ReducePositionReturnType> {
  return sendTrade(client, "reducePosition", await simulateReducePosition(client, parameters));
}
