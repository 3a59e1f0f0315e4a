// The keeper's pass on the in-process network (viem clients on Hardhat's provider, the same code the CLI runs):
// discovery from events, dry run, back-to-back liquidations and the keeper's pay, a liquidation whose closes do not
// fit their forced-close bound (after the pass's own first liquidation, or after someone pushed the skew: logged,
// retried on the next pass, not an error), the profit threshold, ADL over several passes (submit, wait for the
// window, execute until covered), the rotation of a stuck ADL request, a pnl-factor reduction requested and
// executed, retries of RPC failures, and abort. Each job on its own is in liquidations.test.ts and adl.test.ts, the
// command line in cli.test.ts, the CLI against a real node in ../e2e-keeper.test.ts.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, HttpRequestError, type PublicClient } from "viem";
import { hardhat } from "viem/chains";

import { E18, keeperAccount, keeperScenarios } from "../helpers/keeper-scenarios.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { goldScenario, pnlScenario, moveGold, frankTrades, closeGold, positions, keeperFor } =
  keeperScenarios(connection);

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

  it("liquidates back to back and is paid; a liquidation the first one's close pushed beyond its bound waits for the next pass", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const usdcBefore = await protocol.usdc.balanceOf(keeperAccount.address);
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);
    const { keeper, events } = await keeperFor(protocol);
    const report = await keeper.runPass();
    // Both go out back to back (the keeper counts the nonce itself); the in-process node runs each as it arrives, so
    // erin's, which reverts, is answered as a failed send (a node that queues it would show a reverted receipt).
    const sent = events("liquidation-sent");
    expect(sent[0].account).to.equal(addresses.carol);
    expect((await ethers.provider.getTransaction(sent[0].txHash as string))!.nonce).to.equal(nonce);
    expect(await ethers.provider.getTransactionCount(keeperAccount.address)).to.equal(nonce + 2);
    // Carol's close (a sell of 30 GOLD) takes the skew from −10 to −40, 30 below the skew of the fair premium
    // (about −10, an hour after the last trade). Erin's close of 10 is bounded by its own impact from there: a sell
    // of a from −40 averages (−40 − a/2) / skewScale, the bound (−10 − 10/2) / skewScale, so a ≤ 10 − 2 × 30 < 0:
    // nothing fits, the mined transaction reverts LiquidationBeyondBound, and that is not an error.
    expect(report.liquidations.map((l) => l.account)).to.deep.equal([addresses.carol]);
    expect(report.beyondBound).to.deep.equal([addresses.erin]);
    expect(report.skipped).to.deep.equal([{ account: addresses.erin, reason: "beyond-bound" }]);
    expect(report.errors).to.equal(0);
    expect(events("liquidation-beyond-bound")).to.have.length(1);
    expect(events("liquidation-beyond-bound")[0].account).to.equal(addresses.erin);
    expect(events("liquidation-beyond-bound")[0].at).to.be.oneOf(["send", "mined"]);
    expect(events("liquidation-reverted")).to.deep.equal([]);
    expect((await protocol.usdc.balanceOf(keeperAccount.address)) - usdcBefore).to.equal(
      report.liquidations[0].keeperRewardUsd / 10n ** 12n,
    );
    expect(await positions(protocol, addresses.carol)).to.equal(0);
    expect(await positions(protocol, addresses.erin)).to.equal(1);

    // Buyers bring the skew back to the fair premium's: the next pass liquidates erin.
    await frankTrades(protocol, 30n * E18);
    const second = await keeper.runPass();
    expect(second.liquidations.map((l) => l.account)).to.deep.equal([addresses.erin]);
    expect(second.beyondBound).to.deep.equal([]);
    expect(await positions(protocol, addresses.erin)).to.equal(0);
    expect(await positions(protocol, addresses.bob)).to.equal(1);

    const third = await keeper.runPass();
    expect(third.underwater).to.deep.equal([]);
    expect(third.liquidations).to.deep.equal([]);
    expect(keeper.accounts.has(addresses.carol), "flat accounts are forgotten").to.equal(false);
  });

  it("logs accounts whose closes do not fit their bound after a push, sends nothing for them, retries next pass", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    // A 20 GOLD sell pushes the skew from −10 to −30 right before the pass. Carol's sell of 30 fits only
    // a ≤ 30 − 2 × 20 < 0, erin's a ≤ 10 − 2 × 20 < 0: the preview closes nothing for either.
    await frankTrades(protocol, -20n * E18);
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);
    const { keeper, events } = await keeperFor(protocol);
    const report = await keeper.runPass();
    expect(report.underwater).to.have.members([addresses.carol, addresses.erin]);
    expect(report.beyondBound).to.have.members([addresses.carol, addresses.erin]);
    expect(report.liquidations).to.deep.equal([]);
    expect(report.errors).to.equal(0);
    expect(events("liquidation-beyond-bound").map((e) => e.account)).to.have.members([
      addresses.carol,
      addresses.erin,
    ]);
    expect(await ethers.provider.getTransactionCount(keeperAccount.address)).to.equal(nonce);

    // The push is bought back: carol's close fits again.
    await frankTrades(protocol, 20n * E18);
    const second = await keeper.runPass();
    expect(second.liquidations.map((l) => l.account)).to.include(addresses.carol);
    expect(await positions(protocol, addresses.carol)).to.equal(0);
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
    // Erin leaves first; then a 16.7 % crash makes carol bankrupt and the insurance fund cannot cover her.
    await closeGold(protocol, addresses.erin);
    await moveGold(protocol, 2_000n);
    const { keeper, events } = await keeperFor(protocol);
    const first = await keeper.runPass();
    expect(first.liquidations.map((l) => l.account)).to.deep.equal([addresses.carol]);
    expect(first.liquidations[0].shortfallForAdlUsd).to.be.greaterThan(0n);
    expect(first.adl.pending).to.equal(true);
    expect(first.adl.kind).to.equal("shortfall");
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
    expect(second.adl.executed[0].kind).to.equal("shortfall");
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

  it("rotates an ADL request no candidate can cover once its stuck window has passed", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    // Every short leaves (and erin): when carol goes bankrupt, no account holds the victim side.
    for (const who of [addresses.bob, addresses.dave, addresses.erin]) await closeGold(protocol, who);
    await moveGold(protocol, 2_000n);
    const { keeper, events } = await keeperFor(protocol);
    const first = await keeper.runPass();
    expect(first.liquidations.map((l) => l.account)).to.deep.equal([addresses.carol]);
    expect(first.adl).to.deep.include({ pending: true, requestId: 0n, submitted: [] });
    const [, , opened] = await protocol.liquidationEngine.pendingAdl();
    // rotatableAt = max(openedAt + 60 s ranking window, lastProgressAt) + 15 min stuck window.
    const rotatableAt = opened.openedAt + 60n + 900n;

    // After the ranking window the request cannot be worked (no candidate), and it is not stuck yet.
    await networkHelpers.time.increase(61);
    const second = await keeper.runPass();
    expect(second.adl.executed).to.deep.equal([]);
    expect(second.adl.rotated).to.equal(undefined);
    expect(events("executeAdl-rejected").at(-1)?.revert).to.deep.include({ name: "NoAdlCandidates" });

    // Once rotatableAt has passed with no ranked candidate, the keeper moves it to the back of the queue.
    await networkHelpers.time.increaseTo(rotatableAt);
    const third = await keeper.runPass();
    expect(third.adl.rotated).to.deep.equal({ requestId: 0n, newRequestId: 1n });
    expect(events("adl-rotated")).to.have.length(1);
    const [pending, requestId, request] = await protocol.liquidationEngine.pendingAdl();
    expect([pending, requestId, request.account, request.remaining]).to.deep.equal([
      true,
      1n,
      opened.account,
      opened.remaining,
    ]);
  });

  it("requests a pnl-factor reduction when traders' profit passes its limit, then executes it and is paid", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(pnlScenario);
    const gold = 2n;
    // GOLD 2,400 → 3,100: carol's 40 GOLD long is about 40 × 700 = 28,000 USD up, above 10 % of the vault's
    // ~200,000 USD of cash.
    await moveGold(protocol, 3_100n);
    const { keeper, events } = await keeperFor(protocol);
    const first = await keeper.runPass();
    expect(first.adl.pnlReductionRequested).to.deep.include({ requestId: 0n, marketId: gold });
    const requested = first.adl.pnlReductionRequested!;
    expect(requested.traderProfitUsd > requested.cashUsd / 10n).to.equal(true);
    expect(first.adl).to.deep.include({ pending: true, requestId: 0n, kind: "pnlReduction" });
    expect(first.adl.submitted).to.deep.equal([addresses.carol]);
    expect(events("adl-window-open")).to.have.length(1);

    await networkHelpers.time.increase(61);
    const usdcBefore = await protocol.usdc.balanceOf(keeperAccount.address);
    const second = await keeper.runPass();
    // Carol's whole position closed at the bounded market fill with the trading fee; then the factor is back
    // within its limit and the next step resolves the request.
    expect(second.adl.executed).to.have.length(1);
    const [step] = second.adl.executed;
    expect(step).to.deep.include({ kind: "pnlReduction", victim: addresses.carol, sizeDelta: -40n * E18 });
    expect(second.adl.resolved).to.equal(true);
    expect(await positions(protocol, addresses.carol)).to.equal(0);
    // The caller earns keeperShare (20 %) of the vault's part of the fee (the fee less the insurance fund's 10 %,
    // rounded down), in whole USDC units, from the liquidity vault.
    const [executed] = events("pnl-reduction-executed");
    const fee = BigInt(executed.feeUsd as string);
    const vaultPart = fee - fee / 10n;
    expect(step.callerRewardUsd).to.equal((vaultPart / 5n / 10n ** 12n) * 10n ** 12n);
    expect((await protocol.usdc.balanceOf(keeperAccount.address)) - usdcBefore).to.equal(
      step.callerRewardUsd / 10n ** 12n,
    );
    expect((await protocol.liquidationEngine.pendingAdl())[0]).to.equal(false);
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
    expect(report.liquidations.map((l) => l.account)).to.deep.equal([addresses.carol]);
    expect(report.beyondBound).to.deep.equal([addresses.erin]);
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
