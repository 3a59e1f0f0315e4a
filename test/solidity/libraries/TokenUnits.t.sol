// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev TokenUnits: 6-decimal token units <-> 18-decimal USD (scale 1e12).
contract TokenUnitsTest is TestBase {
    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    function test_toUsd_exact() public view {
        assertEq(h.toUsd(1), 1e12, "1 unit = 1e12");
        assertEq(h.toUsd(1_500_000), 1.5e18, "1.5 USDC");
        assertEq(h.toUsd(0), 0, "zero");
    }

    function test_toToken_plusMinusOneWei() public view {
        // 1e12 − 1 = 0.999999999999 units: down 0, up 1
        assertEq(h.toTokenDown(1e12 - 1), 0, "down -1 wei");
        assertEq(h.toTokenUp(1e12 - 1), 1, "up -1 wei");
        assertEq(h.toTokenDown(1e12), 1, "down exact");
        assertEq(h.toTokenUp(1e12), 1, "up exact");
        // 1e12 + 1 = 1.000000000001 units: down 1, up 2
        assertEq(h.toTokenDown(1e12 + 1), 1, "down +1 wei");
        assertEq(h.toTokenUp(1e12 + 1), 2, "up +1 wei");
        assertEq(h.toTokenUp(0), 0, "zero");
    }

    function testFuzz_roundTrip(uint256 usd) public view {
        usd = bound(usd, 0, 1e40);
        uint256 down = h.toTokenDown(usd);
        uint256 up = h.toTokenUp(usd);
        assertLe(h.toUsd(down), usd, "down never exceeds");
        assertGe(h.toUsd(up), usd, "up always covers");
        assertEq(up - down, usd % 1e12 == 0 ? 0 : 1, "differ by remainder");
    }
}
