// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (found by the protocol invariant suite): a deleveraging close of a victim whose collateral is
///         already negative. A voluntary close may leave collateral below zero while the account still holds a
///         profitable position (its equity at fair stays > 0, so the reduction rule allows it). When an ADL step then
///         closes that profitable position at the bankruptcy price, it realises less than the account owes, and the
///         account ends flat with negative collateral. Before the fix (commit a1f2f4f^) nothing settled it: no fund
///         draw, no ADL request, `totalShortfall` unchanged, so the liquidity vault's value counted that bad debt as
///         an asset. Now the liquidation engine sends it through the loss waterfall (fund, then a new ADL request).
/// @dev Two exact markets A and B (no premium, fees or funding, τ 0, fill = fair = oracle), oracle 1,000 each, one tier
///      10x / mmr 5 %; provider 1,000,000 in the liquidity vault; the fund starts empty.
///      - Alice deposits 2,500 and buys 10 A and 10 B at 1,000 (IM 1,000 + 1,000 = 2,000 ≤ 2,500).
///      - Bob deposits 1,000 and sells 10 B at 1,000 (IM 1,000).
///      - Oracle A 600, B 1,250. Alice: equity 2,500 − 4,000 + 2,500 = 1,000 ≥ MM 5 % × (6,000 + 12,500) = 925.
///        She closes A: realised 10 × (600 − 1,000) = −4,000, collateral 2,500 − 4,000 = −1,500; she still holds B, so
///        the reduction rule values her: equity at fair −1,500 + 10 × 250 = 1,000 > 0: allowed (and ≥ MM 625).
///      - Bob: equity 1,000 − 2,500 = −1,500 ≤ 0, bankrupt; liquidated in full at 1,250: collateral −1,500, the fund
///        (empty) covers 0, shortfall 1,500 queued at the bankruptcy price 1,250 − 1,500 / 10 = 1,100, victims long.
///      - The fund is seeded with 200. ADL (after the 60 s window): Alice, the only long, closes at max(1,100,
///        break-even 1,000) = 1,100 against her exit 1,250: gap 150 per unit, size 1,500 / 150 = 10 (all of it),
///        covered 1,500 (Bob −1,500 → 0, request 0 resolves). Alice realises 10 × (1,100 − 1,000) = 1,000: collateral
///        −1,500 + 1,000 = −500, flat.
///      - Fix: the fund covers 200 (Alice −300), the remaining 300 is queued as request 1, bankruptcy price 1,100 +
///        500 / 10 = 1,150 (the whole loss over the size closed), victims short; totalShortfall 0 → 300.
///        Before: Alice flat at −500, totalShortfall 0, fund untouched at 200.
contract AdlVictimInDebtTest is ReviewFixture {
    MockOracleAdapter internal oracleA;
    MockOracleAdapter internal oracleB;
    uint256 internal mktA;
    uint256 internal mktB;

    function setUp() public override {
        super.setUp();
        oracleA = new MockOracleAdapter(1_000e18);
        oracleB = new MockOracleAdapter(1_000e18);
        mktA = engine.listMarket("A", uncappedExactParams(oracleA), oneTier(10_000_000e18, 10e18, 0.05e18));
        mktB = engine.listMarket("B", uncappedExactParams(oracleB), oneTier(10_000_000e18, 10e18, 0.05e18));
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(ALICE, 2_500e6);
        _fund(BOB, 1_000e6);
        assertEq(_trade(ALICE, mktA, 10e18), 1_000e18, "exact fill");
        assertEq(_trade(ALICE, mktB, 10e18), 1_000e18, "exact fill");
        assertEq(_trade(BOB, mktB, -10e18), 1_000e18, "exact fill");

        oracleA.setPrice(600e18);
        oracleB.setPrice(1_250e18);
        _close(ALICE, mktA);
        assertEq(vault.collateralOf(ALICE), -1_500e18, "2,500 - 4,000");
        assertEq(engine.accountMarginAtFair(ALICE).equity, 1_000e18, "-1,500 + 10 x 250");
        assertEq(engine.maintenanceMargin(ALICE), 375e18, "1,000 - 5 % x 12,500: healthy");

        vm.prank(KEEPER);
        liquidator.liquidate(BOB);
        assertEq(vault.collateralOf(BOB), -1_500e18, "1,000 - 10 x 250");
        assertEq(liquidator.totalShortfall(), 1_500e18, "nothing in the fund");
        (, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(id, 0, "first request");
        assertEq(uint256(r.bankruptcyPrice), 1_100e18, "1,250 - 1,500 / 10");
        assertTrue(r.victimsLong, "a short went bankrupt");

        liquidator.submitAdlCandidate(ALICE);
        vm.warp(T0 + 60);
    }

    /// @notice The step covers Bob in full; Alice, left flat at −500, goes through the waterfall: the fund pays 200,
    ///         300 is queued against her close (totalShortfall 0 → 300), and the vault's value excludes it.
    function test_adlStep_victimLeftInDebt_drawsFundAndQueuesShortfall() public {
        _seedFund(200e6);
        vm.expectEmit(address(liquidator));
        emit ILiquidationEngine.BadDebtCoveredByFund(ALICE, 200e18);
        vm.expectEmit(address(liquidator));
        emit ILiquidationEngine.ShortfallForAdl(ALICE, 300e18);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlRequested(1, ALICE, mktB, false, 1_150e18, 300e18);
        assertEq(liquidator.executeAdl(), 1_500e18, "10 x (1,250 - 1,100)");

        assertEq(engine.accountMarkets(ALICE).length, 0, "Alice is flat");
        assertEq(vault.collateralOf(BOB), 0, "-1,500 + 1,500");
        assertEq(vault.collateralOf(ALICE), -300e18, "-1,500 + 1,000 realised + 200 from the fund");
        assertEq(fund.totalBadDebtCovered(), 200e18, "the fund's whole balance");
        assertEq(fund.balance(), 0, "drawn");
        assertEq(liquidator.totalShortfall(), 300e18, "request 0 resolved (-1,500), Alice's debt queued (+300)");
        assertEq(lpVault.unresolvedShortfallUsd(), 300e18, "excluded from the vault's value");
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "Alice's request");
        assertEq(id, 1, "after Bob's");
        assertEq(r.account, ALICE, "bankrupt account");
        assertEq(uint256(r.remaining), 300e18, "500 - 200");
        assertEq(uint256(r.bankruptcyPrice), 1_150e18, "1,100 + 500 / 10");
        assertTrue(!r.victimsLong, "Alice was long: the shorts give");
    }

    /// @notice With an empty fund the whole 500 is queued (totalShortfall 0 → 500); every flat debt is recorded.
    function test_adlStep_victimLeftInDebt_emptyFund_queuesWholeDebt() public {
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlRequested(1, ALICE, mktB, false, 1_150e18, 500e18);
        assertEq(liquidator.executeAdl(), 1_500e18, "10 x (1,250 - 1,100)");
        assertEq(vault.collateralOf(ALICE), -500e18, "-1,500 + 1,000");
        assertEq(fund.totalBadDebtCovered(), 0, "nothing to draw");
        assertEq(liquidator.totalShortfall(), 500e18, "Alice's whole debt");
        assertEq(lpVault.unresolvedShortfallUsd(), 500e18, "excluded from the vault's value");
    }

    /// @notice The boundary: with 1 USDC unit less of debt than the ADL close realises, Alice ends flat at exactly 0
    ///         and nothing is settled (no fund draw, no request); the step alone resolves Bob's request.
    function test_adlStep_victimEndsAtZero_settlesNothing() public {
        // Alice repays 500: collateral −1,000; the close realises +1,000 → exactly 0.
        _fund(ALICE, 500e6);
        _seedFund(200e6);
        assertEq(liquidator.executeAdl(), 1_500e18, "10 x (1,250 - 1,100)");
        assertEq(vault.collateralOf(ALICE), 0, "-1,000 + 1,000");
        assertEq(fund.totalBadDebtCovered(), 0, "no draw");
        assertEq(liquidator.totalShortfall(), 0, "nothing queued");
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(!pending, "queue empty");
    }

    /// @notice One USDC unit more of debt than the close realises (collateral −1,000.000001 before the step): that
    ///         unit is queued.
    function test_adlStep_victimOneUnitInDebt_queuesOneUnit() public {
        _fund(ALICE, 499_999_999);
        assertEq(liquidator.executeAdl(), 1_500e18, "10 x (1,250 - 1,100)");
        assertEq(vault.collateralOf(ALICE), -1e12, "-1,000.000001 + 1,000");
        assertEq(liquidator.totalShortfall(), 1e12, "one USDC unit");
    }
}

/// @notice The same defect through a pnl-factor reduction (the other deleveraging close): its forced close pays the
///         trading fee at the live fill, so a victim whose collateral is already negative can end flat in debt.
/// @dev Markets A (exact) and B (exact but a 0.5 % maker fee), oracle 1,000 each, one tier 20x / mmr 2.5 %; provider
///      20,000 in the liquidity vault (each side's 10,000 is within the open-interest-to-cash limit); fund empty.
///      - Alice deposits 1,550 and buys 10 A and 10 B at 1,000 (taker fee 0; IM 20,000 / 20 = 1,000 ≤ 1,550).
///      - Oracle A 600, B 1,250. Alice closes A: realised −4,000, collateral −2,450; equity at fair −2,450 + 2,500 = 50
///        > 0: the reduction rule allows it. The vault's balance is 20,000 + 4,000 = 24,000, the total debt 2,450, so
///        cash 21,550; traders' profit against the vault 10 × (1,250 − 1,000) = 2,500 (market B).
///      - maxPnlFactor 10 %: limit floor(21,550 × 0.1) = 2,155 < 2,500: a reduction of B is queued, victims long.
///      - After 60 s the step closes Alice's 10 B at 1,250 (no premium: within the bound) with the maker fee
///        0.5 % × 12,500 = 62.5: collateral −2,450 + 2,500 − 62.5 = −12.5, flat. The caller earns 20 % × 62.5 =
///        12.5 USDC from the vault (the fund's fee share is 0).
///      - Fix: the fund (seeded with 5) covers 5; 7.5 is queued, bankruptcy price 1,250 + 12.5 / 10 = 1,251.25,
///        victims short; totalShortfall 0 → 7.5. Before: Alice flat at −12.5, totalShortfall 0.
contract PnlReductionVictimInDebtTest is ReviewFixture {
    MockOracleAdapter internal oracleA;
    MockOracleAdapter internal oracleB;
    uint256 internal mktA;
    uint256 internal mktB;

    function setUp() public override {
        super.setUp();
        oracleA = new MockOracleAdapter(1_000e18);
        oracleB = new MockOracleAdapter(1_000e18);
        mktA = engine.listMarket("A", uncappedExactParams(oracleA), oneTier(10_000_000e18, 20e18, 0.025e18));
        MarketParams memory p = uncappedExactParams(oracleB);
        p.makerFee = 0.005e18;
        mktB = engine.listMarket("B", p, oneTier(10_000_000e18, 20e18, 0.025e18));
        _lpDeposit(PROVIDER, 20_000e6);
        _fund(ALICE, 1_550e6);
        assertEq(_trade(ALICE, mktA, 10e18), 1_000e18, "exact fill");
        assertEq(_trade(ALICE, mktB, 10e18), 1_000e18, "exact fill");
        assertEq(vault.collateralOf(ALICE), 1_550e18, "taker fee 0");

        oracleA.setPrice(600e18);
        oracleB.setPrice(1_250e18);
        _close(ALICE, mktA);
        assertEq(vault.collateralOf(ALICE), -2_450e18, "1,550 - 4,000");
        assertEq(engine.accountMarginAtFair(ALICE).equity, 50e18, "-2,450 + 2,500");

        liquidator.setMaxPnlFactor(0.1e18);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 2_500e18, "10 x 250");
        assertEq(cash, 21_550e18, "24,000 - 2,450");
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(ALICE);
        vm.warp(T0 + 60);
    }

    function test_pnlReduction_victimLeftInDebt_drawsFundAndQueuesShortfall() public {
        usdc.mint(address(this), 5e6);
        usdc.approve(address(vault), 5e6);
        vault.depositFor(address(fund), 5e6);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlRequested(1, ALICE, mktB, false, 1_251.25e18, 7.5e18);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionExecuted(0, ALICE, -10e18, 1_250e18, 62.5e18, 12.5e18);
        vm.prank(KEEPER);
        liquidator.executeAdl();

        assertEq(engine.accountMarkets(ALICE).length, 0, "Alice is flat");
        assertEq(vault.collateralOf(ALICE), -7.5e18, "-2,450 + 2,500 - 62.5 + 5 from the fund");
        assertEq(fund.totalBadDebtCovered(), 5e18, "the fund's whole balance");
        assertEq(liquidator.totalShortfall(), 7.5e18, "12.5 - 5");
        assertEq(lpVault.unresolvedShortfallUsd(), 7.5e18, "excluded from the vault's value");
        assertEq(usdc.balanceOf(KEEPER), 12.5e6, "20 % x 62.5 (the insurance share is 0)");
    }
}
