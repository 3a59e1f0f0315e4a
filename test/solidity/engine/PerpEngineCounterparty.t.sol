// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
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

    // The per-market PnL (`counterpartyPnlOf`) and the cash the open interest requires (`requiredCash`), openInterest
    // CashRatio 30 %. ETH (K = 1M, 2,000): Alice long 10 at 2,000.01 (cost 20,000.1), Bob sells 4 from 10 at
    // 2,000 × (4 + (100 − 36) / 2M) / 4 = 2,000.016 (−8,000.064): sumOpenNotional 12,000.036, skew 6, largest side 10.
    // EX (exact, oracle 2,000 + 1 wei): Carol short 11 + 1 wei at the oracle: cost −⌊(11e18 + 1)(2,000e18 + 1) / 1e18⌋
    // = −(22,000e18 + 2,011); its side × oracle rounds up to 22,000e18 + 2,012.
    //   requiredCash = max over markets of ⌈⌈side × oracle⌉ / 30 %⌉: ETH ⌈20,000 / 0.3⌉ = 66,666.666666666666666667,
    //   EX ⌈(22,000e18 + 2,012) / 0.3⌉ = 73,333.33333333333334004: EX's.
    //   ETH → 2,300: ETH ⌈23,000 / 0.3⌉ = 76,666.666666666666666667 now decides; the vault's PnL in ETH is
    //   12,000.036 − 2,300 × (6 + 36 / 2M) = −1,800.0054, in EX 0 (its exit at the oracle equals its cost).
    //   EX's oracle fails: its side counts at the last price moved up by the band, ⌈(2,000e18 + 1) × 1.15⌉ =
    //   2,300e18 + 2: ⌈⌈(11e18 + 1)(2,300e18 + 2) / 1e18⌉ / 0.3⌉ = 84,333.333333333333341077 (fallbackUsed); the
    //   vault's PnL in EX at the price moved against it (down: it is long), ⌊(2,000e18 + 1) × 0.85⌋ = 1,700e18:
    //   −(22,000e18 + 2,011) + (18,700e18 + 1,700) = −3,300e18 − 311. The markets sum to `counterpartyPnl`.
    function test_counterpartyPnlOf_andRequiredCash_perMarket_roundedUp_fallback() public {
        engine.setOpenInterestCashRatio(0.3e18);
        MockOracleAdapter exOracle = new MockOracleAdapter(2_000e18 + 1);
        uint256 ex = engine.listMarket("EX", exactParams(exOracle), twoTiers());
        _fund(CAROL, 10_000e6);
        _trade(ALICE, eth, 10e18);
        _trade(BOB, eth, -4e18);
        _trade(CAROL, ex, -11e18 - 1);
        assertEq(engine.marketState(eth).sumOpenNotional, 12_000.036e18, "20,000.1 - 8,000.064");
        assertEq(engine.marketState(ex).sumOpenNotional, -22_000e18 - 2_011, "carol's cost");

        (uint256 cash, bool fallbackUsed) = engine.requiredCash();
        assertEq(cash, 73_333_333333333333340040, "EX's side decides");
        assertTrue(!fallbackUsed, "every oracle answers");

        ethOracle.setPrice(2_300e18);
        (cash,) = engine.requiredCash();
        assertEq(cash, 76_666_666666666666666667, "ETH's side at 2,300 decides");
        (int256 ethPnl, bool ethFallback) = engine.counterpartyPnlOf(eth);
        (int256 exPnl,) = engine.counterpartyPnlOf(ex);
        assertEq(ethPnl, -1_800.0054e18, "12,000.036 - 13,800.0414");
        assertTrue(!ethFallback, "ETH answers");
        assertEq(exPnl, 0, "EX at its cost");
        assertEq(_cpPnl(engine), ethPnl + exPnl, "the markets sum to counterpartyPnl");

        exOracle.setFailing(true);
        (cash, fallbackUsed) = engine.requiredCash();
        assertEq(cash, 84_333_333333333333341077, "EX's side at its worst case");
        assertTrue(fallbackUsed, "flagged");
        bool exFallback;
        (exPnl, exFallback) = engine.counterpartyPnlOf(ex);
        assertEq(exPnl, -3_300e18 - 311, "the vault's long at 1,700");
        assertTrue(exFallback, "flagged");
        (int256 total, bool anyFallback) = engine.counterpartyPnl();
        assertEq(total, ethPnl + exPnl, "still the sum");
        assertTrue(anyFallback, "flagged");

        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.UnknownMarket.selector, 2));
        engine.counterpartyPnlOf(2);
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
