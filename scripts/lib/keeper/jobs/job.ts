// What a keeper job is: one kind of upkeep run once per pass, after the account set has been read. Jobs run in the
// order of `jobs/index.ts`, each with the same context (SDK client, logger, retries, sender, abort signal) and the
// pass's state; a job records what it did in its own section of the pass report.
import type { Address } from "viem";

import type { Account } from "../../../../sdk/src/index.js";
import type { KeeperContext } from "../context.js";
import type { PassReport } from "../report.js";

/** One pass as the jobs see it. */
export interface PassState {
  /** The block the pass started at. */
  readonly blockNumber: bigint;
  /** Every known account with a position, read through the lens at the start of the pass. */
  readonly accounts: ReadonlyMap<Address, Account>;
  /** The pass's report (the account check has filled `underwater`); each job adds its part. */
  readonly report: PassReport;
}

export interface Job {
  /** Its name in the logs (`job-failed`). */
  readonly name: string;
  /**
   * Does the job's work for this pass. Reverts and failed sends are the job's to log and count in
   * `report.errors`; a throw means the job could not run at all (the keeper logs it and goes on with the next job).
   */
  run(ctx: KeeperContext, pass: PassState): Promise<void>;
}
