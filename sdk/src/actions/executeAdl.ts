import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidationEngineAbi } from "../abis/liquidationEngine.js";
import type { PerpClientBase } from "../client.js";
import { PerpError } from "../errors/index.js";
import { emittedBy } from "./internal/logs.js";
import { sendTransaction } from "./internal/send.js";

/** Parameters of {@link executeAdl}: none (the contract picks the victim). */
export type ExecuteAdlParameters = Record<string, never>;

/** The execution's hash, receipt and decoded `AdlExecuted` event. */
export interface ExecuteAdlReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  requestId: bigint;
  /** The highest-ranked candidate, reduced. */
  victim: Address;
  /** How its position changed (0: it could give nothing at the capped price and left the set). */
  sizeDelta: bigint;
  /** The price it closed at: the bankruptcy price capped at its break-even. */
  price: bigint;
  /** Shortfall repaid by this step, USD. */
  covered: bigint;
  /** The request is fully covered (`AdlResolved`): the next queued request, if any, is pending now. */
  resolved: boolean;
}

/**
 * Errors {@link executeAdl} can throw: `NoAdlPending`, `AdlRankingWindowOpen`, `NoAdlCandidates` (decoded before
 * sending)…
 */
export type ExecuteAdlErrorType = PerpError;

/**
 * Reduces the highest-ranked candidate of the pending ADL request at the bankruptcy price, capped so its profit
 * never turns into a loss, repaying the shortfall (`executeAdl`, permissionless, one victim per call). Runs once the
 * ranking window (60 s after the request opened) is over; call it again while `resolved` is false and candidates
 * remain.
 *
 * @example
 * let step = await perp.executeAdl();
 * while (!step.resolved && (await perp.getPendingAdl()).executable) step = await perp.executeAdl();
 */
export async function executeAdl(
  client: PerpClientBase,
  _parameters: ExecuteAdlParameters = {},
): Promise<ExecuteAdlReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { hash, receipt } = await sendTransaction(client, "executeAdl", (wallet, from) =>
    writeContract(wallet, {
      address: liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "executeAdl",
      account: from,
      chain: wallet.chain,
    }),
  );
  const logs = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs }),
    liquidationEngine,
  );
  const executed = logs.find((l) => l.eventName === "AdlExecuted");
  if (executed?.eventName !== "AdlExecuted")
    throw new PerpError(`executeAdl: transaction ${hash} emitted no AdlExecuted event.`);
  const { requestId, victim, sizeDelta, price, covered } = executed.args;
  const resolved = logs.some((l) => l.eventName === "AdlResolved" && l.args.requestId === requestId);
  return { hash, receipt, requestId, victim, sizeDelta, price, covered, resolved };
}
