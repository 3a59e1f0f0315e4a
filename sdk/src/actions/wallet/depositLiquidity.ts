import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidityVaultAbi } from "../../abis/liquidityVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import { LiquiditySlippageError, ZeroAmountError, type PerpError } from "../../errors/index.js";
import { liquidityFeeOnTotal, type LiquidityQuote } from "../../math/liquidityVaultMath.js";
import { quoteLiquidity } from "../public/quoteLiquidity.js";
import { ensureAllowance, type ApprovalMode } from "../internal/approve.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link depositLiquidity}. */
export interface DepositLiquidityParameters {
  /** USDC units (6 decimals), > 0. */
  assets: bigint;
  /** Who receives the shares (default: the wallet's account). */
  receiver?: Address;
  /** Allowance handling when it is below `assets`: approve the amount (default), the maximum, or never. */
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
  assets: bigint;
  /** Shares minted (18 decimals). */
  shares: bigint;
  /** The entry fee included in `assets`, USDC units: ⌈assets × f / (1 + f)⌉; it stays in the vault. */
  fee: bigint;
  /** What the SDK previewed at the block it read before sending. */
  expected: LiquidityQuote;
}

/**
 * Errors {@link depositLiquidity} can throw: `ZeroAmountError`, `LiquiditySlippageError`, `ERC4626ExceededMaxDeposit`
 * (cap, pause, a failing oracle, an unresolved ADL shortfall)…
 */
export type DepositLiquidityErrorType = PerpError;

/**
 * Deposits USDC into the liquidity vault (ERC-4626) for shares, approving the vault first when needed. The deposit
 * pays the entry fee (`liquidityFee`, assets × f / (1 + f) of the assets); the shares are previewed first
 * (`quoteLiquidity`) and checked against `minShares`. Deposits are closed while a market's oracle fails
 * and while an ADL shortfall is unresolved (`getLiquidityVault().maxDeposit` is 0).
 *
 * @example
 * const { shares, fee } = await perp.depositLiquidity({ assets: parseUsdc("10000") });
 */
export async function depositLiquidity(
  client: PerpClientBase,
  parameters: DepositLiquidityParameters,
): Promise<DepositLiquidityReturnType> {
  if (parameters.assets <= 0n) throw new ZeroAmountError("liquidity deposit");
  const { account: sender } = requireWallet(client, "depositLiquidity");
  const { liquidityVault, collateralToken } = client.deployment.contracts;
  const receiver = parameters.receiver ?? sender.address;
  const expected = await quoteLiquidity(client, { deposit: parameters.assets, holder: receiver });
  if (parameters.minShares !== undefined && expected.shares < parameters.minShares)
    throw new LiquiditySlippageError({
      bound: "minShares",
      limit: parameters.minShares,
      previewed: expected.shares,
    });
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
  const { vault: _vault, ...quote } = expected;
  return {
    hash,
    receipt,
    approvalHash,
    receiver,
    assets: event.args.assets,
    shares: event.args.shares,
    fee: liquidityFeeOnTotal(event.args.assets, expected.vault.liquidityFee),
    expected: quote,
  };
}
