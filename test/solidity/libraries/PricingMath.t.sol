// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Exact values for PricingMath; "x.y" in comments are exact rationals before rounding.
contract PricingMathTest is TestBase {
    uint256 internal constant W = 1e18;
    uint256 internal constant SCALE = 1_000_000e18; // skewScale
    uint256 internal constant MAX_PREMIUM = 0.1e18;
    uint256 internal constant MAKER = 0.0002e18; // 2 bps
    uint256 internal constant TAKER = 0.0006e18; // 6 bps

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    // ------------------------------------------------------------------ premium

    function test_premium_belowClamp_bothSigns() public view {
        // 10_000e18 * 1e18 / 1_000_000e18 = 0.01e18
        assertEq(h.premium(10_000e18, SCALE, MAX_PREMIUM), 0.01e18, "+1% skew");
        assertEq(h.premium(-10_000e18, SCALE, MAX_PREMIUM), -0.01e18, "negative skew");
        assertEq(h.premium(0, SCALE, MAX_PREMIUM), 0, "zero skew");
    }

    function test_premium_atClamp_plusMinusOneWei() public view {
        // 100_000e18 / 1_000_000e18 = 0.1e18 = maxPremium exactly
        assertEq(h.premium(100_000e18, SCALE, MAX_PREMIUM), 0.1e18, "at clamp");
        // (100_000e18 - 1e6) * 1e18 / 1e24 = 0.1e18 - 1: one wei below the clamp, unclamped
        assertEq(h.premium(100_000e18 - 1e6, SCALE, MAX_PREMIUM), 0.1e18 - 1, "1 wei below clamp");
        // (100_000e18 + 1e6) * 1e18 / 1e24 = 0.1e18 + 1 -> clamped to 0.1e18
        assertEq(h.premium(100_000e18 + 1e6, SCALE, MAX_PREMIUM), 0.1e18, "1 wei above clamp");
        assertEq(h.premium(-(100_000e18 - 1e6), SCALE, MAX_PREMIUM), -0.1e18 + 1, "-(clamp - 1 wei)");
        assertEq(h.premium(-(100_000e18 + 1e6), SCALE, MAX_PREMIUM), -0.1e18, "-(clamp + 1 wei) clamped");
    }

    function test_premium_aboveClamp_bothSigns() public view {
        // 500_000e18 / 1_000_000e18 = 0.5e18 -> clamped to ±0.1e18
        assertEq(h.premium(500_000e18, SCALE, MAX_PREMIUM), 0.1e18, "above +clamp");
        assertEq(h.premium(-500_000e18, SCALE, MAX_PREMIUM), -0.1e18, "below -clamp");
    }

    function test_premium_truncatesTowardZero() public view {
        // (1e6 - 1) * 1e18 / 1e24 = 0.999999 -> 0 for both signs (floor would give -1 for the negative one)
        assertEq(h.premium(1e6 - 1, SCALE, MAX_PREMIUM), 0, "+0.999999 -> 0");
        assertEq(h.premium(-(1e6 - 1), SCALE, MAX_PREMIUM), 0, "-0.999999 -> 0");
        // (3e6 - 1) * 1e18 / 1e24 = 2.999999 -> 2 / -2
        assertEq(h.premium(3e6 - 1, SCALE, MAX_PREMIUM), 2, "+2.999999 -> 2");
        assertEq(h.premium(-(3e6 - 1), SCALE, MAX_PREMIUM), -2, "-2.999999 -> -2");
        assertEq(h.premium(3e6, SCALE, MAX_PREMIUM), 3, "exactly 3");
    }

    function test_premium_zeroSkewScale_reverts() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x12));
        h.premium(1, 0, MAX_PREMIUM);
    }

    // ------------------------------------------------------------------ mark

    function test_markPriceDown_exact() public view {
        // 2000e18 * (1e18 + 0.01e18) / 1e18 = 2020e18
        assertEq(h.markPriceDown(2000e18, 0.01e18), 2020e18, "+1%");
        // 2000e18 * 0.99 = 1980e18
        assertEq(h.markPriceDown(2000e18, -0.01e18), 1980e18, "-1%");
        assertEq(h.markPriceDown(2000e18, 0), 2000e18, "no premium");
    }

    function test_markPriceDown_roundsDown() public view {
        // (2000e18 + 1) * 1.5 = 3000e18 + 1.5 -> 3000e18 + 1
        assertEq(h.markPriceDown(2000e18 + 1, 0.5e18), 3000e18 + 1, "+1 wei oracle");
        // 3 * 1.5 = 4.5 -> 4
        assertEq(h.markPriceDown(3, 0.5e18), 4, "4.5 -> 4");
        // (2000e18 - 1) * 1.5 = 3000e18 - 1.5 -> 3000e18 - 2
        assertEq(h.markPriceDown(2000e18 - 1, 0.5e18), 3000e18 - 2, "-1 wei oracle");
    }

    // ------------------------------------------------------------------ fill

    // ------------------------------------------------------------------ fees

    function test_tradeFeeUp_pureTaker() public view {
        // notional = ceil(10e18 * (2000e18 + 1) / 1e18) = 20000e18 + 10 (exact)
        // fee = ceil((20000e18 + 10) * 0.0006) = ceil(12e18 + 0.006) = 12e18 + 1
        assertEq(h.tradeFeeUp(0, 10e18, 2000e18 + 1, MAKER, TAKER), 12e18 + 1, "from zero skew");
        assertEq(h.tradeFeeUp(5e18, 10e18, 2000e18 + 1, MAKER, TAKER), 12e18 + 1, "same side as skew");
        // exact fill: 20000e18 * 0.0006 = 12e18, no rounding
        assertEq(h.tradeFeeUp(0, 10e18, 2000e18, MAKER, TAKER), 12e18, "exact");
        // -1 wei fill: ceil((20000e18 - 10) * 0.0006) = ceil(12e18 - 0.006) = 12e18
        assertEq(h.tradeFeeUp(0, 10e18, 2000e18 - 1, MAKER, TAKER), 12e18, "-1 wei fill");
    }

    function test_tradeFeeUp_pureMaker() public view {
        // skew +50e18, sell 10e18: all of it reduces |skew|
        // fee = ceil((20000e18 + 10) * 0.0002) = ceil(4e18 + 0.002) = 4e18 + 1
        assertEq(h.tradeFeeUp(50e18, -10e18, 2000e18 + 1, MAKER, TAKER), 4e18 + 1, "reduces skew");
        // exactly to zero skew is still all maker
        assertEq(h.tradeFeeUp(10e18, -10e18, 2000e18 + 1, MAKER, TAKER), 4e18 + 1, "to zero skew");
        assertEq(h.tradeFeeUp(-10e18, 10e18, 2000e18, MAKER, TAKER), 4e18, "buy against short skew, exact");
    }

    function test_tradeFeeUp_crossesZeroSkew_splitsMakerTaker() public view {
        // skew +4e18, sell 10e18: maker 4e18, taker 6e18
        // maker: ceil(4e18 * (2000e18 + 1) / 1e18) = 8000e18 + 4; ceil((8000e18 + 4) * 0.0002) = 1.6e18 + 1
        // taker: ceil(6e18 * (2000e18 + 1) / 1e18) = 12000e18 + 6; ceil((12000e18 + 6) * 0.0006) = 7.2e18 + 1
        assertEq(h.tradeFeeUp(4e18, -10e18, 2000e18 + 1, MAKER, TAKER), 8.8e18 + 2, "long skew, sell");
        assertEq(h.tradeFeeUp(-4e18, 10e18, 2000e18 + 1, MAKER, TAKER), 8.8e18 + 2, "short skew, buy");
        // exact fill: 1.6e18 + 7.2e18
        assertEq(h.tradeFeeUp(4e18, -10e18, 2000e18, MAKER, TAKER), 8.8e18, "exact");
    }

    function test_tradeFeeUp_zeroDeltaOrZeroFees() public view {
        assertEq(h.tradeFeeUp(4e18, 0, 2000e18, MAKER, TAKER), 0, "no trade");
        assertEq(h.tradeFeeUp(4e18, -10e18, 2000e18 + 1, 0, 0), 0, "no fees");
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_premium_monotoneInSkew(int256 skew, uint256 step, uint256 scale) public view {
        skew = boundInt(skew, -1e27, 1e27);
        step = bound(step, 0, 1e27);
        scale = bound(scale, 1e18, 1e26);
        int256 p0 = h.premium(skew, scale, MAX_PREMIUM);
        int256 p1 = h.premium(skew + int256(step), scale, MAX_PREMIUM);
        assertGe(p1, p0, "premium non-decreasing in skew");
        assertGe(int256(MAX_PREMIUM), p1, "within +clamp");
        assertGe(p0, -int256(MAX_PREMIUM), "within -clamp");
    }

    function testFuzz_tradeFeeUp_makerPlusTakerSplit(int256 skew, int256 delta, uint256 fill) public view {
        skew = boundInt(skew, -1e24, 1e24);
        delta = boundInt(delta, -1e24, 1e24);
        fill = bound(fill, 1e12, 1e24);
        uint256 fee = h.tradeFeeUp(skew, delta, fill, MAKER, TAKER);
        uint256 absDelta = h.abs(delta);
        // between the all-maker and the all-taker fee; splitting can cost one extra rounding wei
        uint256 allMaker = h.mulDivUp(h.mulDivUp(absDelta, fill, W), MAKER, W);
        uint256 allTaker = h.mulDivUp(h.mulDivUp(absDelta, fill, W), TAKER, W);
        assertGe(fee, allMaker, "fee >= all-maker fee");
        assertLe(fee, allTaker + 1, "fee <= all-taker fee + 1 wei");
    }
}
