import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidityVaultAbi } from "../abis/liquidityVault.js";
import type { PerpClientBase } from "../client.js";
import { ZeroAmountError, type PerpError } from "../errors/index.js";
import { ensureAllowance, type ApprovalMode } from "./internal/approve.js";
import { emittedBy } from "./internal/logs.js";
import { sendTransaction } from "./internal/send.js";
import { requireWallet } from "./internal/wallet.js";

/** Parameters of {@link depositLiquidity}. */
export interface DepositLiquidityParameters {
  /** USDC units (6 decimals), > 0. */
  assets: bigint;
  /** Who receives the shares (default: the wallet's account). */
  receiver?: Address;
  /** Allowance handling when it is below `assets`: approve the amount (default), the maximum, or never. */
  approve?: ApprovalMode;
}

/** The deposit's hash, receipt and decoded ERC-4626 `Deposit` event. */
export interface DepositLiquidityReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  approvalHash: Hash | undefined;
  receiver: Address;
  /** USDC units deposited. */
  assets: bigint;
  /** Shares minted (18 decimals). */
  shares: bigint;
}

/** Errors {@link depositLiquidity} can throw: `ZeroAmountError`, `ERC4626ExceededMaxDeposit` (cap, pause)… */
export type DepositLiquidityErrorType = PerpError;

/**
 * Deposits USDC into the liquidity vault (ERC-4626) for shares, approving the vault first when needed.
 *
 * @example
 * const { shares } = await perp.depositLiquidity({ assets: parseUsdc("10000") });
 */
export async function depositLiquidity(
  client: PerpClientBase,
  parameters: DepositLiquidityParameters,
): Promise<DepositLiquidityReturnType> {
  if (parameters.assets <= 0n) throw new ZeroAmountError("liquidity deposit");
  const { account: sender } = requireWallet(client, "depositLiquidity");
  const { liquidityVault, collateralToken } = client.deployment.contracts;
  const receiver = parameters.receiver ?? sender.address;
  const approvalHash = await ensureAllowance(client, "depositLiquidity", {
    token: collateralToken,
    owner: sender.address,
    spender: liquidityVault,
    amount: parameters.assets,
    mode: parameters.approve ?? "exact",
  });
  const { hash, receipt } = await sendTransaction(client, "depositLiquidity", (wallet, from) =>
    writeContract(wallet, {
      address: liquidityVault,
      abi: liquidityVaultAbi,
      functionName: "deposit",
      args: [parameters.assets, receiver],
      account: from,
      chain: wallet.chain,
    }),
  );
  const [event] = emittedBy(
    parseEventLogs({ abi: liquidityVaultAbi, logs: receipt.logs, eventName: "Deposit" }),
    liquidityVault,
  );
  return { hash, receipt, approvalHash, receiver, assets: event.args.assets, shares: event.args.shares };
}
