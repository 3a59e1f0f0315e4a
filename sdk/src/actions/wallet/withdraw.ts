import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { readContract, writeContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, ZeroAmountError, type PerpError } from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link withdraw}. */
export interface WithdrawParameters {
  /** USDC units (6 decimals), or "max" for everything withdrawable now (`maxWithdraw`). */
  amount: bigint | "max";
  /** Who receives the USDC (default: the wallet's account). */
  receiver?: Address;
  /**
   * The margin account debited (default: the wallet's account; another one must have approved the wallet with a
   * live withdraw scope, `approveOperator`).
   */
  account?: Address;
}

/** The withdrawal's hash, receipt and decoded `Withdrawn` event. */
export interface WithdrawReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  receiver: Address;
  /** USDC units sent. */
  tokenAmount: bigint;
  /** Collateral debited, 18-decimal USD. */
  usdAmount: bigint;
}

/** Errors {@link withdraw} can throw: `ZeroAmountError`, `InsufficientWithdrawable` (contract), RPC errors. */
export type WithdrawErrorType = PerpError;

/**
 * Withdraws free collateral (max(0, min(collateral, equity − Σ IM)), SPEC §5) as USDC.
 *
 * @example
 * await perp.withdraw({ amount: "max" });
 */
export async function withdraw(
  client: PerpClientBase,
  parameters: WithdrawParameters,
): Promise<WithdrawReturnType> {
  const { account: sender } = requireWallet(client, "withdraw");
  const { collateralVault } = client.deployment.contracts;
  const account = parameters.account ?? sender.address;
  const receiver = parameters.receiver ?? sender.address;
  let amount: bigint;
  if (parameters.amount === "max") {
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
  } else amount = parameters.amount;
  if (amount <= 0n) throw new ZeroAmountError("withdrawal amount");
  const forOther = account.toLowerCase() !== sender.address.toLowerCase();
  const { hash, receipt } = await sendTransaction(client, "withdraw", (wallet, from) =>
    forOther
      ? writeContract(wallet, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "withdrawFrom",
          args: [account, amount, receiver],
          account: from,
          chain: wallet.chain,
        })
      : writeContract(wallet, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "withdraw",
          args: [amount, receiver],
          account: from,
          chain: wallet.chain,
        }),
  );
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "Withdrawn" }),
    collateralVault,
  );
  return {
    hash,
    receipt,
    account,
    receiver,
    tokenAmount: event.args.tokenAmount,
    usdAmount: event.args.usdAmount,
  };
}
