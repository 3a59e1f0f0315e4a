// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev Exact values for FundingMath with the SPEC §4 defaults; "x.y" in comments are exact rationals before
///      rounding. F = p + clamp(I − p, −c, +c), capped to ±maxRate.
contract FundingMathTest is TestBase {
    uint256 internal constant W = 1e18;
    int256 internal constant INTEREST = 0.0000125e18; // 1.25e13 per hour (0.01 %/8h)
    uint256 internal constant CLAMP_C = 0.0000625e18; // 6.25e13 per hour (0.05 %/8h)
    uint256 internal constant MAX_RATE = 0.04e18; // 4 %/h
    uint256 internal constant HOUR = 3600;

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    function _rate(int256 premium) internal view returns (int256) {
        return h.fundingRate(premium, INTEREST, CLAMP_C, MAX_RATE);
    }

    // ------------------------------------------------------------------ fundingRate

    function test_fundingRate_clampInactive_equalsInterest() public view {
        // p = 0: I − p = 1.25e13 inside ±6.25e13 -> F = 0 + 1.25e13
        assertEq(_rate(0), 1.25e13, "zero premium");
        // p = 5e13: I − p = −3.75e13 inside -> F = 5e13 − 3.75e13 = 1.25e13
        assertEq(_rate(5e13), 1.25e13, "small positive premium");
        // p = −4e13: I − p = 5.25e13 inside -> F = −4e13 + 5.25e13 = 1.25e13
        assertEq(_rate(-4e13), 1.25e13, "small negative premium");
    }

    function test_fundingRate_clampActive_bothSigns() public view {
        // p = 0.001e18: I − p = −9.875e14 -> −6.25e13; F = 1e15 − 6.25e13 = 9.375e14
        assertEq(_rate(0.001e18), 9.375e14, "positive premium");
        // p = −0.001e18: I − p = 1.0125e15 -> +6.25e13; F = −1e15 + 6.25e13 = −9.375e14
        assertEq(_rate(-0.001e18), -9.375e14, "negative premium");
    }

    function test_fundingRate_clampEdges_plusMinusOneWei() public view {
        // upper premium edge p = I + c = 7.5e13: I − p = −c exactly -> F = 7.5e13 − 6.25e13 = 1.25e13
        assertEq(_rate(7.5e13), 1.25e13, "p = I + c");
        // p = 7.5e13 + 1: I − p = −c − 1 -> clamped to −c; F = 7.5e13 + 1 − 6.25e13 = 1.25e13 + 1
        assertEq(_rate(7.5e13 + 1), 1.25e13 + 1, "p = I + c + 1 wei");
        // lower edge p = I − c = −5e13: I − p = +c exactly -> F = 1.25e13
        assertEq(_rate(-5e13), 1.25e13, "p = I - c");
        // p = −5e13 − 1: I − p = c + 1 -> clamped to c; F = −5e13 − 1 + 6.25e13 = 1.25e13 − 1
        assertEq(_rate(-5e13 - 1), 1.25e13 - 1, "p = I - c - 1 wei");
    }

    function test_fundingRate_maxRateCap() public view {
        // p = 0.05e18: F = 5e16 − 6.25e13 = 4.99375e16 -> capped at 4e16
        assertEq(_rate(0.05e18), 0.04e18, "capped +");
        assertEq(_rate(-0.05e18), -0.04e18, "capped -");
        // p = 4e16 + 6.25e13: F = 4e16 exactly
        assertEq(_rate(4e16 + 6.25e13), 4e16, "exactly at cap");
        assertEq(_rate(4e16 + 6.25e13 + 1), 4e16, "cap + 1 wei -> cap");
        assertEq(_rate(4e16 + 6.25e13 - 1), 4e16 - 1, "cap - 1 wei");
        // p = −4e16 − 6.25e13: F = −4e16 − 6.25e13 + 6.25e13 = −4e16
        assertEq(_rate(-4e16 - 6.25e13), -4e16, "exactly at -cap");
        assertEq(_rate(-4e16 - 6.25e13 - 1), -4e16, "-cap - 1 wei -> -cap");
    }

    function test_annualised() public view {
        // 1.25e13 * 8760 = 1.095e17 (10.95 % a year)
        assertEq(h.annualised(1.25e13), 1.095e17, "default interest");
        // −9.375e14 * 8760 = −8.2125e18
        assertEq(h.annualised(-9.375e14), -8.2125e18, "negative");
    }

    // ------------------------------------------------------------------ indexDelta, owedCeil

    function test_indexDelta_truncatesTowardZero() public view {
        // 1.25e13 * 3333333333333333333333 * 1 / 3.6e21 = 11574074074074.07 -> 11574074074074
        assertEq(h.indexDelta(1.25e13, 3333333333333333333333, 1), 11574074074074, "positive");
        // −9.375e14 * 2000e18 * 1 / 3.6e21 = −520833333333333.33 -> −520833333333333 (floor would be ...334)
        assertEq(h.indexDelta(-9.375e14, 2000e18, 1), -520833333333333, "negative toward zero");
        assertEq(h.indexDelta(-9.375e14, 2000e18, 0), 0, "no time");
        assertEq(h.indexDelta(0, 2000e18, 7 days), 0, "no rate");
    }

    /// @dev Oracle 2000e18 − 1, long 3e18 + 1 and short −(3e18 + 1), F = +9.375e14 (premium +0.001).
    ///      Per hour: 9.375e14 × (2000e18 − 1) / 1e18 = 1.875e18 − 0.0009375.
    function test_funding_positivePremium_1h_8h_7d() public view {
        int256 rate = _rate(0.001e18);
        assertEq(rate, 9.375e14, "rate");
        uint256 oracle = 2000e18 - 1;
        int256 size = 3e18 + 1;

        // 1 h: index = 1.875e18 − 0.0009375 -> 1.875e18 − 1
        int256 d1h = h.indexDelta(rate, oracle, HOUR);
        assertEq(d1h, 1.875e18 - 1, "index 1h");
        // long: (3e18 + 1)(1.875e18 − 1)/1e18 = 5.625e18 − 1.125 − 1e-18 -> ceil 5.625e18 − 1 (pays)
        assertEq(h.owedCeil(size, d1h), 5.625e18 - 1, "long pays 1h");
        // short: −5.625e18 + 1.125 + 1e-18 -> ceil −5.625e18 + 2 (receives the lesser amount)
        assertEq(h.owedCeil(-size, d1h), -5.625e18 + 2, "short receives 1h");

        // 8 h: index = 8 × (1.875e18 − 0.0009375) = 1.5e19 − 0.0075 -> 1.5e19 − 1
        int256 d8h = h.indexDelta(rate, oracle, 8 * HOUR);
        assertEq(d8h, 1.5e19 - 1, "index 8h");
        // long: (3e18 + 1)(1.5e19 − 1)/1e18 = 4.5e19 + 15 − 3 − 1e-18 -> ceil 4.5e19 + 12
        assertEq(h.owedCeil(size, d8h), 4.5e19 + 12, "long pays 8h");
        assertEq(h.owedCeil(-size, d8h), -4.5e19 - 11, "short receives 8h");

        // 7 d = 168 h: index = 168 × 1.875e18 − 168 × 0.0009375 = 3.15e20 − 0.1575 -> 3.15e20 − 1
        int256 d7d = h.indexDelta(rate, oracle, 7 days);
        assertEq(d7d, 3.15e20 - 1, "index 7d");
        // long: (3e18 + 1)(3.15e20 − 1)/1e18 = 9.45e20 + 315 − 3 − 1e-18 -> ceil 9.45e20 + 312
        assertEq(h.owedCeil(size, d7d), 9.45e20 + 312, "long pays 7d");
        assertEq(h.owedCeil(-size, d7d), -9.45e20 - 311, "short receives 7d");
    }

    /// @dev Same market with premium −0.001: F = −9.375e14, shorts pay and longs receive.
    function test_funding_negativePremium_1h_8h_7d() public view {
        int256 rate = _rate(-0.001e18);
        assertEq(rate, -9.375e14, "rate");
        uint256 oracle = 2000e18 - 1;
        int256 size = 3e18 + 1;

        // 1 h: −1.875e18 + 0.0009375 -> −1.875e18 + 1 (toward zero)
        int256 d1h = h.indexDelta(rate, oracle, HOUR);
        assertEq(d1h, -1.875e18 + 1, "index 1h");
        // long: −5.625e18 + 1.125 + 1e-18 -> ceil −5.625e18 + 2 (receives)
        assertEq(h.owedCeil(size, d1h), -5.625e18 + 2, "long receives 1h");
        // short: 5.625e18 − 1.125 − 1e-18 -> ceil 5.625e18 − 1 (pays)
        assertEq(h.owedCeil(-size, d1h), 5.625e18 - 1, "short pays 1h");

        int256 d8h = h.indexDelta(rate, oracle, 8 * HOUR);
        assertEq(d8h, -1.5e19 + 1, "index 8h");
        assertEq(h.owedCeil(size, d8h), -4.5e19 - 11, "long receives 8h");
        assertEq(h.owedCeil(-size, d8h), 4.5e19 + 12, "short pays 8h");

        int256 d7d = h.indexDelta(rate, oracle, 7 days);
        assertEq(d7d, -3.15e20 + 1, "index 7d");
        assertEq(h.owedCeil(size, d7d), -9.45e20 - 311, "long receives 7d");
        assertEq(h.owedCeil(-size, d7d), 9.45e20 + 312, "short pays 7d");
    }

    function test_owedCeil_payerVsReceiver_plusMinusOneWei() public view {
        // 1e18 × 1 / 1e18 = 1 exactly: both sides move exactly 1 wei
        assertEq(h.owedCeil(1e18, 1), 1, "exact payer");
        assertEq(h.owedCeil(-1e18, 1), -1, "exact receiver");
        // (1e18 + 1) × 1 / 1e18 = 1.000000000000000001: payer pays 2, receiver gets 1
        assertEq(h.owedCeil(1e18 + 1, 1), 2, "payer +1 wei");
        assertEq(h.owedCeil(-(1e18 + 1), 1), -1, "receiver +1 wei");
        // (1e18 − 1) × 1 / 1e18 = 0.999999999999999999: payer pays 1, receiver gets 0
        assertEq(h.owedCeil(1e18 - 1, 1), 1, "payer -1 wei");
        assertEq(h.owedCeil(-(1e18 - 1), 1), 0, "receiver -1 wei");
        // negative index: the long receives, the short pays
        assertEq(h.owedCeil(1e18 + 1, -1), -1, "long receives on negative index");
        assertEq(h.owedCeil(-(1e18 + 1), -1), 2, "short pays on negative index");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Equal and opposite positions: what the payer pays covers what the receiver gets, residue ≤ 1 wei.
    function testFuzz_owedCeil_zeroSumUpToOneWeiForProtocol(int256 size, int256 deltaIndex) public view {
        size = boundInt(size, -1e30, 1e30);
        deltaIndex = boundInt(deltaIndex, -1e30, 1e30);
        int256 residue = h.owedCeil(size, deltaIndex) + h.owedCeil(-size, deltaIndex);
        assertGe(residue, 0, "payers cover receivers");
        assertGe(1, residue, "residue at most one wei");
    }

    function testFuzz_fundingRate_withinCapAndClampBand(int256 premium, int256 interest) public view {
        premium = boundInt(premium, -1e18, 1e18);
        interest = boundInt(interest, -1e16, 1e16);
        int256 rate = h.fundingRate(premium, interest, CLAMP_C, MAX_RATE);
        assertGe(int256(MAX_RATE), rate, "<= cap");
        assertGe(rate, -int256(MAX_RATE), ">= -cap");
        int256 uncapped = h.clamp(rate, -int256(MAX_RATE) + 1, int256(MAX_RATE) - 1);
        if (uncapped == rate) {
            // inside the cap, F is within c of the premium
            assertGe(rate - premium, -int256(CLAMP_C), "F - p >= -c");
            assertGe(int256(CLAMP_C), rate - premium, "F - p <= c");
        }
    }

    function testFuzz_indexDelta_towardZeroAndOdd(int256 rate, uint256 oracle, uint256 elapsed) public view {
        rate = boundInt(rate, -0.04e18, 0.04e18);
        oracle = bound(oracle, 1e12, 1e24);
        elapsed = bound(elapsed, 0, 30 days);
        int256 d = h.indexDelta(rate, oracle, elapsed);
        assertEq(h.indexDelta(-rate, oracle, elapsed), -d, "odd in rate");
        assertTrue(d == 0 || (d > 0) == (rate > 0), "sign follows rate");
        int256 exactNum = rate * int256(oracle) * int256(elapsed);
        int256 den = int256(HOUR * W);
        assertLe(h.abs(d) * HOUR * W, h.abs(exactNum), "|index| <= exact");
        assertLt(h.abs(exactNum) - h.abs(d) * HOUR * W, uint256(den), "|exact| - |index| < 1 wei");
    }
}
