/**
 * Bigint mirror of the liquidity vault's valuation and ERC-4626 views: the engine's `counterpartyPnl` and
 * `counterpartyPnlOf` (each market's net position at its exit value, `netExitValueCeil`, with the failing-oracle
 * fallback), `requiredBacking` (at the oracle) and `requiredCash` (the open-interest-to-cash limit), the pnl-factor
 * reduction's target market, and `LiquidityVault`'s `totalAssets`, `max*` (deposits closed during a fallback or an
 * unresolved shortfall), `availableLiquidity` (keeping the required cash), conversions and previews with the
 * entry/exit fee (`liquidityFee`, OpenZeppelin's ERC4626Fees scheme: the fee stays in the vault). Same integer steps
 * as the contracts, so every value equals their views at the same block to the wei. Amounts: USD 18 decimals,
 * assets USDC units (6 decimals), shares 18 decimals.
 */
import { abs, mulDivDown, mulDivFloor, mulDivUp, WAD } from "./fixedPointMath.js";
import { checkInt256, checkUint256, MAX_UINT256, toInt256 } from "./int256.js";
import {
  fallbackIndex,
  fallbackPrice,
  pendingFundingIndex,
  type MarketValuationInput,
  type MarketRunningState,
} from "./marketAccounting.js";
import { netExitValueCeil } from "./pricingMath.js";
import { toTokenDown, toTokenUp } from "./tokenUnits.js";

/** Shares carry 12 more decimals than USDC: 10^12 virtual shares against one virtual asset (`_decimalsOffset`). */
export const LIQUIDITY_VAULT_DECIMALS_OFFSET = 12n;
/** The largest entry/exit fee the owner may set (1 %). */
export const MAX_LIQUIDITY_FEE = WAD / 100n;

const VIRTUAL_SHARES = 10n ** LIQUIDITY_VAULT_DECIMALS_OFFSET;

/** A market as the vault's valuation reads it: its state with the traders' aggregates. */
export interface CounterpartyMarketInput
  extends Pick<MarketValuationInput, "params" | "oraclePrice" | "oracleValid" | "circuitBreaker"> {
  state: MarketRunningState & { sumOpenNotionalUsd: bigint; sumFundingBasisUsd: bigint };
}

/** The engine's valuation of the liquidity vault's side: a USD amount, and whether a failing oracle's fallback was used. */
export interface CounterpartyValue {
  usd: bigint;
  /** Some market's oracle fails: it was valued at its worst case within the breaker band. */
  fallbackUsed: boolean;
}

/**
 * The liquidity vault's PnL in one market at `timestamp` (`PerpEngine.counterpartyPnlOf`, the per-market term of
 * `counterpartyPnl`): sumOpenNotional − netExitValueCeil(oracle, skew) + ⌊skew × pendingIndex⌋ − sumFundingBasis;
 * negative where the traders are winning against the vault. A market whose oracle fails (`oracleValid` false) is
 * valued at its last good price moved against the vault (up when traders are net long) with {@link fallbackIndex}
 * for the vault's side (−skew: funding since the last accrual only when the vault owes it), and sets `fallbackUsed`.
 * A market with no skew and no aggregates is 0 (its oracle is not read).
 */
export function counterpartyPnlOf(market: CounterpartyMarketInput, timestamp: bigint): CounterpartyValue {
  const s = market.state;
  const skew = s.skew;
  if (skew === 0n && s.sumOpenNotionalUsd === 0n && s.sumFundingBasisUsd === 0n)
    return { usd: 0n, fallbackUsed: false };
  let oracle = market.oraclePrice;
  let index: bigint;
  const fallbackUsed = market.oracleValid === false || oracle === 0n;
  if (fallbackUsed) {
    oracle = fallbackPrice(market, skew > 0n);
    index = fallbackIndex(market, oracle, skew < 0n, timestamp);
  } else {
    index = pendingFundingIndex(market, oracle, timestamp);
  }
  const exit = netExitValueCeil(oracle, skew, market.params.skewScale, market.params.maxPremium);
  let usd = checkInt256(s.sumOpenNotionalUsd - exit, "counterparty pnl");
  usd = checkInt256(
    usd + checkInt256(mulDivFloor(skew, index, WAD) - s.sumFundingBasisUsd),
    "counterparty pnl",
  );
  return { usd, fallbackUsed };
}

/**
 * `PerpEngine.counterpartyPnl()` at `timestamp`: −pendingInsuranceFees + Σ over every market (all of them, in any
 * order) of {@link counterpartyPnlOf}; `fallbackUsed` when any market's oracle fails.
 */
export function counterpartyPnl(
  markets: readonly CounterpartyMarketInput[],
  pendingInsuranceFees: bigint,
  timestamp: bigint,
): CounterpartyValue {
  let usd = -toInt256(pendingInsuranceFees, "pendingInsuranceFees");
  let fallbackUsed = false;
  for (const m of markets) {
    const one = counterpartyPnlOf(m, timestamp);
    usd = checkInt256(usd + one.usd, "counterparty pnl");
    fallbackUsed = fallbackUsed || one.fallbackUsed;
  }
  return { usd, fallbackUsed };
}

/**
 * The market a pnl-factor reduction targets (`requestPnlReduction`): the one with the most negative
 * {@link counterpartyPnlOf} (traders win the most against the vault there; the first such market by id on a tie);
 * undefined when no market is negative (the contract reverts `NoWinningSide`).
 */
export function pnlReductionTarget(
  markets: readonly (CounterpartyMarketInput & { marketId: bigint })[],
  timestamp: bigint,
): bigint | undefined {
  let target: bigint | undefined;
  let worst = 0n;
  const byId = [...markets].sort((a, b) => (a.marketId < b.marketId ? -1 : a.marketId > b.marketId ? 1 : 0));
  for (const m of byId) {
    const { usd } = counterpartyPnlOf(m, timestamp);
    if (usd < worst) [worst, target] = [usd, m.marketId];
  }
  return target;
}

/**
 * `PerpEngine.requiredBacking()`: Σ over markets with skew of ⌈⌈|skew| × oracle⌉ × backingRatio⌉ (each /10^18); a
 * market whose oracle fails counts at its last good price moved up by the breaker band (`fallbackUsed`).
 */
export function requiredBacking(
  markets: readonly Pick<
    CounterpartyMarketInput,
    "state" | "oraclePrice" | "oracleValid" | "circuitBreaker"
  >[],
  backingRatio: bigint,
): CounterpartyValue {
  let usd = 0n;
  let fallbackUsed = false;
  for (const m of markets) {
    const skew = m.state.skew;
    if (skew === 0n) continue;
    let oracle = m.oraclePrice;
    if (m.oracleValid === false || oracle === 0n) {
      fallbackUsed = true;
      oracle = fallbackPrice(m, true);
    }
    usd = checkUint256(
      usd + mulDivUp(mulDivUp(abs(skew), oracle, WAD), backingRatio, WAD),
      "required backing",
    );
  }
  return { usd, fallbackUsed };
}

/** A market as {@link requiredCash} reads it. */
export type RequiredCashMarketInput = Pick<
  CounterpartyMarketInput,
  "oraclePrice" | "oracleValid" | "circuitBreaker"
> & {
  state: MarketRunningState & { openInterestLong: bigint };
};

/**
 * `PerpEngine.requiredCash()`: the cash the open-interest-to-cash limit asks of the vault, max over markets of
 * ⌈⌈max(OI long, OI short) × oracle / 10^18⌉ × 10^18 / openInterestCashRatio⌉ (short OI = openInterestLong − skew); a
 * market whose oracle fails counts at its last good price moved up by the breaker band (`fallbackUsed`). Markets
 * with no open interest are skipped (their oracle is not read).
 */
export function requiredCash(
  markets: readonly RequiredCashMarketInput[],
  openInterestCashRatio: bigint,
): CounterpartyValue {
  let usd = 0n;
  let fallbackUsed = false;
  for (const m of markets) {
    const longs = m.state.openInterestLong;
    const shorts = checkUint256(longs - m.state.skew, "openInterestShort");
    const side = longs > shorts ? longs : shorts;
    if (side === 0n) continue;
    let oracle = m.oraclePrice;
    if (m.oracleValid === false || oracle === 0n) {
      fallbackUsed = true;
      oracle = fallbackPrice(m, true);
    }
    const cash = mulDivUp(mulDivUp(side, oracle, WAD), WAD, openInterestCashRatio);
    if (cash > usd) usd = cash;
  }
  return { usd, fallbackUsed };
}

/** What the liquidity vault's views read, at one block. */
export interface LiquidityVaultState {
  /** The vault's balance in the collateral vault (`collateralOf(liquidityVault)`), USD. */
  collateralUsd: bigint;
  /**
   * The counterparty's valuation ({@link counterpartyPnl}), required backing ({@link requiredBacking}) and required
   * cash ({@link requiredCash}) in USD; undefined when no counterparty is set.
   */
  counterparty: { pnl: CounterpartyValue; requiredBackingUsd: bigint; requiredCashUsd: bigint } | undefined;
  /** The liquidation engine's `totalShortfall`, USD. */
  unresolvedShortfallUsd: bigint;
  /** The collateral vault's `totalDebt`, USD. */
  totalDebtUsd: bigint;
  /** Shares outstanding. */
  totalSupply: bigint;
  /** Entry/exit fee, 18 decimals. */
  liquidityFee: bigint;
  /** USDC units (`type(uint256).max`: none). */
  depositCapUsdc: bigint;
  depositsPaused: boolean;
}

/** The vault's value: cash + counterparty PnL − unresolved shortfall, USD, and whether a fallback was used. */
export interface LiquidityVaultValuation {
  netValueUsd: bigint;
  fallbackUsed: boolean;
}

/** `LiquidityVault._valuation` / `netValueUsd` / `valuationFallback`. */
export function liquidityVaultValuation(state: LiquidityVaultState): LiquidityVaultValuation {
  const cash = checkInt256(state.collateralUsd, "collateral");
  if (state.counterparty === undefined) return { netValueUsd: cash, fallbackUsed: false };
  const { pnl } = state.counterparty;
  return {
    netValueUsd: checkInt256(cash + pnl.usd - toInt256(state.unresolvedShortfallUsd), "net value"),
    fallbackUsed: pnl.fallbackUsed,
  };
}

/** `totalAssets`: max(0, net value) in USDC units, rounded down. */
export function liquidityVaultTotalAssets(state: LiquidityVaultState): bigint {
  const value = liquidityVaultValuation(state).netValueUsd;
  return value <= 0n ? 0n : toTokenDown(value);
}

/** The fee on an amount that does not include it, rounded up (`_feeOnRaw`): ⌈assets × fee / 10^18⌉. */
export function liquidityFeeOnRaw(assets: bigint, liquidityFee: bigint): bigint {
  return mulDivUp(assets, liquidityFee, WAD);
}

/** The fee part of an amount that includes it, rounded up (`_feeOnTotal`): ⌈assets × fee / (10^18 + fee)⌉. */
export function liquidityFeeOnTotal(assets: bigint, liquidityFee: bigint): bigint {
  return mulDivUp(assets, liquidityFee, liquidityFee + WAD);
}

type Rounding = "floor" | "ceil";

/**
 * What the ERC-4626 conversions and previews read: total assets (USDC units), total supply and the fee. A
 * `LiquidityVaultInfo` (`getLiquidityVault`) is one; {@link liquidityShareState} builds one from the raw state.
 */
export interface LiquidityShareState {
  totalAssetsUsdc: bigint;
  totalSupply: bigint;
  liquidityFee: bigint;
}

/** The share-price inputs of a raw vault state. */
export function liquidityShareState(state: LiquidityVaultState): LiquidityShareState {
  return {
    totalAssetsUsdc: liquidityVaultTotalAssets(state),
    totalSupply: state.totalSupply,
    liquidityFee: state.liquidityFee,
  };
}

/** ERC-4626 `_convertToShares`: assets × (totalSupply + 10^12) / (totalAssets + 1), rounded as asked. */
export function liquidityConvertToShares(
  state: LiquidityShareState,
  assets: bigint,
  rounding: Rounding = "floor",
): bigint {
  const mul = rounding === "ceil" ? mulDivUp : mulDivDown;
  return mul(assets, state.totalSupply + VIRTUAL_SHARES, state.totalAssetsUsdc + 1n);
}

/** ERC-4626 `_convertToAssets`: shares × (totalAssets + 1) / (totalSupply + 10^12), rounded as asked. */
export function liquidityConvertToAssets(
  state: LiquidityShareState,
  shares: bigint,
  rounding: Rounding = "floor",
): bigint {
  const mul = rounding === "ceil" ? mulDivUp : mulDivDown;
  return mul(shares, state.totalAssetsUsdc + 1n, state.totalSupply + VIRTUAL_SHARES);
}

/** `previewDeposit`: the shares `assets` buy after the entry fee ⌈assets × f / (1 + f)⌉, rounded down. */
export function liquidityPreviewDeposit(state: LiquidityShareState, assets: bigint): bigint {
  const net = checkUint256(assets - liquidityFeeOnTotal(assets, state.liquidityFee), "assets − fee");
  return liquidityConvertToShares(state, net, "floor");
}

/** `previewMint`: the assets `shares` cost (rounded up), plus the entry fee on them ⌈assets × f⌉. */
export function liquidityPreviewMint(state: LiquidityShareState, shares: bigint): bigint {
  const assets = liquidityConvertToAssets(state, shares, "ceil");
  return checkUint256(assets + liquidityFeeOnRaw(assets, state.liquidityFee), "assets + fee");
}

/** `previewWithdraw`: the shares burned to pay out `assets`: those worth assets + ⌈assets × f⌉, rounded up. */
export function liquidityPreviewWithdraw(state: LiquidityShareState, assets: bigint): bigint {
  const gross = checkUint256(assets + liquidityFeeOnRaw(assets, state.liquidityFee), "assets + fee");
  return liquidityConvertToShares(state, gross, "ceil");
}

/** `previewRedeem`: what `shares` pay out: their value v (rounded down) less the exit fee ⌈v × f / (1 + f)⌉. */
export function liquidityPreviewRedeem(state: LiquidityShareState, shares: bigint): bigint {
  const assets = liquidityConvertToAssets(state, shares, "floor");
  return assets - liquidityFeeOnTotal(assets, state.liquidityFee);
}

/** `requiredBackingAssets`: the counterparty's required backing in USDC units, rounded up (0 without one). */
export function liquidityRequiredBackingAssets(state: LiquidityVaultState): bigint {
  return state.counterparty === undefined ? 0n : toTokenUp(state.counterparty.requiredBackingUsd);
}

/** `requiredCashAssets`: the counterparty's required cash in USDC units, rounded up (0 without one). */
export function liquidityRequiredCashAssets(state: LiquidityVaultState): bigint {
  return state.counterparty === undefined ? 0n : toTokenUp(state.counterparty.requiredCashUsd);
}

/**
 * `availableLiquidity`: what all holders together may withdraw now, USDC units: min(total assets above the
 * required backing, the vault's cash less the collateral vault's total debt and the required cash of the
 * open-interest-to-cash limit, so LP exits keep what the open interest needs).
 */
export function liquidityAvailable(state: LiquidityVaultState): bigint {
  const value = liquidityVaultValuation(state).netValueUsd;
  if (value <= 0n) return 0n;
  const total = toTokenDown(value);
  const required = liquidityRequiredBackingAssets(state);
  const excess = total > required ? total - required : 0n;
  // The vault holds no position, so the collateral vault lets it withdraw its whole positive balance.
  const cash = state.collateralUsd > 0n ? toTokenDown(state.collateralUsd) : 0n;
  const owed = toTokenUp(state.totalDebtUsd) + liquidityRequiredCashAssets(state);
  const free = cash > owed ? cash - owed : 0n;
  return excess < free ? excess : free;
}

/**
 * `maxDeposit`: 0 while paused, while the value is negative, while a fallback is used (an oracle fails) or while an
 * ADL shortfall is unresolved (a deposit would buy a share of its repayment); else up to the cap.
 */
export function liquidityMaxDeposit(state: LiquidityVaultState): bigint {
  if (state.depositsPaused) return 0n;
  const { netValueUsd, fallbackUsed } = liquidityVaultValuation(state);
  if (netValueUsd < 0n || fallbackUsed || state.unresolvedShortfallUsd !== 0n) return 0n;
  const assets = toTokenDown(netValueUsd);
  return state.depositCapUsdc > assets ? state.depositCapUsdc - assets : 0n;
}

/** `maxMint`: the shares `maxDeposit` buys (rounded down); 2^256 − 1 when that amount cannot be priced. */
export function liquidityMaxMint(state: LiquidityVaultState): bigint {
  const assets = liquidityMaxDeposit(state);
  if (assets === 0n) return 0n;
  const high = (assets * (state.totalSupply + VIRTUAL_SHARES)) >> 256n;
  if (high > liquidityVaultTotalAssets(state)) return MAX_UINT256;
  return liquidityPreviewDeposit(liquidityShareState(state), assets);
}

/** `maxWithdraw(owner)`: min(previewRedeem(its shares), availableLiquidity). */
export function liquidityMaxWithdraw(state: LiquidityVaultState, ownerShares: bigint): bigint {
  const redeem = liquidityPreviewRedeem(liquidityShareState(state), ownerShares);
  const available = liquidityAvailable(state);
  return redeem < available ? redeem : available;
}

/**
 * `maxRedeem(owner)`: all its shares if they redeem to no more than `availableLiquidity`, else the shares that
 * liquidity is worth before the fee, rounded down.
 */
export function liquidityMaxRedeem(state: LiquidityVaultState, ownerShares: bigint): bigint {
  const liquidity = liquidityAvailable(state);
  const shares = liquidityShareState(state);
  if (liquidityPreviewRedeem(shares, ownerShares) <= liquidity) return ownerShares;
  return liquidityConvertToShares(shares, liquidity, "floor");
}

/** One LP operation and what it moves, as the vault's preview computes it (USDC units, shares 18 decimals). */
export interface LiquidityQuote {
  /** USDC the depositor pays in, or the withdrawer receives. */
  assetsUsdc: bigint;
  /** Shares minted or burned. */
  shares: bigint;
  /** The entry or exit fee in USDC units: it stays in the vault for the remaining holders. */
  feeUsdc: bigint;
}

/**
 * The four LP operations previewed with the fee broken out: `depositUsdc` (assets in), `mint` (shares out),
 * `withdrawUsdc` (assets out) and `redeem` (shares in).
 */
export function liquidityQuote(
  state: LiquidityShareState,
  operation: { depositUsdc: bigint } | { mint: bigint } | { withdrawUsdc: bigint } | { redeem: bigint },
): LiquidityQuote {
  const f = state.liquidityFee;
  if ("depositUsdc" in operation) {
    const assets = operation.depositUsdc;
    return {
      assetsUsdc: assets,
      shares: liquidityPreviewDeposit(state, assets),
      feeUsdc: liquidityFeeOnTotal(assets, f),
    };
  }
  if ("mint" in operation) {
    const shares = operation.mint;
    const raw = liquidityConvertToAssets(state, shares, "ceil");
    return { assetsUsdc: liquidityPreviewMint(state, shares), shares, feeUsdc: liquidityFeeOnRaw(raw, f) };
  }
  if ("withdrawUsdc" in operation) {
    const assets = operation.withdrawUsdc;
    return {
      assetsUsdc: assets,
      shares: liquidityPreviewWithdraw(state, assets),
      feeUsdc: liquidityFeeOnRaw(assets, f),
    };
  }
  const shares = operation.redeem;
  const gross = liquidityConvertToAssets(state, shares, "floor");
  return {
    assetsUsdc: liquidityPreviewRedeem(state, shares),
    shares,
    feeUsdc: liquidityFeeOnTotal(gross, f),
  };
}
