// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {ZeroAddress} from "../interfaces/CommonErrors.sol";
import {IMarketHoursOracleAdapter} from "../interfaces/IMarketHoursOracleAdapter.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {MAX_FEED_HEARTBEAT, MAX_SEQUENCER_GRACE_PERIOD, WAD} from "../libraries/Constants.sol";
import {ChainlinkFeedLib} from "./ChainlinkFeedLib.sol";
import {OracleAdapterBase} from "./OracleAdapterBase.sol";

/// @title MarketHoursOracleAdapter
/// @notice Kind-3 oracle adapter: the feed during market hours, an off-hours price bounded by the last close ±
///         a band outside them (SPEC §7).
/// @dev Definitions, order of checks and rounding: see IMarketHoursOracleAdapter. The feed and its decimals are
///      fixed at construction; the feed checks are ChainlinkFeedLib's. The owner (two-step) sets the schedule,
///      holidays, heartbeats, band, bounds (OracleAdapterBase), sequencer and the off-hours pricer within hard
///      bounds.
contract MarketHoursOracleAdapter is IMarketHoursOracleAdapter, OracleAdapterBase {
    /// @inheritdoc IMarketHoursOracleAdapter
    uint256 public constant MAX_HEARTBEAT = MAX_FEED_HEARTBEAT;
    /// @inheritdoc IMarketHoursOracleAdapter
    uint256 public constant MAX_GRACE_PERIOD = MAX_SEQUENCER_GRACE_PERIOD;
    /// @inheritdoc IMarketHoursOracleAdapter
    uint256 public constant MAX_BAND = 0.2e18;
    /// @inheritdoc IMarketHoursOracleAdapter
    uint256 public constant MAX_SESSIONS = 7;
    /// @inheritdoc IMarketHoursOracleAdapter
    uint256 public constant MAX_HOLIDAY_LEAD_DAYS = 730;

    /// @dev Unix time 0 was a Thursday 00:00 UTC, 3 days after Monday 00:00.
    uint256 private constant WEEK_OFFSET = 3 days;

    AggregatorV3Interface private immutable _feed;
    uint8 private immutable _feedDecimals;

    /// @dev What every read needs first, in one slot (heartbeat and grace ≤ 2 days; sessions ≤ 7).
    struct ReadConfig {
        AggregatorV3Interface sequencerFeed;
        uint32 gracePeriod;
        uint32 heartbeat;
        uint8 sessionCount;
    }

    /// @dev The last close in one slot (price ≤ 1e36 after the bounds check).
    struct Close {
        uint128 price;
        uint40 recordedAt;
        uint40 updatedAt;
    }

    /// @dev Everything an off-hours read needs besides the close, in one slot (heartbeat ≤ 2 days < 2^24,
    ///      band ≤ 0.2e18 < 2^64, price ≤ 1e36).
    struct OffHours {
        uint128 price;
        uint40 setAt;
        uint24 heartbeat;
        uint64 band;
    }

    ReadConfig private _config;
    /// @dev Session i is `[_edges[2i], _edges[2i + 1])`; 14 × 4 bytes = two slots.
    uint32[14] private _edges;
    Close private _close;
    OffHours private _offHours;
    address private _offHoursPricer;
    mapping(uint256 day => bool closed) private _holidays;

    /// @param feed_ The Chainlink feed, non-zero, at most 36 decimals.
    /// @param heartbeat_ The feed's staleness limit while open, seconds, in `[1, MAX_HEARTBEAT]`.
    /// @param sessions_ The weekly schedule (see `setSessions`).
    /// @param minPrice_ Lowest accepted price, 18 decimals, > 0, inclusive.
    /// @param maxPrice_ Highest accepted price, 18 decimals, > minPrice_, <= MAX_PRICE_LIMIT, inclusive.
    /// @param offHours_ The off-hours pricer (may be zero), band and heartbeat.
    /// @param owner_ The admin (two-step ownership).
    constructor(
        AggregatorV3Interface feed_,
        uint256 heartbeat_,
        Session[] memory sessions_,
        uint256 minPrice_,
        uint256 maxPrice_,
        OffHoursConfig memory offHours_,
        address owner_
    ) OracleAdapterBase(owner_) {
        if (address(feed_) == address(0)) revert ZeroAddress();
        _feed = feed_;
        _feedDecimals = ChainlinkFeedLib.feedDecimals(feed_);
        _setHeartbeat(heartbeat_);
        _setSessions(sessions_);
        _setPriceBounds(minPrice_, maxPrice_);
        _setBand(offHours_.band);
        _setOffHoursHeartbeat(offHours_.heartbeat);
        _offHoursPricer = offHours_.pricer;
        emit OffHoursPricerSet(offHours_.pricer);
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
        return 3;
    }

    // ------------------------------------------------------------------ permissionless / pricer

    /// @inheritdoc IMarketHoursOracleAdapter
    function checkpoint() external returns (bool recorded) {
        ReadConfig memory config = _config;
        if (!_isOpen(config.sessionCount, block.timestamp)) return false;
        ChainlinkFeedLib.checkSequencer(config.sequencerFeed, config.gracePeriod);
        (uint256 price18, uint256 updatedAt) = _readFeed(config.heartbeat);
        // Bounds-checked, so price18 <= MAX_PRICE_LIMIT < 2^128; updatedAt <= block.timestamp.
        _close = Close({price: uint128(price18), recordedAt: uint40(block.timestamp), updatedAt: uint40(updatedAt)});
        emit CloseRecorded(price18, updatedAt);
        return true;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setOffHoursPrice(uint256 price18) external {
        if (msg.sender != _offHoursPricer) revert NotOffHoursPricer(msg.sender);
        if (_isOpen(_config.sessionCount, block.timestamp)) revert MarketOpen();
        if (price18 == 0 || price18 > MAX_PRICE_LIMIT) revert InvalidOffHoursPrice(price18);
        uint256 close = _close.price;
        if (close == 0) revert NoLastClose();
        _offHours.price = uint128(price18);
        _offHours.setAt = uint40(block.timestamp);
        emit OffHoursPriceSet(price18, _clampToBand(price18, close, _offHours.band));
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IMarketHoursOracleAdapter
    function setOffHoursPricer(address pricer) external onlyOwner {
        _offHoursPricer = pricer;
        _offHours.price = 0;
        _offHours.setAt = 0;
        emit OffHoursPricerSet(pricer);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setHeartbeat(uint256 heartbeat_) external onlyOwner {
        _setHeartbeat(heartbeat_);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setOffHoursHeartbeat(uint256 heartbeat_) external onlyOwner {
        _setOffHoursHeartbeat(heartbeat_);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setBand(uint256 band_) external onlyOwner {
        _setBand(band_);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setSequencer(AggregatorV3Interface sequencerFeed, uint256 gracePeriod) external onlyOwner {
        ChainlinkFeedLib.checkSequencerConfig(sequencerFeed, gracePeriod);
        _config.sequencerFeed = sequencerFeed;
        _config.gracePeriod = uint32(gracePeriod);
        emit SequencerSet(address(sequencerFeed), gracePeriod);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function removeSequencer() external onlyOwner {
        _config.sequencerFeed = AggregatorV3Interface(address(0));
        _config.gracePeriod = 0;
        emit SequencerSet(address(0), 0);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setSessions(Session[] calldata sessions_) external onlyOwner {
        _setSessions(sessions_);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function setHolidays(uint256[] calldata dayNumbers, bool closed) external onlyOwner {
        uint256 today = block.timestamp / 1 days;
        for (uint256 i; i < dayNumbers.length; ++i) {
            uint256 day = dayNumbers[i];
            if (day < today || day > today + MAX_HOLIDAY_LEAD_DAYS) revert InvalidHoliday(day, today);
            _holidays[day] = closed;
            emit HolidaySet(day, closed);
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMarketHoursOracleAdapter
    function isOpen() external view returns (bool) {
        return _isOpen(_config.sessionCount, block.timestamp);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function isOpenAt(uint256 timestamp) external view returns (bool) {
        return _isOpen(_config.sessionCount, timestamp);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function sessions() external view returns (Session[] memory result) {
        uint256 count = _config.sessionCount;
        result = new Session[](count);
        for (uint256 i; i < count; ++i) {
            result[i] = Session({open: _edges[2 * i], close: _edges[2 * i + 1]});
        }
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function isHoliday(uint256 day) external view returns (bool) {
        return _holidays[day];
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function lastClose() external view returns (uint256, uint256, uint256) {
        Close memory close = _close;
        return (close.price, close.recordedAt, close.updatedAt);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function offHoursPrice() external view returns (uint256, uint256) {
        return (_offHours.price, _offHours.setAt);
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function offHoursPricer() external view returns (address) {
        return _offHoursPricer;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function band() external view returns (uint256) {
        return _offHours.band;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function heartbeat() external view returns (uint256) {
        return _config.heartbeat;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function offHoursHeartbeat() external view returns (uint256) {
        return _offHours.heartbeat;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function feed() external view returns (AggregatorV3Interface) {
        return _feed;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function feedDecimals() external view returns (uint8) {
        return _feedDecimals;
    }

    /// @inheritdoc IMarketHoursOracleAdapter
    function sequencerConfig() external view returns (AggregatorV3Interface, uint256) {
        return (_config.sequencerFeed, _config.gracePeriod);
    }

    // ------------------------------------------------------------------ internal: reads

    function _read() private view returns (uint256 price18, uint256 updatedAt) {
        ReadConfig memory config = _config;
        ChainlinkFeedLib.checkSequencer(config.sequencerFeed, config.gracePeriod);
        if (_isOpen(config.sessionCount, block.timestamp)) return _readFeed(config.heartbeat);

        Close memory close = _close;
        if (close.price == 0) revert NoLastClose();
        OffHours memory offHours = _offHours;
        if (offHours.setAt > close.recordedAt) {
            // Set since the close: its own age limit, then the band.
            if (block.timestamp - offHours.setAt > offHours.heartbeat) {
                revert OffHoursPriceStale(offHours.setAt, offHours.heartbeat, block.timestamp);
            }
            price18 = _clampToBand(offHours.price, close.price, offHours.band);
            updatedAt = offHours.setAt;
        } else {
            price18 = close.price;
            updatedAt = close.updatedAt;
        }
        _checkPriceBounds(price18);
    }

    /// @dev In-hours: the feed's checks, normalisation and the bounds.
    function _readFeed(uint256 heartbeat_) private view returns (uint256 price18, uint256 updatedAt) {
        (price18, updatedAt) = ChainlinkFeedLib.readPrice(_feed, heartbeat_, _feedDecimals);
        _checkPriceBounds(price18);
    }

    /// @dev `clamp(value, close - delta, close + delta)`, `delta = floor(close * band / 1e18)`; close ≤ 1e36 and
    ///      band ≤ 0.2e18, so nothing overflows and `close - delta >= 0.8 * close > 0`.
    function _clampToBand(uint256 value, uint256 close, uint256 band_) private pure returns (uint256) {
        uint256 delta = (close * band_) / WAD;
        if (value < close - delta) return close - delta;
        if (value > close + delta) return close + delta;
        return value;
    }

    /// @dev Open when `weekSecond(t)` is in a session and `t`'s UTC day is not a holiday. Sessions are increasing,
    ///      so the scan stops at the first session opening after `weekSecond(t)`.
    function _isOpen(uint256 sessionCount, uint256 timestamp) private view returns (bool) {
        uint256 second = (timestamp + WEEK_OFFSET) % 1 weeks;
        for (uint256 i; i < sessionCount; ++i) {
            if (second < _edges[2 * i]) return false;
            if (second < _edges[2 * i + 1]) return !_holidays[timestamp / 1 days];
        }
        return false;
    }

    // ------------------------------------------------------------------ internal: configuration

    function _setSessions(Session[] memory sessions_) private {
        uint256 count = sessions_.length;
        if (count == 0 || count > MAX_SESSIONS) revert InvalidSessionCount(count);
        uint256 previousClose;
        for (uint256 i; i < count; ++i) {
            Session memory session = sessions_[i];
            if (session.open >= session.close || session.close > 1 weeks || session.open < previousClose) {
                revert InvalidSession(i, session.open, session.close);
            }
            _edges[2 * i] = uint32(session.open);
            _edges[2 * i + 1] = uint32(session.close);
            previousClose = session.close;
        }
        // Clear the edges of sessions beyond the new count, so storage matches the schedule.
        for (uint256 i = 2 * count; i < 2 * MAX_SESSIONS; ++i) {
            _edges[i] = 0;
        }
        _config.sessionCount = uint8(count);
        emit SessionsSet(sessions_);
    }

    function _setHeartbeat(uint256 heartbeat_) private {
        ChainlinkFeedLib.checkHeartbeat(heartbeat_);
        _config.heartbeat = uint32(heartbeat_);
        emit HeartbeatSet(heartbeat_);
    }

    function _setOffHoursHeartbeat(uint256 heartbeat_) private {
        ChainlinkFeedLib.checkHeartbeat(heartbeat_);
        _offHours.heartbeat = uint24(heartbeat_);
        emit OffHoursHeartbeatSet(heartbeat_);
    }

    function _setBand(uint256 band_) private {
        if (band_ > MAX_BAND) revert InvalidBand(band_);
        _offHours.band = uint64(band_);
        emit BandSet(band_);
    }
}
