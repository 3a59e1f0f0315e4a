// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Margin (SPEC §5): IM/MM per tier, equity, utilisation, withdrawable, liquidation price.
contract PerpEngineMarginTest is EngineFixture {
    // Alice long 10 at 2000.01 (cost 20,000.1, fee 10.00005); collateral 9,989.99995.
    // What is credited values the position at the worse for her of its exit price and the fair price:
    //   exit = the fill of a sell of 10 from skew 10 to 0 = 2000 × (1 + 0.5e-5) = 2000.01;
    //   fair = 2000 × (1 + fair premium 0) = 2000 (no time has passed, the fair premium is still 0).
    //   The worse for a long is the lower: 2,000. Her own impact (the mark 2000.02) counts for nothing.
    // notional 20,000 → tier 1 (20x, 2.5 %): IM 1,000, MM 500.
    // equity = 9,989.99995 + (20,000 − 20,000.1) = 9,989.89995; withdrawable = 9,989.89995 − 1,000 = 8,989.89995.
    function test_margin_tier1_exact() public {
        _trade(ALICE, eth, 10e18);
        MarginSummary memory m = engine.accountMargin(ALICE);
        assertEq(m.collateral, 9989.99995e18, "collateral");
        assertEq(m.equity, 9989.89995e18, "equity");
        assertEq(m.initialMargin, 1000e18, "IM");
        assertEq(m.maintenanceMargin, 500e18, "MM");
        assertEq(m.withdrawable, 8989.89995e18, "withdrawable");
        // ceil(500e36 / 9,989.89995e18) = ceil(50050551307072900.16…) = 50050551307072901
        assertEq(m.marginUtilisation, 50050551307072901, "utilisation");
        // The liquidation trigger values at fair (2,000) too: PnL −0.1, MM 20,000 × 2.5 % = 500.
        assertEq(engine.maintenanceMargin(ALICE), 9989.89995e18 - 500e18, "equity - MM at fair");
    }

    // Carol long 600: fill 2000 × (1 + 600 / (2 × 1M)) = 2000.6; fee 1,200,360 × 5 bp = 600.18.
    // Credited at the worse of exit (sell 600 from 600 to 0: 2000.6) and fair (2,000): 2,000.
    // notional 1,200,000 > 1M → tier 2 (10x, 5 %): IM 120,000, MM 60,000.
    // equity = 200,000 − 600.18 + 600 × (2,000 − 2,000.6) = 200,000 − 600.18 − 360.
    // The liquidity vault gets 1M more cash so the open-interest-to-cash limit (1.2M of the long side at the oracle)
    // does not bind.
    function test_margin_tier2_exact() public {
        _fund(LP, 1_000_000e6);
        _fund(CAROL, 200_000e6);
        _trade(CAROL, eth, 600e18);
        MarginSummary memory m = engine.accountMargin(CAROL);
        assertEq(m.initialMargin, 120_000e18, "IM at 10x");
        assertEq(m.maintenanceMargin, 60_000e18, "MM at 5 %");
        assertEq(m.equity, 200_000e18 - 600.18e18 - 360e18, "equity");
    }

    // Withdrawals are capped by the engine through the vault's guard, at ±1 unit: 8,989.89995 (see tier 1 above).
    function test_withdraw_cappedByInitialMargin() public {
        _trade(ALICE, eth, 10e18);
        assertEq(vault.maxWithdraw(ALICE), 8989_899950, "8,989.89995 USDC");
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 8989.899951e18, 8989.89995e18)
        );
        vault.withdraw(8989_899951, ALICE);
        vm.prank(ALICE);
        vault.withdraw(8989_899950, ALICE);
        assertEq(vault.collateralOf(ALICE), 1000.1e18, "left: 9,989.99995 - 8,989.89995");
    }

    // Unrealised profit is never withdrawable: withdrawable = min(collateral, equity − IM).
    function test_withdraw_unrealisedProfitNotWithdrawable() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(4000e18);
        MarginSummary memory m = engine.accountMargin(ALICE);
        assertTrue(m.equity - int256(m.initialMargin) > m.collateral, "profit exceeds collateral");
        assertEq(m.withdrawable, uint256(m.collateral), "capped at collateral");
    }

    function test_withdraw_flatAccount_oracleDown() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setFailing(true);
        vm.prank(BOB);
        vault.withdraw(10_000e6, BOB);
        assertEq(usdc.balanceOf(BOB), 10_000e6, "flat account got everything out");
    }

    // ------------------------------------------------------------------ liquidation price

    /// @dev The RWA-perps seed example: 5x long at 150,000 with mmr 5 %, no fees, no premium, tau 0.
    ///      Seed's simplified formula: entry × (1 − 1/lev + mmr) = 127,500 (MM on the entry notional).
    ///      Ours: MM is on the notional at the liquidation price: 30,000 + P − 150,000 = 0.05 P
    ///      → P = 120,000 / 0.95 = 126,315.789473684210526315…; the view returns the highest wei price at which
    ///      maintenance margin < 0: 126315789473684210526315 (at +1 wei it is exactly 0).
    function test_liquidationPrice_seedExample() public {
        (uint256 rwa, MockOracleAdapter oracle) = _listRwa();
        _fund(CAROL, 30_000e6);
        _trade(CAROL, rwa, 1e18);
        uint256 liq = _liqPrice(engine, CAROL, rwa);
        assertEq(liq, 126315789473684210526315, "exact liquidation price");
        assertLt(liq, 127_500e18, "below the simplified formula");

        oracle.setPrice(liq + 1);
        assertEq(engine.maintenanceMargin(CAROL), 0, "+1 wei: not liquidatable");
        oracle.setPrice(liq);
        assertEq(engine.maintenanceMargin(CAROL), -1, "at the price: liquidatable");
        oracle.setPrice(127_500e18);
        assertEq(engine.maintenanceMargin(CAROL), 1125e18, "at 127,500 still 1,125 above MM");
    }

    /// @dev Short 1 at 150,000 with 30,000: 30,000 + 150,000 − P = 0.05 P → P = 171,428.571428…;
    ///      the view returns the lowest wei price with maintenance margin < 0.
    function test_liquidationPrice_short_boundary() public {
        (uint256 rwa, MockOracleAdapter oracle) = _listRwa();
        _fund(CAROL, 30_000e6);
        _trade(CAROL, rwa, -1e18);
        uint256 liq = _liqPrice(engine, CAROL, rwa);
        assertEq(liq, 171428571428571428571429, "exact");
        oracle.setPrice(liq - 1);
        assertGe(engine.maintenanceMargin(CAROL), int256(0), "-1 wei: not liquidatable");
        oracle.setPrice(liq);
        assertTrue(engine.maintenanceMargin(CAROL) < 0, "at the price: liquidatable");
    }

    /// @dev Two positions: the lens holds the other one at its fair value less its MM. Carol (31,000) long 1 RWA at
    ///      150,000 (5x, mmr 5 %) and short 10 in an exact ETH market at 2,000 (20x, mmr 2.5 %). ETH moves to 1,900:
    ///      the short is worth +1,000 with MM 19,000 × 2.5 % = 475. base = 31,000 − 150,000 + 1,000 − 475 = −118,475;
    ///      f(P) = base + P − ceil(P / 20) = base + floor(19 P / 20) < 0 ⇔ P < 2,369,500e18 / 19 =
    ///      124,710,526,315,789,473,684,210.53 wei: P = 124710526315789473684210 (floor(19 P / 20) = base − 1 wei).
    ///      At P the account's maintenance margin at fair is −1 wei; at P + 1 it is 0 (not liquidatable).
    function test_liquidationPrice_twoPositions_boundary() public {
        (uint256 rwa, MockOracleAdapter oracle) = _listRwa();
        MockOracleAdapter ethx = new MockOracleAdapter(2000e18);
        uint256 ex = engine.listMarket("ETHX", exactParams(ethx), twoTiers());
        _fund(CAROL, 31_000e6);
        _trade(CAROL, rwa, 1e18);
        _trade(CAROL, ex, -10e18);
        ethx.setPrice(1900e18);
        uint256 liq = _liqPrice(engine, CAROL, rwa);
        assertEq(liq, 124710526315789473684210, "exact");
        oracle.setPrice(liq);
        assertEq(engine.maintenanceMargin(CAROL), -1, "at P: liquidatable");
        oracle.setPrice(liq + 1);
        assertEq(engine.maintenanceMargin(CAROL), 0, "at P + 1: not");
        oracle.setPrice(liq - 1);
        assertTrue(engine.maintenanceMargin(CAROL) < 0, "below P: liquidatable");
    }

    function test_liquidationPrice_noPosition_isZero() public {
        assertEq(_liqPrice(engine, ALICE, eth), 0, "none");
    }

    /// @dev For any size and collateral, the returned price is a boundary: liquidatable there, not one wei
    ///      towards safety.
    function testFuzz_liquidationPrice_isBoundary(uint256 collateral, uint256 size, bool isLong) public {
        (uint256 rwa, MockOracleAdapter oracle) = _listRwa();
        size = bound(size, 0.01e18, 1e18);
        // enough for 5x (IM = notional / 5) and at most 100 % margin
        uint256 minCollateral = (size * 150_000) / 5 / 1e12 + 1;
        collateral = bound(collateral, minCollateral, minCollateral * 5);
        _fund(CAROL, collateral);
        _trade(CAROL, rwa, isLong ? int256(size) : -int256(size));
        uint256 liq = _liqPrice(engine, CAROL, rwa);
        if (liq == 0) return; // a fully collateralised long cannot be liquidated at a positive price
        oracle.setPrice(liq);
        assertTrue(engine.maintenanceMargin(CAROL) < 0, "liquidatable at the price");
        oracle.setPrice(isLong ? liq + 1 : liq - 1);
        assertGe(engine.maintenanceMargin(CAROL), int256(0), "safe one wei away");
    }

    function _listRwa() internal returns (uint256 id, MockOracleAdapter oracle) {
        oracle = new MockOracleAdapter(150_000e18);
        id = engine.listMarket("RWA", exactParams(oracle), oneTier(5e18, 0.05e18));
    }
}
