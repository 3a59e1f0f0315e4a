// Integration: liquidation, the insurance fund and auto-deleveraging driven entirely through the SDK on the
// in-process network. A mock feed moves an account below maintenance margin; liquidation values at the fair price,
// which follows the oracle at once (only its premium term is slow), so a keeper liquidates in the next block. Each
// close is bounded by its own impact from the fair premium: a push of the skew right before a liquidation makes it
// revert `LiquidationBeyondBound` until the skew comes back. ETH and BTC have τ = 0 here (the fair premium reaches
// the skew premium within the 0.1 %/h drift cap), so successive slices close exactly their size. Then a bankrupt
// account with a small insurance fund opens an ADL request; candidates are submitted, the 60 s window passes and ADL
// executes, each step covering at exit prices. Every result is checked through the SDK's reads and its pure math
// (fee split, preview, ADL rank and step), and the watchers must have seen the events.
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import {
  adlDeleverageSize,
  adlExecutable,
  adlVictimRank,
  createPerpClient,
  deploymentFromLocalProtocol,
  isPerpContractError,
  liquidationFeeSplit,
  parseSize,
  parseUsdc,
  PerpContractError,
  pnlReductionTarget,
  positionAdlRank,
  simulateLiquidation,
  toUsd,
  WalletRequiredError,
  type Account,
  type AdlEvent,
  type LiquidateReturnType,
  type LiquidationEvent,
  type PerpClient,
  type PerpDeployment,
} from "../../sdk/src/index.js";
import { toContractLiquidationConfig } from "./helpers/liquidation-config.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;
const BTC = 1n;
/** Long enough for the fair premium (τ = 0) to reach the skew premium of any of these trades under the drift cap. */
const FAIR_CATCH_UP = 1_800;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (done: () => boolean) => {
  for (let i = 0; i < 150 && !done(); i++) await sleep(20);
};

describe("SDK liquidation, insurance fund and ADL against the in-process network", function () {
  let protocol: LocalProtocol;
  let deployment: PerpDeployment;
  let publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>;
  let lp: PerpClient;
  let keeper: PerpClient;
  let alice: PerpClient;
  let carol: PerpClient;
  let dave: PerpClient;
  let erin: PerpClient;
  let frank: PerpClient;
  let keeperAddress: Address;
  let address: Record<"alice" | "carol" | "dave" | "erin" | "frank", Address>;
  const liquidationEvents: LiquidationEvent[] = [];
  const adlEvents: AdlEvent[] = [];
  const unwatch: (() => void)[] = [];

  const setPrice = async (marketIndex: number, price: bigint) =>
    (await protocol.markets[marketIndex].feed.updateAnswer(price * 10n ** 8n)).wait();

  async function expectRevert(from: Address, run: () => Promise<unknown>): Promise<PerpContractError> {
    const nonce = await publicClient.getTransactionCount({ address: from });
    let caught: unknown;
    try {
      await run();
    } catch (e) {
      caught = e;
    }
    expect(caught, "expected the action to throw").to.be.instanceOf(PerpContractError);
    expect(await publicClient.getTransactionCount({ address: from }), "nothing sent").to.equal(nonce);
    return caught as PerpContractError;
  }

  /** The SDK's whole-USDC fee split, on the collateral the liquidation's own fills left before the fee. */
  function expectSplitMatches(
    r: LiquidateReturnType,
    before: Account,
    fundAvailable: bigint,
    config: Awaited<ReturnType<PerpClient["getLiquidationConfig"]>>,
  ) {
    const afterCloses = r.fills.reduce(
      (c, f) => c + f.realisedPnlUsd - f.fundingSettledUsd,
      before.collateralUsd,
    );
    const split = liquidationFeeSplit(r.notionalClosedUsd, afterCloses, fundAvailable, config);
    expect([r.feeUsd, r.keeperRewardUsd, r.insuranceFeeUsd]).to.deep.equal([
      split.feeUsd,
      split.keeperRewardUsd,
      split.insuranceFeeUsd,
    ]);
    return split;
  }

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
      startBlock: Number(await publicClient.getBlockNumber()),
    });
    const client = (i: number) => createPerpClient({ publicClient, walletClient: wallets[i], deployment });
    [lp, keeper, alice, carol, dave, erin, frank] = [1, 2, 3, 4, 5, 6, 7].map(client);
    keeperAddress = getAddress(wallets[2].account.address);
    address = {
      alice: getAddress(wallets[3].account.address),
      carol: getAddress(wallets[4].account.address),
      dave: getAddress(wallets[5].account.address),
      erin: getAddress(wallets[6].account.address),
      frank: getAddress(wallets[7].account.address),
    };
    for (const w of wallets.slice(1, 8))
      await (await protocol.usdc.mint(w.account.address, parseUsdc("2000000"))).wait();
    for (const id of [ETH, BTC]) {
      const p = await protocol.engine.marketParams(id);
      await (
        await protocol.engine.setMarketParams(id, {
          oracle: p.oracle,
          fairTau: 0n,
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
        })
      ).wait();
    }
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000") });
    unwatch.push(keeper.watchLiquidations({ onLiquidations: (e) => liquidationEvents.push(...e) }));
    unwatch.push(keeper.watchAdl({ onAdl: (e) => adlEvents.push(...e) }));
    await sleep(100); // the watchers start from the block after the current one
  });

  after(() => unwatch.forEach((stop) => stop()));

  it("reads the insurance fund, the liquidation config and an empty ADL queue", async function () {
    const fund = await keeper.getInsuranceFund();
    expect(fund.address).to.equal(deployment.contracts.insuranceFund);
    expect(fund.feeRecipient).to.equal(deployment.contracts.insuranceFund);
    expect(fund.feeShare).to.equal(E18 / 10n);
    expect([fund.balanceUsd, fund.totalBadDebtCoveredUsd, fund.totalKeeperRewardsPaidUsd]).to.deep.equal([
      0n,
      0n,
      0n,
    ]);
    const config = await keeper.getLiquidationConfig();
    expect(config).to.deep.equal({
      feeRate: (5n * E18) / 1000n,
      keeperShare: E18 / 5n,
      minKeeperRewardUsd: 5n * E18,
      maxKeeperRewardUsd: 1_000n * E18,
      partialNotionalUsd: 250_000n * E18,
      sliceFraction: E18 / 5n,
      cooldown: 30n,
    });
    const adl = await keeper.getPendingAdl();
    expect(adl.request).to.equal(undefined);
    expect(adl.candidates).to.deep.equal([]);
    expect([adl.executable, adl.totalShortfallUsd, adl.rankingWindow, adl.maxCandidates]).to.deep.equal([
      false,
      0n,
      60n,
      8n,
    ]);
    expect(await keeper.getTotalShortfall()).to.equal(0n);
  });

  it("liquidates at the fair price, which follows the oracle at once, with the fee split the SDK computes", async function () {
    await alice.deposit({ amountUsdc: parseUsdc("1000") });
    await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("6") });
    const healthy = await keeper.previewLiquidation({ account: address.alice });
    expect(healthy.liquidatable).to.equal(false);
    expect(healthy.closes).to.deep.equal([]);
    const notYet = await expectRevert(keeperAddress, () => keeper.liquidate({ account: address.alice }));
    expect(notYet.errorName).to.equal("NotLiquidatable");
    expect(notYet.category).to.equal("liquidation");
    expect(notYet.shortMessage).to.match(/^Account 0x[0-9a-fA-F]{40} is not liquidatable/);
    // The gas estimate answers the same: the decoded revert, from the wallet or from any `from` (a dry run).
    const readOnly = createPerpClient({ publicClient, deployment });
    const estimateRefused = await expectRevert(keeperAddress, () =>
      keeper.estimateLiquidateGas({ account: address.alice }),
    );
    expect(estimateRefused.errorName).to.equal("NotLiquidatable");
    const fromRefused = await expectRevert(keeperAddress, () =>
      readOnly.estimateLiquidateGas({ account: address.alice, from: keeperAddress }),
    );
    expect(fromRefused.errorName).to.equal("NotLiquidatable");
    let noFrom: unknown;
    try {
      await readOnly.estimateLiquidateGas({ account: address.alice });
    } catch (e) {
      noFrom = e;
    }
    expect(noFrom).to.be.instanceOf(WalletRequiredError);

    // ETH −4 %: the fair price is oracle × (1 + fair premium), so the account is below maintenance at once. 6 ETH
    // at 2,880 is 17,280 of notional, MM 2.5 % = 432; the equity is about 1,000 − 6 × 120 − fees ≈ 270.
    await setPrice(0, 2_880n);
    const before = await alice.getAccount();
    expect(before.marginAtFair.equityUsd < before.marginAtFair.maintenanceMarginUsd).to.equal(true);
    expect(before.liquidatable).to.equal(true);
    const [preview, fund, config] = await Promise.all([
      keeper.previewLiquidation({ account: address.alice, blockNumber: before.blockNumber }),
      keeper.getInsuranceFund({ blockNumber: before.blockNumber }),
      keeper.getLiquidationConfig(),
    ]);
    const simulated = simulateLiquidation(
      before,
      { config, fundAvailableUsd: fund.availableUsd, lastPartialLiquidation: before.lastPartialLiquidation },
      before.timestamp,
    );
    expect(preview).to.deep.include({
      liquidatable: simulated.liquidatable,
      maintenanceMarginUsd: simulated.maintenanceMarginUsd,
      notionalClosedUsd: simulated.notionalClosedUsd,
      keeperRewardUsd: simulated.keeperRewardUsd,
      insuranceFeeUsd: simulated.insuranceFeeUsd,
      expectedBadDebtUsd: 0n,
    });
    expect(preview.closes).to.deep.equal([{ marketId: ETH, sizeDelta: -parseSize("6") }]);
    expect(preview.keeperRewardUsd % 10n ** 12n).to.equal(0n); // whole USDC units

    // The node's own estimate of the same call, from the wallet or the given `from`; the liquidation uses no more.
    const gas = await keeper.estimateLiquidateGas({ account: address.alice });
    expect(gas).to.equal(
      await ethers.provider.estimateGas({
        from: keeperAddress,
        to: deployment.contracts.liquidationEngine,
        data: protocol.liquidationEngine.interface.encodeFunctionData("liquidate", [address.alice]),
      }),
    );
    expect(await readOnly.estimateLiquidateGas({ account: address.alice, from: keeperAddress })).to.equal(
      gas,
    );

    const usdcBefore = await protocol.usdc.balanceOf(keeperAddress);
    const r = await keeper.liquidate({ account: address.alice });
    expect(r.receipt.gasUsed <= gas).to.equal(true);
    expect(r.account).to.equal(address.alice);
    expect(r.keeper).to.equal(keeperAddress);
    expect(r.partialOnly).to.equal(false);
    expect(r.notionalClosedUsd).to.equal(preview.notionalClosedUsd); // same skew and oracle: the same fill
    expect(r.fills).to.have.length(1);
    expect(r.fills[0]).to.deep.include({ marketId: ETH, sizeDelta: -parseSize("6"), newSize: 0n });
    const split = expectSplitMatches(r, before, fund.availableUsd, config);
    expect(split.fundTopUpUsd).to.equal(0n); // the account could pay its keeper
    expect(r.keeperRewardUsd).to.equal(preview.keeperRewardUsd);
    expect(r.feeUsd).to.equal((r.notionalClosedUsd * 5n + 999n) / 1000n);
    expect([r.badDebtCoveredByFundUsd, r.shortfallForAdlUsd, r.keeperRewardCreditedUsd]).to.deep.equal([
      0n,
      0n,
      0n,
    ]);
    expect(r.adlRequest).to.equal(undefined);
    expect(await protocol.usdc.balanceOf(keeperAddress)).to.equal(
      usdcBefore + r.keeperRewardUsd / 10n ** 12n,
    );

    const after = await alice.getAccount();
    expect(after.positions).to.deep.equal([]);
    expect(after.collateralUsd).to.equal(
      before.collateralUsd + r.fills[0].realisedPnlUsd - r.fills[0].fundingSettledUsd - split.fromAccountUsd,
    );
    expect(r.lossAbsorbedByCollateralUsd).to.equal(before.collateralUsd - after.collateralUsd);
    const fundAfter = await keeper.getInsuranceFund();
    expect(fundAfter.balanceUsd).to.equal(fund.balanceUsd + r.insuranceFeeUsd);

    await waitFor(() =>
      liquidationEvents.some((e) => e.transactionHash === r.hash && e.type === "liquidated"),
    );
    const seen = liquidationEvents.filter((e) => e.transactionHash === r.hash);
    expect(seen.map((e) => e.type)).to.deep.equal(["liquidated", "lossAbsorbedByCollateral"]);
    expect(seen[0]).to.deep.include({
      account: address.alice,
      keeper: keeperAddress,
      notionalClosedUsd: r.notionalClosedUsd,
      keeperRewardUsd: r.keeperRewardUsd,
      insuranceFeeUsd: r.insuranceFeeUsd,
      partialOnly: false,
    });
  });

  it("slices a position above the partial threshold and honours the cooldown", async function () {
    await (
      await protocol.liquidationEngine.setConfig(
        toContractLiquidationConfig({
          ...(await keeper.getLiquidationConfig()),
          partialNotionalUsd: 10_000n * E18,
        }),
      )
    ).wait();
    expect((await keeper.getLiquidationConfig()).partialNotionalUsd).to.equal(10_000n * E18);
    await carol.deposit({ amountUsdc: parseUsdc("2000") });
    await carol.openPosition({ marketId: ETH, side: "long", size: parseSize("10") });
    await setPrice(0, 2_700n);
    await networkHelpers.time.increase(FAIR_CATCH_UP);

    // A 10 ETH sell right before the liquidation pushes the skew 10 below the fair premium's: carol's slice (a sell
    // of 2) would average (skew − a/2) / skewScale against a bound of (fairSkew − 1) / skewScale, so a ≤ 2 − 2 × 10 <
    // 0 fits. The view says so, and `liquidate` reverts LiquidationBeyondBound, decoded before sending.
    await erin.deposit({ amountUsdc: parseUsdc("20000") });
    await erin.openPosition({ marketId: ETH, side: "short", size: parseSize("10") });
    const pushed = await carol.getAccount();
    const [pushedPreview, pushedFund, pushedConfig] = await Promise.all([
      keeper.previewLiquidation({ account: address.carol, blockNumber: pushed.blockNumber }),
      keeper.getInsuranceFund({ blockNumber: pushed.blockNumber }),
      keeper.getLiquidationConfig(),
    ]);
    const pushedSim = simulateLiquidation(
      pushed,
      { config: pushedConfig, fundAvailableUsd: pushedFund.availableUsd },
      pushed.timestamp,
    );
    expect(pushedSim).to.deep.include({ liquidatable: false, notionalClosedUsd: 0n, cut: true });
    expect(pushedSim.refusal).to.equal("LiquidationBeyondBound");
    expect(pushedSim.closes[0]).to.deep.include({ requestedDelta: -parseSize("2"), sizeDelta: 0n });
    expect(pushedPreview).to.deep.include({
      liquidatable: false,
      notionalClosedUsd: 0n,
      keeperRewardUsd: 0n,
    });
    expect(pushedPreview.closes).to.deep.equal([{ marketId: ETH, sizeDelta: 0n }]);
    const beyond = await expectRevert(keeperAddress, () => keeper.liquidate({ account: address.carol }));
    expect(isPerpContractError(beyond, "LiquidationBeyondBound")).to.equal(true);
    expect(beyond.shortMessage).to.match(/retry in a later block/);
    // The push is bought back: the slice fits again.
    await erin.closePosition({ marketId: ETH });

    const first = await keeper.liquidate({ account: address.carol });
    expect(first.partialOnly).to.equal(true);
    expect(first.fills[0].sizeDelta).to.equal(-parseSize("2")); // 20 % of 10
    const account = await carol.getAccount();
    const stamp = (await publicClient.getBlock({ blockNumber: first.receipt.blockNumber })).timestamp;
    expect(account.lastPartialLiquidation).to.equal(stamp);
    expect(account.positions[0].size).to.equal(parseSize("8"));
    expect(account.maintenanceMarginUsd < 0n && account.equityUsd > 0n).to.equal(true); // still below, not bankrupt

    const [preview, fund, config] = await Promise.all([
      keeper.previewLiquidation({ account: address.carol, blockNumber: account.blockNumber }),
      keeper.getInsuranceFund({ blockNumber: account.blockNumber }),
      keeper.getLiquidationConfig(),
    ]);
    const sim = simulateLiquidation(
      account,
      { config, fundAvailableUsd: fund.availableUsd, lastPartialLiquidation: account.lastPartialLiquidation },
      account.timestamp,
    );
    expect(preview.liquidatable).to.equal(false);
    expect(sim).to.deep.include({ liquidatable: false, coolingDown: true, readyAt: stamp + 30n });
    expect(preview).to.deep.include({
      maintenanceMarginUsd: sim.maintenanceMarginUsd,
      notionalClosedUsd: sim.notionalClosedUsd,
      keeperRewardUsd: sim.keeperRewardUsd,
      insuranceFeeUsd: sim.insuranceFeeUsd,
    });
    const cooling = await expectRevert(keeperAddress, () => keeper.liquidate({ account: address.carol }));
    expect(isPerpContractError(cooling, "LiquidationCooldown")).to.equal(true);
    expect((cooling as PerpContractError<"LiquidationCooldown">).args.readyAt).to.equal(stamp + 30n);

    await networkHelpers.time.increase(30);
    const second = await keeper.liquidate({ account: address.carol });
    expect(second.partialOnly).to.equal(true);
    expect(second.fills[0].sizeDelta).to.equal(-parseSize("1.6")); // 20 % of 8
  });

  it("covers bad debt from a small fund, opens an ADL request and deleverages the highest rank first", async function () {
    // A small fund: 100 USDC deposited for it through the SDK, plus what the liquidations above paid in.
    await keeper.deposit({ amountUsdc: parseUsdc("100"), account: deployment.contracts.insuranceFund });
    // Dave: 20x long BTC. Erin (3x) and Frank (10x): shorts, the victims once Dave goes bankrupt.
    await dave.deposit({ amountUsdc: parseUsdc("3000") });
    await dave.openPosition({ marketId: BTC, side: "long", size: parseSize("0.9") });
    await erin.deposit({ amountUsdc: parseUsdc("20000") });
    await erin.openPosition({ marketId: BTC, side: "short", size: parseSize("1") });
    await frank.deposit({ amountUsdc: parseUsdc("3000") });
    await frank.openPosition({ marketId: BTC, side: "short", size: parseSize("0.5") });

    await setPrice(1, 54_000n); // BTC −10 %
    await networkHelpers.time.increase(FAIR_CATCH_UP);
    const before = await dave.getAccount();
    expect(before.marginAtFair.equityUsd < 0n).to.equal(true); // bankrupt
    const [preview, fund, config] = await Promise.all([
      keeper.previewLiquidation({ account: address.dave, blockNumber: before.blockNumber }),
      keeper.getInsuranceFund({ blockNumber: before.blockNumber }),
      keeper.getLiquidationConfig(),
    ]);
    expect(fund.balanceUsd > toUsd(parseUsdc("100"))).to.equal(true);
    const sim = simulateLiquidation(
      before,
      { config, fundAvailableUsd: fund.availableUsd, lastPartialLiquidation: before.lastPartialLiquidation },
      before.timestamp,
    );
    expect(sim.bankrupt).to.equal(true);
    expect(preview).to.deep.include({
      liquidatable: true,
      maintenanceMarginUsd: sim.maintenanceMarginUsd,
      notionalClosedUsd: sim.notionalClosedUsd,
      keeperRewardUsd: sim.keeperRewardUsd,
      insuranceFeeUsd: 0n,
      expectedBadDebtUsd: sim.expectedBadDebtUsd,
    });
    expect(preview.expectedBadDebtUsd > fund.availableUsd).to.equal(true);

    const r = await keeper.liquidate({ account: address.dave });
    const split = expectSplitMatches(r, before, fund.availableUsd, config);
    expect(split.fromAccountUsd).to.equal(0n); // negative collateral: the fund pays the keeper's floor
    expect(split.fundTopUpUsd > 0n).to.equal(true);
    // The fund received the account's fee (none here), paid the top-up, took back its sub-unit rest, then paid
    // what it had left toward the bad debt.
    expect(r.badDebtCoveredByFundUsd).to.equal(
      fund.availableUsd + r.insuranceFeeUsd - split.keeperRewardFromFundUsd,
    );
    expect(r.shortfallForAdlUsd > 0n).to.equal(true);
    expect(r.adlRequest).to.deep.include({
      type: "requested",
      requestId: 0n,
      account: address.dave,
      marketId: BTC,
      victimsLong: false,
      shortfallUsd: r.shortfallForAdlUsd,
    });

    // The fund is empty now; its totals record both payments.
    const fundAfter = await keeper.getInsuranceFund();
    expect([fundAfter.balanceUsd, fundAfter.pendingFeesUsd]).to.deep.equal([0n, 0n]);
    expect(fundAfter.totalBadDebtCoveredUsd).to.equal(r.badDebtCoveredByFundUsd);
    expect(fundAfter.totalKeeperRewardsPaidUsd).to.equal(split.fundTopUpUsd);
    expect((await dave.getAccount()).collateralUsd).to.equal(-r.shortfallForAdlUsd);
    expect(await keeper.getTotalShortfall()).to.equal(r.shortfallForAdlUsd);

    const pending = await keeper.getPendingAdl();
    const openedAt = (await publicClient.getBlock({ blockNumber: r.receipt.blockNumber })).timestamp;
    expect(pending.request).to.deep.equal({
      requestId: 0n,
      kind: "shortfall",
      account: address.dave,
      marketId: BTC,
      victimsLong: false,
      openedAt,
      lastProgressAt: openedAt,
      executableAt: openedAt + 60n,
      // max(openedAt + 60 s, lastProgressAt) + 15 min
      rotatableAt: openedAt + 60n + 900n,
      bankruptcyPrice: r.adlRequest!.bankruptcyPrice,
      remainingUsd: r.shortfallForAdlUsd,
    });
    expect([pending.executable, pending.totalShortfallUsd]).to.deep.equal([false, r.shortfallForAdlUsd]);
    // The SDK's mirror of `executable` on a shortfall: dave's debt is unpaid and nobody ranks yet.
    const daveCollateral = async () => (await keeper.getAccount({ account: address.dave })).collateralUsd;
    expect(await daveCollateral()).to.equal(-r.shortfallForAdlUsd);
    expect(adlExecutable(pending.request!, pending.timestamp, await daveCollateral(), [])).to.equal(false);
    // Traders' profit against the vault is far within half its cash: no pnl-factor reduction.
    expect(pending.maxPnlFactor).to.equal(E18 / 2n);
    expect(pending.pnlFactorLimitUsd).to.equal(pending.vaultCashUsd / 2n);
    expect(pending.pnlFactorExceeded).to.equal(false);
    const within = await expectRevert(keeperAddress, () => keeper.requestPnlReduction());
    expect(isPerpContractError(within, "PnlFactorWithinLimit")).to.equal(true);
    // Not stuck yet: rotation waits for the ranking window and the 15 minutes after it.
    const notStuck = await expectRevert(keeperAddress, () => keeper.rotateAdl());
    expect((notStuck as PerpContractError<"AdlNotStuck">).args.readyAt).to.equal(openedAt + 60n + 900n);

    // Candidates: the contract ranks them itself; the snapshot's rank and the SDK's mirror agree at that block.
    const notEligible = await expectRevert(keeperAddress, () =>
      keeper.submitAdlCandidate({ account: address.dave }),
    );
    expect(notEligible.errorName).to.equal("NotAdlCandidate");
    const submitted = [];
    for (const who of [address.erin, address.frank]) {
      const s = await keeper.submitAdlCandidate({ account: who });
      const snapshot = await keeper.getAccount({ account: who, blockNumber: s.receipt.blockNumber });
      expect(s.requestId).to.equal(0n);
      expect(s.rank).to.equal(snapshot.positions[0].adlRank);
      expect(positionAdlRank(snapshot, BTC, snapshot.timestamp)).to.equal(s.rank);
      expect(adlVictimRank(snapshot, pending.request!, snapshot.timestamp)).to.equal(s.rank);
      submitted.push(s);
    }
    const twice = await expectRevert(keeperAddress, () =>
      keeper.submitAdlCandidate({ account: address.erin }),
    );
    expect(twice.errorName).to.equal("AlreadyAdlCandidate");
    const early = await expectRevert(keeperAddress, () => keeper.executeAdl());
    expect(isPerpContractError(early, "AdlRankingWindowOpen")).to.equal(true);
    expect((early as PerpContractError<"AdlRankingWindowOpen">).args.executableAt).to.equal(openedAt + 60n);

    const ranked = await keeper.getPendingAdl();
    expect(ranked.candidates.map((c) => c.account)).to.deep.equal([address.erin, address.frank]);
    expect(ranked.next?.account).to.equal(address.frank); // 10x beats 3x at the same PnL %
    expect(ranked.candidates[1].rank > ranked.candidates[0].rank).to.equal(true);

    // Candidates rank but the window is still open: not executable, for the lens and the SDK alike.
    const ranks = ranked.candidates.map((c) => c.rank);
    expect(ranked.executable).to.equal(false);
    expect(adlExecutable(ranked.request!, ranked.timestamp, await daveCollateral(), ranks)).to.equal(false);
    await networkHelpers.time.increase(60);
    const ready = await keeper.getPendingAdl();
    expect(ready.executable).to.equal(true);
    const readyRanks = ready.candidates.map((c) => c.rank);
    expect(adlExecutable(ready.request!, ready.timestamp, await daveCollateral(), readyRanks)).to.equal(true);
    const frankBefore = await frank.getAccount();
    // Each step closes what the SDK's mirror of `_deleverageSize` says: the size whose saving against its exit
    // fill covers the shortfall, at the bankruptcy price capped at the victim's break-even.
    const btc = await keeper.getMarket({ marketId: BTC });
    const expected1 = adlDeleverageSize(frankBefore.positions[0], pending.request!, btc);
    const step1 = await keeper.executeAdl();
    expect(step1).to.deep.include({
      requestId: 0n,
      kind: "shortfall",
      victim: address.frank,
      resolved: false,
    });
    expect([step1.sizeDelta, step1.price, step1.coveredUsd]).to.deep.equal([
      expected1.sizeDelta,
      expected1.price,
      expected1.coveredUsd,
    ]);
    expect(step1.sizeDelta).to.equal(parseSize("0.5")); // the whole short bought back
    expect(step1.price <= r.adlRequest!.bankruptcyPrice).to.equal(true);
    const frankAfter = await frank.getAccount();
    expect(frankAfter.positions).to.deep.equal([]);
    expect(frankAfter.collateralUsd >= frankBefore.collateralUsd).to.equal(true); // profit reduced, never a loss

    const erinBefore = await erin.getAccount();
    const rest = { ...pending.request!, remainingUsd: r.shortfallForAdlUsd - step1.coveredUsd };
    const expected2 = adlDeleverageSize(
      erinBefore.positions[0],
      rest,
      await keeper.getMarket({ marketId: BTC }),
    );
    const step2 = await keeper.executeAdl();
    expect(step2).to.deep.include({ requestId: 0n, victim: address.erin, resolved: true });
    expect([step2.sizeDelta, step2.price, step2.coveredUsd]).to.deep.equal([
      expected2.sizeDelta,
      expected2.price,
      expected2.coveredUsd,
    ]);
    expect(step1.coveredUsd + step2.coveredUsd).to.equal(r.shortfallForAdlUsd);
    expect((await erin.getAccount()).positions[0].size > -parseSize("1")).to.equal(true);

    // Resolved: Dave is made whole, nothing is pending.
    expect((await dave.getAccount()).collateralUsd).to.equal(0n);
    const done = await keeper.getPendingAdl();
    expect([done.request, done.candidates, done.totalShortfallUsd]).to.deep.equal([undefined, [], 0n]);
    expect(await keeper.getTotalShortfall()).to.equal(0n);
    const none = await expectRevert(keeperAddress, () => keeper.executeAdl());
    expect(none.errorName).to.equal("NoAdlPending");

    // The watchers saw the whole sequence.
    await waitFor(() => adlEvents.some((e) => e.type === "resolved"));
    expect(adlEvents.map((e) => e.type)).to.deep.equal([
      "requested",
      "candidateSubmitted",
      "candidateSubmitted",
      "executed",
      "executed",
      "resolved",
    ]);
    expect(adlEvents[0].transactionHash).to.equal(r.hash);
    expect(adlEvents[3]).to.deep.include({ victim: address.frank, coveredUsd: step1.coveredUsd });
    await waitFor(() => liquidationEvents.some((e) => e.transactionHash === r.hash));
    expect(liquidationEvents.filter((e) => e.transactionHash === r.hash).map((e) => e.type)).to.deep.equal([
      "liquidated",
      "lossAbsorbedByCollateral",
      "badDebtCoveredByFund",
      "shortfallForAdl",
    ]);
  });

  it("sweeps the insurance share of trading fees into the fund", async function () {
    await erin.closePosition({ marketId: BTC });
    const fund = await keeper.getInsuranceFund();
    expect(fund.pendingFeesUsd > 0n).to.equal(true);
    const sweep = await keeper.sweepInsuranceFees();
    expect(sweep.fund).to.equal(deployment.contracts.insuranceFund);
    expect(sweep.amountUsd).to.equal(fund.pendingFeesUsd);
    const after = await keeper.getInsuranceFund();
    expect([after.balanceUsd, after.pendingFeesUsd]).to.deep.equal([
      fund.balanceUsd + fund.pendingFeesUsd,
      0n,
    ]);
    expect((await keeper.sweepInsuranceFees()).amountUsd).to.equal(0n); // nothing left: no event
  });

  it("pages through liquidation and ADL history, filtered by account, keeper and request", async function () {
    const all = await keeper.getLiquidationHistory();
    const paged = await keeper.getLiquidationHistory({ pageSize: 3n });
    expect(paged).to.deep.equal(all);
    expect(all.filter((e) => e.type === "liquidated")).to.have.length(4); // alice, carol twice, dave
    await waitFor(() => liquidationEvents.length >= all.length);
    expect(liquidationEvents).to.deep.equal(all);
    const carols = await keeper.getLiquidationHistory({ account: address.carol });
    expect(carols.every((e) => "account" in e && e.account === address.carol)).to.equal(true);
    expect(carols.filter((e) => e.type === "liquidated")).to.have.length(2);
    const mine = await keeper.getLiquidationHistory({ keeper: keeperAddress });
    expect(mine.map((e) => e.type)).to.deep.equal(["liquidated", "liquidated", "liquidated", "liquidated"]);

    const adl = await keeper.getAdlHistory({ requestId: 0n, pageSize: 2n });
    expect(adl).to.deep.equal(adlEvents);
    const frankAdl = await keeper.getAdlHistory({ account: address.frank });
    expect(frankAdl.map((e) => e.type)).to.deep.equal(["candidateSubmitted", "executed"]);
    expect(await keeper.getAdlHistory({ requestId: 1n })).to.deep.equal([]);
  });

  it("stops the watchers on unsubscribe", async function () {
    unwatch.forEach((stop) => stop());
    const seen = liquidationEvents.length;
    await carol.deposit({ amountUsdc: parseUsdc("1") }); // a new block; carol is cooling down or healthy
    await networkHelpers.time.increase(3_600);
    const preview = await keeper.previewLiquidation({ account: address.carol });
    if (preview.liquidatable) await keeper.liquidate({ account: address.carol });
    await sleep(200);
    expect(liquidationEvents).to.have.length(seen);
  });
});

describe("SDK pnl-factor reduction and ADL rotation against the in-process network", function () {
  const GOLD = 2n;

  it("requests a reduction, rotates it while no candidate can work it, then closes the winner at the bounded fill", async function () {
    // LP 200,000; pnl-factor limit at its minimum, 10 % of the vault's cash; carol long 40 GOLD at 2,400.
    const protocol = await deployLocalProtocol(ethers);
    const publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    const deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
      startBlock: Number(await publicClient.getBlockNumber()),
    });
    const [lp, keeper, carol] = [1, 2, 3].map((i) =>
      createPerpClient({ publicClient, walletClient: wallets[i], deployment }),
    );
    const keeperAddress = getAddress(wallets[2].account.address);
    const carolAddress = getAddress(wallets[3].account.address);
    /** The action throws a decoded contract error and sends nothing. */
    const expectRevert = async (from: Address, run: () => Promise<unknown>) => {
      const nonce = await publicClient.getTransactionCount({ address: from });
      const caught = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(caught, "expected the action to throw").to.be.instanceOf(PerpContractError);
      expect(await publicClient.getTransactionCount({ address: from }), "nothing sent").to.equal(nonce);
      return caught as PerpContractError;
    };
    for (const i of [1, 3])
      await (await protocol.usdc.mint(wallets[i].account.address, parseUsdc("200000"))).wait();
    await (await protocol.liquidationEngine.setMaxPnlFactor(E18 / 10n)).wait();
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("200000") });
    await carol.deposit({ amountUsdc: parseUsdc("30000") });
    await carol.openPosition({ marketId: GOLD, side: "long", size: parseSize("40") });

    // GOLD 2,400 → 3,100: carol is about 40 × 700 = 28,000 up against the vault, above 10 % of its cash.
    await (await protocol.markets[2].feed.updateAnswer(3_100n * 10n ** 8n)).wait();
    await networkHelpers.time.increase(3_600);
    const before = await keeper.getPendingAdl();
    expect(before.request).to.equal(undefined);
    expect(before.pnlFactorLimitUsd).to.equal(before.vaultCashUsd / 10n);
    expect(before.traderProfitUsd > before.pnlFactorLimitUsd).to.equal(true);
    expect(before.pnlFactorExceeded).to.equal(true);
    // The contract picks the market: the one whose counterpartyPnlOf is the most negative, GOLD (the only skew).
    expect(pnlReductionTarget(await keeper.getMarkets(), before.timestamp)).to.equal(GOLD);
    const requested = await keeper.requestPnlReduction();
    expect(requested).to.deep.include({ requestId: 0n, marketId: GOLD, victimsLong: true });
    expect(requested.traderProfitUsd > requested.cashUsd / 10n).to.equal(true);
    const twice = await expectRevert(keeperAddress, () => keeper.requestPnlReduction());
    expect(isPerpContractError(twice, "PnlReductionPending")).to.equal(true);
    const pending = await keeper.getPendingAdl();
    expect(pending.request).to.deep.include({
      requestId: 0n,
      kind: "pnlReduction",
      marketId: GOLD,
      victimsLong: true,
      bankruptcyPrice: 0n,
      remainingUsd: 0n,
    });
    const openedAt = pending.request!.openedAt;
    expect(pending.request!.executableAt).to.equal(openedAt + 60n);

    // `executable` (the lens) and the SDK's `adlExecutable` on a reduction: false one second before the window ends
    // (executeAdl refused with the window's end), true from its end on, although nobody submitted a candidate; the
    // step then resolves the request without a victim.
    const judge = async (at: bigint) => {
      await networkHelpers.time.increaseTo(at);
      const view = await keeper.getPendingAdl();
      expect(view.timestamp).to.equal(at);
      const ranks = view.candidates.map((c) => c.rank);
      expect(adlExecutable(view.request!, view.timestamp, 0n, ranks)).to.equal(view.executable);
      return view;
    };
    // (A transaction sent after a read mines one second later: executeAdl is refused at openedAt + 59.)
    expect((await judge(openedAt + 58n)).executable).to.equal(false);
    const early = await expectRevert(keeperAddress, () => keeper.executeAdl());
    expect((early as PerpContractError<"AdlRankingWindowOpen">).args.executableAt).to.equal(openedAt + 60n);
    expect((await judge(openedAt + 59n)).executable).to.equal(false);
    const windowOver = await judge(openedAt + 60n);
    expect([windowOver.executable, windowOver.candidates, windowOver.next]).to.deep.equal([
      true,
      [],
      undefined,
    ]);
    const empty = await keeper.executeAdl();
    expect(empty).to.deep.include({ requestId: 0n, kind: "pnlReduction", victim: undefined, resolved: true });
    const resolved = await keeper.getPendingAdl();
    expect([resolved.request, resolved.pnlFactorExceeded]).to.deep.equal([undefined, true]);

    // Still beyond the limit: a new request. Left alone past its stuck window with no candidate, anyone rotates it.
    const again = await keeper.requestPnlReduction();
    expect(again).to.deep.include({ requestId: 1n, marketId: GOLD, victimsLong: true });
    const second = await keeper.getPendingAdl();
    expect(second.request!.rotatableAt).to.equal(second.request!.openedAt + 60n + 900n);
    const stuck = await judge(second.request!.rotatableAt);
    expect(stuck.executable).to.equal(true);
    const rotated = await keeper.rotateAdl();
    expect(rotated).to.deep.include({ requestId: 1n, newRequestId: 2n, resolved: false });
    const back = await keeper.getPendingAdl();
    expect(back.request).to.deep.include({ requestId: 2n, kind: "pnlReduction", marketId: GOLD });
    expect(back.executable).to.equal(false);

    // Carol is submitted; after the window the step closes her whole position at the bounded market fill with the
    // trading fee. Her sell of 40 from a skew of 40 reduces |skew| only: the maker fee, 0.01 %.
    const submitted = await keeper.submitAdlCandidate({ account: carolAddress });
    expect(submitted.requestId).to.equal(2n);
    const ready = await judge(back.request!.executableAt);
    expect(ready.executable).to.equal(true);
    expect(ready.next?.account).to.equal(carolAddress);
    const [sizeClosed, fill] = await protocol.engine.quoteForcedClose(carolAddress, GOLD, -parseSize("40"));
    expect(sizeClosed).to.equal(-parseSize("40"));
    const usdcBefore = await protocol.usdc.balanceOf(keeperAddress);
    const step = await keeper.executeAdl();
    // Notional ⌈40 × fill⌉ = 40 × fill exactly; fee ⌈notional × 0.0001⌉.
    const fee = (40n * fill * 10n ** 14n + E18 - 1n) / E18;
    expect(step).to.deep.include({
      requestId: 2n,
      kind: "pnlReduction",
      victim: carolAddress,
      sizeDelta: -parseSize("40"),
      price: fill,
      feeUsd: fee,
      coveredUsd: 0n,
      resolved: false,
    });
    // The caller earns the keeper share (20 %) of the vault's part of the fee (the fee less the insurance fund's
    // 10 %, rounded down), in whole USDC units, paid by the liquidity vault.
    const reward = ((fee - fee / 10n) / 5n / 10n ** 12n) * 10n ** 12n;
    expect(step.callerRewardUsd).to.equal(reward);
    expect((await protocol.usdc.balanceOf(keeperAddress)) - usdcBefore).to.equal(reward / 10n ** 12n);
    expect((await carol.getAccount()).positions).to.deep.equal([]);

    // Back within the limit: the next call resolves the request with no victim.
    const done = await keeper.executeAdl();
    expect(done).to.deep.include({ requestId: 2n, kind: "pnlReduction", victim: undefined, resolved: true });
    const after = await keeper.getPendingAdl();
    expect([after.request, after.pnlFactorExceeded]).to.deep.equal([undefined, false]);
  });
});
