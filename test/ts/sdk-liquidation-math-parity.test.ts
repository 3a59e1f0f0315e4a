// Differential test: the SDK's `liquidationMath.ts` against `contracts/libraries/LiquidationMath.sol`, through
// LiquidationMathHarness. The mirror has exactly the library's functions, by name (checked against the library's
// source), and each one equals the library to the wei on random inputs from a seeded splitmix64 PRNG (bigint only),
// with the boundaries of every branch (±1 wei, ±1 s) drawn on purpose. A failure prints a seed and an index that
// reproduce it: PARITY_SEED=<hex> npx hardhat test mocha test/ts/sdk-liquidation-math-parity.test.ts
// Each evaluation is ABI-encoded and run through `tryBatch` (one eth_call per batch); a contract revert must match an
// SDK RangeError, a return must match the SDK's result.
import { readFileSync } from "node:fs";

import { expect } from "chai";
import type { Interface, Result } from "ethers";
import { network } from "hardhat";

import * as mirror from "../../sdk/src/math/liquidationMath.js";
import type { LiquidationMathHarness } from "../../types/ethers-contracts/index.js";
import { Rng } from "./helpers/rng.js";

const { ethers } = await network.create();

const WAD = 10n ** 18n;
const UNIT = 10n ** 12n; // one USDC unit in 18-decimal USD
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_INT128 = (1n << 127n) - 1n;
const RUNS = 300; // random input sets per function
const BATCH = 500; // evaluations per eth_call
const BASE_SEED = process.env.PARITY_SEED ? BigInt(process.env.PARITY_SEED) : 0x11a_2025_0013n;

// The library's structs as the harness takes them (the Solidity field names); `sdkConfig` and `sdkPos` give the
// mirror the same values under its unit-carrying names.
type Config = {
  feeRate: bigint;
  keeperShare: bigint;
  minKeeperReward: bigint;
  maxKeeperReward: bigint;
  partialNotional: bigint;
  sliceFraction: bigint;
  cooldown: bigint;
};
type Pos = { size: bigint; openNotional: bigint; lastFundingIndex: bigint };
const sdkConfig = (c: Config): mirror.LiquidationConfig => ({
  feeRate: c.feeRate,
  keeperShare: c.keeperShare,
  minKeeperRewardUsd: c.minKeeperReward,
  maxKeeperRewardUsd: c.maxKeeperReward,
  partialNotionalUsd: c.partialNotional,
  sliceFraction: c.sliceFraction,
  cooldown: c.cooldown,
});
const sdkPos = (p: Pos): mirror.PositionInput => ({ size: p.size, openNotionalUsd: p.openNotional });
type Value = bigint | boolean | Config | Pos;
type Flat = bigint | boolean;
interface Case {
  fn: keyof typeof mirror;
  args: Value[];
  sdk: () => Flat[];
}

let harness: LiquidationMathHarness;

/** A decoded return value, nested tuples flattened in ABI order. */
function flatten(r: Result | Flat): Flat[] {
  if (typeof r === "bigint" || typeof r === "boolean") return [r];
  return r.toArray().flatMap((x: Result | Flat) => flatten(x));
}

/** Runs every case on chain in batches, compares with the SDK, returns the mismatches (empty when all agree). */
async function runParity(seed: bigint, cases: Case[]): Promise<{ failures: string[]; reverted: number }> {
  const iface = harness.interface as unknown as Interface;
  const failures: string[] = [];
  let reverted = 0;
  for (let start = 0; start < cases.length; start += BATCH) {
    const chunk = cases.slice(start, start + BATCH);
    const calls = chunk.map((c) => iface.encodeFunctionData(c.fn, c.args));
    const [ok, results] = await harness.tryBatch.staticCall(calls);
    chunk.forEach((c, j) => {
      const where = `seed=0x${seed.toString(16)} case #${start + j} ${c.fn}(${JSON.stringify(
        c.args,
        (_, v) => (typeof v === "bigint" ? v.toString() : v),
      )})`;
      let expected: Flat[] | undefined;
      let sdkError: unknown;
      try {
        expected = c.sdk();
      } catch (e) {
        sdkError = e;
      }
      if (!ok[j]) {
        reverted++;
        if (!(sdkError instanceof RangeError))
          failures.push(`${where}: contract reverted, SDK returned ${expected}`);
        return;
      }
      if (sdkError !== undefined) {
        failures.push(`${where}: SDK threw ${String(sdkError)}, contract returned`);
        return;
      }
      const decoded = flatten(iface.decodeFunctionResult(c.fn, results[j]));
      if (decoded.length !== expected!.length || decoded.some((v, k) => v !== expected![k])) {
        failures.push(`${where}: contract ${decoded.join(", ")} != SDK ${expected!.join(", ")}`);
      }
    });
  }
  return { failures, reverted };
}

// ------------------------------------------------------------------ input ranges

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Number(rng.below(BigInt(xs.length)))];
const near = (rng: Rng, x: bigint, lo = 0n): bigint => {
  const v = x + rng.between(-1n, 1n);
  return v < lo ? lo : v;
};
const price = (rng: Rng) => rng.mag(1n, 10n ** 24n);

/** Liquidation parameters within their hard bounds, now and then anywhere their types allow. */
function config(rng: Rng): Config {
  const wide = rng.chance(10);
  const maxKeeperReward = wide ? rng.mag(0n, MAX_UINT128) : rng.mag(0n, 100_000n * WAD);
  return {
    feeRate: wide ? rng.mag(0n, MAX_UINT64) : rng.mag(0n, WAD / 20n),
    keeperShare: wide ? rng.mag(0n, MAX_UINT64) : rng.mag(0n, WAD),
    minKeeperReward: wide ? rng.mag(0n, MAX_UINT128) : rng.mag(0n, maxKeeperReward),
    maxKeeperReward,
    partialNotional: rng.mag(0n, wide ? MAX_UINT128 : 10n ** 25n),
    sliceFraction: wide ? rng.mag(0n, MAX_UINT64) : rng.mag(WAD / 20n, WAD),
    cooldown: rng.mag(0n, 3_600n),
  };
}

/** A notional closed, often at a branch of the fee rules: the reward floor or cap, or the fund's top-up threshold. */
function notional(rng: Rng, c: Config): bigint {
  const feeShare = (c.feeRate * c.keeperShare) / WAD;
  switch (Number(rng.below(5n))) {
    case 0: // notional × feeRate = minKeeperReward × 10^18 (the top-up threshold), ±1 wei
      return c.feeRate === 0n ? rng.mag(0n, 10n ** 30n) : near(rng, (c.minKeeperReward * WAD) / c.feeRate);
    case 1: // fee × keeperShare ≈ minKeeperReward (the floor)
      return feeShare === 0n ? rng.mag(0n, 10n ** 30n) : near(rng, (c.minKeeperReward * WAD) / feeShare);
    case 2: // ≈ maxKeeperReward (the cap)
      return feeShare === 0n ? rng.mag(0n, 10n ** 30n) : near(rng, (c.maxKeeperReward * WAD) / feeShare);
    default:
      return rng.chance(3) ? rng.mag(0n, (1n << 256n) - 1n) : rng.mag(0n, 10n ** 30n);
  }
}

function position(rng: Rng): Pos {
  return {
    size: rng.chance(2) ? MAX_INT128 * (rng.bool() ? 1n : -1n) : rng.signed(1n, 10n ** 26n),
    openNotional: rng.chance(2) ? -MAX_INT128 : rng.signed(1n, 10n ** 30n),
    lastFundingIndex: rng.signed(0n, 10n ** 24n),
  };
}

const bool = (rng: Rng) => rng.bool();

// ------------------------------------------------------------------ the cases, one generator per function

const generators: { [K in keyof typeof mirror]?: (rng: Rng) => Case } = {
  liquidationFeeAndReward(rng) {
    const c = config(rng);
    const n = notional(rng, c);
    const cut = bool(rng);
    return {
      fn: "liquidationFeeAndReward",
      args: [n, c, cut],
      sdk: () => {
        const r = mirror.liquidationFeeAndReward(n, sdkConfig(c), cut);
        return [r.feeUsd, r.rewardUsd];
      },
    };
  },
  liquidationCharge(rng) {
    const c = config(rng);
    const n = notional(rng, c);
    const cut = bool(rng);
    return {
      fn: "liquidationCharge",
      args: [n, c, cut],
      sdk: () => [mirror.liquidationCharge(n, sdkConfig(c), cut)],
    };
  },
  fundTopsUp(rng) {
    const c = config(rng);
    const n = notional(rng, c);
    return { fn: "fundTopsUp", args: [n, c], sdk: () => [mirror.fundTopsUp(n, sdkConfig(c))] };
  },
  liquidationFeeCharge(rng) {
    const c = config(rng);
    const n = notional(rng, c);
    const cut = bool(rng);
    const { feeUsd: fee, rewardUsd: reward } = (() => {
      try {
        return mirror.liquidationFeeAndReward(n, sdkConfig(c), cut);
      } catch {
        return { feeUsd: 0n, rewardUsd: 0n };
      }
    })();
    // Collateral at the charge, at the reward (±1 wei), on a USDC unit, negative, or anywhere.
    const at = pick(rng, [fee > reward ? fee : reward, reward, (reward / UNIT) * UNIT]);
    const collateral = rng.chance(50)
      ? near(rng, at, -(1n << 255n))
      : rng.chance(50)
        ? rng.signed(1n, 10n ** 24n)
        : rng.signed(1n, (1n << 255n) - 1n);
    return {
      fn: "liquidationFeeCharge",
      args: [n, collateral, c, cut],
      sdk: () => {
        const r = mirror.liquidationFeeCharge(n, collateral, sdkConfig(c), cut);
        return [
          r.feeUsd,
          r.rewardUsd,
          r.fromAccountUsd,
          r.keeperRewardFromAccountUsd,
          r.insuranceFeeUsd,
          r.fundTopUpWantedUsd,
        ];
      },
    };
  },
  wholeUnits(rng) {
    const usd = rng.chance(50) ? near(rng, rng.mag(0n, 10n ** 12n) * UNIT) : rng.mag(0n, (1n << 256n) - 1n);
    return { fn: "wholeUnits", args: [usd], sdk: () => [mirror.wholeUnits(usd)] };
  },
  liquidationCloseSize(rng) {
    const c = config(rng);
    const p = position(rng);
    // The cost basis at the partial threshold ±1 wei, or a position whose slice rounds to nothing or to all of it.
    if (rng.chance(40)) {
      const at = near(rng, c.partialNotional);
      p.openNotional = (rng.bool() ? 1n : -1n) * (at > MAX_INT128 ? MAX_INT128 : at);
    }
    if (rng.chance(15)) p.size = rng.signed(1n, 30n);
    if (rng.chance(10)) c.sliceFraction = pick(rng, [WAD, WAD - 1n, 0n]);
    const bankrupt = rng.chance(20);
    return {
      fn: "liquidationCloseSize",
      args: [p, c, bankrupt],
      sdk: () => {
        const r = mirror.liquidationCloseSize(sdkPos(p), sdkConfig(c), bankrupt);
        return [r.sizeDelta, r.isSlice];
      },
    };
  },
  liquidationCloseCashDelta(rng) {
    const p = position(rng);
    if (rng.chance(70)) {
      p.size = rng.signed(1n, 10n ** 24n);
      p.openNotional = rng.signed(1n, 10n ** 28n);
    }
    // Mostly a reduction (part or all of the position), now and then an increase or a flip.
    const closed = rng.chance(80)
      ? -(p.size * rng.between(1n, 1_000n)) / 1_000n
      : rng.signed(1n, 10n ** 24n) * (rng.chance(50) ? 1n : -1n);
    const fill = price(rng);
    const funding = rng.chance(5) ? (1n << 255n) - 1n : rng.signed(1n, 10n ** 26n);
    return {
      fn: "liquidationCloseCashDelta",
      args: [p, closed, fill, funding],
      sdk: () => [mirror.liquidationCloseCashDelta(sdkPos(p), closed, fill, funding)],
    };
  },
  liquidationBadDebt(rng) {
    const collateral = rng.chance(10) ? -(1n << 255n) : rng.signed(1n, 10n ** 26n);
    const fromAccount = rng.chance(40)
      ? collateral > 0n
        ? rng.between(0n, collateral)
        : 0n
      : rng.chance(90)
        ? near(rng, collateral > 0n ? collateral : -collateral)
        : rng.mag(0n, (1n << 256n) - 1n);
    const closesAll = rng.chance(70);
    return {
      fn: "liquidationBadDebt",
      args: [collateral, fromAccount, closesAll],
      sdk: () => [mirror.liquidationBadDebt(collateral, fromAccount, closesAll)],
    };
  },
  liquidationCoolingDown(rng) {
    const lastPartial = rng.chance(20) ? 0n : rng.chance(5) ? (1n << 256n) - 1n : rng.mag(1n, 1n << 40n);
    const cooldown = rng.mag(0n, 3_600n);
    const timestamp = near(rng, lastPartial + cooldown);
    return {
      fn: "liquidationCoolingDown",
      args: [lastPartial, cooldown, timestamp > (1n << 256n) - 1n ? lastPartial : timestamp],
      sdk: () => [
        mirror.liquidationCoolingDown(
          lastPartial,
          cooldown,
          timestamp > (1n << 256n) - 1n ? lastPartial : timestamp,
        ),
      ],
    };
  },
  adlRank(rng) {
    const p = position(rng);
    if (rng.chance(5)) p.size = 0n;
    if (rng.chance(5)) p.openNotional = 0n;
    const pnl = rng.chance(5) ? (1n << 255n) - 1n : rng.signed(1n, 10n ** 28n);
    const equity = rng.chance(5) ? -(1n << 255n) : rng.signed(1n, 10n ** 28n);
    return { fn: "adlRank", args: [p, pnl, equity], sdk: () => [mirror.adlRank(sdkPos(p), pnl, equity)] };
  },
  adlBankruptcyPrice(rng) {
    const closedDelta = rng.chance(3) ? 0n : rng.signed(1n, 10n ** 26n);
    const fill = price(rng);
    // For a short, a loss per unit at the fill ±1 wei (the price floors at 1).
    const size = closedDelta < 0n ? -closedDelta : closedDelta;
    const totalLoss =
      rng.chance(40) && size !== 0n
        ? near(rng, (fill * size) / WAD)
        : rng.mag(0n, rng.chance(5) ? 1n << 255n : 10n ** 30n);
    return {
      fn: "adlBankruptcyPrice",
      args: [closedDelta, fill, totalLoss],
      sdk: () => [mirror.adlBankruptcyPrice(closedDelta, fill, totalLoss)],
    };
  },
  adlRepayment(rng) {
    const remaining = rng.mag(0n, 10n ** 26n);
    const collateral = rng.chance(60)
      ? -near(rng, remaining)
      : rng.chance(10)
        ? -(1n << 255n)
        : rng.signed(1n, 10n ** 26n);
    return {
      fn: "adlRepayment",
      args: [remaining, collateral],
      sdk: () => {
        const r = mirror.adlRepayment(remaining, collateral);
        return [r.remainingUsd, r.repaidUsd, r.resolvedByRepayment];
      },
    };
  },
  adlClosePrice(rng) {
    const victimsLong = bool(rng);
    const size = rng.chance(3) ? 0n : rng.mag(1n, 10n ** 26n);
    const cost = rng.mag(0n, 10n ** 30n);
    const q = rng.chance(50) ? size : rng.chance(5) ? 0n : rng.between(1n, size > 0n ? size : 1n);
    // The bankruptcy price at the break-even ±1 wei, or anywhere.
    const breakEven = size === 0n ? 0n : (cost * WAD) / size;
    const p = rng.chance(50) ? near(rng, breakEven) : price(rng);
    return {
      fn: "adlClosePrice",
      args: [victimsLong, p, cost, size, q],
      sdk: () => [mirror.adlClosePrice(victimsLong, p, cost, size, q)],
    };
  },
  adlPriceGap(rng) {
    const victimsLong = bool(rng);
    const exit = price(rng);
    const p = rng.chance(50) ? near(rng, exit) : price(rng);
    return {
      fn: "adlPriceGap",
      args: [victimsLong, exit, p],
      sdk: () => [mirror.adlPriceGap(victimsLong, exit, p)],
    };
  },
  adlCloseSize(rng) {
    const gap = rng.chance(3) ? 0n : rng.mag(1n, 10n ** 22n);
    const remaining = rng.mag(0n, 10n ** 26n);
    // The whole position's size at ⌈remaining / gap⌉ ±1, or anywhere.
    const size =
      rng.chance(50) && gap !== 0n ? near(rng, (remaining * WAD + gap - 1n) / gap) : rng.mag(1n, 10n ** 26n);
    return {
      fn: "adlCloseSize",
      args: [size, remaining, gap],
      sdk: () => [mirror.adlCloseSize(size, remaining, gap)],
    };
  },
  adlCovered(rng) {
    const q = rng.mag(0n, 10n ** 26n);
    const gap = rng.mag(0n, 10n ** 22n);
    const remaining = rng.chance(50) ? near(rng, (q * gap) / WAD) : rng.mag(0n, 10n ** 26n);
    return { fn: "adlCovered", args: [remaining, q, gap], sdk: () => [mirror.adlCovered(remaining, q, gap)] };
  },
  pnlFactorLimit(rng) {
    const cash = rng.chance(5) ? (1n << 256n) - 1n : rng.mag(0n, 10n ** 30n);
    const factor = rng.mag(0n, WAD);
    return { fn: "pnlFactorLimit", args: [cash, factor], sdk: () => [mirror.pnlFactorLimit(cash, factor)] };
  },
  pnlReductionReward(rng) {
    const fee = rng.mag(0n, 10n ** 26n);
    const insuranceShare = rng.chance(5) ? rng.mag(WAD + 1n, 10n * WAD) : rng.mag(0n, WAD);
    const keeperShare = rng.mag(0n, WAD);
    const vaultPart = fee - (fee * insuranceShare) / WAD;
    const owed = vaultPart > 0n ? (vaultPart * keeperShare) / WAD : 0n;
    const vaultBalance = rng.chance(50) ? near(rng, owed, -(10n ** 24n)) : rng.signed(1n, 10n ** 26n);
    return {
      fn: "pnlReductionReward",
      args: [fee, insuranceShare, keeperShare, vaultBalance],
      sdk: () => [mirror.pnlReductionReward(fee, insuranceShare, keeperShare, vaultBalance)],
    };
  },
};

/** The library's functions, by name, read from its source. */
function libraryFunctions(): string[] {
  const source = readFileSync("contracts/libraries/LiquidationMath.sol", "utf8");
  return [...source.matchAll(/^\s+function (\w+)\(/gm)].map((m) => m[1]).sort();
}

describe("sdk/math/liquidationMath parity with LiquidationMath.sol (LiquidationMathHarness)", function () {
  this.timeout(300_000);

  before(async function () {
    harness = await ethers.deployContract("LiquidationMathHarness");
  });

  it("mirrors exactly the library's functions, by name, and the harness exposes each one", function () {
    const exported = Object.entries(mirror)
      .filter(([, v]) => typeof v === "function")
      .map(([k]) => k)
      .sort();
    expect(exported).to.deep.equal(libraryFunctions());
    const iface = harness.interface as unknown as Interface;
    const wrapped: string[] = [];
    iface.forEachFunction((f) => {
      if (f.name !== "tryBatch") wrapped.push(f.name);
    });
    expect(wrapped.sort()).to.deep.equal(libraryFunctions());
    expect(Object.keys(generators).sort()).to.deep.equal(libraryFunctions());
  });

  for (const name of libraryFunctions()) {
    it(`${name}: ${RUNS} random input sets (with every branch's boundary) agree to the wei`, async function () {
      const seed = BASE_SEED + BigInt(libraryFunctions().indexOf(name));
      const rng = new Rng(seed);
      const generate = generators[name as keyof typeof mirror]!;
      const cases = Array.from({ length: RUNS }, () => generate(rng));
      const { failures, reverted } = await runParity(seed, cases);
      expect(failures.slice(0, 5), `${failures.length} of ${cases.length} evaluations differ`).to.deep.equal(
        [],
      );
      // Most inputs are inside the library's domain: the comparison is of values, not of reverts.
      expect(reverted, "reverting cases").to.be.lessThan(RUNS / 3);
    });
  }
});
