// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Dust griefing of free sub-accounts: anyone may `depositFor` any address, so a stranger can put one USDC unit
///         into an owner's free sub-account (or into the address its next sub-account will take) to make it "busy".
///         The attack costs the griefer the unit and a transaction per sub-account and costs the owner nothing: the
///         gift becomes the owner's (it can be swept back like any collateral), the next isolated position takes the
///         next free id, and a sub-account created at a pre-funded address keeps the gift as collateral. No deposit
///         can take collateral away or put a sub-account into debt.
/// @dev EngineFixture: ETH at 2,000; Alice and Bob hold 10,000 USDC each in the vault and 0 in their wallets; Carol is
///      the griefer with her own USDC.
contract SubAccountDustGriefingTest is EngineFixture {
    PerpLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = new PerpLens(engine);
        usdc.mint(CAROL, 10e6);
        vm.prank(CAROL);
        usdc.approve(address(vault), type(uint256).max);
    }

    function _derived(address owner, uint256 id) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(owner, id)))));
    }

    function test_dustInAFreeSubAccount_skipsIt_theOwnerKeepsTheGift() public {
        vm.prank(ALICE);
        (, address one) = vault.createSubAccount();
        (uint256 id,, bool exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 1, "free before the dust");
        assertTrue(exists, "exists");

        vm.prank(CAROL);
        vault.depositFor(one, 1);
        assertEq(usdc.balanceOf(CAROL), 10e6 - 1, "the griefer paid one unit");
        assertEq(vault.collateralOf(one), 1e12, "the unit, in 18-decimal USD, is the sub-account's");
        (id,, exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 2, "busy: the next isolated position takes id 2");
        assertTrue(!exists, "to create");

        // The owner sweeps the gift home and sub-account 1 is free again; the vault still adds up.
        uint256 aliceBefore = uint256(vault.collateralOf(ALICE));
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, ALICE, 1e12);
        assertEq(uint256(vault.collateralOf(ALICE)), aliceBefore + 1e12, "the gift is the owner's");
        (id,, exists) = lens.nextFreeSubAccount(ALICE);
        assertEq(id, 1, "free again");
        assertTrue(exists, "exists");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "the vault holds what it owes");
    }

    function test_dustAtTheNextAddress_isKeptByTheCreatedSubAccount() public {
        address next = _derived(ALICE, 1);
        vm.prank(CAROL);
        vault.depositFor(next, 1);
        assertEq(vault.subAccountOwner(next), next, "before creation it is a plain address");

        vm.prank(ALICE);
        (uint256 id, address account) = vault.createSubAccount();
        assertEq(id, 1, "id 1");
        assertEq(account, next, "at the pre-funded address");
        assertEq(vault.subAccountOwner(next), ALICE, "now Alice's");
        assertEq(vault.collateralOf(next), 1e12, "the gift stays as its collateral");
        // Alice can move it, Carol cannot.
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, CAROL, next));
        vault.transferBetweenSubAccounts(next, CAROL, 1e12);
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(next, ALICE, 1e12);
        assertEq(vault.collateralOf(next), 0, "swept");
    }

    function test_dustNeverPutsASubAccountInDebt_orMovesItsPosition() public {
        vm.startPrank(ALICE);
        (, address one) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, one, 1_000e18);
        engine.trade(one, eth, 1e18, type(uint256).max);
        vm.stopPrank();
        int256 before = vault.collateralOf(one);
        int256 equityBefore = engine.accountMargin(one).equity;

        vm.prank(CAROL);
        vault.depositFor(one, 1);
        assertEq(vault.collateralOf(one), before + 1e12, "only adds");
        assertEq(engine.accountMargin(one).equity, equityBefore + 1e12, "equity up by the gift exactly");
        assertEq(int256(engine.position(one, eth).size), 1e18, "the position untouched");
    }
}
