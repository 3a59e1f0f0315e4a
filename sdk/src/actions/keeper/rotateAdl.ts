import { parseEventLogs, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { PerpError } from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";

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

/** Errors {@link rotateAdl} can throw: `NoAdlPending`, `AdlNotStuck` (decoded before sending)… */
export type RotateAdlErrorType = PerpError;

/**
 * Moves a stuck ADL request to the back of the queue (`rotateAdl`, permissionless), so that one request no victim
 * can cover (for example every trader was on its side) never blocks the others. Allowed once
 * `getPendingAdl().rotatableAt` has passed (the ranking window plus `ADL_STUCK_WINDOW` of no progress) and no
 * candidate can cover the request now; otherwise the gas estimate reverts with the decoded `AdlNotStuck(readyAt)`
 * and nothing is sent.
 *
 * @example
 * const adl = await keeper.getPendingAdl();
 * if (adl.request && adl.timestamp >= adl.rotatableAt && adl.next === undefined) await keeper.rotateAdl();
 */
export async function rotateAdl(
  client: PerpClientBase,
  _parameters: RotateAdlParameters = {},
): Promise<RotateAdlReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { hash, receipt } = await sendTransaction(client, "rotateAdl", (wallet, from) =>
    writeContract(wallet, {
      address: liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "rotateAdl",
      account: from,
      chain: wallet.chain,
    }),
  );
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
  throw new PerpError(`rotateAdl: transaction ${hash} emitted no AdlRotated event.`);
}
