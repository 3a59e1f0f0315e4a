/**
 * Bigint mirror of `contracts/engine/AccountMargin.sol` (SPEC §5): each position valued for the liquidation trigger
 * (at the fair price) or for what is credited to the account (at the worse of its exit price and the fair price); in
 * both, a market whose oracle fails at its last good price moved against the position by the breaker band, with the
 * funding since its last accrual only when it is against the position. The account's equity, initial and maintenance
 * margin, utilisation and withdrawable amount, and the exact liquidation price (the lens's `LiquidationPriceSearch`:
 * for a short doubling then bisection, for a long the tiers' price ranges from the top, the same integer steps as the
 * contract).
 * Every function takes the state of one block and its timestamp and returns what the engine's view returns there.
 */
import { mulDivDown, mulDivFloor, mulDivUp, WAD } from "./fixedPointMath.js";
import { owedCeil } from "./fundingMath.js";
import { checkInt256, MAX_UINT256, toInt256 } from "./int256.js";
import { initialMarginUp, maintenanceMarginUp, notionalUp } from "./marginMath.js";
import {
  fairPriceNow,
  fallbackIndex,
  fallbackPrice,
  markPrice,
  pendingFundingIndex,
  quoteFillPrice,
  requireOracle,
  tierFor,
  type MarketValuationInput,
  type TierParams,
} from "./marketAccounting.js";
import { pnlFloor } from "./positionMath.js";
import { toTokenDown } from "./tokenUnits.js";

export { tierFor } from "./marketAccounting.js";

/** Largest price the liquidation-price search tries (2^128 wei). */
export const MAX_SEARCH_PRICE = 1n << 128n;

/** A stored position (`Position`): signed size, cost basis and the funding index at its last settlement. */
export interface PositionState {
  size: bigint;
  openNotionalUsd: bigint;
  lastFundingIndex: bigint;
}

/** One position of an account together with its market's state at the block. */
export interface AccountPositionInput extends PositionState {
  marketId: bigint;
  market: MarketValuationInput;
}

/** An account at one block: its collateral and every open position (in any order). */
export interface AccountStateInput {
  collateralUsd: bigint;
  positions: readonly AccountPositionInput[];
}

/**
 * How a position is valued: `"fair"` for the liquidation trigger (`accountMarginAtFair`, `maintenanceMargin`,
 * `positionAtFair`), `"credit"` for what is credited to the account (`accountMargin`, the initial-margin check after
 * a trade, `withdrawableUsd`).
 */
export type AccountValuation = "fair" | "credit";

/** One position valued at a price (`PositionValue`). */
export interface PositionValue {
  /**
   * The price used: the fair price (`"fair"`), or the worse for the account of its exit price (the fill its full
   * close would get now) and the fair price (`"credit"`), or the fallback price when its oracle fails.
   */
  price: bigint;
  pnlUsd: bigint;
  /** Funding owed but not settled (positive: owes). */
  fundingOwedUsd: bigint;
  notionalUsd: bigint;
  initialMarginUsd: bigint;
  maintenanceMarginUsd: bigint;
  /** The tier the notional falls in. */
  tier: TierParams;
  /**
   * The market's oracle fails: valued (in either valuation) at its fallback price, with funding since its last
   * accrual only when it is against the position ({@link fallbackIndex}).
   */
  fallback: boolean;
}

/** The margin summary (`MarginSummary` struct), all 18-decimal USD. */
export interface AccountMarginResult {
  collateralUsd: bigint;
  equityUsd: bigint;
  initialMarginUsd: bigint;
  maintenanceMarginUsd: bigint;
  /** Σ MM / equity (18 decimals, rounded up); 2^256 − 1 when equity ≤ 0 with open positions. */
  marginUtilisation: bigint;
  withdrawableUsd: bigint;
}

function checkValuation(valuation: AccountValuation): AccountValuation {
  if (valuation !== "fair" && valuation !== "credit")
    throw new TypeError(`valuation must be "fair" or "credit", got ${String(valuation)}`);
  return valuation;
}

/**
 * Values one position (`_valuePosition`) at `timestamp`. `"fair"`: at the fair price. `"credit"`: at the worse for
 * the account of its exit price (`quoteFillPrice(−size)`) and the fair price. Either way, with
 * `market.oracleValid === false`, at {@link fallbackPrice} against the position (down for a long, up for a short)
 * with {@link fallbackIndex} (funding since the last accrual, at the fallback price, only when the position owes it).
 * Notional, IM and MM are at that same price.
 */
export function valuePosition(
  p: AccountPositionInput,
  timestamp: bigint,
  valuation: AccountValuation,
): PositionValue {
  const credit = checkValuation(valuation) === "credit";
  const { market } = p;
  let price: bigint;
  let index: bigint;
  const fallback = market.oracleValid === false;
  if (fallback) {
    price = fallbackPrice(market, p.size < 0n);
    index = fallbackIndex(market, price, p.size > 0n, timestamp);
  } else {
    price = fairPriceNow(market, market.oraclePrice, timestamp);
    if (credit) {
      const exit = quoteFillPrice(market, market.oraclePrice, -p.size);
      if (p.size > 0n ? exit < price : exit > price) price = exit;
    }
    index = pendingFundingIndex(market, market.oraclePrice, timestamp);
  }
  const notional = notionalUp(p.size, price);
  const tier = tierFor(market.tiers, notional);
  return {
    price,
    pnlUsd: pnlFloor(p.size, p.openNotionalUsd, price),
    fundingOwedUsd: owedCeil(p.size, checkInt256(index - p.lastFundingIndex)),
    notionalUsd: notional,
    initialMarginUsd: initialMarginUp(notional, tier.maxLeverage),
    maintenanceMarginUsd: maintenanceMarginUp(notional, tier.mmr),
    tier,
    fallback,
  };
}

/**
 * The margin summary (`_margin`): what is credited (`"credit"`, the default: `accountMargin`) or the liquidation
 * trigger's (`"fair"`: `accountMarginAtFair`). equity = collateral + Σ (PnL − funding owed), Σ IM, Σ MM, utilisation
 * = Σ MM / equity rounded up, withdrawable = max(0, min(collateral, equity − Σ IM)). A market whose oracle fails
 * counts at its worst case within the breaker band in either valuation (the engine's views do not revert), so a
 * failing market neither shields the account from liquidation nor holds the rest of it hostage.
 */
export function accountMargin(
  account: AccountStateInput,
  timestamp: bigint,
  valuation: AccountValuation = "credit",
): AccountMarginResult {
  checkValuation(valuation);
  const collateral = checkInt256(account.collateralUsd, "collateral");
  let equity = collateral;
  let initialMargin = 0n;
  let maintenanceMargin = 0n;
  for (const p of account.positions) {
    if (p.size === 0n) continue;
    const v = valuePosition(p, timestamp, valuation);
    equity = checkInt256(equity + checkInt256(v.pnlUsd - v.fundingOwedUsd), "equity");
    initialMargin += v.initialMarginUsd;
    maintenanceMargin += v.maintenanceMarginUsd;
  }
  const free = checkInt256(equity - toInt256(initialMargin, "initialMargin"));
  let withdrawable = 0n;
  if (free > 0n && collateral > 0n) withdrawable = free < collateral ? free : collateral;
  let marginUtilisation = 0n;
  if (equity > 0n) marginUtilisation = mulDivUp(maintenanceMargin, WAD, equity);
  else if (maintenanceMargin > 0n) marginUtilisation = MAX_UINT256;
  return {
    collateralUsd: collateral,
    equityUsd: equity,
    initialMarginUsd: initialMargin,
    maintenanceMarginUsd: maintenanceMargin,
    marginUtilisation,
    withdrawableUsd: withdrawable,
  };
}

/** The margin summary at fair prices (`accountMarginAtFair`): what liquidation uses. */
export function accountMarginAtFair(account: AccountStateInput, timestamp: bigint): AccountMarginResult {
  return accountMargin(account, timestamp, "fair");
}

/** equity − Σ MM at fair prices (`maintenanceMargin`): the account is liquidatable when this is negative. */
export function maintenanceMargin(account: AccountStateInput, timestamp: bigint): bigint {
  const m = accountMargin(account, timestamp, "fair");
  return checkInt256(m.equityUsd - toInt256(m.maintenanceMarginUsd));
}

/**
 * What the collateral vault lets the account withdraw, 18-decimal USD (`CollateralVault.withdrawableUsd` with the
 * engine as guard): 0 for collateral ≤ 0; all of it for a flat account; else the margin summary's withdrawable.
 */
export function withdrawableUsd(account: AccountStateInput, timestamp: bigint): bigint {
  const balance = checkInt256(account.collateralUsd, "collateral");
  if (balance <= 0n) return 0n;
  if (!account.positions.some((p) => p.size !== 0n)) return balance;
  const free = accountMargin(account, timestamp, "credit").withdrawableUsd;
  return free < balance ? free : balance;
}

/** {@link withdrawableUsd} in USDC units, rounded down (`CollateralVault.maxWithdraw`). */
export function maxWithdraw(account: AccountStateInput, timestamp: bigint): bigint {
  return toTokenDown(withdrawableUsd(account, timestamp));
}

/**
 * One position at the fair price (`positionAtFair`): its value (PnL minus unsettled funding) and its maintenance
 * margin; zeros for no position.
 */
export function positionAtFair(
  p: AccountPositionInput,
  timestamp: bigint,
): { valueUsd: bigint; maintenanceMarginUsd: bigint } {
  if (p.size === 0n) return { valueUsd: 0n, maintenanceMarginUsd: 0n };
  requireOracle(p.market, "positionAtFair"); // the view reads the oracle itself: it reverts while the oracle fails
  const v = valuePosition(p, timestamp, "fair");
  return { valueUsd: checkInt256(v.pnlUsd - v.fundingOwedUsd), maintenanceMarginUsd: v.maintenanceMarginUsd };
}

/** Funding the position owes now but has not settled, USD (`accruedFunding`; 0 for no position). */
export function accruedFunding(p: AccountPositionInput, timestamp: bigint): bigint {
  if (p.size === 0n) return 0n;
  requireOracle(p.market, "accruedFunding");
  const index = pendingFundingIndex(p.market, p.market.oraclePrice, timestamp);
  return owedCeil(p.size, checkInt256(index - p.lastFundingIndex));
}

/** Unrealised PnL at the mark price, USD (`unrealisedPnl`; 0 for no position). */
export function unrealisedPnl(p: AccountPositionInput): bigint {
  if (p.size === 0n) return 0n;
  requireOracle(p.market, "unrealisedPnl");
  return pnlFloor(p.size, p.openNotionalUsd, markPrice(p.market, p.market.oraclePrice));
}

/**
 * f(P) = base + ⌊size × P⌋ − MM(notional(size, P)) (`LiquidationPriceSearch.maintenanceAt`): the account's maintenance margin when the
 * position's market is at fair price P; liquidatable when negative.
 */
export function maintenanceAt(
  base: bigint,
  size: bigint,
  tiers: readonly TierParams[],
  price: bigint,
): bigint {
  const notional = notionalUp(size, price);
  const mmr = tierFor(tiers, notional).mmr;
  const value = mulDivFloor(size, toInt256(price, "price"), WAD);
  return checkInt256(base + value - toInt256(maintenanceMarginUp(notional, mmr)), "maintenance margin");
}

/**
 * The prices at which a long of `size` falls in tier `i` (`_priceRange`): notional = ⌈size × P / 10^18⌉ in
 * (upTo[i − 1], upTo[i]], i.e. P in [⌊upTo[i − 1] × 10^18 / size⌋ + 1, ⌊upTo[i] × 10^18 / size⌋]; the first tier
 * starts at 1 wei, the last one (which also applies above its cap) ends at {@link MAX_SEARCH_PRICE}.
 */
function priceRange(size: bigint, tiers: readonly TierParams[], i: number): { lo: bigint; hi: bigint } {
  const lo = i === 0 ? 1n : mulDivDown(tiers[i - 1].upToNotionalUsd, WAD, size) + 1n;
  if (i + 1 === tiers.length) return { lo, hi: MAX_SEARCH_PRICE };
  const top = mulDivDown(tiers[i].upToNotionalUsd, WAD, size);
  return { lo, hi: top < MAX_SEARCH_PRICE ? top : MAX_SEARCH_PRICE };
}

/**
 * `LiquidationPriceSearch.search`. A short's f falls as P rises (within a tier and at every tier boundary), so its
 * liquidatable prices are one interval [P, ∞): brackets by doubling from 1 wei, then bisects; the lowest price with
 * f < 0 (1 if already liquidatable at 1 wei, 0 if none up to 2^128). A long's f rises within a tier but drops at
 * each tier boundary (its mmr steps up), so its liquidatable prices can be several intervals: the tiers' price ranges
 * are taken from the highest down, and the highest liquidatable price of the first range that has one is returned
 * (bisection within the range); 0 if none. 0 for size 0.
 */
export function searchLiquidationPrice(base: bigint, size: bigint, tiers: readonly TierParams[]): bigint {
  if (size === 0n) return 0n;
  const bad = (price: bigint) => maintenanceAt(base, size, tiers, price) < 0n;
  if (size > 0n) {
    for (let i = tiers.length; i > 0; i--) {
      let { lo, hi } = priceRange(size, tiers, i - 1);
      if (lo > hi || !bad(lo)) continue;
      if (bad(hi)) return hi;
      // f(lo) < 0 ≤ f(hi), f increasing in between: the highest bad price.
      while (hi - lo > 1n) {
        const mid = lo + (hi - lo) / 2n;
        if (bad(mid)) lo = mid;
        else hi = mid;
      }
      return lo;
    }
    return 0n;
  }
  let probe = 1n;
  if (bad(probe)) return 1n;
  while (probe < MAX_SEARCH_PRICE && !bad(probe)) probe <<= 1n;
  if (!bad(probe)) return 0n;
  let lo = probe >> 1n; // good
  let hi = probe; // bad
  while (hi - lo > 1n) {
    const mid = lo + (hi - lo) / 2n;
    if (bad(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The fair price of `marketId` at which the account's maintenance margin turns negative, other positions held at
 * their fair prices advanced to `timestamp` (`PerpLens.liquidationPrice`): for a long the highest such price, for a
 * short the lowest; 0 when no positive price makes the account liquidatable, or when it has no position there.
 * base = collateral − openNotional − accruedFunding + Σ over the other positions of (value − MM) at fair
 * (`positionAtFair`).
 */
export function liquidationPrice(account: AccountStateInput, marketId: bigint, timestamp: bigint): bigint {
  const target = account.positions.find((p) => p.marketId === marketId);
  if (target === undefined || target.size === 0n) return 0n;
  let base = checkInt256(checkInt256(account.collateralUsd) - target.openNotionalUsd);
  base = checkInt256(base - accruedFunding(target, timestamp));
  for (const p of account.positions) {
    if (p.size === 0n || p.marketId === marketId) continue;
    const { valueUsd: value, maintenanceMarginUsd: mm } = positionAtFair(p, timestamp);
    base = checkInt256(base + value - toInt256(mm));
  }
  return searchLiquidationPrice(base, target.size, target.market.tiers);
}
