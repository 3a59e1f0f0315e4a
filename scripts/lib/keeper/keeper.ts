// The keeper: one `runPass()` discovers accounts from the engine's `Trade` events (the chain is the only source of
// the account list), reads each account's health through the SDK (`getAccount`: the lens at fair prices), asks
// `previewLiquidation` for those below maintenance margin, liquidates the ones whose reward beats the gas (an
// account whose closes do not fit their forced-close bound now is logged and retried on the next pass), and runs
// auto-deleveraging: it queues a pnl-factor reduction when traders' profit against the liquidity vault passes its
// limit, submits the highest-ranked candidates among the discovered accounts for the pending request, executes once
// the ranking window is over, and rotates a request that has been stuck (no ranked candidate) past its window.
// Reads are retried with backoff on RPC errors and grouped in batches; transactions go out back to back through
// one nonce-managed sender. Everything is logged as events (see logger.ts). The CLI (scripts/keeper.ts) runs passes
// in a loop or once; the demo imports `createKeeper`.
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAddress,
  parseEventLogs,
  type Address,
  type Hash,
  type PublicClient,
} from "viem";
import {
  estimateContractGas,
  estimateFeesPerGas,
  getBlock,
  getBlockNumber,
  getGasPrice,
  readContract,
  simulateContract,
} from "viem/actions";

import {
  createPerpClient,
  getAccount,
  getMarkets,
  getPendingAdl,
  getTradeHistory,
  liquidationEngineAbi,
  perpErrorsAbi,
  pnlReductionTarget,
  type Account,
  type PendingAdl,
  type PerpClient,
  type PerpDeployment,
} from "../../../sdk/src/index.js";
import { createJsonLogger, type Logger } from "./logger.js";
import { sleep, withRetry, type RetryOptions } from "./retry.js";
import { TransactionSender, type KeeperWalletClient } from "./sender.js";

/** The liquidation engine's views the keeper reads directly (the rest goes through the SDK's actions). */
function engineReads(client: PublicClient, address: Address) {
  const read = { address, abi: liquidationEngineAbi } as const;
  return {
    previewLiquidation: (account: Address) =>
      readContract(client, { ...read, functionName: "previewLiquidation", args: [account] }),
    adlRank: (account: Address, marketId: bigint) =>
      readContract(client, { ...read, functionName: "adlRank", args: [account, marketId] }),
  };
}

/** The ADL entry points the keeper calls. */
type AdlFunction = "submitAdlCandidate" | "executeAdl" | "rotateAdl" | "requestPnlReduction";

/** For decoding reverts that bubble up from the engine, the vaults or an oracle. */
const decodingAbi = [...liquidationEngineAbi, ...perpErrorsAbi];

const WAD = 10n ** 18n;
/** Gas-estimate headroom: +20 %. */
const GAS_HEADROOM_BPS = 12_000n;
/** Blocks re-scanned for Trade events on every pass after the first (reorg safety). */
const REORG_OVERLAP_BLOCKS = 12n;
/** Simulations without a wallet (dry run) are sent from this address. */
const DRY_RUN_FROM: Address = "0x000000000000000000000000000000000000dEaD";

export interface KeeperConfig {
  publicClient: PublicClient;
  /** Signs the keeper's transactions; without one the keeper only reports (dry run). */
  walletClient?: KeeperWalletClient;
  /** The SDK's address book. */
  deployment: PerpDeployment;
  liquidationEngine: Address;
  logger?: Logger;
  /** Find and evaluate, send nothing (default false). */
  dryRun?: boolean;
  /** Accounts read concurrently, one JSON-RPC batch on a batching transport (default 25). */
  batchSize?: number;
  /** Liquidations sent per pass, most profitable first (default 20). */
  maxLiquidationsPerPass?: number;
  /** Least reward minus gas cost worth a liquidation, 18-decimal USD (default 0). */
  minProfitUsd?: bigint;
  /** The gas token's USD price, 18 decimals; default: the oracle price of the market `nativeSymbol`. */
  nativePriceUsd?: bigint;
  /** The market whose oracle prices the gas token (default "ETH"). */
  nativeSymbol?: string;
  /** Run auto-deleveraging (default true). */
  adl?: boolean;
  /** `executeAdl` calls per pass (default 8). */
  maxAdlStepsPerPass?: number;
  /** Wait within the pass for an ADL ranking window that closes within this many ms (default 0: next pass). */
  adlWaitMs?: number;
  /** Blocks per `eth_getLogs` page (default 10,000). */
  pageSize?: bigint;
  /** Scan events from this block (default: the address book's startBlock). */
  fromBlock?: bigint;
  retry?: RetryOptions;
  /** Aborting stops the pass before its next transaction (transactions already sent are still awaited). */
  signal?: AbortSignal;
}

export interface LiquidationRecord {
  account: Address;
  txHash: Hash;
  notionalClosed: bigint;
  fee: bigint;
  keeperReward: bigint;
  insuranceFee: bigint;
  partialOnly: boolean;
  /** Bad debt left for ADL by this liquidation, USD. */
  shortfallForAdl: bigint;
  gasUsed: bigint;
}

export interface LiquidationCandidate {
  account: Address;
  maintenanceMargin: bigint;
  keeperReward: bigint;
  insuranceFee: bigint;
  notionalClosed: bigint;
  expectedBadDebt: bigint;
  gas: bigint;
  gasCostUsd: bigint;
  profitUsd: bigint;
}

export interface AdlExecution {
  /** A shortfall step (`AdlExecuted`) or a pnl-factor reduction step (`PnlReductionExecuted`). */
  kind: "shortfall" | "pnlReduction";
  victim: Address;
  sizeDelta: bigint;
  /** The bankruptcy price (capped) of a shortfall step, the bounded market fill of a reduction. */
  price: bigint;
  /** Shortfall repaid (0 for a reduction). */
  covered: bigint;
  /** A reduction's caller reward (the keeper's share of the victim's trading fee), USD. */
  callerReward: bigint;
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
  pnlReductionRequested?: { requestId: bigint; marketId: bigint; traderProfit: bigint; cash: bigint };
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

/** A contract revert's error name and arguments, or undefined for other failures. */
export function revertOf(error: unknown): { name: string; args: readonly unknown[] } | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError) || revert.data === undefined) return undefined;
  return { name: revert.data.errorName, args: revert.data.args ?? [] };
}

export class Keeper {
  /** Accounts with positions (or freshly seen trading): the ones checked each pass. */
  readonly accounts = new Set<Address>();
  readonly #config: KeeperConfig;
  readonly #perp: PerpClient;
  readonly #log: Logger;
  readonly #sender: TransactionSender | undefined;
  readonly #engine: ReturnType<typeof engineReads>;
  readonly #dryRun: boolean;
  #scannedTo: bigint | undefined;

  constructor(config: KeeperConfig) {
    this.#config = config;
    this.#log = config.logger ?? createJsonLogger();
    this.#perp = createPerpClient({ publicClient: config.publicClient, deployment: config.deployment });
    this.#engine = engineReads(config.publicClient, config.liquidationEngine);
    this.#dryRun = config.dryRun === true || config.walletClient === undefined;
    this.#sender =
      config.walletClient === undefined || this.#dryRun
        ? undefined
        : new TransactionSender({
            publicClient: config.publicClient,
            walletClient: config.walletClient,
            logger: this.#log,
            retry: this.#retryOptions("send"),
          });
  }

  /** The address rewards go to (the wallet's), or the dry-run placeholder. */
  get keeperAddress(): Address {
    return this.#config.walletClient?.account.address ?? DRY_RUN_FROM;
  }

  #retryOptions(what: string): RetryOptions {
    return {
      ...this.#config.retry,
      signal: this.#config.signal,
      onRetry: ({ attempt, delayMs, error }) =>
        this.#log.warn("rpc-retry", { what, attempt, delayMs, error }),
    };
  }

  #retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, this.#retryOptions(what));
  }

  /** One pass: discover, check, liquidate, deleverage. Throws only when the node cannot be read at all. */
  async runPass(): Promise<PassReport> {
    const started = Date.now();
    const report: PassReport = {
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
      dryRun: this.#dryRun,
      durationMs: 0,
    };
    report.blockNumber = await this.#retry("getBlockNumber", () =>
      getBlockNumber(this.#config.publicClient, { cacheTime: 0 }),
    );
    report.newAccounts = await this.#discover(report.blockNumber);
    const snapshot = await this.#checkAccounts(report);
    report.accountsKnown = this.accounts.size;

    const candidates = await this.#evaluate(report);
    if (this.#dryRun) {
      report.wouldLiquidate = candidates;
      for (const c of candidates) this.#log.info("would-liquidate", { ...c });
    } else if (candidates.length > 0) {
      report.liquidations = await this.#liquidate(candidates, report);
    }
    if (this.#config.adl !== false) await this.#deleverage(snapshot, report);

    report.durationMs = Date.now() - started;
    this.#log.info("pass-complete", {
      block: report.blockNumber,
      accounts: report.accountsKnown,
      newAccounts: report.newAccounts,
      underwater: report.underwater.length,
      beyondBound: report.beyondBound.length,
      liquidated: report.liquidations.length,
      wouldLiquidate: report.wouldLiquidate.length,
      adlPending: report.adl.pending,
      adlExecuted: report.adl.executed.length,
      errors: report.errors,
      dryRun: this.#dryRun,
      durationMs: report.durationMs,
    });
    return report;
  }

  /** Adds every account that traded since the last scan (from the deployment's start block on the first pass). */
  async #discover(toBlock: bigint): Promise<number> {
    const first = this.#config.fromBlock ?? BigInt(this.#config.deployment.startBlock ?? 0);
    // Later passes re-read the last few blocks: a trade re-mined after a reorg at a height already scanned is
    // still seen (accounts are a set, so reading a trade twice changes nothing).
    const overlap = this.#scannedTo === undefined ? first : this.#scannedTo + 1n - REORG_OVERLAP_BLOCKS;
    const fromBlock = overlap > first ? overlap : first;
    if (fromBlock > toBlock) return 0;
    const trades = await this.#retry("getTradeHistory", () =>
      getTradeHistory(this.#perp, { fromBlock, toBlock, pageSize: this.#config.pageSize }),
    );
    let added = 0;
    for (const t of trades) {
      const account = getAddress(t.account);
      if (!this.accounts.has(account)) {
        this.accounts.add(account);
        added++;
      }
    }
    this.#scannedTo = toBlock;
    this.#log.info("discovered", {
      fromBlock,
      toBlock,
      trades: trades.length,
      newAccounts: added,
      known: this.accounts.size,
    });
    return added;
  }

  /** Reads every known account through the SDK, in concurrent batches; forgets flat ones (a new trade re-adds them). */
  async #checkAccounts(report: PassReport): Promise<Map<Address, Account>> {
    const snapshot = new Map<Address, Account>();
    const batch = Math.max(1, this.#config.batchSize ?? 25);
    const all = [...this.accounts];
    for (let i = 0; i < all.length; i += batch) {
      const chunk = all.slice(i, i + batch);
      const results = await Promise.allSettled(
        chunk.map((account) => this.#retry("getAccount", () => getAccount(this.#perp, { account }))),
      );
      results.forEach((r, j) => {
        const account = chunk[j];
        if (r.status === "rejected") {
          report.errors++;
          this.#log.error("account-read-failed", { account, error: r.reason });
          return;
        }
        report.accountsChecked++;
        const a = r.value;
        if (a.positions.length === 0) {
          this.accounts.delete(account);
          return;
        }
        snapshot.set(account, a);
        if (!a.valuationValid) {
          report.skipped.push({ account, reason: "oracle-invalid" });
          this.#log.warn("account-unvalued", { account, reason: "an oracle of one of its markets reverts" });
          return;
        }
        this.#log.debug("account", {
          account,
          equity: a.equityUsd,
          maintenanceMargin: a.maintenanceMarginUsd,
          marginUtilisation: a.marginUtilisation,
          positions: a.positions.length,
        });
        if (a.liquidatable) report.underwater.push(account);
      });
    }
    return snapshot;
  }

  async #gasPriceAndNative(): Promise<{ feePerGas: bigint; nativePrice: bigint | undefined }> {
    const client = this.#config.publicClient;
    const feePerGas = await this.#retry("fees", async () => {
      try {
        return (await estimateFeesPerGas(client)).maxFeePerGas;
      } catch {
        return await getGasPrice(client);
      }
    });
    let nativePrice = this.#config.nativePriceUsd;
    if (nativePrice === undefined) {
      const symbol = this.#config.nativeSymbol ?? "ETH";
      const market = (await this.#retry("getMarkets", () => getMarkets(this.#perp))).find(
        (m) => m.symbol === symbol,
      );
      if (market?.oracleValid) nativePrice = market.oraclePrice;
      else
        this.#log.warn("native-price-unknown", { symbol, note: "gas cost not counted; pass --native-price" });
    }
    return { feePerGas, nativePrice };
  }

  /** `previewLiquidation` and a gas estimate for each underwater account; the profitable ones, best first. */
  async #evaluate(report: PassReport): Promise<LiquidationCandidate[]> {
    if (report.underwater.length === 0) return [];
    const { feePerGas, nativePrice } = await this.#gasPriceAndNative();
    const minProfit = this.#config.minProfitUsd ?? 0n;
    const out: LiquidationCandidate[] = [];
    for (const account of report.underwater) {
      try {
        const p = await this.#retry("previewLiquidation", () => this.#engine.previewLiquidation(account));
        if (p.notionalClosed === 0n && p.maintenanceMargin < 0n) {
          this.#beyondBound(account, report, { maintenanceMargin: p.maintenanceMargin });
          continue;
        }
        if (!p.liquidatable) {
          report.skipped.push({ account, reason: "cooldown" });
          this.#log.info("liquidation-cooldown", { account, maintenanceMargin: p.maintenanceMargin });
          continue;
        }
        const gas = await this.#retry("estimateGas", () =>
          estimateContractGas(this.#config.publicClient, {
            address: this.#config.liquidationEngine,
            abi: decodingAbi,
            functionName: "liquidate",
            args: [account],
            account: this.keeperAddress,
          }),
        );
        const gasCostUsd = nativePrice === undefined ? 0n : (gas * feePerGas * nativePrice) / WAD;
        const candidate: LiquidationCandidate = {
          account,
          maintenanceMargin: p.maintenanceMargin,
          keeperReward: p.keeperReward,
          insuranceFee: p.insuranceFee,
          notionalClosed: p.notionalClosed,
          expectedBadDebt: p.expectedBadDebt,
          gas,
          gasCostUsd,
          profitUsd: p.keeperReward - gasCostUsd,
        };
        if (candidate.profitUsd < minProfit) {
          report.skipped.push({ account, reason: "unprofitable" });
          this.#log.info("liquidation-unprofitable", { ...candidate, minProfitUsd: minProfit });
          continue;
        }
        out.push(candidate);
      } catch (error) {
        // The skew moved between the preview and the estimate: not an error, the next pass retries.
        if (revertOf(error)?.name === "LiquidationBeyondBound") {
          this.#beyondBound(account, report, { at: "estimateGas" });
          continue;
        }
        report.errors++;
        report.skipped.push({ account, reason: revertOf(error)?.name ?? "error" });
        this.#log.error("liquidation-check-failed", { account, revert: revertOf(error), error });
      }
    }
    out.sort((a, b) => (b.profitUsd > a.profitUsd ? 1 : b.profitUsd < a.profitUsd ? -1 : 0));
    return out.slice(0, this.#config.maxLiquidationsPerPass ?? 20);
  }

  /**
   * An account below maintenance whose closes would all fill beyond their forced-close bound now (someone pushed the
   * skew against it): `liquidate` would revert `LiquidationBeyondBound`. Not an error; the next pass retries, once
   * the skew has come back or the fair premium has moved.
   */
  #beyondBound(account: Address, report: PassReport, context: Record<string, unknown>) {
    report.beyondBound.push(account);
    report.skipped.push({ account, reason: "beyond-bound" });
    this.#log.info("liquidation-beyond-bound", { account, ...context, note: "retried next pass" });
  }

  /** The error `liquidate(account)` reverts with now (undefined when it would go through or fails otherwise). */
  async #replayLiquidation(account: Address): Promise<string | undefined> {
    try {
      await simulateContract(this.#config.publicClient, {
        address: this.#config.liquidationEngine,
        abi: decodingAbi,
        functionName: "liquidate",
        args: [account],
        account: this.keeperAddress,
      });
      return undefined;
    } catch (error) {
      return revertOf(error)?.name;
    }
  }

  /** Sends the liquidations back to back (consecutive nonces), then waits for all of them. */
  async #liquidate(candidates: LiquidationCandidate[], report: PassReport): Promise<LiquidationRecord[]> {
    const sender = this.#sender!;
    const sent: { candidate: LiquidationCandidate; hash: Hash }[] = [];
    for (const candidate of candidates) {
      if (this.#config.signal?.aborted) {
        this.#log.info("liquidations-stopped", { remaining: candidates.length - sent.length });
        break;
      }
      try {
        const hash = await sender.send({
          to: this.#config.liquidationEngine,
          data: encodeFunctionData({
            abi: liquidationEngineAbi,
            functionName: "liquidate",
            args: [candidate.account],
          }),
          gas: (candidate.gas * GAS_HEADROOM_BPS) / 10_000n,
          label: `liquidate ${candidate.account}`,
        });
        sent.push({ candidate, hash });
        this.#log.info("liquidation-sent", {
          account: candidate.account,
          txHash: hash,
          expectedReward: candidate.keeperReward,
        });
      } catch (error) {
        // A node that runs the transaction when it receives it (automine) answers a revert as a send failure.
        const reason = revertOf(error)?.name ?? (await this.#replayLiquidation(candidate.account));
        if (reason === "LiquidationBeyondBound") {
          this.#beyondBound(candidate.account, report, { at: "send" });
          continue;
        }
        report.errors++;
        this.#log.error("liquidation-send-failed", {
          account: candidate.account,
          revert: revertOf(error),
          error,
        });
      }
    }
    const records: LiquidationRecord[] = [];
    const receipts = await Promise.allSettled(sent.map((s) => sender.wait(s.hash)));
    // Why a mined liquidation reverted: replayed now. An earlier liquidation of the pass may have pushed the skew
    // so that this account's closes no longer fit their bound (a cascade waits for the next pass), or another keeper
    // may have been first.
    const reasons = await Promise.all(
      receipts.map(async (r, i) =>
        r.status === "fulfilled" && r.value.status !== "success"
          ? await this.#replayLiquidation(sent[i].candidate.account)
          : undefined,
      ),
    );
    receipts.forEach((r, i) => {
      const { candidate, hash } = sent[i];
      if (r.status === "rejected") {
        report.errors++;
        this.#log.error("liquidation-unconfirmed", {
          account: candidate.account,
          txHash: hash,
          error: r.reason,
        });
        return;
      }
      if (r.value.status !== "success") {
        if (reasons[i] === "LiquidationBeyondBound") {
          this.#beyondBound(candidate.account, report, { at: "mined", txHash: hash });
          return;
        }
        report.skipped.push({ account: candidate.account, reason: "reverted" });
        this.#log.warn("liquidation-reverted", {
          account: candidate.account,
          txHash: hash,
          revert: reasons[i],
          note: "someone else may have liquidated first",
        });
        return;
      }
      const logs = parseEventLogs({ abi: liquidationEngineAbi, logs: r.value.logs });
      const liquidated = logs.find((l) => l.eventName === "Liquidated");
      if (liquidated === undefined || liquidated.eventName !== "Liquidated") return;
      const shortfall = logs.find((l) => l.eventName === "ShortfallForAdl");
      const record: LiquidationRecord = {
        account: liquidated.args.account,
        txHash: hash,
        notionalClosed: liquidated.args.notionalClosed,
        fee: liquidated.args.fee,
        keeperReward: liquidated.args.keeperReward,
        insuranceFee: liquidated.args.insuranceFee,
        partialOnly: liquidated.args.partialOnly,
        shortfallForAdl: shortfall?.eventName === "ShortfallForAdl" ? shortfall.args.amount : 0n,
        gasUsed: r.value.gasUsed,
      };
      records.push(record);
      this.#log.info("liquidated", { ...record, block: r.value.blockNumber });
    });
    return records;
  }

  async #pendingAdl(): Promise<PendingAdl> {
    return this.#retry("getPendingAdl", () => getPendingAdl(this.#perp));
  }

  /**
   * Auto-deleveraging. First the pnl factor: while traders' profit against the liquidity vault is above
   * `maxPnlFactor` of its cash, queue a reduction of the market where traders win the most against the vault. Then
   * the pending request (a shortfall or a reduction, FIFO): submit the highest-ranked accounts on its victim side
   * among the discovered ones (the contract keeps the best `MAX_ADL_CANDIDATES` and computes ranks itself); rotate it
   * to the back of the queue when its stuck window has passed and still no candidate is ranked; else, once the
   * ranking window is over, execute step by step until it resolves or no candidate can give more.
   */
  async #deleverage(snapshot: Map<Address, Account>, report: PassReport) {
    const adl = report.adl;
    let state = await this.#pendingAdl();
    if (state.pnlFactorExceeded) {
      await this.#requestPnlReduction(state, report);
      state = await this.#pendingAdl();
    }
    const request = state.request;
    if (request === undefined) return;
    const { requestId } = request;
    adl.pending = true;
    adl.requestId = requestId;
    adl.kind = request.kind;
    const marketId = request.marketId;
    this.#log.info("adl-pending", {
      requestId,
      kind: request.kind,
      bankrupt: request.account,
      marketId,
      victimsLong: request.victimsLong,
      bankruptcyPrice: request.bankruptcyPrice,
      remaining: request.remainingUsd,
      candidates: state.candidates.map((c) => c.account),
      rotatableAt: state.rotatableAt,
    });

    // Rank the discovered accounts holding the victim side of the market (the contract's own rank).
    const sideHolders = [...snapshot.values()]
      .filter((a) =>
        a.positions.some(
          (p) => p.marketId === marketId && p.size > 0n === request.victimsLong && p.unrealisedPnlUsd > 0n,
        ),
      )
      .map((a) => getAddress(a.address));
    const known = new Set(state.candidates.map((c) => getAddress(c.account)));
    const everyone = [...new Set([...sideHolders, ...known])];
    const ranks = await Promise.all(
      everyone.map(async (account) => ({
        account,
        rank: await this.#retry("adlRank", () => this.#engine.adlRank(account, marketId)),
      })),
    );
    const desired = ranks
      .filter((r) => r.rank > 0n)
      .sort((a, b) => (b.rank > a.rank ? 1 : b.rank < a.rank ? -1 : 0))
      .slice(0, Number(state.maxCandidates));
    let submitted = false;
    for (const { account, rank } of desired) {
      if (known.has(account)) continue;
      if (this.#config.signal?.aborted) return;
      const done = await this.#adlStep("submitAdlCandidate", [account], { account, rank }, report);
      if (done === "sent") {
        adl.submitted.push(account);
        submitted = true;
      }
    }
    if (submitted) state = await this.#pendingAdl();

    // A shortfall no candidate can work (e.g. every trader was on its side) must not block the queue: once its stuck
    // window has passed with no ranked candidate, anyone may move it to the back. A pnl-factor reduction needs no
    // rotation: once its window is over `executeAdl` steps it or, with no candidate ranked, resolves it.
    if (
      request.kind === "shortfall" &&
      state.request?.requestId === requestId &&
      state.next === undefined &&
      state.timestamp >= state.rotatableAt
    ) {
      if (this.#config.signal?.aborted) return;
      await this.#adlStep("rotateAdl", [], { requestId, rotatableAt: state.rotatableAt }, report);
      return;
    }

    for (let step = 0; step < (this.#config.maxAdlStepsPerPass ?? 8); step++) {
      if (this.#config.signal?.aborted) return;
      const outcome = await this.#adlStep("executeAdl", [], { requestId }, report);
      if (outcome === "window-open" && adl.executableAt !== undefined) {
        const block = await this.#retry("getBlock", () => getBlock(this.#config.publicClient));
        const waitMs = Number(adl.executableAt - block.timestamp + 1n) * 1000;
        if (waitMs > (this.#config.adlWaitMs ?? 0)) return;
        this.#log.info("adl-waiting", { executableAt: adl.executableAt, waitMs });
        await sleep(waitMs, this.#config.signal).catch(() => undefined);
        step--;
        continue;
      }
      if (outcome !== "sent") return;
      state = await this.#pendingAdl();
      if (state.request?.requestId !== requestId) {
        adl.resolved = true;
        return;
      }
    }
  }

  /**
   * Queues a pnl-factor reduction (`requestPnlReduction()`): the contract picks the market whose traders win the most
   * against the liquidity vault (`counterpartyPnlOf`, at exit prices; the SDK's `pnlReductionTarget` names it for the
   * log), unless one is already queued (`PnlReductionPending`) or no market is negative (`NoWinningSide`).
   */
  async #requestPnlReduction(state: PendingAdl, report: PassReport) {
    const markets = await this.#retry("getMarkets", () =>
      getMarkets(this.#perp, { blockNumber: state.blockNumber }),
    );
    const target = pnlReductionTarget(markets, state.timestamp);
    this.#log.info("pnl-factor-exceeded", {
      traderProfit: state.traderProfitUsd,
      vaultCash: state.vaultCashUsd,
      limit: state.pnlFactorLimitUsd,
      marketId: target,
    });
    if (target === undefined || this.#config.signal?.aborted) return;
    await this.#adlStep("requestPnlReduction", [], { marketId: target }, report);
  }

  /**
   * Simulates an ADL call (on the pending block, so the ranking window is judged at the current time) and, unless
   * dry-running, sends it and waits for it. Returns what happened.
   */
  async #adlStep(
    functionName: AdlFunction,
    args: readonly [Address] | readonly [],
    context: Record<string, unknown>,
    report: PassReport,
  ): Promise<"sent" | "dry-run" | "window-open" | "rejected" | "failed"> {
    let gas: bigint;
    try {
      await this.#retry(functionName, () =>
        simulateContract(this.#config.publicClient, {
          address: this.#config.liquidationEngine,
          abi: decodingAbi,
          functionName,
          args,
          account: this.keeperAddress,
          blockTag: "pending",
        } as never),
      );
      gas = await this.#retry("estimateGas", () =>
        estimateContractGas(this.#config.publicClient, {
          address: this.#config.liquidationEngine,
          abi: decodingAbi,
          functionName,
          args,
          account: this.keeperAddress,
          blockTag: "pending",
        } as never),
      );
    } catch (error) {
      const revert = revertOf(error);
      if (revert?.name === "AdlRankingWindowOpen") {
        report.adl.executableAt = revert.args[0] as bigint;
        this.#log.info("adl-window-open", { ...context, executableAt: report.adl.executableAt });
        return "window-open";
      }
      if (revert !== undefined) {
        this.#log.info(`${functionName}-rejected`, { ...context, revert });
        return "rejected";
      }
      report.errors++;
      this.#log.error(`${functionName}-failed`, { ...context, error });
      return "failed";
    }
    if (this.#dryRun) {
      this.#log.info(`would-${functionName}`, context);
      return "dry-run";
    }
    try {
      const sender = this.#sender!;
      const hash = await sender.send({
        to: this.#config.liquidationEngine,
        data: encodeFunctionData({ abi: liquidationEngineAbi, functionName, args } as never),
        gas: (gas * GAS_HEADROOM_BPS) / 10_000n,
        label: functionName,
      });
      const receipt = await sender.wait(hash);
      if (receipt.status !== "success") {
        this.#log.warn(`${functionName}-reverted`, { ...context, txHash: hash });
        return "rejected";
      }
      for (const log of parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs })) {
        if (log.eventName === "AdlCandidateSubmitted")
          this.#log.info("adl-candidate-submitted", {
            requestId: log.args.requestId,
            account: log.args.account,
            rank: log.args.rank,
            txHash: hash,
          });
        if (log.eventName === "AdlExecuted") {
          const e: AdlExecution = {
            kind: "shortfall",
            victim: log.args.victim,
            sizeDelta: log.args.sizeDelta,
            price: log.args.price,
            covered: log.args.covered,
            callerReward: 0n,
            txHash: hash,
          };
          report.adl.executed.push(e);
          this.#log.info("adl-executed", { requestId: log.args.requestId, ...e });
        }
        if (log.eventName === "PnlReductionExecuted") {
          const e: AdlExecution = {
            kind: "pnlReduction",
            victim: log.args.victim,
            sizeDelta: log.args.sizeDelta,
            price: log.args.fillPrice,
            covered: 0n,
            callerReward: log.args.callerReward,
            txHash: hash,
          };
          report.adl.executed.push(e);
          this.#log.info("pnl-reduction-executed", {
            requestId: log.args.requestId,
            fee: log.args.fee,
            ...e,
          });
        }
        if (log.eventName === "AdlResolved")
          this.#log.info("adl-resolved", { requestId: log.args.requestId, txHash: hash });
        if (log.eventName === "AdlRotated") {
          report.adl.rotated = { requestId: log.args.requestId, newRequestId: log.args.newRequestId };
          this.#log.info("adl-rotated", { ...report.adl.rotated, txHash: hash });
        }
        if (log.eventName === "PnlReductionRequested") {
          report.adl.pnlReductionRequested = {
            requestId: log.args.requestId,
            marketId: log.args.marketId,
            traderProfit: log.args.traderProfit,
            cash: log.args.cash,
          };
          this.#log.info("pnl-reduction-requested", {
            ...report.adl.pnlReductionRequested,
            victimsLong: log.args.victimsLong,
            txHash: hash,
          });
        }
      }
      return "sent";
    } catch (error) {
      report.errors++;
      this.#log.error(`${functionName}-send-failed`, { ...context, revert: revertOf(error), error });
      return "failed";
    }
  }
}

/** A keeper with its own account set and event cursor; call `runPass()` once or in a loop. */
export const createKeeper = (config: KeeperConfig) => new Keeper(config);
