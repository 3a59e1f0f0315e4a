// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {
    InvalidGracePeriod,
    InvalidHeartbeat,
    SequencerDown,
    SequencerGracePeriodNotOver,
    SequencerStatusInvalid,
    UnsupportedFeedDecimals,
    ZeroAddress
} from "../interfaces/CommonErrors.sol";
import {MAX_FEED_HEARTBEAT, MAX_SEQUENCER_GRACE_PERIOD, USD_DECIMALS} from "../libraries/Constants.sol";

/// @title ChainlinkFeedLib
/// @notice The per-feed safety checks shared by every Chainlink-based oracle adapter (SPEC §7): answer > 0,
///         `updatedAt` not 0 and not in the future, heartbeat staleness, decimals normalisation to 18, and the
///         L2 sequencer uptime check.
/// @dev Each check exists in two forms:
///      - a status function (`feedStatus`, `sequencerStatus`) that only classifies, for adapters that report
///        failures with their own errors (the kind-1 adapter keeps its historical error selectors this way);
///      - a reverting function (`readChecked`, `readPrice`, `checkSequencer`, `feedDecimals`) that reports with
///        this library's errors. The feed errors carry the feed's address, so an adapter reading several feeds
///        tells which one failed.
///      Definitions (identical in both forms):
///      - non-positive: `answer <= 0`; incomplete round: `updatedAt == 0`; future: `updatedAt > block.timestamp`;
///      - stale: `block.timestamp - updatedAt > heartbeat` (age == heartbeat is still fresh);
///      - sequencer: the round is invalid when `startedAt == 0`, `startedAt > block.timestamp` or the answer is
///        neither 0 (up) nor 1 (down); then down (answer 1); then in its grace period while
///        `block.timestamp - startedAt <= gracePeriod`.
///      Checks run in the order listed; the first failure wins. The sequencer, decimals and configuration errors
///      are the shared ones of CommonErrors.sol (an adapter reverting with them lists them once in its ABI); the
///      `Feed*` errors are this library's.
library ChainlinkFeedLib {
    /// @notice Largest feed decimals the adapters normalise.
    uint8 internal constant MAX_DECIMALS = 36;
    /// @notice Decimals of every normalised price.
    uint8 internal constant PRICE_DECIMALS = USD_DECIMALS;

    /// @dev Chainlink sequencer uptime feed answers.
    int256 private constant SEQUENCER_UP = 0;
    int256 private constant SEQUENCER_DOWN = 1;

    /// @notice Outcome of the per-feed checks on one round.
    enum FeedStatus {
        Ok,
        NonPositiveAnswer,
        ZeroUpdatedAt,
        UpdatedAtInFuture,
        Stale
    }

    /// @notice Outcome of the sequencer uptime check.
    enum SequencerStatus {
        Up,
        Invalid,
        Down,
        GracePeriodNotOver
    }

    /// @notice `feed` answered zero or a negative number.
    /// @param feed The feed.
    /// @param answer Its raw answer.
    error FeedNonPositiveAnswer(address feed, int256 answer);
    /// @notice `feed`'s round has no update time (incomplete round).
    /// @param feed The feed.
    error FeedZeroUpdatedAt(address feed);
    /// @notice `feed`'s update time is later than the current block.
    /// @param feed The feed.
    /// @param updatedAt Its update timestamp.
    /// @param currentTime `block.timestamp`.
    error FeedUpdatedAtInFuture(address feed, uint256 updatedAt, uint256 currentTime);
    /// @notice `feed` is older than its heartbeat (`currentTime - updatedAt > heartbeat`).
    /// @param feed The feed.
    /// @param updatedAt Its update timestamp.
    /// @param heartbeat The staleness limit configured for it, seconds.
    /// @param currentTime `block.timestamp`.
    error FeedStalePrice(address feed, uint256 updatedAt, uint256 heartbeat, uint256 currentTime);

    // ------------------------------------------------------------------ feeds: classify

    /// @notice Classify one round against `heartbeat` (see the library's definitions).
    function feedStatus(int256 answer, uint256 updatedAt, uint256 heartbeat) internal view returns (FeedStatus) {
        if (answer <= 0) return FeedStatus.NonPositiveAnswer;
        if (updatedAt == 0) return FeedStatus.ZeroUpdatedAt;
        if (updatedAt > block.timestamp) return FeedStatus.UpdatedAtInFuture;
        if (block.timestamp - updatedAt > heartbeat) return FeedStatus.Stale;
        return FeedStatus.Ok;
    }

    // ------------------------------------------------------------------ feeds: revert

    /// @notice The feed's checked raw answer and update time; reverts with this library's `Feed*` errors. The
    ///         deprecated round ids are ignored; staleness is judged by `updatedAt` alone.
    function readChecked(
        AggregatorV3Interface feed,
        uint256 heartbeat
    ) internal view returns (uint256 answer, uint256 updatedAt) {
        int256 raw;
        (, raw,, updatedAt,) = feed.latestRoundData();
        FeedStatus status = feedStatus(raw, updatedAt, heartbeat);
        if (status != FeedStatus.Ok) {
            if (status == FeedStatus.NonPositiveAnswer) revert FeedNonPositiveAnswer(address(feed), raw);
            if (status == FeedStatus.ZeroUpdatedAt) revert FeedZeroUpdatedAt(address(feed));
            if (status == FeedStatus.UpdatedAtInFuture) {
                revert FeedUpdatedAtInFuture(address(feed), updatedAt, block.timestamp);
            }
            revert FeedStalePrice(address(feed), updatedAt, heartbeat, block.timestamp);
        }
        answer = uint256(raw);
    }

    /// @notice `readChecked`, then the answer normalised from `decimals` to 18 decimals.
    function readPrice(
        AggregatorV3Interface feed,
        uint256 heartbeat,
        uint8 decimals
    ) internal view returns (uint256 price18, uint256 updatedAt) {
        uint256 answer;
        (answer, updatedAt) = readChecked(feed, heartbeat);
        price18 = normalise(answer, decimals);
    }

    /// @notice The feed's decimals; reverts `UnsupportedFeedDecimals` above `MAX_DECIMALS`.
    function feedDecimals(AggregatorV3Interface feed) internal view returns (uint8 decimals) {
        decimals = feed.decimals();
        if (decimals > MAX_DECIMALS) revert UnsupportedFeedDecimals(address(feed), decimals);
    }

    // ------------------------------------------------------------------ normalisation

    /// @notice `answer` in `decimals` → 18 decimals. Scaling up saturates at `type(uint256).max` (which always
    ///         fails an adapter's max bound, since every `maxPrice <= 1e36`); scaling down rounds toward zero.
    function normalise(uint256 answer, uint8 decimals) internal pure returns (uint256) {
        if (decimals < PRICE_DECIMALS) return Math.saturatingMul(answer, uint256(10) ** (PRICE_DECIMALS - decimals));
        if (decimals > PRICE_DECIMALS) return answer / uint256(10) ** (decimals - PRICE_DECIMALS);
        return answer;
    }

    // ------------------------------------------------------------------ sequencer

    /// @notice Classify the sequencer uptime feed's latest round (see the library's definitions).
    /// @return status The outcome.
    /// @return startedAt When the status last changed, as reported.
    function sequencerStatus(
        AggregatorV3Interface feed,
        uint256 gracePeriod
    ) internal view returns (SequencerStatus status, uint256 startedAt) {
        int256 answer;
        (, answer, startedAt,,) = feed.latestRoundData();
        // startedAt == 0 is an uninitialised round (Chainlink's guidance); a future startedAt is equally unusable.
        if (startedAt == 0 || startedAt > block.timestamp || (answer != SEQUENCER_UP && answer != SEQUENCER_DOWN)) {
            return (SequencerStatus.Invalid, startedAt);
        }
        if (answer == SEQUENCER_DOWN) return (SequencerStatus.Down, startedAt);
        if (block.timestamp - startedAt <= gracePeriod) return (SequencerStatus.GracePeriodNotOver, startedAt);
        return (SequencerStatus.Up, startedAt);
    }

    /// @notice Revert with this library's `Sequencer*` errors unless the sequencer is up past its grace period;
    ///         a zero `feed` means "not configured" and passes.
    function checkSequencer(AggregatorV3Interface feed, uint256 gracePeriod) internal view {
        if (address(feed) == address(0)) return;
        (SequencerStatus status, uint256 startedAt) = sequencerStatus(feed, gracePeriod);
        if (status == SequencerStatus.Up) return;
        if (status == SequencerStatus.Invalid) revert SequencerStatusInvalid();
        if (status == SequencerStatus.Down) revert SequencerDown();
        revert SequencerGracePeriodNotOver(startedAt, gracePeriod);
    }

    // ------------------------------------------------------------------ configuration

    /// @notice Reverts `InvalidHeartbeat` unless `heartbeat` is in `[1, MAX_FEED_HEARTBEAT]` seconds.
    function checkHeartbeat(uint256 heartbeat) internal pure {
        if (heartbeat == 0 || heartbeat > MAX_FEED_HEARTBEAT) revert InvalidHeartbeat(heartbeat);
    }

    /// @notice Reverts `ZeroAddress` for a zero sequencer uptime feed (an adapter turns the check off with its own
    ///         `removeSequencer`) and `InvalidGracePeriod` above `MAX_SEQUENCER_GRACE_PERIOD`.
    function checkSequencerConfig(AggregatorV3Interface feed, uint256 gracePeriod) internal pure {
        if (address(feed) == address(0)) revert ZeroAddress();
        if (gracePeriod > MAX_SEQUENCER_GRACE_PERIOD) revert InvalidGracePeriod(gracePeriod);
    }
}
