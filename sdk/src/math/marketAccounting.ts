/**
 * Bigint mirror of the per-market views of `contracts/engine/MarketAccounting.sol`: the mark price, the funding
 * index and the fair price advanced to a timestamp, the current funding rate and the fill-price quote. Same integer
 * steps as the engine, so every value equals the contract view at the same block to the wei.
 */
import { fairPrice } from "./fairPriceMath.js";
import { annualised, fundingRate, indexDelta, ONE_HOUR } from "./fundingMath.js";
import { checkUint256, toInt256 } from "./int256.js";
import { fillPrice, markPriceDown, premium } from "./pricingMath.js";

/** The parameters of `MarketParams` that pricing, funding and the fair price read. */
export interface MarketPricingParams {
  skewScale: bigint;
  maxPremium: bigint;
  /** Fair-price EMA time constant, seconds. */
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
  /** Fair price at `lastUpdateTime`; 0 before the first accrual. */
  fairPrice: bigint;
}

/** One notional tier (`Tier`). */
export interface TierParams {
  upToNotional: bigint;
  maxLeverage: bigint;
  mmr: bigint;
}

/** What valuing a market at a block needs: its parameters, tiers, stored state and the oracle price. */
export interface MarketValuationInput {
  params: MarketPricingParams;
  tiers: readonly TierParams[];
  state: MarketRunningState;
  oraclePrice: bigint;
}

function elapsedSince(state: MarketRunningState, timestamp: bigint): bigint {
  checkUint256(timestamp, "timestamp");
  // `block.timestamp - s.lastUpdateTime` reverts (checked arithmetic) for a timestamp before the last accrual.
  return checkUint256(timestamp - state.lastUpdateTime, "elapsed");
}

/** The skew premium of the market's current skew (`_premium(marketId, s.skew)`). */
export function marketPremium(market: Pick<MarketValuationInput, "params" | "state">): bigint {
  return premium(market.state.skew, market.params.skewScale, market.params.maxPremium);
}

/** The hourly funding rate implied by the current skew (`_rate`). */
export function currentFundingRate(market: Pick<MarketValuationInput, "params" | "state">): bigint {
  const p = market.params;
  return fundingRate(marketPremium(market), toInt256(p.fundingInterest), p.fundingClamp, p.maxFundingRate);
}

/** mark = oracle × (1 + premium(skew)), rounded down (`_markPrice`). */
export function markPrice(
  market: Pick<MarketValuationInput, "params" | "state">,
  oraclePrice: bigint,
): bigint {
  return markPriceDown(oraclePrice, marketPremium(market));
}

/**
 * The funding index as it would be after accruing to `timestamp` at `oraclePrice` (`_pendingIndex`):
 * the stored index plus rate × oracle × elapsed / 3600, truncated toward zero.
 */
export function pendingFundingIndex(
  market: Pick<MarketValuationInput, "params" | "state">,
  oraclePrice: bigint,
  timestamp: bigint,
): bigint {
  const elapsed = elapsedSince(market.state, timestamp);
  if (elapsed === 0n) return market.state.fundingIndex;
  return market.state.fundingIndex + indexDelta(currentFundingRate(market), oraclePrice, elapsed);
}

/**
 * The fair price advanced to `timestamp` with the current `mark` (`_fairNow`): the mark itself before the first
 * accrual, else mark + (fairLast − mark) × w(elapsed / τ).
 */
export function fairPriceNow(
  market: Pick<MarketValuationInput, "params" | "state">,
  mark: bigint,
  timestamp: bigint,
): bigint {
  if (market.state.fairPrice === 0n) return mark;
  return fairPrice(
    mark,
    market.state.fairPrice,
    elapsedSince(market.state, timestamp),
    market.params.fairTau,
  );
}

/** The fill price a trade of `sizeDelta` would get now (`quoteFillPrice`): oracle × (1 + average premium). */
export function quoteFillPrice(
  market: Pick<MarketValuationInput, "params" | "state">,
  oraclePrice: bigint,
  sizeDelta: bigint,
): bigint {
  const { skewScale, maxPremium } = market.params;
  const before = premium(market.state.skew, skewScale, maxPremium);
  const after = premium(market.state.skew + sizeDelta, skewScale, maxPremium);
  return fillPrice(oraclePrice, before, after, sizeDelta > 0n);
}

/** The prices and funding of a market at a block, as `marketPrices` returns them. */
export interface MarketPricesResult {
  oraclePrice: bigint;
  markPrice: bigint;
  fairPrice: bigint;
  premium: bigint;
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
  const oraclePrice = market.oraclePrice;
  const prem = marketPremium(market);
  const mark = markPriceDown(oraclePrice, prem);
  const rate = currentFundingRate(market);
  return {
    oraclePrice,
    markPrice: mark,
    fairPrice: fairPriceNow(market, mark, timestamp),
    premium: prem,
    currentFundingRate: rate,
    annualisedFundingRate: annualised(rate),
    fundingIndex: pendingFundingIndex(market, oraclePrice, timestamp),
    nextHourFundingPerUnit: indexDelta(rate, oraclePrice, ONE_HOUR),
  };
}
