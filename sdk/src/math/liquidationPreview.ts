/**
 * The liquidation engine's views over account snapshots, built from the `LiquidationMath` mirror
 * (`liquidationMath.ts`) exactly as the engine and its module compose the library: `previewLiquidation`
 * ({@link simulateLiquidation}, each position's close by {@link liquidationClose}, the fee split by
 * {@link liquidationFeeSplit}), the ADL rank of a position and of a candidate, one ADL step ({@link
 * adlDeleverageSize}, `previewAdlStep`), whether a candidate stays in the set, whether `executeAdl` and `rotateAdl`
 * would make progress. Same integer steps as the contracts, so every value equals their views at the same block to
 * the wei.
 */
import { abs } from "./fixedPointMath.js";
import { checkInt256, toInt256 } from "./int256.js";
import {
  accountMargin,
  accruedFunding,
  unrealisedPnl,
  type AccountPositionInput,
  type AccountStateInput,
} from "./accountMargin.js";
import {
  adlClosePrice,
  adlCloseSize,
  adlCovered,
  adlPriceGap,
  adlRank,
  fundTopsUp,
  liquidationBadDebt,
  liquidationCloseCashDelta,
  liquidationCloseSize,
  liquidationCoolingDown,
  liquidationFeeCharge,
  wholeUnits,
  type LiquidationConfig,
  type LiquidationFeeAndReward,
  type PositionInput,
} from "./liquidationMath.js";
import { notionalUp } from "./marginMath.js";
import {
  quoteFillPrice,
  quoteForcedClose,
  requireOracle,
  type ForcedCloseMarket,
  type MarketValuationInput,
} from "./marketAccounting.js";

/** Where a liquidation's fee goes (see {@link liquidationFeeSplit}); every amount 18-decimal USD. */
export interface LiquidationFeeSplit extends LiquidationFeeAndReward {
  /** max(fee, reward): what the account is charged if its collateral allows. */
  chargeUsd: bigint;
  /** What the account pays: min(charge, collateral), 0 for collateral ≤ 0. */
  fromAccountUsd: bigint;
  /** The part of the reward the account pays: min(reward, fromAccount). */
  rewardFromAccountUsd: bigint;
  /** What the keeper receives out of the account: `rewardFromAccountUsd` in whole USDC units (rounded down). */
  keeperRewardFromAccountUsd: bigint;
  /** The notional closed was large enough for the fund to top the reward up ({@link fundTopsUp}). */
  fundTopsUp: boolean;
  /** What the fund pays toward the reward: min(reward − rewardFromAccount, its balance then); 0 without a top-up. */
  fundTopUpUsd: bigint;
  /** What the keeper receives out of the top-up, in whole USDC units (the sub-unit rest returns to the fund). */
  keeperRewardFromFundUsd: bigint;
  /** The keeper's total: `keeperRewardFromAccountUsd + keeperRewardFromFundUsd` (the `Liquidated` event's reward). */
  keeperRewardUsd: bigint;
  /** What the fund receives from the account: fromAccount − keeperRewardFromAccount (the event's insurance fee). */
  insuranceFeeUsd: bigint;
}

/**
 * The whole fee split of a liquidation, as `liquidate` moves it and `previewLiquidation` predicts it:
 * {@link liquidationFeeCharge} (the account pays max(fee, reward) out of its positive collateral after the closes;
 * the keeper's part comes first, in whole USDC units; the rest, with the reward's sub-unit dust, goes to the
 * insurance fund), then the fund's top-up of what the account could not pay of the reward, only when
 * {@link fundTopsUp} holds and as far as its balance goes (its balance plus the engine's unswept fee share, plus the
 * account's fee just paid in), again in whole units. With `cut` (a close was cut by its bound) the reward has no
 * floor.
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
  const c = liquidationFeeCharge(notionalClosed, collateral, config, options.cut ?? false);
  const fundBalance = fundAvailable + c.insuranceFeeUsd;
  const fundTopUp = c.fundTopUpWantedUsd < fundBalance ? c.fundTopUpWantedUsd : fundBalance;
  const keeperRewardFromFund = wholeUnits(fundTopUp);
  return {
    feeUsd: c.feeUsd,
    rewardUsd: c.rewardUsd,
    chargeUsd: c.feeUsd > c.rewardUsd ? c.feeUsd : c.rewardUsd,
    fromAccountUsd: c.fromAccountUsd,
    rewardFromAccountUsd: c.rewardUsd < c.fromAccountUsd ? c.rewardUsd : c.fromAccountUsd,
    keeperRewardFromAccountUsd: c.keeperRewardFromAccountUsd,
    fundTopsUp: fundTopsUp(notionalClosed, config),
    fundTopUpUsd: fundTopUp,
    keeperRewardFromFundUsd: keeperRewardFromFund,
    keeperRewardUsd: c.keeperRewardFromAccountUsd + keeperRewardFromFund,
    insuranceFeeUsd: c.insuranceFeeUsd,
  };
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
 * `params.minPositionMarginUsd` (the dust rule); an `Account` from `getAccount` is one.
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
  const coolingDown = !bankrupt && liquidationCoolingDown(last, config.cooldown, timestamp);
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
  return {
    ...base,
    liquidatable: !coolingDown && notionalClosed !== 0n,
    closes,
    notionalClosedUsd: notionalClosed,
    keeperRewardUsd: split.keeperRewardUsd,
    insuranceFeeUsd: split.insuranceFeeUsd,
    expectedBadDebtUsd: liquidationBadDebt(collateral, split.fromAccountUsd, closesAll),
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
  return {
    ...detail,
    notionalUsd: notionalUp(closed, quote.fillPrice),
    cashDeltaUsd: liquidationCloseCashDelta(p, closed, quote.fillPrice, accruedFunding(p, timestamp)),
  };
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
  return adlPriceGap(victimsLong, exit, price);
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
  position: PositionInput,
  request: AdlStepRequest,
  market: Pick<MarketValuationInput, "params" | "state" | "oraclePrice">,
): AdlStep {
  const size = abs(position.size);
  const cost = abs(position.openNotionalUsd);
  const long = request.victimsLong;
  // Break-even for the whole position; refined below for the size actually closed.
  let price = adlClosePrice(long, request.bankruptcyPrice, cost, size, size);
  const gap = adlExitGap(market, long, size, price);
  if (gap === 0n) return { sizeDelta: 0n, price, coveredUsd: 0n };
  const q = adlCloseSize(size, request.remainingUsd, gap);
  price = adlClosePrice(long, price, cost, size, q);
  const covered = adlCovered(request.remainingUsd, q, adlExitGap(market, long, q, price));
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
