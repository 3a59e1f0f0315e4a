// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {
    InvalidGracePeriod,
    InvalidHeartbeat,
    InvalidPriceBounds,
    SequencerDown,
    SequencerGracePeriodNotOver,
    SequencerStatusInvalid,
    UnsupportedFeedDecimals,
    ZeroAddress
} from "../../../contracts/interfaces/CommonErrors.sol";
import {ICurveBlendOracleAdapter} from "../../../contracts/interfaces/ICurveBlendOracleAdapter.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IOracleAdapterBase} from "../../../contracts/interfaces/IOracleAdapterBase.sol";
import {ChainlinkFeedLib} from "../../../contracts/oracles/ChainlinkFeedLib.sol";
import {CurveBlendOracleAdapter} from "../../../contracts/oracles/CurveBlendOracleAdapter.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Default fixture: front 70.00000000 (8 decimals) and next 75.5 (18 decimals); N = 5 step durations of 1 day
///      from ROLL_START = T0 + 1 day, so the roll lasts D = 5 × 86,400 = 432,000 s and ends at ROLL_START + D.
///      With e = clamp(t − ROLL_START, 0, D) the blend is floor((70e18 × (D − e) + 75.5e18 × e) / D)
///      = 70e18 + floor(5.5e18 × e / 432,000): the index moves by the carry 5.5e18 / 432,000
///      = 12,731,481,481,481.48 wei per second, and never jumps.
contract CurveBlendOracleAdapterTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant ROLL_START = T0 + 1 days;
    uint256 internal constant STEP = 1 days;
    uint256 internal constant STEPS = 5;
    uint256 internal constant D = 432_000; // STEPS × STEP
    uint256 internal constant ROLL_END = ROLL_START + D; // rollStart + N × stepDuration
    uint256 internal constant FRONT_HEARTBEAT = 1 hours;
    uint256 internal constant NEXT_HEARTBEAT = 2 hours;
    uint256 internal constant MIN_PRICE = 1e18;
    uint256 internal constant MAX_PRICE = 1000e18;
    uint256 internal constant GRACE = 1 hours;
    address internal constant STRANGER = address(0xBAD);
    address internal constant ALICE = address(0xA11CE);

    MockV3Aggregator internal front;
    MockV3Aggregator internal next;
    CurveBlendOracleAdapter internal adapter;

    function setUp() public {
        vm.warp(T0);
        front = new MockV3Aggregator(8, 70e8);
        next = new MockV3Aggregator(18, 75.5e18);
        adapter = _deploy(front, next, ROLL_START, STEPS, STEP);
    }

    // ------------------------------------------------------------------ helpers

    function _leg(
        MockV3Aggregator feed,
        uint256 heartbeat
    ) internal pure returns (ICurveBlendOracleAdapter.LegConfig memory) {
        return ICurveBlendOracleAdapter.LegConfig({feed: AggregatorV3Interface(address(feed)), heartbeat: heartbeat});
    }

    function _schedule(
        uint256 rollStart,
        uint256 stepCount,
        uint256 stepDuration
    ) internal pure returns (ICurveBlendOracleAdapter.RollSchedule memory) {
        return
            ICurveBlendOracleAdapter.RollSchedule({
                rollStart: rollStart,
                stepCount: stepCount,
                stepDuration: stepDuration
            });
    }

    function _deploy(
        MockV3Aggregator f,
        MockV3Aggregator n,
        uint256 rollStart,
        uint256 stepCount,
        uint256 stepDuration
    ) internal returns (CurveBlendOracleAdapter) {
        return
            new CurveBlendOracleAdapter(
                _leg(f, FRONT_HEARTBEAT),
                _leg(n, NEXT_HEARTBEAT),
                _schedule(rollStart, stepCount, stepDuration),
                MIN_PRICE,
                MAX_PRICE,
                address(this)
            );
    }

    function _setRound(MockV3Aggregator feed, int256 answer, uint256 updatedAt) internal {
        feed.updateRoundData(uint80(feed.latestRound() + 1), answer, updatedAt, updatedAt);
    }

    /// @dev Warp to `t` and give both default feeds a round at `t` with their current answers.
    function _warpFresh(uint256 t) internal {
        _warpFresh(front, next, t);
    }

    /// @dev Warp to `t` and give `f` and `n` a round at `t` with their current answers.
    function _warpFresh(MockV3Aggregator f, MockV3Aggregator n, uint256 t) internal {
        vm.warp(t);
        _setRound(f, f.latestAnswer(), t);
        _setRound(n, n.latestAnswer(), t);
    }

    function _ownerError(address who) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, who);
    }

    function _isSelector(bytes memory reason, bytes4 selector) internal pure returns (bool) {
        return reason.length >= 4 && bytes4(reason) == selector;
    }

    // ------------------------------------------------------------------ kind and construction

    /// @dev Kind 2 (curve blend), read through the interface the engine lists with, before, during and after the roll.
    function test_kind_isCurveBlend() public {
        assertEq(uint256(IOracleAdapter(address(adapter)).kind()), 2, "kind 2 before the roll");
        vm.warp(ROLL_START + 1);
        assertEq(uint256(adapter.kind()), 2, "kind 2 during the roll");
        vm.warp(ROLL_END);
        assertEq(uint256(adapter.kind()), 2, "kind 2 after the roll");
    }

    function test_constructor_storesConfig() public view {
        ICurveBlendOracleAdapter.LegInfo memory f = adapter.frontLeg();
        assertEq(address(f.feed), address(front), "front feed");
        assertEq(f.decimals, 8, "front decimals");
        assertEq(f.heartbeat, 3600, "front heartbeat");
        ICurveBlendOracleAdapter.LegInfo memory n = adapter.nextLeg();
        assertEq(address(n.feed), address(next), "next feed");
        assertEq(n.decimals, 18, "next decimals");
        assertEq(n.heartbeat, 7200, "next heartbeat");
        ICurveBlendOracleAdapter.RollSchedule memory s = adapter.rollSchedule();
        assertEq(s.rollStart, T0 + 86_400, "roll start");
        assertEq(s.stepCount, 5, "steps");
        assertEq(s.stepDuration, 86_400, "step duration");
        assertEq(adapter.rollDuration(), 432_000, "D = 5 x 86,400");
        assertEq(adapter.rollEnd(), T0 + 86_400 + 432_000, "roll end = start + N x step");
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1e18, "min");
        assertEq(maxPrice, 1000e18, "max");
        (AggregatorV3Interface seq, uint256 grace) = adapter.sequencerConfig();
        assertEq(address(seq), address(0), "no sequencer");
        assertEq(grace, 0, "no grace");
        assertEq(adapter.owner(), address(this), "owner");
        assertEq(adapter.MAX_HEARTBEAT(), 172_800, "max heartbeat 2 days");
        assertEq(adapter.MAX_GRACE_PERIOD(), 86_400, "max grace 1 day");
        assertEq(adapter.MAX_PRICE_LIMIT(), 1e36, "max price");
        assertEq(adapter.MAX_STEP_COUNT(), 30, "max steps");
        assertEq(adapter.MIN_STEP_DURATION(), 3600, "min step 1 h");
        assertEq(adapter.MAX_STEP_DURATION(), 604_800, "max step 7 days");
        assertEq(adapter.MAX_ROLL_START_DELAY(), 31_536_000, "roll start at most 365 days ahead");
    }

    function test_constructor_emitsEvents() public {
        vm.expectEmit(true, true, true, true);
        emit ICurveBlendOracleAdapter.LegsSet(address(front), address(next), 8, 18);
        vm.expectEmit(true, true, true, true);
        emit ICurveBlendOracleAdapter.HeartbeatsSet(3600, 7200);
        vm.expectEmit(true, true, true, true);
        emit ICurveBlendOracleAdapter.RollScheduleSet(T0 + 10, 3, 7200);
        vm.expectEmit(true, true, true, true);
        emit IOracleAdapterBase.PriceBoundsSet(1e18, 1000e18);
        _deploy(front, next, T0 + 10, 3, 7200);
    }

    function test_constructor_revertsOnZeroOrDuplicateFeed() public {
        vm.expectRevert(ZeroAddress.selector);
        _deploy(MockV3Aggregator(address(0)), next, ROLL_START, STEPS, STEP);
        vm.expectRevert(ZeroAddress.selector);
        _deploy(front, MockV3Aggregator(address(0)), ROLL_START, STEPS, STEP);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.DuplicateFeed.selector, address(front)));
        _deploy(front, front, ROLL_START, STEPS, STEP);
    }

    function test_constructor_revertsOnFeedWith37Decimals() public {
        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(wide), 37));
        _deploy(front, wide, ROLL_START, STEPS, STEP);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(wide), 37));
        _deploy(wide, next, ROLL_START, STEPS, STEP);
        // 36 decimals is the largest accepted.
        MockV3Aggregator widest = new MockV3Aggregator(36, 70e36);
        assertEq(_deploy(front, widest, ROLL_START, STEPS, STEP).nextLeg().decimals, 36, "36 accepted");
    }

    function test_constructor_revertsOnBadHeartbeat() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        new CurveBlendOracleAdapter(
            _leg(front, 0), _leg(next, NEXT_HEARTBEAT), _schedule(ROLL_START, 5, STEP), 1e18, 1000e18, address(this)
        );
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 172_801), _schedule(ROLL_START, 5, STEP), 1e18, 1000e18, address(this)
        );
        // The edges are accepted.
        CurveBlendOracleAdapter a = new CurveBlendOracleAdapter(
            _leg(front, 1), _leg(next, 172_800), _schedule(ROLL_START, 5, STEP), 1e18, 1000e18, address(this)
        );
        assertEq(a.frontLeg().heartbeat, 1, "1 s accepted");
        assertEq(a.nextLeg().heartbeat, 172_800, "2 days accepted");
    }

    function test_constructor_revertsOnBadBoundsOrOwner() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 0, 1000e18));
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 7200), _schedule(ROLL_START, 5, STEP), 0, 1000e18, address(this)
        );
        vm.expectRevert(
            abi.encodeWithSelector(InvalidPriceBounds.selector, 1000e18, 1000e18)
        );
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 7200), _schedule(ROLL_START, 5, STEP), 1000e18, 1000e18, address(this)
        );
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 1, 1e36 + 1));
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 7200), _schedule(ROLL_START, 5, STEP), 1, 1e36 + 1, address(this)
        );
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 7200), _schedule(ROLL_START, 5, STEP), 1e18, 1000e18, address(0)
        );
    }

    function test_constructor_scheduleHardBounds() public {
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidStepCount.selector, 0));
        _deploy(front, next, ROLL_START, 0, STEP);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidStepCount.selector, 31));
        _deploy(front, next, ROLL_START, 31, STEP);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidStepDuration.selector, 3599));
        _deploy(front, next, ROLL_START, 5, 3599);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidStepDuration.selector, 604_801));
        _deploy(front, next, ROLL_START, 5, 604_801);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidRollStart.selector, T0, T0));
        _deploy(front, next, T0, 5, STEP);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidRollStart.selector, T0 + 31_536_001, T0)
        );
        _deploy(front, next, T0 + 31_536_001, 5, STEP);

        // The edges are accepted: the shortest roll (N = 1 of 1 h) and the longest (30 × 7 days = 210 days).
        CurveBlendOracleAdapter a = _deploy(front, next, T0 + 1, 1, 3600);
        assertEq(a.rollSchedule().rollStart, T0 + 1, "start 1 s ahead");
        assertEq(a.rollSchedule().stepCount, 1, "1 step");
        assertEq(a.rollSchedule().stepDuration, 3600, "1 h");
        assertEq(a.rollDuration(), 3600, "D = 1 x 3,600");
        assertEq(a.rollEnd(), T0 + 3601, "end = start + 3,600");
        a = _deploy(front, next, T0 + 31_536_000, 30, 604_800);
        assertEq(a.rollSchedule().rollStart, T0 + 31_536_000, "start 365 days ahead");
        assertEq(a.rollSchedule().stepCount, 30, "30 steps");
        assertEq(a.rollSchedule().stepDuration, 604_800, "7 days");
        assertEq(a.rollDuration(), 18_144_000, "D = 30 x 604,800");
        assertEq(a.rollEnd(), T0 + 31_536_000 + 18_144_000, "roll end");
    }

    // ------------------------------------------------------------------ the linear schedule

    function test_rollElapsedAndWeight_atTheEdges() public view {
        // e = clamp(t − ROLL_START, 0, 432,000); weight = e × 1e18 / 432,000 rounded down.
        assertEq(adapter.rollElapsedAt(0), 0, "e long before");
        assertEq(adapter.rollElapsedAt(ROLL_START - 1), 0, "e start - 1 s");
        assertEq(adapter.rollElapsedAt(ROLL_START), 0, "e at start: 0");
        assertEq(adapter.rollElapsedAt(ROLL_START + 1), 1, "e start + 1 s");
        assertEq(adapter.rollElapsedAt(ROLL_START + 216_000), 216_000, "e mid-roll");
        assertEq(adapter.rollElapsedAt(ROLL_END - 1), 431_999, "e end - 1 s");
        assertEq(adapter.rollElapsedAt(ROLL_END), 432_000, "e at end: D");
        assertEq(adapter.rollElapsedAt(ROLL_END + 1), 432_000, "e capped at D");
        assertEq(adapter.rollElapsedAt(type(uint256).max), 432_000, "e capped far ahead");

        assertEq(adapter.nextWeightAt(ROLL_START - 1), 0, "w start - 1 s");
        assertEq(adapter.nextWeightAt(ROLL_START), 0, "w at start");
        // 1e18 / 432,000 = 2,314,814,814,814.8 -> 2,314,814,814,814
        assertEq(adapter.nextWeightAt(ROLL_START + 1), 2_314_814_814_814, "w start + 1 s");
        assertEq(adapter.nextWeightAt(ROLL_START + 216_000), 0.5e18, "w mid-roll");
        // 431,999e18 / 432,000 = 999,997,685,185,185,185.19 -> ...185
        assertEq(adapter.nextWeightAt(ROLL_END - 1), 999_997_685_185_185_185, "w end - 1 s");
        assertEq(adapter.nextWeightAt(ROLL_END), 1e18, "w at end");
        assertEq(adapter.nextWeightAt(ROLL_END + 365 days), 1e18, "w stays 1");
        assertEq(adapter.nextWeight(), 0, "w now (T0)");
    }

    /// @dev The default roll (front 70, next 75.5, D = 432,000 s): price = 70e18 + floor(5.5e18 × e / 432,000).
    function test_price_defaultRoll_atChosenSeconds() public {
        assertEq(adapter.price(), 70e18, "at deployment: front");
        _warpFresh(ROLL_START - 1);
        assertEq(adapter.price(), 70e18, "start - 1 s: front");
        _warpFresh(ROLL_START);
        assertEq(adapter.price(), 70e18, "at start: e = 0, front");
        assertEq(adapter.nextWeight(), 0, "weight 0 at start");
        _warpFresh(ROLL_START + 1);
        // 5.5e18 × 1 / 432,000 = 12,731,481,481,481.48 -> 70e18 + 12,731,481,481,481
        assertEq(adapter.price(), 70_000_012_731_481_481_481, "start + 1 s: one second of carry");
        _warpFresh(ROLL_START + 216_000);
        // (70e18 × 216,000 + 75.5e18 × 216,000) / 432,000 = (70 + 75.5) / 2 = 72.75e18 exactly
        assertEq(adapter.price(), 72.75e18, "mid-roll: halfway");
        assertEq(adapter.nextWeight(), 0.5e18, "weight 1/2");
        _warpFresh(ROLL_END - 1);
        // 70e18 + 5.5e18 × 431,999 / 432,000 = 75.5e18 − 12,731,481,481,481.48 = 75,499,987,268,518,518,518.52
        //   -> 75,499,987,268,518,518,518
        assertEq(adapter.price(), 75_499_987_268_518_518_518, "end - 1 s");
        _warpFresh(ROLL_END);
        assertEq(adapter.price(), 75.5e18, "at end: next");
        assertEq(adapter.nextWeight(), 1e18, "weight 1 at end");
        _warpFresh(ROLL_END + 30 days);
        assertEq(adapter.price(), 75.5e18, "long after the roll: next");
    }

    /// @dev The old schedule's step times (ROLL_START + k × 1 day) are ordinary seconds now: across each of them the
    ///      index moves by one second of carry (12,731,481,481,482 wei with the rounding), where the step schedule
    ///      jumped by 1.1e18.
    function test_price_noJumpAtTheOldStepTimes() public {
        for (uint256 k = 1; k < STEPS; ++k) {
            uint256 t = ROLL_START + k * STEP;
            _warpFresh(t - 1);
            uint256 before = adapter.price();
            _warpFresh(t);
            uint256 afterStep = adapter.price();
            // At t = ROLL_START + 86,400 k: e = 86,400 k and 5.5e18 × 86,400 k / 432,000 = 1.1e18 × k exactly.
            assertEq(afterStep, 70e18 + k * 1.1e18, "on the line at the old step time");
            // 1 s earlier: floor(1.1e18 k − 12,731,481,481,481.48) = 1.1e18 k − 12,731,481,481,482.
            assertEq(afterStep - before, 12_731_481_481_482, "one second of carry, not 1.1e18");
        }
    }

    /// @dev N = 1: a plain linear roll over one step duration, no jump at all. front 200 (8 decimals), next 203.6
    ///      (18 decimals), D = 3,600 s: price = 200e18 + 3.6e18 × e / 3,600 = 200e18 + 0.001e18 × e, exact.
    function test_price_singleStepCount_linearOverOneStepDuration() public {
        MockV3Aggregator f = new MockV3Aggregator(8, 200e8);
        MockV3Aggregator n = new MockV3Aggregator(18, 203.6e18);
        uint256 start = T0 + 100;
        CurveBlendOracleAdapter a = _deploy(f, n, start, 1, 1 hours);
        assertEq(a.rollDuration(), 3600, "D");
        assertEq(a.rollEnd(), start + 3600, "end = start + 1 h");
        _warpFresh(f, n, start - 1);
        assertEq(a.price(), 200e18, "start - 1 s");
        _warpFresh(f, n, start);
        assertEq(a.price(), 200e18, "start");
        _warpFresh(f, n, start + 1);
        assertEq(a.price(), 200.001e18, "start + 1 s: 0.001 of carry, not the whole 3.6");
        _warpFresh(f, n, start + 1800);
        assertEq(a.price(), 201.8e18, "mid-roll");
        _warpFresh(f, n, start + 3599);
        assertEq(a.price(), 203.599e18, "end - 1 s");
        _warpFresh(f, n, start + 3600);
        assertEq(a.price(), 203.6e18, "end: next");
        assertEq(a.nextWeight(), 1e18, "weight 1");
    }

    /// @dev N = 30 steps of 1 day in backwardation: front 80 (6 decimals), next 77.408 (18 decimals),
    ///      D = 30 × 86,400 = 2,592,000 s: price = 80e18 − 2.592e18 × e / 2,592,000 = 80e18 − 1e12 × e, exact.
    function test_price_thirtySteps_backwardation() public {
        MockV3Aggregator f = new MockV3Aggregator(6, 80e6);
        MockV3Aggregator n = new MockV3Aggregator(18, 77.408e18);
        uint256 start = T0 + 7 days;
        CurveBlendOracleAdapter a = _deploy(f, n, start, 30, 1 days);
        assertEq(a.rollDuration(), 2_592_000, "D = 30 days");
        assertEq(a.rollEnd(), start + 2_592_000, "end");
        _warpFresh(f, n, start);
        assertEq(a.price(), 80e18, "start");
        _warpFresh(f, n, start + 1);
        assertEq(a.price(), 79.999999e18, "start + 1 s: 80 - 0.000001");
        _warpFresh(f, n, start + 1_296_000);
        assertEq(a.price(), 78.704e18, "mid-roll: 80 - 1.296");
        _warpFresh(f, n, start + 2_591_999);
        assertEq(a.price(), 77.408001e18, "end - 1 s");
        _warpFresh(f, n, start + 2_592_000);
        assertEq(a.price(), 77.408e18, "end: next");
        // The old schedule's 17th step time (start + 16 days): e = 1,382,400 -> 80 − 1.3824 = 78.6176, on the line.
        _warpFresh(f, n, start + 16 days);
        assertEq(a.price(), 78.6176e18, "an old step time is an ordinary second");
    }

    function test_price_roundsDownOnce() public {
        // N = 1 of 1 h (D = 3,600), front 1e18, next 1e18 + 2 (both 18 decimals): floor(1e18 + 2e / 3,600).
        MockV3Aggregator f = new MockV3Aggregator(18, 1e18);
        MockV3Aggregator n = new MockV3Aggregator(18, 1e18 + 2);
        CurveBlendOracleAdapter a = _deploy(f, n, T0 + 1, 1, 1 hours);
        _warpFresh(f, n, T0 + 2);
        assertEq(a.price(), 1e18, "e = 1: 2 / 3,600 -> 0");
        _warpFresh(f, n, T0 + 1 + 1799);
        assertEq(a.price(), 1e18, "e = 1,799: 3,598 / 3,600 -> 0");
        _warpFresh(f, n, T0 + 1 + 1800);
        assertEq(a.price(), 1e18 + 1, "e = 1,800: 3,600 / 3,600 = 1");
        _warpFresh(f, n, T0 + 1 + 3599);
        assertEq(a.price(), 1e18 + 1, "e = 3,599: 7,198 / 3,600 -> 1");
        _warpFresh(f, n, T0 + 1 + 3600);
        assertEq(a.price(), 1e18 + 2, "e = D: next");
        // Backwardation (legs swapped): floor(1e18 + 2 (3,600 − e) / 3,600).
        CurveBlendOracleAdapter b = _deploy(n, f, T0 + 3601 + 1, 1, 1 hours);
        _warpFresh(f, n, T0 + 3601 + 2);
        assertEq(b.price(), 1e18 + 1, "e = 1: 7,198 / 3,600 -> 1");
        _warpFresh(f, n, T0 + 3601 + 1 + 3599);
        assertEq(b.price(), 1e18, "e = 3,599: 2 / 3,600 -> 0");
        assertEq(b.nextWeight(), 999_722_222_222_222_222, "w = 3,599e18 / 3,600 rounded down");
    }

    /// @dev The largest legs and the longest roll do not overflow: legs 1 wei and 1e36 (bounds [1, 1e36]),
    ///      D = 18,144,000 s, half-way: (1 × 9,072,000 + 1e36 × 9,072,000) / 18,144,000 = (1e36 + 1) / 2 -> 5e35.
    function test_price_extremeLegsAndLongestRoll() public {
        MockV3Aggregator f = new MockV3Aggregator(18, 1);
        MockV3Aggregator n = new MockV3Aggregator(18, 1e36);
        CurveBlendOracleAdapter a = new CurveBlendOracleAdapter(
            _leg(f, 172_800), _leg(n, 172_800), _schedule(T0 + 1, 30, 604_800), 1, 1e36, address(this)
        );
        _warpFresh(f, n, T0 + 1 + 9_072_000);
        assertEq(a.price(), 5e35, "half-way");
        // e = D − 1: floor((1 + 1e36 × 18,143,999) / 18,144,000) = 1e36 − ceil((1e36 − 1) / 18,144,000)
        //   = 1e36 − 55,114,638,447,971,781,305,114,638,448
        _warpFresh(f, n, T0 + 1 + 18_143_999);
        assertEq(a.price(), 1e36 - 55_114_638_447_971_781_305_114_638_448, "end - 1 s");
    }

    function test_price_nextBelowFront_backwardation_decimals() public {
        // front 80 (18 decimals), next 70 (6 decimals), N = 4 of 1 h (D = 14,400): 80e18 − 10e18 × e / 14,400.
        MockV3Aggregator f = new MockV3Aggregator(18, 80e18);
        MockV3Aggregator n = new MockV3Aggregator(6, 70e6);
        CurveBlendOracleAdapter a = _deploy(f, n, T0 + 1, 4, 1 hours);
        _warpFresh(f, n, T0 + 1 + 3600);
        assertEq(a.price(), 77.5e18, "e = 3,600: 80 - 2.5");
        _warpFresh(f, n, T0 + 1 + 10_800);
        assertEq(a.price(), 72.5e18, "e = 10,800: 80 - 7.5");
        // e = 1: 80e18 − 10e18 / 14,400 = 80e18 − 694,444,444,444,444.4 -> floor 79,999,305,555,555,555,555
        _warpFresh(f, n, T0 + 2);
        assertEq(a.price(), 79_999_305_555_555_555_555, "e = 1, rounded down");
    }

    function test_normalise_24DecimalLeg_roundsDown() public {
        // next 72.000000000000000000999999 (24 decimals) -> 72e18 exactly; N = 2 of 1 h, D = 7,200.
        MockV3Aggregator n = new MockV3Aggregator(24, 72_000_000_000_000_000_000_999_999);
        CurveBlendOracleAdapter a = _deploy(front, n, T0 + 1, 2, 1 hours);
        _warpFresh(front, n, T0 + 1 + 3600);
        assertEq(a.price(), 71e18, "mid-roll: (70 + 72) / 2, the next leg normalised down first");
        _warpFresh(front, n, T0 + 1 + 7200);
        assertEq(a.price(), 72e18, "end: next normalised down");
    }

    function test_priceWithTime_olderOfTheLegsRead() public {
        // Before the roll only the front is read.
        _setRound(front, 70e8, T0 - 100);
        _setRound(next, 75.5e18, T0 - 5000);
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 70e18, "front price");
        assertEq(t, T0 - 100, "front updatedAt");

        // At rollStart the next leg still weighs 0: only the front.
        vm.warp(ROLL_START);
        _setRound(front, 70e8, ROLL_START - 10);
        (p, t) = adapter.priceWithTime();
        assertEq(t, ROLL_START - 10, "front only at start");

        // During the roll: the older of the two.
        vm.warp(ROLL_START + 1);
        _setRound(next, 75.5e18, ROLL_START - 20);
        (p, t) = adapter.priceWithTime();
        assertEq(p, 70_000_012_731_481_481_481, "blend");
        assertEq(t, ROLL_START - 20, "next is older");
        _setRound(next, 75.5e18, ROLL_START + 1);
        (, t) = adapter.priceWithTime();
        assertEq(t, ROLL_START - 10, "front is older");

        // Complete: only the next.
        vm.warp(ROLL_END);
        _setRound(next, 75.5e18, ROLL_END - 7);
        (p, t) = adapter.priceWithTime();
        assertEq(p, 75.5e18, "next price");
        assertEq(t, ROLL_END - 7, "next updatedAt");
    }

    // ------------------------------------------------------------------ which legs are read (weight > 0 only)

    function test_next_readOnlyOnceItsWeightIsPositive_brokenFeed() public {
        _setRound(next, 0, 0); // broken next feed
        assertEq(adapter.price(), 70e18, "front only");
        _warpFresh(ROLL_START);
        _setRound(next, -5, ROLL_START);
        assertEq(adapter.price(), 70e18, "still front only at rollStart (weight 0)");
        _warpFresh(ROLL_START + 1);
        _setRound(next, -5, ROLL_START + 1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(next), -5));
        adapter.price();
    }

    function test_next_stalenessOnlyOnceItsWeightIsPositive() public {
        // The next feed's last round is at T0: at ROLL_START it is 86,400 s old, far beyond its 7,200 s heartbeat.
        _setRound(next, 75.5e18, T0);
        vm.warp(ROLL_START);
        _setRound(front, 70e8, ROLL_START);
        assertEq(adapter.price(), 70e18, "stale next not read at rollStart");
        vm.warp(ROLL_START + 1);
        _setRound(front, 70e8, ROLL_START + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(next), T0, 7200, ROLL_START + 1)
        );
        adapter.price();
    }

    function test_front_stalenessOnlyWhileItsWeightIsPositive() public {
        _warpFresh(ROLL_END);
        _setRound(front, 70e8, T0); // the expired contract's feed stopped updating
        assertEq(adapter.price(), 75.5e18, "stale front not read at rollEnd");
        vm.warp(ROLL_END - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(front), T0, 3600, ROLL_END - 1)
        );
        adapter.price();
    }

    function test_front_brokenFeedIgnoredOnceComplete() public {
        _warpFresh(ROLL_END);
        _setRound(front, 0, ROLL_END);
        assertEq(adapter.price(), 75.5e18, "broken front not read at rollEnd");
        vm.warp(ROLL_END - 1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(front), 0));
        adapter.price();
    }

    // ------------------------------------------------------------------ feed checks (own heartbeat per leg)

    function test_duringRoll_eachLegAgainstItsOwnHeartbeat() public {
        uint256 t = ROLL_START + 216_000;
        vm.warp(t);
        _setRound(front, 70e8, t - 3600);
        _setRound(next, 75.5e18, t - 7200);
        assertEq(adapter.price(), 72.75e18, "front age 1 h, next age 2 h: both fresh");

        _setRound(front, 70e8, t - 3601);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(front), t - 3601, 3600, t)
        );
        adapter.price();

        _setRound(front, 70e8, t);
        _setRound(next, 75.5e18, t - 7201);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(next), t - 7201, 7200, t)
        );
        adapter.priceWithTime();
    }

    function test_feedErrors_carryTheFailingFeed() public {
        uint256 t = ROLL_START + 1;
        vm.warp(t);
        _setRound(next, 75.5e18, t);

        _setRound(front, 0, t);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(front), 0));
        adapter.price();

        _setRound(front, 70e8, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedZeroUpdatedAt.selector, address(front)));
        adapter.price();

        _setRound(front, 70e8, t + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedUpdatedAtInFuture.selector, address(front), t + 1, t)
        );
        adapter.price();

        _setRound(front, 70e8, t);
        _setRound(next, -1, t);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(next), -1));
        adapter.price();

        _setRound(next, 75.5e18, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedZeroUpdatedAt.selector, address(next)));
        adapter.price();

        _setRound(next, 75.5e18, t + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedUpdatedAtInFuture.selector, address(next), t + 1, t)
        );
        adapter.price();

        _setRound(next, 75.5e18, t);
        assertEq(adapter.price(), 70_000_012_731_481_481_481, "both valid again");
    }

    function test_feedChecks_frontBeforeNext() public {
        vm.warp(ROLL_START + 1);
        _setRound(front, 0, ROLL_START + 1);
        _setRound(next, 0, ROLL_START + 1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(front), 0));
        adapter.price();
    }

    // ------------------------------------------------------------------ bounds (per leg, only legs read)

    function test_bounds_perLeg_inclusive_oneWeiOutsideReverts() public {
        // front at the lower bound, next at the upper; N = 2 of 1 h from T0 + 1 (D = 7,200).
        MockV3Aggregator f = new MockV3Aggregator(18, 1e18);
        MockV3Aggregator n = new MockV3Aggregator(18, 1000e18);
        CurveBlendOracleAdapter a = _deploy(f, n, T0 + 1, 2, 1 hours);
        assertEq(a.price(), 1e18, "front at min");
        _setRound(f, 1e18 - 1, T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(f),
                1e18 - 1,
                1e18,
                1000e18
            )
        );
        a.price();

        uint256 mid = T0 + 1 + 3600;
        vm.warp(mid);
        _setRound(f, 1e18, mid);
        _setRound(n, 1000e18, mid);
        // (1e18 × 3,600 + 1000e18 × 3,600) / 7,200 = 500.5e18: both legs on their edges, blend inside.
        assertEq(a.price(), 500.5e18, "both legs at the edges");
        _setRound(n, 1000e18 + 1, mid);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(n),
                1000e18 + 1,
                1e18,
                1000e18
            )
        );
        a.price();
        _setRound(n, 1000e18, mid);
        _setRound(f, 1e18 - 1, mid);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(f),
                1e18 - 1,
                1e18,
                1000e18
            )
        );
        a.price();
    }

    function test_bounds_legWithZeroWeightNotChecked() public {
        // Before and at rollStart the next leg may be out of bounds; from rollStart + 1 it is checked.
        _setRound(next, 1000e18 + 1, T0);
        assertEq(adapter.price(), 70e18, "next above max, not read");
        _warpFresh(ROLL_START);
        assertEq(adapter.price(), 70e18, "still not read at rollStart");
        _warpFresh(ROLL_START + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(next),
                1000e18 + 1,
                1e18,
                1000e18
            )
        );
        adapter.price();

        // From rollEnd the front leg may be out of bounds; one second before it is checked.
        _setRound(next, 75.5e18, ROLL_START + 1);
        _warpFresh(ROLL_END);
        _setRound(front, 1e8 - 1, ROLL_END); // 0.99999999 < 1
        assertEq(adapter.price(), 75.5e18, "front below min, not read at rollEnd");
        vm.warp(ROLL_END - 1);
        _setRound(front, 1e8 - 1, ROLL_END - 1);
        _setRound(next, 75.5e18, ROLL_END - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(front),
                0.99999999e18,
                1e18,
                1000e18
            )
        );
        adapter.price();
    }

    function test_normalise_saturatedLegFailsMaxBound() public {
        MockV3Aggregator huge = new MockV3Aggregator(0, type(int256).max);
        CurveBlendOracleAdapter a = _deploy(huge, next, ROLL_START, STEPS, STEP);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(huge),
                type(uint256).max,
                1e18,
                1000e18
            )
        );
        a.price();
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev The schedule's definitions, written out independently of the contract.
    function _expectedElapsed(uint256 rollStart, uint256 d, uint256 t) internal pure returns (uint256) {
        if (t <= rollStart) return 0;
        return t - rollStart >= d ? d : t - rollStart;
    }

    /// @dev Two 18-decimal feeds and an adapter rolling from T0 + 1 day.
    function _fuzzAdapter(
        uint256 frontPrice,
        uint256 nextPrice,
        uint256 stepCount,
        uint256 stepDuration
    ) internal returns (CurveBlendOracleAdapter a, MockV3Aggregator f, MockV3Aggregator n) {
        f = new MockV3Aggregator(18, int256(frontPrice));
        n = new MockV3Aggregator(18, int256(nextPrice));
        a = _deploy(f, n, T0 + 1 days, stepCount, stepDuration);
    }

    /// @dev Whatever the legs, the schedule and the time: the price equals the formula and lies between the legs.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_blend_formulaAndBetweenLegs(
        uint256 frontPrice,
        uint256 nextPrice,
        uint256 stepCount,
        uint256 stepDuration,
        uint256 offset
    ) public {
        frontPrice = bound(frontPrice, MIN_PRICE, MAX_PRICE);
        nextPrice = bound(nextPrice, MIN_PRICE, MAX_PRICE);
        stepCount = bound(stepCount, 1, 30);
        stepDuration = bound(stepDuration, 1 hours, 7 days);
        uint256 d = stepCount * stepDuration;
        uint256 t = T0 + bound(offset, 0, 2 days + d);
        (CurveBlendOracleAdapter a, MockV3Aggregator f, MockV3Aggregator n) =
            _fuzzAdapter(frontPrice, nextPrice, stepCount, stepDuration);
        _warpFresh(f, n, t);
        _checkFormula(a, frontPrice, nextPrice, d, t);
    }

    function _checkFormula(CurveBlendOracleAdapter a, uint256 frontPrice, uint256 nextPrice, uint256 d, uint256 t)
        internal
        view
    {
        uint256 e = _expectedElapsed(T0 + 1 days, d, t);
        assertEq(a.rollDuration(), d, "D");
        assertEq(a.rollElapsedAt(t), e, "elapsed");
        assertEq(a.nextWeightAt(t), (e * 1e18) / d, "weight");
        uint256 p = a.price();
        assertEq(p, (frontPrice * (d - e) + nextPrice * e) / d, "formula");
        assertGe(p, frontPrice < nextPrice ? frontPrice : nextPrice, "at least the lower leg");
        assertLe(p, frontPrice < nextPrice ? nextPrice : frontPrice, "at most the higher leg");
    }

    /// @dev No jump beyond the published carry: at constant legs, for any t1 < t2 around the roll,
    ///      |price(t2) − price(t1)| ≤ |next − front| × (t2 − t1) / D + 1 wei (checked in the tighter form
    ///      ≤ ceil(|next − front| × (t2 − t1) / D), which implies it).
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_noJumpBeyondCarry(
        uint256 frontPrice,
        uint256 nextPrice,
        uint256 stepCount,
        uint256 stepDuration,
        uint256 offset1,
        uint256 offset2
    ) public {
        frontPrice = bound(frontPrice, MIN_PRICE, MAX_PRICE);
        nextPrice = bound(nextPrice, MIN_PRICE, MAX_PRICE);
        stepCount = bound(stepCount, 1, 30);
        stepDuration = bound(stepDuration, 1 hours, 7 days);
        uint256 d = stepCount * stepDuration;
        // From a day before the roll to a day after it; t2 is often within an hour of t1 (the attack's window).
        uint256 t1 = T0 + bound(offset1, 0, 2 days + d);
        uint256 t2 = offset2 % 2 == 0 ? t1 + bound(offset2, 1, 1 hours) : bound(offset2, t1 + 1, T0 + 2 days + d + 1);
        (uint256 p1, uint256 p2) = _pricesAt(frontPrice, nextPrice, stepCount, stepDuration, t1, t2);

        uint256 move = p2 > p1 ? p2 - p1 : p1 - p2;
        uint256 spread = nextPrice > frontPrice ? nextPrice - frontPrice : frontPrice - nextPrice;
        uint256 carry = spread * (t2 - t1);
        uint256 carryUp = carry / d + (carry % d == 0 ? 0 : 1);
        assertLe(move, carryUp, "no move beyond the carry over the interval (rounded up)");
        assertLe(move, carry / d + 1, "no move beyond the carry + 1 wei");
        // The move goes the carry's way (never against it).
        if (nextPrice >= frontPrice) assertGe(p2, p1, "contango: non-decreasing");
        else assertLe(p2, p1, "backwardation: non-increasing");
    }

    /// @dev A fresh adapter's price at t1 and at t2, the legs constant and fresh.
    function _pricesAt(
        uint256 frontPrice,
        uint256 nextPrice,
        uint256 stepCount,
        uint256 stepDuration,
        uint256 t1,
        uint256 t2
    ) internal returns (uint256 p1, uint256 p2) {
        (CurveBlendOracleAdapter a, MockV3Aggregator f, MockV3Aggregator n) =
            _fuzzAdapter(frontPrice, nextPrice, stepCount, stepDuration);
        _warpFresh(f, n, t1);
        p1 = a.price();
        _warpFresh(f, n, t2);
        p2 = a.price();
    }

    function testFuzz_weight_monotone(uint256 t1, uint256 t2) public view {
        t1 = bound(t1, 0, T0 + 400 days);
        t2 = bound(t2, t1, T0 + 400 days);
        uint256 w1 = adapter.nextWeightAt(t1);
        uint256 w2 = adapter.nextWeightAt(t2);
        assertLe(w1, w2, "non-decreasing");
        assertLe(w2, 1e18, "at most 1");
        assertLe(adapter.rollElapsedAt(t2) - adapter.rollElapsedAt(t1), t2 - t1, "elapsed grows at most 1 per second");
    }

    /// @dev Any answers and ages: a price in bounds, or one of the adapter's (or the library's) errors.
    function testFuzz_read_onlyCustomErrors(int256 frontAnswer, int256 nextAnswer, uint256 age, uint256 t) public {
        age = bound(age, 0, 3 hours);
        t = bound(t, T0, ROLL_END + STEP);
        vm.warp(t);
        _setRound(front, frontAnswer, t - age);
        _setRound(next, nextAnswer, t - age);
        try adapter.price() returns (uint256 p) {
            assertGe(p, MIN_PRICE, "at least min");
            assertLe(p, MAX_PRICE, "at most max");
        } catch (bytes memory reason) {
            assertTrue(
                _isSelector(reason, ChainlinkFeedLib.FeedNonPositiveAnswer.selector) ||
                    _isSelector(reason, ChainlinkFeedLib.FeedStalePrice.selector) ||
                    _isSelector(reason, ICurveBlendOracleAdapter.PriceOutOfBounds.selector),
                "adapter error"
            );
        }
    }

    // ------------------------------------------------------------------ sequencer

    function _withSequencer(int256 status, uint256 startedAt) internal returns (MockV3Aggregator sequencer) {
        sequencer = new MockV3Aggregator(0, 0);
        sequencer.updateRoundData(1, status, block.timestamp, startedAt);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), GRACE);
    }

    function test_sequencer_storesAndEmits() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.SequencerSet(address(sequencer), 86_400);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 86_400);
        (AggregatorV3Interface feed, uint256 grace) = adapter.sequencerConfig();
        assertEq(address(feed), address(sequencer), "feed");
        assertEq(grace, 86_400, "1 day accepted");

        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.SequencerSet(address(0), 0);
        adapter.removeSequencer();
        (feed, grace) = adapter.sequencerConfig();
        assertEq(address(feed), address(0), "removed");
        assertEq(grace, 0, "grace cleared");
    }

    function test_sequencer_hardBoundsAndOwner() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        vm.expectRevert(ZeroAddress.selector);
        adapter.setSequencer(AggregatorV3Interface(address(0)), GRACE);
        vm.expectRevert(abi.encodeWithSelector(InvalidGracePeriod.selector, 86_401));
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 86_401);
        vm.startPrank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), GRACE);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.removeSequencer();
        vm.stopPrank();
    }

    function test_sequencer_checkedFirst() public {
        _setRound(front, 0, T0); // the feed is broken too: the sequencer error wins
        MockV3Aggregator sequencer = _withSequencer(1, T0 - 1 days);
        vm.expectRevert(SequencerDown.selector);
        adapter.price();

        sequencer.updateRoundData(2, 0, T0, T0 - 3600);
        vm.expectRevert(abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, T0 - 3600, 3600));
        adapter.price();

        sequencer.updateRoundData(3, 0, T0, 0);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();

        sequencer.updateRoundData(4, 0, T0, T0 - 3601);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(front), 0));
        adapter.price();
        _setRound(front, 70e8, T0);
        assertEq(adapter.price(), 70e18, "up for grace + 1 s");
    }

    // ------------------------------------------------------------------ admin: heartbeats and bounds

    function test_setHeartbeats_storesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.HeartbeatsSet(1, 172_800);
        adapter.setHeartbeats(1, 172_800);
        assertEq(adapter.frontLeg().heartbeat, 1, "front 1 s");
        assertEq(adapter.nextLeg().heartbeat, 172_800, "next 2 days");
    }

    function test_setHeartbeats_hardBoundsAndOwner() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        adapter.setHeartbeats(0, 3600);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        adapter.setHeartbeats(3600, 172_801);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setHeartbeats(3600, 3600);
    }

    function test_setPriceBounds_storesEmitsAndApplies() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IOracleAdapterBase.PriceBoundsSet(70e18 + 1, 80e18);
        adapter.setPriceBounds(70e18 + 1, 80e18);
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 70e18 + 1, "min");
        assertEq(maxPrice, 80e18, "max");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.PriceOutOfBounds.selector,
                address(front),
                70e18,
                70e18 + 1,
                80e18
            )
        );
        adapter.price();
    }

    function test_setPriceBounds_hardBoundsAndOwner() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 0, 1e18));
        adapter.setPriceBounds(0, 1e18);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 5e18, 5e18));
        adapter.setPriceBounds(5e18, 5e18);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 1, 1e36 + 1));
        adapter.setPriceBounds(1, 1e36 + 1);
        adapter.setPriceBounds(1, 1e36);
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1, "1 wei accepted");
        assertEq(maxPrice, 1e36, "limit accepted");
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setPriceBounds(1e18, 2e18);
    }

    // ------------------------------------------------------------------ admin: schedule and next feed

    function test_setRollSchedule_beforeStart_storesAndEmits() public {
        vm.warp(ROLL_START - 1);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.RollScheduleSet(ROLL_START + 7 days, 10, 12 hours);
        adapter.setRollSchedule(ROLL_START + 7 days, 10, 12 hours);
        ICurveBlendOracleAdapter.RollSchedule memory s = adapter.rollSchedule();
        assertEq(s.rollStart, ROLL_START + 7 days, "start");
        assertEq(s.stepCount, 10, "steps");
        assertEq(s.stepDuration, 43_200, "duration");
        assertEq(adapter.rollDuration(), 432_000, "D = 10 x 43,200");
        assertEq(adapter.rollEnd(), ROLL_START + 7 days + 432_000, "end = start + N x step");
    }

    function test_setRollSchedule_onceStarted_reverts() public {
        vm.warp(ROLL_START);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.RollAlreadyStarted.selector, ROLL_START, ROLL_START)
        );
        adapter.setRollSchedule(ROLL_START + 7 days, 5, STEP);
        vm.warp(ROLL_END + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.RollAlreadyStarted.selector, ROLL_START, ROLL_END + 1)
        );
        adapter.setRollSchedule(ROLL_END + 7 days, 5, STEP);
    }

    function test_setRollSchedule_hardBoundsAndOwner() public {
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidStepCount.selector, 31));
        adapter.setRollSchedule(ROLL_START, 31, STEP);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidStepDuration.selector, 3599));
        adapter.setRollSchedule(ROLL_START, 5, 3599);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidRollStart.selector, T0, T0));
        adapter.setRollSchedule(T0, 5, STEP);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setRollSchedule(ROLL_START, 5, STEP);
    }

    function test_setNextFeed_beforeStart() public {
        MockV3Aggregator other = new MockV3Aggregator(6, 76e6);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.LegsSet(address(front), address(other), 8, 6);
        adapter.setNextFeed(AggregatorV3Interface(address(other)));
        ICurveBlendOracleAdapter.LegInfo memory n = adapter.nextLeg();
        assertEq(address(n.feed), address(other), "feed");
        assertEq(n.decimals, 6, "decimals");
        assertEq(n.heartbeat, 7200, "heartbeat kept");
        vm.warp(ROLL_END);
        _setRound(other, 76e6, ROLL_END);
        assertEq(adapter.price(), 76e18, "new next used");
    }

    function test_setNextFeed_reverts() public {
        vm.expectRevert(ZeroAddress.selector);
        adapter.setNextFeed(AggregatorV3Interface(address(0)));
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.DuplicateFeed.selector, address(front)));
        adapter.setNextFeed(AggregatorV3Interface(address(front)));
        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(wide), 37));
        adapter.setNextFeed(AggregatorV3Interface(address(wide)));
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setNextFeed(AggregatorV3Interface(address(next)));
        vm.warp(ROLL_START);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.RollAlreadyStarted.selector, ROLL_START, ROLL_START)
        );
        adapter.setNextFeed(AggregatorV3Interface(address(next)));
    }

    // ------------------------------------------------------------------ admin: advance the roll

    function test_advanceRoll_beforeComplete_reverts() public {
        MockV3Aggregator third = new MockV3Aggregator(18, 80e18);
        vm.warp(ROLL_END - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.RollNotComplete.selector, ROLL_END, ROLL_END - 1)
        );
        adapter.advanceRoll(AggregatorV3Interface(address(third)), ROLL_END + 30 days);
        // One second before the end the front leg still weighs 1 / 432,000: the roll is not complete.
        assertEq(adapter.nextWeightAt(ROLL_END - 1), 999_997_685_185_185_185, "weight below 1");
    }

    /// @dev N = 1 of 1 h: rollEnd = start + 3,600 (the old schedule ended at the start itself).
    function test_advanceRoll_singleStep_atStartPlusOneStepDuration() public {
        CurveBlendOracleAdapter a = _deploy(front, next, T0 + 10, 1, 1 hours);
        MockV3Aggregator third = new MockV3Aggregator(18, 80e18);
        vm.warp(T0 + 10);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.RollNotComplete.selector, T0 + 3610, T0 + 10)
        );
        a.advanceRoll(AggregatorV3Interface(address(third)), T0 + 30 days);
        vm.warp(T0 + 3609);
        vm.expectRevert(
            abi.encodeWithSelector(ICurveBlendOracleAdapter.RollNotComplete.selector, T0 + 3610, T0 + 3609)
        );
        a.advanceRoll(AggregatorV3Interface(address(third)), T0 + 30 days);
        vm.warp(T0 + 3610);
        a.advanceRoll(AggregatorV3Interface(address(third)), T0 + 30 days);
        assertEq(address(a.frontLeg().feed), address(next), "advanced at start + 3,600");
    }

    function test_advanceRoll_atRollEnd_swapsLegs_priceContinuous() public {
        MockV3Aggregator third = new MockV3Aggregator(18, 80e18);
        _warpFresh(ROLL_END);
        _setRound(third, 80e18, ROLL_END);
        assertEq(adapter.price(), 75.5e18, "next before the advance");

        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.LegsSet(address(next), address(third), 18, 18);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.HeartbeatsSet(7200, 7200);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.RollScheduleSet(ROLL_END + 30 days, 5, STEP);
        adapter.advanceRoll(AggregatorV3Interface(address(third)), ROLL_END + 30 days);

        ICurveBlendOracleAdapter.LegInfo memory f = adapter.frontLeg();
        assertEq(address(f.feed), address(next), "old next is the front");
        assertEq(f.decimals, 18, "its decimals");
        assertEq(f.heartbeat, 7200, "its heartbeat");
        ICurveBlendOracleAdapter.LegInfo memory n = adapter.nextLeg();
        assertEq(address(n.feed), address(third), "new next");
        assertEq(n.heartbeat, 7200, "inherits the next heartbeat");
        assertEq(adapter.price(), 75.5e18, "continuous: same feed, now as front");
        assertEq(adapter.nextWeight(), 0, "new roll not started");
        assertEq(adapter.rollEnd(), ROLL_END + 30 days + 432_000, "new end = new start + D");

        // The next roll, linear again from 75.5 to 80 over 432,000 s: 75.5e18 + floor(4.5e18 × e / 432,000).
        uint256 start2 = ROLL_END + 30 days;
        _warpFresh(next, third, start2);
        assertEq(adapter.price(), 75.5e18, "second roll at its start");
        _warpFresh(next, third, start2 + 1);
        // 4.5e18 / 432,000 = 10,416,666,666,666.67 -> 10,416,666,666,666
        assertEq(adapter.price(), 75_500_010_416_666_666_666, "second roll, 1 s in");
        _warpFresh(next, third, start2 + 216_000);
        assertEq(adapter.price(), 77.75e18, "second roll, half-way: (75.5 + 80) / 2");
    }

    function test_advanceRoll_reverts() public {
        vm.warp(ROLL_END);
        MockV3Aggregator third = new MockV3Aggregator(18, 80e18);
        vm.expectRevert(ZeroAddress.selector);
        adapter.advanceRoll(AggregatorV3Interface(address(0)), ROLL_END + 1);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.DuplicateFeed.selector, address(next)));
        adapter.advanceRoll(AggregatorV3Interface(address(next)), ROLL_END + 1);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidRollStart.selector, ROLL_END, ROLL_END));
        adapter.advanceRoll(AggregatorV3Interface(address(third)), ROLL_END);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICurveBlendOracleAdapter.InvalidRollStart.selector,
                ROLL_END + 365 days + 1,
                ROLL_END
            )
        );
        adapter.advanceRoll(AggregatorV3Interface(address(third)), ROLL_END + 365 days + 1);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.advanceRoll(AggregatorV3Interface(address(third)), ROLL_END + 1);
        // The old front may come back as the new next (a different feed from the new front).
        adapter.advanceRoll(AggregatorV3Interface(address(front)), ROLL_END + 1);
        assertEq(address(adapter.nextLeg().feed), address(front), "old front as new next");
    }

    // ------------------------------------------------------------------ ownership

    function test_ownership_isTwoStep() public {
        adapter.transferOwnership(ALICE);
        assertEq(adapter.owner(), address(this), "owner until accepted");
        vm.prank(ALICE);
        adapter.acceptOwnership();
        assertEq(adapter.owner(), ALICE, "accepted");
        vm.expectRevert(_ownerError(address(this)));
        adapter.setHeartbeats(3600, 3600);
    }
}
