// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {Position} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {PremiumModel} from "./PremiumModel.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The forced-close bound in liquidation (brief rules 6–7): a victim's close fills on the live skew, but only
///         as far as its average fill stays within its own close impact measured from the fair premium. Market PRM
///         (`premiumParams`): oracle 1,000, skewScale K = 10,000 units, maxPremium 0.2 % (clamp at |skew| = 20), no
///         fees or funding, 5x / mmr 5 %. Everything happens in one block, so the fair premium stays 0: fair = oracle
///         and the bound of a close Δ is fill(oracle, 0, Δ).
/// @dev Linear-region fills: a trade of Δ from skew s fills at oracle × (1 + (2s + Δ) / (2K)). Carol long 10 from
///      skew 0 pays 1,000 × (1 + 10 / 20,000) = 1,000.5 per unit (cost 10,005). At oracle 795 her close of 10 has the
///      bound 795 × (1 − 10 / 20,000) = 794.6025. From skew s a sell of a fills at 795 × (1 + (s − a/2) / K), which
///      fits while s − a/2 ≥ −5, i.e. a ≤ 2s + 10.
contract ForcedCloseBoundTest is LiquidationFixture {
    uint256 internal constant K = 10_000e18;
    uint256 internal constant M = 0.002e18;
    uint256 internal constant BOUND_795 = 794.6025e18;

    MockOracleAdapter internal prmOracle;
    uint256 internal prm;

    function setUp() public override {
        super.setUp();
        prmOracle = new MockOracleAdapter(1_000e18);
        prm = engine.listMarket("PRM", premiumParams(prmOracle), oneTier(5e18, 0.05e18));
        _fund(ALICE, 100_000e6); // the pusher: 110,000 with the fixture's 10,000
    }

    // ------------------------------------------------------------------ full fills

    // Live skew exactly at the fair premium: Bob shorts 10 from 0 at 1,000 × (1 − 10/20,000) = 999.5, Carol buys 10
    // from −10 at 999.5 (cost 9,995; 2,100 USDC). At 795 her equity at fair is 2,100 + 7,950 − 9,995 = 55 < MM 397.5.
    // Her close of 10 from skew 0 fills exactly at its bound 794.6025 and closes in full: realised 7,946.025 − 9,995 =
    // −2,048.975; fee 0.5 % × 7,946.025 = 39.730125, reward 20 % = 7.946025 (whole USDC units), the rest to the fund.
    function test_liveSkewAtFair_fillsFully_atTheBound() public {
        _trade(BOB, prm, -10e18);
        _fund(CAROL, 2_100e6);
        _trade(CAROL, prm, 10e18);
        assertEq(engine.position(CAROL, prm).openNotional, 9_995e18, "cost 10 x 999.5");
        prmOracle.setPrice(795e18);
        assertEq(engine.maintenanceMargin(CAROL), 55e18 - 397.5e18, "liquidatable at fair");

        (int256 quoted, uint256 quotedFill, uint256 quotedBound) = engine.quoteForcedClose(CAROL, prm, -10e18);
        assertEq(quoted, -10e18, "quote: all of it");
        assertEq(quotedFill, BOUND_795, "quote: at the bound");
        assertEq(quotedBound, BOUND_795, "quote: the bound, 795 x (1 - 10 / 20,000)");

        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(CAROL, prm, -10e18, BOUND_795, 0, -2_048.975e18, 0, 0);
        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, 7_946.025e18, 39.730125e18, 7.946025e18, 31.7841e18, false);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, prm).size, 0, "closed");
        assertEq(vault.collateralOf(CAROL), 11.294875e18, "2,100 - 2,048.975 - 39.730125");
        assertEq(usdc.balanceOf(KEEPER), 7_946025, "keeper");
    }

    // Live skew better than fair for the long (Carol alone, skew +10): the close fills at 795 × (1 + 5/10,000) =
    // 795.3975 > 794.6025 and closes in full.
    function test_liveSkewBetterThanFair_fillsFully() public {
        _openCarolPrm();
        (int256 quoted, uint256 quotedFill, uint256 quotedBound) = engine.quoteForcedClose(CAROL, prm, -10e18);
        assertEq(quoted, -10e18, "all of it");
        assertEq(quotedFill, 795.3975e18, "from skew +10");
        assertEq(quotedBound, BOUND_795, "the bound does not depend on the live skew");
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, prm).size, 0, "closed");
        assertEq(engine.marketPrices(prm).skew, 0, "the LP took the other side");
    }

    // ------------------------------------------------------------------ a push in the same block

    // Alice sells 13 just before the liquidation (skew 10 → −3). Carol's close now fits only a ≤ 2 × (−3) + 10 = 4
    // units: the average premium over [−7, −3] is −5/10,000, exactly the bound's. The engine's 32 bisection steps stop
    // at 3,999,999,999,068,677,424 (4e18 − 931,322,576; within 10e18 / 2^32 = 2,328,306,436 below the largest fit,
    // which the model finds at 4e18 to the wei). The fill is ≥ the bound; the reward is 20 % of the fee with no
    // 5 USD floor (the close was cut). Once Alice buys her 13 back (skew 10 − a ≈ +6), a second liquidation closes
    // the rest in full, and there the floor applies again.
    function test_pushAgainstVictim_closesOnlyWhatFits_noRewardFloor_restLater() public {
        _openCarolPrm();
        _trade(ALICE, prm, -13e18);
        assertEq(engine.marketPrices(prm).skew, -3e18, "pushed");

        // Independent largest fit (hand: 4 units; the model to the wei).
        uint256 largest = PremiumModel.largestFit(795e18, -3e18, 0, -10e18, K, M);
        assertEq(largest, 4e18, "a <= 2s + 10 = 4");

        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        int256 closed = preview.sizeDeltas[0];
        assertEq(closed, -3_999_999_999_068_677_424, "32 bisection steps (model replay)");
        assertLe(largest - uint256(-closed), 10e18 >> 32, "within |delta| / 2^32 of the largest fit");
        assertTrue(preview.liquidatable, "something fits");

        uint256 q = uint256(-closed);
        uint256 fill = PremiumModel.fill(795e18, -3e18, closed, K, M);
        assertGe(fill, BOUND_795, "a long's fill is at least its bound");
        uint256 notional = _mulDivUp(q, fill, 1e18);
        uint256 fee = _mulDivUp(notional, 0.005e18, 1e18);
        uint256 reward = fee * 0.2e18 / 1e18 / 1e12 * 1e12; // keeperShare × fee, floored to whole USDC units
        assertLt(reward, 5e18, "below the floor: the floor would have paid 5");
        assertEq(preview.notionalClosed, notional, "preview: notional of the fitted size");
        assertEq(preview.keeperReward, reward, "preview: no floor");

        uint256 closedCost = _mulDivUp(10_005e18, q, 10e18);
        int256 realised = int256(q * fill / 1e18) - int256(closedCost);
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.ForcedCloseBounded(CAROL, prm, -10e18, closed);
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(CAROL, prm, closed, fill, 0, realised, 10e18 + closed, int256(10_005e18 - closedCost));
        vm.expectEmit(true, true, false, true);
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, notional, fee, reward, fee - reward, false);
        vm.prank(KEEPER);
        (uint256 notionalClosed, uint256 paid) = liquidator.liquidate(CAROL);
        assertEq(notionalClosed, notional, "notional");
        assertEq(paid, reward, "reward = keeperShare x fee, no floor");
        assertEq(usdc.balanceOf(KEEPER), reward / 1e12, "keeper paid");
        assertEq(vault.collateralOf(CAROL), 2_100e18 + realised - int256(fee), "realised and the fee");
        assertEq(liquidator.lastPartialLiquidation(CAROL), 0, "not a slice: no cooldown");
        assertTrue(engine.maintenanceMargin(CAROL) < 0, "still below maintenance");

        // The push is gone: Alice buys back her 13 (an own reduction, always allowed).
        _trade(ALICE, prm, 13e18);
        int256 rest = 10e18 + closed;
        assertEq(engine.marketPrices(prm).skew, rest, "skew 10 - a");
        uint256 fill2 = PremiumModel.fill(795e18, rest, -rest, K, M);
        uint256 notional2 = _mulDivUp(uint256(rest), fill2, 1e18);
        uint256 fee2 = _mulDivUp(notional2, 0.005e18, 1e18);
        assertLt(fee2 * 0.2e18 / 1e18, 5e18, "20 % of the fee is below the floor");
        vm.prank(KEEPER);
        (uint256 notionalClosed2, uint256 paid2) = liquidator.liquidate(CAROL);
        assertEq(notionalClosed2, notional2, "the rest, in full");
        assertEq(paid2, 5e18, "not cut: the floor applies");
        assertEq(engine.position(CAROL, prm).size, 0, "closed");
    }

    // Alice sells 16 (skew −6): already the first unit of Carol's close would fill at a premium below −5/10,000, so
    // nothing fits. The preview says not liquidatable with nothing to close; liquidate reverts and changes nothing.
    function test_nothingFits_revertsBeyondBound_nothingChanges() public {
        _openCarolPrm();
        _trade(ALICE, prm, -16e18);
        assertEq(PremiumModel.largestFit(795e18, -6e18, 0, -10e18, K, M), 0, "model: nothing fits");

        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertTrue(!preview.liquidatable, "preview: not liquidatable");
        assertTrue(preview.maintenanceMargin < 0, "though below maintenance");
        assertEq(preview.sizeDeltas[0], 0, "preview: nothing fits");
        assertEq(preview.notionalClosed, 0, "preview: no notional");
        assertEq(preview.keeperReward, 0, "preview: no reward");
        (int256 quoted, uint256 quotedFill, uint256 quotedBound) = engine.quoteForcedClose(CAROL, prm, -10e18);
        assertEq(quoted, 0, "quote: nothing");
        assertEq(quotedFill, 0, "quote: no fill");
        assertEq(quotedBound, BOUND_795, "quote: the bound it missed");

        int256 collateral = vault.collateralOf(CAROL);
        int256 skew = engine.marketPrices(prm).skew;
        uint256 fundBalance = fund.balance();
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationBeyondBound.selector, CAROL));
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, prm).size, 10e18, "position kept");
        assertEq(engine.position(CAROL, prm).openNotional, 10_005e18, "cost basis kept");
        assertEq(vault.collateralOf(CAROL), collateral, "collateral kept");
        assertEq(engine.marketPrices(prm).skew, skew, "skew kept");
        assertEq(fund.balance(), fundBalance, "fund kept");
        assertEq(usdc.balanceOf(KEEPER), 0, "no reward");
    }

    // ------------------------------------------------------------------ fuzz: both sides, any push, across the clamp

    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    /// @dev Carol opens q ∈ [1, 30] units long or short from skew 0 (q > 20 crosses the clamp), with collateral
    ///      210 × q plus her own open impact, so at 800 (long) or 1,200 (short) her equity at fair is 10 × q and her MM
    ///      40 × q or 60 × q. Alice pushes x ∈ [0, 2q] against her. The size the liquidation closes is within
    ///      q / 2^32 below the model's largest fit (to the wei), never above it; its fill is no worse than the bound;
    ///      nothing fitting reverts `LiquidationBeyondBound`.
    function testFuzz_liquidationCloseIsTheLargestFit(bool long, uint256 qSeed, uint256 xSeed) public {
        uint256 q = bound(qSeed, 1e18, 30e18);
        uint256 x = bound(xSeed, 0, 2 * q);
        (int256 delta, uint256 price, int256 skew) = _openAndPush(long, q, x);

        uint256 largest = PremiumModel.largestFit(price, skew, 0, delta, K, M);
        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        int256 closed = preview.sizeDeltas[0];
        uint256 c = closed < 0 ? uint256(-closed) : uint256(closed);
        assertLe(c, largest, "never beyond the largest fit");
        assertLe(largest - c, q >> 32, "within |delta| / 2^32");

        if (c == 0) {
            assertTrue(!preview.liquidatable, "preview: nothing to close");
            vm.prank(KEEPER);
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationBeyondBound.selector, CAROL));
            liquidator.liquidate(CAROL);
            return;
        }
        uint256 fill = PremiumModel.fill(price, skew, closed, K, M);
        if (long) assertGe(fill, PremiumModel.fill(price, 0, delta, K, M), "long: fill >= bound");
        else assertLe(fill, PremiumModel.fill(price, 0, delta, K, M), "short: fill <= bound");
        _expectCloseEvents(delta, closed, fill);
        vm.prank(KEEPER);
        (uint256 notional,) = liquidator.liquidate(CAROL);
        assertEq(notional, _mulDivUp(c, fill, 1e18), "notional of the fitted size");
        assertEq(engine.position(CAROL, prm).size, -delta + closed, "what is left");
    }

    /// @dev Carol opens q (long or short) with 210 × q plus her open impact; the oracle moves to 800 (long) or 1,200
    ///      (short), the breaker is re-anchored, and Alice pushes x against her.
    function _openAndPush(bool long, uint256 q, uint256 x) internal returns (int256 delta, uint256 price, int256 skew) {
        delta = long ? -int256(q) : int256(q);
        uint256 entry = PremiumModel.fill(1_000e18, 0, -delta, K, M);
        uint256 cost = long ? _mulDivUp(q, entry, 1e18) : q * entry / 1e18;
        uint256 impact = long ? cost - q * 1_000 : q * 1_000 - cost;
        _fund(CAROL, (210 * q + impact) / 1e12 + 1);
        _trade(CAROL, prm, -delta);
        price = long ? 800e18 : 1_200e18;
        prmOracle.setPrice(price);
        engine.resetCircuitBreaker(prm);
        if (x != 0) _trade(ALICE, prm, long ? -int256(x) : int256(x));
        skew = long ? int256(q) - int256(x) : int256(x) - int256(q);
        assertEq(engine.marketPrices(prm).skew, skew, "skew after the push");
        assertTrue(engine.maintenanceMargin(CAROL) < 0, "liquidatable at fair");
    }

    /// @dev ForcedCloseBounded when cut, then the Trade of the fitted size at `fill` with the position rules.
    function _expectCloseEvents(int256 delta, int256 closed, uint256 fill) internal {
        Position memory pos = engine.position(CAROL, prm);
        (int256 newSize, int256 newOpenNotional, int256 realised) = _applyClose(pos.size, pos.openNotional, closed, fill);
        if (closed != delta) {
            vm.expectEmit(true, true, false, true);
            emit IPerpEngine.ForcedCloseBounded(CAROL, prm, delta, closed);
        }
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(CAROL, prm, closed, fill, 0, realised, newSize, newOpenNotional);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Carol: 2,100 USDC, long 10 from skew 0 at 1,000.5 (cost 10,005; IM 2,000 at fair 1,000, her exit
    ///      1,000.5 being better). Oracle to 795 (breaker re-anchored so others may still open): equity at fair
    ///      2,100 + 7,950 − 10,005 = 45 < MM 5 % × 7,950 = 397.5, not bankrupt.
    function _openCarolPrm() internal {
        _fund(CAROL, 2_100e6);
        _trade(CAROL, prm, 10e18);
        assertEq(engine.position(CAROL, prm).openNotional, 10_005e18, "cost 10 x 1,000.5");
        prmOracle.setPrice(795e18);
        engine.resetCircuitBreaker(prm);
        assertEq(engine.maintenanceMargin(CAROL), 45e18 - 397.5e18, "liquidatable, not bankrupt");
    }

    function _mulDivUp(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        return (a * b + d - 1) / d;
    }

    /// @dev A reduction of (size, openNotional) by `delta` at `fill`, per the position rules: the closed share of the
    ///      cost basis rounded toward +∞, proceeds size × fill toward −∞.
    function _applyClose(int256 size, int256 openNotional, int256 delta, uint256 fill)
        internal
        pure
        returns (int256 newSize, int256 newOpenNotional, int256 realised)
    {
        uint256 absSize = size < 0 ? uint256(-size) : uint256(size);
        uint256 absDelta = delta < 0 ? uint256(-delta) : uint256(delta);
        newSize = size + delta;
        // closed cost = openNotional × |delta| / |size|, toward +∞
        int256 closedCost = openNotional >= 0
            ? int256(_mulDivUp(uint256(openNotional), absDelta, absSize))
            : -int256(uint256(-openNotional) * absDelta / absSize);
        // proceeds of the closed part (−delta) × fill, toward −∞
        int256 proceeds = delta < 0
            ? int256(absDelta * fill / 1e18)
            : -int256(_mulDivUp(absDelta, fill, 1e18));
        realised = proceeds - closedCost;
        newOpenNotional = newSize == 0 ? int256(0) : openNotional - closedCost;
    }
}
