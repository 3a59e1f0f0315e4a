// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";

import {
    InvalidGracePeriod,
    InvalidHeartbeat,
    SequencerDown,
    SequencerGracePeriodNotOver,
    SequencerStatusInvalid,
    UnsupportedFeedDecimals,
    ZeroAddress
} from "../../../contracts/interfaces/CommonErrors.sol";
import {ChainlinkFeedLib} from "../../../contracts/oracles/ChainlinkFeedLib.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The library's internal functions as external calls.
contract ChainlinkFeedLibHarness {
    function feedStatus(int256 answer, uint256 updatedAt, uint256 heartbeat)
        external
        view
        returns (ChainlinkFeedLib.FeedStatus)
    {
        return ChainlinkFeedLib.feedStatus(answer, updatedAt, heartbeat);
    }

    function readPrice(AggregatorV3Interface feed, uint256 heartbeat, uint8 decimals)
        external
        view
        returns (uint256, uint256)
    {
        return ChainlinkFeedLib.readPrice(feed, heartbeat, decimals);
    }

    function feedDecimals(AggregatorV3Interface feed) external view returns (uint8) {
        return ChainlinkFeedLib.feedDecimals(feed);
    }

    function normalise(uint256 answer, uint8 decimals) external pure returns (uint256) {
        return ChainlinkFeedLib.normalise(answer, decimals);
    }

    function checkSequencer(AggregatorV3Interface feed, uint256 gracePeriod) external view {
        ChainlinkFeedLib.checkSequencer(feed, gracePeriod);
    }

    function checkHeartbeat(uint256 heartbeat) external pure {
        ChainlinkFeedLib.checkHeartbeat(heartbeat);
    }

    function checkSequencerConfig(AggregatorV3Interface feed, uint256 gracePeriod) external pure {
        ChainlinkFeedLib.checkSequencerConfig(feed, gracePeriod);
    }
}

/// @notice ChainlinkFeedLib on its own: the per-feed definitions, normalisation, the sequencer check and the
///         configuration checks, each at its boundary. The adapters' tests check how each kind reports them.
contract ChainlinkFeedLibTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;

    ChainlinkFeedLibHarness internal lib;
    MockV3Aggregator internal feed;

    function setUp() public {
        vm.warp(T0);
        lib = new ChainlinkFeedLibHarness();
        feed = new MockV3Aggregator(8, 2000e8);
    }

    // answer ≤ 0, then updatedAt == 0, then updatedAt > now, then age > heartbeat; age == heartbeat is fresh.
    function test_feedStatus_orderAndBoundaries() public view {
        assertTrue(lib.feedStatus(0, 0, 1) == ChainlinkFeedLib.FeedStatus.NonPositiveAnswer, "0 first");
        assertTrue(lib.feedStatus(-1, T0, 1) == ChainlinkFeedLib.FeedStatus.NonPositiveAnswer, "negative");
        assertTrue(lib.feedStatus(1, 0, 1) == ChainlinkFeedLib.FeedStatus.ZeroUpdatedAt, "incomplete round");
        assertTrue(lib.feedStatus(1, T0 + 1, 1) == ChainlinkFeedLib.FeedStatus.UpdatedAtInFuture, "future");
        assertTrue(lib.feedStatus(1, T0, 0) == ChainlinkFeedLib.FeedStatus.Ok, "updated now");
        assertTrue(lib.feedStatus(1, T0 - 3600, 3600) == ChainlinkFeedLib.FeedStatus.Ok, "age == heartbeat");
        assertTrue(lib.feedStatus(1, T0 - 3601, 3600) == ChainlinkFeedLib.FeedStatus.Stale, "age == heartbeat + 1");
    }

    // Up by 10^(18 − d) below 18 decimals (saturating), down by 10^(d − 18) above (rounded toward zero).
    function test_normalise_upDownAndSaturating() public view {
        assertEq(lib.normalise(2000e8, 8), 2000e18, "8 decimals");
        assertEq(lib.normalise(7, 18), 7, "18 decimals unchanged");
        assertEq(lib.normalise(1e18 - 1, 36), 0, "below one wei rounds to 0");
        assertEq(lib.normalise(3e18 + 1e18 - 1, 36), 3, "rounded down");
        assertEq(lib.normalise(type(uint256).max / 1e18 + 1, 0), type(uint256).max, "saturates");
        assertEq(lib.normalise(type(uint256).max / 1e18, 0), (type(uint256).max / 1e18) * 1e18, "largest exact");
    }

    function test_readPrice_checksThenNormalises() public {
        (uint256 price, uint256 updatedAt) = lib.readPrice(AggregatorV3Interface(address(feed)), 1 hours, 8);
        assertEq(price, 2000e18, "normalised");
        assertEq(updatedAt, T0, "the round's time");
        vm.warp(T0 + 1 hours + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(feed), T0, 1 hours, T0 + 1 hours + 1)
        );
        lib.readPrice(AggregatorV3Interface(address(feed)), 1 hours, 8);
        feed.updateRoundData(2, 0, block.timestamp, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(feed), 0));
        lib.readPrice(AggregatorV3Interface(address(feed)), 1 hours, 8);
    }

    function test_feedDecimals_atMost36() public {
        assertEq(lib.feedDecimals(AggregatorV3Interface(address(new MockV3Aggregator(36, 1)))), 36, "36 accepted");
        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(wide), 37));
        lib.feedDecimals(AggregatorV3Interface(address(wide)));
    }

    // Invalid (startedAt 0 or future, answer not 0/1) before down before the grace period; up once now − startedAt
    // > grace. A zero feed is "not configured" and passes.
    function test_checkSequencer_orderAndGraceBoundary() public {
        MockV3Aggregator seq = new MockV3Aggregator(0, 0);
        AggregatorV3Interface s = AggregatorV3Interface(address(seq));
        lib.checkSequencer(AggregatorV3Interface(address(0)), 1 hours);

        seq.updateRoundData(1, 1, T0, 0);
        vm.expectRevert(SequencerStatusInvalid.selector);
        lib.checkSequencer(s, 1 hours);
        seq.updateRoundData(2, 2, T0, T0 - 2 hours);
        vm.expectRevert(SequencerStatusInvalid.selector);
        lib.checkSequencer(s, 1 hours);
        seq.updateRoundData(3, 1, T0, T0 - 2 hours);
        vm.expectRevert(SequencerDown.selector);
        lib.checkSequencer(s, 1 hours);

        seq.updateRoundData(4, 0, T0, T0 - 1 hours);
        vm.expectRevert(abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, T0 - 1 hours, 1 hours));
        lib.checkSequencer(s, 1 hours);
        seq.updateRoundData(5, 0, T0, T0 - 1 hours - 1);
        lib.checkSequencer(s, 1 hours);
    }

    // [1, 2 days].
    function test_checkHeartbeat_bounds() public {
        lib.checkHeartbeat(1);
        lib.checkHeartbeat(2 days);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        lib.checkHeartbeat(0);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 2 days + 1));
        lib.checkHeartbeat(2 days + 1);
    }

    // A non-zero feed and a grace period of at most 1 day.
    function test_checkSequencerConfig_bounds() public {
        AggregatorV3Interface s = AggregatorV3Interface(address(feed));
        lib.checkSequencerConfig(s, 0);
        lib.checkSequencerConfig(s, 1 days);
        vm.expectRevert(abi.encodeWithSelector(InvalidGracePeriod.selector, 1 days + 1));
        lib.checkSequencerConfig(s, 1 days + 1);
        vm.expectRevert(ZeroAddress.selector);
        lib.checkSequencerConfig(AggregatorV3Interface(address(0)), 0);
    }
}
