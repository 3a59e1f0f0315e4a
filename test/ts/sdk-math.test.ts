import { expect } from "chai";

import {
  abs,
  adlDeleverageSize,
  adlExecutable,
  adlRank,
  annualised,
  applyTrade,
  decayWeightDown,
  fairPremium,
  fairPrice,
  fillPrice,
  fitForcedClose,
  fundingRate,
  fundTopsUp,
  indexDelta,
  initialMarginUp,
  liquidityFeeOnRaw,
  liquidityFeeOnTotal,
  liquidityPreviewDeposit,
  liquidityPreviewRedeem,
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
  netExitValueCeil,
  notionalUp,
  owedCeil,
  pnlFloor,
  premium,
  pnlReductionReward,
  premiumIntegralDown,
  premiumWeightDown,
  quoteForcedClose,
  searchLiquidationPrice,
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
    const cap = e18 / 10n;
    expect(premium(10_000n * e18, scale, cap)).to.equal(e18 / 100n);
    // G(10,000) = 10,000² / (2 × 1,000,000) = 50 (× 1e18 × 1e18): the average premium is 50 / 10,000 = 0.5 %.
    expect(premiumIntegralDown(10_000n * e18, scale, cap)).to.equal(50n * e18 * e18);
    expect(fillPrice(2000n * e18, 0n, 10_000n * e18, scale, cap)).to.equal(2010n * e18);
    // (2000e18 + 1) × 1.005 = 2010e18 + 1.005: buy up; the sell back from +10,000 to 0 averages 0.5 % too, down.
    expect(fillPrice(2000n * e18 + 1n, 0n, 10_000n * e18, scale, cap)).to.equal(2010n * e18 + 2n);
    expect(fillPrice(2000n * e18 + 1n, 10_000n * e18, -10_000n * e18, scale, cap)).to.equal(2010n * e18 + 1n);
    expect(markPriceDown(2000n * e18 + 1n, e18 / 2n)).to.equal(3000n * e18 + 1n);
    expect(premium(-(3_000_000n - 1n), scale, e18)).to.equal(-2n);
    // skew +4e18, sell 10e18 at 2000e18 + 1: maker 1.6e18 + 1, taker 7.2e18 + 1
    expect(tradeFeeUp(4n * e18, -10n * e18, 2000n * e18 + 1n, 2n * 10n ** 14n, 6n * 10n ** 14n)).to.equal(
      88n * 10n ** 17n + 2n,
    );
  });

  it("integrates the premium across the clamp: path-independent fills, the net exit value", function () {
    // skewScale 1,000, maxPremium 1 %: the premium reaches its cap at L = 10.
    const scale = 1_000n * e18;
    const cap = e18 / 100n;
    // Linear part: G(10) = 10² / 2,000 = 0.05; flat part: G(30) = 0.01 × 30 − 0.01² × 1,000 / 2 = 0.3 − 0.05 = 0.25.
    expect(premiumIntegralDown(10n * e18, scale, cap)).to.equal(5n * 10n ** 34n);
    expect(premiumIntegralDown(-30n * e18, scale, cap)).to.equal(25n * 10n ** 34n);
    // A buy of 30 from 0 averages 0.25 / 30 = 0.8333… %: 1,000 × 30.25 / 30 = 1,008.333… rounded up (the old
    // average of the endpoint premiums, 0.5 %, under-charged it by 100 USD).
    const whole = fillPrice(1000n * e18, 0n, 30n * e18, scale, cap);
    expect(whole).to.equal(1_008_333_333_333_333_333_334n);
    // Split 10 + 20: 1,005 (linear) then (0.25 − 0.05) / 20 = 1 % → 1,010. 10 × 1,005 + 20 × 1,010 = 30,250 =
    // 30 × 1,008.333…: the same total.
    expect(fillPrice(1000n * e18, 0n, 10n * e18, scale, cap)).to.equal(1005n * e18);
    expect(fillPrice(1000n * e18, 10n * e18, 20n * e18, scale, cap)).to.equal(1010n * e18);
    // The traders' net long 30 exits at 30 × the sell back from 30: (30 + 0.25) × 1,000 = 30,250.
    expect(netExitValueCeil(1000n * e18, 30n * e18, scale, cap)).to.equal(30_250n * e18);
    expect(netExitValueCeil(1000n * e18, -30n * e18, scale, cap)).to.equal(-29_750n * e18);
  });

  it("fits a forced close within its own impact from the fair premium's skew", function () {
    // skewScale 1,000, cap 10 %; a long of 10 closes (sells 10) with the fair premium at 0.5 % (skew 5): its bound
    // is the sell from 5 to −5, average premium 0 → 1,000.
    const scale = 1_000n * e18;
    const cap = e18 / 10n;
    const bound = fillPrice(1000n * e18, 5n * e18, -10n * e18, scale, cap);
    expect(bound).to.equal(1000n * e18);
    // From the fair skew itself the whole close fits.
    expect(fitForcedClose(1000n * e18, 5n * e18, -10n * e18, bound, scale, cap)).to.equal(10n * e18);
    // Pushed to 0, even the first wei sells below 1,000: nothing fits.
    expect(fitForcedClose(1000n * e18, 0n, -10n * e18, bound, scale, cap)).to.equal(0n);
    // Pushed to 3: a sell of a averages (3 − a/2) / 1,000 ≥ 0 ⟺ a ≤ 6; bisection stops within 10 / 2^32 below it.
    const fitted = fitForcedClose(1000n * e18, 3n * e18, -10n * e18, bound, scale, cap);
    expect(fitted <= 6n * e18 && fitted > 6n * e18 - (10n * e18) / 2n ** 32n).to.equal(true);
    expect(fillPrice(1000n * e18, 3n * e18, -fitted, scale, cap) >= bound).to.equal(true);
    expect(fillPrice(1000n * e18, 3n * e18, -(6n * e18 + 1n), scale, cap) < bound).to.equal(true);
  });

  it("closes a cut forced close in full when the rest would be dust", function () {
    // The setting above: skewScale 1,000, cap 10 %, oracle 1,000, fair premium 0.5 % (fair skew 5), live skew 3; a
    // long of 10 closes. Its bound is 1,000 and about 6 of it fits (see above), leaving 4 + ε (ε ≤ 10 / 2^32): at the
    // oracle a notional of 4,000 + 1,000ε, IM at 10x 400 + 100ε, so 400 < IM < 401.
    const market = {
      params: {
        skewScale: 1_000n * e18,
        maxPremium: e18 / 10n,
        fairTau: 0n,
        fundingInterest: 0n,
        fundingClamp: 0n,
        maxFundingRate: 0n,
        minPositionMarginUsd: 401n * e18,
      },
      state: {
        skew: 3n * e18,
        lastUpdateTime: 100n,
        fundingIndex: 0n,
        fairPremium: e18 / 200n,
        lastOraclePrice: 0n,
      },
      tiers: [{ upToNotionalUsd: 10n ** 30n, maxLeverage: 10n * e18, mmr: e18 / 20n }],
    };
    // Minimum 401: dust, so the whole position closes at the live fill: the sell from 3 to −7 averages
    // (0.003 − 0.007) / 2 = −0.2 %, i.e. 998.
    const all = quoteForcedClose(market, 1000n * e18, 10n * e18, -10n * e18, 100n);
    expect(all).to.deep.equal({
      sizeClosed: -10n * e18,
      fillPrice: 998n * e18,
      boundPrice: 1000n * e18,
      cut: false,
      closesAll: true,
    });
    // Minimum 400: the rest is no dust, the cut stands (the fit of the previous test).
    const cut = quoteForcedClose(
      { ...market, params: { ...market.params, minPositionMarginUsd: 400n * e18 } },
      1000n * e18,
      10n * e18,
      -10n * e18,
      100n,
    );
    const fitted = fitForcedClose(1000n * e18, 3n * e18, -10n * e18, 1000n * e18, 1_000n * e18, e18 / 10n);
    expect([cut.sizeClosed, cut.cut, cut.closesAll]).to.deep.equal([-fitted, true, false]);
    // A slice of 2: its bound is the sell from 5 to 3 (1,004), the live one from 3 to 1 fills 1,002, so nothing fits;
    // the 10 left are no dust (IM 1,000): nothing closes.
    const slice = quoteForcedClose(market, 1000n * e18, 10n * e18, -2n * e18, 100n);
    expect([slice.sizeClosed, slice.fillPrice, slice.boundPrice]).to.deep.equal([0n, 0n, 1004n * e18]);
    // A position of 3 (IM 300 < 401): its bound is the sell from 5 to 2 (1,003.5), the live sell from 3 to 0 averages
    // at most 1,003 − nothing fits, but what would be left is dust, so all of it closes at 1,001.5.
    const dust = quoteForcedClose(market, 1000n * e18, 3n * e18, -3n * e18, 100n);
    expect(dust).to.deep.equal({
      sizeClosed: -3n * e18,
      fillPrice: 10015n * 10n ** 17n,
      boundPrice: 10035n * 10n ** 17n,
      cut: false,
      closesAll: true,
    });
  });

  it("finds a long's highest liquidation price above a tier boundary (its mmr steps up there)", function () {
    // Long 10, base −6,000; tiers: up to 10,000 of notional at mmr 1 %, then 50 %. In the first tier (P ≤ 1,000)
    // f(P) = −6,000 + 10P − 0.1P, negative below 606.06…; at 1,000 it is 3,900. Above, f(P) = −6,000 + 10P − 5P,
    // negative up to 1,200 − 1 wei: the highest liquidatable price, which a single search from 1 wei would miss.
    const tiers = [
      { upToNotionalUsd: 10_000n * e18, maxLeverage: 50n * e18, mmr: e18 / 100n },
      { upToNotionalUsd: 1_000_000n * e18, maxLeverage: e18, mmr: e18 / 2n },
    ];
    expect(searchLiquidationPrice(-6_000n * e18, 10n * e18, tiers)).to.equal(1_200n * e18 - 1n);
    // With a base of −4,000 the second tier has no bad price (f = −4,000 + 5P > 0 from P = 800 on, and it starts
    // above 1,000): the first tier's highest. At P = ⌊4,000e18 × 10 / 99⌋ = 404.040404040404040404: 10P =
    // 4,040.40404040404040404, MM ⌈10P × 1 %⌉ = 40.404040404040404041, f = −1 wei; at P + 1 wei f = +9 wei.
    const p = searchLiquidationPrice(-4_000n * e18, 10n * e18, tiers);
    expect(p).to.equal(404_040_404_040_404_040_404n);
  });

  it("moves the fair premium toward the skew premium at most 0.1 % per hour", function () {
    const drift = e18 / 1000n;
    // The weight is w(x/4)^4: at x = 1, w(1/4) = 10^36 / (10^18 + 0.25e18 + 0.03125e18 + ⌊0.015625e36 / 6e18⌋)
    // = 10^36 / 1,283,854,166,666,666,666 = 0.778904665314401623; squared (down) 0.606692477648540006, squared again
    // 0.368075762435324214 (e^-1 = 0.3678794…, where the plain w(1) would be 0.375).
    expect(premiumWeightDown(3600n, 3600n)).to.equal(368_075_762_435_324_214n);
    expect(premiumWeightDown(3600n, 0n)).to.equal(0n);
    // A small gap is not capped: the step is 1e13 × (1 − 0.368075762435324214) = 6,319,242,375,646 (truncated).
    expect(fairPremium(0n, 10n ** 13n, 3600n, 3600n, drift)).to.equal(6_319_242_375_646n);
    // A 1 % premium held for an hour moves it by the cap, 0.1 %; held for 6 minutes by 0.01 %, whatever τ.
    expect(fairPremium(0n, e18 / 100n, 3600n, 3600n, drift)).to.equal(e18 / 1000n);
    expect(fairPremium(0n, e18 / 100n, 360n, 3600n, drift)).to.equal(e18 / 10_000n);
    expect(fairPremium(e18 / 200n, -e18 / 100n, 360n, 0n, drift)).to.equal(e18 / 200n - e18 / 10_000n);
    // No time, no move.
    expect(fairPremium(7n, e18, 0n, 0n, drift)).to.equal(7n);
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
      newOpenNotionalUsd: 30375n * 10n ** 17n + 2n,
      realisedPnlUsd: 875n * 10n ** 17n - 1n,
    });
    expect(applyTrade(-2n * e18, -4000n * e18 - 2n, 35n * 10n ** 17n, 1900n * e18 + 1n)).to.deep.equal({
      newSize: 15n * 10n ** 17n,
      newOpenNotionalUsd: 2850n * e18 + 2n,
      realisedPnlUsd: 200n * e18,
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
    minKeeperRewardUsd: 5n * e18,
    maxKeeperRewardUsd: 1_000n * e18,
    partialNotionalUsd: 250_000n * e18,
    sliceFraction: 2n * 10n ** 17n,
  };

  it("splits the fee: the keeper's part first in whole USDC units, the rest and its dust to the fund", function () {
    // 10,000 closed: fee 50, reward 10; the account pays the fee, 10 of it to the keeper.
    expect(liquidationFeeSplit(10_000n * e18, 1_000n * e18, 0n, config)).to.deep.include({
      feeUsd: 50n * e18,
      rewardUsd: 10n * e18,
      fromAccountUsd: 50n * e18,
      keeperRewardUsd: 10n * e18,
      insuranceFeeUsd: 40n * e18,
      fundTopUpUsd: 0n,
    });
    // 123,456.789012345678901234 closed: fee ⌈617.28394506172839450617⌉, reward ⌊123.4567890123456789014⌋,
    // paid as 123.456789 (whole units); the 0.000000012345678901 rest joins the fund's part.
    const n = 123_456_789_012_345_678_901_234n;
    expect(liquidationFeeAndReward(n, config)).to.deep.equal({
      feeUsd: 617_283_945_061_728_394_507n,
      rewardUsd: 123_456_789_012_345_678_901n,
    });
    expect(liquidationFeeSplit(n, 10_000n * e18, 0n, config)).to.deep.include({
      keeperRewardUsd: 123_456_789_000_000_000_000n,
      insuranceFeeUsd: 617_283_945_061_728_394_507n - 123_456_789_000_000_000_000n,
    });
    // The reward is clamped to [min, max].
    expect(liquidationFeeAndReward(100n * e18, config).rewardUsd).to.equal(5n * e18);
    expect(liquidationFeeAndReward(10_000_000n * e18, config).rewardUsd).to.equal(1_000n * e18);
  });

  it("tops the reward floor up from the fund after the account's dust reached it (liquidate and its view)", function () {
    // 1,000 closed (= minKeeperReward / feeRate): fee 5, reward floor 5. The account holds 3.0000005: the keeper gets
    // 3 from it, the fund the 0.0000005 dust, and the fund (1.9999989 before) tops up the missing 1.9999995 as far as
    // it can.
    const collateral = 3_000_000_500_000_000_000n;
    const fund = 1_999_998_900_000_000_000n;
    expect(fundTopsUp(1000n * e18, config)).to.equal(true);
    const charged = liquidationFeeSplit(1000n * e18, collateral, fund, config);
    expect(charged).to.deep.include({
      fromAccountUsd: collateral,
      keeperRewardFromAccountUsd: 3n * e18,
      insuranceFeeUsd: 500_000_000_000n,
      fundTopUpUsd: 1_999_999_400_000_000_000n, // 1.9999989 + 0.0000005
      keeperRewardFromFundUsd: 1_999_999_000_000_000_000n,
      keeperRewardUsd: 4_999_999_000_000_000_000n,
    });
    // Nothing from an account in debt: the fund pays the whole floor, in whole units.
    expect(liquidationFeeSplit(1000n * e18, -1n, 7n * e18 + 1n, config)).to.deep.include({
      fromAccountUsd: 0n,
      insuranceFeeUsd: 0n,
      fundTopUpUsd: 5n * e18,
      keeperRewardUsd: 5n * e18,
    });
  });

  it("does not let dust make the fund pay: no top-up below minKeeperReward / feeRate, no floor after a cut", function () {
    // 1 wei below 1,000 closed: (1,000e18 − 1) × 0.005 < 5 × 1e18, so the fund pays nothing and the keeper gets
    // what the account pays (3 of its 3.0000005).
    expect(fundTopsUp(1000n * e18 - 1n, config)).to.equal(false);
    expect(
      liquidationFeeSplit(1000n * e18 - 1n, 3_000_000_500_000_000_000n, 100n * e18, config),
    ).to.deep.include({
      feeUsd: 5n * e18,
      rewardUsd: 5n * e18,
      fundTopsUp: false,
      fundTopUpUsd: 0n,
      keeperRewardUsd: 3n * e18,
    });
    expect(liquidationFeeSplit(100n * e18, -1n, 100n * e18, config).keeperRewardUsd).to.equal(0n);
    // A close cut by its bound: the reward is 20 % of the fee, with no floor (100 closed: fee 0.5, reward 0.1).
    expect(liquidationFeeAndReward(100n * e18, config, true)).to.deep.equal({
      feeUsd: e18 / 2n,
      rewardUsd: e18 / 10n,
    });
  });

  it("covers an ADL shortfall with the gap between the victim's exit fill and the close price", function () {
    // No premium (cap 0): the exit fill is the oracle, 900. A short of 10 opened at 1,000 (break-even 1,000) closes
    // at min(bankruptcy 1,100, 1,000) = 1,000, saving the vault 100 per unit against its exit.
    const market = {
      params: {
        skewScale: e18,
        maxPremium: 0n,
        fairTau: 0n,
        fundingInterest: 0n,
        fundingClamp: 0n,
        maxFundingRate: 1n,
      },
      state: { skew: 0n, lastUpdateTime: 0n, fundingIndex: 0n, fairPremium: 0n, lastOraclePrice: 900n * e18 },
      oraclePrice: 900n * e18,
    };
    const short = { size: -10n * e18, openNotionalUsd: -10_000n * e18 };
    const request = { victimsLong: false, bankruptcyPrice: 1100n * e18, remainingUsd: 500n * e18 };
    // 500 to cover at 100 per unit: 5 units.
    expect(adlDeleverageSize(short, request, market)).to.deep.equal({
      sizeDelta: 5n * e18,
      price: 1000n * e18,
      coveredUsd: 500n * e18,
    });
    // 2,000 to cover: the whole position gives 10 × 100 = 1,000.
    expect(adlDeleverageSize(short, { ...request, remainingUsd: 2_000n * e18 }, market)).to.deep.equal({
      sizeDelta: 10n * e18,
      price: 1000n * e18,
      coveredUsd: 1_000n * e18,
    });
    // At an oracle of 1,000 nothing is saved: the victim leaves the set.
    expect(adlDeleverageSize(short, request, { ...market, oraclePrice: 1000n * e18 }).sizeDelta).to.equal(0n);
  });

  it("charges the liquidity fee like OpenZeppelin's ERC4626Fees: on the total in, on the raw amount out", function () {
    const fee = e18 / 1000n; // 0.1 %
    // 1,001,000 units in include a fee of 1,001,000 × 0.001 / 1.001 = 1,000; 1,000,000 out add 1,000.
    expect(liquidityFeeOnTotal(1_001_000n, fee)).to.equal(1_000n);
    expect(liquidityFeeOnRaw(1_000_000n, fee)).to.equal(1_000n);
    expect(liquidityFeeOnTotal(1n, fee)).to.equal(1n); // rounded up
    // 1,000,000 USDC of assets, 10^24 shares (10^12 per unit, as the first deposit mints): 1,001,000 units buy the
    // shares of 1,000,000 units, 1,000,000 × (10^24 + 10^12) / (10^12 + 1) = 10^18.
    const vault = { totalAssetsUsdc: 10n ** 12n, totalSupply: 10n ** 24n, liquidityFee: fee };
    expect(liquidityPreviewDeposit(vault, 1_001_000n)).to.equal(10n ** 18n);
    // And 10^18 shares are worth 10^18 × (10^12 + 1) / (10^24 + 10^12) = 1,000,000 units, less the exit fee of
    // ⌈1,000,000 × 0.001 / 1.001⌉ = 1,000 (999.000999… rounded up).
    expect(liquidityPreviewRedeem(vault, 10n ** 18n)).to.equal(999_000n);
  });

  it("slices positions above the partial threshold unless the account is bankrupt", function () {
    const big = { size: 10n * e18, openNotionalUsd: 300_000n * e18 };
    expect(liquidationCloseSize(big, config, false)).to.deep.equal({ sizeDelta: -2n * e18, isSlice: true });
    expect(liquidationCloseSize(big, config, true)).to.deep.equal({ sizeDelta: -10n * e18, isSlice: false });
    expect(
      liquidationCloseSize({ size: -3n, openNotionalUsd: -300_000n * e18 }, config, false),
    ).to.deep.equal({
      sizeDelta: 3n, // 20 % of 3 wei truncates to 0: the whole position closes
      isSlice: false,
    });
    expect(
      liquidationCloseSize({ size: 10n * e18, openNotionalUsd: 250_000n * e18 }, config, false).isSlice,
    ).to.equal(false); // at the threshold: closed in full
  });

  it("pays a pnl-factor reduction's caller its share of the vault's part of the fee, in whole USDC units", function () {
    // Fee 1,000.0000009 USD, insurance share 10 %: the vault's part is 1,000.0000009 − 100.00000009 = 900.00000081;
    // keeper share 20 %: 180.000000162, whole units 180.000000.
    const fee = 1_000n * e18 + 9n * 10n ** 11n;
    expect(pnlReductionReward(fee, e18 / 10n, e18 / 5n, 10n ** 30n)).to.equal(180n * e18);
    // Never more than the vault's balance (then whole units), nothing from a negative balance.
    // (one USDC unit is 10^12 in 18 decimals: 100.000001999999999999 pays 100.000001)
    expect(pnlReductionReward(fee, e18 / 10n, e18 / 5n, 100n * e18 + 1_999_999_999_999n)).to.equal(
      100n * e18 + 10n ** 12n,
    );
    expect(pnlReductionReward(fee, e18 / 10n, e18 / 5n, -1n)).to.equal(0n);
  });

  it("calls a pnl-factor reduction executable once its window is over, a shortfall when repaid or ranked after it", function () {
    // The lens's rule (PerpLens.getAdl): a reduction needs only timestamp ≥ executableAt, with or without ranks; a
    // shortfall resolves at once when the bankrupt account's collateral is back at ≥ 0, else it needs the window
    // over and a rank above 0.
    const reduction = { kind: "pnlReduction", executableAt: 1_060n } as const;
    expect(adlExecutable(reduction, 1_059n, -5n, [])).to.equal(false);
    expect(adlExecutable(reduction, 1_060n, -5n, [])).to.equal(true);
    expect(adlExecutable(reduction, 1_060n, -5n, [0n, 0n])).to.equal(true);
    const shortfall = { kind: "shortfall", executableAt: 1_060n } as const;
    expect(adlExecutable(shortfall, 1_059n, -1n, [7n])).to.equal(false);
    expect(adlExecutable(shortfall, 1_060n, -1n, [7n])).to.equal(true);
    expect(adlExecutable(shortfall, 1_060n, -1n, [0n, 0n])).to.equal(false);
    expect(adlExecutable(shortfall, 1_000n, 0n, [])).to.equal(true);
  });

  it("ranks ADL victims by PnL % × leverage (test/solidity/liquidation/AutoDeleveraging.t.sol)", function () {
    // Mark 110,000. Bob: short 1 at 150,000 with 50,000 → 40,000/150,000 × 110,000/90,000.
    expect(adlRank({ size: -e18, openNotionalUsd: -150_000n * e18 }, 40_000n * e18, 90_000n * e18)).to.equal(
      325_925_925_925_925_925n,
    );
    // Dave: short 0.5 at 150,000 with 15,000 → 20,000/75,000 × 55,000/35,000 (each factor rounded down).
    expect(
      adlRank({ size: -e18 / 2n, openNotionalUsd: -75_000n * e18 }, 20_000n * e18, 35_000n * e18),
    ).to.equal(419_047_619_047_619_046n);
    expect(adlRank({ size: e18, openNotionalUsd: 100n * e18 }, 0n, e18)).to.equal(0n); // not profitable
    expect(adlRank({ size: e18, openNotionalUsd: 100n * e18 }, 1n, 0n)).to.equal(MAX_UINT256); // equity ≤ 0
    expect(adlRank({ size: 0n, openNotionalUsd: 0n }, 1n, e18)).to.equal(0n);
  });
});
