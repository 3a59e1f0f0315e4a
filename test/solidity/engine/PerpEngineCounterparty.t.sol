// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice What the engine reports to the liquidity vault: its PnL and funding on the net skew, and the backing.
contract PerpEngineCounterpartyTest is EngineFixture {
    // Alice long 10 from skew 0 (K = 1M, oracle 2,000): G(10) = 10² / (2 × 1M) = 0.00005 (size units), so she fills
    // at 2,000 × (10 + 0.00005) / 10 = 2,000.01 and her cost basis is 20,000.1.
    // Oracle 2,100: the vault is valued at the exit of the traders' net position, not at the mark:
    //   netExitValueCeil = ceil(2,100 × (10 + G(10))) = 2,100 × 10.00005 = 21,000.105,
    //   counterparty PnL = 20,000.1 − 21,000.105 = −1,000.005,
    // exactly minus what alice's full close would realise now: quoteFillPrice(−10) = 2,100 × (10 + 0.00005) / 10 =
    // 2,100.0105, so 10 × 2,100.0105 − 20,000.1 = 1,000.005. Her PnL at the mark (2,100 × (1 + 10/1M) = 2,100.021)
    // is 1,000.11: the 0.105 between the two is her own close impact, 10 × 2,100 × (10/1M − 5/1M), which the vault
    // never counts.
    // One hour later: premium 1e-5, F = 1e-5 + clamp(1.25e-5 − 1e-5, ±6.25e-5) = 1.25e-5 per hour; the index rises
    // 1.25e-5 × 2,100 = 0.02625, so alice owes 10 × 0.02625 = 0.2625 to the vault.
    // Backing is at the oracle, not the mark: 10 × 2,100 × 100 % = 21,000 (× 50 % = 10,500).
    function test_counterpartyPnl_mirrorsTraders_plusUnsettledFunding() public {
        _trade(ALICE, eth, 10e18);
        assertEq(engine.position(ALICE, eth).openNotional, 20_000.1e18, "alice's cost basis");
        ethOracle.setPrice(2100e18);
        assertEq(_cpPnl(engine), -1000.005e18, "minus the trader's exit PnL");
        assertEq(engine.quoteFillPrice(eth, -10e18), 2100.0105e18, "alice's exit fill");
        assertEq(engine.unrealisedPnl(ALICE, eth), 1000.11e18, "trader's PnL at the mark, own impact included");
        vm.warp(T0 + 1 hours);
        assertEq(engine.accruedFunding(ALICE, eth), 0.2625e18, "alice's unsettled funding");
        assertEq(_cpPnl(engine), -1000.005e18 + 0.2625e18, "plus funding receivable");
        assertEq(_cpBacking(engine), 21_000e18, "|skew| x oracle x 100 %");
        engine.setBackingRatio(0.5e18);
        assertEq(_cpBacking(engine), 10_500e18, "x 50 %");
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
