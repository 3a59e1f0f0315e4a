/**
 * The SDK's read models (markets, accounts, positions, the liquidity vault, the insurance fund, pending
 * auto-deleveraging, the liquidation config and preview) and their construction from the `PerpLens` and
 * `LiquidationEngine` views. Every amount is a bigint in the contracts' units: USD, prices, sizes and rates
 * 18 decimals, USDC 6 decimals. Values the engine computes (margins, PnL, funding, liquidation prices) are the engine's own;
 * the per-position margin breakdown and the next-hour funding are computed with the SDK's exact math.
 */
import { hexToString, type Address, type ContractFunctionReturnType } from "viem";

import type { liquidationEngineAbi } from "./abis/liquidationEngine.js";
import type { perpLensAbi } from "./abis/perpLens.js";
import { abs, mulDivDown, WAD } from "./math/fixedPointMath.js";
import { valuePosition, type AccountMarginResult, type PositionValue } from "./math/accountMargin.js";
import { indexDelta, ONE_HOUR } from "./math/fundingMath.js";
import type { LiquidationConfig, LiquidationPreview } from "./math/liquidationMath.js";
import type { TradeMarketInput } from "./math/tradePreview.js";

type LensMarketView = ContractFunctionReturnType<typeof perpLensAbi, "view", "getMarket">;
type LensAccountView = ContractFunctionReturnType<typeof perpLensAbi, "view", "getAccount">;
type LensLiquidityVaultView = ContractFunctionReturnType<typeof perpLensAbi, "view", "getLiquidityVault">;
type LensInsuranceFundView = ContractFunctionReturnType<typeof perpLensAbi, "view", "getInsuranceFund">;
type LensAdlView = ContractFunctionReturnType<typeof perpLensAbi, "view", "getAdl">;
type LiquidationConfigView = ContractFunctionReturnType<typeof liquidationEngineAbi, "view", "config">;
type LiquidationPreviewView = ContractFunctionReturnType<
  typeof liquidationEngineAbi,
  "view",
  "previewLiquidation"
>;

/** Margin utilisation above which an account is flagged as at risk (70 %, SPEC §5). */
export const DANGER_UTILISATION = (70n * WAD) / 100n;

/** A market's parameters (`MarketParams`), every number a bigint. */
export interface MarketParams {
  oracle: Address;
  /** Fair-price EMA time constant, seconds. */
  fairTau: bigint;
  maxPremium: bigint;
  skewScale: bigint;
  /** Cap on |skew| after a trade that increases it, size units. */
  maxSkew: bigint;
  /** Cap on each side's open interest, size units. */
  maxOpenInterest: bigint;
  /** Smallest initial margin a position may be opened or increased to, USD. */
  minPositionMargin: bigint;
  makerFee: bigint;
  takerFee: bigint;
  fundingInterest: bigint;
  fundingClamp: bigint;
  maxFundingRate: bigint;
}

/** One notional tier: up to `upToNotional` USD, `maxLeverage` (18 decimals) and maintenance margin rate `mmr`. */
export interface Tier {
  upToNotional: bigint;
  maxLeverage: bigint;
  mmr: bigint;
}

/** A market's stored state (`MarketState`) as of `lastUpdateTime`. */
export interface MarketState {
  skew: bigint;
  openInterestLong: bigint;
  openInterestShort: bigint;
  lastUpdateTime: bigint;
  lastFundingRate: bigint;
  paused: boolean;
  fundingIndex: bigint;
  fairPrice: bigint;
  sumOpenNotional: bigint;
  sumFundingBasis: bigint;
}

/** A market's circuit breaker: thresholds and the reference price advanced to now. */
export interface CircuitBreaker {
  maxOracleMove: bigint;
  maxFundingRate: bigint;
  /** Reference EMA time constant, seconds. */
  window: bigint;
  referencePrice: bigint;
}

/** A market as the SDK shows it (SPEC §3–4, §9); also valid input for the trade preview math. */
export interface Market extends TradeMarketInput {
  marketId: bigint;
  symbol: string;
  params: MarketParams;
  tiers: readonly Tier[];
  state: MarketState;
  /** Paused (this market or all): only reducing trades pass. */
  reduceOnly: boolean;
  /** False when the oracle reverted: every price below is then 0. */
  oracleValid: boolean;
  oraclePrice: bigint;
  markPrice: bigint;
  fairPrice: bigint;
  premium: bigint;
  /** Hourly rate applied over the most recent accrual. */
  lastFundingRate: bigint;
  /** Hourly rate implied by the current skew (what accrues from now on). */
  fundingRatePerHour: bigint;
  fundingRateAnnualised: bigint;
  /** The funding index advanced to now. */
  fundingIndex: bigint;
  /** Next funding estimate: USD one unit of long size pays over the next hour at the current rate (negative: receives). */
  nextHourFundingPerUnit: bigint;
  skew: bigint;
  openInterestLong: bigint;
  openInterestShort: bigint;
  breakerOracleMove: boolean;
  breakerFunding: boolean;
  circuitBreaker: CircuitBreaker;
}

/** One open position with its values. */
export interface Position {
  marketId: bigint;
  symbol: string;
  side: "long" | "short";
  /** Signed size (positive long). */
  size: bigint;
  /** Cost basis, USD. */
  openNotional: bigint;
  lastFundingIndex: bigint;
  /** |openNotional| / |size|, rounded down. */
  entryPrice: bigint;
  /** PnL at the mark price (the engine's `unrealisedPnl`). */
  unrealisedPnl: bigint;
  /** Funding owed but not settled, positive: owes (the engine's `accruedFunding`). */
  accruedFunding: bigint;
  /** The fair price at which the account becomes liquidatable (the engine's `liquidationPrice`; 0: none). */
  liquidationPrice: bigint;
  /**
   * The liquidation engine's `adlRank`: unrealised PnL % × leverage at mark, 18 decimals (0 when not profitable,
   * 2^256 − 1 when equity ≤ 0). Profitable positions with the highest rank are deleveraged first.
   */
  adlRank: bigint;
  /** Notional, PnL, funding, IM and MM at the mark price (SDK math). */
  atMark: PositionValue;
  /** The same at the fair price, what liquidation uses (SDK math). */
  atFair: PositionValue;
  market: Market;
}

/** A margin account at one block (SPEC §5). */
export interface Account {
  address: Address;
  blockNumber: bigint;
  timestamp: bigint;
  /** Collateral in the vault, 18-decimal USD (negative only after a realised loss beyond it). */
  collateral: bigint;
  /** False when an oracle of one of its markets reverted: margin fields and position values are then 0. */
  valuationValid: boolean;
  /** Equity at mark prices: collateral + Σ PnL − Σ funding owed. */
  equity: bigint;
  /** Σ MM / equity at fair prices (18 decimals; 2^256 − 1 when equity ≤ 0 with positions). */
  marginUtilisation: bigint;
  /** Utilisation above 70 %. */
  atRisk: boolean;
  /** equity − Σ MM at fair prices (the engine's `maintenanceMargin`); liquidatable when negative. */
  maintenanceMargin: bigint;
  liquidatable: boolean;
  /** What may be withdrawn now, 18-decimal USD. */
  withdrawable: bigint;
  /** The same in USDC units, rounded down: pass it to `withdraw`. */
  maxWithdraw: bigint;
  /** The engine's margin summary at mark prices (`accountMargin`). */
  margin: AccountMarginResult;
  /** At fair prices (`accountMarginAtFair`). */
  marginAtFair: AccountMarginResult;
  /** When the account was last partially liquidated (0: never); the liquidation cooldown runs from there. */
  lastPartialLiquidation: bigint;
  positions: readonly Position[];
}

/** The liquidity vault and one holder's share of it (USDC units, shares 18 decimals). */
export interface LiquidityVaultInfo {
  address: Address;
  holder: Address;
  blockNumber: bigint;
  timestamp: bigint;
  totalAssets: bigint;
  totalSupply: bigint;
  /** USDC units one whole share (10^18) redeems for. */
  sharePrice: bigint;
  /** Cash plus counterparty PnL minus the unresolved ADL shortfall, 18-decimal USD. */
  netValueUsd: bigint;
  requiredBackingAssets: bigint;
  availableLiquidity: bigint;
  depositCap: bigint;
  depositsPaused: boolean;
  shares: bigint;
  /** What the holder's shares redeem for now. */
  assets: bigint;
  maxDeposit: bigint;
  maxWithdraw: bigint;
  maxRedeem: bigint;
}

/** bytes32 → string, trailing zero bytes removed. */
export function symbolToString(symbol: `0x${string}`): string {
  return hexToString(symbol, { size: 32 }).replace(/\0+$/, "");
}

/** A `PerpLens.MarketView` as a {@link Market}. */
export function toMarket(v: LensMarketView): Market {
  const p = v.params;
  const s = v.state;
  const params: MarketParams = {
    oracle: p.oracle,
    fairTau: BigInt(p.fairTau),
    maxPremium: p.maxPremium,
    skewScale: p.skewScale,
    maxSkew: p.maxSkew,
    maxOpenInterest: p.maxOpenInterest,
    minPositionMargin: p.minPositionMargin,
    makerFee: p.makerFee,
    takerFee: p.takerFee,
    fundingInterest: p.fundingInterest,
    fundingClamp: p.fundingClamp,
    maxFundingRate: p.maxFundingRate,
  };
  const state: MarketState = {
    skew: s.skew,
    openInterestLong: s.openInterestLong,
    openInterestShort: s.openInterestShort,
    lastUpdateTime: BigInt(s.lastUpdateTime),
    lastFundingRate: s.lastFundingRate,
    paused: s.paused,
    fundingIndex: s.fundingIndex,
    fairPrice: s.fairPrice,
    sumOpenNotional: s.sumOpenNotional,
    sumFundingBasis: s.sumFundingBasis,
  };
  const prices = v.prices;
  return {
    marketId: v.marketId,
    symbol: symbolToString(v.symbol),
    params,
    tiers: v.tiers.map((t) => ({ upToNotional: t.upToNotional, maxLeverage: t.maxLeverage, mmr: t.mmr })),
    state,
    reduceOnly: v.reduceOnly,
    oracleValid: v.oracleValid,
    oraclePrice: prices.oraclePrice,
    markPrice: prices.markPrice,
    fairPrice: prices.fairPrice,
    premium: prices.premium,
    lastFundingRate: s.lastFundingRate,
    fundingRatePerHour: prices.currentFundingRate,
    fundingRateAnnualised: prices.annualisedFundingRate,
    fundingIndex: prices.fundingIndex,
    nextHourFundingPerUnit: v.oracleValid
      ? indexDelta(prices.currentFundingRate, prices.oraclePrice, ONE_HOUR)
      : 0n,
    skew: s.skew,
    openInterestLong: s.openInterestLong,
    openInterestShort: s.openInterestShort,
    breakerOracleMove: v.breakerOracleMove,
    breakerFunding: v.breakerFunding,
    circuitBreaker: {
      maxOracleMove: v.breaker.maxOracleMove,
      maxFundingRate: v.breaker.maxFundingRate,
      window: BigInt(v.breaker.window),
      referencePrice: v.breakerReferencePrice,
    },
  };
}

const zeroMargin = (collateral: bigint): AccountMarginResult => ({
  collateral,
  equity: 0n,
  initialMargin: 0n,
  maintenanceMargin: 0n,
  marginUtilisation: 0n,
  withdrawable: 0n,
});

const zeroValue = (tier: Tier): PositionValue => ({
  price: 0n,
  pnl: 0n,
  fundingOwed: 0n,
  notional: 0n,
  initialMargin: 0n,
  maintenanceMargin: 0n,
  tier,
});

/** A `PerpLens.AccountView` as an {@link Account}. */
export function toAccount(v: LensAccountView): Account {
  const markets = v.markets.map(toMarket);
  const timestamp = v.timestamp;
  const positions = v.positions.map((p, i): Position => {
    const market = markets[i];
    const { size, openNotional, lastFundingIndex } = p.position;
    const input = { marketId: p.marketId, size, openNotional, lastFundingIndex, market };
    const valued = v.valuationValid && market.oracleValid;
    return {
      marketId: p.marketId,
      symbol: market.symbol,
      side: size > 0n ? "long" : "short",
      size,
      openNotional,
      lastFundingIndex,
      entryPrice: size === 0n ? 0n : mulDivDown(abs(openNotional), WAD, abs(size)),
      unrealisedPnl: p.unrealisedPnl,
      accruedFunding: p.accruedFunding,
      liquidationPrice: p.liquidationPrice,
      adlRank: p.adlRank,
      atMark: valued ? valuePosition(input, timestamp, false) : zeroValue(market.tiers[0]),
      atFair: valued ? valuePosition(input, timestamp, true) : zeroValue(market.tiers[0]),
      market,
    };
  });
  const margin = v.valuationValid ? { ...v.margin } : zeroMargin(v.collateral);
  const marginAtFair = v.valuationValid ? { ...v.marginAtFair } : zeroMargin(v.collateral);
  return {
    address: v.account,
    blockNumber: v.blockNumber,
    timestamp,
    collateral: v.collateral,
    valuationValid: v.valuationValid,
    equity: margin.equity,
    marginUtilisation: marginAtFair.marginUtilisation,
    atRisk: marginAtFair.marginUtilisation > DANGER_UTILISATION,
    maintenanceMargin: v.maintenanceMargin,
    liquidatable: v.valuationValid && v.maintenanceMargin < 0n,
    withdrawable: v.withdrawableUsd,
    maxWithdraw: v.maxWithdraw,
    margin,
    marginAtFair,
    lastPartialLiquidation: v.lastPartialLiquidation,
    positions,
  };
}

/** A `PerpLens.LiquidityVaultView` as {@link LiquidityVaultInfo}. */
export function toLiquidityVault(
  v: LensLiquidityVaultView,
  address: Address,
  holder: Address,
): LiquidityVaultInfo {
  return { address, holder, ...v };
}

/** The insurance fund and the trading-fee share flowing into it (all 18-decimal USD). */
export interface InsuranceFundInfo {
  address: Address;
  blockNumber: bigint;
  timestamp: bigint;
  /** Its balance: collateral in its own vault account. */
  balance: bigint;
  /** Everything paid out for bad debt. */
  totalBadDebtCovered: bigint;
  /** Everything paid out as keeper-reward top-ups. */
  totalKeeperRewardsPaid: bigint;
  /** The engine's share of trading fees accrued for the fund and not swept yet (`sweepInsuranceFees` moves it). */
  pendingFees: bigint;
  /** balance + pendingFees: what the fund can pay now (a liquidation sweeps before drawing on it). */
  available: bigint;
  /** Where the engine sends its share of trading fees. */
  feeRecipient: Address;
  /** That share of every trading fee, 18 decimals. */
  feeShare: bigint;
}

/** A shortfall waiting for auto-deleveraging (`AdlRequest`). */
export interface AdlRequest {
  requestId: bigint;
  /** The bankrupt account (its negative collateral is what ADL repays). */
  account: Address;
  /** The market of the close that lost the most; its opposite side is deleveraged. */
  marketId: bigint;
  /** True: profitable longs are deleveraged (the bankrupt position was short). */
  victimsLong: boolean;
  openedAt: bigint;
  /** When `executeAdl` may run: openedAt + the ranking window. */
  executableAt: bigint;
  /** The price victims close at (capped at each victim's break-even). */
  bankruptcyPrice: bigint;
  /** Shortfall still to cover, USD. */
  remaining: bigint;
}

/** A member of the pending request's candidate set with its rank now (0: not eligible any more). */
export interface AdlCandidate {
  account: Address;
  rank: bigint;
}

/** Auto-deleveraging at one block: the pending request (the head of the FIFO queue), its candidates, the total. */
export interface PendingAdl {
  blockNumber: bigint;
  timestamp: bigint;
  /** The pending request, or undefined when none is pending. */
  request: AdlRequest | undefined;
  /** The candidate set, in the contract's order. */
  candidates: AdlCandidate[];
  /** The candidate `executeAdl` would reduce now: the first with the highest rank, if any rank is > 0. */
  next: AdlCandidate | undefined;
  /** A request is pending, its ranking window is over and a candidate is eligible. */
  executable: boolean;
  /** Σ shortfall queued and not yet covered, USD. */
  totalShortfall: bigint;
  /** Seconds candidates are collected after a request opens. */
  rankingWindow: bigint;
  /** Size of the candidate set. */
  maxCandidates: bigint;
}

/** A `PerpLens.InsuranceFundView` as {@link InsuranceFundInfo}. */
export function toInsuranceFund(v: LensInsuranceFundView): InsuranceFundInfo {
  return {
    address: v.fund,
    blockNumber: v.blockNumber,
    timestamp: v.timestamp,
    balance: v.balance,
    totalBadDebtCovered: v.totalBadDebtCovered,
    totalKeeperRewardsPaid: v.totalKeeperRewardsPaid,
    pendingFees: v.pendingFees,
    available: v.balance + v.pendingFees,
    feeRecipient: v.feeRecipient,
    feeShare: v.feeShare,
  };
}

/** A `PerpLens.AdlView` as {@link PendingAdl}. */
export function toPendingAdl(v: LensAdlView): PendingAdl {
  const r = v.request;
  const request: AdlRequest | undefined = v.pending
    ? {
        requestId: v.requestId,
        account: r.account,
        marketId: BigInt(r.marketId),
        victimsLong: r.victimsLong,
        openedAt: BigInt(r.openedAt),
        executableAt: v.executableAt,
        bankruptcyPrice: r.bankruptcyPrice,
        remaining: r.remaining,
      }
    : undefined;
  const candidates = v.candidates.map((account, i) => ({ account, rank: v.candidateRanks[i] ?? 0n }));
  let next: AdlCandidate | undefined;
  for (const c of candidates) if (c.rank > (next?.rank ?? 0n)) next = c;
  return {
    blockNumber: v.blockNumber,
    timestamp: v.timestamp,
    request,
    candidates,
    next,
    executable: request !== undefined && v.timestamp >= request.executableAt && next !== undefined,
    totalShortfall: v.totalShortfall,
    rankingWindow: v.rankingWindow,
    maxCandidates: v.maxCandidates,
  };
}

/** `LiquidationEngine.config()` as a {@link LiquidationConfig} (every number a bigint). */
export function toLiquidationConfig(v: LiquidationConfigView): LiquidationConfig {
  return {
    feeRate: v.feeRate,
    keeperShare: v.keeperShare,
    minKeeperReward: v.minKeeperReward,
    maxKeeperReward: v.maxKeeperReward,
    partialNotional: v.partialNotional,
    sliceFraction: v.sliceFraction,
    cooldown: BigInt(v.cooldown),
  };
}

/** `LiquidationEngine.previewLiquidation(account)` as a {@link LiquidationPreview}. */
export function toLiquidationPreview(v: LiquidationPreviewView): LiquidationPreview {
  return {
    liquidatable: v.liquidatable,
    maintenanceMargin: v.maintenanceMargin,
    closes: v.marketIds.map((marketId, i) => ({ marketId, sizeDelta: v.sizeDeltas[i] ?? 0n })),
    notionalClosed: v.notionalClosed,
    keeperReward: v.keeperReward,
    insuranceFee: v.insuranceFee,
    expectedBadDebt: v.expectedBadDebt,
  };
}
