// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IOracleAdapterBase} from "./IOracleAdapterBase.sol";

/// @title IChainlinkOracleAdapter
/// @notice Kind-1 oracle adapter (SPEC §7): one spot Chainlink AggregatorV3 feed, normalised to 18 decimals, with
///         staleness, timestamp, bounds, optional L2 sequencer uptime and optional second-source deviation checks.
/// @dev Every read (`price()`, `priceWithTime()`) runs, in this order:
///      1. the sequencer uptime feed, when configured: the status must be valid (`startedAt != 0`, not in the
///         future, answer 0 or 1), up (answer 0) and up for longer than the grace period
///         (`block.timestamp - startedAt > gracePeriod`);
///      2. the primary feed: answer > 0, `updatedAt != 0`, `updatedAt <= block.timestamp`,
///         `block.timestamp - updatedAt <= heartbeat` (age == heartbeat is still fresh);
///      3. the normalised primary price within `[minPrice, maxPrice]` (both inclusive);
///      4. the secondary feed, when configured: the same feed checks as the primary against its own heartbeat,
///         reported with the `Secondary*` errors, then `deviation <= maxDeviation` where
///         `deviation = ceil(|primary - secondary| * 1e18 / secondary)` (relative to the secondary price).
///      Normalisation: `answer * 10^(18 - decimals)` for decimals < 18 (saturating at `type(uint256).max`, which
///      always fails the max bound since `maxPrice <= MAX_PRICE_LIMIT`), `answer / 10^(decimals - 18)` rounded
///      down for decimals > 18. Feeds with more than 36 decimals are refused.
///      The price bounds (IOracleAdapterBase) apply to the normalised primary price. The errors this adapter shares
///      with the other kinds (`ZeroAddress`, `InvalidHeartbeat`, `InvalidGracePeriod`, `InvalidPriceBounds`,
///      `UnsupportedFeedDecimals`, `PriceOutOfBounds`, `Sequencer*`) are declared once in CommonErrors.sol.
interface IChainlinkOracleAdapter is IOracleAdapterBase {
    // ---------------------------------------------------------------- types
    /// @notice The optional L2 sequencer uptime feed.
    /// @param feed Chainlink sequencer uptime feed (answer 0 = up, 1 = down); zero address: not configured.
    /// @param gracePeriod Seconds the sequencer must have been up before prices are trusted again.
    struct SequencerConfig {
        AggregatorV3Interface feed;
        uint256 gracePeriod;
    }

    /// @notice The optional second price source checked against the primary.
    /// @param feed Second AggregatorV3 feed for the same pair; zero address: not configured.
    /// @param heartbeat The second feed's own staleness limit, seconds.
    /// @param maxDeviation Largest accepted `|primary - secondary| / secondary`, 18-decimal fraction (0.02e18 = 2 %).
    struct SecondaryConfig {
        AggregatorV3Interface feed;
        uint256 heartbeat;
        uint256 maxDeviation;
    }

    // ---------------------------------------------------------------- errors: reads
    /// @notice The primary feed answered zero or a negative number.
    /// @param answer The feed's raw answer.
    error NonPositiveAnswer(int256 answer);
    /// @notice The primary feed's round has no update time (incomplete round).
    error ZeroUpdatedAt();
    /// @notice The primary feed's update time is later than the current block.
    /// @param updatedAt The feed's update timestamp.
    /// @param currentTime `block.timestamp`.
    error UpdatedAtInFuture(uint256 updatedAt, uint256 currentTime);
    /// @notice The primary feed is older than its heartbeat (`currentTime - updatedAt > heartbeat`).
    /// @param updatedAt The feed's update timestamp.
    /// @param heartbeat The configured staleness limit, seconds.
    /// @param currentTime `block.timestamp`.
    error StalePrice(uint256 updatedAt, uint256 heartbeat, uint256 currentTime);
    /// @notice The second source answered zero or a negative number.
    /// @param answer The second feed's raw answer.
    error SecondaryNonPositiveAnswer(int256 answer);
    /// @notice The second source's round has no update time (incomplete round).
    error SecondaryZeroUpdatedAt();
    /// @notice The second source's update time is later than the current block.
    /// @param updatedAt The second feed's update timestamp.
    /// @param currentTime `block.timestamp`.
    error SecondaryUpdatedAtInFuture(uint256 updatedAt, uint256 currentTime);
    /// @notice The second source is older than its own heartbeat.
    /// @param updatedAt The second feed's update timestamp.
    /// @param heartbeat The second feed's staleness limit, seconds.
    /// @param currentTime `block.timestamp`.
    error SecondaryStalePrice(uint256 updatedAt, uint256 heartbeat, uint256 currentTime);
    /// @notice The primary and the second source disagree by more than the band.
    /// @param primary The normalised primary price, 18 decimals.
    /// @param secondary The normalised second-source price, 18 decimals.
    /// @param deviation `ceil(|primary - secondary| * 1e18 / secondary)`; `type(uint256).max` when secondary is 0.
    /// @param maxDeviation The configured band, 18-decimal fraction.
    error PriceDeviationTooHigh(uint256 primary, uint256 secondary, uint256 deviation, uint256 maxDeviation);

    // ---------------------------------------------------------------- errors: configuration
    /// @notice A deviation band outside `(0, MAX_DEVIATION_LIMIT]`.
    /// @param maxDeviation The rejected value, 18-decimal fraction.
    error InvalidMaxDeviation(uint256 maxDeviation);

    // ---------------------------------------------------------------- events
    /// @notice The primary feed's staleness limit changed (also emitted at construction).
    /// @param heartbeat New limit, seconds.
    event HeartbeatSet(uint256 heartbeat);
    /// @notice The sequencer uptime check was configured or removed (feed 0, grace 0 on removal).
    /// @param feed The sequencer uptime feed.
    /// @param gracePeriod Seconds after a restart during which reads revert.
    event SequencerSet(address indexed feed, uint256 gracePeriod);
    /// @notice The second source was configured or removed (all fields 0 on removal).
    /// @param feed The second feed.
    /// @param decimals Its decimals, read once here.
    /// @param heartbeat Its staleness limit, seconds.
    /// @param maxDeviation The deviation band, 18-decimal fraction.
    event SecondarySet(address indexed feed, uint8 decimals, uint256 heartbeat, uint256 maxDeviation);

    // ---------------------------------------------------------------- admin (owner only)
    /// @notice Set the primary feed's staleness limit.
    /// @param heartbeat Seconds, in `[1, MAX_HEARTBEAT]`.
    function setHeartbeat(uint256 heartbeat) external;

    /// @notice Configure the L2 sequencer uptime check.
    /// @param feed The sequencer uptime feed, non-zero (use `removeSequencer` to turn the check off).
    /// @param gracePeriod Seconds, `<= MAX_GRACE_PERIOD`; reads are valid once `now - startedAt > gracePeriod`.
    function setSequencer(AggregatorV3Interface feed, uint256 gracePeriod) external;

    /// @notice Turn the sequencer uptime check off (for an L1 deployment).
    function removeSequencer() external;

    /// @notice Configure the second source; its decimals are read once, here.
    /// @param feed The second feed, non-zero, with at most 36 decimals (use `removeSecondary` to turn it off).
    /// @param heartbeat Its staleness limit, seconds, in `[1, MAX_HEARTBEAT]`.
    /// @param maxDeviation The band, 18-decimal fraction in `(0, MAX_DEVIATION_LIMIT]`.
    function setSecondary(AggregatorV3Interface feed, uint256 heartbeat, uint256 maxDeviation) external;

    /// @notice Turn the second-source deviation check off.
    function removeSecondary() external;

    // ---------------------------------------------------------------- views
    /// @notice The primary Chainlink feed (fixed at construction).
    function primaryFeed() external view returns (AggregatorV3Interface);

    /// @notice The primary feed's decimals, read once at construction.
    function primaryDecimals() external view returns (uint8);

    /// @notice The primary feed's staleness limit, seconds.
    function heartbeat() external view returns (uint256);

    /// @notice The sequencer uptime check (feed zero: not configured).
    function sequencerConfig() external view returns (SequencerConfig memory);

    /// @notice The second source (feed zero: not configured).
    function secondaryConfig() external view returns (SecondaryConfig memory);

    /// @notice The second feed's decimals, read when it was set (0 when not configured).
    function secondaryDecimals() external view returns (uint8);

    /// @notice Hard upper bound of every heartbeat, seconds (2 days).
    function MAX_HEARTBEAT() external view returns (uint256);

    /// @notice Hard upper bound of the sequencer grace period, seconds (1 day).
    function MAX_GRACE_PERIOD() external view returns (uint256);

    /// @notice Hard upper bound of the deviation band, 18-decimal fraction (0.5e18 = 50 %).
    function MAX_DEVIATION_LIMIT() external view returns (uint256);

    /// @notice Largest feed decimals the adapter normalises (36).
    function MAX_FEED_DECIMALS() external view returns (uint8);
}
