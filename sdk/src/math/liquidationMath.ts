/**
 * Bigint mirror of the liquidation engine's math (`contracts/LiquidationEngine.sol` and
 * `contracts/liquidation/AutoDeleveraging.sol`): the liquidation fee and keeper reward (`_feeAndReward`: no reward
 * floor once a close was cut by its forced-close bound), when the insurance fund tops the reward up
 * (`_fundTopsUp`), how they are split between the keeper, the account and the fund with the keeper paid in whole
 * USDC units (`_chargeFee` / `_previewFee`), the size each position closes by (`_closeSize`, then fitted to its
 * bound), the whole `previewLiquidation` view, the ADL rank (`adlRank`), the ADL step (`_deleverageSize`: the cover
 * measured at exit prices) and the pnl-factor limit. Same integer steps as the contracts, so every value equals their
 * views at the same block to the wei.
 */
import { abs, mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
import { checkInt256, MAX_UINT256, toInt256 } from "./int256.js";
import {
  accountMargin,
  accruedFunding,
  unrealisedPnl,
  type AccountPositionInput,
  type AccountStateInput,
} from "./accountMargin.js";
import {
  quoteFillPrice,
  quoteForcedClose,
  requireOracle,
  type ForcedCloseMarket,
  type MarketValuationInput,
} from "./marketAccounting.js";
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

/** The fee and the keeper's reward for a liquidation of `notionalClosed` (`_feeAndReward`). */
export interface LiquidationFeeAndReward {
  /** notionalClosed × feeRate, rounded up, USD. */
  feeUsd: bigint;
  /** fee × keeperShare rounded down, clamped to [minKeeperReward, maxKeeperReward], USD. */
  rewardUsd: bigint;
}

/**
 * fee = ⌈notionalClosed × feeRate⌉; reward = ⌊fee × keeperShare⌋ raised to `minKeeperRewardUsd` unless a close was
 * `cut` by its forced-close bound, then capped at `maxKeeperRewardUsd` (`LiquidationEngine._feeAndReward`).
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
 * Whether the insurance fund tops the keeper reward up (`_fundTopsUp`): only for a liquidation that closed at least
 * minKeeperReward / feeRate of notional, i.e. notionalClosed × feeRate ≥ minKeeperReward × 10^18, so a dust account
 * cannot make the fund pay the floor.
 */
export function fundTopsUp(
  notionalClosed: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "minKeeperRewardUsd">,
): boolean {
  return notionalClosed * config.feeRate >= config.minKeeperRewardUsd * WAD;
}

/** Where a liquidation's fee goes (see {@link liquidationFeeSplit}); every amount 18-decimal USD. */
export interface LiquidationFeeSplit extends LiquidationFeeAndReward {
  /** max(fee, reward): what the account is charged if its collateral allows. */
  chargeUsd: bigint;
  /** What the account pays: min(charge, collateral), 0 for collateral ≤ 0. */
  fromAccountUsd: bigint;
  /** The part of the reward the account pays: min(reward, fromAccount). */
  rewardFromAccountUsd: bigint;
  /** What the keeper receives out of the account: `rewardFromAccount` in whole USDC units (rounded down). */
  keeperRewardFromAccountUsd: bigint;
  /** The notional closed was large enough for the fund to top the reward up ({@link fundTopsUp}). */
  fundTopsUp: boolean;
  /** What the fund pays toward the reward: min(reward − rewardFromAccount, its balance then); 0 without a top-up. */
  fundTopUpUsd: bigint;
  /** What the keeper receives out of the top-up, in whole USDC units (the sub-unit rest returns to the fund). */
  keeperRewardFromFundUsd: bigint;
  /** The keeper's total: `keeperRewardFromAccount + keeperRewardFromFund` (the `Liquidated` event's reward). */
  keeperRewardUsd: bigint;
  /** What the fund receives from the account: fromAccount − keeperRewardFromAccount (the event's insurance fee). */
  insuranceFeeUsd: bigint;
}

/** USD rounded down to whole USDC units (what `CollateralVault.payOut` can send). */
const wholeUnits = (usd: bigint): bigint => toUsd(toTokenDown(usd));

/**
 * The fee split of `LiquidationEngine._chargeFee`: the account pays max(fee, reward) out of its positive collateral
 * (after the closes); the keeper's part comes first and is paid in whole USDC units, the rest (with the reward's
 * sub-unit dust) goes to the insurance fund; what the account cannot pay of the reward, the fund tops up as far as
 * its balance goes (its balance plus the engine's unswept fee share, plus the account's fee just paid in), again in
 * whole units, but only when {@link fundTopsUp} holds. With `cut` (a close was cut by its bound) the reward has no
 * floor.
 *
 * `previewLiquidation` (`_previewFee`) computes the same split.
 *
 * @param notionalClosed Σ notional closed, USD.
 * @param collateral The account's collateral after the closes (realised PnL and settled funding), USD.
 * @param fundAvailable The insurance fund's balance plus `pendingInsuranceFees` before the liquidation, USD.
 * @param options `cut`: some close filled less than asked because of its forced-close bound.
 */
export function liquidationFeeSplit(
  notionalClosed: bigint,
  collateral: bigint,
  fundAvailable: bigint,
  config: Pick<LiquidationConfig, "feeRate" | "keeperShare" | "minKeeperRewardUsd" | "maxKeeperRewardUsd">,
  options: { cut?: boolean } = {},
): LiquidationFeeSplit {
  checkInt256(collateral, "collateral");
  const { feeUsd: fee, rewardUsd: reward } = liquidationFeeAndReward(
    notionalClosed,
    config,
    options.cut ?? false,
  );
  const charge = fee > reward ? fee : reward;
  const fromAccount = collateral > 0n ? (charge < collateral ? charge : collateral) : 0n;
  const rewardFromAccount = reward < fromAccount ? reward : fromAccount;
  const keeperRewardFromAccount = wholeUnits(rewardFromAccount);
  const insuranceFee = fromAccount - keeperRewardFromAccount;
  const missing = reward - rewardFromAccount;
  const topsUp = fundTopsUp(notionalClosed, config);
  const fundBalance = fundAvailable + insuranceFee;
  const fundTopUp = !topsUp ? 0n : missing < fundBalance ? missing : fundBalance;
  const keeperRewardFromFund = wholeUnits(fundTopUp);
  return {
    feeUsd: fee,
    rewardUsd: reward,
    chargeUsd: charge,
    fromAccountUsd: fromAccount,
    rewardFromAccountUsd: rewardFromAccount,
    keeperRewardFromAccountUsd: keeperRewardFromAccount,
    fundTopsUp: topsUp,
    fundTopUpUsd: fundTopUp,
    keeperRewardFromFundUsd: keeperRewardFromFund,
    keeperRewardUsd: keeperRewardFromAccount + keeperRewardFromFund,
    insuranceFeeUsd: insuranceFee,
  };
}

/**
 * The size change a liquidation applies to one position (`_closeSize`): the whole position when the account is
 * bankrupt or the position's cost basis |openNotional| is at most `partialNotionalUsd`; otherwise a slice of
 * `sliceFraction` (truncated toward zero), unless that slice rounds to nothing or to the whole position.
 */
export function liquidationCloseSize(
  position: { size: bigint; openNotionalUsd: bigint },
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

/** One position's close in a liquidation preview. */
export interface LiquidationClose {
  marketId: bigint;
  /** The size change that fits its forced-close bound (a reduction, possibly 0: nothing fits now). */
  sizeDelta: bigint;
}

/** What `previewLiquidation(account)` returns. */
export interface LiquidationPreview {
  /** Maintenance margin at fair prices is negative, no cooldown applies and something fits its bound. */
  liquidatable: boolean;
  /** equity − Σ MM at fair prices, USD. */
  maintenanceMarginUsd: bigint;
  /** Every position's fitted close, by increasing market id (empty when not below maintenance). */
  closes: LiquidationClose[];
  /** Σ |sizeDelta| × quoted fill (each rounded up), USD. */
  notionalClosedUsd: bigint;
  /** What the caller would receive, USD (whole USDC units). */
  keeperRewardUsd: bigint;
  /** What the insurance fund would receive from the account, USD. */
  insuranceFeeUsd: bigint;
  /** The shortfall the account would leave if everything closed in full at the quoted fills, USD. */
  expectedBadDebtUsd: bigint;
}

/** One close of {@link simulateLiquidation} with how it was derived. */
export interface LiquidationCloseDetail extends LiquidationClose {
  /** The size asked before the bound: the whole position, or a slice of one above `partialNotionalUsd`. */
  requestedDelta: bigint;
  /** Only a slice of a position above `partialNotionalUsd`. */
  isSlice: boolean;
  /** The bound cut the close (`ForcedCloseBounded`), or its oracle fails: `sizeDelta` ≠ `requestedDelta`. */
  cut: boolean;
  /** The market's oracle fails: the position cannot close now and waits (valued at its worst case meanwhile). */
  waiting: boolean;
  /** The bound cut the close but what it left would be dust: the whole position closes at the live fill instead. */
  closesAll: boolean;
  /** The quoted fill of the fitted size (`quoteForcedClose`; 0 when nothing fits). */
  fillPrice: bigint;
  /** The forced-close bound: the fill the whole requested close would get from the fair premium's skew. */
  boundPrice: bigint;
  /** |sizeDelta| × fill, rounded up, USD. */
  notionalUsd: bigint;
  /** Realised PnL minus the funding owed: how the close moves the collateral, USD (0 when nothing fits). */
  cashDeltaUsd: bigint;
}

/** Why `liquidate(account)` would revert now, in the contract's order. */
export type LiquidationRefusal =
  | "NotLiquidatable"
  | "NothingToLiquidate"
  | "LiquidationCooldown"
  | "LiquidationBeyondBound";

/** {@link simulateLiquidation}'s result: the contract preview's fields, plus the steps behind them. */
export interface LiquidationSimulation extends LiquidationPreview {
  closes: LiquidationCloseDetail[];
  /** Equity ≤ 0 at fair prices: every position closes in full (within its bound) and no cooldown applies. */
  bankrupt: boolean;
  /** A recent partial liquidation's cooldown blocks liquidation now. */
  coolingDown: boolean;
  /** When the cooldown ends (0 if the account was never partially liquidated). */
  readyAt: bigint;
  /** Some close was cut by its bound: the reward has no floor, and the rest waits for a later liquidation. */
  cut: boolean;
  /** Collateral after every close, before the fee, USD. */
  collateralAfterClosesUsd: bigint;
  /** The fee split on the notional closed, as the view computes it (undefined when not below maintenance). */
  split: LiquidationFeeSplit | undefined;
  /** Why `liquidate` would revert now (undefined: it would go through). */
  refusal: LiquidationRefusal | undefined;
}

/** One position whose market carries what a forced close reads (its minimum position margin and tiers). */
export type ForcedClosePositionInput = AccountPositionInput & { market: ForcedCloseMarket };

/**
 * An account whose positions can be force-closed in the SDK's math: an {@link AccountStateInput} whose markets carry
 * `params.minPositionMargin` (the dust rule); an `Account` from `getAccount` is one.
 */
export interface ForcedCloseAccountInput extends AccountStateInput {
  positions: readonly ForcedClosePositionInput[];
}

/** What {@link simulateLiquidation} needs besides the account. */
export interface LiquidationSimulationParameters {
  config: LiquidationConfig;
  /** The insurance fund's balance plus the engine's unswept fee share, USD (`getInsuranceFund().availableUsd`). */
  fundAvailableUsd: bigint;
  /** When the account was last partially liquidated (0: never); the account snapshot's `lastPartialLiquidation`. */
  lastPartialLiquidation?: bigint;
}

/**
 * The liquidation engine's `previewLiquidation(account)` at `timestamp`, from an account snapshot (positions with
 * their markets, as `getAccount` returns it): whether the account is liquidatable, which positions close by how
 * much (each fitted to its forced-close bound by `quoteForcedClose`) at the quoted fills, the notional, the keeper
 * reward (no floor when a bound cut a close; the fund tops it up only when notional × feeRate ≥ minKeeperReward),
 * the fund's fee and the expected bad debt (bankrupt means equity ≤ 0 at fair prices). Like the contract view, it
 * assumes every position is processed (`liquidate` may stop earlier once the account is healthy;
 * `liquidationFeeSplit` on the closes it made gives its exact split). `refusal` names the error `liquidate` would
 * revert with.
 *
 * @example
 * const account = await perp.getAccount({ account: victim });
 * const fund = await perp.getInsuranceFund();
 * const config = await perp.getLiquidationConfig();
 * const sim = simulateLiquidation(account, {
 *   config,
 *   fundAvailableUsd: fund.availableUsd,
 *   lastPartialLiquidation: account.lastPartialLiquidation,
 * }, account.timestamp);
 * if (sim.liquidatable) console.log(`reward ${formatUsd(sim.keeperRewardUsd)}`);
 */
export function simulateLiquidation(
  account: ForcedCloseAccountInput,
  parameters: LiquidationSimulationParameters,
  timestamp: bigint,
): LiquidationSimulation {
  const { config } = parameters;
  const m = accountMargin(account, timestamp, "fair");
  const maintenanceMargin = checkInt256(m.equityUsd - toInt256(m.maintenanceMarginUsd), "maintenance margin");
  // The fair price follows the oracle at once (only its premium term is slow): equity ≤ 0 there is bankrupt.
  const bankrupt = maintenanceMargin < 0n && m.equityUsd <= 0n;
  const last = parameters.lastPartialLiquidation ?? 0n;
  const readyAt = last === 0n ? 0n : last + config.cooldown;
  const coolingDown = !bankrupt && last !== 0n && timestamp < readyAt;
  const held = account.positions
    .filter((p) => p.size !== 0n)
    .sort((a, b) => (a.marketId < b.marketId ? -1 : a.marketId > b.marketId ? 1 : 0));
  const base = { maintenanceMarginUsd: maintenanceMargin, bankrupt, coolingDown, readyAt };
  if (maintenanceMargin >= 0n || held.length === 0)
    return {
      ...base,
      liquidatable: false,
      closes: [],
      notionalClosedUsd: 0n,
      keeperRewardUsd: 0n,
      insuranceFeeUsd: 0n,
      expectedBadDebtUsd: 0n,
      cut: false,
      collateralAfterClosesUsd: m.collateralUsd,
      split: undefined,
      refusal: maintenanceMargin >= 0n ? "NotLiquidatable" : "NothingToLiquidate",
    };

  const closes: LiquidationCloseDetail[] = [];
  let collateral = m.collateralUsd;
  let notionalClosed = 0n;
  let closesAll = true;
  let cut = false;
  for (const p of held) {
    const close = liquidationClose(p, config, bankrupt, timestamp);
    closes.push(close);
    closesAll = closesAll && close.sizeDelta === -p.size;
    cut = cut || close.cut;
    notionalClosed += close.notionalUsd;
    collateral = checkInt256(collateral + close.cashDeltaUsd, "collateral");
  }
  const split = liquidationFeeSplit(notionalClosed, collateral, parameters.fundAvailableUsd, config, { cut });
  const after = collateral - split.fromAccountUsd;
  return {
    ...base,
    liquidatable: !coolingDown && notionalClosed !== 0n,
    closes,
    notionalClosedUsd: notionalClosed,
    keeperRewardUsd: split.keeperRewardUsd,
    insuranceFeeUsd: split.insuranceFeeUsd,
    expectedBadDebtUsd: closesAll && after < 0n ? -after : 0n,
    cut,
    collateralAfterClosesUsd: collateral,
    split,
    refusal: coolingDown
      ? "LiquidationCooldown"
      : notionalClosed === 0n
        ? "LiquidationBeyondBound"
        : undefined,
  };
}

/**
 * One position's liquidation close at `timestamp` (`_previewClose`): the size {@link liquidationCloseSize} asks,
 * fitted to its forced-close bound ({@link quoteForcedClose}, with the dust rule: a cut that would leave the position
 * below the minimum margin closes it in full), its fill, notional and what it moves in collateral (realised PnL minus
 * the funding owed; nothing when nothing fits). A position whose market's oracle fails cannot close now: it waits
 * (`waiting`, size 0, counted as cut), and the account's other positions are liquidated without it.
 */
export function liquidationClose(
  p: ForcedClosePositionInput,
  config: Pick<LiquidationConfig, "partialNotionalUsd" | "sliceFraction">,
  bankrupt: boolean,
  timestamp: bigint,
): LiquidationCloseDetail {
  const { sizeDelta: requestedDelta, isSlice } = liquidationCloseSize(p, config, bankrupt);
  const base = { marketId: p.marketId, requestedDelta, isSlice };
  if (p.market.oracleValid === false)
    return {
      ...base,
      sizeDelta: 0n,
      cut: true,
      waiting: true,
      closesAll: false,
      fillPrice: 0n,
      boundPrice: 0n,
      notionalUsd: 0n,
      cashDeltaUsd: 0n,
    };
  const quote = quoteForcedClose(p.market, p.market.oraclePrice, p.size, requestedDelta, timestamp);
  const closed = quote.sizeClosed;
  const detail = {
    ...base,
    sizeDelta: closed,
    cut: quote.cut,
    waiting: false,
    closesAll: quote.closesAll,
    fillPrice: quote.fillPrice,
    boundPrice: quote.boundPrice,
  };
  if (closed === 0n) return { ...detail, notionalUsd: 0n, cashDeltaUsd: 0n };
  const { realisedPnlUsd: realisedPnl } = applyTrade(p.size, p.openNotionalUsd, closed, quote.fillPrice);
  return {
    ...detail,
    notionalUsd: mulDivUp(abs(closed), quote.fillPrice, WAD),
    cashDeltaUsd: checkInt256(realisedPnl - accruedFunding(p, timestamp), "cash delta"),
  };
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
 * What `executeAdl` does first to the pending request: shrink it to the bankrupt account's remaining debt, since a
 * deposit into negative collateral repays debt and that part needs no victim.
 *
 * @param remaining The request's remaining shortfall (`getPendingAdl().request.remainingUsd`).
 * @param bankruptCollateral The bankrupt account's collateral now (`getAccount({ account }).collateralUsd`).
 */
export function adlRepayment(remaining: bigint, bankruptCollateral: bigint): AdlRepayment {
  const debt = bankruptCollateral < 0n ? -bankruptCollateral : 0n;
  if (debt >= remaining) return { remainingUsd: remaining, repaidUsd: 0n, resolvedByRepayment: false };
  return { remainingUsd: debt, repaidUsd: remaining - debt, resolvedByRepayment: debt === 0n };
}

/**
 * ADL rank (`AutoDeleveraging.adlRank`): unrealised PnL % × leverage, 18 decimals, where PnL % = ⌊pnl /
 * |openNotional|⌋ with the PnL at the mark price and leverage = ⌊|openNotional + pnl| / equity⌋ (the notional at
 * mark over the account's credited equity, `accountMargin`), multiplied and rounded down. 0 for no position or a
 * PnL ≤ 0; 2^256 − 1 when the account's equity is ≤ 0.
 *
 * @param position The stored size and cost basis.
 * @param pnl The position's unrealised PnL at mark (`unrealisedPnl`).
 * @param equity The account's credited equity (`accountMargin(...).equityUsd`).
 */
export function adlRank(
  position: { size: bigint; openNotionalUsd: bigint },
  pnl: bigint,
  equity: bigint,
): bigint {
  if (position.size === 0n) return 0n;
  if (pnl <= 0n) return 0n;
  if (equity <= 0n) return MAX_UINT256;
  const notional = abs(checkInt256(position.openNotionalUsd + pnl, "notional"));
  const pnlFraction = mulDivDown(pnl, WAD, abs(position.openNotionalUsd));
  const leverage = mulDivDown(notional, WAD, equity);
  return mulDivDown(pnlFraction, leverage, WAD);
}

/**
 * The ADL rank of the account's position in `marketId` at `timestamp`, from an account snapshot: {@link adlRank}
 * with the SDK's own `unrealisedPnl` and credited equity (`accountMargin`). 0 when the account holds no position
 * there.
 */
export function positionAdlRank(account: AccountStateInput, marketId: bigint, timestamp: bigint): bigint {
  const p = account.positions.find((q) => q.marketId === marketId);
  if (p === undefined || p.size === 0n) return 0n;
  const pnl = unrealisedPnl(p);
  if (pnl <= 0n) return 0n;
  return adlRank(p, pnl, accountMargin(account, timestamp, "credit").equityUsd);
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

/** A pending ADL request as the ADL step reads it (`AdlRequest`). */
export interface AdlStepRequest {
  victimsLong: boolean;
  /** The bankrupt position's bankruptcy price (0 for a pnl-factor reduction). */
  bankruptcyPrice: bigint;
  /** Shortfall still to cover, USD. */
  remainingUsd: bigint;
}

/** {@link adlDeleverageSize}'s result. */
export interface AdlStep {
  /** The victim's size change (0: it can give nothing at this price; it leaves the candidate set). */
  sizeDelta: bigint;
  /** The price it closes at: the bankruptcy price, capped so its realised PnL stays ≥ 0. */
  price: bigint;
  /** Shortfall this step repays: what the liquidity vault saves against the victim's exit fill, USD. */
  coveredUsd: bigint;
}

/**
 * What the liquidity vault saves per unit when the victim closes `q` at `price` instead of its exit fill
 * (`_exitGap`): exit = `quoteFillPrice(∓q)`; for a long victim max(0, exit − price), for a short max(0, price − exit).
 */
export function adlExitGap(
  market: Pick<MarketValuationInput, "params" | "state" | "oraclePrice">,
  victimsLong: boolean,
  q: bigint,
  price: bigint,
): bigint {
  const exit = quoteFillPrice(market, market.oraclePrice, victimsLong ? -q : q);
  if (victimsLong) return exit > price ? exit - price : 0n;
  return price > exit ? price - exit : 0n;
}

/**
 * One ADL step on a victim's position (`_deleverageSize`): the price is the bankruptcy price capped at the victim's
 * break-even (⌈cost / size⌉ for a long, ⌊cost / size⌋ for a short); the gap to its exit fill over the whole position
 * gives the size q = min(size, ⌈remaining / gap⌉); the price is then capped exactly for q (a long's proceeds cover
 * the closed cost, a short's buy-back stays within it), and the cover is min(remaining, ⌊q × exitGap(q, price)⌋).
 *
 * @param position The victim's stored size and cost basis in the request's market (size ≠ 0).
 * @param request The pending request.
 * @param market The request's market at this block (its live skew and oracle price).
 */
export function adlDeleverageSize(
  position: { size: bigint; openNotionalUsd: bigint },
  request: AdlStepRequest,
  market: Pick<MarketValuationInput, "params" | "state" | "oraclePrice">,
): AdlStep {
  const size = abs(position.size);
  const cost = abs(position.openNotionalUsd);
  const long = request.victimsLong;
  const breakEven = long ? mulDivUp(cost, WAD, size) : mulDivDown(cost, WAD, size);
  const bp = request.bankruptcyPrice;
  let price = long ? (bp > breakEven ? bp : breakEven) : bp < breakEven ? bp : breakEven;
  const gap = adlExitGap(market, long, size, price);
  if (gap === 0n) return { sizeDelta: 0n, price, coveredUsd: 0n };
  const wanted = mulDivUp(request.remainingUsd, WAD, gap);
  const q = size < wanted ? size : wanted;
  if (long) {
    const closedCost = mulDivUp(cost, q, size);
    const floor = mulDivUp(closedCost, WAD, q);
    if (floor > price) price = floor;
  } else {
    const closedCost = mulDivDown(cost, q, size);
    const ceiling = mulDivDown(closedCost, WAD, q);
    if (ceiling < price) price = ceiling;
  }
  const saved = mulDivDown(q, adlExitGap(market, long, q, price), WAD);
  const covered = request.remainingUsd < saved ? request.remainingUsd : saved;
  return { sizeDelta: long ? -q : q, price, coveredUsd: covered };
}

/** A pending request as {@link previewAdlStep} reads it (`AdlRequest`; `kind` from the account: zero is a reduction). */
export interface AdlPreviewRequest extends AdlStepRequest {
  kind: "shortfall" | "pnlReduction";
  marketId: bigint;
}

/**
 * `previewAdlStep(candidate)` at `timestamp`: what `executeAdl` would do with this candidate now. 0s when it does not
 * rank ({@link adlVictimRank} = 0: no profitable position on the victim side); for a shortfall the step of
 * {@link adlDeleverageSize} (size, price, cover at exit prices); for a pnl-factor reduction the forced close of its
 * whole position ({@link quoteForcedClose}: the part that fits its bound, or the whole position under the dust rule,
 * at the live fill), covering nothing. Throws where the view reverts (the request's market's oracle fails).
 *
 * @param account The candidate's account snapshot (its positions with their markets, at the same block).
 * @param request The pending request as stored (the view reads it as is; `executeAdl` and `rotateAdl` first shrink a
 *        shortfall to what the bankrupt account still owes, see {@link adlRepayment}).
 * @param market The request's market at this block (for a candidate without a position there, or to override).
 */
export function previewAdlStep(
  account: ForcedCloseAccountInput,
  request: AdlPreviewRequest,
  market: ForcedCloseMarket & Pick<MarketValuationInput, "oraclePrice" | "oracleValid">,
  timestamp: bigint,
): AdlStep {
  if (adlVictimRank(account, request, timestamp) === 0n) return { sizeDelta: 0n, price: 0n, coveredUsd: 0n };
  requireOracle(market, "previewAdlStep");
  const position = account.positions.find((q) => q.marketId === request.marketId)!;
  if (request.kind === "shortfall") return adlDeleverageSize(position, request, market);
  const quote = quoteForcedClose(market, market.oraclePrice, position.size, -position.size, timestamp);
  return { sizeDelta: quote.sizeClosed, price: quote.fillPrice, coveredUsd: 0n };
}

/**
 * Whether a candidate that gave nothing at `price` (a shortfall step of size 0) could give something measured from
 * the fair premium (`_givesAtFair`): the bound of its whole close (`quoteForcedClose(victim, m, −size).boundPrice`,
 * the exit at the fair premium's skew) is above `price` for long victims, below it for short ones. A candidate that
 * gave nothing stays in the set only then, so a push of the live skew cannot drop it.
 */
export function adlGivesAtFair(
  position: { size: bigint },
  request: { victimsLong: boolean },
  market: ForcedCloseMarket & Pick<MarketValuationInput, "oraclePrice">,
  price: bigint,
  timestamp: bigint,
): boolean {
  const bound = quoteForcedClose(
    market,
    market.oraclePrice,
    position.size,
    -position.size,
    timestamp,
  ).boundPrice;
  return request.victimsLong ? bound > price : bound < price;
}

/**
 * Whether a candidate stays in the set after a shortfall step on it (`executeAdl`): it leaves when its position is
 * closed, or when it gave nothing (`sizeDelta` 0) and {@link adlGivesAtFair} is false.
 *
 * @param sizeAfter Its size in the request's market after the step.
 */
export function adlCandidateKept(
  step: AdlStep,
  sizeAfter: bigint,
  request: { victimsLong: boolean },
  market: ForcedCloseMarket & Pick<MarketValuationInput, "oraclePrice">,
  timestamp: bigint,
): boolean {
  if (sizeAfter === 0n) return false;
  return step.sizeDelta !== 0n || adlGivesAtFair({ size: sizeAfter }, request, market, step.price, timestamp);
}

/**
 * Whether `executeAdl` would succeed now, as the lens's `getAdl().executable` answers it. A pnl-factor reduction
 * (`kind` "pnlReduction") only needs its ranking window to be over (`timestamp` ≥ `executableAt`): it then closes the
 * top-ranked candidate, or resolves (the factor back within its limit, or no candidate ranked above 0). A shortfall
 * the bankrupt account has repaid in full (`bankruptCollateral` ≥ 0) resolves at once; otherwise its window must be
 * over and some candidate must rank above 0.
 *
 * @param request The pending request's kind and when its window ends (openedAt + the ranking window).
 * @param timestamp The block time judged at.
 * @param bankruptCollateral The bankrupt account's collateral (ignored for a reduction).
 * @param candidateRanks Each candidate's rank in the request's market now (0: not on the victim side or no profit).
 */
export function adlExecutable(
  request: { kind: "shortfall" | "pnlReduction"; executableAt: bigint },
  timestamp: bigint,
  bankruptCollateral: bigint,
  candidateRanks: readonly bigint[],
): boolean {
  const windowOver = timestamp >= request.executableAt;
  if (request.kind === "pnlReduction") return windowOver;
  return bankruptCollateral >= 0n || (windowOver && candidateRanks.some((r) => r !== 0n));
}

/**
 * Whether `rotateAdl` finds the request coverable now (`_coverable`): some candidate's {@link previewAdlStep} would
 * cover part of a shortfall (`coveredUsd` ≠ 0) or, for a reduction, close some size (`sizeDelta` ≠ 0). A candidate whose
 * preview throws (the request's market's oracle fails) cannot step.
 */
export function adlCoverable(
  candidates: readonly ForcedCloseAccountInput[],
  request: AdlPreviewRequest,
  market: ForcedCloseMarket & Pick<MarketValuationInput, "oraclePrice" | "oracleValid">,
  timestamp: bigint,
): boolean {
  for (const c of candidates) {
    let step: AdlStep;
    try {
      step = previewAdlStep(c, request, market, timestamp);
    } catch {
      continue;
    }
    if (request.kind === "pnlReduction" ? step.sizeDelta !== 0n : step.coveredUsd !== 0n) return true;
  }
  return false;
}

/**
 * The caller's reward for a pnl-factor reduction step (`_executeReduction`): its keeper share of the liquidity
 * vault's part of the victim's trading fee, ⌊(fee − ⌊fee × insuranceFeeShare⌋) × keeperShare⌋ (each /10^18), at most
 * the vault's balance after the close (0 when that is negative), then rounded down to whole USDC units.
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
  const vaultPart = fee - mulDivDown(fee, insuranceFeeShare, WAD);
  let reward = mulDivDown(vaultPart, keeperShare, WAD);
  if (reward > vaultBalance) reward = vaultBalance > 0n ? vaultBalance : 0n;
  return wholeUnits(reward);
}

/**
 * The most traders' unrealised profit against the liquidity vault may be before a pnl-factor reduction can be
 * requested: ⌊cash × maxPnlFactor / 10^18⌋ (`requestPnlReduction`, `executeAdl` on a reduction).
 */
export function pnlFactorLimit(vaultCash: bigint, maxPnlFactor: bigint): bigint {
  return mulDivDown(vaultCash, maxPnlFactor, WAD);
}
