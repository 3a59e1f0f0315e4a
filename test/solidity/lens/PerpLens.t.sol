// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {IInsuranceFund} from "../../../contracts/interfaces/IInsuranceFund.sol";
import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpLens} from "../../../contracts/interfaces/IPerpLens.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Alice's long of 10 ETH at T0 on the fixture's ETH market (oracle 2,000; skewScale 1,000,000; taker fee
///         5 bp; funding interest 0.00125 %/h, clamp 0.00625 %/h; tiers ≤ 1M: 20x, mmr 2.5 % and ≤ 5M: 10x, mmr 5 %),
///         worked by hand from SPEC §3–5 (all amounts 18-decimal USD):
/// @dev - fill: the average premium over the skew path 0 → 10 is (0 + 10 / 1,000,000) / 2 = 0.000005, so the fill is
///        2,000 × 1.000005 = 2,000.01 and the cost basis 10 × 2,000.01 = 20,000.1;
///      - fee: 0.05 % × 20,000.1 = 10.00005, so collateral = 10,000 − 10.00005 = 9,989.99995;
///      - premium after = 0.00001: mark = 2,000.02; the fair premium starts at 0 and moves only with time, so within
///        T0's block fair = 2,000; funding rate = p + clamp(i − p, ±c) = 0.00001 + 0.0000025 = 0.0000125 per hour;
///      - unrealised PnL at mark = 10 × 2,000.02 − 20,000.1 = 0.1;
///      - credit valuation at min(fair 2,000, exit 2,000.01) = 2,000 (the same as at fair): PnL −0.1, equity
///        9,989.89995, notional 20,000 (tier 1): IM 1,000, MM 500; withdrawable 8,989.89995; utilisation
///        ceil(500 / 9,989.89995 × 1e18) = 50,050,551,307,072,901; maintenance margin 9,489.89995;
///      - ADL rank (PnL % × leverage at mark, rounded down at each step): floor(0.1 / 20,000.1 × 1e18) =
///        4,999,975,000,124, floor(20,000.2 / 9,989.89995 × 1e18) = 2,002,042,072,503,438,835, product / 1e18 =
///        10,010,160,311,713;
///      - liquidation price: base = 9,989.99995 − 20,000.1 = −10,010.10005; in tier 1 f(P) = base + 10P − ceil(0.25P),
///        negative while 9.75P < 10,010.10005: P = 1,026.676928205128205128 (f = −2 wei, at P + 1 wei f = +7 wei);
///        tier 2 (P > 100,000) is far above it.
abstract contract AliceLongFixture is LiquidationFixture {
    uint256 internal constant ALICE_FILL = 2_000.01e18;
    uint256 internal constant ALICE_COST = 20_000.1e18;
    int256 internal constant ALICE_COLLATERAL = 9_989.99995e18;
    uint256 internal constant ALICE_LIQUIDATION_PRICE = 1_026.676928205128205128e18;

    PerpLens internal lens;

    function setUp() public virtual override {
        super.setUp();
        lens = new PerpLens(engine);
    }

    function _openAliceLong() internal {
        assertEq(_trade(ALICE, eth, 10e18), ALICE_FILL, "fill 2,000 x 1.000005");
    }
}

/// @notice `getMarkets` / `getMarket`: configuration, stored state and the prices of SPEC §3–4.
contract PerpLensMarketsTest is AliceLongFixture {
    function test_engine_isTheEngineGiven() public view {
        assertEq(address(lens.engine()), address(engine), "engine");
    }

    // At listing: ETH (id 0) and RWA (id 1), nothing traded. The ETH funding breaker band starts at the rate at
    // ±maxSkew: p = ±5,000 / 1,000,000 = ±0.005, F = 0.005 + clamp(0.0000125 − 0.005, ±0.0000625) = 0.0049375 (above
    // the 0.0625 %/h default); RWA's rate is 0 everywhere (no premium, no interest), so it keeps the default.
    function test_getMarkets_atListing() public view {
        IPerpLens.MarketView[] memory views = lens.getMarkets();
        assertEq(views.length, 2, "two markets");

        IPerpLens.MarketView memory e = views[0];
        assertEq(e.marketId, 0, "eth id");
        assertTrue(e.symbol == bytes32("ETH"), "eth symbol");
        _assertParams(e.params, ethParams(ethOracle));
        assertEq(e.tiers.length, 2, "two tiers");
        assertEq(e.tiers[0].upToNotional, 1_000_000e18, "tier 0 cap");
        assertEq(e.tiers[0].maxLeverage, 20e18, "tier 0 leverage");
        assertEq(e.tiers[0].mmr, 0.025e18, "tier 0 mmr");
        assertEq(e.tiers[1].upToNotional, 5_000_000e18, "tier 1 cap");
        assertEq(e.tiers[1].maxLeverage, 10e18, "tier 1 leverage");
        assertEq(e.tiers[1].mmr, 0.05e18, "tier 1 mmr");
        assertEq(e.state.lastUpdateTime, T0, "accrued at listing");
        assertEq(e.state.lastOraclePrice, 2_000e18, "last good price: the listing read");
        assertEq(e.state.skew, 0, "no skew");
        assertEq(e.state.fundingIndex, 0, "no funding yet");
        assertTrue(!e.reduceOnly, "not paused");
        assertEq(e.breaker.maxOracleMove, 0.15e18, "default oracle move 15 %");
        assertEq(e.breaker.window, 1 hours, "default window");
        assertEq(e.breaker.maxFundingRate, 0.0049375e18, "rate at max skew");
        assertTrue(e.oracleValid, "oracle answers");
        assertEq(e.prices.oraclePrice, 2_000e18, "oracle");
        assertEq(e.prices.markPrice, 2_000e18, "mark = oracle at skew 0");
        assertEq(e.prices.fairPrice, 2_000e18, "fair = oracle at fair premium 0");
        assertEq(e.prices.premium, 0, "premium");
        assertEq(e.prices.lastFundingRate, 0, "no accrual yet");
        assertEq(e.prices.currentFundingRate, 0.0000125e18, "0 + clamp(0.0000125 - 0, +-0.0000625)");
        assertEq(e.prices.annualisedFundingRate, 0.1095e18, "0.0000125 x 8,760 h");
        assertEq(e.prices.openInterestLong, 0, "no long");
        assertEq(e.prices.openInterestShort, 0, "no short");
        assertTrue(!e.breakerOracleMove && !e.breakerFunding, "breakers clear");
        assertEq(e.breakerReferencePrice, 2_000e18, "reference anchored at listing");

        IPerpLens.MarketView memory r = views[1];
        assertEq(r.marketId, 1, "rwa id");
        assertTrue(r.symbol == bytes32("RWA"), "rwa symbol");
        _assertParams(r.params, exactParams(rwaOracle));
        assertEq(r.tiers.length, 1, "one tier");
        assertEq(r.tiers[0].maxLeverage, 5e18, "5x");
        assertEq(r.breaker.maxFundingRate, 0.000625e18, "default band");
        assertEq(r.prices.oraclePrice, 150_000e18, "rwa oracle");
        assertEq(r.prices.currentFundingRate, 0, "no premium, no interest");
    }

    function test_getMarket_afterTrade_pricesAndOpenInterest() public {
        _openAliceLong();
        IPerpLens.MarketView memory v = lens.getMarket(eth);
        assertEq(v.state.skew, 10e18, "skew");
        assertEq(v.state.openInterestLong, 10e18, "stored long OI");
        assertEq(v.state.sumOpenNotional, int256(ALICE_COST), "sum of cost bases");
        assertEq(v.prices.premium, 0.00001e18, "10 / 1,000,000");
        assertEq(v.prices.markPrice, 2_000.02e18, "2,000 x 1.00001");
        assertEq(v.prices.fairPremium, 0, "no time has passed");
        assertEq(v.prices.fairPrice, 2_000e18, "fair = oracle");
        assertEq(v.prices.currentFundingRate, 0.0000125e18, "0.00001 + clamp(0.0000025, +-0.0000625)");
        assertEq(v.prices.skew, 10e18, "skew");
        assertEq(v.prices.openInterestLong, 10e18, "long OI");
        assertEq(v.prices.openInterestShort, 0, "short OI");
        assertEq(v.prices.fundingIndex, 0, "nothing accrued in T0's block");
    }

    // One hour at skew 10: the index grows by rate × oracle × 1 h = 0.0000125 × 2,000 = 0.025 USD per unit; the
    // stored state has not accrued (no interaction), the lens shows it advanced to now.
    function test_getMarket_afterOneHour_fundingIndexAdvancedToNow() public {
        _openAliceLong();
        vm.warp(T0 + 1 hours);
        IPerpLens.MarketView memory v = lens.getMarket(eth);
        assertEq(v.prices.fundingIndex, 0.025e18, "0.0000125 x 2,000 x 1 h");
        assertEq(v.state.fundingIndex, 0, "stored index not yet accrued");
        assertEq(v.state.lastUpdateTime, T0, "stored accrual time");
        assertEq(v.prices.lastFundingRate, 0, "the stored rate of the last accrual");
    }

    function test_getMarket_unknownMarket_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.UnknownMarket.selector, 2));
        lens.getMarket(2);
    }

    function test_getMarket_oracleFailing_flaggedNotReverting() public {
        _openAliceLong();
        ethOracle.setFailing(true);
        IPerpLens.MarketView memory v = lens.getMarket(eth);
        assertTrue(!v.oracleValid, "flagged");
        assertEq(v.prices.oraclePrice, 0, "prices zero");
        assertEq(v.prices.markPrice, 0, "mark zero");
        assertEq(v.breakerReferencePrice, 0, "breaker status zero");
        assertEq(v.state.skew, 10e18, "stored state still read");
        assertTrue(lens.getMarkets()[1].oracleValid, "the other market unaffected");
    }

    function _assertParams(MarketParams memory a, MarketParams memory b) private pure {
        assertEq(address(a.oracle), address(b.oracle), "oracle");
        assertEq(a.fairTau, b.fairTau, "fairTau");
        assertEq(a.maxPremium, b.maxPremium, "maxPremium");
        assertEq(a.skewScale, b.skewScale, "skewScale");
        assertEq(a.maxSkew, b.maxSkew, "maxSkew");
        assertEq(a.maxOpenInterest, b.maxOpenInterest, "maxOpenInterest");
        assertEq(a.minPositionMargin, b.minPositionMargin, "minPositionMargin");
        assertEq(a.makerFee, b.makerFee, "makerFee");
        assertEq(a.takerFee, b.takerFee, "takerFee");
        assertEq(a.fundingInterest, b.fundingInterest, "fundingInterest");
        assertEq(a.fundingClamp, b.fundingClamp, "fundingClamp");
        assertEq(a.maxFundingRate, b.maxFundingRate, "maxFundingRate");
    }
}

/// @notice `getAccount` and `valuation`: collateral, positions, margin summaries, funding, ranks, liquidation prices.
contract PerpLensAccountTest is AliceLongFixture {
    function test_getAccount_noPositions() public view {
        IPerpLens.AccountView memory v = lens.getAccount(BOB);
        assertEq(v.account, BOB, "account");
        assertEq(v.blockNumber, block.number, "block");
        assertEq(v.timestamp, T0, "time");
        assertEq(v.collateral, 10_000e18, "collateral");
        assertTrue(v.valuationValid, "valued");
        assertEq(v.withdrawableUsd, 10_000e18, "all of it");
        assertEq(v.maxWithdraw, 10_000e6, "in USDC units");
        assertEq(v.margin.equity, 10_000e18, "equity = collateral");
        assertEq(v.margin.initialMargin, 0, "no IM");
        assertEq(v.maintenanceMargin, 10_000e18, "equity - 0");
        assertEq(v.positions.length, 0, "no positions");
        assertEq(v.markets.length, 0, "no markets");
    }

    function test_getAccount_long_everyField() public {
        _openAliceLong();
        IPerpLens.AccountView memory v = lens.getAccount(ALICE);
        assertEq(v.collateral, ALICE_COLLATERAL, "10,000 - fee 10.00005");
        assertTrue(v.valuationValid, "valued");
        assertEq(v.withdrawableUsd, 8_989.89995e18, "equity - IM");
        assertEq(v.maxWithdraw, 8_989_899950, "in USDC units, rounded down");
        assertEq(v.margin.collateral, ALICE_COLLATERAL, "margin collateral");
        assertEq(v.margin.equity, 9_989.89995e18, "collateral + PnL at 2,000 (-0.1)");
        assertEq(v.margin.initialMargin, 1_000e18, "20,000 / 20");
        assertEq(v.margin.maintenanceMargin, 500e18, "20,000 x 2.5 %");
        assertEq(v.margin.marginUtilisation, 50_050_551_307_072_901, "ceil(500 / 9,989.89995)");
        assertEq(v.margin.withdrawable, 8_989.89995e18, "min(collateral, equity - IM)");
        assertEq(v.marginAtFair.equity, 9_989.89995e18, "fair 2,000 is the same price here");
        assertEq(v.maintenanceMargin, 9_489.89995e18, "equity - MM");
        assertEq(v.lastPartialLiquidation, 0, "never");
        assertEq(v.positions.length, 1, "one position");
        assertEq(v.markets.length, 1, "its market");
        assertEq(v.markets[0].marketId, eth, "eth");
        IPerpLens.PositionView memory p = v.positions[0];
        assertEq(p.marketId, eth, "market");
        assertEq(p.position.size, 10e18, "size");
        assertEq(p.position.openNotional, int256(ALICE_COST), "cost basis");
        assertEq(p.position.lastFundingIndex, 0, "funding checkpoint");
        assertEq(p.unrealisedPnl, 0.1e18, "10 x 2,000.02 - 20,000.1");
        assertEq(p.accruedFunding, 0, "no time has passed");
        assertEq(p.liquidationPrice, ALICE_LIQUIDATION_PRICE, "9.75 P < 10,010.10005");
        assertEq(p.adlRank, 10_010_160_311_713, "PnL % x leverage at mark");
    }

    // One hour later Alice owes 10 × 0.025 = 0.25 (rounded up: exact here).
    function test_getAccount_fundingOwedAfterOneHour() public {
        _openAliceLong();
        vm.warp(T0 + 1 hours);
        IPerpLens.PositionView memory p = lens.getAccount(ALICE).positions[0];
        assertEq(p.accruedFunding, 0.25e18, "10 x 0.0000125 x 2,000 x 1 h");
        assertEq(p.unrealisedPnl, 0.1e18, "mark unchanged");
    }

    function test_getAccount_oracleFailing_positionsWithoutValuation() public {
        _openAliceLong();
        ethOracle.setFailing(true);
        IPerpLens.AccountView memory v = lens.getAccount(ALICE);
        assertTrue(!v.valuationValid, "flagged");
        assertEq(v.collateral, ALICE_COLLATERAL, "collateral still read");
        assertEq(v.margin.equity, 0, "margin fields zero");
        assertEq(v.withdrawableUsd, 0, "withdrawable zero");
        assertEq(v.positions.length, 1, "the position");
        assertEq(v.positions[0].marketId, eth, "its market");
        assertEq(v.positions[0].position.size, 10e18, "stored size");
        assertEq(v.positions[0].liquidationPrice, 0, "no valuation");
        assertTrue(!v.markets[0].oracleValid, "market flagged");
    }

    // partialNotional 100,000: at 125,000 Carol (long 1 RWA at 150,000, 30,000) has equity 5,000 < MM 6,250 and is
    // not bankrupt, so one 20 % slice closes: 0.8 left; realised 0.2 × (125,000 − 150,000) = −5,000 and the fee
    // 0.5 % × 25,000 = 125 leave 24,875. The cooldown starts at the liquidation's time.
    function test_getAccount_partialLiquidation_lastPartialLiquidation() public {
        _setPartialNotional(100_000e18);
        _openCarolLong();
        rwaOracle.setPrice(125_000e18);
        vm.warp(T0 + 100);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        IPerpLens.AccountView memory v = lens.getAccount(CAROL);
        assertEq(v.lastPartialLiquidation, T0 + 100, "cooldown start");
        assertEq(v.positions[0].position.size, 0.8e18, "one slice closed");
        assertEq(v.collateral, 24_875e18, "30,000 - 5,000 - 125");
    }
}

/// @notice `liquidationPrice`: the exact search, checked against the engine's own trigger one wei on either side.
/// @dev Exact markets (no premium, fees or funding, τ = 0: fill = mark = fair = oracle), so f(P), the account's
///      maintenance margin with this market's fair price at P, is base + floor(size × P) − ceil(ceil(|size| × P) × mmr),
///      base = collateral − cost basis − funding + Σ over the other positions of (value at fair − MM).
contract PerpLensLiquidationPriceTest is AliceLongFixture {
    address internal constant DAVE = address(0xDA7E);

    MockOracleAdapter internal goldOracle;
    uint256 internal gold;
    MockOracleAdapter internal tieredOracle;
    uint256 internal tiered;

    function setUp() public override {
        super.setUp();
        goldOracle = new MockOracleAdapter(2_000e18);
        gold = engine.listMarket("GOLD", exactParams(goldOracle), oneTier(10e18, 0.02e18));
        tieredOracle = new MockOracleAdapter(2_000e18);
        NotionalTier[] memory tiers = new NotionalTier[](2);
        tiers[0] = NotionalTier({upToNotional: 100_000e18, maxLeverage: 50e18, mmr: 0.01e18});
        tiers[1] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 5e18, mmr: 0.1e18});
        tiered = engine.listMarket("TIER", exactParams(tieredOracle), tiers);
    }

    // Carol long 1 RWA at 150,000 with 30,000 (5x, mmr 5 %): base −120,000, f(P) = −120,000 + P − ceil(P / 20) < 0
    // ⟺ 19P / 20 < 120,000 ⟺ P < 2,400,000 / 19 = 126,315.789473684210526315 78…: the highest such wei.
    function test_long_singleTier_exact_andEngineAgreesAtTheBoundary() public {
        _openCarolLong();
        uint256 p = 126_315.789473684210526315e18;
        assertEq(lens.liquidationPrice(CAROL, rwa), p, "2,400,000 / 19 rounded down");
        _assertBoundaryLong(CAROL, rwaOracle, p);
    }

    // Bob short 0.5 RWA at 150,000 with 20,000: base = 20,000 + 75,000 = 95,000, f(P) = 95,000 − N − ceil(N / 20)
    // with N = ceil(P / 2): the lowest P with f < 0 is 180,952.380952380952380953 (N + ceil(N / 20) > 95,000 first at
    // N = 90,476.190476190476190477).
    function test_short_exact_andEngineAgreesAtTheBoundary() public {
        _fund(BOB, 10_000e6);
        _trade(BOB, rwa, -0.5e18);
        uint256 p = 180_952.380952380952380953e18;
        assertEq(lens.liquidationPrice(BOB, rwa), p, "lowest liquidatable price");
        rwaOracle.setPrice(p - 1);
        assertGe(engine.maintenanceMargin(BOB), 0, "one wei below: not liquidatable");
        rwaOracle.setPrice(p);
        assertTrue(engine.maintenanceMargin(BOB) < 0, "at it: liquidatable");
    }

    // Carol with 32,000: long 1 RWA and long 10 GOLD at 2,000 (10x, mmr 2 %). GOLD at fair adds 0 − 400 to the base:
    // −118,400, so P < 118,400 × 20 / 19 = 124,631.578947368421052631 57…. At GOLD 2,100 it adds 1,000 − 420:
    // −117,420, so P < 123,600 exactly: 123,599.999999999999999999.
    function test_crossMargin_otherPositionAtItsFairPrice() public {
        _fund(CAROL, 32_000e6);
        _trade(CAROL, rwa, 1e18);
        _trade(CAROL, gold, 10e18);
        uint256 p = 124_631.578947368421052631e18;
        assertEq(lens.liquidationPrice(CAROL, rwa), p, "with GOLD at 2,000");
        goldOracle.setPrice(2_100e18);
        p = 123_600e18 - 1;
        assertEq(lens.liquidationPrice(CAROL, rwa), p, "GOLD's gain lowers it");
        IPerpLens.AccountView memory v = lens.getAccount(CAROL);
        assertEq(v.positions.length, 2, "two positions");
        assertEq(v.positions[0].marketId, rwa, "by increasing market id");
        assertEq(v.positions[0].liquidationPrice, p, "the same in the account view");
        _assertBoundaryLong(CAROL, rwaOracle, p);
    }

    // Dave long 60 TIER at 2,000 with 25,000 (notional 120,000: tier 2, 5x, mmr 10 %): base −95,000. A long's f drops
    // at a tier boundary, so its liquidatable prices can be one interval per tier: tier 2 (P ≥ 1,666.666…667, notional
    // > 100,000) is liquidatable from its first price (f = −5,000) up to 54P < 95,000, P = 1,759.259259259259259259;
    // tier 1's top (P = 1,666.666…666) is not (f = +4,000). The search returns the highest: tier 2's.
    function test_long_twoTiers_highestLiquidatablePrice() public {
        _fund(DAVE, 25_000e6);
        _trade(DAVE, tiered, 60e18);
        uint256 p = 1_759.259259259259259259e18;
        assertEq(lens.liquidationPrice(DAVE, tiered), p, "tier 2's range");
        _assertBoundaryLong(DAVE, tieredOracle, p);
        tieredOracle.setPrice(1_666.666666666666666666e18);
        assertGe(engine.maintenanceMargin(DAVE), 0, "top of tier 1: not liquidatable");
        tieredOracle.setPrice(1_666.666666666666666667e18);
        assertTrue(engine.maintenanceMargin(DAVE) < 0, "bottom of tier 2: liquidatable");
    }

    // The ETH long with premium and fees (see AliceLongFixture): within T0's block fair = oracle.
    function test_long_withFeesAndPremium() public {
        _openAliceLong();
        assertEq(lens.liquidationPrice(ALICE, eth), ALICE_LIQUIDATION_PRICE, "9.75 P < 10,010.10005");
        _assertBoundaryLong(ALICE, ethOracle, ALICE_LIQUIDATION_PRICE);
    }

    // No position: 0. A long backed beyond its cost (10,000 against 1 GOLD at 2,000): base 8,000 > 0 and
    // f(P) = 8,000 + P − ceil(P / 50) > 0 at every price: 0.
    function test_noPosition_and_noLiquidatablePrice_zero() public {
        assertEq(lens.liquidationPrice(ALICE, gold), 0, "no position");
        _trade(ALICE, gold, 1e18);
        assertEq(lens.liquidationPrice(ALICE, gold), 0, "never liquidatable");
        goldOracle.setPrice(1);
        assertGe(engine.maintenanceMargin(ALICE), 0, "not even at 1 wei");
    }

    function _assertBoundaryLong(address account, MockOracleAdapter oracle, uint256 p) private {
        oracle.setPrice(p);
        assertTrue(engine.maintenanceMargin(account) < 0, "at it: liquidatable");
        oracle.setPrice(p + 1);
        assertGe(engine.maintenanceMargin(account), 0, "one wei above: not liquidatable");
    }
}

/// @notice `getAdl` and the ranks in `getAccount`, on the shortfall of LensAdl.t.sol: Carol long 1 RWA at 150,000
///         with 30,000, Bob short 0.5 with 20,000; at 110,000 Carol's liquidation leaves −10,000 (the fee comes only
///         out of positive collateral, the fund is empty): request 0, shorts as victims, bankruptcy price 120,000.
/// @dev Bob's rank at mark 110,000: PnL 0.5 × 40,000 = 20,000 on a cost of 75,000: floor(20,000 / 75,000 × 1e18) =
///      266,666,666,666,666,666; leverage = notional 55,000 / equity 40,000 = 1.375; rank = floor(266,666,666,666,666,666
///      × 1.375) = 366,666,666,666,666,665. The vault's cash: the LP account gained Carol's 40,000 loss (1,040,000),
///      less the collateral vault's debt, Carol's −10,000: 1,030,000. Traders' profit against it: Bob's 20,000.
contract PerpLensAdlTest is AliceLongFixture {
    uint256 internal constant BOB_RANK = 366_666_666_666_666_665;

    function setUp() public override {
        super.setUp();
        _openCarolLong();
        _fund(BOB, 10_000e6);
        _trade(BOB, rwa, -0.5e18);
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
    }

    function test_getAdl_pendingRequestAndRankedCandidate() public {
        liquidator.submitAdlCandidate(BOB);
        IPerpLens.AdlView memory v = lens.getAdl();
        assertEq(v.liquidationEngine, address(liquidator), "liquidation engine");
        assertTrue(v.pending, "pending");
        assertEq(v.requestId, 0, "first request");
        assertEq(v.request.account, CAROL, "bankrupt account");
        assertEq(v.request.marketId, rwa, "market");
        assertTrue(!v.request.victimsLong, "shorts are the victims");
        assertEq(v.request.openedAt, T0, "opened");
        assertEq(v.request.bankruptcyPrice, 120_000e18, "150,000 - 30,000");
        assertEq(v.request.remaining, 10_000e18, "shortfall left");
        assertEq(v.candidates.length, 1, "one candidate");
        assertEq(v.candidates[0], BOB, "bob");
        assertEq(v.candidateRanks[0], BOB_RANK, "PnL % x leverage");
        assertEq(v.totalShortfall, 10_000e18, "shortfall");
        assertEq(v.rankingWindow, 60, "window");
        assertEq(v.maxCandidates, 8, "set size");
        assertEq(v.executableAt, T0 + 60, "openedAt + window");
        assertEq(v.rotatableAt, T0 + 60 + 15 minutes, "window end + stuck window");
        assertTrue(!v.executable, "window open, nothing repaid");
        assertEq(v.traderProfit, 20_000e18, "bob's profit");
        assertEq(v.vaultCash, 1_030_000e18, "1,040,000 - debt 10,000");
        assertEq(v.maxPnlFactor, 0.5e18, "default limit");
    }

    function test_getAccount_rankAndLiquidationPriceOfTheVictim() public view {
        IPerpLens.AccountView memory v = lens.getAccount(BOB);
        assertEq(v.positions[0].adlRank, BOB_RANK, "as the candidate set computes it");
        assertEq(v.positions[0].unrealisedPnl, 20_000e18, "0.5 x (150,000 - 110,000)");
        assertEq(v.positions[0].liquidationPrice, 180_952.380952380952380953e18, "see the liquidation price tests");
        IPerpLens.AccountView memory c = lens.getAccount(CAROL);
        assertEq(c.collateral, -10_000e18, "bad debt");
        assertEq(c.positions.length, 0, "closed");
        assertEq(c.maintenanceMargin, -10_000e18, "equity - 0");
    }
}

/// @notice Without a liquidation engine the ADL view is empty and ranks are 0.
contract PerpLensNoLiquidationEngineTest is EngineFixture {
    function test_getAdl_empty_andRanksZero() public {
        PerpLens lens = new PerpLens(engine);
        IPerpLens.AdlView memory v = lens.getAdl();
        assertEq(v.liquidationEngine, address(0), "none");
        assertTrue(!v.pending, "nothing pending");
        assertEq(v.candidates.length, 0, "no candidates");
        _trade(ALICE, eth, 10e18);
        IPerpLens.AccountView memory a = lens.getAccount(ALICE);
        assertEq(a.positions[0].adlRank, 0, "no engine to rank");
        assertEq(a.lastPartialLiquidation, 0, "no engine");
    }
}

/// @notice `getInsuranceFund`: the fund's balance and totals and the engine's fee share flowing into it.
contract PerpLensInsuranceFundTest is AliceLongFixture {
    // Share 20 %: Alice's fee of 10.00005 leaves 2.00001 pending for the fund (rounded down) until swept.
    function test_getInsuranceFund_balanceTotalsAndPendingFees() public {
        _seedFund(1_000e6);
        engine.setInsuranceFeeShare(address(fund), 0.2e18);
        _openAliceLong();
        IPerpLens.InsuranceFundView memory v = lens.getInsuranceFund(fund);
        assertEq(v.fund, address(fund), "fund");
        assertEq(v.timestamp, T0, "time");
        assertEq(v.balance, 1_000e18, "seeded");
        assertEq(v.pendingFees, 2.00001e18, "20 % of 10.00005");
        assertEq(v.feeRecipient, address(fund), "recipient");
        assertEq(v.feeShare, 0.2e18, "share");
        assertEq(v.totalBadDebtCovered, 0, "nothing paid");

        engine.sweepInsuranceFees();
        fund.setPayer(address(this), true);
        fund.pay(ALICE, 300e18, "badDebt");
        fund.pay(ALICE, 50e18, "keeperReward");
        v = lens.getInsuranceFund(IInsuranceFund(address(fund)));
        assertEq(v.pendingFees, 0, "swept");
        assertEq(v.balance, 652.00001e18, "1,000 + 2.00001 - 300 - 50");
        assertEq(v.totalBadDebtCovered, 300e18, "bad debt");
        assertEq(v.totalKeeperRewardsPaid, 50e18, "keeper rewards");
    }
}

/// @notice `getLiquidityVault` on the real liquidity vault (the scenario of LiquidityVaultWithEngine.t.sol): a
///         provider's 100,000 USDC, Alice long 10 ETH, then ETH at 2,100.
/// @dev Total assets 99,009.995050 USDC (cash 100,010.00005 − the position's exit value 1,000.005), backing
///      21,000, available 78,009.995050. Shares: 100,000e6 × 10^12 = 1e23 (decimals offset 12, no fee). ERC-4626 with
///      the virtual share and asset: one whole share = floor(1e18 × (TA + 1) / (1e23 + 1e12)) = 990,099 units; the
///      provider's shares redeem for floor(1e23 × (TA + 1) / (1e23 + 1e12)) = 99,009,995,050; the available liquidity
///      is worth floor(78,009,995,050 × (1e23 + 1e12) / (TA + 1)) = 78,790,020,149,579,029,545,668 shares.
contract PerpLensLiquidityVaultTest is EngineFixture {
    LiquidityVault internal lpVault;
    PerpLens internal lens;

    function setUp() public override {
        vm.warp(T0);
        usdc = new MockUSDC();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        engine = IPerpEngine(address(new PerpEngine(vault, address(this))));
        lpVault = new LiquidityVault(vault, address(this), type(uint256).max);
        vault.setBalanceManager(address(engine), true);
        vault.setWithdrawGuard(engine);
        engine.setLiquidityVault(address(lpVault));
        lpVault.setCounterparty(engine);
        ethOracle = new MockOracleAdapter(2000e18);
        eth = engine.listMarket("ETH", ethParams(ethOracle), twoTiers());
        usdc.mint(PROVIDER, 100_000e6);
        vm.startPrank(PROVIDER);
        usdc.approve(address(lpVault), type(uint256).max);
        lpVault.deposit(100_000e6, PROVIDER);
        vm.stopPrank();
        _fund(ALICE, 10_000e6);
        lens = new PerpLens(engine);
    }

    function test_getLiquidityVault_valueLimitsAndHolder() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2_100e18);
        IPerpLens.LiquidityVaultView memory v = lens.getLiquidityVault(PROVIDER);
        assertEq(v.totalAssets, 99_009_995050, "cash + fee - position at exit");
        assertEq(v.totalSupply, 1e23, "provider's shares");
        assertEq(v.sharePrice, 990_099, "one share, rounded down");
        assertEq(v.netValueUsd, 99_009.99505e18, "18-decimal value");
        assertEq(v.requiredBackingAssets, 21_000_000000, "10 x 2,100");
        assertEq(v.availableLiquidity, 78_009_995050, "total - backing");
        assertEq(v.depositCap, type(uint256).max, "no cap");
        assertTrue(!v.depositsPaused, "open");
        assertEq(v.shares, 1e23, "holder's shares");
        assertEq(v.assets, 99_009_995050, "what they redeem for");
        assertEq(v.maxDeposit, type(uint256).max - 99_009_995050, "cap - total assets");
        assertEq(v.maxWithdraw, 78_009_995050, "capped by the available liquidity");
        assertEq(v.maxRedeem, 78_790_020_149_579_029_545_668, "the shares the liquidity is worth");

        IPerpLens.LiquidityVaultView memory nobody = lens.getLiquidityVault(address(0));
        assertEq(nobody.shares, 0, "no shares");
        assertEq(nobody.maxWithdraw, 0, "nothing to withdraw");
    }
}
