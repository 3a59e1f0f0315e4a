import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { simulateContract } from "viem/actions";

import { liquidityVaultAbi } from "../../abis/liquidityVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  LiquiditySlippageError,
  ZeroAmountError,
  type PerpRequestErrorType,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { type LiquidityQuote } from "../../math/liquidityVaultMath.js";
import { quoteLiquidity } from "../public/quoteLiquidity.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link withdrawLiquidity}: an amount of USDC (`assetsUsdc`) or of shares to redeem (`shares`). */
export type WithdrawLiquidityParameters = (
  | {
      /** USDC units to withdraw (ERC-4626 `withdraw`). */ assetsUsdc: bigint;
      shares?: undefined;
      /** The most shares accepted to burn, checked against the vault's preview (fee included) before sending. */
      maxShares?: bigint;
      minAssetsUsdc?: undefined;
    }
  | {
      /** Shares to redeem (ERC-4626 `redeem`). */ shares: bigint;
      assetsUsdc?: undefined;
      /** The fewest USDC units accepted, checked against the vault's preview (fee included) before sending. */
      minAssetsUsdc?: bigint;
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
  assetsUsdc: bigint;
  /** Shares burnt. */
  shares: bigint;
  /** What the SDK previewed at the block it read before sending (with the exit fee, which stays in the vault). */
  expected: LiquidityQuote;
}

/** Parameters of {@link simulateWithdrawLiquidity}: the withdrawal's. */
export type SimulateWithdrawLiquidityParameters = WithdrawLiquidityParameters;

/** The simulated withdrawal: the request `withdrawLiquidity` sends, what the vault returned, the SDK's preview. */
export interface SimulateWithdrawLiquidityReturnType {
  request:
    | PerpWriteRequest<typeof liquidityVaultAbi, "withdraw">
    | PerpWriteRequest<typeof liquidityVaultAbi, "redeem">;
  receiver: Address;
  owner: Address;
  /** USDC units paid out: the amount asked, or what `redeem` returned in the simulation. */
  assetsUsdc: bigint;
  /** Shares burnt: what `withdraw` returned in the simulation, or the shares asked. */
  shares: bigint;
  /** What the SDK previewed (at the block it read), checked against `maxShares` / `minAssetsUsdc`. */
  expected: LiquidityQuote;
}

/**
 * Errors {@link simulateWithdrawLiquidity} can throw: `ZeroAmountError`, `LiquiditySlippageError`, a failed read, a
 * wallet missing, the simulation's decoded revert (`ERC4626ExceededMaxWithdraw` / `…MaxRedeem`…).
 */
export type SimulateWithdrawLiquidityErrorType =
  | ZeroAmountError
  | LiquiditySlippageError
  | PerpRequestErrorType
  | PerpSimulateErrorType;

/**
 * Errors {@link withdrawLiquidity} can throw: those of {@link simulateWithdrawLiquidity}, then a failed send, a mined
 * revert or a receipt without the `Withdraw` event.
 */
export type WithdrawLiquidityErrorType =
  | SimulateWithdrawLiquidityErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Simulates a liquidity withdrawal without sending it: the SDK's preview checked against `maxShares` /
 * `minAssetsUsdc`, then the vault's `withdraw` (by assets) or `redeem` (by shares) simulated.
 *
 * @example
 * const { shares, expected } = await perp.simulateWithdrawLiquidity({ assetsUsdc: parseUsdc("500") });
 */
export async function simulateWithdrawLiquidity(
  client: PerpClientBase,
  parameters: SimulateWithdrawLiquidityParameters,
): Promise<SimulateWithdrawLiquidityReturnType> {
  const amount = parameters.assetsUsdc ?? parameters.shares;
  if (amount === undefined || amount <= 0n) throw new ZeroAmountError("liquidity withdrawal");
  const { account: sender } = requireWallet(client, "withdrawLiquidity");
  const { liquidityVault } = client.deployment.contracts;
  const receiver = parameters.receiver ?? sender.address;
  const owner = parameters.owner ?? sender.address;
  const quoted = await quoteLiquidity(
    client,
    parameters.assetsUsdc !== undefined
      ? { withdrawUsdc: parameters.assetsUsdc, holder: owner }
      : { redeem: amount, holder: owner },
  );
  if (parameters.maxShares !== undefined && quoted.shares > parameters.maxShares)
    throw new LiquiditySlippageError({
      bound: "maxShares",
      limit: parameters.maxShares,
      previewed: quoted.shares,
    });
  if (parameters.minAssetsUsdc !== undefined && quoted.assetsUsdc < parameters.minAssetsUsdc)
    throw new LiquiditySlippageError({
      bound: "minAssetsUsdc",
      limit: parameters.minAssetsUsdc,
      previewed: quoted.assetsUsdc,
    });
  const { vault: _vault, ...expected } = quoted;
  if (parameters.assetsUsdc !== undefined) {
    const { request, result } = await simulateWith(client, "withdrawLiquidity", (from) =>
      simulateContract(client.publicClient, {
        address: liquidityVault,
        abi: liquidityVaultAbi,
        functionName: "withdraw",
        args: [amount, receiver, owner],
        account: from,
      }),
    );
    return { request, receiver, owner, assetsUsdc: amount, shares: result, expected };
  }
  const { request, result } = await simulateWith(client, "withdrawLiquidity", (from) =>
    simulateContract(client.publicClient, {
      address: liquidityVault,
      abi: liquidityVaultAbi,
      functionName: "redeem",
      args: [amount, receiver, owner],
      account: from,
    }),
  );
  return { request, receiver, owner, assetsUsdc: result, shares: amount, expected };
}

/**
 * Withdraws USDC from the liquidity vault, by asset amount or by shares, paying the exit fee (`liquidityFee`: a
 * withdrawal burns the shares worth assets × (1 + f), a redemption pays the shares' value less value × f / (1 + f)).
 * The operation is previewed first (`quoteLiquidity`), checked against `maxShares` / `minAssetsUsdc` and simulated
 * ({@link simulateWithdrawLiquidity}), then sent. The vault keeps the backing its open interest requires:
 * `getLiquidityVault` shows `maxWithdrawUsdc` / `maxRedeem`.
 *
 * @example
 * await perp.withdrawLiquidity({ assetsUsdc: parseUsdc("500") });
 * await perp.withdrawLiquidity({ shares: (await perp.getLiquidityVault()).maxRedeem });
 */
export async function withdrawLiquidity(
  client: PerpClientBase,
  parameters: WithdrawLiquidityParameters,
): Promise<WithdrawLiquidityReturnType> {
  const { request, receiver, expected } = await simulateWithdrawLiquidity(client, parameters);
  const { hash, receipt } = await sendRequest(client, "withdrawLiquidity", request);
  const { liquidityVault } = client.deployment.contracts;
  const [event] = emittedBy(
    parseEventLogs({ abi: liquidityVaultAbi, logs: receipt.logs, eventName: "Withdraw" }),
    liquidityVault,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "Withdraw", "withdrawLiquidity");
  return {
    hash,
    receipt,
    receiver,
    owner: event.args.owner,
    assetsUsdc: event.args.assets,
    shares: event.args.shares,
    expected,
  };
}
