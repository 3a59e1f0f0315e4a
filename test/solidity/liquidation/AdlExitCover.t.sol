// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {PremiumModel} from "./PremiumModel.sol";
import {vm} from "../utils/Vm.sol";

/// @notice ADL cover is measured at exit prices (brief rule 8): a victim closed at the bankruptcy price X instead of
///         its exit fill e (the fill its close of q would get now, the exact premium integral) saves the liquidity
///         vault q × |e − X| against its own exit valuation (q × (e − X) for a long victim selling at X below its exit,
///         q × (X − e) for a short buying back above it), and exactly that is moved to the bankrupt account.
/// @dev Market PRM (`premiumParams`: K = 10,000 units, maxPremium 0.2 %, no fees or funding), one block (fair =
///      oracle), an empty fund.
///      Short victims (Carol long and bankrupt): Bob shorts 4 from skew 0 at 1,000 × (1 − 4/20,000) = 999.8 (10,000
///      USDC); Dave shorts 2 from −4 at 1,000 × (1 − 10/20,000) = 999.5 (1,000 USDC); Carol buys 10 from −6 at
///      1,000 × (1 − 2/20,000) = 999.9 (cost 9,999; 2,100 USDC). Skew +4. Oracle 700: Carol's equity at fair
///      2,100 + 7,000 − 9,999 = −899 ≤ 0, bankrupt. Her close of 10 from +4 fills at 700 × (1 − 1/10,000) = 699.93
///      (within its bound, the skew being above fair), realising 6,999.3 − 9,999 = −2,999.7: collateral −899.7, no fee
///      paid, nothing from the fund, so 899.7 is queued at the bankruptcy price 699.93 + 899.7 / 10 = 789.9 with
///      shorts as victims. Skew −6.
///      Long victims (the mirror): Bob buys 4 from 0 at 1,000.2, Dave 2 from +4 at 1,000.5, Carol sells 10 from +6 at
///      1,000.1 (proceeds 10,001; 2,100 USDC). Oracle 1,300: her equity 2,100 + 10,001 − 13,000 = −899; her buy of 10
///      from −4 fills at 1,300 × (1 + 1/10,000) = 1,300.13, realising 10,001 − 13,001.3 = −3,000.3: 900.3 queued at
///      1,300.13 − 900.3 / 10 = 1,210.1 with longs as victims. Skew +6.
///
///      What a step does to the liquidity vault (LP account; C = its collateral, value C + cpPnl − shortfall): the
///      victim's close at X instead of e gains C + cpPnl q × |e − X|, and `covered`, that same amount, leaves C for the
///      bankrupt account; the shortfall falls by `covered`. Rounding: covered is floored, the victim's realised PnL is
///      rounded against it and the net exit value is ceiled, so C + cpPnl moves by δ with 0 ≤ δ < 3 + q / 1e18 wei (in
///      the vault's favour). The net value after the shortfall therefore rises by covered + δ: the step gives the
///      providers back what the shortfall had taken from them (so it is C + cpPnl, the value before the shortfall,
///      that the step leaves unchanged).
contract AdlExitCoverTest is LiquidationFixture {
    address internal constant DAVE = address(0xDA7E);
    uint256 internal constant K = 10_000e18;
    uint256 internal constant M = 0.002e18;

    MockOracleAdapter internal prmOracle;
    uint256 internal prm;

    function setUp() public override {
        super.setUp();
        prmOracle = new MockOracleAdapter(1_000e18);
        prm = engine.listMarket("PRM", premiumParams(prmOracle), oneTier(5e18, 0.05e18));
        _fund(DAVE, 1_000e6);
        _fund(CAROL, 2_100e6);
    }

    /// @dev The book: victims short (Carol long) or long (Carol short).
    function _book(bool victimsLong) internal {
        int256 side = victimsLong ? int256(1) : int256(-1);
        _trade(BOB, prm, side * 4e18);
        _trade(DAVE, prm, side * 2e18);
        _trade(CAROL, prm, -side * 10e18);
        if (victimsLong) {
            assertEq(engine.position(BOB, prm).openNotional, 4_000.8e18, "bob 4 x 1,000.2");
            assertEq(engine.position(DAVE, prm).openNotional, 2_001e18, "dave 2 x 1,000.5");
            assertEq(engine.position(CAROL, prm).openNotional, -10_001e18, "carol 10 x 1,000.1");
        } else {
            assertEq(engine.position(BOB, prm).openNotional, -3_999.2e18, "bob 4 x 999.8");
            assertEq(engine.position(DAVE, prm).openNotional, -1_999e18, "dave 2 x 999.5");
            assertEq(engine.position(CAROL, prm).openNotional, 9_999e18, "carol 10 x 999.9");
        }
    }

    // Dave ranks first (less equity behind the same profit). Step 1: Dave's whole 2 (899.7 / 90.25 > 2) at
    // X = min(789.9, his break-even 999.5) = 789.9; his exit, a buy of 2 from −6, is 700 × (1 − 5/10,000) = 699.65:
    // covered 2 × (789.9 − 699.65) = 180.5, left 719.2. Step 2: Bob's whole 4 (719.2 / 90.04 > 4); exit from −4 is
    // 700 × (1 − 2/10,000) = 699.86: covered 4 × (789.9 − 699.86) = 360.16, left 359.04. Each covered amount is
    // checked against the model's exact-integral fill as well.
    function test_shortVictims_coverIsTheGapToTheExactExitFill() public {
        _book(false);
        prmOracle.setPrice(700e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        (, , AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(r.bankruptcyPrice, 789.9e18, "699.93 + 899.7 / 10");
        assertEq(r.remaining, 899.7e18, "shortfall");
        assertEq(engine.marketPrices(prm).skew, -6e18, "skew after the close");

        liquidator.submitAdlCandidate(BOB);
        liquidator.submitAdlCandidate(DAVE);
        assertTrue(liquidator.adlRank(DAVE, prm) > liquidator.adlRank(BOB, prm), "dave ranks first");
        vm.warp(T0 + 60);

        assertEq(PremiumModel.fill(700e18, -6e18, 2e18, K, M), 699.65e18, "model: dave's exit");
        _stepAndCheck(DAVE, int256(2e18), 789.9e18, 180.5e18);
        assertEq(vault.collateralOf(DAVE), 1_419.2e18, "1,000 + 2 x (999.5 - 789.9)");

        assertEq(PremiumModel.fill(700e18, -4e18, 4e18, K, M), 699.86e18, "model: bob's exit");
        _stepAndCheck(BOB, int256(4e18), 789.9e18, 360.16e18);
        assertEq(vault.collateralOf(CAROL), -359.04e18, "899.7 - 180.5 - 360.16 left");
        assertEq(liquidator.totalShortfall(), 359.04e18, "total");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    // The mirror: Dave's whole 2 (900.3 / 90.55 > 2) sold at X = max(1,210.1, his break-even 1,000.5) = 1,210.1; his
    // exit, a sell of 2 from +6, is 1,300 × (1 + 5/10,000) = 1,300.65: covered 2 × (1,300.65 − 1,210.1) = 181.1. Bob's
    // whole 4: exit from +4 is 1,300 × (1 + 2/10,000) = 1,300.26: covered 4 × 90.16 = 360.64; left 358.56.
    function test_longVictims_coverIsTheGapToTheExactExitFill() public {
        _book(true);
        prmOracle.setPrice(1_300e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        (, , AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(r.victimsLong, "longs are the victims");
        assertEq(r.bankruptcyPrice, 1_210.1e18, "1,300.13 - 900.3 / 10");
        assertEq(r.remaining, 900.3e18, "shortfall");

        liquidator.submitAdlCandidate(BOB);
        liquidator.submitAdlCandidate(DAVE);
        assertTrue(liquidator.adlRank(DAVE, prm) > liquidator.adlRank(BOB, prm), "dave ranks first");
        vm.warp(T0 + 60);

        assertEq(PremiumModel.fill(1_300e18, 6e18, -2e18, K, M), 1_300.65e18, "model: dave's exit");
        _stepAndCheck(DAVE, -2e18, 1_210.1e18, 181.1e18);
        assertEq(PremiumModel.fill(1_300e18, 4e18, -4e18, K, M), 1_300.26e18, "model: bob's exit");
        _stepAndCheck(BOB, -4e18, 1_210.1e18, 360.64e18);
        assertEq(vault.collateralOf(CAROL), -358.56e18, "900.3 - 181.1 - 360.64 left");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    /// @dev Either side, any bankrupting oracle (short victims: [600, 780]; long victims: [1,220, 1,400]): the
    ///      bankruptcy price is Carol's close fill f = fill(P, ±4, ∓10) ± ceil(shortfall / 10); Dave's step covers
    ///      2 × |exit − X| with the model's exact-integral exit fill(P, ∓6, ±2), and the liquidity vault's C + cpPnl
    ///      moves by 0 ≤ δ < 3 + 2 wei.
    function testFuzz_coverAtExit_anyPrice(bool victimsLong, uint256 priceSeed) public {
        _book(victimsLong);
        uint256 price = victimsLong ? bound(priceSeed, 1_220e18, 1_400e18) : bound(priceSeed, 600e18, 780e18);
        prmOracle.setPrice(price);
        int256 collateral;
        uint256 f;
        if (victimsLong) {
            f = PremiumModel.fill(price, -4e18, 10e18, K, M);
            collateral = 2_100e18 + 10_001e18 - int256(10 * f);
        } else {
            f = PremiumModel.fill(price, 4e18, -10e18, K, M);
            collateral = 2_100e18 + int256(10 * f) - 9_999e18;
        }
        assertTrue(collateral < 0, "bankrupt");
        uint256 shortfall = uint256(-collateral);
        uint256 perUnit = (shortfall * 1e18 + 10e18 - 1) / 10e18;
        uint256 bankruptcyPrice = victimsLong ? f - perUnit : f + perUnit;
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        (, , AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(r.bankruptcyPrice, bankruptcyPrice, "bankruptcy price");
        assertEq(r.remaining, shortfall, "shortfall");

        liquidator.submitAdlCandidate(DAVE);
        vm.warp(T0 + 60);
        int256 q = victimsLong ? -2e18 : int256(2e18);
        uint256 exit = PremiumModel.fill(price, victimsLong ? int256(6e18) : -6e18, q, K, M);
        uint256 gap = victimsLong ? exit - bankruptcyPrice : bankruptcyPrice - exit;
        _stepAndCheck(DAVE, q, bankruptcyPrice, 2 * gap);
    }

    /// @dev One executeAdl step closing `victim` in full (`delta` = −its size) at `price`, expecting `covered`. The
    ///      liquidity vault's C + cpPnl moves by δ ∈ [0, 3 + |delta| / 1e18) wei; its net value by covered + δ.
    function _stepAndCheck(address victim, int256 delta, uint256 price, uint256 covered) internal {
        uint256 q = delta < 0 ? uint256(-delta) : uint256(delta);
        int256 grossBefore = vault.collateralOf(LP) + _cpPnl(engine);
        int256 netBefore = grossBefore - int256(liquidator.totalShortfall());
        int256 bankruptBefore = vault.collateralOf(CAROL);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlExecuted(0, victim, delta, price, covered);
        assertEq(liquidator.executeAdl(), covered, "covered = q x |exit - X|");
        assertEq(engine.position(victim, prm).size, 0, "victim closed in full");
        assertEq(vault.collateralOf(CAROL), bankruptBefore + int256(covered), "moved to the bankrupt account");

        int256 grossAfter = vault.collateralOf(LP) + _cpPnl(engine);
        int256 netAfter = grossAfter - int256(liquidator.totalShortfall());
        assertGe(grossAfter, grossBefore, "C + cpPnl: rounding only in the vault's favour");
        uint256 drift = uint256(grossAfter - grossBefore);
        assertLt(drift * 1e18, 3e18 + q, "C + cpPnl unchanged up to 3 + q / 1e18 wei");
        assertEq(netAfter - netBefore, int256(covered + drift), "net value: the shortfall repaid, nothing more");
    }
}
