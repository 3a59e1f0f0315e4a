// Whether an ADL candidate stays in the candidate set after a shortfall step that does not resolve its request: the
// SDK's `adlCandidateKept` against the liquidation engine's candidate set (PerpLens.getAdl) read after the step, on
// a deterministic chain (every block's timestamp set). The rule (AutoDeleveraging.executeAdl): a candidate whose
// position the step closed leaves the set; one that gave nothing (sizeDelta 0) leaves it only if it would give
// nothing at the fair-premium exit either (victims long: the bound of its whole close, the fill of that sale from the
// fair premium's skew, is not above the step price); otherwise it stays, so a push of the live skew cannot drop it.
//
// One market (ETH, id 0) with skewScale K = 10,000, maxPremium M = 1 % (the premium clamps at |skew| ≥ 100) and a
// fair premium with τ = 0 that moves at most 0.1 %/h. A hedger (long 10) and a bankrupt-to-be short (10 at about
// 1,000.5, 1,000 USDC) keep the skew at 0 for 10 hours, so the fair premium is exactly 0; the oracle goes to 1,200,
// the short is liquidated (its close buys 10 from skew 0 at 1,200.6) with an empty insurance fund: a shortfall of
// 1,001.500958… USD is queued for ADL against the longs, bankruptcy price 1,100.449904…. From that state (a snapshot),
// each case opens its own victim, moves the oracle, submits it, and executes one step after the 60 s window: a victim
// closed in part (the request left open by 1 wei of rounding, the only way a partial step leaves it open) is kept, a
// victim closed in full is dropped, a zero step at a pushed skew is kept, a zero step that would give nothing from the
// fair premium's skew either is dropped. The expected outcome is derived in this file from the pricing formulas (a
// second implementation of the fill price) and checked against both the SDK and the contract.
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, maxUint256, parseEventLogs, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import * as sdk from "../../sdk/src/index.js";
import { WIDE_BREAKER } from "./helpers/random-markets.js";
import { readLensAccount, readLensMarket } from "./helpers/lens-reads.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;
const K = 10_000n * E18;
const M = E18 / 100n;
const GAS = 10_000_000n;
/** The fair premium may move 0.1 %/h: ⌊10^15 × t / 3600⌋ over an accrual of t seconds (MarketAccrual). */
const drift = (t: bigint) => (10n ** 15n * t) / 3_600n;
/**
 * The fair premium at a pushed step (τ = 0, every gap larger than the cap): 0 at the liquidation, + drift(1) while the
 * premium is 0.1 % (skew 10) until the victim's buy, + drift(58) while it is 0.3 % (skew 30) until the whale's sale at
 * openedAt + 59, − drift(1) while the pushed premium (below it) holds until the step at openedAt + 60:
 * 277,777,777,777 + 16,111,111,111,111 − 277,777,777,777 = 16,111,111,111,111 (0.00161 %).
 */
const FAIR_PREMIUM_AT_STEP = drift(1n) + drift(58n) - drift(1n);
/** Its skew, trunc(P_f × K / 10^18) = 0.161111111111110000. */
const FAIR_SKEW_AT_STEP = (FAIR_PREMIUM_AT_STEP * K) / E18;

type PublicClient = Awaited<ReturnType<typeof viem.getPublicClient>>;
type WalletClient = Awaited<ReturnType<typeof viem.getWalletClients>>[number];

// ---------------------------------------------------------------- a second implementation of the fill price
// G(s) = ∫₀^s clamp(x/K, −M, M) dx in size × 1e18 units, rounded down (PricingMath.premiumIntegralDown); the fill of a
// trade of Δ at skew s is oracle × (|Δ|·1e18 + sign(Δ)·(G(s+Δ) − G(s))) / (|Δ|·1e18), up for buys, down for sells.
const absB = (x: bigint) => (x < 0n ? -x : x);
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
function integral(s: bigint): bigint {
  const a = absB(s);
  if (a <= (M * K) / E18) return (a * a * E18) / (2n * K);
  return M * a - ceilDiv(M * M * K, 2n * E18);
}
function fill(oracle: bigint, skew: bigint, delta: bigint): bigint {
  const size = absB(delta);
  const area = integral(skew + delta) - integral(skew);
  const scaled = size * E18;
  const factor = scaled + (delta > 0n ? area : -area);
  return delta > 0n ? ceilDiv(oracle * factor, scaled) : (oracle * factor) / scaled;
}

describe("SDK adlCandidateKept against the liquidation engine's candidate set (steps that leave the request open)", function () {
  let protocol: LocalProtocol;
  let publicClient: PublicClient;
  let wallets: WalletClient[];
  let keeper: WalletClient;
  let whale: WalletClient;
  let lens: Address;
  let engine: Address;
  let liquidator: Address;
  let now: bigint;
  let openedAt: bigint;
  let base: Awaited<ReturnType<typeof networkHelpers.takeSnapshot>>;

  /** Mines the next transaction `gap` seconds after the previous block. */
  async function at<T>(gap: bigint, run: () => Promise<T>): Promise<T> {
    now += gap;
    await networkHelpers.time.setNextBlockTimestamp(now);
    return run();
  }

  async function send(wallet: WalletClient, request: object) {
    const hash = await wallet.writeContract({ ...request, gas: GAS } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(
      receipt.status,
      JSON.stringify(request, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
    ).to.equal("success");
    return receipt;
  }

  const trade = (wallet: WalletClient, sizeDelta: bigint) =>
    send(wallet, {
      address: engine,
      abi: sdk.perpEngineAbi,
      functionName: "trade",
      args: [wallet.account.address, ETH, sizeDelta, sizeDelta > 0n ? maxUint256 : 0n],
    });

  const setOracle = async (price: bigint) =>
    (await protocol.markets[0].feed.updateAnswer(price / 10n ** 10n)).wait();

  const deposit = (wallet: WalletClient, usdcWhole: bigint) =>
    send(wallet, {
      address: getAddress(protocol.vault.target as string),
      abi: sdk.collateralVaultAbi,
      functionName: "depositFor",
      args: [wallet.account.address, usdcWhole * 1_000_000n],
    });

  const readAccount = (account: Address, blockNumber?: bigint) =>
    readLensAccount(publicClient, lens, account, blockNumber);
  const readMarket = (blockNumber?: bigint) => readLensMarket(publicClient, lens, ETH, blockNumber);
  const readAdl = async () =>
    sdk.toPendingAdl(
      await publicClient.readContract({ address: lens, abi: sdk.perpLensAbi, functionName: "getAdl" }),
    );

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    wallets = await viem.getWalletClients();
    keeper = wallets[2];
    whale = wallets[5];
    lens = getAddress(await protocol.lens.getAddress());
    engine = getAddress(await protocol.engine.getAddress());
    liquidator = getAddress(await protocol.liquidationEngine.getAddress());
    now = (await publicClient.getBlock()).timestamp;
    const vault = await protocol.vault.getAddress();

    await at(1n, async () => (await protocol.engine.setCircuitBreaker(ETH, WIDE_BREAKER)).wait());
    const p = await protocol.engine.marketParams(ETH);
    await at(1n, async () =>
      (
        await protocol.engine.setMarketParams(ETH, {
          oracle: p.oracle,
          fairTau: 0n,
          maxPremium: M,
          skewScale: K,
          maxSkew: 10n ** 24n,
          maxOpenInterest: 10n ** 24n,
          minPositionMargin: p.minPositionMargin,
          makerFee: p.makerFee,
          takerFee: p.takerFee,
          fundingInterest: p.fundingInterest,
          fundingClamp: p.fundingClamp,
          maxFundingRate: p.maxFundingRate,
        })
      ).wait(),
    );
    for (const w of wallets.slice(1, 10)) {
      const signer = await ethers.getSigner(w.account.address);
      await at(1n, async () => (await protocol.usdc.mint(w.account.address, 10n ** 15n)).wait());
      await at(1n, async () => (await protocol.usdc.connect(signer).approve(vault, maxUint256)).wait());
      const liquidity = await protocol.liquidityVault.getAddress();
      await at(1n, async () => (await protocol.usdc.connect(signer).approve(liquidity, maxUint256)).wait());
    }
    // The liquidity vault: 1,000,000 USDC (each side's open interest ≤ 500,000 USD).
    const lpSigner = await ethers.getSigner(wallets[1].account.address);
    await at(1n, async () =>
      (
        await protocol.liquidityVault.connect(lpSigner).deposit(10n ** 12n, wallets[1].account.address)
      ).wait(),
    );
    const [hedger, bankrupt] = [wallets[3], wallets[4]];
    await at(1n, () => deposit(hedger, 100_000n));
    await at(1n, () => deposit(bankrupt, 1_000n));
    await at(1n, () => deposit(whale, 1_000_000n));
    for (const v of wallets.slice(6, 10)) await at(1n, () => deposit(v, 100_000n));
    // Oracle 3,000 → 1,000, then 10 days: the oracle-move breaker's reference (an EMA over a day) follows.
    await at(1n, () => setOracle(1_000n * E18));
    await at(864_000n, () => setOracle(1_000n * E18)); // a fresh answer (the adapter's heartbeat is a day)
    // Hedger buys 10 from skew 0 at 1,000 × (1 + 10/(2 × 10,000)) = 1,000.5; the short sells 10 from 10 at the same.
    await at(1n, () => trade(hedger, 10n * E18));
    await at(1n, () => trade(bankrupt, -10n * E18));
    // 10 hours at skew 0: the next accrual takes the fair premium back to exactly 0 (the 1 s at premium 0.1 % moved
    // it by only 0.1 %/h × 1/3600). Oracle 1,200: the short's equity at fair ≈ 1,000 − 10 × 199.5 < 0, bankrupt.
    await at(36_000n, () => setOracle(1_200n * E18));
    const liquidation = await at(1n, () =>
      send(keeper, {
        address: liquidator,
        abi: sdk.liquidationEngineAbi,
        functionName: "liquidate",
        args: [bankrupt.account.address],
      }),
    );
    openedAt = now;
    const [requested] = parseEventLogs({
      abi: sdk.liquidationEngineAbi,
      logs: liquidation.logs,
      eventName: "AdlRequested",
    });
    expect(requested?.args.victimsLong).to.equal(true);
    const market = await readMarket();
    // The close bought 10 from skew 0 (fair premium 0, so its bound is the same fill): skew 10 now.
    expect([market.state.skew, market.fairPremium]).to.deep.equal([10n * E18, 0n]);
    base = await networkHelpers.takeSnapshot();
  });

  afterEach(async function () {
    await base.restore();
    now = openedAt;
  });

  /**
   * Runs `prepare` (default: nothing), opens `victim` long `size` (at oracle 1,200 from skew 10 unless prepared), sets
   * the oracle to `oracle` and submits the victim, one block each; the whale trades `push` (0: nothing) at openedAt +
   * 59 and `executeAdl` runs at openedAt + 60, when the ranking window ends. Returns what the SDK and the contract say
   * about the step and the candidate set after it, with the inputs to derive it by hand.
   */
  async function step(
    victim: WalletClient,
    size: bigint,
    oracle: bigint,
    push: bigint,
    prepare?: () => Promise<unknown>,
  ) {
    const who = getAddress(victim.account.address);
    if (prepare) await prepare();
    await at(1n, () => trade(victim, size));
    await at(1n, () => setOracle(oracle));
    await at(1n, () =>
      send(keeper, {
        address: liquidator,
        abi: sdk.liquidationEngineAbi,
        functionName: "submitAdlCandidate",
        args: [who],
      }),
    );
    const executeAt = openedAt + 60n;
    if (push !== 0n) {
      now = executeAt - 2n;
      await at(1n, () => trade(whale, push));
    }
    now = executeAt - 1n;
    const before = await readAdl();
    expect(before.candidates.map((c) => c.account)).to.deep.equal([who]);
    const request = before.request!;
    const account = await readAccount(who);
    const market = await readMarket();
    const position = account.positions.find((q) => q.marketId === ETH)!;
    const sdkStep = sdk.adlDeleverageSize(position, request, market);
    const receipt = await at(1n, () =>
      send(keeper, { address: liquidator, abi: sdk.liquidationEngineAbi, functionName: "executeAdl" }),
    );
    const logs = parseEventLogs({ abi: sdk.liquidationEngineAbi, logs: receipt.logs });
    const executed = logs.find((l) => l.eventName === "AdlExecuted");
    expect(executed?.eventName).to.equal("AdlExecuted");
    const event = executed!.args as { victim: Address; sizeDelta: bigint; price: bigint; covered: bigint };
    expect(
      logs.some((l) => l.eventName === "AdlResolved"),
      "the step leaves the request open",
    ).to.equal(false);
    expect(event.victim).to.equal(who);
    expect([sdkStep.sizeDelta, sdkStep.price, sdkStep.coveredUsd]).to.deep.equal([
      event.sizeDelta,
      event.price,
      event.covered,
    ]);
    const sizeAfter = (await readAccount(who)).positions.find((q) => q.marketId === ETH)?.size ?? 0n;
    expect(sizeAfter).to.equal(position.size + event.sizeDelta);
    const after = await readAdl();
    expect(after.request?.remainingUsd).to.equal(request.remainingUsd - event.covered);
    const fairPremium = (
      await publicClient.readContract({
        address: engine,
        abi: sdk.perpEngineAbi,
        functionName: "marketPrices",
        args: [ETH],
        blockNumber: receipt.blockNumber,
      })
    ).fairPremium;
    return {
      sdkKept: sdk.adlCandidateKept(sdkStep, sizeAfter, request, market, now),
      contractKept: after.candidates.some((c) => c.account === who),
      event,
      request,
      position,
      sizeAfter,
      skew: market.state.skew,
      mark: market.markPrice,
      // The fair premium's skew at the step: trunc(P_f × K / 1e18) (PerpEngine._fitToBound).
      fairSkew: (fairPremium * K) / E18,
    };
  }

  it("keeps a victim the step closed in part (a request left open by 1 wei of rounding)", async function () {
    // A partial close (q < size) is q = ⌈remaining / gap⌉, which covers the whole remaining, unless the price for the
    // closed part (its own break-even, rounded up) ends above the whole position's while the exit gap stays the same:
    // both sales at the clamped premium. The whale buys 200 (skew 10 → 210, past the clamp at 100); at oracle
    // 1,200.00000001 the victim buys A = 30 + 7 wei at the clamped fill F = 1,212.0000000101; oracle 2,300.00003525
    // (an ADL close is a reduction: the oracle-move breaker does not stop it). Its exit (a sale from 240 to 210, all
    // clamped) is 2,300.00003525 × 1.01 = 2,323.0000356025; price = break-even ⌈⌈A·F⌉ / A⌉ = F + 1 wei (above the
    // bankruptcy price ≈ 1,100.45); q = ⌈1,001.5… / gap⌉ ≈ 0.9014 < A; the closed part's price ⌈⌈cost·q/A⌉ / q⌉ =
    // F + 2 wei, and q × (exit − (F + 2 wei)) falls 1 wei short of the remaining: covered = remaining − 1 wei, the
    // request stays open and the victim, partly closed, stays a candidate.
    const a = 30n * E18 + 7n;
    const entryOracle = 120_000_000_001n * 10n ** 10n;
    const oracle = 230_000_003_525n * 10n ** 10n;
    const r = await step(wallets[9], a, oracle, 0n, async () => {
      await at(1n, () => setOracle(entryOracle));
      await at(1n, () => trade(whale, 200n * E18));
    });
    expect(r.skew).to.equal(210n * E18 + a);
    const entry = 1_212_000_000_010_100_000_000n;
    expect(fill(entryOracle, 210n * E18, a)).to.equal(entry);
    const cost = ceilDiv(a * entry, E18);
    expect(r.position.openNotionalUsd).to.equal(cost);
    const price = ceilDiv(cost * E18, a);
    expect(price).to.equal(entry + 1n);
    expect(r.request.bankruptcyPrice < price).to.equal(true);
    const exit = 2_323_000_035_602_500_000_000n;
    expect([fill(oracle, r.skew, -a), fill(oracle, r.skew, -E18)]).to.deep.equal([exit, exit]);
    const q = ceilDiv(r.request.remainingUsd * E18, exit - price);
    expect(q).to.equal(901_440_977_721_769_107n);
    const closedPrice = ceilDiv(ceilDiv(cost * q, a) * E18, q);
    expect(closedPrice).to.equal(price + 1n);
    const covered = (q * (exit - closedPrice)) / E18;
    expect(covered).to.equal(r.request.remainingUsd - 1n);
    expect([r.event.sizeDelta, r.event.price, r.event.covered]).to.deep.equal([-q, closedPrice, covered]);
    expect(r.sizeAfter).to.equal(a - q);
    expect([r.sdkKept, r.contractKept]).to.deep.equal([true, true]);
  });

  it("drops a victim the step closed", async function () {
    // Victim long 1 from skew 10 at 1,200 × (1 + 10.5/10,000) = 1,201.26; oracle 1,300. Step price max(bankruptcy
    // ≈ 1,100.45, break-even 1,201.26) = 1,201.26; its exit (sell 1 from skew 11, average premium 0.105 %) is
    // 1,300 × 1.00105 = 1,301.365: a gap of 100.105 per unit, so the whole position (1 < 1,001.5 / 100.105) closes
    // and covers 100.105 of the ≈ 1,001.5 owed: the request stays open, the closed victim leaves the set.
    const r = await step(wallets[6], E18, 1_300n * E18, 0n);
    const price = 1_201_260n * 10n ** 15n;
    const exit = 1_301_365n * 10n ** 15n;
    expect(r.position.openNotionalUsd).to.equal(price);
    expect(r.request.bankruptcyPrice < price).to.equal(true);
    expect(fill(1_300n * E18, r.skew, -E18)).to.equal(exit);
    expect([r.event.sizeDelta, r.event.price, r.event.covered]).to.deep.equal([-E18, price, exit - price]);
    expect(r.event.covered < r.request.remainingUsd).to.equal(true);
    expect(r.sizeAfter).to.equal(0n);
    expect([r.sdkKept, r.contractKept]).to.deep.equal([false, false]);
  });

  it("keeps a victim that gives nothing only because the live skew was pushed", async function () {
    // Victim long 20 from skew 10 at 1,200 × (1 + 20/10,000) = 1,202.4 (its break-even, above the bankruptcy price
    // ≈ 1,100.45); oracle 1,205. The whale sells 46.5 from skew 30: skew −16.5. Mark 1,205 × (1 − 0.00165) =
    // 1,203.01175 > 1,202.4, so it ranks; its exit now (sell 20 from −16.5, average premium −0.265 %) is
    // 1,205 × 0.99735 = 1,201.80675 ≤ 1,202.4: the step gives nothing. The fair premium (FAIR_PREMIUM_AT_STEP above) is
    // 0.0016 %, its skew 0.1611: the same sale from there averages (0.1611 − 10)/10,000 = −0.0984 % and fills at
    // ≈ 1,203.81 > 1,202.4: it would give at the fair premium's exit, so it stays.
    const r = await step(wallets[7], 20n * E18, 1_205n * E18, -(465n * E18) / 10n);
    expect(r.skew).to.equal(-(165n * E18) / 10n);
    const price = 1_202_400n * 10n ** 15n;
    expect(r.position.openNotionalUsd).to.equal(20n * price);
    expect(r.request.bankruptcyPrice < price).to.equal(true);
    expect(r.mark).to.equal(1_203_011_750n * 10n ** 12n);
    const live = fill(1_205n * E18, r.skew, -20n * E18);
    expect(live).to.equal(1_201_806_750n * 10n ** 12n);
    expect(r.fairSkew).to.equal(FAIR_SKEW_AT_STEP);
    const bound = fill(1_205n * E18, r.fairSkew, -20n * E18);
    expect(bound > 1_203_810n * 10n ** 15n && bound < 1_203_820n * 10n ** 15n).to.equal(true);
    expect([r.event.sizeDelta, r.event.price, r.event.covered]).to.deep.equal([0n, price, 0n]);
    expect([r.sdkKept, r.contractKept]).to.deep.equal([true, true]);
  });

  it("drops a victim that gives nothing at the live skew and at the fair premium's skew either", async function () {
    // Same victim (long 20 at 1,202.4) with the oracle at 1,203: it ranks at skew 0 (mark 1,203 > 1,202.4) but its
    // own sale of 20 from skew 0 averages a premium of −0.1 %: 1,203 × 0.999 = 1,201.797 ≤ 1,202.4. The whale sells
    // 30 (skew 30 → 0); the fair premium's skew is 0.1611 (as above), where the same sale averages −0.0984 % and fills
    // at ≈ 1,201.816 ≤ 1,202.4: it gives nothing at either exit, so it leaves the set.
    const r = await step(wallets[8], 20n * E18, 1_203n * E18, -30n * E18);
    expect(r.skew).to.equal(0n);
    const price = 1_202_400n * 10n ** 15n;
    expect(r.position.openNotionalUsd).to.equal(20n * price);
    expect(r.request.bankruptcyPrice < price).to.equal(true);
    expect(r.mark).to.equal(1_203n * E18);
    const live = fill(1_203n * E18, r.skew, -20n * E18);
    expect(live).to.equal(1_201_797n * 10n ** 15n);
    expect(r.fairSkew).to.equal(FAIR_SKEW_AT_STEP);
    const bound = fill(1_203n * E18, r.fairSkew, -20n * E18);
    expect(bound > 1_201_810n * 10n ** 15n && bound < 1_201_820n * 10n ** 15n).to.equal(true);
    expect([r.event.sizeDelta, r.event.price, r.event.covered]).to.deep.equal([0n, price, 0n]);
    expect([r.sdkKept, r.contractKept]).to.deep.equal([false, false]);
  });
});
