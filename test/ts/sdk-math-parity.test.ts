// Differential test: the SDK's bigint math (sdk/src/math) against the Solidity libraries, through MathHarness.
// Inputs come from a seeded splitmix64 PRNG (bigint only), so a failure prints a seed and an index that reproduce
// it: PARITY_SEED=<hex> npx hardhat test mocha test/ts/sdk-math-parity.test.ts
// Each evaluation is ABI-encoded and run through `MathHarness.tryBatch` in batches (one eth_call per batch); a
// contract revert must match an SDK RangeError, a return must match the SDK result to the wei.
import { expect } from "chai";
import type { Interface } from "ethers";
import { network } from "hardhat";

import * as sdk from "../../sdk/src/index.js";
import type { MathHarness } from "../../types/ethers-contracts/index.js";
import { Rng } from "./helpers/rng.js";

const { ethers } = await network.create();

const WAD = 10n ** 18n;
const DAY = 86_400n;
const RUNS = 600; // random input sets per function
const BATCH = 500; // evaluations per eth_call
const BASE_SEED = process.env.PARITY_SEED ? BigInt(process.env.PARITY_SEED) : 0x5eed_2024_0001n;

// ------------------------------------------------------------------ batching and comparison

type Value = bigint | boolean | { upToNotional: bigint; maxLeverage: bigint; mmr: bigint }[];
interface Case {
  fn: string;
  args: Value[];
  sdk: () => bigint | bigint[];
}

let harness: MathHarness;

/** Runs every case on chain in batches, compares with the SDK, returns the mismatches (empty when all agree). */
async function runParity(group: string, seed: bigint, cases: Case[], batch = BATCH): Promise<string[]> {
  const iface = harness.interface as unknown as Interface;
  const failures: string[] = [];
  for (let start = 0; start < cases.length; start += batch) {
    const chunk = cases.slice(start, start + batch);
    const calls = chunk.map((c) => iface.encodeFunctionData(c.fn, c.args));
    const [ok, results] = await harness.tryBatch.staticCall(calls);
    chunk.forEach((c, j) => {
      const where = `${group} seed=0x${seed.toString(16)} case #${start + j} ${c.fn}(${c.args.join(", ")})`;
      let expected: bigint[] | undefined;
      let sdkError: unknown;
      try {
        const r = c.sdk();
        expected = Array.isArray(r) ? r : [r];
      } catch (e) {
        sdkError = e;
      }
      if (!ok[j]) {
        if (!(sdkError instanceof RangeError))
          failures.push(`${where}: contract reverted, SDK returned ${expected}`);
        return;
      }
      if (sdkError !== undefined) {
        failures.push(`${where}: SDK threw ${String(sdkError)}, contract returned`);
        return;
      }
      const decoded = iface.decodeFunctionResult(c.fn, results[j]).toArray() as bigint[];
      if (decoded.length !== expected!.length || decoded.some((v, k) => v !== expected![k])) {
        failures.push(`${where}: contract ${decoded.join(", ")} != SDK ${expected!.join(", ")}`);
      }
    });
  }
  return failures;
}

function report(failures: string[], total: number): void {
  expect(failures.slice(0, 5), `${failures.length} of ${total} evaluations differ`).to.deep.equal([]);
}

const tradeTuple = (r: sdk.TradeResult): bigint[] => [r.newSize, r.newOpenNotionalUsd, r.realisedPnlUsd];

// ------------------------------------------------------------------ input ranges

const price = (rng: Rng) => rng.mag(10n ** 12n, 10n ** 24n);
const size = (rng: Rng) => rng.signed(10n ** 10n, 10n ** 24n);
const skewScale = (rng: Rng) => rng.mag(WAD, 10n ** 26n);
const fee = (rng: Rng) => rng.mag(0n, WAD / 100n);
const elapsed = (rng: Rng) => rng.mag(0n, 30n * DAY);
const tau = (rng: Rng) => rng.mag(0n, DAY);
const premiumIn = (rng: Rng) => rng.signed(1n, (WAD * 99n) / 100n);

// ------------------------------------------------------------------ the groups

function fixedPointCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    // unsigned: mostly moderate, sometimes the full uint256 range (overflow must revert on both sides)
    const wide = rng.chance(10);
    const a = wide ? rng.mag(0n, sdk.MAX_UINT256) : rng.mag(0n, 10n ** 40n);
    const b = wide ? rng.mag(0n, sdk.MAX_UINT256) : rng.mag(0n, 10n ** 40n);
    const d = rng.chance(2) ? 0n : rng.mag(1n, 10n ** 30n);
    cases.push({ fn: "mulDivDown", args: [a, b, d], sdk: () => sdk.mulDivDown(a, b, d) });
    cases.push({ fn: "mulDivUp", args: [a, b, d], sdk: () => sdk.mulDivUp(a, b, d) });
    // signed: |a·b/d| mostly below 2^255 (beyond it both sides refuse, see the dedicated test below)
    const sa = rng.chance(2) ? sdk.MIN_INT256 : rng.signed(1n, 10n ** 38n);
    const sb = rng.signed(1n, 10n ** 38n);
    const sd = rng.chance(2) ? 0n : rng.mag(1n, 10n ** 30n);
    cases.push({ fn: "mulDivFloor", args: [sa, sb, sd], sdk: () => sdk.mulDivFloor(sa, sb, sd) });
    cases.push({ fn: "mulDivCeil", args: [sa, sb, sd], sdk: () => sdk.mulDivCeil(sa, sb, sd) });
    cases.push({ fn: "mulDivTrunc", args: [sa, sb, sd], sdk: () => sdk.mulDivTrunc(sa, sb, sd) });
    const x = rng.chance(2) ? sdk.MIN_INT256 : rng.signed(1n, sdk.MAX_INT256);
    cases.push({ fn: "abs", args: [x], sdk: () => sdk.abs(x) });
    const lo = rng.signed(1n, 10n ** 30n);
    const hi = rng.chance(90) ? lo + rng.mag(0n, 10n ** 30n) : rng.signed(1n, 10n ** 30n);
    const v = rng.signed(1n, 10n ** 30n);
    cases.push({ fn: "clamp", args: [v, lo, hi], sdk: () => sdk.clamp(v, lo, hi) });
  }
  return cases;
}

/** A skew scale and premium cap within the validator's bounds, or (now and then) anywhere. */
function pricingParams(rng: Rng): { scale: bigint; maxPremium: bigint } {
  const scale = rng.chance(1) ? 0n : rng.chance(80) ? rng.mag(10n ** 15n, 10n ** 30n) : skewScale(rng);
  const maxPremium = rng.chance(80) ? rng.mag(0n, WAD / 10n) : rng.mag(0n, WAD);
  return { scale, maxPremium };
}

/**
 * A skew around the clamp: a multiple of L = maxPremium × skewScale (where the premium reaches its cap) between
 * −3L and 3L, exactly ±L (±1 wei) now and then, or any size.
 */
function skewNearClamp(rng: Rng, scale: bigint, maxPremium: bigint): bigint {
  const clampAt = (maxPremium * scale) / WAD;
  if (clampAt === 0n || rng.chance(20)) return rng.signed(10n ** 10n, 10n ** 27n);
  if (rng.chance(15)) return (rng.bool() ? 1n : -1n) * (clampAt + rng.between(-1n, 1n));
  return ((rng.bool() ? 1n : -1n) * clampAt * rng.between(0n, 3_000n)) / 1_000n + rng.signed(1n, 10n ** 6n);
}

function pricingCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const skew = rng.signed(10n ** 10n, 10n ** 27n);
    const scale = rng.chance(1) ? 0n : skewScale(rng);
    const maxPremium = rng.mag(0n, WAD);
    cases.push({
      fn: "premium",
      args: [skew, scale, maxPremium],
      sdk: () => sdk.premium(skew, scale, maxPremium),
    });
    const oracle = price(rng);
    const p = premiumIn(rng);
    cases.push({ fn: "markPriceDown", args: [oracle, p], sdk: () => sdk.markPriceDown(oracle, p) });
    // The premium integral and the fill: paths inside the clamp, across it (in and out, and from one side's cap
    // to the other's) and on its flat part.
    const pp = pricingParams(rng);
    const s0 = skewNearClamp(rng, pp.scale, pp.maxPremium);
    const s1 = rng.chance(5) ? s0 : skewNearClamp(rng, pp.scale, pp.maxPremium);
    const delta = s1 - s0;
    cases.push({
      fn: "premiumIntegralDown",
      args: [s0, pp.scale, pp.maxPremium],
      sdk: () => sdk.premiumIntegralDown(s0, pp.scale, pp.maxPremium),
    });
    cases.push({
      fn: "fillPrice",
      args: [oracle, s0, delta, pp.scale, pp.maxPremium],
      sdk: () => sdk.fillPrice(oracle, s0, delta, pp.scale, pp.maxPremium),
    });
    cases.push({
      fn: "netExitValueCeil",
      args: [oracle, s1, pp.scale, pp.maxPremium],
      sdk: () => sdk.netExitValueCeil(oracle, s1, pp.scale, pp.maxPremium),
    });
    const feeDelta = size(rng);
    // a third of the trades are against the skew and cross zero or stop short of it
    const feeSkew = rng.chance(33) ? -feeDelta / rng.between(1n, 5n) + rng.signed(1n, 10n ** 18n) : size(rng);
    const fill = price(rng);
    const makerFee = fee(rng);
    const takerFee = fee(rng);
    cases.push({
      fn: "tradeFeeUp",
      args: [feeSkew, feeDelta, fill, makerFee, takerFee],
      sdk: () => sdk.tradeFeeUp(feeSkew, feeDelta, fill, makerFee, takerFee),
    });
  }
  return cases;
}

/**
 * The forced-close fit: a close of `delta` (a reduction of a position on either side) at a live skew, bounded by
 * the fill of the same close from the fair premium's skew (as `PerpEngine._fitted` computes it), from a skew pushed
 * against it, with it, or not at all; and bounds at the exact fill ±1 wei.
 */
function forcedCloseCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const oracle = price(rng);
    const { scale, maxPremium } = pricingParams(rng);
    if (scale === 0n) continue;
    const fairPremium = rng.signed(1n, maxPremium === 0n ? 1n : maxPremium);
    const fairSkew = sdk.mulDivTrunc(fairPremium, scale, WAD);
    const push = rng.chance(15) ? 0n : skewNearClamp(rng, scale, maxPremium);
    const skew = fairSkew + push;
    const delta = rng.chance(3) ? 0n : rng.signed(10n ** 10n, 10n ** 27n);
    let bound: bigint;
    try {
      bound = rng.chance(80)
        ? sdk.fillPrice(oracle, fairSkew, delta, scale, maxPremium)
        : sdk.fillPrice(oracle, skew, delta, scale, maxPremium) + rng.between(-1n, 1n);
    } catch {
      bound = rng.mag(0n, 10n ** 24n);
    }
    if (bound < 0n) bound = 0n;
    cases.push({
      fn: "fitForcedClose",
      args: [oracle, skew, delta, bound, scale, maxPremium],
      sdk: () => sdk.fitForcedClose(oracle, skew, delta, bound, scale, maxPremium),
    });
  }
  return cases;
}

function fundingCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p = rng.signed(1n, WAD / 10n);
    const interest = rng.signed(1n, 10n ** 15n);
    const c = rng.mag(0n, 10n ** 15n);
    const maxRate = rng.mag(0n, WAD / 10n);
    cases.push({
      fn: "fundingRate",
      args: [p, interest, c, maxRate],
      sdk: () => sdk.fundingRate(p, interest, c, maxRate),
    });
    const rate = rng.signed(1n, WAD / 10n);
    cases.push({ fn: "annualised", args: [rate], sdk: () => sdk.annualised(rate) });
    const oracle = price(rng);
    const dt = elapsed(rng);
    cases.push({ fn: "indexDelta", args: [rate, oracle, dt], sdk: () => sdk.indexDelta(rate, oracle, dt) });
    const s = size(rng);
    const deltaIndex = rng.signed(1n, 10n ** 24n);
    cases.push({ fn: "owedCeil", args: [s, deltaIndex], sdk: () => sdk.owedCeil(s, deltaIndex) });
  }
  return cases;
}

function fairPriceCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dt = elapsed(rng);
    const t = tau(rng);
    cases.push({ fn: "decayWeightDown", args: [dt, t], sdk: () => sdk.decayWeightDown(dt, t) });
    // The fair premium's own weight, w(x/4)^4: τ up to a day, now and then beyond 2^254 (4τ overflows: both revert).
    const wt = rng.chance(2) ? sdk.MAX_UINT256 / 4n + rng.mag(1n, 10n ** 6n) : t;
    cases.push({ fn: "premiumWeightDown", args: [dt, wt], sdk: () => sdk.premiumWeightDown(dt, wt) });
    const mark = price(rng);
    // fairLast near the mark (within ±50 %) or anywhere in the price range
    const fairLast = rng.chance(70) ? mark + rng.signed(1n, mark / 2n) : price(rng);
    cases.push({
      fn: "fairPrice",
      args: [mark, fairLast, dt, t],
      sdk: () => sdk.fairPrice(mark, fairLast, dt, t),
    });
    // The fair premium: a held premium within the cap, the engine's drift (0.1 %/h) or any other; seconds to days.
    const cap = rng.mag(0n, WAD / 10n);
    const last = rng.signed(1n, cap === 0n ? 1n : cap);
    const held = rng.signed(1n, cap === 0n ? 1n : cap);
    const drift = rng.chance(70) ? sdk.FAIR_DRIFT_PER_HOUR : rng.mag(0n, WAD);
    const gap = rng.chance(50) ? rng.mag(0n, 7_200n) : dt;
    cases.push({
      fn: "fairPremium",
      args: [last, held, gap, t, drift],
      sdk: () => sdk.fairPremium(last, held, gap, t, drift),
    });
  }
  return cases;
}

function positionCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = size(rng);
    // a cost basis consistent with the size (entry price in range) or any signed amount
    const openNotional = rng.chance(80) ? sdk.mulDivCeil(s, price(rng), WAD) : rng.signed(1n, 10n ** 30n);
    const p = price(rng);
    cases.push({
      fn: "pnlFloor",
      args: [s, openNotional, p],
      sdk: () => sdk.pnlFloor(s, openNotional, p),
    });
    // deltas: same side, partial reduce, exact close or flip
    const kind = rng.below(4n);
    const delta =
      kind === 0n ? size(rng) : kind === 1n ? -s / rng.between(2n, 1000n) : kind === 2n ? -s : -s + size(rng);
    const fill = price(rng);
    cases.push({
      fn: "applyTrade",
      args: [s, openNotional, delta, fill],
      sdk: () => tradeTuple(sdk.applyTrade(s, openNotional, delta, fill)),
    });
  }
  return cases;
}

function marginCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = size(rng);
    const p = price(rng);
    cases.push({ fn: "notionalUp", args: [s, p], sdk: () => sdk.notionalUp(s, p) });
    const notional = rng.mag(0n, 10n ** 30n);
    const maxLeverage = rng.chance(1) ? 0n : rng.mag(WAD, 100n * WAD);
    cases.push({
      fn: "initialMarginUp",
      args: [notional, maxLeverage],
      sdk: () => sdk.initialMarginUp(notional, maxLeverage),
    });
    const mmr = rng.mag(0n, WAD / 2n);
    cases.push({
      fn: "maintenanceMarginUp",
      args: [notional, mmr],
      sdk: () => sdk.maintenanceMarginUp(notional, mmr),
    });
    const tokens = rng.mag(0n, 10n ** 20n);
    const usd = rng.mag(0n, 10n ** 36n);
    cases.push({ fn: "toUsd", args: [tokens], sdk: () => sdk.toUsd(tokens) });
    cases.push({ fn: "toTokenDown", args: [usd], sdk: () => sdk.toTokenDown(usd) });
    cases.push({ fn: "toTokenUp", args: [usd], sdk: () => sdk.toTokenUp(usd) });
  }
  return cases;
}

/** A trade end to end, each step's inputs taken from the SDK's previous outputs. */
function tradePipelineCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  const maxPremium = WAD / 10n;
  for (let i = 0; i < RUNS; i++) {
    const oracle = price(rng);
    const scale = skewScale(rng);
    const skew = skewNearClamp(rng, scale, maxPremium);
    const delta = rng.chance(50) ? skewNearClamp(rng, scale, maxPremium) - skew : size(rng);
    if (delta === 0n) continue;
    const pAfter = sdk.premium(skew + delta, scale, maxPremium);
    const fill = sdk.fillPrice(oracle, skew, delta, scale, maxPremium);
    const pos = size(rng);
    const openNotional = sdk.mulDivCeil(pos, price(rng), WAD);
    const after = sdk.applyTrade(pos, openNotional, delta, fill);
    const mark = sdk.markPriceDown(oracle, pAfter);
    const notional = sdk.notionalUp(after.newSize, oracle);
    cases.push(
      { fn: "premium", args: [skew + delta, scale, maxPremium], sdk: () => pAfter },
      { fn: "fillPrice", args: [oracle, skew, delta, scale, maxPremium], sdk: () => fill },
      {
        fn: "tradeFeeUp",
        args: [skew, delta, fill, 2n * 10n ** 14n, 6n * 10n ** 14n],
        sdk: () => sdk.tradeFeeUp(skew, delta, fill, 2n * 10n ** 14n, 6n * 10n ** 14n),
      },
      { fn: "applyTrade", args: [pos, openNotional, delta, fill], sdk: () => tradeTuple(after) },
      { fn: "markPriceDown", args: [oracle, pAfter], sdk: () => mark },
      {
        fn: "netExitValueCeil",
        args: [oracle, skew + delta, scale, maxPremium],
        sdk: () => sdk.netExitValueCeil(oracle, skew + delta, scale, maxPremium),
      },
      {
        fn: "pnlFloor",
        args: [after.newSize, after.newOpenNotionalUsd, mark],
        sdk: () => sdk.pnlFloor(after.newSize, after.newOpenNotionalUsd, mark),
      },
      { fn: "notionalUp", args: [after.newSize, oracle], sdk: () => notional },
      {
        fn: "initialMarginUp",
        args: [notional, 20n * WAD],
        sdk: () => sdk.initialMarginUp(notional, 20n * WAD),
      },
      {
        fn: "maintenanceMarginUp",
        args: [notional, WAD / 200n],
        sdk: () => sdk.maintenanceMarginUp(notional, WAD / 200n),
      },
    );
  }
  return cases;
}

/** Random notional tiers within the validator's bounds (1 to 4, increasing, mmr < 1 / maxLeverage); now and then none. */
/** Tiers as the contract takes them (`upToNotional`) in the SDK's names (`upToNotionalUsd`). */
function sdkTiers(
  tiers: readonly { upToNotional: bigint; maxLeverage: bigint; mmr: bigint }[],
): sdk.TierParams[] {
  return tiers.map((t) => ({ upToNotionalUsd: t.upToNotional, maxLeverage: t.maxLeverage, mmr: t.mmr }));
}

function tiersFor(rng: Rng): { upToNotional: bigint; maxLeverage: bigint; mmr: bigint }[] {
  const tiers = [];
  let upTo = 0n;
  for (let i = 0, n = rng.chance(2) ? 0 : 1 + Number(rng.below(4n)); i < n; i++) {
    upTo += rng.mag(1_000n, 10_000_000n) * WAD;
    const maxLeverage = rng.mag(WAD, 100n * WAD);
    tiers.push({ upToNotional: upTo, maxLeverage, mmr: rng.mag(1n, (10n ** 36n - 1n) / maxLeverage) });
  }
  return tiers;
}

/**
 * The lens's liquidation-price search (`LiquidationPriceSearch`): f(P) = base + ⌊size × P⌋ − MM at the tier of the
 * notional; a short's lowest liquidatable price by doubling then bisection, a long's highest by scanning the tiers'
 * price ranges from the top. The base is mostly that of a position opened near a random price with some margin (so
 * the answer is a realistic price), sometimes any; a third of the cases are longs built to be liquidatable just
 * above a tier boundary while healthy just below it (the next tier's mmr is higher: f drops there), where a single
 * bisection over all prices would stop at the wrong interval.
 */
function liquidationSearchCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (rng.chance(33)) {
      cases.push(...tierBoundaryLongCases(rng));
      continue;
    }
    const tiers = tiersFor(rng);
    const s = rng.chance(2) ? 0n : size(rng);
    const entry = price(rng);
    const base = rng.chance(80)
      ? -sdk.mulDivFloor(s, entry, WAD) + rng.signed(1n, sdk.mulDivUp(sdk.abs(s), entry, WAD) / 5n + 1n)
      : rng.signed(1n, 10n ** 30n);
    cases.push({
      fn: "liquidationPriceSearch",
      args: [base, s, tiers],
      sdk: () => sdk.searchLiquidationPrice(base, s, sdkTiers(tiers)),
    });
    const at = rng.chance(50) ? entry : price(rng);
    cases.push({
      fn: "maintenanceAt",
      args: [base, s, tiers, at],
      sdk: () => sdk.maintenanceAt(base, s, sdkTiers(tiers), at),
    });
  }
  return cases;
}

/**
 * A long whose maintenance margin turns negative when its notional crosses a tier boundary upward: tiers with
 * increasing mmr (2 to 4), a boundary k, Pb = ⌊upTo[k] × 10^18 / size⌋ the last price in tier k, and a base with
 * f(Pb + 1) < 0 (by a random amount, up to half the MM step at the boundary, so f(Pb) ≥ 0 in most cases). The search
 * must return a price in a tier above k (the highest liquidatable one), not 0 or one below Pb; f is checked at Pb,
 * Pb + 1 and the answer too.
 */
function tierBoundaryLongCases(rng: Rng): Case[] {
  const n = 2 + Number(rng.below(3n));
  const tiers: { upToNotional: bigint; maxLeverage: bigint; mmr: bigint }[] = [];
  let upTo = 0n;
  let mmr = rng.mag(1n, WAD / 100n);
  for (let i = 0; i < n; i++) {
    upTo += rng.mag(1_000n, 10_000_000n) * WAD + rng.below(WAD);
    tiers.push({ upToNotional: upTo, maxLeverage: rng.mag(WAD, 100n * WAD), mmr });
    mmr += rng.mag(WAD / 1_000n, WAD / 5n);
  }
  const k = Number(rng.below(BigInt(n - 1)));
  const s = rng.mag(10n ** 15n, 10n ** 24n);
  const pb = (tiers[k].upToNotional * WAD) / s;
  const above = pb + 1n;
  const valueAbove = sdk.mulDivFloor(s, above, WAD);
  const mmAbove = sdk.maintenanceMarginUp(sdk.notionalUp(s, above), tiers[k + 1].mmr);
  const mmBelow = sdk.maintenanceMarginUp(sdk.notionalUp(s, pb), tiers[k].mmr);
  const step = mmAbove > mmBelow ? mmAbove - mmBelow : 1n;
  const base = -valueAbove + mmAbove - rng.mag(1n, step / 2n + 1n);
  const search = {
    fn: "liquidationPriceSearch",
    args: [base, s, tiers],
    sdk: () => sdk.searchLiquidationPrice(base, s, sdkTiers(tiers)),
  };
  const at = (p: bigint) => ({
    fn: "maintenanceAt",
    args: [base, s, tiers, p],
    sdk: () => sdk.maintenanceAt(base, s, sdkTiers(tiers), p),
  });
  return [search, at(pb), at(above), at(search.sdk())];
}

/** Funding over time for a long and a short, the rate derived from a premium. */
function fundingPipelineCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p = sdk.premium(rng.signed(10n ** 10n, 10n ** 25n), skewScale(rng), WAD / 10n);
    const rate = sdk.fundingRate(p, 125n * 10n ** 11n, 625n * 10n ** 11n, 4n * 10n ** 16n);
    const oracle = price(rng);
    const dt = elapsed(rng);
    const d = sdk.indexDelta(rate, oracle, dt);
    const s = size(rng);
    cases.push(
      {
        fn: "fundingRate",
        args: [p, 125n * 10n ** 11n, 625n * 10n ** 11n, 4n * 10n ** 16n],
        sdk: () => rate,
      },
      { fn: "indexDelta", args: [rate, oracle, dt], sdk: () => d },
      { fn: "owedCeil", args: [s, d], sdk: () => sdk.owedCeil(s, d) },
      { fn: "owedCeil", args: [-s, d], sdk: () => sdk.owedCeil(-s, d) },
    );
  }
  return cases;
}

// ------------------------------------------------------------------ tests

describe("sdk/math parity with the Solidity libraries (MathHarness)", function () {
  this.timeout(120_000);

  before(async function () {
    harness = await ethers.deployContract("MathHarness");
  });

  const groups: [string, (rng: Rng) => Case[]][] = [
    ["FixedPointMath", fixedPointCases],
    ["PricingMath", pricingCases],
    ["PricingMath.fitForcedClose", forcedCloseCases],
    ["FundingMath", fundingCases],
    ["FairPriceMath", fairPriceCases],
    ["LiquidationPriceSearch", liquidationSearchCases],
    ["PositionMath", positionCases],
    ["MarginMath + TokenUnits", marginCases],
    ["trade pipeline", tradePipelineCases],
    ["funding pipeline", fundingPipelineCases],
  ];

  groups.forEach(([name, make], k) => {
    it(`${name}: ${RUNS} random input sets per function agree to the wei`, async function () {
      const seed = BASE_SEED + BigInt(k);
      const cases = make(new Rng(seed));
      // A liquidation-price search costs up to ~260 evaluations, a forced-close fit up to 33 fills: fewer per eth_call.
      const batch = make === liquidationSearchCases ? 20 : make === forcedCloseCases ? 100 : BATCH;
      report(await runParity(name, seed, cases, batch), cases.length);
      if (make === liquidationSearchCases) {
        // Longs liquidatable just above a tier boundary and healthy at its last price below: the answer lies above
        // the boundary. Counted on the SDK (equal to the contract, checked above).
        let aboveBoundary = 0;
        for (let j = 0; j + 3 < cases.length; j++) {
          const [search, below, at] = cases.slice(j, j + 3);
          if (
            search.fn !== "liquidationPriceSearch" ||
            below.fn !== "maintenanceAt" ||
            at.fn !== "maintenanceAt"
          )
            continue;
          const pb = below.args[3] as bigint;
          if (at.args[3] !== pb + 1n) continue;
          const answer = search.sdk() as bigint;
          if ((below.sdk() as bigint) >= 0n && (at.sdk() as bigint) < 0n && answer > pb) aboveBoundary++;
        }
        console.log(`      ${aboveBoundary} longs liquidatable only above a tier boundary`);
        expect(aboveBoundary, "longs liquidatable above a tier boundary").to.be.greaterThan(RUNS / 10);
      }
      if (make === forcedCloseCases) {
        // The generator reaches every outcome of the fit: the whole close, a cut one and nothing at all.
        const outcomes = { full: 0, cut: 0, none: 0 };
        for (const c of cases) {
          try {
            const fitted = c.sdk() as bigint;
            const asked = sdk.abs(c.args[2] as bigint);
            if (fitted === asked) outcomes.full++;
            else if (fitted === 0n) outcomes.none++;
            else outcomes.cut++;
          } catch {
            // a reverting case (delta = 0): compared above
          }
        }
        console.log(`      forced-close fits: ${JSON.stringify(outcomes)}`);
        expect(outcomes.full, JSON.stringify(outcomes)).to.be.greaterThan(RUNS / 10);
        expect(outcomes.cut, JSON.stringify(outcomes)).to.be.greaterThan(RUNS / 100);
        expect(outcomes.none, JSON.stringify(outcomes)).to.be.greaterThan(RUNS / 20);
      }
    });
  });

  it("reverts where the SDK throws, on hand-picked edge inputs", async function () {
    const MAX = sdk.MAX_UINT256;
    const MIN = sdk.MIN_INT256;
    const cases: Case[] = [
      { fn: "mulDivDown", args: [1n, 1n, 0n], sdk: () => sdk.mulDivDown(1n, 1n, 0n) },
      { fn: "mulDivUp", args: [MAX, 2n, 1n], sdk: () => sdk.mulDivUp(MAX, 2n, 1n) },
      { fn: "mulDivUp", args: [MAX, MAX, MAX], sdk: () => sdk.mulDivUp(MAX, MAX, MAX) },
      { fn: "mulDivFloor", args: [MIN, 0n, 1n], sdk: () => sdk.mulDivFloor(MIN, 0n, 1n) },
      { fn: "mulDivCeil", args: [0n, 5n, 0n], sdk: () => sdk.mulDivCeil(0n, 5n, 0n) },
      { fn: "abs", args: [MIN], sdk: () => sdk.abs(MIN) },
      { fn: "abs", args: [MIN + 1n], sdk: () => sdk.abs(MIN + 1n) },
      { fn: "premium", args: [1n, 0n, WAD], sdk: () => sdk.premium(1n, 0n, WAD) },
      // A trade of size zero divides by zero; so does a fit of nothing.
      {
        fn: "fillPrice",
        args: [WAD, 0n, 0n, WAD, WAD / 10n],
        sdk: () => sdk.fillPrice(WAD, 0n, 0n, WAD, WAD / 10n),
      },
      {
        fn: "fitForcedClose",
        args: [WAD, 0n, 0n, WAD, WAD, WAD / 10n],
        sdk: () => sdk.fitForcedClose(WAD, 0n, 0n, WAD, WAD, WAD / 10n),
      },
      // A zero skew scale: the linear part divides by zero at skew 0, the flat part does not divide.
      {
        fn: "premiumIntegralDown",
        args: [0n, 0n, WAD / 10n],
        sdk: () => sdk.premiumIntegralDown(0n, 0n, WAD / 10n),
      },
      {
        fn: "premiumIntegralDown",
        args: [1n, 0n, WAD / 10n],
        sdk: () => sdk.premiumIntegralDown(1n, 0n, WAD / 10n),
      },
      // |skew| at the clamp and one wei beyond it (the linear and the flat formula meet there).
      {
        fn: "premiumIntegralDown",
        args: [10n ** 23n, 10n ** 24n, WAD / 10n],
        sdk: () => sdk.premiumIntegralDown(10n ** 23n, 10n ** 24n, WAD / 10n),
      },
      {
        fn: "premiumIntegralDown",
        args: [-(10n ** 23n) - 1n, 10n ** 24n, WAD / 10n],
        sdk: () => sdk.premiumIntegralDown(-(10n ** 23n) - 1n, 10n ** 24n, WAD / 10n),
      },
      // A premium integral whose square overflows uint256 in the linear part.
      {
        fn: "premiumIntegralDown",
        args: [sdk.MAX_INT256, MAX, WAD],
        sdk: () => sdk.premiumIntegralDown(sdk.MAX_INT256, MAX, WAD),
      },
      { fn: "annualised", args: [sdk.MAX_INT256], sdk: () => sdk.annualised(sdk.MAX_INT256) },
      { fn: "initialMarginUp", args: [WAD, 0n], sdk: () => sdk.initialMarginUp(WAD, 0n) },
      { fn: "notionalUp", args: [MIN, 1n], sdk: () => sdk.notionalUp(MIN, 1n) },
      { fn: "tradeFeeUp", args: [MIN, 1n, WAD, 0n, 0n], sdk: () => sdk.tradeFeeUp(MIN, 1n, WAD, 0n, 0n) },
      { fn: "tradeFeeUp", args: [MIN, -1n, WAD, 0n, 0n], sdk: () => sdk.tradeFeeUp(MIN, -1n, WAD, 0n, 0n) },
      { fn: "applyTrade", args: [1n, 0n, MIN, WAD], sdk: () => tradeTuple(sdk.applyTrade(1n, 0n, MIN, WAD)) },
      {
        fn: "applyTrade",
        args: [-1n, 0n, MIN, WAD],
        sdk: () => tradeTuple(sdk.applyTrade(-1n, 0n, MIN, WAD)),
      },
      { fn: "toUsd", args: [MAX / 10n ** 12n + 1n], sdk: () => sdk.toUsd(MAX / 10n ** 12n + 1n) },
      { fn: "toTokenUp", args: [MAX], sdk: () => sdk.toTokenUp(MAX) },
      { fn: "decayWeightDown", args: [MAX, 1n], sdk: () => sdk.decayWeightDown(MAX, 1n) },
      // The flat part's constant is rounded up: M = 3, K = 1 gives ⌈9 / 2e18⌉ = 1, so G(1) = 3 − 1 = 2 (exact:
      // 3 − 4.5e-18, rounded down).
      {
        fn: "premiumIntegralDown",
        args: [1n, 1n, 3n],
        sdk: () => sdk.premiumIntegralDown(1n, 1n, 3n),
      },
      // 4τ overflows uint256: the weight reverts; τ = 0 gives 0, elapsed = 0 gives 10^18.
      {
        fn: "premiumWeightDown",
        args: [1n, MAX / 4n + 1n],
        sdk: () => sdk.premiumWeightDown(1n, MAX / 4n + 1n),
      },
      { fn: "premiumWeightDown", args: [5n, 0n], sdk: () => sdk.premiumWeightDown(5n, 0n) },
      { fn: "premiumWeightDown", args: [0n, 7n], sdk: () => sdk.premiumWeightDown(0n, 7n) },
      // No tiers: a long's search scans no range (0), a short's evaluates f and reverts (index out of bounds).
      {
        fn: "liquidationPriceSearch",
        args: [-WAD, WAD, []],
        sdk: () => sdk.searchLiquidationPrice(-WAD, WAD, []),
      },
      {
        fn: "liquidationPriceSearch",
        args: [-WAD, -WAD, []],
        sdk: () => sdk.searchLiquidationPrice(-WAD, -WAD, []),
      },
    ];
    report(await runParity("edges", 0n, cases), cases.length);
  });

  it("reverts (contract) and throws (SDK) where a result does not fit its type, never wrapping", async function () {
    // A signed quotient above 2^255 − 1 does not fit int256.
    await expect(harness.mulDivTrunc(sdk.MAX_INT256, 2n, 1n)).to.be.revertedWithCustomError(
      harness,
      "SafeCastOverflowedUintToInt",
    );
    expect(() => sdk.mulDivTrunc(sdk.MAX_INT256, 2n, 1n)).to.throw(RangeError);
    // A premium below −100 % would make the price factor negative.
    await expect(harness.markPriceDown(1n, -2n * WAD)).to.be.revertedWithCustomError(
      harness,
      "SafeCastOverflowedIntToUint",
    );
    expect(() => sdk.markPriceDown(1n, -2n * WAD)).to.throw(RangeError);
  });
});
