// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {CollateralVault} from "../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../contracts/InsuranceFund.sol";
import {ZeroAddress} from "../../contracts/interfaces/CommonErrors.sol";
import {ICollateralVault} from "../../contracts/interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {TestBase} from "./utils/TestBase.sol";
import {vm} from "./utils/Vm.sol";

/// @dev The insurance fund on its own, over a real collateral vault: who may draw on it, that a payout never exceeds
///      its balance (so it never goes negative), the totals by reason, and the events.
contract InsuranceFundTest is TestBase {
    address internal constant OWNER = address(0x0A11);
    address internal constant PAYER = address(0x9A7E5);
    address internal constant KEEPER = address(0x4EE9E5);
    address internal constant ALICE = address(0xA11CE);
    uint256 internal constant ONE_USDC = 1e6;
    /// @dev The fund's seed: 1,000 USDC = 1,000e18 USD in the vault's 18-decimal ledger.
    uint256 internal constant SEED_USD = 1_000e18;

    MockUSDC internal usdc;
    CollateralVault internal vault;
    InsuranceFund internal fund;

    function setUp() public {
        usdc = new MockUSDC();
        vault = new CollateralVault(usdc, address(this));
        fund = new InsuranceFund(ICollateralVault(address(vault)), OWNER);
        vault.setBalanceManager(address(fund), true);
        // This test stands in for the engines, which move balances to and from the fund.
        vault.setBalanceManager(address(this), true);
        vm.prank(OWNER);
        fund.setPayer(PAYER, true);
        usdc.mint(address(this), 1_000 * ONE_USDC);
        usdc.approve(address(vault), type(uint256).max);
        vault.depositFor(address(fund), 1_000 * ONE_USDC);
    }

    // ------------------------------------------------------------------ set-up and permissions

    function test_constructor_zeroVault_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(ZeroAddress.selector));
        new InsuranceFund(ICollateralVault(address(0)), OWNER);
    }

    function test_balance_isTheFundsCollateral() public view {
        assertEq(fund.balance(), SEED_USD, "1,000 USDC deposited = 1,000e18 USD");
        assertEq(uint256(vault.collateralOf(address(fund))), SEED_USD, "held in the fund's own vault account");
    }

    function test_setPayer_onlyOwner_eventAndZeroAddress() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        fund.setPayer(ALICE, true);

        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(ZeroAddress.selector));
        fund.setPayer(address(0), true);

        vm.expectEmit(address(fund));
        emit IInsuranceFund.PayerSet(ALICE, true);
        vm.prank(OWNER);
        fund.setPayer(ALICE, true);
        assertTrue(fund.isPayer(ALICE), "approved");

        vm.expectEmit(address(fund));
        emit IInsuranceFund.PayerSet(ALICE, false);
        vm.prank(OWNER);
        fund.setPayer(ALICE, false);
        assertTrue(!fund.isPayer(ALICE), "revoked");
    }

    function test_pay_notPayer_revertsAndMovesNothing() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.NotPayer.selector, ALICE));
        fund.pay(ALICE, 1e18, "badDebt");
        assertEq(fund.balance(), SEED_USD, "balance unchanged");
    }

    function test_pay_revokedPayer_reverts() public {
        vm.prank(OWNER);
        fund.setPayer(PAYER, false);
        vm.prank(PAYER);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.NotPayer.selector, PAYER));
        fund.pay(ALICE, 1e18, "badDebt");
    }

    function test_pay_zeroRecipient_reverts() public {
        vm.prank(PAYER);
        vm.expectRevert(abi.encodeWithSelector(ZeroAddress.selector));
        fund.pay(address(0), 1e18, "badDebt");
    }

    // ------------------------------------------------------------------ payouts

    function test_pay_withinBalance_paysInFullAndCountsBadDebt() public {
        uint256 amount = 250e18 + 7; // not a whole USDC unit: the ledger is 18 decimals
        vm.expectEmit(address(fund));
        emit IInsuranceFund.Paid(ALICE, amount, amount, "badDebt");
        vm.prank(PAYER);
        uint256 paid = fund.pay(ALICE, amount, "badDebt");

        assertEq(paid, amount, "paid in full");
        assertEq(fund.balance(), SEED_USD - amount, "750e18 - 7 left");
        assertEq(uint256(vault.collateralOf(ALICE)), amount, "to the recipient's collateral");
        assertEq(fund.totalBadDebtCovered(), amount, "counted as bad debt");
        assertEq(fund.totalKeeperRewardsPaid(), 0, "not as a reward");
    }

    /// @dev ±1 wei around the balance: one below leaves 1 wei; the balance and one above both pay exactly the balance.
    function test_pay_boundaryAtBalance() public {
        uint256 snapshot = vm.snapshotState();
        vm.prank(PAYER);
        assertEq(fund.pay(ALICE, SEED_USD - 1, "badDebt"), SEED_USD - 1, "balance - 1: in full");
        assertEq(fund.balance(), 1, "1 wei left");
        vm.revertToState(snapshot);

        vm.prank(PAYER);
        assertEq(fund.pay(ALICE, SEED_USD, "badDebt"), SEED_USD, "balance: in full");
        assertEq(fund.balance(), 0, "empty");
        vm.revertToState(snapshot);

        vm.expectEmit(address(fund));
        emit IInsuranceFund.Paid(ALICE, SEED_USD, SEED_USD + 1, "badDebt");
        vm.prank(PAYER);
        assertEq(fund.pay(ALICE, SEED_USD + 1, "badDebt"), SEED_USD, "balance + 1: only the balance");
        assertEq(fund.balance(), 0, "empty, never negative");
        assertEq(vault.collateralOf(address(fund)), int256(0), "the fund's account is exactly 0");
        assertEq(fund.totalBadDebtCovered(), SEED_USD, "counts what was paid, not what was asked");
    }

    function test_pay_keeperReward_countedSeparately_otherReasonsCountedNowhere() public {
        vm.startPrank(PAYER);
        fund.pay(KEEPER, 5e18, "keeperReward");
        fund.pay(KEEPER, 3e18, "other");
        vm.stopPrank();
        assertEq(fund.totalKeeperRewardsPaid(), 5e18, "reward total");
        assertEq(fund.totalBadDebtCovered(), 0, "no bad debt");
        assertEq(uint256(vault.collateralOf(KEEPER)), 8e18, "both paid");
        assertEq(fund.balance(), SEED_USD - 8e18, "992e18 left");
    }

    function test_pay_emptyFund_paysNothing() public {
        vm.prank(PAYER);
        fund.pay(ALICE, SEED_USD, "badDebt");
        vm.prank(PAYER);
        uint256 paid = fund.pay(ALICE, 1e18, "badDebt");
        assertEq(paid, 0, "nothing to pay");
        assertEq(uint256(vault.collateralOf(ALICE)), SEED_USD, "no transfer (the vault refuses a zero move)");
        assertEq(fund.totalBadDebtCovered(), SEED_USD, "totals unchanged");
    }

    /// @dev A fund account in debt (an engine moved more out than it held) reads as an empty fund: `pay` pays 0.
    function test_balance_negativeCollateral_readsZero() public {
        vault.transferBalanceAllowingDebt(address(fund), ALICE, SEED_USD + 5e18);
        assertEq(vault.collateralOf(address(fund)), -int256(5e18), "5e18 of debt");
        assertEq(fund.balance(), 0, "balance floors at 0");
        vm.prank(PAYER);
        assertEq(fund.pay(ALICE, 1e18, "badDebt"), 0, "pays nothing");
        assertEq(vault.collateralOf(address(fund)), -int256(5e18), "debt unchanged");
    }

    /// @dev Any sequence of requests: each pays min(request, balance), the fund never goes negative, and what left it
    ///      equals what the recipients received and what the totals count.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_pay_neverExceedsBalance(uint256 a, uint256 b, uint256 c, uint256 reasons) public {
        uint256[3] memory asks = [bound(a, 0, 2 * SEED_USD), bound(b, 0, 2 * SEED_USD), bound(c, 0, 2 * SEED_USD)];
        uint256 expectedLeft = SEED_USD;
        uint256 expectedBadDebt;
        uint256 expectedRewards;
        for (uint256 i; i < 3; ++i) {
            bytes32 reason = (reasons >> i) & 1 == 0 ? bytes32("badDebt") : bytes32("keeperReward");
            uint256 expectedPaid = asks[i] < expectedLeft ? asks[i] : expectedLeft;
            vm.prank(PAYER);
            uint256 paid = fund.pay(ALICE, asks[i], reason);
            assertEq(paid, expectedPaid, "min(request, balance)");
            expectedLeft -= expectedPaid;
            if (reason == bytes32("badDebt")) expectedBadDebt += expectedPaid;
            else expectedRewards += expectedPaid;
            assertGe(vault.collateralOf(address(fund)), int256(0), "never negative");
        }
        assertEq(fund.balance(), expectedLeft, "balance");
        assertEq(uint256(vault.collateralOf(ALICE)), SEED_USD - expectedLeft, "received = what left the fund");
        assertEq(fund.totalBadDebtCovered(), expectedBadDebt, "bad-debt total");
        assertEq(fund.totalKeeperRewardsPaid(), expectedRewards, "reward total");
    }
}
