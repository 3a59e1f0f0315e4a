// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (low–medium): the top-ranked ADL victim escapes by sandwiching `executeAdl` with a push of the skew
///         (its own second account buys, executes, sells back): the step closes nothing, DROPS it from the candidate
///         set, and the next call deleverages a lower-ranked account instead. `executeAdl` names no victim, but the
///         push chooses one.
/// @dev What is wrong: `_deleverageSize` measures the victim's gain from being closed at the bankruptcy price against
///      its exit fill at the LIVE skew (`quoteFillPrice`); when a push makes that exit no better than the bankruptcy
///      price, the gap is 0, nothing closes, and `executeAdl` removes the candidate ("can give nothing more at this
///      price"). The push is undone in the same transaction, so by path independence it costs only fees (2 × Δ ×
///      taker; 0 here): worth it whenever the victim's ADL loss exceeds that, i.e. roughly when its size is above
///      2 × takerFee × skewScale (1,000 ETH on the local ETH market) for gaps within the band.
///
///      Numbers (oracle 1,000, skewScale 10,000, maxPremium 10 %, maxOI 1,000, 10x / mmr 5 %, no fees or funding, τ 0;
///      empty fund). Carol long 20 at 1,001 with 2,020; Bob (the attacker) short 10 at 1,001.5 with 2,100, Dave short
///      10 at 1,000.5 with 5,000. Oracle 890 (−11 %, inside the 15 % oracle breaker): Carol's liquidation fills at
///      889.11 and leaves 217.8 of shortfall, bankruptcy price 889.11 + 10.89 = 900. Bob ranks first (higher leverage);
///      closing him at 900 instead of his exit 888.665 would cover 10 × 11.335 = 113.35 out of his profit.
///      Bob's second account buys 128 (skew −20 → 108: his exit becomes 890 × (1 + 113 / 10,000) = 900.057 ≥ 900),
///      calls `executeAdl` (covers 0, Bob dropped), sells the 128 back (round trip 0). The keeper's next `executeAdl`
///      closes Dave at 900 instead: Dave loses the 113.35, Bob keeps his whole profit.
///
///      Fix: measure the gap (and the cover) from an exit no one can move within the block (e.g. the fill from the fair
///      skew, as the forced-close bound does), and never drop a candidate that still holds a profitable position on
///      the victim side because of one zero-gap reading.
contract AdlVictimEscapeTest is ReviewFixture {
    address internal constant DAVE = address(0xDA7E);

    MockOracleAdapter internal oracle;
    uint256 internal mkt;

    function setUp() public override {
        super.setUp();
        oracle = new MockOracleAdapter(1_000e18);
        MarketParams memory p = exactParams(oracle);
        p.maxPremium = 0.1e18;
        p.skewScale = 10_000e18;
        p.maxOpenInterest = 1_000e18;
        p.maxSkew = 1_000e18;
        p.fundingClamp = 0.01e18; // rate = p + clamp(−p, ±1 %) = 0 while |p| ≤ 1 % (the skew only passes that within a block)
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

    function test_reference_bobIsDeleveraged() public {
        assertEq(liquidator.executeAdl(), 113.35e18, "10 x (900 - 888.665)");
        assertEq(engine.position(BOB, mkt).size, 0, "bob closed at 900");
        assertEq(vault.collateralOf(BOB), 2_100e18 + 10_015e18 - 9_000e18, "realised 1,015");
    }

    function test_pushDropsTheTopVictim_lowerRankPaysInstead() public {
        _trade(MALLORY, mkt, 128e18);
        vm.prank(MALLORY);
        assertEq(liquidator.executeAdl(), 0, "nothing covered");
        _trade(MALLORY, mkt, -128e18);
        assertLe(30_000e18 - uint256(vault.collateralOf(MALLORY)), 1e6, "the push cost at most rounding");
        (,,, address[] memory candidates) = liquidator.pendingAdl();
        assertEq(candidates.length, 1, "bob dropped");
        assertEq(candidates[0], DAVE, "dave left");

        vm.prank(KEEPER);
        assertEq(liquidator.executeAdl(), 113.35e18, "dave covers instead: 10 x (900 - 888.665)");
        assertEq(engine.position(DAVE, mkt).size, 0, "dave closed at 900");
        assertEq(vault.collateralOf(DAVE), 5_000e18 + 10_005e18 - 9_000e18, "dave realised 1,005, not 1,118.35");
        assertEq(engine.position(BOB, mkt).size, -10e18, "bob untouched, profit intact");
    }
}
