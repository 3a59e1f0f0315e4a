// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ParameterOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {BreakerParams, MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Caps and breakers judged after the trade on what it changed (SPEC §9, issue 12 findings 6, 12, 13): the
///         OI cap and the open-interest-to-cash limit refuse only a trade that grows a side above them, maxSkew and the
///         funding breaker only a trade that grows |skew|; own-position reductions skip them all. Also the dust rule
///         (finding 11).
contract PerpEngineCapsTest is EngineFixture {
    address internal constant DAVE = address(0xDA7E);

    function setUp() public override {
        super.setUp();
        _fund(CAROL, 10_000e6);
        _fund(DAVE, 10_000e6);
    }

    // ------------------------------------------------------------------ open-interest cap

    /// @dev The cap lowered to 8 below the live long OI of 10: shorts (the other side) may still open up to the cap,
    ///      and longs may not grow the long side until it is back under the cap, each at ±1 wei.
    function test_openInterestCap_loweredBelowLive_refusesOnlyGrowthOfTheCappedSide() public {
        _trade(ALICE, eth, 10e18);
        _trade(BOB, eth, -4e18); // long OI 10, short OI 4, skew 6
        MarketParams memory p = ethParams(ethOracle);
        p.maxOpenInterest = 8e18;
        p.maxSkew = 8e18;
        engine.setMarketParams(eth, p);

        // The short side grows to the cap (4 + 3 + 1 = 8): passes; one wei more does not.
        _trade(CAROL, eth, -3e18);
        _trade(CAROL, eth, -1e18);
        assertEq(engine.marketPrices(eth).openInterestShort, 8e18, "short side at the cap");
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 8e18 + 1, 8e18));
        engine.trade(CAROL, eth, -1, 0);

        // The long side is above the cap: a new long, or a flip that opens a long, grows it and reverts.
        vm.prank(DAVE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 11e18, 8e18));
        engine.trade(DAVE, eth, 1e18, type(uint256).max);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 11e18, 8e18));
        engine.trade(BOB, eth, 5e18, type(uint256).max);
        // Bob buying back his own short (a pure reduction) and Alice selling part of her long pass.
        _trade(BOB, eth, 4e18);
        _trade(ALICE, eth, -3e18); // long OI 7
        // Back under the cap, longs may grow it to exactly 8, not one wei more.
        _trade(DAVE, eth, 1e18);
        assertEq(engine.marketPrices(eth).openInterestLong, 8e18, "long side at the cap");
        vm.prank(DAVE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 8e18 + 1, 8e18));
        engine.trade(DAVE, eth, 1, type(uint256).max);
    }

    // ------------------------------------------------------------------ maxSkew

    /// @dev maxSkew lowered to 5 below the live skew of 10: any trade that leaves |skew| no larger passes (even when
    ///      it ends above the cap or crosses zero to the same magnitude), one that grows |skew| by one wei reverts.
    function test_maxSkew_loweredBelowLive_refusesOnlyGrowthOfAbsSkew() public {
        _trade(ALICE, eth, 10e18);
        MarketParams memory p = ethParams(ethOracle);
        p.maxSkew = 5e18;
        engine.setMarketParams(eth, p);

        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, eth, 10e18 + 1, 5e18));
        engine.trade(CAROL, eth, 1, type(uint256).max);
        _trade(BOB, eth, -3e18); // skew 7: lower, still above the cap
        _trade(BOB, eth, -14e18); // skew −7: the same |skew| on the other side
        assertEq(engine.marketPrices(eth).skew, -7e18, "crossed zero");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, eth, 7e18 + 1, 5e18));
        engine.trade(BOB, eth, -1, 0);
        _trade(CAROL, eth, 2e18); // skew −5
        // Within the cap again: exactly 5 on the long side passes (|−5| → |5|), one wei more does not.
        _trade(CAROL, eth, 10e18);
        assertEq(engine.marketPrices(eth).skew, 5e18, "at the cap");
        vm.prank(DAVE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, eth, 5e18 + 1, 5e18));
        engine.trade(DAVE, eth, 1, type(uint256).max);
    }

    // ------------------------------------------------------------------ funding breaker

    /// @dev THIN: skewScale 1,000 (premium = trunc(skew / 1,000) wei), maxSkew 10, OI cap 50 (close impact
    ///      50 / 2,000 = 2.5 % ≤ mmr). Rate at +maxSkew: 0.01 − 6.25e-5 (clamp) = 0.0099375.
    function _listThin() internal returns (uint256 thin) {
        MarketParams memory p = ethParams(ethOracle);
        p.skewScale = 1_000e18;
        p.maxSkew = 10e18;
        p.maxOpenInterest = 50e18;
        thin = engine.listMarket("THIN", p, twoTiers());
    }

    /// @dev The validator keeps the band ≥ the rate at ±maxSkew, so for any trade maxSkew binds no later than the
    ///      breaker. To exercise the breaker's own post-trade boundary, this test writes a band of 0.0049375 (the rate
    ///      at premium 0.005) straight into storage, a state the admin functions refuse.
    ///      Alice opens 5e18 + 999 wei: premium trunc(5e15 + 0.999) = 5e15, rate 5e15 − 6.25e13 = the band: passes.
    ///      One wei more makes the premium 5e15 + 1 and the rate band + 1: CircuitBreakerTripped("funding").
    ///      While the rate is beyond the band (reached through Bob's own reduction, which passes), a trade that lowers
    ///      |skew| passes and one that grows it reverts.
    function test_fundingBreaker_judgedAfterTrade_boundaryAndBeyondBand() public {
        uint256 thin = _listThin();
        uint256 band = 0.0049375e18;
        _storeFundingBand(thin, band);

        _trade(ALICE, thin, 5e18 + 999);
        assertEq(engine.marketPrices(thin).currentFundingRate, int256(band), "rate = band");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.CircuitBreakerTripped.selector, thin, bytes32("funding")));
        engine.trade(BOB, thin, 1, type(uint256).max);

        // Bob shorts 4 (skew 1e18 + 999), Alice refills to the band, Bob buys back his own short: skew 9e18 + 999,
        // rate 0.009 − 6.25e-5 = 0.0089375 > band. A reduction of one's own position is never refused.
        _trade(BOB, thin, -4e18);
        _trade(ALICE, thin, 4e18);
        _trade(BOB, thin, 4e18);
        assertEq(engine.marketPrices(thin).currentFundingRate, 0.0089375e18, "beyond the band");
        (, bool funding,) = engine.circuitBreakerStatus(thin);
        assertTrue(funding, "status reports it");
        // Growing |skew| (still within maxSkew 10) reverts; lowering it passes though the rate stays beyond the band.
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.CircuitBreakerTripped.selector, thin, bytes32("funding")));
        engine.trade(CAROL, thin, 0.5e18, type(uint256).max);
        _trade(CAROL, thin, -1e18);
        assertEq(engine.marketPrices(thin).currentFundingRate, 0.0079375e18, "still beyond, but lower");
        _trade(ALICE, thin, -1e18); // her own reduction
    }

    /// @dev With validated parameters (band = the rate at maxSkew, 0.0099375): an open to exactly maxSkew reaches
    ///      the band and passes; own reductions carry the skew to 20 and the rate to 0.02 − 6.25e-5 = 0.0199375, past
    ///      the band; then trades that lower |skew| and own reductions pass, and a trade that grows |skew| is refused
    ///      by maxSkew (which binds first).
    function test_fundingBreaker_validatedState_ownReductionsPastBand() public {
        uint256 thin = _listThin();
        assertEq(engine.circuitBreakerParams(thin).maxFundingRate, 0.0099375e18, "band = rate at maxSkew");
        _trade(ALICE, thin, 10e18);
        assertEq(engine.marketPrices(thin).currentFundingRate, 0.0099375e18, "at the band");
        _trade(BOB, thin, -10e18); // skew 0
        _trade(ALICE, thin, 10e18); // skew 10
        _trade(BOB, thin, 10e18); // Bob's own close: skew 20
        assertEq(engine.marketPrices(thin).currentFundingRate, 0.0199375e18, "past the band");
        (, bool funding,) = engine.circuitBreakerStatus(thin);
        assertTrue(funding, "beyond the band");
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, thin, 20e18 + 1, 10e18));
        engine.trade(CAROL, thin, 1, type(uint256).max);
        _trade(CAROL, thin, -1e18); // lowers |skew| to 19: passes
        _trade(ALICE, thin, -1e18); // own reduction: passes
        assertEq(engine.marketPrices(thin).skew, 18e18, "skew");
    }

    // ------------------------------------------------------------------ band consistency

    /// @dev Listing: interest 1 %/h and clamp 1 %/h with maxSkew 5,000 (premium ±0.005): at +maxSkew
    ///      F = 0.005 + clamp(0.01 − 0.005, ±0.01) = 0.01, at −maxSkew F = −0.005 + clamp(0.015 → 0.01) = 0.005:
    ///      the band starts at the larger, 0.01.
    function test_band_listingRaisesDefaultToRateAtMaxSkew() public {
        MarketParams memory p = ethParams(ethOracle);
        p.fundingInterest = 0.01e18;
        p.fundingClamp = 0.01e18;
        uint256 id = engine.listMarket("INT", p, twoTiers());
        assertEq(engine.circuitBreakerParams(id).maxFundingRate, 0.01e18, "max of both sides");
    }

    /// @dev ETH's band is 0.0049375 = the rate at maxSkew 5,000. maxSkew 5,000e18 + 999,999 wei still has premium
    ///      trunc(5e15 + 0.999999) = 5e15 (rate = band: accepted); 5,000e18 + 1e6 has premium 5e15 + 1 (rate band + 1).
    ///      Likewise setCircuitBreaker accepts exactly the rate at maxSkew and refuses one wei less.
    function test_band_setMarketParamsAndSetCircuitBreaker_boundary() public {
        uint256 band = 0.0049375e18;
        assertEq(engine.circuitBreakerParams(eth).maxFundingRate, band, "listed band");
        MarketParams memory p = ethParams(ethOracle);
        p.maxSkew = 5_000e18 + 1e6;
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.FundingBandBelowMaxSkewRate.selector, band, band + 1));
        engine.setMarketParams(eth, p);
        p.maxSkew = 5_000e18 + 999_999;
        engine.setMarketParams(eth, p);
        assertEq(engine.marketParams(eth).maxSkew, 5_000e18 + 999_999, "stored");

        // A higher funding cap does not change the rate at maxSkew; a lower clamp raises it: 0.005 − 0.00006 =
        // 0.00494 > band.
        p.fundingClamp = 0.00006e18;
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.FundingBandBelowMaxSkewRate.selector, band, 0.00494e18)
        );
        engine.setMarketParams(eth, p);
        engine.setCircuitBreaker(eth, _breaker(0.00494e18));
        engine.setMarketParams(eth, p);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.FundingBandBelowMaxSkewRate.selector, 0.00494e18 - 1, 0.00494e18)
        );
        engine.setCircuitBreaker(eth, _breaker(0.00494e18 - 1));
    }

    function _breaker(uint64 band) internal pure returns (BreakerParams memory b) {
        b = BreakerParams({maxOracleMove: 0.15e18, maxFundingRate: band, window: 1 hours});
    }

    // ------------------------------------------------------------------ open-interest-to-cash limit

    function test_setOpenInterestCashRatio_boundsEventOwner() public {
        assertEq(engine.openInterestCashRatio(), 1e18, "default 100 %");
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector,
                bytes32("openInterestCashRatio"),
                0.01e18 - 1,
                0.01e18,
                1e18
            )
        );
        engine.setOpenInterestCashRatio(0.01e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("openInterestCashRatio"), 1e18 + 1, 0.01e18, 1e18
            )
        );
        engine.setOpenInterestCashRatio(1e18 + 1);
        vm.expectEmit(address(engine));
        emit IPerpEngine.OpenInterestCashRatioSet(0.01e18);
        engine.setOpenInterestCashRatio(0.01e18);
        assertEq(engine.openInterestCashRatio(), 0.01e18, "lower bound accepted");
        engine.setOpenInterestCashRatio(1e18);
        assertEq(engine.openInterestCashRatio(), 1e18, "upper bound accepted");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setOpenInterestCashRatio(0.5e18);
    }

    /// @dev Three exact markets at 2,000 (no premium, fees or funding: fills at the oracle, so the liquidity vault's
    ///      balance moves only by realised PnL). cash = LP collateral − the collateral vault's total debt.
    ///      Bob's loss creates debt: short 10 in EX3 and long 10 in EX, both fall to 800, he sells 9 EX: realised
    ///      9 × (800 − 2,000) = −10,800, his collateral 10,000 → −800 (debt 800), the vault's 1,000,000 → 1,010,800.
    ///      A reduction may leave collateral negative only while equity at fair stays above 0: −800 − 1,200 (his last
    ///      EX) + 12,000 (his EX3 short) = 10,000. cash = 1,010,000; at a ratio
    ///      of 1 % the limit is floor(1,010,000 × 0.01) = 10,100, i.e. a long side of 5.05 in EX2: 5.05 passes,
    ///      5.05 + 1 wei is ceil((5.05e18 + 1) × 2,000) = 10,100e18 + 2,000 and reverts. Once Bob repays the 800 the
    ///      limit is 10,108 (a long side of 5.054).
    function test_openInterestCashLimit_boundary_debtCounts() public {
        MockOracleAdapter exOracle = new MockOracleAdapter(2000e18);
        MockOracleAdapter ex2Oracle = new MockOracleAdapter(2000e18);
        uint256 ex = engine.listMarket("EX", exactParams(exOracle), twoTiers());
        uint256 ex2 = engine.listMarket("EX2", exactParams(ex2Oracle), twoTiers());
        MockOracleAdapter ex3Oracle = new MockOracleAdapter(2000e18);
        uint256 ex3 = engine.listMarket("EX3", exactParams(ex3Oracle), twoTiers());
        _trade(BOB, ex3, -10e18);
        _trade(BOB, ex, 10e18);
        exOracle.setPrice(800e18);
        ex3Oracle.setPrice(800e18);
        _trade(BOB, ex, -9e18);
        assertEq(engine.accountMarginAtFair(BOB).equity, 10_000e18, "-800 - 1,200 + 12,000");
        assertEq(vault.collateralOf(BOB), -800e18, "Bob in debt");
        assertEq(vault.totalDebt(), 800e18, "total debt");
        assertEq(vault.collateralOf(LP), 1_010_800e18, "vault balance");

        engine.setOpenInterestCashRatio(0.01e18);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex2, 10_100e18 + 2000, 10_100e18)
        );
        engine.trade(ALICE, ex2, 5.05e18 + 1, type(uint256).max);
        _trade(ALICE, ex2, 5.05e18);

        // Bob repays: cash 1,010,800, limit 10,108 = a long side of 5.054.
        _fund(BOB, 800e6);
        assertEq(vault.totalDebt(), 0, "no debt");
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex2, 10_108e18 + 2000, 10_108e18)
        );
        engine.trade(CAROL, ex2, 0.004e18 + 1, type(uint256).max);
        _trade(CAROL, ex2, 0.004e18);
        assertEq(engine.marketPrices(ex2).openInterestLong, 5.054e18, "the long side at the limit");
    }

    /// @dev The limit is on each side of the open interest, not on the net skew. Ratio 1 %, exact EX at 2,000, cash
    ///      1,000,000: limit floor(1,000,000 × 0.01) = 10,000, a side of 5. Alice longs 5 (10,000 ≤ 10,000). A short
    ///      that brings the skew back to 0 grows the short side, so it is judged too: Bob's 5 passes (short side 5,
    ///      skew 0); one wei more on either side reverts with that side at ⌈(5e18 + 1) × 2,000⌉ = 10,000e18 + 2,000,
    ///      though the net skew would be 1 wei (the old skew-to-cash rule let a hedged book grow without end). The LP
    ///      account then withdraws 490,000: cash 510,000, limit 5,100, both sides (10,000) above it. Own reductions
    ///      pass on either side (Alice sells 1, Bob buys 1: sides 4 / 4, 8,000 > 5,100); Carol's new 1 wei long
    ///      reverts (long side 8,000e18 + 2,000 > 5,100), and so does Alice's flip to a 1 wei short (it opens a short:
    ///      short side 4 + 1 wei), while her full close (skew 0 → −4) passes.
    function test_openInterestCashLimit_eachSide_reductionsNeverRefused() public {
        MockOracleAdapter exOracle = new MockOracleAdapter(2000e18);
        uint256 ex = engine.listMarket("EX", exactParams(exOracle), twoTiers());
        engine.setOpenInterestCashRatio(0.01e18);
        _trade(ALICE, ex, 5e18); // long side 10,000 ≤ 10,000
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex, 10_000e18 + 2000, 10_000e18)
        );
        engine.trade(CAROL, ex, 1, type(uint256).max);
        _trade(BOB, ex, -5e18); // short side 10,000 ≤ 10,000, skew 0
        assertEq(engine.marketPrices(ex).skew, 0, "hedged");
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex, 10_000e18 + 2000, 10_000e18)
        );
        engine.trade(CAROL, ex, -1, 0);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex, 10_000e18 + 2000, 10_000e18)
        );
        engine.trade(CAROL, ex, 1, type(uint256).max);

        vm.prank(LP);
        vault.withdraw(490_000e6, LP);
        _trade(ALICE, ex, -1e18); // own reduction: long side 4 (8,000 > 5,100)
        _trade(BOB, ex, 1e18); // own reduction: short side 4
        assertEq(engine.marketPrices(ex).openInterestLong, 4e18, "long side 4");
        assertEq(engine.marketPrices(ex).openInterestShort, 4e18, "short side 4");
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex, 8_000e18 + 2000, 5_100e18)
        );
        engine.trade(CAROL, ex, 1, type(uint256).max);
        // Alice's own reduction past zero is a flip: it opens a short and grows that side, so it is refused too.
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, ex, 8_000e18 + 2000, 5_100e18)
        );
        engine.trade(ALICE, ex, -4e18 - 1, 0);
        _trade(ALICE, ex, -4e18); // closes her long in full: skew -4, short side unchanged
        assertEq(engine.marketPrices(ex).skew, -4e18, "own reductions pass whatever they do to the skew");
    }

    // ------------------------------------------------------------------ dust

    /// @dev ETH's minimum position margin is 10 USD, judged at the oracle (2,000) and the 20x tier: a remaining long of
    ///      0.1 has IM exactly 10; 0.1 − 1 wei has notional 200e18 − 2,000 and IM 10e18 − 100.
    function test_dust_partialReductionBelowMinimum_boundary() public {
        _trade(ALICE, eth, 1e18);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.PartialCloseBelowMinimumMargin.selector, eth, 10e18 - 100, 10e18, -1e18)
        );
        engine.trade(ALICE, eth, -0.9e18 - 1, 0);
        _trade(ALICE, eth, -0.9e18);
        assertEq(engine.position(ALICE, eth).size, 0.1e18, "exactly the minimum left");
        _trade(ALICE, eth, -0.1e18);
        assertEq(engine.position(ALICE, eth).size, 0, "closed in full");

        // Short side: the full-close delta is +1.
        _trade(BOB, eth, -1e18);
        vm.prank(BOB);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.PartialCloseBelowMinimumMargin.selector, eth, 10e18 - 100, 10e18, 1e18)
        );
        engine.trade(BOB, eth, 0.9e18 + 1, type(uint256).max);
        _trade(BOB, eth, 0.9e18);
        assertEq(engine.position(BOB, eth).size, -0.1e18, "exactly the minimum left");
    }

    /// @dev A full close always passes, even when the minimum was raised above the position's own IM (1 ETH: 100).
    function test_dust_fullCloseAlwaysPasses() public {
        _trade(ALICE, eth, 1e18);
        MarketParams memory p = ethParams(ethOracle);
        p.minPositionMargin = 1_000e18;
        engine.setMarketParams(eth, p);
        // a partial close of 0.5 leaves IM 1,000 × 0.5 / 20 = 50
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.PartialCloseBelowMinimumMargin.selector, eth, 50e18, 1_000e18, -1e18)
        );
        engine.trade(ALICE, eth, -0.5e18, 0);
        vm.prank(ALICE);
        engine.closePosition(ALICE, eth, 0);
        assertEq(engine.position(ALICE, eth).size, 0, "closed");
    }

    /// @dev The liquidation engine's closes are exempt: with this test as the liquidation engine, a forced close and
    ///      an ADL close may leave any remainder.
    function test_dust_liquidationEngineExempt() public {
        engine.setLiquidationEngine(address(this));
        _trade(ALICE, eth, 1e18);
        (int256 closed,,,) = engine.forcedClose(ALICE, eth, -0.9e18 - 1, false);
        assertEq(closed, -0.9e18 - 1, "forced close filled in full");
        assertEq(engine.position(ALICE, eth).size, 0.1e18 - 1, "dust left by a forced close");
        engine.closeForAdl(ALICE, eth, -0.1e18 + 2, 2000e18);
        assertEq(engine.position(ALICE, eth).size, 1, "one wei left by an ADL close");
    }

    // ------------------------------------------------------------------ storage helper

    /// @dev Writes a market's funding breaker band directly (see the funding test). `_params` is PerpStorage's third
    ///      variable after Ownable2Step's two (slot 4); StoredParams' fifth slot holds maxFundingRate (bits 0–63),
    ///      breakerMaxOracleMove (64–127), breakerMaxFundingRate (128–191) and breakerWindow (192–223). The layout is
    ///      checked against the views before writing.
    function _storeFundingBand(uint256 marketId, uint256 band) internal {
        uint256 base = uint256(keccak256(abi.encode(marketId, uint256(4))));
        bytes32 scaleSlot = vm.load(address(engine), bytes32(base + 1));
        assertEq(uint256(scaleSlot) & type(uint128).max, engine.marketParams(marketId).skewScale, "layout: skewScale");
        bytes32 slot = bytes32(base + 4);
        uint256 word = uint256(vm.load(address(engine), slot));
        assertEq((word >> 128) & type(uint64).max, engine.circuitBreakerParams(marketId).maxFundingRate, "layout: band");
        word = (word & ~(uint256(type(uint64).max) << 128)) | (band << 128);
        vm.store(address(engine), slot, bytes32(word));
        assertEq(engine.circuitBreakerParams(marketId).maxFundingRate, band, "band written");
    }
}
