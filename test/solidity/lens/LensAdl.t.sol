// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice `PerpLens.getAdl().executable` tells the truth (finding 8, second half): each case is checked against what
///         `executeAdl` then does, and `rotatableAt` against what `rotateAdl` does one second before and at it.
/// @dev RWA market (exact, 150,000), empty fund. Carol long 1 with 30,000; Bob short 0.5 with 20,000. At 110,000
///      Carol's liquidation leaves −10,000: request 0 at T0, shorts as victims, bankruptcy price 120,000. Bob can cover
///      0.5 × (120,000 − 110,000) = 5,000.
contract LensAdlShortfallTest is LiquidationFixture {
    PerpLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = new PerpLens(engine);
        _openCarolLong();
        _fund(BOB, 10_000e6);
        _trade(BOB, rwa, -0.5e18);
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
    }

    function test_inWindow_noRepayment_notExecutable() public {
        liquidator.submitAdlCandidate(BOB);
        PerpLens.AdlView memory v = lens.getAdl();
        assertTrue(v.pending, "pending");
        assertEq(v.executableAt, T0 + 60, "openedAt + window");
        assertEq(v.totalShortfall, 10_000e18, "shortfall");
        assertTrue(v.candidateRanks[0] != 0, "bob ranked");
        assertTrue(!v.executable, "window open");
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();

        // A partial repayment does not change that.
        _fund(CAROL, 5_000e6);
        assertTrue(!lens.getAdl().executable, "partly repaid, window open");
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();
    }

    // Carol repays all 10,000 within the window: executeAdl resolves at once, and the lens says so.
    function test_fullyRepaidInWindow_executable() public {
        vm.warp(T0 + 10);
        _fund(CAROL, 10_000e6);
        assertTrue(lens.getAdl().executable, "a repaid shortfall resolves at once");
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        assertEq(liquidator.executeAdl(), 0, "no victim needed");
        PerpLens.AdlView memory v = lens.getAdl();
        assertTrue(!v.pending, "resolved");
        assertTrue(!v.executable, "nothing to execute");
    }

    function test_afterWindow_rankedCandidate_executable() public {
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
        PerpLens.AdlView memory v = lens.getAdl();
        assertEq(v.candidates[0], BOB, "bob");
        assertEq(v.candidateRanks[0], liquidator.adlRank(BOB, rwa), "rank as the engine computes it");
        assertTrue(v.executable, "window over, a ranked candidate");
        assertEq(liquidator.executeAdl(), 5_000e18, "0.5 x (120,000 - 110,000)");
    }

    function test_afterWindow_noCandidate_notExecutable() public {
        vm.warp(T0 + 60);
        assertTrue(!lens.getAdl().executable, "no candidate");
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();
    }

    // Bob is a candidate but closes his short himself: his rank is 0, so nothing can execute.
    function test_afterWindow_candidateNoLongerRanked_notExecutable() public {
        liquidator.submitAdlCandidate(BOB);
        vm.prank(BOB);
        engine.closePosition(BOB, rwa, type(uint256).max);
        vm.warp(T0 + 60);
        PerpLens.AdlView memory v = lens.getAdl();
        assertEq(v.candidates.length, 1, "still in the set");
        assertEq(v.candidateRanks[0], 0, "but unranked");
        assertTrue(!v.executable, "no ranked candidate");
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();
    }

    // rotatableAt = max(openedAt + 60, lastProgressAt) + 15 min: T0 + 960 at first; Bob's step at T0 + 200 (covering
    // 5,000 of 10,000) moves it to T0 + 1,100. rotateAdl refuses at T0 + 1,099 with that readyAt and works at
    // T0 + 1,100 (Bob closed, no candidate can cover).
    function test_rotatableAt_matchesRotateAdl() public {
        assertEq(lens.getAdl().rotatableAt, T0 + 960, "max(T0 + 60, T0) + 900");
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 200);
        liquidator.executeAdl();
        PerpLens.AdlView memory v = lens.getAdl();
        assertEq(v.request.lastProgressAt, T0 + 200, "progress");
        assertEq(v.rotatableAt, T0 + 1_100, "max(T0 + 60, T0 + 200) + 900");

        vm.warp(T0 + 1_099);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, T0 + 1_100));
        liquidator.rotateAdl();
        vm.warp(T0 + 1_100);
        vm.expectEmit(true, true, false, false);
        emit IAutoDeleveraging.AdlRotated(0, 1);
        liquidator.rotateAdl();
        v = lens.getAdl();
        assertEq(v.requestId, 1, "the rotated request");
        assertEq(v.rotatableAt, T0 + 1_100 + 60 + 900, "a fresh window from its rotation");
    }
}

/// @notice The lens on a pnl-factor reduction: executable in the window never; after it always, as `executeAdl` then
///         resolves it (the factor back within the limit, or no candidate ranked) or reduces the top-ranked candidate.
/// @dev The fixture's liquidity vault is a plain account with 1,000,000 of cash; maxPnlFactor 0.1: limit 100,000.
///      Carol long 1 at 150,000 (RWA, exact): at 300,000 her profit is 150,000 > 100,000; at 250,000 it equals the
///      limit (within), at 250,000 + 1 wei it is one wei beyond.
contract LensAdlPnlReductionTest is LiquidationFixture {
    PerpLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = new PerpLens(engine);
        liquidator.setMaxPnlFactor(0.1e18);
        _openCarolLong();
        rwaOracle.setPrice(300_000e18);
        liquidator.requestPnlReduction();
    }

    function test_pnlReduction_executableExactlyWhenExecuteAdlWorks() public {
        PerpLens.AdlView memory v = lens.getAdl();
        assertEq(v.traderProfit, 150_000e18, "300,000 - 150,000");
        assertEq(v.vaultCash, 1_000_000e18, "the LP account's cash");
        assertEq(v.maxPnlFactor, 0.1e18, "limit factor");
        assertTrue(!v.executable, "window open");
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();

        vm.warp(T0 + 59);
        assertTrue(!lens.getAdl().executable, "one second before the window ends");
        vm.warp(T0 + 60);
        uint256 snap = vm.snapshotState();
        rwaOracle.setPrice(250_000e18 + 1);
        v = lens.getAdl();
        assertEq(v.traderProfit, 100_000e18 + 1, "one wei beyond the limit");
        assertTrue(v.executable, "no candidate: resolves");
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, rwa).size, 1e18, "no victim");
        vm.revertToState(snap);

        rwaOracle.setPrice(250_000e18);
        v = lens.getAdl();
        assertEq(v.traderProfit, 100_000e18, "at the limit");
        assertTrue(v.executable, "within the limit: resolves");
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, rwa).size, 1e18, "no victim");
    }

    function test_pnlReduction_rankedCandidate_executable() public {
        liquidator.submitAdlCandidate(CAROL);
        vm.warp(T0 + 60);
        assertTrue(lens.getAdl().executable, "beyond the limit, a ranked candidate");
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, rwa).size, 0, "reduced");
    }
}
