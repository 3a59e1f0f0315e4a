// Reads everything the SDK's liquidity-vault math needs (sdk/src/math/liquidityVaultMath.ts) at one block, for the
// differential tests: the vault's balance and the total debt in the collateral vault, the markets (for the engine's
// counterparty valuation), the engine's unswept insurance fees, backing ratio and open-interest-to-cash ratio, the
// unresolved ADL shortfall and the vault's own supply, fee, cap and pause.
import type { Address, PublicClient } from "viem";

import * as sdk from "../../../sdk/src/index.js";

export interface VaultAddresses {
  lens: Address;
  engine: Address;
  collateralVault: Address;
  liquidityVault: Address;
  liquidationEngine: Address;
}

/** The raw inputs at `blockNumber` (the markets as the lens shows them there). */
export async function readVaultInputs(client: PublicClient, a: VaultAddresses, blockNumber: bigint) {
  const at = { blockNumber } as const;
  const [
    markets,
    [collateral, totalDebt],
    pendingInsuranceFees,
    backingRatio,
    openInterestCashRatio,
    shortfall,
    supply,
    fee,
    cap,
    paused,
  ] = await Promise.all([
    client
      .readContract({ ...at, address: a.lens, abi: sdk.perpLensAbi, functionName: "getMarkets" })
      .then((views) => views.map(sdk.toMarket)),
    client.readContract({
      ...at,
      address: a.collateralVault,
      abi: sdk.collateralVaultAbi,
      functionName: "collateralAndDebt",
      args: [a.liquidityVault],
    }),
    client.readContract({
      ...at,
      address: a.engine,
      abi: sdk.perpEngineAbi,
      functionName: "pendingInsuranceFees",
    }),
    client.readContract({ ...at, address: a.engine, abi: sdk.perpEngineAbi, functionName: "backingRatio" }),
    client.readContract({
      ...at,
      address: a.engine,
      abi: sdk.perpEngineAbi,
      functionName: "openInterestCashRatio",
    }),
    client.readContract({
      ...at,
      address: a.liquidationEngine,
      abi: sdk.liquidationEngineAbi,
      functionName: "totalShortfall",
    }),
    client.readContract({
      ...at,
      address: a.liquidityVault,
      abi: sdk.liquidityVaultAbi,
      functionName: "totalSupply",
    }),
    client.readContract({
      ...at,
      address: a.liquidityVault,
      abi: sdk.liquidityVaultAbi,
      functionName: "liquidityFee",
    }),
    client.readContract({
      ...at,
      address: a.liquidityVault,
      abi: sdk.liquidityVaultAbi,
      functionName: "depositCap",
    }),
    client.readContract({
      ...at,
      address: a.liquidityVault,
      abi: sdk.liquidityVaultAbi,
      functionName: "depositsPaused",
    }),
  ]);
  return {
    markets,
    collateral,
    totalDebt,
    pendingInsuranceFees,
    backingRatio,
    openInterestCashRatio,
    shortfall,
    totalSupply: supply,
    liquidityFee: fee,
    depositCap: cap,
    depositsPaused: paused,
  };
}

export type VaultInputs = Awaited<ReturnType<typeof readVaultInputs>>;

/** The SDK's vault state at `timestamp` from inputs read at a block (the same block, or one before it with no writes). */
export function vaultStateAt(inputs: VaultInputs, timestamp: bigint): sdk.LiquidityVaultState {
  return {
    collateralUsd: inputs.collateral,
    counterparty: {
      pnl: sdk.counterpartyPnl(inputs.markets, inputs.pendingInsuranceFees, timestamp),
      requiredBackingUsd: sdk.requiredBacking(inputs.markets, inputs.backingRatio).usd,
      requiredCashUsd: sdk.requiredCash(inputs.markets, inputs.openInterestCashRatio).usd,
    },
    unresolvedShortfallUsd: inputs.shortfall,
    totalDebtUsd: inputs.totalDebt,
    totalSupply: inputs.totalSupply,
    liquidityFee: inputs.liquidityFee,
    depositCapUsdc: inputs.depositCap,
    depositsPaused: inputs.depositsPaused,
  };
}
