// What one keeper pass did: the shape `runPass()` returns and the demo prints. The account check fills the first
// fields, each job its own section (liquidations: `underwater` onwards; ADL: `adl`); `skipped` and `errors` are shared.
// What was done to an account (a liquidation, a candidate, an ADL step) names its owner and sub-account id next to it
// (`owner` = `account` and id 0 for an account that is no sub-account; see subAccounts.ts); the lists of addresses
// (`underwater`, `beyondBound`, `skipped`, `adl.submitted`) stay addresses, and their log lines name the owner.
import type { Address, Hash } from "viem";

import type { AccountOwner } from "./subAccounts.js";

export interface LiquidationRecord extends AccountOwner {
  account: Address;
  txHash: Hash;
  notionalClosedUsd: bigint;
  feeUsd: bigint;
  keeperRewardUsd: bigint;
  insuranceFeeUsd: bigint;
  partialOnly: boolean;
  /** Bad debt left for ADL by this liquidation, USD. */
  shortfallForAdlUsd: bigint;
  gasUsed: bigint;
}

export interface LiquidationCandidate extends AccountOwner {
  account: Address;
  maintenanceMarginUsd: bigint;
  keeperRewardUsd: bigint;
  insuranceFeeUsd: bigint;
  notionalClosedUsd: bigint;
  expectedBadDebtUsd: bigint;
  gas: bigint;
  gasCostUsd: bigint;
  profitUsd: bigint;
}

export interface AdlExecution {
  /** A shortfall step (`AdlExecuted`) or a pnl-factor reduction step (`PnlReductionExecuted`). */
  kind: "shortfall" | "pnlReduction";
  victim: Address;
  /** The victim's owner (the victim itself when it is no sub-account). */
  victimOwner: Address;
  /** The victim's id among its owner's sub-accounts (0: the owner's own address). */
  victimSubAccountId: bigint;
  sizeDelta: bigint;
  /** The bankruptcy price (capped) of a shortfall step, the bounded market fill of a reduction. */
  price: bigint;
  /** Shortfall repaid (0 for a reduction), USD. */
  coveredUsd: bigint;
  /** A reduction's caller reward (the keeper's share of the victim's trading fee), USD. */
  callerRewardUsd: bigint;
  txHash: Hash;
}

export interface AdlReport {
  pending: boolean;
  requestId?: bigint;
  /** The pending request's kind. */
  kind?: "shortfall" | "pnlReduction";
  /** Accounts this pass added to the candidate set. */
  submitted: Address[];
  executed: AdlExecution[];
  /** The request was fully covered (or, a reduction, the factor back within its limit) in this pass. */
  resolved: boolean;
  /** When the ranking window closes, if it was still open. */
  executableAt?: bigint;
  /** The stuck request this pass moved to the back of the queue, and its new id. */
  rotated?: { requestId: bigint; newRequestId: bigint };
  /** The pnl-factor reduction this pass queued (traders' profit above maxPnlFactor of the vault's cash). */
  pnlReductionRequested?: { requestId: bigint; marketId: bigint; traderProfitUsd: bigint; cashUsd: bigint };
}

export interface PassReport {
  blockNumber: bigint;
  accountsKnown: number;
  newAccounts: number;
  accountsChecked: number;
  /** Below maintenance margin (the SDK's view). */
  underwater: Address[];
  /**
   * Below maintenance margin but nothing of their positions fits the forced-close bound now (a pushed skew):
   * retried on the next pass.
   */
  beyondBound: Address[];
  liquidations: LiquidationRecord[];
  /** In a dry run: what would have been sent. */
  wouldLiquidate: LiquidationCandidate[];
  skipped: { account: Address; reason: string }[];
  adl: AdlReport;
  errors: number;
  dryRun: boolean;
  durationMs: number;
}

/** A report with nothing found yet. */
export function emptyReport(dryRun: boolean): PassReport {
  return {
    blockNumber: 0n,
    accountsKnown: 0,
    newAccounts: 0,
    accountsChecked: 0,
    underwater: [],
    beyondBound: [],
    liquidations: [],
    wouldLiquidate: [],
    skipped: [],
    adl: { pending: false, submitted: [], executed: [], resolved: false },
    errors: 0,
    dryRun,
    durationMs: 0,
  };
}
