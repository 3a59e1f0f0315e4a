// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {LocalEthFixture, RefPricing} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 1 of the security issue: the LP share price could be sandwiched. The liquidity vault valued the net
///         position at the post-trade mark, so one large open lowered its NAV by about Δ·oracle·p/2 and the close gave
///         it back: push the skew, deposit at the depressed price, close, redeem, all in one block. The vault now
///         values the net position at its exit price (what closing it would realise), so at a constant oracle and time
///         a trade changes the vault's value only by the fee it pays; the open-interest-to-cash limit also refuses the
///         finding's push outright with a 1,000,000 USDC vault.
/// @dev The local ETH market (oracle 3,000, K = 1,000,000 ETH, maker 2 bp, taker 5 bp) and an honest LP with 1,000,000
///      USDC. A push of +3,280 ETH from skew 0 fills at 3,000 × (1 + 3,280 / 2,000,000) = 3,004.92 (notional
///      9,856,137.6, taker fee 4,928.0688) and closes at the same price (maker fee 1,971.22752); a push of +333 fills
///      and closes at 3,000 × (1 + 333 / 2,000,000) = 3,000.4995 (notional 999,166.3335, fees 499.58316675 and
///      199.8332667). After either push the vault's exit valuation of the net position equals its cost basis
///      (3,280 × 3,004.92 = 3,000 × (3,280 + 3,280² / 2,000,000)), so its NAV is its collateral.
///      Expected LP amounts come from the ERC-4626 share model in this file (OpenZeppelin's conversions with 10^12
///      virtual shares, plus the entry/exit fee of ERC4626Fees: fee = a·f / (1 + f) rounded up).
///      Before (commit 1005906, the same sequences): the finding's ten rounds (push 3,280, deposit 9,000,000, close,
///      redeem, no pre-deposit) ended the attacker +94,868.817759 USDC after all fees and left the honest LP's
///      redeemable value at 905,131.182241 (−9.5 %; the issue measured +106,829 with its own deposit size); the
///      pre-deposit variation ended +1,682.827287 (honest LP 998,317.172713); the +333 variation lost 3,699.3216605
///      even then (its depression, about 166 per round, is below its fees). After: the finding's push is refused; the
///      pre-deposit variation loses the attacker 5,980.361213 over ten rounds (201,186.107969 with a 10 bp liquidity
///      fee), the +333 variation 5,196.1751305 (104,487.6554955), and the honest LP's redeemable value never falls.
contract LpSandwichTest is LocalEthFixture {
    address internal constant ATTACKER = address(0xA7);

    uint256 internal constant E12 = 1e12;
    int256 internal constant BIG_PUSH = 3_280e18;
    uint256 internal constant BIG_OPEN_FEE = 4_928.0688e18;
    uint256 internal constant BIG_CLOSE_FEE = 1_971.22752e18;
    int256 internal constant SMALL_PUSH = 333e18;
    uint256 internal constant SMALL_OPEN_FEE = 499.58316675e18;
    uint256 internal constant SMALL_CLOSE_FEE = 199.8332667e18;
    uint256 internal constant FLASH = 9_000_000e6;
    /// @dev Wallet USDC beyond the two deposits, so the liquidity fees of ten rounds can be paid.
    uint256 internal constant FEE_BUFFER = 1_000_000e6;

    /// @dev The share model: total supply and net value (18-decimal USD) of the liquidity vault, and its fee.
    struct Model {
        uint256 supply;
        int256 nav;
        uint256 fee;
    }

    uint256 internal honestShares;
    uint256 internal honestValue;

    function setUp() public override {
        super.setUp();
        honestShares = lpVault.balanceOf(HONEST_LP);
        // 1,000,000 USDC = 1e12 units × (0 + 1e12) / (0 + 1) shares; they redeem to (1e12 + 1) × 1e24 / (1e24 + 1e12)
        // = 1e12 units.
        assertEq(honestShares, 1e24, "honest shares");
        assertEq(lpVault.previewRedeem(honestShares), 1_000_000e6, "honest value");
        _fund(ATTACKER, 1_100_000e6);
        usdc.mint(ATTACKER, 2 * FLASH + FEE_BUFFER);
        vm.prank(ATTACKER);
        usdc.approve(address(lpVault), type(uint256).max);
    }

    /// @dev The finding's push from a flat market with the 1,000,000 USDC vault: refused. The open's fee is settled
    ///      first (cash 1,000,000 + 4,928.0688), then the long side × oracle = 3,280 × 3,000 = 9,840,000 is over the
    ///      limit.
    function test_findingPush_refusedByOpenInterestCashLimit() public {
        assertEq(RefPricing.fill(3_000e18, 0, BIG_PUSH, 1_000_000e18, 0.1e18), 3_004.92e18, "reference fill");
        assertEq(RefPricing.fee(0, BIG_PUSH, 3_004.92e18, 0.0002e18, 0.0005e18), BIG_OPEN_FEE, "reference fee");
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.OpenInterestAboveCashLimit.selector, eth, 9_840_000e18, 1_000_000e18 + BIG_OPEN_FEE
            )
        );
        engine.trade(ATTACKER, eth, BIG_PUSH, type(uint256).max);
    }

    /// @dev The strongest variation through every limit: the attacker first deposits 9,000,000 so the vault's cash
    ///      covers the push, pushes +3,280, deposits another 9,000,000 "at the depressed price", closes and redeems
    ///      everything; ten rounds in one block. Round 1 by hand: the first deposit buys 9e12 × (1e24 + 1e12) /
    ///      (1e12 + 1) = 9e24 shares; the push adds its fee (NAV 10,004,928.0688, no depression); the second deposit
    ///      buys ⌊9e12 × (1e25 + 1e12) / (10,004,928,068,800 + 1)⌋ shares; the close adds 1,971.22752 (NAV
    ///      19,006,899.29632); the redemption pays 18,006,302.716410: the attacker loses 6,899.29632 of fees and gets
    ///      6,302.71641 of them back through its shares, −596.57991; the honest LP can redeem 1,000,596.579909.
    ///      Ten rounds: attacker −5,980.361213, honest LP +5,980.361212 (one unit to the virtual shares).
    function test_tenRounds_preDepositLiftsTheLimit_attackerLosesTheFees() public {
        Model memory m = _tenRounds(FLASH, BIG_PUSH, BIG_OPEN_FEE, BIG_CLOSE_FEE);
        assertEq(_wealth(ATTACKER), _startWealth() - 5_980.361213e18, "ten rounds: -5,980.361213");
        assertEq(lpVault.previewRedeem(honestShares), 1_005_980.361212e6, "honest LP: +5,980.361212");
        assertEq(lpVault.totalSupply(), m.supply, "model supply");
    }

    /// @dev Same with a 10 bp liquidity fee: the attacker also pays the entry and exit fee on ~18,000,000 each round,
    ///      which stays with the remaining holders. Ten rounds: attacker −201,186.107969, honest LP redeemable
    ///      1,199,986.121846 (after its own exit fee).
    function test_tenRounds_withLiquidityFee_attackerLosesMore() public {
        lpVault.setLiquidityFee(0.001e18);
        honestValue = lpVault.previewRedeem(honestShares);
        // 1e12 − ⌈1e12 × 0.001 / 1.001⌉ = 1e12 − ⌈999,000,999.000999⌉
        assertEq(honestValue, 1_000_000e6 - 999_001_000, "honest value after its exit fee");
        Model memory m = _tenRounds(FLASH, BIG_PUSH, BIG_OPEN_FEE, BIG_CLOSE_FEE);
        assertEq(_wealth(ATTACKER), _startWealth() - 201_186.107969e18, "ten rounds: -201,186.107969");
        assertEq(lpVault.previewRedeem(honestShares), 1_199_986.121846e6, "honest LP redeemable");
        assertEq(lpVault.totalSupply(), m.supply, "model supply");
    }

    /// @dev The push the limit allows without a pre-deposit: +333 ETH (999,000 ≤ 1,000,000 + its fee), then the
    ///      finding's deposit of 9,000,000, close, redeem; ten rounds. Attacker −5,196.1751305 (its fees
    ///      6,994.1643345 less 1,797.9892040 back through its shares), honest LP +5,196.175129.
    function test_tenRounds_withinTheLimit_attackerLosesTheFees() public {
        Model memory m = _tenRounds(0, SMALL_PUSH, SMALL_OPEN_FEE, SMALL_CLOSE_FEE);
        assertEq(_wealth(ATTACKER), _startWealth() - 5_196.1751305e18, "ten rounds: -5,196.1751305");
        assertEq(lpVault.previewRedeem(honestShares), 1_005_196.175129e6, "honest LP");
        assertEq(lpVault.totalSupply(), m.supply, "model supply");
    }

    /// @dev Same with the 10 bp liquidity fee: attacker −104,487.6554955.
    function test_tenRounds_withinTheLimit_withLiquidityFee() public {
        lpVault.setLiquidityFee(0.001e18);
        honestValue = lpVault.previewRedeem(honestShares);
        _tenRounds(0, SMALL_PUSH, SMALL_OPEN_FEE, SMALL_CLOSE_FEE);
        assertEq(_wealth(ATTACKER), _startWealth() - 104_487.6554955e18, "ten rounds: -104,487.6554955");
        assertEq(lpVault.previewRedeem(honestShares), 1_103_384.271222e6, "honest LP redeemable");
    }

    // ------------------------------------------------------------------ helpers

    function _startWealth() private pure returns (int256) {
        return 1_100_000e18 + int256(2 * FLASH + FEE_BUFFER) * 1e12;
    }

    /// @dev Ten rounds of: [deposit `preDeposit`], push, deposit FLASH, close, redeem everything. After every step the
    ///      vault's state matches the share model, the net position is valued at its cost basis (no depression) and
    ///      the honest LP's redeemable value has not fallen; each round the attacker ends with less than it started.
    function _tenRounds(uint256 preDeposit, int256 push, uint256 openFee, uint256 closeFee)
        private
        returns (Model memory m)
    {
        m = Model({supply: lpVault.totalSupply(), nav: 1_000_000e18, fee: lpVault.liquidityFee()});
        honestValue = lpVault.previewRedeem(honestShares);
        for (uint256 r; r < 10; ++r) {
            int256 before = _wealth(ATTACKER);
            uint256 shares;
            if (preDeposit != 0) shares += _deposit(m, preDeposit);
            _trade(ATTACKER, eth, push);
            m.nav += int256(openFee);
            assertEq(_cpPnl(engine), 0, "net position valued at its cost basis: no depressed NAV");
            _check(m);
            shares += _deposit(m, FLASH);
            _close(ATTACKER, eth);
            m.nav += int256(closeFee);
            _check(m);
            uint256 expected = _modelRedeem(m, shares);
            vm.prank(ATTACKER);
            assertEq(lpVault.redeem(shares, ATTACKER, ATTACKER), expected, "redemption as modelled");
            _check(m);
            assertEq(vault.collateralOf(ATTACKER), 1_100_000e18 - int256((r + 1) * (openFee + closeFee)), "fees paid");
            assertTrue(_wealth(ATTACKER) < before, "each round loses");
        }
    }

    function _deposit(Model memory m, uint256 assets) private returns (uint256 shares) {
        uint256 expected = _modelDeposit(m, assets);
        vm.prank(ATTACKER);
        shares = lpVault.deposit(assets, ATTACKER);
        assertEq(shares, expected, "shares as modelled");
        _check(m);
    }

    /// @dev The vault's NAV and supply are the model's, and the honest LP's redeemable value has not fallen.
    function _check(Model memory m) private {
        assertEq(lpVault.netValueUsd(), m.nav, "model NAV");
        assertEq(lpVault.totalSupply(), m.supply, "model supply");
        uint256 v = lpVault.previewRedeem(honestShares);
        assertGe(v, honestValue, "honest LP's redeemable value never falls");
        honestValue = v;
    }

    function _totalAssets(Model memory m) private pure returns (uint256) {
        return m.nav <= 0 ? 0 : uint256(m.nav) / E12;
    }

    function _feeOnTotal(Model memory m, uint256 a) private pure returns (uint256) {
        return Math.mulDiv(a, m.fee, m.fee + 1e18, Math.Rounding.Ceil);
    }

    function _modelDeposit(Model memory m, uint256 a) private pure returns (uint256 shares) {
        shares = Math.mulDiv(a - _feeOnTotal(m, a), m.supply + E12, _totalAssets(m) + 1);
        m.supply += shares;
        m.nav += int256(a * E12);
    }

    function _modelRedeem(Model memory m, uint256 shares) private pure returns (uint256 a) {
        uint256 gross = Math.mulDiv(shares, _totalAssets(m) + 1, m.supply + E12);
        a = gross - _feeOnTotal(m, gross);
        m.supply -= shares;
        m.nav -= int256(a * E12);
    }
}
