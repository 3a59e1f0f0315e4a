// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ParameterOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {BreakerParams, MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice SPEC §9 circuit breakers: oracle move > 15 % against the slow reference, funding > 0.5 %/8h.
contract PerpEngineCircuitBreakersTest is EngineFixture {
    function setUp() public override {
        super.setUp();
        engine.accrue(eth); // anchors the reference at 2,000
    }

    // 15 % of 2,000 = 300: at 2,300 the move is exactly the limit (allowed), one wei more trips.
    function test_oracleMove_boundary() public {
        ethOracle.setPrice(2300e18 + 1);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.CircuitBreakerTripped.selector, eth, bytes32("oracleMove")));
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        ethOracle.setPrice(2300e18);
        _trade(ALICE, eth, 1e18);
    }

    function test_oracleMove_reduceStillAllowed_andViewReports() public {
        _trade(ALICE, eth, 2e18);
        ethOracle.setPrice(1600e18); // −20 %
        (bool oracleMove, bool funding, uint256 referencePrice) = engine.circuitBreakerStatus(eth);
        assertTrue(oracleMove && !funding, "oracle-move breaker only");
        assertEq(referencePrice, 2000e18, "reference not yet moved");
        _trade(ALICE, eth, -1e18);
        vm.prank(ALICE);
        engine.closePosition(ALICE, eth, 0);
        assertEq(engine.position(ALICE, eth).size, 0, "closed while tripped");
    }

    // A 20 % jump to 2,400 trips; one window (1 h) later the reference is 2,400 − 400 × 0.375 = 2,250,
    // 6.7 % away: the condition has cleared by itself.
    function test_oracleMove_clearsAsReferenceCatchesUp() public {
        ethOracle.setPrice(2400e18);
        (bool tripped,,) = engine.circuitBreakerStatus(eth);
        assertTrue(tripped, "tripped");
        vm.warp(T0 + 1 hours);
        (bool stillTripped,, uint256 referencePrice) = engine.circuitBreakerStatus(eth);
        assertEq(referencePrice, 2250e18, "reference after one window");
        assertTrue(!stillTripped, "cleared");
        _trade(ALICE, eth, 1e18);
    }

    function test_oracleMove_adminReset() public {
        ethOracle.setPrice(2400e18);
        vm.expectEmit(true, false, false, true);
        emit IPerpEngine.CircuitBreakerReset(eth, 2400e18);
        engine.resetCircuitBreaker(eth);
        (bool tripped,, uint256 referencePrice) = engine.circuitBreakerStatus(eth);
        assertTrue(!tripped, "cleared by the admin");
        assertEq(referencePrice, 2400e18, "re-anchored");
        _trade(ALICE, eth, 1e18);
    }

    // THIN: skewScale 1,000, maxSkew 0.6875 (OI cap 50). F = premium − 6.25e-5 (clamp active) at +maxSkew:
    // premium 0.6875 / 1,000 = 6.875e-4, F = 6.25e-4 = the default band exactly; at −maxSkew F = −6.875e-4 + 6.25e-5
    // = −6.25e-4. So the listing keeps the default 0.000625 band, and an open to exactly maxSkew reaches exactly the
    // band and passes. The funding breaker is judged after the trade on |skew| growth, so one wei of size more trips
    // the maxSkew cap first (the validator keeps the band ≥ the rate at ±maxSkew; the breaker's own boundary is in
    // PerpEngineCapsTest). Reducing is always allowed.
    function test_funding_boundary() public {
        MarketParams memory p = ethParams(ethOracle);
        p.skewScale = 1_000e18;
        // Largest close impact 50 / (2 × 1,000) = 2.5 %, within the 2.5 % maintenance margin of the first tier.
        p.maxSkew = 0.6875e18;
        p.maxOpenInterest = 50e18;
        uint256 thin = engine.listMarket("THIN", p, twoTiers());
        assertEq(engine.circuitBreakerParams(thin).maxFundingRate, 0.000625e18, "default band kept");
        _trade(ALICE, thin, 0.6875e18);
        assertEq(engine.marketPrices(thin).currentFundingRate, 0.000625e18, "at the band");
        (, bool funding,) = engine.circuitBreakerStatus(thin);
        assertTrue(!funding, "rate equal to the band is within it");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, thin, 0.6875e18 + 1, 0.6875e18));
        engine.trade(BOB, thin, 1, type(uint256).max);
        // A trade that lowers |skew| passes (Bob's short is maker flow), and Alice reduces her own.
        _trade(BOB, thin, -0.2e18);
        _trade(ALICE, thin, -0.1e18);
        assertEq(engine.marketPrices(thin).skew, 0.3875e18, "skew fell");
    }

    // Default band at listing: ETH has maxSkew 5,000 with skewScale 1M: premium at +maxSkew 0.005,
    // F = 0.005 + clamp(1.25e-5 − 0.005, ±6.25e-5) = 0.005 − 6.25e-5 = 0.0049375; at −maxSkew −0.005 + 6.25e-5, the
    // same magnitude. That is above the SPEC default 0.000625, so the band starts at 0.0049375.
    // maxFundingRate between: a market with maxSkew 500 has F = 5e-4 − 6.25e-5 = 4.375e-4 < 6.25e-4: default kept.
    function test_defaultsAtListing() public {
        BreakerParams memory b = engine.circuitBreakerParams(eth);
        assertEq(b.maxOracleMove, 0.15e18, "15 %");
        assertEq(b.window, 1 hours, "1 h");
        assertEq(b.maxFundingRate, 0.0049375e18, "raised to the rate at maxSkew");
        MarketParams memory p = ethParams(ethOracle);
        p.maxSkew = 500e18;
        vm.expectEmit(true, false, false, true);
        emit IPerpEngine.CircuitBreakerSet(1, BreakerParams(0.15e18, 0.000625e18, 1 hours));
        uint256 small = engine.listMarket("SMALL", p, twoTiers());
        assertEq(engine.circuitBreakerParams(small).maxFundingRate, 0.000625e18, "0.5 % per 8 h, hourly");
    }

    // The band may not be below the rate at ±maxSkew (0.0049375 for ETH): one wei below reverts, exactly passes.
    function test_setCircuitBreaker_boundsEventsOwner() public {
        BreakerParams memory b = BreakerParams({maxOracleMove: 0.5e18 + 1, maxFundingRate: 0.005e18, window: 1 hours});
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxOracleMove"), 0.5e18 + 1, 0.01e18, 0.5e18
            )
        );
        engine.setCircuitBreaker(eth, b);
        b.maxOracleMove = 0.1e18;
        b.window = 299;
        vm.expectRevert(
            abi.encodeWithSelector(ParameterOutOfBounds.selector, bytes32("breakerWindow"), 299, 300, 1 days)
        );
        engine.setCircuitBreaker(eth, b);
        b.window = 300;
        b.maxFundingRate = 0.1e18 + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("breakerFundingRate"), 0.1e18 + 1, 1, 0.1e18
            )
        );
        engine.setCircuitBreaker(eth, b);
        b.maxFundingRate = 0.0049375e18 - 1;
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.FundingBandBelowMaxSkewRate.selector, 0.0049375e18 - 1, 0.0049375e18)
        );
        engine.setCircuitBreaker(eth, b);
        b.maxFundingRate = 0.0049375e18;
        vm.expectEmit(true, false, false, true);
        emit IPerpEngine.CircuitBreakerSet(eth, b);
        engine.setCircuitBreaker(eth, b);
        assertEq(engine.circuitBreakerParams(eth).window, 300, "stored");
        assertEq(engine.circuitBreakerParams(eth).maxFundingRate, 0.0049375e18, "band at the rate at maxSkew");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setCircuitBreaker(eth, b);
    }

    /// @dev The thresholds share a storage slot with the market's maxFundingRate: setting either side leaves the
    ///      other as it was. The band 0.006 covers the rate at ±maxSkew under both parameter sets (0.0049375, then
    ///      0.005 − 0.00007 = 0.00493 with the wider clamp).
    function test_breakerAndMarketParams_setIndependently() public {
        BreakerParams memory b = BreakerParams({maxOracleMove: 0.2e18, maxFundingRate: 0.006e18, window: 2 hours});
        engine.setCircuitBreaker(eth, b);
        MarketParams memory p = ethParams(ethOracle);
        p.maxFundingRate = 0.05e18;
        p.fundingClamp = 0.00007e18;
        engine.setMarketParams(eth, p);
        BreakerParams memory stored = engine.circuitBreakerParams(eth);
        assertTrue(keccak256(abi.encode(stored)) == keccak256(abi.encode(b)), "breaker kept");
        b.window = 300;
        b.maxFundingRate = 0.1e18;
        engine.setCircuitBreaker(eth, b);
        assertTrue(keccak256(abi.encode(engine.marketParams(eth))) == keccak256(abi.encode(p)), "market params kept");
        assertTrue(keccak256(abi.encode(engine.circuitBreakerParams(eth))) == keccak256(abi.encode(b)), "breaker set");
    }
}
