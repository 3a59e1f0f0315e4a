// The liquidations job on its own (scripts/lib/keeper/jobs/liquidations.ts), on the in-process network: the accounts
// are discovered and read as a keeper pass does, then only this job runs. What it reports is checked against the
// chain's own record (the engine's `Liquidated` events, the positions, the keeper's USDC) and against the contract's
// `previewLiquidation` read one block before.
import { expect } from "chai";
import { network } from "hardhat";

import { DRY_RUN_FROM } from "../../../scripts/lib/keeper/context.js";
import { createLiquidationsJob } from "../../../scripts/lib/keeper/jobs/index.js";
import { GOLD, keeperAccount, keeperScenarios } from "../helpers/keeper-scenarios.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { goldScenario, moveGold, jobContextFor } = keeperScenarios(connection);

describe("keeper job: liquidations", function () {
  this.timeout(120_000);

  it("liquidates the account below maintenance margin exactly as previewed, and is paid its reward", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    const { liquidationEngine, engine, usdc } = protocol;
    await moveGold(protocol, 2_150n);
    const { ctx, pass, events } = await jobContextFor(protocol);
    const state = await pass();
    // Accounts in the order they first traded; carol and erin (the GOLD longs) are below maintenance margin.
    expect(state.report.underwater).to.deep.equal([addresses.carol, addresses.erin]);
    const preview = await liquidationEngine.previewLiquidation(addresses.carol);
    expect(preview.liquidatable).to.equal(true);
    expect(preview.marketIds).to.deep.equal([GOLD]);
    const sizeBefore = (await engine.position(addresses.carol, GOLD)).size;
    const usdcBefore = await usdc.balanceOf(keeperAccount.address);
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);

    await createLiquidationsJob().run(ctx, state);

    // The chain's record of it.
    const logs = await liquidationEngine.queryFilter(liquidationEngine.filters.Liquidated());
    expect(logs).to.have.length(1);
    const [log] = logs;
    const receipt = await ethers.provider.getTransactionReceipt(log.transactionHash);
    expect(state.report.liquidations).to.deep.equal([
      {
        account: addresses.carol,
        owner: addresses.carol,
        subAccountId: 0n,
        txHash: log.transactionHash,
        notionalClosedUsd: log.args.notionalClosed,
        feeUsd: log.args.fee,
        keeperRewardUsd: log.args.keeperReward,
        insuranceFeeUsd: log.args.insuranceFee,
        partialOnly: log.args.partialOnly,
        shortfallForAdlUsd: 0n,
        gasUsed: receipt!.gasUsed,
      },
    ]);
    expect(log.args.keeper).to.equal(keeperAccount.address);
    // What the preview said (GOLD's τ = 0: an hour after the last trade the fill price does not depend on the block).
    const [record] = state.report.liquidations;
    expect([record.notionalClosedUsd, record.keeperRewardUsd, record.insuranceFeeUsd]).to.deep.equal([
      preview.notionalClosed,
      preview.keeperReward,
      preview.insuranceFee,
    ]);
    expect((await engine.position(addresses.carol, GOLD)).size).to.equal(sizeBefore + preview.sizeDeltas[0]);
    expect((await usdc.balanceOf(keeperAccount.address)) - usdcBefore).to.equal(
      record.keeperRewardUsd / 10n ** 12n,
    );
    expect(events("liquidated")).to.have.length(1);

    // Erin's close no longer fits its bound after carol's (see keeper.test.ts): sent back to back, not liquidated,
    // not an error.
    expect(await ethers.provider.getTransactionCount(keeperAccount.address)).to.equal(nonce + 2);
    expect(state.report.beyondBound).to.deep.equal([addresses.erin]);
    expect(state.report.errors).to.equal(0);
    expect((await engine.position(addresses.erin, GOLD)).size).to.equal(10n * 10n ** 18n);
  });

  it("sends at most maxPerPass liquidations, the most profitable first", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const { ctx, pass } = await jobContextFor(protocol);
    const state = await pass();
    const [carol, erin] = [
      await protocol.liquidationEngine.previewLiquidation(addresses.carol),
      await protocol.liquidationEngine.previewLiquidation(addresses.erin),
    ];
    // Same gas for both closes within a few percent, so the larger reward is the larger profit.
    expect(carol.keeperReward > erin.keeperReward).to.equal(true);
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);

    await createLiquidationsJob({ maxPerPass: 1 }).run(ctx, state);

    expect(state.report.liquidations.map((l) => l.account)).to.deep.equal([addresses.carol]);
    expect(state.report.beyondBound).to.deep.equal([]);
    expect(await ethers.provider.getTransactionCount(keeperAccount.address)).to.equal(nonce + 1);
    expect((await protocol.engine.position(addresses.erin, GOLD)).size).to.equal(10n * 10n ** 18n);
  });

  it("dry run without a key: reports the previewed candidates with their gas cost, sends nothing", async function () {
    const { protocol, addresses } = await networkHelpers.loadFixture(goldScenario);
    await moveGold(protocol, 2_150n);
    const { ctx, pass, events } = await jobContextFor(protocol, { walletClient: undefined });
    expect(ctx.dryRun).to.equal(true);
    expect(ctx.keeperAddress).to.equal(DRY_RUN_FROM);
    const state = await pass();
    const nonce = await ethers.provider.getTransactionCount(keeperAccount.address);

    await createLiquidationsJob({ nativePriceUsd: 3_000n * 10n ** 18n }).run(ctx, state);

    const candidates = state.report.wouldLiquidate;
    expect(candidates.map((c) => c.account)).to.deep.equal([addresses.carol, addresses.erin]);
    for (const c of candidates) {
      const p = await protocol.liquidationEngine.previewLiquidation(c.account);
      expect(c).to.deep.include({
        maintenanceMarginUsd: p.maintenanceMargin,
        keeperRewardUsd: p.keeperReward,
        insuranceFeeUsd: p.insuranceFee,
        notionalClosedUsd: p.notionalClosed,
        expectedBadDebtUsd: p.expectedBadDebt,
      });
      // The gas of `liquidate` from the dry-run address, priced at the given 3,000 USD per ETH.
      const gas = await ethers.provider.estimateGas({
        from: DRY_RUN_FROM,
        to: await protocol.liquidationEngine.getAddress(),
        data: protocol.liquidationEngine.interface.encodeFunctionData("liquidate", [c.account]),
      });
      expect(c.gas).to.equal(gas);
      expect(c.gasCostUsd > 0n).to.equal(true);
      expect(c.gasCostUsd % (gas * 3_000n)).to.equal(0n);
      expect(c.profitUsd).to.equal(c.keeperRewardUsd - c.gasCostUsd);
    }
    expect(events("would-liquidate")).to.have.length(2);
    expect(state.report.liquidations).to.deep.equal([]);
    expect(await ethers.provider.getTransactionCount(keeperAccount.address)).to.equal(nonce);
    expect(
      await protocol.liquidationEngine.queryFilter(protocol.liquidationEngine.filters.Liquidated()),
    ).to.deep.equal([]);
  });
});
