// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../contracts/CollateralVault.sol";
import {ZeroAddress} from "../../contracts/interfaces/CommonErrors.sol";
import {ICollateralVault} from "../../contracts/interfaces/ICollateralVault.sol";
import {IWithdrawGuard} from "../../contracts/interfaces/IWithdrawGuard.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {MockFeeOnTransferUSDC} from "../../contracts/mocks/MockFeeOnTransferUSDC.sol";
import {MockBlacklistUSDC} from "../../contracts/mocks/MockBlacklistUSDC.sol";
import {TestBase} from "./utils/TestBase.sol";
import {vm} from "./utils/Vm.sol";

contract Token18 is ERC20 {
    constructor() ERC20("Eighteen", "E18") {}
}

/// @dev A guard that frees a fixed amount, standing in for the margin engine.
contract FixedGuard is IWithdrawGuard {
    uint256 public free;

    function setFree(uint256 free_) external {
        free = free_;
    }

    function withdrawableUsd(address, int256) external view returns (uint256) {
        return free;
    }
}

contract CollateralVaultTest is TestBase {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant ROUTER = address(0x5017E5);
    uint256 internal constant ONE_USDC = 1e6;

    MockUSDC internal usdc;
    CollateralVault internal vault;

    function setUp() public {
        usdc = new MockUSDC();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        usdc.mint(ALICE, 1_000_000 * ONE_USDC);
        usdc.mint(BOB, 1_000_000 * ONE_USDC);
        vm.prank(ALICE);
        usdc.approve(address(vault), type(uint256).max);
        vm.prank(BOB);
        usdc.approve(address(vault), type(uint256).max);
    }

    // ------------------------------------------------------------------ deposits

    function test_deposit_credits18DecimalUsd() public {
        vm.prank(ALICE);
        vault.deposit(1_234_567_890); // 1,234.56789 USDC
        assertEq(vault.collateralOf(ALICE), int256(1_234_567_890 * 1e12), "collateral");
        assertEq(vault.collateralOf(ALICE), int256(1234.56789e18), "collateral in USD");
        assertEq(vault.totalCollateral(), 1234.56789e18, "total");
        assertEq(usdc.balanceOf(address(vault)), 1_234_567_890, "vault tokens");
        assertEq(usdc.balanceOf(ALICE), 1_000_000 * ONE_USDC - 1_234_567_890, "alice tokens");
    }

    function test_deposit_oneUnitIsOneMicroDollar() public {
        vm.prank(ALICE);
        vault.deposit(1);
        assertEq(vault.collateralOf(ALICE), 1e12, "1 unit = 1e12");
        assertEq(vault.maxWithdraw(ALICE), 1, "max withdraw");
    }

    function test_deposit_emitsEvent() public {
        vm.expectEmit(true, true, false, true);
        emit ICollateralVault.Deposited(ALICE, ALICE, 5 * ONE_USDC, 5e18);
        vm.prank(ALICE);
        vault.deposit(5 * ONE_USDC);
    }

    function test_depositFor_creditsOtherAccount() public {
        vm.expectEmit(true, true, false, true);
        emit ICollateralVault.Deposited(ALICE, BOB, 7 * ONE_USDC, 7e18);
        vm.prank(ALICE);
        vault.depositFor(BOB, 7 * ONE_USDC);
        assertEq(vault.collateralOf(BOB), 7e18, "bob credited");
        assertEq(vault.collateralOf(ALICE), 0, "alice untouched");
        assertEq(usdc.balanceOf(ALICE), 1_000_000 * ONE_USDC - 7 * ONE_USDC, "alice paid");
    }

    function test_deposit_revertsOnZero() public {
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.ZeroAmount.selector);
        vault.deposit(0);
    }

    function test_depositFor_revertsOnZeroAccount() public {
        vm.prank(ALICE);
        vm.expectRevert(ZeroAddress.selector);
        vault.depositFor(address(0), ONE_USDC);
    }

    // ------------------------------------------------------------------ withdrawals

    function test_withdraw_exactBalances() public {
        vm.startPrank(ALICE);
        vault.deposit(100 * ONE_USDC);
        vault.withdraw(40 * ONE_USDC + 1, BOB);
        vm.stopPrank();
        assertEq(vault.collateralOf(ALICE), int256(60e18 - 1e12), "collateral left");
        assertEq(vault.totalCollateral(), 60e18 - 1e12, "total left");
        assertEq(usdc.balanceOf(BOB), 1_000_000 * ONE_USDC + 40 * ONE_USDC + 1, "receiver paid");
        assertEq(usdc.balanceOf(address(vault)), 60 * ONE_USDC - 1, "vault tokens");
    }

    function test_withdraw_emitsEvent() public {
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        vm.expectEmit(true, true, true, true);
        emit ICollateralVault.Withdrawn(ALICE, ALICE, ALICE, 3 * ONE_USDC, 3e18);
        vm.prank(ALICE);
        vault.withdraw(3 * ONE_USDC, ALICE);
    }

    function test_withdraw_wholeBalance_boundary() public {
        vm.startPrank(ALICE);
        vault.deposit(10 * ONE_USDC);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 10e18 + 1e12, 10e18)
        );
        vault.withdraw(10 * ONE_USDC + 1, ALICE);
        vault.withdraw(10 * ONE_USDC, ALICE);
        vm.stopPrank();
        assertEq(vault.collateralOf(ALICE), 0, "emptied");
        assertEq(usdc.balanceOf(ALICE), 1_000_000 * ONE_USDC, "all back");
    }

    function test_withdraw_revertsOnZeroAmount() public {
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.ZeroAmount.selector);
        vault.withdraw(0, ALICE);
    }

    function test_withdraw_revertsOnZeroReceiver() public {
        vm.prank(ALICE);
        vault.deposit(ONE_USDC);
        vm.prank(ALICE);
        vm.expectRevert(ZeroAddress.selector);
        vault.withdraw(ONE_USDC, address(0));
    }

    function test_withdraw_revertsWithNothingDeposited() public {
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 1e12, 0));
        vault.withdraw(1, BOB);
    }

    // ------------------------------------------------------------------ operators

    function test_operator_canWithdrawForAccount() public {
        vm.prank(ALICE);
        vault.deposit(50 * ONE_USDC);
        vm.expectEmit(true, true, false, true);
        emit ICollateralVault.OperatorSet(ALICE, ROUTER, true);
        vm.prank(ALICE);
        vault.setOperator(ROUTER, true);
        assertTrue(vault.isOperator(ALICE, ROUTER), "approved");

        vm.prank(ROUTER);
        vault.withdrawFrom(ALICE, 20 * ONE_USDC, ROUTER);
        assertEq(vault.collateralOf(ALICE), 30e18, "debited alice");
        assertEq(usdc.balanceOf(ROUTER), 20 * ONE_USDC, "router received");
    }

    function test_operator_revoked_cannotWithdraw() public {
        vm.startPrank(ALICE);
        vault.deposit(50 * ONE_USDC);
        vault.setOperator(ROUTER, true);
        vault.setOperator(ROUTER, false);
        vm.stopPrank();
        vm.prank(ROUTER);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, ROUTER, ALICE));
        vault.withdrawFrom(ALICE, ONE_USDC, ROUTER);
    }

    function test_withdrawFrom_byStrangerReverts() public {
        vm.prank(ALICE);
        vault.deposit(ONE_USDC);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, BOB, ALICE));
        vault.withdrawFrom(ALICE, ONE_USDC, BOB);
    }

    function test_withdrawFrom_byAccountItself() public {
        vm.startPrank(ALICE);
        vault.deposit(ONE_USDC);
        vault.withdrawFrom(ALICE, ONE_USDC, ALICE);
        vm.stopPrank();
        assertEq(vault.collateralOf(ALICE), 0, "emptied");
    }

    function test_setOperator_revertsOnSelfAndZero() public {
        vm.prank(ALICE);
        vm.expectRevert(ICollateralVault.SelfOperator.selector);
        vault.setOperator(ALICE, true);
        vm.prank(ALICE);
        vm.expectRevert(ZeroAddress.selector);
        vault.setOperator(address(0), true);
    }

    // ------------------------------------------------------------------ margin guard hook

    function test_guard_capsWithdrawals() public {
        FixedGuard guard = new FixedGuard();
        vault.setWithdrawGuard(guard);
        guard.setFree(25e18 + 5e11); // 25.0000005 USD free: 25 USDC and 0 units of the remainder
        vm.prank(ALICE);
        vault.deposit(100 * ONE_USDC);
        assertEq(vault.withdrawableUsd(ALICE), 25e18 + 5e11, "guard answer");
        assertEq(vault.maxWithdraw(ALICE), 25 * ONE_USDC, "rounded down to token units");
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 25e18 + 1e12, 25e18 + 5e11)
        );
        vault.withdraw(25 * ONE_USDC + 1, ALICE);
        vm.prank(ALICE);
        vault.withdraw(25 * ONE_USDC, ALICE);
        assertEq(vault.collateralOf(ALICE), 75e18, "left");
    }

    function test_guard_answerAboveCollateralIsCapped() public {
        FixedGuard guard = new FixedGuard();
        vault.setWithdrawGuard(guard);
        guard.setFree(1_000e18);
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        assertEq(vault.withdrawableUsd(ALICE), 10e18, "capped at collateral");
    }

    function test_setWithdrawGuard_onlyOwner() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        vault.setWithdrawGuard(IWithdrawGuard(address(1)));
    }

    // ------------------------------------------------------------------ balance managers

    function test_transferBalance_movesZeroSum() public {
        vault.setBalanceManager(address(this), true);
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        vault.transferBalance(ALICE, BOB, 3.5e18);
        assertEq(vault.collateralOf(ALICE), 6.5e18, "from");
        assertEq(vault.collateralOf(BOB), 3.5e18, "to");
        assertEq(vault.totalCollateral(), 10e18, "total unchanged");
    }

    function test_transferBalance_revertsBeyondBalance() public {
        vault.setBalanceManager(address(this), true);
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientBalance.selector, ALICE, 10e18 + 1, int256(10e18))
        );
        vault.transferBalance(ALICE, BOB, 10e18 + 1);
        vault.transferBalance(ALICE, BOB, 10e18);
        assertEq(vault.collateralOf(ALICE), 0, "emptied exactly");
    }

    function test_transferBalanceAllowingDebt_goesNegative_andBlocksWithdraw() public {
        vault.setBalanceManager(address(this), true);
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        vault.transferBalanceAllowingDebt(ALICE, BOB, 12e18);
        assertEq(vault.collateralOf(ALICE), -2e18, "negative");
        assertEq(vault.withdrawableUsd(ALICE), 0, "nothing to withdraw");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 1e12, 0));
        vault.withdraw(1, ALICE);
    }

    /// @dev totalDebt follows every crossing of zero: Alice 10 → −2 (debt 2), Bob 0 → −5 by moving 5 to Alice
    ///      (Alice +3, debt 5), a deposit of 3 repays 3 of Bob's debt (2), a move to oneself changes nothing, and
    ///      a move from Alice to Bob clears Bob (Alice 3 − 2 = 1, Bob 0, debt 0).
    function test_totalDebt_followsNegativeBalances() public {
        vault.setBalanceManager(address(this), true);
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        vault.transferBalanceAllowingDebt(ALICE, BOB, 12e18);
        assertEq(vault.totalDebt(), 2e18, "alice -2");
        vault.transferBalanceAllowingDebt(BOB, ALICE, 17e18);
        assertEq(vault.collateralOf(BOB), -5e18, "bob -5");
        assertEq(vault.collateralOf(ALICE), 15e18, "alice +15");
        assertEq(vault.totalDebt(), 5e18, "only bob");
        usdc.mint(BOB, 3 * ONE_USDC);
        vm.startPrank(BOB);
        usdc.approve(address(vault), type(uint256).max);
        vault.deposit(3 * ONE_USDC);
        vm.stopPrank();
        assertEq(vault.totalDebt(), 2e18, "partly repaid");
        vault.transferBalanceAllowingDebt(BOB, BOB, 7e18);
        assertEq(vault.collateralOf(BOB), -2e18, "a move to oneself nets out");
        assertEq(vault.totalDebt(), 2e18, "unchanged");
        vault.transferBalance(ALICE, BOB, 2e18);
        assertEq(vault.totalDebt(), 0, "cleared");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    /// @dev Any sequence of moves among three accounts: totalDebt == Σ |negative balances| and Σ positive ==
    ///      held + totalDebt.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_totalDebt_equalsSumOfNegatives(uint256[8] memory seeds) public {
        vault.setBalanceManager(address(this), true);
        address[3] memory who = [ALICE, BOB, address(0xCA201)];
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        for (uint256 i; i < seeds.length; ++i) {
            address from = who[seeds[i] % 3];
            address to = who[(seeds[i] >> 8) % 3];
            vault.transferBalanceAllowingDebt(from, to, bound(seeds[i] >> 16, 1, 30e18));
        }
        uint256 positive;
        uint256 negative;
        for (uint256 k; k < 3; ++k) {
            int256 c = vault.collateralOf(who[k]);
            if (c < 0) negative += uint256(-c);
            else positive += uint256(c);
        }
        assertEq(vault.totalDebt(), negative, "sum of negatives");
        assertEq(positive, vault.totalCollateral() + negative, "positive = held + debt");
        for (uint256 k; k < 3; ++k) {
            (int256 c, uint256 d) = vault.collateralAndDebt(who[k]);
            assertEq(c, vault.collateralOf(who[k]), "collateralAndDebt: collateral");
            assertEq(d, negative, "collateralAndDebt: debt");
        }
    }

    /// @dev collateralAndDebt(account) is (collateralOf(account), totalDebt) in one call, for any sign of the balance:
    ///      empty vault (0, 0); Alice 10 (10, 0); after moving 12 to Bob, Alice −2 and Bob 12 with debt 2; after Bob
    ///      moves 17 back, Bob −5 and Alice 15 with debt 5; an account never touched reads (0, debt).
    function test_collateralAndDebt_matchesCollateralOfAndTotalDebt() public {
        _assertCollateralAndDebt(ALICE, 0, 0);
        vault.setBalanceManager(address(this), true);
        vm.prank(ALICE);
        vault.deposit(10 * ONE_USDC);
        _assertCollateralAndDebt(ALICE, 10e18, 0);
        vault.transferBalanceAllowingDebt(ALICE, BOB, 12e18);
        _assertCollateralAndDebt(ALICE, -2e18, 2e18);
        _assertCollateralAndDebt(BOB, 12e18, 2e18);
        vault.transferBalanceAllowingDebt(BOB, ALICE, 17e18);
        _assertCollateralAndDebt(BOB, -5e18, 5e18);
        _assertCollateralAndDebt(ALICE, 15e18, 5e18);
        _assertCollateralAndDebt(ROUTER, 0, 5e18);
    }

    function _assertCollateralAndDebt(address account, int256 collateral, uint256 debt) internal view {
        (int256 c, uint256 d) = vault.collateralAndDebt(account);
        assertEq(c, collateral, "collateral");
        assertEq(d, debt, "debt");
        assertEq(c, vault.collateralOf(account), "same as collateralOf");
        assertEq(d, vault.totalDebt(), "same as totalDebt");
    }

    function test_transferBalance_onlyManager() public {
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotBalanceManager.selector, address(this)));
        vault.transferBalance(ALICE, BOB, 1);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotBalanceManager.selector, address(this)));
        vault.transferBalanceAllowingDebt(ALICE, BOB, 1);
    }

    function test_transferBalance_revertsOnZeroAmountAndAddress() public {
        vault.setBalanceManager(address(this), true);
        vm.expectRevert(ICollateralVault.ZeroAmount.selector);
        vault.transferBalanceAllowingDebt(ALICE, BOB, 0);
        vm.expectRevert(ZeroAddress.selector);
        vault.transferBalanceAllowingDebt(ALICE, address(0), 1);
    }

    function test_setBalanceManager_revertsOnZeroAndStranger() public {
        vm.expectRevert(ZeroAddress.selector);
        vault.setBalanceManager(address(0), true);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        vault.setBalanceManager(ALICE, true);
    }

    // ------------------------------------------------------------------ construction

    function test_constructor_rejects18DecimalToken() public {
        Token18 t = new Token18();
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.UnsupportedTokenDecimals.selector, uint8(18)));
        new CollateralVault(IERC20(address(t)), address(this));
    }

    function test_constructor_rejectsZeroToken() public {
        vm.expectRevert(ZeroAddress.selector);
        new CollateralVault(IERC20(address(0)), address(this));
    }

    // ------------------------------------------------------------------ unusual tokens

    function test_feeOnTransfer_depositRefused_nothingCredited() public {
        MockFeeOnTransferUSDC fot = new MockFeeOnTransferUSDC(10); // 0.1 %
        CollateralVault v = new CollateralVault(IERC20(address(fot)), address(this));
        fot.mint(ALICE, 1_000 * ONE_USDC);
        vm.prank(ALICE);
        fot.approve(address(v), type(uint256).max);
        // 1,000 USDC sent, 999 arrive: the vault refuses rather than credit 1,000.
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.UnsupportedTokenBehaviour.selector, 1_000 * ONE_USDC, 999 * ONE_USDC)
        );
        v.deposit(1_000 * ONE_USDC);
        assertEq(v.collateralOf(ALICE), 0, "nothing credited");
        assertEq(fot.balanceOf(ALICE), 1_000 * ONE_USDC, "nothing lost");
    }

    function test_feeOnTransfer_feeSwitchedOnLater_withdrawStillDebitsExactly() public {
        MockFeeOnTransferUSDC fot = new MockFeeOnTransferUSDC(0);
        CollateralVault v = new CollateralVault(IERC20(address(fot)), address(this));
        fot.mint(ALICE, 100 * ONE_USDC);
        vm.startPrank(ALICE);
        fot.approve(address(v), type(uint256).max);
        v.deposit(100 * ONE_USDC);
        vm.stopPrank();
        fot.setFeeBps(100); // 1 % from now on
        vm.prank(ALICE);
        v.withdraw(100 * ONE_USDC, ALICE);
        // The vault's own balance fell by exactly what it debited; the fee was the receiver's.
        assertEq(v.collateralOf(ALICE), 0, "debited");
        assertEq(fot.balanceOf(address(v)), 0, "vault emptied exactly");
        assertEq(fot.balanceOf(ALICE), 99 * ONE_USDC, "receiver bore the fee");
    }

    function test_blacklist_blockedReceiverReverts_balanceKept_otherReceiverWorks() public {
        MockBlacklistUSDC bl = new MockBlacklistUSDC();
        CollateralVault v = new CollateralVault(IERC20(address(bl)), address(this));
        bl.mint(ALICE, 100 * ONE_USDC);
        vm.startPrank(ALICE);
        bl.approve(address(v), type(uint256).max);
        v.deposit(100 * ONE_USDC);
        vm.stopPrank();
        bl.setBlacklisted(ALICE, true);

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(MockBlacklistUSDC.Blacklisted.selector, ALICE));
        v.withdraw(10 * ONE_USDC, ALICE);
        assertEq(v.collateralOf(ALICE), 100e18, "nothing lost on the failed withdrawal");

        vm.prank(ALICE);
        v.withdraw(10 * ONE_USDC, BOB);
        assertEq(bl.balanceOf(BOB), 10 * ONE_USDC, "withdrawn to a clean receiver");
        assertEq(v.collateralOf(ALICE), 90e18, "debited once");
    }

    function test_blacklist_blockedPayerCannotDeposit() public {
        MockBlacklistUSDC bl = new MockBlacklistUSDC();
        CollateralVault v = new CollateralVault(IERC20(address(bl)), address(this));
        bl.mint(BOB, 10 * ONE_USDC);
        vm.prank(BOB);
        bl.approve(address(v), type(uint256).max);
        bl.setBlacklisted(BOB, true);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(MockBlacklistUSDC.Blacklisted.selector, BOB));
        v.deposit(10 * ONE_USDC);
        assertEq(v.collateralOf(BOB), 0, "nothing credited");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Across the 6→18 boundary: whatever is deposited, the most that can come out is exactly it.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_depositWithdraw_neverMoreThanDeposited(uint256 amount, uint256 firstPart) public {
        amount = bound(amount, 1, 1_000_000 * ONE_USDC);
        firstPart = bound(firstPart, 1, amount);
        uint256 startBalance = usdc.balanceOf(ALICE);
        vm.startPrank(ALICE);
        vault.deposit(amount);
        assertEq(uint256(vault.collateralOf(ALICE)), amount * 1e12, "exact credit");
        vault.withdraw(firstPart, ALICE);
        uint256 rest = vault.maxWithdraw(ALICE);
        assertEq(rest, amount - firstPart, "rest");
        if (rest > 0) vault.withdraw(rest, ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 1e12, 0));
        vault.withdraw(1, ALICE);
        vm.stopPrank();
        assertEq(usdc.balanceOf(ALICE), startBalance, "got back exactly what went in");
        assertEq(vault.totalCollateral(), 0, "total");
    }

    /// @dev A balance that is not a whole number of token units (after PnL) rounds down on the way out.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_fractionalBalance_roundsDownOnWithdraw(uint256 deposited, uint256 moved) public {
        deposited = bound(deposited, 1, 1_000_000 * ONE_USDC);
        moved = bound(moved, 1, deposited * 1e12);
        vault.setBalanceManager(address(this), true);
        vm.prank(ALICE);
        vault.deposit(deposited);
        vault.transferBalance(ALICE, BOB, moved);
        uint256 aliceMax = vault.maxWithdraw(ALICE);
        uint256 bobMax = vault.maxWithdraw(BOB);
        assertEq(aliceMax, (deposited * 1e12 - moved) / 1e12, "alice rounds down");
        assertEq(bobMax, moved / 1e12, "bob rounds down");
        assertLe(aliceMax + bobMax, deposited, "never more out than in");
        if (aliceMax > 0) {
            vm.prank(ALICE);
            vault.withdraw(aliceMax, ALICE);
        }
        if (bobMax > 0) {
            vm.prank(BOB);
            vault.withdraw(bobMax, BOB);
        }
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens back the ledger");
        assertTrue(vault.collateralOf(ALICE) >= 0 && vault.collateralOf(BOB) >= 0, "no negative dust");
    }

    /// @dev A withdrawal one unit above the free amount always reverts; at the free amount it succeeds.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_withdraw_boundaryAtBalance(uint256 amount) public {
        amount = bound(amount, 1, 1_000_000 * ONE_USDC);
        vm.startPrank(ALICE);
        vault.deposit(amount);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, (amount + 1) * 1e12, amount * 1e12)
        );
        vault.withdraw(amount + 1, ALICE);
        vault.withdraw(amount, ALICE);
        vm.stopPrank();
        assertEq(vault.collateralOf(ALICE), 0, "emptied");
    }
}
