import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidityVaultAbi } from "../abis/liquidityVault.js";
import type { PerpClientBase } from "../client.js";
import { ZeroAmountError, type PerpError } from "../errors/index.js";
import { emittedBy } from "./internal/logs.js";
import { sendTransaction } from "./internal/send.js";
import { requireWallet } from "./internal/wallet.js";

/** Parameters of {@link withdrawLiquidity}: an amount of USDC (`assets`) or of shares to redeem (`shares`). */
export type WithdrawLiquidityParameters = (
  | { /** USDC units to withdraw (ERC-4626 `withdraw`). */ assets: bigint; shares?: undefined }
  | { /** Shares to redeem (ERC-4626 `redeem`). */ shares: bigint; assets?: undefined }
) & {
  /** Who receives the USDC (default: the wallet's account). */
  receiver?: Address;
  /** Whose shares are burnt (default: the wallet's account; another one needs a share allowance). */
  owner?: Address;
};

/** The withdrawal's hash, receipt and decoded ERC-4626 `Withdraw` event. */
export interface WithdrawLiquidityReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  receiver: Address;
  owner: Address;
  /** USDC units paid out. */
  assets: bigint;
  /** Shares burnt. */
  shares: bigint;
}

/** Errors {@link withdrawLiquidity} can throw: `ZeroAmountError`, `ERC4626ExceededMaxWithdraw`/`…MaxRedeem`… */
export type WithdrawLiquidityErrorType = PerpError;

/**
 * Withdraws USDC from the liquidity vault, by asset amount or by shares. The vault keeps the backing its open
 * interest requires: `getLiquidityVault` shows `maxWithdraw` / `maxRedeem`.
 *
 * @example
 * await perp.withdrawLiquidity({ assets: parseUsdc("500") });
 * await perp.withdrawLiquidity({ shares: (await perp.getLiquidityVault()).maxRedeem });
 */
export async function withdrawLiquidity(
  client: PerpClientBase,
  parameters: WithdrawLiquidityParameters,
): Promise<WithdrawLiquidityReturnType> {
  const amount = parameters.assets ?? parameters.shares;
  if (amount === undefined || amount <= 0n) throw new ZeroAmountError("liquidity withdrawal");
  const { account: sender } = requireWallet(client, "withdrawLiquidity");
  const { liquidityVault } = client.deployment.contracts;
  const receiver = parameters.receiver ?? sender.address;
  const owner = parameters.owner ?? sender.address;
  const { hash, receipt } = await sendTransaction(client, "withdrawLiquidity", (wallet, from) =>
    writeContract(wallet, {
      address: liquidityVault,
      abi: liquidityVaultAbi,
      functionName: parameters.assets !== undefined ? "withdraw" : "redeem",
      args: [amount, receiver, owner],
      account: from,
      chain: wallet.chain,
    }),
  );
  const [event] = emittedBy(
    parseEventLogs({ abi: liquidityVaultAbi, logs: receipt.logs, eventName: "Withdraw" }),
    liquidityVault,
  );
  return {
    hash,
    receipt,
    receiver,
    owner: event.args.owner,
    assets: event.args.assets,
    shares: event.args.shares,
  };
}
