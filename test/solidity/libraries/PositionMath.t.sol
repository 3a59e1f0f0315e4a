// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev Exact values for PositionMath; "x.y" in comments are exact rationals before rounding.
///      Cost basis: ceil (toward +∞) on open; reduce realises floor(proceeds) − ceil(closed share of cost).
contract PositionMathTest is TestBase {
    uint256 internal constant W = 1e18;

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    function _trade(int256 size, int256 on, int256 delta, uint256 fill, int256 eSize, int256 eOn, int256 ePnl)
        internal
        view
    {
        (int256 s, int256 o, int256 r) = h.applyTrade(size, on, delta, fill);
        assertEq(s, eSize, "newSize");
        assertEq(o, eOn, "newOpenNotional");
        assertEq(r, ePnl, "realisedPnl");
    }

    // ------------------------------------------------------------------ open, increase

    function test_applyTrade_openLong_costRoundsUp() public view {
        // 1.5e18 × (2000e18 + 1) / 1e18 = 3000e18 + 1.5 -> ceil 3000e18 + 2
        _trade(0, 0, 1.5e18, 2000e18 + 1, 1.5e18, 3000e18 + 2, 0);
    }

    function test_applyTrade_openShort_proceedsRoundTowardPlusInfinity() public view {
        // −1.5e18 × (2000e18 + 1) / 1e18 = −3000e18 − 1.5 -> ceil −3000e18 − 1 (the seller books the lesser)
        _trade(0, 0, -1.5e18, 2000e18 + 1, -1.5e18, -3000e18 - 1, 0);
    }

    function test_applyTrade_increase() public view {
        // +0.5e18 at 2100e18 + 1: 1050e18 + 0.5 -> 1050e18 + 1; ON = 3000e18 + 2 + 1050e18 + 1
        _trade(1.5e18, 3000e18 + 2, 0.5e18, 2100e18 + 1, 2e18, 4050e18 + 3, 0);
        // short increase −0.5e18 at 2100e18 + 1: −1050e18 − 0.5 -> −1050e18
        _trade(-1.5e18, -3000e18 - 1, -0.5e18, 2100e18 + 1, -2e18, -4050e18 - 1, 0);
    }

    function test_applyTrade_zeroDelta_changesNothing() public view {
        _trade(3e18, 6000e18 + 1, 0, 2000e18, 3e18, 6000e18 + 1, 0);
        _trade(-3e18, -6000e18 + 1, 0, 2000e18, -3e18, -6000e18 + 1, 0);
    }

    // ------------------------------------------------------------------ reduce, close, flip

    function test_applyTrade_partialReduceLong_realisedExact() public view {
        // (2e18, 4050e18 + 3) sell 0.5e18 at 2200e18 + 1
        // closedCost = ceil((4050e18 + 3) × 0.5/2) = ceil(1012.5e18 + 0.75) = 1012.5e18 + 1
        // proceeds = floor(0.5e18 × (2200e18 + 1)/1e18) = floor(1100e18 + 0.5) = 1100e18
        // realised = 1100e18 − 1012.5e18 − 1 = 87.5e18 − 1; ON = 4050e18 + 3 − 1012.5e18 − 1 = 3037.5e18 + 2
        _trade(2e18, 4050e18 + 3, -0.5e18, 2200e18 + 1, 1.5e18, 3037.5e18 + 2, 87.5e18 - 1);
    }

    function test_applyTrade_partialReduceShort_realisedExact() public view {
        // (−2e18, −4000e18 − 2) buy 0.5e18 at 1900e18 + 1
        // closedCost = ceil(−(4000e18 + 2) × 0.5/2) = ceil(−1000e18 − 0.5) = −1000e18
        // proceeds = floor(−0.5e18 × (1900e18 + 1)/1e18) = floor(−950e18 − 0.5) = −950e18 − 1
        // realised = −950e18 − 1 + 1000e18 = 50e18 − 1; ON = −4000e18 − 2 + 1000e18 = −3000e18 − 2
        _trade(-2e18, -4000e18 - 2, 0.5e18, 1900e18 + 1, -1.5e18, -3000e18 - 2, 50e18 - 1);
    }

    function test_applyTrade_fullCloseLong() public view {
        // floor(1.5e18 × (2100e18 + 1)/1e18) − (3000e18 + 2) = (3150e18 + 1) − 3000e18 − 2 = 150e18 − 1
        _trade(1.5e18, 3000e18 + 2, -1.5e18, 2100e18 + 1, 0, 0, 150e18 - 1);
    }

    function test_applyTrade_fullCloseShort() public view {
        // floor(−1.5e18 × (1900e18 + 1)/1e18) − (−3000e18 − 1) = (−2850e18 − 2) + 3000e18 + 1 = 150e18 − 1
        _trade(-1.5e18, -3000e18 - 1, 1.5e18, 1900e18 + 1, 0, 0, 150e18 - 1);
    }

    function test_applyTrade_flipLongToShort() public view {
        // close 1.5e18 realises 150e18 − 1 (as above); open −0.75e18:
        // ceil(−0.75e18 × (2100e18 + 1)/1e18) = ceil(−1575e18 − 0.75) = −1575e18
        _trade(1.5e18, 3000e18 + 2, -2.25e18, 2100e18 + 1, -0.75e18, -1575e18, 150e18 - 1);
    }

    function test_applyTrade_flipShortToLong() public view {
        // close: floor(−2e18 × (1900e18 + 1)/1e18) − (−4000e18 − 2) = −3800e18 − 2 + 4000e18 + 2 = 200e18
        // open 1.5e18: ceil(1.5e18 × (1900e18 + 1)/1e18) = ceil(2850e18 + 1.5) = 2850e18 + 2
        _trade(-2e18, -4000e18 - 2, 3.5e18, 1900e18 + 1, 1.5e18, 2850e18 + 2, 200e18);
    }

    /// @dev Open 10e18 + 7 at 1234.567890123456789e18, close in five slices at 2000e18 (a whole number of USD,
    ///      so each slice's proceeds are exact): the total realised is exactly size × fill − openNotional, although
    ///      three of the slices' closed cost carries a remainder.
    function test_applyTrade_partialClosesRealiseExactlyTotal_noDrift() public view {
        int256 size0 = 10e18 + 7;
        uint256 fill = 2000e18;
        // ON = ceil((10e18 + 7) × 1234567890123456789000 / 1e18) = ceil(12345678901234567898641.975...) = ...642
        (int256 size, int256 on, ) = h.applyTrade(0, 0, size0, 1234567890123456789000);
        assertEq(on, 12345678901234567898642, "opening cost basis");
        int256 openNotional = on;

        int256[4] memory slices = [int256(1e18 + 1), 3e18 + 2, 2.5e18, 333333333333333333];
        int256 total;
        int256 r;
        for (uint256 i = 0; i < slices.length; ++i) {
            (size, on, r) = h.applyTrade(size, on, -slices[i], fill);
            total += r;
        }
        assertEq(size, 3166666666666666671, "size left");
        (size, on, r) = h.applyTrade(size, on, -size, fill);
        total += r;
        assertEq(size, 0, "closed");
        assertEq(on, 0, "no cost basis left");
        // (10e18 + 7) × 2000 − 12345678901234567898642 = 20000e18 + 14000 − ...642 = 7654321098765432115358
        assertEq(total, int256(size0) * 2000 - openNotional, "size x fill - openNotional");
        assertEq(total, 7654321098765432115358, "exact total");
    }

    // ------------------------------------------------------------------ pnl

    function test_pnlFloor_longAndShort() public view {
        // floor(1.5e18 × (2100e18 + 1)/1e18) − (3000e18 + 2) = 3150e18 + 1 − 3000e18 − 2
        assertEq(h.pnlFloor(1.5e18, 3000e18 + 2, 2100e18 + 1), 150e18 - 1, "long");
        // floor(−1.5e18 × (1900e18 + 1)/1e18) + 3000e18 + 1 = −2850e18 − 2 + 3000e18 + 1
        assertEq(h.pnlFloor(-1.5e18, -3000e18 - 1, 1900e18 + 1), 150e18 - 1, "short");
        assertEq(h.pnlFloor(0, 0, 2000e18), 0, "flat");
    }

    function test_pnlFloor_roundsTowardMinusInfinity_plusMinusOneWei() public view {
        assertEq(h.pnlFloor(1.5e18, 3000e18, 2000e18), 0, "exact");
        // long: 1.5e18 × (2000e18 + 1)/1e18 = 3000e18 + 1.5 -> +1
        assertEq(h.pnlFloor(1.5e18, 3000e18, 2000e18 + 1), 1, "long +1 wei price");
        // long: 3000e18 − 1.5 -> −2
        assertEq(h.pnlFloor(1.5e18, 3000e18, 2000e18 - 1), -2, "long -1 wei price");
        // short: −3000e18 − 1.5 -> floor −3000e18 − 2 -> pnl −2
        assertEq(h.pnlFloor(-1.5e18, -3000e18, 2000e18 + 1), -2, "short +1 wei price");
        // short: −3000e18 + 1.5 -> floor −3000e18 + 1 -> pnl +1
        assertEq(h.pnlFloor(-1.5e18, -3000e18, 2000e18 - 1), 1, "short -1 wei price");
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_applyTrade_openThenCloseAtSameFill_neverProfits(int256 delta, uint256 fill) public view {
        delta = boundInt(delta, -1e24, 1e24);
        fill = bound(fill, 1e12, 1e24);
        (int256 size, int256 on, ) = h.applyTrade(0, 0, delta, fill);
        (int256 s, int256 o, int256 r) = h.applyTrade(size, on, -size, fill);
        assertEq(s, 0, "closed");
        assertEq(o, 0, "no basis");
        assertGe(0, r, "realised <= 0");
        assertGe(r, -1, "loses at most one wei");
    }

    /// @dev Any split of a close realises Σ floor(slice × fill) − openNotional in total: the cost basis never drifts.
    function testFuzz_applyTrade_slicedClose_noCostBasisDrift(
        int256 size0,
        uint256 openFill,
        uint256 fill,
        uint256 cut1,
        uint256 cut2
    ) public view {
        size0 = boundInt(size0, -1e24, 1e24);
        if (size0 == 0) size0 = 1e10;
        (int256 size, int256 on, ) = h.applyTrade(0, 0, size0, bound(openFill, 1e12, 1e24));
        fill = bound(fill, 1e12, 1e24);
        int256[3] memory slices = _slices(size0, cut1, cut2);
        int256 total = on; // Σ (realised − floored proceeds) must come to −openNotional
        int256 r;
        for (uint256 i = 0; i < 3; ++i) {
            (size, on, r) = h.applyTrade(size, on, -slices[i], fill);
            total += r - h.mulDivFloor(slices[i], int256(fill), W); // realised − floored proceeds
        }
        assertEq(size, 0, "closed");
        assertEq(on, 0, "no basis left");
        assertEq(total, 0, "total realised = sum of floored proceeds - cost basis");
    }

    /// @dev Splits size0 into three same-signed slices (the first non-zero) that sum to it.
    function _slices(int256 size0, uint256 cut1, uint256 cut2) internal view returns (int256[3] memory s) {
        int256 sign = size0 > 0 ? int256(1) : int256(-1);
        uint256 absSize = h.abs(size0);
        s[0] = sign * int256(bound(cut1, 1, absSize));
        s[1] = sign * int256(bound(cut2, 0, absSize - h.abs(s[0])));
        s[2] = size0 - s[0] - s[1];
    }

    function testFuzz_applyTrade_fullCloseRealisesPnlFloor(int256 size, int256 on, uint256 fill) public view {
        size = boundInt(size, -1e24, 1e24);
        on = boundInt(on, -1e30, 1e30);
        fill = bound(fill, 1e12, 1e24);
        (, , int256 r) = h.applyTrade(size, on, -size, fill);
        assertEq(r, size == 0 ? int256(0) : h.pnlFloor(size, on, fill), "close realises pnlFloor");
    }
}
