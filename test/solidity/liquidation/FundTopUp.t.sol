// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The insurance fund tops the keeper reward up only when notionalClosed × feeRate ≥ minKeeperReward × 1e18
///         (brief rule 7): with the defaults, notional ≥ 5 / 0.005 = 1,000 USD. At the boundary, ±1 wei of notional.
/// @dev RWA market (fill = fair = oracle). Carol: 502 USDC, long 0.01 at 150,000 (cost 1,500, IM 300). Closed at
///      P = 100,000 + k × 100 wei (k ∈ {−1, 0, +1}): notional = ceil(0.01 × P) = 1,000e18 + k, realised
///      0.01 × P − 1,500 = −500e18 + k, so she is left with 2e18 + k: equity 2 < MM 50, not bankrupt, and unable to
///      pay the 5 USD floor. The fund holds 100.
contract FundTopUpTest is LiquidationFixture {
    function setUp() public override {
        super.setUp();
        _seedFund(100e6);
        _fund(CAROL, 502e6);
        _trade(CAROL, rwa, 0.01e18);
    }

    // k = −1: notional 1,000e18 − 1; (1,000e18 − 1) × 0.005e18 = 5e36 − 5e15 < 5e36: no top-up.
    // fee ceil(5e18 − 0.005) = 5e18; reward 1e18 → the 5e18 floor (not cut); charge 5e18 of which she has 2e18 − 1:
    // 1.999999 USDC to the keeper, the 1e12 − 1 wei below a unit to the fund.
    function test_oneWeiBelowThreshold_fundDoesNotTopUp() public {
        rwaOracle.setPrice(100_000e18 - 100);
        _liquidateAndCheck({
            notional: 1_000e18 - 1,
            fee: 5e18,
            reward: 1.999999e18,
            fromAccountToFund: 1e12 - 1,
            fundToppedUp: 0,
            fundAfter: 100e18 + 1e12 - 1
        });
    }

    // k = 0: notional exactly 1,000e18; 1,000e18 × 0.005e18 = 5e36 = 5e18 × 1e18: the fund tops up.
    // fee 5e18, reward 5e18 (floor); she pays her 2e18 (2 USDC), the fund the missing 3e18 (3 USDC): 5 USDC.
    function test_atThreshold_fundTopsUp() public {
        rwaOracle.setPrice(100_000e18);
        _liquidateAndCheck({
            notional: 1_000e18,
            fee: 5e18,
            reward: 5e18,
            fromAccountToFund: 0,
            fundToppedUp: 3e18,
            fundAfter: 97e18
        });
    }

    // k = +1: notional 1,000e18 + 1: the fund tops up. fee ceil(5e18 + 0.005) = 5e18 + 1, reward floor(0.2 × fee) =
    // 1e18 → the 5e18 floor; charge 5e18 + 1; she pays her 2e18 + 1: 2 USDC to the keeper, 1 wei to the fund. The fund
    // pays the missing 5e18 − (2e18 + 1) = 3e18 − 1, of which 2.999999 USDC reach the keeper and 1e12 − 1 wei return.
    // Keeper 4.999999 USDC; fund 100e18 + 1 − (3e18 − 1) + (1e12 − 1) = 97e18 + 1e12 + 1.
    function test_oneWeiAboveThreshold_fundTopsUp() public {
        rwaOracle.setPrice(100_000e18 + 100);
        _liquidateAndCheck({
            notional: 1_000e18 + 1,
            fee: 5e18 + 1,
            reward: 4.999999e18,
            fromAccountToFund: 1,
            fundToppedUp: 3e18 - 1,
            fundAfter: 97e18 + 1e12 + 1
        });
    }

    /// @dev The preview, then the liquidation: notional, fee, reward paid (in USDC), what the account gave the fund,
    ///      what the fund paid as a top-up, and the fund's balance after.
    function _liquidateAndCheck(
        uint256 notional,
        uint256 fee,
        uint256 reward,
        uint256 fromAccountToFund,
        uint256 fundToppedUp,
        uint256 fundAfter
    ) internal {
        assertTrue(engine.maintenanceMargin(CAROL) < 0, "liquidatable");
        assertTrue(engine.accountMarginAtFair(CAROL).equity > 0, "not bankrupt");
        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertTrue(preview.liquidatable, "preview: liquidatable");
        assertEq(preview.notionalClosed, notional, "preview: notional");
        assertEq(preview.keeperReward, reward, "preview: reward");
        assertEq(preview.insuranceFee, fromAccountToFund, "preview: account to fund");

        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, notional, fee, reward, fromAccountToFund, false);
        vm.prank(KEEPER);
        (uint256 notionalClosed, uint256 paid) = liquidator.liquidate(CAROL);
        assertEq(notionalClosed, notional, "notional");
        assertEq(paid, reward, "reward");
        assertEq(usdc.balanceOf(KEEPER) * 1e12, reward, "keeper paid in USDC");
        assertEq(vault.collateralOf(CAROL), 0, "she paid all she had");
        assertEq(fund.totalKeeperRewardsPaid(), fundToppedUp, "top-up");
        assertEq(fund.balance(), fundAfter, "fund");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }
}
