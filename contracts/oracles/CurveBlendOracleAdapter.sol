// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ZeroAddress} from "../interfaces/CommonErrors.sol";
import {ICurveBlendOracleAdapter} from "../interfaces/ICurveBlendOracleAdapter.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {MAX_FEED_HEARTBEAT, MAX_SEQUENCER_GRACE_PERIOD, WAD} from "../libraries/Constants.sol";
import {ChainlinkFeedLib} from "./ChainlinkFeedLib.sol";
import {OracleAdapterBase} from "./OracleAdapterBase.sol";

/// @title CurveBlendOracleAdapter
/// @notice Kind-2 oracle adapter: two dated-contract feeds blended along a published roll schedule (SPEC §7); the
///         weight of the next contract moves linearly in time, so the index never jumps at a known second.
/// @dev Definitions, order of checks and rounding: see ICurveBlendOracleAdapter. The per-feed checks are
///      ChainlinkFeedLib's; each leg is checked against its own heartbeat. The owner (two-step) tunes heartbeats,
///      bounds (OracleAdapterBase) and the sequencer check within hard bounds, republishes the schedule or swaps the
///      next feed only before the roll starts, and advances the roll once it is complete.
contract CurveBlendOracleAdapter is ICurveBlendOracleAdapter, OracleAdapterBase {
    /// @inheritdoc ICurveBlendOracleAdapter
    uint256 public constant MAX_HEARTBEAT = MAX_FEED_HEARTBEAT;
    /// @inheritdoc ICurveBlendOracleAdapter
    uint256 public constant MAX_GRACE_PERIOD = MAX_SEQUENCER_GRACE_PERIOD;
    /// @inheritdoc ICurveBlendOracleAdapter
    uint256 public constant MAX_STEP_COUNT = 30;
    /// @inheritdoc ICurveBlendOracleAdapter
    uint256 public constant MIN_STEP_DURATION = 1 hours;
    /// @inheritdoc ICurveBlendOracleAdapter
    uint256 public constant MAX_STEP_DURATION = 7 days;
    /// @inheritdoc ICurveBlendOracleAdapter
    uint256 public constant MAX_ROLL_START_DELAY = 365 days;

    /// @dev Sequencer check and roll schedule in one slot (20 + 3 + 5 + 3 + 1 bytes). Widths fit the hard
    ///      bounds: grace ≤ 1 day and step ≤ 7 days (< 2^24), step count ≤ 30, roll start ≤ a year ahead. The roll
    ///      lasts D = stepCount × stepDuration ≤ 210 days.
    struct ReadConfig {
        AggregatorV3Interface sequencerFeed;
        uint24 gracePeriod;
        uint40 rollStart;
        uint24 stepDuration;
        uint8 stepCount;
    }

    /// @dev One leg in one slot (heartbeat ≤ 2 days).
    struct Leg {
        AggregatorV3Interface feed;
        uint32 heartbeat;
        uint8 decimals;
    }

    ReadConfig private _config;
    Leg private _front;
    Leg private _next;

    /// @param front_ The expiring contract's feed and heartbeat.
    /// @param next_ The contract rolled into: feed (not the front's) and heartbeat.
    /// @param schedule_ The first roll: start in `(now, now + MAX_ROLL_START_DELAY]`, step count and duration.
    /// @param minPrice_ Lowest accepted leg price, 18 decimals, > 0, inclusive.
    /// @param maxPrice_ Highest accepted leg price, 18 decimals, > minPrice_, <= MAX_PRICE_LIMIT, inclusive.
    /// @param owner_ The admin (two-step ownership).
    constructor(
        LegConfig memory front_,
        LegConfig memory next_,
        RollSchedule memory schedule_,
        uint256 minPrice_,
        uint256 maxPrice_,
        address owner_
    ) OracleAdapterBase(owner_) {
        uint8 frontDecimals = _checkedDecimals(front_.feed);
        uint8 nextDecimals = _checkedDecimals(next_.feed);
        if (front_.feed == next_.feed) revert DuplicateFeed(address(next_.feed));
        ChainlinkFeedLib.checkHeartbeat(front_.heartbeat);
        ChainlinkFeedLib.checkHeartbeat(next_.heartbeat);
        _front = Leg({feed: front_.feed, heartbeat: uint32(front_.heartbeat), decimals: frontDecimals});
        _next = Leg({feed: next_.feed, heartbeat: uint32(next_.heartbeat), decimals: nextDecimals});
        emit LegsSet(address(front_.feed), address(next_.feed), frontDecimals, nextDecimals);
        emit HeartbeatsSet(front_.heartbeat, next_.heartbeat);
        _setRollSchedule(schedule_.rollStart, schedule_.stepCount, schedule_.stepDuration);
        _setPriceBounds(minPrice_, maxPrice_);
    }

    // ------------------------------------------------------------------ reads

    /// @inheritdoc IOracleAdapter
    function price() external view returns (uint256 price18) {
        (price18,) = _read();
    }

    /// @inheritdoc IOracleAdapter
    function priceWithTime() external view returns (uint256 price18, uint256 updatedAt) {
        return _read();
    }

    /// @inheritdoc IOracleAdapter
    function kind() external pure returns (uint8) {
        return 2;
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ICurveBlendOracleAdapter
    function setHeartbeats(uint256 frontHeartbeat, uint256 nextHeartbeat) external onlyOwner {
        ChainlinkFeedLib.checkHeartbeat(frontHeartbeat);
        ChainlinkFeedLib.checkHeartbeat(nextHeartbeat);
        _front.heartbeat = uint32(frontHeartbeat);
        _next.heartbeat = uint32(nextHeartbeat);
        emit HeartbeatsSet(frontHeartbeat, nextHeartbeat);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function setSequencer(AggregatorV3Interface feed, uint256 gracePeriod) external onlyOwner {
        ChainlinkFeedLib.checkSequencerConfig(feed, gracePeriod);
        _config.sequencerFeed = feed;
        _config.gracePeriod = uint24(gracePeriod);
        emit SequencerSet(address(feed), gracePeriod);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function removeSequencer() external onlyOwner {
        _config.sequencerFeed = AggregatorV3Interface(address(0));
        _config.gracePeriod = 0;
        emit SequencerSet(address(0), 0);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function setRollSchedule(uint256 rollStart, uint256 stepCount, uint256 stepDuration) external onlyOwner {
        _requireRollNotStarted();
        _setRollSchedule(rollStart, stepCount, stepDuration);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function setNextFeed(AggregatorV3Interface feed) external onlyOwner {
        _requireRollNotStarted();
        uint8 decimals = _checkedDecimals(feed);
        Leg memory front = _front;
        if (feed == front.feed) revert DuplicateFeed(address(feed));
        _next.feed = feed;
        _next.decimals = decimals;
        emit LegsSet(address(front.feed), address(feed), front.decimals, decimals);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function advanceRoll(AggregatorV3Interface newNextFeed, uint256 newRollStart) external onlyOwner {
        ReadConfig memory config = _config;
        uint256 end = _rollEnd(config);
        if (block.timestamp < end) revert RollNotComplete(end, block.timestamp);
        uint8 decimals = _checkedDecimals(newNextFeed);
        Leg memory newFront = _next;
        if (newNextFeed == newFront.feed) revert DuplicateFeed(address(newNextFeed));
        _front = newFront;
        _next = Leg({feed: newNextFeed, heartbeat: newFront.heartbeat, decimals: decimals});
        emit LegsSet(address(newFront.feed), address(newNextFeed), newFront.decimals, decimals);
        emit HeartbeatsSet(newFront.heartbeat, newFront.heartbeat);
        _setRollSchedule(newRollStart, config.stepCount, config.stepDuration);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICurveBlendOracleAdapter
    function frontLeg() external view returns (LegInfo memory) {
        return _legInfo(_front);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function nextLeg() external view returns (LegInfo memory) {
        return _legInfo(_next);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function rollSchedule() external view returns (RollSchedule memory) {
        ReadConfig memory config = _config;
        return
            RollSchedule({
                rollStart: config.rollStart,
                stepCount: config.stepCount,
                stepDuration: config.stepDuration
            });
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function rollEnd() external view returns (uint256) {
        return _rollEnd(_config);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function rollDuration() external view returns (uint256) {
        return _rollDuration(_config);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function rollElapsedAt(uint256 timestamp) external view returns (uint256) {
        return _rollElapsed(_config, timestamp);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function nextWeightAt(uint256 timestamp) public view returns (uint256) {
        ReadConfig memory config = _config;
        return (_rollElapsed(config, timestamp) * WAD) / _rollDuration(config);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function nextWeight() external view returns (uint256) {
        return nextWeightAt(block.timestamp);
    }

    /// @inheritdoc ICurveBlendOracleAdapter
    function sequencerConfig() external view returns (AggregatorV3Interface feed, uint256 gracePeriod) {
        return (_config.sequencerFeed, _config.gracePeriod);
    }

    // ------------------------------------------------------------------ internal: reads

    function _read() private view returns (uint256 price18, uint256 updatedAt) {
        ReadConfig memory config = _config;
        ChainlinkFeedLib.checkSequencer(config.sequencerFeed, config.gracePeriod);
        Bounds memory bounds = _priceBounds();
        uint256 elapsed = _rollElapsed(config, block.timestamp);
        if (elapsed == 0) return _readLeg(_front, bounds);
        uint256 duration = _rollDuration(config);
        if (elapsed == duration) return _readLeg(_next, bounds);

        (uint256 frontPrice, uint256 frontUpdatedAt) = _readLeg(_front, bounds);
        (uint256 nextPrice, uint256 nextUpdatedAt) = _readLeg(_next, bounds);
        // Both legs are <= MAX_PRICE_LIMIT (1e36) and duration <= 30 × 7 days (< 2^25): the sum stays below 2^146.
        price18 = (frontPrice * (duration - elapsed) + nextPrice * elapsed) / duration;
        updatedAt = Math.min(frontUpdatedAt, nextUpdatedAt);
    }

    /// @dev The leg's feed checks (own heartbeat), normalisation and bounds.
    function _readLeg(Leg memory leg, Bounds memory bounds) private view returns (uint256 price18, uint256 updatedAt) {
        (price18, updatedAt) = ChainlinkFeedLib.readPrice(leg.feed, leg.heartbeat, leg.decimals);
        if (price18 < bounds.minPrice || price18 > bounds.maxPrice) {
            revert PriceOutOfBounds(address(leg.feed), price18, bounds.minPrice, bounds.maxPrice);
        }
    }

    /// @dev D = N × stepDuration: how long the weight takes to move from 0 to 1.
    function _rollDuration(ReadConfig memory config) private pure returns (uint256) {
        return uint256(config.stepCount) * config.stepDuration;
    }

    /// @dev e(t) = clamp(t − rollStart, 0, D): seconds of the roll elapsed at `timestamp`.
    function _rollElapsed(ReadConfig memory config, uint256 timestamp) private pure returns (uint256) {
        uint256 rollStart = config.rollStart;
        if (timestamp <= rollStart) return 0;
        uint256 elapsed = timestamp - rollStart;
        uint256 duration = _rollDuration(config);
        return elapsed < duration ? elapsed : duration;
    }

    /// @dev rollStart + D: the first second at which the weight of the next leg is 1.
    function _rollEnd(ReadConfig memory config) private pure returns (uint256) {
        return uint256(config.rollStart) + _rollDuration(config);
    }

    function _legInfo(Leg memory leg) private pure returns (LegInfo memory) {
        return LegInfo({feed: leg.feed, decimals: leg.decimals, heartbeat: leg.heartbeat});
    }

    // ------------------------------------------------------------------ internal: configuration

    function _requireRollNotStarted() private view {
        uint256 rollStart = _config.rollStart;
        if (block.timestamp >= rollStart) revert RollAlreadyStarted(rollStart, block.timestamp);
    }

    function _setRollSchedule(uint256 rollStart, uint256 stepCount, uint256 stepDuration) private {
        if (stepCount == 0 || stepCount > MAX_STEP_COUNT) revert InvalidStepCount(stepCount);
        if (stepDuration < MIN_STEP_DURATION || stepDuration > MAX_STEP_DURATION) {
            revert InvalidStepDuration(stepDuration);
        }
        if (rollStart <= block.timestamp || rollStart > block.timestamp + MAX_ROLL_START_DELAY) {
            revert InvalidRollStart(rollStart, block.timestamp);
        }
        _config.rollStart = uint40(rollStart);
        _config.stepCount = uint8(stepCount);
        _config.stepDuration = uint24(stepDuration);
        emit RollScheduleSet(rollStart, stepCount, stepDuration);
    }

    /// @dev Non-zero feed with at most 36 decimals; returns its decimals.
    function _checkedDecimals(AggregatorV3Interface feed) private view returns (uint8) {
        if (address(feed) == address(0)) revert ZeroAddress();
        return ChainlinkFeedLib.feedDecimals(feed);
    }
}
