// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {RefPricing} from "./AdversarialFixture.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, low–medium): the top-ranked ADL victim could escape by sandwiching `executeAdl`
///         with a push of the skew (its own second account buys, executes, sells back): the step measured the victim's
///         gap against its exit at the live skew, covered 0, and DROPPED it from the candidate set, so the next call
///         deleveraged a lower-ranked account. Now a candidate whose cover is 0 stays in the set unless it would give
///         nothing at the fair-premium exit either (`quoteForcedClose`'s bound price), so a push no longer chooses the
///         victim.
/// @dev Oracle 1,000, skewScale 10,000, maxPremium 10 %, maxOI 1,000, 10x / mmr 5 %, no fees, funding 0 while
///      |premium| ≤ 1 %, τ 0; empty fund; provider 1,000,000. Carol long 20 at 1,001 with 2,020; Bob short 10 at
///      1,001.5 with 2,100; Dave short 10 at 1,000.5 with 5,000. Oracle 890: Carol's liquidation fills at 889.11 and
///      leaves 217.8 of shortfall, bankruptcy price 889.11 + 10.89 = 900. Bob ranks first; closing him at 900 instead
///      of his exit 890 × (1 + (−20 + 5) / 10,000) = 888.665 covers 10 × 11.335 = 113.35.
///      The push: Mallory buys 128 (skew −20 → 108: Bob's live exit 890 × (1 + 113 / 10,000) = 900.057 ≥ 900, gap 0),
///      calls `executeAdl`, sells 128 back (the round trip fills both ways at 893.916: no cost).
///      Before (commit af467cf^, the red team's test): the step covered 0 and dropped Bob; the keeper's next step
///      closed Dave at 900 (Dave realised 1,005 instead of 1,118.35, giving up the 113.35) and Bob kept his short.
///      After: the sandwiched step covers 0 and keeps Bob (his exit from the fair skew, about 890 × (1 + 4.83 /
///      10,000) = 890.43, is below 900: he still gives at fair); the keeper's step closes Bob at 900 (covered 113.35,
///      Bob's collateral 2,100 + 10,015 − 9,000 = 3,115) and Dave is untouched (short 10, 5,000) — exactly the state
///      without the push. 104.45 remains for the next step.
contract AdlVictimEscapeTest is ReviewFixture {
    address internal constant DAVE = address(0xDA7E);

    MockOracleAdapter internal oracle;
    uint256 internal mkt;

    function setUp() public override {
        super.setUp();
        oracle = new MockOracleAdapter(1_000e18);
        MarketParams memory p = uncappedExactParams(oracle);
        p.maxPremium = 0.1e18;
        p.skewScale = 10_000e18;
        p.maxOpenInterest = 1_000e18;
        p.maxSkew = 1_000e18;
        p.fundingClamp = 0.01e18; // rate = p + clamp(−p, ±1 %) = 0 while |p| ≤ 1 %
        mkt = engine.listMarket("MKT", p, oneTier(10_000_000e18, 10e18, 0.05e18));
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(CAROL, 2_020e6);
        _fund(BOB, 2_100e6);
        _fund(DAVE, 5_000e6);
        _fund(MALLORY, 30_000e6);
        assertEq(_trade(CAROL, mkt, 20e18), 1_001e18, "1,000 x (1 + 10 / 10,000)");
        assertEq(_trade(BOB, mkt, -10e18), 1_001.5e18, "average premium 15 / 10,000");
        assertEq(_trade(DAVE, mkt, -10e18), 1_000.5e18, "average premium 5 / 10,000");
        oracle.setPrice(890e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(vault.collateralOf(CAROL), 2_020e18 + 20 * 889.11e18 - 20_020e18, "-217.8");
        assertEq(liquidator.totalShortfall(), 217.8e18, "queued");
        liquidator.submitAdlCandidate(BOB);
        liquidator.submitAdlCandidate(DAVE);
        assertTrue(liquidator.adlRank(BOB, mkt) > liquidator.adlRank(DAVE, mkt), "bob ranks first");
        vm.warp(T0 + 60);
    }

    function test_pushAroundExecuteAdl_keepsTheTopVictim_daveNotHitInItsPlace() public {
        (int256 delta, uint256 price, uint256 covered) = liquidator.previewAdlStep(BOB);
        assertEq(delta, 10e18, "undisturbed: bob buys back all 10");
        assertEq(price, 900e18, "at the bankruptcy price");
        assertEq(covered, 113.35e18, "10 x (900 - 888.665)");

        assertEq(_trade(MALLORY, mkt, 128e18), 893.916e18, "push: 890 x (128 + (108^2 - 20^2) / 20,000) / 128");
        (delta,, covered) = liquidator.previewAdlStep(BOB);
        assertEq(covered, 0, "pushed: bob's live exit 900.057 is no better than 900");
        // The fair premium moved for 60 s at skew −20 (premium −0.2 %), capped at −0.1 % × 60 / 3,600.
        assertEq(engine.marketPrices(mkt).fairPremium, -16_666_666_666_666, "the drift cap");
        int256 fairSkew = -16_666_666_666_666 * 10_000; // P_f × K / 1e18, in 18-decimal units
        (,, uint256 exitAtFair) = engine.quoteForcedClose(BOB, mkt, 10e18);
        assertEq(exitAtFair, RefPricing.fill(890e18, fairSkew, 10e18, 10_000e18, 0.1e18), "exit from the fair skew");
        assertLt(exitAtFair, 890.44e18, "about 890 x (1 + 4.83 / 10,000), below 900: he still gives at fair");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlExecuted(0, BOB, 0, 900e18, 0);
        vm.prank(MALLORY);
        assertEq(liquidator.executeAdl(), 0, "nothing covered");
        assertEq(_trade(MALLORY, mkt, -128e18), 893.916e18, "the push undone at the same price");
        assertEq(vault.collateralOf(MALLORY), 30_000e18, "the push cost nothing");
        (,,, address[] memory candidates) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(candidates.length, 2, "nobody dropped");
        assertEq(candidates[0], BOB, "bob still a candidate");
        assertEq(candidates[1], DAVE, "dave");

        vm.prank(KEEPER);
        assertEq(liquidator.executeAdl(), 113.35e18, "bob covers, as without the push");
        assertEq(engine.position(BOB, mkt).size, 0, "bob closed at 900");
        assertEq(vault.collateralOf(BOB), 2_100e18 + 10_015e18 - 9_000e18, "bob realised 1,015");
        assertEq(engine.position(DAVE, mkt).size, -10e18, "dave untouched (before: closed in bob's place)");
        assertEq(vault.collateralOf(DAVE), 5_000e18, "dave's collateral");
        assertEq(liquidator.totalShortfall(), 104.45e18, "217.8 - 113.35 left for the next step");
    }

    /// @dev The other half of the rule: a candidate that would give nothing even at the fair-premium exit still leaves
    ///      the set. The oracle recovers to 905 (no push): Bob's live exit 905 × (1 − 15 / 10,000) = 903.6425 and his
    ///      exit from the fair skew (about 905 × (1 + 4.83 / 10,000) = 905.44) are both above the bankruptcy price 900,
    ///      though he is still in profit (short from 1,001.5): the step covers 0 and drops him; Dave likewise; the
    ///      request then has no candidate (`NoAdlCandidates`) until the rotation window.
    function test_candidateGivingNothingEvenAtFair_leavesTheSet() public {
        oracle.setPrice(905e18);
        assertTrue(liquidator.adlRank(BOB, mkt) > 0, "bob still in profit");
        (,, uint256 exitAtFair) = engine.quoteForcedClose(BOB, mkt, 10e18);
        assertEq(exitAtFair, RefPricing.fill(905e18, -16_666_666_666_666 * 10_000, 10e18, 10_000e18, 0.1e18), "fair");
        assertGe(exitAtFair, 900e18, "no better than the bankruptcy price");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlExecuted(0, BOB, 0, 900e18, 0);
        assertEq(liquidator.executeAdl(), 0, "bob gives nothing");
        (,,, address[] memory candidates) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(candidates.length, 1, "bob dropped");
        assertEq(candidates[0], DAVE, "dave left");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlExecuted(0, DAVE, 0, 900e18, 0);
        assertEq(liquidator.executeAdl(), 0, "dave gives nothing");
        (,,, candidates) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(candidates.length, 0, "dave dropped");
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, mkt).size, -10e18, "nobody closed");
        assertEq(liquidator.totalShortfall(), 217.8e18, "nothing covered");
    }

    /// @dev The same end state without any push: the reference the sandwiched sequence now matches.
    function test_reference_bobIsDeleveraged() public {
        assertEq(liquidator.executeAdl(), 113.35e18, "10 x (900 - 888.665)");
        assertEq(engine.position(BOB, mkt).size, 0, "bob closed at 900");
        assertEq(vault.collateralOf(BOB), 3_115e18, "2,100 + 10,015 - 9,000");
        assertEq(engine.position(DAVE, mkt).size, -10e18, "dave untouched");
        assertEq(liquidator.totalShortfall(), 104.45e18, "left");
    }
}
