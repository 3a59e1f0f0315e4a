// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpLens} from "../../../contracts/interfaces/IPerpLens.sol";
import {ISubAccounts} from "../../../contracts/interfaces/ISubAccounts.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The lens's sub-account reads: every sub-account of an owner with its collateral, equity, withdrawable and
///         positions; one of them (unknown ids refused); and the free sub-account an isolated position should use
///         (flat, collateral exactly zero: never one in debt).
/// @dev EngineFixture: ETH at 2,000, skewScale 1M, maker 2 bp, taker 5 bp; Alice holds 10,000.
contract LensSubAccountsTest is EngineFixture {
    PerpLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = new PerpLens(engine);
    }

    function _derived(address owner, uint256 id) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(owner, id)))));
    }

    function _create() internal returns (address account) {
        vm.prank(ALICE);
        (, account) = vault.createSubAccount();
    }

    function test_getSubAccounts_listsEveryIdWithItsAccount() public {
        address one = _create();
        address two = _create();
        vm.startPrank(ALICE);
        vault.transferBetweenSubAccounts(ALICE, one, 1_000e18);
        engine.trade(one, eth, 1e18, type(uint256).max);
        vm.stopPrank();

        IPerpLens.SubAccountView[] memory list = lens.getSubAccounts(ALICE);
        assertEq(list.length, 3, "ids 0, 1, 2");
        assertEq(list[0].account, ALICE, "0: the owner");
        assertEq(list[1].account, one, "1");
        assertEq(list[2].account, two, "2");
        for (uint256 i; i < 3; ++i) {
            assertEq(list[i].id, i, "id");
            assertEq(list[i].collateral, vault.collateralOf(list[i].account), "collateral");
            assertEq(list[i].equity, engine.accountMargin(list[i].account).equity, "equity");
            assertEq(list[i].withdrawableUsd, vault.withdrawableUsd(list[i].account), "withdrawable");
            assertTrue(list[i].valuationValid, "valued");
        }
        assertEq(list[0].collateral, 9_000e18, "10,000 - 1,000");
        assertEq(list[1].markets.length, 1, "one position");
        assertEq(list[1].markets[0], eth, "in ETH");
        assertEq(int256(list[1].positions[0].size), 1e18, "size");
        assertEq(list[0].markets.length, 0, "the owner holds none");
        assertTrue(!list[0].free, "sub-account 0 is never free");
        assertTrue(!list[1].free, "holds a position");
        assertTrue(list[2].free, "flat and empty");

        assertEq(lens.getSubAccounts(BOB).length, 1, "an owner without sub-accounts: its own account");
    }

    function test_getSubAccount_unknownId_reverts() public {
        _create();
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.UnknownSubAccount.selector, ALICE, 2));
        lens.getSubAccount(ALICE, 2);
        assertEq(lens.getSubAccount(ALICE, 1).account, _derived(ALICE, 1), "id 1 exists");
    }

    /// @dev No sub-account yet: the next one to create. A free one (flat, collateral 0) is reused; one with
    ///      collateral, a position or debt is skipped.
    function test_nextFreeSubAccount_rules() public {
        (uint256 id, address account, bool exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 1, "none yet: create id 1");
        assertEq(account, _derived(ALICE, 1), "its address");
        assertTrue(!exists, "to create");

        address one = _create();
        (id, account, exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 1, "the new one is free");
        assertEq(account, one, "address");
        assertTrue(exists, "exists");

        // Collateral, even one wei, makes it busy.
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(ALICE, one, 1);
        (id, account, exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 2, "skips a funded one");
        assertTrue(!exists, "id 2 to create");

        // Debt (a bankrupt sub-account awaiting ADL) is never reused, even after its collateral is moved away.
        address two = _create();
        vault.setBalanceManager(address(this), true);
        vault.transferBalanceAllowingDebt(two, BOB, 1);
        (id,, exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 3, "skips one in debt");
        assertTrue(!lens.getSubAccount(ALICE, 2).free, "in debt: not free");

        // Sweeping sub-account 1 back to exactly zero frees it again.
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, ALICE, 1);
        (id, account, exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 1, "reused");
        assertTrue(exists, "exists");
    }

    /// @dev A failing oracle of a market the sub-account trades flags its valuation instead of reverting the list.
    function test_failingOracle_flaggedNotReverted() public {
        address one = _create();
        vm.startPrank(ALICE);
        vault.transferBetweenSubAccounts(ALICE, one, 1_000e18);
        engine.trade(one, eth, 1e18, type(uint256).max);
        vm.stopPrank();
        ethOracle.setFailing(true);
        IPerpLens.SubAccountView[] memory list = lens.getSubAccounts(ALICE);
        assertTrue(list[0].valuationValid, "flat owner account: no oracle needed");
        assertEq(list[1].collateral, vault.collateralOf(one), "collateral still read");
        assertEq(list[1].markets.length, 1, "positions still read");
    }
}
