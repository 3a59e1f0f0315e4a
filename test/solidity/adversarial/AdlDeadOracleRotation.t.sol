// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, low–medium): while the oracle of the head request's market failed, nobody but the
///         owner could move the ADL queue: `rotateAdl` ranked the head's candidates through the failing oracle and
///         reverted, so every later request (other markets, coverable at once) waited for a write-off or an oracle
///         replacement. Now rotation judges each candidate through `previewAdlStep` in a try/catch: a candidate whose
///         market cannot be priced counts as unable to cover, the head rotates, and the next request is worked.
/// @dev Exact markets (5x / mmr 5 %), empty fund, 1,000,000 in the vault. RWA at 150,000: Carol long 1 with 30,000
///      against Bob's short 1; RWA → 110,000: Carol's liquidation queues 10,000 (request 0, bankruptcy price 120,000),
///      Bob is submitted. RWB at 100,000: Alice long 1 with 20,000 against Dave's short 1; RWB → 75,000: request 1,
///      5,000 (bankruptcy price 80,000). Then the RWA oracle fails.
///      Before (commit af467cf^, the red team's test): past the stuck window (T0 + 961) `rotateAdl` and `executeAdl`
///      reverted with the oracle's error; request 1 waited for the owner's write-off of request 0.
///      After: `rotateAdl` refuses at T0 + 959 (`AdlNotStuck(T0 + 960)`: max(openedAt + 60, lastProgressAt) + 900)
///      and rotates at T0 + 960 (request 0 → request 2, a fresh window); Dave, submitted for request 1, covers all
///      5,000 at once (closed at 80,000 instead of his exit 75,000: realised 20,000, collateral 70,000; Alice made
///      whole). Once the RWA oracle answers again, request 2 is worked too: Bob closes at 120,000 against his exit
///      110,000, covering 10,000 (realised 30,000); nothing is left.
contract AdlDeadOracleRotationTest is ReviewFixture {
    address internal constant DAVE = address(0xDA7E);

    MockOracleAdapter internal rwaOracle;
    MockOracleAdapter internal rwbOracle;
    uint256 internal rwa;
    uint256 internal rwb;

    function setUp() public override {
        super.setUp();
        rwaOracle = new MockOracleAdapter(150_000e18);
        rwbOracle = new MockOracleAdapter(100_000e18);
        rwa = engine.listMarket("RWA", uncappedExactParams(rwaOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        rwb = engine.listMarket("RWB", uncappedExactParams(rwbOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
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

    function test_deadHeadOracle_anyoneRotates_nextRequestWorked() public {
        rwaOracle.setFailing(true);
        vm.warp(T0 + 959);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, T0 + 960));
        liquidator.rotateAdl();
        vm.warp(T0 + 960);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        liquidator.executeAdl(); // the head itself cannot step while its market cannot be priced
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        liquidator.previewAdlStep(BOB);

        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlRotated(0, 2);
        vm.prank(DAVE); // anyone
        liquidator.rotateAdl();
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "request 1 heads");
        assertEq(id, 1, "request 1");
        assertEq(r.marketId, rwb, "in RWB");
        assertEq(r.remaining, 5_000e18, "alice's shortfall");

        liquidator.submitAdlCandidate(DAVE);
        (int256 delta, uint256 price, uint256 covered) = liquidator.previewAdlStep(DAVE);
        assertEq(delta, 1e18, "dave buys back 1");
        assertEq(price, 80_000e18, "at alice's bankruptcy price 75,000 + 5,000");
        assertEq(covered, 5_000e18, "80,000 - 75,000");
        assertEq(liquidator.executeAdl(), 5_000e18, "request 1 covered in full");
        assertEq(vault.collateralOf(ALICE), 0, "alice made whole");
        assertEq(vault.collateralOf(DAVE), 70_000e18, "50,000 + 100,000 - 80,000");
        assertEq(liquidator.totalShortfall(), 10_000e18, "only the rotated request is left");

        (pending, id, r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(id, 2, "the rotated request heads");
        assertEq(r.marketId, rwa, "RWA");
        assertEq(r.openedAt, T0 + 960, "a fresh window from its rotation");

        rwaOracle.setFailing(false);
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 1_020);
        assertEq(liquidator.executeAdl(), 10_000e18, "bob covers once RWA is priced again");
        assertEq(vault.collateralOf(BOB), 80_000e18, "50,000 + 150,000 - 120,000");
        assertEq(vault.collateralOf(CAROL), 0, "carol made whole");
        assertEq(liquidator.totalShortfall(), 0, "nothing left");
    }
}
