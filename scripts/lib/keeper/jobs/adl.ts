// Auto-deleveraging, through the SDK's actions. First the pnl factor: while traders' profit against the liquidity
// vault is above `maxPnlFactor` of its cash (`getPendingAdl`), queue a reduction (`requestPnlReduction`; the
// contract picks the market where traders win the most, `pnlReductionTarget` names it for the log). Then the pending
// request (a shortfall or a reduction, FIFO): submit the highest-ranked accounts on its victim side among the pass's
// accounts (`submitAdlCandidate`; the contract keeps the best `maxCandidates` and computes ranks itself); rotate it to
// the back of the queue once its stuck window has passed with no candidate ranked (`rotateAdl`); else, once the
// ranking window is over, execute step by step (`executeAdl`) until it resolves or no candidate can give more.
// A dry run decides from the lens's view (`getPendingAdl`) and logs what it would send. The bankrupt account, the
// candidates and the victims are named with their owner and sub-account id (read in one batched call, see
// subAccounts.ts).
import {
  getAddress,
  isAddressEqual,
  parseEventLogs,
  type Address,
  type Hash,
  type TransactionReceipt,
} from "viem";

import {
  executeAdl,
  getMarkets,
  getPendingAdl,
  liquidationEngineAbi,
  pnlReductionTarget,
  requestPnlReduction,
  rotateAdl,
  submitAdlCandidate,
  toAdlEvent,
  TransactionRevertedError,
  type AdlEvent,
  type PendingAdl,
} from "../../../../sdk/src/index.js";
import { sleep } from "../retry.js";
import { revertOf, type KeeperContext } from "../context.js";
import type { AdlExecution, PassReport } from "../report.js";
import type { Job } from "./job.js";

export interface AdlJobOptions {
  /** `executeAdl` calls per pass (default 8). */
  maxStepsPerPass?: number;
  /** Wait within the pass for a ranking window that closes within this many ms (default 0: next pass). */
  waitMs?: number;
}

type Outcome = "sent" | "dry-run" | "window-open" | "rejected" | "failed";

export function createAdlJob(options: AdlJobOptions = {}): Job {
  return {
    name: "adl",
    async run(ctx, pass) {
      const { report } = pass;
      const adl = report.adl;
      let state = await pendingAdl(ctx);
      if (state.pnlFactorExceeded) {
        await requestReduction(ctx, state, report);
        state = await pendingAdl(ctx);
      }
      const request = state.request;
      if (request === undefined) return;
      const { requestId, marketId } = request;
      adl.pending = true;
      adl.requestId = requestId;
      adl.kind = request.kind;

      // The pass's accounts holding the victim side in profit, with the contract's rank (`adlRank`, read by the lens
      // with the account), and the candidates already in the set with their rank now.
      const known = new Set(state.candidates.map((c) => getAddress(c.account)));
      const ranked = new Map(state.candidates.map((c) => [getAddress(c.account), c.rank]));
      for (const a of pass.accounts.values()) {
        const p = a.positions.find(
          (p) => p.marketId === marketId && p.size > 0n === request.victimsLong && p.unrealisedPnlUsd > 0n,
        );
        if (p !== undefined && !known.has(getAddress(a.address)))
          ranked.set(getAddress(a.address), p.adlRank);
      }
      const desired = [...ranked]
        .filter(([, rank]) => rank > 0n)
        .sort(([, a], [, b]) => (b > a ? 1 : b < a ? -1 : 0))
        .slice(0, Number(state.maxCandidates));
      // The owners of everyone this request can name: its bankrupt account (none for a reduction), the candidates
      // and those about to be submitted (the victims of its steps are among them).
      await ctx.subAccounts.resolve(ctx, [
        ...(request.kind === "shortfall" ? [request.account] : []),
        ...known,
        ...desired.map(([account]) => account),
      ]);
      const who = (account: Address, prefix?: string) => ctx.subAccounts.fields(account, prefix);
      ctx.log.info("adl-pending", {
        requestId,
        kind: request.kind,
        ...(request.kind === "shortfall" ? who(request.account, "bankrupt") : { bankrupt: request.account }),
        marketId,
        victimsLong: request.victimsLong,
        bankruptcyPrice: request.bankruptcyPrice,
        remainingUsd: request.remainingUsd,
        candidates: state.candidates.map((c) => who(c.account)),
        rotatableAt: state.rotatableAt,
      });
      let submitted = false;
      for (const [account, rank] of desired) {
        if (known.has(account)) continue;
        if (ctx.signal?.aborted) return;
        const outcome = await step(ctx, "submitAdlCandidate", { ...who(account), rank }, report, () =>
          submitAdlCandidate(ctx.perp, { account }),
        );
        if (outcome === "sent") {
          adl.submitted.push(account);
          submitted = true;
        }
      }
      if (submitted) state = await pendingAdl(ctx);

      // A shortfall no candidate can work (e.g. every trader was on its side) must not block the queue: once its
      // stuck window has passed with no ranked candidate, anyone may move it to the back. A pnl-factor reduction
      // needs no rotation: once its window is over `executeAdl` steps it or, with no candidate ranked, resolves it.
      if (
        request.kind === "shortfall" &&
        state.request?.requestId === requestId &&
        state.next === undefined &&
        state.timestamp >= state.rotatableAt
      ) {
        if (ctx.signal?.aborted) return;
        await step(ctx, "rotateAdl", { requestId, rotatableAt: state.rotatableAt }, report, () =>
          rotateAdl(ctx.perp),
        );
        return;
      }

      for (let n = 0; n < (options.maxStepsPerPass ?? 8); n++) {
        if (ctx.signal?.aborted) return;
        const outcome = await step(
          ctx,
          "executeAdl",
          { requestId },
          report,
          () => executeAdl(ctx.perp),
          state,
        );
        if (outcome === "window-open" && adl.executableAt !== undefined) {
          const now = (await pendingAdl(ctx)).timestamp;
          const waitMs = Number(adl.executableAt - now + 1n) * 1000;
          if (waitMs > (options.waitMs ?? 0)) return;
          ctx.log.info("adl-waiting", { executableAt: adl.executableAt, waitMs });
          await sleep(waitMs, ctx.signal).catch(() => undefined);
          state = await pendingAdl(ctx);
          n--;
          continue;
        }
        if (outcome !== "sent") return;
        state = await pendingAdl(ctx);
        if (state.request?.requestId !== requestId) {
          adl.resolved = true;
          return;
        }
      }
    },
  };
}

const pendingAdl = (ctx: KeeperContext): Promise<PendingAdl> =>
  ctx.retry("getPendingAdl", () => getPendingAdl(ctx.perp));

/** Queues a pnl-factor reduction, unless one is queued already (`PnlReductionPending`) or no market is negative. */
async function requestReduction(ctx: KeeperContext, state: PendingAdl, report: PassReport) {
  const markets = await ctx.retry("getMarkets", () =>
    getMarkets(ctx.perp, { blockNumber: state.blockNumber }),
  );
  const target = pnlReductionTarget(markets, state.timestamp);
  ctx.log.info("pnl-factor-exceeded", {
    traderProfitUsd: state.traderProfitUsd,
    vaultCashUsd: state.vaultCashUsd,
    limitUsd: state.pnlFactorLimitUsd,
    marketId: target,
  });
  if (target === undefined || ctx.signal?.aborted) return;
  await step(ctx, "requestPnlReduction", { marketId: target }, report, () => requestPnlReduction(ctx.perp));
}

/**
 * Sends one ADL action through the SDK (which estimates gas first, so a call that would revert is answered with the
 * decoded contract error and nothing is sent) and records the events of its receipt. A dry run sends nothing: it
 * judges `executeAdl` by the lens's view (`state`), the other actions by the checks its caller made, and logs
 * `would-<action>`.
 */
async function step(
  ctx: KeeperContext,
  action: "submitAdlCandidate" | "executeAdl" | "rotateAdl" | "requestPnlReduction",
  context: Record<string, unknown>,
  report: PassReport,
  send: () => Promise<{ hash: Hash; receipt: TransactionReceipt }>,
  state?: PendingAdl,
): Promise<Outcome> {
  if (ctx.dryRun) {
    const request = state?.request;
    if (request !== undefined && state !== undefined && !state.executable) {
      if (state.timestamp < request.executableAt)
        return windowOpen(ctx, report, context, request.executableAt);
      ctx.log.info(`${action}-rejected`, { ...context, reason: "the lens's view: not executable now" });
      return "rejected";
    }
    ctx.log.info(`would-${action}`, context);
    return "dry-run";
  }
  let sent: { hash: Hash; receipt: TransactionReceipt };
  try {
    sent = await send();
  } catch (error) {
    if (error instanceof TransactionRevertedError) {
      ctx.log.warn(`${action}-reverted`, { ...context, txHash: error.hash });
      return "rejected";
    }
    const revert = revertOf(error);
    if (revert?.name === "AdlRankingWindowOpen")
      return windowOpen(ctx, report, context, revert.args.executableAt as bigint);
    if (revert !== undefined) {
      ctx.log.info(`${action}-rejected`, { ...context, revert });
      return "rejected";
    }
    report.errors++;
    ctx.log.error(`${action}-failed`, { ...context, error });
    return "failed";
  }
  await recordAdlEvents(ctx, sent.hash, sent.receipt, report);
  return "sent";
}

function windowOpen(
  ctx: KeeperContext,
  report: PassReport,
  context: Record<string, unknown>,
  executableAt: bigint,
): Outcome {
  report.adl.executableAt = executableAt;
  ctx.log.info("adl-window-open", { ...context, executableAt });
  return "window-open";
}

/**
 * Logs every ADL event of an action's receipt and adds the steps, the rotation and the queued reduction to the report.
 * A victim is a candidate whose owner was read with the request's; one submitted by someone else meanwhile is read now.
 */
async function recordAdlEvents(
  ctx: KeeperContext,
  hash: Hash,
  receipt: TransactionReceipt,
  report: PassReport,
) {
  const engine: Address = ctx.perp.deployment.contracts.liquidationEngine;
  const events = parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs })
    .filter((l) => isAddressEqual(l.address, engine))
    .map(toAdlEvent)
    .filter((e): e is AdlEvent => e !== undefined);
  await ctx.subAccounts.resolve(
    ctx,
    events.flatMap((e) =>
      e.type === "executed" || e.type === "pnlReductionExecuted"
        ? [e.victim]
        : e.type === "candidateSubmitted"
          ? [e.account]
          : [],
    ),
  );
  const victim = (account: Address) => {
    const o = ctx.subAccounts.owned(account);
    return { victim: account, victimOwner: o.owner, victimSubAccountId: o.subAccountId };
  };
  for (const e of events) {
    switch (e.type) {
      case "candidateSubmitted":
        ctx.log.info("adl-candidate-submitted", {
          requestId: e.requestId,
          ...ctx.subAccounts.fields(e.account),
          rank: e.rank,
          txHash: hash,
        });
        break;
      case "executed": {
        const x: AdlExecution = {
          kind: "shortfall",
          ...victim(e.victim),
          sizeDelta: e.sizeDelta,
          price: e.price,
          coveredUsd: e.coveredUsd,
          callerRewardUsd: 0n,
          txHash: hash,
        };
        report.adl.executed.push(x);
        ctx.log.info("adl-executed", { requestId: e.requestId, ...x });
        break;
      }
      case "pnlReductionExecuted": {
        const x: AdlExecution = {
          kind: "pnlReduction",
          ...victim(e.victim),
          sizeDelta: e.sizeDelta,
          price: e.fillPrice,
          coveredUsd: 0n,
          callerRewardUsd: e.callerRewardUsd,
          txHash: hash,
        };
        report.adl.executed.push(x);
        ctx.log.info("pnl-reduction-executed", { requestId: e.requestId, feeUsd: e.feeUsd, ...x });
        break;
      }
      case "resolved":
        ctx.log.info("adl-resolved", { requestId: e.requestId, txHash: hash });
        break;
      case "rotated":
        report.adl.rotated = { requestId: e.requestId, newRequestId: e.newRequestId };
        ctx.log.info("adl-rotated", { ...report.adl.rotated, txHash: hash });
        break;
      case "pnlReductionRequested":
        report.adl.pnlReductionRequested = {
          requestId: e.requestId,
          marketId: e.marketId,
          traderProfitUsd: e.traderProfitUsd,
          cashUsd: e.cashUsd,
        };
        ctx.log.info("pnl-reduction-requested", {
          ...report.adl.pnlReductionRequested,
          victimsLong: e.victimsLong,
          txHash: hash,
        });
        break;
    }
  }
}
