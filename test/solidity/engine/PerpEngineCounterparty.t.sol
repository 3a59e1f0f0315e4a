// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice What the engine reports to the liquidity vault: its PnL and funding on the net skew, and the backing.
contract PerpEngineCounterpartyTest is EngineFixture {
    // Alice long 10 at 2000.01 (cost 20,000.1); oracle 2,100 → mark 2100.021:
    // counterparty PnL = 20,000.1 − 10 × 2100.021 = −1,000.11 (the mirror of alice's 1,000.11).
    // One hour later at F = 1.25e13 and oracle 2,100 the index rises 0.02625: alice owes 0.2625 to it.
    function test_counterpartyPnl_mirrorsTraders_plusUnsettledFunding() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2100e18);
        assertEq(_cpPnl(engine), -1000.11e18, "mirror of the trader's PnL");
        assertEq(engine.unrealisedPnl(ALICE, eth), 1000.11e18, "trader's PnL");
        vm.warp(T0 + 1 hours);
        assertEq(_cpPnl(engine), -1000.11e18 + 0.2625e18, "plus funding receivable");
        assertEq(_cpBacking(engine), 21000.21e18, "|skew| x mark x 100 %");
        engine.setBackingRatio(0.5e18);
        assertEq(_cpBacking(engine), 10500.105e18, "x 50 %");
    }

    // Once every trader has settled, the receivable is gone and the cash moved: counterparty collateral rose by
    // exactly what the traders paid in funding and fees and lost in PnL.
    function test_settlement_movesExactlyWhatWasOwed() public {
        _trade(ALICE, eth, 10e18);
        _trade(BOB, eth, -4e18);
        vm.warp(T0 + 8 hours);
        int256 owedAlice = engine.accruedFunding(ALICE, eth);
        int256 owedBob = engine.accruedFunding(BOB, eth);
        int256 lpBefore = vault.collateralOf(LP);
        int256 aliceBefore = vault.collateralOf(ALICE);
        int256 bobBefore = vault.collateralOf(BOB);
        vm.prank(ALICE);
        engine.closePosition(ALICE, eth, 0);
        vm.prank(BOB);
        engine.closePosition(BOB, eth, type(uint256).max);
        int256 lpGain = vault.collateralOf(LP) - lpBefore;
        int256 tradersLoss = (aliceBefore - vault.collateralOf(ALICE)) + (bobBefore - vault.collateralOf(BOB));
        assertEq(lpGain, tradersLoss, "zero-sum ledger");
        assertTrue(owedAlice > 0 && owedBob < 0, "longs pay shorts (positive premium)");
        assertEq(_cpPnl(engine), 0, "nothing open, nothing owed");
        assertEq(engine.marketState(eth).sumFundingBasis, 0, "aggregate funding basis cleared");
    }
}
