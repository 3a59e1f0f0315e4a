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
        assertEq(_liqPrice(engine, CAROL, rwa), LIQ_PRICE, "view");
        rwaOracle.setPrice(LIQ_PRICE + 1);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, CAROL, 0));
        liquidator.liquidate(CAROL);
    }

    // At P: close 1 unit at P (no premium). realised = P − 150,000; fee = ceil(0.5 % × P) =
    // 631578947368421052632; 20 % of it is 126315789473684210526 → 126.315789 USDC to the keeper; the other 80 %
    // and the 473684210526 wei below one USDC unit go to the fund.
    function test_justBelowMaintenance_liquidated_exactRewardAndFund() public {
        _openCarolLong();
        rwaOracle.setPrice(LIQ_PRICE);
        assertEq(engine.maintenanceMargin(CAROL), -1, "one wei below");

        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertTrue(preview.liquidatable, "preview: liquidatable");
        assertEq(preview.sizeDeltas[0], -1e18, "preview: full close");
        assertEq(preview.notionalClosed, LIQ_PRICE, "preview: notional");
        assertEq(preview.keeperReward, 126315789000000000000, "preview: reward in whole USDC units");
        assertEq(preview.insuranceFee, 505263158368421052632, "preview: fund fee, with the reward's dust");
        assertEq(preview.expectedBadDebt, 0, "preview: no bad debt");

        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(
            CAROL, KEEPER, LIQ_PRICE, 631578947368421052632, 126315789000000000000, 505263158368421052632, false
        );
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, LIQ_PRICE, "notional closed");
        assertEq(reward, 126315789000000000000, "reward: 20 % of the fee, rounded down to USDC units");
        assertEq(usdc.balanceOf(KEEPER), 126_315789, "keeper paid in USDC, rounded down");
        assertEq(fund.balance(), 505263158368421052632, "fund: 80 % of the fee plus the dust");
        assertEq(vault.collateralOf(CAROL), 5684210526315789473683, "30,000 + (P - 150,000) - fee");
        assertEq(engine.position(CAROL, rwa).size, 0, "closed");
    }

    // P = 124,000 with the partial threshold at 100,000 (by cost basis): 20 % slices with a cooldown between them
    // while the cost basis is above the threshold, then the rest. Fees total 0.5 % of 124,000 = 620.
    function test_partialSlices_andCooldown() public {
        _openCarolLong();
        _setPartialNotional(100_000e18);
        rwaOracle.setPrice(124_000e18);
        assertEq(engine.maintenanceMargin(CAROL), -2200e18, "30,000 - 26,000 - 6,200");

        // Slice 1: 0.2 unit; realised 24,800 - 30,000; fee 124.
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

        // Slice 2 (cost basis 120,000 > 100,000): 0.16 unit; realised 19,840 - 24,000; fee 99.2.
        vm.warp(T0 + 30);
        vm.prank(KEEPER);
        (notional, reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 19_840e18, "0.16 x 124,000");
        assertEq(engine.position(CAROL, rwa).size, 0.64e18, "0.64 left");
        assertEq(vault.collateralOf(CAROL), 20_416.8e18, "24,676 - 4,160 - 99.2");
        assertEq(engine.maintenanceMargin(CAROL), -191.2e18, "3,776.8 - 3,968");

        // The rest (cost basis 96,000 ≤ 100,000): realised 79,360 - 96,000; fee 396.8.
        vm.warp(T0 + 60);
        vm.prank(KEEPER);
        (notional, reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 79_360e18, "the rest");
        assertEq(reward, 79.36e18, "20 % of 396.8");
        assertEq(vault.collateralOf(CAROL), 3380e18, "20,416.8 - 16,640 - 396.8");
        assertEq(usdc.balanceOf(KEEPER), 124_000000, "24.8 + 19.84 + 79.36 USDC");
        assertEq(fund.balance(), 496e18, "80 % of 620");
    }

    // P = 110,000: equity −10,000 (bankrupt): everything closes; the account cannot pay the 550 fee, so the fund
    // tops up the 110 reward, then covers the 10,000 of bad debt.
    function test_badDebt_coveredByFund() public {
        _openCarolLong();
        _seedFund(20_000e6);
        rwaOracle.setPrice(110_000e18);
        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
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

    // A dust position (notional 150 USD) is still liquidated, but the shared fund no longer tops its reward up: it
    // does so only when notionalClosed × feeRate ≥ minKeeperReward × 1e18, i.e. notional ≥ 5 / 0.005 = 1,000 USD.
    // Carol: 30 USDC, long 0.001 at 150,000 (IM 150 / 5 = 30). At 124,000: equity 30 − 26 = 4, MM 5 % × 124 = 6.2.
    // Close 0.001 at 124,000: notional 124; fee 0.5 % × 124 = 0.62; reward 20 % × 0.62 = 0.124 → the 5 floor (no
    // close was cut); charge max(0.62, 5) = 5, of which she has 4: the keeper gets 4 USDC from her, nothing from the
    // fund (124 × 0.005 = 0.62 < 5), so a dust account cannot make the fund pay.
    function test_dustPosition_accountPaysWhatItHas_fundDoesNotTopUp() public {
        _seedFund(100e6);
        _fund(CAROL, 30e6);
        _trade(CAROL, rwa, 0.001e18);
        rwaOracle.setPrice(124_000e18);
        assertEq(engine.maintenanceMargin(CAROL), -2.2e18, "4 - 6.2");

        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertTrue(preview.liquidatable, "preview: liquidatable");
        assertEq(preview.notionalClosed, 124e18, "preview: notional");
        assertEq(preview.keeperReward, 4e18, "preview: what the account has");
        assertEq(preview.insuranceFee, 0, "preview: nothing left for the fund");

        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, 124e18, 0.62e18, 4e18, 0, false);
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 124e18, "0.001 x 124,000");
        assertEq(reward, 4e18, "the account's 4, no top-up");
        assertEq(usdc.balanceOf(KEEPER), 4e6, "paid");
        assertEq(vault.collateralOf(CAROL), 0, "the account paid what it had");
        assertEq(fund.totalKeeperRewardsPaid(), 0, "the fund paid nothing");
        assertEq(fund.balance(), 100e18, "untouched");
    }

    // The preview's keeper reward equals what `liquidate` pays even when the fund's top-up crosses a USDC unit only
    // thanks to the account's sub-unit dust. Carol: 300 USDC, long 0.01 at 150,000 (IM 1,500 / 5 = 300), closed at
    // P = 120,400 + 1e8 wei: realised floor(0.01 × P) − 1,500 = −296 + 1e-12, so her collateral is 4 + 1e-12 USD
    // (equity 4 < MM 60.2). Notional 1,204 + 1e-12 ≥ 1,000, so the fund tops up: fee ceil(0.5 % × notional) =
    // 6.02 + 5e-15, reward 20 % = 1.204… → the 5 floor. She pays min(charge, collateral) = 4 + 1e-12: 4 USDC to the
    // keeper, her 1e-12 dust to the fund, which then tops up the missing 1 − 1e-12 out of 0.5 − 1 wei + 1e-12 =
    // 0.5e18 + 999,999 wei → 0.500000 USDC (its 999,999 wei below a unit return to it). Reward 4.5 USDC; without
    // the dust the fund's 0.5e18 − 1 would have paid 0.499999.
    function test_preview_matchesLiquidate_whenDustCrossesAUnit() public {
        vault.setBalanceManager(address(this), true);
        _fund(address(this), 1e6);
        vault.transferBalance(address(this), address(fund), 0.5e18 - 1);
        _fund(CAROL, 300e6);
        _trade(CAROL, rwa, 0.01e18);
        rwaOracle.setPrice(120_400e18 + 1e8);
        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertEq(preview.notionalClosed, 1_204e18 + 1e6, "preview: above the top-up threshold");
        vm.prank(KEEPER);
        (, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(reward, 4.5e18, "4 from the account + 0.5 from the fund");
        assertEq(preview.keeperReward, reward, "preview = liquidate");
        assertEq(usdc.balanceOf(KEEPER), 4.5e6, "paid");
        assertEq(fund.totalKeeperRewardsPaid(), 0.5e18 + 1e6 - 1, "the fund paid all it had");
        assertEq(fund.balance(), 1e6 - 1, "its sub-unit rest came back");
    }

    // At 110,000 Carol is bankrupt (equity −10,000). Closing herself would leave the debt outside the waterfall, so
    // the engine refuses; the keeper's liquidation then routes it through the fund.
    function test_bankruptAccount_cannotCloseItself_liquidationSettlesIt() public {
        _openCarolLong();
        _seedFund(20_000e6);
        rwaOracle.setPrice(110_000e18);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.BankruptCloseNeedsLiquidation.selector, CAROL, -10_000e18)
        );
        engine.closePosition(CAROL, rwa, 0);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(vault.collateralOf(CAROL), 0, "the fund covered it");
        assertEq(fund.totalBadDebtCovered(), 10_000e18, "through the waterfall");
    }

    function test_forcedClose_onlyLiquidationEngine_andOnlyReductions() public {
        _openCarolLong();
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotLiquidationEngine.selector, address(this)));
        engine.forcedClose(CAROL, rwa, -1e18, false);
        vm.prank(address(liquidator));
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAReduction.selector, rwa, 1e18, 1e18));
        engine.forcedClose(CAROL, rwa, 1e18, false);
        vm.prank(address(liquidator));
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAReduction.selector, rwa, 1e18, -2e18));
        engine.forcedClose(CAROL, rwa, -2e18, false);
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
