// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IOracleAdapterBase} from "./IOracleAdapterBase.sol";

/// @title IMarketHoursOracleAdapter
/// @notice Kind-3 oracle adapter (SPEC §7) for equity indices and RWA: the Chainlink feed while the market is
///         open; while it is closed, an internal price set by the off-hours pricer, clamped to the last close ±
///         a band, or the last close itself.
/// @dev Time: `weekSecond(t) = (t + 3 days) % 1 weeks` counts seconds from Monday 00:00 UTC (the Unix epoch was a
///      Thursday); `day(t) = t / 1 days` is the UTC day number. The market is open at `t` when `weekSecond(t)`
///      lies in one of the weekly sessions `[open, close)` and `day(t)` is not a declared holiday. A session may
///      end at `1 weeks` exactly; a session across the week boundary (Sunday → Monday) is written as two: one
///      ending at `1 weeks` and one starting at 0. Holidays close whole UTC days (a session crossing midnight UTC
///      is closed only for its part on the holiday).
///      Every read runs the sequencer uptime check first, when configured (ChainlinkFeedLib's `Sequencer*`
///      errors), then:
///      - open: the feed with every check against `heartbeat` (ChainlinkFeedLib's `Feed*` errors), normalised to
///        18 decimals (saturating up, rounding down); `updatedAt` is the feed's.
///      - closed: the feed is not read (a closed market's feed is expected to be stale). With no recorded close
///        it reverts `NoLastClose`. If the off-hours price was set after the last close was recorded, it must be
///        at most `offHoursHeartbeat` seconds old (else `OffHoursPriceStale`) and the price is
///        `clamp(offHoursPrice, lastClose - delta, lastClose + delta)` with `delta = floor(lastClose * band / 1e18)`;
///        `updatedAt` is when it was set. Otherwise the price is `lastClose`, `updatedAt` the feed's time of that
///        close.
///      Either way the result must lie in `[minPrice, maxPrice]` (inclusive), else `PriceOutOfBounds`.
///      The last close: `price()` is a view and cannot store it, so `checkpoint()` (permissionless) records the
///      in-hours price as the last close whenever it is called while the market is open. The engine and keepers
///      call it; keepers must call it near every session's end so the close is the session's last price.
///      The price bounds (IOracleAdapterBase) apply to the price read, in hours and off hours. The errors this
///      adapter shares with the other kinds (`ZeroAddress`, `InvalidHeartbeat`, `InvalidGracePeriod`,
///      `InvalidPriceBounds`, `UnsupportedFeedDecimals`, `PriceOutOfBounds`) and the `Sequencer*` errors are
///      declared once in CommonErrors.sol.
interface IMarketHoursOracleAdapter is IOracleAdapterBase {
    // ---------------------------------------------------------------- types
    /// @notice One weekly trading session, `[open, close)` in seconds from Monday 00:00 UTC.
    /// @param open First open second, `< close`.
    /// @param close First closed second, `<= 1 weeks`.
    struct Session {
        uint256 open;
        uint256 close;
    }

    /// @notice Off-hours parameters as given to the constructor.
    /// @param pricer The off-hours pricer (zero: none, the off-hours price is then always the last close).
    /// @param band Largest distance of the off-hours price from the last close, 18-decimal fraction, `<= MAX_BAND`.
    /// @param heartbeat Largest age of the off-hours price, seconds, in `[1, MAX_HEARTBEAT]`.
    struct OffHoursConfig {
        address pricer;
        uint256 band;
        uint256 heartbeat;
    }

    // ---------------------------------------------------------------- errors: reads
    /// @notice The market is closed and no close has been recorded yet (call `checkpoint()` during hours).
    error NoLastClose();
    /// @notice The off-hours price is older than its heartbeat (`currentTime - setAt > heartbeat`).
    /// @param setAt When it was set.
    /// @param heartbeat The off-hours heartbeat, seconds.
    /// @param currentTime `block.timestamp`.
    error OffHoursPriceStale(uint256 setAt, uint256 heartbeat, uint256 currentTime);

    // ---------------------------------------------------------------- errors: off-hours pricer
    /// @notice Only the off-hours pricer may set the off-hours price.
    /// @param caller The rejected caller.
    error NotOffHoursPricer(address caller);
    /// @notice The off-hours price can only be set while the market is closed.
    error MarketOpen();
    /// @notice An off-hours price of 0 or above `MAX_PRICE_LIMIT` (also the hard upper bound of `maxPrice`).
    /// @param price The rejected price.
    error InvalidOffHoursPrice(uint256 price);

    // ---------------------------------------------------------------- errors: configuration
    /// @notice A band above `MAX_BAND`.
    /// @param band The rejected value, 18-decimal fraction.
    error InvalidBand(uint256 band);
    /// @notice A schedule with no session or more than `MAX_SESSIONS`.
    /// @param count The rejected number of sessions.
    error InvalidSessionCount(uint256 count);
    /// @notice A session with `open >= close`, `close > 1 weeks`, or starting before the previous one closed.
    /// @param index Its position in the schedule.
    /// @param open Its open second.
    /// @param close Its close second.
    error InvalidSession(uint256 index, uint256 open, uint256 close);
    /// @notice A holiday outside `[today, today + MAX_HOLIDAY_LEAD_DAYS]` (UTC day numbers).
    /// @param day The rejected day number.
    /// @param today `block.timestamp / 1 days`.
    error InvalidHoliday(uint256 day, uint256 today);

    // ---------------------------------------------------------------- events
    /// @notice A close was recorded by `checkpoint()`.
    /// @param price The in-hours price, 18 decimals.
    /// @param updatedAt The feed's update time of that price.
    event CloseRecorded(uint256 price, uint256 updatedAt);
    /// @notice The off-hours pricer set a price.
    /// @param price The submitted price, 18 decimals.
    /// @param clampedPrice What it reads as now (clamped to the last close ± band).
    event OffHoursPriceSet(uint256 price, uint256 clampedPrice);
    /// @notice The off-hours pricer changed (also emitted at construction); any stored off-hours price is cleared.
    /// @param pricer The new pricer (zero: none).
    event OffHoursPricerSet(address indexed pricer);
    /// @notice The feed's staleness limit changed (also emitted at construction).
    /// @param heartbeat New limit, seconds.
    event HeartbeatSet(uint256 heartbeat);
    /// @notice The off-hours price's age limit changed (also emitted at construction).
    /// @param heartbeat New limit, seconds.
    event OffHoursHeartbeatSet(uint256 heartbeat);
    /// @notice The off-hours band changed (also emitted at construction).
    /// @param band New band, 18-decimal fraction.
    event BandSet(uint256 band);
    /// @notice The sequencer uptime check was configured or removed (feed 0, grace 0 on removal).
    /// @param feed The sequencer uptime feed.
    /// @param gracePeriod Seconds after a restart during which reads revert.
    event SequencerSet(address indexed feed, uint256 gracePeriod);
    /// @notice The weekly schedule changed (also emitted at construction).
    /// @param sessions The new sessions.
    event SessionsSet(Session[] sessions);
    /// @notice A UTC day was declared closed or reopened.
    /// @param day The UTC day number (`timestamp / 1 days`).
    /// @param closed True: holiday.
    event HolidaySet(uint256 indexed day, bool closed);

    // ---------------------------------------------------------------- permissionless / pricer
    /// @notice While the market is open, record the in-hours price (every read check applies) as the last close.
    ///         While it is closed, do nothing.
    /// @return recorded Whether a close was recorded.
    function checkpoint() external returns (bool recorded);

    /// @notice Set the off-hours price (pricer only, market closed, a close recorded). It is clamped when read,
    ///         so a band change applies to it at once.
    /// @param price 18 decimals, in `(0, MAX_PRICE_LIMIT]`.
    function setOffHoursPrice(uint256 price) external;

    // ---------------------------------------------------------------- admin (owner only)
    /// @notice Replace the off-hours pricer and clear any off-hours price it set.
    /// @param pricer The new pricer; zero for none.
    function setOffHoursPricer(address pricer) external;

    /// @notice Set the feed's staleness limit (applies while open).
    /// @param heartbeat Seconds, in `[1, MAX_HEARTBEAT]`.
    function setHeartbeat(uint256 heartbeat) external;

    /// @notice Set the off-hours price's age limit.
    /// @param heartbeat Seconds, in `[1, MAX_HEARTBEAT]`.
    function setOffHoursHeartbeat(uint256 heartbeat) external;

    /// @notice Set the off-hours band around the last close.
    /// @param band 18-decimal fraction, `<= MAX_BAND` (0: the price is the last close).
    function setBand(uint256 band) external;

    /// @notice Configure the L2 sequencer uptime check (off until set).
    /// @param feed The sequencer uptime feed, non-zero (use `removeSequencer` to turn the check off).
    /// @param gracePeriod Seconds, `<= MAX_GRACE_PERIOD`; reads are valid once `now - startedAt > gracePeriod`.
    function setSequencer(AggregatorV3Interface feed, uint256 gracePeriod) external;

    /// @notice Turn the sequencer uptime check off.
    function removeSequencer() external;

    /// @notice Replace the weekly schedule.
    /// @param sessions 1 to `MAX_SESSIONS` sessions, increasing and non-overlapping (`close_i <= open_{i+1}`).
    function setSessions(Session[] calldata sessions) external;

    /// @notice Declare UTC days closed, or reopen them.
    /// @param dayNumbers UTC day numbers (`timestamp / 1 days`), each in `[today, today + MAX_HOLIDAY_LEAD_DAYS]`.
    /// @param closed True to close them, false to reopen them.
    function setHolidays(uint256[] calldata dayNumbers, bool closed) external;

    // ---------------------------------------------------------------- views
    /// @notice Whether the market is open now.
    function isOpen() external view returns (bool);

    /// @notice Whether the market is open at `timestamp` under the current schedule and holidays.
    /// @param timestamp Any timestamp.
    function isOpenAt(uint256 timestamp) external view returns (bool);

    /// @notice The weekly schedule.
    function sessions() external view returns (Session[] memory);

    /// @notice Whether a UTC day number is a declared holiday.
    /// @param day `timestamp / 1 days`.
    function isHoliday(uint256 day) external view returns (bool);

    /// @notice The last recorded close (all 0 before the first).
    /// @return price The close, 18 decimals.
    /// @return recordedAt When `checkpoint()` recorded it.
    /// @return updatedAt The feed's update time of that price.
    function lastClose() external view returns (uint256 price, uint256 recordedAt, uint256 updatedAt);

    /// @notice The stored off-hours price, unclamped (0 when none was set or it was cleared).
    /// @return price As submitted, 18 decimals.
    /// @return setAt When it was set.
    function offHoursPrice() external view returns (uint256 price, uint256 setAt);

    /// @notice The off-hours pricer (zero: none).
    function offHoursPricer() external view returns (address);

    /// @notice The off-hours band, 18-decimal fraction.
    function band() external view returns (uint256);

    /// @notice The feed's staleness limit, seconds.
    function heartbeat() external view returns (uint256);

    /// @notice The off-hours price's age limit, seconds.
    function offHoursHeartbeat() external view returns (uint256);

    /// @notice The Chainlink feed (fixed at construction).
    function feed() external view returns (AggregatorV3Interface);

    /// @notice The feed's decimals, read once at construction.
    function feedDecimals() external view returns (uint8);

    /// @notice The sequencer uptime check (feed zero: not configured).
    function sequencerConfig() external view returns (AggregatorV3Interface sequencerFeed, uint256 gracePeriod);

    /// @notice Hard upper bound of both heartbeats, seconds (2 days).
    function MAX_HEARTBEAT() external view returns (uint256);

    /// @notice Hard upper bound of the sequencer grace period, seconds (1 day).
    function MAX_GRACE_PERIOD() external view returns (uint256);

    /// @notice Hard upper bound of the band, 18-decimal fraction (0.2e18 = 20 %).
    function MAX_BAND() external view returns (uint256);

    /// @notice Largest number of weekly sessions (7).
    function MAX_SESSIONS() external view returns (uint256);

    /// @notice How many days ahead a holiday may be declared (730).
    function MAX_HOLIDAY_LEAD_DAYS() external view returns (uint256);
}
