/**
 * Bigint mirror of the per-market views of `contracts/engine/MarketAccounting.sol` and the accrual of
 * `contracts/libraries/MarketAccrual.sol`: the mark price, the funding index and the fair premium advanced to a
 * timestamp, the fair price (oracle × (1 + fair premium)), the current funding rate, the fill-price quote, the
 * forced-close bound and its quote with the dust rule (`PerpEngine.quoteForcedClose`), the fallback price and
 * funding index of a market whose oracle fails, the tier lookup, and one accrual. Same integer steps as the engine, so every value equals the contract view at the same
 * block to the wei.
 */
import { fairPremium } from "./fairPriceMath.js";
import { mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
import { annualised, fundingRate, indexDelta, ONE_HOUR } from "./fundingMath.js";
import { checkInt256, checkUint256, toInt256 } from "./int256.js";
import { initialMarginUp, notionalUp } from "./marginMath.js";
import { fillPrice, fitForcedClose, markPriceDown, premium } from "./pricingMath.js";

/** The most the fair premium moves per hour (0.1 % of the oracle price, `MarketAccrual.FAIR_DRIFT_PER_HOUR`). */
export const FAIR_DRIFT_PER_HOUR = 10n ** 15n;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const INT128_MIN = -(1n << 127n);
const INT128_MAX = (1n << 127n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;

/** The parameters of `MarketParams` that pricing, funding and the fair premium read. */
export interface MarketPricingParams {
  skewScale: bigint;
  maxPremium: bigint;
  /** Fair-premium EMA time constant, seconds. */
  fairTau: bigint;
  fundingInterest: bigint;
  fundingClamp: bigint;
  maxFundingRate: bigint;
}

/** The fields of `MarketState` that valuation reads. */
export interface MarketRunningState {
  skew: bigint;
  /** Seconds (block timestamp) of the last accrual. */
  lastUpdateTime: bigint;
  fundingIndex: bigint;
  /** Fair premium at `lastUpdateTime` (18-decimal fraction; 0 at listing). */
  fairPremium: bigint;
  /** The oracle price the last accrual read: the last good price, from which a failing oracle's fallback is built. */
  lastOraclePrice: bigint;
}

/** One notional tier (`NotionalTier`). */
export interface TierParams {
  upToNotionalUsd: bigint;
  maxLeverage: bigint;
  mmr: bigint;
}

/** The circuit-breaker thresholds valuation and the trade checks read (`BreakerParams`). */
export interface BreakerThresholds {
  /** The oracle-move band: also how far a failing oracle's last good price is moved against a position. */
  maxOracleMove: bigint;
  /** The funding band: an increase of |skew| may not take |hourly rate| beyond it. */
  maxFundingRate: bigint;
}

/** What valuing a market at a block needs: its parameters, tiers, stored state and the oracle price. */
export interface MarketValuationInput {
  params: MarketPricingParams;
  tiers: readonly TierParams[];
  state: MarketRunningState;
  oraclePrice: bigint;
  /**
   * False when the oracle reverts at this block (the lens's `oracleValid`; default true). The credit and the trigger
   * valuations of an account then value the market at {@link fallbackPrice} (which needs `circuitBreaker`) with
   * {@link fallbackIndex}, as the engine does; `positionAtFair`, the market views and every quote throw, as the
   * engine reverts.
   */
  oracleValid?: boolean;
  /** The market's breaker thresholds (needed for the fallback price and the funding breaker). */
  circuitBreaker?: BreakerThresholds;
}

type MarketCore = Pick<MarketValuationInput, "params" | "state">;

function elapsedSince(state: MarketRunningState, timestamp: bigint): bigint {
  checkUint256(timestamp, "timestamp");
  // `block.timestamp - s.lastUpdateTime` reverts (checked arithmetic) for a timestamp before the last accrual.
  return checkUint256(timestamp - state.lastUpdateTime, "elapsed");
}

/** Throws (as the engine reverts) when the market's oracle fails at this block. */
export function requireOracle(market: Pick<MarketValuationInput, "oracleValid">, what: string): void {
  if (market.oracleValid === false) throw new RangeError(`${what}: the market's oracle reverts`);
}

/** The skew premium of the market's current skew (`_premium(marketId, s.skew)`). */
export function marketPremium(market: MarketCore): bigint {
  return premium(market.state.skew, market.params.skewScale, market.params.maxPremium);
}

/** The hourly funding rate at `premium_` (`MarketAccrual.rate`). */
export function fundingRateAt(market: Pick<MarketValuationInput, "params">, premium_: bigint): bigint {
  const p = market.params;
  return fundingRate(premium_, toInt256(p.fundingInterest), p.fundingClamp, p.maxFundingRate);
}

/** The hourly funding rate implied by the current skew (`_rate`). */
export function currentFundingRate(market: MarketCore): bigint {
  return fundingRateAt(market, marketPremium(market));
}

/** mark = oracle × (1 + premium(skew)), rounded down (`_markPrice`). */
export function markPrice(market: MarketCore, oraclePrice: bigint): bigint {
  return markPriceDown(oraclePrice, marketPremium(market));
}

/**
 * The funding index as it would be after accruing to `timestamp` at `oraclePrice` (`_pendingIndex`):
 * the stored index plus rate × oracle × elapsed / 3600, truncated toward zero.
 */
export function pendingFundingIndex(market: MarketCore, oraclePrice: bigint, timestamp: bigint): bigint {
  const elapsed = elapsedSince(market.state, timestamp);
  if (elapsed === 0n) return market.state.fundingIndex;
  return checkInt256(
    market.state.fundingIndex + indexDelta(currentFundingRate(market), oraclePrice, elapsed),
    "fundingIndex",
  );
}

/** `int64(x)` where it is value-preserving; throws where the contract's cast would wrap. */
function toInt64(x: bigint, what: string): bigint {
  if (x < INT64_MIN || x > INT64_MAX) throw new RangeError(`${what} does not fit int64: ${x}`);
  return x;
}

/**
 * The fair premium `elapsed` seconds after `last` with the skew premium at `premium_` (`fairPremiumAfter`):
 * {@link fairPremium} with the market's τ and {@link FAIR_DRIFT_PER_HOUR}, stored as an int64.
 */
export function fairPremiumAfter(
  market: Pick<MarketValuationInput, "params">,
  last: bigint,
  premium_: bigint,
  elapsed: bigint,
): bigint {
  return toInt64(
    fairPremium(last, premium_, elapsed, market.params.fairTau, FAIR_DRIFT_PER_HOUR),
    "fair premium",
  );
}

/** The fair premium advanced to `timestamp` with the premium of the current skew (`fairPremiumNow`). */
export function fairPremiumNow(market: MarketCore, timestamp: bigint): bigint {
  return fairPremiumAfter(
    market,
    market.state.fairPremium,
    marketPremium(market),
    elapsedSince(market.state, timestamp),
  );
}

/**
 * The fair price at `timestamp` (`_fairNow`): oracle × (1 + fair premium now), rounded down: the price liquidation
 * is judged at. It follows the oracle at once; only its premium term is slow.
 */
export function fairPriceNow(market: MarketCore, oraclePrice: bigint, timestamp: bigint): bigint {
  return markPriceDown(oraclePrice, fairPremiumNow(market, timestamp));
}

/**
 * The fill price a trade of `sizeDelta` would get now (`quoteFillPrice`): oracle × (1 + the exact average of the
 * clamped premium over the skew path). Throws for `sizeDelta` = 0 (`ZeroSizeDelta`).
 */
export function quoteFillPrice(market: MarketCore, oraclePrice: bigint, sizeDelta: bigint): bigint {
  if (sizeDelta === 0n) throw new RangeError("quoteFillPrice: ZeroSizeDelta");
  const { skewScale, maxPremium } = market.params;
  return fillPrice(oraclePrice, market.state.skew, sizeDelta, skewScale, maxPremium);
}

/** The tier whose range holds `notional`; the last tier above its cap (`_tierFor`). */
export function tierFor(tiers: readonly TierParams[], notional: bigint): TierParams {
  if (tiers.length === 0) throw new RangeError("market has no tiers");
  const last = tiers.length - 1;
  for (let i = 0; i < last; i++) if (notional <= tiers[i].upToNotionalUsd) return tiers[i];
  return tiers[last];
}

/**
 * The bound of a forced close of `sizeDelta` at `timestamp` (`_fitToBound`): the fill the whole close would get from
 * the skew whose premium is the fair premium, ⌊fairPremium × skewScale / 10^18⌋ truncated toward zero. A forced
 * close fills on the live skew only as far as its average fill is no worse than this.
 */
export function forcedCloseBound(
  market: MarketCore,
  oraclePrice: bigint,
  sizeDelta: bigint,
  timestamp: bigint,
): bigint {
  const { skewScale, maxPremium } = market.params;
  const fairSkew = mulDivTrunc(fairPremiumNow(market, timestamp), toInt256(skewScale), WAD);
  return fillPrice(oraclePrice, fairSkew, sizeDelta, skewScale, maxPremium);
}

/** What {@link quoteForcedClose} returns. */
export interface ForcedCloseQuote {
  /**
   * The size delta that fits its bound (same sign as asked, possibly 0), or the whole position (−positionSize) when a
   * cut would leave it below the minimum position margin.
   */
  sizeClosed: bigint;
  /** Its fill on the live skew (0 when nothing closes). */
  fillPrice: bigint;
  /** The bound: the fill of the whole close from the fair premium's skew. */
  boundPrice: bigint;
  /** The bound cut the close (`ForcedCloseBounded`: `sizeClosed` ≠ the size asked). */
  cut: boolean;
  /** A cut would have left dust, so the whole position closes at the live fill instead. */
  closesAll: boolean;
}

/** A market as a forced close reads it: its pricing, the minimum position margin and the tiers (the dust rule). */
export interface ForcedCloseMarket extends MarketCore {
  params: MarketPricingParams & { minPositionMarginUsd: bigint };
  tiers: readonly TierParams[];
}

/**
 * What a forced close (liquidation or pnl-factor reduction) of `sizeDelta` of a position of `positionSize` would fill
 * at `timestamp` (`PerpEngine.quoteForcedClose(account, marketId, sizeDelta)`, and the fit `forcedClose` applies after
 * its accrual, `_fitted`): the largest part whose average fill on the live skew stays within
 * {@link forcedCloseBound} (`fitForcedClose`); but when that cuts the close and the position it would leave
 * (positionSize + fitted) has an initial margin at the oracle price (its tier) below `minPositionMarginUsd`, the whole
 * position instead (−positionSize, at the live fill), so a forced close never leaves dust. The fill is 0 when nothing
 * closes. Throws for `sizeDelta` = 0 (`ZeroSizeDelta`). Like the view it does not check that `sizeDelta` reduces
 * the position.
 */
export function quoteForcedClose(
  market: ForcedCloseMarket,
  oraclePrice: bigint,
  positionSize: bigint,
  sizeDelta: bigint,
  timestamp: bigint,
): ForcedCloseQuote {
  if (sizeDelta === 0n) throw new RangeError("quoteForcedClose: ZeroSizeDelta");
  checkInt256(positionSize, "positionSize");
  const { skewScale, maxPremium } = market.params;
  const boundPrice = forcedCloseBound(market, oraclePrice, sizeDelta, timestamp);
  const fit = fitForcedClose(oraclePrice, market.state.skew, sizeDelta, boundPrice, skewScale, maxPremium);
  let sizeClosed = sizeDelta > 0n ? fit : -fit;
  let closesAll = false;
  if (sizeClosed !== sizeDelta) {
    const notional = notionalUp(checkInt256(positionSize + sizeClosed, "size left"), oraclePrice);
    const im = initialMarginUp(notional, tierFor(market.tiers, notional).maxLeverage);
    if (im < market.params.minPositionMarginUsd) {
      sizeClosed = checkInt256(-positionSize, "-size");
      closesAll = true;
    }
  }
  const fill =
    sizeClosed === 0n ? 0n : fillPrice(oraclePrice, market.state.skew, sizeClosed, skewScale, maxPremium);
  return { sizeClosed, fillPrice: fill, boundPrice, cut: sizeClosed !== sizeDelta, closesAll };
}

/**
 * The last good oracle price moved to its worst case within the oracle-move breaker band (`_fallbackPrice`):
 * lastOraclePrice × (1 + band) rounded up (`up`), or × (1 − band) rounded down. The credit valuation of a position
 * whose oracle fails uses it against the position (up for a short, down for a long); the liquidity vault's
 * valuation against the vault.
 */
export function fallbackPrice(
  market: Pick<MarketValuationInput, "state" | "circuitBreaker">,
  up: boolean,
): bigint {
  const band = market.circuitBreaker?.maxOracleMove;
  if (band === undefined)
    throw new RangeError("fallbackPrice needs the market's circuitBreaker.maxOracleMove");
  const last = market.state.lastOraclePrice;
  return up ? mulDivUp(last, WAD + band, WAD) : mulDivDown(last, checkUint256(WAD - band, "1 − band"), WAD);
}

/**
 * The funding index a holder of one side is charged while its market's oracle fails (`_fallbackIndex`): the stored
 * index, or the one accrued to `timestamp` at `fallbackPrice` ({@link pendingFundingIndex}) when that is worse for
 * the holder (higher for a long, who pays as it rises; lower for a short). Funding in the holder's favour since the
 * last accrual is not counted.
 */
export function fallbackIndex(
  market: MarketCore,
  fallbackPrice_: bigint,
  holderLong: boolean,
  timestamp: bigint,
): bigint {
  const stored = market.state.fundingIndex;
  const pending = pendingFundingIndex(market, fallbackPrice_, timestamp);
  return holderLong === pending > stored ? pending : stored;
}

/** A market's stored state after {@link accrueMarket}. */
export interface AccruedState extends MarketRunningState {
  /** The hourly rate applied over the interval (`lastFundingRate`). */
  lastFundingRate: bigint;
}

/**
 * One accrual to `timestamp` at `oraclePrice` (`MarketAccrual.accrue`): nothing when the market already accrued at
 * this timestamp; else the index advances by the current rate, the fair premium by {@link fairPremiumAfter}, the
 * rate and the oracle price are stored. (The breaker reference, stored apart, is not part of the result.)
 */
export function accrueMarket<S extends MarketRunningState & { lastFundingRate?: bigint }>(
  market: { params: MarketPricingParams; state: S },
  oraclePrice: bigint,
  timestamp: bigint,
): S & AccruedState {
  const s = market.state;
  const elapsed = elapsedSince(s, timestamp);
  if (elapsed === 0n) return { ...s, lastFundingRate: s.lastFundingRate ?? 0n };
  const premium_ = marketPremium(market);
  const rate = fundingRateAt(market, premium_);
  const index = checkInt256(s.fundingIndex + indexDelta(rate, oraclePrice, elapsed), "fundingIndex");
  if (index < INT128_MIN || index > INT128_MAX)
    throw new RangeError(`fundingIndex does not fit int128: ${index}`);
  if (oraclePrice > UINT128_MAX) throw new RangeError(`oraclePrice does not fit uint128: ${oraclePrice}`);
  return {
    ...s,
    lastUpdateTime: timestamp,
    lastFundingRate: rate,
    fairPremium: fairPremiumAfter(market, s.fairPremium, premium_, elapsed),
    fundingIndex: index,
    lastOraclePrice: oraclePrice,
  };
}

/** The prices and funding of a market at a block, as `marketPrices` returns them. */
export interface MarketPricesResult {
  oraclePrice: bigint;
  markPrice: bigint;
  /** oracle × (1 + fairPremium), rounded down. */
  fairPrice: bigint;
  premium: bigint;
  /** The fair premium advanced to the timestamp. */
  fairPremium: bigint;
  currentFundingRate: bigint;
  annualisedFundingRate: bigint;
  /** The funding index advanced to the timestamp. */
  fundingIndex: bigint;
  /**
   * USD one unit (10^18) of long size pays over the next hour at the current rate and oracle price (negative:
   * receives); a short receives the same: `indexDelta(rate, oracle, 3600)`.
   */
  nextHourFundingPerUnit: bigint;
}

/** Mirror of the engine's `marketPrices` view at `timestamp`, plus the next hour's funding per unit. */
export function marketPrices(market: MarketValuationInput, timestamp: bigint): MarketPricesResult {
  requireOracle(market, "marketPrices");
  const oraclePrice = market.oraclePrice;
  const prem = marketPremium(market);
  const rate = currentFundingRate(market);
  const fair = fairPremiumNow(market, timestamp);
  return {
    oraclePrice,
    markPrice: markPriceDown(oraclePrice, prem),
    fairPrice: markPriceDown(oraclePrice, fair),
    premium: prem,
    fairPremium: fair,
    currentFundingRate: rate,
    annualisedFundingRate: annualised(rate),
    fundingIndex: pendingFundingIndex(market, oraclePrice, timestamp),
    nextHourFundingPerUnit: indexDelta(rate, oraclePrice, ONE_HOUR),
  };
}
