import { expect } from "chai";

import {
  abs,
  adlRank,
  annualised,
  applyTrade,
  decayWeightDown,
  fairPrice,
  fillPrice,
  fundingRate,
  indexDelta,
  initialMarginUp,
  liquidationCloseSize,
  liquidationFeeAndReward,
  liquidationFeeSplit,
  maintenanceMarginUp,
  MAX_UINT256,
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

describe("sdk/math liquidation (hand-computed values)", function () {
  const config = {
    feeRate: 5n * 10n ** 15n, // 0.5 %
    keeperShare: 2n * 10n ** 17n, // 20 %
    minKeeperReward: 5n * e18,
    maxKeeperReward: 1_000n * e18,
    partialNotional: 250_000n * e18,
    sliceFraction: 2n * 10n ** 17n,
  };

  it("splits the fee: the keeper's part first in whole USDC units, the rest and its dust to the fund", function () {
    // 10,000 closed: fee 50, reward 10; the account pays the fee, 10 of it to the keeper.
    expect(liquidationFeeSplit(10_000n * e18, 1_000n * e18, 0n, config)).to.deep.include({
      fee: 50n * e18,
      reward: 10n * e18,
      fromAccount: 50n * e18,
      keeperReward: 10n * e18,
      insuranceFee: 40n * e18,
      fundTopUp: 0n,
    });
    // 123,456.789012345678901234 closed: fee ⌈617.28394506172839450617⌉, reward ⌊123.4567890123456789014⌋,
    // paid as 123.456789 (whole units); the 0.000000012345678901 rest joins the fund's part.
    const n = 123_456_789_012_345_678_901_234n;
    expect(liquidationFeeAndReward(n, config)).to.deep.equal({
      fee: 617_283_945_061_728_394_507n,
      reward: 123_456_789_012_345_678_901n,
    });
    expect(liquidationFeeSplit(n, 10_000n * e18, 0n, config)).to.deep.include({
      keeperReward: 123_456_789_000_000_000_000n,
      insuranceFee: 617_283_945_061_728_394_507n - 123_456_789_000_000_000_000n,
    });
    // The reward is clamped to [min, max].
    expect(liquidationFeeAndReward(100n * e18, config).reward).to.equal(5n * e18);
    expect(liquidationFeeAndReward(10_000_000n * e18, config).reward).to.equal(1_000n * e18);
  });

  it("tops the reward floor up from the fund after the account's dust reached it (liquidate and its view)", function () {
    // 100 closed: fee 0.5, reward floor 5. The account holds 3.0000005: the keeper gets 3 from it, the fund the
    // 0.0000005 dust, and the fund (1.9999989 before) tops up the missing 1.9999995 as far as it can.
    const collateral = 3_000_000_500_000_000_000n;
    const fund = 1_999_998_900_000_000_000n;
    const charged = liquidationFeeSplit(100n * e18, collateral, fund, config);
    expect(charged).to.deep.include({
      fromAccount: collateral,
      keeperRewardFromAccount: 3n * e18,
      insuranceFee: 500_000_000_000n,
      fundTopUp: 1_999_999_400_000_000_000n, // 1.9999989 + 0.0000005
      keeperRewardFromFund: 1_999_999_000_000_000_000n,
      keeperReward: 4_999_999_000_000_000_000n,
    });
    // Nothing from an account in debt: the fund pays the whole floor, in whole units.
    expect(liquidationFeeSplit(100n * e18, -1n, 7n * e18 + 1n, config)).to.deep.include({
      fromAccount: 0n,
      insuranceFee: 0n,
      fundTopUp: 5n * e18,
      keeperReward: 5n * e18,
    });
  });

  it("slices positions above the partial threshold unless the account is bankrupt", function () {
    const big = { size: 10n * e18, openNotional: 300_000n * e18 };
    expect(liquidationCloseSize(big, config, false)).to.deep.equal({ sizeDelta: -2n * e18, isSlice: true });
    expect(liquidationCloseSize(big, config, true)).to.deep.equal({ sizeDelta: -10n * e18, isSlice: false });
    expect(liquidationCloseSize({ size: -3n, openNotional: -300_000n * e18 }, config, false)).to.deep.equal({
      sizeDelta: 3n, // 20 % of 3 wei truncates to 0: the whole position closes
      isSlice: false,
    });
    expect(
      liquidationCloseSize({ size: 10n * e18, openNotional: 250_000n * e18 }, config, false).isSlice,
    ).to.equal(false); // at the threshold: closed in full
  });

  it("ranks ADL victims by PnL % × leverage (test/solidity/liquidation/AutoDeleveraging.t.sol)", function () {
    // Mark 110,000. Bob: short 1 at 150,000 with 50,000 → 40,000/150,000 × 110,000/90,000.
    expect(adlRank({ size: -e18, openNotional: -150_000n * e18 }, 40_000n * e18, 90_000n * e18)).to.equal(
      325_925_925_925_925_925n,
    );
    // Dave: short 0.5 at 150,000 with 15,000 → 20,000/75,000 × 55,000/35,000 (each factor rounded down).
    expect(adlRank({ size: -e18 / 2n, openNotional: -75_000n * e18 }, 20_000n * e18, 35_000n * e18)).to.equal(
      419_047_619_047_619_046n,
    );
    expect(adlRank({ size: e18, openNotional: 100n * e18 }, 0n, e18)).to.equal(0n); // not profitable
    expect(adlRank({ size: e18, openNotional: 100n * e18 }, 1n, 0n)).to.equal(MAX_UINT256); // equity ≤ 0
    expect(adlRank({ size: 0n, openNotional: 0n }, 1n, e18)).to.equal(0n);
  });
});
