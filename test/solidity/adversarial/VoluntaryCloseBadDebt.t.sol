// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {RefPricing} from "./AdversarialFixture.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, medium): at parameters the validator accepts, an attacker's own voluntary close
///         into a skew its other accounts pushed realised a loss beyond the account's collateral while it kept another
///         position (only a close that left it flat was refused); the bad debt went to the fund, ADL and the LPs and
///         the pushing accounts collected it. Now no voluntary reduction may leave the account bankrupt
///         (`BankruptCloseNeedsLiquidation(account, collateral)`): negative collateral is allowed only while the
///         account's equity at fair stays above 0, and a reduction filling beyond the forced-close bound (a pushed
///         skew) must leave that equity above 0 whatever its collateral (the partial-close variant, fixed in the
///         engine after the second round); a reduction within the bound loses no more than a liquidation would.
/// @dev THIN at 1,000: skewScale 10,000, maxPremium 10 %, maxOI = maxSkew = 998 (⌈998 / 20,000⌉ = 4.99 %, the
///      validator's bound), one tier 20x / mmr 4.99 %, no fees or funding, τ 0; Z exact at 1,000 (20x / 2.5 %); empty
///      fund, 10,000,000 in the liquidity vault. The push: A buys 498 from 0 at 1,024.9 (cost 510,400.2; credited at
///      fair 1,000 it needs IM 24,900 + its own impact 12,400.2: 37,301 deposited) and holds 0.001 Z; C sells 998 at
///      999.9 (skew −500); B buys 500 at 975 (skew 0) and closes at 975 (skew −500). A's close of 498 from −500 to −998
///      would fill at 925.1: realised 498 × (925.1 − 1,024.9) = −49,700.4 against 37,301, collateral −12,399.4, and
///      with Z worth 0 its equity at fair is −12,399.4.
///      Before (commit af467cf^, the red team's test): A's close passed; A's liquidation queued 12,399.4 of shortfall
///      (LP net value −12,399.4) and B and C withdrew 12,399.4 more than the three accounts deposited.
///      After: A's close reverts `BankruptCloseNeedsLiquidation(A, −12,399.4)`. A is not even liquidatable at the
///      pushed skew (its equity at fair 37,301 − 12,400.2 = 24,900.8 against MM 24,850.2 + 0.025); C and B unwind
///      (C buys 998 back at 999.9: 0), A then closes at 1,024.9 (0): every account gets its deposit back, the LPs'
///      value is unchanged. A close that leaves negative collateral but positive equity still passes (second test).
contract VoluntaryCloseBadDebtTest is ReviewFixture {
    MockOracleAdapter internal pOracle;
    MockOracleAdapter internal zOracle;
    uint256 internal mkt;
    uint256 internal z;

    function setUp() public override {
        super.setUp();
        pOracle = new MockOracleAdapter(1_000e18);
        zOracle = new MockOracleAdapter(1_000e18);
        MarketParams memory p = uncappedExactParams(pOracle);
        p.maxPremium = 0.1e18;
        p.skewScale = 10_000e18;
        p.maxOpenInterest = 998e18;
        p.maxSkew = 998e18;
        mkt = engine.listMarket("THIN", p, oneTier(10_000_000e18, 20e18, 0.0499e18));
        z = engine.listMarket("Z", uncappedExactParams(zOracle), oneTier(10_000_000e18, 20e18, 0.025e18));
        _lpDeposit(PROVIDER, 10_000_000e6);
        _fund(MALLORY2, 30_000e6); // B
        _fund(MALLORY3, 60_000e6); // C
    }

    /// @dev The validator's bound is met with equality: one more unit of maxOI is refused.
    function test_parametersAreAtTheValidatorsBound() public {
        MarketParams memory p = uncappedExactParams(pOracle);
        p.maxPremium = 0.1e18;
        p.skewScale = 10_000e18;
        p.maxOpenInterest = 998e18 + 1;
        p.maxSkew = 998e18;
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.0499e18 + 1, 0.0499e18)
        );
        engine.setMarketParams(mkt, p);
    }

    function test_voluntaryCloseIntoPushedSkew_refusedWhenItLeavesTheAccountBankrupt() public {
        _fund(MALLORY, 37_301e6); // A
        int256 lpBefore = lpVault.netValueUsd();
        _trade(MALLORY, z, 0.001e18);
        _push();

        vm.prank(MALLORY);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.BankruptCloseNeedsLiquidation.selector, MALLORY, -12_399.4e18)
        );
        engine.closePosition(MALLORY, mkt, 0);
        assertEq(engine.position(MALLORY, mkt).size, 498e18, "A keeps its long");
        assertEq(engine.maintenanceMargin(MALLORY), 50.575e18, "24,900.8 - 24,850.2 - 0.025: not liquidatable");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, MALLORY, 50.575e18));
        liquidator.liquidate(MALLORY);

        assertEq(_close(MALLORY3, mkt), 999.9e18, "C buys 998 back: skew -500 -> 498");
        assertEq(_close(MALLORY, mkt), 1_024.9e18, "A sells 498 from 498: its entry fill");
        _close(MALLORY, z);
        assertEq(vault.collateralOf(MALLORY), 37_301e18, "A: 0");
        assertEq(vault.collateralOf(MALLORY2), 30_000e18, "B: 0");
        assertEq(vault.collateralOf(MALLORY3), 60_000e18, "C: 998 x (999.9 - 999.9) = 0");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
        assertEq(lpVault.netValueUsd(), lpBefore, "the LPs' value unchanged (before: -12,399.4)");
    }

    /// @dev A close that leaves negative collateral but positive equity still passes, and the ±1 wei boundary of the
    ///      rule. A deposits 42,301 and also holds 100 Z bought at 1,000 (IM 5,000; its THIN long needs 37,300.2 as
    ///      above: 42,300.2 ≤ 42,301). After the same push, A's close realises −49,700.4: collateral −7,399.4, and its
    ///      equity at fair is −7,399.4 + 100 × (Z − 1,000). At Z = 1,073.994 that is exactly 0: refused; at 1,073.994 +
    ///      1 wei it is 100 wei: the close passes with collateral −7,399.4 (debt 7,399.4 while the Z gain covers it),
    ///      and closing Z then realises +7,399.4 + 100 wei: A ends with 100 wei and no debt. The three accounts
    ///      together gain exactly Z's move (a market bet the vault takes as counterparty); nothing reaches the fund or
    ///      ADL.
    function test_negativeCollateralWithPositiveEquity_passes_boundary() public {
        _fund(MALLORY, 42_301e6);
        int256 lpBefore = lpVault.netValueUsd();
        _trade(MALLORY, z, 100e18);
        _push();

        zOracle.setPrice(1_073.994e18);
        assertEq(engine.accountMarginAtFair(MALLORY).equity, 42_301e18 - 12_400.2e18 + 7_399.4e18, "before the close");
        vm.prank(MALLORY);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.BankruptCloseNeedsLiquidation.selector, MALLORY, -7_399.4e18)
        );
        engine.closePosition(MALLORY, mkt, 0);

        zOracle.setPrice(1_073.994e18 + 1);
        assertEq(_close(MALLORY, mkt), 925.1e18, "into the pushed skew");
        assertEq(vault.collateralOf(MALLORY), -7_399.4e18, "42,301 - 49,700.4: negative collateral");
        assertEq(engine.accountMarginAtFair(MALLORY).equity, 100, "equity at fair: 100 x 1 wei");
        assertEq(vault.totalDebt(), 7_399.4e18, "A's debt, backed by its Z gain");

        _close(MALLORY, z);
        assertEq(vault.collateralOf(MALLORY), 100, "-7,399.4 + 100 x 73.994 + 100 wei");
        assertEq(vault.totalDebt(), 0, "repaid by its own gain");
        _close(MALLORY3, mkt);
        assertEq(vault.collateralOf(MALLORY3), 60_000e18 + 49_700.4e18, "C collects A's 49,700.4");
        int256 ring = vault.collateralOf(MALLORY) + vault.collateralOf(MALLORY2) + vault.collateralOf(MALLORY3)
            - (42_301e18 + 30_000e18 + 60_000e18);
        assertEq(ring, 7_399.4e18 + 100, "the ring's gain is exactly Z's move, its own market bet");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
        assertEq(lpVault.netValueUsd(), lpBefore - ring, "the vault pays Z's move as counterparty, nothing more");
    }

    /// @dev The variant the first version of the rule missed: a PARTIAL close into the pushed skew that keeps the
    ///      collateral ≥ 0 but leaves the account's equity at fair below zero. Selling q of A's 498 from −500 fills at
    ///      1,000 × (1 − (500 + q/2) / 10,000) and costs A (50 + q/20) per unit against fair: its equity at fair,
    ///      24,900.8 before, falls to 24,900.8 − 50 q − q² / 20 (exactly: `_equityAfterSell`, PositionMath's
    ///      rounding). Before (the second-round rule, which checked equity only once collateral was negative): A sold
    ///      394.25 (collateral +0.021875, equity at fair −2,583.353125), C unwound, and A's liquidation left 2,045.15
    ///      of shortfall to ADL and the LPs, the ring +2,045.15. After (contract fix): that close reverts; the largest
    ///      that passes is q* = 364.879182313922965888 (equity 30 wei), one wei more leaves −38 wei and reverts with
    ///      the collateral it would have left, 3,314.708360383318149325. After q*, C unwinds and A's liquidation
    ///      (its own skew, so above fair) leaves no bad debt.
    function test_partialCloseKeepingCollateral_butLeavingEquityBelowZero_refused() public {
        _fund(MALLORY, 37_301e6); // A
        _trade(MALLORY, z, 0.001e18);
        _push();
        uint256 qStar = 364_879182313922965888;
        (int256 equity, int256 collateral) = _equityAfterSell(394.25e18);
        assertEq(equity, -2_583.353125e18, "the red team's variant: bankrupt at fair");
        assertEq(collateral, 0.021875e18, "with collateral still positive");
        _expectBankruptClose(394.25e18, collateral);

        (equity, collateral) = _equityAfterSell(qStar + 1);
        assertEq(equity, -38, "one wei past the boundary");
        assertEq(collateral, 3_314_708360383318149325, "collateral it would leave");
        _expectBankruptClose(qStar + 1, collateral);

        (equity, collateral) = _equityAfterSell(qStar);
        assertEq(equity, 30, "the largest close that leaves equity above zero");
        _trade(MALLORY, mkt, -int256(qStar));
        assertEq(vault.collateralOf(MALLORY), collateral, "collateral as modelled");
        assertEq(engine.accountMarginAtFair(MALLORY).equity, 30, "equity at fair as modelled");

        _close(MALLORY3, mkt);
        vm.prank(KEEPER);
        liquidator.liquidate(MALLORY);
        assertEq(engine.position(MALLORY, mkt).size, 0, "A liquidated");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
        assertGe(vault.collateralOf(MALLORY), 0, "A's collateral covers its loss");
    }

    /// @dev A reduction that fills within the forced-close bound (no worse than its own impact from the fair premium,
    ///      what a liquidation may realise) is not valued at all while collateral stays ≥ 0; beyond the bound it is.
    ///      A: 3,000, long 20 Z at 1,000 and long 1 THIN from skew 0 at 1,000.05. Z falls to 840: equity at fair
    ///      3,000 − 3,200 − 0.05 = −200.05 (bankrupt: the keeper liquidates; Z cannot be traded up past the breaker).
    ///      A sells its THIN from skew 1 at 1,000 × (1 + 0.5 / 10,000) = 1,000.05 ≥ the bound 999.95 (the sale of 1
    ///      from the fair skew 0): passes, realising 0. With B's 2 short first (skew −1) the same sale fills at
    ///      1,000 × (1 − 1.5 / 10,000) = 999.85 < 999.95: beyond the bound, so the account is valued, found bankrupt,
    ///      and the close reverts with the collateral it would have left, 3,000 − 0.2.
    function test_closeWithinTheBound_skipsTheValuation_beyondItRefusedWhenBankrupt() public {
        _fund(MALLORY, 3_000e6);
        _fund(MALLORY2, 1_000e6);
        _trade(MALLORY, z, 20e18);
        assertEq(_trade(MALLORY, mkt, 1e18), 1_000.05e18, "1,000 x (1 + 0.5 / 10,000)");
        zOracle.setPrice(840e18);
        assertEq(engine.accountMarginAtFair(MALLORY).equity, -200.05e18, "bankrupt at fair");

        uint256 snap = vm.snapshotState();
        assertEq(_close(MALLORY, mkt), 1_000.05e18, "within the bound: passes");
        assertEq(vault.collateralOf(MALLORY), 3_000e18, "realised 0");
        vm.revertToState(snap);

        _trade(MALLORY2, mkt, -2e18);
        vm.prank(MALLORY);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.BankruptCloseNeedsLiquidation.selector, MALLORY, 2_999.8e18)
        );
        engine.closePosition(MALLORY, mkt, 0);
    }

    /// @dev A's equity at fair (1,000) and collateral after selling `q` of its THIN long from skew −500, written from
    ///      the rules: the reference fill, realised = ⌊q × fill⌋ − ⌈cost × q / 498⌉, the rest valued at
    ///      ⌊(498 − q) × 1,000⌋ − its remaining cost; Z adds 0.
    function _equityAfterSell(uint256 q) internal pure returns (int256 equity, int256 collateral) {
        uint256 cost = 510_400.2e18;
        uint256 fill = RefPricing.fill(1_000e18, -500e18, -int256(q), 10_000e18, 0.1e18);
        uint256 closedCost = (cost * q + 498e18 - 1) / 498e18;
        collateral = 37_301e18 + int256(q * fill / 1e18) - int256(closedCost);
        equity = collateral + int256((498e18 - q) * 1_000) - int256(cost - closedCost);
    }

    function _expectBankruptClose(uint256 q, int256 collateral) internal {
        vm.prank(MALLORY);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.BankruptCloseNeedsLiquidation.selector, MALLORY, collateral)
        );
        engine.trade(MALLORY, mkt, -int256(q), 0);
    }

    /// @dev A buys 498 (1,024.9), C sells 998 (999.9), B buys 500 (975) and closes (975): skew −500.
    function _push() internal {
        assertEq(_trade(MALLORY, mkt, 498e18), 1_024.9e18, "A's fill: 1,000 x (1 + 498 / 20,000)");
        assertEq(_trade(MALLORY3, mkt, -998e18), 999.9e18, "C: average premium (498 - 500) / 20,000");
        assertEq(_trade(MALLORY2, mkt, 500e18), 975e18, "B: average premium -500 / 20,000");
        assertEq(_close(MALLORY2, mkt), 975e18, "B closes: skew 0 -> -500");
        assertEq(engine.marketState(mkt).skew, -500e18, "pushed");
    }
}
