// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Exact values for FixedPointMath; "x.y" in comments are exact rationals before rounding.
contract FixedPointMathTest is TestBase {
    uint256 internal constant W = 1e18;
    bytes internal constant DIV_BY_ZERO = abi.encodeWithSignature("Panic(uint256)", 0x12);
    bytes internal constant OVERFLOW = abi.encodeWithSignature("Panic(uint256)", 0x11);

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    // ------------------------------------------------------------------ unsigned

    function test_mulDivDownUp_exactQuotient_noRounding() public view {
        assertEq(h.mulDivDown(6, 7, 3), 14, "6*7/3 = 14 exactly");
        assertEq(h.mulDivUp(6, 7, 3), 14, "6*7/3 = 14 exactly (up)");
        assertEq(h.mulDivDown(0, 7, 3), 0, "zero");
        assertEq(h.mulDivUp(0, 7, 3), 0, "zero up");
    }

    function test_mulDivDownUp_remainderOneAndDMinusOne() public view {
        // 7/3 = 2 rem 1
        assertEq(h.mulDivDown(7, 1, 3), 2, "7/3 down");
        assertEq(h.mulDivUp(7, 1, 3), 3, "7/3 up");
        // 8/3 = 2 rem 2
        assertEq(h.mulDivDown(8, 1, 3), 2, "8/3 down");
        assertEq(h.mulDivUp(8, 1, 3), 3, "8/3 up");
    }

    function test_mulDivDownUp_wad_plusMinusOneWei() public view {
        // 1.5e18 * 2e18 / 1e18 = 3e18 exactly
        assertEq(h.mulDivDown(1.5e18, 2e18, W), 3e18, "exact down");
        assertEq(h.mulDivUp(1.5e18, 2e18, W), 3e18, "exact up");
        // 1.5e18 * (2e18 + 1) / 1e18 = 3e18 + 1.5
        assertEq(h.mulDivDown(1.5e18, 2e18 + 1, W), 3e18 + 1, "+1 wei down");
        assertEq(h.mulDivUp(1.5e18, 2e18 + 1, W), 3e18 + 2, "+1 wei up");
        // 1.5e18 * (2e18 - 1) / 1e18 = 3e18 - 1.5
        assertEq(h.mulDivDown(1.5e18, 2e18 - 1, W), 3e18 - 2, "-1 wei down");
        assertEq(h.mulDivUp(1.5e18, 2e18 - 1, W), 3e18 - 1, "-1 wei up");
    }

    function test_mulDiv_fullPrecisionIntermediate() public view {
        // 2^255 * 4 overflows 256 bits, / 8 = 2^254 fits
        assertEq(h.mulDivDown(2 ** 255, 4, 8), 2 ** 254, "512-bit product");
        assertEq(h.mulDivUp(type(uint256).max, type(uint256).max, type(uint256).max), type(uint256).max, "max");
    }

    function test_mulDiv_revertsOnZeroDenominator() public {
        vm.expectRevert(DIV_BY_ZERO);
        h.mulDivDown(1, 1, 0);
        vm.expectRevert(DIV_BY_ZERO);
        h.mulDivUp(1, 1, 0);
        vm.expectRevert(DIV_BY_ZERO);
        h.mulDivFloor(-1, 1, 0);
    }

    function test_mulDiv_revertsOnResultOverflow() public {
        // max * 2 / 1 > max
        vm.expectRevert(OVERFLOW);
        h.mulDivDown(type(uint256).max, 2, 1);
    }

    // ------------------------------------------------------------------ signed: all four sign combinations

    /// @dev Checks (floor, ceil, trunc) of a*b/d.
    function _checkSigned(int256 a, int256 b, uint256 d, int256 fl, int256 ce, int256 tr, string memory what)
        internal
        view
    {
        assertEq(h.mulDivFloor(a, b, d), fl, string.concat(what, ": floor"));
        assertEq(h.mulDivCeil(a, b, d), ce, string.concat(what, ": ceil"));
        assertEq(h.mulDivTrunc(a, b, d), tr, string.concat(what, ": trunc"));
    }

    function test_signed_exactQuotient_allSigns() public view {
        // (±6)(±1)/3 = ±2 exactly: all three roundings agree
        _checkSigned(6, 1, 3, 2, 2, 2, "+*+");
        _checkSigned(-6, 1, 3, -2, -2, -2, "-*+");
        _checkSigned(6, -1, 3, -2, -2, -2, "+*-");
        _checkSigned(-6, -1, 3, 2, 2, 2, "-*-");
    }

    function test_signed_remainderPlusOneWei_allSigns() public view {
        // |a*b| = 2e18 + 1, d = 1e18: |q| = 2.000000000000000001 -> floor/ceil differ by one
        _checkSigned(2e18 + 1, 1, W, 2, 3, 2, "+*+: 2.0..01");
        _checkSigned(-(2e18 + 1), 1, W, -3, -2, -2, "-*+: -2.0..01");
        _checkSigned(2e18 + 1, -1, W, -3, -2, -2, "+*-: -2.0..01");
        _checkSigned(-(2e18 + 1), -1, W, 2, 3, 2, "-*-: 2.0..01");
    }

    function test_signed_remainderMinusOneWei_allSigns() public view {
        // |a*b| = 2e18 - 1, d = 1e18: |q| = 1.999999999999999999
        _checkSigned(2e18 - 1, 1, W, 1, 2, 1, "+*+: 1.9..9");
        _checkSigned(-(2e18 - 1), 1, W, -2, -1, -1, "-*+: -1.9..9");
        _checkSigned(2e18 - 1, -1, W, -2, -1, -1, "+*-: -1.9..9");
        _checkSigned(-(2e18 - 1), -1, W, 1, 2, 1, "-*-: 1.9..9");
    }

    function test_signed_wadProducts() public view {
        // -1.5e18 * (3e18 + 1) / 1e18 = -(4.5e18 + 1.5)
        _checkSigned(-1.5e18, 3e18 + 1, W, -4.5e18 - 2, -4.5e18 - 1, -4.5e18 - 1, "-1.5 * 3.0..01");
        // 1.5e18 * (3e18 + 1) / 1e18 = 4.5e18 + 1.5
        _checkSigned(1.5e18, 3e18 + 1, W, 4.5e18 + 1, 4.5e18 + 2, 4.5e18 + 1, "1.5 * 3.0..01");
    }

    function test_signed_zeroOperand_isZeroForEveryRounding() public view {
        _checkSigned(0, -5, 3, 0, 0, 0, "0 * -5");
        _checkSigned(-5, 0, 3, 0, 0, 0, "-5 * 0");
    }

    function test_signed_int256Min_reverts() public {
        // abs(type(int256).min) has no positive counterpart
        vm.expectRevert(OVERFLOW);
        h.mulDivFloor(type(int256).min, 1, 1);
        vm.expectRevert(OVERFLOW);
        h.mulDivTrunc(1, type(int256).min, 1);
    }

    // ------------------------------------------------------------------ abs, clamp

    function test_abs() public {
        assertEq(h.abs(-5), 5, "abs(-5)");
        assertEq(h.abs(5), 5, "abs(5)");
        assertEq(h.abs(0), 0, "abs(0)");
        assertEq(h.abs(type(int256).min + 1), uint256(type(int256).max), "abs(min + 1)");
        vm.expectRevert(OVERFLOW);
        h.abs(type(int256).min);
    }

    function test_clamp_belowInsideAboveAndAtBounds() public view {
        assertEq(h.clamp(-11, -10, 10), -10, "below");
        assertEq(h.clamp(-10, -10, 10), -10, "at lo");
        assertEq(h.clamp(-9, -10, 10), -9, "lo + 1");
        assertEq(h.clamp(9, -10, 10), 9, "hi - 1");
        assertEq(h.clamp(10, -10, 10), 10, "at hi");
        assertEq(h.clamp(11, -10, 10), 10, "above");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev floor <= a*b/d <= ceil, they differ by exactly (remainder != 0), trunc is floor for a non-negative
    ///      product and ceil for a negative one. |a|, |b| <= 1e36 so a*b fits int256 for the reference check.
    function testFuzz_signed_floorLeExactLeCeil(int256 a, int256 b, uint256 d) public view {
        a = boundInt(a, -1e36, 1e36);
        b = boundInt(b, -1e36, 1e36);
        d = bound(d, 1, 1e36);
        int256 product = a * b;
        int256 fl = h.mulDivFloor(a, b, d);
        int256 ce = h.mulDivCeil(a, b, d);
        int256 sd = int256(d);
        assertTrue(fl * sd <= product, "floor * d <= a * b");
        assertTrue(ce * sd >= product, "ceil * d >= a * b");
        assertEq(ce - fl, product % sd == 0 ? int256(0) : int256(1), "ceil - floor = (remainder != 0)");
        assertEq(h.mulDivTrunc(a, b, d), product >= 0 ? fl : ce, "trunc toward zero");
    }

    function testFuzz_unsigned_downLeExactLeUp(uint256 a, uint256 b, uint256 d) public view {
        a = bound(a, 0, 1e38);
        b = bound(b, 0, 1e38);
        d = bound(d, 1, 1e38);
        uint256 down = h.mulDivDown(a, b, d);
        uint256 up = h.mulDivUp(a, b, d);
        assertLe(down * d, a * b, "down * d <= a * b");
        assertGe(up * d, a * b, "up * d >= a * b");
        assertEq(up - down, (a * b) % d == 0 ? 0 : 1, "up - down = (remainder != 0)");
    }
}
