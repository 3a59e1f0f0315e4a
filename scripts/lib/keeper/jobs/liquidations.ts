// Liquidations: for each account the account check found below maintenance margin, the SDK's `previewLiquidation`
// (the reward, the notional, the cooldown, whether anything fits the forced-close bound now) and its
// `estimateLiquidateGas` from the keeper's address (a revert comes back decoded); the ones whose reward beats the gas
// cost by `minProfitUsd` are sent, most profitable first, back to back through the keeper's nonce-managed sender (the
// SDK's `liquidate` waits for each receipt before the next send, which would make it one liquidation per block), and
// their receipts are decoded with the SDK's event decoder. Why a send failed or a mined liquidation reverted is asked
// of the SDK's `simulateLiquidate` (the decoded revert now). An account whose closes do not fit their bound now is
// logged and retried on the next pass. Every record and log line names the
// account's owner and sub-account id (read for the underwater accounts in one batched call, see subAccounts.ts).
import { encodeFunctionData, isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { estimateFeesPerGas, getGasPrice } from "viem/actions";

import {
  estimateLiquidateGas,
  getMarkets,
  liquidationEngineAbi,
  previewLiquidation,
  simulateLiquidate,
  toLiquidationEvent,
  type LiquidationEvent,
} from "../../../../sdk/src/index.js";
import { inBatches, revertOf, type KeeperContext } from "../context.js";
import type { LiquidationCandidate, LiquidationRecord, PassReport } from "../report.js";
import type { Job } from "./job.js";

const WAD = 10n ** 18n;
/** Gas-estimate headroom: +20 %. */
const GAS_HEADROOM_BPS = 12_000n;

export interface LiquidationsJobOptions {
  /** Liquidations sent per pass, most profitable first (default 20). */
  maxPerPass?: number;
  /** Least reward minus gas cost worth a liquidation, 18-decimal USD (default 0). */
  minProfitUsd?: bigint;
  /** The gas token's USD price, 18 decimals; default: the oracle price of the market `nativeSymbol`. */
  nativePriceUsd?: bigint;
  /** The market whose oracle prices the gas token (default "ETH"). */
  nativeSymbol?: string;
}

export function createLiquidationsJob(options: LiquidationsJobOptions = {}): Job {
  return {
    name: "liquidations",
    async run(ctx, pass) {
      const candidates = await evaluate(ctx, pass.report, options);
      if (ctx.dryRun) {
        pass.report.wouldLiquidate = candidates;
        for (const c of candidates) ctx.log.info("would-liquidate", { ...c });
      } else if (candidates.length > 0) {
        pass.report.liquidations = await liquidate(ctx, candidates, pass.report);
      }
    },
  };
}

/**
 * The error `liquidate(account)` reverts with now, from the keeper's wallet (undefined when it would go through or
 * fails otherwise). Only asked when sending, so the wallet is there.
 */
async function replayLiquidation(ctx: KeeperContext, account: Address): Promise<string | undefined> {
  try {
    await simulateLiquidate(ctx.perp, { account });
    return undefined;
  } catch (error) {
    return revertOf(error)?.name;
  }
}

async function gasPriceAndNative(
  ctx: KeeperContext,
  options: LiquidationsJobOptions,
): Promise<{ feePerGas: bigint; nativePrice: bigint | undefined }> {
  const feePerGas = await ctx.retry("fees", async () => {
    try {
      return (await estimateFeesPerGas(ctx.publicClient)).maxFeePerGas;
    } catch {
      return await getGasPrice(ctx.publicClient);
    }
  });
  let nativePrice = options.nativePriceUsd;
  if (nativePrice === undefined) {
    const symbol = options.nativeSymbol ?? "ETH";
    const market = (await ctx.retry("getMarkets", () => getMarkets(ctx.perp))).find(
      (m) => m.symbol === symbol,
    );
    if (market?.oracleValid) nativePrice = market.oraclePrice;
    else ctx.log.warn("native-price-unknown", { symbol, note: "gas cost not counted; pass --native-price" });
  }
  return { feePerGas, nativePrice };
}

/**
 * An account below maintenance whose closes would all fill beyond their forced-close bound now (someone pushed the
 * skew against it): `liquidate` would revert `LiquidationBeyondBound`. Not an error; the next pass retries, once
 * the skew has come back or the fair premium has moved.
 */
function beyondBound(
  ctx: KeeperContext,
  account: Address,
  report: PassReport,
  context: Record<string, unknown>,
) {
  report.beyondBound.push(account);
  report.skipped.push({ account, reason: "beyond-bound" });
  ctx.log.info("liquidation-beyond-bound", {
    ...ctx.subAccounts.fields(account),
    ...context,
    note: "retried next pass",
  });
}

/** Preview and gas estimate for each underwater account (concurrent batches); the profitable ones, best first. */
async function evaluate(
  ctx: KeeperContext,
  report: PassReport,
  options: LiquidationsJobOptions,
): Promise<LiquidationCandidate[]> {
  if (report.underwater.length === 0) return [];
  await ctx.subAccounts.resolve(ctx, report.underwater);
  const { feePerGas, nativePrice } = await gasPriceAndNative(ctx, options);
  const minProfit = options.minProfitUsd ?? 0n;
  const checks = await inBatches(report.underwater, ctx.batchSize, async (account) => {
    const preview = await ctx.retry("previewLiquidation", () => previewLiquidation(ctx.perp, { account }));
    if (!preview.liquidatable || preview.notionalClosedUsd === 0n) return { preview, gas: undefined };
    const gas = await ctx.retry("estimateGas", () =>
      estimateLiquidateGas(ctx.perp, { account, from: ctx.keeperAddress }),
    );
    return { preview, gas };
  });
  const out: LiquidationCandidate[] = [];
  checks.forEach((check, i) => {
    const account = report.underwater[i];
    if (check.status === "rejected") {
      const revert = revertOf(check.reason);
      // The skew moved between the preview and the estimate: not an error, the next pass retries.
      if (revert?.name === "LiquidationBeyondBound") {
        beyondBound(ctx, account, report, { at: "estimateGas" });
        return;
      }
      report.errors++;
      report.skipped.push({ account, reason: revert?.name ?? "error" });
      ctx.log.error("liquidation-check-failed", {
        ...ctx.subAccounts.fields(account),
        revert,
        error: check.reason,
      });
      return;
    }
    const { preview: p, gas } = check.value;
    if (p.notionalClosedUsd === 0n && p.maintenanceMarginUsd < 0n) {
      beyondBound(ctx, account, report, { maintenanceMarginUsd: p.maintenanceMarginUsd });
      return;
    }
    if (!p.liquidatable || gas === undefined) {
      report.skipped.push({ account, reason: "cooldown" });
      ctx.log.info("liquidation-cooldown", {
        ...ctx.subAccounts.fields(account),
        maintenanceMarginUsd: p.maintenanceMarginUsd,
      });
      return;
    }
    const gasCostUsd = nativePrice === undefined ? 0n : (gas * feePerGas * nativePrice) / WAD;
    const candidate: LiquidationCandidate = {
      ...ctx.subAccounts.owned(account),
      maintenanceMarginUsd: p.maintenanceMarginUsd,
      keeperRewardUsd: p.keeperRewardUsd,
      insuranceFeeUsd: p.insuranceFeeUsd,
      notionalClosedUsd: p.notionalClosedUsd,
      expectedBadDebtUsd: p.expectedBadDebtUsd,
      gas,
      gasCostUsd,
      profitUsd: p.keeperRewardUsd - gasCostUsd,
    };
    if (candidate.profitUsd < minProfit) {
      report.skipped.push({ account, reason: "unprofitable" });
      ctx.log.info("liquidation-unprofitable", { ...candidate, minProfitUsd: minProfit });
      return;
    }
    out.push(candidate);
  });
  out.sort((a, b) => (b.profitUsd > a.profitUsd ? 1 : b.profitUsd < a.profitUsd ? -1 : 0));
  return out.slice(0, options.maxPerPass ?? 20);
}

/** Sends the liquidations back to back (consecutive nonces), then waits for all of them. */
async function liquidate(
  ctx: KeeperContext,
  candidates: LiquidationCandidate[],
  report: PassReport,
): Promise<LiquidationRecord[]> {
  const sender = ctx.sender!;
  const engine = ctx.perp.deployment.contracts.liquidationEngine;
  // Other steps send through the SDK's wallet, which reads the nonce from the node: start from the node's count.
  sender.resync();
  const sent: { candidate: LiquidationCandidate; hash: Hash }[] = [];
  for (const candidate of candidates) {
    if (ctx.signal?.aborted) {
      ctx.log.info("liquidations-stopped", { remaining: candidates.length - sent.length });
      break;
    }
    try {
      const hash = await sender.send({
        to: engine,
        data: encodeFunctionData({
          abi: liquidationEngineAbi,
          functionName: "liquidate",
          args: [candidate.account],
        }),
        gas: (candidate.gas * GAS_HEADROOM_BPS) / 10_000n,
        label: `liquidate ${candidate.account}`,
      });
      sent.push({ candidate, hash });
      ctx.log.info("liquidation-sent", {
        ...ctx.subAccounts.fields(candidate.account),
        txHash: hash,
        expectedRewardUsd: candidate.keeperRewardUsd,
      });
    } catch (error) {
      // A node that runs the transaction when it receives it (automine) answers a revert as a send failure.
      const reason = revertOf(error)?.name ?? (await replayLiquidation(ctx, candidate.account));
      if (reason === "LiquidationBeyondBound") {
        beyondBound(ctx, candidate.account, report, { at: "send" });
        continue;
      }
      report.errors++;
      ctx.log.error("liquidation-send-failed", {
        ...ctx.subAccounts.fields(candidate.account),
        revert: revertOf(error),
        error,
      });
    }
  }
  const records: LiquidationRecord[] = [];
  const receipts = await Promise.allSettled(sent.map((s) => sender.wait(s.hash)));
  // Why a mined liquidation reverted: replayed now. An earlier liquidation of the pass may have pushed the skew so
  // that this account's closes no longer fit their bound (a cascade waits for the next pass), or another keeper may
  // have been first.
  const reasons = await Promise.all(
    receipts.map(async (r, i) =>
      r.status === "fulfilled" && r.value.status !== "success"
        ? await replayLiquidation(ctx, sent[i].candidate.account)
        : undefined,
    ),
  );
  receipts.forEach((r, i) => {
    const { candidate, hash } = sent[i];
    if (r.status === "rejected") {
      report.errors++;
      ctx.log.error("liquidation-unconfirmed", {
        ...ctx.subAccounts.fields(candidate.account),
        txHash: hash,
        error: r.reason,
      });
      return;
    }
    if (r.value.status !== "success") {
      if (reasons[i] === "LiquidationBeyondBound") {
        beyondBound(ctx, candidate.account, report, { at: "mined", txHash: hash });
        return;
      }
      report.skipped.push({ account: candidate.account, reason: "reverted" });
      ctx.log.warn("liquidation-reverted", {
        ...ctx.subAccounts.fields(candidate.account),
        txHash: hash,
        revert: reasons[i],
        note: "someone else may have liquidated first",
      });
      return;
    }
    const events = parseEventLogs({ abi: liquidationEngineAbi, logs: r.value.logs })
      .filter((l) => isAddressEqual(l.address, engine))
      .map(toLiquidationEvent)
      .filter((e): e is LiquidationEvent => e !== undefined);
    const liquidated = events.find((e) => e.type === "liquidated");
    if (liquidated?.type !== "liquidated") return;
    const shortfall = events.find((e) => e.type === "shortfallForAdl");
    const record: LiquidationRecord = {
      account: liquidated.account,
      owner: candidate.owner,
      subAccountId: candidate.subAccountId,
      txHash: hash,
      notionalClosedUsd: liquidated.notionalClosedUsd,
      feeUsd: liquidated.feeUsd,
      keeperRewardUsd: liquidated.keeperRewardUsd,
      insuranceFeeUsd: liquidated.insuranceFeeUsd,
      partialOnly: liquidated.partialOnly,
      shortfallForAdlUsd: shortfall?.type === "shortfallForAdl" ? shortfall.amountUsd : 0n,
      gasUsed: r.value.gasUsed,
    };
    records.push(record);
    ctx.log.info("liquidated", { ...record, block: r.value.blockNumber });
  });
  return records;
}
