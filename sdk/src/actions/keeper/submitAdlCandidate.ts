import { isAddressEqual, parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { PerpError } from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";

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

/**
 * Errors {@link submitAdlCandidate} can throw: `NoAdlPending`, `NotAdlCandidate`, `AlreadyAdlCandidate`,
 * `AdlRankTooLow` (decoded before sending)…
 */
export type SubmitAdlCandidateErrorType = PerpError;

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
  const { hash, receipt } = await sendTransaction(client, "submitAdlCandidate", (wallet, from) =>
    writeContract(wallet, {
      address: liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "submitAdlCandidate",
      args: [parameters.account],
      account: from,
      chain: wallet.chain,
    }),
  );
  const event = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs, eventName: "AdlCandidateSubmitted" }),
    liquidationEngine,
  ).find((l) => isAddressEqual(l.args.account, parameters.account));
  if (event === undefined)
    throw new PerpError(`submitAdlCandidate: transaction ${hash} emitted no AdlCandidateSubmitted event.`);
  return {
    hash,
    receipt,
    requestId: event.args.requestId,
    account: event.args.account,
    rank: event.args.rank,
  };
}
