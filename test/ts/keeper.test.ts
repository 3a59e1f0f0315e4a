// The keeper's pass on the in-process network (viem clients on Hardhat's provider, the same code the CLI runs):
// discovery from events, dry run, back-to-back liquidations and the keeper's pay, the profit threshold, ADL over
// several passes (submit, wait for the window, execute until covered), retries of RPC failures, abort, and the
// helpers (retry policy, JSON-lines logger). The CLI against a real node is in e2e-keeper.test.ts.
import { expect } from "chai";
import { network } from "hardhat";
import {
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  HttpRequestError,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { deployLocalProtocol, feedAnswer, type LocalProtocol } from "../../deploy/local-protocol.js";
import { createKeeper, type KeeperConfig } from "../../scripts/lib/keeper/keeper.js";
import { createJsonLogger, createMemoryLogger } from "../../scripts/lib/keeper/logger.js";
import { backoffDelay, isTransientRpcError, withRetry } from "../../scripts/lib/keeper/retry.js";
import { deploymentFromLocalProtocol } from "../../sdk/src/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const E18 = 10n ** 18n;
const USDC = (whole: bigint) => whole * 1_000_000n;
/** Hardhat's test account #9 (funded with test ETH on every local network; #1–#5 trade below). */
const KEEPER_KEY: Hex = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
const keeperAccount = privateKeyToAccount(KEEPER_KEY);

type Scenario = {
  protocol: LocalProtocol;
  addresses: { carol: Address; erin: Address; bob: Address; dave: Address };
};

/** LP 2M; carol 8,000 long 30 GOLD; erin 3,000 long 10 GOLD; bob 100,000 short 30 GOLD; dave 30,000 short 20. */
async function goldScenario(): Promise<Scenario> {
  const protocol = await deployLocalProtocol(ethers);
  const { usdc, vault, engine, liquidityVault } = protocol;
  const [, lp, carol, erin, bob, dave] = await ethers.getSigners();
  await (await usdc.mint(lp.address, USDC(2_000_000n))).wait();
  await (await usdc.connect(lp).approve(await liquidityVault.getAddress(), ethers.MaxUint256)).wait();
  await (await liquidityVault.connect(lp).deposit(USDC(2_000_000n), lp.address)).wait();
  const gold = protocol.markets.find((m) => m.symbol === "GOLD")!.id;
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
      await engine.connect(signer).trade(signer.address, gold, size * E18, size > 0n ? ethers.MaxUint256 : 0n)
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

/** Sets GOLD's feed to `price` (whole USD) and lets an hour pass, so the fair price follows. */
async function moveGold(protocol: LocalProtocol, price: bigint) {
  const gold = protocol.markets.find((m) => m.symbol === "GOLD")!;
  await (await gold.feed.updateAnswer(feedAnswer(price * E18, gold.feedDecimals))).wait();
  await networkHelpers.time.increase(3600);
}

async function keeperFor(protocol: LocalProtocol, overrides: Partial<KeeperConfig> = {}) {
  const publicClient = (await connection.viem.getPublicClient()) as PublicClient;
  const logger = createMemoryLogger();
  const keeper = createKeeper({
    publicClient,
    walletClient: createWalletClient({
      chain: hardhat,
      transport: custom(connection.provider),
      account: keeperAccount,
    }),
    deployment: await deploymentFromLocalProtocol(protocol, { chainId: 31337, startBlock: 0 }),
    liquidationEngine: getAddress(await protocol.liquidationEngine.getAddress()),
    logger,
    retry: { baseDelayMs: 1, retries: 5 },
    ...overrides,
  });
  return { keeper, logger, events: (name: string) => logger.records.filter((r) => r.event === name) };
}

const positions = async (protocol: LocalProtocol, account: Address) =>
  (await protocol.engine.accountMarkets(account)).length;

describe("keeper pass (in-process)", function () {
  this.timeout(120_000);

  it("dry run: finds the underwater accounts from events, reports them, sends nothing", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);
    const { keeper, events } = await keeperFor(protocol, { dryRun: true });
    const report = await keeper.runPass();
    expect(report.dryRun).to.equal(true);
    expect(report.newAccounts).to.equal(4);
    expect(new Set(report.underwater)).to.deep.equal(new Set([addresses.carol, addresses.erin]));
    expect(report.wouldLiquidate.map((c) => c.account)).to.have.members([addresses.carol, addresses.erin]);
    // Most profitable first.
    expect(report.wouldLiquidate[0].profitUsd >= report.wouldLiquidate[1].profitUsd).to.equal(true);
    expect(report.liquidations).to.deep.equal([]);
    expect(events("would-liquidate")).to.have.length(2);
    expect(await ethers.provider.getTransactionCount(keeperAccount.address)).to.equal(nonce);
    expect(await positions(protocol, addresses.carol)).to.equal(1);
  });

  it("liquidates every underwater account in one pass, back to back, and is paid; the next pass has nothing", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const usdcBefore = await protocol.usdc.balanceOf(keeperAccount.address);
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);
    const { keeper, events } = await keeperFor(protocol);
    const report = await keeper.runPass();
    expect(report.liquidations.map((l) => l.account)).to.have.members([addresses.carol, addresses.erin]);
    expect(report.errors).to.equal(0);
    const sent = events("liquidation-sent");
    expect(sent).to.have.length(2);
    // Both sent before either was awaited: the keeper counted the nonce itself.
    const txs = await Promise.all(
      sent.map((s) => ethers.provider.getTransaction(s.txHash as string).then((t) => t!.nonce)),
    );
    expect(txs).to.deep.equal([nonce, nonce + 1]);
    const rewards = report.liquidations.reduce((sum, l) => sum + l.keeperReward, 0n);
    expect((await protocol.usdc.balanceOf(keeperAccount.address)) - usdcBefore).to.equal(
      rewards / 10n ** 12n,
    );
    expect(await positions(protocol, addresses.carol)).to.equal(0);
    expect(await positions(protocol, addresses.erin)).to.equal(0);
    expect(await positions(protocol, addresses.bob)).to.equal(1);

    const second = await keeper.runPass();
    expect(second.newAccounts).to.equal(0);
    expect(second.underwater).to.deep.equal([]);
    expect(second.liquidations).to.deep.equal([]);
    expect(keeper.accounts.has(addresses.carol), "flat accounts are forgotten").to.equal(false);
  });

  it("skips liquidations whose reward does not beat the gas cost plus the minimum profit", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const { keeper, events } = await keeperFor(protocol, { minProfitUsd: 1_000_000n * E18 });
    const report = await keeper.runPass();
    expect(report.liquidations).to.deep.equal([]);
    expect(report.skipped.map((s) => s.reason)).to.deep.equal(["unprofitable", "unprofitable"]);
    expect(events("liquidation-unprofitable")[0].gasCostUsd).to.not.equal("0");
    expect(await positions(protocol, addresses.carol)).to.equal(1);
  });

  it("runs ADL across passes: submits the profitable shorts, waits for the window, executes until covered", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    // A 16.7 % crash: carol and erin are bankrupt and the insurance fund cannot cover them.
    await moveGold(protocol, 2_000n);
    const { keeper, events } = await keeperFor(protocol);
    const first = await keeper.runPass();
    expect(first.liquidations.map((l) => l.account)).to.have.members([addresses.carol, addresses.erin]);
    expect(first.liquidations.some((l) => l.shortfallForAdl > 0n)).to.equal(true);
    expect(first.adl.pending).to.equal(true);
    expect(first.adl.submitted).to.have.members([addresses.bob, addresses.dave]);
    expect(first.adl.executed).to.deep.equal([]);
    expect(first.adl.executableAt !== undefined).to.equal(true);
    expect(events("adl-window-open")).to.have.length(1);

    await networkHelpers.time.increase(61);
    const shortfallBefore = await protocol.liquidationEngine.totalShortfall();
    const [bobRank, daveRank] = [
      await protocol.liquidationEngine.adlRank(addresses.bob, 2n),
      await protocol.liquidationEngine.adlRank(addresses.dave, 2n),
    ];
    const second = await keeper.runPass();
    expect(second.adl.executed.length).to.be.greaterThan(0);
    // Highest rank first: the contract picks the victim, the keeper only supplied the candidates.
    expect(second.adl.executed[0].victim).to.equal(bobRank > daveRank ? addresses.bob : addresses.dave);
    expect(await protocol.liquidationEngine.totalShortfall()).to.be.lessThan(shortfallBefore);

    // Every queued shortfall is covered within a few passes.
    for (let i = 0; i < 4 && (await protocol.liquidationEngine.totalShortfall()) > 0n; i++) {
      await networkHelpers.time.increase(61);
      await keeper.runPass();
    }
    expect(await protocol.liquidationEngine.totalShortfall()).to.equal(0n);
    expect((await protocol.liquidationEngine.pendingAdl())[0]).to.equal(false);
    expect(events("adl-resolved").length).to.be.greaterThan(0);
  });

  it("retries RPC failures with backoff and still completes the pass", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    let failures = 3;
    const flaky = custom(
      {
        async request(args: { method: string; params?: unknown }) {
          if (failures > 0) {
            failures--;
            throw new HttpRequestError({ url: "http://127.0.0.1:1", details: "ECONNRESET" });
          }
          return await connection.provider.request(args as never);
        },
      },
      { retryCount: 0 },
    );
    const publicClient = createPublicClient({ chain: hardhat, transport: flaky }) as PublicClient;
    const { keeper, events } = await keeperFor(protocol, { publicClient });
    const report = await keeper.runPass();
    expect(events("rpc-retry")).to.have.length(3);
    expect(report.liquidations.map((l) => l.account)).to.have.members([addresses.carol, addresses.erin]);
  });

  it("sends nothing once aborted (the CLI's SIGINT), but still reports", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const controller = new AbortController();
    controller.abort();
    const { keeper, events } = await keeperFor(protocol, { signal: controller.signal });
    const report = await keeper.runPass();
    expect(report.underwater).to.have.members([addresses.carol, addresses.erin]);
    expect(report.liquidations).to.deep.equal([]);
    expect(events("liquidations-stopped")).to.have.length(1);
  });
});

describe("keeper helpers", function () {
  it("retries transport failures only, with growing capped delays", async function () {
    let calls = 0;
    const delays: number[] = [];
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw new HttpRequestError({ url: "http://x", details: "ECONNREFUSED" });
        return 42;
      },
      { baseDelayMs: 1, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(value).to.equal(42);
    expect(calls).to.equal(3);
    expect(delays).to.have.length(2);

    calls = 0;
    const revert = new ContractFunctionRevertedError({
      abi: [],
      functionName: "liquidate",
      message: "NotLiquidatable",
    });
    await withRetry(
      async () => {
        calls++;
        throw revert;
      },
      { baseDelayMs: 1 },
    ).catch(() => undefined);
    expect(calls, "a revert is an answer, not retried").to.equal(1);
    expect(
      isTransientRpcError(
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" }),
      ),
    ).to.equal(true);
    expect(
      isTransientRpcError(new Error("wrapped", { cause: new HttpRequestError({ url: "http://x" }) })),
    ).to.equal(true);

    const half = () => 0.5;
    expect(
      [1, 2, 3, 4].map((a) => backoffDelay(a, { baseDelayMs: 100, maxDelayMs: 500, random: half })),
    ).to.deep.equal([100, 200, 400, 500]);
  });

  it("logs JSON lines with bigints as decimal strings", function () {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: "info", write: (l) => lines.push(l), now: () => new Date(0) });
    logger.debug("hidden");
    logger.info("liquidated", { reward: 10n ** 20n, error: new Error("boom") });
    expect(lines).to.deep.equal([
      '{"ts":"1970-01-01T00:00:00.000Z","level":"info","event":"liquidated","reward":"100000000000000000000","error":"boom"}',
    ]);
  });
});
