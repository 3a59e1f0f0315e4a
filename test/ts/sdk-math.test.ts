import { expect } from "chai";

import {
  abs,
  annualised,
  applyTrade,
  decayWeightDown,
  fairPrice,
  fillPrice,
  fundingRate,
  indexDelta,
  initialMarginUp,
  maintenanceMarginUp,
  markPriceDown,
  MAX_INT256,
  MIN_INT256,
  mulDivCeil,
  mulDivFloor,
  mulDivTrunc,
  notionalUp,
  owedCeil,
  pnlFloor,
  premium,
  tradeFeeUp,
} from "../../sdk/src/index.js";

// Spot checks of the SDK's math on the hand-computed values of test/solidity/libraries/*.t.sol; the full
// agreement with the contracts is the job of sdk-math-parity.test.ts.
const e18 = 10n ** 18n;

describe("sdk/math (hand-computed values)", function () {
  it("rounds signed products in the named direction for all four sign combinations", function () {
    // |a·b| = 2e18 + 1, d = 1e18 -> 2.000000000000000001
    for (const [a, b] of [
      [2n * e18 + 1n, 1n],
      [-(2n * e18 + 1n), 1n],
      [2n * e18 + 1n, -1n],
      [-(2n * e18 + 1n), -1n],
    ]) {
      const negative = a < 0n !== b < 0n;
      expect(mulDivFloor(a, b, e18)).to.equal(negative ? -3n : 2n);
      expect(mulDivCeil(a, b, e18)).to.equal(negative ? -2n : 3n);
      expect(mulDivTrunc(a, b, e18)).to.equal(negative ? -2n : 2n);
    }
    expect(() => abs(MIN_INT256)).to.throw(RangeError);
    expect(() => mulDivFloor(MAX_INT256 + 1n, 1n, 1n)).to.throw(RangeError);
  });

  it("prices the SPEC example: a 10,000 buy from zero skew fills at 2010", function () {
    const scale = 1_000_000n * e18;
    const before = premium(0n, scale, e18 / 10n);
    const after = premium(10_000n * e18, scale, e18 / 10n);
    expect(after).to.equal(e18 / 100n);
    expect(fillPrice(2000n * e18, before, after, true)).to.equal(2010n * e18);
    // (2000e18 + 1) × 1.005 = 2010e18 + 1.005: buy up, sell down
    expect(fillPrice(2000n * e18 + 1n, before, after, true)).to.equal(2010n * e18 + 2n);
    expect(fillPrice(2000n * e18 + 1n, before, after, false)).to.equal(2010n * e18 + 1n);
    expect(markPriceDown(2000n * e18 + 1n, e18 / 2n)).to.equal(3000n * e18 + 1n);
    expect(premium(-(3_000_000n - 1n), scale, e18)).to.equal(-2n);
    // skew +4e18, sell 10e18 at 2000e18 + 1: maker 1.6e18 + 1, taker 7.2e18 + 1
    expect(tradeFeeUp(4n * e18, -10n * e18, 2000n * e18 + 1n, 2n * 10n ** 14n, 6n * 10n ** 14n)).to.equal(
      88n * 10n ** 17n + 2n,
    );
  });

  it("accrues funding: 1 h at premium +0.1 % on oracle 2000e18 − 1", function () {
    const rate = fundingRate(e18 / 1000n, 125n * 10n ** 11n, 625n * 10n ** 11n, 4n * 10n ** 16n);
    expect(rate).to.equal(9375n * 10n ** 11n);
    expect(annualised(rate)).to.equal(9375n * 10n ** 11n * 8760n);
    const d = indexDelta(rate, 2000n * e18 - 1n, 3600n);
    expect(d).to.equal(1875n * 10n ** 15n - 1n);
    expect(owedCeil(3n * e18 + 1n, d)).to.equal(5625n * 10n ** 15n - 1n);
    expect(owedCeil(-(3n * e18 + 1n), d)).to.equal(-5625n * 10n ** 15n + 2n);
  });

  it("decays the fair price with the contract's weights", function () {
    expect(decayWeightDown(3600n, 3600n)).to.equal(375000000000000000n);
    expect(decayWeightDown(36000n, 3600n)).to.equal(4392386530014641n);
    expect(decayWeightDown(5n, 0n)).to.equal(0n);
    expect(fairPrice(2000n * e18, 1900n * e18 - 1n, 36000n, 3600n)).to.equal(
      2000n * e18 - 439238653001464100n,
    );
  });

  it("applies trades and margins with the contract's rounding", function () {
    expect(applyTrade(2n * e18, 4050n * e18 + 3n, -e18 / 2n, 2200n * e18 + 1n)).to.deep.equal({
      newSize: 15n * 10n ** 17n,
      newOpenNotional: 30375n * 10n ** 17n + 2n,
      realisedPnl: 875n * 10n ** 17n - 1n,
    });
    expect(applyTrade(-2n * e18, -4000n * e18 - 2n, 35n * 10n ** 17n, 1900n * e18 + 1n)).to.deep.equal({
      newSize: 15n * 10n ** 17n,
      newOpenNotional: 2850n * e18 + 2n,
      realisedPnl: 200n * e18,
    });
    expect(pnlFloor(-15n * 10n ** 17n, -3000n * e18, 2000n * e18 + 1n)).to.equal(-2n);
    expect(notionalUp(-15n * 10n ** 17n, 2000n * e18 + 1n)).to.equal(3000n * e18 + 2n);
    expect(initialMarginUp(3000n * e18 + 2n, 20n * e18)).to.equal(150n * e18 + 1n);
    expect(maintenanceMarginUp(3000n * e18 + 2n, 5n * 10n ** 15n)).to.equal(15n * e18 + 1n);
  });
});
