import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import { ZeroAmountError, type PerpError } from "../../errors/index.js";
import { ensureAllowance, type ApprovalMode } from "../internal/approve.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link deposit}. */
export interface DepositParameters {
  /** USDC units (6 decimals), > 0. */
  amount: bigint;
  /** The margin account credited (default: the wallet's account; another one uses `depositFor`). */
  account?: Address;
  /** Allowance handling when it is below `amount`: approve the amount (default), the maximum, or never. */
  approve?: ApprovalMode;
}

/** The deposit's hash, receipt and decoded `Deposited` event. */
export interface DepositReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The approval sent first, if the allowance was too low. */
  approvalHash: Hash | undefined;
  account: Address;
  /** USDC units received. */
  tokenAmount: bigint;
  /** Collateral credited, 18-decimal USD. */
  usdAmount: bigint;
}

/** Errors {@link deposit} can throw: `ZeroAmountError`, `WalletRequiredError`, contract and RPC errors. */
export type DepositErrorType = PerpError;

/**
 * Deposits USDC into a margin account of the collateral vault, approving the vault first when the allowance is
 * too low (two transactions then).
 *
 * @example
 * const { usdAmount } = await perp.deposit({ amount: parseUsdc("1000") }); // 1000e18 USD of collateral
 */
export async function deposit(
  client: PerpClientBase,
  parameters: DepositParameters,
): Promise<DepositReturnType> {
  if (parameters.amount <= 0n) throw new ZeroAmountError("deposit amount");
  const { account: sender } = requireWallet(client, "deposit");
  const { collateralVault, collateralToken } = client.deployment.contracts;
  const account = parameters.account ?? sender.address;
  const approvalHash = await ensureAllowance(client, "deposit", {
    token: collateralToken,
    owner: sender.address,
    spender: collateralVault,
    amount: parameters.amount,
    mode: parameters.approve ?? "exact",
  });
  const forOther = account.toLowerCase() !== sender.address.toLowerCase();
  const { hash, receipt } = await sendTransaction(client, "deposit", (wallet, from) =>
    forOther
      ? writeContract(wallet, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "depositFor",
          args: [account, parameters.amount],
          account: from,
          chain: wallet.chain,
        })
      : writeContract(wallet, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "deposit",
          args: [parameters.amount],
          account: from,
          chain: wallet.chain,
        }),
  );
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "Deposited" }),
    collateralVault,
  );
  return {
    hash,
    receipt,
    approvalHash,
    account,
    tokenAmount: event.args.tokenAmount,
    usdAmount: event.args.usdAmount,
  };
}
