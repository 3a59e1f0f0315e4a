// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {MarginSummary} from "../../../contracts/interfaces/PerpTypes.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice What is credited to an account (initial margin after an open, withdrawable, `accountMargin`) values each
///         position at the worse for it of its exit price (the fill its full close would get now) and its fair price
///         (issue 12 finding 10): neither its own price impact nor a third party's push counts.
/// @dev ETH: oracle 2,000, skewScale 1M, taker 5 bp, maker 2 bp, τ 300 s. The liquidity vault gets 3M more cash so the
///      open-interest-to-cash limit never binds here.
contract PerpEngineCreditValuationTest is EngineFixture {
    address internal constant DAVE = address(0xDA7E);

    function setUp() public override {
        super.setUp();
        _fund(LP, 3_000_000e6);
        _fund(CAROL, 300_000e6);
        _fund(DAVE, 500_000e6);
    }

    /// @dev Carol buys 1,000 from zero skew: fill 2,000 × (1 + 1,000 / 2M) = 2,001, fee 2,001,000 × 5 bp = 1,000.5,
    ///      collateral 298,999.5. Exit = the sell of 1,000 from 1,000 to 0 = 2,001; fair = 2,000 (P_f still 0): the
    ///      worse for a long is 2,000. PnL = 2,000,000 − 2,001,000 = −1,000; equity 297,999.5; notional 2,000,000 →
    ///      tier 2 (10x, 5 %): IM 200,000; withdrawable 97,999.5. (At the post-trade mark 2,002 her own impact would
    ///      have added 1,000 of equity.)
    function test_afterLargeOpen_noOwnImpactCredited() public {
        _trade(CAROL, eth, 1000e18);
        assertEq(vault.collateralOf(CAROL), 298_999.5e18, "collateral after fee");
        assertEq(engine.marketPrices(eth).markPrice, 2002e18, "mark includes her impact");
        MarginSummary memory m = engine.accountMargin(CAROL);
        assertEq(m.equity, 297_999.5e18, "equity at the worse of exit and fair");
        assertEq(m.initialMargin, 200_000e18, "IM at 2,000");
        assertEq(m.maintenanceMargin, 100_000e18, "MM at 2,000");
        assertEq(m.withdrawable, 97_999.5e18, "withdrawable");
        assertEq(vault.maxWithdraw(CAROL), 97_999_500000, "through the guard");
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 97_999.500001e18, 97_999.5e18)
        );
        vault.withdraw(97_999_500001, CAROL);
        vm.prank(CAROL);
        vault.withdraw(97_999_500000, CAROL);
        assertEq(engine.accountMargin(CAROL).equity, 200_000e18, "left exactly at IM");
    }

    /// @dev One hour later the fair premium has moved toward p = 1e-3 with the premium weight W = w(x/4)⁴,
    ///      x = 3,600 / 300 = 12: w(3) = 1e36 / (1 + 3 + 4.5 + 4.5)e18 = 76923076923076923, squared 5917159763313609,
    ///      squared again W = 35012779664577; step trunc(1e15 × 999964987220335423 / 1e18) = 999964987220335 (cap 1e15
    ///      not binding), fair = 2,000 × (1 + 9.99964987220335e-4) = 2,001.99992997444067 > exit 2,001: now the exit
    ///      is the worse.
    ///      Funding: F = 1e-3 − 6.25e-5 = 9.375e-4 per hour, index +1.875, she owes 1,875.
    ///      Credit: PnL at 2,001 = 0; equity 298,999.5 − 1,875 = 297,124.5; notional 2,001,000, IM 200,100;
    ///      withdrawable 97,024.5. The trigger (fair) gives PnL 1,000 × (2,001.99992997444067 − 2,001) =
    ///      999.92997444067 instead.
    function test_worseOfExitAndFair_switchesToExitWhenFairIsHigher() public {
        _trade(CAROL, eth, 1000e18);
        vm.warp(T0 + 1 hours);
        assertEq(engine.marketPrices(eth).fairPrice, 2001.99992997444067e18, "fair after 1 h");
        assertEq(engine.quoteFillPrice(eth, -1000e18), 2001e18, "exit");
        MarginSummary memory m = engine.accountMargin(CAROL);
        assertEq(m.equity, 297_124.5e18, "equity at the exit");
        assertEq(m.initialMargin, 200_100e18, "IM at the exit");
        assertEq(m.withdrawable, 97_024.5e18, "withdrawable");
        MarginSummary memory atFair = engine.accountMarginAtFair(CAROL);
        assertEq(atFair.equity, 298_999.5e18 + 999.92997444067e18 - 1875e18, "the trigger values at fair");
    }

    /// @dev Dave buys 1,000 more (skew 2,000): Carol's exit rises to 2,000 × (1 + 1.5e-3) = 2,003, but her fair price
    ///      is still 2,000, so nothing she could withdraw changes (97,999.5). An hour later the fair premium has moved
    ///      by at most the drift cap: the EMA step 2e-3 × (1 − W) = 1.99993e-3 > 1e-3, so P_f = 1e-3 and fair = 2,002 <
    ///      exit 2,003: PnL 1,000 × (2,002 − 2,001) = 1,000, funding (2e-3 − 6.25e-5) × 2,000 × 1,000 = 3,875, equity
    ///      298,999.5 + 1,000 − 3,875 = 296,124.5, IM 200,200, withdrawable 95,924.5: the push held for an hour credits
    ///      her at most 0.1 % of the oracle per unit.
    function test_thirdPartyPushTowardAccount_notCredited() public {
        _trade(CAROL, eth, 1000e18);
        _trade(DAVE, eth, 1000e18);
        assertEq(engine.quoteFillPrice(eth, -1000e18), 2003e18, "Carol's exit after the push");
        MarginSummary memory m = engine.accountMargin(CAROL);
        assertEq(m.equity, 297_999.5e18, "equity unchanged");
        assertEq(m.withdrawable, 97_999.5e18, "withdrawable unchanged");
        // Dave himself: fill 2,003, fee 1,001.5, credited at fair 2,000: 500,000 − 1,001.5 − 3,000.
        assertEq(engine.accountMargin(DAVE).equity, 495_998.5e18, "the pusher is not credited his push either");

        vm.warp(T0 + 1 hours);
        assertEq(engine.marketPrices(eth).fairPremium, 0.001e18, "drift cap binds");
        m = engine.accountMargin(CAROL);
        assertEq(m.equity, 296_124.5e18, "equity at fair 2,002");
        assertEq(m.withdrawable, 95_924.5e18, "withdrawable");
    }

    /// @dev Dave sells 2,000 (skew −1,000): Carol's exit falls to the sell of 1,000 from −1,000 to −2,000, average
    ///      premium −1.5e-3: 1,997 < fair 2,000. PnL 1,997,000 − 2,001,000 = −4,000; equity 294,999.5; notional
    ///      1,997,000, IM 199,700; withdrawable 95,299.5.
    function test_pushAgainstAccount_lowersCredit() public {
        _trade(CAROL, eth, 1000e18);
        _trade(DAVE, eth, -2000e18);
        assertEq(engine.quoteFillPrice(eth, -1000e18), 1997e18, "Carol's exit after the push");
        MarginSummary memory m = engine.accountMargin(CAROL);
        assertEq(m.equity, 294_999.5e18, "equity at the exit");
        assertEq(m.initialMargin, 199_700e18, "IM at the exit");
        assertEq(m.withdrawable, 95_299.5e18, "withdrawable");
    }
}
