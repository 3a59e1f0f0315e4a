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
import {
  accountMargin,
  maintenanceMargin,
  valuePosition,
  withdrawableUsd,
  type AccountMarginResult,
  type PositionValue,
} from "./math/accountMargin.js";
import { indexDelta, ONE_HOUR } from "./math/fundingMath.js";
import { pnlFactorLimit, type LiquidationConfig } from "./math/liquidationMath.js";
import type { LiquidationPreview } from "./math/liquidationPreview.js";
import { toTokenDown } from "./math/tokenUnits.js";
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
  /** Fair-premium EMA time constant, seconds. */
  fairTau: bigint;
  maxPremium: bigint;
  skewScale: bigint;
  /** Cap on |skew| after a trade that increases it, size units. */
  maxSkew: bigint;
  /** Cap on each side's open interest, size units. */
  maxOpenInterest: bigint;
  /** Smallest initial margin a position may be opened or increased to, USD. */
  minPositionMarginUsd: bigint;
  makerFee: bigint;
  takerFee: bigint;
  fundingInterest: bigint;
  fundingClamp: bigint;
  maxFundingRate: bigint;
}

/**
 * One notional tier of a market (the contracts' `NotionalTier`): up to `upToNotionalUsd` USD, `maxLeverage`
 * (18 decimals) and maintenance margin rate `mmr`.
 */
export interface NotionalTier {
  upToNotionalUsd: bigint;
  maxLeverage: bigint;
  mmr: bigint;
}

/** @deprecated Renamed {@link NotionalTier} (as the contracts' struct), so as not to be confused with account tiers. */
export type Tier = NotionalTier;

/**
 * A market's stored state (`MarketState`) as of `lastUpdateTime`. Short open interest is not stored: it is
 * openInterestLong − skew (`Market.openInterestShort`).
 */
export interface MarketState {
  skew: bigint;
  openInterestLong: bigint;
  lastUpdateTime: bigint;
  lastFundingRate: bigint;
  /** The fair premium at `lastUpdateTime` (fair price = oracle × (1 + fair premium)). */
  fairPremium: bigint;
  paused: boolean;
  fundingIndex: bigint;
  /** The oracle price the last accrual read: the last good price a failing oracle's fallback is built from. */
  lastOraclePrice: bigint;
  sumOpenNotionalUsd: bigint;
  sumFundingBasisUsd: bigint;
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
  tiers: readonly NotionalTier[];
  state: MarketState;
  /** Paused (this market or all): only reducing trades pass. */
  reduceOnly: boolean;
  /**
   * False when the oracle reverted: every price below is then 0, and the SDK's credit valuation uses the fallback
   * (`state.lastOraclePrice` moved against the position by `circuitBreaker.maxOracleMove`).
   */
  oracleValid: boolean;
  oraclePrice: bigint;
  markPrice: bigint;
  /** oracle × (1 + fairPremium): the price liquidation is judged at. */
  fairPrice: bigint;
  premium: bigint;
  /** The fair premium advanced to now. */
  fairPremium: bigint;
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
  /** openInterestLong − skew. */
  openInterestShort: bigint;
  /** The oracle-move breaker holds: only trades that reduce the trader's own position pass. */
  breakerOracleMove: boolean;
  /**
   * |funding rate| at the current skew is beyond the band: trades that increase |skew| are refused (they would end
   * beyond it too); trades that leave |skew| where it was or lower pass.
   */
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
  openNotionalUsd: bigint;
  lastFundingIndex: bigint;
  /** |openNotional| / |size|, rounded down. */
  entryPrice: bigint;
  /** PnL at the mark price (the engine's `unrealisedPnl`). */
  unrealisedPnlUsd: bigint;
  /** Funding owed but not settled, positive: owes (the engine's `accruedFunding`). */
  accruedFundingUsd: bigint;
  /** The fair price at which the account becomes liquidatable (the lens's `liquidationPrice`; 0: none). */
  liquidationPrice: bigint;
  /**
   * The liquidation engine's `adlRank`: unrealised PnL % at mark × leverage on the credited equity, 18 decimals (0
   * when not profitable, 2^256 − 1 when equity ≤ 0). Profitable positions with the highest rank go first.
   */
  adlRank: bigint;
  /**
   * Price, notional, PnL, funding, IM and MM as credited to the account (SDK math): at the worse of its exit price
   * and the fair price, or at the fallback price while its oracle fails. What opening and withdrawing use.
   */
  credited: PositionValue;
  /**
   * The same at the fair price, what liquidation uses (SDK math); at the fallback price while its oracle fails, as the
   * engine's trigger valuation values it.
   */
  atFair: PositionValue;
  market: Market;
}

/** A margin account at one block (SPEC §5). */
export interface Account {
  address: Address;
  blockNumber: bigint;
  timestamp: bigint;
  /** Collateral in the vault, 18-decimal USD (negative only after a realised loss beyond it). */
  collateralUsd: bigint;
  /**
   * False when an oracle of one of its markets reverted (the lens cannot read the per-position views then). The
   * margin fields (`equityUsd`, `margin`, `withdrawableUsd`, `maxWithdrawUsdc`, `marginAtFair`, `maintenanceMarginUsd`,
   * `liquidatable`) then come from the SDK's own valuations, which value that market at its fallback price exactly as
   * the engine's `accountMargin`, `accountMarginAtFair`, `maintenanceMargin` and `withdrawableUsd` do (they do not
   * revert); the per-position `unrealisedPnlUsd`, `accruedFundingUsd`, `liquidationPrice` and `adlRank` read 0.
   */
  valuationValid: boolean;
  /** Credited equity: collateral + Σ (PnL − funding owed), each position at the worse of its exit and fair price. */
  equityUsd: bigint;
  /** Σ MM / equity at fair prices (18 decimals; 2^256 − 1 when equity ≤ 0 with positions). */
  marginUtilisation: bigint;
  /** Utilisation above 70 %. */
  atRisk: boolean;
  /** equity − Σ MM at fair prices (the engine's `maintenanceMargin`); liquidatable when negative. */
  maintenanceMarginUsd: bigint;
  liquidatable: boolean;
  /** What may be withdrawn now, 18-decimal USD. */
  withdrawableUsd: bigint;
  /** The same in USDC units, rounded down: pass it to `withdraw`. */
  maxWithdrawUsdc: bigint;
  /** The engine's credited margin summary (`accountMargin`: each position at the worse of exit and fair). */
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
  totalAssetsUsdc: bigint;
  totalSupply: bigint;
  /** USDC units one whole share (10^18) redeems for. */
  sharePriceUsdc: bigint;
  /** Cash plus counterparty PnL minus the unresolved ADL shortfall, 18-decimal USD. */
  netValueUsd: bigint;
  requiredBackingUsdc: bigint;
  availableLiquidityUsdc: bigint;
  depositCapUsdc: bigint;
  depositsPaused: boolean;
  shares: bigint;
  /** What the holder's shares redeem for now. */
  assetsUsdc: bigint;
  /**
   * 0 while paused, while a market's oracle fails (`valuationFallback`) or while an ADL shortfall is unresolved
   * (`unresolvedShortfallUsd` ≠ 0: a deposit would buy a share of its repayment); else up to the cap.
   */
  maxDepositUsdc: bigint;
  /** The holder's redeemable value after the exit fee, within `availableLiquidity`. */
  maxWithdrawUsdc: bigint;
  maxRedeem: bigint;
  /** The entry/exit fee, 18 decimals: a deposit pays assets × f / (1 + f), an exit f on what it takes out. */
  liquidityFee: bigint;
  /** A market's oracle fails: the vault is valued at its worst case and deposits are closed. */
  valuationFallback: boolean;
  /** The ADL shortfall not yet covered (the liquidation engine's `totalShortfall`), USD: deposits close while ≠ 0. */
  unresolvedShortfallUsd: bigint;
  /**
   * The cash the open-interest-to-cash limit needs (the engine's `requiredCash`, USDC units rounded up): LP exits
   * (`availableLiquidity`) keep it.
   */
  requiredCashUsdc: bigint;
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
    minPositionMarginUsd: p.minPositionMargin,
    makerFee: p.makerFee,
    takerFee: p.takerFee,
    fundingInterest: p.fundingInterest,
    fundingClamp: p.fundingClamp,
    maxFundingRate: p.maxFundingRate,
  };
  const state: MarketState = {
    skew: s.skew,
    openInterestLong: s.openInterestLong,
    lastUpdateTime: BigInt(s.lastUpdateTime),
    lastFundingRate: s.lastFundingRate,
    fairPremium: s.fairPremium,
    paused: s.paused,
    fundingIndex: s.fundingIndex,
    lastOraclePrice: s.lastOraclePrice,
    sumOpenNotionalUsd: s.sumOpenNotional,
    sumFundingBasisUsd: s.sumFundingBasis,
  };
  const prices = v.prices;
  return {
    marketId: v.marketId,
    symbol: symbolToString(v.symbol),
    params,
    tiers: v.tiers.map((t) => ({ upToNotionalUsd: t.upToNotional, maxLeverage: t.maxLeverage, mmr: t.mmr })),
    state,
    reduceOnly: v.reduceOnly,
    oracleValid: v.oracleValid,
    oraclePrice: prices.oraclePrice,
    markPrice: prices.markPrice,
    fairPrice: prices.fairPrice,
    premium: prices.premium,
    fairPremium: prices.fairPremium,
    lastFundingRate: s.lastFundingRate,
    fundingRatePerHour: prices.currentFundingRate,
    fundingRateAnnualised: prices.annualisedFundingRate,
    fundingIndex: prices.fundingIndex,
    nextHourFundingPerUnit: v.oracleValid
      ? indexDelta(prices.currentFundingRate, prices.oraclePrice, ONE_HOUR)
      : 0n,
    skew: s.skew,
    openInterestLong: s.openInterestLong,
    openInterestShort: s.openInterestLong - s.skew,
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
  collateralUsd: collateral,
  equityUsd: 0n,
  initialMarginUsd: 0n,
  maintenanceMarginUsd: 0n,
  marginUtilisation: 0n,
  withdrawableUsd: 0n,
});

const zeroValue = (tier: NotionalTier): PositionValue => ({
  price: 0n,
  pnlUsd: 0n,
  fundingOwedUsd: 0n,
  notionalUsd: 0n,
  initialMarginUsd: 0n,
  maintenanceMarginUsd: 0n,
  tier,
  fallback: false,
});

/** The engine's `MarginSummary` struct as an {@link AccountMarginResult}. */
function toMarginResult(m: LensAccountView["margin"]): AccountMarginResult {
  return {
    collateralUsd: m.collateral,
    equityUsd: m.equity,
    initialMarginUsd: m.initialMargin,
    maintenanceMarginUsd: m.maintenanceMargin,
    marginUtilisation: m.marginUtilisation,
    withdrawableUsd: m.withdrawable,
  };
}

/** The SDK's math on a snapshot, or `fallback` when it cannot value it (e.g. a market without tiers). */
function orElse<T>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch {
    return fallback;
  }
}

/** A `PerpLens.AccountView` as an {@link Account}. */
export function toAccount(v: LensAccountView): Account {
  const markets = v.markets.map(toMarket);
  const timestamp = v.timestamp;
  const positions = v.positions.map((p, i): Position => {
    const market = markets[i];
    const { size, openNotional, lastFundingIndex } = p.position;
    const input = { marketId: p.marketId, size, openNotionalUsd: openNotional, lastFundingIndex, market };
    return {
      marketId: p.marketId,
      symbol: market.symbol,
      side: size > 0n ? "long" : "short",
      size,
      openNotionalUsd: openNotional,
      lastFundingIndex,
      entryPrice: size === 0n ? 0n : mulDivDown(abs(openNotional), WAD, abs(size)),
      unrealisedPnlUsd: p.unrealisedPnl,
      accruedFundingUsd: p.accruedFunding,
      liquidationPrice: p.liquidationPrice,
      adlRank: p.adlRank,
      credited: orElse(() => valuePosition(input, timestamp, "credit"), zeroValue(market.tiers[0])),
      atFair: orElse(() => valuePosition(input, timestamp, "fair"), zeroValue(market.tiers[0])),
      market,
    };
  });
  // While an oracle fails the lens cannot read the fair views; the credited ones the SDK computes itself (the
  // engine's `accountMargin` and `withdrawableUsd` value the failing market at its fallback and do not revert).
  const snapshot = { collateralUsd: v.collateral, positions };
  const margin = v.valuationValid
    ? toMarginResult(v.margin)
    : orElse(() => accountMargin(snapshot, timestamp, "credit"), zeroMargin(v.collateral));
  const withdrawable = v.valuationValid
    ? v.withdrawableUsd
    : orElse(() => withdrawableUsd(snapshot, timestamp), 0n);
  // The trigger valuation falls back too (a failing market counts at its worst case), so the account can be judged.
  const marginAtFair = v.valuationValid
    ? toMarginResult(v.marginAtFair)
    : orElse(() => accountMargin(snapshot, timestamp, "fair"), zeroMargin(v.collateral));
  const maintenance = v.valuationValid
    ? v.maintenanceMargin
    : orElse(() => maintenanceMargin(snapshot, timestamp), 0n);
  return {
    address: v.account,
    blockNumber: v.blockNumber,
    timestamp,
    collateralUsd: v.collateral,
    valuationValid: v.valuationValid,
    equityUsd: margin.equityUsd,
    marginUtilisation: marginAtFair.marginUtilisation,
    atRisk: marginAtFair.marginUtilisation > DANGER_UTILISATION,
    maintenanceMarginUsd: maintenance,
    liquidatable: maintenance < 0n,
    withdrawableUsd: withdrawable,
    maxWithdrawUsdc: v.valuationValid ? v.maxWithdraw : toTokenDown(withdrawable),
    margin,
    marginAtFair,
    lastPartialLiquidation: v.lastPartialLiquidation,
    positions,
  };
}

/**
 * A `PerpLens.LiquidityVaultView` (plus the vault's fee, fallback flag, unresolved shortfall and required cash, read
 * beside it) as {@link LiquidityVaultInfo}.
 */
export function toLiquidityVault(
  v: LensLiquidityVaultView,
  address: Address,
  holder: Address,
  extra: {
    liquidityFee: bigint;
    valuationFallback: boolean;
    unresolvedShortfallUsd: bigint;
    requiredCashUsdc: bigint;
  },
): LiquidityVaultInfo {
  return {
    address,
    holder,
    blockNumber: v.blockNumber,
    timestamp: v.timestamp,
    totalAssetsUsdc: v.totalAssets,
    totalSupply: v.totalSupply,
    sharePriceUsdc: v.sharePrice,
    netValueUsd: v.netValueUsd,
    requiredBackingUsdc: v.requiredBackingAssets,
    availableLiquidityUsdc: v.availableLiquidity,
    depositCapUsdc: v.depositCap,
    depositsPaused: v.depositsPaused,
    shares: v.shares,
    assetsUsdc: v.assets,
    maxDepositUsdc: v.maxDeposit,
    maxWithdrawUsdc: v.maxWithdraw,
    maxRedeem: v.maxRedeem,
    ...extra,
  };
}

/** The insurance fund and the trading-fee share flowing into it (all 18-decimal USD). */
export interface InsuranceFundInfo {
  address: Address;
  blockNumber: bigint;
  timestamp: bigint;
  /** Its balance: collateral in its own vault account. */
  balanceUsd: bigint;
  /** Everything paid out for bad debt. */
  totalBadDebtCoveredUsd: bigint;
  /** Everything paid out as keeper-reward top-ups. */
  totalKeeperRewardsPaidUsd: bigint;
  /** The engine's share of trading fees accrued for the fund and not swept yet (`sweepInsuranceFees` moves it). */
  pendingFeesUsd: bigint;
  /** balance + pendingFees: what the fund can pay now (a liquidation sweeps before drawing on it). */
  availableUsd: bigint;
  /** Where the engine sends its share of trading fees. */
  feeRecipient: Address;
  /** That share of every trading fee, 18 decimals. */
  feeShare: bigint;
}

/**
 * A request waiting in the ADL queue (`AdlRequest`): a shortfall to repay (`kind` "shortfall"), or a pnl-factor
 * reduction of a market's winning side (`kind` "pnlReduction", account zero).
 */
export interface AdlRequest {
  requestId: bigint;
  kind: "shortfall" | "pnlReduction";
  /** The bankrupt account (its negative collateral is what ADL repays); zero for a pnl-factor reduction. */
  account: Address;
  /** The market of the close that lost the most (or whose winning side is reduced); its victim side is reduced. */
  marketId: bigint;
  /** True: profitable longs are deleveraged (the bankrupt position was short, or the market's traders net long). */
  victimsLong: boolean;
  /** When the request opened, or was rotated to the back of the queue. */
  openedAt: bigint;
  /** When a step last covered part of it (openedAt until then). */
  lastProgressAt: bigint;
  /** When `executeAdl` may run: openedAt + the ranking window. */
  executableAt: bigint;
  /** When `rotateAdl` may run if no candidate can cover it: max(executableAt, lastProgressAt) + the stuck window. */
  rotatableAt: bigint;
  /** The price victims close at (capped at each victim's break-even); 0 for a reduction (bounded market fill). */
  bankruptcyPrice: bigint;
  /** Shortfall still to cover, USD (0 for a reduction). */
  remainingUsd: bigint;
}

/** A member of the pending request's candidate set with its rank now (0: not eligible any more). */
export interface AdlCandidate {
  account: Address;
  rank: bigint;
}

/**
 * Auto-deleveraging at one block: the pending request (the head of the FIFO queue), its candidates, the total
 * shortfall and the pnl factor (traders' profit against the liquidity vault's cash).
 */
export interface PendingAdl {
  blockNumber: bigint;
  timestamp: bigint;
  /** The pending request, or undefined when none is pending. */
  request: AdlRequest | undefined;
  /** The candidate set, in the contract's order. */
  candidates: AdlCandidate[];
  /** The candidate `executeAdl` would reduce now: the first with the highest rank, if any rank is > 0. */
  next: AdlCandidate | undefined;
  /**
   * Whether `executeAdl` would succeed now (the lens's answer; pure mirror `adlExecutable`): a pnl-factor reduction
   * once its ranking window is over (it then closes the top-ranked candidate, or resolves when the factor is back
   * within its limit or no candidate ranks above 0); a shortfall the bankrupt account has repaid in full at once,
   * otherwise once the window is over and a candidate ranks above 0.
   */
  executable: boolean;
  /** `rotateAdl` may run once this time has passed and no candidate can cover the request (0: none pending). */
  rotatableAt: bigint;
  /** Σ shortfall queued and not yet covered, USD. */
  totalShortfallUsd: bigint;
  /** Seconds candidates are collected after a request opens. */
  rankingWindow: bigint;
  /** Size of the candidate set. */
  maxCandidates: bigint;
  /** Traders' unrealised profit against the liquidity vault, USD (`pnlFactor`). */
  traderProfitUsd: bigint;
  /** The liquidity vault's cash: its collateral less the collateral vault's total debt, USD (`pnlFactor`). */
  vaultCashUsd: bigint;
  /** The limit on traderProfit / vaultCash, 18 decimals. */
  maxPnlFactor: bigint;
  /** ⌊vaultCash × maxPnlFactor / 10^18⌋: above it anyone may `requestPnlReduction`. */
  pnlFactorLimitUsd: bigint;
  /** traderProfit > pnlFactorLimit. */
  pnlFactorExceeded: boolean;
}

/** A `PerpLens.InsuranceFundView` as {@link InsuranceFundInfo}. */
export function toInsuranceFund(v: LensInsuranceFundView): InsuranceFundInfo {
  return {
    address: v.fund,
    blockNumber: v.blockNumber,
    timestamp: v.timestamp,
    balanceUsd: v.balance,
    totalBadDebtCoveredUsd: v.totalBadDebtCovered,
    totalKeeperRewardsPaidUsd: v.totalKeeperRewardsPaid,
    pendingFeesUsd: v.pendingFees,
    availableUsd: v.balance + v.pendingFees,
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
        kind: BigInt(r.account) === 0n ? "pnlReduction" : "shortfall",
        account: r.account,
        marketId: BigInt(r.marketId),
        victimsLong: r.victimsLong,
        openedAt: BigInt(r.openedAt),
        lastProgressAt: BigInt(r.lastProgressAt),
        executableAt: v.executableAt,
        rotatableAt: v.rotatableAt,
        bankruptcyPrice: r.bankruptcyPrice,
        remainingUsd: r.remaining,
      }
    : undefined;
  const candidates = v.candidates.map((account, i) => ({ account, rank: v.candidateRanks[i] ?? 0n }));
  let next: AdlCandidate | undefined;
  for (const c of candidates) if (c.rank > (next?.rank ?? 0n)) next = c;
  const limit = pnlFactorLimit(v.vaultCash, v.maxPnlFactor);
  return {
    blockNumber: v.blockNumber,
    timestamp: v.timestamp,
    request,
    candidates,
    next,
    executable: v.executable,
    rotatableAt: v.rotatableAt,
    totalShortfallUsd: v.totalShortfall,
    rankingWindow: v.rankingWindow,
    maxCandidates: v.maxCandidates,
    traderProfitUsd: v.traderProfit,
    vaultCashUsd: v.vaultCash,
    maxPnlFactor: v.maxPnlFactor,
    pnlFactorLimitUsd: limit,
    pnlFactorExceeded: v.traderProfit > limit,
  };
}

/** `LiquidationEngine.config()` as a {@link LiquidationConfig} (every number a bigint). */
export function toLiquidationConfig(v: LiquidationConfigView): LiquidationConfig {
  return {
    feeRate: v.feeRate,
    keeperShare: v.keeperShare,
    minKeeperRewardUsd: v.minKeeperReward,
    maxKeeperRewardUsd: v.maxKeeperReward,
    partialNotionalUsd: v.partialNotional,
    sliceFraction: v.sliceFraction,
    cooldown: BigInt(v.cooldown),
  };
}

/** `LiquidationEngine.previewLiquidation(account)` as a {@link LiquidationPreview}. */
export function toLiquidationPreview(v: LiquidationPreviewView): LiquidationPreview {
  return {
    liquidatable: v.liquidatable,
    maintenanceMarginUsd: v.maintenanceMargin,
    closes: v.marketIds.map((marketId, i) => ({ marketId, sizeDelta: v.sizeDeltas[i] ?? 0n })),
    notionalClosedUsd: v.notionalClosed,
    keeperRewardUsd: v.keeperReward,
    insuranceFeeUsd: v.insuranceFee,
    expectedBadDebtUsd: v.expectedBadDebt,
  };
}
