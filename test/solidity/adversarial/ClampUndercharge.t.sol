// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LocalEthFixture, RefPricing} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 4 of the security issue: trades that cross the premium clamp were under-charged. The fill used to be
///         the average of the premiums before and after the trade, which is the integral only while the premium is
///         linear in skew; a trade from 0 deep into the clamp paid half the clamped premium on its whole size, and a
///         close in two pieces got the full clamped premium back on the first piece. Now the fill is the exact
///         integral of the clamped premium over the path, so any round trip at a constant oracle and time costs the
///         fees plus rounding against the trader, however it is split.
/// @dev Market THIN on the local protocol: oracle 60,000, skewScale K = 2,000, maxPremium M = 2 % (the clamp starts at
///      |skew| = M·K = 40), maxSkew 100, maxOpenInterest 100 (the listing bound: min(2M, ⌈maxOI / 2K⌉) =
///      min(4 %, 100 / 4,000 = 2.5 %) = 2.5 % ≤ the lowest mmr 2.5 %), maker 2 bp, taker 5 bp, the crypto tiers.
///      G(s) = s² / 4,000 for |s| ≤ 40, else 0.02·|s| − 0.4: G(40) = 0.4, G(100) = 1.6.
///      Before (commit 1005906, the same sequences): the one-trade open and two-piece close of 100 returned
///      +31,750.8 USDC after fees to the attacker, paid by the liquidity vault (open at avg(0, 2 %) → 60,600, close 60
///      at avg(2 %, 2 %) → 61,200 and 40 at avg(2 %, 0) → 60,600: +36,000 of premium, −4,249.2 of fees; the issue
///      measured +29,323 with its own sizes), and the hedged variation below returned +27,648.15 to its two accounts.
///      After: the first costs exactly its fees, 4,267.2, the second exactly its fees, 8,333.85 (the liquidity vault
///      gains exactly those).
contract ClampUnderchargeTest is LocalEthFixture {
    address internal constant ATTACKER = address(0xA7);
    address internal constant LONG_LEG = address(0xA8);
    address internal constant SHORT_LEG = address(0xA9);
    address internal constant DEEP_LP = address(0xDEE9);

    uint256 internal constant K = 2_000e18;
    uint256 internal constant M = 0.02e18;
    uint256 internal constant ORACLE = 60_000e18;

    MockOracleAdapter internal thinOracle;
    uint256 internal thin;

    function setUp() public override {
        super.setUp();
        thinOracle = new MockOracleAdapter(ORACLE);
        thin = engine.listMarket("THIN", thinParams(100e18), cryptoTiers());
    }

    function thinParams(uint256 maxOpenInterest) internal view returns (MarketParams memory p) {
        p = localEthParams(thinOracle);
        p.skewScale = uint128(K);
        p.maxPremium = uint64(M);
        p.maxSkew = 100e18;
        p.maxOpenInterest = uint128(maxOpenInterest);
    }

    /// @dev The validator accepts THIN exactly at its listing bound: one wei more of open-interest cap makes the close
    ///      impact ⌈(100e18 + 1)·1e18 / 4,000e18⌉ = 0.025e18 + 1 > mmr 0.025e18 (2M = 4 % is larger, so the OI term
    ///      decides).
    function test_thinMarket_listsAtTheBound_oneWeiMoreRefused() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.025e18 + 1, 0.025e18)
        );
        engine.listMarket("THIN+1", thinParams(100e18 + 1), cryptoTiers());
        assertEq(engine.marketParams(thin).maxOpenInterest, 100e18, "listed at 100");
    }

    /// @dev The finding's sequence, with a liquidity vault deep enough that the open-interest-to-cash limit lets the
    ///      open through (honest LP 1,000,000 + DEEP_LP 9,000,000). ATTACKER (1,000,000 collateral):
    ///      open +100 in one trade: factor (100 + G(100)) / 100 = 101.6 / 100 → fill 60,960, notional 6,096,000, taker
    ///        fee 5 bp = 3,048 (long side: 100 × 60,000 = 6,000,000 ≤ 10,003,048);
    ///      close −60 (skew 100 → 40): factor (60 + G(100) − G(40)) / 60 = 61.2 / 60 → 61,200, proceeds 3,672,000, cost
    ///        share 6,096,000 × 60 / 100 = 3,657,600, +14,400; maker fee 2 bp = 734.4;
    ///      close −40 (40 → 0): factor (40 + 0.4) / 40 → 60,600, proceeds 2,424,000, cost 2,438,400, −14,400; maker fee
    ///        484.8.
    ///      Round trip: 0 of PnL, fees 3,048 + 734.4 + 484.8 = 4,267.2; the liquidity vault gains exactly that.
    function test_openDeepCloseInTwo_costsExactlyTheFees() public {
        _lpDeposit(DEEP_LP, 9_000_000e6);
        _fund(ATTACKER, 1_000_000e6);
        int256 lpBefore = lpVault.netValueUsd();

        assertEq(_trade(ATTACKER, thin, 100e18), 60_960e18, "open fill: exact integral, 1.6 % average premium");
        assertEq(_ref(0, 100e18), 60_960e18, "reference fill");
        assertEq(_trade(ATTACKER, thin, -60e18), 61_200e18, "first close: flat 2 % part");
        assertEq(_ref(100e18, -60e18), 61_200e18, "reference fill");
        assertEq(_trade(ATTACKER, thin, -40e18), 60_600e18, "second close: linear part");
        assertEq(_ref(40e18, -40e18), 60_600e18, "reference fill");

        uint256 fees = 3_048e18 + 734.4e18 + 484.8e18;
        assertEq(fees, _refFee(0, 100e18) + _refFee(100e18, -60e18) + _refFee(40e18, -40e18), "reference fees");
        assertEq(vault.collateralOf(ATTACKER), 1_000_000e18 - int256(fees), "round trip costs exactly the fees");
        assertEq(lpVault.netValueUsd() - lpBefore, int256(fees), "the liquidity vault gains exactly the fees");
        assertEq(engine.marketState(thin).skew, 0, "flat");
    }

    /// @dev With only the honest 1,000,000 USDC LP the finding's open is refused outright: after the open's fee is
    ///      settled the vault's cash is 1,003,048 and the long side × oracle = 6,000,000 exceeds it.
    function test_openDeep_refusedByOpenInterestCashLimit() public {
        _fund(ATTACKER, 1_000_000e6);
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, thin, 6_000_000e18, 1_003_048e18)
        );
        engine.trade(ATTACKER, thin, 100e18, type(uint256).max);
    }

    /// @dev The hedged variation: a book built in steps of 1 (|skew| ≤ 1, so maxSkew and the funding band never bind;
    ///      each side grows to 100 × 60,000 = 6,000,000, which the open-interest-to-cash limit allows only with
    ///      DEEP_LP's 9,000,000 in the vault, see the next test), then one leg closed in one trade across the clamp (a
    ///      reduction: no cap applies) and the other closed in two.
    ///      Build: LONG_LEG buys 1 at skew 0 (factor 1 + 1/4,000 → 60,015, taker 30.0075), SHORT_LEG sells 1 at skew 1
    ///        (60,015, maker 12.003), 100 times: each leg's cost basis 6,001,500, fees 3,000.75 + 1,200.3.
    ///      LONG_LEG sells 100 at skew 0 → −100: factor (100 − 1.6) / 100 → 59,040, proceeds 5,904,000, −97,500, taker
    ///        2,952.
    ///      SHORT_LEG buys 60 at −100 → −40: factor (60 + 0.4 − 1.6) / 60 → 58,800, 3,528,000 against a cost share of
    ///        3,600,900: +72,900, maker 705.6; buys 40 at −40 → 0: factor 39.6 / 40 → 59,400, 2,376,000 against
    ///        2,400,600: +24,600, maker 475.2.
    ///      PnL −97,500 + 97,500 = 0; fees 3,000.75 + 1,200.3 + 2,952 + 705.6 + 475.2 = 8,333.85.
    function test_hedgedBookAcrossTheClamp_costsExactlyTheFees() public {
        _lpDeposit(DEEP_LP, 9_000_000e6);
        _fund(LONG_LEG, 1_000_000e6);
        _fund(SHORT_LEG, 1_000_000e6);
        int256 lpBefore = lpVault.netValueUsd();
        uint256 fees;
        for (uint256 i; i < 100; ++i) {
            fees += _refFee(0, 1e18) + _refFee(1e18, -1e18);
            _trade(LONG_LEG, thin, 1e18);
            _trade(SHORT_LEG, thin, -1e18);
        }
        assertEq(engine.position(LONG_LEG, thin).openNotional, 6_001_500e18, "long cost basis 100 x 60,015");
        assertEq(engine.position(SHORT_LEG, thin).openNotional, -6_001_500e18, "short cost basis");

        fees += _refFee(0, -100e18) + _refFee(-100e18, 60e18) + _refFee(-40e18, 40e18);
        assertEq(_close(LONG_LEG, thin), 59_040e18, "one trade deep into the clamp");
        assertEq(_trade(SHORT_LEG, thin, 60e18), 58_800e18, "first buy-back: flat part");
        assertEq(_trade(SHORT_LEG, thin, 40e18), 59_400e18, "second buy-back: linear part");

        assertEq(fees, 8_333.85e18, "fees: 3,000.75 + 1,200.3 + 2,952 + 705.6 + 475.2");
        assertEq(vault.collateralOf(LONG_LEG), 1_000_000e18 - 97_500e18 - 3_000.75e18 - 2_952e18, "long leg");
        assertEq(
            vault.collateralOf(SHORT_LEG), 1_000_000e18 + 97_500e18 - 1_200.3e18 - 705.6e18 - 475.2e18, "short leg"
        );
        int256 total = vault.collateralOf(LONG_LEG) + vault.collateralOf(SHORT_LEG);
        assertEq(total, 2_000_000e18 - int256(fees), "the round trip costs exactly the fees");
        assertEq(lpVault.netValueUsd() - lpBefore, int256(fees), "the liquidity vault gains exactly the fees");
    }

    /// @dev With the honest 1,000,000 LP alone the hedged book stops at 16 a side. Each step pays 30.0075 (the long,
    ///      taker on 60,015) + 12.003 (the short, maker): 16 steps 672.168. The 17th long takes the long side to
    ///      17 × 60,000 = 1,020,000 against a limit of 1,000,000 + 672.168 + its own fee 30.0075 = 1,000,702.1755.
    ///      (The old skew-to-cash limit saw a net skew of 1 at every step and let both sides grow to the caps.)
    function test_hedgedBook_honestLpAlone_stopsAtSixteenASide() public {
        _fund(LONG_LEG, 1_000_000e6);
        _fund(SHORT_LEG, 1_000_000e6);
        for (uint256 i; i < 16; ++i) {
            _trade(LONG_LEG, thin, 1e18);
            _trade(SHORT_LEG, thin, -1e18);
        }
        assertEq(_lpCash(), 1_000_672.168e18, "1,000,000 + 16 x 42.0105");
        vm.prank(LONG_LEG);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.OpenInterestAboveCashLimit.selector, thin, 1_020_000e18, 1_000_702.1755e18
            )
        );
        engine.trade(LONG_LEG, thin, 1e18, type(uint256).max);
    }

    function _ref(int256 skew, int256 delta) private pure returns (uint256) {
        return RefPricing.fill(ORACLE, skew, delta, K, M);
    }

    function _refFee(int256 skew, int256 delta) private pure returns (uint256) {
        return RefPricing.fee(skew, delta, _ref(skew, delta), 0.0002e18, 0.0005e18);
    }
}
