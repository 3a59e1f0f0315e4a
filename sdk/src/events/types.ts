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
  fee: bigint;
  /** PnL realised by the reducing part, USD. */
  realisedPnl: bigint;
  newSize: bigint;
  newOpenNotional: bigint;
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
  amount: bigint;
}

/** Either funding event. */
export type FundingEvent = FundingAccruedEvent | FundingSettledEvent;

type LogBase = { blockNumber: bigint | null; transactionHash: Hash | null; logIndex: number | null };

export function locationOf(log: LogBase): EventLocation {
  return { blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex };
}

export function toTradeEvent(log: LogBase & { args: Omit<TradeEvent, keyof EventLocation> }): TradeEvent {
  return { ...locationOf(log), ...log.args };
}

export function toFundingAccruedEvent(
  log: LogBase & { args: Omit<FundingAccruedEvent, keyof EventLocation | "type"> },
): FundingAccruedEvent {
  return { type: "accrued", ...locationOf(log), ...log.args };
}

export function toFundingSettledEvent(
  log: LogBase & { args: Omit<FundingSettledEvent, keyof EventLocation | "type"> },
): FundingSettledEvent {
  return { type: "settled", ...locationOf(log), ...log.args };
}
