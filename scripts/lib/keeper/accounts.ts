// The keeper's account set. Every account with a position has traded, so the engine's `Trade` events (the SDK's
// `getTradeHistory`) are the complete list: the first scan starts at the address book's `startBlock`, later ones
// where the last one stopped (re-reading a few blocks in case of a reorg). The scan goes page by page and remembers
// each page it finished, so memory stays at one page of events and a failed scan resumes where it stopped. Each
// pass then reads every known account through the lens (the SDK's `getAccount`) in concurrent batches and forgets
// the flat ones (their next trade brings them back).
import { getAddress, type Address } from "viem";

import { getAccount, getTradeHistory, type Account } from "../../../sdk/src/index.js";
import { inBatches, type KeeperContext } from "./context.js";
import type { PassReport } from "./report.js";

/** Blocks re-scanned for Trade events on every scan after the first (reorg safety). */
export const REORG_OVERLAP_BLOCKS = 12n;

export interface AccountSetOptions {
  /** Scan events from this block (default: the address book's startBlock). */
  fromBlock?: bigint;
  /** Blocks per `eth_getLogs` page (default 10,000). */
  pageSize?: bigint;
}

export class AccountSet {
  /** Accounts with positions (or freshly seen trading): the ones checked each pass. */
  readonly accounts = new Set<Address>();
  readonly #options: AccountSetOptions;
  #scannedTo: bigint | undefined;

  constructor(options: AccountSetOptions = {}) {
    this.#options = options;
  }

  /** Adds every account that traded up to `toBlock` since the last scan; returns how many are new. */
  async discover(ctx: KeeperContext, toBlock: bigint): Promise<number> {
    const first = this.#options.fromBlock ?? BigInt(ctx.perp.deployment.startBlock ?? 0);
    // A trade re-mined after a reorg at a height already scanned is still seen (reading a trade twice changes
    // nothing: accounts are a set).
    const overlap = this.#scannedTo === undefined ? first : this.#scannedTo + 1n - REORG_OVERLAP_BLOCKS;
    const fromBlock = overlap > first ? overlap : first;
    if (fromBlock > toBlock) return 0;
    const pageSize = this.#options.pageSize ?? 10_000n;
    let trades = 0;
    let added = 0;
    for (let start = fromBlock; start <= toBlock; start += pageSize) {
      const end = start + pageSize - 1n < toBlock ? start + pageSize - 1n : toBlock;
      const page = await ctx.retry("getTradeHistory", () =>
        getTradeHistory(ctx.perp, { fromBlock: start, toBlock: end, pageSize }),
      );
      for (const t of page) {
        const account = getAddress(t.account);
        if (!this.accounts.has(account)) {
          this.accounts.add(account);
          added++;
        }
      }
      trades += page.length;
      this.#scannedTo = end;
    }
    ctx.log.info("discovered", { fromBlock, toBlock, trades, newAccounts: added, known: this.accounts.size });
    return added;
  }

  /**
   * Reads every known account (the lens's `getAccount`, concurrent batches); forgets flat ones. Fills the report's
   * `accountsChecked`, `underwater`, the unvalued accounts in `skipped`, and counts failed reads in `errors`.
   */
  async check(ctx: KeeperContext, report: PassReport): Promise<Map<Address, Account>> {
    const snapshot = new Map<Address, Account>();
    const all = [...this.accounts];
    const results = await inBatches(all, ctx.batchSize, (account) =>
      ctx.retry("getAccount", () => getAccount(ctx.perp, { account })),
    );
    results.forEach((r, i) => {
      const account = all[i];
      if (r.status === "rejected") {
        report.errors++;
        ctx.log.error("account-read-failed", { account, error: r.reason });
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
        ctx.log.warn("account-unvalued", { account, reason: "an oracle of one of its markets reverts" });
        return;
      }
      ctx.log.debug("account", {
        account,
        equityUsd: a.equityUsd,
        maintenanceMarginUsd: a.maintenanceMarginUsd,
        marginUtilisation: a.marginUtilisation,
        positions: a.positions.length,
      });
      if (a.liquidatable) report.underwater.push(account);
    });
    return snapshot;
  }
}
