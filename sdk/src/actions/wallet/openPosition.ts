import type { PerpClientBase } from "../../clientBase.js";
import {
  InvalidLeverageError,
  InvalidSizeError,
  type EventNotFoundError,
  type PerpSendErrorType,
} from "../../errors/index.js";
import { mulDivDown } from "../../math/fixedPointMath.js";
import { quoteFillPrice } from "../../math/marketAccounting.js";
import { sizeForLeverage } from "../../math/tradePreview.js";
import type { Account, Market } from "../../types.js";
import { getAccount } from "../public/getAccount.js";
import { getMarket } from "../public/getMarket.js";
import {
  sendTrade,
  simulateTradeRequest,
  type TradeExecutionResult,
  type TradeOptions,
  type TradeSimulation,
} from "../internal/trade.js";
import { resolveAccount } from "../internal/wallet.js";
import type { SimulateTradeErrorType } from "./trade.js";

/**
 * Parameters of {@link openPosition}: the market, the side, and exactly one of `size` (units to add) or `leverage`
 * (the size is then ⌊equity × leverage / fill price⌋, see {@link openPosition}).
 */
export type OpenPositionParameters = TradeOptions & {
  marketId: bigint;
  side: "long" | "short";
} & (
    | {
        /** Size to add, 18 decimals, > 0. */
        size: bigint;
        leverage?: undefined;
      }
    | {
        /**
         * Leverage on the account's credited equity, 18 decimals (3x = `3n * 10n ** 18n`), > 0: the size added is
         * ⌊equityUsd × leverage / fill price⌋.
         */
        leverage: bigint;
        size?: undefined;
      }
  );

/** The hash, receipt and decoded fill. */
export type OpenPositionReturnType = TradeExecutionResult;

/** Parameters of {@link simulateOpenPosition}: the open's. */
export type SimulateOpenPositionParameters = OpenPositionParameters;

/** The simulated open: the request `openPosition` sends (its `sizeDelta` is the size a leverage bought), the preview. */
export type SimulateOpenPositionReturnType = TradeSimulation;

/**
 * Errors {@link simulateOpenPosition} can throw: `InvalidSizeError` (size ≤ 0, the side opposite to the position
 * held), `InvalidLeverageError` (both or neither of size and leverage, leverage ≤ 0, no equity, no oracle price, a
 * size that rounds to 0), and those of `simulateTrade` (`LeverageAboveTierError` when the leverage is above the
 * tier's…).
 */
export type SimulateOpenPositionErrorType = InvalidSizeError | InvalidLeverageError | SimulateTradeErrorType;

/** Errors {@link openPosition} can throw: those of {@link simulateOpenPosition}, then a failed send. */
export type OpenPositionErrorType = SimulateOpenPositionErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * The size `leverage` buys on `account` in `market` (both at the same block): the fill price is quoted
 * (`quoteFillPrice`) for the size the leverage gives at the oracle price, ⌊equity × leverage / oracle⌋, and the size
 * is ⌊equity × leverage / that fill⌋ ({@link sizeForLeverage}), the equity being the account's credited equity
 * (`equityUsd`: each position at the worse of its exit and fair price).
 */
function sizeFromLeverage(
  account: Account,
  market: Market,
  side: "long" | "short",
  leverage: bigint,
): bigint {
  if (leverage <= 0n) throw new InvalidLeverageError(leverage, "The leverage must be greater than zero.");
  const equity = account.equityUsd;
  if (equity <= 0n)
    throw new InvalidLeverageError(leverage, `The account has no equity to lever (${equity} USD).`);
  if (!market.oracleValid)
    throw new InvalidLeverageError(
      leverage,
      `Market ${market.marketId}'s oracle fails: no price to size by.`,
    );
  const sign = side === "long" ? 1n : -1n;
  try {
    const atOracle = mulDivDown(equity, leverage, market.oraclePrice);
    if (atOracle === 0n) throw new RangeError("zero size");
    const fill = quoteFillPrice(market, market.oraclePrice, sign * atOracle);
    const size = sizeForLeverage(equity, leverage, fill);
    if (size === 0n) throw new RangeError("zero size");
    return size;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new InvalidLeverageError(
      leverage,
      `A leverage of ${leverage} on ${equity} USD of equity gives no size the engine can trade.`,
    );
  }
}

/**
 * Simulates opening (or increasing) a position without sending it: the checks of {@link openPosition}, the size a
 * leverage buys, the SDK's preview and validation, then `PerpEngine.trade` simulated.
 *
 * @example
 * const sim = await perp.simulateOpenPosition({ marketId: 0n, side: "long", leverage: 3n * 10n ** 18n });
 * console.log(`3x buys ${formatSize(sim.sizeDelta)} at about ${formatUsd(sim.fillPrice)}`);
 */
export async function simulateOpenPosition(
  client: PerpClientBase,
  parameters: SimulateOpenPositionParameters,
): Promise<SimulateOpenPositionReturnType> {
  const { size, leverage } = parameters;
  if ((size === undefined) === (leverage === undefined))
    throw new InvalidLeverageError(leverage, "Give exactly one of size and leverage.");
  if (size !== undefined && size <= 0n)
    throw new InvalidSizeError(size, "The size to open must be greater than zero.");
  const account = resolveAccount(client, parameters.account, "openPosition");
  const snapshot = await getAccount(client, { account });
  const held = snapshot.positions.find((p) => p.marketId === parameters.marketId);
  const sign = parameters.side === "long" ? 1n : -1n;
  if ((parameters.validate ?? true) && held !== undefined && held.side !== parameters.side)
    throw new InvalidSizeError(
      sign * (size ?? 0n),
      `The account holds a ${held.side} position in market ${parameters.marketId}: reduce or close it instead of opening a ${parameters.side}.`,
    );
  const market =
    held?.market ??
    (await getMarket(client, { marketId: parameters.marketId, blockNumber: snapshot.blockNumber }));
  const magnitude = size ?? sizeFromLeverage(snapshot, market, parameters.side, leverage!);
  return simulateTradeRequest(client, "openPosition", {
    ...parameters,
    account,
    sizeDelta: sign * magnitude,
    snapshot,
    market,
  });
}

/**
 * Opens a position, or increases one on the same side, by `size`, or by the size a `leverage` buys on the account's
 * credited equity: ⌊equityUsd × leverage / fill⌋ (rounded down, in bigint), the fill price being the SDK's quote for
 * the size the leverage gives at the oracle price; e.g. 1,000 USD of equity at 3x buys about 3,000 USD of notional.
 * The leverage applies to the whole equity, whatever the account holds already. Refuses (before sending) a size ≤ 0,
 * both or neither of `size` and `leverage`, and a side opposite to the account's position in the market: use
 * {@link reducePosition} or {@link closePosition} for that. Leverage above the position's tier throws
 * `LeverageAboveTierError`; the trade is simulated ({@link simulateOpenPosition}) before it is sent.
 *
 * @example
 * const open = await perp.openPosition({ marketId: 0n, side: "long", leverage: 3n * 10n ** 18n, slippageBps: 50n });
 * console.log(`bought ${formatSize(open.sizeDelta)} at ${formatUsd(open.fillPrice)}, fee ${formatUsd(open.feeUsd)}`);
 * await perp.openPosition({ marketId: 1n, side: "short", size: parseSize("0.5") });
 */
export async function openPosition(
  client: PerpClientBase,
  parameters: OpenPositionParameters,
): Promise<OpenPositionReturnType> {
  return sendTrade(client, "openPosition", await simulateOpenPosition(client, parameters));
}
