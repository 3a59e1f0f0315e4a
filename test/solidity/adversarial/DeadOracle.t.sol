// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IChainlinkOracleAdapter} from "../../../contracts/interfaces/IChainlinkOracleAdapter.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams, MarketState} from "../../../contracts/interfaces/PerpTypes.sol";
import {ChainlinkOracleAdapter} from "../../../contracts/oracles/ChainlinkOracleAdapter.sol";
import {LocalEthFixture} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 2 of the security issue: a dead oracle could never be replaced. `setMarketParams`, the only way to
///         change a market's oracle, first accrued at the current oracle without a fallback, so once a Chainlink feed
///         stopped for good (the adapter's primary feed is immutable, its heartbeat capped at 2 days) the swap reverted
///         with the old adapter's `StalePrice`, and closing, liquidating, every withdrawal of an account holding the
///         market and every LP exit stayed frozen. Now the pre-update accrual falls back (the outage accrues no
///         funding), the new adapter becomes the last good price and re-anchors the breaker, positions close at the new
///         oracle and LPs exit; during the outage a holder can withdraw everything the failing market could not cost
///         it at its worst case within the breaker band, and the liquidity vault's views answer at that worst case.
/// @dev The local ETH market priced by a ChainlinkOracleAdapter over an 8-decimal feed at 3,000.00000000 (heartbeat
///      1 day, as the local deployment), the honest LP's 1,000,000, oracle-move band 15 % (the default).
///      At T0: ALICE (100,000) buys 100 from skew 0: 3,000 × (1 + 100 / 2,000,000) = 3,000.15, cost basis 300,015,
///      taker fee 150.0075; BOB (100,000) sells 50 at skew 100: 3,000 × (1 + 75 / 1,000,000) = 3,000.225, cost basis
///      −150,011.25, maker fee 30.00225. Skew +50, the liquidity vault short 50. The feed never updates again.
///      Before (commit 1005906): at T0 + 1 day + 1 s every step below reverted with StalePrice(T0, 86,400, now):
///      ALICE's withdrawal of even 1 USDC, the owner's setMarketParams with a new adapter, every close and every LP
///      view; nothing could leave. After: ALICE withdraws exactly 42,008.491614 (one unit more is refused), the owner
///      replaces the adapter, both traders close at 2,900 and the honest LP redeems 1,005,310.634024.
contract DeadOracleTest is LocalEthFixture {
    uint256 internal constant HEARTBEAT = 1 days;

    MockV3Aggregator internal feed;
    ChainlinkOracleAdapter internal adapter;

    function _ethAdapter() internal override returns (IOracleAdapter) {
        feed = new MockV3Aggregator(8, 3_000e8);
        adapter = _adapterOver(feed);
        return adapter;
    }

    function setUp() public override {
        super.setUp();
        _fund(ALICE, 100_000e6);
        _fund(BOB, 100_000e6);
        assertEq(_trade(ALICE, eth, 100e18), 3_000.15e18, "alice's fill");
        assertEq(_trade(BOB, eth, -50e18), 3_000.225e18, "bob's fill");
        assertEq(vault.collateralOf(ALICE), 99_849.9925e18, "alice: 100,000 - 150.0075");
        assertEq(vault.collateralOf(BOB), 99_969.99775e18, "bob: 100,000 - 30.00225");
    }

    /// @dev During the outage ALICE's account is valued, for what it may withdraw, at the failing market's worst case:
    ///      the last good price 3,000 moved down by the 15 % band, 2,550, with the funding since the last accrual (T0)
    ///      counted because it is against her: at skew +50 the rate is 0.005 % + clamp(0.00125 % − 0.005 %, ±0.00625 %)
    ///      = 0.00125 %/h, longs pay; over 86,401 s at 2,550 the index rises 0.765008854166666666 a unit and she owes
    ///      ⌈100 × that⌉ = 76.5008854166666666. PnL 100 × 2,550 − 300,015 = −45,015; equity 99,849.9925 − 45,015 −
    ///      76.5008854166666666 = 54,758.4916145833333334; notional 255,000, IM at 20x 12,750: withdrawable
    ///      42,008.4916145833333334, i.e. 42,008.491614 USDC. One USDC unit more is refused; closing needs a price and
    ///      reverts.
    function test_outage_restOfTheAccountWithdrawable_downToTheWorstCase() public {
        vm.warp(T0 + HEARTBEAT + 1);
        assertEq(vault.withdrawableUsd(ALICE), 42_008.4916145833333334e18, "worst case within the breaker band");
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICollateralVault.InsufficientWithdrawable.selector, 42_008.491615e18, 42_008.4916145833333334e18
            )
        );
        vault.withdraw(42_008.491615e6, ALICE);
        vm.prank(ALICE);
        vault.withdraw(42_008.491614e6, ALICE);
        assertEq(vault.collateralOf(ALICE), 57_841.500886e18, "99,849.9925 - 42,008.491614");

        vm.prank(ALICE);
        vm.expectRevert(_stale());
        engine.trade(ALICE, eth, -100e18, 0);
    }

    /// @dev During the outage the liquidity vault stays live at its worst case: it is short 50, valued at the last
    ///      price moved up by the band, 3,450. Its cost basis 300,015 − 150,011.25 = 150,003.75 against the exit value
    ///      3,450 × (50 + 50² / 2,000,000) = 172,504.3125: −22,500.5625; collateral 1,000,000 + 180.00975 of fees (the
    ///      funding the longs owe it since T0 is in its favour, so not counted); NAV 977,679.44725. Deposits are
    ///      closed; the honest LP could redeem at that value, up to the liquidity left after the backing 50 × 3,450 =
    ///      172,500 (805,179.44725) and after the cash the open interest requires: its larger side, Alice's 100 long,
    ///      at the worst case 3,450 over the 100 % ratio, 345,000, out of the cash 1,000,180.00975: 655,180.00975.
    function test_outage_liquidityVaultLive_atItsWorstCase() public {
        vm.warp(T0 + HEARTBEAT + 1);
        assertTrue(lpVault.valuationFallback(), "fallback used");
        assertEq(lpVault.netValueUsd(), 977_679.44725e18, "worst-case NAV");
        assertEq(lpVault.totalAssets(), 977_679.44725e6, "totalAssets");
        assertEq(lpVault.maxDeposit(HONEST_LP), 0, "deposits closed");
        assertEq(lpVault.maxMint(HONEST_LP), 0, "mints closed");
        // ⌊1e24 × (977,679,447,250 + 1) / (1e24 + 1e12)⌋
        assertEq(lpVault.previewRedeem(1e24), 977_679.44725e6, "exit at the worst case");
        assertEq(lpVault.requiredBackingAssets(), 172_500e6, "50 x 3,450");
        assertEq(lpVault.requiredCashAssets(), 345_000e6, "100 x 3,450 / 100 %");
        assertEq(lpVault.availableLiquidity(), 655_180.00975e6, "min(NAV - 172,500, cash - 345,000)");
        assertEq(lpVault.maxWithdraw(HONEST_LP), 655_180.00975e6, "capped by the liquidity");
    }

    /// @dev The feed answers at T0 + 1 day (age == heartbeat) and is dead one second later, for good. The owner
    ///      replaces the dead adapter. The pre-update accrual falls back: the day of outage accrues no funding
    ///      (index stays 0, rate 0), the new adapter's 2,900 becomes the last good price and the breaker reference.
    ///      ALICE sells 100 at skew 50: 2,900 × (100 − (G(−50) − G(50))) / 100 = 2,900 (G is even), −10,015, fee
    ///      29 maker + 72.5 taker; BOB buys 50 at −50: 2,900 × (50 − 50² / 2,000,000) / 50 = 2,899.9275, +5,014.875,
    ///      maker fee 28.999275. The liquidity vault, flat, holds 1,000,180.00975 + 10,015 + 101.5 − 5,014.875 +
    ///      28.999275 = 1,005,310.634025 and the honest LP redeems ⌊1e24 × (1,005,310,634,025 + 1) / (1e24 + 1e12)⌋ =
    ///      1,005,310.634024.
    function test_deadOracleReplaced_positionsClose_lpsExit() public {
        vm.warp(T0 + HEARTBEAT);
        assertEq(adapter.price(), 3_000e18, "age == heartbeat: still fresh");
        vm.warp(T0 + HEARTBEAT + 1);
        vm.expectRevert(_stale());
        adapter.price();
        MarketParams memory p = engine.marketParams(eth);
        MockV3Aggregator feed2 = new MockV3Aggregator(8, 2_900e8);
        p.oracle = _adapterOver(feed2);
        vm.expectEmit(address(engine));
        emit IPerpEngine.CircuitBreakerReset(eth, 2_900e18);
        engine.setMarketParams(eth, p);

        MarketState memory s = engine.marketState(eth);
        assertEq(s.fundingIndex, 0, "no funding over the outage");
        assertEq(s.lastFundingRate, 0, "rate 0 over the outage");
        assertEq(s.lastOraclePrice, 2_900e18, "new last good price");
        assertEq(s.lastUpdateTime, T0 + HEARTBEAT + 1, "accrued to now");
        assertTrue(!lpVault.valuationFallback(), "valued at the new oracle");

        assertEq(_close(ALICE, eth), 2_900e18, "alice closes at the new oracle");
        assertEq(vault.collateralOf(ALICE), 99_849.9925e18 - 10_015e18 - 101.5e18, "alice");
        assertEq(_close(BOB, eth), 2_899.9275e18, "bob closes");
        assertEq(vault.collateralOf(BOB), 99_969.99775e18 + 5_014.875e18 - 28.999275e18, "bob");
        _withdrawAll(ALICE);
        _withdrawAll(BOB);
        assertEq(usdc.balanceOf(ALICE), 89_733.4925e6, "alice out");
        assertEq(usdc.balanceOf(BOB), 104_955.873475e6, "bob out");

        assertEq(lpVault.netValueUsd(), 1_005_310.634025e18, "vault NAV");
        vm.prank(HONEST_LP);
        lpVault.redeem(1e24, HONEST_LP, HONEST_LP);
        assertEq(usdc.balanceOf(HONEST_LP), 1_005_310.634024e6, "the honest LP exits");
    }

    function _adapterOver(MockV3Aggregator f) private returns (ChainlinkOracleAdapter) {
        return new ChainlinkOracleAdapter(
            AggregatorV3Interface(address(f)),
            HEARTBEAT,
            1,
            1e36,
            IChainlinkOracleAdapter.SequencerConfig({feed: AggregatorV3Interface(address(0)), gracePeriod: 0}),
            IChainlinkOracleAdapter.SecondaryConfig({
                feed: AggregatorV3Interface(address(0)), heartbeat: 0, maxDeviation: 0
            }),
            address(this)
        );
    }

    function _stale() private view returns (bytes memory) {
        return abi.encodeWithSelector(IChainlinkOracleAdapter.StalePrice.selector, T0, HEARTBEAT, block.timestamp);
    }
}
