// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice SPEC §6 scenarios with exact numbers. Carol is long 1 unit at 150,000 with 30,000 collateral; her
///         liquidation price is P = 126315789473684210526315 (see PerpEngineMargin.t.sol). Defaults: fee 0.5 %,
///         keeper 20 % of it within [5, 1,000] USD.
contract LiquidationTest is LiquidationFixture {
    uint256 internal constant LIQ_PRICE = 126315789473684210526315;

    function test_healthyAccount_cannotBeLiquidated_atLiquidationPricePlusOne() public {
        _openCarolLong();
        assertEq(engine.liquidationPrice(CAROL, rwa), LIQ_PRICE, "view");
        rwaOracle.setPrice(LIQ_PRICE + 1);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, CAROL, 0));
        liquidator.liquidate(CAROL);
    }

    // At P: close 1 unit at P (no premium). realised = P − 150,000; fee = ceil(0.5 % × P) =
    // 631578947368421052632; reward = 20 % of it = 126315789473684210526 → 126.315789 USDC to the keeper, the
    // 473684210526 wei of dust and the other 80 % to the fund.
    function test_justBelowMaintenance_liquidated_exactRewardAndFund() public {
        _openCarolLong();
        rwaOracle.setPrice(LIQ_PRICE);
        assertEq(engine.maintenanceMargin(CAROL), -1, "one wei below");

        LiquidationPreview memory preview = liquidator.previewLiquidation(CAROL);
        assertTrue(preview.liquidatable, "preview: liquidatable");
        assertEq(preview.sizeDeltas[0], -1e18, "preview: full close");
        assertEq(preview.notionalClosed, LIQ_PRICE, "preview: notional");
        assertEq(preview.keeperReward, 126315789473684210526, "preview: reward");
        assertEq(preview.insuranceFee, 505263157894736842106, "preview: fund fee");
        assertEq(preview.expectedBadDebt, 0, "preview: no bad debt");

        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(
            CAROL, KEEPER, LIQ_PRICE, 631578947368421052632, 126315789473684210526, 505263157894736842106, false
        );
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, LIQ_PRICE, "notional closed");
        assertEq(reward, 126315789473684210526, "reward");
        assertEq(usdc.balanceOf(KEEPER), 126_315789, "keeper paid in USDC, rounded down");
        assertEq(fund.balance(), 505263158368421052632, "fund: 80 % of the fee plus the dust");
        assertEq(vault.collateralOf(CAROL), 5684210526315789473683, "30,000 + (P - 150,000) - fee");
        assertEq(engine.position(CAROL, rwa).size, 0, "closed");
    }

    // P = 124,000 with the partial threshold at 100,000: a 20 % slice (0.2 unit), then a cooldown; the remaining
    // 0.8 unit (99,200 notional, below the threshold) closes fully once the cooldown is over.
    function test_partialSlices_andCooldown() public {
        _openCarolLong();
        _setPartialNotional(100_000e18);
        rwaOracle.setPrice(124_000e18);
        assertEq(engine.maintenanceMargin(CAROL), -2200e18, "30,000 - 26,000 - 6,200");

        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 24_800e18, "0.2 x 124,000");
        assertEq(reward, 24.8e18, "20 % of the 124 fee");
        assertEq(engine.position(CAROL, rwa).size, 0.8e18, "0.8 left");
        assertEq(vault.collateralOf(CAROL), 24_676e18, "30,000 - 5,200 - 124");
        assertEq(engine.maintenanceMargin(CAROL), -1084e18, "3,876 - 4,960: still below");
        assertEq(liquidator.lastPartialLiquidation(CAROL), T0, "cooldown started");

        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationCooldown.selector, CAROL, T0 + 30));
        liquidator.liquidate(CAROL);

        vm.warp(T0 + 30);
        vm.prank(KEEPER);
        (notional, reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 99_200e18, "the rest");
        assertEq(reward, 99.2e18, "20 % of 496");
        assertEq(vault.collateralOf(CAROL), 3380e18, "24,676 - 20,800 - 496");
        assertEq(usdc.balanceOf(KEEPER), 124_000000, "24.8 + 99.2 USDC");
        assertEq(fund.balance(), 99.2e18 + 396.8e18, "80 % of both fees");
    }

    // P = 110,000: equity −10,000 (bankrupt): everything closes; the account cannot pay the 550 fee, so the fund
    // tops up the 110 reward, then covers the 10,000 of bad debt.
    function test_badDebt_coveredByFund() public {
        _openCarolLong();
        _seedFund(20_000e6);
        rwaOracle.setPrice(110_000e18);
        LiquidationPreview memory preview = liquidator.previewLiquidation(CAROL);
        assertEq(preview.expectedBadDebt, 10_000e18, "preview: bad debt");
        assertEq(preview.insuranceFee, 0, "preview: nothing from the account");

        vm.expectEmit(true, false, false, true);
        emit ILiquidationEngine.BadDebtCoveredByFund(CAROL, 10_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(vault.collateralOf(CAROL), 0, "made whole");
        assertEq(fund.balance(), 20_000e18 - 110e18 - 10_000e18, "fund paid reward and debt");
        assertEq(fund.totalBadDebtCovered(), 10_000e18, "history: debt");
        assertEq(fund.totalKeeperRewardsPaid(), 110e18, "history: reward");
        assertEq(usdc.balanceOf(KEEPER), 110e6, "keeper paid");
        assertEq(liquidator.totalShortfall(), 0, "no ADL needed");
    }

    // Same with a 5,000 fund: it pays the 110 reward, then 4,890 of the debt; 5,110 is left for ADL.
    function test_fundExhausted_shortfallForAdl() public {
        _openCarolLong();
        _seedFund(5_000e6);
        rwaOracle.setPrice(110_000e18);
        vm.expectEmit(true, false, false, true);
        emit ILiquidationEngine.ShortfallForAdl(CAROL, 5110e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(fund.balance(), 0, "fund emptied, never negative");
        assertEq(vault.collateralOf(CAROL), -5110e18, "the shortfall");
        assertEq(liquidator.totalShortfall(), 5110e18, "recorded");
    }

    // A dust position (notional 150 USD) is still liquidated, and the keeper gets the 5 USD floor even though
    // 20 % of the 0.75 fee is 0.15.
    function test_dustPosition_keeperFloor() public {
        _seedFund(100e6);
        _fund(CAROL, 30e6);
        _trade(CAROL, rwa, 0.001e18);
        rwaOracle.setPrice(124_000e18); // equity 30 − 26 = 4, MM 6.2
        vm.prank(KEEPER);
        (, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(reward, 5e18, "floor");
        assertEq(usdc.balanceOf(KEEPER), 5e6, "paid");
        assertEq(vault.collateralOf(CAROL), 0, "the account paid what it had (4), the fund the rest");
        assertEq(fund.totalKeeperRewardsPaid(), 1e18, "fund topped up 1");
        assertEq(fund.balance(), 99e18, "100 - 1");
    }

    function test_closeForLiquidation_onlyLiquidationEngine_andOnlyReductions() public {
        _openCarolLong();
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotLiquidationEngine.selector, address(this)));
        engine.closeForLiquidation(CAROL, rwa, -1e18);
        vm.prank(address(liquidator));
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAReduction.selector, rwa, 1e18, 1e18));
        engine.closeForLiquidation(CAROL, rwa, 1e18);
        vm.prank(address(liquidator));
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAReduction.selector, rwa, 1e18, -2e18));
        engine.closeForLiquidation(CAROL, rwa, -2e18);
    }

    function test_liquidationIgnoresPause() public {
        _openCarolLong();
        engine.setGlobalPaused(true);
        rwaOracle.setPrice(LIQ_PRICE);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, rwa).size, 0, "closed while paused");
    }
}
