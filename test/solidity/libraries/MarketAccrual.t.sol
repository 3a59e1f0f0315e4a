// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StoredParams} from "../../../contracts/engine/PerpStorage.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {BreakerState, MarketState} from "../../../contracts/interfaces/PerpTypes.sol";
import {MarketAccrual} from "../../../contracts/libraries/MarketAccrual.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice One market's storage with MarketAccrual's functions over it.
contract MarketAccrualHarness {
    MarketState internal s;
    StoredParams internal p;
    BreakerState internal b;

    /// @dev ETH-like: skewScale 1M, maxPremium 10 %, interest 1.25e-5/h, clamp 6.25e-5/h, cap 4 %/h, τ 300 s,
    ///      breaker window 1 h.
    constructor() {
        p.skewScale = 1_000_000e18;
        p.maxPremium = 0.1e18;
        p.fundingInterest = 0.0000125e18;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.04e18;
        p.fairTau = 300;
        p.breakerWindow = 1 hours;
        s.lastUpdateTime = uint48(block.timestamp);
    }

    function setSkew(int128 skew) external {
        s.skew = skew;
    }

    function accrue(uint256 oraclePrice) external {
        MarketAccrual.accrue(s, p, b, 7, oraclePrice);
    }

    function accrueWithoutOracle() external {
        MarketAccrual.accrueWithoutOracle(s, p, 7);
    }

    function advanceReference(uint256 oraclePrice) external {
        MarketAccrual.advanceReference(b, p, oraclePrice);
    }

    function anchor(uint256 price) external {
        MarketAccrual.anchor(b, price);
    }

    function state() external view returns (MarketState memory) {
        return s;
    }

    function breaker() external view returns (BreakerState memory) {
        return b;
    }

    function due() external view returns (bool) {
        return MarketAccrual.due(s);
    }

    function pendingIndex(uint256 oraclePrice) external view returns (int256) {
        return MarketAccrual.pendingIndex(s, p, oraclePrice);
    }

    function fairPremiumNow() external view returns (int256) {
        return MarketAccrual.fairPremiumNow(s, p);
    }

    function referenceNow(uint256 oraclePrice) external view returns (uint256) {
        return MarketAccrual.referenceNow(b, p, oraclePrice);
    }
}

/// @notice The market accrual shared by the engine and its admin module: funding index, fair premium, last good
///         price, the accrual without an oracle, and the breaker reference's sampling.
contract MarketAccrualTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;

    MarketAccrualHarness internal h;

    function setUp() public {
        vm.warp(T0);
        h = new MarketAccrualHarness();
        h.setSkew(100e18); // premium 1e-4, F = 1e-4 + clamp(1.25e-5 − 1e-4, ±6.25e-5) = 3.75e-5 per hour
    }

    /// @dev One hour at 2,000: index + 3.75e-5 × 2,000 = 0.075; fair premium trunc(1e14 × (1 − W)) with the premium
    ///      weight W = w(12 / 4)⁴ (x = 3,600 / 300 = 12): w(3) = 1e36 / (1 + 3 + 4.5 + 4.5)e18 = 1e36 / 13e18 =
    ///      76923076923076923; squared 5917159763313609 (.4556), squared again W = 35012779664577 (.5653);
    ///      1e14 × 999964987220335423 / 1e18 = 99996498722033 (.5423); last good price 2,000; the first accrual
    ///      anchors the breaker reference at the oracle. A second accrual in the same block changes nothing.
    function test_accrue_indexFairPriceAndReference() public {
        vm.warp(T0 + 1 hours);
        assertEq(h.pendingIndex(2000e18), 0.075e18, "pending index");
        assertEq(h.fairPremiumNow(), 99996498722033, "pending fair premium");
        vm.expectEmit(address(h));
        emit IPerpEngine.FundingAccrued(7, 3.75e13, 0.075e18, 1 hours);
        h.accrue(2000e18);
        MarketState memory st = h.state();
        assertEq(st.fundingIndex, 0.075e18, "index");
        assertEq(st.lastFundingRate, 3.75e13, "rate");
        assertEq(st.fairPremium, 99996498722033, "fair premium");
        assertEq(uint256(st.lastOraclePrice), 2000e18, "last good price");
        assertEq(uint256(st.lastUpdateTime), T0 + 1 hours, "time");
        assertEq(uint256(h.breaker().referencePrice), 2000e18, "reference anchored at the oracle");
        assertTrue(!h.due(), "not due in the same block");
        h.accrue(2100e18);
        assertEq(uint256(h.state().lastOraclePrice), 2000e18, "nothing accrued twice in a block");
    }

    /// @dev Without an oracle (one hour more): no funding (index kept, rate 0, FundingAccrued(0)), the fair premium
    ///      advances from 99996498722033 toward 1e14 by trunc(3501277967 × (1 − W)) with W = 35012779664577 as above:
    ///      3501277967 × 999964987220335423 / 1e18 = 3501155377 (.526) → 99999999877410; the last good price and
    ///      the breaker reference stay.
    function test_accrueWithoutOracle_noFundingFairAdvances() public {
        vm.warp(T0 + 1 hours);
        h.accrue(2000e18);
        vm.warp(T0 + 2 hours);
        vm.expectEmit(address(h));
        emit IPerpEngine.FundingAccrued(7, 0, 0.075e18, 1 hours);
        h.accrueWithoutOracle();
        MarketState memory st = h.state();
        assertEq(st.fundingIndex, 0.075e18, "index unchanged");
        assertEq(st.lastFundingRate, 0, "rate 0");
        assertEq(st.fairPremium, 99999999877410, "fair premium advanced");
        assertEq(uint256(st.lastOraclePrice), 2000e18, "last good price kept");
        assertEq(uint256(st.lastUpdateTime), T0 + 2 hours, "time");
        assertEq(uint256(h.breaker().referenceTime), T0 + 1 hours, "reference untouched");
        // nothing elapsed: a no-op
        h.accrueWithoutOracle();
        assertEq(h.state().fairPremium, 99999999877410, "no-op at elapsed 0");
    }

    /// @dev The reference is re-sampled at most once per window / 16 = 225 s. Anchored at 2,000, oracle 2,400:
    ///      224 s later nothing is written; 225 s later the sample is 2,400 − 400 × w(0.0625), with
    ///      x = 0.0625e18, x² / 2 = 1953125000000000, x³ / 6 = 40690104166666, w = 1e36 / 1064493815104166666 =
    ///      939413630977409121: 2,400e18 − 375765452390963648400 = 2024234547609036351600.
    function test_advanceReference_samplesOncePerSixteenthWindow() public {
        h.anchor(2000e18);
        vm.warp(T0 + 224);
        h.advanceReference(2400e18);
        assertEq(uint256(h.breaker().referencePrice), 2000e18, "not re-sampled before 225 s");
        assertEq(uint256(h.breaker().referenceTime), T0, "time kept");
        vm.warp(T0 + 225);
        assertEq(h.referenceNow(2400e18), 2024234547609036351600, "reference now");
        h.advanceReference(2400e18);
        assertEq(uint256(h.breaker().referencePrice), 2024234547609036351600, "re-sampled");
        assertEq(uint256(h.breaker().referenceTime), T0 + 225, "at 225 s");
    }

    function test_referenceNow_unanchoredIsOracle() public view {
        assertEq(h.referenceNow(1234e18), 1234e18, "no sample yet: the oracle itself");
    }
}
