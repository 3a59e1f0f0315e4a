/**
 * Bigint mirror of the liquidation engine's math (`contracts/LiquidationEngine.sol` and
 * `contracts/liquidation/AutoDeleveraging.sol`): the liquidation fee and keeper reward (`_feeAndReward`), how they
 * are split between the keeper, the account and the insurance fund with the keeper paid in whole USDC units
 * (`_chargeFee` / `_previewFee`), the size each position closes by (`_closeSize`), the whole `previewLiquidation`
 * view, and the ADL rank (`adlRank`). Same integer steps as the contracts, so every value equals their views at the
 * same block to the wei.
 */
import { abs, mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
import { checkInt256, MAX_UINT256, toInt256 } from "./int256.js";
import { accountMargin, accruedFunding, unrealisedPnl, type AccountStateInput } from "./accountMargin.js";
import { quoteFillPrice } from "./marketAccounting.js";
import { applyTrade } from "./positionMath.js";
import { toTokenDown, toUsd } from "./tokenUnits.js";

/** The liquidation parameters (`LiquidationConfig`), every number a bigint. */
export interface LiquidationConfig {
  /** Fee on the notional closed, 18 decimals (default 0.5 %). */
  feeRate: bigint;
  /** Share of the fee paid to the keeper, 18 decimals (default 20 %). */
  keeperShare: bigint;
  /** Floor of the keeper reward, USD (the fund tops it up when the account cannot pay it). */
  minKeeperReward: bigint;
  /** Cap of the keeper reward, USD. */
  maxKeeperReward: bigint;
  /** Positions whose cost basis is above this (USD) lose one slice per liquidation instead of closing. */
  partialNotional: bigint;
  /** Fraction of such a position closed per liquidation, 18 decimals. */
  sliceFraction: bigint;
  /** Seconds after a partial liquidation before the next one (unless the account is bankrupt). */
  cooldown: bigint;
}

/** The fee and the keeper's reward for a liquidation of `notionalClosed` (`_feeAndReward`). */
export interface LiquidationFeeAndReward {
  /** notionalClosed × feeRate, rounded up, USD. */
  fee: bigint;
  /** fee × keeperShare rounded down, clamped to [minKeeperReward, maxKeeperReward], USD. */
  reward: bigint;
}

/**
 * fee = ⌈notionalClosed × feeRate⌉; reward = ⌊fee × keeperShare⌋ raised to `minKeeperReward`, then capped at
 * `maxKeeperReward` (`LiquidationEngine._feeAndReward`).
 */
export function liquidationFeeAndReward(
  notionalClosed: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "keeperShare" | "minKeeperReward" | "maxKeeperReward">,
): LiquidationFeeAndReward {
  const fee = mulDivUp(notionalClosed, config.feeRate, WAD);
  let reward = mulDivDown(fee, config.keeperShare, WAD);
  if (reward < config.minKeeperReward) reward = config.minKeeperReward;
  if (reward > config.maxKeeperReward) reward = config.maxKeeperReward;
  return { fee, reward };
}

/** Where a liquidation's fee goes (see {@link liquidationFeeSplit}); every amount 18-decimal USD. */
export interface LiquidationFeeSplit extends LiquidationFeeAndReward {
  /** max(fee, reward): what the account is charged if its collateral allows. */
  charge: bigint;
  /** What the account pays: min(charge, collateral), 0 for collateral ≤ 0. */
  fromAccount: bigint;
  /** The part of the reward the account pays: min(reward, fromAccount). */
  rewardFromAccount: bigint;
  /** What the keeper receives out of the account: `rewardFromAccount` in whole USDC units (rounded down). */
  keeperRewardFromAccount: bigint;
  /** What the fund pays toward the reward: min(reward − rewardFromAccount, its balance then). */
  fundTopUp: bigint;
  /** What the keeper receives out of the top-up, in whole USDC units (the sub-unit rest returns to the fund). */
  keeperRewardFromFund: bigint;
  /** The keeper's total: `keeperRewardFromAccount + keeperRewardFromFund` (the `Liquidated` event's reward). */
  keeperReward: bigint;
  /** What the fund receives from the account: fromAccount − keeperRewardFromAccount (the event's insurance fee). */
  insuranceFee: bigint;
}

/** USD rounded down to whole USDC units (what `CollateralVault.payOut` can send). */
const wholeUnits = (usd: bigint): bigint => toUsd(toTokenDown(usd));

/**
 * The fee split of `LiquidationEngine._chargeFee`: the account pays max(fee, reward) out of its positive collateral
 * (after the closes); the keeper's part comes first and is paid in whole USDC units, the rest (with the reward's
 * sub-unit dust) goes to the insurance fund; what the account cannot pay of the reward, the fund tops up as far as
 * its balance goes (its balance plus the engine's unswept fee share, plus the account's fee just paid in), again in
 * whole units.
 *
 * `previewLiquidation` (`_previewFee`) computes the same split.
 *
 * @param notionalClosed Σ notional closed, USD.
 * @param collateral The account's collateral after the closes (realised PnL and settled funding), USD.
 * @param fundAvailable The insurance fund's balance plus `pendingInsuranceFees` before the liquidation, USD.
 */
export function liquidationFeeSplit(
  notionalClosed: bigint,
  collateral: bigint,
  fundAvailable: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "keeperShare" | "minKeeperReward" | "maxKeeperReward">,
): LiquidationFeeSplit {
  checkInt256(collateral, "collateral");
  const { fee, reward } = liquidationFeeAndReward(notionalClosed, config);
  const charge = fee > reward ? fee : reward;
  const fromAccount = collateral > 0n ? (charge < collateral ? charge : collateral) : 0n;
  const rewardFromAccount = reward < fromAccount ? reward : fromAccount;
  const keeperRewardFromAccount = wholeUnits(rewardFromAccount);
  const insuranceFee = fromAccount - keeperRewardFromAccount;
  const missing = reward - rewardFromAccount;
  const fundBalance = fundAvailable + insuranceFee;
  const fundTopUp = missing < fundBalance ? missing : fundBalance;
  const keeperRewardFromFund = wholeUnits(fundTopUp);
  return {
    fee,
    reward,
    charge,
    fromAccount,
    rewardFromAccount,
    keeperRewardFromAccount,
    fundTopUp,
    keeperRewardFromFund,
    keeperReward: keeperRewardFromAccount + keeperRewardFromFund,
    insuranceFee,
  };
}

/**
 * The size change a liquidation applies to one position (`_closeSize`): the whole position when the account is
 * bankrupt or the position's cost basis |openNotional| is at most `partialNotional`; otherwise a slice of
 * `sliceFraction` (truncated toward zero), unless that slice rounds to nothing or to the whole position.
 */
export function liquidationCloseSize(
  position: { size: bigint; openNotional: bigint },
  config: Pick<LiquidationConfig, "partialNotional" | "sliceFraction">,
  bankrupt: boolean,
): { sizeDelta: bigint; isSlice: boolean } {
  const { size } = position;
  const whole = { sizeDelta: -size, isSlice: false };
  if (bankrupt) return whole;
  if (abs(position.openNotional) <= config.partialNotional) return whole;
  const sizeDelta = -mulDivTrunc(size, toInt256(config.sliceFraction), WAD);
  if (sizeDelta === 0n || sizeDelta === -size) return whole;
  return { sizeDelta, isSlice: true };
}

/** One position's close in a liquidation preview. */
export interface LiquidationClose {
  marketId: bigint;
  /** The size change (a reduction: opposite sign to the position). */
  sizeDelta: bigint;
}

/** What `previewLiquidation(account)` returns. */
export interface LiquidationPreview {
  /** Maintenance margin at fair prices is negative and no cooldown applies. */
  liquidatable: boolean;
  /** equity − Σ MM at fair prices, USD. */
  maintenanceMargin: bigint;
  /** The positions that would be closed or reduced, by increasing market id (empty when not below maintenance). */
  closes: LiquidationClose[];
  /** Σ |sizeDelta| × quoted fill (each rounded up), USD. */
  notionalClosed: bigint;
  /** What the caller would receive, USD (whole USDC units). */
  keeperReward: bigint;
  /** What the insurance fund would receive from the account, USD. */
  insuranceFee: bigint;
  /** The shortfall the account would leave if everything closed at the quoted fills, USD. */
  expectedBadDebt: bigint;
}

/** One close of {@link simulateLiquidation} with how it was derived. */
export interface LiquidationCloseDetail extends LiquidationClose {
  /** Only a slice of a position above `partialNotional`. */
  isSlice: boolean;
  /** The quoted fill (`quoteFillPrice`). */
  fillPrice: bigint;
  /** |sizeDelta| × fill, rounded up, USD. */
  notional: bigint;
  /** Realised PnL minus the funding owed: how the close moves the collateral, USD. */
  cashDelta: bigint;
}

/** {@link simulateLiquidation}'s result: the contract preview's fields, plus the steps behind them. */
export interface LiquidationSimulation extends LiquidationPreview {
  closes: LiquidationCloseDetail[];
  /** Equity ≤ 0 at fair or at mark prices: every position closes in full and no cooldown applies. */
  bankrupt: boolean;
  /** A recent partial liquidation's cooldown blocks liquidation now. */
  coolingDown: boolean;
  /** When the cooldown ends (0 if the account was never partially liquidated). */
  readyAt: bigint;
  /** Collateral after every close, before the fee, USD. */
  collateralAfterCloses: bigint;
  /** The fee split on the notional closed, as the view computes it (undefined when not below maintenance). */
  split: LiquidationFeeSplit | undefined;
}

/** What {@link simulateLiquidation} needs besides the account. */
export interface LiquidationSimulationParameters {
  config: LiquidationConfig;
  /** The insurance fund's balance plus the engine's unswept fee share, USD (`getInsuranceFund().available`). */
  fundAvailable: bigint;
  /** When the account was last partially liquidated (0: never); the account snapshot's `lastPartialLiquidation`. */
  lastPartialLiquidation?: bigint;
}

/**
 * The liquidation engine's `previewLiquidation(account)` at `timestamp`, from an account snapshot (positions with
 * their markets, as `getAccount` returns it): whether the account is liquidatable, which positions close by how
 * much at the quoted fills, the notional, the keeper reward, the fund's fee and the expected bad debt. Like the
 * contract view, it assumes every position is processed (`liquidate` may stop earlier once the account is
 * healthy; `liquidationFeeSplit` on the closes it made gives its exact split). An account with no position (for
 * example bad debt waiting for ADL) is not liquidatable: `liquidate` reverts with `NothingToLiquidate`.
 *
 * @example
 * const account = await perp.getAccount({ account: victim });
 * const fund = await perp.getInsuranceFund();
 * const config = await perp.getLiquidationConfig();
 * const sim = simulateLiquidation(account, {
 *   config,
 *   fundAvailable: fund.available,
 *   lastPartialLiquidation: account.lastPartialLiquidation,
 * }, account.timestamp);
 * if (sim.liquidatable) console.log(`reward ${formatUsd(sim.keeperReward)}`);
 */
export function simulateLiquidation(
  account: AccountStateInput,
  parameters: LiquidationSimulationParameters,
  timestamp: bigint,
): LiquidationSimulation {
  const { config } = parameters;
  const m = accountMargin(account, timestamp, true);
  const maintenanceMargin = checkInt256(m.equity - toInt256(m.maintenanceMargin), "maintenance margin");
  // Bankrupt at fair or at mark: right after a jump the lagging fair price can still show equity the mark does not.
  const bankrupt =
    maintenanceMargin < 0n && (m.equity <= 0n || accountMargin(account, timestamp, false).equity <= 0n);
  const last = parameters.lastPartialLiquidation ?? 0n;
  const readyAt = last === 0n ? 0n : last + config.cooldown;
  const coolingDown = !bankrupt && last !== 0n && timestamp < readyAt;
  const held = account.positions
    .filter((p) => p.size !== 0n)
    .sort((a, b) => (a.marketId < b.marketId ? -1 : a.marketId > b.marketId ? 1 : 0));
  const base = {
    liquidatable: maintenanceMargin < 0n && !coolingDown && held.length > 0,
    maintenanceMargin,
    bankrupt,
    coolingDown,
    readyAt,
  };
  if (maintenanceMargin >= 0n || held.length === 0)
    return {
      ...base,
      closes: [],
      notionalClosed: 0n,
      keeperReward: 0n,
      insuranceFee: 0n,
      expectedBadDebt: 0n,
      collateralAfterCloses: m.collateral,
      split: undefined,
    };

  const closes: LiquidationCloseDetail[] = [];
  let collateral = m.collateral;
  let notionalClosed = 0n;
  let closesAll = true;
  for (const p of held) {
    const { sizeDelta, isSlice } = liquidationCloseSize(p, config, bankrupt);
    const fillPrice = quoteFillPrice(p.market, p.market.oraclePrice, sizeDelta);
    const notional = mulDivUp(abs(sizeDelta), fillPrice, WAD);
    const { realisedPnl } = applyTrade(p.size, p.openNotional, sizeDelta, fillPrice);
    const cashDelta = checkInt256(realisedPnl - accruedFunding(p, timestamp), "cash delta");
    closes.push({ marketId: p.marketId, sizeDelta, isSlice, fillPrice, notional, cashDelta });
    closesAll = closesAll && !isSlice;
    notionalClosed += notional;
    collateral = checkInt256(collateral + cashDelta, "collateral");
  }
  const split = liquidationFeeSplit(notionalClosed, collateral, parameters.fundAvailable, config);
  const after = collateral - split.fromAccount;
  return {
    ...base,
    closes,
    notionalClosed,
    keeperReward: split.keeperReward,
    insuranceFee: split.insuranceFee,
    expectedBadDebt: closesAll && after < 0n ? -after : 0n,
    collateralAfterCloses: collateral,
    split,
  };
}

/** {@link adlRepayment}'s result. */
export interface AdlRepayment {
  /** The shortfall left for victims: min(remaining, the bankrupt account's debt), USD. */
  remaining: bigint;
  /** What the account repaid itself and `executeAdl` drops from the request (`AdlShortfallRepaid`), USD. */
  repaid: bigint;
  /** Nothing is left: `executeAdl` resolves the request with no victim and covers 0. */
  resolvedByRepayment: boolean;
}

/**
 * What `executeAdl` does first to the pending request: shrink it to the bankrupt account's remaining debt, since a
 * deposit into negative collateral repays debt and that part needs no victim.
 *
 * @param remaining The request's remaining shortfall (`getPendingAdl().request.remaining`).
 * @param bankruptCollateral The bankrupt account's collateral now (`getAccount({ account }).collateral`).
 */
export function adlRepayment(remaining: bigint, bankruptCollateral: bigint): AdlRepayment {
  const debt = bankruptCollateral < 0n ? -bankruptCollateral : 0n;
  if (debt >= remaining) return { remaining, repaid: 0n, resolvedByRepayment: false };
  return { remaining: debt, repaid: remaining - debt, resolvedByRepayment: debt === 0n };
}

/**
 * ADL rank (`AutoDeleveraging.adlRank`): unrealised PnL % × leverage, 18 decimals, both at the mark price, where
 * PnL % = ⌊pnl / |openNotional|⌋ and leverage = ⌊|openNotional + pnl| / equity⌋ (the notional at mark over the
 * account's equity at mark), multiplied and rounded down. 0 for no position or a PnL ≤ 0; 2^256 − 1 when the
 * account's equity is ≤ 0.
 *
 * @param position The stored size and cost basis.
 * @param pnl The position's unrealised PnL at mark (`unrealisedPnl`).
 * @param equity The account's equity at mark prices (`accountMargin(...).equity`).
 */
export function adlRank(
  position: { size: bigint; openNotional: bigint },
  pnl: bigint,
  equity: bigint,
): bigint {
  if (position.size === 0n) return 0n;
  if (pnl <= 0n) return 0n;
  if (equity <= 0n) return MAX_UINT256;
  const notional = abs(checkInt256(position.openNotional + pnl, "notional"));
  const pnlFraction = mulDivDown(pnl, WAD, abs(position.openNotional));
  const leverage = mulDivDown(notional, WAD, equity);
  return mulDivDown(pnlFraction, leverage, WAD);
}

/**
 * The ADL rank of the account's position in `marketId` at `timestamp`, from an account snapshot: {@link adlRank}
 * with the SDK's own `unrealisedPnl` and equity at mark (`accountMargin`). 0 when the account holds no position
 * there.
 */
export function positionAdlRank(account: AccountStateInput, marketId: bigint, timestamp: bigint): bigint {
  const p = account.positions.find((q) => q.marketId === marketId);
  if (p === undefined || p.size === 0n) return 0n;
  const pnl = unrealisedPnl(p);
  if (pnl <= 0n) return 0n;
  return adlRank(p, pnl, accountMargin(account, timestamp, false).equity);
}

/**
 * The rank `executeAdl` uses for a candidate of a request (`_victimRank`): {@link positionAdlRank} when the position
 * in the request's market is on the deleveraged side (long when `victimsLong`), else 0.
 */
export function adlVictimRank(
  account: AccountStateInput,
  request: { marketId: bigint; victimsLong: boolean },
  timestamp: bigint,
): bigint {
  const size = account.positions.find((q) => q.marketId === request.marketId)?.size ?? 0n;
  if (size === 0n || size > 0n !== request.victimsLong) return 0n;
  return positionAdlRank(account, request.marketId, timestamp);
}
