// The ADL job on its own (scripts/lib/keeper/jobs/adl.ts), on the in-process network: the accounts are discovered
// and read as a keeper pass does, then only this job runs. What it reports is checked against the chain's own record
// (the liquidation engine's events, `pendingAdl`, `totalShortfall`, positions, the keeper's USDC) and against the
// contract's views read one block before (`adlRank`, `previewAdlStep`).
import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";

import { createAdlJob } from "../../../scripts/lib/keeper/jobs/index.js";
import { E18, GOLD, keeperAccount, keeperScenarios } from "../helpers/keeper-scenarios.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { goldScenario, pnlScenario, moveGold, closeGold, jobContextFor } = keeperScenarios(connection);

/** Ranking window of an ADL request, seconds. */
const RANKING_WINDOW = 60n;

/**
 * The gold scenario after erin has left and a crash to 2,000 made carol bankrupt; someone (the deployer) liquidated
 * her and the insurance fund could not cover it: a shortfall request is pending on GOLD, victims short (bob, dave).
 */
async function shortfallScenario() {
  const scenario = await goldScenario();
  await closeGold(scenario.protocol, scenario.addresses.erin);
  await moveGold(scenario.protocol, 2_000n);
  await (await scenario.protocol.liquidationEngine.liquidate(scenario.addresses.carol)).wait();
  return scenario;
}

describe("keeper job: adl", function () {
  this.timeout(120_000);

  it("submits the victim side by rank, waits for the window, then executes steps that cover exactly what they report", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(shortfallScenario);
    const { liquidationEngine: le, engine } = protocol;
    const [pending, requestId, request] = await le.pendingAdl();
    expect([pending, request.marketId, request.victimsLong]).to.deep.equal([true, GOLD, false]);
    const { ctx, pass, events } = await jobContextFor(protocol);

    const first = await pass();
    const rank = async (a: Address) => await le.adlRank(a, GOLD);
    const byRank = async (accounts: Address[]) => {
      const ranks = new Map<Address, bigint>();
      for (const a of accounts) ranks.set(a, await rank(a));
      return [...accounts].sort((a, b) => (ranks.get(b)! > ranks.get(a)! ? 1 : -1));
    };
    const order = await byRank([addresses.bob, addresses.dave]);
    await createAdlJob().run(ctx, first);
    expect(first.report.adl).to.deep.equal({
      pending: true,
      requestId,
      kind: "shortfall",
      submitted: order,
      executed: [],
      resolved: false,
      executableAt: request.openedAt + RANKING_WINDOW,
    });
    const submitted = await le.queryFilter(le.filters.AdlCandidateSubmitted());
    expect(submitted.map((l) => [l.args.requestId, l.args.account])).to.deep.equal(
      order.map((a) => [requestId, a]),
    );
    expect(events("adl-window-open")).to.have.length(1);
    // The bankrupt account and the candidates are named with their owner and sub-account id (plain accounts here).
    expect(events("adl-pending")[0]).to.deep.include({
      bankrupt: addresses.carol,
      bankruptOwner: addresses.carol,
      bankruptSubAccountId: "0",
    });
    expect(events("adl-candidate-submitted").map((e) => [e.account, e.owner, e.subAccountId])).to.deep.equal(
      order.map((a) => [a, a, "0"]),
    );

    // After the window, one step: the highest-ranked candidate, as previewed one block before.
    await networkHelpers.time.increase(61);
    const second = await pass();
    const [victim] = await byRank([addresses.bob, addresses.dave]);
    const [sizeDelta, price, covered] = await le.previewAdlStep(victim);
    const shortfallBefore = await le.totalShortfall();
    const sizeBefore = (await engine.position(victim, GOLD)).size;
    await createAdlJob({ maxStepsPerPass: 1 }).run(ctx, second);
    const [step] = await le.queryFilter(le.filters.AdlExecuted());
    expect(second.report.adl.executed).to.deep.equal([
      {
        kind: "shortfall",
        victim,
        victimOwner: victim,
        victimSubAccountId: 0n,
        sizeDelta,
        price,
        coveredUsd: covered,
        callerRewardUsd: 0n,
        txHash: step.transactionHash,
      },
    ]);
    expect(covered > 0n).to.equal(true);
    expect(await le.totalShortfall()).to.equal(shortfallBefore - covered);
    expect((await engine.position(victim, GOLD)).size).to.equal(sizeBefore + sizeDelta);

    // The next runs work the queue to the end; every step's cover comes off the total.
    const sizes = new Map<Address, bigint>();
    for (const a of [addresses.bob, addresses.dave]) sizes.set(a, (await engine.position(a, GOLD)).size);
    const before = await le.totalShortfall();
    expect(before > 0n).to.equal(true);
    const steps = [];
    for (let i = 0; i < 4 && (await le.totalShortfall()) > 0n; i++) {
      await networkHelpers.time.increase(61);
      const state = await pass();
      await createAdlJob().run(ctx, state);
      steps.push(...state.report.adl.executed);
    }
    expect(await le.totalShortfall()).to.equal(0n);
    expect(steps.length > 0).to.equal(true);
    expect(steps.reduce((sum, s) => sum + s.coveredUsd, 0n)).to.equal(before);
    for (const a of [addresses.bob, addresses.dave])
      expect((await engine.position(a, GOLD)).size).to.equal(
        sizes.get(a)! + steps.filter((s) => s.victim === a).reduce((sum, s) => sum + s.sizeDelta, 0n),
      );
    expect((await le.pendingAdl())[0]).to.equal(false);
  });

  it("queues a pnl-factor reduction, then closes the winner's whole position and is paid the caller reward", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(pnlScenario);
    const { liquidationEngine: le } = protocol;
    // GOLD 2,400 → 3,100: carol's 40 GOLD long is about 28,000 USD up, above 10 % of the vault's ~200,000 of cash.
    await moveGold(protocol, 3_100n);
    const { ctx, pass } = await jobContextFor(protocol);
    const first = await pass();
    await createAdlJob().run(ctx, first);
    const [requested] = await le.queryFilter(le.filters.PnlReductionRequested());
    expect(requested.args.traderProfit > requested.args.cash / 10n).to.equal(true);
    const [, , request] = await le.pendingAdl();
    expect(first.report.adl).to.deep.equal({
      pending: true,
      requestId: 0n,
      kind: "pnlReduction",
      submitted: [addresses.carol],
      executed: [],
      resolved: false,
      executableAt: request.openedAt + RANKING_WINDOW,
      pnlReductionRequested: {
        requestId: 0n,
        marketId: GOLD,
        traderProfitUsd: requested.args.traderProfit,
        cashUsd: requested.args.cash,
      },
    });

    await networkHelpers.time.increase(61);
    const second = await pass();
    const usdcBefore = await protocol.usdc.balanceOf(keeperAccount.address);
    await createAdlJob().run(ctx, second);
    const [executed] = await le.queryFilter(le.filters.PnlReductionExecuted());
    // The keeper's share: 20 % of the vault's part of the fee (the fee less the insurance fund's 10 %, rounded
    // down), in whole USDC units.
    const fee = executed.args.fee;
    const callerReward = ((fee - fee / 10n) / 5n / 10n ** 12n) * 10n ** 12n;
    expect(second.report.adl.executed).to.deep.equal([
      {
        kind: "pnlReduction",
        victim: addresses.carol,
        victimOwner: addresses.carol,
        victimSubAccountId: 0n,
        sizeDelta: -40n * E18,
        price: executed.args.fillPrice,
        coveredUsd: 0n,
        callerRewardUsd: callerReward,
        txHash: executed.transactionHash,
      },
    ]);
    expect(executed.args.callerReward).to.equal(callerReward);
    expect((await protocol.usdc.balanceOf(keeperAccount.address)) - usdcBefore).to.equal(
      callerReward / 10n ** 12n,
    );
    expect(second.report.adl.resolved).to.equal(true);
    expect((await le.pendingAdl())[0]).to.equal(false);
  });

  it("dry run without a key: says what it would submit and execute, sends nothing", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(shortfallScenario);
    const { liquidationEngine: le } = protocol;
    const [, requestId, request] = await le.pendingAdl();
    const { ctx, pass, events } = await jobContextFor(protocol, { walletClient: undefined });
    const first = await pass();
    const [bobRank, daveRank] = [
      await le.adlRank(addresses.bob, GOLD),
      await le.adlRank(addresses.dave, GOLD),
    ];
    await createAdlJob().run(ctx, first);
    expect(events("would-submitAdlCandidate").map((e) => e.account)).to.deep.equal(
      bobRank > daveRank ? [addresses.bob, addresses.dave] : [addresses.dave, addresses.bob],
    );
    expect(first.report.adl).to.deep.include({
      submitted: [],
      executableAt: request.openedAt + RANKING_WINDOW,
    });
    expect(events("adl-window-open")).to.have.length(1);
    expect((await le.pendingAdl())[3]).to.deep.equal([]);

    // Someone else submits them; after the window the dry run would execute, and still sends nothing.
    for (const a of [addresses.bob, addresses.dave]) await (await le.submitAdlCandidate(a)).wait();
    await networkHelpers.time.increase(61);
    const shortfall = await le.totalShortfall();
    const second = await pass();
    await createAdlJob().run(ctx, second);
    expect(events("would-executeAdl")).to.deep.equal([
      {
        ts: events("would-executeAdl")[0].ts,
        level: "info",
        event: "would-executeAdl",
        requestId: `${requestId}`,
      },
    ]);
    expect(second.report.adl.executed).to.deep.equal([]);
    expect(await le.totalShortfall()).to.equal(shortfall);
    expect(await le.queryFilter(le.filters.AdlExecuted())).to.deep.equal([]);
  });
});
