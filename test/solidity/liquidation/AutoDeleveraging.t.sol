// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice ADL (SPEC §6 layer 3) with numbers worked by hand. RWA market: fill = mark = fair = oracle, no fees, no
///         funding. Carol long 1 at 150,000 with 30,000; Bob short 1 with 50,000; Dave short 0.5 with 15,000; the fund
///         holds 1,000. At 110,000 Carol's equity is −10,000: the fund pays the 110 keeper reward and 890 of the debt,
///         leaving 9,110 for ADL at the bankruptcy price 110,000 + 10,000 / 1 = 120,000.
contract AutoDeleveragingTest is LiquidationFixture {
    address internal constant DAVE = address(0xDA7E);

    function setUp() public override {
        super.setUp();
        _seedFund(1_000e6);
        _openCarolLong();
        _fund(BOB, 40_000e6); // 50,000 with the fixture's 10,000
        _trade(BOB, rwa, -1e18);
        _fund(DAVE, 15_000e6);
        _trade(DAVE, rwa, -0.5e18);
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
    }

    function test_shortfallQueued_atBankruptcyPrice() public view {
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "pending");
        assertEq(id, 0, "first request");
        assertEq(r.account, CAROL, "bankrupt account");
        assertEq(r.marketId, rwa, "market");
        assertTrue(!r.victimsLong, "shorts are deleveraged");
        assertEq(r.bankruptcyPrice, 120_000e18, "110,000 + 10,000 / 1");
        assertEq(r.remaining, 9_110e18, "10,000 - 890");
        assertEq(liquidator.totalShortfall(), 9_110e18, "total");
        assertEq(vault.collateralOf(CAROL), -9_110e18, "carol's negative collateral");
    }

    // Ranks at mark 110,000 (PnL % × notional / equity):
    //   Bob:  40,000/150,000 × 110,000/90,000 = 0.325925925925925925…
    //   Dave: 20,000/75,000 × 55,000/35,000   = 0.419047619047619047…
    function test_ranks() public view {
        assertEq(liquidator.adlRank(BOB, rwa), 325925925925925925, "bob");
        assertEq(liquidator.adlRank(DAVE, rwa), 419047619047619046, "dave");
        assertEq(liquidator.adlRank(CAROL, rwa), 0, "flat");
    }

    // Whatever order candidates arrive in, execution takes the highest rank first (the caller names no victim),
    // closes at the bankruptcy price, and stops when the shortfall is covered.
    function test_highestRankFirst_exactAmounts_stopsWhenCovered() public {
        liquidator.submitAdlCandidate(BOB); // lower rank first
        liquidator.submitAdlCandidate(DAVE);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();
        vm.warp(T0 + 60);

        // Step 1, Dave: gap 120,000 − 110,000 = 10,000 per unit; all 0.5 closes → covers 5,000; his realised PnL is
        // 0.5 × (150,000 − 120,000) = 15,000 (≥ 0: profit reduced, never a loss).
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlExecuted(0, DAVE, 0.5e18, 120_000e18, 5_000e18);
        uint256 covered = liquidator.executeAdl();
        assertEq(covered, 5_000e18, "dave covers 5,000");
        assertEq(engine.position(DAVE, rwa).size, 0, "dave closed");
        assertEq(vault.collateralOf(DAVE), 30_000e18, "15,000 + 15,000");
        assertEq(vault.collateralOf(CAROL), -4_110e18, "-9,110 + 5,000");

        // Step 2, Bob: 4,110 / 10,000 = 0.411 unit at 120,000; realised 0.411 × 30,000 = 12,330.
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlExecuted(0, BOB, 0.411e18, 120_000e18, 4_110e18);
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, rwa).size, -0.589e18, "bob keeps the rest");
        assertEq(vault.collateralOf(BOB), 62_330e18, "50,000 + 12,330");
        assertEq(vault.collateralOf(CAROL), 0, "made whole");
        assertEq(liquidator.totalShortfall(), 0, "covered");

        vm.expectRevert(IAutoDeleveraging.NoAdlPending.selector);
        liquidator.executeAdl();
    }

    // Carol repays her whole debt herself (a 9,110 USDC deposit): the request needs no victim. executeAdl resolves it
    // with nothing covered, and the total shortfall (which the liquidity vault's value excludes) drops to 0.
    function test_debtRepaidByDeposit_resolvesWithoutVictim() public {
        liquidator.submitAdlCandidate(DAVE);
        _fund(CAROL, 9_110e6);
        assertEq(vault.collateralOf(CAROL), 0, "debt repaid");
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlShortfallRepaid(0, CAROL, 9_110e18);
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        assertEq(liquidator.executeAdl(), 0, "nothing covered by a victim");
        assertEq(liquidator.totalShortfall(), 0, "shortfall gone");
        assertEq(engine.position(DAVE, rwa).size, -0.5e18, "dave untouched");
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(!pending, "resolved");
    }

    // Carol repays 5,000 of 9,110: the request shrinks to 4,110 and ADL takes only that from Dave:
    // 4,110 / 10,000 = 0.411 unit at 120,000, realising 0.411 × 30,000 = 12,330.
    function test_partialRepayment_shrinksTheRequest() public {
        liquidator.submitAdlCandidate(DAVE);
        _fund(CAROL, 5_000e6);
        vm.warp(T0 + 60);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlShortfallRepaid(0, CAROL, 5_000e18);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlExecuted(0, DAVE, 0.411e18, 120_000e18, 4_110e18);
        assertEq(liquidator.executeAdl(), 4_110e18, "covers what is left");
        assertEq(engine.position(DAVE, rwa).size, -0.089e18, "dave keeps the rest");
        assertEq(vault.collateralOf(DAVE), 27_330e18, "15,000 + 12,330");
        assertEq(vault.collateralOf(CAROL), 0, "made whole");
        assertEq(liquidator.totalShortfall(), 0, "covered");
    }

    // The ledger stays exactly backed through liquidation and ADL.
    function test_ledgerBacked() public {
        liquidator.submitAdlCandidate(DAVE);
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
        liquidator.executeAdl();
        liquidator.executeAdl();
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens back the ledger");
    }

    // A victim whose break-even is below the bankruptcy price is closed at break-even: profit becomes zero, not a
    // loss. Eve shorts 1 at 115,000 (after Carol's liquidation the price is 110,000, so she is up 5,000 at mark).
    function test_neverTurnsProfitIntoLoss() public {
        address eve = address(0xE7E);
        rwaOracle.setPrice(115_000e18);
        engine.resetCircuitBreaker(rwa); // the fall from 150,000 tripped it; the admin re-anchors
        _fund(eve, 30_000e6);
        _trade(eve, rwa, -1e18);
        rwaOracle.setPrice(110_000e18);
        liquidator.submitAdlCandidate(eve);
        vm.warp(T0 + 60);
        // Eve's rank: 5,000/115,000 × 110,000/35,000 = 0.1366…, below Bob and Dave, but she is the only candidate.
        liquidator.executeAdl();
        assertEq(engine.position(eve, rwa).size, 0, "closed: 9,110 / 5,000 per unit exceeds her size");
        assertEq(vault.collateralOf(eve), 30_000e18, "realised exactly 0 at her break-even 115,000");
        assertEq(vault.collateralOf(CAROL), -4_110e18, "she covered 5,000");
    }

    // Carol is flat with −9,110 waiting for ADL: there is nothing to close, and liquidating her again would pay the
    // debt twice, so the preview says no and `liquidate` refuses.
    function test_flatBankruptAccount_notLiquidatableAgain() public {
        assertTrue(!ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL).liquidatable, "preview: no");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NothingToLiquidate.selector, CAROL));
        liquidator.liquidate(CAROL);
    }

    function test_submit_errors() public {
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.NotAdlCandidate.selector, ALICE, rwa));
        liquidator.submitAdlCandidate(ALICE); // no position
        liquidator.submitAdlCandidate(BOB);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AlreadyAdlCandidate.selector, BOB));
        liquidator.submitAdlCandidate(BOB);
    }

    function test_executeWithoutCandidates_reverts() public {
        vm.warp(T0 + 60);
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();
    }
}
