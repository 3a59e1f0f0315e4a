// Differential test of the SDK's liquidation math against the liquidation engine, on random chain states built on
// the in-process network: random markets (as in the account parity test, caps out of the way, fair-premium τ up to
// 15 min), random trades near the tiers' leverage, price walks of up to ±20 %, random liquidation parameters (fee,
// keeper share, reward floor and cap, partial threshold, slice, cooldown), an insurance fund topped up now and then
// and drained by bad debt, traders coming back with fresh collateral, a whale that pushes a market's skew against
// an account just before it is liquidated (so that forced closes are cut by their bound), and keepers liquidating,
// submitting ADL candidates, executing ADL and rotating a stuck request.
//
// For every state and trader it checks, to the wei:
//   - each position's `adlRank` (the contract's, through PerpLens.getAccount) = the SDK's `positionAdlRank`;
//   - `previewLiquidation(account)` = the SDK's `simulateLiquidation` on the same block's snapshot (liquidatable,
//     maintenance margin, each position's close fitted to its forced-close bound, notional, keeper reward in whole
//     USDC units, fund fee, expected bad debt);
// and for every random liquidation, previewed with the SDK at the timestamp it is mined at: each close the engine
// made (its `Trade` event, and `ForcedCloseBounded` when its bound cut it, possibly to nothing) equals the SDK's
// close of the same position (size, fill, cut), the `Liquidated` event's notional, fee, keeper reward, fund fee and
// partial flag equal the SDK's fee split (`liquidationFeeSplit`, no reward floor after a cut, the fund's top-up only
// for notional ≥ minKeeperReward / feeRate) on the closes the engine made (it stops once the account is healthy),
// the waterfall amounts equal the SDK's expected bad debt, and a refused liquidation is refused for the reason the
// SDK gives (`NotLiquidatable`, `LiquidationCooldown`, `LiquidationBeyondBound`). ADL submissions carry the rank
// the SDK computes (`adlVictimRank`); execution picks the candidate the SDK ranks first and closes the size at the
// price, covering the amount, that the SDK's `adlDeleverageSize` computes (cover at exit prices); `rotateAdl`
// rotates exactly when the SDK says the request is stuck (its window passed, no candidate can cover).
// A flat account (bad debt waiting for ADL) is not liquidatable: the view says so and `liquidate` reverts with
// NothingToLiquidate.
// Block timestamps are set explicitly, so a seed reproduces a run: PARITY_SEED=0x… PARITY_LIQ_STATES=1000 npx
// hardhat test mocha test/ts/sdk-parity-liquidation.test.ts
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, maxUint256, parseEventLogs, type Address, type Hash } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import * as sdk from "../../sdk/src/index.js";
import { pick, randomMarket, randomParams, WIDE_BREAKER } from "./helpers/random-markets.js";
import { Rng } from "./helpers/rng.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const STATES = Number(process.env.PARITY_LIQ_STATES ?? 300);
const SEED = process.env.PARITY_SEED ? BigInt(process.env.PARITY_SEED) : 0x5eed_11c0_0002n;
const TRADERS = 6;
const MARKETS = 3;
const GAS = 10_000_000n;

type PublicClient = Awaited<ReturnType<typeof viem.getPublicClient>>;
type WalletClient = Awaited<ReturnType<typeof viem.getWalletClients>>[number];

/** Random liquidation parameters within the contract's hard bounds. */
function randomConfig(rng: Rng): sdk.LiquidationConfig {
  const maxKeeperReward = rng.chance(10) ? pick(rng, [0n, 100_000n * E18]) : rng.mag(1n, 100_000n * E18);
  return {
    feeRate: rng.chance(10) ? pick(rng, [0n, E18 / 20n]) : rng.mag(1n, E18 / 20n),
    keeperShare: rng.chance(10) ? pick(rng, [0n, E18]) : rng.mag(1n, E18),
    minKeeperReward: rng.chance(20) ? 0n : rng.mag(0n, maxKeeperReward),
    maxKeeperReward,
    partialNotional: rng.chance(20) ? 250_000n * E18 : rng.mag(0n, 10n ** 23n),
    sliceFraction: rng.chance(10) ? pick(rng, [E18 / 20n, E18]) : rng.between(E18 / 20n, E18),
    cooldown: rng.chance(20) ? 0n : rng.mag(1n, 3_600n),
  };
}

describe("SDK liquidation math parity with the liquidation engine (random chain states)", function () {
  this.timeout(600_000);

  let protocol: LocalProtocol;
  let publicClient: PublicClient;
  let owner: WalletClient;
  let keeper: WalletClient;
  let whale: WalletClient;
  let traders: WalletClient[];
  let lens: Address;
  let engine: Address;
  let liquidator: Address;
  let fundAddress: Address;
  let vault: Address;
  let config: sdk.LiquidationConfig;
  let now: bigint;
  const prices: bigint[] = [];
  const tiers: { maxLeverage: bigint; upToNotional: bigint }[][] = [];
  const stats = {
    states: 0,
    accounts: 0,
    ranks: 0,
    positiveRanks: 0,
    previews: 0,
    belowMaintenance: 0,
    coolingDown: 0,
    withBadDebt: 0,
    liquidations: 0,
    pushes: 0,
    cutCloses: 0,
    cutToNothing: 0,
    beyondBound: 0,
    noFundTopUp: 0,
    stoppedEarly: 0,
    sliced: 0,
    fundTopUps: 0,
    badDebts: 0,
    refusals: 0,
    submissions: 0,
    adlExecutions: 0,
    rotations: 0,
    notStuck: 0,
    trades: 0,
    tradesMined: 0,
    previewOneUnitShort: 0,
  };
  const failures: string[] = [];
  /** Each trader's equity at the last comparison. */
  const lastEquity = new Map<Address, bigint>();

  /** Mines the next transaction `gap` seconds after the previous block (timestamps fixed: reproducible runs). */
  async function atNextBlock<T>(gap: bigint, send: () => Promise<T>): Promise<T> {
    now += gap < 1n ? 1n : gap;
    await networkHelpers.time.setNextBlockTimestamp(now);
    return send();
  }

  /** Sends without estimation (a refused call is mined and reverts at `now`); returns the hash or the revert. */
  async function send(wallet: WalletClient, request: object): Promise<{ hash?: Hash; revert?: string }> {
    try {
      return { hash: await wallet.writeContract({ ...request, gas: GAS } as never) };
    } catch (e) {
      const data = sdk.findRevertData(e);
      return { revert: (data && sdk.decodePerpContractError(data)?.errorName) ?? String(e).slice(0, 200) };
    }
  }

  function check(label: string, sdkValue: unknown, chainValue: unknown) {
    const a = JSON.stringify(sdkValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    const b = JSON.stringify(chainValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    if (a !== b) failures.push(`${label}: SDK ${a} != contract ${b}`);
  }

  const readAccount = async (account: Address, blockNumber?: bigint) =>
    sdk.toAccount(
      await publicClient.readContract({
        address: lens,
        abi: sdk.perpLensAbi,
        functionName: "getAccount",
        args: [account],
        blockNumber,
      }),
    );

  const readFund = async (blockNumber?: bigint) =>
    sdk.toInsuranceFund(
      await publicClient.readContract({
        address: lens,
        abi: sdk.perpLensAbi,
        functionName: "getInsuranceFund",
        args: [fundAddress],
        blockNumber,
      }),
    );

  const readMarket = async (marketId: bigint) =>
    sdk.toMarket(
      await publicClient.readContract({
        address: lens,
        abi: sdk.perpLensAbi,
        functionName: "getMarket",
        args: [marketId],
      }),
    );

  const readAdl = async () =>
    sdk.toPendingAdl(
      await publicClient.readContract({ address: lens, abi: sdk.perpLensAbi, functionName: "getAdl" }),
    );

  const simulate = (account: sdk.Account, fund: sdk.InsuranceFundInfo, timestamp: bigint) =>
    sdk.simulateLiquidation(
      account,
      { config, fundAvailable: fund.available, lastPartialLiquidation: account.lastPartialLiquidation },
      timestamp,
    );

  before(async function () {
    const rng = new Rng(SEED);
    // Caps out of the way: this test is about what happens once positions are open.
    const configs = Array.from({ length: MARKETS }, (_, i) => ({
      ...randomMarket(rng, i),
      maxOpenInterest: 10n ** 36n,
      maxSkew: 10n ** 36n,
    }));
    protocol = await deployLocalProtocol(ethers, configs);
    publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    [owner, , keeper] = wallets;
    traders = wallets.slice(3, 3 + TRADERS);
    whale = wallets[3 + TRADERS];
    lens = getAddress(await protocol.lens.getAddress());
    engine = getAddress(await protocol.engine.getAddress());
    liquidator = getAddress(await protocol.liquidationEngine.getAddress());
    fundAddress = getAddress(await protocol.insuranceFund.getAddress());
    vault = getAddress(await protocol.vault.getAddress());
    now = (await publicClient.getBlock()).timestamp;
    for (const [i, m] of protocol.markets.entries()) {
      prices.push(configs[i].price);
      tiers.push(configs[i].tiers);
      // The widest funding band first (it covers any parameters' rate at ±maxSkew), then random parameters with a
      // fair premium that follows the skew premium within minutes.
      await atNextBlock(1n, async () => (await protocol.engine.setCircuitBreaker(m.id, WIDE_BREAKER)).wait());
      const params = {
        ...randomParams(rng, await m.adapter.getAddress(), configs[i]),
        fairTau: rng.mag(0n, 900n),
      };
      await atNextBlock(1n, async () => (await protocol.engine.setMarketParams(m.id, params)).wait());
    }
    config = randomConfig(rng);
    await atNextBlock(1n, async () => (await protocol.liquidationEngine.setConfig(config)).wait());
    const [, lp] = await ethers.getSigners();
    await atNextBlock(1n, async () => (await protocol.usdc.mint(lp.address, 10n ** 18n)).wait());
    await atNextBlock(1n, async () =>
      (
        await protocol.usdc.connect(lp).approve(await protocol.liquidityVault.getAddress(), maxUint256)
      ).wait(),
    );
    await atNextBlock(1n, async () =>
      (await protocol.liquidityVault.connect(lp).deposit(10n ** 17n, lp.address)).wait(),
    );
    for (const w of [owner, whale, ...traders]) {
      const signer = await ethers.getSigner(w.account.address);
      await atNextBlock(1n, async () => (await protocol.usdc.mint(w.account.address, 10n ** 18n)).wait());
      await atNextBlock(1n, async () =>
        (await protocol.usdc.connect(signer).approve(vault, maxUint256)).wait(),
      );
    }
    for (const t of traders) await deposit(t, t.account.address, rng.mag(100n, 50_000n));
    await deposit(whale, whale.account.address, 100_000_000n);
  });

  async function deposit(from: WalletClient, account: Address, usdcWhole: bigint) {
    await atNextBlock(1n, () =>
      send(from, {
        address: vault,
        abi: sdk.collateralVaultAbi,
        functionName: "depositFor",
        args: [account, usdcWhole * 1_000_000n],
      }),
    );
  }

  /**
   * A random trade: mostly an opening one at 30–110 % of the notional the tiers allow on the account's equity (so
   * that price moves make accounts liquidatable, and now and then bankrupt), sometimes a reduction.
   */
  async function randomTrade(rng: Rng) {
    const trader = pick(rng, traders);
    const who = getAddress(trader.account.address);
    const marketId = rng.below(BigInt(MARKETS));
    // Sized on the equity of the last comparison (cheap reads only: the lens' account view is the slow one).
    const held = (
      await publicClient.readContract({
        address: engine,
        abi: sdk.perpEngineAbi,
        functionName: "position",
        args: [who, marketId],
      })
    ).size;
    const last = lastEquity.get(who) ?? 0n;
    const equity = last > 0n ? last : 100n * E18;
    // The largest notional the tiers allow on this equity, roughly: max over tiers of min(equity × lev, cap).
    let maxNotional = 0n;
    for (const tier of tiers[Number(marketId)]) {
      const n = (equity * tier.maxLeverage) / E18;
      const capped = n < tier.upToNotional ? n : tier.upToNotional;
      if (capped > maxNotional) maxNotional = capped;
    }
    const notional = (maxNotional * rng.between(30n, 110n)) / 100n;
    let sizeDelta = (rng.bool() ? 1n : -1n) * ((notional * E18) / prices[Number(marketId)] + 1n);
    if (held !== 0n && rng.chance(25)) sizeDelta = -((held * rng.between(1n, 100n)) / 100n) || -held;
    stats.trades++;
    const { revert } = await atNextBlock(rng.chance(50) ? 1n : rng.mag(1n, 600n), () =>
      send(trader, {
        address: engine,
        abi: sdk.perpEngineAbi,
        functionName: "trade",
        args: [trader.account.address, marketId, sizeDelta, sizeDelta > 0n ? maxUint256 : 0n],
      }),
    );
    if (revert === undefined) stats.tradesMined++;
  }

  /**
   * The whale trades against `account`'s position in one of its markets: a long's liquidation sells, so the whale
   * sells first (and the other way round), moving the live skew away from the fair premium's.
   */
  async function push(rng: Rng, account: sdk.Account) {
    const p = pick(rng, account.positions);
    const market = p.market;
    const clampAt = (market.params.maxPremium * market.params.skewScale) / E18;
    const magnitude =
      (p.size > 0n ? p.size : -p.size) * rng.between(1n, 5n) + (clampAt * rng.between(0n, 2n)) / 2n;
    const sizeDelta = p.size > 0n ? -magnitude : magnitude;
    const { revert } = await atNextBlock(1n, () =>
      send(whale, {
        address: engine,
        abi: sdk.perpEngineAbi,
        functionName: "trade",
        args: [whale.account.address, p.marketId, sizeDelta, sizeDelta > 0n ? maxUint256 : 0n],
      }),
    );
    if (revert === undefined) stats.pushes++;
  }

  /**
   * Liquidates `who` (when the SDK says it is below maintenance, or now and then when it is not), now and then right
   * after a whale's push, previewed with the SDK at the timestamp it is mined at, and compares the outcome.
   */
  async function tryLiquidation(rng: Rng, who: Address, label: string) {
    const maintenance = await publicClient.readContract({
      address: engine,
      abi: sdk.perpEngineAbi,
      functionName: "maintenanceMargin",
      args: [who],
    });
    if (maintenance >= 0n ? !rng.chance(3) : !rng.chance(75)) return;
    let account = await readAccount(who);
    if (!account.valuationValid) return;
    if (account.positions.length === 0) {
      // Flat (e.g. bad debt queued for ADL): nothing to close, never liquidatable.
      const preview = await publicClient.readContract({
        address: liquidator,
        abi: sdk.liquidationEngineAbi,
        functionName: "previewLiquidation",
        args: [who],
      });
      check(`${label} flat ${who.slice(0, 8)} not liquidatable`, preview.liquidatable, false);
      return;
    }
    if (maintenance < 0n && rng.chance(40)) {
      await push(rng, account);
      account = await readAccount(who);
      if (account.positions.length === 0 || !account.valuationValid) return;
    }
    const gap = rng.chance(70) ? 1n : rng.mag(1n, 120n);
    const at = now + gap;
    const fund = await readFund(account.blockNumber);
    const sim = simulate(account, fund, at);
    const where = `${label} liquidate ${who.slice(0, 8)} at ${at}`;
    const { hash, revert } = await atNextBlock(gap, () =>
      send(keeper, {
        address: liquidator,
        abi: sdk.liquidationEngineAbi,
        functionName: "liquidate",
        args: [who],
      }),
    );
    if (revert !== undefined) {
      stats.refusals++;
      if (revert === "LiquidationBeyondBound") stats.beyondBound++;
      check(`${where} refusal`, sim.refusal ?? "none", revert);
      return;
    }
    check(`${where} liquidatable`, [sim.liquidatable, sim.refusal], [true, undefined]);
    const receipt = await publicClient.getTransactionReceipt({ hash: hash! });
    const events = parseEventLogs({ abi: sdk.liquidationEngineAbi, logs: receipt.logs })
      .map(sdk.toLiquidationEvent)
      .filter((e) => e !== undefined);
    const liquidated = events.find((e) => e.type === "liquidated");
    if (liquidated?.type !== "liquidated") {
      failures.push(`${where}: no Liquidated event`);
      return;
    }
    stats.liquidations++;
    // The closes the engine made, in order: a `Trade` for each that filled, preceded by `ForcedCloseBounded` when its
    // bound cut it (alone when nothing fitted). They are a prefix of the SDK's (it stops once the account is
    // healthy), each the same as the SDK's close of that position (same skew, oracle and fair premium).
    const made: { marketId: bigint; sizeDelta: bigint; fillPrice: bigint; cut: boolean }[] = [];
    const mine = (a: Address) => a.toLowerCase() === who.toLowerCase();
    for (const l of parseEventLogs({ abi: sdk.perpEngineAbi, logs: receipt.logs })) {
      if (l.eventName === "ForcedCloseBounded" && mine(l.args.account))
        made.push({ marketId: l.args.marketId, sizeDelta: l.args.filled, fillPrice: 0n, cut: true });
      if (l.eventName === "Trade" && mine(l.args.account)) {
        const last = made.at(-1);
        if (last?.cut && last.fillPrice === 0n && last.marketId === l.args.marketId && last.sizeDelta !== 0n)
          last.fillPrice = l.args.fillPrice;
        else
          made.push({
            marketId: l.args.marketId,
            sizeDelta: l.args.sizeDelta,
            fillPrice: l.args.fillPrice,
            cut: false,
          });
      }
    }
    const k = made.length;
    check(
      `${where} closes`,
      made,
      sim.closes
        .slice(0, k)
        .map((c) => ({ marketId: c.marketId, sizeDelta: c.sizeDelta, fillPrice: c.fillPrice, cut: c.cut })),
    );
    const processed = sim.closes.slice(0, k);
    let notional = 0n;
    let collateral = account.collateral;
    for (const c of processed) {
      notional += c.notional;
      collateral += c.cashDelta;
    }
    const cut = processed.some((c) => c.cut);
    if (cut) stats.cutCloses++;
    if (processed.some((c) => c.cut && c.sizeDelta === 0n)) stats.cutToNothing++;
    check(`${where} notional`, notional, liquidated.notionalClosed);
    if (k < sim.closes.length) stats.stoppedEarly++;
    const sliced = processed.some((c) => c.isSlice && c.sizeDelta !== 0n);
    if (sliced) stats.sliced++;
    const split = sdk.liquidationFeeSplit(notional, collateral, fund.available, config, { cut });
    if (split.fundTopUp > 0n) stats.fundTopUps++;
    if (split.reward > split.rewardFromAccount && !split.fundTopsUp) stats.noFundTopUp++;
    check(
      `${where} fee split`,
      [split.fee, split.keeperReward, split.insuranceFee, sliced],
      [liquidated.fee, liquidated.keeperReward, liquidated.insuranceFee, liquidated.partialOnly],
    );
    if (k === sim.closes.length) {
      // The preview's keeper reward equals what `liquidate` pays, to the wei.
      const unit = liquidated.keeperReward - sim.keeperReward;
      if (unit !== 0n) stats.previewOneUnitShort++;
      check(`${where} keeper reward − preview`, unit, 0n);
      const covered = events.find((e) => e.type === "badDebtCoveredByFund");
      const shortfall = events.find((e) => e.type === "shortfallForAdl");
      const badDebt =
        (covered?.type === "badDebtCoveredByFund" ? covered.amount : 0n) +
        (shortfall?.type === "shortfallForAdl" ? shortfall.amount : 0n);
      if (badDebt > 0n) stats.badDebts++;
      check(`${where} bad debt`, sim.expectedBadDebt, badDebt);
    }
  }

  /** Submits random candidates to the pending ADL request and executes it once its window is over. */
  async function randomAdl(rng: Rng, label: string) {
    const adl = await readAdl();
    const request = adl.request;
    if (request === undefined) return;
    for (let i = 0, n = Number(rng.below(3n)); i < n; i++) {
      const who = getAddress(pick(rng, traders).account.address);
      const account = await readAccount(who);
      const rank = sdk.adlVictimRank(account, request, now + 1n);
      const { hash, revert } = await atNextBlock(1n, () =>
        send(keeper, {
          address: liquidator,
          abi: sdk.liquidationEngineAbi,
          functionName: "submitAdlCandidate",
          args: [who],
        }),
      );
      const where = `${label} submit ${who.slice(0, 8)} to #${request.requestId}`;
      if (revert !== undefined) {
        if (rank === 0n) check(`${where} refusal`, "NotAdlCandidate", revert);
        else if (!["AlreadyAdlCandidate", "AdlRankTooLow"].includes(revert))
          failures.push(`${where}: unexpected ${revert} (SDK rank ${rank})`);
        continue;
      }
      stats.submissions++;
      const receipt = await publicClient.getTransactionReceipt({ hash: hash! });
      const [event] = parseEventLogs({
        abi: sdk.liquidationEngineAbi,
        logs: receipt.logs,
        eventName: "AdlCandidateSubmitted",
      });
      check(`${where} rank`, rank, event?.args.rank);
    }
    if (now + 1n < request.executableAt || !rng.chance(60)) return;
    // A bankrupt account that repaid its debt itself: the request shrinks first (and may resolve with no victim).
    const repayment = sdk.adlRepayment(request.remaining, (await readAccount(request.account)).collateral);
    const synced = { ...request, remaining: repayment.remaining };
    const [pending, market] = await Promise.all([readAdl(), readMarket(request.marketId)]);
    let best: sdk.Account | undefined;
    let bestRank = 0n;
    let coverable = false;
    for (const c of pending.candidates) {
      const candidate = await readAccount(c.account);
      const rank = sdk.adlVictimRank(candidate, request, now + 1n);
      if (rank > bestRank) [best, bestRank] = [candidate, rank];
      const held = candidate.positions.find((p) => p.marketId === request.marketId);
      if (
        !repayment.resolvedByRepayment &&
        rank > 0n &&
        held !== undefined &&
        sdk.adlDeleverageSize(held, synced, market).covered > 0n
      )
        coverable = true;
    }
    if (now + 1n >= pending.rotatableAt && rng.chance(50)) {
      // The request is stuck when its window passed and no candidate can cover it now: then anyone may rotate it.
      const { hash, revert } = await atNextBlock(1n, () =>
        send(keeper, { address: liquidator, abi: sdk.liquidationEngineAbi, functionName: "rotateAdl" }),
      );
      const where = `${label} rotateAdl #${request.requestId}`;
      const expected = repayment.resolvedByRepayment ? "resolved" : coverable ? "AdlNotStuck" : "rotated";
      if (revert !== undefined) {
        stats.notStuck++;
        check(`${where} outcome`, expected, revert);
        return;
      }
      const logs = parseEventLogs({
        abi: sdk.liquidationEngineAbi,
        logs: (await publicClient.getTransactionReceipt({ hash: hash! })).logs,
      });
      const rotated = logs.some((l) => l.eventName === "AdlRotated");
      if (rotated) stats.rotations++;
      check(`${where} outcome`, expected, rotated ? "rotated" : "resolved");
      return;
    }
    const held = best?.positions.find((p) => p.marketId === request.marketId);
    const step =
      held === undefined || repayment.resolvedByRepayment
        ? undefined
        : sdk.adlDeleverageSize(held, synced, market);
    const { hash, revert } = await atNextBlock(1n, () =>
      send(keeper, { address: liquidator, abi: sdk.liquidationEngineAbi, functionName: "executeAdl" }),
    );
    const where = `${label} executeAdl #${request.requestId}`;
    if (revert !== undefined) {
      const expected = repayment.resolvedByRepayment
        ? "none"
        : best === undefined
          ? "NoAdlCandidates"
          : "none";
      check(`${where} refusal`, expected, revert);
      return;
    }
    stats.adlExecutions++;
    const receipt = await publicClient.getTransactionReceipt({ hash: hash! });
    const [event] = parseEventLogs({
      abi: sdk.liquidationEngineAbi,
      logs: receipt.logs,
      eventName: "AdlExecuted",
    });
    const [repaid] = parseEventLogs({
      abi: sdk.liquidationEngineAbi,
      logs: receipt.logs,
      eventName: "AdlShortfallRepaid",
    });
    check(`${where} repaid`, repayment.repaid, repaid?.args.amount ?? 0n);
    check(`${where} victim`, repayment.resolvedByRepayment ? undefined : best?.address, event?.args.victim);
    if (!repayment.resolvedByRepayment && event !== undefined)
      check(`${where} step`, step === undefined ? undefined : [step.sizeDelta, step.price, step.covered], [
        event.args.sizeDelta,
        event.args.price,
        event.args.covered,
      ]);
  }

  /** Compares every trader's ADL ranks and liquidation preview with the contract's views at the latest block. */
  async function compareViews(label: string) {
    const blockNumber = await publicClient.getBlockNumber();
    const readPreview = async (who: Address) =>
      sdk.toLiquidationPreview(
        await publicClient.readContract({
          address: liquidator,
          abi: sdk.liquidationEngineAbi,
          functionName: "previewLiquidation",
          args: [who],
          blockNumber,
        }),
      );
    // Every read at one block, sent together.
    const whos = traders.map((t) => getAddress(t.account.address));
    const [fund, accounts, views] = await Promise.all([
      readFund(blockNumber),
      Promise.all(whos.map((who) => readAccount(who, blockNumber))),
      Promise.all(whos.map(readPreview)),
    ]);
    for (const [i, who] of whos.entries()) {
      const a = accounts[i];
      const where = `${label} account ${who.slice(0, 8)}`;
      if (!a.valuationValid) {
        failures.push(`${where}: valuation failed (an oracle reverted)`);
        continue;
      }
      stats.accounts++;
      lastEquity.set(who, a.margin.equity);
      for (const p of a.positions) {
        stats.ranks++;
        if (p.adlRank > 0n) stats.positiveRanks++;
        check(
          `${where} market ${p.marketId} adlRank`,
          sdk.positionAdlRank(a, p.marketId, a.timestamp),
          p.adlRank,
        );
      }
      const sim = simulate(a, fund, a.timestamp);
      stats.previews++;
      if (sim.maintenanceMargin < 0n) stats.belowMaintenance++;
      if (sim.coolingDown) stats.coolingDown++;
      if (sim.expectedBadDebt > 0n) stats.withBadDebt++;
      check(`${where} previewLiquidation`, views[i], {
        liquidatable: sim.liquidatable,
        maintenanceMargin: sim.maintenanceMargin,
        closes: sim.closes.map((c) => ({ marketId: c.marketId, sizeDelta: c.sizeDelta })),
        notionalClosed: sim.notionalClosed,
        keeperReward: sim.keeperReward,
        insuranceFee: sim.insuranceFee,
        expectedBadDebt: sim.expectedBadDebt,
      });
    }
  }

  it(`equals the liquidation engine to the wei on ${STATES} random states`, async function () {
    const rng = new Rng(SEED ^ 0x11an);
    const started = Date.now();
    for (let state = 0; state < STATES && failures.length < 20; state++) {
      const label = `seed=0x${SEED.toString(16)} state #${state}`;
      now += pick(rng, [0n, 0n, rng.mag(1n, 60n), rng.mag(60n, 3_600n), rng.mag(3_600n, 6n * 3_600n)]);
      for (const [i, m] of protocol.markets.entries()) {
        if (rng.chance(70)) prices[i] = (prices[i] * rng.between(8_000n, 12_000n)) / 10_000n + 1n;
        await atNextBlock(1n, async () => (await m.feed.updateAnswer(prices[i])).wait());
      }
      if (rng.chance(15)) {
        config = randomConfig(rng);
        await atNextBlock(1n, async () => (await protocol.liquidationEngine.setConfig(config)).wait());
      }
      if (rng.chance(15)) await deposit(owner, fundAddress, rng.mag(1n, 20_000n));
      if (rng.chance(10))
        await atNextBlock(1n, () =>
          send(keeper, { address: engine, abi: sdk.perpEngineAbi, functionName: "sweepInsuranceFees" }),
        );
      // Traders wiped out (or in debt) come back with fresh collateral, so that trading and liquidations go on.
      for (const t of traders) {
        const equity = lastEquity.get(getAddress(t.account.address)) ?? 0n;
        if (equity < 50n * E18 && rng.chance(50)) {
          const debt = equity < 0n ? -equity / E18 + 1n : 0n; // whole USDC
          await deposit(t, t.account.address, debt + rng.mag(100n, 20_000n));
        }
      }
      for (let k = 0, n = 1 + Number(rng.below(4n)); k < n; k++) await randomTrade(rng);
      for (const t of traders) await tryLiquidation(rng, getAddress(t.account.address), label);
      if (rng.chance(50)) await randomAdl(rng, label);
      await compareViews(label);
      stats.states++;
    }
    console.log(
      `      ${stats.states} states in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(stats)}`,
    );
    expect(failures.slice(0, 10), `${failures.length} mismatches`).to.deep.equal([]);
    expect(stats.states).to.be.greaterThanOrEqual(Math.min(STATES, 300));
    expect(stats.belowMaintenance).to.be.greaterThan(0);
    expect(stats.liquidations).to.be.greaterThan(0);
    expect(stats.positiveRanks).to.be.greaterThan(0);
    // The new paths were reached: closes cut by their bound (to nothing, too), and ADL steps compared.
    expect(stats.cutCloses).to.be.greaterThan(0);
    expect(stats.cutToNothing + stats.beyondBound).to.be.greaterThan(0);
    expect(stats.adlExecutions).to.be.greaterThan(0);
  });
});
