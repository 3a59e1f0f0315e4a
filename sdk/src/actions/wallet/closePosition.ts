import type { PerpClientBase } from "../../clientBase.js";
import { NoPositionError, type EventNotFoundError, type PerpSendErrorType } from "../../errors/index.js";
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

/** Parameters of {@link closePosition}. */
export type ClosePositionParameters = TradeOptions & { marketId: bigint };

/** The hash, receipt and decoded fill (with the realised PnL). */
export type ClosePositionReturnType = TradeExecutionResult;

/** Parameters of {@link simulateClosePosition}: the close's. */
export type SimulateClosePositionParameters = ClosePositionParameters;

/** The simulated close: the request `closePosition` sends, the engine's fill in the simulation, the preview. */
export type SimulateClosePositionReturnType = TradeSimulation;

/** Errors {@link simulateClosePosition} can throw: `NoPositionError`, and those of `simulateTrade`. */
export type SimulateClosePositionErrorType = NoPositionError | SimulateTradeErrorType;

/** Errors {@link closePosition} can throw: those of {@link simulateClosePosition}, then a failed send. */
export type ClosePositionErrorType = SimulateClosePositionErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates closing the account's whole position in a market without sending it: the SDK's preview of the full
 * close, its validation, and `PerpEngine.closePosition` simulated with the acceptable price it would send.
 *
 * @example
 * const { preview } = await perp.simulateClosePosition({ marketId: 0n });
 * console.log(`would realise ${formatUsd(preview.realisedPnlUsd)} USD`);
 */
export async function simulateClosePosition(
  client: PerpClientBase,
  parameters: SimulateClosePositionParameters,
): Promise<SimulateClosePositionReturnType> {
  const account = resolveAccount(client, parameters.account, "closePosition");
  const snapshot = await getAccount(client, { account });
  const held = snapshot.positions.find((p) => p.marketId === parameters.marketId);
  if (held === undefined) throw new NoPositionError(parameters.marketId);
  return simulateTradeRequest(client, "closePosition", {
    ...parameters,
    account,
    sizeDelta: -held.size,
    close: true,
    snapshot,
  });
}

/**
 * Closes the account's whole position in a market (`PerpEngine.closePosition`), with the acceptable price
 * computed from the SDK's quote for the full size; simulated first ({@link simulateClosePosition}).
 *
 * @example
 * const { realisedPnlUsd, feeUsd } = await perp.closePosition({ marketId: 0n });
 */
export async function closePosition(
  client: PerpClientBase,
  parameters: ClosePositionParameters,
): Promise<ClosePositionReturnType> {
  return sendTrade(client, "closePosition", await simulateClosePosition(client, parameters));
}
