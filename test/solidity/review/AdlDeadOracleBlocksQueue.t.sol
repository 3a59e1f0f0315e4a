// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (low–medium): while the oracle of the head request's market fails, nobody but the owner can move the
///         ADL queue: `rotateAdl` reverts as soon as the head has one candidate, so every later request (other
///         markets, coverable now) waits for the owner (finding 8's "anyone may rotate a stuck head" does not hold).
/// @dev What is wrong: `rotateAdl` calls `_coverable`, which ranks each candidate through `adlRank` →
///      `engine.unrealisedPnl(account, market)`, which reads the failing oracle and reverts; `executeAdl` reverts too.
///      A candidate is in the set as soon as anyone submitted one during the window (before the feed died), and a
///      holder of a position in that market can submit itself on purpose to keep the set non-empty.
///
///      Numbers (exact markets, 5x / mmr 5 %, empty fund, 1,000,000 in the vault). RWA at 150,000: Carol long 1 with
///      30,000 against Bob's short 1; RWA → 110,000: Carol's liquidation queues a 10,000 shortfall (request 0), Bob is
///      submitted. RWB at 100,000: Alice long 1 with 20,000 against Dave's short; RWB → 75,000: request 1 (5,000),
///      Dave could cover it at once. The RWA oracle then fails: 16 minutes later (past the stuck window) `rotateAdl`
///      and `executeAdl` both revert with the oracle's error, and request 1 stays behind until the owner writes request
///      0 off or replaces the oracle.
///
///      Fix: treat a candidate whose rank cannot be read as unable to cover (try/catch in `_coverable`, and in
///      `_highestCandidate` skip it), so rotation works whatever the head market's oracle does.
contract AdlDeadOracleBlocksQueueTest is ReviewFixture {
    address internal constant DAVE = address(0xDA7E);

    MockOracleAdapter internal rwaOracle;
    MockOracleAdapter internal rwbOracle;
    uint256 internal rwa;
    uint256 internal rwb;

    function setUp() public override {
        super.setUp();
        rwaOracle = new MockOracleAdapter(150_000e18);
        rwbOracle = new MockOracleAdapter(100_000e18);
        rwa = engine.listMarket("RWA", exactParams(rwaOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        rwb = engine.listMarket("RWB", exactParams(rwbOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(CAROL, 30_000e6);
        _fund(BOB, 50_000e6);
        _fund(ALICE, 20_000e6);
        _fund(DAVE, 50_000e6);
        _trade(CAROL, rwa, 1e18);
        _trade(BOB, rwa, -1e18);
        _trade(ALICE, rwb, 1e18);
        _trade(DAVE, rwb, -1e18);

        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL); // request 0: 10,000 in RWA
        liquidator.submitAdlCandidate(BOB);
        rwbOracle.setPrice(75_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(ALICE); // request 1: 5,000 in RWB
        assertEq(liquidator.totalShortfall(), 15_000e18, "10,000 + 5,000");
    }

    function test_deadHeadOracle_nobodyCanRotate() public {
        rwaOracle.setFailing(true);
        vm.warp(T0 + 60 + 900 + 1); // past the ranking and stuck windows
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        liquidator.rotateAdl();
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        liquidator.executeAdl();
        (, uint256 id, AdlRequest memory r,) = liquidator.pendingAdl();
        assertEq(id, 0, "request 0 still heads");
        assertEq(r.marketId, rwa, "in the dead market");
        assertEq(liquidator.totalShortfall(), 15_000e18, "request 1 (coverable by Dave now) waits");

        // Only the owner moves it on.
        liquidator.writeOffAdl();
        (, id,,) = liquidator.pendingAdl();
        assertEq(id, 1, "request 1 heads after the owner's write-off");
    }
}
