/**
 * Bigint mirror of `PerpEngine.trade` without the writes: what a trade of `sizeDelta` would do to an account at a
 * given block (accrual, fill price, fee, funding settlement, realised PnL, the new position and collateral) and the
 * first check the engine would fail, in the engine's order. The SDK uses it to validate a trade and to derive the
 * acceptable price before it sends a transaction.
 */
import { abs, mulDivDown, mulDivUp } from "./fixedPointMath.js";
import { fairPrice } from "./fairPriceMath.js";
import { indexDelta, owedCeil } from "./fundingMath.js";
import { checkInt256, checkUint256, toInt256 } from "./int256.js";
import { initialMarginUp, notionalUp } from "./marginMath.js";
import {
  currentFundingRate,
  markPrice,
  type MarketPricingParams,
  type MarketRunningState,
  type MarketValuationInput,
  type TierParams,
} from "./marketAccounting.js";
import {
  accountMargin,
  tierFor,
  type AccountMarginResult,
  type AccountPositionInput,
  type AccountStateInput,
} from "./accountMargin.js";
import { fillPrice, premium, tradeFeeUp } from "./pricingMath.js";
import { applyTrade } from "./positionMath.js";

/** A market as a trade reads it: valuation inputs plus fees, caps and the reduce-only flags. */
export interface TradeMarketInput extends MarketValuationInput {
  marketId: bigint;
  params: MarketPricingParams & {
    makerFee: bigint;
    takerFee: bigint;
    maxOpenInterest: bigint;
    maxSkew: bigint;
    minPositionMargin: bigint;
  };
  state: MarketRunningState & { openInterestLong: bigint; openInterestShort: bigint };
  /** Paused (the market or everything): only reducing trades pass. */
  reduceOnly?: boolean;
  /** Circuit-breaker conditions now (either makes opening trades revert). */
  breakerOracleMove?: boolean;
  breakerFunding?: boolean;
}

/** The first engine check a trade fails, named and shaped like the contract's custom error. */
export type TradeCheckFailure =
  | { error: "ZeroSizeDelta" }
  | { error: "MarketReduceOnly"; marketId: bigint }
  | { error: "CircuitBreakerTripped"; marketId: bigint; reason: "oracleMove" | "funding" }
  | { error: "SlippageExceeded"; fillPrice: bigint; acceptablePrice: bigint }
  | { error: "OpenInterestCapExceeded"; marketId: bigint; openInterest: bigint; cap: bigint }
  | { error: "MaxSkewExceeded"; marketId: bigint; absSkew: bigint; maxSkew: bigint }
  | { error: "NotionalAboveMaxTier"; notional: bigint; maxNotional: bigint }
  | { error: "PositionBelowMinimumMargin"; initialMargin: bigint; minPositionMargin: bigint }
  | { error: "InsufficientMargin"; equity: bigint; initialMargin: bigint }
  | { error: "BankruptCloseNeedsLiquidation"; collateral: bigint };

/** What a trade would do (see {@link previewTrade}). */
export interface TradePreview {
  sizeDelta: bigint;
  /** Only reduces an existing position (skips caps and the margin check). */
  reducing: boolean;
  fillPrice: bigint;
  fee: bigint;
  /** Funding settled by the trade (positive: the account pays). */
  fundingOwed: bigint;
  realisedPnl: bigint;
  oldSize: bigint;
  newSize: bigint;
  newOpenNotional: bigint;
  /** Collateral after fees, funding and realised PnL settle. */
  collateralAfter: bigint;
  /** The position's notional at the new mark price and its tier (meaningful when newSize ≠ 0). */
  notionalAfter: bigint;
  tierAfter: TierParams;
  /** The position's initial margin after the trade. */
  positionInitialMargin: bigint;
  /** The market after the accrual and the trade. */
  marketAfter: TradeMarketInput;
  /** The account after the trade (the traded position last if it is new, removed if closed). */
  accountAfter: AccountStateInput;
  /** The account's margin summary at mark prices after the trade. */
  marginAfter: AccountMarginResult;
  /** The first check the engine would fail, in its order; undefined if the trade would pass. */
  failure?: TradeCheckFailure;
}

/** The account's position in the market, or a flat one. */
function positionIn(account: AccountStateInput, marketId: bigint) {
  return (
    account.positions.find((p) => p.marketId === marketId) ?? {
      size: 0n,
      openNotional: 0n,
      lastFundingIndex: 0n,
    }
  );
}

/** `_accrue`: the market state advanced to `timestamp` (unchanged when no time passed since a first accrual). */
function accrue(market: TradeMarketInput, timestamp: bigint): TradeMarketInput["state"] {
  const s = market.state;
  const elapsed = checkUint256(timestamp - s.lastUpdateTime, "elapsed");
  if (elapsed === 0n && s.fairPrice !== 0n) return s;
  const index = checkInt256(
    s.fundingIndex + indexDelta(currentFundingRate(market), market.oraclePrice, elapsed),
    "fundingIndex",
  );
  const mark = markPrice(market, market.oraclePrice);
  const fair = s.fairPrice === 0n ? mark : fairPrice(mark, s.fairPrice, elapsed, market.params.fairTau);
  return { ...s, fundingIndex: index, fairPrice: fair, lastUpdateTime: timestamp };
}

/**
 * Preview a trade of `sizeDelta` in `market` for `account` at block time `timestamp` (the same integer steps as
 * `PerpEngine._trade` and `_checkAfterIncrease`). With `acceptablePrice` the slippage bound is checked too.
 * Positions in other markets must carry their markets' state at the same block.
 */
export function previewTrade(
  account: AccountStateInput,
  market: TradeMarketInput,
  sizeDelta: bigint,
  timestamp: bigint,
  acceptablePrice?: bigint,
): TradePreview {
  checkInt256(sizeDelta, "sizeDelta");
  const pos = positionIn(account, market.marketId);
  const oldSize = pos.size;
  const reducing = oldSize !== 0n && oldSize > 0n !== sizeDelta > 0n && abs(sizeDelta) <= abs(oldSize);
  let failure: TradeCheckFailure | undefined;
  const fail = (f: TradeCheckFailure) => {
    failure ??= f;
  };
  if (sizeDelta === 0n) fail({ error: "ZeroSizeDelta" });
  if (!reducing) {
    if (market.reduceOnly) fail({ error: "MarketReduceOnly", marketId: market.marketId });
    if (market.breakerOracleMove)
      fail({ error: "CircuitBreakerTripped", marketId: market.marketId, reason: "oracleMove" });
    if (market.breakerFunding)
      fail({ error: "CircuitBreakerTripped", marketId: market.marketId, reason: "funding" });
  }

  const accrued = accrue(market, timestamp);
  const p = market.params;
  const skew = accrued.skew;
  const price = fillPrice(
    market.oraclePrice,
    premium(skew, p.skewScale, p.maxPremium),
    premium(checkInt256(skew + sizeDelta), p.skewScale, p.maxPremium),
    sizeDelta > 0n,
  );
  if (acceptablePrice !== undefined && (sizeDelta > 0n ? price > acceptablePrice : price < acceptablePrice))
    fail({ error: "SlippageExceeded", fillPrice: price, acceptablePrice });
  const fee = tradeFeeUp(skew, sizeDelta, price, p.makerFee, p.takerFee);
  const fundingOwed = owedCeil(oldSize, checkInt256(accrued.fundingIndex - pos.lastFundingIndex));
  const { newSize, newOpenNotional, realisedPnl } = applyTrade(oldSize, pos.openNotional, sizeDelta, price);

  const longOf = (size: bigint) => (size > 0n ? size : 0n);
  const shortOf = (size: bigint) => (size < 0n ? -size : 0n);
  const state = {
    ...accrued,
    skew: checkInt256(skew + sizeDelta),
    openInterestLong: checkUint256(accrued.openInterestLong + longOf(newSize) - longOf(oldSize)),
    openInterestShort: checkUint256(accrued.openInterestShort + shortOf(newSize) - shortOf(oldSize)),
  };
  const marketAfter: TradeMarketInput = { ...market, state };
  const owed = checkInt256(fundingOwed + toInt256(fee) - realisedPnl);
  const collateralAfter = checkInt256(account.collateral - owed, "collateral");

  const positions: AccountPositionInput[] = [];
  let found = false;
  for (const q of account.positions) {
    if (q.marketId !== market.marketId) {
      positions.push(q);
      continue;
    }
    found = true;
    if (newSize !== 0n)
      positions.push({
        marketId: q.marketId,
        size: newSize,
        openNotional: newOpenNotional,
        lastFundingIndex: state.fundingIndex,
        market: marketAfter,
      });
  }
  if (!found && newSize !== 0n)
    positions.push({
      marketId: market.marketId,
      size: newSize,
      openNotional: newOpenNotional,
      lastFundingIndex: state.fundingIndex,
      market: marketAfter,
    });
  const accountAfter: AccountStateInput = { collateral: collateralAfter, positions };

  const notionalAfter = notionalUp(newSize, markPrice(marketAfter, market.oraclePrice));
  const tierAfter = tierFor(market.tiers, notionalAfter);
  const positionInitialMargin = initialMarginUp(notionalAfter, tierAfter.maxLeverage);
  const marginAfter = accountMargin(accountAfter, timestamp, false);

  if (!reducing) {
    const cap = p.maxOpenInterest;
    if (state.openInterestLong > cap)
      fail({
        error: "OpenInterestCapExceeded",
        marketId: market.marketId,
        openInterest: state.openInterestLong,
        cap,
      });
    if (state.openInterestShort > cap)
      fail({
        error: "OpenInterestCapExceeded",
        marketId: market.marketId,
        openInterest: state.openInterestShort,
        cap,
      });
    const absSkew = abs(state.skew);
    if (absSkew > p.maxSkew)
      fail({ error: "MaxSkewExceeded", marketId: market.marketId, absSkew, maxSkew: p.maxSkew });
    const maxNotional = market.tiers[market.tiers.length - 1].upToNotional;
    if (notionalAfter > maxNotional)
      fail({ error: "NotionalAboveMaxTier", notional: notionalAfter, maxNotional });
    if (positionInitialMargin < p.minPositionMargin)
      fail({
        error: "PositionBelowMinimumMargin",
        initialMargin: positionInitialMargin,
        minPositionMargin: p.minPositionMargin,
      });
    if (marginAfter.equity < toInt256(marginAfter.initialMargin))
      fail({
        error: "InsufficientMargin",
        equity: marginAfter.equity,
        initialMargin: marginAfter.initialMargin,
      });
  } else if (newSize === 0n && positions.every((q) => q.size === 0n) && collateralAfter < 0n) {
    // As the engine: a close that leaves the account flat with negative collateral must be a liquidation.
    fail({ error: "BankruptCloseNeedsLiquidation", collateral: collateralAfter });
  }
  return {
    sizeDelta,
    reducing,
    fillPrice: price,
    fee,
    fundingOwed,
    realisedPnl,
    oldSize,
    newSize,
    newOpenNotional,
    collateralAfter,
    notionalAfter,
    tierAfter,
    positionInitialMargin,
    marketAfter,
    accountAfter,
    marginAfter,
    failure,
  };
}

/** Basis points in one (10,000). */
export const BPS = 10_000n;

/**
 * The worst fill a trader accepts for a quoted fill price and a slippage tolerance in basis points: for a buy
 * quote × (1 + bps / 10⁴) rounded up, for a sell quote × (1 − bps / 10⁴) rounded down.
 */
export function acceptablePriceFor(quote: bigint, isBuy: boolean, slippageBps: bigint): bigint {
  if (slippageBps < 0n || slippageBps >= BPS)
    throw new RangeError(`slippageBps must be in [0, 10000): ${slippageBps}`);
  return isBuy ? mulDivUp(quote, BPS + slippageBps, BPS) : mulDivDown(quote, BPS - slippageBps, BPS);
}
