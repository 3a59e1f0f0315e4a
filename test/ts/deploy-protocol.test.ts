// The deploy (deploy/protocol.ts, the PerpProtocol Ignition module, the configs) on the in-process network: it wires
// exactly what `deployLocalProtocol` wires, takes real USDC and feed addresses from a network config (after checking
// them), refuses mismatched chains and unsafe configs, and the committed network configs parse and resolve by chain
// id. Idempotency against a real node is in e2e-keeper.test.ts.
import { expect } from "chai";
import hre, { network } from "hardhat";

import { parseAddressBook, serializeAddressBook } from "../../deploy/address-book.js";
import {
  DeployConfigError,
  localDeployConfig,
  networkConfigs,
  parseDeployConfig,
  resolveDeployConfig,
} from "../../deploy/config/index.js";
import { deployLocalProtocol } from "../../deploy/local-protocol.js";
import { deployProtocol, DeployError } from "../../deploy/protocol.js";
import {
  ChainlinkOracleAdapter__factory,
  CollateralVault__factory,
  ILiquidationEngine__factory,
  InsuranceFund__factory,
  IPerpEngine__factory,
  LiquidationEngine__factory,
  LiquidityVault__factory,
  PerpEngine__factory,
} from "../../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers } = connection;
const quiet = () => {};

/** A network config in JSON form around given USDC and feed addresses. */
function networkConfigJson(usdc: string, feed: string, extra: Record<string, unknown> = {}) {
  return {
    name: "test-network",
    collateral: { address: usdc },
    depositCap: "5000000",
    insuranceFeeShare: "0.1",
    markets: [
      {
        symbol: "ETH",
        feed,
        heartbeat: 3600,
        minPrice: "100",
        maxPrice: "100000",
        fairTau: 300,
        maxPremium: "0.1",
        skewScale: "1000000",
        maxSkew: "680",
        maxOpenInterest: "10000",
        minPositionMargin: "10",
        makerFee: "0.0002",
        takerFee: "0.0005",
        fundingInterest: "0.0000125",
        fundingClamp: "0.0000625",
        maxFundingRate: "0.04",
        tiers: [{ upToNotional: "1000000", maxLeverage: "20", mmr: "0.025" }],
      },
    ],
    ...extra,
  };
}

describe("deploy: the protocol module, configs and address book", function () {
  this.timeout(120_000);

  it("deploys in-process exactly the wiring and markets deployLocalProtocol deploys", async function () {
    const [deployer] = await ethers.getSigners();
    const { book, transactionsSent, addressBookFile } = await deployProtocol({
      hre,
      connection,
      config: localDeployConfig(),
      log: quiet,
    });
    expect(transactionsSent).to.be.greaterThan(20);
    expect(addressBookFile, "an in-process chain gets no address book file").to.equal(undefined);
    const local = await deployLocalProtocol(ethers);
    const p = ethers.provider;
    const deployed = {
      engine: IPerpEngine__factory.connect(book.contracts.perpEngine, p),
      vault: CollateralVault__factory.connect(book.contracts.collateralVault, p),
      liquidityVault: LiquidityVault__factory.connect(book.contracts.liquidityVault, p),
      fund: InsuranceFund__factory.connect(book.contracts.insuranceFund, p),
      liquidation: LiquidationEngine__factory.connect(book.contracts.liquidationEngine, p),
    };

    // Wiring.
    expect(await deployed.vault.token()).to.equal(book.contracts.collateralToken);
    for (const manager of [
      book.contracts.perpEngine,
      book.contracts.insuranceFund,
      book.contracts.liquidationEngine,
    ])
      expect(await deployed.vault.isBalanceManager(manager)).to.equal(true);
    expect(await deployed.vault.withdrawGuard()).to.equal(book.contracts.perpEngine);
    expect(await deployed.engine.liquidityVault()).to.equal(book.contracts.liquidityVault);
    expect(await deployed.engine.liquidationEngine()).to.equal(book.contracts.liquidationEngine);
    expect(await deployed.liquidityVault.counterparty()).to.equal(book.contracts.perpEngine);
    expect(await deployed.fund.isPayer(book.contracts.liquidationEngine)).to.equal(true);
    const [fund, share] = await deployed.engine.insuranceFeeShare();
    expect(fund).to.equal(book.contracts.insuranceFund);
    expect(share).to.equal((await local.engine.insuranceFeeShare())[1]);
    expect(await deployed.liquidityVault.depositCap()).to.equal(await local.liquidityVault.depositCap());
    // `config` is served from the liquidation engine's module: read through the combined interface.
    const liquidationConfig = ILiquidationEngine__factory.connect(
      book.contracts.liquidationEngine,
      p,
    ).config();
    expect(await liquidationConfig).to.deep.equal(await local.liquidationEngine.config());
    // The vault-risk settings: open-interest-to-cash 0.5, liquidity fee 0.1 %, pnl factor 0.5.
    expect([
      await deployed.engine.openInterestCashRatio(),
      await deployed.liquidityVault.liquidityFee(),
      await deployed.liquidation.maxPnlFactor(),
    ]).to.deep.equal([10n ** 18n / 2n, 10n ** 15n, 10n ** 18n / 2n]);
    expect([
      await local.engine.openInterestCashRatio(),
      await local.liquidityVault.liquidityFee(),
      await local.liquidationEngine.maxPnlFactor(),
    ]).to.deep.equal([10n ** 18n / 2n, 10n ** 15n, 10n ** 18n / 2n]);
    // Ownership is the engine's own code (PerpEngine's ABI); the rest of its interface is IPerpEngine.
    const owned = [
      PerpEngine__factory.connect(book.contracts.perpEngine, p),
      deployed.vault,
      deployed.liquidityVault,
      deployed.fund,
      deployed.liquidation,
    ];
    for (const c of owned) expect(await c.owner()).to.equal(deployer.address);

    // Markets: same ids, symbols, parameters (but the oracle), tiers, prices; adapters configured alike.
    expect(await deployed.engine.marketCount()).to.equal(await local.engine.marketCount());
    for (const m of book.markets) {
      const id = BigInt(m.marketId);
      expect(ethers.decodeBytes32String(await deployed.engine.marketSymbol(id))).to.equal(m.symbol);
      const [ours, theirs] = [await deployed.engine.marketParams(id), await local.engine.marketParams(id)];
      expect(ours.oracle).to.equal(m.oracle);
      // A Result is an array: everything after the oracle.
      expect([...ours].slice(1)).to.deep.equal([...theirs].slice(1));
      expect(await deployed.engine.marketTiers(id)).to.deep.equal(await local.engine.marketTiers(id));
      expect((await deployed.engine.marketPrices(id)).oraclePrice).to.equal(
        (await local.engine.marketPrices(id)).oraclePrice,
      );
      const adapter = ChainlinkOracleAdapter__factory.connect(m.oracle, p);
      const localAdapter = local.markets[m.marketId].adapter;
      expect(await adapter.primaryFeed()).to.equal(m.feed);
      expect(await adapter.heartbeat()).to.equal(await localAdapter.heartbeat());
      expect(await adapter.priceBounds()).to.deep.equal(await localAdapter.priceBounds());
      expect(m.mockFeed).to.equal(true);
    }
  });

  it("takes USDC and feed addresses from a network config, after checking them", async function () {
    const usdc = await ethers.deployContract("MockUSDC");
    const feed = await ethers.deployContract("MockV3Aggregator", [8, 3_000n * 10n ** 8n]);
    const config = parseDeployConfig(
      networkConfigJson(await usdc.getAddress(), await feed.getAddress(), {
        liquidation: {
          feeRate: "0.01",
          keeperShare: "0.3",
          minKeeperReward: "2",
          maxKeeperReward: "500",
          partialNotional: "100000",
          sliceFraction: "0.25",
          cooldown: 60,
        },
      }),
    );
    const lines: string[] = [];
    const { book } = await deployProtocol({ hre, connection, config, log: (l) => lines.push(l) });
    expect(book.contracts.collateralToken).to.equal(await usdc.getAddress());
    expect(book.markets).to.deep.equal([
      {
        marketId: 0,
        symbol: "ETH",
        oracle: book.markets[0].oracle,
        feed: await feed.getAddress(),
        mockFeed: false,
      },
    ]);
    expect(book.deployment.mockCollateral).to.equal(false);
    expect(lines.some((l) => l.includes("ETH feed") && l.includes("8 decimals"))).to.equal(true);
    const engine = IPerpEngine__factory.connect(book.contracts.perpEngine, ethers.provider);
    expect((await engine.marketPrices(0)).oraclePrice).to.equal(3_000n * 10n ** 18n);
    const liquidityVault = LiquidityVault__factory.connect(book.contracts.liquidityVault, ethers.provider);
    expect(await liquidityVault.depositCap()).to.equal(5_000_000n * 10n ** 6n);
    const liquidation = ILiquidationEngine__factory.connect(
      book.contracts.liquidationEngine,
      ethers.provider,
    );
    expect((await liquidation.config()).cooldown).to.equal(60n);
    expect((await liquidation.config()).keeperShare).to.equal(3n * 10n ** 17n);
  });

  it("refuses a collateral token without 6 decimals, a feed outside the bounds, a feed without code", async function () {
    const feed = await ethers.deployContract("MockV3Aggregator", [8, 3_000n * 10n ** 8n]);
    const feedAddress = await feed.getAddress();
    const usdc = await (await ethers.deployContract("MockUSDC")).getAddress();
    const attempt = (json: unknown) =>
      deployProtocol({ hre, connection, config: parseDeployConfig(json), log: quiet }).then(
        () => undefined,
        (e: Error) => e,
      );
    const wrongToken = await attempt(networkConfigJson(feedAddress, feedAddress));
    expect(wrongToken).to.be.instanceOf(DeployError);
    expect(wrongToken!.message).to.match(/8 decimals, expected 6/);
    const outOfBounds = networkConfigJson(usdc, feedAddress);
    outOfBounds.markets[0].minPrice = "4000";
    outOfBounds.markets[0].maxPrice = "5000";
    expect((await attempt(outOfBounds))!.message).to.match(
      /ETH feed answers .* outside \[minPrice, maxPrice\]/,
    );
    const noCode = await attempt(networkConfigJson(usdc, "0x000000000000000000000000000000000000bEEF"));
    expect(noCode!.message).to.match(/ETH feed 0x000000000000000000000000000000000000bEEF has no code/);
    const otherChain = await attempt({ ...networkConfigJson(usdc, feedAddress), chainId: 42161 });
    expect(otherChain!.message).to.match(/is for chain 42161, the network is chain 31337/);
  });

  it("parses the committed network configs and resolves a config by chain id", function () {
    const configs = networkConfigs();
    expect([...configs.keys()]).to.deep.equal(["arbitrum-one.json", "sepolia.json"]);
    const sepolia = resolveDeployConfig(11155111);
    expect(sepolia.name).to.equal("sepolia");
    expect(sepolia.markets.map((m) => m.symbol)).to.deep.equal(["ETH", "BTC"]);
    expect(sepolia.markets[0].params.takerFee).to.equal(5n * 10n ** 14n);
    expect(sepolia.markets[0].tiers[0].maxLeverage).to.equal(20n * 10n ** 18n);
    const arbitrum = resolveDeployConfig(42161);
    expect(arbitrum.sequencer?.gracePeriod).to.equal(3600n);
    expect(arbitrum.depositCap).to.equal(1_000_000n * 10n ** 6n);
    expect(arbitrum.verify).to.equal(true);
    expect(resolveDeployConfig(31337).name).to.equal("local");
    expect(() => resolveDeployConfig(1)).to.throw(DeployConfigError, /no deploy config for chain 1/);
  });

  it("rejects typos and parameters the contracts would refuse", function () {
    const base = networkConfigJson(
      "0x0000000000000000000000000000000000000001",
      "0x0000000000000000000000000000000000000002",
    );
    const withMarket = (change: Record<string, unknown>) => ({
      ...base,
      markets: [{ ...base.markets[0], ...change }],
    });
    expect(() => parseDeployConfig({ ...base, insuranceFeeShar: "0.1" })).to.throw(
      /insuranceFeeShar: unknown key/,
    );
    expect(() => parseDeployConfig(withMarket({ takerfee: "0.1" }))).to.throw(/takerfee: unknown key/);
    expect(() => parseDeployConfig(withMarket({ makerFee: "-0.1" }))).to.throw(/must not be negative/);
    expect(() => parseDeployConfig(withMarket({ symbol: "ETH-USD" }))).to.throw(/symbol/);
    expect(() => parseDeployConfig(withMarket({ heartbeat: 3 * 86_400 }))).to.throw(/heartbeat/);
    expect(() =>
      parseDeployConfig(withMarket({ tiers: [{ upToNotional: "1000", maxLeverage: "20", mmr: "0.05" }] })),
    ).to.throw(/mmr < 1 \/ maxLeverage/);
    expect(() => parseDeployConfig({ ...base, markets: [base.markets[0], base.markets[0]] })).to.throw(
      /duplicate symbol/,
    );
    expect(() => parseDeployConfig({ ...base, insuranceFeeShare: "0.6" })).to.throw(/at most 0.5/);
    // Liquidation impact: min(maxPremium 0.1, maxOpenInterest / (2 × 1,000,000)) must not exceed mmr 0.025.
    expect(
      parseDeployConfig(withMarket({ maxOpenInterest: "50000" })).markets[0].params.maxOpenInterest,
    ).to.equal(50_000n * 10n ** 18n);
    expect(() => parseDeployConfig(withMarket({ maxOpenInterest: "50000.000000000000000001" }))).to.throw(
      /skew impact/,
    );
    // The funding band: the hourly rate at ±maxSkew may not exceed 0.0625 %. With interest 0.00125 % and clamp
    // 0.00625 % the rate at a premium p > 0.0075 % is p − 0.00625 %, so p ≤ 0.06875 %: the premium
    // ⌊maxSkew / 1,000,000⌋ (in 1e18 units) may reach 687,500,000,000,000, i.e. maxSkew < 687.500000000001.
    expect(
      parseDeployConfig(withMarket({ maxSkew: "687.500000000000999999" })).markets[0].params.maxSkew,
    ).to.equal(687_500_000_000_000_999_999n);
    expect(() => parseDeployConfig(withMarket({ maxSkew: "687.500000000001" }))).to.throw(
      /funding rate at ±maxSkew exceeds the breaker band/,
    );
    // The vault-risk settings, at their bounds and one wei beyond.
    expect(
      parseDeployConfig({ ...base, openInterestCashRatio: "0.01", liquidityFee: "0.01", maxPnlFactor: "1" }),
    ).to.deep.include({
      openInterestCashRatio: 10n ** 16n,
      liquidityFee: 10n ** 16n,
      maxPnlFactor: 10n ** 18n,
    });
    expect(() => parseDeployConfig({ ...base, openInterestCashRatio: "0.009999999999999999" })).to.throw(
      /openInterestCashRatio/,
    );
    expect(() => parseDeployConfig({ ...base, liquidityFee: "0.010000000000000001" })).to.throw(
      /liquidityFee/,
    );
    expect(() => parseDeployConfig({ ...base, maxPnlFactor: "0.099999999999999999" })).to.throw(
      /maxPnlFactor/,
    );
    // `$`-prefixed keys are comments.
    expect(parseDeployConfig({ ...base, $comment: "fine" }).name).to.equal("test-network");
  });

  it("reads back the address book it writes", async function () {
    const { book } = await deployProtocol({ hre, connection, config: localDeployConfig(), log: quiet });
    expect(parseAddressBook(JSON.parse(serializeAddressBook(book)))).to.deep.equal(book);
    expect(() =>
      parseAddressBook({ ...book, contracts: { ...book.contracts, liquidationEngine: "0x12" } }),
    ).to.throw(/contracts.liquidationEngine/);
  });
});
