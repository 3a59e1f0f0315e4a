// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev Exact values for FairPriceMath. w = 1e36 / (1e18 + x + x2/2 + x2·x/6e18), x = elapsed·1e18/τ,
///      x2 = x·x/1e18, every division rounded down; fair = mark + trunc((fairLast − mark)·w/1e18).
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

    // τ = 1 h, t = 1 h: w = 0.375, the EMA step is 62.5 % of the gap. Toward 1 %: 6.25e15 > cap 1e15 → +1e15.
    // Toward 0.1 %: 6.25e14 < 1e15 → +6.25e14. From 0.2 % toward −0.2 %: the gap is −4e15, the step −2.5e15 is capped at
    // −1e15 → 1e15.
    function test_fairPremium_emaStep_driftCapBindingOrNot() public view {
        assertEq(h.fairPremium(0, 0.01e18, TAU, TAU, DRIFT), 1e15, "cap binds");
        assertEq(h.fairPremium(0, 0.001e18, TAU, TAU, DRIFT), 6.25e14, "cap does not bind");
        assertEq(h.fairPremium(0.002e18, -0.002e18, TAU, TAU, DRIFT), 0.001e18, "capped toward negative");
        // the step truncates toward zero: gap 7 wei × 0.625 = 4.375 → 4
        assertEq(h.fairPremium(0, 7, TAU, TAU, DRIFT), 4, "positive truncated");
        assertEq(h.fairPremium(0, -7, TAU, TAU, DRIFT), -4, "negative truncated toward zero");
        // the cap rounds down: 1 s is floor(1e15 / 3600) = 277777777777
        assertEq(h.fairPremium(0, 0.1e18, 1, 0, DRIFT), 277777777777, "cap floored");
    }

    function test_fairPremium_signSymmetric() public view {
        assertEq(h.fairPremium(-0.002e18, 0.002e18, TAU, TAU, DRIFT), -0.001e18, "mirror of the capped case");
        assertEq(h.fairPremium(0, -0.001e18, TAU, TAU, DRIFT), -6.25e14, "mirror of the EMA case");
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
