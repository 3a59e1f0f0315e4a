// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ICurveBlendOracleAdapter} from "../../../contracts/interfaces/ICurveBlendOracleAdapter.sol";
import {ChainlinkFeedLib} from "../../../contracts/oracles/ChainlinkFeedLib.sol";
import {CurveBlendOracleAdapter} from "../../../contracts/oracles/CurveBlendOracleAdapter.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Default fixture: front 70.00000000 (8 decimals) and next 75.5 (18 decimals); N = 5 steps of 1 day from
///      ROLL_START = T0 + 1 day. With w = k/5 the blend is (70 × (5 − k) + 75.5 × k) / 5 = 70 + 1.1 k:
///      k = 0..5 → 70, 71.1, 72.2, 73.3, 74.4, 75.5.
contract CurveBlendOracleAdapterTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant ROLL_START = T0 + 1 days;
    uint256 internal constant STEP = 1 days;
    uint256 internal constant STEPS = 5;
    uint256 internal constant ROLL_END = ROLL_START + 4 days; // rollStart + (N − 1) × step
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

    // ------------------------------------------------------------------ construction

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
        assertEq(adapter.rollEnd(), T0 + 5 * 86_400, "roll end = start + 4 steps");
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
        emit ICurveBlendOracleAdapter.PriceBoundsSet(1e18, 1000e18);
        _deploy(front, next, T0 + 10, 3, 7200);
    }

    function test_constructor_revertsOnZeroOrDuplicateFeed() public {
        vm.expectRevert(ICurveBlendOracleAdapter.ZeroAddress.selector);
        _deploy(MockV3Aggregator(address(0)), next, ROLL_START, STEPS, STEP);
        vm.expectRevert(ICurveBlendOracleAdapter.ZeroAddress.selector);
        _deploy(front, MockV3Aggregator(address(0)), ROLL_START, STEPS, STEP);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.DuplicateFeed.selector, address(front)));
        _deploy(front, front, ROLL_START, STEPS, STEP);
    }

    function test_constructor_revertsOnFeedWith37Decimals() public {
        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.UnsupportedFeedDecimals.selector, address(wide), 37));
        _deploy(front, wide, ROLL_START, STEPS, STEP);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.UnsupportedFeedDecimals.selector, address(wide), 37));
        _deploy(wide, next, ROLL_START, STEPS, STEP);
        // 36 decimals is the largest accepted.
        MockV3Aggregator widest = new MockV3Aggregator(36, 70e36);
        assertEq(_deploy(front, widest, ROLL_START, STEPS, STEP).nextLeg().decimals, 36, "36 accepted");
    }

    function test_constructor_revertsOnBadHeartbeat() public {
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidHeartbeat.selector, 0));
        new CurveBlendOracleAdapter(
            _leg(front, 0), _leg(next, NEXT_HEARTBEAT), _schedule(ROLL_START, 5, STEP), 1e18, 1000e18, address(this)
        );
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidHeartbeat.selector, 172_801));
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 172_801), _schedule(ROLL_START, 5, STEP), 1e18, 1000e18, address(this)
        );
    }

    function test_constructor_revertsOnBadBoundsOrOwner() public {
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidPriceBounds.selector, 0, 1000e18));
        new CurveBlendOracleAdapter(
            _leg(front, 3600), _leg(next, 7200), _schedule(ROLL_START, 5, STEP), 0, 1000e18, address(this)
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

        // The edges are accepted.
        CurveBlendOracleAdapter a = _deploy(front, next, T0 + 1, 1, 3600);
        assertEq(a.rollSchedule().rollStart, T0 + 1, "start 1 s ahead");
        assertEq(a.rollSchedule().stepCount, 1, "1 step");
        assertEq(a.rollSchedule().stepDuration, 3600, "1 h");
        a = _deploy(front, next, T0 + 31_536_000, 30, 604_800);
        assertEq(a.rollSchedule().rollStart, T0 + 31_536_000, "start 365 days ahead");
        assertEq(a.rollSchedule().stepCount, 30, "30 steps");
        assertEq(a.rollSchedule().stepDuration, 604_800, "7 days");
        assertEq(a.rollEnd(), T0 + 31_536_000 + 29 * 604_800, "roll end");
    }

    // ------------------------------------------------------------------ schedule and blend

    function test_stepsElapsed_atEveryBoundary() public view {
        assertEq(adapter.stepsElapsedAt(0), 0, "long before");
        assertEq(adapter.stepsElapsedAt(ROLL_START - 1), 0, "start - 1 s");
        assertEq(adapter.stepsElapsedAt(ROLL_START), 1, "start: first step");
        for (uint256 k = 1; k < STEPS; ++k) {
            assertEq(adapter.stepsElapsedAt(ROLL_START + k * STEP - 1), k, "boundary - 1 s");
            assertEq(adapter.stepsElapsedAt(ROLL_START + k * STEP), k + 1, "boundary");
            assertEq(adapter.stepsElapsedAt(ROLL_START + k * STEP + 1), k + 1, "boundary + 1 s");
        }
        assertEq(adapter.stepsElapsedAt(ROLL_END), 5, "complete at roll end");
        assertEq(adapter.stepsElapsedAt(ROLL_END + STEP), 5, "capped at N");
        assertEq(adapter.stepsElapsedAt(type(uint256).max), 5, "capped far ahead");
    }

    /// @dev The exact weight and price on each side of every step boundary.
    function test_price_atEveryStepBoundary() public {
        // k:  0     1     2     3     4     5
        // w:  0     0.2   0.4   0.6   0.8   1
        // p:  70    71.1  72.2  73.3  74.4  75.5
        uint256[6] memory expected = [uint256(70e18), 71.1e18, 72.2e18, 73.3e18, 74.4e18, 75.5e18];
        uint256[6] memory weights = [uint256(0), 0.2e18, 0.4e18, 0.6e18, 0.8e18, 1e18];

        assertEq(adapter.price(), 70e18, "at deployment");
        assertEq(adapter.nextWeight(), 0, "weight at deployment");
        _warpFresh(ROLL_START - 1);
        assertEq(adapter.price(), 70e18, "start - 1 s");
        assertEq(adapter.nextWeight(), 0, "weight start - 1 s");
        for (uint256 k = 1; k <= STEPS; ++k) {
            uint256 boundary = ROLL_START + (k - 1) * STEP;
            _warpFresh(boundary);
            assertEq(adapter.price(), expected[k], "at step boundary");
            assertEq(adapter.nextWeight(), weights[k], "weight at boundary");
            _warpFresh(boundary - 1);
            assertEq(adapter.price(), expected[k - 1], "1 s before the boundary");
            assertEq(adapter.nextWeight(), weights[k - 1], "weight 1 s before");
            _warpFresh(boundary + 1);
            assertEq(adapter.price(), expected[k], "1 s after the boundary");
        }
        _warpFresh(ROLL_END + 30 days);
        assertEq(adapter.price(), 75.5e18, "long after the roll");
        assertEq(adapter.nextWeight(), 1e18, "weight stays 1");
    }

    function test_price_roundsDownOnce() public {
        // N = 3, front 1e18, next 1e18 + 2 (both 18 decimals).
        // k = 1: (1e18 × 2 + (1e18 + 2) × 1) / 3 = (3e18 + 2) / 3 = 1e18 + 0.67 -> 1e18
        // k = 2: (1e18 × 1 + (1e18 + 2) × 2) / 3 = (3e18 + 4) / 3 = 1e18 + 1.33 -> 1e18 + 1
        MockV3Aggregator f = new MockV3Aggregator(18, 1e18);
        MockV3Aggregator n = new MockV3Aggregator(18, 1e18 + 2);
        CurveBlendOracleAdapter a = _deploy(f, n, T0 + 1, 3, 1 hours);
        vm.warp(T0 + 1);
        assertEq(a.price(), 1e18, "k = 1");
        assertEq(a.nextWeight(), 333_333_333_333_333_333, "w = 1/3 shown rounded down");
        _warpFresh(f, n, T0 + 1 + 1 hours);
        assertEq(a.price(), 1e18 + 1, "k = 2");
        assertEq(a.nextWeight(), 666_666_666_666_666_666, "w = 2/3 shown rounded down");
        _warpFresh(f, n, T0 + 1 + 2 hours);
        assertEq(a.price(), 1e18 + 2, "k = 3: next");
    }

    function test_price_nextBelowFront_backwardation() public {
        // front 80, next 70, N = 4: k = 1 -> (80 × 3 + 70) / 4 = 310 / 4 = 77.5
        MockV3Aggregator f = new MockV3Aggregator(18, 80e18);
        MockV3Aggregator n = new MockV3Aggregator(6, 70e6);
        CurveBlendOracleAdapter a = _deploy(f, n, T0 + 1, 4, 1 hours);
        vm.warp(T0 + 1);
        assertEq(a.price(), 77.5e18, "k = 1");
        _warpFresh(f, n, T0 + 1 + 2 hours);
        assertEq(a.price(), 72.5e18, "k = 3: (80 + 210) / 4");
    }

    function test_singleStep_switchesAtRollStart() public {
        CurveBlendOracleAdapter a = _deploy(front, next, ROLL_START, 1, STEP);
        assertEq(a.rollEnd(), ROLL_START, "one step: ends where it starts");
        _warpFresh(ROLL_START - 1);
        assertEq(a.price(), 70e18, "front until the start");
        _warpFresh(ROLL_START);
        assertEq(a.price(), 75.5e18, "next from the start");
    }

    function test_priceWithTime_olderOfTheLegsRead() public {
        // Before the roll only the front is read.
        _setRound(front, 70e8, T0 - 100);
        _setRound(next, 75.5e18, T0 - 5000);
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 70e18, "front price");
        assertEq(t, T0 - 100, "front updatedAt");

        // During the roll: the older of the two.
        vm.warp(ROLL_START);
        _setRound(front, 70e8, ROLL_START - 10);
        _setRound(next, 75.5e18, ROLL_START - 20);
        (p, t) = adapter.priceWithTime();
        assertEq(p, 71.1e18, "blend");
        assertEq(t, ROLL_START - 20, "next is older");
        _setRound(next, 75.5e18, ROLL_START);
        (, t) = adapter.priceWithTime();
        assertEq(t, ROLL_START - 10, "front is older");

        // Complete: only the next.
        vm.warp(ROLL_END);
        _setRound(next, 75.5e18, ROLL_END - 7);
        (p, t) = adapter.priceWithTime();
        assertEq(p, 75.5e18, "next price");
        assertEq(t, ROLL_END - 7, "next updatedAt");
    }

    // ------------------------------------------------------------------ which legs are read

    function test_beforeRoll_nextNotRead() public {
        _setRound(next, 0, 0); // broken next feed
        assertEq(adapter.price(), 70e18, "front only");
        _warpFresh(ROLL_START - 1);
        _setRound(next, -5, T0);
        assertEq(adapter.price(), 70e18, "still front only, 1 s before the start");
        vm.warp(ROLL_START);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(next), -5));
        adapter.price();
    }

    function test_afterRoll_frontNotRead() public {
        _warpFresh(ROLL_END);
        _setRound(front, 70e8, T0); // the expired contract's feed stopped updating
        assertEq(adapter.price(), 75.5e18, "next only");
        vm.warp(ROLL_END - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(front), T0, 3600, ROLL_END - 1)
        );
        adapter.price();
    }

    // ------------------------------------------------------------------ feed checks (own heartbeat per leg)

    function test_duringRoll_eachLegAgainstItsOwnHeartbeat() public {
        uint256 t = ROLL_START + STEP;
        vm.warp(t);
        _setRound(front, 70e8, t - 3600);
        _setRound(next, 75.5e18, t - 7200);
        assertEq(adapter.price(), 72.2e18, "front age 1 h, next age 2 h: both fresh");

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
        vm.warp(ROLL_START);
        _setRound(next, 75.5e18, ROLL_START);

        _setRound(front, 0, ROLL_START);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(front), 0));
        adapter.price();

        _setRound(front, 70e8, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedZeroUpdatedAt.selector, address(front)));
        adapter.price();

        _setRound(front, 70e8, ROLL_START + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ChainlinkFeedLib.FeedUpdatedAtInFuture.selector,
                address(front),
                ROLL_START + 1,
                ROLL_START
            )
        );
        adapter.price();

        _setRound(front, 70e8, ROLL_START);
        _setRound(next, -1, ROLL_START);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(next), -1));
        adapter.price();

        _setRound(next, 75.5e18, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedZeroUpdatedAt.selector, address(next)));
        adapter.price();

        _setRound(next, 75.5e18, ROLL_START + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ChainlinkFeedLib.FeedUpdatedAtInFuture.selector,
                address(next),
                ROLL_START + 1,
                ROLL_START
            )
        );
        adapter.price();

        _setRound(next, 75.5e18, ROLL_START);
        assertEq(adapter.price(), 71.1e18, "both valid again");
    }

    function test_feedChecks_frontBeforeNext() public {
        vm.warp(ROLL_START);
        _setRound(front, 0, ROLL_START);
        _setRound(next, 0, ROLL_START);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(front), 0));
        adapter.price();
    }

    // ------------------------------------------------------------------ bounds

    function test_bounds_perLeg_inclusive_oneWeiOutsideReverts() public {
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

        vm.warp(T0 + 1);
        _setRound(f, 1e18, T0 + 1);
        // (1e18 + 1000e18) / 2 = 500.5e18: both legs on their edges, blend inside.
        assertEq(a.price(), 500.5e18, "both legs at the edges");
        _setRound(n, 1000e18 + 1, T0 + 1);
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

    function test_normalise_24DecimalLeg_roundsDown() public {
        // 72.000000000000000000999999 -> 72e18
        MockV3Aggregator n = new MockV3Aggregator(24, 72_000_000_000_000_000_000_999_999);
        CurveBlendOracleAdapter a = _deploy(front, n, T0 + 1, 2, 1 hours);
        vm.warp(T0 + 1 hours + 1);
        _setRound(front, 70e8, T0 + 1 hours + 1);
        _setRound(n, 72_000_000_000_000_000_000_999_999, T0 + 1 hours + 1);
        assertEq(a.price(), 72e18, "next normalised down");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Whatever the legs, the schedule and the time: the price equals the formula and lies between the legs.
    function testFuzz_blend_betweenLegs(
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
        uint256 t = T0 + bound(offset, 0, 31 * 7 days);
        CurveBlendOracleAdapter a = _fuzzAdapter(frontPrice, nextPrice, stepCount, stepDuration, t);

        uint256 k = _expectedSteps(T0 + 1 days, stepCount, stepDuration, t);
        assertEq(a.stepsElapsedAt(t), k, "steps");
        uint256 p = a.price();
        assertEq(p, (frontPrice * (stepCount - k) + nextPrice * k) / stepCount, "formula");
        assertGe(p, frontPrice < nextPrice ? frontPrice : nextPrice, "at least the lower leg");
        assertLe(p, frontPrice < nextPrice ? nextPrice : frontPrice, "at most the higher leg");
        assertLe(a.nextWeight(), 1e18, "weight at most 1");
    }

    /// @dev Two 18-decimal feeds, an adapter rolling from T0 + 1 day, then warp to `t` with fresh rounds.
    function _fuzzAdapter(
        uint256 frontPrice,
        uint256 nextPrice,
        uint256 stepCount,
        uint256 stepDuration,
        uint256 t
    ) internal returns (CurveBlendOracleAdapter a) {
        MockV3Aggregator f = new MockV3Aggregator(18, int256(frontPrice));
        MockV3Aggregator n = new MockV3Aggregator(18, int256(nextPrice));
        a = _deploy(f, n, T0 + 1 days, stepCount, stepDuration);
        vm.warp(t);
        _setRound(f, int256(frontPrice), t);
        _setRound(n, int256(nextPrice), t);
    }

    /// @dev The schedule's definition, written out independently of the contract.
    function _expectedSteps(uint256 rollStart, uint256 n, uint256 d, uint256 t) internal pure returns (uint256 k) {
        if (t < rollStart) return 0;
        k = (t - rollStart) / d + 1;
        if (k > n) k = n;
    }

    function testFuzz_stepsElapsed_monotone(uint256 t1, uint256 t2) public view {
        t1 = bound(t1, 0, T0 + 400 days);
        t2 = bound(t2, t1, T0 + 400 days);
        uint256 k1 = adapter.stepsElapsedAt(t1);
        uint256 k2 = adapter.stepsElapsedAt(t2);
        assertLe(k1, k2, "non-decreasing");
        assertLe(k2, STEPS, "at most N");
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
        vm.expectRevert(ICurveBlendOracleAdapter.ZeroAddress.selector);
        adapter.setSequencer(AggregatorV3Interface(address(0)), GRACE);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidGracePeriod.selector, 86_401));
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
        vm.expectRevert(ChainlinkFeedLib.SequencerDown.selector);
        adapter.price();

        sequencer.updateRoundData(2, 0, T0, T0 - 3600);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.SequencerGracePeriodNotOver.selector, T0 - 3600, 3600));
        adapter.price();

        sequencer.updateRoundData(3, 0, T0, 0);
        vm.expectRevert(ChainlinkFeedLib.SequencerStatusInvalid.selector);
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
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidHeartbeat.selector, 0));
        adapter.setHeartbeats(0, 3600);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidHeartbeat.selector, 172_801));
        adapter.setHeartbeats(3600, 172_801);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setHeartbeats(3600, 3600);
    }

    function test_setPriceBounds_storesEmitsAndApplies() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ICurveBlendOracleAdapter.PriceBoundsSet(70e18 + 1, 80e18);
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
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidPriceBounds.selector, 0, 1e18));
        adapter.setPriceBounds(0, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidPriceBounds.selector, 5e18, 5e18));
        adapter.setPriceBounds(5e18, 5e18);
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.InvalidPriceBounds.selector, 1, 1e36 + 1));
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
        assertEq(adapter.rollEnd(), ROLL_START + 7 days + 9 * 12 hours, "end");
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
        vm.expectRevert(ICurveBlendOracleAdapter.ZeroAddress.selector);
        adapter.setNextFeed(AggregatorV3Interface(address(0)));
        vm.expectRevert(abi.encodeWithSelector(ICurveBlendOracleAdapter.DuplicateFeed.selector, address(front)));
        adapter.setNextFeed(AggregatorV3Interface(address(front)));
        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.UnsupportedFeedDecimals.selector, address(wide), 37));
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

        // The next roll: (75.5 × 4 + 80) / 5 = 382 / 5 = 76.4 at its first step.
        uint256 start2 = ROLL_END + 30 days;
        vm.warp(start2);
        _setRound(next, 75.5e18, start2);
        _setRound(third, 80e18, start2);
        assertEq(adapter.price(), 76.4e18, "first step of the second roll");
    }

    function test_advanceRoll_reverts() public {
        vm.warp(ROLL_END);
        MockV3Aggregator third = new MockV3Aggregator(18, 80e18);
        vm.expectRevert(ICurveBlendOracleAdapter.ZeroAddress.selector);
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
