// The keeper's jobs, in the order a pass runs them. Liquidations come first (a bankrupt account's liquidation is
// what opens an ADL request), then auto-deleveraging. Resting orders and leveraged-token rebalancing will be jobs
// of their own (`jobs/orders.ts`, `jobs/rebalance.ts`, each a `Job` with its options and its part of the pass
// report), listed here once their contracts and SDK actions exist.
import { createAdlJob, type AdlJobOptions } from "./adl.js";
import type { Job } from "./job.js";
import { createLiquidationsJob, type LiquidationsJobOptions } from "./liquidations.js";

export type { Job, PassState } from "./job.js";
export { createAdlJob, type AdlJobOptions } from "./adl.js";
export { createLiquidationsJob, type LiquidationsJobOptions } from "./liquidations.js";

export interface JobsOptions {
  liquidations?: LiquidationsJobOptions;
  /** ADL's options, or false to skip it. */
  adl?: AdlJobOptions | false;
}

/** The jobs a pass runs, in order. */
export function createJobs(options: JobsOptions = {}): Job[] {
  const jobs = [createLiquidationsJob(options.liquidations)];
  if (options.adl !== false) jobs.push(createAdlJob(options.adl));
  return jobs;
}
