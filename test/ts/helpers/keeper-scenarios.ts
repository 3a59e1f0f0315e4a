// The keeper tests' protocol states on the in-process network, and the keeper wired to it (viem clients on Hardhat's
// provider, the same code the CLI runs). `keeperScenarios(connection)` binds them to one test file's connection;
// the scenario functions are stable, so `loadFixture` snapshots each once.
import type { network } from "hardhat";
import { createWalletClient, custom, getAddress, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { deployLocalProtocol, feedAnswer, type LocalProtocol } from "../../../deploy/local-protocol.js";
import { AccountSet } from "../../../scripts/lib/keeper/accounts.js";
import { createKeeperContext, type KeeperContextParameters } from "../../../scripts/lib/keeper/context.js";
import type { PassState } from "../../../scripts/lib/keeper/jobs/index.js";
import { createKeeper, type KeeperConfig } from "../../../scripts/lib/keeper/keeper.js";
import { createMemoryLogger } from "../../../scripts/lib/keeper/logger.js";
import { emptyReport } from "../../../scripts/lib/keeper/report.js";
import { deploymentFromLocalProtocol } from "../../../sdk/src/index.js";

type Connection = Awaited<ReturnType<typeof network.create>>;

export const E18 = 10n ** 18n;
export const USDC = (whole: bigint) => whole * 1_000_000n;
/** Hardhat's test account #9 (funded with test ETH on every local network; #1–#6 trade in the scenarios). */
export const KEEPER_KEY: Hex = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
export const keeperAccount = privateKeyToAccount(KEEPER_KEY);
/** GOLD's market id in the local protocol. */
export const GOLD = 2n;

export type Scenario = {
  protocol: LocalProtocol;
  addresses: { carol: Address; erin: Address; bob: Address; dave: Address };
};

/** The gold scenario plus grace's two sub-accounts (see `subAccountScenario`). */
export type SubAccountScenario = Scenario & {
  subAccounts: { owner: Address; first: Address; second: Address };
};

export function keeperScenarios(connection: Connection) {
  const { ethers, networkHelpers } = connection;

  /**
   * LP 2M; carol 8,000 long 30 GOLD; erin 3,000 long 10 GOLD; bob 100,000 short 30 GOLD; dave 30,000 short 20.
   * GOLD's fair premium has τ = 0, so an hour after the last trade it equals the skew premium exactly (only the
   * 0.1 %/h drift cap slows it), and a liquidation on an undisturbed skew closes in full: with τ > 0 the EMA never
   * quite arrives, and a close whose fair premium lags the skew premium by ε is cut by 2ε of skew (the bound is its
   * own impact from the fair premium's skew).
   */
  async function goldScenario(): Promise<Scenario> {
    const protocol = await deployLocalProtocol(ethers);
    const { usdc, vault, engine, liquidityVault } = protocol;
    const [, lp, carol, erin, bob, dave] = await ethers.getSigners();
    const goldId = protocol.markets.find((m) => m.symbol === "GOLD")!.id;
    const current = await engine.marketParams(goldId);
    await (
      await engine.setMarketParams(goldId, {
        oracle: current.oracle,
        fairTau: 0n,
        maxPremium: current.maxPremium,
        skewScale: current.skewScale,
        maxSkew: current.maxSkew,
        maxOpenInterest: current.maxOpenInterest,
        minPositionMargin: current.minPositionMargin,
        makerFee: current.makerFee,
        takerFee: current.takerFee,
        fundingInterest: current.fundingInterest,
        fundingClamp: current.fundingClamp,
        maxFundingRate: current.maxFundingRate,
      })
    ).wait();
    await (await usdc.mint(lp.address, USDC(2_000_000n))).wait();
    await (await usdc.connect(lp).approve(await liquidityVault.getAddress(), ethers.MaxUint256)).wait();
    await (await liquidityVault.connect(lp).deposit(USDC(2_000_000n), lp.address)).wait();
    const open = [
      [carol, 8_000n, 30n],
      [erin, 3_000n, 10n],
      [bob, 100_000n, -30n],
      [dave, 30_000n, -20n],
    ] as const;
    for (const [signer, deposit, size] of open) {
      await (await usdc.mint(signer.address, USDC(deposit))).wait();
      await (await usdc.connect(signer).approve(await vault.getAddress(), ethers.MaxUint256)).wait();
      await (await vault.connect(signer).deposit(USDC(deposit))).wait();
      await (
        await engine
          .connect(signer)
          .trade(signer.address, goldId, size * E18, size > 0n ? ethers.MaxUint256 : 0n)
      ).wait();
    }
    return {
      protocol,
      addresses: {
        carol: getAddress(carol.address),
        erin: getAddress(erin.address),
        bob: getAddress(bob.address),
        dave: getAddress(dave.address),
      },
    };
  }

  /**
   * The gold scenario, then grace (signer #7) creates sub-accounts 1 and 2 and trades them: sub-account 1 as carol
   * (8,000, long 30 GOLD: below maintenance margin at 2,150), sub-account 2 with 30,000 long 5 GOLD (healthy at
   * 2,150). Her own address (sub-account 0) holds nothing.
   */
  async function subAccountScenario(): Promise<SubAccountScenario> {
    const scenario = await goldScenario();
    const { usdc, vault, engine } = scenario.protocol;
    const grace = (await ethers.getSigners())[7];
    const accounts: Address[] = [];
    for (const [deposit, size] of [
      [8_000n, 30n],
      [30_000n, 5n],
    ] as const) {
      await (await vault.connect(grace).createSubAccount()).wait();
      const id = await vault.subAccountCount(grace.address);
      const [account] = await vault.subAccount(grace.address, id);
      await (await usdc.mint(grace.address, USDC(deposit))).wait();
      await (await usdc.connect(grace).approve(await vault.getAddress(), USDC(deposit))).wait();
      await (await vault.connect(grace).depositFor(account, USDC(deposit))).wait();
      await (await engine.connect(grace).trade(account, GOLD, size * E18, ethers.MaxUint256)).wait();
      accounts.push(getAddress(account));
    }
    return {
      ...scenario,
      subAccounts: { owner: getAddress(grace.address), first: accounts[0], second: accounts[1] },
    };
  }

  /**
   * LP 200,000; the pnl factor limit at its minimum, 10 % of the vault's cash; carol 30,000 and long 40 GOLD (96,000
   * USD of notional, within the open-interest-to-cash limit of half the cash).
   */
  async function pnlScenario(): Promise<Scenario> {
    const protocol = await deployLocalProtocol(ethers);
    const { usdc, vault, engine, liquidityVault, liquidationEngine } = protocol;
    const [, lp, carol] = await ethers.getSigners();
    await (await liquidationEngine.setMaxPnlFactor(E18 / 10n)).wait();
    await (await usdc.mint(lp.address, USDC(200_000n))).wait();
    await (await usdc.connect(lp).approve(await liquidityVault.getAddress(), ethers.MaxUint256)).wait();
    await (await liquidityVault.connect(lp).deposit(USDC(200_000n), lp.address)).wait();
    await (await usdc.mint(carol.address, USDC(30_000n))).wait();
    await (await usdc.connect(carol).approve(await vault.getAddress(), ethers.MaxUint256)).wait();
    await (await vault.connect(carol).deposit(USDC(30_000n))).wait();
    await (await engine.connect(carol).trade(carol.address, GOLD, 40n * E18, ethers.MaxUint256)).wait();
    const none = getAddress("0x0000000000000000000000000000000000000001");
    return { protocol, addresses: { carol: getAddress(carol.address), erin: none, bob: none, dave: none } };
  }

  /** Sets GOLD's feed to `price` (whole USD) and lets an hour pass, so the fair premium follows. */
  async function moveGold(protocol: LocalProtocol, price: bigint) {
    const gold = protocol.markets.find((m) => m.symbol === "GOLD")!;
    await (await gold.feed.updateAnswer(feedAnswer(price * E18, gold.feedDecimals))).wait();
    await networkHelpers.time.increase(3600);
  }

  /** Signer #6 (not used by the scenarios) trades `size` GOLD with enough collateral. */
  async function frankTrades(protocol: LocalProtocol, size: bigint) {
    const { usdc, vault, engine } = protocol;
    const frank = (await ethers.getSigners())[6];
    if ((await vault.collateralOf(frank.address)) === 0n) {
      await (await usdc.mint(frank.address, USDC(100_000n))).wait();
      await (await usdc.connect(frank).approve(await vault.getAddress(), ethers.MaxUint256)).wait();
      await (await vault.connect(frank).deposit(USDC(100_000n))).wait();
    }
    await (
      await engine.connect(frank).trade(frank.address, GOLD, size, size > 0n ? ethers.MaxUint256 : 0n)
    ).wait();
  }

  /** Closes `who`'s GOLD position (a trader leaving before the scenario's move). */
  async function closeGold(protocol: LocalProtocol, who: Address) {
    const signer = await ethers.getSigner(who);
    const size = (await protocol.engine.position(who, GOLD)).size;
    await (
      await protocol.engine.connect(signer).closePosition(who, GOLD, size > 0n ? 0n : ethers.MaxUint256)
    ).wait();
  }

  const positions = async (protocol: LocalProtocol, account: Address) =>
    (await protocol.engine.accountMarkets(account)).length;

  /** The keeper's clients and address book for `protocol`, with an in-memory logger. */
  async function clientsFor(protocol: LocalProtocol) {
    return {
      publicClient: (await connection.viem.getPublicClient()) as PublicClient,
      walletClient: createWalletClient({
        chain: hardhat,
        transport: custom(connection.provider),
        account: keeperAccount,
      }),
      deployment: await deploymentFromLocalProtocol(protocol, { chainId: 31337, startBlock: 0 }),
      logger: createMemoryLogger(),
      retry: { baseDelayMs: 1, retries: 5 },
    };
  }

  const eventsOf = (logger: ReturnType<typeof createMemoryLogger>) => (name: string) =>
    logger.records.filter((r) => r.event === name);

  /** A whole keeper (every job) on `protocol`. */
  async function keeperFor(protocol: LocalProtocol, overrides: Partial<KeeperConfig> = {}) {
    const clients = await clientsFor(protocol);
    const keeper = createKeeper({ ...clients, ...overrides });
    return { keeper, logger: clients.logger, events: eventsOf(clients.logger) };
  }

  /**
   * What a job needs to run on its own: the keeper's context on `protocol`, and `pass()`, which discovers and reads
   * the accounts as a keeper pass does and returns the pass state for the job.
   */
  async function jobContextFor(protocol: LocalProtocol, overrides: Partial<KeeperContextParameters> = {}) {
    const clients = await clientsFor(protocol);
    const ctx = createKeeperContext({ ...clients, ...overrides });
    const accountSet = new AccountSet();
    const pass = async (): Promise<PassState> => {
      const report = emptyReport(ctx.dryRun);
      report.blockNumber = await ctx.publicClient.getBlockNumber({ cacheTime: 0 });
      report.newAccounts = await accountSet.discover(ctx, report.blockNumber);
      const accounts = await accountSet.check(ctx, report);
      return { blockNumber: report.blockNumber, accounts, report };
    };
    return { ctx, pass, logger: clients.logger, events: eventsOf(clients.logger) };
  }

  return {
    goldScenario,
    subAccountScenario,
    pnlScenario,
    moveGold,
    frankTrades,
    closeGold,
    positions,
    keeperFor,
    jobContextFor,
  };
}
