// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A liquidation front-run by the smallest possible top-up (1 USDC unit = 1e12 wei of collateral), on the
///         RWA market where fill = fair = oracle, so maintenance margin is exact.
/// @dev Carol: 30,000 collateral, long 1 unit at 150,000. At oracle P: PnL = P − 150,000, MM = ceil(P / 20), so
///      maintenance margin f(P) = P − ceil(P / 20) − 120,000 (all in wei). A 1-unit top-up adds 1e12, so it saves the
///      account exactly when f(P) ≥ −1e12. f is non-decreasing; the smallest price with f(P) ≥ −1e12 is
///      P* = 126315789472631578947369 (f = −1e12 exactly); at P* − 1, f = −1e12 − 1.
///      LIQ_PRICE = 126315789473684210526315 is the highest price with f < 0 (f = −1).
contract LiquidationFrontRunTest is LiquidationFixture {
    uint256 internal constant LIQ_PRICE = 126315789473684210526315;
    uint256 internal constant P_STAR = 126315789472631578947369;

    function setUp() public override {
        super.setUp();
        _openCarolLong();
    }

    /// @dev One wei below maintenance: the 1-unit top-up leaves it at 1e12 − 1 above.
    function test_atLiquidationPrice_topUpOfOneUnit_blocksKeeper() public {
        rwaOracle.setPrice(LIQ_PRICE);
        assertEq(engine.maintenanceMargin(CAROL), -1, "one wei below");
        _topUpOneUnit();
        assertEq(engine.maintenanceMargin(CAROL), 1e12 - 1, "above after the top-up");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, CAROL, int256(1e12 - 1)));
        liquidator.liquidate(CAROL);
    }

    /// @dev Exactly on the boundary: maintenance margin −1e12, the top-up brings it to 0, which is not liquidatable.
    function test_atBoundary_topUpReachesZero_blocksKeeper() public {
        rwaOracle.setPrice(P_STAR);
        assertEq(engine.maintenanceMargin(CAROL), -1e12, "exactly one unit below");
        _topUpOneUnit();
        assertEq(engine.maintenanceMargin(CAROL), 0, "exactly at maintenance");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, CAROL, int256(0)));
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, rwa).size, 1e18, "position untouched");
    }

    /// @dev One wei of price beyond the boundary: the top-up is not enough (−1 after it) and the keeper's call closes
    ///      the position at P* − 1, charging 0.5 % of it (20 % to the keeper).
    function test_beyondBoundary_topUpNotEnough_liquidationProceeds() public {
        uint256 price = P_STAR - 1;
        rwaOracle.setPrice(price);
        assertEq(engine.maintenanceMargin(CAROL), -1e12 - 1, "one unit and one wei below");
        _topUpOneUnit();
        assertEq(engine.maintenanceMargin(CAROL), -1, "still one wei below");
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, price, "whole position closed at the oracle");
        uint256 fee = (price * 5 + 999) / 1000; // ceil(0.5 %)
        assertEq(reward, (fee / 5) / 1e12 * 1e12, "20 % of the fee, in whole USDC units");
        assertEq(engine.position(CAROL, rwa).size, 0, "liquidated");
        // 30,000 + 1 unit + (P − 150,000) − fee.
        assertEq(vault.collateralOf(CAROL), int256(30_000e18 + 1e12 + price - 150_000e18 - fee), "collateral left");
    }

    /// @dev Without the top-up the boundary price is liquidatable.
    function test_atBoundary_withoutTopUp_liquidated() public {
        rwaOracle.setPrice(P_STAR);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, rwa).size, 0, "liquidated");
    }

    function _topUpOneUnit() private {
        usdc.mint(CAROL, 1);
        vm.startPrank(CAROL);
        usdc.approve(address(vault), 1);
        vault.deposit(1);
        vm.stopPrank();
    }
}
