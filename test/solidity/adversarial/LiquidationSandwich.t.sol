// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MarginSummary} from "../../../contracts/interfaces/PerpTypes.sol";
import {LocalEthFixture, RefPricing} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 3 of the security issue: the liquidation sandwich. Liquidation closes used to fill at the live
///         skew with no bound, and a trade reducing the trader's own position skips every cap however far it moves the
///         skew. An attacker with a hedged book closed one leg (skew −46,200, premium −4.62 %), liquidated accounts
///         just below maintenance (now "bankrupt at the mark", so closed in full ~4.6 % below the fair price they were
///         judged at) and closed the other leg into their sells. Now each forced close fills only as far as its fill
///         stays within the account's own close impact measured from the fair premium: at the pushed skew nothing of
///         the victims' closes fits, the liquidation reverts, and the attacker's round trip costs exactly its fees.
/// @dev The local ETH market, the honest 1,000,000 LP and a deep LP's 150,000,000 (the open-interest-to-cash limit caps
///      each side, so the attacker's book below needs that cash: 49,530 ETH × 3,000 = 148,590,000), the insurance fund
///      seeded with 100,000. At T0 and oracle 3,000:
///      ten victims (collateral 51,000 + 10·i) each buy 333 at 3,000.4995 (cost basis 999,166.3335, fee 499.58316675),
///      each followed by a maker selling 333 back (skew 0). The attacker's book: 14 long and 14 short accounts of 3,300
///      ETH (9.9M, the 10M tier's largest round size), built in 140 alternating steps of 330 (|skew| ≤ 330, so maxSkew
///      and the funding band never bind): 46,200 ETH a side, long open interest 49,530 of 50,000. The oracle then
///      drops to 2,921: a victim's equity at fair (P_f = 0, fair = 2,921) is 51,000 + 10·i − 499.58316675 + 972,693 −
///      999,166.3335 = 24,027.08333325 + 10·i against MM 2.5 % × 972,693 = 24,317.325:
///      just below maintenance (−290.24166675 + 10·i), not bankrupt, so a liquidation asks for a 20 % slice (66.6 ETH:
///      the cost basis is above the 250,000 partial threshold).
///      Before (commit 1005906, the same accounts and sequence; the drop left to settle for two hours so the old EMA
///      fair reached the oracle, victims −304.76 + 10·i below maintenance): the victims were closed in full at about
///      −4.6 %, the attacker ended +264,789.76 after all fees (the issue: +259,600), and the victims left 225,101.84
///      of bad debt (the issue: 207,432): the fund paid 95,365.28 (the rest of its 100,000 went to keeper rewards) and
///      129,736.57 went to ADL against the LPs, whose NAV fell 53,738.79 over the transaction despite the fees. After:
///      the victims' closes do not fill at the pushed skew, the attacker loses exactly its fees (189,319.003566), the
///      victims are liquidated afterwards within their bound, and no bad debt arises.
contract LiquidationSandwichTest is LocalEthFixture {
    uint256 internal constant K = 1_000_000e18;
    uint256 internal constant M = 0.1e18;
    uint256 internal constant P1 = 2_921e18;
    int256 internal constant LEG = 3_300e18;
    int256 internal constant STEP = 330e18;
    int256 internal constant SLICE = -66.6e18;
    address internal constant MAKER = address(0x3A4E);
    address internal constant MAKER2 = address(0x3A4F);
    address internal constant DEEP_LP = address(0xDEE9);

    address[10] internal victims;
    address[14] internal longs;
    address[14] internal shorts;
    uint256 internal attackerFees;

    function setUp() public override {
        super.setUp();
        usdc.mint(address(this), 100_000e6);
        usdc.approve(address(vault), 100_000e6);
        vault.depositFor(address(fund), 100_000e6);
        _lpDeposit(DEEP_LP, 150_000_000e6);
        _fund(MAKER, 2_000_000e6);
        _fund(MAKER2, 2_000_000e6);
        for (uint256 i; i < 10; ++i) {
            victims[i] = address(uint160(0xF1C7100 + i));
            _fund(victims[i], 51_000e6 + i * 10e6);
            assertEq(_trade(victims[i], eth, 333e18), 3_000.4995e18, "victim's fill");
            _trade(i < 5 ? MAKER : MAKER2, eth, -333e18);
        }
        for (uint256 j; j < 14; ++j) {
            longs[j] = address(uint160(0xA100 + j));
            shorts[j] = address(uint160(0xA200 + j));
            _fund(longs[j], 1_100_000e6);
            _fund(shorts[j], 1_100_000e6);
            for (uint256 k; k < 10; ++k) {
                _attackerTrade(longs[j], STEP);
                _attackerTrade(shorts[j], -STEP);
            }
        }
        assertEq(engine.marketState(eth).skew, 0, "balanced");
        assertEq(engine.marketState(eth).openInterestLong, 49_530e18, "3,330 + 46,200");
        ethOracle.setPrice(P1);
        for (uint256 i; i < 10; ++i) {
            MarginSummary memory m = engine.accountMarginAtFair(victims[i]);
            assertEq(m.equity, 24_027.08333325e18 + int256(i) * 10e18, "victim's equity at fair");
            assertEq(m.maintenanceMargin, 24_317.325e18, "victim's MM");
        }
    }

    /// @dev The finding's transaction. The 14 long legs close (reductions: no cap), skew 0 → −46,200 (premium −4.62 %).
    ///      Each victim's slice of 66.6 would have to fill at ≥ its bound, the fill of 66.6 from the fair skew 0:
    ///      2,921 × (1 − 33.3 / 1,000,000) = 2,920.9027307; from −46,200 even its first unit fills 4.62 % lower, so
    ///      nothing fits: `quoteForcedClose` says (0, 0, bound) and `liquidate` reverts `LiquidationBeyondBound`. The
    ///      short legs close (skew back to 0). Every attacker trade was at a constant oracle with no other trade in between
    ///      its legs, so its PnL is 0 and it is down exactly the fees: the build's 140 × (495.081675 taker + 198.03267
    ///      maker) = 97,036.0083 plus the legs' 92,282.995266 (taker on the closes into the push, maker on the
    ///      buy-backs) = 189,319.003566, which the liquidity vault collects. The fund and the shortfall are untouched.
    function test_findingSandwich_nothingFillsAtThePushedSkew_attackerPaysItsFees() public {
        int256 lpBefore = lpVault.netValueUsd();
        for (uint256 j; j < 14; ++j) _attackerTrade(longs[j], -LEG);
        assertEq(engine.marketState(eth).skew, -46_200e18, "pushed");
        assertEq(engine.marketPrices(eth).premium, -0.0462e18, "premium -4.62 %");
        assertEq(RefPricing.fill(P1, 0, SLICE, K, M), 2_920.9027307e18, "the victims' bound");

        (int256 sizeClosed, uint256 fillPrice, uint256 boundPrice) = engine.quoteForcedClose(victims[0], eth, SLICE);
        assertEq(sizeClosed, 0, "nothing fits");
        assertEq(fillPrice, 0, "no fill");
        assertEq(boundPrice, 2_920.9027307e18, "the bound it missed: the fill of the slice from the fair skew 0");
        for (uint256 i; i < 10; ++i) {
            vm.prank(longs[0]);
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationBeyondBound.selector, victims[i]));
            liquidator.liquidate(victims[i]);
        }
        for (uint256 j; j < 14; ++j) _attackerTrade(shorts[j], LEG);
        assertEq(engine.marketState(eth).skew, 0, "back to 0");

        assertEq(attackerFees, 189_319.003566e18, "fees: 97,036.0083 + 92,282.995266");
        assertEq(_attackerWealth(), 28 * 1_100_000e18 - int256(attackerFees), "the attacker is down exactly its fees");
        assertEq(lpVault.netValueUsd() - lpBefore, 92_282.995266e18, "the LPs collect the legs' fees");
        assertEq(fund.balance(), 100_000e18, "fund untouched");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");

        _liquidateAllAfterThePush();
    }

    /// @dev The strongest variation through every limit: a push small enough that part of a victim's slice still fits.
    ///      The attacker sells 16.65 ETH (a quarter of the slice) from its first long leg, liquidates, buys 16.65 back
    ///      on its first short leg. V0's slice fits only as far as its average fill stays ≥ 2,920.9027307: from −16.65,
    ///      selling w averages −(16.65 + w / 2) / 1,000,000, so w ≤ 33.3 (the fit is within 66.6 / 2^32 below);
    ///      it is cut (`ForcedCloseBounded`), and from −49.95 the other victims' slices fit nothing. Compared with
    ///      the same liquidation of V0 without the push (state snapshot): V0's fill is no worse than its bound, V0
    ///      loses no more than its MM at fair plus its own impact 66.6 × (2,921 − 2,920.9027307) = 6.47813538, the
    ///      fund and the liquidity vault do not lose, and the attacker's gain on the premium it moved (16.65 × 33.3 /
    ///      1,000,000 × 2,921 = 1.619533845 at most) is far below the 34.043647674808125 of fees the two trades cost.
    function test_smallerPush_partialFitOnly_attackerStillLoses() public {
        uint256 snap = vm.snapshotState();
        vm.prank(KEEPER);
        liquidator.liquidate(victims[0]);
        int256 baselineLp = lpVault.netValueUsd();
        uint256 baselineFund = fund.balance();
        assertEq(engine.position(victims[0], eth).size, 266.4e18, "baseline: the whole slice");
        vm.revertToState(snap);

        int256 attackerBefore = _attackerWealth();
        uint256 feesBefore = attackerFees;
        MarginSummary memory m0 = engine.accountMarginAtFair(victims[0]);
        _attackerTrade(longs[0], -16.65e18);
        vm.prank(KEEPER);
        liquidator.liquidate(victims[0]);
        int256 filled = 333e18 - engine.position(victims[0], eth).size;
        assertLe(uint256(filled), 33.3e18, "at most 66.6 - 2 x 16.65");
        assertGe(uint256(filled), 33.3e18 - uint256(66.6e18) / 2 ** 32 - 1, "within the bisection's precision");
        for (uint256 i = 1; i < 10; ++i) {
            vm.prank(KEEPER);
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationBeyondBound.selector, victims[i]));
            liquidator.liquidate(victims[i]);
        }
        _attackerTrade(shorts[0], 16.65e18);

        // V0's loss at fair: equity before − (collateral after + remaining position at fair).
        (int256 rest,) = engine.positionAtFair(victims[0], eth);
        int256 loss = m0.equity - (vault.collateralOf(victims[0]) + rest);
        uint256 ownImpact = 66.6e18 * (P1 - RefPricing.fill(P1, 0, SLICE, K, M)) / 1e18;
        assertEq(ownImpact, 6.47813538e18, "66.6 x 0.0972693");
        assertLe(uint256(loss), m0.maintenanceMargin + ownImpact, "loss <= MM at fair + own impact");
        assertGe(lpVault.netValueUsd(), baselineLp, "the LPs do not lose to the push");
        assertGe(fund.balance(), 100_000e18, "the fund pays nothing");
        assertLe(fund.balance(), baselineFund, "(it only collects less fee on the smaller close)");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
        int256 gain = _attackerWealth() - attackerBefore;
        int256 fees = int256(attackerFees - feesBefore);
        assertEq(fees, 34.043647674808125e18, "taker on 16.65 from 0, maker on 16.65 back");
        assertTrue(gain < 0, "the sandwich loses");
        // What the victim's sale moved between the attacker's two trades: at most 16.65 x 33.3 / 1e6 x 2,921.
        assertTrue(gain + fees > 0, "it did move the premium");
        assertLe(uint256(gain + fees), 1.619533845e18, "worth at most 1.619533845");
    }

    // ------------------------------------------------------------------ helpers

    /// @dev After the push: each victim's slice from skew 0 fills exactly at its bound 2,920.9027307 (notional
    ///      194,532.12186462, realised −5,301.14483538 against a cost share of 199,833.2667), fee 0.5 % =
    ///      972.6606093231, of which 194.532121 USDC to the keeper and 778.1284883231 to the fund. A maker buys the
    ///      66.6 back after each (an arbitrageur restoring the skew to the fair one, so the next slice fits). Each
    ///      victim loses 6.47813538 + 972.6606093231 = 979.1387447031, well within MM + own impact, and is healthy
    ///      again.
    function _liquidateAllAfterThePush() private {
        for (uint256 i; i < 10; ++i) {
            MarginSummary memory m0 = engine.accountMarginAtFair(victims[i]);
            vm.prank(KEEPER);
            (uint256 notional, uint256 reward) = liquidator.liquidate(victims[i]);
            assertEq(notional, 194_532.12186462e18, "slice at its bound");
            assertEq(reward, 194.532121e18, "keeper reward");
            (int256 rest,) = engine.positionAtFair(victims[i], eth);
            int256 loss = m0.equity - (vault.collateralOf(victims[i]) + rest);
            assertEq(loss, 979.1387447031e18, "impact + fee");
            assertTrue(engine.maintenanceMargin(victims[i]) > 0, "healthy again");
            _trade(MAKER, eth, 66.6e18);
        }
        assertEq(fund.balance(), 100_000e18 + 10 * 778.1284883231e18, "the fund only collects fees");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
    }

    function _attackerTrade(address account, int256 delta) private {
        int256 skew = engine.marketState(eth).skew;
        uint256 oracle = ethOracle.currentPrice();
        attackerFees += RefPricing.fee(skew, delta, RefPricing.fill(oracle, skew, delta, K, M), 0.0002e18, 0.0005e18);
        _trade(account, eth, delta);
    }

    function _attackerWealth() private view returns (int256 w) {
        for (uint256 j; j < 14; ++j) w += _wealth(longs[j]) + _wealth(shorts[j]);
    }
}
