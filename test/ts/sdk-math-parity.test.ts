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

type Value = bigint | boolean;
interface Case {
  fn: string;
  args: Value[];
  sdk: () => bigint | bigint[];
}

let harness: MathHarness;

/** Runs every case on chain in batches, compares with the SDK, returns the mismatches (empty when all agree). */
async function runParity(group: string, seed: bigint, cases: Case[]): Promise<string[]> {
  const iface = harness.interface as unknown as Interface;
  const failures: string[] = [];
  for (let start = 0; start < cases.length; start += BATCH) {
    const chunk = cases.slice(start, start + BATCH);
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

const tradeTuple = (r: sdk.TradeResult): bigint[] => [r.newSize, r.newOpenNotional, r.realisedPnl];

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
    const pb = premiumIn(rng);
    const pa = premiumIn(rng);
    const isBuy = rng.bool();
    cases.push({
      fn: "fillPrice",
      args: [oracle, pb, pa, isBuy],
      sdk: () => sdk.fillPrice(oracle, pb, pa, isBuy),
    });
    const delta = size(rng);
    // a third of the trades are against the skew and cross zero or stop short of it
    const feeSkew = rng.chance(33) ? -delta / rng.between(1n, 5n) + rng.signed(1n, 10n ** 18n) : size(rng);
    const fill = price(rng);
    const makerFee = fee(rng);
    const takerFee = fee(rng);
    cases.push({
      fn: "tradeFeeUp",
      args: [feeSkew, delta, fill, makerFee, takerFee],
      sdk: () => sdk.tradeFeeUp(feeSkew, delta, fill, makerFee, takerFee),
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
    const mark = price(rng);
    // fairLast near the mark (within ±50 %) or anywhere in the price range
    const fairLast = rng.chance(70) ? mark + rng.signed(1n, mark / 2n) : price(rng);
    cases.push({
      fn: "fairPrice",
      args: [mark, fairLast, dt, t],
      sdk: () => sdk.fairPrice(mark, fairLast, dt, t),
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
    const skew = rng.signed(10n ** 10n, 10n ** 24n);
    const delta = size(rng);
    const pBefore = sdk.premium(skew, scale, maxPremium);
    const pAfter = sdk.premium(skew + delta, scale, maxPremium);
    const isBuy = delta > 0n;
    const fill = sdk.fillPrice(oracle, pBefore, pAfter, isBuy);
    const pos = size(rng);
    const openNotional = sdk.mulDivCeil(pos, price(rng), WAD);
    const after = sdk.applyTrade(pos, openNotional, delta, fill);
    const mark = sdk.markPriceDown(oracle, pAfter);
    const notional = sdk.notionalUp(after.newSize, mark);
    cases.push(
      { fn: "premium", args: [skew + delta, scale, maxPremium], sdk: () => pAfter },
      { fn: "fillPrice", args: [oracle, pBefore, pAfter, isBuy], sdk: () => fill },
      {
        fn: "tradeFeeUp",
        args: [skew, delta, fill, 2n * 10n ** 14n, 6n * 10n ** 14n],
        sdk: () => sdk.tradeFeeUp(skew, delta, fill, 2n * 10n ** 14n, 6n * 10n ** 14n),
      },
      { fn: "applyTrade", args: [pos, openNotional, delta, fill], sdk: () => tradeTuple(after) },
      { fn: "markPriceDown", args: [oracle, pAfter], sdk: () => mark },
      {
        fn: "pnlFloor",
        args: [after.newSize, after.newOpenNotional, mark],
        sdk: () => sdk.pnlFloor(after.newSize, after.newOpenNotional, mark),
      },
      { fn: "notionalUp", args: [after.newSize, mark], sdk: () => notional },
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
    ["FundingMath", fundingCases],
    ["FairPriceMath", fairPriceCases],
    ["PositionMath", positionCases],
    ["MarginMath + TokenUnits", marginCases],
    ["trade pipeline", tradePipelineCases],
    ["funding pipeline", fundingPipelineCases],
  ];

  groups.forEach(([name, make], k) => {
    it(`${name}: ${RUNS} random input sets per function agree to the wei`, async function () {
      const seed = BASE_SEED + BigInt(k);
      const cases = make(new Rng(seed));
      report(await runParity(name, seed, cases), cases.length);
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
