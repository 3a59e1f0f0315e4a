// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {PremiumModel} from "./PremiumModel.sol";
import {vm} from "../utils/Vm.sol";

/// @notice ADL cover is measured at exit prices (brief rule 8): a victim closed at the bankruptcy price X instead of
///         its exit fill e (the fill its close of q would get now, the exact premium integral) saves the liquidity
///         vault q × (X − e) against its own exit valuation, and exactly that is moved to the bankrupt account.
/// @dev Market PRM (`premiumParams`: K = 10,000 units, maxPremium 0.2 %, no fees or funding), one block (fair =
///      oracle). Bob shorts 4 from skew 0 at 1,000 × (1 − 4/20,000) = 999.8 (10,000 USDC); Dave shorts 2 from −4 at
///      1,000 × (1 − 10/20,000) = 999.5 (1,000 USDC); Carol buys 10 from −6 at 1,000 × (1 − 2/20,000) = 999.9
///      (cost 9,999; 2,100 USDC). Skew +4. The fund is empty.
///      Oracle 700: Carol's equity at fair 2,100 + 7,000 − 9,999 = −899 ≤ 0, bankrupt. Her close of 10 from +4 fills
///      at 700 × (1 − 1/10,000) = 699.93 (within its bound, the skew being above fair), realising 6,999.3 − 9,999 =
///      −2,999.7: collateral −899.7, no fee paid, nothing from the fund, so 899.7 is queued at the bankruptcy price
///      699.93 + 899.7 / 10 = 789.9 with shorts as victims. Skew −6.
///
///      What the step does to the liquidity vault (LP account, value C + cpPnl − shortfall): the victim pays q × X for
///      what the vault's valuation had at q × e, so C + cpPnl gains q × (X − e) and loses `covered` = that amount to
///      the bankrupt account; the shortfall falls by `covered`. Rounding: covered is floored, the victim's proceeds
///      are rounded against it and the net exit value is ceiled, so C + cpPnl moves by δ with 0 ≤ δ < 3 + q / 1e18
///      wei (in the vault's favour), and the net value after the shortfall rises by covered + δ: the step gives the
///      providers back what the shortfall had taken from them.
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
        _trade(BOB, prm, -4e18);
        _fund(DAVE, 1_000e6);
        _trade(DAVE, prm, -2e18);
        _fund(CAROL, 2_100e6);
        _trade(CAROL, prm, 10e18);
        assertEq(engine.position(BOB, prm).openNotional, -3_999.2e18, "bob 4 x 999.8");
        assertEq(engine.position(DAVE, prm).openNotional, -1_999e18, "dave 2 x 999.5");
        assertEq(engine.position(CAROL, prm).openNotional, 9_999e18, "carol 10 x 999.9");
    }

    // Dave ranks first (less equity behind the same profit). Step 1: Dave's whole 2 (899.7 / 90.25 > 2) at
    // X = min(789.9, his break-even 999.5) = 789.9; his exit, a buy of 2 from −6, is 700 × (1 − 5/10,000) = 699.65:
    // covered 2 × (789.9 − 699.65) = 180.5, left 719.2. Step 2: Bob's whole 4 (719.2 / 90.04 > 4); exit from −4 is
    // 700 × (1 − 2/10,000) = 699.86: covered 4 × (789.9 − 699.86) = 360.16, left 359.04. Each covered amount is
    // checked against the model's exact-integral fill as well.
    function test_coverIsTheGapToTheExactExitFill_vaultValueUnchangedBeforeTheShortfall() public {
        prmOracle.setPrice(700e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        (, , AdlRequest memory r,) = liquidator.pendingAdl();
        assertEq(r.bankruptcyPrice, 789.9e18, "699.93 + 899.7 / 10");
        assertEq(r.remaining, 899.7e18, "shortfall");
        assertEq(engine.marketPrices(prm).skew, -6e18, "skew after the close");

        liquidator.submitAdlCandidate(BOB);
        liquidator.submitAdlCandidate(DAVE);
        assertTrue(liquidator.adlRank(DAVE, prm) > liquidator.adlRank(BOB, prm), "dave ranks first");
        vm.warp(T0 + 60);

        assertEq(PremiumModel.fill(700e18, -6e18, 2e18, K, M), 699.65e18, "model: dave's exit");
        _stepAndCheck(DAVE, 2e18, 789.9e18, 180.5e18);
        assertEq(vault.collateralOf(DAVE), 1_419.2e18, "1,000 + 2 x (999.5 - 789.9)");

        assertEq(PremiumModel.fill(700e18, -4e18, 4e18, K, M), 699.86e18, "model: bob's exit");
        _stepAndCheck(BOB, 4e18, 789.9e18, 360.16e18);
        assertEq(vault.collateralOf(CAROL), -359.04e18, "899.7 - 180.5 - 360.16 left");
        assertEq(liquidator.totalShortfall(), 359.04e18, "total");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    /// @dev Any bankrupting oracle in [600, 780]: the bankruptcy price is Carol's close fill f = fill(P, +4, −10) plus
    ///      ceil(shortfall / 10); Dave's step covers floor(2 × (X − fill(P, −6, +2))) with the model's fills, and the
    ///      liquidity vault's C + cpPnl moves by 0 ≤ δ < 3 + 2 wei.
    function testFuzz_coverAtExit_anyPrice(uint256 priceSeed) public {
        uint256 price = bound(priceSeed, 600e18, 780e18);
        prmOracle.setPrice(price);
        uint256 f = PremiumModel.fill(price, 4e18, -10e18, K, M);
        int256 collateral = 2_100e18 + int256(10 * f) - 9_999e18;
        assertTrue(collateral < 0, "bankrupt");
        uint256 shortfall = uint256(-collateral);
        uint256 bankruptcyPrice = f + (shortfall * 1e18 + 10e18 - 1) / 10e18;
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        (, , AdlRequest memory r,) = liquidator.pendingAdl();
        assertEq(r.bankruptcyPrice, bankruptcyPrice, "bankruptcy price");
        assertEq(r.remaining, shortfall, "shortfall");

        liquidator.submitAdlCandidate(DAVE);
        vm.warp(T0 + 60);
        uint256 exit = PremiumModel.fill(price, -6e18, 2e18, K, M);
        _stepAndCheck(DAVE, 2e18, bankruptcyPrice, 2 * (bankruptcyPrice - exit));
    }

    /// @dev One executeAdl step on `victim` (short, closed in full: q = its size) at `price`, expecting `covered`.
    ///      The liquidity vault's C + cpPnl moves by δ ∈ [0, 3 + q / 1e18) wei; its net value by covered + δ.
    function _stepAndCheck(address victim, uint256 q, uint256 price, uint256 covered) internal {
        int256 grossBefore = vault.collateralOf(LP) + _cpPnl(engine);
        int256 netBefore = grossBefore - int256(liquidator.totalShortfall());
        int256 bankruptBefore = vault.collateralOf(CAROL);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlExecuted(0, victim, int256(q), price, covered);
        assertEq(liquidator.executeAdl(), covered, "covered = q x (X - exit)");
        assertEq(engine.position(victim, prm).size, 0, "victim closed in full");
        assertEq(vault.collateralOf(CAROL), bankruptBefore + int256(covered), "moved to the bankrupt account");

        int256 grossAfter = vault.collateralOf(LP) + _cpPnl(engine);
        int256 netAfter = grossAfter - int256(liquidator.totalShortfall());
        assertGe(grossAfter, grossBefore, "C + cpPnl: rounding only in the vault's favour");
        uint256 delta = uint256(grossAfter - grossBefore);
        assertLt(delta * 1e18, 3e18 + q, "C + cpPnl unchanged up to 3 + q / 1e18 wei");
        assertEq(netAfter - netBefore, int256(covered + delta), "net value: the shortfall repaid, nothing more");
    }
}
