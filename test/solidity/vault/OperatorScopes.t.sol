// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {ZeroAddress} from "../../../contracts/interfaces/CommonErrors.sol";
import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {TestBase} from "../utils/TestBase.sol";
import {Vm, vm} from "../utils/Vm.sol";

/// @notice Scoped operator approvals in the collateral vault: a trade scope and a withdraw scope, each with its own
///         expiry (live while `block.timestamp < expiry`, or always when the expiry is 0), and the trade scope's
///         optional price bound, in one storage slot.
contract OperatorScopesTest is TestBase {
    address internal constant ALICE = address(0xA11CE);
    address internal constant ROUTER = address(0x5017E5);
    uint256 internal constant ONE_USDC = 1e6;
    uint256 internal constant T0 = 1_700_000_000;
    /// @dev The vault's storage: Ownable `_owner` (0), Ownable2Step `_pendingOwner` (1), `_collateral` (2),
    ///      `_operators` (3). ReentrancyGuardTransient keeps nothing in storage.
    uint256 internal constant OPERATORS_SLOT = 3;

    MockUSDC internal usdc;
    CollateralVault internal vault;

    function setUp() public {
        vm.warp(T0);
        usdc = new MockUSDC();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        usdc.mint(ALICE, 1_000 * ONE_USDC);
        vm.startPrank(ALICE);
        usdc.approve(address(vault), type(uint256).max);
        vault.deposit(100 * ONE_USDC);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ helpers

    function _approve(bool t, uint40 te, bool w, uint40 we) private {
        vm.prank(ALICE);
        vault.approveOperator(ROUTER, t, te, w, we);
    }

    function _expectApproved(bool t, uint40 te, bool w, uint40 we) private {
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorApproved(ALICE, ROUTER, t, te, w, we);
    }

    function _assertStored(bool t, uint40 te, bool w, uint40 we, string memory what) private view {
        ICollateralVault.OperatorApproval memory a = vault.operatorApproval(ALICE, ROUTER);
        assertTrue(a.canTrade == t, what);
        assertEq(uint256(a.tradeExpiry), uint256(te), what);
        assertTrue(a.canWithdraw == w, what);
        assertEq(uint256(a.withdrawExpiry), uint256(we), what);
    }

    function _slot() private pure returns (bytes32) {
        return keccak256(abi.encode(ROUTER, keccak256(abi.encode(ALICE, OPERATORS_SLOT))));
    }

    function _withdrawRefused(uint256 amount) private {
        vm.prank(ROUTER);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, ROUTER, ALICE));
        vault.withdrawFrom(ALICE, amount, ROUTER);
    }

    // ------------------------------------------------------------------ scopes

    function test_tradeOnly_cannotWithdraw() public {
        _expectApproved(true, 0, false, 0);
        _approve(true, 0, false, 0);
        _assertStored(true, 0, false, 0, "trade only");
        assertTrue(vault.canTrade(ALICE, ROUTER), "may trade");
        assertTrue(!vault.canWithdraw(ALICE, ROUTER), "may not withdraw");
        assertTrue(!vault.isOperator(ALICE, ROUTER), "not a full operator");
        _withdrawRefused(ONE_USDC);
        assertEq(vault.collateralOf(ALICE), 100e18, "collateral untouched");
        assertEq(usdc.balanceOf(ROUTER), 0, "nothing sent");
    }

    function test_withdrawOnly_withdrawsButCannotTrade() public {
        _expectApproved(false, 0, true, 0);
        _approve(false, 0, true, 0);
        assertTrue(!vault.canTrade(ALICE, ROUTER), "may not trade");
        assertTrue(vault.canWithdraw(ALICE, ROUTER), "may withdraw");
        vm.prank(ROUTER);
        vault.withdrawFrom(ALICE, 20 * ONE_USDC, ROUTER);
        // 100 USD − 20 USDC × 1e12 = 80e18
        assertEq(vault.collateralOf(ALICE), 80e18, "debited");
        assertEq(usdc.balanceOf(ROUTER), 20 * ONE_USDC, "received");
    }

    function test_withdrawExpiry_toTheSecond() public {
        uint40 expiry = uint40(T0 + 1 hours);
        _approve(false, 0, true, expiry);
        vm.warp(expiry - 1);
        assertTrue(vault.canWithdraw(ALICE, ROUTER), "live at expiry - 1");
        vm.prank(ROUTER);
        vault.withdrawFrom(ALICE, ONE_USDC, ROUTER);
        assertEq(vault.collateralOf(ALICE), 99e18, "withdrew at expiry - 1");
        vm.warp(expiry);
        assertTrue(!vault.canWithdraw(ALICE, ROUTER), "dead at expiry");
        _withdrawRefused(ONE_USDC);
        // The stored approval is unchanged: only the clock killed it.
        _assertStored(false, 0, true, expiry, "still stored");
    }

    function test_tradeExpiry_toTheSecond() public {
        uint40 expiry = uint40(T0 + 30 days);
        _approve(true, expiry, true, 0);
        vm.warp(expiry - 1);
        assertTrue(vault.canTrade(ALICE, ROUTER), "live at expiry - 1");
        assertTrue(vault.isOperator(ALICE, ROUTER), "both live at expiry - 1");
        vm.warp(expiry);
        assertTrue(!vault.canTrade(ALICE, ROUTER), "dead at expiry");
        assertTrue(!vault.isOperator(ALICE, ROUTER), "not both live at expiry");
        // The other scope keeps its own (absent) expiry.
        assertTrue(vault.canWithdraw(ALICE, ROUTER), "withdraw scope unaffected");
    }

    function test_expiryOfScopeNotGranted_isStoredAsZero() public {
        _expectApproved(true, uint40(T0 + 100), false, 0);
        _approve(true, uint40(T0 + 100), false, uint40(T0 + 555));
        _assertStored(true, uint40(T0 + 100), false, 0, "withdraw expiry dropped");
    }

    function test_pastExpiry_grantsNothingLive() public {
        // An expiry at the current second is already dead (the rule is block.timestamp < expiry).
        _expectApproved(true, uint40(T0), true, uint40(T0 - 1));
        _approve(true, uint40(T0), true, uint40(T0 - 1));
        assertTrue(!vault.canTrade(ALICE, ROUTER), "trade dead");
        assertTrue(!vault.canWithdraw(ALICE, ROUTER), "withdraw dead");
        _withdrawRefused(ONE_USDC);
    }

    function test_approval_isOneSlot_packedAsDeclared() public {
        uint40 te = uint40(T0 + 7 days);
        uint40 we = type(uint40).max;
        _approve(true, te, true, we);
        // Struct packing, low bytes first: canTrade (byte 0), tradeExpiry (bytes 1-5), canWithdraw (byte 6),
        // withdrawExpiry (bytes 7-11).
        uint256 expected = 1 | (uint256(te) << 8) | (uint256(1) << 48) | (uint256(we) << 56);
        assertEq(uint256(vm.load(address(vault), _slot())), expected, "packed word");
        assertEq(uint256(vm.load(address(vault), bytes32(uint256(_slot()) + 1))), 0, "nothing in the next slot");
    }

    // ------------------------------------------------------------------ revoking

    function test_revoke_byApproveOperator_clearsTheSlot() public {
        _approve(true, 0, true, uint40(T0 + 1 days));
        assertTrue(uint256(vm.load(address(vault), _slot())) != 0, "stored");
        _expectApproved(false, 0, false, 0);
        _approve(false, uint40(T0 + 5), false, uint40(T0 + 5));
        _assertStored(false, 0, false, 0, "revoked");
        assertEq(uint256(vm.load(address(vault), _slot())), 0, "slot cleared");
        assertTrue(!vault.canTrade(ALICE, ROUTER), "no trade");
        _withdrawRefused(ONE_USDC);
    }

    function test_revoke_oneScope_keepsTheOther() public {
        _approve(true, 0, true, 0);
        _approve(true, 0, false, 0);
        assertTrue(vault.canTrade(ALICE, ROUTER), "trade kept");
        _withdrawRefused(ONE_USDC);
    }

    function test_revoke_bySetOperatorFalse_clearsScopedApproval() public {
        _approve(true, uint40(T0 + 1 days), false, 0);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorApproved(ALICE, ROUTER, false, 0, false, 0);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorSet(ALICE, ROUTER, false);
        vm.prank(ALICE);
        vault.setOperator(ROUTER, false);
        assertEq(uint256(vm.load(address(vault), _slot())), 0, "slot cleared");
        assertTrue(!vault.canTrade(ALICE, ROUTER), "no trade");
    }

    // ------------------------------------------------------------------ setOperator compatibility

    function test_setOperatorTrue_grantsBothScopesWithoutExpiry_andEmitsBothEvents() public {
        // A scoped, expiring approval first: setOperator replaces it.
        _approve(true, uint40(T0 + 10), false, 0);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorApproved(ALICE, ROUTER, true, 0, true, 0);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorSet(ALICE, ROUTER, true);
        vm.prank(ALICE);
        vault.setOperator(ROUTER, true);
        _assertStored(true, 0, true, 0, "full, no expiry");
        vm.warp(type(uint40).max);
        assertTrue(vault.isOperator(ALICE, ROUTER), "still a full operator at the end of uint40 time");
        vm.prank(ROUTER);
        vault.withdrawFrom(ALICE, 10 * ONE_USDC, ROUTER);
        assertEq(vault.collateralOf(ALICE), 90e18, "withdrew");
    }

    function test_isOperator_meansBothScopesLive() public {
        _approve(true, 0, false, 0);
        assertTrue(!vault.isOperator(ALICE, ROUTER), "trade only");
        _approve(false, 0, true, 0);
        assertTrue(!vault.isOperator(ALICE, ROUTER), "withdraw only");
        _approve(true, 0, true, 0);
        assertTrue(vault.isOperator(ALICE, ROUTER), "both");
    }

    function test_approveOperator_revertsOnZeroAndSelf() public {
        vm.prank(ALICE);
        vm.expectRevert(ZeroAddress.selector);
        vault.approveOperator(address(0), true, 0, false, 0);
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.SelfOperator.selector);
        vault.approveOperator(ALICE, true, 0, false, 0);
        // A revocation is checked the same way.
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.SelfOperator.selector);
        vault.approveOperator(ALICE, false, 0, false, 0);
    }

    function test_approvals_arePerAccount() public {
        _approve(true, 0, true, 0);
        // ROUTER is ALICE's operator, not BOB's, and BOB's approval of ROUTER does not reach ALICE's.
        address bob = address(0xB0B);
        assertTrue(!vault.canTrade(bob, ROUTER), "bob approved nothing");
        vm.prank(bob);
        vault.approveOperator(ROUTER, false, 0, false, 0);
        assertTrue(vault.canWithdraw(ALICE, ROUTER), "alice's approval kept");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev The views and withdrawFrom against a second implementation of the rule, at a clock placed on either
    ///      side of either expiry (or anywhere) after the approval.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_scopesLiveIffBeforeExpiry(bool t, uint40 te, bool w, uint40 we, uint256 seed, uint8 mode)
        public
    {
        _approve(t, te, w, we);
        uint256 at;
        uint256 offset = seed % 3; // expiry - 1, expiry, expiry + 1
        if (mode % 3 == 0) at = uint256(te) + offset;
        else if (mode % 3 == 1) at = uint256(we) + offset;
        else at = bound(seed, 0, uint256(type(uint40).max) + 1);
        at = at == 0 ? 0 : at - 1;
        vm.warp(at);

        bool tradeLive = t && (te == 0 || at < te);
        bool withdrawLive = w && (we == 0 || at < we);
        assertTrue(vault.canTrade(ALICE, ROUTER) == tradeLive, "canTrade");
        assertTrue(vault.canWithdraw(ALICE, ROUTER) == withdrawLive, "canWithdraw");
        assertTrue(vault.isOperator(ALICE, ROUTER) == (tradeLive && withdrawLive), "isOperator");
        _assertStored(t, t ? te : 0, w, w ? we : 0, "stored");

        if (withdrawLive) {
            vm.prank(ROUTER);
            vault.withdrawFrom(ALICE, ONE_USDC, ROUTER);
            assertEq(vault.collateralOf(ALICE), 99e18, "withdrew 1 USDC");
        } else {
            _withdrawRefused(ONE_USDC);
            assertEq(vault.collateralOf(ALICE), 100e18, "untouched");
        }
    }

    // ------------------------------------------------------------------ price bound

    function _approveBounded(bool t, uint40 te, bool w, uint40 we, uint64 b) private {
        vm.prank(ALICE);
        vault.approveOperatorWithPriceBound(ROUTER, t, te, w, we, b);
    }

    function _assertScope(bool live, uint64 b, string memory what) private view {
        (bool l, uint64 stored) = vault.tradeScope(ALICE, ROUTER);
        assertTrue(l == live, what);
        assertEq(uint256(stored), uint256(b), what);
        assertTrue(vault.canTrade(ALICE, ROUTER) == live, what);
    }

    function test_priceBound_storedInTheSameSlot_andEmittedAfterTheApproval() public {
        uint40 te = uint40(T0 + 7 days);
        uint40 we = type(uint40).max;
        uint64 b = 0.0025e18;
        _expectApproved(true, te, true, we);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorPriceBoundSet(ALICE, ROUTER, b);
        _approveBounded(true, te, true, we, b);
        _assertStored(true, te, true, we, "scopes as without a bound");
        _assertScope(true, b, "live, with its bound");
        // The bound in bytes 12-19, after the fields of the approval as before.
        uint256 expected = 1 | (uint256(te) << 8) | (uint256(1) << 48) | (uint256(we) << 56) | (uint256(b) << 96);
        assertEq(uint256(vm.load(address(vault), _slot())), expected, "packed word");
        assertEq(uint256(vm.load(address(vault), bytes32(uint256(_slot()) + 1))), 0, "nothing in the next slot");
        // The cap itself, 100 %, is accepted.
        _approveBounded(true, 0, false, 0, 1e18);
        _assertScope(true, 1e18, "100 %");
    }

    function test_priceBound_aboveOneHundredPercent_reverts() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.PriceDeviationTooLarge.selector, 1e18 + 1, 1e18));
        vault.approveOperatorWithPriceBound(ROUTER, true, 0, false, 0, 1e18 + 1);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.PriceDeviationTooLarge.selector, type(uint64).max, 1e18)
        );
        vault.approveOperatorWithPriceBound(ROUTER, true, 0, false, 0, type(uint64).max);
        // The zero and self checks hold as for `approveOperator`.
        vm.prank(ALICE);
        vm.expectRevert(ZeroAddress.selector);
        vault.approveOperatorWithPriceBound(address(0), true, 0, false, 0, 1);
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.SelfOperator.selector);
        vault.approveOperatorWithPriceBound(ALICE, true, 0, false, 0, 1);
    }

    /// @dev A bound is a trade-scope setting: given without the trade scope it is stored and emitted as 0; given with
    ///      no scope at all the slot is cleared.
    function test_priceBound_withoutTradeScope_isStoredAsZero() public {
        _expectApproved(false, 0, true, 0);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorPriceBoundSet(ALICE, ROUTER, 0);
        _approveBounded(false, uint40(T0 + 9), true, 0, 0.01e18);
        _assertScope(false, 0, "no trade scope, no bound");
        assertEq(uint256(vm.load(address(vault), _slot())), uint256(1) << 48, "only the withdraw flag");

        _approveBounded(true, 0, false, 0, 0.01e18);
        vm.expectEmit(true, true, false, true, address(vault));
        emit ICollateralVault.OperatorPriceBoundSet(ALICE, ROUTER, 0);
        _approveBounded(false, 0, false, 0, 0.01e18);
        assertEq(uint256(vm.load(address(vault), _slot())), 0, "slot cleared");
    }

    /// @dev `approveOperator` and `setOperator` replace the approval with no bound and emit what they emitted before:
    ///      no `OperatorPriceBoundSet`.
    function test_priceBound_clearedByApproveOperatorAndSetOperator_withTheirOwnEvents() public {
        _approveBounded(true, 0, false, 0, 0.01e18);
        vm.recordLogs();
        _approve(true, 0, false, 0);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1, "one event");
        assertTrue(logs[0].topics[0] == ICollateralVault.OperatorApproved.selector, "OperatorApproved");
        _assertScope(true, 0, "bound cleared by approveOperator");

        _approveBounded(true, 0, false, 0, 0.01e18);
        vm.recordLogs();
        vm.prank(ALICE);
        vault.setOperator(ROUTER, true);
        logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "two events");
        assertTrue(logs[0].topics[0] == ICollateralVault.OperatorApproved.selector, "OperatorApproved");
        assertTrue(logs[1].topics[0] == ICollateralVault.OperatorSet.selector, "OperatorSet");
        _assertScope(true, 0, "bound cleared by setOperator");
    }

    /// @dev An expired scope keeps its stored bound (as it keeps its expiry) but is not live.
    function test_priceBound_keptWhenExpired() public {
        uint40 te = uint40(T0 + 1 hours);
        _approveBounded(true, te, false, 0, 0.005e18);
        vm.warp(te - 1);
        _assertScope(true, 0.005e18, "live at expiry - 1");
        vm.warp(te);
        _assertScope(false, 0.005e18, "dead at expiry, bound still stored");
    }

    /// @dev `tradeScope` against a second implementation of the rule, the bound stored only with the trade scope.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_tradeScope(bool t, uint40 te, bool w, uint40 we, uint64 b, uint256 at) public {
        b = uint64(bound(b, 0, 1e18));
        _approveBounded(t, te, w, we, b);
        at = bound(at, 0, uint256(type(uint40).max) + 1);
        vm.warp(at);
        _assertScope(t && (te == 0 || at < te), t ? b : 0, "tradeScope");
        _assertStored(t, t ? te : 0, w, w ? we : 0, "stored");
        assertTrue(vault.canWithdraw(ALICE, ROUTER) == (w && (we == 0 || at < we)), "canWithdraw");
    }
}
