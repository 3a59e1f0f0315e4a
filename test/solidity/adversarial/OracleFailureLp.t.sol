// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 9 of the security review, "one failing oracle freezes the whole liquidity vault": `totalAssets`,
///         `availableLiquidity` / `requiredBacking` and every `max*` view looped over the markets with open interest
///         and reverted when one adapter reverted, so no LP could enter or exit (and ERC-4626 says `max*` must not
///         revert).
/// @dev Local ETH (3,000) and BTC (60,000, skewScale 50,000 BTC) markets, one provider with 1,000,000 USDC (10^24
///      shares). Alice longs 100 ETH from skew 0: average premium G(100) / 100 = 100 / (2 × 1,000,000) = 0.005 %, fill
///      3,000.15, cost basis 300,015, taker fee 5 bp = 150.0075. Bob longs 1 BTC: premium 1 / 100,000 = 0.001 %,
///      fill 60,000.6, fee 30.0003. The vault's collateral: 1,000,000 + 150.0075 + 30.0003 = 1,000,180.0078 (at a
///      constant oracle its counterparty PnL is 0: 300,015 − 3,000 × (100 + G(100)) = 0). Then the ETH oracle fails.
///      Before (commit 1005906, ported): `totalAssets`, `convertToAssets`, `maxDeposit`, `maxWithdraw`, `maxRedeem`,
///      `availableLiquidity` and `redeem` all reverted `MockOracleFailure()`; Bob's BTC close and withdrawal worked.
///      Now ETH is valued at its worst case: the last good price moved against the vault by the 15 % breaker band,
///      3,000 × 1.15 = 3,450: counterparty PnL 300,015 − 3,450 × 100.005 = −45,002.25, so the value is 1,000,180.0078
///      − 45,002.25 = 955,177.7578 USDC; required backing 100 × 3,450 + 1 × 60,000 = 405,000; available 550,177.7578.
contract OracleFailureLpTest is LocalProtocolFixture {
    MockOracleAdapter internal btcOracle;
    uint256 internal btc;

    uint256 internal constant SHARES = 1e24;
    uint256 internal constant WORST_CASE_ASSETS = 955_177_757800;
    uint256 internal constant AVAILABLE = 550_177_757800;

    function setUp() public override {
        super.setUp();
        btcOracle = new MockOracleAdapter(60_000e18);
        btc = engine.listMarket("BTC", localBtcParams(btcOracle), cryptoTiers());
        assertEq(_lpDeposit(PROVIDER, 1_000_000e6), SHARES, "10^6 USDC x 10^12 virtual shares per unit");
        _fund(ALICE, 100_000e6);
        _fund(BOB, 20_000e6);
        _fund(CAROL, 20_000e6);
        assertEq(_trade(ALICE, eth, 100e18), 3_000.15e18, "ETH fill");
        assertEq(_trade(BOB, btc, 1e18), 60_000.6e18, "BTC fill");
        assertEq(vault.collateralOf(address(lpVault)), 1_000_180.0078e18, "deposit + fees");
        assertEq(lpVault.totalAssets(), 1_000_180_007800, "honest value: fees only");
        ethOracle.setFailing(true);
    }

    /// @dev Every ERC-4626 view answers, at the worst case: totalAssets 955,177.7578; convertToAssets(10^18 shares) =
    ///      10^18 × (955,177,757,800 + 1) / (10^24 + 10^12) = 955,177 units; previewRedeem(all) = 10^24 ×
    ///      955,177,757,801 / (10^24 + 10^12) = 955,177,757,800 (the whole worst-case value); maxWithdraw = min(that,
    ///      available 550,177.7578); maxRedeem = 550,177,757,800 × (10^24 + 10^12) / 955,177,757,801, rounded down =
    ///      575,995,152,009,363,698,989,799; convertToShares(955,177) = 955,177 × (10^24 + 10^12) / 955,177,757,801 =
    ///      999,999,206,639,770,834 and previewDeposit(1,000 USDC) = 10^9 × (10^24 + 10^12) / 955,177,757,801 =
    ///      1,046,925,550,594,047,840,641 (no liquidity fee). Deposits are closed: maxDeposit = maxMint = 0.
    function test_finding9_everyViewAnswers_atTheWorstCase() public view {
        assertTrue(lpVault.valuationFallback(), "fallback in use");
        assertEq(lpVault.netValueUsd(), 955_177.7578e18, "1,000,180.0078 - 45,002.25");
        assertEq(lpVault.totalAssets(), WORST_CASE_ASSETS, "worst-case value");
        assertEq(lpVault.convertToAssets(1e18), 955_177, "share price");
        assertEq(lpVault.convertToShares(955_177), 999_999_206_639_770_834, "round trip of one share price");
        assertEq(lpVault.previewRedeem(SHARES), WORST_CASE_ASSETS, "all shares at the worst case");
        assertEq(lpVault.requiredBackingAssets(), 405_000e6, "100 x 3,450 + 1 x 60,000");
        assertEq(lpVault.availableLiquidity(), AVAILABLE, "955,177.7578 - 405,000");
        assertEq(lpVault.maxWithdraw(PROVIDER), AVAILABLE, "capped by the available liquidity");
        assertEq(lpVault.maxRedeem(PROVIDER), 575_995_152_009_363_698_989_799, "shares worth the available liquidity");
        assertEq(lpVault.maxDeposit(PROVIDER2), 0, "deposits closed");
        assertEq(lpVault.maxMint(PROVIDER2), 0, "mints closed");
        assertEq(lpVault.previewDeposit(1_000e6), 1_046_925_550_594_047_840_641, "previews still answer");
    }

    /// @dev Deposits and mints revert with ERC-4626's typed errors (max 0). The provider withdraws exactly the
    ///      available 550,177.7578 (1 unit more reverts `ERC4626ExceededMaxWithdraw`), burning
    ///      ⌈550,177,757,800 × (10^24 + 10^12) / 955,177,757,801⌉ = 575,995,152,009,363,698,989,800 shares: the exit is
    ///      priced at the worst case, so the remaining 424,004,847,990,636,301,010,200 shares are worth 405,000 (the
    ///      value fell by exactly what was paid). Bob closes his BTC long at 61,000 in profit and withdraws everything;
    ///      Carol opens a BTC short: traders in the other market are unaffected. When the oracle answers again,
    ///      deposits reopen.
    function test_finding9_depositsClosed_lpExitsAtTheWorstCase_otherMarketsTrade() public {
        vm.startPrank(PROVIDER2);
        usdc.mint(PROVIDER2, 1_000e6);
        usdc.approve(address(lpVault), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, PROVIDER2, 1_000e6, 0));
        lpVault.deposit(1_000e6, PROVIDER2);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxMint.selector, PROVIDER2, 1e18, 0));
        lpVault.mint(1e18, PROVIDER2);
        vm.stopPrank();

        vm.startPrank(PROVIDER);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, PROVIDER, AVAILABLE + 1, AVAILABLE)
        );
        lpVault.withdraw(AVAILABLE + 1, PROVIDER, PROVIDER);
        uint256 burned = lpVault.withdraw(AVAILABLE, PROVIDER, PROVIDER);
        vm.stopPrank();
        assertEq(burned, 575_995_152_009_363_698_989_800, "shares priced at the worst case");
        assertEq(usdc.balanceOf(PROVIDER), AVAILABLE, "paid");
        assertEq(lpVault.balanceOf(PROVIDER), 424_004_847_990_636_301_010_200, "shares left");
        assertEq(lpVault.totalAssets(), 405_000e6, "955,177.7578 - 550,177.7578");
        assertEq(lpVault.previewRedeem(lpVault.balanceOf(PROVIDER)), 405_000e6, "the rest keeps its worst-case value");
        assertEq(lpVault.maxWithdraw(PROVIDER), 0, "the backing of 405,000 stays");

        // Bob: exit fill of 1 BTC at skew 1 and 61,000 = 61,000 × 1.00001 = 61,000.61; PnL 1,000.01; maker fee 2 bp
        // = 12.200122; collateral 20,000 − 30.0003 + 1,000.01 − 12.200122 = 20,957.809578.
        btcOracle.setPrice(61_000e18);
        vm.prank(BOB);
        assertEq(engine.closePosition(BOB, btc, 0), 61_000.61e18, "Bob's exit fill");
        assertEq(vault.maxWithdraw(BOB), 20_957_809578, "all of it");
        vm.prank(BOB);
        vault.withdraw(20_957_809578, BOB);
        assertEq(usdc.balanceOf(BOB), 20_957_809578, "Bob withdrew his profit");
        _trade(CAROL, btc, -1e18);
        assertEq(engine.marketPrices(btc).skew, -1e18, "Carol opened");

        ethOracle.setFailing(false);
        assertTrue(!lpVault.valuationFallback(), "oracle back");
        assertTrue(lpVault.maxDeposit(PROVIDER2) > 0, "deposits reopen");
    }
}
