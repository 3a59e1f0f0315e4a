import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidityVaultAbi } from "../../abis/liquidityVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import { LiquiditySlippageError, ZeroAmountError, type PerpError } from "../../errors/index.js";
import { type LiquidityQuote } from "../../math/liquidityVaultMath.js";
import { quoteLiquidity } from "../public/quoteLiquidity.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link withdrawLiquidity}: an amount of USDC (`assets`) or of shares to redeem (`shares`). */
export type WithdrawLiquidityParameters = (
  | {
      /** USDC units to withdraw (ERC-4626 `withdraw`). */ assets: bigint;
      shares?: undefined;
      /** The most shares accepted to burn, checked against the vault's preview (fee included) before sending. */
      maxShares?: bigint;
      minAssets?: undefined;
    }
  | {
      /** Shares to redeem (ERC-4626 `redeem`). */ shares: bigint;
      assets?: undefined;
      /** The fewest USDC units accepted, checked against the vault's preview (fee included) before sending. */
      minAssets?: bigint;
      maxShares?: undefined;
    }
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
  /** What the SDK previewed at the block it read before sending (with the exit fee, which stays in the vault). */
  expected: LiquidityQuote;
}

/**
 * Errors {@link withdrawLiquidity} can throw: `ZeroAmountError`, `LiquiditySlippageError`,
 * `ERC4626ExceededMaxWithdraw`/`…MaxRedeem`…
 */
export type WithdrawLiquidityErrorType = PerpError;

/**
 * Withdraws USDC from the liquidity vault, by asset amount or by shares, paying the exit fee (`liquidityFee`: a
 * withdrawal burns the shares worth assets × (1 + f), a redemption pays the shares' value less value × f / (1 + f)).
 * The operation is previewed first (`quoteLiquidity`) and checked against `maxShares` / `minAssets`. The vault keeps
 * the backing its open interest requires: `getLiquidityVault` shows `maxWithdraw` / `maxRedeem`.
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
  const quoted = await quoteLiquidity(
    client,
    parameters.assets !== undefined
      ? { withdraw: parameters.assets, holder: owner }
      : { redeem: amount, holder: owner },
  );
  if (parameters.maxShares !== undefined && quoted.shares > parameters.maxShares)
    throw new LiquiditySlippageError({
      bound: "maxShares",
      limit: parameters.maxShares,
      previewed: quoted.shares,
    });
  if (parameters.minAssets !== undefined && quoted.assets < parameters.minAssets)
    throw new LiquiditySlippageError({
      bound: "minAssets",
      limit: parameters.minAssets,
      previewed: quoted.assets,
    });
  const { vault: _vault, ...expected } = quoted;
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
    expected,
  };
}
