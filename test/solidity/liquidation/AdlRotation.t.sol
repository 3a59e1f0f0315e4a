// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice One uncoverable ADL request no longer blocks ADL everywhere (finding 8): after
///         readyAt = max(openedAt + 60 s, lastProgressAt) + 15 min with no candidate able to cover, anyone may rotate
///         it to the back of the queue, and the next request (another market) gets worked.
/// @dev Two exact markets (fill = fair = oracle, no fees or funding), an empty fund.
///      RWA at 150,000: Carol, the only trader, long 1 with 30,000 (the liquidity vault is the only short). At 110,000
///      her equity is −10,000: request 0 (shorts as victims, bankruptcy price 120,000), which no trader can cover.
///      RWB at 100,000: Frank long 1 with 20,000, Bob short 0.2 (10,000 USDC). At 75,000 Frank's equity is −5,000:
///      request 1 at 75,000 + 5,000 = 80,000, opened 100 s later. Bob can cover 0.2 × (80,000 − 75,000) = 1,000.
contract AdlRotationTest is LiquidationFixture {
    address internal constant FRANK = address(0xF4A);
    uint256 internal constant WINDOW = 60;
    uint256 internal constant STUCK = 15 minutes;

    MockOracleAdapter internal rwbOracle;
    uint256 internal rwb;

    function setUp() public override {
        super.setUp();
        rwbOracle = new MockOracleAdapter(100_000e18);
        rwb = engine.listMarket("RWB", exactParams(rwbOracle), oneTier(5e18, 0.05e18));
        _openCarolLong();
        _fund(FRANK, 20_000e6);
        _trade(FRANK, rwb, 1e18);
        _trade(BOB, rwb, -0.2e18);

        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        vm.warp(T0 + 100);
        rwbOracle.setPrice(75_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(FRANK);
        assertEq(liquidator.totalShortfall(), 15_000e18, "10,000 + 5,000");
    }

    function test_requestWithoutPossibleVictims_staysPending() public {
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "pending");
        assertEq(id, 0, "carol's request heads the queue");
        assertEq(r.account, CAROL, "carol");
        assertTrue(!r.victimsLong, "shorts would be the victims: there are none");
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.NotAdlCandidate.selector, BOB, rwa));
        liquidator.submitAdlCandidate(BOB); // short in the other market only
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();
    }

    // readyAt = max(T0 + 60, T0) + 900 = T0 + 960: refused one second before, accepted at it. The rotated request is
    // re-queued as request 2 with a fresh window; request 1 (RWB) heads the queue and is worked: Bob's 0.2 closes at
    // 80,000, covering 0.2 × 5,000 = 1,000 and realising 0.2 × (100,000 − 80,000) = 4,000.
    function test_rotate_atReadyAt_thenTheNextMarketIsWorked() public {
        uint256 readyAt = T0 + WINDOW + STUCK;
        vm.warp(readyAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, readyAt));
        liquidator.rotateAdl();

        vm.warp(readyAt);
        vm.expectEmit(true, true, false, false);
        emit IAutoDeleveraging.AdlRotated(0, 2);
        liquidator.rotateAdl();
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "pending");
        assertEq(id, 1, "frank's request is next");
        assertEq(r.account, FRANK, "frank");
        assertEq(r.marketId, rwb, "the other market");
        assertEq(liquidator.totalShortfall(), 15_000e18, "rotation moves no money");

        liquidator.submitAdlCandidate(BOB);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlExecuted(1, BOB, 0.2e18, 80_000e18, 1_000e18);
        assertEq(liquidator.executeAdl(), 1_000e18, "covered");
        assertEq(engine.position(BOB, rwb).size, 0, "bob deleveraged");
        assertEq(vault.collateralOf(BOB), 14_000e18, "10,000 + 4,000");
        assertEq(vault.collateralOf(FRANK), -4_000e18, "-5,000 + 1,000");
        assertEq(liquidator.totalShortfall(), 14_000e18, "15,000 - 1,000");
    }

    // Request 1's window: max(T0 + 160, T0 + 100) + 900 = T0 + 1,060. With Bob able to cover, rotation is refused even
    // then. His step at T0 + 1,060 sets lastProgressAt, so the next readyAt is T0 + 1,960: refused at T0 + 1,959, and at
    // T0 + 1,960 (Bob closed, no candidate left) request 1 rotates to the back as request 3.
    function test_rotationRefusedWhileCoverable_progressMovesReadyAt() public {
        vm.warp(T0 + WINDOW + STUCK);
        liquidator.rotateAdl(); // request 0 to the back (request 2)
        liquidator.submitAdlCandidate(BOB);

        uint256 readyAt = T0 + 100 + WINDOW + STUCK;
        vm.warp(readyAt);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, readyAt));
        liquidator.rotateAdl();

        liquidator.executeAdl();
        (,, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(r.lastProgressAt, readyAt, "progress recorded");
        assertEq(r.openedAt, T0 + 100, "opened when frank was liquidated");
        assertEq(r.remaining, 4_000e18, "left");

        uint256 next = readyAt + STUCK;
        vm.warp(next - 1);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, next));
        liquidator.rotateAdl();
        vm.warp(next);
        vm.expectEmit(true, true, false, false);
        emit IAutoDeleveraging.AdlRotated(1, 3);
        liquidator.rotateAdl();

        (, uint256 id, AdlRequest memory head,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(id, 2, "carol's rotated request");
        assertEq(head.account, CAROL, "carol");
        assertEq(head.openedAt, T0 + WINDOW + STUCK, "fresh window from its rotation");
        assertEq(head.lastProgressAt, T0 + WINDOW + STUCK, "and no progress since");
        assertEq(head.remaining, 10_000e18, "unchanged");
    }
}
