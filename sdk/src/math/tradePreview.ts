/**
 * Bigint mirror of `PerpEngine.trade` without the writes: what a trade of `sizeDelta` would do to an account at a
 * given block (accrual, fill price, fee, funding settlement, realised PnL, the new position and collateral) and the
 * first check the engine would fail, in the engine's order. The SDK uses it to validate a trade and to derive the
 * acceptable price before it sends a transaction.
 */
import { abs, mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
import { owedCeil } from "./fundingMath.js";
import { checkInt256, checkUint256, toInt256 } from "./int256.js";
import { initialMarginUp, notionalUp } from "./marginMath.js";
import {
  accrueMarket,
  fundingRateAt,
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

/** Largest |size| one trade may take (`MAX_TRADE_SIZE`, 2 × 10^36): beyond it `SizeDeltaTooLarge`. */
export const MAX_TRADE_SIZE = 2n * 10n ** 36n;

/** The largest price bound an operator approval may carry (the collateral vault's cap): 10^18, i.e. 100 %. */
export const MAX_PRICE_DEVIATION = WAD;

/**
 * The price an operator's fill may not pass under its approval's bound (`PerpEngine._requireWithinOperatorBound`):
 * for a buy the most it may fill at, ⌊oracle × (10^18 + bound) / 10^18⌋; for a sell the least,
 * ⌈oracle × (10^18 − bound) / 10^18⌉ (both rounded against the operator).
 * @param oraclePrice The oracle price the trade reads, 18 decimals.
 * @param maxPriceDeviation The bound, an 18-decimal fraction in (0, 10^18].
 * @param isBuy Whether the trade buys.
 * @throws RangeError for a bound above 10^18 (the vault refuses it).
 */
export function operatorPriceLimit(oraclePrice: bigint, maxPriceDeviation: bigint, isBuy: boolean): bigint {
  checkUint256(maxPriceDeviation, "maxPriceDeviation");
  if (maxPriceDeviation > MAX_PRICE_DEVIATION)
    throw new RangeError(`maxPriceDeviation ${maxPriceDeviation} is above ${MAX_PRICE_DEVIATION}`);
  return isBuy
    ? mulDivDown(oraclePrice, WAD + maxPriceDeviation, WAD)
    : mulDivUp(oraclePrice, WAD - maxPriceDeviation, WAD);
}

/** A market as a trade reads it: valuation inputs plus fees, caps, the reduce-only flag and the breakers. */
export interface TradeMarketInput extends MarketValuationInput {
  marketId: bigint;
  params: MarketPricingParams & {
    makerFee: bigint;
    takerFee: bigint;
    maxOpenInterest: bigint;
    maxSkew: bigint;
    minPositionMarginUsd: bigint;
  };
  state: MarketRunningState & { openInterestLong: bigint; lastFundingRate?: bigint };
  /** Paused (the market or everything): only trades that reduce the trader's own position pass. */
  reduceOnly?: boolean;
  /**
   * The oracle-move breaker holds now (the lens's `breakerOracleMove`, judged at the read block): only trades that
   * reduce the trader's own position pass. The funding breaker is judged after the trade, from
   * `circuitBreaker.maxFundingRate` (skipped without it).
   */
  breakerOracleMove?: boolean;
}

/**
 * What a trade's checks read beyond the account and the market: the liquidity vault's cash for the
 * open-interest-to-cash limit (skipped without it) and the position limit (skipped without it).
 */
export interface TradeContext {
  /** The liquidity vault's collateral and the collateral vault's total debt (`collateralAndDebt(liquidityVault)`). */
  liquidityVaultCollateralUsd?: bigint;
  totalDebtUsd?: bigint;
  /** The engine's `openInterestCashRatio` (18 decimals). */
  openInterestCashRatio?: bigint;
  /** The engine's `maxPositionsPerAccount`. */
  maxPositionsPerAccount?: bigint;
  /**
   * The price bound of the approval an operator trades under (`CollateralVault.tradeScope`; 0 or left out: none, as
   * for the account's own trades).
   */
  operatorPriceBound?: bigint;
}

/** The first engine check a trade fails, named and shaped like the contract's custom error. */
export type TradeCheckFailure =
  | { error: "ZeroSizeDelta" }
  | { error: "SizeDeltaTooLarge"; sizeDelta: bigint; max: bigint }
  | { error: "MarketReduceOnly"; marketId: bigint }
  | { error: "CircuitBreakerTripped"; marketId: bigint; reason: "oracleMove" | "funding" }
  | { error: "SlippageExceeded"; fillPrice: bigint; acceptablePrice: bigint }
  | { error: "TooManyPositions"; maxPositions: bigint }
  | { error: "OpenInterestCapExceeded"; marketId: bigint; openInterest: bigint; cap: bigint }
  | { error: "MaxSkewExceeded"; marketId: bigint; absSkew: bigint; maxSkew: bigint }
  | { error: "OpenInterestAboveCashLimit"; marketId: bigint; openInterestNotional: bigint; limit: bigint }
  | { error: "NotionalAboveMaxTier"; notional: bigint; maxNotional: bigint }
  | { error: "PositionBelowMinimumMargin"; initialMargin: bigint; minPositionMargin: bigint }
  | { error: "InsufficientMargin"; equity: bigint; initialMargin: bigint }
  | {
      error: "PartialCloseBelowMinimumMargin";
      marketId: bigint;
      remainingMargin: bigint;
      minPositionMargin: bigint;
      fullCloseDelta: bigint;
    }
  | { error: "BankruptCloseNeedsLiquidation"; collateral: bigint }
  | { error: "OperatorPriceBoundExceeded"; fillPrice: bigint; limitPrice: bigint };

/** What a trade would do (see {@link previewTrade}). */
export interface TradePreview {
  sizeDelta: bigint;
  /** Only reduces the trader's own position (skips the breakers and caps; the dust rule applies). */
  reducing: boolean;
  fillPrice: bigint;
  feeUsd: bigint;
  /** Funding settled by the trade (positive: the account pays). */
  fundingOwedUsd: bigint;
  realisedPnlUsd: bigint;
  oldSize: bigint;
  newSize: bigint;
  newOpenNotionalUsd: bigint;
  /** Collateral after fees, funding and realised PnL settle. */
  collateralAfterUsd: bigint;
  /** The position's notional at the oracle price after the trade and its tier (meaningful when newSize ≠ 0). */
  notionalAfterUsd: bigint;
  tierAfter: TierParams;
  /** The position's initial margin after the trade, at the oracle price (what the minimum-margin checks use). */
  positionInitialMarginUsd: bigint;
  /** The market after the accrual and the trade. */
  marketAfter: TradeMarketInput;
  /** The account after the trade (the traded position last if it is new, removed if closed). */
  accountAfter: AccountStateInput;
  /** The account's margin summary after the trade, credited (each position at the worse of exit and fair). */
  marginAfter: AccountMarginResult;
  /** The liquidity vault's cash after the trade, when the context gave it (collateral − total debt, ≥ 0). */
  vaultCashAfterUsd?: bigint;
  /**
   * For an own reduction: its forced-close bound (`_fillBeyondBound`), the fill the same delta would get from the
   * skew whose premium is the market's fair premium after the accrual, ⌊fairPremium × skewScale / 10^18⌋ truncated
   * toward zero.
   */
  reductionBoundPrice?: bigint;
  /**
   * For an own reduction: its fill is worse for the trader than {@link reductionBoundPrice} (a sell below it, a buy
   * above it), so the bankruptcy rule values the account even when its collateral stays ≥ 0.
   */
  fillBeyondBound?: boolean;
  /**
   * The account's equity at fair prices after the trade (the trigger valuation), computed only when a voluntary
   * reduction leaves positions open and either negative collateral or a fill beyond its bound (the bankruptcy rule
   * reads it; otherwise the engine does not value the account).
   */
  equityAtFairAfterUsd?: bigint;
  /** The first check the engine would fail, in its order; undefined if the trade would pass. */
  failure?: TradeCheckFailure;
}

/** The account's position in the market, or a flat one. */
function positionIn(account: AccountStateInput, marketId: bigint) {
  return (
    account.positions.find((p) => p.marketId === marketId) ?? {
      size: 0n,
      openNotionalUsd: 0n,
      lastFundingIndex: 0n,
    }
  );
}

const longOf = (size: bigint) => (size > 0n ? size : 0n);
const shortOf = (size: bigint) => (size < 0n ? -size : 0n);
const debtOf = (balance: bigint) => (balance < 0n ? -balance : 0n);

/**
 * Preview a trade of `sizeDelta` in `market` for `account` at block time `timestamp`: the same integer steps as
 * `PerpEngine.trade` (accrual, exact-integral fill, fee, funding settlement, `applyTrade`, the cash settlement with
 * the liquidity vault) and its checks in the engine's order. Before the fill: zero size, `SizeDeltaTooLarge`, and
 * unless the trade only reduces the trader's own position the pause and the oracle-move breaker; the slippage bound
 * (with `acceptablePrice`); the position limit (with `context.maxPositionsPerAccount`). After a trade that is not an
 * own reduction: for each side whose open interest grew, its OI cap and then the open-interest-to-cash limit (that
 * side × oracle ≤ ⌊vault cash × openInterestCashRatio⌋, with the context's vault cash after the trade); maxSkew and
 * the funding breaker at the post-trade premium (with `market.circuitBreaker`) only if |skew| grew; the tier ceiling
 * and the minimum position margin at the oracle price; initial margin with every position credited (worse of exit
 * and fair). After an own reduction: a partial one must leave an initial margin at the oracle of at least the minimum
 * (`PartialCloseBelowMinimumMargin`, naming the full-close size); then, if it leaves the account flat, its
 * collateral must be ≥ 0; with positions left, its equity at fair prices (the trigger valuation) must be above zero
 * whenever its collateral is negative or its fill was beyond the forced-close bound (worse for the trader than the
 * fill of the same delta from the fair premium's skew) (`BankruptCloseNeedsLiquidation`). Last, for an operator's
 * trade under a price bound (`context.operatorPriceBound`), the fill against {@link operatorPriceLimit}
 * (`OperatorPriceBoundExceeded`).
 * Positions in other markets must carry their markets' state at the same block (a market whose oracle fails is
 * valued at its fallback, as the engine does).
 */
export function previewTrade(
  account: AccountStateInput,
  market: TradeMarketInput,
  sizeDelta: bigint,
  timestamp: bigint,
  acceptablePrice?: bigint,
  context: TradeContext = {},
): TradePreview {
  checkInt256(sizeDelta, "sizeDelta");
  const pos = positionIn(account, market.marketId);
  const oldSize = pos.size;
  const reducing = oldSize !== 0n && oldSize > 0n !== sizeDelta > 0n && abs(sizeDelta) <= abs(oldSize);
  let failure: TradeCheckFailure | undefined;
  const fail = (f: TradeCheckFailure) => {
    failure ??= f;
  };
  const state = accrueMarket(market, market.oraclePrice, timestamp);
  const inert = (f: TradeCheckFailure): TradePreview => ({
    sizeDelta,
    reducing,
    fillPrice: 0n,
    feeUsd: 0n,
    fundingOwedUsd: 0n,
    realisedPnlUsd: 0n,
    oldSize,
    newSize: oldSize,
    newOpenNotionalUsd: pos.openNotionalUsd,
    collateralAfterUsd: account.collateralUsd,
    notionalAfterUsd: 0n,
    tierAfter: tierFor(market.tiers, 0n),
    positionInitialMarginUsd: 0n,
    marketAfter: { ...market, state },
    accountAfter: account,
    marginAfter: accountMargin(account, timestamp, "credit"),
    failure: f,
  });
  // Nothing can be priced for these: the engine refuses them before it reads the oracle.
  if (sizeDelta === 0n) return inert({ error: "ZeroSizeDelta" });
  if (sizeDelta > MAX_TRADE_SIZE || sizeDelta < -MAX_TRADE_SIZE)
    return inert({ error: "SizeDeltaTooLarge", sizeDelta, max: MAX_TRADE_SIZE });
  if (!reducing) {
    if (market.reduceOnly) fail({ error: "MarketReduceOnly", marketId: market.marketId });
    if (market.breakerOracleMove)
      fail({ error: "CircuitBreakerTripped", marketId: market.marketId, reason: "oracleMove" });
  }

  const p = market.params;
  const skew = state.skew;
  const oracle = market.oraclePrice;
  const price = fillPrice(oracle, skew, sizeDelta, p.skewScale, p.maxPremium);
  if (acceptablePrice !== undefined && (sizeDelta > 0n ? price > acceptablePrice : price < acceptablePrice))
    fail({ error: "SlippageExceeded", fillPrice: price, acceptablePrice });
  const fee = tradeFeeUp(skew, sizeDelta, price, p.makerFee, p.takerFee);
  const fundingOwed = owedCeil(oldSize, checkInt256(state.fundingIndex - pos.lastFundingIndex));
  const {
    newSize,
    newOpenNotionalUsd: newOpenNotional,
    realisedPnlUsd: realisedPnl,
  } = applyTrade(oldSize, pos.openNotionalUsd, sizeDelta, price);

  const stateAfter = {
    ...state,
    skew: checkInt256(skew + sizeDelta),
    openInterestLong: checkUint256(state.openInterestLong + longOf(newSize) - longOf(oldSize)),
  };
  const marketAfter: TradeMarketInput = { ...market, state: stateAfter };
  if (oldSize === 0n && context.maxPositionsPerAccount !== undefined) {
    const held = account.positions.filter((q) => q.size !== 0n && q.marketId !== market.marketId).length;
    if (BigInt(held) >= context.maxPositionsPerAccount)
      fail({ error: "TooManyPositions", maxPositions: context.maxPositionsPerAccount });
  }
  // `_settleCash`: one net move between the account and the liquidity vault.
  const owed = checkInt256(fundingOwed + toInt256(fee) - realisedPnl);
  const collateralAfter = checkInt256(account.collateralUsd - owed, "collateral");

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
        openNotionalUsd: newOpenNotional,
        lastFundingIndex: state.fundingIndex,
        market: marketAfter,
      });
  }
  if (!found && newSize !== 0n)
    positions.push({
      marketId: market.marketId,
      size: newSize,
      openNotionalUsd: newOpenNotional,
      lastFundingIndex: state.fundingIndex,
      market: marketAfter,
    });
  const accountAfter: AccountStateInput = { collateralUsd: collateralAfter, positions };

  let vaultCashAfter: bigint | undefined;
  if (context.liquidityVaultCollateralUsd !== undefined && context.totalDebtUsd !== undefined) {
    // The vault's balance after the settlement, and the total debt as `_move` updates it.
    const lpBefore = context.liquidityVaultCollateralUsd;
    const lpAfter = lpBefore + owed;
    const debtAfter =
      context.totalDebtUsd +
      debtOf(collateralAfter) -
      debtOf(account.collateralUsd) +
      debtOf(lpAfter) -
      debtOf(lpBefore);
    vaultCashAfter = lpAfter > debtAfter ? lpAfter - debtAfter : 0n;
  }

  const notionalAfter = notionalUp(newSize, oracle);
  const tierAfter = tierFor(market.tiers, notionalAfter);
  const positionInitialMargin = initialMarginUp(notionalAfter, tierAfter.maxLeverage);
  const marginAfter = accountMargin(accountAfter, timestamp, "credit");

  let equityAtFairAfter: bigint | undefined;
  let reductionBoundPrice: bigint | undefined;
  let fillBeyondBound: boolean | undefined;
  if (!reducing) {
    // `_checkAfterIncrease`: each cap refuses only a trade that increases what it caps.
    const cap = p.maxOpenInterest;
    const openInterestLong = stateAfter.openInterestLong;
    const withinCash = (openInterest: bigint) => {
      if (vaultCashAfter === undefined || context.openInterestCashRatio === undefined) return;
      const limit = mulDivDown(vaultCashAfter, context.openInterestCashRatio, WAD);
      const openInterestNotional = notionalUp(openInterest, oracle);
      if (openInterestNotional > limit)
        fail({ error: "OpenInterestAboveCashLimit", marketId: market.marketId, openInterestNotional, limit });
    };
    if (longOf(newSize) > longOf(oldSize)) {
      if (openInterestLong > cap)
        fail({
          error: "OpenInterestCapExceeded",
          marketId: market.marketId,
          openInterest: openInterestLong,
          cap,
        });
      withinCash(openInterestLong);
    }
    if (shortOf(newSize) > shortOf(oldSize)) {
      const openInterestShort = checkUint256(openInterestLong - stateAfter.skew, "openInterestShort");
      if (openInterestShort > cap)
        fail({
          error: "OpenInterestCapExceeded",
          marketId: market.marketId,
          openInterest: openInterestShort,
          cap,
        });
      withinCash(openInterestShort);
    }
    const absSkew = abs(stateAfter.skew);
    if (absSkew > abs(skew)) {
      if (absSkew > p.maxSkew)
        fail({ error: "MaxSkewExceeded", marketId: market.marketId, absSkew, maxSkew: p.maxSkew });
      const band = market.circuitBreaker?.maxFundingRate;
      if (band !== undefined) {
        const rate = fundingRateAt(market, premium(stateAfter.skew, p.skewScale, p.maxPremium));
        if (abs(rate) > band)
          fail({ error: "CircuitBreakerTripped", marketId: market.marketId, reason: "funding" });
      }
    }
    const maxNotional = market.tiers[market.tiers.length - 1].upToNotionalUsd;
    if (notionalAfter > maxNotional)
      fail({ error: "NotionalAboveMaxTier", notional: notionalAfter, maxNotional });
    if (positionInitialMargin < p.minPositionMarginUsd)
      fail({
        error: "PositionBelowMinimumMargin",
        initialMargin: positionInitialMargin,
        minPositionMargin: p.minPositionMarginUsd,
      });
    if (marginAfter.equityUsd < toInt256(marginAfter.initialMarginUsd))
      fail({
        error: "InsufficientMargin",
        equity: marginAfter.equityUsd,
        initialMargin: marginAfter.initialMarginUsd,
      });
  } else {
    // `_checkAfterReduction`: a partial reduction may not leave dust (close in full instead); and no reduction may
    // leave the account bankrupt: flat, its collateral must be ≥ 0; with positions left, its equity at fair prices
    // must stay above zero when its collateral is negative or its fill was beyond the forced-close bound
    // (`_fillBeyondBound`: a pushed skew); within the bound and with collateral ≥ 0 the account is not valued.
    if (newSize !== 0n && positionInitialMargin < p.minPositionMarginUsd)
      fail({
        error: "PartialCloseBelowMinimumMargin",
        marketId: market.marketId,
        remainingMargin: positionInitialMargin,
        minPositionMargin: p.minPositionMarginUsd,
        fullCloseDelta: -oldSize,
      });
    // The bound from the fair premium after this block's accrual (the trade does not move it).
    const fairSkew = mulDivTrunc(state.fairPremium, toInt256(p.skewScale), WAD);
    reductionBoundPrice = fillPrice(oracle, fairSkew, sizeDelta, p.skewScale, p.maxPremium);
    fillBeyondBound = sizeDelta < 0n ? price < reductionBoundPrice : price > reductionBoundPrice;
    const flat = positions.every((q) => q.size === 0n);
    if (flat) {
      if (collateralAfter < 0n) fail({ error: "BankruptCloseNeedsLiquidation", collateral: collateralAfter });
    } else if (collateralAfter < 0n || fillBeyondBound) {
      equityAtFairAfter = accountMargin(accountAfter, timestamp, "fair").equityUsd;
      if (equityAtFairAfter <= 0n)
        fail({ error: "BankruptCloseNeedsLiquidation", collateral: collateralAfter });
    }
  }
  // `_trade`: an operator's fill against its approval's price bound, once the trade has passed everything else.
  if (context.operatorPriceBound !== undefined && context.operatorPriceBound !== 0n) {
    const limitPrice = operatorPriceLimit(oracle, context.operatorPriceBound, sizeDelta > 0n);
    if (sizeDelta > 0n ? price > limitPrice : price < limitPrice)
      fail({ error: "OperatorPriceBoundExceeded", fillPrice: price, limitPrice });
  }
  return {
    sizeDelta,
    reducing,
    fillPrice: price,
    feeUsd: fee,
    fundingOwedUsd: fundingOwed,
    realisedPnlUsd: realisedPnl,
    oldSize,
    newSize,
    newOpenNotionalUsd: newOpenNotional,
    collateralAfterUsd: collateralAfter,
    notionalAfterUsd: notionalAfter,
    tierAfter,
    positionInitialMarginUsd: positionInitialMargin,
    marketAfter,
    accountAfter,
    marginAfter,
    vaultCashAfterUsd: vaultCashAfter,
    reductionBoundPrice,
    fillBeyondBound,
    equityAtFairAfterUsd: equityAtFairAfter,
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

/**
 * The size a leverage buys (`openPosition({ leverage })`): ⌊equity × leverage / fillPrice⌋, one rounding, down;
 * equity in 18-decimal USD, leverage 18 decimals (3x = 3 × 10^18), the fill price in USD per unit (18 decimals), the
 * size in units (18 decimals). The position's notional at that fill is then at most equity × leverage.
 * @throws RangeError when an input is ≤ 0.
 */
export function sizeForLeverage(equityUsd: bigint, leverage: bigint, fillPrice: bigint): bigint {
  if (equityUsd <= 0n || leverage <= 0n || fillPrice <= 0n)
    throw new RangeError(`sizeForLeverage needs positive inputs: ${equityUsd}, ${leverage}, ${fillPrice}`);
  return mulDivDown(equityUsd, leverage, fillPrice);
}
