import type { PerpClientBase } from "../../clientBase.js";
import { NoPositionError, type PerpError } from "../../errors/index.js";
import { getAccount } from "../public/getAccount.js";
import { executeTrade, type TradeOptions, type TradeExecutionResult } from "../internal/trade.js";
import { resolveAccount } from "../internal/wallet.js";

/** Parameters of {@link closePosition}. */
export type ClosePositionParameters = TradeOptions & { marketId: bigint };

/** The hash, receipt and decoded fill (with the realised PnL). */
export type ClosePositionReturnType = TradeExecutionResult;

/** Errors {@link closePosition} can throw: `NoPositionError`, and see `TradeErrorType`. */
export type ClosePositionErrorType = PerpError;

/**
 * Closes the account's whole position in a market (`PerpEngine.closePosition`), with the acceptable price
 * computed from the SDK's quote for the full size.
 *
 * @example
 * const { realisedPnl, fee } = await perp.closePosition({ marketId: 0n });
 */
export async function closePosition(
  client: PerpClientBase,
  parameters: ClosePositionParameters,
): Promise<ClosePositionReturnType> {
  const account = resolveAccount(client, parameters.account, "closePosition");
  const snapshot = await getAccount(client, { account });
  const held = snapshot.positions.find((p) => p.marketId === parameters.marketId);
  if (held === undefined) throw new NoPositionError(parameters.marketId);
  return executeTrade(client, "closePosition", {
    ...parameters,
    account,
    sizeDelta: -held.size,
    close: true,
    snapshot,
  });
}
