// Deploys the whole protocol on a local network with mock USDC and mock Chainlink feeds behind the real
// oracle adapter, and wires it: vault ↔ engine (balance manager, withdraw guard), engine ↔ liquidity vault,
// insurance fund and liquidation engine (balance managers, fund payer, engine's liquidator, 10 % fee share), and the
// vault-risk settings (open-interest-to-cash ratio, liquidity fee, pnl factor).
// The read-only PerpLens (one-call views for the SDK) is deployed alongside.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import type {
  ChainlinkOracleAdapter,
  CollateralVault,
  ILiquidationEngine,
  InsuranceFund,
  LiquidityVault,
  MockUSDC,
  IPerpEngine,
  MockV3Aggregator,
  PerpLens,
} from "../types/ethers-contracts/index.js";
import {
  LOCAL_MARKETS,
  LOCAL_VAULT_RISK,
  MARKET_DEFAULTS,
  type MarketConfig,
} from "./config/local-markets.js";

export type LocalMarket = {
  id: bigint;
  symbol: string;
  feed: MockV3Aggregator;
  adapter: ChainlinkOracleAdapter;
  feedDecimals: number;
};

export type LocalProtocol = {
  usdc: MockUSDC;
  vault: CollateralVault;
  /** The engine at its address, as callers see it: `IPerpEngine` (its own code and its admin module's). */
  engine: IPerpEngine;
  liquidityVault: LiquidityVault;
  insuranceFund: InsuranceFund;
  /** The liquidation engine, as the combined interface: its address also answers its module's entry points. */
  liquidationEngine: ILiquidationEngine;
  lens: PerpLens;
  markets: LocalMarket[];
};

/** A mock feed answer for an 18-decimal price. */
export function feedAnswer(price18: bigint, feedDecimals: number): bigint {
  return price18 / 10n ** BigInt(18 - feedDecimals);
}

/** Deploys and wires the protocol; the first signer owns everything. */
export async function deployLocalProtocol(
  ethers: HardhatEthers,
  markets: MarketConfig[] = LOCAL_MARKETS,
): Promise<LocalProtocol> {
  const [owner] = await ethers.getSigners();
  const usdc = await ethers.deployContract("MockUSDC");
  const vault = await ethers.deployContract("CollateralVault", [await usdc.getAddress(), owner.address]);
  const perpEngine = await ethers.deployContract("PerpEngine", [await vault.getAddress(), owner.address]);
  // Listing, parameters, wiring and the integrators' views answer at the engine's address through its fallback (the
  // admin module), so the engine is used through the combined interface.
  const engine = await ethers.getContractAt("IPerpEngine", await perpEngine.getAddress());
  const liquidityVault = await ethers.deployContract("LiquidityVault", [
    await vault.getAddress(),
    owner.address,
    ethers.MaxUint256,
  ]);
  await (await vault.setBalanceManager(await engine.getAddress(), true)).wait();
  await (await vault.setWithdrawGuard(await engine.getAddress())).wait();
  await (await engine.setLiquidityVault(await liquidityVault.getAddress())).wait();
  await (await liquidityVault.setCounterparty(await engine.getAddress())).wait();
  const lens = await ethers.deployContract("PerpLens", [await engine.getAddress()]);

  const insuranceFund = await ethers.deployContract("InsuranceFund", [
    await vault.getAddress(),
    owner.address,
  ]);
  const liquidationDeployed = await ethers.deployContract("LiquidationEngine", [
    await engine.getAddress(),
    await vault.getAddress(),
    await insuranceFund.getAddress(),
    owner.address,
  ]);
  // The preview, the parameters and the pending ADL request are served from the engine's module through its
  // fallback, so they are in `ILiquidationEngine`'s ABI, not in the contract's own.
  const liquidationEngine = await ethers.getContractAt(
    "ILiquidationEngine",
    await liquidationDeployed.getAddress(),
    owner,
  );
  await (await vault.setBalanceManager(await insuranceFund.getAddress(), true)).wait();
  await (await vault.setBalanceManager(await liquidationEngine.getAddress(), true)).wait();
  await (await insuranceFund.setPayer(await liquidationEngine.getAddress(), true)).wait();
  await (await engine.setLiquidationEngine(await liquidationEngine.getAddress())).wait();
  // 10 % of trading fees build the insurance fund; the rest goes to the liquidity vault.
  await (await engine.setInsuranceFeeShare(await insuranceFund.getAddress(), 10n ** 17n)).wait();
  await (await engine.setOpenInterestCashRatio(LOCAL_VAULT_RISK.openInterestCashRatio)).wait();
  await (await liquidityVault.setLiquidityFee(LOCAL_VAULT_RISK.liquidityFee)).wait();
  await (await liquidationEngine.setMaxPnlFactor(LOCAL_VAULT_RISK.maxPnlFactor)).wait();

  const listed: LocalMarket[] = [];
  for (const m of markets) {
    const feed = await ethers.deployContract("MockV3Aggregator", [
      m.feedDecimals,
      feedAnswer(m.price, m.feedDecimals),
    ]);
    const adapter = await ethers.deployContract("ChainlinkOracleAdapter", [
      await feed.getAddress(),
      86_400n,
      1n,
      10n ** 36n,
      { feed: ethers.ZeroAddress, gracePeriod: 0n },
      { feed: ethers.ZeroAddress, heartbeat: 0n, maxDeviation: 0n },
      owner.address,
    ]);
    const params = {
      ...MARKET_DEFAULTS,
      oracle: await adapter.getAddress(),
      skewScale: m.skewScale,
      maxPremium: m.maxPremium ?? MARKET_DEFAULTS.maxPremium,
      maxSkew: m.maxSkew,
      maxOpenInterest: m.maxOpenInterest,
      makerFee: m.makerFee,
      takerFee: m.takerFee,
    };
    await (await engine.listMarket(ethers.encodeBytes32String(m.symbol), params, m.tiers)).wait();
    listed.push({ id: BigInt(listed.length), symbol: m.symbol, feed, adapter, feedDecimals: m.feedDecimals });
  }
  return { usdc, vault, engine, liquidityVault, insuranceFund, liquidationEngine, lens, markets: listed };
}
