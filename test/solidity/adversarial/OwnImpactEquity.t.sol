// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary} from "../../../contracts/interfaces/PerpTypes.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 10 of the security review, "own price impact counts as equity": the post-trade initial-margin
///         check and `withdrawableUsd` valued a new position at the post-trade mark, so the trader's own impact
///         |size| × oracle × |p₁ − p₀| / 2 counted toward initial margin and withdrawable although any close pays it
///         back (and a later push by someone else counted too).
/// @dev Local ETH market, flat, oracle 3,000. A 6M position in one trade: 2,000 ETH long from skew 0. Premium after
///      p₁ = 2,000 / 1,000,000 = 0.2 %; fill = 3,000 × (1 + G(2,000) / 2,000) = 3,000 × (1 + 0.1 %) = 3,003 (exact),
///      cost basis 6,006,000, taker fee 5 bp = 3,003. Now every credited position is valued at the worse of its exit
///      (the fill of −2,000 at skew 2,000: 3,000 × (1 + 0.1 %) = 3,003) and its fair price (fair premium 0 in this
///      block: 3,000), i.e. 3,000: PnL 2,000 × 3,000 − 6,006,000 = −6,000, notional 6,000,000 (tier ≤ 10M: 10x), IM
///      600,000. With 700,000 deposited: equity 700,000 − 3,003 − 6,000 = 690,997, withdrawable 690,997 − 600,000 =
///      90,997.
///      Before (commit 1005906, ported): valued at the post-trade mark 3,000 × 1.002 = 3,006: PnL +6,000, IM
///      6,012,000 / 10 = 601,200, withdrawable 700,000 − 3,003 + 6,000 − 601,200 = 101,797 (10,800 more than now);
///      the open needed only 598,203 of collateral (now 609,003); after Bob's push to skew 4,000 (mark 3,012; the old
///      funding band raised to the 4 % the new listing sets, else the old breaker refused the push) the withdrawable
///      rose to 700,000 − 3,003 + 18,000 − 602,400 = 112,597 (now unchanged at 90,997). The finding quoted 60,000
///      beyond IM on its 6M position; with the local parameters above the old code credited 10,800 more than now.
contract OwnImpactEquityTest is LocalProtocolFixture {
    function setUp() public override {
        super.setUp();
        _lpDeposit(PROVIDER, 20_000_000e6);
    }

    /// @dev Withdrawable is exactly 90,997 USDC: 1 unit more reverts `InsufficientWithdrawable(90,997.000001, 90,997)`.
    ///      Bob's 2,000 ETH long on top (fill 3,009, skew 4,000) moves Alice's exit to 3,009 (sells from 4,000 to
    ///      2,000: average premium 0.3 %) but her fair price stays 3,000, so nothing of his push is credited. After
    ///      withdrawing the 90,997 her equity equals her initial margin to the wei.
    function test_finding10_ownImpactNotCredited_withdrawableExact() public {
        _fund(ALICE, 700_000e6);
        assertEq(_trade(ALICE, eth, 2_000e18), 3_003e18, "fill 3,003");
        MarginSummary memory m = engine.accountMargin(ALICE);
        assertEq(m.collateral, 696_997e18, "700,000 - 3,003 fee");
        assertEq(m.equity, 690_997e18, "696,997 + 2,000 x 3,000 - 6,006,000");
        assertEq(m.initialMargin, 600_000e18, "6,000,000 / 10");
        assertEq(m.withdrawable, 90_997e18, "690,997 - 600,000");
        assertEq(vault.maxWithdraw(ALICE), 90_997e6, "in USDC");

        _fund(BOB, 1_000_000e6);
        assertEq(_trade(BOB, eth, 2_000e18), 3_009e18, "Bob's push: average premium 0.3 %");
        assertEq(engine.quoteFillPrice(eth, -2_000e18), 3_009e18, "Alice's exit rose");
        assertEq(engine.accountMargin(ALICE).withdrawable, 90_997e18, "someone else's push is not credited");

        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 90_997_000001e12, 90_997e18)
        );
        vault.withdraw(90_997e6 + 1, ALICE);
        vm.prank(ALICE);
        vault.withdraw(90_997e6, ALICE);
        m = engine.accountMargin(ALICE);
        assertEq(m.equity, int256(m.initialMargin), "equity = IM after the withdrawal");
        assertEq(m.withdrawable, 0, "nothing more");
    }

    /// @dev The post-trade initial-margin check uses the same valuation: the 2,000 ETH open needs equity 600,000 after
    ///      the fee (3,003) and the valuation loss (6,000), i.e. 609,003 deposited. With 1 unit less it reverts
    ///      `InsufficientMargin(599,999.999999, 600,000)`; with 609,003 it passes and leaves nothing withdrawable.
    function test_finding10_openNeedsInitialMarginWithoutOwnImpact() public {
        _fund(CAROL, 609_003e6 - 1);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.InsufficientMargin.selector, 599_999_999999e12, 600_000e18));
        engine.trade(CAROL, eth, 2_000e18, type(uint256).max);
        _fund(CAROL, 1);
        _trade(CAROL, eth, 2_000e18);
        MarginSummary memory m = engine.accountMargin(CAROL);
        assertEq(m.equity, 600_000e18, "609,003 - 3,003 - 6,000");
        assertEq(m.withdrawable, 0, "exactly at initial margin");
    }
}
