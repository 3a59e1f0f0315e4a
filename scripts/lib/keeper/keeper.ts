// The keeper: one `runPass()` discovers accounts from the engine's `Trade` events (the chain is the only source of
// the account list), reads each one's health through the lens (the SDK's `getAccount`, in concurrent batches), then
// runs the jobs (jobs/index.ts: liquidations, then auto-deleveraging), each on the SDK's actions. Reads are retried
// with backoff on RPC errors; liquidations go out back to back through one nonce-managed sender. Everything is
// logged as events (see logger.ts). The CLI (scripts/keeper.ts) runs passes in a loop or once; the demo imports
// `createKeeper`.
import type { Address } from "viem";
import { getBlockNumber } from "viem/actions";

import { AccountSet } from "./accounts.js";
import { createKeeperContext, type KeeperContext, type KeeperContextParameters } from "./context.js";
import { createJobs, type Job } from "./jobs/index.js";
import { emptyReport, type PassReport } from "./report.js";

export type {
  AdlExecution,
  AdlReport,
  LiquidationCandidate,
  LiquidationRecord,
  PassReport,
} from "./report.js";
export { revertOf } from "./context.js";

/** The keeper's context (client, wallet, address book, logger, dry run, batch size, retry, abort) and its jobs' options. */
export interface KeeperConfig extends KeeperContextParameters {
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
  /** The jobs to run (default: `createJobs` from the options above). */
  jobs?: Job[];
}

export class Keeper {
  readonly #ctx: KeeperContext;
  readonly #accounts: AccountSet;
  readonly #jobs: Job[];

  constructor(config: KeeperConfig) {
    this.#ctx = createKeeperContext(config);
    this.#accounts = new AccountSet({ fromBlock: config.fromBlock, pageSize: config.pageSize });
    this.#jobs =
      config.jobs ??
      createJobs({
        liquidations: {
          maxPerPass: config.maxLiquidationsPerPass,
          minProfitUsd: config.minProfitUsd,
          nativePriceUsd: config.nativePriceUsd,
          nativeSymbol: config.nativeSymbol,
        },
        adl:
          config.adl === false
            ? false
            : { maxStepsPerPass: config.maxAdlStepsPerPass, waitMs: config.adlWaitMs },
      });
  }

  /** Accounts with positions (or freshly seen trading): the ones checked each pass. */
  get accounts(): ReadonlySet<Address> {
    return this.#accounts.accounts;
  }

  /** The address rewards go to (the wallet's), or the dry-run placeholder. */
  get keeperAddress(): Address {
    return this.#ctx.keeperAddress;
  }

  /**
   * One pass: discover, check, then every job. Throws only when the node cannot be read at all (discovery or the
   * account check); a job that fails is logged (`job-failed`), counted in `errors`, and the next job still runs.
   */
  async runPass(): Promise<PassReport> {
    const ctx = this.#ctx;
    const started = Date.now();
    const report = emptyReport(ctx.dryRun);
    report.blockNumber = await ctx.retry("getBlockNumber", () =>
      getBlockNumber(ctx.publicClient, { cacheTime: 0 }),
    );
    report.newAccounts = await this.#accounts.discover(ctx, report.blockNumber);
    const accounts = await this.#accounts.check(ctx, report);
    report.accountsKnown = this.#accounts.accounts.size;

    for (const job of this.#jobs) {
      try {
        await job.run(ctx, { blockNumber: report.blockNumber, accounts, report });
      } catch (error) {
        report.errors++;
        ctx.log.error("job-failed", { job: job.name, error });
      }
    }

    report.durationMs = Date.now() - started;
    ctx.log.info("pass-complete", {
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
      dryRun: ctx.dryRun,
      durationMs: report.durationMs,
    });
    return report;
  }
}

/** A keeper with its own account set and event cursor; call `runPass()` once or in a loop. */
export const createKeeper = (config: KeeperConfig) => new Keeper(config);
