/**
 * Bigint mirror of `contracts/libraries/LiquidationMath.sol`, one function for each of the library's, with the same
 * name, the same arguments in the same order and the same integer steps (a struct argument is an object with the
 * struct's fields, several return values an object with the return values' names; a field that is a money amount
 * carries its unit, `…Usd` for 18-decimal USD, while positional arguments keep the library's names). The liquidation engine's
 * `liquidate` and `previewLiquidation`, and its ADL entry points and previews, use that library, so these functions
 * are what executes: the fee and keeper reward and their split between the account, the keeper and the insurance
 * fund, the size each position closes by, the cooldown, a close's cash and the expected bad debt; ADL's rank,
 * bankruptcy price, step price, size and cover, and the pnl-factor reduction's limit and reward.
 * `liquidationPreview.ts` composes them over account snapshots (`simulateLiquidation`, `previewAdlStep`, …).
 * Every function throws a `RangeError` where the library reverts.
 */
import { abs, mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
import { checkInt256, checkUint256, MAX_UINT256, MIN_INT256, toInt256 } from "./int256.js";
import { applyTrade } from "./positionMath.js";
import { toTokenDown, toUsd } from "./tokenUnits.js";

/** The liquidation parameters (`LiquidationConfig`), every number a bigint. */
export interface LiquidationConfig {
  /** Fee on the notional closed, 18 decimals (default 0.5 %). */
  feeRate: bigint;
  /** Share of the fee paid to the keeper, 18 decimals (default 20 %). */
  keeperShare: bigint;
  /** Floor of the keeper reward, USD (the fund tops it up when the account cannot pay it). */
  minKeeperRewardUsd: bigint;
  /** Cap of the keeper reward, USD. */
  maxKeeperRewardUsd: bigint;
  /** Positions whose cost basis is above this (USD) lose one slice per liquidation instead of closing. */
  partialNotionalUsd: bigint;
  /** Fraction of such a position closed per liquidation, 18 decimals. */
  sliceFraction: bigint;
  /** Seconds after a partial liquidation before the next one (unless the account is bankrupt). */
  cooldown: bigint;
}

/** A position as these functions read it (`Position`'s size and cost basis `openNotional`, USD). */
export interface PositionInput {
  size: bigint;
  openNotionalUsd: bigint;
}

// ------------------------------------------------------------------ liquidation fee

/** The fee and the keeper's reward for a liquidation of `notionalClosed` ({@link liquidationFeeAndReward}). */
export interface LiquidationFeeAndReward {
  /** notionalClosed × feeRate, rounded up, USD (the library's `fee`). */
  feeUsd: bigint;
  /** fee × keeperShare rounded down, clamped to [minKeeperReward, maxKeeperReward], USD (the library's `reward`). */
  rewardUsd: bigint;
}

/**
 * `LiquidationMath.liquidationFeeAndReward`: fee = ⌈notionalClosed × feeRate⌉; reward = ⌊fee × keeperShare⌋ raised
 * to `minKeeperReward` unless a close was `cut` by its forced-close bound, then capped at `maxKeeperReward`.
 */
export function liquidationFeeAndReward(
  notionalClosed: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "keeperShare" | "minKeeperRewardUsd" | "maxKeeperRewardUsd">,
  cut = false,
): LiquidationFeeAndReward {
  const fee = mulDivUp(notionalClosed, config.feeRate, WAD);
  let reward = mulDivDown(fee, config.keeperShare, WAD);
  if (!cut && reward < config.minKeeperRewardUsd) reward = config.minKeeperRewardUsd;
  if (reward > config.maxKeeperRewardUsd) reward = config.maxKeeperRewardUsd;
  return { feeUsd: fee, rewardUsd: reward };
}

/**
 * `LiquidationMath.liquidationCharge`: what the account is charged for closing `notionalClosed`, max(fee, reward)
 * (collateral permitting). `liquidate` stops closing positions once the account's maintenance margin covers it.
 */
export function liquidationCharge(
  notionalClosed: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "keeperShare" | "minKeeperRewardUsd" | "maxKeeperRewardUsd">,
  cut = false,
): bigint {
  const { feeUsd: fee, rewardUsd: reward } = liquidationFeeAndReward(notionalClosed, config, cut);
  return fee > reward ? fee : reward;
}

/**
 * `LiquidationMath.fundTopsUp`: whether the insurance fund tops the keeper reward up, only for a liquidation that
 * closed at least minKeeperReward / feeRate of notional (notionalClosed × feeRate ≥ minKeeperReward × 10^18), so a
 * dust account cannot make the fund pay the floor.
 */
export function fundTopsUp(
  notionalClosed: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "minKeeperRewardUsd">,
): boolean {
  const product = checkUint256(notionalClosed * config.feeRate, "notionalClosed × feeRate");
  return product >= config.minKeeperRewardUsd * WAD;
}

/**
 * What an account pays of its liquidation's fee and where it goes ({@link liquidationFeeCharge}), USD; the library's
 * `LiquidationFeeCharge` struct, each field with `Usd` appended.
 */
export interface LiquidationFeeCharge extends LiquidationFeeAndReward {
  /** What the account pays: max(fee, reward), at most its positive collateral (0 for collateral ≤ 0). */
  fromAccountUsd: bigint;
  /** The part of the reward the account pays, min(reward, fromAccount), in whole USDC units (rounded down). */
  keeperRewardFromAccountUsd: bigint;
  /** What the insurance fund receives from the account: fromAccount − keeperRewardFromAccount. */
  insuranceFeeUsd: bigint;
  /**
   * What the fund is asked to add to the reward (it pays as far as its balance goes): reward − min(reward,
   * fromAccount) when {@link fundTopsUp} holds, else 0.
   */
  fundTopUpWantedUsd: bigint;
}

/**
 * `LiquidationMath.liquidationFeeCharge`: the fee split of a liquidation that closed `notionalClosed` and left the
 * account `collateral` (after the closes). It pays max(fee, reward) out of its positive collateral; the reward
 * comes first and goes to the keeper in whole USDC units, the rest (with the reward's sub-unit dust) to the
 * insurance fund; what it cannot pay of the reward, the fund is asked to top up when {@link fundTopsUp} holds.
 */
export function liquidationFeeCharge(
  notionalClosed: bigint,
  collateral: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "keeperShare" | "minKeeperRewardUsd" | "maxKeeperRewardUsd">,
  cut = false,
): LiquidationFeeCharge {
  checkInt256(collateral, "collateral");
  const { feeUsd: fee, rewardUsd: reward } = liquidationFeeAndReward(notionalClosed, config, cut);
  const charge = fee > reward ? fee : reward;
  const fromAccount = collateral > 0n ? (charge < collateral ? charge : collateral) : 0n;
  const rewardFromAccount = reward < fromAccount ? reward : fromAccount;
  const keeperRewardFromAccount = wholeUnits(rewardFromAccount);
  const fundTopUpWanted =
    reward > rewardFromAccount && fundTopsUp(notionalClosed, config) ? reward - rewardFromAccount : 0n;
  return {
    feeUsd: fee,
    rewardUsd: reward,
    fromAccountUsd: fromAccount,
    keeperRewardFromAccountUsd: keeperRewardFromAccount,
    insuranceFeeUsd: fromAccount - keeperRewardFromAccount,
    fundTopUpWantedUsd: fundTopUpWanted,
  };
}

/** `LiquidationMath.wholeUnits`: `usd` rounded down to whole USDC units (what `CollateralVault.payOut` sends). */
export function wholeUnits(usd: bigint): bigint {
  return toUsd(toTokenDown(usd));
}

// ------------------------------------------------------------------ liquidation closes

/**
 * `LiquidationMath.liquidationCloseSize`: the size change a liquidation asks of one position, the whole position
 * when the account is bankrupt or the position's cost basis |openNotional| is at most `partialNotionalUsd`; otherwise a
 * slice of `sliceFraction` (truncated toward zero), unless that slice rounds to nothing or to the whole position.
 */
export function liquidationCloseSize(
  position: PositionInput,
  config: Pick<LiquidationConfig, "partialNotionalUsd" | "sliceFraction">,
  bankrupt: boolean,
): { sizeDelta: bigint; isSlice: boolean } {
  const { size } = position;
  const whole = { sizeDelta: -size, isSlice: false };
  if (bankrupt) return whole;
  if (abs(position.openNotionalUsd) <= config.partialNotionalUsd) return whole;
  const sizeDelta = -mulDivTrunc(size, toInt256(config.sliceFraction), WAD);
  if (sizeDelta === 0n || sizeDelta === -size) return whole;
  return { sizeDelta, isSlice: true };
}

/**
 * `LiquidationMath.liquidationCloseCashDelta`: how a close of `closed` at `fill` moves the account's collateral,
 * the PnL it realises (`applyTrade`) minus the funding the position owes (`funding`, settled with it).
 */
export function liquidationCloseCashDelta(
  position: PositionInput,
  closed: bigint,
  fill: bigint,
  funding: bigint,
): bigint {
  const { realisedPnlUsd } = applyTrade(position.size, position.openNotionalUsd, closed, fill);
  return checkInt256(realisedPnlUsd - checkInt256(funding, "funding"), "cash delta");
}

/**
 * `LiquidationMath.liquidationBadDebt`: the bad debt a liquidation leaves, what the account owes after the closes
 * (`collateralAfterCloses`) and the fee it pays (`fromAccount`), when every position closed in full (`closesAll`);
 * 0 otherwise.
 */
export function liquidationBadDebt(
  collateralAfterCloses: bigint,
  fromAccount: bigint,
  closesAll: boolean,
): bigint {
  checkInt256(collateralAfterCloses, "collateralAfterCloses");
  const after = checkInt256(
    collateralAfterCloses - toInt256(fromAccount, "fromAccount"),
    "collateral after fee",
  );
  if (!closesAll || after >= 0n) return 0n;
  if (after === MIN_INT256) throw new RangeError("liquidationBadDebt: int256 min has no negation");
  return -after;
}

/**
 * `LiquidationMath.liquidationCoolingDown`: whether an account partially liquidated at `lastPartial` (0: never) is
 * still in its cooldown at `timestamp` (a bankrupt account is liquidated regardless).
 */
export function liquidationCoolingDown(lastPartial: bigint, cooldown: bigint, timestamp: bigint): boolean {
  return lastPartial !== 0n && timestamp < checkUint256(lastPartial + cooldown, "lastPartial + cooldown");
}

// ------------------------------------------------------------------ auto-deleveraging

/**
 * `LiquidationMath.adlRank`: unrealised PnL % × leverage, 18 decimals, where PnL % = ⌊pnl / |openNotional|⌋ with
 * the PnL at the mark price and leverage = ⌊|openNotional + pnl| / equity⌋ (the notional at mark over the account's
 * credited equity, `accountMargin`), multiplied and rounded down. 0 for no position or a PnL ≤ 0; 2^256 − 1 when the
 * account's equity is ≤ 0.
 *
 * @param position The stored size and cost basis.
 * @param pnl The position's unrealised PnL at mark (`unrealisedPnl`), USD.
 * @param equity The account's credited equity (`accountMargin(...).equityUsd`), USD.
 */
export function adlRank(position: PositionInput, pnl: bigint, equity: bigint): bigint {
  if (position.size === 0n || pnl <= 0n) return 0n;
  if (equity <= 0n) return MAX_UINT256;
  const notional = abs(checkInt256(position.openNotionalUsd + pnl, "notional"));
  const pnlFraction = mulDivDown(pnl, WAD, abs(position.openNotionalUsd));
  const leverage = mulDivDown(notional, WAD, equity);
  return mulDivDown(pnlFraction, leverage, WAD);
}

/**
 * `LiquidationMath.adlBankruptcyPrice`: the price at which a close of `closedDelta` at `fill` that left `totalLoss`
 * unpaid would have left the account at zero, fill ± ⌈totalLoss / |closedDelta|⌉ (+ when the bankrupt position was
 * long, i.e. closedDelta < 0; for a short at least 1). The ADL request's `bankruptcyPrice`.
 */
export function adlBankruptcyPrice(closedDelta: bigint, fill: bigint, totalLoss: bigint): bigint {
  const perUnit = mulDivUp(totalLoss, WAD, abs(closedDelta));
  if (closedDelta < 0n) return checkUint256(fill + perUnit, "bankruptcy price");
  return fill > perUnit ? fill - perUnit : 1n;
}

/** {@link adlRepayment}'s result. */
export interface AdlRepayment {
  /** The shortfall left for victims: min(remaining, the bankrupt account's debt), USD. */
  remainingUsd: bigint;
  /** What the account repaid itself and `executeAdl` drops from the request (`AdlShortfallRepaid`), USD. */
  repaidUsd: bigint;
  /** Nothing is left: `executeAdl` resolves the request with no victim and covers 0. */
  resolvedByRepayment: boolean;
}

/**
 * `LiquidationMath.adlRepayment`: what `executeAdl` does first to the pending request, shrink it to the bankrupt
 * account's remaining debt, since a deposit into negative collateral repays debt and that part needs no victim.
 *
 * @param remaining The request's remaining shortfall, USD (`getPendingAdl().request.remainingUsd`).
 * @param bankruptCollateral The bankrupt account's collateral now, USD (`getAccount({ account }).collateralUsd`).
 */
export function adlRepayment(remaining: bigint, bankruptCollateral: bigint): AdlRepayment {
  if (bankruptCollateral === MIN_INT256) throw new RangeError("adlRepayment: int256 min has no negation");
  const debt = bankruptCollateral < 0n ? -bankruptCollateral : 0n;
  if (debt >= remaining) return { remainingUsd: remaining, repaidUsd: 0n, resolvedByRepayment: false };
  return { remainingUsd: debt, repaidUsd: remaining - debt, resolvedByRepayment: debt === 0n };
}

/**
 * `LiquidationMath.adlClosePrice`: the price a victim closes `q` of its position (`size` units, cost basis `cost`)
 * at, `price` capped so the close realises no loss: for a long victim max(price, ⌈⌈cost × q / size⌉ / q⌉), for a
 * short min(price, ⌊⌊cost × q / size⌋ / q⌋). With q = size it is the position's break-even.
 */
export function adlClosePrice(
  victimsLong: boolean,
  price: bigint,
  cost: bigint,
  size: bigint,
  q: bigint,
): bigint {
  if (victimsLong) {
    const floor = mulDivUp(mulDivUp(cost, q, size), WAD, q);
    return floor > price ? floor : price;
  }
  const ceiling = mulDivDown(mulDivDown(cost, q, size), WAD, q);
  return ceiling < price ? ceiling : price;
}

/**
 * `LiquidationMath.adlPriceGap`: what the liquidity vault saves per unit when a victim closes at `price` instead of
 * its `exit` fill, exit − price for a long victim, price − exit for a short, never below 0.
 */
export function adlPriceGap(victimsLong: boolean, exit: bigint, price: bigint): bigint {
  if (victimsLong) return exit > price ? exit - price : 0n;
  return price > exit ? price - exit : 0n;
}

/**
 * `LiquidationMath.adlCloseSize`: how much of a victim's `size` to close so that `gap` per unit repays
 * `remaining`, min(size, ⌈remaining / gap⌉) (gap > 0).
 */
export function adlCloseSize(size: bigint, remaining: bigint, gap: bigint): bigint {
  const wanted = mulDivUp(remaining, WAD, gap);
  return size < wanted ? size : wanted;
}

/** `LiquidationMath.adlCovered`: the shortfall a close of `q` saving `gap` per unit repays, min(remaining, ⌊q × gap⌋). */
export function adlCovered(remaining: bigint, q: bigint, gap: bigint): bigint {
  const saved = mulDivDown(q, gap, WAD);
  return remaining < saved ? remaining : saved;
}

/**
 * `LiquidationMath.pnlFactorLimit`: the most traders' unrealised profit against the liquidity vault may be before a
 * pnl-factor reduction can be requested, ⌊cash × maxPnlFactor / 10^18⌋ (`requestPnlReduction`, `executeAdl`).
 */
export function pnlFactorLimit(vaultCash: bigint, maxPnlFactor: bigint): bigint {
  return mulDivDown(vaultCash, maxPnlFactor, WAD);
}

/**
 * `LiquidationMath.pnlReductionReward`: the caller's reward for a pnl-factor reduction step, its keeper share of
 * the liquidity vault's part of the victim's trading fee, ⌊(fee − ⌊fee × insuranceFeeShare⌋) × keeperShare⌋ (each
 * /10^18), at most the vault's balance after the close (0 when that is ≤ 0), rounded down to whole USDC units.
 *
 * @param fee The trading fee the forced close charged, USD.
 * @param insuranceFeeShare The engine's insurance share of trading fees (`insuranceFeeShare().share`).
 * @param keeperShare The liquidation config's keeper share.
 * @param vaultBalance The liquidity vault's collateral after the close (the fee included), USD.
 */
export function pnlReductionReward(
  fee: bigint,
  insuranceFeeShare: bigint,
  keeperShare: bigint,
  vaultBalance: bigint,
): bigint {
  const vaultPart = checkUint256(fee - mulDivDown(fee, insuranceFeeShare, WAD), "vault part");
  const reward = mulDivDown(vaultPart, keeperShare, WAD);
  checkInt256(vaultBalance, "vaultBalance");
  if (vaultBalance <= 0n) return 0n;
  return wholeUnits(reward < vaultBalance ? reward : vaultBalance);
}
