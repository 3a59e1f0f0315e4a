import type { Address } from "viem";

import type { PerpClientBase } from "../../clientBase.js";
import type { PerpRequestErrorType } from "../../errors/index.js";
import { liquidityQuote, type LiquidityQuote } from "../../math/liquidityVaultMath.js";
import type { LiquidityVaultInfo } from "../../types.js";
import { getLiquidityVault } from "./getLiquidityVault.js";

/** Parameters of {@link quoteLiquidity}: one of the four ERC-4626 operations and its amount. */
export type QuoteLiquidityParameters = (
  | { /** USDC units paid in. */ depositUsdc: bigint }
  | { /** Shares to mint. */ mint: bigint }
  | { /** USDC units to take out. */ withdrawUsdc: bigint }
  | { /** Shares to redeem. */ redeem: bigint }
) & {
  /** Whose limits to read with it (default: the wallet's account, else none). */
  holder?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
};

/** The preview with the fee broken out, and the vault it was computed on. */
export type QuoteLiquidityReturnType = LiquidityQuote & { vault: LiquidityVaultInfo };

/** Errors {@link quoteLiquidity} can throw. */
export type QuoteLiquidityErrorType = PerpRequestErrorType;

/**
 * Previews a liquidity-vault operation with the SDK's exact mirror of the vault's `preview*` functions, on one
 * `getLiquidityVault` read: the assets and shares it moves and the entry or exit fee (`liquidityFee`, which stays in
 * the vault for the remaining holders). A deposit pays assets × f / (1 + f) of its assets, a mint f on the assets
 * its shares cost, a withdrawal burns the shares worth assets × (1 + f), a redemption pays the shares' value less
 * value × f / (1 + f).
 *
 * @example
 * const q = await perp.quoteLiquidity({ depositUsdc: parseUsdc("10000") });
 * console.log(`${formatSize(q.shares)} shares, fee ${formatUsdc(q.feeUsdc)} USDC`);
 */
export async function quoteLiquidity(
  client: PerpClientBase,
  parameters: QuoteLiquidityParameters,
): Promise<QuoteLiquidityReturnType> {
  const { holder, blockNumber, ...operation } = parameters;
  const vault = await getLiquidityVault(client, { holder, blockNumber });
  return { ...liquidityQuote(vault, operation as Parameters<typeof liquidityQuote>[1]), vault };
}
