// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Bankrupt (close everything at once, no cooldown) is decided at fair only: equity ≤ 0 at the fair price
///         (brief rule 7). An account whose equity is positive at fair is sliced as any other, even when its exit
///         price (what closing it all now would fill) shows equity ≤ 0.
/// @dev Market PRM (`premiumParams`: skewScale 10,000 units, maxPremium 0.2 %, no fees or funding, 5x / mmr 5 %),
///      one block, so the fair premium is 0 and fair = oracle. Partial threshold 10,000 (by cost basis), slices of
///      20 %. Bob shorts 20 from skew 0 at 1,000 × (1 − 20/20,000) = 999; Carol buys 20 from −20 at 999 (cost 19,980)
///      with 4,030 USDC (IM at her worse of exit 999 and fair 1,000: 19,980 / 5 = 3,996). Skew 0.
///      At oracle P: equity at fair = 4,030 + 20P − 19,980; her exit fill (sell 20 from skew 0) is P × 0.999.
contract BankruptAtFairTest is LiquidationFixture {
    MockOracleAdapter internal prmOracle;
    uint256 internal prm;

    function setUp() public override {
        super.setUp();
        prmOracle = new MockOracleAdapter(1_000e18);
        prm = engine.listMarket("PRM", premiumParams(prmOracle), oneTier(5e18, 0.05e18));
        _setPartialNotional(10_000e18);
        _seedFund(100e6);
        _trade(BOB, prm, -20e18);
        _fund(CAROL, 4_030e6);
        _trade(CAROL, prm, 20e18);
        assertEq(engine.position(CAROL, prm).openNotional, 19_980e18, "cost 20 x 999");
    }

    // P = 798: at fair, equity 4,030 + 15,960 − 19,980 = 10 > 0 (MM 798: liquidatable, not bankrupt). At her exit
    // 798 × 0.999 = 797.202 her equity would be 4,030 + 15,944.04 − 19,980 = −5.96 ≤ 0 (what the credit view shows),
    // which the old rule treated as bankrupt and closed in full. Now only a 20 % slice closes: 4 units from skew 0 at
    // 798 × (1 − 4/20,000) = 797.8404 (= its bound); realised 3,191.3616 − 3,996 = −804.6384; fee 0.5 % × 3,191.3616
    // = 15.956808, reward 20 % = 3.19… → the 5 floor; collateral 4,030 − 804.6384 − 15.956808 = 3,209.404792; 16 left
    // and the cooldown starts.
    function test_positiveAtFair_negativeAtExit_isSliced() public {
        prmOracle.setPrice(798e18);
        assertEq(engine.accountMarginAtFair(CAROL).equity, 10e18, "equity at fair > 0");
        assertEq(engine.accountMargin(CAROL).equity, -5.96e18, "equity at exit <= 0");
        assertEq(engine.maintenanceMargin(CAROL), 10e18 - 798e18, "liquidatable");

        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertEq(preview.sizeDeltas[0], -4e18, "preview: a 20 % slice, not the whole 20");
        assertEq(preview.expectedBadDebt, 0, "preview: nothing closes in full");

        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(CAROL, prm, -4e18, 797.8404e18, 0, -804.6384e18, 16e18, 15_984e18);
        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, 3_191.3616e18, 15.956808e18, 5e18, 10.956808e18, true);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, prm).size, 16e18, "16 left");
        assertEq(vault.collateralOf(CAROL), 3_209.404792e18, "4,030 - 804.6384 - 15.956808");
        assertEq(liquidator.lastPartialLiquidation(CAROL), T0, "cooldown started");
    }

    // P = 797.5: equity at fair 4,030 + 15,950 − 19,980 = 0 ≤ 0: bankrupt, everything closes at once although the
    // position is above the partial threshold. Sell 20 from skew 0 at 797.5 × 0.999 = 796.7025 (its bound): realised
    // 15,934.05 − 19,980 = −4,045.95, collateral −15.95. Fee 0.5 % × 15,934.05 = 79.67025, reward 15.93405: she has
    // nothing, the notional is ≥ 1,000, so the fund tops it up (15.934050 USDC), then covers the 15.95 of bad debt:
    // 100 − 15.93405 − 15.95 = 68.11595 left.
    function test_zeroEquityAtFair_closesEverything() public {
        prmOracle.setPrice(797.5e18);
        assertEq(engine.accountMarginAtFair(CAROL).equity, 0, "equity at fair = 0");
        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, 15_934.05e18, 79.67025e18, 15.93405e18, 0, false);
        vm.expectEmit(true, false, false, true);
        emit ILiquidationEngine.BadDebtCoveredByFund(CAROL, 15.95e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, prm).size, 0, "closed in full");
        assertEq(vault.collateralOf(CAROL), 0, "made whole by the fund");
        assertEq(usdc.balanceOf(KEEPER), 15_934050, "reward topped up by the fund");
        assertEq(fund.balance(), 68.11595e18, "100 - 15.93405 - 15.95");
        assertEq(liquidator.lastPartialLiquidation(CAROL), 0, "no cooldown");
    }

    // One wei above: P = 797.5e18 + 1 makes equity at fair floor(20 × P) − 15,950 = 20 wei > 0: not bankrupt, so a
    // 4-unit slice closes and 16 stay.
    function test_oneWeiAboveZeroAtFair_isSliced() public {
        prmOracle.setPrice(797.5e18 + 1);
        assertEq(engine.accountMarginAtFair(CAROL).equity, 20, "20 wei");
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, prm).size, 16e18, "a slice");
        assertEq(liquidator.lastPartialLiquidation(CAROL), T0, "cooldown started");
    }
}
