import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";

/** The simulated creation: the request `createSubAccount` sends, the id and address it would create now. */
export interface SimulateCreateSubAccountReturnType {
  request: PerpWriteRequest<typeof collateralVaultAbi, "createSubAccount">;
  id: bigint;
  address: Address;
}

/** Errors {@link simulateCreateSubAccount} can throw: a wallet missing, the decoded revert, RPC errors. */
export type SimulateCreateSubAccountErrorType = PerpSimulateErrorType;

/** The creation's hash, receipt and the decoded `SubAccountCreated` event. */
export interface CreateSubAccountReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  owner: Address;
  id: bigint;
  address: Address;
}

/** Errors {@link createSubAccount} can throw: those of the simulation, then a failed send. */
export type CreateSubAccountErrorType =
  | SimulateCreateSubAccountErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Simulates creating the wallet's next sub-account (`CollateralVault.createSubAccount`) without sending it.
 *
 * @example
 * const { id, address } = await perp.simulateCreateSubAccount();
 */
export async function simulateCreateSubAccount(
  client: PerpClientBase,
): Promise<SimulateCreateSubAccountReturnType> {
  const { request, result } = await simulateWith(client, "createSubAccount", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.collateralVault,
      abi: collateralVaultAbi,
      functionName: "createSubAccount",
      account: from,
    }),
  );
  return { request, id: result[0], address: result[1] };
}

/**
 * Creates the wallet's next numbered sub-account: a margin account of its own at an address derived from the owner
 * and the id, which the owner fully controls (trade, withdraw, move collateral between its sub-accounts). The id and
 * address are read from the `SubAccountCreated` event (another transaction of the same owner mined first takes the
 * simulated id).
 *
 * @example
 * const { id, address } = await perp.createSubAccount();
 * await perp.transferBetweenSubAccounts({ to: address, amountUsd: parseUsd("1000") });
 */
export async function createSubAccount(client: PerpClientBase): Promise<CreateSubAccountReturnType> {
  const { request } = await simulateCreateSubAccount(client);
  const { hash, receipt } = await sendRequest(client, "createSubAccount", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "SubAccountCreated" }),
    client.deployment.contracts.collateralVault,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "SubAccountCreated", "createSubAccount");
  return { hash, receipt, owner: event.args.owner, id: event.args.id, address: event.args.account };
}
