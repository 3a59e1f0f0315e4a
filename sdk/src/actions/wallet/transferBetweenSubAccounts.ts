import {
  getAddress,
  isAddressEqual,
  parseEventLogs,
  type Address,
  type Hash,
  type TransactionReceipt,
} from "viem";
import { readContract, simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  toPerpError,
  ZeroAmountError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { ForeignSubAccountError } from "../../errors/subAccounts.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link transferBetweenSubAccounts}. */
export interface TransferBetweenSubAccountsParameters {
  /** The source (default: the wallet's own account, sub-account 0). */
  from?: Address;
  /** The destination: a sub-account of the same owner. */
  to: Address;
  /** 18-decimal USD, or "max" for all the source may move now (its `withdrawableUsd`). */
  amountUsd: bigint | "max";
}

/** Parameters of {@link simulateTransferBetweenSubAccounts}: the transfer's. */
export type SimulateTransferBetweenSubAccountsParameters = TransferBetweenSubAccountsParameters;

/** The simulated transfer: the request it sends, the accounts and the amount ("max" resolved). */
export interface SimulateTransferBetweenSubAccountsReturnType {
  request: PerpWriteRequest<typeof collateralVaultAbi, "transferBetweenSubAccounts">;
  owner: Address;
  from: Address;
  to: Address;
  amountUsd: bigint;
}

/**
 * Errors {@link simulateTransferBetweenSubAccounts} can throw: `ZeroAmountError` (also "max" with nothing to move),
 * {@link ForeignSubAccountError} (the destination belongs to another owner), a wallet missing, the decoded revert
 * (`InsufficientWithdrawable` when the source's margin would not allow it, `NotAccountOrOperator`…), RPC errors.
 */
export type SimulateTransferBetweenSubAccountsErrorType =
  | ZeroAmountError
  | ForeignSubAccountError
  | PerpSimulateErrorType;

/** The transfer's hash, receipt and decoded `SubAccountTransfer` event. */
export interface TransferBetweenSubAccountsReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  from: Address;
  to: Address;
  amountUsd: bigint;
}

/** Errors {@link transferBetweenSubAccounts} can throw: those of the simulation, then a failed send. */
export type TransferBetweenSubAccountsErrorType =
  | SimulateTransferBetweenSubAccountsErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Simulates moving collateral between two sub-accounts of one owner without sending it: the owners of both are read
 * first (a foreign destination throws before simulating), "max" is the source's `withdrawableUsd`.
 *
 * @example
 * const { amountUsd } = await perp.simulateTransferBetweenSubAccounts({ from: sub1, to: owner, amountUsd: "max" });
 */
export async function simulateTransferBetweenSubAccounts(
  client: PerpClientBase,
  parameters: SimulateTransferBetweenSubAccountsParameters,
): Promise<SimulateTransferBetweenSubAccountsReturnType> {
  const { account: sender } = requireWallet(client, "transferBetweenSubAccounts");
  const vault = client.deployment.contracts.collateralVault;
  const from = parameters.from ?? getAddress(sender.address);
  const read = <T>(functionName: "subAccountOwner" | "withdrawableUsd", account: Address) =>
    readContract(client.publicClient, {
      address: vault,
      abi: collateralVaultAbi,
      functionName,
      args: [account],
    }) as Promise<T>;
  let owner: Address, toOwner: Address, amountUsd: bigint;
  try {
    [owner, toOwner] = await Promise.all([
      read<Address>("subAccountOwner", from),
      read<Address>("subAccountOwner", parameters.to),
    ]);
    amountUsd =
      parameters.amountUsd === "max" ? await read<bigint>("withdrawableUsd", from) : parameters.amountUsd;
  } catch (err) {
    throw toPerpError(err, "transferBetweenSubAccounts (owners)");
  }
  if (!isAddressEqual(owner, toOwner)) throw new ForeignSubAccountError(parameters.to, owner, toOwner);
  if (amountUsd <= 0n) throw new ZeroAmountError("transfer amount");
  const { request } = await simulateWith(client, "transferBetweenSubAccounts", (account) =>
    simulateContract(client.publicClient, {
      address: vault,
      abi: collateralVaultAbi,
      functionName: "transferBetweenSubAccounts",
      args: [from, parameters.to, amountUsd],
      account,
    }),
  );
  return { request, owner, from, to: parameters.to, amountUsd };
}

/**
 * Moves collateral between two sub-accounts of one owner in one transaction (`transferBetweenSubAccounts`), checked
 * like a withdrawal on the source: at most its `withdrawableUsd` (initial margin at exit prices), so no position is
 * left under-margined. The wallet must be the owner or hold the withdraw scope on the source; a trade-only operator
 * cannot move collateral. Simulated first ({@link simulateTransferBetweenSubAccounts}).
 *
 * @example
 * await perp.transferBetweenSubAccounts({ to: isolated, amountUsd: parseUsd("300000") });
 * await perp.transferBetweenSubAccounts({ from: isolated, to: owner, amountUsd: "max" }); // sweep back
 */
export async function transferBetweenSubAccounts(
  client: PerpClientBase,
  parameters: TransferBetweenSubAccountsParameters,
): Promise<TransferBetweenSubAccountsReturnType> {
  const { request, from, to } = await simulateTransferBetweenSubAccounts(client, parameters);
  const { hash, receipt } = await sendRequest(client, "transferBetweenSubAccounts", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "SubAccountTransfer" }),
    client.deployment.contracts.collateralVault,
  );
  if (event === undefined)
    throw new EventNotFoundError(hash, "SubAccountTransfer", "transferBetweenSubAccounts");
  return { hash, receipt, from, to, amountUsd: event.args.usdAmount };
}
