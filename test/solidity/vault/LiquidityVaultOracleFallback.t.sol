// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {ILiquidityVault} from "../../../contracts/interfaces/ILiquidityVault.sol";
import {IPerpCounterparty} from "../../../contracts/interfaces/IPerpCounterparty.sol";
import {BreakerParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {EngineVaultFixture, MockVaultFixture} from "./VaultFixtures.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Every view the liquidity vault offers, called with a low-level staticcall so that a revert is reported as an
///      assertion naming the view instead of aborting the test.
abstract contract LpViewsNeverRevert {
    function _assertLpViewsDoNotRevert(address lpVault, address holder) internal view {
        bytes[15] memory calls = [
            abi.encodeCall(IERC4626.totalAssets, ()),
            abi.encodeCall(IERC4626.convertToShares, (1e6)),
            abi.encodeCall(IERC4626.convertToAssets, (1e18)),
            abi.encodeCall(IERC4626.maxDeposit, (holder)),
            abi.encodeCall(IERC4626.maxMint, (holder)),
            abi.encodeCall(IERC4626.maxWithdraw, (holder)),
            abi.encodeCall(IERC4626.maxRedeem, (holder)),
            abi.encodeCall(IERC4626.previewDeposit, (1e6)),
            abi.encodeCall(IERC4626.previewMint, (1e18)),
            abi.encodeCall(IERC4626.previewWithdraw, (1e6)),
            abi.encodeCall(IERC4626.previewRedeem, (1e18)),
            abi.encodeCall(ILiquidityVault.availableLiquidity, ()),
            abi.encodeCall(ILiquidityVault.requiredBackingAssets, ()),
            abi.encodeCall(ILiquidityVault.netValueUsd, ()),
            abi.encodeCall(ILiquidityVault.valuationFallback, ())
        ];
        string[15] memory names = [
            "totalAssets reverted",
            "convertToShares reverted",
            "convertToAssets reverted",
            "maxDeposit reverted",
            "maxMint reverted",
            "maxWithdraw reverted",
            "maxRedeem reverted",
            "previewDeposit reverted",
            "previewMint reverted",
            "previewWithdraw reverted",
            "previewRedeem reverted",
            "availableLiquidity reverted",
            "requiredBackingAssets reverted",
            "netValueUsd reverted",
            "valuationFallback reverted"
        ];
        for (uint256 i; i < calls.length; ++i) {
            (bool ok,) = lpVault.staticcall(calls[i]);
            if (!ok) revert(names[i]);
        }
    }
}

/// @notice Finding 9: one market's failing oracle must not freeze the liquidity vault. The engine values that market
///         at its last good price moved against the vault by the oracle-move breaker band (15 %), with the funding
///         index as last stored; deposits close, exits are paid at that worst case, and everything reopens with the
///         oracle.
/// @dev Book used throughout (provider 1,000,000 USDC, no insurance share):
///      T0: Alice buys 10 ETH from 0 at 2,000 × (1 + 10/(2 × 1M)) = 2,000.01 (cost 20,000.1, taker fee 10.00005);
///          Bob sells 1 BTC from 0 at 50,000 × (1 − 1/(2 × 1M)) = 49,999.975 (cost −49,999.975, fee 24.9999875).
///      T0 + 1 h: ETH oracle 2,100 and ETH accrues: rate at premium 10/1M = 1e-5 is 1e-5 + clamp(1.25e-5 − 1e-5) =
///          1.25e-5 per hour, index 1.25e-5 × 2,100 = 0.02625; last good ETH price 2,100. BTC never accrues (its last
///          good price stays the listing price, 50,000).
///      T0 + 2 h: the checks. Vault cash = 1,000,000 + 10.00005 + 24.9999875 = 1,000,035.0000375.
contract LiquidityVaultOracleFallbackTest is EngineVaultFixture, LpViewsNeverRevert {
    function setUp() public {
        _setUpProtocol(1_000_000e6);
        _fund(ALICE, 1_000_000e6);
        _fund(BOB, 1_000_000e6);
        _trade(ALICE, eth, 10e18);
        _trade(BOB, btc, -1e18);
        vm.warp(T0 + 1 hours);
        ethOracle.setPrice(2_100e18);
        engine.accrue(eth);
        vm.warp(T0 + 2 hours);
        assertEq(vault.collateralOf(address(lpVault)), int256(1_000_035.0000375e18), "vault cash");
        assertEq(lpVault.balanceOf(PROVIDER), 1_000_000e18, "provider's shares");
    }

    /// @dev ETH (the vault is short 10) fails. Worst case for the vault: up, 2,100 × 1.15 = 2,415.
    ///      ETH: 20,000.1 − ceil(2,415 × (10 + 0.00005)) + floor(10 × 0.02625) − 0 = 20,000.1 − 24,150.12075 + 0.2625
    ///           = −4,149.75825 (no funding after T0 + 1 h: the stored index).
    ///      BTC (live, 50,000; index over 2 h at rate −1e-6 + clamp(1.25e-5 + 1e-6) = 1.25e-5: 1.25e-5 × 50,000 × 2 =
    ///           1.25): −49,999.975 − ceil(50,000 × (−1 + 0.0000005)) + floor(−1 × 1.25) = −1.25.
    ///      Net value 1,000,035.0000375 − 4,149.75825 − 1.25 = 995,883.9917875 → total assets 995,883.991787.
    ///      Backing: 10 × 2,415 + 1 × 50,000 = 74,150. Available = 995,883.991787 − 74,150 = 921,733.991787 (cash
    ///      1,000,035.000037 does not bind). Conversions at (995,883,991,787 + 1) / (1e24 + 1e12).
    function test_ethOracleFails_viewsLive_worstCaseValue_depositsClosed_exitsPaid_thenReopen() public {
        ethOracle.setFailing(true);
        _assertLpViewsDoNotRevert(address(lpVault), PROVIDER);
        _assertLpViewsDoNotRevert(address(lpVault), BOB);

        (int256 pnl, bool fallbackUsed) = engine.counterpartyPnl();
        assertTrue(fallbackUsed, "counterparty reports the fallback");
        assertEq(pnl, -4_149.75825e18 - 1.25e18, "ETH at its worst case + BTC live");
        (uint256 backing, bool backingFallback) = engine.requiredBacking();
        assertTrue(backingFallback, "backing reports the fallback");
        assertEq(backing, 74_150e18, "10 x 2,415 + 1 x 50,000");

        assertTrue(lpVault.valuationFallback(), "vault flags the fallback");
        assertEq(lpVault.netValueUsd(), 995_883.9917875e18, "worst-case net value");
        assertEq(lpVault.totalAssets(), 995_883_991787, "total assets");
        assertEq(lpVault.requiredBackingAssets(), 74_150_000000, "backing");
        assertEq(lpVault.availableLiquidity(), 921_733_991787, "total - backing");
        assertEq(lpVault.maxDeposit(BOB), 0, "deposits closed");
        assertEq(lpVault.maxMint(BOB), 0, "mints closed");
        assertEq(lpVault.maxWithdraw(PROVIDER), 921_733_991787, "exits open up to the liquidity");
        // floor(921,733,991,787 × (1e24 + 1e12) / 995,883,991,788)
        assertEq(lpVault.maxRedeem(PROVIDER), 925_543_536585069402087368, "liquidity in shares, rounded down");
        assertEq(lpVault.convertToAssets(1e18), 995_883, "floor(1e18 x 995,883,991,788 / (1e24 + 1e12))");
        assertEq(lpVault.convertToShares(1e6), 1_004133019756257112, "floor(1e6 x (1e24 + 1e12) / 995,883,991,788)");
        assertEq(lpVault.previewDeposit(1e6), 1_004133019756257112, "as convertToShares (no fee)");
        assertEq(lpVault.previewMint(1e18), 995_884, "rounded up");
        assertEq(lpVault.previewWithdraw(1e6), 1_004133019756257113, "rounded up");
        assertEq(lpVault.previewRedeem(1e18), 995_883, "rounded down");

        usdc.mint(BOB, 1e6);
        vm.startPrank(BOB);
        usdc.approve(address(lpVault), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, BOB, 1e6, 0));
        lpVault.deposit(1e6, BOB);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxMint.selector, BOB, 1e18, 0));
        lpVault.mint(1e18, BOB);
        vm.stopPrank();

        // Exits are paid at the worst case: 1e23 shares → floor(1e23 × 995,883,991,788 / (1e24 + 1e12)).
        vm.prank(PROVIDER);
        uint256 paid = lpVault.redeem(100_000e18, PROVIDER, PROVIDER);
        assertEq(paid, 99_588_399178, "redeemed at the worst-case value");
        assertEq(usdc.balanceOf(PROVIDER), 99_588_399178, "provider received it");

        // The oracle answers again (2,100): deposits reopen. ETH live: index 0.02625 + 1 h × 1.25e-5 × 2,100 = 0.0525,
        // 20,000.1 − 21,000.105 + 0.525 = −999.48; BTC −1.25; cash 1,000,035.0000375 − 99,588.399178 = 900,446.6008595.
        ethOracle.setFailing(false);
        assertTrue(!lpVault.valuationFallback(), "no fallback");
        assertEq(lpVault.netValueUsd(), 900_446.6008595e18 - 999.48e18 - 1.25e18, "live value");
        assertEq(lpVault.totalAssets(), 899_445_870859, "total assets");
        assertEq(lpVault.maxDeposit(BOB), NO_CAP - 899_445_870859, "deposits open again");
        // 1,000 USDC at (9e23 + 1e12) / (899,445,870,859 + 1).
        assertEq(_lpDeposit(BOB, 1_000e6), 1_000_616078364415829277, "bob's shares at the live price");
    }

    /// @dev BTC (the vault is long 1) fails. Worst case for the vault: down, 50,000 × 0.85 = 42,500 (its last good
    ///      price is the listing price: BTC never accrued). Funding since the last accrual counts because it is against
    ///      the vault: at skew −1 the rate is 1.25e-5 per hour (longs pay, and the vault is the long), accrued at the
    ///      fallback price over the 2 h since listing: index 1.25e-5 × 42,500 × 2 = 1.0625, so the vault owes 1.0625.
    ///      BTC: −49,999.975 − ceil(42,500 × (−1 + 0.0000005)) − 1.0625 = −49,999.975 + 42,499.97875 − 1.0625 =
    ///      −7,501.05875. ETH live at 2,100: −999.48 (as above). Net value 1,000,035.0000375 − 999.48 − 7,501.05875 =
    ///      991,534.4612875. Backing counts the failing market up whatever the side: 10 × 2,100 + 1 × ceil(50,000 ×
    ///      1.15) = 78,500.
    function test_btcOracleFails_vaultLong_valuedDown_backingUp() public {
        btcOracle.setFailing(true);
        _assertLpViewsDoNotRevert(address(lpVault), PROVIDER);
        (int256 pnl, bool fallbackUsed) = engine.counterpartyPnl();
        assertTrue(fallbackUsed, "fallback");
        assertEq(pnl, -999.48e18 - 7_501.05875e18, "ETH live + BTC at its worst case");
        assertEq(lpVault.netValueUsd(), 991_534.4612875e18, "net value");
        assertEq(lpVault.totalAssets(), 991_534_461287, "total assets");
        assertEq(lpVault.requiredBackingAssets(), 78_500_000000, "backing at last x (1 + band) for the failing market");
        assertEq(lpVault.availableLiquidity(), 991_534_461287 - 78_500_000000, "total - backing");
        assertEq(lpVault.maxDeposit(PROVIDER), 0, "deposits closed");
        assertEq(lpVault.maxMint(PROVIDER), 0, "mints closed");
        assertEq(lpVault.maxWithdraw(PROVIDER), 991_534_461287 - 78_500_000000, "exits open");
        btcOracle.setFailing(false);
        assertTrue(!lpVault.valuationFallback(), "recovered");
        assertTrue(lpVault.maxDeposit(PROVIDER) > 0, "deposits open again");
    }

    /// @dev The fallback prices round against the vault: up (ceil) for a market where traders are net long, down
    ///      (floor) where they are net short, and the backing up. With odd last prices and a 20 % band (set through
    ///      the breaker) on a 50 % backing ratio:
    ///      ETH last 2,001.000000000000000003 → up ceil(2,001000000000000000003 × 1.2) = 2,401.2000000000000000036 →
    ///      2,401_200000000000000004; BTC last 50,000.000000000000000007 → down floor(× 0.8) =
    ///      40,000.0000000000000000056 → 40,000_000000000000000005.
    ///      The backing counts both failing markets at last × (1 + band), rounded up.
    function test_fallbackPrices_roundAgainstTheVault() public {
        ethOracle.setPrice(2_001_000000000000000003);
        btcOracle.setPrice(50_000_000000000000000007);
        engine.accrue(eth);
        engine.accrue(btc);
        _setBand(eth, 0.2e18);
        _setBand(btc, 0.2e18);
        engine.setBackingRatio(0.5e18);
        ethOracle.setFailing(true);
        btcOracle.setFailing(true);
        _assertLpViewsDoNotRevert(address(lpVault), PROVIDER);

        uint256 ethUp = 2_401_200000000000000004; // ceil(2,001.000000000000000003 × 1.2 = …0036)
        uint256 btcDown = 40_000_000000000000000005; // floor(50,000.000000000000000007 × 0.8 = …0056)
        uint256 btcUp = 60_000_000000000000000009; // ceil(50,000.000000000000000007 × 1.2 = …0084)
        // Backing: ETH ceil(ceil(10 × 2,401.200000000000000004) × 0.5) = ceil(24,012.00000000000000004 × 0.5) =
        // 12,006.00000000000000002; BTC ceil(60,000.000000000000000009 × 0.5 = …0045) = 30,000.000000000000000005.
        (uint256 backing, bool backingFallback) = engine.requiredBacking();
        assertTrue(backingFallback, "fallback");
        assertEq(backing, 12_006_000000000000000020 + 30_000_000000000000000005, "backing rounded up");
        assertEq(backing, (10 * ethUp + 1) / 2 + (btcUp + 1) / 2, "backing: last x (1 + band) x ratio, up");

        // The stored indices (T0 + 2 h accruals): ETH 0.02625 + trunc(1.25e-5 × 2,001.000000000000000003) =
        // 0.02625 + 0.0250125 = 0.0512625; BTC trunc(1.25e-5 × 50,000.000000000000000007 × 2) = 1.25.
        int256 ethIndex = 0.02625e18 + 0.0250125e18;
        int256 btcIndex = 1.25e18;
        assertEq(engine.marketState(eth).fundingIndex, ethIndex, "ETH stored index");
        assertEq(engine.marketState(btc).fundingIndex, btcIndex, "BTC stored index");
        // ETH: 20,000.1 − ceil(2,401.200000000000000004 × 10.00005) + floor(10 × 0.0512625);
        //   2,401.200000000000000004 × 10.00005 = 24,012.1200600000000000400002 → ceil 24,012.120060000000000041.
        // BTC: −49,999.975 − ceil(40,000.000000000000000005 × −0.9999995) + floor(−1 × 1.25);
        //   40,000000000000000000005 × 0.9999995 = 39,999.98000000000000000499… → ceil(−…) = −39,999.980000000000000004.
        int256 ethTerm = 20_000.1e18 - 24_012_120060000000000041 + 0.512625e18;
        int256 btcTerm = -49_999.975e18 + 39_999_980000000000000004 - 1.25e18;
        (int256 pnl, bool fallbackUsed) = engine.counterpartyPnl();
        assertTrue(fallbackUsed, "fallback");
        assertEq(pnl, ethTerm + btcTerm, "worst cases rounded against the vault");
        // The same through the test's own exit formula.
        assertEq(pnl, _bookPnl(ethUp, ethIndex, btcDown, btcIndex), "formula");
    }

    /// @dev The book's counterparty PnL from the test's exit formula: ETH long 10 at cost 20,000.1, BTC short 1 at
    ///      cost −49,999.975, both funding bases 0.
    function _bookPnl(uint256 ethPrice, int256 ethIndex, uint256 btcPrice, int256 btcIndex)
        internal
        pure
        returns (int256)
    {
        int256 ethTerm = 20_000.1e18 - _netExitValueCeil(ethPrice, 10e18, 1_000_000e18, 0.1e18)
            + _mulWadFloor(10e18, ethIndex);
        int256 btcTerm = -49_999.975e18 - _netExitValueCeil(btcPrice, -1e18, 1_000_000e18, 0.1e18)
            + _mulWadFloor(-1e18, btcIndex);
        return ethTerm + btcTerm;
    }

    /// @dev The fallback is the worst case within the band: with the book above plus a random ETH trade by Carol (so
    ///      the vault may end up long or short ETH) and ETH accrued now at 2,100, the value while ETH's oracle fails is
    ///      never above the live value at any ETH price within 2,100 × (1 ± 15 %) at the same moment, and equals it at
    ///      the end of the band that is against the vault (2,415 when traders are net long, 1,785 when net short).
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_fallbackValue_isTheWorstCaseWithinTheBand(int256 carolSize, uint256 price) public {
        carolSize = boundInt(carolSize, -40e18, 40e18);
        price = bound(price, 1_785e18, 2_415e18);
        _fund(CAROL, 1_000_000e6);
        if (carolSize != 0) _trade(CAROL, eth, carolSize);
        engine.accrue(eth);
        engine.accrue(btc);
        int256 skew = engine.marketState(eth).skew;

        ethOracle.setFailing(true);
        _assertLpViewsDoNotRevert(address(lpVault), PROVIDER);
        assertEq(lpVault.maxDeposit(BOB), 0, "deposits closed");
        assertEq(lpVault.maxMint(BOB), 0, "mints closed");
        int256 fallbackValue = lpVault.netValueUsd();

        ethOracle.setFailing(false);
        ethOracle.setPrice(price);
        assertGe(lpVault.netValueUsd(), fallbackValue, "no price in the band is worse than the fallback");
        ethOracle.setPrice(skew > 0 ? 2_415e18 : 1_785e18);
        assertEq(lpVault.netValueUsd(), fallbackValue, "the fallback is the band's worst end");
    }

    /// @dev The engine's counterpartyPnl itself reverts (a broken or replaced engine): every LP view still answers,
    ///      the value is the cash alone, deposits and exits are all closed; they reopen when it answers again.
    function test_counterpartyPnlReverts_closesDepositsAndExits_viewsLive() public {
        vm.mockCallRevert(address(engine), abi.encodeWithSelector(IPerpCounterparty.counterpartyPnl.selector), "down");
        _assertLpViewsDoNotRevert(address(lpVault), PROVIDER);
        assertTrue(lpVault.valuationFallback(), "flagged");
        assertEq(lpVault.netValueUsd(), 1_000_035.0000375e18, "cash alone");
        assertEq(lpVault.totalAssets(), 1_000_035_000037, "cash in units");
        assertEq(lpVault.maxDeposit(BOB), 0, "deposits closed");
        assertEq(lpVault.maxMint(BOB), 0, "mints closed");
        assertEq(lpVault.availableLiquidity(), 0, "no liquidity");
        assertEq(lpVault.maxWithdraw(PROVIDER), 0, "withdrawals closed");
        assertEq(lpVault.maxRedeem(PROVIDER), 0, "redemptions closed");
        vm.prank(PROVIDER);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxRedeem.selector, PROVIDER, 1, 0));
        lpVault.redeem(1, PROVIDER, PROVIDER);
        vm.prank(PROVIDER);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, PROVIDER, 1, 0));
        lpVault.withdraw(1, PROVIDER, PROVIDER);

        vm.clearMockedCalls();
        assertTrue(!lpVault.valuationFallback(), "answers again");
        assertTrue(lpVault.maxRedeem(PROVIDER) > 0 && lpVault.maxDeposit(BOB) > 0, "reopened");
    }

    function _setBand(uint256 marketId, uint256 band) internal {
        BreakerParams memory b = engine.circuitBreakerParams(marketId);
        assertEq(uint256(b.maxOracleMove), 0.15e18, "default band");
        b.maxOracleMove = uint64(band);
        engine.setCircuitBreaker(marketId, b);
    }
}

/// @notice The same rules with a mock counterparty: a reported fallback closes deposits only; a reverting
///         counterpartyPnl closes deposits and exits; a reverting requiredBacking closes exits only. No view reverts.
contract LiquidityVaultCounterpartyFailureTest is MockVaultFixture, LpViewsNeverRevert {
    function setUp() public {
        _setUpVault();
        _deposit(ALICE, 1_000 * ONE_USDC);
        cp.setCounterpartyPnl(-100e18);
        cp.setRequiredBacking(300e18);
    }

    /// @dev Fallback reported: value 1,000 − 100 = 900 (the mock's worst case), backing 300 → 600 available; deposits
    ///      and mints 0; exits at the value.
    function test_fallbackReported_closesDepositsOnly() public {
        cp.setFallbackUsed(true);
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertTrue(lp.valuationFallback(), "flagged");
        assertEq(lp.totalAssets(), 900 * ONE_USDC, "worst-case value");
        assertEq(lp.maxDeposit(BOB), 0, "deposits closed");
        assertEq(lp.maxMint(BOB), 0, "mints closed");
        assertEq(lp.availableLiquidity(), 600 * ONE_USDC, "900 - 300");
        assertEq(lp.maxWithdraw(ALICE), 600 * ONE_USDC, "exits open");
        vm.prank(ALICE);
        lp.withdraw(600 * ONE_USDC, ALICE, ALICE);
        // 600e6 × (1,000e18 + 1e12) / (900e6 + 1), rounded up: the shares burned at the worst-case price.
        assertEq(lp.balanceOf(ALICE), 1_000e18 - 666_666_666_592_592_592_675, "burned at the worst-case price");
        cp.setFallbackUsed(false);
        assertEq(lp.maxDeposit(BOB), NO_CAP - 300 * ONE_USDC, "reopened");
    }

    /// @dev counterpartyPnl reverts: value = cash (1,000), every max* 0, nothing reverts.
    function test_counterpartyPnlReverts_closesEverything() public {
        vm.mockCallRevert(address(cp), abi.encodeWithSelector(IPerpCounterparty.counterpartyPnl.selector), "down");
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertTrue(lp.valuationFallback(), "flagged");
        assertEq(lp.netValueUsd(), 1_000e18, "cash alone");
        assertEq(lp.maxDeposit(BOB), 0, "deposit");
        assertEq(lp.maxMint(BOB), 0, "mint");
        assertEq(lp.maxWithdraw(ALICE), 0, "withdraw");
        assertEq(lp.maxRedeem(ALICE), 0, "redeem");
        assertEq(lp.availableLiquidity(), 0, "liquidity");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, BOB, 1, 0));
        lp.deposit(1, BOB);
        vm.clearMockedCalls();
        assertEq(lp.maxWithdraw(ALICE), 600 * ONE_USDC, "reopened");
    }

    /// @dev requiredBacking reverts: backing taken as unbounded, so exits close; deposits stay open (they add
    ///      backing); nothing reverts.
    function test_requiredBackingReverts_closesExitsOnly() public {
        vm.mockCallRevert(address(cp), abi.encodeWithSelector(IPerpCounterparty.requiredBacking.selector), "down");
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertEq(lp.requiredBackingAssets(), type(uint256).max, "unbounded");
        assertEq(lp.availableLiquidity(), 0, "no liquidity");
        assertEq(lp.maxWithdraw(ALICE), 0, "withdraw");
        assertEq(lp.maxRedeem(ALICE), 0, "redeem");
        assertTrue(!lp.valuationFallback(), "the value itself is known");
        assertEq(lp.maxDeposit(BOB), NO_CAP - 900 * ONE_USDC, "deposits open");
    }

    /// @dev A counterparty that answers with the wrong shape (one word, as an engine built against an older interface
    ///      whose counterpartyPnl returned only the PnL would) is treated like one that reverts: every view answers,
    ///      deposits and exits close.
    function test_counterpartyPnlMalformedAnswer_treatedAsUnknown() public {
        vm.mockCall(address(cp), abi.encodeWithSelector(IPerpCounterparty.counterpartyPnl.selector), abi.encode(int256(5)));
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertTrue(lp.valuationFallback(), "flagged");
        assertEq(lp.netValueUsd(), 1_000e18, "cash alone");
        assertEq(lp.maxDeposit(BOB), 0, "deposit");
        assertEq(lp.maxRedeem(ALICE), 0, "redeem");
        vm.clearMockedCalls();
        assertEq(lp.maxWithdraw(ALICE), 600 * ONE_USDC, "well-formed again");
    }

    /// @dev requiredBacking answering one word: backing unbounded (exits closed), nothing reverts.
    function test_requiredBackingMalformedAnswer_closesExits() public {
        vm.mockCall(address(cp), abi.encodeWithSelector(IPerpCounterparty.requiredBacking.selector), abi.encode(1));
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertEq(lp.requiredBackingAssets(), type(uint256).max, "unbounded");
        assertEq(lp.maxWithdraw(ALICE), 0, "withdraw");
        assertEq(lp.maxDeposit(BOB), NO_CAP - 900 * ONE_USDC, "deposits open");
    }

    /// @dev A liquidation engine without code (misconfigured): its shortfall reads as 0 and nothing reverts.
    function test_liquidationEngineWithoutCode_shortfallZero() public {
        cp.setLiquidationEngine(address(0x1234));
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertEq(lp.unresolvedShortfallUsd(), 0, "no shortfall read");
        assertEq(lp.netValueUsd(), 900e18, "cash + PnL");
        assertEq(lp.maxWithdraw(ALICE), 600 * ONE_USDC, "exits open");
    }

    /// @dev A counterparty address without code (an owner's mistake): every view answers, deposits and exits close.
    function test_counterpartyWithoutCode_closesEverything() public {
        lp.setCounterparty(IPerpCounterparty(address(0xDEAD)));
        _assertLpViewsDoNotRevert(address(lp), ALICE);
        assertTrue(lp.valuationFallback(), "flagged");
        assertEq(lp.netValueUsd(), 1_000e18, "cash alone");
        assertEq(lp.requiredBackingAssets(), type(uint256).max, "backing unknown");
        assertEq(lp.maxDeposit(BOB), 0, "deposit");
        assertEq(lp.maxMint(BOB), 0, "mint");
        assertEq(lp.maxWithdraw(ALICE), 0, "withdraw");
        assertEq(lp.maxRedeem(ALICE), 0, "redeem");
    }
}
