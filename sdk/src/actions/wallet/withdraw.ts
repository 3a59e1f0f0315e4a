import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
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
import { toUsd } from "../../math/tokenUnits.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link withdraw}. */
export interface WithdrawParameters {
  /** USDC units (6 decimals), or "max" for everything withdrawable now (the vault's `maxWithdraw`). */
  amountUsdc: bigint | "max";
  /** Who receives the USDC (default: the wallet's account). */
  receiver?: Address;
  /**
   * The margin account debited (default: the wallet's account; another one must have approved the wallet with a
   * live withdraw scope, `approveOperator`).
   */
  account?: Address;
}

/** Parameters of {@link simulateWithdraw}: the withdrawal's. */
export type SimulateWithdrawParameters = WithdrawParameters;

/** The simulated withdrawal: the request `withdraw` sends and the amount ("max" resolved). */
export interface SimulateWithdrawReturnType {
  request:
    | PerpWriteRequest<typeof collateralVaultAbi, "withdraw">
    | PerpWriteRequest<typeof collateralVaultAbi, "withdrawFrom">;
  account: Address;
  receiver: Address;
  /** USDC units it sends. */
  amountUsdc: bigint;
  /** The collateral it debits, 18-decimal USD. */
  amountUsd: bigint;
}

/**
 * Errors {@link simulateWithdraw} can throw: `ZeroAmountError` (also "max" with nothing withdrawable), a wallet
 * missing, the decoded revert (`InsufficientWithdrawable`, `NotAccountOrOperator`…), RPC errors.
 */
export type SimulateWithdrawErrorType = ZeroAmountError | PerpSimulateErrorType;

/** The withdrawal's hash, receipt and decoded `Withdrawn` event. */
export interface WithdrawReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  receiver: Address;
  /** USDC units sent. */
  amountUsdc: bigint;
  /** Collateral debited, 18-decimal USD. */
  amountUsd: bigint;
}

/** Errors {@link withdraw} can throw: those of {@link simulateWithdraw}, then a failed send or a mined revert. */
export type WithdrawErrorType = SimulateWithdrawErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates a withdrawal (`CollateralVault.withdraw`, or `withdrawFrom` for another account) without sending it;
 * "max" is read first (`maxWithdraw`).
 *
 * @example
 * const { amountUsdc } = await perp.simulateWithdraw({ amountUsdc: "max" });
 */
export async function simulateWithdraw(
  client: PerpClientBase,
  parameters: SimulateWithdrawParameters,
): Promise<SimulateWithdrawReturnType> {
  const { account: sender } = requireWallet(client, "withdraw");
  const { collateralVault } = client.deployment.contracts;
  const account = parameters.account ?? sender.address;
  const receiver = parameters.receiver ?? sender.address;
  let amount: bigint;
  if (parameters.amountUsdc === "max") {
    try {
      amount = await readContract(client.publicClient, {
        address: collateralVault,
        abi: collateralVaultAbi,
        functionName: "maxWithdraw",
        args: [account],
      });
    } catch (err) {
      throw toPerpError(err, "withdraw (maxWithdraw)");
    }
  } else amount = parameters.amountUsdc;
  if (amount <= 0n) throw new ZeroAmountError("withdrawal amount");
  const forOther = account.toLowerCase() !== sender.address.toLowerCase();
  const { request } = forOther
    ? await simulateWith(client, "withdraw", (from) =>
        simulateContract(client.publicClient, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "withdrawFrom",
          args: [account, amount, receiver],
          account: from,
        }),
      )
    : await simulateWith(client, "withdraw", (from) =>
        simulateContract(client.publicClient, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "withdraw",
          args: [amount, receiver],
          account: from,
        }),
      );
  return { request, account, receiver, amountUsdc: amount, amountUsd: toUsd(amount) };
}

/**
 * Withdraws free collateral (max(0, min(collateral, equity − Σ IM)), SPEC §5) as USDC: simulated first
 * ({@link simulateWithdraw}), then sent.
 *
 * @example
 * await perp.withdraw({ amountUsdc: "max" });
 */
export async function withdraw(
  client: PerpClientBase,
  parameters: WithdrawParameters,
): Promise<WithdrawReturnType> {
  const { request, account, receiver } = await simulateWithdraw(client, parameters);
  const { hash, receipt } = await sendRequest(client, "withdraw", request);
  const { collateralVault } = client.deployment.contracts;
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "Withdrawn" }),
    collateralVault,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "Withdrawn", "withdraw");
  return {
    hash,
    receipt,
    account,
    receiver,
    amountUsdc: event.args.tokenAmount,
    amountUsd: event.args.usdAmount,
  };
}
