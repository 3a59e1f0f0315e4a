// Differential test of the SDK's account-level math against the engine's views, on random chain states built on
// the in-process network: random market parameters and notional tiers, random price walks (18-decimal feeds, any
// wei), random time gaps (seconds to two days), random trades (opens, reduces, closes, flips, some refused).
//
// For every state it reads each market and each trader through PerpLens (one call each; the lens only forwards the
// engine's views) and checks, to the wei, the SDK's pure math on the same block's raw state:
//   markets:  marketPrices (mark, fair advanced to now, premium, rates, pending funding index), quoteFillPrice;
//   accounts: accountMargin (at mark), accountMarginAtFair, maintenanceMargin, withdrawable (vault), maxWithdraw,
//             and per position accruedFunding, unrealisedPnl, liquidationPrice (the doubling + bisection search)
//             and the liquidation engine's adlRank (see sdk-parity-liquidation.test.ts for the liquidation math).
// Every random trade is also previewed with the SDK's `previewTrade` at the block it is mined in, and must match the
// engine: the same fill, fee, funding settled, realised PnL and new position, or the same revert.
// Block timestamps are set explicitly, so a seed reproduces a run: PARITY_SEED=0x… PARITY_STATES=2000 npx hardhat
// test mocha test/ts/sdk-parity-accounts.test.ts
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, maxUint256, parseEventLogs, type Address } from "viem";

import type { MarketConfig } from "../../deploy/config/local-markets.js";
import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import * as sdk from "../../sdk/src/index.js";
import { pick, randomMarket, randomParams, randomTiers } from "./helpers/random-markets.js";
import { Rng } from "./helpers/rng.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const STATES = Number(process.env.PARITY_STATES ?? 520);
const SEED = process.env.PARITY_SEED ? BigInt(process.env.PARITY_SEED) : 0x5eed_acc0_0001n;
const TRADERS = 5;
const MARKETS = 4;

type PublicClient = Awaited<ReturnType<typeof viem.getPublicClient>>;
type WalletClient = Awaited<ReturnType<typeof viem.getWalletClients>>[number];

// ------------------------------------------------------------------ the test

describe("SDK account math parity with the engine's views (random chain states)", function () {
  this.timeout(600_000);

  let protocol: LocalProtocol;
  let publicClient: PublicClient;
  let traders: WalletClient[];
  let lens: Address;
  let engine: Address;
  let now: bigint;
  const prices: bigint[] = [];
  const stats = {
    states: 0,
    accountChecks: 0,
    positionChecks: 0,
    marketChecks: 0,
    quotes: 0,
    trades: 0,
    refused: 0,
    breaker: 0,
  };
  const reasons: Record<string, number> = {};
  const failures: string[] = [];

  /** Mines the next transaction `gap` seconds after the previous block (timestamps fixed: reproducible runs). */
  async function atNextBlock<T>(gap: bigint, send: () => Promise<T>): Promise<T> {
    now += gap < 1n ? 1n : gap;
    await networkHelpers.time.setNextBlockTimestamp(now);
    return send();
  }

  function check(label: string, sdkValue: unknown, chainValue: unknown) {
    const a = JSON.stringify(sdkValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    const b = JSON.stringify(chainValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    if (a !== b) failures.push(`${label}: SDK ${a} != engine ${b}`);
  }

  const readAccount = async (account: Address) =>
    sdk.toAccount(
      await publicClient.readContract({
        address: lens,
        abi: sdk.perpLensAbi,
        functionName: "getAccount",
        args: [account],
      }),
    );

  before(async function () {
    const rng = new Rng(SEED);
    const configs = Array.from({ length: MARKETS }, (_, i) => randomMarket(rng, i));
    protocol = await deployLocalProtocol(ethers, configs);
    publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    traders = wallets.slice(2, 2 + TRADERS);
    lens = getAddress(await protocol.lens.getAddress());
    engine = getAddress(await protocol.engine.getAddress());
    now = (await publicClient.getBlock()).timestamp;
    for (const [i, m] of protocol.markets.entries()) {
      prices.push(configs[i].price);
      const params = randomParams(rng, await m.adapter.getAddress(), configs[i]);
      await atNextBlock(1n, async () => (await protocol.engine.setMarketParams(m.id, params)).wait());
      // Wide breakers, so that random price walks rarely make a market reduce-only.
      const breaker = { maxOracleMove: E18 / 2n, maxFundingRate: E18 / 10n, window: 86_400n };
      await atNextBlock(1n, async () => (await protocol.engine.setCircuitBreaker(m.id, breaker)).wait());
    }
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
    for (const t of traders) {
      const signer = await ethers.getSigner(t.account.address);
      await atNextBlock(1n, async () => (await protocol.usdc.mint(t.account.address, 10n ** 18n)).wait());
      await atNextBlock(1n, async () =>
        (await protocol.usdc.connect(signer).approve(await protocol.vault.getAddress(), maxUint256)).wait(),
      );
      await atNextBlock(1n, async () =>
        (await protocol.vault.connect(signer).deposit(rng.mag(100n, 1_000_000n) * 1_000_000n)).wait(),
      );
    }
  });

  /** One random trade, previewed with the SDK at the block it is mined in, then compared with what happened. */
  async function randomTrade(rng: Rng, label: string) {
    const trader = pick(rng, traders);
    const owner = getAddress(trader.account.address);
    const marketId = BigInt(rng.below(BigInt(MARKETS)));
    const account = await readAccount(owner);
    const market = sdk.toMarket(
      await publicClient.readContract({
        address: lens,
        abi: sdk.perpLensAbi,
        functionName: "getMarket",
        args: [marketId],
      }),
    );
    const held = account.positions.find((p) => p.marketId === marketId)?.size ?? 0n;
    const equity = account.margin.equity > 0n ? account.margin.equity : 1_000n * E18;
    const notional = (equity * rng.mag(1n, 4_000n)) / 100n; // 0.01x to 40x the equity
    const opening = (rng.bool() ? 1n : -1n) * ((notional * E18) / market.oraclePrice + 1n);
    const kind = held === 0n ? "open" : pick(rng, ["open", "open", "reduce", "close", "flip"] as const);
    const sizeDelta =
      kind === "open"
        ? opening
        : kind === "reduce"
          ? -((held * rng.between(1n, 99n)) / 100n) || -held
          : kind === "close"
            ? -held
            : -held - (held > 0n ? 1n : -1n) * (opening > 0n ? opening : -opening);
    if (sizeDelta === 0n) return;
    const quote = sdk.quoteFillPrice(market, market.oraclePrice, sizeDelta);
    const acceptablePrice = rng.chance(10)
      ? sizeDelta > 0n
        ? quote - 1n
        : quote + 1n
      : rng.chance(10)
        ? quote
        : sizeDelta > 0n
          ? maxUint256
          : 0n;

    let hash: `0x${string}` | undefined;
    let revert: string | undefined;
    await atNextBlock(rng.chance(50) ? 1n : rng.mag(1n, 3_600n), async () => {
      try {
        hash = await trader.writeContract({
          address: engine,
          abi: sdk.perpEngineAbi,
          functionName: "trade",
          args: [owner, marketId, sizeDelta, acceptablePrice],
          gas: 5_000_000n, // no estimation: a refused trade is mined and reverts at this exact timestamp
        });
      } catch (e) {
        const data = sdk.findRevertData(e);
        revert = (data && sdk.decodePerpContractError(data)?.errorName) ?? String(e).slice(0, 200);
      }
    });
    // The circuit-breaker flags are the read block's (the engine re-evaluates them at the trade's block, and the
    // lens has no raw breaker state to advance): a trade the engine refuses for its breaker is not compared, any
    // other trade passed the breaker and is previewed without it.
    const where = `${label} trade ${owner.slice(0, 8)} market ${marketId} size ${sizeDelta} (${kind})`;
    stats.trades++;
    if (revert === "CircuitBreakerTripped") {
      stats.breaker++;
      return;
    }
    const unbroken = { ...market, breakerOracleMove: false, breakerFunding: false };
    const preview = sdk.previewTrade(account, unbroken, sizeDelta, now, acceptablePrice);
    if (revert !== undefined) {
      stats.refused++;
      reasons[revert] = (reasons[revert] ?? 0) + 1;
      check(`${where} revert`, preview.failure?.error, revert);
      return;
    }
    const receipt = await publicClient.getTransactionReceipt({ hash: hash! });
    check(
      `${where} timestamp`,
      (await publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp,
      now,
    );
    check(`${where} failure`, preview.failure, undefined);
    const logs = parseEventLogs({ abi: sdk.perpEngineAbi, logs: receipt.logs });
    const traded = logs.find((l) => l.eventName === "Trade");
    const settled = logs.find((l) => l.eventName === "FundingSettled");
    check(
      `${where} fill`,
      [preview.fillPrice, preview.fee, preview.realisedPnl, preview.newSize, preview.newOpenNotional],
      traded?.eventName === "Trade"
        ? [
            traded.args.fillPrice,
            traded.args.fee,
            traded.args.realisedPnl,
            traded.args.newSize,
            traded.args.newOpenNotional,
          ]
        : undefined,
    );
    check(
      `${where} funding`,
      preview.fundingOwed,
      settled?.eventName === "FundingSettled" ? settled.args.amount : 0n,
    );
    const after = await readAccount(owner);
    check(`${where} collateral after`, preview.collateralAfter, after.collateral);
  }

  /** Reads every market and trader at the latest block and compares the SDK's math with the engine's views. */
  async function compareViews(rng: Rng, label: string) {
    const markets = (
      await publicClient.readContract({ address: lens, abi: sdk.perpLensAbi, functionName: "getMarkets" })
    ).map(sdk.toMarket);
    const timestamp = (await publicClient.getBlock()).timestamp;
    for (const m of markets) {
      stats.marketChecks++;
      const mine = sdk.marketPrices(m, timestamp);
      check(
        `${label} market ${m.marketId} prices`,
        [
          mine.markPrice,
          mine.fairPrice,
          mine.premium,
          mine.currentFundingRate,
          mine.annualisedFundingRate,
          mine.fundingIndex,
        ],
        [m.markPrice, m.fairPrice, m.premium, m.fundingRatePerHour, m.fundingRateAnnualised, m.fundingIndex],
      );
      for (let q = 0; q < 2; q++) {
        const sizeDelta = rng.chance(20) ? rng.signed(10n ** 24n, 10n ** 32n) : rng.signed(1n, 10n ** 24n);
        if (sizeDelta === 0n) continue;
        stats.quotes++;
        const onChain = await publicClient.readContract({
          address: engine,
          abi: sdk.perpEngineAbi,
          functionName: "quoteFillPrice",
          args: [m.marketId, sizeDelta],
        });
        check(
          `${label} quote ${m.marketId} ${sizeDelta}`,
          sdk.quoteFillPrice(m, m.oraclePrice, sizeDelta),
          onChain,
        );
      }
    }
    for (const t of traders) {
      const a = await readAccount(getAddress(t.account.address));
      const ts = a.timestamp;
      const where = `${label} account ${a.address.slice(0, 8)}`;
      check(`${where} timestamp`, ts, timestamp);
      if (!a.valuationValid) {
        failures.push(`${where}: valuation failed (an oracle reverted)`);
        continue;
      }
      stats.accountChecks++;
      check(`${where} accountMargin`, sdk.accountMargin(a, ts, false), a.margin);
      check(`${where} accountMarginAtFair`, sdk.accountMargin(a, ts, true), a.marginAtFair);
      check(`${where} maintenanceMargin`, sdk.maintenanceMargin(a, ts), a.maintenanceMargin);
      check(
        `${where} withdrawable`,
        [sdk.withdrawableUsd(a, ts), sdk.maxWithdraw(a, ts)],
        [a.withdrawable, a.maxWithdraw],
      );
      for (const p of a.positions) {
        stats.positionChecks++;
        check(
          `${where} market ${p.marketId} position`,
          [
            sdk.accruedFunding(p, ts),
            sdk.unrealisedPnl(p),
            sdk.liquidationPrice(a, p.marketId, ts),
            sdk.positionAdlRank(a, p.marketId, ts),
          ],
          [p.accruedFunding, p.unrealisedPnl, p.liquidationPrice, p.adlRank],
        );
      }
    }
  }

  it(`equals the engine to the wei on ${STATES} random states`, async function () {
    const rng = new Rng(SEED ^ 0xa11n);
    const started = Date.now();
    for (let state = 0; state < STATES && failures.length < 20; state++) {
      const label = `seed=0x${SEED.toString(16)} state #${state}`;
      // A time gap: often none or seconds, sometimes hours or days (feeds are refreshed below).
      const gap = pick(rng, [0n, 0n, rng.mag(1n, 60n), rng.mag(60n, 7_200n), rng.mag(7_200n, 2n * 86_400n)]);
      now += gap;
      // Price walk: every feed gets a fresh answer (so none is stale), most of them a new price within ±25 %.
      for (const [i, m] of protocol.markets.entries()) {
        if (rng.chance(70)) {
          const move = rng.between(7_500n, 12_500n);
          prices[i] = (prices[i] * move) / 10_000n + rng.below(10n ** 6n) + 1n;
        }
        await atNextBlock(1n, async () => (await m.feed.updateAnswer(prices[i])).wait());
      }
      // Now and then a risk update: new tiers, or new fair-price and funding parameters (the engine accrues first).
      if (rng.chance(4)) {
        const m = pick(rng, protocol.markets);
        await atNextBlock(1n, async () =>
          (await protocol.engine.setMarketTiers(m.id, randomTiers(rng))).wait(),
        );
      }
      if (rng.chance(3)) {
        const m = pick(rng, protocol.markets);
        const current = await protocol.engine.marketParams(m.id);
        const params = randomParams(rng, await m.adapter.getAddress(), {
          skewScale: current.skewScale,
          maxSkew: current.maxSkew,
          maxOpenInterest: current.maxOpenInterest,
          makerFee: current.makerFee,
          takerFee: current.takerFee,
        } as MarketConfig);
        await atNextBlock(1n, async () => (await protocol.engine.setMarketParams(m.id, params)).wait());
      }
      if (rng.chance(5)) {
        const t = pick(rng, traders);
        const signer = await ethers.getSigner(t.account.address);
        await atNextBlock(1n, async () =>
          (await protocol.vault.connect(signer).deposit(rng.mag(10n, 100_000n) * 1_000_000n)).wait(),
        );
      }
      for (let k = 0, n = Number(rng.below(4n)); k < n; k++) await randomTrade(rng, label);
      await compareViews(rng, label);
      stats.states++;
    }
    console.log(
      `      ${stats.states} states in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stats.accountChecks} account snapshots, ` +
        `${stats.positionChecks} positions, ${stats.marketChecks} market snapshots, ${stats.quotes} quotes, ` +
        `${stats.trades} trades previewed (${stats.refused} refused by the same check, ${stats.breaker} by the breaker)`,
    );
    console.log(`      refusals: ${JSON.stringify(reasons)}`);
    expect(failures.slice(0, 10), `${failures.length} mismatches`).to.deep.equal([]);
    expect(stats.states).to.be.greaterThanOrEqual(500);
    expect(stats.positionChecks).to.be.greaterThan(STATES);
    expect(stats.refused).to.be.greaterThan(0);
  });
});
