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
import { liquidityFeeOnTotal, type LiquidityQuote } from "../../math/liquidityVaultMath.js";
import { quoteLiquidity, type QuoteLiquidityReturnType } from "../public/quoteLiquidity.js";
import { ensureAllowance, type ApprovalMode } from "../internal/approve.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link depositLiquidity}. */
export interface DepositLiquidityParameters {
  /** USDC units (6 decimals), > 0. */
  assetsUsdc: bigint;
  /** Who receives the shares (default: the wallet's account). */
  receiver?: Address;
  /** Allowance handling when it is below `assetsUsdc`: approve the amount (default), the maximum, or never. */
  approve?: ApprovalMode;
  /** The fewest shares accepted: checked against the vault's preview (fee included) before sending. */
  minShares?: bigint;
}

/** The deposit's hash, receipt and decoded ERC-4626 `Deposit` event. */
export interface DepositLiquidityReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  approvalHash: Hash | undefined;
  receiver: Address;
  /** USDC units deposited. */
  assetsUsdc: bigint;
  /** Shares minted (18 decimals). */
  shares: bigint;
  /** The entry fee included in `assetsUsdc`, USDC units: ⌈assets × f / (1 + f)⌉; it stays in the vault. */
  feeUsdc: bigint;
  /** What the SDK previewed at the block it read before sending. */
  expected: LiquidityQuote;
}

/** Parameters of {@link simulateDepositLiquidity}: the deposit's, without the allowance handling. */
export type SimulateDepositLiquidityParameters = Omit<DepositLiquidityParameters, "approve">;

/** The simulated deposit: the request `depositLiquidity` sends, the shares the vault returned, the SDK's preview. */
export interface SimulateDepositLiquidityReturnType {
  request: PerpWriteRequest<typeof liquidityVaultAbi, "deposit">;
  receiver: Address;
  assetsUsdc: bigint;
  /** The shares the vault's `deposit` returned in the simulation (latest block). */
  shares: bigint;
  /** What the SDK previewed (at the block it read), checked against `minShares`. */
  expected: LiquidityQuote;
}

/**
 * Errors {@link simulateDepositLiquidity} can throw: `ZeroAmountError`, `LiquiditySlippageError` (the preview is
 * below `minShares`), a failed read, a wallet missing, the simulation's decoded revert (`ERC4626ExceededMaxDeposit`
 * for the cap, a pause, a failing oracle or an unresolved ADL shortfall; `ERC20InsufficientAllowance`…).
 */
export type SimulateDepositLiquidityErrorType =
  | ZeroAmountError
  | LiquiditySlippageError
  | PerpRequestErrorType
  | PerpSimulateErrorType;

/**
 * Errors {@link depositLiquidity} can throw: those of {@link simulateDepositLiquidity} (the bound is checked before
 * the approval), then a failed send, a mined revert or a receipt without the `Deposit` event.
 */
export type DepositLiquidityErrorType =
  | SimulateDepositLiquidityErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/** The preview of a deposit for `receiver`, refused when below `minShares`. */
async function quoteDeposit(
  client: PerpClientBase,
  parameters: SimulateDepositLiquidityParameters,
  receiver: Address,
): Promise<QuoteLiquidityReturnType> {
  const expected = await quoteLiquidity(client, { depositUsdc: parameters.assetsUsdc, holder: receiver });
  if (parameters.minShares !== undefined && expected.shares < parameters.minShares)
    throw new LiquiditySlippageError({
      bound: "minShares",
      limit: parameters.minShares,
      previewed: expected.shares,
    });
  return expected;
}

async function simulateQuoted(
  client: PerpClientBase,
  parameters: SimulateDepositLiquidityParameters,
  receiver: Address,
  quoted: QuoteLiquidityReturnType,
): Promise<SimulateDepositLiquidityReturnType> {
  const { request, result } = await simulateWith(client, "depositLiquidity", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.liquidityVault,
      abi: liquidityVaultAbi,
      functionName: "deposit",
      args: [parameters.assetsUsdc, receiver],
      account: from,
    }),
  );
  const { vault: _vault, ...expected } = quoted;
  return { request, receiver, assetsUsdc: parameters.assetsUsdc, shares: result, expected };
}

/**
 * Simulates a liquidity deposit without sending it: the SDK's preview checked against `minShares`, then the vault's
 * `deposit` simulated as the chain stands (the vault's allowance must already cover the assets; `depositLiquidity`
 * approves first when it does not).
 *
 * @example
 * const { shares, expected } = await perp.simulateDepositLiquidity({ assetsUsdc: parseUsdc("10000") });
 */
export async function simulateDepositLiquidity(
  client: PerpClientBase,
  parameters: SimulateDepositLiquidityParameters,
): Promise<SimulateDepositLiquidityReturnType> {
  if (parameters.assetsUsdc <= 0n) throw new ZeroAmountError("liquidity deposit");
  const { account: sender } = requireWallet(client, "depositLiquidity");
  const receiver = parameters.receiver ?? sender.address;
  return simulateQuoted(client, parameters, receiver, await quoteDeposit(client, parameters, receiver));
}

/**
 * Deposits USDC into the liquidity vault (ERC-4626) for shares. The deposit pays the entry fee (`liquidityFee`,
 * assets × f / (1 + f) of the assets); the shares are previewed first (`quoteLiquidity`) and checked against
 * `minShares`, then the vault is approved when needed, and the deposit is simulated
 * ({@link simulateDepositLiquidity}) and sent. Deposits are closed while a market's oracle fails and while an ADL
 * shortfall is unresolved (`getLiquidityVault().maxDepositUsdc` is 0).
 *
 * @example
 * const { shares, feeUsdc } = await perp.depositLiquidity({ assetsUsdc: parseUsdc("10000") });
 */
export async function depositLiquidity(
  client: PerpClientBase,
  parameters: DepositLiquidityParameters,
): Promise<DepositLiquidityReturnType> {
  if (parameters.assetsUsdc <= 0n) throw new ZeroAmountError("liquidity deposit");
  const { account: sender } = requireWallet(client, "depositLiquidity");
  const { liquidityVault, collateralToken } = client.deployment.contracts;
  const receiver = parameters.receiver ?? sender.address;
  const quoted = await quoteDeposit(client, parameters, receiver);
  const approvalHash = await ensureAllowance(client, "depositLiquidity", {
    token: collateralToken,
    owner: sender.address,
    spender: liquidityVault,
    amount: parameters.assetsUsdc,
    mode: parameters.approve ?? "exact",
  });
  const { request, expected } = await simulateQuoted(client, parameters, receiver, quoted);
  const { hash, receipt } = await sendRequest(client, "depositLiquidity", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: liquidityVaultAbi, logs: receipt.logs, eventName: "Deposit" }),
    liquidityVault,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "Deposit", "depositLiquidity");
  return {
    hash,
    receipt,
    approvalHash,
    receiver,
    assetsUsdc: event.args.assets,
    shares: event.args.shares,
    feeUsdc: liquidityFeeOnTotal(event.args.assets, quoted.vault.liquidityFee),
    expected,
  };
}
