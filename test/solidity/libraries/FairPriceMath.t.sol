// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev Exact values for FairPriceMath. w = 1e36 / (1e18 + x + x2/2 + x2·x/6e18), x = elapsed·1e18/τ,
///      x2 = x·x/1e18, every division rounded down; fair = mark + trunc((fairLast − mark)·w/1e18). The fair premium's
///      weight is W = w(x/4)⁴: v = w(elapsed, 4τ), v2 = v·v/1e18, W = v2·v2/1e18 (each rounded down); its step is
///      trunc((premium − last)·(1e18 − W)/1e18), clamped to ± floor(0.1 %/h × elapsed / 3600).
contract FairPriceMathTest is TestBase {
    uint256 internal constant W = 1e18;
    uint256 internal constant TAU = 3600;

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    // ------------------------------------------------------------------ decayWeightDown

    function test_decayWeight_zeroElapsed_isOne() public view {
        assertEq(h.decayWeightDown(0, TAU), W, "w(0) = 1");
    }

    function test_decayWeight_afterTau() public view {
        // x = 1e18, x2 = 1e18; denominator = 1e18 + 1e18 + 0.5e18 + 166666666666666666 = 2666666666666666666
        // w = 1e36 / 2666666666666666666 = 375000000000000000.09 -> 375000000000000000
        assertEq(h.decayWeightDown(TAU, TAU), 375000000000000000, "w(tau)");
    }

    function test_decayWeight_tauPlusMinusOneSecond() public view {
        // elapsed = 3599: x = 3599e18/3600 = 999722222222222222.2 -> 999722222222222222
        //   x2 = 999444521604938271(.6); x2/2 = 499722260802469135; x2·x/6e18 = 166527816354452446
        //   denominator = 2665972299379143803; w = 1e36 / 2665972299379143803 = 375097670832094434(.5)
        assertEq(h.decayWeightDown(TAU - 1, TAU), 375097670832094434, "w(tau - 1s)");
        // elapsed = 3601: x = 1000277777777777777; x2 = 1000555632716049381; x2/2 = 500277816358024690
        //   x2·x/6e18 = 166805594139374713; denominator = 2667361188275177180 -> w = 374902358329147070
        assertEq(h.decayWeightDown(TAU + 1, TAU), 374902358329147070, "w(tau + 1s)");
    }

    function test_decayWeight_afterTenTau() public view {
        // x = 10e18, x2 = 100e18; denominator = 1e18 + 10e18 + 50e18 + 1000e36/6e18
        //   = 61e18 + 166666666666666666666 = 227666666666666666666
        // w = 1e36 / 227666666666666666666 = 4392386530014641.29 -> 4392386530014641
        assertEq(h.decayWeightDown(10 * TAU, TAU), 4392386530014641, "w(10 tau)");
    }

    function test_decayWeight_tauZero_isZero() public view {
        assertEq(h.decayWeightDown(1234, 0), 0, "tau = 0");
        assertEq(h.decayWeightDown(0, 0), 0, "tau = 0 wins over elapsed = 0");
    }

    function test_decayWeight_xCappedAtOneMillion() public view {
        // x capped at 1e24: x2 = 1e30, x2/2 = 5e29, x2·x/6e18 = 166666666666666666666666666666666666
        //   denominator = 166667166667666667666666666666666666; w = 1e36 / that = 5.99998 -> 5
        assertEq(h.decayWeightDown(1e6 * TAU, TAU), 5, "x = 1e6");
        assertEq(h.decayWeightDown(1e30, 1), 5, "x far above the cap");
        // 1 s of a 1 day tau: x = 1e18/86400 = 11574074074074 -> w = 999988425992905263
        assertEq(h.decayWeightDown(1, 1 days), 999988425992905263, "one second of a day");
    }

    // ------------------------------------------------------------------ fairPrice

    function test_fairPrice_zeroElapsed_isFairLast() public view {
        assertEq(h.fairPrice(2000e18, 2100e18, 0, TAU), 2100e18, "above mark");
        assertEq(h.fairPrice(2000e18, 1900e18 + 7, 0, TAU), 1900e18 + 7, "below mark");
    }

    function test_fairPrice_tauZero_isMark() public view {
        assertEq(h.fairPrice(2000e18, 2100e18, 1234, 0), 2000e18, "tau = 0");
        assertEq(h.fairPrice(2000e18, 2100e18, 0, 0), 2000e18, "tau = 0 at elapsed 0");
    }

    function test_fairPrice_afterTau_aboveAndBelowMark() public view {
        // 2000e18 + 100e18 × 0.375 = 2037.5e18
        assertEq(h.fairPrice(2000e18, 2100e18, TAU, TAU), 2037.5e18, "fair above mark");
        // 2000e18 − 100e18 × 0.375 = 1962.5e18
        assertEq(h.fairPrice(2000e18, 1900e18, TAU, TAU), 1962.5e18, "fair below mark");
        // gap 7 wei × 0.375 = 2.625 -> 2 (toward mark)
        assertEq(h.fairPrice(2000e18, 2000e18 + 7, TAU, TAU), 2000e18 + 2, "7 wei above");
        assertEq(h.fairPrice(2000e18, 2000e18 - 7, TAU, TAU), 2000e18 - 2, "7 wei below (toward mark)");
    }

    function test_fairPrice_afterTenTau_truncatesTowardMark() public view {
        // gap (100e18 + 1) × 4392386530014641 / 1e18 = 439238653001464100.0044 -> 439238653001464100
        assertEq(h.fairPrice(2000e18, 2100e18 + 1, 10 * TAU, TAU), 2000e18 + 439238653001464100, "above");
        // gap −(100e18 + 1): −439238653001464100.0044 -> −439238653001464100 (not ...101: toward mark)
        assertEq(h.fairPrice(2000e18, 1900e18 - 1, 10 * TAU, TAU), 2000e18 - 439238653001464100, "below");
    }

    // ------------------------------------------------------------------ premiumWeightDown

    function test_premiumWeight_zeroElapsed_isOne() public view {
        // v = w(0, 4τ) = 1e18 (the early return); 1e18 squared twice stays 1e18
        assertEq(h.premiumWeightDown(0, TAU), W, "W(0) = 1");
    }

    function test_premiumWeight_afterTau() public view {
        // x/4 = 0.25e18: x2 = 0.0625e18, x2/2 = 31250000000000000, x2·x/6e18 = 15625e12/6 = 2604166666666666(.67)
        //   denominator = 1e18 + 0.25e18 + 31250000000000000 + 2604166666666666 = 1283854166666666666
        //   v = 1e36 / 1283854166666666666 = 778904665314401623(.157)
        //   v2 = v·v / 1e18 = 606692477648540006(.775); W = v2·v2 / 1e18 = 368075762435324214(.768)
        // (e^(−1) = 0.3678794: 0.0002 above it; w(1) itself is 0.375)
        assertEq(h.premiumWeightDown(TAU, TAU), 368075762435324214, "W(tau)");
    }

    function test_premiumWeight_afterFourTau_isWOfOneToTheFourth() public view {
        // x/4 = 1: v = w(τ) = 375000000000000000 (test_decayWeight_afterTau); 0.375² = 0.140625, 0.140625² =
        // 0.019775390625, all exact in 18 decimals: 19775390625000000
        assertEq(h.premiumWeightDown(4 * TAU, TAU), 19775390625000000, "W(4 tau)");
    }

    function test_premiumWeight_afterTwelveTau_thinTail() public view {
        // x/4 = 3: denominator = 1 + 3 + 4.5 + 4.5 = 13e18; v = 1e36 / 13e18 = 76923076923076923(.08)
        //   v2 = 5917159763313609(.456); W = 35012779664577(.565), i.e. 3.5e-5 (w(12) alone is 2.68e-3)
        assertEq(h.premiumWeightDown(12 * TAU, TAU), 35012779664577, "W(12 tau)");
        assertEq(h.decayWeightDown(12 * TAU, TAU), 2680965147453083, "w(12) = 1e36 / 373e18, for comparison");
    }

    function test_premiumWeight_extremes() public view {
        // x/4 capped at 1e6: v = w(1e6) = 5 (test_decayWeight_xCappedAtOneMillion); 5·5 / 1e18 = 0, so W = 0
        assertEq(h.premiumWeightDown(4e6 * TAU, TAU), 0, "x/4 = 1e6: W = 0");
        assertEq(h.premiumWeightDown(1e30, 1), 0, "x far above the cap");
        // 1 s of a 1 day tau: x/4 = 1e18 / 345600 = 2893518518518; x2 = 8372449(.42); x2/2 = 4186224; x2·x/6e18 = 4
        //   denominator = 1000002893522704746; v = 999997106485667703(.42); v2 = 999994212979707831(.19);
        //   W = 999988425992905265(.86) (w(1 s, 1 day) itself is ...263: the two weights agree at small x)
        assertEq(h.premiumWeightDown(1, 1 days), 999988425992905265, "one second of a day");
    }

    function test_premiumWeight_tauZero_isZero() public view {
        // w(·, 4·0) = 0 (τ = 0 first), 0 squared is 0: the step is the whole gap
        assertEq(h.premiumWeightDown(1234, 0), 0, "tau = 0");
        assertEq(h.premiumWeightDown(0, 0), 0, "tau = 0 wins over elapsed = 0");
    }

    // ------------------------------------------------------------------ fairPremium

    uint256 internal constant DRIFT = 0.001e18; // 0.1 % per hour

    function test_fairPremium_zeroElapsed_isLast() public view {
        assertEq(h.fairPremium(0.003e18, 0.1e18, 0, TAU, DRIFT), 0.003e18, "no time, no move");
        assertEq(h.fairPremium(-7, -0.1e18, 0, 0, DRIFT), -7, "tau = 0 too");
    }

    // τ = 0: w = 0, the step is the whole gap, clamped to 0.1 %/h × t. From 0 toward 5 %: after 60 s the cap is
    // floor(1e15 × 60 / 3600) = 16666666666666; toward 1e13 after 3,600 s the cap (1e15) does not bind: 1e13.
    function test_fairPremium_tauZero_cappedByDrift() public view {
        assertEq(h.fairPremium(0, 0.05e18, 60, 0, DRIFT), 16666666666666, "capped");
        assertEq(h.fairPremium(0, -0.05e18, 60, 0, DRIFT), -16666666666666, "capped, negative");
        assertEq(h.fairPremium(0, 1e13, 3600, 0, DRIFT), 1e13, "whole gap within the cap");
        // 36 s: the cap is exactly 1e13, the gap exactly 1e13
        assertEq(h.fairPremium(0, 1e13, 36, 0, DRIFT), 1e13, "cap equal to the gap");
        assertEq(h.fairPremium(0, 1e13 + 1, 36, 0, DRIFT), 1e13, "one wei more is capped");
    }

    // τ = 1 h, t = 1 h: W = 368075762435324214 (test_premiumWeight_afterTau), the EMA step is
    // 1e18 − W = 631924237564675786 (63.19 %) of the gap. Toward 1 %: 6.319e15 > cap 1e15 → +1e15.
    // Toward 0.1 %: 1e15 × 631924237564675786 / 1e18 = 631924237564675(.786) < 1e15 → +631924237564675. From 0.2 %
    // toward −0.2 %: the gap is −4e15, the step −2.528e15 is capped at −1e15 → 1e15.
    function test_fairPremium_emaStep_driftCapBindingOrNot() public view {
        assertEq(h.fairPremium(0, 0.01e18, TAU, TAU, DRIFT), 1e15, "cap binds");
        assertEq(h.fairPremium(0, 0.001e18, TAU, TAU, DRIFT), 631924237564675, "cap does not bind");
        assertEq(h.fairPremium(0.002e18, -0.002e18, TAU, TAU, DRIFT), 0.001e18, "capped toward negative");
        // the step truncates toward zero: gap 7 wei × 0.631924237564675786 = 4.42 → 4
        assertEq(h.fairPremium(0, 7, TAU, TAU, DRIFT), 4, "positive truncated");
        assertEq(h.fairPremium(0, -7, TAU, TAU, DRIFT), -4, "negative truncated toward zero");
        // the cap rounds down: 1 s is floor(1e15 / 3600) = 277777777777
        assertEq(h.fairPremium(0, 0.1e18, 1, 0, DRIFT), 277777777777, "cap floored");
    }

    function test_fairPremium_signSymmetric() public view {
        assertEq(h.fairPremium(-0.002e18, 0.002e18, TAU, TAU, DRIFT), -0.001e18, "mirror of the capped case");
        assertEq(h.fairPremium(0, -0.001e18, TAU, TAU, DRIFT), -631924237564675, "mirror of the EMA case");
    }

    // The drift cap at ±1 wei of the EMA step (τ = t = 1 h, cap floor(1e15 × 3600 / 3600) = 1e15,
    // f = 1e18 − W(τ) = 1e18 − 368075762435324214 = 631924237564675786): the step trunc(g·f / 1e18) first exceeds the
    // cap at g = ceil((1e15 + 1)·1e18 / f) = 1582468182980011.
    //   g = 1582468182980008: g·f / 1e18 =  999999999999999(.41)  < cap: the EMA step
    //   g = 1582468182980010: g·f / 1e18 = 1000000000000000(.67)  = cap exactly: the EMA step, not clamped
    //   g = 1582468182980011: g·f / 1e18 = 1000000000000001(.30)  = cap + 1 wei: clamped to the cap (1 wei taken off)
    function test_fairPremium_driftCap_stepAtCapVsOneWeiOver() public view {
        uint256 f = W - h.premiumWeightDown(TAU, TAU);
        assertEq(f, 631924237564675786, "1 - W(tau)");
        // the unclamped steps, recomputed here from f: the boundary sits where claimed
        assertEq((1582468182980010 * f) / W, 1e15, "step at g - 1 is the cap");
        assertEq((1582468182980011 * f) / W, 1e15 + 1, "step at g is one wei over");
        assertEq(h.fairPremium(0, 1582468182980008, TAU, TAU, DRIFT), 1e15 - 1, "below the cap: the EMA step");
        assertEq(h.fairPremium(0, 1582468182980010, TAU, TAU, DRIFT), 1e15, "step = cap: not clamped");
        assertEq(h.fairPremium(0, 1582468182980011, TAU, TAU, DRIFT), 1e15, "step = cap + 1: clamped to the cap");
        assertEq(h.fairPremium(0, -1582468182980010, TAU, TAU, DRIFT), -1e15, "mirror at the cap");
        assertEq(h.fairPremium(0, -1582468182980011, TAU, TAU, DRIFT), -1e15, "mirror: clamped");
        // from a non-zero start the clamp is around `last`: 0.5 % + cap
        assertEq(h.fairPremium(0.005e18, 0.005e18 + 1582468182980011, TAU, TAU, DRIFT), 0.006e18, "clamped from last");
    }

    // The same in time: a gap of 0.2 % (2e15) with τ = 1 h. The EMA step grows slower than the linear cap, so the cap
    // binds at first and lets go at t* = 5,730 s (2·(1 − e^(−x)) = x at x ≈ 1.594).
    //   t = 5,729: x/4 = 5729e18/14400 = 397847222222222222; x2 = 158282412229938271; x2/2 = 79141206114969135;
    //     x2·x/6e18 = 10495369672052272; denominator 1487483798009243629; v = 672276230059337915;
    //     v2 = 451955329502795839; W = 204263619865980758; step = 2e15 × 795736380134019242 / 1e18 =
    //     1591472760268038(.48) > cap floor(1e15 × 5729 / 3600) = 1591388888888888 → the cap
    //   t = 5,730: x/4 = 397916666666666666; x2 = 158337673611111110; x2/2 = 79168836805555555;
    //     x2·x/6e18 = 10500866548514660; denominator 1487586370020736881; v = 672229875288558908;
    //     v2 = 451893005230471462; W = 204207288176226908; step = 2e15 × 795792711823773092 / 1e18 =
    //     1591585423647546(.18) ≤ cap 1591666666666666 → the EMA step
    function test_fairPremium_driftCapLetsGo_plusMinusOneSecond() public view {
        assertEq(h.premiumWeightDown(5729, TAU), 204263619865980758, "W(5,729 s)");
        assertEq(h.premiumWeightDown(5730, TAU), 204207288176226908, "W(5,730 s)");
        assertEq(h.fairPremium(0, 0.002e18, 5729, TAU, DRIFT), 1591388888888888, "5,729 s: capped");
        assertEq(h.fairPremium(0, 0.002e18, 5730, TAU, DRIFT), 1591585423647546, "5,730 s: the EMA step");
        assertEq(h.fairPremium(0, -0.002e18, 5729, TAU, DRIFT), -1591388888888888, "mirror, capped");
        assertEq(h.fairPremium(0, -0.002e18, 5730, TAU, DRIFT), -1591585423647546, "mirror, the EMA step");
    }

    /// @dev |result − last| ≤ the drift cap, the result lies between last and premium, and the function is odd.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_fairPremium_boundedAndBetween(int256 last, int256 premium, uint256 elapsed, uint256 tau)
        public
        view
    {
        last = boundInt(last, -0.1e18, 0.1e18);
        premium = boundInt(premium, -0.1e18, 0.1e18);
        elapsed = bound(elapsed, 0, 30 days);
        tau = bound(tau, 0, 1 days);
        int256 r = h.fairPremium(last, premium, elapsed, tau, DRIFT);
        uint256 cap = DRIFT * elapsed / 3600;
        assertLe(h.abs(r - last), cap, "|move| <= 0.1 %/h x t");
        (int256 lo, int256 hi) = last < premium ? (last, premium) : (premium, last);
        assertGe(r, lo, ">= min(last, premium)");
        assertGe(hi, r, "<= max(last, premium)");
        assertEq(h.fairPremium(-last, -premium, elapsed, tau, DRIFT), -r, "odd");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev premiumWeightDown is the fourth power of w(elapsed, 4τ) squared twice with floors (a second computation
    ///      from decayWeightDown), never above 1, and non-increasing in elapsed.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_premiumWeight_fourthPowerAndMonotone(uint256 e1, uint256 e2, uint256 tau) public view {
        tau = bound(tau, 0, 1 days);
        e1 = bound(e1, 0, 3650 days);
        e2 = bound(e2, e1, 3650 days);
        uint256 v = h.decayWeightDown(e1, 4 * tau);
        uint256 v2 = (v * v) / W;
        uint256 w1 = h.premiumWeightDown(e1, tau);
        assertEq(w1, (v2 * v2) / W, "W = (v^2)^2, floored");
        uint256 w2 = h.premiumWeightDown(e2, tau);
        assertLe(w2, w1, "W(e2) <= W(e1) for e2 >= e1");
        assertLe(w1, W, "W <= 1");
    }

    function testFuzz_decayWeight_monotoneNonIncreasing(uint256 e1, uint256 e2, uint256 tau) public view {
        tau = bound(tau, 1, 1 days);
        e1 = bound(e1, 0, 3650 days);
        e2 = bound(e2, e1, 3650 days);
        uint256 w1 = h.decayWeightDown(e1, tau);
        uint256 w2 = h.decayWeightDown(e2, tau);
        assertLe(w2, w1, "w(e2) <= w(e1) for e2 >= e1");
        assertLe(w1, W, "w <= 1");
        assertGe(w2, 1, "w > 0");
    }

    function testFuzz_fairPrice_betweenMarkAndFairLast(uint256 mark, uint256 fairLast, uint256 elapsed, uint256 tau)
        public
        view
    {
        mark = bound(mark, 1e12, 1e24);
        fairLast = bound(fairLast, 1e12, 1e24);
        elapsed = bound(elapsed, 0, 30 days);
        tau = bound(tau, 0, 1 days);
        uint256 fair = h.fairPrice(mark, fairLast, elapsed, tau);
        (uint256 lo, uint256 hi) = mark < fairLast ? (mark, fairLast) : (fairLast, mark);
        assertGe(fair, lo, ">= min(mark, fairLast)");
        assertLe(fair, hi, "<= max(mark, fairLast)");
    }
}
