import type { Address, Hash } from "viem";

/** Where an event was emitted. */
export interface EventLocation {
  /** Null for a log of a pending block. */
  blockNumber: bigint | null;
  transactionHash: Hash | null;
  logIndex: number | null;
}

/** A decoded `Trade` event. */
export interface TradeEvent extends EventLocation {
  account: Address;
  marketId: bigint;
  sizeDelta: bigint;
  fillPrice: bigint;
  /** Trading fee, USD. */
  feeUsd: bigint;
  /** PnL realised by the reducing part, USD. */
  realisedPnlUsd: bigint;
  newSize: bigint;
  newOpenNotionalUsd: bigint;
}

/** A decoded `FundingAccrued` event: a market's index advanced. */
export interface FundingAccruedEvent extends EventLocation {
  type: "accrued";
  marketId: bigint;
  /** Hourly rate applied over the interval. */
  rate: bigint;
  /** Cumulative index after the accrual. */
  fundingIndex: bigint;
  /** Seconds accrued. */
  elapsed: bigint;
}

/** A decoded `FundingSettled` event: funding moved into an account's collateral (positive: it paid). */
export interface FundingSettledEvent extends EventLocation {
  type: "settled";
  account: Address;
  marketId: bigint;
  amountUsd: bigint;
}

/** Either funding event. */
export type FundingEvent = FundingAccruedEvent | FundingSettledEvent;

type LogBase = { blockNumber: bigint | null; transactionHash: Hash | null; logIndex: number | null };

export function locationOf(log: LogBase): EventLocation {
  return { blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex };
}

/** The `Trade` log's arguments, as the engine names them. */
interface TradeLogArgs {
  account: Address;
  marketId: bigint;
  sizeDelta: bigint;
  fillPrice: bigint;
  fee: bigint;
  realisedPnl: bigint;
  newSize: bigint;
  newOpenNotional: bigint;
}

export function toTradeEvent(log: LogBase & { args: TradeLogArgs }): TradeEvent {
  const a = log.args;
  return {
    ...locationOf(log),
    account: a.account,
    marketId: a.marketId,
    sizeDelta: a.sizeDelta,
    fillPrice: a.fillPrice,
    feeUsd: a.fee,
    realisedPnlUsd: a.realisedPnl,
    newSize: a.newSize,
    newOpenNotionalUsd: a.newOpenNotional,
  };
}

export function toFundingAccruedEvent(
  log: LogBase & { args: Omit<FundingAccruedEvent, keyof EventLocation | "type"> },
): FundingAccruedEvent {
  return { type: "accrued", ...locationOf(log), ...log.args };
}

export function toFundingSettledEvent(
  log: LogBase & { args: { account: Address; marketId: bigint; amount: bigint } },
): FundingSettledEvent {
  const { account, marketId, amount } = log.args;
  return { type: "settled", ...locationOf(log), account, marketId, amountUsd: amount };
}

/** A decoded `Liquidated` event: the liquidation itself (amounts 18-decimal USD). */
export interface LiquidatedEvent extends EventLocation {
  type: "liquidated";
  account: Address;
  /** Who called `liquidate` and was rewarded. */
  keeper: Address;
  /** Σ notional closed. */
  notionalClosedUsd: bigint;
  /** The liquidation fee charged (≥ the keeper reward). */
  feeUsd: bigint;
  /** Paid to the keeper (whole USDC units). */
  keeperRewardUsd: bigint;
  /** Paid to the insurance fund out of the account's collateral. */
  insuranceFeeUsd: bigint;
  /** A position was only sliced: the cooldown started. */
  partialOnly: boolean;
}

/** Waterfall layer 1: the account's collateral absorbed `amountUsd` of the losses and fee. */
export interface LossAbsorbedByCollateralEvent extends EventLocation {
  type: "lossAbsorbedByCollateral";
  account: Address;
  amountUsd: bigint;
}

/** Waterfall layer 2: the insurance fund covered `amountUsd` of the account's bad debt. */
export interface BadDebtCoveredByFundEvent extends EventLocation {
  type: "badDebtCoveredByFund";
  account: Address;
  amountUsd: bigint;
}

/** Waterfall layer 3: `amountUsd` of bad debt was left for auto-deleveraging. */
export interface ShortfallForAdlEvent extends EventLocation {
  type: "shortfallForAdl";
  account: Address;
  amountUsd: bigint;
}

/** The keeper's USDC transfer failed (e.g. blacklisted): its reward was credited to its collateral instead. */
export interface KeeperRewardCreditedEvent extends EventLocation {
  type: "keeperRewardCredited";
  keeper: Address;
  amountUsd: bigint;
}

/** Any liquidation event of the liquidation engine. */
export type LiquidationEvent =
  | LiquidatedEvent
  | LossAbsorbedByCollateralEvent
  | BadDebtCoveredByFundEvent
  | ShortfallForAdlEvent
  | KeeperRewardCreditedEvent;

/** A shortfall was queued for ADL (`AdlRequested`). */
export interface AdlRequestedEvent extends EventLocation {
  type: "requested";
  requestId: bigint;
  /** The bankrupt account. */
  account: Address;
  marketId: bigint;
  /** True: profitable longs are deleveraged. */
  victimsLong: boolean;
  bankruptcyPrice: bigint;
  /** The shortfall queued, USD. */
  shortfallUsd: bigint;
}

/** A candidate joined the pending request's set, with its rank then (`AdlCandidateSubmitted`). */
export interface AdlCandidateSubmittedEvent extends EventLocation {
  type: "candidateSubmitted";
  requestId: bigint;
  account: Address;
  rank: bigint;
}

/** A victim was reduced (`AdlExecuted`). */
export interface AdlExecutedEvent extends EventLocation {
  type: "executed";
  requestId: bigint;
  victim: Address;
  /** How its position changed (0: it could give nothing at the capped price and left the set). */
  sizeDelta: bigint;
  /** The price it closed at. */
  price: bigint;
  /** Shortfall repaid by this step, USD. */
  coveredUsd: bigint;
}

/**
 * A request is done (`AdlResolved`): its shortfall is fully covered (or repaid, or written off), or a pnl-factor
 * reduction's factor is back within its limit.
 */
export interface AdlResolvedEvent extends EventLocation {
  type: "resolved";
  requestId: bigint;
}

/** The bankrupt account repaid part of its debt itself; the request shrank by `amountUsd` (`AdlShortfallRepaid`). */
export interface AdlShortfallRepaidEvent extends EventLocation {
  type: "shortfallRepaid";
  requestId: bigint;
  account: Address;
  amountUsd: bigint;
}

/** A stuck request moved to the back of the queue as `newRequestId` (`AdlRotated`). */
export interface AdlRotatedEvent extends EventLocation {
  type: "rotated";
  requestId: bigint;
  newRequestId: bigint;
}

/** The owner booked a request's remaining shortfall to the liquidity providers (`AdlWrittenOff`). */
export interface AdlWrittenOffEvent extends EventLocation {
  type: "writtenOff";
  requestId: bigint;
  account: Address;
  amountUsd: bigint;
}

/** A pnl-factor reduction of a market's winning side was queued (`PnlReductionRequested`). */
export interface PnlReductionRequestedEvent extends EventLocation {
  type: "pnlReductionRequested";
  requestId: bigint;
  marketId: bigint;
  victimsLong: boolean;
  /** Traders' unrealised profit against the liquidity vault then, USD. */
  traderProfitUsd: bigint;
  /** The vault's cash then, USD. */
  cashUsd: bigint;
}

/** A pnl-factor reduction step closed (part of) a winning position (`PnlReductionExecuted`). */
export interface PnlReductionExecutedEvent extends EventLocation {
  type: "pnlReductionExecuted";
  requestId: bigint;
  victim: Address;
  /** How its position changed (0 when nothing fitted the forced-close bound). */
  sizeDelta: bigint;
  /** The bounded market fill. */
  fillPrice: bigint;
  /** The trading fee the victim paid, USD. */
  feeUsd: bigint;
  /** The caller's share of that fee, paid by the liquidity vault, USD (whole USDC units). */
  callerRewardUsd: bigint;
}

/** Any auto-deleveraging event. */
export type AdlEvent =
  | AdlRequestedEvent
  | AdlCandidateSubmittedEvent
  | AdlExecutedEvent
  | AdlResolvedEvent
  | AdlShortfallRepaidEvent
  | AdlRotatedEvent
  | AdlWrittenOffEvent
  | PnlReductionRequestedEvent
  | PnlReductionExecutedEvent;

/**
 * A decoded log of the liquidation engine, as viem's `parseEventLogs` / `getContractEvents` give it with the
 * liquidation engine's ABI (the arguments are read by event name).
 */
type LiquidationEngineLog = LogBase & { eventName: string; args: unknown };

/** The liquidation event a liquidation-engine log holds, or undefined for any other log. */
export function toLiquidationEvent(log: LiquidationEngineLog): LiquidationEvent | undefined {
  const at = locationOf(log);
  switch (log.eventName) {
    case "Liquidated": {
      const a = log.args as {
        account: Address;
        keeper: Address;
        notionalClosed: bigint;
        fee: bigint;
        keeperReward: bigint;
        insuranceFee: bigint;
        partialOnly: boolean;
      };
      return {
        type: "liquidated",
        ...at,
        account: a.account,
        keeper: a.keeper,
        notionalClosedUsd: a.notionalClosed,
        feeUsd: a.fee,
        keeperRewardUsd: a.keeperReward,
        insuranceFeeUsd: a.insuranceFee,
        partialOnly: a.partialOnly,
      };
    }
    case "LossAbsorbedByCollateral":
    case "BadDebtCoveredByFund":
    case "ShortfallForAdl": {
      const a = log.args as { account: Address; amount: bigint };
      const type =
        log.eventName === "LossAbsorbedByCollateral"
          ? "lossAbsorbedByCollateral"
          : log.eventName === "BadDebtCoveredByFund"
            ? "badDebtCoveredByFund"
            : "shortfallForAdl";
      return { type, ...at, account: a.account, amountUsd: a.amount };
    }
    case "KeeperRewardCredited": {
      const a = log.args as { keeper: Address; amount: bigint };
      return { type: "keeperRewardCredited", ...at, keeper: a.keeper, amountUsd: a.amount };
    }
    default:
      return undefined;
  }
}

/** The ADL event a liquidation-engine log holds, or undefined for any other log. */
export function toAdlEvent(log: LiquidationEngineLog): AdlEvent | undefined {
  const at = locationOf(log);
  switch (log.eventName) {
    case "AdlRequested": {
      const a = log.args as {
        requestId: bigint;
        account: Address;
        marketId: bigint;
        victimsLong: boolean;
        bankruptcyPrice: bigint;
        shortfall: bigint;
      };
      return {
        type: "requested",
        ...at,
        requestId: a.requestId,
        account: a.account,
        marketId: a.marketId,
        victimsLong: a.victimsLong,
        bankruptcyPrice: a.bankruptcyPrice,
        shortfallUsd: a.shortfall,
      };
    }
    case "AdlCandidateSubmitted": {
      const a = log.args as { requestId: bigint; account: Address; rank: bigint };
      return { type: "candidateSubmitted", ...at, requestId: a.requestId, account: a.account, rank: a.rank };
    }
    case "AdlExecuted": {
      const a = log.args as {
        requestId: bigint;
        victim: Address;
        sizeDelta: bigint;
        price: bigint;
        covered: bigint;
      };
      return {
        type: "executed",
        ...at,
        requestId: a.requestId,
        victim: a.victim,
        sizeDelta: a.sizeDelta,
        price: a.price,
        coveredUsd: a.covered,
      };
    }
    case "AdlResolved":
      return { type: "resolved", ...at, requestId: (log.args as { requestId: bigint }).requestId };
    case "AdlShortfallRepaid": {
      const a = log.args as { requestId: bigint; account: Address; amount: bigint };
      return {
        type: "shortfallRepaid",
        ...at,
        requestId: a.requestId,
        account: a.account,
        amountUsd: a.amount,
      };
    }
    case "AdlRotated": {
      const a = log.args as { requestId: bigint; newRequestId: bigint };
      return { type: "rotated", ...at, requestId: a.requestId, newRequestId: a.newRequestId };
    }
    case "AdlWrittenOff": {
      const a = log.args as { requestId: bigint; account: Address; amount: bigint };
      return { type: "writtenOff", ...at, requestId: a.requestId, account: a.account, amountUsd: a.amount };
    }
    case "PnlReductionRequested": {
      const a = log.args as {
        requestId: bigint;
        marketId: bigint;
        victimsLong: boolean;
        traderProfit: bigint;
        cash: bigint;
      };
      return {
        type: "pnlReductionRequested",
        ...at,
        requestId: a.requestId,
        marketId: a.marketId,
        victimsLong: a.victimsLong,
        traderProfitUsd: a.traderProfit,
        cashUsd: a.cash,
      };
    }
    case "PnlReductionExecuted": {
      const a = log.args as {
        requestId: bigint;
        victim: Address;
        sizeDelta: bigint;
        fillPrice: bigint;
        fee: bigint;
        callerReward: bigint;
      };
      return {
        type: "pnlReductionExecuted",
        ...at,
        requestId: a.requestId,
        victim: a.victim,
        sizeDelta: a.sizeDelta,
        fillPrice: a.fillPrice,
        feeUsd: a.fee,
        callerRewardUsd: a.callerReward,
      };
    }
    default:
      return undefined;
  }
}

/** Whether a liquidation event concerns `account` (its `account` field) and `keeper` (its `keeper` field). */
export function liquidationEventMatches(
  event: LiquidationEvent,
  filter: { account?: Address | readonly Address[] | undefined; keeper?: Address | undefined },
): boolean {
  const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
  if (filter.account !== undefined) {
    const accounts: readonly Address[] =
      typeof filter.account === "string" ? [filter.account] : filter.account;
    if (!("account" in event && accounts.some((a) => same(event.account, a)))) return false;
  }
  if (filter.keeper !== undefined && !("keeper" in event && same(event.keeper, filter.keeper))) return false;
  return true;
}

/** Whether an ADL event belongs to request `requestId` and concerns `account` (bankrupt account, candidate, victim). */
export function adlEventMatches(
  event: AdlEvent,
  filter: { requestId?: bigint | undefined; account?: Address | undefined },
): boolean {
  if (filter.requestId !== undefined && event.requestId !== filter.requestId) return false;
  if (filter.account === undefined) return true;
  const who =
    event.type === "executed" || event.type === "pnlReductionExecuted"
      ? event.victim
      : "account" in event
        ? event.account
        : undefined;
  return who !== undefined && who.toLowerCase() === filter.account.toLowerCase();
}
