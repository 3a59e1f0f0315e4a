// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ZeroAddress} from "../../../contracts/interfaces/CommonErrors.sol";
import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {ISubAccounts} from "../../../contracts/interfaces/ISubAccounts.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Sub-accounts in the collateral vault: creation, the derived address and the owner record, transfers between
///         an owner's sub-accounts (flat accounts here; the margin boundary is in
///         `adversarial/SubAccountTransferMargin.t.sol`), withdrawals by the owner, trades by the owner through the
///         engine, events, and sub-account 0 (the owner's own address) behaving exactly as before.
/// @dev EngineFixture: ETH at 2,000 (skewScale 1M, maker 2 bp, taker 5 bp), ALICE and BOB with 10,000 USDC each.
contract SubAccountsTest is EngineFixture {
    address internal constant ROUTER = address(0x5017E5);
    /// @dev The vault's storage: Ownable `_owner` (0), Ownable2Step `_pendingOwner` (1), `_accounts` (2).
    uint256 internal constant ACCOUNTS_SLOT = 2;

    /// @dev The derivation, written out independently of the vault.
    function _derived(address owner, uint256 id) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(owner, id)))));
    }

    function _create(address owner) internal returns (address account) {
        vm.prank(owner);
        (, account) = vault.createSubAccount();
    }

    function _transfer(address caller, address from, address to, uint256 usd) internal {
        vm.prank(caller);
        vault.transferBetweenSubAccounts(from, to, usd);
    }

    // ------------------------------------------------------------------ creation

    function test_create_derivesTheAddress_recordsTheOwner_emitsOnce() public {
        address first = _derived(ALICE, 1);
        vm.expectEmit(true, true, true, true, address(vault));
        emit ISubAccounts.SubAccountCreated(ALICE, 1, first);
        vm.prank(ALICE);
        (uint256 id, address account) = vault.createSubAccount();
        assertEq(id, 1, "first id");
        assertEq(account, first, "keccak256(abi.encode(owner, 1))");
        assertEq(vault.subAccountOwner(first), ALICE, "owner recorded");
        assertEq(vault.subAccountCount(ALICE), 1, "count");

        vm.expectEmit(true, true, true, true, address(vault));
        emit ISubAccounts.SubAccountCreated(ALICE, 2, _derived(ALICE, 2));
        vm.prank(ALICE);
        (id, account) = vault.createSubAccount();
        assertEq(id, 2, "ids count up");
        assertEq(account, _derived(ALICE, 2), "second address");
        assertEq(vault.subAccountCount(ALICE), 2, "count 2");
        assertEq(vault.subAccountCount(BOB), 0, "per owner");

        (address a, bool exists) = vault.subAccount(ALICE, 0);
        assertEq(a, ALICE, "sub-account 0 is the owner");
        assertTrue(exists, "sub-account 0 always exists");
        (a, exists) = vault.subAccount(ALICE, 2);
        assertEq(a, _derived(ALICE, 2), "id 2");
        assertTrue(exists, "created");
        (a, exists) = vault.subAccount(ALICE, 3);
        assertEq(a, _derived(ALICE, 3), "the address id 3 will have");
        assertTrue(!exists, "not created");
    }

    function test_owner_ofAnyOtherAddress_isItself() public view {
        assertEq(vault.subAccountOwner(ALICE), ALICE, "a plain account is its own sub-account 0");
        assertEq(vault.subAccountOwner(_derived(ALICE, 1)), _derived(ALICE, 1), "not created yet: nobody's");
        assertEq(vault.subAccountOwner(address(0)), address(0), "zero");
    }

    /// @dev Collateral deposited to the address before its creation stays the sub-account's.
    function test_create_keepsCollateralDepositedBeforehand() public {
        address next = _derived(ALICE, 1);
        usdc.mint(BOB, 5e6);
        vm.prank(BOB);
        vault.depositFor(next, 5e6);
        _create(ALICE);
        assertEq(vault.collateralOf(next), 5e18, "kept");
        assertEq(vault.subAccountOwner(next), ALICE, "owned");
    }

    /// @dev The owner shares the account's balance slot: a sub-account's record has bit 255 set, its owner in bits
    ///      95–254 and its collateral as an int95 in bits 0–94, so the engine's rights check for an owner reads the
    ///      slot that the trade's settlement reads next. A plain account's record is its collateral alone (int255).
    function test_ownerRecord_sharesTheCollateralSlot() public {
        address sub = _create(ALICE);
        _transfer(ALICE, ALICE, sub, 1_234e18);
        uint256 word = uint256(vm.load(address(vault), keccak256(abi.encode(sub, ACCOUNTS_SLOT))));
        assertEq(word >> 255, 1, "sub-account flag");
        assertEq(address(uint160(word >> 95)), ALICE, "owner in bits 95-254");
        assertEq(word & ((1 << 95) - 1), 1_234e18, "collateral in bits 0-94");
        word = uint256(vm.load(address(vault), keccak256(abi.encode(ALICE, ACCOUNTS_SLOT))));
        assertEq(word, 10_000e18 - 1_234e18, "alice: collateral only");
    }

    /// @dev Negative collateral is stored as an int95 in a sub-account's record and read back signed.
    function test_negativeCollateral_roundTrips() public {
        address sub = _create(ALICE);
        vault.setBalanceManager(address(this), true);
        vault.transferBalanceAllowingDebt(sub, BOB, 7e18);
        assertEq(vault.collateralOf(sub), -7e18, "debt");
        assertEq(vault.totalDebt(), 7e18, "total debt");
        assertEq(vault.subAccountOwner(sub), ALICE, "owner kept beside a negative balance");
        uint256 word = uint256(vm.load(address(vault), keccak256(abi.encode(sub, ACCOUNTS_SLOT))));
        assertEq(word & ((1 << 95) - 1), (1 << 95) - 7e18, "two's complement in 95 bits");
        vault.transferBalance(BOB, sub, 7e18);
        assertEq(vault.collateralOf(sub), 0, "repaid");
        assertEq(vault.totalDebt(), 0, "no debt");
    }

    /// @dev A sub-account's collateral is an int95 (±19,807,040,628.566084398385987584 USD): the largest deposit is
    ///      floor((2^94 − 1) / 1e12) USDC units; one unit more overflows. Any other account keeps its range: 100
    ///      billion USDC on one plain account is fine.
    function test_collateralBound_subAccountInt95_plainAccountUnchanged() public {
        address sub = _create(ALICE);
        address whale = address(0x3A1E);
        uint256 maxUnits = (uint256(1 << 94) - 1) / 1e12;
        usdc.mint(whale, maxUnits + 1 + 100_000_000_000e6);
        vm.startPrank(whale);
        usdc.approve(address(vault), type(uint256).max);
        vault.depositFor(sub, maxUnits);
        assertEq(vault.collateralOf(sub), int256(maxUnits * 1e12), "the largest sub-account balance");
        int256 over = int256((maxUnits + 1) * 1e12);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, uint8(95), over));
        vault.depositFor(sub, 1);
        vault.deposit(100_000_000_000e6);
        vm.stopPrank();
        assertEq(vault.collateralOf(whale), 100_000_000_000e18, "a plain account holds more");
    }

    /// @dev Any balance in a sub-account's int95 range round-trips exactly through engine moves, with the owner kept and
    ///      the other side (a plain account, int255) mirroring it; one wei beyond either end is refused.
    function testFuzz_subAccountRecord_roundTrips(int256 target) public {
        address sub = _create(ALICE);
        int256 limit = int256(1 << 94);
        target = boundInt(target, -limit, limit - 1);
        vault.setBalanceManager(address(this), true);
        if (target > 0) vault.transferBalanceAllowingDebt(BOB, sub, uint256(target));
        else if (target < 0) vault.transferBalanceAllowingDebt(sub, BOB, uint256(-target));
        assertEq(vault.collateralOf(sub), target, "sub-account balance");
        assertEq(vault.collateralOf(BOB), 10_000e18 - target, "plain account mirrors it");
        assertEq(vault.subAccountOwner(sub), ALICE, "owner kept");
        uint256 debt = (target < 0 ? uint256(-target) : 0) + (10_000e18 - target < 0 ? uint256(target - 10_000e18) : 0);
        assertEq(vault.totalDebt(), debt, "total debt");
    }

    function test_subAccountRecord_rangeEnds() public {
        address sub = _create(ALICE);
        int256 limit = int256(1 << 94);
        vault.setBalanceManager(address(this), true);
        vault.transferBalanceAllowingDebt(BOB, sub, uint256(limit - 1) - 1_000e18);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, uint8(95), limit));
        vault.transferBalanceAllowingDebt(BOB, sub, 1_000e18 + 1);
        vault.transferBalanceAllowingDebt(BOB, sub, 1_000e18);
        assertEq(vault.collateralOf(sub), limit - 1, "the top of the range");
        vault.transferBalanceAllowingDebt(sub, BOB, uint256(limit - 1) + uint256(limit));
        assertEq(vault.collateralOf(sub), -limit, "the bottom of the range");
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, uint8(95), -limit - 1));
        vault.transferBalanceAllowingDebt(sub, BOB, 1);
    }

    /// @dev Collateral gifted to an address before its creation must fit a sub-account's range for the creation.
    function test_create_refusesAGiftBeyondTheSubAccountRange() public {
        address next = _derived(ALICE, 1);
        uint256 units = uint256(1 << 94) / 1e12 + 1;
        usdc.mint(BOB, units);
        vm.prank(BOB);
        vault.depositFor(next, units);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, uint8(95), int256(units * 1e12))
        );
        vault.createSubAccount();
    }

    // ------------------------------------------------------------------ transfers (flat accounts)

    function test_transfer_ownerToSubAccount_exact_events() public {
        address sub = _create(ALICE);
        uint256 held = usdc.balanceOf(address(vault));
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.BalanceTransferred(ALICE, sub, 2_500e18);
        vm.expectEmit(true, true, true, true, address(vault));
        emit ISubAccounts.SubAccountTransfer(ALICE, ALICE, sub, 2_500e18);
        _transfer(ALICE, ALICE, sub, 2_500e18);
        assertEq(vault.collateralOf(ALICE), 7_500e18, "10,000 - 2,500");
        assertEq(vault.collateralOf(sub), 2_500e18, "credited");
        assertEq(usdc.balanceOf(address(vault)), held, "no token moved");
        assertEq(vault.totalCollateral(), held * 1e12, "ledger unchanged");
    }

    function test_transfer_betweenSubAccounts_andBack_wholeBalanceOfAFlatAccount() public {
        address one = _create(ALICE);
        address two = _create(ALICE);
        _transfer(ALICE, ALICE, one, 3_000e18 + 1);
        _transfer(ALICE, one, two, 1_000e18);
        assertEq(vault.collateralOf(one), 2_000e18 + 1, "one");
        assertEq(vault.collateralOf(two), 1_000e18, "two");
        // A flat account may move all of it, to the wei (withdrawableUsd = collateral).
        _transfer(ALICE, one, ALICE, 2_000e18 + 1);
        _transfer(ALICE, two, ALICE, 1_000e18);
        assertEq(vault.collateralOf(one), 0, "one empty");
        assertEq(vault.collateralOf(two), 0, "two empty");
        assertEq(vault.collateralOf(ALICE), 10_000e18, "all back");
    }

    function test_transfer_aboveTheBalanceOfAFlatAccount_reverts() public {
        address sub = _create(ALICE);
        _transfer(ALICE, ALICE, sub, 100e18);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 100e18 + 1, 100e18));
        vault.transferBetweenSubAccounts(sub, ALICE, 100e18 + 1);
    }

    function test_transfer_zero_reverts() public {
        address sub = _create(ALICE);
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.ZeroAmount.selector);
        vault.transferBetweenSubAccounts(ALICE, sub, 0);
    }

    function test_transfer_toAnotherOwnersAccount_reverts() public {
        address aliceSub = _create(ALICE);
        address bobSub = _create(BOB);
        vm.startPrank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, BOB, ALICE));
        vault.transferBetweenSubAccounts(ALICE, BOB, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, bobSub, ALICE));
        vault.transferBetweenSubAccounts(aliceSub, bobSub, 1e18);
        // An id not created yet is nobody's sub-account: its address is an unknown account.
        address later = _derived(ALICE, 2);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, later, ALICE));
        vault.transferBetweenSubAccounts(ALICE, later, 1e18);
        vm.stopPrank();
        assertEq(vault.collateralOf(ALICE), 10_000e18, "nothing moved");
    }

    function test_transfer_byAStranger_reverts() public {
        address sub = _create(ALICE);
        _transfer(ALICE, ALICE, sub, 100e18);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, BOB, sub));
        vault.transferBetweenSubAccounts(sub, ALICE, 1e18);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, BOB, ALICE));
        vault.transferBetweenSubAccounts(ALICE, sub, 1e18);
    }

    // ------------------------------------------------------------------ withdrawals and trades by the owner

    function test_ownerWithdrawsFromASubAccount_withWithdrawFrom() public {
        address sub = _create(ALICE);
        _transfer(ALICE, ALICE, sub, 500e18);
        assertTrue(vault.canWithdraw(sub, ALICE), "owner may withdraw");
        vm.expectEmit(true, true, true, true, address(vault));
        emit ICollateralVault.Withdrawn(ALICE, sub, CAROL, 200e6, 200e18);
        vm.prank(ALICE);
        vault.withdrawFrom(sub, 200e6, CAROL);
        assertEq(usdc.balanceOf(CAROL), 200e6, "to any receiver");
        assertEq(vault.collateralOf(sub), 300e18, "debited");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, BOB, sub));
        vault.withdrawFrom(sub, 1e6, BOB);
    }

    /// @dev The owner trades its sub-account through the engine: the position, the Trade event and the settlement are
    ///      the sub-account's; the owner's own account is untouched.
    function test_ownerTradesASubAccount_positionIsTheSubAccounts() public {
        address sub = _create(ALICE);
        _transfer(ALICE, ALICE, sub, 1_000e18);
        assertTrue(vault.canTrade(sub, ALICE), "owner may trade");
        vm.prank(ALICE);
        engine.trade(sub, eth, 1e18, type(uint256).max);
        assertEq(int256(engine.position(sub, eth).size), 1e18, "on the sub-account");
        assertEq(int256(engine.position(ALICE, eth).size), 0, "not on the owner");
        assertEq(vault.collateralOf(ALICE), 9_000e18, "owner's collateral untouched by the fee");
        assertTrue(vault.collateralOf(sub) < 1_000e18, "fee paid by the sub-account");
        vm.prank(ALICE);
        engine.closePosition(sub, eth, 0);
        assertEq(int256(engine.position(sub, eth).size), 0, "closed by the owner");

        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, BOB, sub));
        engine.trade(sub, eth, 1e18, type(uint256).max);
    }

    // ------------------------------------------------------------------ approvals and sub-account 0

    function test_approveSubAccountOperator_unknownId_reverts() public {
        _create(ALICE);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.UnknownSubAccount.selector, ALICE, 2));
        vault.approveSubAccountOperator(2, ROUTER, true, 0, false, 0, 0);
    }

    function test_approveSubAccountOperator_emitsOperatorApprovedForTheSubAccount() public {
        address sub = _create(ALICE);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorApproved(sub, ROUTER, true, uint40(T0 + 1 days), false, 0);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorPriceBoundSet(sub, ROUTER, 0.01e18);
        vm.prank(ALICE);
        vault.approveSubAccountOperator(1, ROUTER, true, uint40(T0 + 1 days), false, uint40(T0 + 5), 0.01e18);
        ICollateralVault.OperatorApproval memory a = vault.operatorApproval(sub, ROUTER);
        assertTrue(a.canTrade && !a.canWithdraw, "trade only");
        assertEq(uint256(a.tradeExpiry), T0 + 1 days, "expiry");
        assertEq(uint256(a.withdrawExpiry), 0, "scope not granted: expiry 0");
        (bool live, uint64 bound) = vault.tradeScope(sub, ROUTER);
        assertTrue(live, "trade scope live");
        assertEq(uint256(bound), 0.01e18, "price bound stored with the sub-account's approval");
        assertTrue(!vault.operatorApproval(ALICE, ROUTER).canTrade, "not on the owner's own account");
    }

    function test_approveSubAccountOperator_refusesZeroAndSelf() public {
        _create(ALICE);
        vm.startPrank(ALICE);
        vm.expectRevert(ZeroAddress.selector);
        vault.approveSubAccountOperator(1, address(0), true, 0, true, 0, 0);
        vm.expectRevert(ICollateralVault.SelfOperator.selector);
        vault.approveSubAccountOperator(1, ALICE, true, 0, true, 0, 0);
        vm.expectRevert(ZeroAddress.selector);
        vault.approveOperatorForAllSubAccounts(address(0), true, 0, true, 0, 0);
        vm.expectRevert(ICollateralVault.SelfOperator.selector);
        vault.approveOperatorForAllSubAccounts(ALICE, true, 0, true, 0, 0);
        vm.stopPrank();
    }

    function test_approveOperatorForAllSubAccounts_event_storage_revoke() public {
        vm.expectEmit(true, true, false, true, address(vault));
        emit ISubAccounts.AllSubAccountsOperatorApproved(ALICE, ROUTER, false, 0, true, uint40(T0 + 9), 0);
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(ROUTER, false, uint40(T0 + 3), true, uint40(T0 + 9), 0.01e18);
        ICollateralVault.StoredApproval memory a = vault.allSubAccountsApproval(ALICE, ROUTER);
        assertTrue(!a.canTrade && a.canWithdraw, "withdraw only");
        assertEq(uint256(a.tradeExpiry), 0, "not granted: 0");
        assertEq(uint256(a.withdrawExpiry), T0 + 9, "expiry");
        assertEq(uint256(a.maxPriceDeviation), 0, "trade scope not granted: no bound");

        vm.expectEmit(true, true, false, true, address(vault));
        emit ISubAccounts.AllSubAccountsOperatorApproved(ALICE, ROUTER, false, 0, false, 0, 0);
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(ROUTER, false, 0, false, 0, 0);
        a = vault.allSubAccountsApproval(ALICE, ROUTER);
        assertTrue(!a.canTrade && !a.canWithdraw, "revoked");
        assertEq(uint256(a.withdrawExpiry), 0, "cleared");
    }

    /// @dev Sub-account 0 is the owner's address: `approveSubAccountOperator(0, …)` is
    ///      `approveOperatorWithPriceBound`, every existing view answers as before, and the owner is still not its own
    ///      operator.
    function test_subAccountZero_isTheOwnersAccount() public {
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorApproved(ALICE, ROUTER, true, 0, true, 0);
        vm.prank(ALICE);
        vault.approveSubAccountOperator(0, ROUTER, true, 0, true, 0, 0);
        assertTrue(vault.isOperator(ALICE, ROUTER), "the same approval as approveOperator");
        assertTrue(!vault.canTrade(ALICE, ALICE), "an account is not its own operator (as before)");
        assertTrue(!vault.canWithdraw(ALICE, ALICE), "nor for withdrawals");
        vm.prank(ROUTER);
        vault.withdrawFrom(ALICE, 1e6, ROUTER);
        assertEq(vault.collateralOf(ALICE), 9_999e18, "operator withdrew");
        _trade(ALICE, eth, 1e18);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "plain trade as before");
    }

    /// @dev The engine's rights read on an operator trade (`tradeScope`) resolves a sub-account as `canTrade` does:
    ///      its owner has full rights and no price bound; an approval for all sub-accounts grants the trade scope with
    ///      its own bound (none here; the bounds are in `adversarial/SubAccountPriceBound.t.sol`); a stranger has none.
    function test_tradeScope_resolvesOwnerAndAllSubAccountsApproval() public {
        address sub = _create(ALICE);
        (bool live, uint64 bound) = vault.tradeScope(sub, ALICE);
        assertTrue(live, "owner trades its sub-account");
        assertEq(bound, 0, "owner has no bound");
        (live, bound) = vault.tradeScope(sub, ROUTER);
        assertTrue(!live, "stranger");
        assertEq(bound, 0, "stranger: nothing stored");
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(ROUTER, true, 0, false, 0, 0);
        (live, bound) = vault.tradeScope(sub, ROUTER);
        assertTrue(live, "approved for all sub-accounts");
        assertEq(bound, 0, "the approval for all was given no bound");
        assertTrue(vault.canTrade(sub, ROUTER) == live, "same answer as canTrade");
    }
}
