import type { Hash, TransactionReceipt } from "viem";

import { PerpError } from "./base.js";
import { decodePerpContractError, findRevertData } from "./contract.js";

/** A transaction was mined but reverted. */
export class TransactionRevertedError extends PerpError {
  override name = "TransactionRevertedError";
  constructor(
    readonly hash: Hash,
    readonly receipt: TransactionReceipt,
    action: string,
  ) {
    super(`${action}: transaction ${hash} reverted in block ${receipt.blockNumber}.`);
  }
}

/**
 * A transaction was mined and succeeded but did not emit the event its action decodes (for example a call routed
 * through a contract the SDK does not know): the effects cannot be reported.
 */
export class EventNotFoundError extends PerpError {
  override name = "EventNotFoundError";
  constructor(
    readonly hash: Hash,
    readonly eventName: string,
    action: string,
  ) {
    super(`${action}: transaction ${hash} emitted no ${eventName} event.`);
  }
}

/** An RPC or transport failure, or a revert that is not one of the protocol's custom errors. */
export class PerpRpcError extends PerpError {
  override name = "PerpRpcError";
}

/**
 * Turns whatever a viem call threw into an SDK error: a {@link PerpContractError} when revert data in the cause
 * chain decodes to a protocol error, the error itself when it already is an SDK error, else a
 * {@link PerpRpcError} wrapping it.
 */
export function toPerpError(err: unknown, action: string): PerpError {
  if (err instanceof PerpError) return err;
  const data = findRevertData(err);
  const decoded = data === undefined ? undefined : decodePerpContractError(data, err);
  if (decoded !== undefined) return decoded;
  const short = (err as { shortMessage?: string } | null)?.shortMessage ?? (err as Error | null)?.message;
  return new PerpRpcError(`${action} failed${short ? `: ${short.split("\n")[0]}` : "."}`, { cause: err });
}
