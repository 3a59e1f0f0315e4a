// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Exact values for MarginMath: every amount rounds up; "x.y" in comments are exact rationals.
contract MarginMathTest is TestBase {
    uint256 internal constant W = 1e18;

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    function test_notionalUp_bothSides_plusMinusOneWei() public view {
        // 1.5e18 × 2000e18 / 1e18 = 3000e18 exactly
        assertEq(h.notionalUp(1.5e18, 2000e18), 3000e18, "exact long");
        assertEq(h.notionalUp(-1.5e18, 2000e18), 3000e18, "exact short");
        // 1.5e18 × (2000e18 + 1) / 1e18 = 3000e18 + 1.5 -> 3000e18 + 2
        assertEq(h.notionalUp(-1.5e18, 2000e18 + 1), 3000e18 + 2, "+1 wei price");
        // 1.5e18 × (2000e18 − 1) / 1e18 = 3000e18 − 1.5 -> 3000e18 − 1
        assertEq(h.notionalUp(1.5e18, 2000e18 - 1), 3000e18 - 1, "-1 wei price");
        assertEq(h.notionalUp(0, 2000e18), 0, "flat");
        // 1 wei of size at 1e12 wei price: 1e-6 -> 1
        assertEq(h.notionalUp(1, 1e12), 1, "dust rounds up to 1 wei");
    }

    function test_initialMarginUp() public view {
        // 3000e18 / 20 = 150e18 exactly
        assertEq(h.initialMarginUp(3000e18, 20e18), 150e18, "exact 20x");
        // (3000e18 + 2) / 20 = 150e18 + 0.1 -> 150e18 + 1
        assertEq(h.initialMarginUp(3000e18 + 2, 20e18), 150e18 + 1, "+2 wei notional");
        // (3000e18 − 1) / 20 = 150e18 − 0.05 -> 150e18
        assertEq(h.initialMarginUp(3000e18 - 1, 20e18), 150e18, "-1 wei notional");
        // 1000e18 / 3 = 333.333... e18 -> 333333333333333333334
        assertEq(h.initialMarginUp(1000e18, 3e18), 333333333333333333334, "3x");
        // 1000e18 / 2.5 = 400e18 exactly (fractional leverage)
        assertEq(h.initialMarginUp(1000e18, 2.5e18), 400e18, "2.5x");
    }

    function test_initialMarginUp_zeroLeverage_reverts() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x12));
        h.initialMarginUp(1000e18, 0);
    }

    function test_maintenanceMarginUp() public view {
        // 3000e18 × 0.005 = 15e18 exactly
        assertEq(h.maintenanceMarginUp(3000e18, 0.005e18), 15e18, "exact");
        // (3000e18 + 2) × 0.005 = 15e18 + 0.01 -> 15e18 + 1
        assertEq(h.maintenanceMarginUp(3000e18 + 2, 0.005e18), 15e18 + 1, "+2 wei notional");
        // (3000e18 − 1) × 0.005 = 15e18 − 0.005 -> 15e18
        assertEq(h.maintenanceMarginUp(3000e18 - 1, 0.005e18), 15e18, "-1 wei notional");
        assertEq(h.maintenanceMarginUp(0, 0.005e18), 0, "no notional");
    }

    function testFuzz_maintenanceNeverAboveInitial(uint256 notional, uint256 maxLeverage, uint256 mmr) public view {
        notional = bound(notional, 0, 1e30);
        maxLeverage = bound(maxLeverage, 1e18, 100e18);
        // mmr < 1 / maxLeverage
        mmr = bound(mmr, 0, (W * W - 1) / maxLeverage);
        assertLe(h.maintenanceMarginUp(notional, mmr), h.initialMarginUp(notional, maxLeverage), "MM <= IM");
    }

    function testFuzz_notionalUp_atLeastExact(int256 size, uint256 price) public view {
        size = boundInt(size, -1e24, 1e24);
        price = bound(price, 0, 1e24);
        uint256 n = h.notionalUp(size, price);
        uint256 exact = h.abs(size) * price;
        assertGe(n * W, exact, "n >= exact");
        assertLt(n * W - exact, W, "n - exact < 1 wei");
    }
}
