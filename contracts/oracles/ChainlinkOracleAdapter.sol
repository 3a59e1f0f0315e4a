// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ZeroAddress} from "../interfaces/CommonErrors.sol";
import {IChainlinkOracleAdapter} from "../interfaces/IChainlinkOracleAdapter.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {MAX_FEED_HEARTBEAT, MAX_SEQUENCER_GRACE_PERIOD, WAD} from "../libraries/Constants.sol";
import {ChainlinkFeedLib} from "./ChainlinkFeedLib.sol";
import {OracleAdapterBase} from "./OracleAdapterBase.sol";

/// @title ChainlinkOracleAdapter
/// @notice Kind-1 oracle adapter: one spot Chainlink feed, checked and normalised to 18 decimals (SPEC §7).
/// @dev The primary feed and its decimals are fixed at construction; the owner (two-step) tunes the heartbeat,
///      the price bounds (OracleAdapterBase), the sequencer check and the second source within hard bounds. Reads
///      never return 0: every failed check reverts with its own custom error (see IChainlinkOracleAdapter for the
///      order). The checks themselves (feed round, sequencer round, normalisation) are ChainlinkFeedLib's; this
///      adapter uses the library's status form for its feeds and maps each outcome to its own errors, so its
///      selectors and ABI are unchanged and a failing second source stays distinguishable from a failing primary.
contract ChainlinkOracleAdapter is IChainlinkOracleAdapter, OracleAdapterBase {
    /// @inheritdoc IChainlinkOracleAdapter
    uint256 public constant MAX_HEARTBEAT = MAX_FEED_HEARTBEAT;
    /// @inheritdoc IChainlinkOracleAdapter
    uint256 public constant MAX_GRACE_PERIOD = MAX_SEQUENCER_GRACE_PERIOD;
    /// @inheritdoc IChainlinkOracleAdapter
    uint256 public constant MAX_DEVIATION_LIMIT = 0.5e18;
    /// @inheritdoc IChainlinkOracleAdapter
    uint8 public constant MAX_FEED_DECIMALS = ChainlinkFeedLib.MAX_DECIMALS;

    AggregatorV3Interface private immutable _primaryFeed;
    uint8 private immutable _primaryDecimals;

    /// @dev What every read needs, in one slot (widths fit the hard bounds: heartbeat and grace ≤ 2 days).
    struct ReadConfig {
        AggregatorV3Interface sequencerFeed;
        uint32 gracePeriod;
        uint32 heartbeat;
        bool hasSecondary;
        uint8 secondaryDecimals;
    }

    /// @dev The second source in one slot (maxDeviation ≤ 0.5e18 < 2^64); read only when configured.
    struct Secondary {
        AggregatorV3Interface feed;
        uint32 heartbeat;
        uint64 maxDeviation;
    }

    ReadConfig private _config;
    Secondary private _secondary;

    /// @param primaryFeed_ The spot Chainlink feed, non-zero, at most 36 decimals.
    /// @param heartbeat_ The primary feed's staleness limit, seconds, in `[1, MAX_HEARTBEAT]`.
    /// @param minPrice_ Lowest accepted normalised price, 18 decimals, > 0, inclusive.
    /// @param maxPrice_ Highest accepted normalised price, 18 decimals, > minPrice_, <= MAX_PRICE_LIMIT, inclusive.
    /// @param sequencer_ Sequencer uptime check; feed zero (with grace 0) for none.
    /// @param secondary_ Second source; feed zero (with heartbeat and band 0) for none.
    /// @param owner_ The admin (two-step ownership).
    constructor(
        AggregatorV3Interface primaryFeed_,
        uint256 heartbeat_,
        uint256 minPrice_,
        uint256 maxPrice_,
        SequencerConfig memory sequencer_,
        SecondaryConfig memory secondary_,
        address owner_
    ) OracleAdapterBase(owner_) {
        if (address(primaryFeed_) == address(0)) revert ZeroAddress();
        _primaryFeed = primaryFeed_;
        _primaryDecimals = ChainlinkFeedLib.feedDecimals(primaryFeed_);
        _setHeartbeat(heartbeat_);
        _setPriceBounds(minPrice_, maxPrice_);
        // An optional part given without its feed is a deployment mistake, not "none": refuse it.
        if (address(sequencer_.feed) != address(0)) {
            _setSequencer(sequencer_.feed, sequencer_.gracePeriod);
        } else if (sequencer_.gracePeriod != 0) {
            revert ZeroAddress();
        }
        if (address(secondary_.feed) != address(0)) {
            _setSecondary(secondary_.feed, secondary_.heartbeat, secondary_.maxDeviation);
        } else if (secondary_.heartbeat != 0 || secondary_.maxDeviation != 0) {
            revert ZeroAddress();
        }
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
        return 1;
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IChainlinkOracleAdapter
    function setHeartbeat(uint256 heartbeat_) external onlyOwner {
        _setHeartbeat(heartbeat_);
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function setSequencer(AggregatorV3Interface feed, uint256 gracePeriod) external onlyOwner {
        _setSequencer(feed, gracePeriod);
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function removeSequencer() external onlyOwner {
        _config.sequencerFeed = AggregatorV3Interface(address(0));
        _config.gracePeriod = 0;
        emit SequencerSet(address(0), 0);
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function setSecondary(AggregatorV3Interface feed, uint256 heartbeat_, uint256 maxDeviation) external onlyOwner {
        _setSecondary(feed, heartbeat_, maxDeviation);
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function removeSecondary() external onlyOwner {
        delete _secondary;
        _config.hasSecondary = false;
        _config.secondaryDecimals = 0;
        emit SecondarySet(address(0), 0, 0, 0);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IChainlinkOracleAdapter
    function primaryFeed() external view returns (AggregatorV3Interface) {
        return _primaryFeed;
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function primaryDecimals() external view returns (uint8) {
        return _primaryDecimals;
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function heartbeat() external view returns (uint256) {
        return _config.heartbeat;
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function sequencerConfig() external view returns (SequencerConfig memory) {
        return SequencerConfig({feed: _config.sequencerFeed, gracePeriod: _config.gracePeriod});
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function secondaryConfig() external view returns (SecondaryConfig memory) {
        Secondary memory secondary = _secondary;
        return SecondaryConfig({
            feed: secondary.feed,
            heartbeat: secondary.heartbeat,
            maxDeviation: secondary.maxDeviation
        });
    }

    /// @inheritdoc IChainlinkOracleAdapter
    function secondaryDecimals() external view returns (uint8) {
        return _config.secondaryDecimals;
    }

    // ------------------------------------------------------------------ internal: reads

    function _read() private view returns (uint256 price18, uint256 updatedAt) {
        ReadConfig memory config = _config;
        ChainlinkFeedLib.checkSequencer(config.sequencerFeed, config.gracePeriod);

        uint256 answer;
        (answer, updatedAt) = _readPrimary(config.heartbeat);
        price18 = ChainlinkFeedLib.normalise(answer, _primaryDecimals);
        _checkPriceBounds(price18);

        if (config.hasSecondary) {
            Secondary memory secondary = _secondary;
            uint256 secondary18 = ChainlinkFeedLib.normalise(_readSecondary(secondary), config.secondaryDecimals);
            uint256 deviation = _deviation(price18, secondary18);
            if (deviation > secondary.maxDeviation) {
                revert PriceDeviationTooHigh(price18, secondary18, deviation, secondary.maxDeviation);
            }
        }
    }

    function _readPrimary(uint256 heartbeat_) private view returns (uint256 answer, uint256 updatedAt) {
        int256 raw;
        (, raw,, updatedAt,) = _primaryFeed.latestRoundData();
        ChainlinkFeedLib.FeedStatus status = ChainlinkFeedLib.feedStatus(raw, updatedAt, heartbeat_);
        if (status != ChainlinkFeedLib.FeedStatus.Ok) {
            if (status == ChainlinkFeedLib.FeedStatus.NonPositiveAnswer) revert NonPositiveAnswer(raw);
            if (status == ChainlinkFeedLib.FeedStatus.ZeroUpdatedAt) revert ZeroUpdatedAt();
            if (status == ChainlinkFeedLib.FeedStatus.UpdatedAtInFuture) {
                revert UpdatedAtInFuture(updatedAt, block.timestamp);
            }
            revert StalePrice(updatedAt, heartbeat_, block.timestamp);
        }
        answer = uint256(raw);
    }

    function _readSecondary(Secondary memory secondary) private view returns (uint256 answer) {
        (, int256 raw,, uint256 updatedAt,) = secondary.feed.latestRoundData();
        ChainlinkFeedLib.FeedStatus status = ChainlinkFeedLib.feedStatus(raw, updatedAt, secondary.heartbeat);
        if (status != ChainlinkFeedLib.FeedStatus.Ok) {
            if (status == ChainlinkFeedLib.FeedStatus.NonPositiveAnswer) revert SecondaryNonPositiveAnswer(raw);
            if (status == ChainlinkFeedLib.FeedStatus.ZeroUpdatedAt) revert SecondaryZeroUpdatedAt();
            if (status == ChainlinkFeedLib.FeedStatus.UpdatedAtInFuture) {
                revert SecondaryUpdatedAtInFuture(updatedAt, block.timestamp);
            }
            revert SecondaryStalePrice(updatedAt, secondary.heartbeat, block.timestamp);
        }
        answer = uint256(raw);
    }

    /// @dev `ceil(|a - b| * 1e18 / b)`; `type(uint256).max` when b == 0. Rounding up makes
    ///      `deviation > maxDeviation` exactly `|a - b| / b > maxDeviation / 1e18`. No overflow: `a <= maxPrice
    ///      <= 1e36`, so the result is below 1e18 when b > a and at most 1e54 otherwise.
    function _deviation(uint256 a, uint256 b) private pure returns (uint256) {
        if (b == 0) return type(uint256).max;
        uint256 diff = a > b ? a - b : b - a;
        return Math.mulDiv(diff, WAD, b, Math.Rounding.Ceil);
    }

    // ------------------------------------------------------------------ internal: configuration

    function _setHeartbeat(uint256 heartbeat_) private {
        ChainlinkFeedLib.checkHeartbeat(heartbeat_);
        _config.heartbeat = uint32(heartbeat_);
        emit HeartbeatSet(heartbeat_);
    }

    function _setSequencer(AggregatorV3Interface feed, uint256 gracePeriod) private {
        ChainlinkFeedLib.checkSequencerConfig(feed, gracePeriod);
        _config.sequencerFeed = feed;
        _config.gracePeriod = uint32(gracePeriod);
        emit SequencerSet(address(feed), gracePeriod);
    }

    function _setSecondary(AggregatorV3Interface feed, uint256 heartbeat_, uint256 maxDeviation) private {
        if (address(feed) == address(0)) revert ZeroAddress();
        ChainlinkFeedLib.checkHeartbeat(heartbeat_);
        if (maxDeviation == 0 || maxDeviation > MAX_DEVIATION_LIMIT) revert InvalidMaxDeviation(maxDeviation);
        uint8 decimals = ChainlinkFeedLib.feedDecimals(feed);
        _secondary = Secondary({feed: feed, heartbeat: uint32(heartbeat_), maxDeviation: uint64(maxDeviation)});
        _config.hasSecondary = true;
        _config.secondaryDecimals = decimals;
        emit SecondarySet(address(feed), decimals, heartbeat_, maxDeviation);
    }
}
