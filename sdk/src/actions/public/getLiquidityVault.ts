import { zeroAddress, type Address } from "viem";
import { readContract } from "viem/actions";

import { liquidityVaultAbi } from "../../abis/liquidityVault.js";
import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../../errors/index.js";
import { toLiquidityVault, type LiquidityVaultInfo } from "../../types.js";

/** Parameters of {@link getLiquidityVault}. */
export interface GetLiquidityVaultParameters {
  /** The liquidity provider whose shares to include (default: the wallet's account, else none). */
  holder?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The vault and the holder's position in it. */
export type GetLiquidityVaultReturnType = LiquidityVaultInfo;

/** Errors {@link getLiquidityVault} can throw. */
export type GetLiquidityVaultErrorType = PerpRequestErrorType;

/**
 * Reads the liquidity vault (`PerpLens.getLiquidityVault`, plus the vault's `liquidityFee`, `valuationFallback`,
 * `unresolvedShortfallUsd` and `requiredCashAssets` at the same block): total assets, share price, net value,
 * required backing and cash, available liquidity, cap and pause, the entry/exit fee, whether a failing oracle's
 * fallback is in use or an ADL shortfall is unresolved (deposits closed either way), and the holder's shares and
 * limits (`assetsUsdc` and `maxWithdrawUsdc` are after the exit fee).
 *
 * @example
 * const lv = await perp.getLiquidityVault();
 * console.log(`share price ${formatUsdc(lv.sharePriceUsdc)} USDC, my shares ${formatSize(lv.shares)}`);
 */
export async function getLiquidityVault(
  client: PerpClientBase,
  parameters: GetLiquidityVaultParameters = {},
): Promise<GetLiquidityVaultReturnType> {
  const holder = parameters.holder ?? client.walletClient?.account?.address ?? zeroAddress;
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getLiquidityVault",
      args: [holder],
      blockNumber: parameters.blockNumber,
    });
    // The fee and the fallback flag at the lens view's own block.
    const vault = client.deployment.contracts.liquidityVault;
    const at = { address: vault, abi: liquidityVaultAbi, blockNumber: view.blockNumber } as const;
    const [liquidityFee, valuationFallback, unresolvedShortfallUsd, requiredCashAssets] = await Promise.all([
      readContract(client.publicClient, { ...at, functionName: "liquidityFee" }),
      readContract(client.publicClient, { ...at, functionName: "valuationFallback" }),
      readContract(client.publicClient, { ...at, functionName: "unresolvedShortfallUsd" }),
      readContract(client.publicClient, { ...at, functionName: "requiredCashAssets" }),
    ]);
    return toLiquidityVault(view, vault, holder, {
      liquidityFee,
      valuationFallback,
      unresolvedShortfallUsd,
      requiredCashUsdc: requiredCashAssets,
    });
  } catch (err) {
    throw toPerpError(err, "getLiquidityVault");
  }
}
