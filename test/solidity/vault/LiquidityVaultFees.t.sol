// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidityVault} from "../../../contracts/interfaces/ILiquidityVault.sol";
import {EngineVaultFixture, MockVaultFixture} from "./VaultFixtures.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The entry/exit fee (`liquidityFee`, ≤ 1 %), applied in the ERC-4626 previews like OpenZeppelin's
///         ERC4626Fees: previewDeposit(a) = shares of a − ceil(a·f/(1+f)); previewMint(s) = assets of s (up) +
///         ceil(assets·f); previewWithdraw(a) = shares of a + ceil(a·f) (up); previewRedeem(s) = v − ceil(v·f/(1+f))
///         with v the assets of s (down). The fee has no recipient: it stays in the vault's account.
/// @dev Conversions: shares = assets × (supply + 1e12) / (totalAssets + 1), assets = shares × (totalAssets + 1) /
///      (supply + 1e12) (decimals offset 12). In setUp Alice holds 1,000e18 shares over 1,100 USDC (PnL +100), and
///      the fee is f = 0.3 %.
contract LiquidityVaultFeesTest is MockVaultFixture {
    uint256 internal constant FEE = 0.003e18;
    uint256 internal constant TA = 1_100_000_000; // total assets after setUp
    uint256 internal constant SUPPLY = 1_000e18;

    function setUp() public {
        _setUpVault();
        _deposit(ALICE, 1_000 * ONE_USDC);
        cp.setCounterpartyPnl(100e18);
        lp.setLiquidityFee(FEE);
        assertEq(lp.totalAssets(), TA, "setUp total assets");
        assertEq(lp.totalSupply(), SUPPLY, "setUp supply");
    }

    // ------------------------------------------------------------------ admin

    function test_setLiquidityFee_boundOwnerOnlyAndEvent() public {
        vm.expectEmit(address(lp));
        emit ILiquidityVault.LiquidityFeeSet(0.01e18);
        lp.setLiquidityFee(0.01e18);
        assertEq(lp.liquidityFee(), 0.01e18, "1 % is allowed");

        vm.expectRevert(abi.encodeWithSelector(ILiquidityVault.LiquidityFeeTooHigh.selector, 0.01e18 + 1, 0.01e18));
        lp.setLiquidityFee(0.01e18 + 1);
        assertEq(lp.liquidityFee(), 0.01e18, "unchanged by the refused call");

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        lp.setLiquidityFee(0);

        vm.expectEmit(address(lp));
        emit ILiquidityVault.LiquidityFeeSet(0);
        lp.setLiquidityFee(0);
        assertEq(lp.liquidityFee(), 0, "switched off");
    }

    // ------------------------------------------------------------------ previews, by hand

    /// @dev previewDeposit(500,000,001): fee = ceil(500,000,001 × 0.003 / 1.003) = ceil(1,495,513.46…) = 1,495,514;
    ///      shares = floor(498,504,487 × (1,000e18 + 1e12) / 1,100,000,001) = floor(453,185,897,313,925,990,623.4…).
    ///      previewMint(123.456789e18): assets = ceil(123.456789e18 × 1,100,000,001 / (1,000e18 + 1e12)) =
    ///      ceil(135,802,467.89) = 135,802,468; fee = ceil(135,802,468 × 0.003) = ceil(407,407.404) = 407,408;
    ///      total 136,209,876.
    ///      previewWithdraw(300,000,001): fee = ceil(300,000,001 × 0.003) = ceil(900,000.003) = 900,001; shares =
    ///      ceil(300,900,002 × (1,000e18 + 1e12) / 1,100,000,001) = ceil(273,545,456,388,504,132,374.6…).
    ///      previewRedeem(250e18 + 7): v = floor((250e18 + 7) × 1,100,000,001 / (1,000e18 + 1e12)) =
    ///      floor(274,999,999.975) = 274,999,999; fee = ceil(274,999,999 × 0.003 / 1.003) = ceil(822,532.399…) =
    ///      822,533; paid 274,177,466.
    function test_previews_handComputed_roundedForTheVault() public view {
        assertEq(lp.previewDeposit(500_000_001), 453_185_897_313_925_990_623, "previewDeposit");
        assertEq(lp.previewMint(123.456789e18), 136_209_876, "previewMint");
        assertEq(lp.previewWithdraw(300_000_001), 273_545_456_388_504_132_375, "previewWithdraw");
        assertEq(lp.previewRedeem(250e18 + 7), 274_177_466, "previewRedeem");
        // The fee-free conversions stay fee-free (ERC-4626: convertTo* ignore fees).
        assertEq(lp.convertToShares(500_000_001), 454_545_455_495_867_768_640, "convertToShares has no fee");
        assertEq(lp.convertToAssets(250e18 + 7), 274_999_999, "convertToAssets has no fee");
    }

    // ------------------------------------------------------------------ the operations move exactly the previews

    function test_deposit_movesExactlyThePreview_feeStaysInTheVault() public {
        uint256 usdcBefore = usdc.balanceOf(BOB);
        vm.prank(BOB);
        uint256 shares = lp.deposit(500_000_001, BOB);
        assertEq(shares, 453_185_897_313_925_990_623, "shares as previewed");
        assertEq(lp.balanceOf(BOB), shares, "minted");
        assertEq(usdcBefore - usdc.balanceOf(BOB), 500_000_001, "assets pulled");
        assertEq(lp.totalAssets(), TA + 500_000_001, "the whole deposit, fee included, is in the vault");
        assertEq(cv.collateralOf(address(lp)), int256(1_000e18 + 500.000001e18), "parked in the vault's account");
    }

    function test_mint_movesExactlyThePreview() public {
        uint256 usdcBefore = usdc.balanceOf(BOB);
        vm.prank(BOB);
        uint256 assets = lp.mint(123.456789e18, BOB);
        assertEq(assets, 136_209_876, "assets as previewed");
        assertEq(lp.balanceOf(BOB), 123.456789e18, "shares minted");
        assertEq(usdcBefore - usdc.balanceOf(BOB), 136_209_876, "assets pulled");
        assertEq(lp.totalAssets(), TA + 136_209_876, "fee included");
    }

    function test_withdraw_movesExactlyThePreview() public {
        uint256 usdcBefore = usdc.balanceOf(ALICE);
        vm.prank(ALICE);
        uint256 shares = lp.withdraw(300_000_001, ALICE, ALICE);
        assertEq(shares, 273_545_456_388_504_132_375, "shares burned as previewed");
        assertEq(lp.balanceOf(ALICE), SUPPLY - shares, "burned");
        assertEq(usdc.balanceOf(ALICE) - usdcBefore, 300_000_001, "paid exactly the assets asked");
        assertEq(lp.totalAssets(), TA - 300_000_001, "the fee stays");
    }

    function test_redeem_movesExactlyThePreview() public {
        uint256 usdcBefore = usdc.balanceOf(ALICE);
        vm.prank(ALICE);
        uint256 assets = lp.redeem(250e18 + 7, ALICE, ALICE);
        assertEq(assets, 274_177_466, "assets as previewed");
        assertEq(lp.balanceOf(ALICE), SUPPLY - 250e18 - 7, "burned");
        assertEq(usdc.balanceOf(ALICE) - usdcBefore, 274_177_466, "paid");
        assertEq(lp.totalAssets(), TA - 274_177_466, "the fee stays");
    }

    // ------------------------------------------------------------------ the fee stays with the holders

    /// @dev Alice and Bob hold 1,000e18 shares each over 2,000 USDC (price exactly 1e12 shares per unit). Bob redeems
    ///      all: v = 1,000,000,000, fee ceil(1e9 × 0.003 / 1.003) = ceil(2,991,026.92) = 2,991,027, paid 997,008,973.
    ///      Alice's value goes from 1,000,000,000 to floor(1,000e18 × 1,002,991,028 / (1,000e18 + 1e12)) =
    ///      floor(1,002,991,026.997) = 1,002,991,026: up by the fee to the unit (the virtual share holds 0.003).
    function test_exitFee_goesToTheRemainingHolders() public {
        _evenVault();
        lp.setLiquidityFee(FEE);
        assertEq(lp.convertToAssets(lp.balanceOf(ALICE)), 1_000_000_000, "alice before");
        assertEq(_redeem(BOB, 1_000e18), 997_008_973, "bob paid v - fee");
        uint256 aliceAfter = lp.convertToAssets(lp.balanceOf(ALICE));
        assertEq(aliceAfter, 1_002_991_026, "alice after");
        assertEq(aliceAfter - 1_000_000_000, 2_991_027 - 1, "alice gained the exit fee, to the unit");
        assertEq(lp.totalAssets(), 2_000_000_000 - 997_008_973, "the fee is still in the vault");
    }

    /// @dev Same start; Carol deposits 1,000 USDC: fee 2,991,027, shares (1e9 − 2,991,027) × 1e12. Total assets rise by
    ///      the whole 1e9; Alice's value becomes floor(1,000e18 × 3,000,000,001 / (2,997,008,973e12 + 1e12)) =
    ///      1,000,998,004: her pro-rata part of the fee (2,991,027 × 1,000 / 2,997.008974 = 998,004.02). The three
    ///      holders' values add up to the total assets less one unit: none of the fee left the vault.
    function test_entryFee_staysInTheVault_proRata() public {
        _evenVault();
        lp.setLiquidityFee(FEE);
        assertEq(_deposit(CAROL, 1_000 * ONE_USDC), 997_008_973e12, "carol's shares for 1e9 - fee");
        assertEq(lp.totalAssets(), 3_000_000_000, "the whole deposit stays");
        uint256 alice = lp.convertToAssets(lp.balanceOf(ALICE));
        uint256 bob = lp.convertToAssets(lp.balanceOf(BOB));
        uint256 carol = lp.convertToAssets(lp.balanceOf(CAROL));
        assertEq(alice, 1_000_998_004, "alice's share of the fee");
        assertEq(bob, alice, "bob's the same");
        assertEq(carol, 998_003_991, "carol's value: her net deposit plus her part of her own fee");
        assertEq(alice + bob + carol, 3_000_000_000 - 1, "every unit of the fee is the holders'");
    }

    // ------------------------------------------------------------------ max* consistent with the fee

    /// @dev For any fee, NAV (PnL either way), deposit cap, required backing and collateral-vault cash limit
    ///      (unrealised profit is not cash), the max* views are consistent with the previews and operations:
    ///      previewMint(maxMint) ≤ maxDeposit; deposit(maxDeposit) and mint(maxMint) succeed and one unit/share more
    ///      reverts with the exact error; withdraw(maxWithdraw) succeeds, +1 reverts; redeem(maxRedeem) succeeds and
    ///      pays at most availableLiquidity, +1 reverts.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_maxViews_consistentWithTheFee(
        uint256 fee,
        uint256 deposited,
        int256 pnl,
        uint256 backing,
        uint256 capRoom
    ) public {
        fee = bound(fee, 0, 0.01e18);
        deposited = bound(deposited, ONE_USDC, 10_000_000 * ONE_USDC);
        pnl = boundInt(pnl, -int256(deposited * 1e12 / 2), int256(deposited * 1e12));
        backing = bound(backing, 0, deposited * 1e12);
        lp.setLiquidityFee(fee);
        _deposit(BOB, deposited);
        cp.setCounterpartyPnl(pnl);
        cp.setRequiredBacking(backing);
        lp.setDepositCap(lp.totalAssets() + bound(capRoom, 1, 10_000_000 * ONE_USDC));

        uint256 maxDeposit = lp.maxDeposit(CAROL);
        uint256 maxMint = lp.maxMint(CAROL);
        assertTrue(maxDeposit > 0, "room under the cap");
        assertLe(lp.previewMint(maxMint), maxDeposit, "previewMint(maxMint) <= maxDeposit");

        uint256 snap = vm.snapshotState();
        vm.prank(CAROL);
        lp.deposit(maxDeposit, CAROL);
        assertEq(lp.maxDeposit(CAROL), 0, "cap reached exactly");
        vm.revertToState(snap);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, CAROL, maxDeposit + 1, maxDeposit)
        );
        lp.deposit(maxDeposit + 1, CAROL);
        if (maxMint > 0) {
            vm.prank(CAROL);
            lp.mint(maxMint, CAROL);
            vm.revertToState(snap);
        }
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxMint.selector, CAROL, maxMint + 1, maxMint));
        lp.mint(maxMint + 1, CAROL);

        _checkExitMaxima(snap);
    }

    function _checkExitMaxima(uint256 snap) internal {
        uint256 liquidity = lp.availableLiquidity();
        uint256 maxWithdraw = lp.maxWithdraw(BOB);
        uint256 maxRedeem = lp.maxRedeem(BOB);
        assertLe(maxWithdraw, liquidity, "maxWithdraw within the liquidity");
        assertLe(lp.previewRedeem(maxRedeem), liquidity, "maxRedeem pays within the liquidity");
        assertLe(maxRedeem, lp.balanceOf(BOB), "maxRedeem within the balance");

        if (maxWithdraw > 0) {
            vm.prank(BOB);
            lp.withdraw(maxWithdraw, BOB, BOB);
            vm.revertToState(snap);
        }
        vm.prank(BOB);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, BOB, maxWithdraw + 1, maxWithdraw)
        );
        lp.withdraw(maxWithdraw + 1, BOB, BOB);

        if (maxRedeem > 0) {
            uint256 before = usdc.balanceOf(BOB);
            vm.prank(BOB);
            lp.redeem(maxRedeem, BOB, BOB);
            assertLe(usdc.balanceOf(BOB) - before, liquidity, "redeeming maxRedeem never exceeds the liquidity");
            vm.revertToState(snap);
        }
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxRedeem.selector, BOB, maxRedeem + 1, maxRedeem));
        lp.redeem(maxRedeem + 1, BOB, BOB);
    }

    /// @dev PnL 0 and fee 0, Bob deposits 1,000 next to Alice's 1,000: 2,000 USDC behind 2,000e18 shares.
    function _evenVault() internal {
        cp.setCounterpartyPnl(0);
        lp.setLiquidityFee(0);
        assertEq(_deposit(BOB, 1_000 * ONE_USDC), 1_000e18, "bob at the initial price");
    }
}

/// @notice What the fee buys: an entry and exit around fee income in the same block (the sandwich the fee must make
///         unprofitable). With honest NAV A (the virtual share included), a deposit d, fee f (g = 1 + f) and fee income
///         F landing between the two, the depositor gets shares worth d/g at the old price, so a fraction
///         φ = (d/g) / (A + d/g) of A + d + F, and the exit pays 1/g of that:
///             out = d (A + d + F) / (g (g A + d)),
///         profit > 0  ⟺  A + d + F > g (g A + d)  ⟺  F > F* = f (2 + f) A + f d.
///         With F = 0 (unchanged NAV) out = d (A + d) / (g (g A + d)) = d − entryFee − exitFee + φ × entryFee: the
///         depositor pays both fees except its own share φ of the entry fee, which it holds while in the vault.
///         Every rounding (fees up, shares and assets down) is against the depositor, so out ≤ floor of the above.
contract LiquidityVaultFeeSandwichTest is MockVaultFixture {
    uint256 internal constant HONEST = 1_000_000 * 1e6; // A = 1,000,000 USDC

    function setUp() public {
        _setUpVault();
        assertEq(_deposit(ALICE, HONEST), 1_000_000e18, "honest LP at the initial price");
    }

    /// @dev f = 0.5 %, d = 100,000 USDC around nothing: entry fee ceil(1e11 × 0.005 / 1.005) = 497,512,438, shares
    ///      (1e11 − 497,512,438) × 1e12 = 99,502,487,562e12; v = floor(99,502,487,562e12 × (1.1e12 + 1) /
    ///      (1.099502487562e24 + 1e12)) = 99,547,511,312; exit fee ceil(v × 0.005 / 1.005) = 495,261,251; paid
    ///      99,052,250,061. That is d − both fees (99,007,226,311) + φ × entry fee (45,023,750.05, floored); the round
    ///      trip costs 947,749,939 units = 947.75 USDC.
    function test_roundTrip_atUnchangedNav_paysBothFeesBarItsOwnShare() public {
        lp.setLiquidityFee(0.005e18);
        uint256 shares = _deposit(BOB, 100_000 * ONE_USDC);
        assertEq(shares, 99_502_487_562e12, "shares for d - entry fee");
        assertEq(lp.convertToAssets(shares), 99_547_511_312, "value held: d - fee + its share of the fee");
        uint256 out = _redeem(BOB, shares);
        assertEq(out, 99_052_250_061, "paid");
        uint256 entryFee = 497_512_438;
        uint256 exitFee = 495_261_251;
        // φ × entryFee = 497,512,438 × 99,502,487,562e12 / (1.099502487562e24 + 1e12) = 45,023,750.05
        assertEq(out, 100_000 * ONE_USDC - entryFee - exitFee + 45_023_750, "d - fees + own share of the entry fee");
        assertLt(out, 100_000 * ONE_USDC, "a round trip never profits");
        assertEq(lp.totalAssets(), HONEST + 100_000 * ONE_USDC - out, "both fees stayed for the honest LP");
    }

    /// @dev At an unchanged NAV (any PnL already in it), any fee and deposit: the round trip pays
    ///      out ≤ floor(d (A + d) / (g (g A + d))) < d, and rounding costs the depositor at most 3 units more.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_roundTrip_atUnchangedNav_neverProfits(uint256 fee, uint256 d, int256 pnl) public {
        fee = bound(fee, 1, 0.01e18);
        d = bound(d, 1, 100_000_000 * ONE_USDC);
        pnl = boundInt(pnl, -500_000e18, 1_000_000e18);
        cp.setCounterpartyPnl(pnl);
        lp.setLiquidityFee(fee);
        uint256 a = lp.totalAssets() + 1; // the virtual share holds one unit
        uint256 out = _redeem(BOB, _deposit(BOB, d));
        uint256 exact = _sandwichOut(a, d, 0, fee);
        assertLe(out, exact, "out <= d (A + d) / (g (g A + d))");
        assertLe(exact - out, 3, "rounding against the depositor, bounded");
        assertLt(out, d, "never profits, pays the fee");
    }

    /// @dev Break-even, fuzzed: for any fee, honest NAV, deposit and fee income F landing between the deposit and the
    ///      redemption, the payout is the formula's (rounded against the depositor, within 3 units); so whenever
    ///      F ≤ F* = f (2 + f) A + f d the sandwich does not profit, and it profits only beyond F* (by the margin the
    ///      rounding needs).
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_sandwichAroundFeeIncome_profitsOnlyAboveBreakEven(uint256 fee, uint256 d, uint256 income) public {
        fee = bound(fee, 1, 0.01e18);
        d = bound(d, ONE_USDC, 100_000_000 * ONE_USDC);
        lp.setLiquidityFee(fee);
        uint256 a = lp.totalAssets() + 1;
        uint256 breakEven = _breakEven(a, d, fee); // USDC units, rounded down
        income = bound(income, 0, 2 * breakEven + 1_000 * ONE_USDC);

        uint256 shares = _deposit(BOB, d);
        if (income > 0) _payFee(income * 1e12);
        uint256 out = _redeem(BOB, shares);

        uint256 exact = _sandwichOut(a, d, income, fee);
        assertLe(out, exact, "out <= d (A + d + F) / (g (g A + d))");
        assertLe(exact - out, 3, "rounding bounded");
        if (income <= breakEven) assertLe(out, d, "no profit up to the break-even income");
        else if (exact >= d + 4) assertTrue(out > d, "profit beyond it");
    }

    /// @dev floor(d (A + d + F) / (g (g A + d))) in units, g = 1 + fee.
    function _sandwichOut(uint256 a, uint256 d, uint256 income, uint256 fee) internal pure returns (uint256) {
        uint256 g = 1e18 + fee;
        return Math.mulDiv(d * (a + d + income), 1e36, g * (g * a + d * 1e18));
    }

    /// @dev F* = f (2 + f) A + f d in units, each term rounded down (so F ≤ this implies F ≤ F*).
    function _breakEven(uint256 a, uint256 d, uint256 fee) internal pure returns (uint256) {
        return Math.mulDiv(fee * (2e18 + fee), a, 1e36) + Math.mulDiv(fee, d, 1e18);
    }
}

/// @notice The same break-even with a real trade: Carol deposits, a third party opens and closes 200 ETH in the same
///         block, Carol redeems. The honest provider's NAV is A = 1,000,000 USDC (+ the virtual unit), f = 0.01 %.
/// @dev The trade: 200 ETH bought from skew 0 at 2,000 × (1 + 200 / (2 × 1M)) = 2,000.2 (taker fee 400,040 × 0.05 % =
///      200.02), sold back at the same 2,000.2 (maker fee 400,040 × 0.02 % = 80.008): the vault's value rises by exactly
///      F = 280.028 (its net position is worth nothing at every step, by the exit valuation). Break-even:
///      F* = f (2 + f) A + f d = 0.0001 × 2.0001 × 1,000,000 + 0.0001 d = 200.01 + 0.0001 d, so F = F* at
///      d* = (280.028 − 200.01) / 0.0001 = 800,180 USDC. A deposit of 800,280 puts F* at 280.038, 0.01 above F (loss);
///      800,080 puts it at 280.018, 0.01 below F (profit). Payouts worked in integers (fees up, shares and assets
///      down): see each test. Without the fee the 800,180 sandwich takes 124.47 USDC.
contract LiquidityVaultSandwichWithEngineTest is EngineVaultFixture {
    function setUp() public {
        _setUpProtocol(1_000_000e6);
        _fund(ALICE, 1_000_000e6);
        lpVault.setLiquidityFee(0.0001e18);
    }

    /// @dev Deposit d, Alice's round trip, redeem everything: returns what came out.
    function _sandwich(uint256 d) internal returns (uint256 out) {
        uint256 shares = _lpDeposit(CAROL, d);
        int256 before = lpVault.netValueUsd();
        assertEq(_trade(ALICE, eth, 200e18), 2_000.2e18, "open fill");
        assertEq(lpVault.netValueUsd() - before, 200.02e18, "the open moves the value by its fee only");
        assertEq(_trade(ALICE, eth, -200e18), 2_000.2e18, "close fill");
        assertEq(lpVault.netValueUsd() - before, 280.028e18, "F = 280.028");
        vm.prank(CAROL);
        out = lpVault.redeem(shares, CAROL, CAROL);
    }

    /// @dev d = 800,280: entry fee ceil(800,280e6 × 0.0001 / 1.0001) = 80,019,999; shares 800,199,980,001e12;
    ///      v = floor(800,199,980,001e12 × (1,800,560,028,000 + 1) / (1,800,199,980,001e12 + 1e12)) = 800,360,023,554;
    ///      exit fee ceil(v × 0.0001 / 1.0001) = 80,028,000; paid 800,279,995,554: 4,446 units short
    ///      (formula: d (F − F*) / (g (g A + d)) = −0.004445 USDC).
    function test_sandwich_feeIncomeJustBelowBreakEven_loses() public {
        uint256 d = 800_280e6;
        uint256 out = _sandwich(d);
        assertEq(out, 800_279_995_554, "paid");
        assertEq(d - out, 4_446, "loss");
    }

    /// @dev d = 800,080: entry fee 80,000,000; shares 800,000,000,000e12; v = 800,160,012,444; exit fee 80,008,001;
    ///      paid 800,080,004,443: 4,443 units of profit (formula: +0.004444 USDC).
    function test_sandwich_feeIncomeJustAboveBreakEven_profits() public {
        uint256 d = 800_080e6;
        uint256 out = _sandwich(d);
        assertEq(out, 800_080_004_443, "paid");
        assertEq(out - d, 4_443, "profit");
    }

    /// @dev At d* exactly F = F*: the formula gives 0; the rounding leaves the depositor one unit short.
    function test_sandwich_atBreakEven_noProfit() public {
        assertEq(_sandwich(800_180e6), 800_180e6 - 1, "one unit short");
    }

    /// @dev Without the fee the same sandwich takes its pro-rata share of F: shares 800,180e18,
    ///      v = floor(800,180e18 × (1,800,460,028,000 + 1) / (1,800,180e18 + 1e12)) = 800,304,472,444: +124.472444.
    function test_sandwich_withoutTheFee_takesItsShareOfTheIncome() public {
        lpVault.setLiquidityFee(0);
        assertEq(_sandwich(800_180e6), 800_304_472_444, "124.47 USDC taken from the honest provider");
    }
}
