// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, medium): at parameters the validator accepts, an attacker's own voluntary close
///         into a skew its other accounts pushed realised a loss beyond the account's collateral while it kept another
///         position (only a close that left it flat was refused); the bad debt went to the fund, ADL and the LPs and
///         the pushing accounts collected it. Now no voluntary reduction may leave the account bankrupt: negative
///         collateral is allowed only while the account's equity at fair stays above 0
///         (`BankruptCloseNeedsLiquidation(account, collateral)`).
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
        MarketParams memory p = exactParams(pOracle);
        p.maxPremium = 0.1e18;
        p.skewScale = 10_000e18;
        p.maxOpenInterest = 998e18;
        p.maxSkew = 998e18;
        mkt = engine.listMarket("THIN", p, oneTier(10_000_000e18, 20e18, 0.0499e18));
        z = engine.listMarket("Z", exactParams(zOracle), oneTier(10_000_000e18, 20e18, 0.025e18));
        _lpDeposit(PROVIDER, 10_000_000e6);
        _fund(MALLORY2, 30_000e6); // B
        _fund(MALLORY3, 60_000e6); // C
    }

    /// @dev The validator's bound is met with equality: one more unit of maxOI is refused.
    function test_parametersAreAtTheValidatorsBound() public {
        MarketParams memory p = exactParams(pOracle);
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

    /// @dev A buys 498 (1,024.9), C sells 998 (999.9), B buys 500 (975) and closes (975): skew −500.
    function _push() internal {
        assertEq(_trade(MALLORY, mkt, 498e18), 1_024.9e18, "A's fill: 1,000 x (1 + 498 / 20,000)");
        assertEq(_trade(MALLORY3, mkt, -998e18), 999.9e18, "C: average premium (498 - 500) / 20,000");
        assertEq(_trade(MALLORY2, mkt, 500e18), 975e18, "B: average premium -500 / 20,000");
        assertEq(_close(MALLORY2, mkt), 975e18, "B closes: skew 0 -> -500");
        assertEq(engine.marketState(mkt).skew, -500e18, "pushed");
    }
}
