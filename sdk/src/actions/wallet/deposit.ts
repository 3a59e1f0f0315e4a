import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  ZeroAmountError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { toUsd } from "../../math/tokenUnits.js";
import { ensureAllowance, type ApprovalMode } from "../internal/approve.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link deposit}. */
export interface DepositParameters {
  /** USDC units (6 decimals), > 0. */
  amountUsdc: bigint;
  /** The margin account credited (default: the wallet's account; another one uses `depositFor`). */
  account?: Address;
  /** Allowance handling when it is below `amountUsdc`: approve the amount (default), the maximum, or never. */
  approve?: ApprovalMode;
}

/** Parameters of {@link simulateDeposit}: the deposit's, without the allowance handling. */
export type SimulateDepositParameters = Omit<DepositParameters, "approve">;

/** The simulated deposit: the request `deposit` sends and what it credits. */
export interface SimulateDepositReturnType {
  request:
    | PerpWriteRequest<typeof collateralVaultAbi, "deposit">
    | PerpWriteRequest<typeof collateralVaultAbi, "depositFor">;
  account: Address;
  amountUsdc: bigint;
  /** The collateral it credits, 18-decimal USD (`amountUsdc` × 10^12). */
  amountUsd: bigint;
}

/** Errors {@link simulateDeposit} can throw. */
export type SimulateDepositErrorType = ZeroAmountError | PerpSimulateErrorType;

/** The deposit's hash, receipt and decoded `Deposited` event. */
export interface DepositReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The approval sent first, if the allowance was too low. */
  approvalHash: Hash | undefined;
  account: Address;
  /** USDC units received. */
  amountUsdc: bigint;
  /** Collateral credited, 18-decimal USD. */
  amountUsd: bigint;
}

/**
 * Errors {@link deposit} can throw: `ZeroAmountError` and `WalletRequiredError` before anything is sent, the decoded
 * contract error of a simulation that reverts (`ERC20InsufficientBalance`, `ZeroAddress`…), RPC errors, a mined
 * revert, a receipt without the `Deposited` event.
 */
export type DepositErrorType = SimulateDepositErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates a deposit (`CollateralVault.deposit`, or `depositFor` for another account) from the wallet's account
 * without sending it, as the chain stands: the vault's allowance must already cover the amount (`deposit` approves
 * first when it does not), otherwise the token's `ERC20InsufficientAllowance` is thrown.
 *
 * @example
 * const { request, amountUsd } = await perp.simulateDeposit({ amountUsdc: parseUsdc("1000") });
 */
export async function simulateDeposit(
  client: PerpClientBase,
  parameters: SimulateDepositParameters,
): Promise<SimulateDepositReturnType> {
  if (parameters.amountUsdc <= 0n) throw new ZeroAmountError("deposit amount");
  const { account: sender } = requireWallet(client, "deposit");
  const { collateralVault } = client.deployment.contracts;
  const account = parameters.account ?? sender.address;
  const forOther = account.toLowerCase() !== sender.address.toLowerCase();
  const { request } = forOther
    ? await simulateWith(client, "deposit", (from) =>
        simulateContract(client.publicClient, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "depositFor",
          args: [account, parameters.amountUsdc],
          account: from,
        }),
      )
    : await simulateWith(client, "deposit", (from) =>
        simulateContract(client.publicClient, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "deposit",
          args: [parameters.amountUsdc],
          account: from,
        }),
      );
  return { request, account, amountUsdc: parameters.amountUsdc, amountUsd: toUsd(parameters.amountUsdc) };
}

/**
 * Deposits USDC into a margin account of the collateral vault: approves the vault first when the allowance is too
 * low (two transactions then, the approval simulated too), simulates the deposit ({@link simulateDeposit}), so a
 * revert is decoded before it is sent, then sends it.
 *
 * @example
 * const { amountUsd } = await perp.deposit({ amountUsdc: parseUsdc("1000") }); // 1000e18 USD of collateral
 */
export async function deposit(
  client: PerpClientBase,
  parameters: DepositParameters,
): Promise<DepositReturnType> {
  if (parameters.amountUsdc <= 0n) throw new ZeroAmountError("deposit amount");
  const { account: sender } = requireWallet(client, "deposit");
  const { collateralVault, collateralToken } = client.deployment.contracts;
  const approvalHash = await ensureAllowance(client, "deposit", {
    token: collateralToken,
    owner: sender.address,
    spender: collateralVault,
    amount: parameters.amountUsdc,
    mode: parameters.approve ?? "exact",
  });
  const { request, account } = await simulateDeposit(client, parameters);
  const { hash, receipt } = await sendRequest(client, "deposit", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "Deposited" }),
    collateralVault,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "Deposited", "deposit");
  return {
    hash,
    receipt,
    approvalHash,
    account,
    amountUsdc: event.args.tokenAmount,
    amountUsd: event.args.usdAmount,
  };
}
