import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { CallableContractFuture, Future } from "@nomicfoundation/ignition-core";
import { stringToHex, zeroAddress } from "viem";

import type { ProtocolDeployConfig } from "../config/schema.js";

/** The Ignition module id: future ids are `PerpProtocol#<name>`. */
export const PERP_PROTOCOL_MODULE_ID = "PerpProtocol";

/** The engine's bytes32 market symbol. */
export const symbolBytes32 = (symbol: string) => stringToHex(symbol, { size: 32 });

/** A mock feed's answer for an 18-decimal price. */
export const mockFeedAnswer = (price18: bigint, decimals: number) => price18 / 10n ** BigInt(18 - decimals);

/**
 * The whole protocol as one Ignition module, built from a deploy config: collateral vault, engine, liquidity vault,
 * lens, insurance fund and liquidation engine (with ADL), wired as `deployLocalProtocol` wires them, then one
 * Chainlink oracle adapter per market and the listings in config order (each listing waits for the previous one,
 * so market ids follow the config). Mocks (USDC, feeds) are deployed where the config asks for them. The deploying
 * account owns everything; with `admin` set, ownership is handed over at the end.
 *
 * Ignition records every future in the deployment's journal, so a second run with the same config sends nothing;
 * a config that adds a market deploys only the new market's futures.
 */
export function buildPerpProtocolModule(config: ProtocolDeployConfig) {
  return buildModule(PERP_PROTOCOL_MODULE_ID, (m) => {
    const deployer = m.getAccount(0);
    const usdc = "mock" in config.collateral ? m.contract("MockUSDC") : undefined;
    const usdcAddress = usdc ?? ("address" in config.collateral ? config.collateral.address : zeroAddress);

    const vault = m.contract("CollateralVault", [usdcAddress, deployer]);
    const engine = m.contract("PerpEngine", [vault, deployer]);
    // The engine's admin functions run in its admin module behind its fallback, so they are not in PerpEngine's own
    // ABI: they are called through the combined interface at the engine's address (Ignition's proxy idiom).
    const engineApi = m.contractAt("IPerpEngine", engine);
    const liquidityVault = m.contract("LiquidityVault", [vault, deployer, config.depositCap]);
    const lens = m.contract("PerpLens", [engine]);
    const insuranceFund = m.contract("InsuranceFund", [vault, deployer]);
    const liquidationEngine = m.contract("LiquidationEngine", [engine, vault, insuranceFund, deployer]);

    const wiring: Future[] = [
      m.call(vault, "setBalanceManager", [engine, true], { id: "CollateralVault_manager_PerpEngine" }),
      m.call(vault, "setWithdrawGuard", [engine]),
      m.call(engineApi, "setLiquidityVault", [liquidityVault]),
      m.call(liquidityVault, "setCounterparty", [engine]),
      m.call(vault, "setBalanceManager", [insuranceFund, true], {
        id: "CollateralVault_manager_InsuranceFund",
      }),
      m.call(vault, "setBalanceManager", [liquidationEngine, true], {
        id: "CollateralVault_manager_LiquidationEngine",
      }),
      m.call(insuranceFund, "setPayer", [liquidationEngine, true]),
      m.call(engineApi, "setLiquidationEngine", [liquidationEngine]),
      m.call(engineApi, "setInsuranceFeeShare", [insuranceFund, config.insuranceFeeShare]),
      m.call(engineApi, "setOpenInterestCashRatio", [config.openInterestCashRatio]),
      m.call(liquidityVault, "setLiquidityFee", [config.liquidityFee]),
      m.call(liquidationEngine, "setMaxPnlFactor", [config.maxPnlFactor]),
    ];
    if (config.liquidation !== undefined) {
      const l = config.liquidation;
      wiring.push(
        // `setConfig` is served from the engine's module through its fallback: called through the combined interface.
        m.call(
          m.contractAt("ILiquidationEngine", liquidationEngine, { id: "ILiquidationEngine" }),
          "setConfig",
          [
            {
              feeRate: l.feeRate,
              keeperShare: l.keeperShare,
              minKeeperReward: l.minKeeperReward,
              maxKeeperReward: l.maxKeeperReward,
              partialNotional: l.partialNotional,
              sliceFraction: l.sliceFraction,
              cooldown: l.cooldown,
            },
          ],
        ),
      );
    }

    const sequencer = config.sequencer ?? { feed: zeroAddress, gracePeriod: 0n };
    const adapters: CallableContractFuture<string>[] = [];
    let previousListing: Future | undefined;
    for (const market of config.markets) {
      const s = market.symbol;
      const feed =
        "mock" in market.feed
          ? m.contract(
              "MockV3Aggregator",
              [market.feed.mock.decimals, mockFeedAnswer(market.feed.mock.price, market.feed.mock.decimals)],
              { id: `Feed_${s}` },
            )
          : market.feed.address;
      const secondary = market.secondary ?? { feed: zeroAddress, heartbeat: 0n, maxDeviation: 0n };
      const adapter = m.contract(
        "ChainlinkOracleAdapter",
        [
          feed,
          market.heartbeat,
          market.minPrice,
          market.maxPrice,
          { feed: sequencer.feed, gracePeriod: sequencer.gracePeriod },
          { feed: secondary.feed, heartbeat: secondary.heartbeat, maxDeviation: secondary.maxDeviation },
          deployer,
        ],
        { id: `Oracle_${s}` },
      );
      adapters.push(adapter);
      const p = market.params;
      previousListing = m.call(
        engineApi,
        "listMarket",
        [
          symbolBytes32(s),
          {
            oracle: adapter,
            fairTau: p.fairTau,
            maxPremium: p.maxPremium,
            skewScale: p.skewScale,
            maxSkew: p.maxSkew,
            maxOpenInterest: p.maxOpenInterest,
            minPositionMargin: p.minPositionMargin,
            makerFee: p.makerFee,
            takerFee: p.takerFee,
            fundingInterest: p.fundingInterest,
            fundingClamp: p.fundingClamp,
            maxFundingRate: p.maxFundingRate,
          },
          market.tiers.map((t) => ({ upToNotional: t.upToNotional, maxLeverage: t.maxLeverage, mmr: t.mmr })),
        ],
        { id: `List_${s}`, after: previousListing === undefined ? wiring : [previousListing] },
      );
    }

    if (config.admin !== undefined) {
      const owned = { vault, engine, liquidityVault, insuranceFund, liquidationEngine };
      const after = previousListing === undefined ? wiring : [...wiring, previousListing];
      for (const [name, contract] of Object.entries(owned))
        m.call(contract, "transferOwnership", [config.admin], { id: `TransferOwnership_${name}`, after });
      config.markets.forEach((market, i) =>
        m.call(adapters[i], "transferOwnership", [config.admin!], {
          id: `TransferOwnership_Oracle_${market.symbol}`,
          after,
        }),
      );
    }

    return {
      vault,
      engine,
      liquidityVault,
      lens,
      insuranceFund,
      liquidationEngine,
      ...(usdc === undefined ? {} : { usdc }),
    };
  });
}
