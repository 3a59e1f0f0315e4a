// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams, MarketPrices} from "../../../contracts/interfaces/PerpTypes.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Funding (SPEC §4) and the fair price (SPEC §3), numbers worked by hand.
/// Defaults: interest 0.00125 %/h (1.25e13), clamp 0.00625 %/h (6.25e13), cap 4 %/h; oracle 2,000.
contract PerpEngineFundingTest is EngineFixture {
    // Long 10 → premium 1e-5 = 1e13. F = 1e13 + clamp(1.25e13 − 1e13, ±6.25e13) = 1.25e13 (clamp inactive).
    // Index per hour = 1.25e13 × 2000 = 2.5e16 USD per unit; the long owes 10 × 0.025 = 0.25 USD per hour.
    function test_funding_smallPremium_rateEqualsInterest_1h_8h_7d() public {
        _trade(ALICE, eth, 10e18);
        assertEq(engine.marketPrices(eth).currentFundingRate, 1.25e13, "F");
        assertEq(engine.marketPrices(eth).annualisedFundingRate, 1.25e13 * 8760, "annualised");
        vm.warp(T0 + 1 hours);
        assertEq(engine.accruedFunding(ALICE, eth), 0.25e18, "1 h");
        vm.warp(T0 + 8 hours);
        assertEq(engine.accruedFunding(ALICE, eth), 2e18, "8 h");
        vm.warp(T0 + 7 days);
        assertEq(engine.accruedFunding(ALICE, eth), 42e18, "7 days = 168 h");
    }

    // Long 100 → premium 1e14. F = 1e14 + clamp(1.25e13 − 1e14 = −8.75e13 → −6.25e13) = 3.75e13 (clamp active).
    // The long pays 100 × 3.75e13 × 2000 = 7.5 USD per hour.
    function test_funding_positivePremium_longsPay_1h_8h_7d() public {
        _fund(ALICE, 10_000e6);
        _trade(ALICE, eth, 100e18);
        assertEq(engine.marketPrices(eth).currentFundingRate, 3.75e13, "F");
        vm.warp(T0 + 1 hours);
        assertEq(engine.accruedFunding(ALICE, eth), 7.5e18, "1 h");
        vm.warp(T0 + 8 hours);
        assertEq(engine.accruedFunding(ALICE, eth), 60e18, "8 h");
        vm.warp(T0 + 7 days);
        assertEq(engine.accruedFunding(ALICE, eth), 1260e18, "7 days");
    }

    // Short 100 → premium −1e14. F = −1e14 + clamp(1.25e13 + 1e14 = 1.125e14 → 6.25e13) = −3.75e13:
    // shorts pay. Index falls 0.075 per hour; the short owes −100 × −0.075 = 7.5 USD per hour.
    function test_funding_negativePremium_shortsPay_1h_8h_7d() public {
        _fund(BOB, 10_000e6);
        _trade(BOB, eth, -100e18);
        assertEq(engine.marketPrices(eth).currentFundingRate, -3.75e13, "F");
        vm.warp(T0 + 1 hours);
        assertEq(engine.accruedFunding(BOB, eth), 7.5e18, "1 h");
        vm.warp(T0 + 8 hours);
        assertEq(engine.accruedFunding(BOB, eth), 60e18, "8 h");
        vm.warp(T0 + 7 days);
        assertEq(engine.accruedFunding(BOB, eth), 1260e18, "7 days");
    }

    // A short receives when longs pay: alice long 100, bob short 10 → skew 90, premium 9e-5,
    // F = 9e-5 − 6.25e-5 = 2.75e13; per hour index +0.055; bob receives 10 × 0.055 = 0.55.
    function test_funding_receiverGetsPaid_andSettlesOnTrade() public {
        _fund(ALICE, 10_000e6);
        _trade(ALICE, eth, 100e18);
        _trade(BOB, eth, -10e18);
        vm.warp(T0 + 1 hours);
        assertEq(engine.accruedFunding(BOB, eth), -0.55e18, "bob receives");
        assertEq(engine.accruedFunding(ALICE, eth), 5.5e18, "alice pays 100 x 0.055");
        int256 before = vault.collateralOf(BOB);
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.FundingSettled(BOB, eth, -0.55e18);
        vm.prank(BOB);
        engine.closePosition(BOB, eth, type(uint256).max);
        // Open: sell 10 at skew 100 → 90, fill = 2000 × (1 + 9.5e-5) = 2000.19. Close: buy 10 at skew 90 → 100,
        // the same fill, so the realised PnL is 0.
        // Close fee: taker (increases |skew|) 20,001.9 × 5 bp = 10.00095.
        assertEq(vault.collateralOf(BOB), before + 0.55e18 - 10.00095e18, "funding received, fee paid");
        assertEq(engine.accruedFunding(BOB, eth), 0, "nothing left to settle");
    }

    // Max-rate cap: skewScale 1,000 → long 50 gives premium 0.05; F = 0.05 − 6.25e-5 = 0.0499375 → capped 0.04.
    function test_funding_maxRateCap() public {
        MarketParams memory p = ethParams(ethOracle);
        p.skewScale = 1_000e18;
        // Largest close impact 50 / (2 × 1,000) = 2.5 %, within the 2.5 % maintenance margin of the first tier.
        p.maxSkew = 50e18;
        p.maxOpenInterest = 50e18;
        uint256 thin = engine.listMarket("THIN", p, twoTiers());
        _trade(ALICE, thin, 50e18);
        assertEq(engine.marketPrices(thin).premium, 0.05e18, "premium");
        assertEq(engine.marketPrices(thin).currentFundingRate, 0.04e18, "capped at 4 %/h");
        vm.warp(T0 + 1 hours);
        // 50 × 0.04 × 2000 = 4,000 USD per hour
        assertEq(engine.accruedFunding(ALICE, thin), 4000e18, "1 h at the cap");
        engine.accrue(thin);
        assertEq(engine.marketPrices(thin).lastFundingRate, 0.04e18, "last rate applied");
    }

    // Conservation: Σ traders' owed (each rounded toward +∞) − skew × Δindex ∈ [0, n) wei: the residue is
    // never negative (the protocol never pays out more than it collects) and below one wei per position.
    function testFuzz_funding_conservation(uint256 a, uint256 b, uint256 c, uint256 dt, uint256 price) public {
        a = bound(a, 0.11e18, 40e18);
        b = bound(b, 0.11e18, 40e18);
        c = bound(c, 0.11e18, 40e18);
        dt = bound(dt, 1, 30 days);
        price = bound(price, 1500e18, 2500e18);
        _fund(CAROL, 10_000e6);
        _trade(ALICE, eth, int256(a));
        _trade(BOB, eth, -int256(b));
        _trade(CAROL, eth, int256(c));
        int256 indexBefore = engine.marketState(eth).fundingIndex;
        vm.warp(T0 + dt);
        ethOracle.setPrice(price);
        engine.accrue(eth);
        int256 deltaIndex = engine.marketState(eth).fundingIndex - indexBefore;
        int256 owed = engine.accruedFunding(ALICE, eth) + engine.accruedFunding(BOB, eth)
            + engine.accruedFunding(CAROL, eth);
        int256 skew = engine.marketState(eth).skew;
        int256 residueTimesWad = owed * 1e18 - skew * deltaIndex;
        assertGe(residueTimesWad, int256(0), "residue >= 0");
        assertTrue(residueTimesWad < 3e18, "residue < 1 wei per position");
    }

    // ------------------------------------------------------------------ fair price (tau = 300 s)

    // fair = oracle × (1 + fair premium P_f); P_f starts at 0 and moves toward the skew premium p by the EMA step
    // (p − P_f) × (1 − W), W = premiumWeightDown(t, τ) = (v²)² with v = w(t, 4τ) (each square floored), capped at
    // 0.1 %/h × t. Alice long 10 at T0 holds p = 1e-5 = 1e13; the oracle then jumps to 2,100: fair follows at once
    // (no lag on the oracle), P_f is still 0 after 0 s.
    // After τ (300 s): x/4 = 0.25e18, x2 = 0.0625e18; denominator 1e18 + 0.25e18 + 0.03125e18 + 2604166666666666
    //   = 1283854166666666666, v = 778904665314401623, v² = 606692477648540006, W = 368075762435324214;
    //   step = trunc(1e13 × 631924237564675786 / 1e18) = 6319242375646 (cap 1e15 × 300 / 3600 = 8.33e13 not binding)
    //   → fair = 2,100e18 × (1e18 + 6319242375646) / 1e18 = 2,100e18 + 2,100 × 6319242375646 = 2,100e18 +
    //   13270408988856600.
    // After 10 τ: x/4 = 2.5e18, x2 = 6.25e18; denominator 1e18 + 2.5e18 + 3.125e18 + 2604166666666666666
    //   = 9229166666666666666, v = 108352144469525959, v² = 11740187211145024, W = 137831995752733;
    //   step = trunc(1e13 × 999862168004247267 / 1e18) = 9998621680042 (cap 1e15 × 3000 / 3600 not binding)
    //   → fair = 2,100e18 + 2,100 × 9998621680042 = 2,100e18 + 20997105528088200.
    function test_fairPrice_after0_tau_10tau() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2100e18);
        MarketPrices memory m = engine.marketPrices(eth);
        assertEq(m.markPrice, 2100.021e18, "mark = 2,100 x (1 + 1e-5)");
        assertEq(m.fairPremium, 0, "fair premium after 0 s");
        assertEq(m.fairPrice, 2100e18, "fair follows the oracle at once");
        vm.warp(T0 + 300);
        assertEq(engine.marketPrices(eth).fairPremium, 6319242375646, "fair premium after tau");
        assertEq(engine.marketPrices(eth).fairPrice, 2100e18 + 13270408988856600, "after tau");
        vm.warp(T0 + 3000);
        assertEq(engine.marketPrices(eth).fairPremium, 9998621680042, "fair premium after 10 tau");
        assertEq(engine.marketPrices(eth).fairPrice, 2100e18 + 20997105528088200, "after 10 tau");
    }

    // A large push held for τ: long 1,000 → p = 1e-3. The EMA step after 300 s would be 1e-3 × (1 − W(τ)) = 1e-3 ×
    // 0.6319 = 6.32e-4, but the drift cap allows floor(1e15 × 300 / 3600) = 83333333333333: fair = floor(2,000 × (1 +
    // 8.3333…e-5)) = 2,000.166666666666666. One second later the cap is floor(1e15 × 301 / 3600) = 83611111111111.
    // Accruing stores the advanced premium; the next interval starts from it.
    function test_fairPremium_driftCapBinds() public {
        _fund(LP, 2_000_000e6);
        _fund(ALICE, 300_000e6);
        _trade(ALICE, eth, 1000e18);
        vm.warp(T0 + 300);
        assertEq(engine.marketPrices(eth).fairPremium, 83333333333333, "capped at 0.1 %/h x 300 s");
        assertEq(engine.marketPrices(eth).fairPrice, 2000166666666666666000, "fair");
        vm.warp(T0 + 301);
        assertEq(engine.marketPrices(eth).fairPremium, 83611111111111, "cap after 301 s");
        vm.warp(T0 + 300);
        engine.accrue(eth);
        assertEq(engine.marketState(eth).fairPremium, 83333333333333, "stored");
        // 300 s more from 8.3333e-5: step (1e15 − 83333333333333) × 0.6319 = 5.79e14 > cap 83333333333333.
        vm.warp(T0 + 600);
        assertEq(engine.marketPrices(eth).fairPremium, 2 * 83333333333333, "cap again");
    }

    // τ = 0: the EMA step is the whole gap, so only the drift cap sets the speed. At skew 0 fair = oracle = mark.
    // Alice long 10 at T0 + 1 (p = 1e13): 60 s later the cap is 1e15 × 60 / 3600 = 1.6667e13 ≥ 1e13, so P_f = p and
    // fair = mark = 2,100 × (1 + 1e-5) = 2,100.021. Carol then buys 1,000 (p = 1.01e15, the accrual stores P_f =
    // 1e13): 1 s later the cap floor(1e15 / 3600) = 277777777777 binds: P_f = 1e13 + 277777777777.
    function test_fairPrice_tauZero_equalsMark() public {
        MarketParams memory p = ethParams(ethOracle);
        p.fairTau = 0;
        engine.setMarketParams(eth, p);
        ethOracle.setPrice(2100e18);
        vm.warp(T0 + 1);
        assertEq(engine.marketPrices(eth).fairPrice, 2100e18, "fair = mark at zero skew");
        _trade(ALICE, eth, 10e18);
        vm.warp(T0 + 61);
        assertEq(engine.marketPrices(eth).fairPremium, 1e13, "whole gap within the cap");
        assertEq(engine.marketPrices(eth).fairPrice, 2100.021e18, "fair = mark");
        _fund(LP, 2_000_000e6);
        _fund(CAROL, 300_000e6);
        _trade(CAROL, eth, 1000e18);
        assertEq(engine.marketState(eth).fairPremium, 1e13, "stored by the accrual");
        vm.warp(T0 + 62);
        assertEq(engine.marketPrices(eth).fairPremium, 1e13 + 277777777777, "drift cap binds");
    }
}
