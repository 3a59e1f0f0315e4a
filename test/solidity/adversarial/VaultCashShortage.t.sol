// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {RefPricing} from "./AdversarialFixture.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 13 of the security review, "the liquidity vault can run short of cash": after a move larger than
///         the backing ratio covers, traders' profit exceeded the vault's cash, so a trader's profit (and LP
///         withdrawals) could not be paid: the collateral vault ran out of tokens (`InsufficientVaultBalance`).
/// @dev Local ETH market at 3,000, one provider with 1,000,000 USDC (10^24 shares), no insurance fee share.
///      Before (commit 1005906, ported): no open-interest-to-cash limit (the 166.708347227432654244 ETH long of the
///      first test passed with its side worth more than half the cash) and no pnl-factor reduction. Alice (200 ETH) and
///      Bob (100 ETH) of the second test rode the move to 4,700 and, 60 s later, 7,000; both closed in profit, Alice
///      withdrew her 839,634.372333, and Bob's 499,667.184666 reverted `InsufficientVaultBalance(499,667.184666,
///      300,365.627667)`: the liquidity vault's balance was −199,301.557 and its `maxWithdraw` 0.
contract VaultCashShortageTest is LocalProtocolFixture {
    uint256 internal constant SHARES = 1e24;

    function setUp() public override {
        super.setUp();
        assertEq(_lpDeposit(PROVIDER, 1_000_000e6), SHARES, "10^6 USDC x 10^12 virtual shares per unit");
    }

    /// @dev The open-interest-to-cash limit at openInterestCashRatio 50 %: a trade that grows a side may leave that
    ///      side × 3,000 (rounded up) ≤ ⌊cash × 50 %⌋, where cash is the vault's collateral after the trade's own fee:
    ///      1,000,000 + ⌈⌈s × fill(s)⌉ × 5 bp⌉, fill(s) = 3,000 × (1 + s / 2,000,000). The largest s with
    ///      3,000 s ≤ ⌊(1,000,000 + fee(s)) / 2⌋ (bisection on those formulas): s* = 166.708347227432654243 ETH, fill
    ///      3,000.250062520841148982, fee 250.083364595925458055, notional 500,125.041682297962729 ≤ limit
    ///      500,125.041682297962729027. One wei more: notional +3,000 wei = …732000 > limit …729028 (its fee is
    ///      larger by a wei): `OpenInterestAboveCashLimit`. Bob's 1 wei long on top is refused the same way, his 10 ETH
    ///      short passes (short side 30,000). The limit is on each side, not on the net skew: after that short the net
    ///      skew is s* − 10, yet Carol's 1 ETH long takes the long side to s* + 1 (notional
    ///      3,000 × 167.708347227432654243 = 503,125.041682297962729) against half the cash after Bob's and Carol's
    ///      fees (reference pricing) and is refused.
    function test_finding13_openInterestCashLimit_boundary() public {
        engine.setOpenInterestCashRatio(0.5e18);
        _fund(ALICE, 100_000e6);
        _fund(BOB, 100_000e6);
        uint256 s = 166_708347227432654243;
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.OpenInterestAboveCashLimit.selector,
                eth,
                500_125_041682297962732000,
                500_125_041682297962729028
            )
        );
        engine.trade(ALICE, eth, int256(s) + 1, type(uint256).max);
        assertEq(_trade(ALICE, eth, int256(s)), 3_000_250062520841148982, "fill(s*)");
        assertEq(_lpCash(), 1_000_250_083364595925458055, "1,000,000 + fee(s*)");

        // Bob's 1 wei long: notional ⌈1 wei × fill⌉ = 1 wei, taker fee ⌈1 wei × 5 bp⌉ = 1 wei, so cash =
        // 1,000,250.083364595925458056 and the limit ⌊cash / 2⌋ = 500,125.041682297962729028 < 3,000 × (s* + 1 wei).
        vm.prank(BOB);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.OpenInterestAboveCashLimit.selector,
                eth,
                500_125_041682297962732000,
                500_125_041682297962729028
            )
        );
        engine.trade(BOB, eth, 1, type(uint256).max);
        uint256 cash = _lpCash();
        _trade(BOB, eth, -10e18);
        assertEq(engine.marketPrices(eth).skew, int256(s) - 10e18, "the reducing short passed");
        uint256 bobFee = RefPricing.fee(int256(s), -10e18, _refFill(int256(s), -10e18), 0.0002e18, 0.0005e18);
        assertEq(_lpCash(), cash + bobFee, "Bob's maker fee");

        _fund(CAROL, 100_000e6);
        int256 skew = int256(s) - 10e18;
        uint256 carolFee = RefPricing.fee(skew, 1e18, _refFill(skew, 1e18), 0.0002e18, 0.0005e18);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.OpenInterestAboveCashLimit.selector,
                eth,
                503_125_041682297962729000,
                (cash + bobFee + carolFee) / 2
            )
        );
        engine.trade(CAROL, eth, 1e18, type(uint256).max);
    }

    function _refFill(int256 skew, int256 delta) private pure returns (uint256) {
        return RefPricing.fill(3_000e18, skew, delta, 1_000_000e18, 0.1e18);
    }

    /// @dev The pnl-factor reduction (maxPnlFactor 50 %). Alice (40,000) longs 200 ETH at 3,000.3 (cost 600,060, fee
    ///      300.03), Bob (100,000) longs 100 at 3,000.75 (cost 300,075, fee 150.0375): cash 1,000,450.0675, limit
    ///      500,225.03375. Traders' profit = cost − exit value of the net 300 ETH = 900,135 − oracle × 300.045: at
    ///      4,600 it is 480,072 (within: `PnlFactorWithinLimit`), at 4,700 it is 510,076.5 and anyone may request.
    ///      60 s later (ranking window), at 4,700: funding index +0.2375 %/h × 4,700 × 60 / 3,600 =
    ///      0.018604166666666666 per ETH, fair premium min(EMA step, 0.1 %/h × 60 s) = 0.0000166666666666…; Alice
    ///      ranks first (PnL 57 % × leverage 2.5 against Bob's 57 % × 1.7) and is closed in full at the live fill
    ///      4,700 × (1 + 0.02 %) = 4,700.94 (within its bound 4,699.6083…, the fill of −200 from the fair skew
    ///      16.666666666666 ETH), realised +340,128, maker fee 2 bp = 188.0376, funding 3.7208333333333332; the caller
    ///      earns 20 % × 188.0376 = 37.60752 from the vault. The factor is then within its limit (profit
    ///      169,946.6395833… ≤ 330,238.1092066…) and the next call resolves the request.
    ///      With Bob still open, the vault's value is 660,476.2184133… − 169,946.6395833… = 490,529.578829 (in
    ///      USDC) and its backing 100 × 4,700 = 470,000: the provider may withdraw 20,529.578829, one unit more reverts
    ///      `ERC4626ExceededMaxWithdraw`. Then the oracle jumps to 7,000 in the same block: Bob closes in profit at
    ///      7,000 × (1 + 0.005 %) = 7,000.35 (realised +399,960, fee 140.007, funding 1.8604166666666666) and
    ///      withdraws all of it, 499,668.095083; Alice withdraws her 379,636.211566; the provider redeems the rest
    ///      (vault value 260,658.085829; 1 unit more reverts).
    function test_finding13_pnlFactorReduction_thenProfitPaidInTheSameBlock() public {
        _fund(ALICE, 40_000e6);
        _fund(BOB, 100_000e6);
        assertEq(_trade(ALICE, eth, 200e18), 3_000.3e18, "Alice's fill");
        assertEq(_trade(BOB, eth, 100e18), 3_000.75e18, "Bob's fill");

        ethOracle.setPrice(4_600e18);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 480_072e18, "900,135 - 4,600 x 300.045");
        assertEq(cash, 1_000_450.0675e18, "deposit + fees");
        vm.expectRevert(
            abi.encodeWithSelector(IAutoDeleveraging.PnlFactorWithinLimit.selector, 480_072e18, 500_225.03375e18)
        );
        liquidator.requestPnlReduction();

        ethOracle.setPrice(4_700e18);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionRequested(0, eth, true, 510_076.5e18, 1_000_450.0675e18);
        vm.prank(KEEPER);
        assertEq(liquidator.requestPnlReduction(), 0, "request 0");
        vm.expectRevert(IAutoDeleveraging.PnlReductionPending.selector);
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(BOB);
        liquidator.submitAdlCandidate(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();

        vm.warp(T0 + 60);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionExecuted(0, ALICE, -200e18, 4_700.94e18, 188.0376e18, 37.60752e18);
        vm.prank(KEEPER);
        assertEq(liquidator.executeAdl(), 0, "a reduction covers no shortfall");
        assertEq(engine.position(ALICE, eth).size, 0, "Alice closed in full");
        // 40,000 − 300.03 + 340,128 − 188.0376 − 3.7208333333333332
        assertEq(vault.collateralOf(ALICE), 379_636.2115666666666668e18, "Alice's collateral after the reduction");
        assertEq(usdc.balanceOf(KEEPER), 37_607520, "the caller's share of the fee");
        (profit, cash) = liquidator.pnlFactor();
        assertEq(profit, 169_946.6395833333333334e18, "Bob's profit less his funding");
        assertEq(cash, 660_476.2184133333333332e18, "cash after paying Alice and the caller");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();

        assertEq(lpVault.maxWithdraw(PROVIDER), 20_529_578829, "value 490,529.578829 - backing 470,000");
        vm.prank(PROVIDER);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, PROVIDER, 20_529_578830, 20_529_578829)
        );
        lpVault.withdraw(20_529_578830, PROVIDER, PROVIDER);

        ethOracle.setPrice(7_000e18);
        vm.prank(BOB);
        assertEq(engine.closePosition(BOB, eth, 0), 7_000.35e18, "Bob's exit fill");
        // 100,000 − 150.0375 + 399,960 − 140.007 − 1.8604166666666666
        assertEq(vault.collateralOf(BOB), 499_668.0950833333333334e18, "Bob's collateral after his close");
        vm.prank(BOB);
        vault.withdraw(499_668_095083, BOB);
        assertEq(usdc.balanceOf(BOB), 499_668_095083, "Bob's profit paid in the same block");
        vm.prank(ALICE);
        vault.withdraw(379_636_211566, ALICE);

        assertEq(lpVault.totalAssets(), 260_658_085829, "what is left for the provider");
        assertEq(lpVault.maxWithdraw(PROVIDER), 260_658_085829, "all of it");
        vm.startPrank(PROVIDER);
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC4626.ERC4626ExceededMaxWithdraw.selector, PROVIDER, 260_658_085830, 260_658_085829
            )
        );
        lpVault.withdraw(260_658_085830, PROVIDER, PROVIDER);
        lpVault.withdraw(260_658_085829, PROVIDER, PROVIDER);
        vm.stopPrank();
        assertEq(usdc.balanceOf(PROVIDER), 260_658_085829, "provider paid");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens back every balance");
    }
}
