// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {BreakerParams, MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 6 of the security review, "one trade freezes a market": the funding breaker used to be judged at
///         the skew BEFORE a trade and exempted only reductions of one's own position, so a single 700 ETH long
///         (2.1M USD) from a flat local ETH market took the hourly rate to 0.07 % − 0.00625 % = 0.06375 %, past the
///         0.0625 % band, and from then on every opening trade was refused for everyone, including the shorts that
///         would have reduced the skew and earned the funding.
/// @dev Before (commit 1005906, same sequence ported to its API): the 700 ETH long passed; Bob's 1 ETH short then
///      reverted `CircuitBreakerTripped(ETH, "funding")`, and still did 8 h later (the griefer paid 700 × 3,000 ×
///      0.06375 % = 1,338.75 USD of funding per hour for it). From a state beyond the band reached by an own-position
///      reduction, the skew-reducing short reverted the same way.
///      Now the breaker and maxSkew are judged after the trade and refuse only a trade that increases |skew|; the
///      validator keeps the band ≥ the rate at ±maxSkew, so the band is a cap on the skew opens can reach, and the
///      local deployment lists ETH with maxSkew 680 ETH and openInterestCashRatio 50 % (set here too). Rates:
///      F(s) = p + clamp(0.00125 % − p, ±0.00625 %), capped at ±4 %, with p = s / 1,000,000 ETH.
contract MarketFreezeTest is LocalProtocolFixture {
    /// @dev Where `_params` sits among the engine's storage variables (PerpStorage: Ownable's owner, Ownable2Step's
    ///      pending owner, `_globals`, `_symbols`, then `_params`), and the word of StoredParams that holds
    ///      maxFundingRate | breakerMaxOracleMove | breakerMaxFundingRate | breakerWindow (low bits first).
    uint256 private constant PARAMS_SLOT = 4;
    uint256 private constant BREAKER_WORD = 4;

    uint256 private constant OLD_DEFAULT_BAND = 0.000625e18;
    /// @dev The skew whose rate is exactly the old default band: p = 0.06875 %, F = 0.06875 % − 0.00625 % = 0.0625 %.
    uint256 private constant SKEW_AT_BAND = 687.5e18;
    /// @dev The rate at the local maxSkew of 680 ETH: 0.068 % − 0.00625 % = 0.06175 %.
    uint256 private constant RATE_AT_LOCAL_MAX_SKEW = 0.0006175e18;

    function setUp() public override {
        super.setUp();
        engine.setOpenInterestCashRatio(0.5e18);
        _lpDeposit(PROVIDER, 10_000_000e6);
        _fund(ALICE, 1_000_000e6);
        _fund(BOB, 1_000_000e6);
        _fund(CAROL, 1_000_000e6);
        _fund(DAN, 1_000_000e6);
    }

    /// @dev The finding's exact sequence on the review's market (maxSkew 50,000) listed by the new code. Band at
    ///      listing = max(0.0625 %, rate at ±maxSkew): at 50,000 ETH p = 5 %, F = 5 % − 0.00625 % = 4.99375 %, capped
    ///      at maxFundingRate = 4 %, so the band is 4 %. The 700 ETH long leaves F = 0.06375 % (inside it); nothing
    ///      freezes: shorts (and longs) open at once and 8 h later. Before: band 0.0625 %, Bob's short reverted
    ///      `CircuitBreakerTripped(funding)`.
    function test_finding6_exactSequence_reviewMarket_noFreeze() public {
        assertEq(engine.circuitBreakerParams(eth).maxFundingRate, 0.04e18, "band = rate at maxSkew, capped at 4 %");
        _trade(ALICE, eth, 700e18);
        assertEq(engine.marketPrices(eth).currentFundingRate, 0.0006375e18, "0.07 % - 0.00625 %");
        (, bool funding,) = engine.circuitBreakerStatus(eth);
        assertTrue(!funding, "inside the band");

        _trade(BOB, eth, -1e18);
        vm.warp(T0 + 8 hours);
        _trade(CAROL, eth, -100e18);
        _trade(DAN, eth, 10e18);
        assertEq(engine.marketPrices(eth).skew, 609e18, "700 - 1 - 100 + 10: both sides kept trading");
    }

    /// @dev The finding's exact sequence on the local ETH market as deployed now (maxSkew 680): listing keeps the band
    ///      at max(0.0625 %, rate at 680 = 0.06175 %) = 0.0625 %. The griefer's 700 ETH long is refused itself:
    ///      `MaxSkewExceeded(ETH, 700, 680)`. The strongest variation within the limits: a long to exactly 680 ETH
    ///      passes (rate 0.06175 %, inside the band), 1 wei more is refused, and the shorts that reduce the skew still
    ///      open, at once and 8 h later, after which a long takes it back to the cap. The band may not go below the
    ///      rate at maxSkew: 0.06175 % − 1 wei reverts `FundingBandBelowMaxSkewRate(band, 0.06175 %)`, 0.06175 % is
    ///      accepted. Before: with maxSkew 680 the old code refused the 700 ETH long too (its maxSkew check was on the
    ///      post-trade total), but it accepted the band 0.06175 % − 1 wei (and listing kept 0.0625 % whatever maxSkew
    ///      was, e.g. the 50,000 of the review's market): with the band below the rate at maxSkew, one long to the cap
    ///      froze the market for every opening trade, as the first test's sequence did on the old code.
    function test_finding6_exactSequence_localMarketNow_refusedItself() public {
        uint256 m = _listEthWithMaxSkew(LOCAL_ETH_MAX_SKEW);
        assertEq(engine.circuitBreakerParams(m).maxFundingRate, OLD_DEFAULT_BAND, "band: the default 0.0625 %");

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, m, 700e18, LOCAL_ETH_MAX_SKEW));
        engine.trade(ALICE, m, 700e18, type(uint256).max);

        _trade(ALICE, m, int256(LOCAL_ETH_MAX_SKEW));
        assertEq(engine.marketPrices(m).currentFundingRate, int256(RATE_AT_LOCAL_MAX_SKEW), "0.068 % - 0.00625 %");
        (, bool funding,) = engine.circuitBreakerStatus(m);
        assertTrue(!funding, "inside the band");
        vm.prank(DAN);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, m, LOCAL_ETH_MAX_SKEW + 1, LOCAL_ETH_MAX_SKEW)
        );
        engine.trade(DAN, m, 1, type(uint256).max);

        _trade(BOB, m, -100e18);
        vm.warp(T0 + 8 hours);
        _trade(CAROL, m, -50e18);
        _trade(DAN, m, 150e18);
        assertEq(engine.marketPrices(m).skew, int256(LOCAL_ETH_MAX_SKEW), "back at the cap: the market stayed open");

        BreakerParams memory b = engine.circuitBreakerParams(m);
        b.maxFundingRate = uint64(RATE_AT_LOCAL_MAX_SKEW - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarketConfig.FundingBandBelowMaxSkewRate.selector, RATE_AT_LOCAL_MAX_SKEW - 1, RATE_AT_LOCAL_MAX_SKEW
            )
        );
        engine.setCircuitBreaker(m, b);
        b.maxFundingRate = uint64(RATE_AT_LOCAL_MAX_SKEW);
        engine.setCircuitBreaker(m, b);
        assertEq(engine.circuitBreakerParams(m).maxFundingRate, RATE_AT_LOCAL_MAX_SKEW, "band = rate at maxSkew");
    }

    /// @dev The funding breaker itself is judged after the trade. The validator no longer lets a band sit below the
    ///      rate at maxSkew (`setCircuitBreaker(0.0625 %)` with maxSkew 50,000 reverts `FundingBandBelowMaxSkewRate(
    ///      0.0625 %, 4 %)`), so the old configuration (local ETH, band 0.0625 %) is written into storage to check the
    ///      breaker on its own: the 700 ETH long now trips it itself (`CircuitBreakerTripped(ETH, "funding")`, rate
    ///      after = 0.06375 %). Boundary in premium units (p truncated to 1e-18, i.e. 1e6 wei of skew): a long to
    ///      687.5 ETH + 999,999 wei keeps p = 0.06875 % and F = 0.0625 % (passes); 1 wei more makes p =
    ///      0.06875 % + 1e-18 and F beyond the band (refused). Shorts still pass.
    function test_finding6_fundingBreakerJudgedAfterTheTrade() public {
        BreakerParams memory b = engine.circuitBreakerParams(eth);
        b.maxFundingRate = uint64(OLD_DEFAULT_BAND);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.FundingBandBelowMaxSkewRate.selector, OLD_DEFAULT_BAND, 0.04e18)
        );
        engine.setCircuitBreaker(eth, b);
        _storeFundingBand(eth, OLD_DEFAULT_BAND);
        assertEq(engine.circuitBreakerParams(eth).maxFundingRate, OLD_DEFAULT_BAND, "old band in place");

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.CircuitBreakerTripped.selector, eth, bytes32("funding")));
        engine.trade(ALICE, eth, 700e18, type(uint256).max);

        _trade(ALICE, eth, int256(SKEW_AT_BAND + 999_999));
        assertEq(engine.marketPrices(eth).currentFundingRate, int256(OLD_DEFAULT_BAND), "still at the band");
        vm.prank(DAN);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.CircuitBreakerTripped.selector, eth, bytes32("funding")));
        engine.trade(DAN, eth, 1, type(uint256).max);

        _trade(BOB, eth, -10e18);
        vm.warp(T0 + 8 hours);
        _trade(CAROL, eth, -10e18);
        assertEq(engine.marketPrices(eth).skew, int256(SKEW_AT_BAND + 999_999) - 20e18, "shorts kept opening");
    }

    /// @dev A state beyond the band, reached by an own-position reduction (exempt from every cap), on the local market
    ///      as deployed now (maxSkew 680, band 0.0625 %). Bob shorts 600 (skew −600), Alice longs 1,200 (skew +600:
    ///      |skew| unchanged, passes), Bob closes his short (skew +1,200, rate 0.12 % − 0.00625 % = 0.11375 %, breaker
    ///      condition holds).
    ///      Shorts that reduce |skew| pass: Carol's 1 ETH (skew 1,199), then Carol's 2,398 ETH flip to −1,199 (|skew|
    ///      unchanged); 1 wei more would grow |skew| to 1,199 ETH + 1 wei (`MaxSkewExceeded`), and so does a 1 wei long
    ///      at +1,199. Beyond the band on the short side 8 h later, longs reduce the skew and pass. Before: Carol's
    ///      first short reverted `CircuitBreakerTripped(ETH, "funding")`.
    ///      Carol's flip opens a short side of 2,399 ETH (7,197,000 USD): a second provider's 5,000,000 keeps it within
    ///      the open-interest-to-cash limit (half of about 15,007,739 of cash), which would otherwise refuse it first.
    function test_finding6_beyondTheBand_skewReducingTradesPass() public {
        _lpDeposit(PROVIDER2, 5_000_000e6);
        uint256 m = _listEthWithMaxSkew(LOCAL_ETH_MAX_SKEW);
        _trade(BOB, m, -600e18);
        _trade(ALICE, m, 1_200e18);
        _trade(BOB, m, 600e18);
        assertEq(engine.marketPrices(m).skew, 1_200e18, "own reduction took the skew past maxSkew");
        assertEq(engine.marketPrices(m).currentFundingRate, 0.0011375e18, "0.12 % - 0.00625 %");
        (, bool funding,) = engine.circuitBreakerStatus(m);
        assertTrue(funding, "beyond the band");

        _trade(CAROL, m, -1e18);
        vm.prank(DAN);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, m, 1_199e18 + 1, LOCAL_ETH_MAX_SKEW)
        );
        engine.trade(DAN, m, 1, type(uint256).max);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, m, 1_199e18 + 1, LOCAL_ETH_MAX_SKEW)
        );
        engine.trade(CAROL, m, -2_398e18 - 1, 0);
        _trade(CAROL, m, -2_398e18);
        assertEq(engine.marketPrices(m).skew, -1_199e18, "flipped to the mirror skew");

        vm.warp(T0 + 8 hours);
        (, funding,) = engine.circuitBreakerStatus(m);
        assertTrue(funding, "still beyond the band, short side");
        _trade(DAN, m, 1e18);
        assertEq(engine.marketPrices(m).skew, -1_198e18, "the reducing long passed");
    }

    /// @dev Lists a second local-ETH market with `maxSkew` (its oracle at 3,000).
    function _listEthWithMaxSkew(uint256 maxSkew) private returns (uint256) {
        MarketParams memory p = localEthParams(ethOracle);
        p.maxSkew = uint128(maxSkew);
        return engine.listMarket("ETH2", p, cryptoTiers());
    }

    /// @dev Writes `band` into market `m`'s stored funding band, after checking the word holds what the engine
    ///      reports (so a layout change fails here instead of writing elsewhere).
    function _storeFundingBand(uint256 m, uint256 band) private {
        bytes32 slot = bytes32(uint256(keccak256(abi.encode(m, PARAMS_SLOT))) + BREAKER_WORD);
        uint256 word = uint256(vm.load(address(engine), slot));
        BreakerParams memory b = engine.circuitBreakerParams(m);
        assertEq(uint64(word), engine.marketParams(m).maxFundingRate, "layout: maxFundingRate");
        assertEq(uint64(word >> 64), b.maxOracleMove, "layout: breakerMaxOracleMove");
        assertEq(uint64(word >> 128), b.maxFundingRate, "layout: breakerMaxFundingRate");
        assertEq(uint32(word >> 192), b.window, "layout: breakerWindow");
        word = (word & ~(uint256(type(uint64).max) << 128)) | (band << 128);
        vm.store(address(engine), slot, bytes32(word));
    }
}
