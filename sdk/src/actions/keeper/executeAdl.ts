import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { simulateContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";

/** Parameters of {@link executeAdl}: none (the contract picks the victim). */
export type ExecuteAdlParameters = Record<string, never>;

/** The execution's hash, receipt and what it did, decoded from its events. */
export interface ExecuteAdlReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  requestId: bigint;
  /**
   * What kind of request the step worked: a shortfall (`AdlExecuted`, or only `AdlShortfallRepaid` when the
   * bankrupt account had repaid it), or a pnl-factor reduction (`PnlReductionExecuted`, or none when the factor was
   * back within its limit and the request resolved).
   */
  kind: "shortfall" | "pnlReduction";
  /** The highest-ranked candidate, reduced (undefined when the request resolved without a victim). */
  victim: Address | undefined;
  /** How its position changed (0: it could give nothing, or nothing fitted the forced-close bound). */
  sizeDelta: bigint;
  /**
   * The price it closed at: for a shortfall the bankruptcy price capped at its break-even, for a reduction the
   * bounded market fill (0 without a victim).
   */
  price: bigint;
  /** Shortfall repaid by this step, USD (0 for a reduction). */
  coveredUsd: bigint;
  /** Shortfall dropped because the bankrupt account repaid it itself (`AdlShortfallRepaid`), USD. */
  repaidUsd: bigint;
  /** A reduction's trading fee paid by the victim, USD. */
  feeUsd: bigint;
  /** A reduction's caller reward (its keeper share of the fee, paid by the liquidity vault), USD. */
  callerRewardUsd: bigint;
  /** The request is done (`AdlResolved`): the next queued request, if any, is pending now. */
  resolved: boolean;
}

/** Parameters of {@link simulateExecuteAdl}: none. */
export type SimulateExecuteAdlParameters = ExecuteAdlParameters;

/** The simulated step: the request `executeAdl` sends and the shortfall it would cover. */
export interface SimulateExecuteAdlReturnType {
  request: PerpWriteRequest<typeof liquidationEngineAbi, "executeAdl">;
  /** The shortfall the step would repay (the contract's return value, latest block), USD; 0 for a reduction. */
  coveredUsd: bigint;
}

/**
 * Errors {@link simulateExecuteAdl} can throw: a wallet missing, the simulation's decoded revert (`NoAdlPending`,
 * `AdlRankingWindowOpen`, `NoAdlCandidates`…), RPC errors.
 */
export type SimulateExecuteAdlErrorType = PerpSimulateErrorType;

/**
 * Errors {@link executeAdl} can throw: those of {@link simulateExecuteAdl}, then a failed send, a mined revert or a
 * receipt with neither a step nor a resolution.
 */
export type ExecuteAdlErrorType = SimulateExecuteAdlErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates one ADL step (`executeAdl`) from the wallet's account without sending it.
 *
 * @example
 * const { coveredUsd } = await keeper.simulateExecuteAdl();
 */
export async function simulateExecuteAdl(
  client: PerpClientBase,
  _parameters: SimulateExecuteAdlParameters = {},
): Promise<SimulateExecuteAdlReturnType> {
  const { request, result } = await simulateWith(client, "executeAdl", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "executeAdl",
      account: from,
    }),
  );
  return { request, coveredUsd: result };
}

/**
 * Works the pending ADL request, one victim per call (`executeAdl`, permissionless). A shortfall: first shrunk to
 * the bankrupt account's remaining debt (resolved with no victim once repaid), then the highest-ranked candidate is
 * reduced at the bankruptcy price, capped so its profit never turns into a loss, repaying the shortfall with what
 * the liquidity vault saves against the candidate's exit price. A pnl-factor reduction: resolved once the factor is
 * within its limit, else the candidate's whole position closes at the bounded market fill with the trading fee, of
 * which the caller earns the keeper share. Runs once the ranking window (60 s after the request opened) is over;
 * call it again while `resolved` is false and `getPendingAdl().executable` holds.
 *
 * @example
 * let step = await perp.executeAdl();
 * while (!step.resolved && (await perp.getPendingAdl()).executable) step = await perp.executeAdl();
 */
export async function executeAdl(
  client: PerpClientBase,
  parameters: ExecuteAdlParameters = {},
): Promise<ExecuteAdlReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { request } = await simulateExecuteAdl(client, parameters);
  const { hash, receipt } = await sendRequest(client, "executeAdl", request);
  const logs = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs }),
    liquidationEngine,
  );
  const base = { hash, receipt, victim: undefined, sizeDelta: 0n, price: 0n, coveredUsd: 0n, feeUsd: 0n };
  const repaidLog = logs.find((l) => l.eventName === "AdlShortfallRepaid");
  const repaid = repaidLog?.eventName === "AdlShortfallRepaid" ? repaidLog.args.amount : 0n;
  const resolvedIds = logs.flatMap((l) => (l.eventName === "AdlResolved" ? [l.args.requestId] : []));
  for (const l of logs) {
    if (l.eventName === "AdlExecuted") {
      const { requestId, victim, sizeDelta, price, covered } = l.args;
      const resolved = resolvedIds.includes(requestId);
      return {
        ...base,
        requestId,
        kind: "shortfall",
        victim,
        sizeDelta,
        price,
        coveredUsd: covered,
        repaidUsd: repaid,
        callerRewardUsd: 0n,
        resolved,
      };
    }
    if (l.eventName === "PnlReductionExecuted") {
      const { requestId, victim, sizeDelta, fillPrice, fee, callerReward } = l.args;
      const resolved = resolvedIds.includes(requestId);
      return {
        ...base,
        requestId,
        kind: "pnlReduction",
        victim,
        sizeDelta,
        price: fillPrice,
        feeUsd: fee,
        repaidUsd: repaid,
        callerRewardUsd: callerReward,
        resolved,
      };
    }
  }
  // No victim: the request resolved by itself (repaid shortfall, or a reduction back within its limit).
  const requestId = resolvedIds[0];
  if (requestId === undefined) throw new EventNotFoundError(hash, "AdlExecuted or AdlResolved", "executeAdl");
  return {
    ...base,
    requestId,
    kind: repaidLog !== undefined ? "shortfall" : "pnlReduction",
    repaidUsd: repaid,
    callerRewardUsd: 0n,
    resolved: true,
  };
}
