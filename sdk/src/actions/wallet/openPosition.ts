import type { PerpClientBase } from "../../clientBase.js";
import { InvalidSizeError, type PerpError } from "../../errors/index.js";
import { executeTrade, type TradeOptions, type TradeExecutionResult } from "../internal/trade.js";
import { getAccount } from "../public/getAccount.js";
import { resolveAccount } from "../internal/wallet.js";

/** Parameters of {@link openPosition}. */
export type OpenPositionParameters = TradeOptions & {
  marketId: bigint;
  side: "long" | "short";
  /** Size to add, 18 decimals, > 0. */
  size: bigint;
};

/** The hash, receipt and decoded fill. */
export type OpenPositionReturnType = TradeExecutionResult;

/** Errors {@link openPosition} can throw (see `TradeErrorType`). */
export type OpenPositionErrorType = PerpError;

/**
 * Opens a position, or increases one on the same side, by `size`. Refuses (before sending) a size ≤ 0 or a side
 * opposite to the account's position in the market: use {@link reducePosition} or {@link closePosition} for that.
 * Leverage above the position's tier throws `LeverageAboveTierError` before anything is sent.
 *
 * @example
 * const open = await perp.openPosition({ marketId: 0n, side: "long", size: parseSize("1.5"), slippageBps: 50n });
 * console.log(`filled at ${formatUsd(open.fillPrice)}, fee ${formatUsd(open.fee)}`);
 */
export async function openPosition(
  client: PerpClientBase,
  parameters: OpenPositionParameters,
): Promise<OpenPositionReturnType> {
  if (parameters.size <= 0n)
    throw new InvalidSizeError(parameters.size, "The size to open must be greater than zero.");
  const sizeDelta = parameters.side === "long" ? parameters.size : -parameters.size;
  const account = resolveAccount(client, parameters.account, "openPosition");
  const snapshot = await getAccount(client, { account });
  const held = snapshot.positions.find((p) => p.marketId === parameters.marketId);
  if ((parameters.validate ?? true) && held !== undefined && held.side !== parameters.side)
    throw new InvalidSizeError(
      sizeDelta,
      `The account holds a ${held.side} position in market ${parameters.marketId}: reduce or close it instead of opening a ${parameters.side}.`,
    );
  return executeTrade(client, "openPosition", { ...parameters, account, sizeDelta, snapshot });
}
