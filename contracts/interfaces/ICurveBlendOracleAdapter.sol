// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IOracleAdapterBase} from "./IOracleAdapterBase.sol";

/// @title ICurveBlendOracleAdapter
/// @notice Kind-2 oracle adapter (SPEC §7): a blend of two dated-contract feeds (front, next) whose weight moves
///         linearly in time from the front to the next contract over a published roll window, so the index never
///         jumps at a known second: holding a position across the roll earns the published roll carry
///         `(next - front) / D` per second and per unit, never more.
/// @dev Roll schedule: `rollStart` (timestamp), `stepCount` N in `[1, MAX_STEP_COUNT]`, `stepDuration` in
///      `[MIN_STEP_DURATION, MAX_STEP_DURATION]` seconds. N and the step duration only size the window: the roll
///      lasts `D = N * stepDuration` seconds (N = 1 is a plain linear roll over one step duration).
///      - elapsed: `e(t) = clamp(t - rollStart, 0, D)`: 0 until `rollStart` (inclusive), `t - rollStart` during the
///        roll, D from `rollEnd = rollStart + D` on.
///      - weight of `next`: `w(t) = e(t) / D` (exact rational): 0 before and at `rollStart`, linear in between, 1
///        from `rollEnd` on (`nextWeightAt(t)` shows `e * 1e18 / D` rounded down, for display only).
///      - price: `floor((front * (D - e) + next * e) / D)` = `front * (1 - w) + next * w` rounded down once, so it
///        always lies between the two leg prices (inclusive), and at constant legs two reads `dt` seconds apart
///        differ by less than `|next - front| * dt / D + 1` wei (no jump beyond the carry).
///      Every read runs, in this order: the sequencer uptime check when configured (ChainlinkFeedLib's `Sequencer*`
///      errors); then each leg with a non-zero weight, front first: the feed checks against that leg's own heartbeat
///      (ChainlinkFeedLib's `Feed*` errors, carrying the failing feed's address), normalisation to 18 decimals
///      (saturating up, rounding down), and the bounds `[minPrice, maxPrice]` (inclusive) on the leg's price.
///      A leg with weight 0 (next until `rollStart` inclusive, front from `rollEnd` on) is not read at all, so an
///      unlisted next contract or an expired front contract cannot block the price. The blend of two in-bounds
///      legs is in bounds. `priceWithTime()` returns the older `updatedAt` of the legs that were read.
///      The price bounds (IOracleAdapterBase) apply to each leg's normalised price. The configuration errors this
///      adapter shares with the other kinds (`ZeroAddress`, `InvalidHeartbeat`, `InvalidGracePeriod`,
///      `InvalidPriceBounds`, `UnsupportedFeedDecimals`) and the `Sequencer*` errors are declared once in
///      CommonErrors.sol.
interface ICurveBlendOracleAdapter is IOracleAdapterBase {
    // ---------------------------------------------------------------- types
    /// @notice One leg as given to the constructor.
    /// @param feed The dated contract's Chainlink feed, non-zero, at most 36 decimals.
    /// @param heartbeat Its staleness limit, seconds, in `[1, MAX_HEARTBEAT]`.
    struct LegConfig {
        AggregatorV3Interface feed;
        uint256 heartbeat;
    }

    /// @notice A leg as stored.
    /// @param feed The feed.
    /// @param decimals Its decimals, read once when the feed was set.
    /// @param heartbeat Its staleness limit, seconds.
    struct LegInfo {
        AggregatorV3Interface feed;
        uint8 decimals;
        uint256 heartbeat;
    }

    /// @notice The published roll schedule: the weight of the next leg moves linearly from 0 at `rollStart` to 1 at
    ///         `rollStart + stepCount * stepDuration`.
    /// @param rollStart When the weight starts to move (timestamp; the weight is still 0 at this second).
    /// @param stepCount N, in `[1, MAX_STEP_COUNT]`: the roll lasts N step durations.
    /// @param stepDuration Seconds, in `[MIN_STEP_DURATION, MAX_STEP_DURATION]`.
    struct RollSchedule {
        uint256 rollStart;
        uint256 stepCount;
        uint256 stepDuration;
    }

    // ---------------------------------------------------------------- errors: reads
    /// @notice A leg's normalised price lies outside `[minPrice, maxPrice]`.
    /// @param feed The leg's feed.
    /// @param price The normalised price, 18 decimals.
    /// @param minPrice The lowest accepted price, 18 decimals.
    /// @param maxPrice The highest accepted price, 18 decimals.
    error PriceOutOfBounds(address feed, uint256 price, uint256 minPrice, uint256 maxPrice);

    // ---------------------------------------------------------------- errors: configuration
    /// @notice The front and the next leg would read the same feed.
    /// @param feed The repeated feed.
    error DuplicateFeed(address feed);
    /// @notice A step count outside `[1, MAX_STEP_COUNT]`.
    /// @param stepCount The rejected value.
    error InvalidStepCount(uint256 stepCount);
    /// @notice A step duration outside `[MIN_STEP_DURATION, MAX_STEP_DURATION]`.
    /// @param stepDuration The rejected value, seconds.
    error InvalidStepDuration(uint256 stepDuration);
    /// @notice A roll start that is not in `(currentTime, currentTime + MAX_ROLL_START_DELAY]`.
    /// @param rollStart The rejected timestamp.
    /// @param currentTime `block.timestamp`.
    error InvalidRollStart(uint256 rollStart, uint256 currentTime);
    /// @notice The schedule or the next feed cannot change once the roll has started (`currentTime >= rollStart`).
    /// @param rollStart The current roll's start.
    /// @param currentTime `block.timestamp`.
    error RollAlreadyStarted(uint256 rollStart, uint256 currentTime);
    /// @notice `advanceRoll` before the roll is complete (`currentTime < rollEnd`).
    /// @param rollEnd When the weight of the next leg reaches 1 (`rollStart + stepCount * stepDuration`).
    /// @param currentTime `block.timestamp`.
    error RollNotComplete(uint256 rollEnd, uint256 currentTime);

    // ---------------------------------------------------------------- events
    /// @notice The legs' staleness limits changed (also emitted at construction and by `advanceRoll`).
    /// @param frontHeartbeat The front leg's limit, seconds.
    /// @param nextHeartbeat The next leg's limit, seconds.
    event HeartbeatsSet(uint256 frontHeartbeat, uint256 nextHeartbeat);
    /// @notice The sequencer uptime check was configured or removed (feed 0, grace 0 on removal).
    /// @param feed The sequencer uptime feed.
    /// @param gracePeriod Seconds after a restart during which reads revert.
    event SequencerSet(address indexed feed, uint256 gracePeriod);
    /// @notice The roll schedule changed (also emitted at construction and by `advanceRoll`).
    /// @param rollStart When the weight starts to move.
    /// @param stepCount N (the roll lasts N step durations).
    /// @param stepDuration Seconds.
    event RollScheduleSet(uint256 rollStart, uint256 stepCount, uint256 stepDuration);
    /// @notice The legs' feeds changed (emitted at construction, by `setNextFeed` and by `advanceRoll`).
    /// @param front The front leg's feed.
    /// @param next The next leg's feed.
    /// @param frontDecimals The front feed's decimals.
    /// @param nextDecimals The next feed's decimals.
    event LegsSet(address indexed front, address indexed next, uint8 frontDecimals, uint8 nextDecimals);

    // ---------------------------------------------------------------- admin (owner only)
    /// @notice Set both legs' staleness limits.
    /// @param frontHeartbeat Seconds, in `[1, MAX_HEARTBEAT]`.
    /// @param nextHeartbeat Seconds, in `[1, MAX_HEARTBEAT]`.
    function setHeartbeats(uint256 frontHeartbeat, uint256 nextHeartbeat) external;

    /// @notice Configure the L2 sequencer uptime check (off until set).
    /// @param feed The sequencer uptime feed, non-zero (use `removeSequencer` to turn the check off).
    /// @param gracePeriod Seconds, `<= MAX_GRACE_PERIOD`; reads are valid once `now - startedAt > gracePeriod`.
    function setSequencer(AggregatorV3Interface feed, uint256 gracePeriod) external;

    /// @notice Turn the sequencer uptime check off.
    function removeSequencer() external;

    /// @notice Republish the roll schedule; only before the current roll has started.
    /// @param rollStart In `(now, now + MAX_ROLL_START_DELAY]`.
    /// @param stepCount In `[1, MAX_STEP_COUNT]`.
    /// @param stepDuration Seconds, in `[MIN_STEP_DURATION, MAX_STEP_DURATION]`.
    function setRollSchedule(uint256 rollStart, uint256 stepCount, uint256 stepDuration) external;

    /// @notice Replace the next leg's feed (keeping its heartbeat); only before the current roll has started.
    /// @param feed Non-zero, not the front feed, at most 36 decimals.
    function setNextFeed(AggregatorV3Interface feed) external;

    /// @notice Once the roll is complete (from `rollEnd` on): the next leg becomes the front leg (feed, decimals and
    ///         heartbeat), and `newNextFeed` the next leg, with the previous next leg's heartbeat; the schedule keeps N
    ///         and the step duration and starts at `newRollStart`. The price is continuous across the call (before
    ///         it the price is the next leg's, after it the front leg's: the same feed).
    /// @param newNextFeed Non-zero, not the new front feed, at most 36 decimals.
    /// @param newRollStart In `(now, now + MAX_ROLL_START_DELAY]`.
    function advanceRoll(AggregatorV3Interface newNextFeed, uint256 newRollStart) external;

    // ---------------------------------------------------------------- views
    /// @notice The front leg (the expiring contract).
    function frontLeg() external view returns (LegInfo memory);

    /// @notice The next leg (the contract rolled into).
    function nextLeg() external view returns (LegInfo memory);

    /// @notice The published roll schedule.
    function rollSchedule() external view returns (RollSchedule memory);

    /// @notice When the roll is complete (weight of the next leg 1, `advanceRoll` allowed):
    ///         `rollStart + stepCount * stepDuration`.
    function rollEnd() external view returns (uint256);

    /// @notice D, the length of the roll window in seconds: `stepCount * stepDuration`.
    function rollDuration() external view returns (uint256);

    /// @notice e, the seconds of the roll elapsed at `timestamp`: `clamp(timestamp - rollStart, 0, D)` (the price
    ///         uses this exact value).
    /// @param timestamp Any timestamp.
    function rollElapsedAt(uint256 timestamp) external view returns (uint256);

    /// @notice The next leg's weight at `timestamp` under the current schedule, `e * 1e18 / D` rounded down
    ///         (display only; the price uses the exact ratio e / D).
    /// @param timestamp Any timestamp.
    function nextWeightAt(uint256 timestamp) external view returns (uint256);

    /// @notice The next leg's weight now: `nextWeightAt(block.timestamp)`.
    function nextWeight() external view returns (uint256);

    /// @notice The sequencer uptime check (feed zero: not configured).
    function sequencerConfig() external view returns (AggregatorV3Interface feed, uint256 gracePeriod);

    /// @notice Hard upper bound of each heartbeat, seconds (2 days).
    function MAX_HEARTBEAT() external view returns (uint256);

    /// @notice Hard upper bound of the sequencer grace period, seconds (1 day).
    function MAX_GRACE_PERIOD() external view returns (uint256);

    /// @notice Hard upper bound of the step count (30).
    function MAX_STEP_COUNT() external view returns (uint256);

    /// @notice Hard lower bound of the step duration, seconds (1 hour).
    function MIN_STEP_DURATION() external view returns (uint256);

    /// @notice Hard upper bound of the step duration, seconds (7 days).
    function MAX_STEP_DURATION() external view returns (uint256);

    /// @notice How far ahead a roll start may be set, seconds (365 days).
    function MAX_ROLL_START_DELAY() external view returns (uint256);
}
