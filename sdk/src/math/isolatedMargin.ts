/**
 * Isolated positions: one position alone in a fresh sub-account (no other position, no debt), so its margin is its
 * own collateral and its liquidation price depends on nothing else the owner holds. The engine has no isolated mode:
 * an isolated position is an ordinary cross-margin account that holds one position (see `docs/DESIGN.md`,
 * "Sub-accounts and isolated margin"); these are the SDK's exact previews of opening one.
 */
import { mulDivDown, mulDivUp, WAD } from "./fixedPointMath.js";
import { notionalUp } from "./marginMath.js";
import { liquidationPrice } from "./accountMargin.js";
import { quoteFillPrice } from "./marketAccounting.js";
import { TOKEN_TO_USD_SCALE, toUsd } from "./tokenUnits.js";
import {
  previewTrade,
  sizeForLeverage,
  type TradeContext,
  type TradeMarketInput,
  type TradePreview,
} from "./tradePreview.js";

/**
 * How an isolated position is sized: exactly two of the size, the leverage and the collateral.
 * - `size` and `collateralUsdc`: as given.
 * - `size` and `leverage`: the collateral is the notional at the quoted fill divided by the leverage, rounded up to a
 *   whole USDC unit: ⌈⌈size × fill / 10^18⌉ × 10^18 / leverage / 10^12⌉ USDC.
 * - `leverage` and `collateralUsdc`: the size is ⌊collateral × leverage / fill⌋ (`sizeForLeverage`), the fill quoted
 *   for the size the leverage gives at the oracle price, as `openPosition({ leverage })` sizes.
 */
export type IsolatedSizing =
  | { size: bigint; collateralUsdc: bigint; leverage?: undefined }
  | { size: bigint; leverage: bigint; collateralUsdc?: undefined }
  | { leverage: bigint; collateralUsdc: bigint; size?: undefined };

/** The preview of an isolated position: what it opens with, at what fill, and where it is liquidated. */
export interface IsolatedPositionPreview {
  marketId: bigint;
  side: "long" | "short";
  /** Units opened (18 decimals, positive). */
  size: bigint;
  /** The collateral moved into the sub-account, USDC units (6 decimals). */
  collateralUsdc: bigint;
  /** The same in 18-decimal USD. */
  collateralUsd: bigint;
  fillPrice: bigint;
  feeUsd: bigint;
  /** The position's notional at the fill, ⌈size × fill / 10^18⌉, USD. */
  notionalUsd: bigint;
  /** Notional at the fill over the collateral, 18 decimals (⌊notional × 10^18 / collateral⌋). */
  leverage: bigint;
  /**
   * The fair price at which the sub-account becomes liquidatable (`PerpLens.liquidationPrice` of the sub-account
   * once opened, at the same timestamp): for a long the highest such price, for a short the lowest; 0 when none.
   */
  liquidationPrice: bigint;
  /** The engine-exact preview of the open on the fresh sub-account (its `failure` set if the engine would refuse). */
  preview: TradePreview;
}

/**
 * The size and collateral an isolated position opens with (see {@link IsolatedSizing}), in market `market` at its
 * oracle price. Throws a RangeError for a non-positive input, for a sizing that is not exactly two of the three, and
 * for a leverage that buys no size.
 */
export function isolatedSizing(
  market: TradeMarketInput,
  side: "long" | "short",
  sizing: IsolatedSizing,
): { size: bigint; collateralUsdc: bigint } {
  const given = [sizing.size, sizing.leverage, sizing.collateralUsdc].filter((v) => v !== undefined).length;
  if (given !== 2) throw new RangeError("Give exactly two of size, leverage and collateralUsdc.");
  for (const [name, v] of [
    ["size", sizing.size],
    ["leverage", sizing.leverage],
    ["collateralUsdc", sizing.collateralUsdc],
  ] as const)
    if (v !== undefined && v <= 0n) throw new RangeError(`${name} must be greater than zero: ${v}`);
  const sign = side === "long" ? 1n : -1n;
  if (sizing.size !== undefined && sizing.collateralUsdc !== undefined)
    return { size: sizing.size, collateralUsdc: sizing.collateralUsdc };
  if (sizing.size !== undefined) {
    const fill = quoteFillPrice(market, market.oraclePrice, sign * sizing.size);
    const marginUsd = mulDivUp(notionalUp(sizing.size, fill), WAD, sizing.leverage!);
    return { size: sizing.size, collateralUsdc: (marginUsd + TOKEN_TO_USD_SCALE - 1n) / TOKEN_TO_USD_SCALE };
  }
  const collateralUsd = toUsd(sizing.collateralUsdc);
  const atOracle = mulDivDown(collateralUsd, sizing.leverage, market.oraclePrice);
  if (atOracle === 0n) throw new RangeError("The leverage buys no size at the oracle price.");
  const fill = quoteFillPrice(market, market.oraclePrice, sign * atOracle);
  const size = sizeForLeverage(collateralUsd, sizing.leverage, fill);
  if (size === 0n) throw new RangeError("The leverage buys no size at the fill price.");
  return { size, collateralUsdc: sizing.collateralUsdc };
}

/**
 * Previews an isolated position opened at `timestamp` on a fresh sub-account (flat, collateral exactly the amount
 * moved in): the engine's trade on that account (`previewTrade`, the same checks and rounding) and the liquidation
 * price of the account it leaves (`liquidationPrice`, the lens's search). `market` and `context` are the chain's state
 * before the open (the market is accrued to `timestamp` by the preview, as the engine accrues it).
 */
export function previewIsolatedPosition(
  market: TradeMarketInput,
  side: "long" | "short",
  sizing: IsolatedSizing,
  timestamp: bigint,
  context: TradeContext = {},
): IsolatedPositionPreview {
  const { size, collateralUsdc } = isolatedSizing(market, side, sizing);
  const collateralUsd = toUsd(collateralUsdc);
  const sizeDelta = side === "long" ? size : -size;
  const preview = previewTrade(
    { collateralUsd, positions: [] },
    market,
    sizeDelta,
    timestamp,
    undefined,
    context,
  );
  const notionalUsd = notionalUp(size, preview.fillPrice);
  return {
    marketId: market.marketId,
    side,
    size,
    collateralUsdc,
    collateralUsd,
    fillPrice: preview.fillPrice,
    feeUsd: preview.feeUsd,
    notionalUsd,
    leverage: mulDivDown(notionalUsd, WAD, collateralUsd),
    liquidationPrice:
      preview.failure === undefined ? liquidationPrice(preview.accountAfter, market.marketId, timestamp) : 0n,
    preview,
  };
}
