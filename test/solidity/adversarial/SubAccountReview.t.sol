// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {ISubAccounts} from "../../../contracts/interfaces/ISubAccounts.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MaliciousReceiver} from "../../../contracts/mocks/MaliciousReceiver.sol";
import {MockHookUSDC} from "../../../contracts/mocks/MockHookUSDC.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Adversarial review of sub-accounts on the engine fixture. Each test is an attack that must fail:
///         - a transfer between sub-accounts cannot take the funding a position owes, nor more than the worst case of a
///           market whose oracle fails (and such a market freezes no other sub-account's transfers);
///         - an address before `createSubAccount` cannot be given a position, a debt or an operator by anyone, its
///           future owner included, so a sub-account is always created flat and never in debt;
///         - a plain account's record never reads as a sub-account's, whatever its bits (−1: every bit but 255 set;
///           the int255 range ends, ±1);
///         - collateral moved between sub-accounts is exact (no rounding to farm).
/// @dev EngineFixture (ETH at 2,000; Alice and Bob 10,000 USDC each; the counterparty LP a plain account with 1M) plus
///      an exact market XAU at 2,000 (no premium, fees or minimum margin, τ = 0: fill = fair = oracle) with funding
///      interest 0.00625 %/h (the clamp, so the hourly rate is exactly that at premium 0) and one tier (10x, mmr 5 %),
///      breaker band 15 % (the listing default). Alice's sub-accounts 1 and 2 hold 1,000 USD each; sub-account 1 buys
///      1 XAU at 2,000: IM 200, so it may move 800 now.
contract SubAccountReviewTest is EngineFixture {
    address internal constant AGENT = address(0xA6E27);
    address internal constant DAN = address(0xDA2);

    MockOracleAdapter internal xauOracle;
    uint256 internal xau;
    address internal one;
    address internal two;

    function setUp() public override {
        super.setUp();
        xauOracle = new MockOracleAdapter(2_000e18);
        MarketParams memory p = exactParams(xauOracle);
        p.fundingInterest = 0.0000625e18;
        xau = engine.listMarket("XAU", p, oneTier(10e18, 0.05e18));
        vm.startPrank(ALICE);
        (, one) = vault.createSubAccount();
        (, two) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, one, 1_000e18);
        vault.transferBetweenSubAccounts(ALICE, two, 1_000e18);
        assertEq(engine.trade(one, xau, 1e18, type(uint256).max), 2_000e18, "fill = oracle");
        vm.stopPrank();
    }

    function _derived(address owner, uint256 id) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(owner, id)))));
    }

    function _refusedOver(address from, address to, uint256 withdrawable) internal {
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, withdrawable + 1, withdrawable)
        );
        vault.transferBetweenSubAccounts(from, to, withdrawable + 1);
    }

    function test_setUp_movesEightHundred() public view {
        assertEq(vault.collateralOf(one), 1_000e18, "no fee");
        assertEq(vault.withdrawableUsd(one), 800e18, "1,000 - 2,000 / 10");
    }

    // ------------------------------------------------------------------ funding owed

    /// @dev Ten hours at 0.00625 %/h on 2,000: the index rises 0.0000625 × 2,000 × 10 = 1.25 USD per unit, which the
    ///      long owes but has not settled (its collateral is still 1,000). The transfer may take 1,000 − 1.25 − 200 =
    ///      798.75, not the 800 an unsettled-funding-blind check would allow; the owner's cross account gains exactly
    ///      what left.
    function test_transfer_cannotTakeUnsettledFunding() public {
        vm.warp(T0 + 10 hours);
        assertEq(engine.accruedFunding(one, xau), 1.25e18, "owed");
        assertEq(vault.collateralOf(one), 1_000e18, "not settled yet");
        assertEq(vault.withdrawableUsd(one), 798.75e18, "1,000 - 1.25 - 200");
        _refusedOver(one, ALICE, 798.75e18);
        _refusedOver(one, two, 798.75e18);

        int256 aliceBefore = vault.collateralOf(ALICE);
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, ALICE, 798.75e18);
        assertEq(vault.collateralOf(ALICE), aliceBefore + 798.75e18, "moved exactly");
        assertEq(engine.accountMargin(one).equity, 200e18, "equity = IM after the funding");
        _refusedOver(one, ALICE, 0);
        // Settling the funding (closing) leaves the sub-account exactly what it owed less: 201.25 − 1.25 = 200.
        vm.prank(ALICE);
        engine.closePosition(one, xau, 0);
        assertEq(vault.collateralOf(one), 200e18, "the IM left behind, after paying 1.25 of funding");
    }

    // ------------------------------------------------------------------ failing oracle

    /// @dev XAU's oracle fails: the long is valued at the last price less the 15 % band, 1,700: PnL −300, IM 170 on a
    ///      notional of 1,700; 530 may move. Ten hours later the long is also charged the funding accrued at the
    ///      fallback price, 0.0000625 × 1,700 × 10 = 1.0625: 528.9375. The flat sibling and the owner's own account
    ///      are not frozen: they move their whole balance without reading the failing oracle.
    function test_transfer_failingOracle_worstCase_andSiblingsNotFrozen() public {
        xauOracle.setFailing(true);
        assertEq(vault.withdrawableUsd(one), 530e18, "1,000 - 300 - 170");
        _refusedOver(one, two, 530e18);

        vm.warp(T0 + 10 hours);
        assertEq(vault.withdrawableUsd(one), 528.9375e18, "1,000 - 300 - 1.0625 - 170");
        _refusedOver(one, ALICE, 528.9375e18);
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, two, 528.9375e18);
        assertEq(vault.collateralOf(two), 1_528.9375e18, "exact");

        vm.startPrank(ALICE);
        vault.transferBetweenSubAccounts(two, ALICE, 1_528.9375e18);
        vault.transferBetweenSubAccounts(ALICE, two, 8_000e18);
        vm.stopPrank();
        assertEq(vault.collateralOf(ALICE), 1_528.9375e18, "8,000 + 1,528.9375 - 8,000");
        assertEq(vault.collateralOf(two), 8_000e18, "the sibling moves freely");
    }

    // ------------------------------------------------------------------ before creation

    /// @dev Sub-account 3's address before `createSubAccount`: its future owner has no right on it (it is a plain
    ///      address whose owner is itself), an approval for all of Alice's sub-accounts does not reach it, and no
    ///      collateral can be moved into it by transfer, so nobody can give it a position, a debt or an approval before
    ///      it is created; only `depositFor` (a gift, positive) reaches it. Once created, the owner and the
    ///      all-sub-accounts operator act on it.
    function test_uncreatedAddress_noPositionDebtOrOperatorBeforeCreation() public {
        address next = _derived(ALICE, 3);
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, true, 0, 0);
        assertEq(vault.subAccountOwner(next), next, "a plain address");

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, ALICE, next));
        engine.trade(next, xau, 0.01e18, type(uint256).max);
        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, AGENT, next));
        engine.trade(next, xau, 0.01e18, type(uint256).max);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, next, ALICE));
        vault.transferBetweenSubAccounts(ALICE, next, 1e18);
        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, next, ALICE));
        vault.transferBetweenSubAccounts(one, next, 1e18);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, ALICE, next));
        vault.transferBetweenSubAccounts(next, ALICE, 1);
        assertTrue(!vault.canTrade(next, AGENT) && !vault.canWithdraw(next, AGENT), "no scope before creation");

        vm.prank(ALICE);
        (uint256 id, address created) = vault.createSubAccount();
        assertEq(id, 3, "id 3");
        assertEq(created, next, "at the derived address");
        assertEq(vault.collateralOf(next), 0, "created flat");
        assertEq(engine.accountMarkets(next).length, 0, "no position");
        vm.prank(AGENT);
        vault.transferBetweenSubAccounts(two, next, 100e18);
        vm.prank(AGENT);
        engine.trade(next, xau, 0.01e18, type(uint256).max);
        assertEq(engine.position(next, xau).size, 0.01e18, "the all-sub-accounts operator trades it now");
    }

    // ------------------------------------------------------------------ the packed record

    /// @dev A plain account's record keeps bit 255 clear for every int255 balance, so none ever reads as a
    ///      sub-account's (owner bits): −1 is stored as every bit but 255; the range ends ±(2^254) hold, one wei beyond
    ///      is refused with the int255 error and the move is undone.
    function test_plainAccountRecord_neverReadsAsASubAccount() public {
        vault.setBalanceManager(address(this), true);
        int256 l = int256(1 << 254);

        vault.transferBalanceAllowingDebt(DAN, ALICE, 1);
        assertEq(vault.collateralOf(DAN), -1, "debt of 1 wei");
        assertEq(_word(DAN), type(uint256).max >> 1, "every bit but 255");
        assertEq(vault.subAccountOwner(DAN), DAN, "still its own owner");
        (bool live,) = vault.tradeScope(DAN, _ownerBitsOf(type(uint256).max >> 1));
        assertTrue(!live, "the would-be owner bits grant nothing");

        vault.transferBalanceAllowingDebt(BOB, CAROL, uint256(l - 1));
        assertEq(vault.collateralOf(CAROL), l - 1, "the top of int255");
        assertEq(_word(CAROL), uint256(l - 1), "bits 0-253");
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, uint8(255), l));
        vault.transferBalanceAllowingDebt(BOB, CAROL, 1);

        // Bob: 10,000 − (2^254 − 1) now; 10,000 + 1 more reaches −2^254.
        vault.transferBalanceAllowingDebt(BOB, ALICE, 10_000e18 + 1);
        assertEq(vault.collateralOf(BOB), -l, "the bottom of int255");
        assertEq(_word(BOB), uint256(l), "bit 254 alone");
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, uint8(255), -l - 1));
        vault.transferBalanceAllowingDebt(BOB, ALICE, 1);

        assertEq(vault.subAccountOwner(BOB), BOB, "plain");
        assertEq(vault.subAccountOwner(CAROL), CAROL, "plain");
        assertEq(vault.totalDebt(), uint256(l) + 1, "Bob's and Dan's debts");
        // Alice cannot reach them as hers.
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ISubAccounts.ForeignSubAccount.selector, CAROL, ALICE));
        vault.transferBetweenSubAccounts(two, CAROL, 1);
    }

    function _word(address account) internal view returns (uint256) {
        // The vault's storage: Ownable `_owner` (0), Ownable2Step `_pendingOwner` (1), `_accounts` (2).
        return uint256(vm.load(address(vault), keccak256(abi.encode(account, uint256(2)))));
    }

    function _ownerBitsOf(uint256 word) internal pure returns (address) {
        return address(uint160(word >> 95));
    }

    // ------------------------------------------------------------------ rounding

    /// @dev Transfers are exact to the wei in 18 decimals: any sequence of moves among Alice's accounts keeps their
    ///      sum, the vault's total and the debt unchanged, so there is no rounding to farm (fuzzed amounts, each within
    ///      what the source may move).
    function testFuzz_transfers_exact_noValueCreated(uint256[6] memory amounts) public {
        address[3] memory accounts = [ALICE, one, two];
        int256 sum = vault.collateralOf(ALICE) + vault.collateralOf(one) + vault.collateralOf(two);
        uint256 total = vault.totalCollateral();
        for (uint256 i; i < 6; ++i) {
            address from = accounts[i % 3];
            address to = accounts[(i + 1) % 3];
            uint256 free = vault.withdrawableUsd(from);
            if (free == 0) continue;
            uint256 amount = bound(amounts[i], 1, free);
            int256 fromBefore = vault.collateralOf(from);
            int256 toBefore = vault.collateralOf(to);
            vm.prank(ALICE);
            vault.transferBetweenSubAccounts(from, to, amount);
            assertEq(vault.collateralOf(from), fromBefore - int256(amount), "debited exactly");
            assertEq(vault.collateralOf(to), toBefore + int256(amount), "credited exactly");
        }
        assertEq(vault.collateralOf(ALICE) + vault.collateralOf(one) + vault.collateralOf(two), sum, "sum kept");
        assertEq(vault.totalCollateral(), total, "no token moved");
        assertEq(vault.totalDebt(), 0, "no debt");
        assertTrue(engine.accountMargin(one).equity >= int256(engine.accountMargin(one).initialMargin), "one >= IM");
    }
}

/// @notice A sibling's push credits nothing: Alice's sub-account 2 moves the skew in sub-account 1's favour (a large
///         buy raises the price sub-account 1's long would exit at), and sub-account 1 may still move only what the
///         fair price allows. Were a sub-account valued at its exit, the owner could push with one sub-account, move
///         the phantom profit out of the other and leave it under-margined.
/// @dev Local ETH market (oracle 3,000, skewScale 1,000,000, taker 5 bp, tiers ≤ 1M: 20x, ≤ 10M: 10x), liquidity vault
///      20,000,000. Sub-account 1 (400,000) buys 1,000 ETH from skew 0: fill 3,000 × (1 + 500 / 1,000,000) = 3,001.5,
///      fee 1,500.75, collateral 398,499.25. Its exit (a sell of 1,000 from 1,000) fills at 3,001.5, above the fair
///      price 3,000 (fair premium 0 in this block), so the fair price binds: PnL −1,500, notional 3,000,000 (10x), IM
///      300,000, free 96,999.25. Sub-account 2 (1,000,000) then buys 3,000 from 1,000: fill 3,000 × (1 + 2,500 /
///      1,000,000) = 3,007.5, which lifts sub-account 1's exit to 3,000 × (1 + 3,500 / 1,000,000) = 3,010.5 (PnL
///      +9,000 at exit): its free collateral stays 96,999.25.
contract SubAccountSiblingPushTest is LocalProtocolFixture {
    uint256 internal constant FREE = 96_999.25e18;

    address internal one;
    address internal two;

    function setUp() public override {
        super.setUp();
        _lpDeposit(PROVIDER, 20_000_000e6);
        _fund(ALICE, 1_400_000e6);
        vm.startPrank(ALICE);
        (, one) = vault.createSubAccount();
        (, two) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, one, 400_000e18);
        vault.transferBetweenSubAccounts(ALICE, two, 1_000_000e18);
        assertEq(engine.trade(one, eth, 1_000e18, type(uint256).max), 3_001.5e18, "fill 3,001.5");
        vm.stopPrank();
    }

    function test_siblingPush_creditsNothing() public {
        assertEq(vault.collateralOf(one), 398_499.25e18, "400,000 - 1,500.75");
        assertEq(engine.quoteFillPrice(eth, -1_000e18), 3_001.5e18, "exit before the push");
        assertEq(vault.withdrawableUsd(one), FREE, "398,499.25 - 1,500 - 300,000");

        vm.prank(ALICE);
        assertEq(engine.trade(two, eth, 3_000e18, type(uint256).max), 3_007.5e18, "the push");
        assertEq(engine.quoteFillPrice(eth, -1_000e18), 3_010.5e18, "sub-account 1's exit, lifted");
        assertEq(vault.withdrawableUsd(one), FREE, "unchanged: valued at the fair price");

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, FREE + 1, FREE));
        vault.transferBetweenSubAccounts(one, ALICE, FREE + 1);
        vm.prank(ALICE);
        vault.transferBetweenSubAccounts(one, ALICE, FREE);
        assertEq(engine.accountMargin(one).withdrawable, 0, "at initial margin");
        assertEq(vault.collateralOf(ALICE), int256(FREE), "only the free collateral left");
    }
}

/// @notice Reentrancy through the token: an owner contract whose USDC transfer calls it back cannot re-enter
///         `transferBetweenSubAccounts` from inside its own withdrawal (ReentrancyGuardReentrantCall), and the
///         outer withdrawal completes with the ledger backed; the same transfer afterwards is checked against the
///         post-withdrawal balance.
contract SubAccountTokenReentrancyTest is EngineFixture {
    MaliciousReceiver internal attacker;
    address internal sub;

    function _newToken() internal override returns (MockUSDC) {
        return new MockHookUSDC();
    }

    function setUp() public override {
        super.setUp();
        attacker = new MaliciousReceiver();
        MockHookUSDC(address(usdc)).setHooked(address(attacker), true);
        usdc.mint(address(attacker), 1_000e6);
        attacker.execute(address(usdc), abi.encodeCall(IERC20.approve, (address(vault), type(uint256).max)));
        attacker.execute(address(vault), abi.encodeCall(ICollateralVault.deposit, (1_000e6)));
        bytes memory created = attacker.execute(address(vault), abi.encodeCall(ISubAccounts.createSubAccount, ()));
        (, sub) = abi.decode(created, (uint256, address));
    }

    function test_withdraw_reenteringTransfer_reverts() public {
        attacker.arm(
            address(vault), abi.encodeCall(ISubAccounts.transferBetweenSubAccounts, (address(attacker), sub, 600e18))
        );
        attacker.execute(address(vault), abi.encodeCall(ICollateralVault.withdraw, (600e6, address(attacker))));
        assertTrue(attacker.attempted(), "re-entered");
        assertTrue(!attacker.succeeded(), "refused");
        assertTrue(
            keccak256(attacker.result())
                == keccak256(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)),
            "ReentrancyGuardReentrantCall"
        );
        assertEq(vault.collateralOf(address(attacker)), 400e18, "debited once");
        assertEq(vault.collateralOf(sub), 0, "nothing moved");
        assertEq(usdc.balanceOf(address(attacker)), 600e6, "paid once");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");

        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 600e18, 400e18));
        attacker.execute(
            address(vault), abi.encodeCall(ISubAccounts.transferBetweenSubAccounts, (address(attacker), sub, 600e18))
        );
    }
}
