// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {ISubAccounts} from "../../../contracts/interfaces/ISubAccounts.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Who may act on a sub-account: its owner (full rights), or an operator the owner approved with a live scope
///         for that sub-account or for all its sub-accounts. Nobody else can trade it, close its positions, withdraw
///         from it, move its collateral to another sub-account or approve operators for it; a trade-only operator can
///         never move collateral out; an approval for one sub-account covers no other; expiries hold to the second.
/// @dev Alice owns sub-accounts 1 and 2 (1,000 USD each, no position) and keeps 8,000 USD on her own address. Actions
///      tried on sub-account 1 by a caller: trade (open 0.1 ETH), withdrawFrom (1 USDC), transfer (1 USD to Alice's
///      own address), approve an operator for it.
contract SubAccountRightsTest is EngineFixture {
    address internal constant AGENT = address(0xA6E27);
    address internal constant MALLORY = address(0x3A110);

    address internal one;
    address internal two;

    function setUp() public override {
        super.setUp();
        vm.startPrank(ALICE);
        (, one) = vault.createSubAccount();
        (, two) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, one, 1_000e18);
        vault.transferBetweenSubAccounts(ALICE, two, 1_000e18);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ helpers

    function _tradeRefused(address caller, address account) internal {
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, caller, account));
        engine.trade(account, eth, 0.1e18, type(uint256).max);
    }

    function _tradeOk(address caller, address account) internal {
        int256 before = engine.position(account, eth).size;
        vm.prank(caller);
        engine.trade(account, eth, 0.1e18, type(uint256).max);
        assertEq(int256(engine.position(account, eth).size), before + 0.1e18, "traded");
    }

    function _withdrawRefused(address caller, address account) internal {
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, caller, account));
        vault.withdrawFrom(account, 1e6, caller);
    }

    function _withdrawOk(address caller, address account) internal {
        int256 before = vault.collateralOf(account);
        vm.prank(caller);
        vault.withdrawFrom(account, 1e6, caller);
        assertEq(vault.collateralOf(account), before - 1e18, "withdrew 1 USDC");
    }

    function _transferRefused(address caller, address from, address to) internal {
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, caller, from));
        vault.transferBetweenSubAccounts(from, to, 1e18);
    }

    function _transferOk(address caller, address from, address to) internal {
        int256 before = vault.collateralOf(from);
        vm.prank(caller);
        vault.transferBetweenSubAccounts(from, to, 1e18);
        assertEq(vault.collateralOf(from), before - 1e18, "moved 1 USD");
    }

    /// @dev Nothing but the owner's rights: every action on sub-account 1 refused with the exact error.
    function _noRights(address caller) internal {
        _tradeRefused(caller, one);
        _withdrawRefused(caller, one);
        _transferRefused(caller, one, ALICE);
        assertTrue(!vault.canTrade(one, caller), "canTrade false");
        assertTrue(!vault.canWithdraw(one, caller), "canWithdraw false");
    }

    // ------------------------------------------------------------------ the owner and strangers

    function test_owner_hasEveryRight() public {
        _tradeOk(ALICE, one);
        _withdrawOk(ALICE, one);
        _transferOk(ALICE, one, two);
        assertTrue(vault.isOperator(one, ALICE), "both scopes");
        vm.prank(ALICE);
        engine.closePosition(one, eth, 0);
        assertEq(int256(engine.position(one, eth).size), 0, "closed");
    }

    function test_stranger_hasNoRight() public {
        _noRights(MALLORY);
        // Nor can it approve anyone for Alice's sub-account: `approveSubAccountOperator` acts on the caller's own
        // sub-accounts only (Mallory has none).
        vm.prank(MALLORY);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.UnknownSubAccount.selector, MALLORY, 1));
        vault.approveSubAccountOperator(1, MALLORY, true, 0, true, 0, 0);
        assertTrue(!vault.canTrade(one, MALLORY), "still nothing");
    }

    /// @dev Another owner, its sub-account's address and an operator it approved for all its sub-accounts get
    ///      nothing on Alice's.
    function test_anotherOwnersSubAccount_andItsOperators_haveNoRight() public {
        vm.prank(BOB);
        (, address bobSub) = vault.createSubAccount();
        _noRights(bobSub);
        _noRights(BOB);
        vm.prank(BOB);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, true, 0, 0);
        _noRights(AGENT);
        // Bob cannot pull Alice's collateral into his accounts, nor push his into hers.
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, one, BOB));
        vault.transferBetweenSubAccounts(BOB, one, 1e18);
    }

    /// @dev Any caller other than the owner and without an approval is refused everything (fuzzed).
    function testFuzz_unapprovedCaller_refusedEverything(address caller) public {
        // The sub-account's own address is excluded: nobody holds its key (were it to call, it would act as the
        // account itself, as its owner can anyway).
        vm.assume(caller != ALICE && caller != one && caller != address(0) && caller != address(vm));
        _noRights(caller);
    }

    // ------------------------------------------------------------------ approvals for one sub-account

    function test_tradeOnlyOperatorForOneSubAccount_tradesItOnly_neverMovesCollateral() public {
        vm.prank(ALICE);
        vault.approveSubAccountOperator(1, AGENT, true, 0, false, 0, 0);
        _tradeOk(AGENT, one);
        vm.prank(AGENT);
        engine.closePosition(one, eth, 0);
        _withdrawRefused(AGENT, one);
        _transferRefused(AGENT, one, ALICE);
        _transferRefused(AGENT, one, two);
        // Not the sibling, not the owner's own account.
        _tradeRefused(AGENT, two);
        _tradeRefused(AGENT, ALICE);
    }

    function test_withdrawOperatorForOneSubAccount_movesOnlyWithinTheOwner() public {
        vm.prank(ALICE);
        vault.approveSubAccountOperator(1, AGENT, false, 0, true, 0, 0);
        _tradeRefused(AGENT, one);
        _withdrawOk(AGENT, one);
        _transferOk(AGENT, one, ALICE);
        _transferOk(AGENT, one, two);
        // Only to accounts of the same owner: not to itself.
        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, AGENT, ALICE));
        vault.transferBetweenSubAccounts(one, AGENT, 1e18);
        // Withdraw scope on `one` does not reach `two` or Alice's own account.
        _transferRefused(AGENT, two, ALICE);
        _transferRefused(AGENT, ALICE, one);
        _withdrawRefused(AGENT, two);
    }

    /// @dev The owner's plain `approveOperator` approves for its own address (sub-account 0) only.
    function test_ownApproval_coversSubAccountZeroOnly() public {
        vm.prank(ALICE);
        vault.approveOperator(AGENT, true, 0, true, 0);
        _tradeOk(AGENT, ALICE);
        _withdrawOk(AGENT, ALICE);
        _noRights(AGENT);
    }

    function test_oneSubAccountApproval_expiry_toTheSecond() public {
        uint40 expiry = uint40(T0 + 1 hours);
        vm.prank(ALICE);
        vault.approveSubAccountOperator(1, AGENT, true, expiry, true, expiry, 0);
        vm.warp(expiry - 1);
        _tradeOk(AGENT, one);
        _transferOk(AGENT, one, two);
        vm.warp(expiry);
        _tradeRefused(AGENT, one);
        _transferRefused(AGENT, one, two);
        _withdrawRefused(AGENT, one);
    }

    // ------------------------------------------------------------------ approvals for all sub-accounts

    /// @dev An approval for all sub-accounts covers sub-account 0, every existing one and those created later.
    function test_allSubAccountsApproval_coversEveryAccountOfTheOwner_includingLaterOnes() public {
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, true, 0, 0);
        _tradeOk(AGENT, ALICE);
        _tradeOk(AGENT, one);
        _tradeOk(AGENT, two);
        vm.startPrank(ALICE);
        (, address three) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, three, 1_000e18);
        vm.stopPrank();
        _transferOk(AGENT, ALICE, three);
        _tradeOk(AGENT, three);
        _withdrawOk(AGENT, one);
        // Bob's accounts are not Alice's.
        _tradeRefused(AGENT, BOB);
    }

    function test_allSubAccountsTradeOnly_neverMovesCollateral() public {
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, false, 0, 0);
        _tradeOk(AGENT, one);
        _transferRefused(AGENT, one, two);
        _transferRefused(AGENT, ALICE, one);
        _withdrawRefused(AGENT, one);
        _withdrawRefused(AGENT, ALICE);
    }

    function test_allSubAccountsApproval_expiry_toTheSecond_andRevocation() public {
        uint40 tradeExpiry = uint40(T0 + 1 days);
        uint40 withdrawExpiry = uint40(T0 + 2 days);
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, tradeExpiry, true, withdrawExpiry, 0);
        vm.warp(tradeExpiry - 1);
        _tradeOk(AGENT, two);
        vm.warp(tradeExpiry);
        _tradeRefused(AGENT, two);
        _transferOk(AGENT, two, one);
        vm.warp(withdrawExpiry - 1);
        _withdrawOk(AGENT, two);
        vm.warp(withdrawExpiry);
        _transferRefused(AGENT, two, one);
        _withdrawRefused(AGENT, two);

        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, true, 0, 0);
        _tradeOk(AGENT, one);
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, false, 0, false, 0, 0);
        _noRights(AGENT);
    }

    /// @dev The two kinds of approval add up: an expired approval for all sub-accounts leaves a live one for
    ///      sub-account 1 in force, and the reverse.
    function test_approvalsAddUp_eitherLiveScopeSuffices() public {
        vm.startPrank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, uint40(T0 + 10), false, 0, 0);
        vault.approveSubAccountOperator(1, AGENT, true, uint40(T0 + 20), false, 0, 0);
        vm.stopPrank();
        vm.warp(T0 + 10);
        _tradeOk(AGENT, one);
        _tradeRefused(AGENT, two);
        vm.warp(T0 + 20);
        _tradeRefused(AGENT, one);
    }
}
