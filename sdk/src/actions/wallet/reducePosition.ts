import type { PerpClientBase } from "../../clientBase.js";
import { InvalidSizeError, NoPositionError, type PerpError } from "../../errors/index.js";
import { getAccount } from "../public/getAccount.js";
import { executeTrade, type TradeOptions, type TradeExecutionResult } from "../internal/trade.js";
import { resolveAccount } from "../internal/wallet.js";

/** Parameters of {@link reducePosition}. */
export type ReducePositionParameters = TradeOptions & {
  marketId: bigint;
  /** Size to take off, 18 decimals, in (0, |position|]. */
  size: bigint;
};

/** The hash, receipt and decoded fill (with the realised PnL). */
export type ReducePositionReturnType = TradeExecutionResult;

/** Errors {@link reducePosition} can throw: `NoPositionError`, `InvalidSizeError`, and see `TradeErrorType`. */
export type ReducePositionErrorType = PerpError;

/**
 * Reduces the account's position in a market by `size` (a reduce-only trade: allowed even in a paused market).
 * Refuses, before sending, a market without a position and a size that is not in (0, |position|].
 *
 * @example
 * const { realisedPnl } = await perp.reducePosition({ marketId: 0n, size: parseSize("0.5") });
 */
export async function reducePosition(
  client: PerpClientBase,
  parameters: ReducePositionParameters,
): Promise<ReducePositionReturnType> {
  const account = resolveAccount(client, parameters.account, "reducePosition");
  const snapshot = await getAccount(client, { account });
  const held = snapshot.positions.find((p) => p.marketId === parameters.marketId);
  if (held === undefined) throw new NoPositionError(parameters.marketId);
  const magnitude = held.size > 0n ? held.size : -held.size;
  if (parameters.size <= 0n || parameters.size > magnitude)
    throw new InvalidSizeError(parameters.size, `The size to reduce must be in (0, ${magnitude}].`);
  const sizeDelta = held.size > 0n ? -parameters.size : parameters.size;
  return executeTrade(client, "reducePosition", { ...parameters, account, sizeDelta, snapshot });
}
