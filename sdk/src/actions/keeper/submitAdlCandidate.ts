import { isAddressEqual, parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
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

/** Parameters of {@link submitAdlCandidate}. */
export interface SubmitAdlCandidateParameters {
  /** An account with a profitable position on the deleveraged side of the pending request's market. */
  account: Address;
}

/** The submission's hash, receipt and decoded `AdlCandidateSubmitted` event. */
export interface SubmitAdlCandidateReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  requestId: bigint;
  account: Address;
  /** Its rank as the contract computed it (18 decimals). */
  rank: bigint;
}

/** Parameters of {@link simulateSubmitAdlCandidate}: the submission's. */
export type SimulateSubmitAdlCandidateParameters = SubmitAdlCandidateParameters;

/** The simulated submission: the request `submitAdlCandidate` sends. */
export interface SimulateSubmitAdlCandidateReturnType {
  request: PerpWriteRequest<typeof liquidationEngineAbi, "submitAdlCandidate">;
  account: Address;
}

/**
 * Errors {@link simulateSubmitAdlCandidate} can throw: a wallet missing, the simulation's decoded revert
 * (`NoAdlPending`, `NotAdlCandidate`, `AlreadyAdlCandidate`, `AdlRankTooLow`…), RPC errors.
 */
export type SimulateSubmitAdlCandidateErrorType = PerpSimulateErrorType;

/**
 * Errors {@link submitAdlCandidate} can throw: those of {@link simulateSubmitAdlCandidate}, then a failed send, a
 * mined revert or a receipt without `AdlCandidateSubmitted`.
 */
export type SubmitAdlCandidateErrorType =
  | SimulateSubmitAdlCandidateErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Simulates submitting an ADL candidate (`submitAdlCandidate`) without sending it.
 *
 * @example
 * await keeper.simulateSubmitAdlCandidate({ account: "0x…" }); // throws AdlRankTooLow when it would not make the set
 */
export async function simulateSubmitAdlCandidate(
  client: PerpClientBase,
  parameters: SimulateSubmitAdlCandidateParameters,
): Promise<SimulateSubmitAdlCandidateReturnType> {
  const { request } = await simulateWith(client, "submitAdlCandidate", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "submitAdlCandidate",
      args: [parameters.account],
      account: from,
    }),
  );
  return { request, account: parameters.account };
}

/**
 * Adds an account to the pending ADL request's candidate set (`submitAdlCandidate`, permissionless): the contract
 * computes its rank itself and keeps the highest `maxCandidates`. Candidates can be submitted from the moment the
 * request opens; `executeAdl` waits for the ranking window. Rank accounts off-chain with each position's
 * `adlRank` in `getAccount`, or with `positionAdlRank` / `adlVictimRank`.
 *
 * @example
 * const adl = await perp.getPendingAdl();
 * if (adl.request) await perp.submitAdlCandidate({ account: "0x…" });
 */
export async function submitAdlCandidate(
  client: PerpClientBase,
  parameters: SubmitAdlCandidateParameters,
): Promise<SubmitAdlCandidateReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { request } = await simulateSubmitAdlCandidate(client, parameters);
  const { hash, receipt } = await sendRequest(client, "submitAdlCandidate", request);
  const event = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs, eventName: "AdlCandidateSubmitted" }),
    liquidationEngine,
  ).find((l) => isAddressEqual(l.args.account, parameters.account));
  if (event === undefined) throw new EventNotFoundError(hash, "AdlCandidateSubmitted", "submitAdlCandidate");
  return {
    hash,
    receipt,
    requestId: event.args.requestId,
    account: event.args.account,
    rank: event.args.rank,
  };
}
