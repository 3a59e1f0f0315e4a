import { parseEventLogs, type Hash, type TransactionReceipt } from "viem";
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

/** Parameters of {@link rotateAdl}: none (it acts on the head of the queue). */
export type RotateAdlParameters = Record<string, never>;

/** The rotation's hash, receipt and decoded `AdlRotated` event. */
export interface RotateAdlReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /**
   * The request moved to the back of the queue (undefined when the call found the head's shortfall repaid by the
   * bankrupt account and resolved it instead: `AdlResolved`).
   */
  requestId: bigint | undefined;
  /** Its id at the back of the queue, with a fresh ranking window. */
  newRequestId: bigint | undefined;
  /** The head resolved instead of rotating (its shortfall was repaid). */
  resolved: boolean;
}

/** Parameters of {@link simulateRotateAdl}: none. */
export type SimulateRotateAdlParameters = RotateAdlParameters;

/** The simulated rotation: the request `rotateAdl` sends. */
export interface SimulateRotateAdlReturnType {
  request: PerpWriteRequest<typeof liquidationEngineAbi, "rotateAdl">;
}

/**
 * Errors {@link simulateRotateAdl} can throw: a wallet missing, the simulation's decoded revert (`NoAdlPending`,
 * `AdlNotStuck(readyAt)`…), RPC errors.
 */
export type SimulateRotateAdlErrorType = PerpSimulateErrorType;

/**
 * Errors {@link rotateAdl} can throw: those of {@link simulateRotateAdl}, then a failed send, a mined revert or a
 * receipt with neither `AdlRotated` nor `AdlResolved`.
 */
export type RotateAdlErrorType = SimulateRotateAdlErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates a rotation of the pending ADL request (`rotateAdl`) without sending it.
 *
 * @example
 * await keeper.simulateRotateAdl(); // throws AdlNotStuck(readyAt) while a candidate can still cover it
 */
export async function simulateRotateAdl(
  client: PerpClientBase,
  _parameters: SimulateRotateAdlParameters = {},
): Promise<SimulateRotateAdlReturnType> {
  const { request } = await simulateWith(client, "rotateAdl", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "rotateAdl",
      account: from,
    }),
  );
  return { request };
}

/**
 * Moves a stuck ADL request to the back of the queue (`rotateAdl`, permissionless), so that one request no victim
 * can cover (for example every trader was on its side) never blocks the others. Allowed once
 * `getPendingAdl().rotatableAt` has passed (the ranking window plus `ADL_STUCK_WINDOW` of no progress) and no
 * candidate can cover the request now; otherwise its simulation ({@link simulateRotateAdl}) reverts with the decoded
 * `AdlNotStuck(readyAt)` and nothing is sent.
 *
 * @example
 * const adl = await keeper.getPendingAdl();
 * if (adl.request && adl.timestamp >= adl.rotatableAt && adl.next === undefined) await keeper.rotateAdl();
 */
export async function rotateAdl(
  client: PerpClientBase,
  parameters: RotateAdlParameters = {},
): Promise<RotateAdlReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { request } = await simulateRotateAdl(client, parameters);
  const { hash, receipt } = await sendRequest(client, "rotateAdl", request);
  const logs = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs }),
    liquidationEngine,
  );
  const rotated = logs.find((l) => l.eventName === "AdlRotated");
  if (rotated?.eventName === "AdlRotated")
    return {
      hash,
      receipt,
      requestId: rotated.args.requestId,
      newRequestId: rotated.args.newRequestId,
      resolved: false,
    };
  if (logs.some((l) => l.eventName === "AdlResolved"))
    return { hash, receipt, requestId: undefined, newRequestId: undefined, resolved: true };
  throw new EventNotFoundError(hash, "AdlRotated", "rotateAdl");
}
