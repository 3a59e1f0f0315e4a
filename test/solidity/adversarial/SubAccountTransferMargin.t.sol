// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary} from "../../../contracts/interfaces/PerpTypes.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A transfer between an owner's sub-accounts is checked exactly like a withdrawal of the source: it may take
///         at most the source's free collateral after initial margin, every position valued at the worse of its exit
///         and fair price. There is no way around the check: the boundary holds to the wei, for the owner and for an
///         operator with the withdraw scope; a trade-only operator moves nothing.
/// @dev Local ETH market (oracle 3,000, skewScale 1,000,000, maker 2 bp, taker 5 bp; tiers ≤ 1M: 20x, ≤ 10M: 10x),
///      liquidity vault 20,000,000. Bob shorts 2,000 ETH from skew 0 (fill 3,000 × (1 − 0.1 %) = 2,997). Alice moves
///      400,000 to her sub-account 1, which buys 1,000 ETH from skew −2,000: fill = 3,000 × (1 + G(−1,000) − G(−2,000)
///      per unit) = 3,000 × (1 − 1.5 / 1,000) = 2,995.5 (exact), cost basis 2,995,500, maker fee 2 bp = 599.1,
///      collateral 399,400.9. Its exit (a sell of 1,000 from −1,000) fills at 2,995.5 too, below the fair price 3,000
///      (fair premium 0 in this block), so the exit binds: PnL 0, notional 2,995,500 (10x), IM 299,550, equity
///      399,400.9, free 99,850.9. At the fair price it would be 103,900.9 (PnL +4,500, IM 300,000).
contract SubAccountTransferMarginTest is LocalProtocolFixture {
    address internal constant AGENT = address(0xA6E27);
    uint256 internal constant FREE = 99_850.9e18;

    address internal one;
    address internal two;

    function setUp() public override {
        super.setUp();
        _lpDeposit(PROVIDER, 20_000_000e6);
        _fund(BOB, 1_000_000e6);
        assertEq(_trade(BOB, eth, -2_000e18), 2_997e18, "bob: 3,000 x (1 - 0.1 %)");
        _fund(ALICE, 400_000e6);
        vm.startPrank(ALICE);
        (, one) = vault.createSubAccount();
        (, two) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, one, 400_000e18);
        assertEq(engine.trade(one, eth, 1_000e18, type(uint256).max), 2_995.5e18, "fill 2,995.5");
        vm.stopPrank();
    }

    function test_setUp_exitPriceBinds_exactMargin() public view {
        assertEq(engine.quoteFillPrice(eth, -1_000e18), 2_995.5e18, "exit fill");
        MarginSummary memory m = engine.accountMargin(one);
        assertEq(m.collateral, 399_400.9e18, "400,000 - 599.1");
        assertEq(m.equity, 399_400.9e18, "PnL 0 at the exit price");
        assertEq(m.initialMargin, 299_550e18, "2,995,500 / 10");
        assertEq(m.withdrawable, FREE, "399,400.9 - 299,550");
        assertEq(vault.withdrawableUsd(one), FREE, "the vault's view");
        assertEq(vault.collateralOf(ALICE), 0, "all of Alice's collateral is in sub-account 1");
    }

    /// @dev One wei above the free collateral reverts with the withdrawal's error; exactly it passes and leaves equity
    ///      equal to initial margin; then even 1 wei is refused.
    function test_transfer_atTheBoundary_toTheWei() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, FREE + 1, FREE));
        vault.transferBetweenSubAccounts(one, two, FREE + 1);

        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, two, FREE);
        assertEq(vault.collateralOf(two), int256(FREE), "moved");
        MarginSummary memory m = engine.accountMargin(one);
        assertEq(m.equity, int256(m.initialMargin), "equity = IM at the exit price");
        assertEq(m.withdrawable, 0, "nothing left");

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 1, 0));
        vault.transferBetweenSubAccounts(one, ALICE, 1);
    }

    /// @dev The same boundary for an operator with the withdraw scope on sub-account 1; a trade-only operator (even one
    ///      approved for all sub-accounts) is refused before any amount is looked at.
    function test_transfer_byOperators_sameBoundary_tradeOnlyRefused() public {
        vm.startPrank(ALICE);
        vault.approveOperatorForAllSubAccounts(BOB, true, 0, false, 0, 0);
        vault.approveSubAccountOperator(1, AGENT, false, 0, true, 0, 0);
        vm.stopPrank();

        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, BOB, one));
        vault.transferBetweenSubAccounts(one, two, 1);

        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, FREE + 1, FREE));
        vault.transferBetweenSubAccounts(one, ALICE, FREE + 1);
        vm.prank(AGENT);
        vault.transferBetweenSubAccounts(one, ALICE, FREE);
        assertEq(vault.collateralOf(ALICE), int256(FREE), "to the owner's own account");
        assertEq(engine.accountMargin(one).withdrawable, 0, "at initial margin");
    }

    /// @dev Moving the free collateral out and back in cycles exactly: the sub-account can then reopen what it had,
    ///      and the sibling's balance never counts for it (each sub-account is margined alone).
    function test_siblingCollateral_neverBacksTheSubAccount() public {
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, two, FREE);
        // Sub-account 1, at initial margin (collateral 299,550), cannot add 1 ETH: the 99,850.9 in sub-account 2 does
        // not count for it. The buy from skew −1,000 fills at 3,000 × (1 − (G(−1,000) − G(−999))) = 3,000 × (1 −
        // 0.0009995) = 2,997.0015, maker fee 0.5994003: collateral 299,549.4005997. The 1,001 ETH then exit at
        // 3,000 × (1,001 − (G(−2,000) − G(−999))) / 1,001 = 2,998,497.0015 / 1,001 = 2,995.5015, exactly the cost
        // basis 2,995,500 + 2,997.0015: PnL 0, equity 299,549.4005997 against IM 2,998,497.0015 / 10.
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.InsufficientMargin.selector, 299_549.4005997e18, 299_849.70015e18)
        );
        engine.trade(one, eth, 1e18, type(uint256).max);
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(two, one, FREE);
        assertEq(engine.accountMargin(one).withdrawable, FREE, "back where it was");
    }

    /// @dev A sub-account in debt has nothing to move.
    function test_transfer_fromAnAccountInDebt_refused() public {
        vault.setBalanceManager(address(this), true);
        vault.transferBalanceAllowingDebt(two, ALICE, 5e18);
        assertEq(vault.collateralOf(two), -5e18, "debt");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 1, 0));
        vault.transferBetweenSubAccounts(two, one, 1);
    }
}
