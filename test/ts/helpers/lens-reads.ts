// The lens reads the parity tests compare the SDK's math with: one account, one market, at the latest block or at
// `blockNumber`, decoded by the SDK's own converters.

import type { Address, PublicClient } from "viem";

import * as sdk from "../../../sdk/src/index.js";

/** `PerpLens.getAccount(account)`, as the SDK's `Account`. */
export async function readLensAccount(
  client: PublicClient,
  lens: Address,
  account: Address,
  blockNumber?: bigint,
) {
  return sdk.toAccount(
    await client.readContract({
      address: lens,
      abi: sdk.perpLensAbi,
      functionName: "getAccount",
      args: [account],
      blockNumber,
    }),
  );
}

/** `PerpLens.getMarket(marketId)`, as the SDK's `Market`. */
export async function readLensMarket(
  client: PublicClient,
  lens: Address,
  marketId: bigint,
  blockNumber?: bigint,
) {
  return sdk.toMarket(
    await client.readContract({
      address: lens,
      abi: sdk.perpLensAbi,
      functionName: "getMarket",
      args: [marketId],
      blockNumber,
    }),
  );
}

/**
 * What the engine's post-trade checks read besides the account and the market (the SDK's `TradeContext`): the
 * liquidity vault's collateral and the total debt (its cash), the open-interest-to-cash ratio and the position limit.
 */
export async function readTradeContextRaw(
  client: PublicClient,
  addresses: { collateralVault: Address; liquidityVault: Address; engine: Address },
): Promise<sdk.TradeContext> {
  const [[liquidityVaultCollateral, totalDebt], openInterestCashRatio, maxPositionsPerAccount] =
    await Promise.all([
      client.readContract({
        address: addresses.collateralVault,
        abi: sdk.collateralVaultAbi,
        functionName: "collateralAndDebt",
        args: [addresses.liquidityVault],
      }),
      client.readContract({
        address: addresses.engine,
        abi: sdk.perpEngineAbi,
        functionName: "openInterestCashRatio",
      }),
      client.readContract({
        address: addresses.engine,
        abi: sdk.perpEngineAbi,
        functionName: "maxPositionsPerAccount",
      }),
    ]);
  return {
    liquidityVaultCollateralUsd: liquidityVaultCollateral,
    totalDebtUsd: totalDebt,
    openInterestCashRatio,
    maxPositionsPerAccount,
  };
}
