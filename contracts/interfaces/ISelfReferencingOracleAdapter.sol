// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapterBase} from "./IOracleAdapterBase.sol";

/// @title ISelfReferencingOracleAdapter
/// @notice Kind-4 oracle adapter (SPEC §7), "hyperp": no external feed; the index is an EMA of the market's own
///         mark price, for pre-launch markets.
/// @dev State: `emaPrice` and `lastUpdate`. The observer (the engine) calls `observe(mark)`, which
///      1. clamps the mark: `m' = clamp(mark, ema - d, min(ema + d, MAX_PRICE_LIMIT))`,
///         `d = floor(ema * maxMovePerObservation / 1e18)`;
///      2. advances the EMA over `dt = now - lastUpdate` with the protocol's fair-price weight:
///         `ema = m' + (ema - m') * w(dt, tau)`, `w = FairPriceMath.decayWeightDown` (1 / (1 + x + x²/2 + x³/6),
///         x = dt / tau, rounded down), the product truncated toward `m'` (`FairPriceMath.fairPrice`);
///      3. sets `lastUpdate = now`.
///      So each observation moves the index by at most `maxMovePerObservation` of its value, the new EMA lies
///      between the old EMA and `m'`, a second observation in the same block (dt = 0, w = 1) changes nothing, and
///      the EMA stays in `[1, MAX_PRICE_LIMIT]`.
///      `price()` returns the stored EMA as of the last observation; it is not decayed lazily toward the last mark
///      (the observation formula already applies each mark over the interval before it, so a lazy decay would
///      count that mark twice). Reads revert `IndexStale` when `now - lastUpdate > maxAge` (so a dead market goes
///      reduce-only through the engine's oracle-failure handling), then `PriceOutOfBounds` outside
///      `[minPrice, maxPrice]`. `priceWithTime()` returns `lastUpdate` as the time.
///      The price bounds (IOracleAdapterBase) apply to the EMA read; `MAX_PRICE_LIMIT` also caps the EMA itself.
///      `PriceOutOfBounds` and `InvalidPriceBounds` are declared once, in CommonErrors.sol.
interface ISelfReferencingOracleAdapter is IOracleAdapterBase {
    // ---------------------------------------------------------------- types
    /// @notice The EMA's parameters as given to the constructor.
    /// @param tau The EMA time constant, seconds, in `[MIN_TAU, MAX_TAU]`.
    /// @param maxMovePerObservation Largest move of the input mark from the EMA, 18-decimal fraction, in
    ///        `(0, MAX_MOVE_LIMIT]`.
    /// @param maxAge Largest time without an observation before reads revert, seconds, in
    ///        `[MIN_MAX_AGE, MAX_MAX_AGE]`.
    struct EmaConfig {
        uint256 tau;
        uint256 maxMovePerObservation;
        uint256 maxAge;
    }

    // ---------------------------------------------------------------- errors: reads
    /// @notice No observation for longer than `maxAge` (`currentTime - lastUpdate > maxAge`).
    /// @param lastUpdate The last observation's time.
    /// @param maxAge The limit, seconds.
    /// @param currentTime `block.timestamp`.
    error IndexStale(uint256 lastUpdate, uint256 maxAge, uint256 currentTime);

    // ---------------------------------------------------------------- errors: observer
    /// @notice Only the observer may observe.
    /// @param caller The rejected caller.
    error NotObserver(address caller);

    // ---------------------------------------------------------------- errors: configuration
    /// @notice An initial price outside `[minPrice, maxPrice]`.
    /// @param price The rejected price.
    error InvalidInitialPrice(uint256 price);
    /// @notice A time constant outside `[MIN_TAU, MAX_TAU]`.
    /// @param tau The rejected value, seconds.
    error InvalidTau(uint256 tau);
    /// @notice A per-observation move limit outside `(0, MAX_MOVE_LIMIT]`.
    /// @param maxMovePerObservation The rejected value, 18-decimal fraction.
    error InvalidMaxMove(uint256 maxMovePerObservation);
    /// @notice A staleness limit outside `[MIN_MAX_AGE, MAX_MAX_AGE]`.
    /// @param maxAge The rejected value, seconds.
    error InvalidMaxAge(uint256 maxAge);

    // ---------------------------------------------------------------- events
    /// @notice The index started at `price` (construction).
    /// @param price The initial EMA, 18 decimals.
    event IndexInitialised(uint256 price);
    /// @notice An observation advanced the EMA.
    /// @param mark The mark as given.
    /// @param clampedMark The mark after the per-observation clamp.
    /// @param emaPrice The new EMA.
    event Observed(uint256 mark, uint256 clampedMark, uint256 emaPrice);
    /// @notice The observer changed (also emitted at construction).
    /// @param observer The new observer (zero: none; the index then goes stale after `maxAge`).
    event ObserverSet(address indexed observer);
    /// @notice The time constant changed (also emitted at construction).
    /// @param tau New value, seconds.
    event TauSet(uint256 tau);
    /// @notice The per-observation move limit changed (also emitted at construction).
    /// @param maxMovePerObservation New value, 18-decimal fraction.
    event MaxMoveSet(uint256 maxMovePerObservation);
    /// @notice The staleness limit changed (also emitted at construction).
    /// @param maxAge New value, seconds.
    event MaxAgeSet(uint256 maxAge);

    // ---------------------------------------------------------------- observer
    /// @notice Advance the EMA with the market's current mark (observer only; see the interface's definition).
    ///         Never reverts for the observer: any mark, even 0, is clamped.
    /// @param markPrice The mark price, 18 decimals.
    /// @return emaPrice The new EMA.
    function observe(uint256 markPrice) external returns (uint256 emaPrice);

    // ---------------------------------------------------------------- admin (owner only)
    /// @notice Set the observer.
    /// @param observer The new observer; zero for none.
    function setObserver(address observer) external;

    /// @notice Set the EMA time constant (applies from the next observation).
    /// @param tau Seconds, in `[MIN_TAU, MAX_TAU]`.
    function setTau(uint256 tau) external;

    /// @notice Set the per-observation move limit.
    /// @param maxMovePerObservation 18-decimal fraction in `(0, MAX_MOVE_LIMIT]`.
    function setMaxMovePerObservation(uint256 maxMovePerObservation) external;

    /// @notice Set the staleness limit.
    /// @param maxAge Seconds, in `[MIN_MAX_AGE, MAX_MAX_AGE]`.
    function setMaxAge(uint256 maxAge) external;

    // ---------------------------------------------------------------- views
    /// @notice What `observe(markPrice)` would produce now (no staleness or bounds check).
    /// @param markPrice The mark price, 18 decimals.
    /// @return emaPrice The EMA after the observation.
    /// @return clampedMark The mark after the per-observation clamp.
    function previewObserve(uint256 markPrice) external view returns (uint256 emaPrice, uint256 clampedMark);

    /// @notice The stored EMA, 18 decimals (unchecked: no staleness or bounds check).
    function emaPrice() external view returns (uint256);

    /// @notice The last observation's time (the construction time before the first).
    function lastUpdate() external view returns (uint256);

    /// @notice The observer (zero: none).
    function observer() external view returns (address);

    /// @notice The EMA time constant, seconds.
    function tau() external view returns (uint256);

    /// @notice The per-observation move limit, 18-decimal fraction.
    function maxMovePerObservation() external view returns (uint256);

    /// @notice The staleness limit, seconds.
    function maxAge() external view returns (uint256);

    /// @notice Hard lower bound of tau, seconds (1 minute).
    function MIN_TAU() external view returns (uint256);

    /// @notice Hard upper bound of tau, seconds (7 days).
    function MAX_TAU() external view returns (uint256);

    /// @notice Hard upper bound of the per-observation move, 18-decimal fraction (0.1e18 = 10 %).
    function MAX_MOVE_LIMIT() external view returns (uint256);

    /// @notice Hard lower bound of the staleness limit, seconds (1 minute).
    function MIN_MAX_AGE() external view returns (uint256);

    /// @notice Hard upper bound of the staleness limit, seconds (7 days).
    function MAX_MAX_AGE() external view returns (uint256);
}
