// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {ISelfReferencingOracleAdapter} from "../interfaces/ISelfReferencingOracleAdapter.sol";
import {WAD} from "../libraries/Constants.sol";
import {FairPriceMath} from "../libraries/FairPriceMath.sol";
import {OracleAdapterBase} from "./OracleAdapterBase.sol";

/// @title SelfReferencingOracleAdapter
/// @notice Kind-4 oracle adapter ("hyperp"): the index is an EMA of the market's own mark, advanced by the
///         observer (the engine) with the protocol's fair-price weight (SPEC §3, §7).
/// @dev Definitions, order of checks and rounding: see ISelfReferencingOracleAdapter. The owner (two-step) sets
///      the observer, tau, the per-observation move limit, the staleness limit and the bounds (OracleAdapterBase)
///      within hard bounds.
contract SelfReferencingOracleAdapter is ISelfReferencingOracleAdapter, OracleAdapterBase {
    /// @inheritdoc ISelfReferencingOracleAdapter
    uint256 public constant MIN_TAU = 1 minutes;
    /// @inheritdoc ISelfReferencingOracleAdapter
    uint256 public constant MAX_TAU = 7 days;
    /// @inheritdoc ISelfReferencingOracleAdapter
    uint256 public constant MAX_MOVE_LIMIT = 0.1e18;
    /// @inheritdoc ISelfReferencingOracleAdapter
    uint256 public constant MIN_MAX_AGE = 1 minutes;
    /// @inheritdoc ISelfReferencingOracleAdapter
    uint256 public constant MAX_MAX_AGE = 7 days;

    /// @dev What a read needs, in one slot. The EMA never exceeds MAX_PRICE_LIMIT (< 2^128): it starts within
    ///      the bounds and moves toward a mark clamped to at most MAX_PRICE_LIMIT. maxAge ≤ 7 days.
    struct State {
        uint128 ema;
        uint40 lastUpdate;
        uint32 maxAge;
    }

    /// @dev What an observation needs besides the state, in one slot (maxMove ≤ 0.1e18 < 2^64, tau ≤ 7 days).
    struct Params {
        address observer;
        uint64 maxMove;
        uint32 tau;
    }

    State private _state;
    Params private _params;

    /// @param initialPrice_ The starting EMA, 18 decimals, within `[minPrice_, maxPrice_]`.
    /// @param config_ tau, per-observation move limit and staleness limit.
    /// @param minPrice_ Lowest accepted EMA, 18 decimals, > 0, inclusive.
    /// @param maxPrice_ Highest accepted EMA, 18 decimals, > minPrice_, <= MAX_PRICE_LIMIT, inclusive.
    /// @param observer_ The observer (may be zero until the engine is wired).
    /// @param owner_ The admin (two-step ownership).
    constructor(
        uint256 initialPrice_,
        EmaConfig memory config_,
        uint256 minPrice_,
        uint256 maxPrice_,
        address observer_,
        address owner_
    ) OracleAdapterBase(owner_) {
        _setPriceBounds(minPrice_, maxPrice_);
        if (initialPrice_ < minPrice_ || initialPrice_ > maxPrice_) revert InvalidInitialPrice(initialPrice_);
        _setTau(config_.tau);
        _setMaxMove(config_.maxMovePerObservation);
        _setMaxAge(config_.maxAge);
        _state.ema = uint128(initialPrice_);
        _state.lastUpdate = uint40(block.timestamp);
        emit IndexInitialised(initialPrice_);
        _params.observer = observer_;
        emit ObserverSet(observer_);
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
        return 4;
    }

    // ------------------------------------------------------------------ observer

    /// @inheritdoc ISelfReferencingOracleAdapter
    function observe(uint256 markPrice) external returns (uint256 ema) {
        Params memory params = _params;
        if (msg.sender != params.observer) revert NotObserver(msg.sender);
        State memory state = _state;
        uint256 clampedMark;
        (ema, clampedMark) = _advance(state, params, markPrice);
        // ema lies between the old EMA and the clamped mark, both <= MAX_PRICE_LIMIT < 2^128.
        _state.ema = uint128(ema);
        _state.lastUpdate = uint40(block.timestamp);
        emit Observed(markPrice, clampedMark, ema);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ISelfReferencingOracleAdapter
    function setObserver(address observer_) external onlyOwner {
        _params.observer = observer_;
        emit ObserverSet(observer_);
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function setTau(uint256 tau_) external onlyOwner {
        _setTau(tau_);
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function setMaxMovePerObservation(uint256 maxMove) external onlyOwner {
        _setMaxMove(maxMove);
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function setMaxAge(uint256 maxAge_) external onlyOwner {
        _setMaxAge(maxAge_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISelfReferencingOracleAdapter
    function previewObserve(uint256 markPrice) external view returns (uint256, uint256) {
        return _advance(_state, _params, markPrice);
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function emaPrice() external view returns (uint256) {
        return _state.ema;
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function lastUpdate() external view returns (uint256) {
        return _state.lastUpdate;
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function observer() external view returns (address) {
        return _params.observer;
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function tau() external view returns (uint256) {
        return _params.tau;
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function maxMovePerObservation() external view returns (uint256) {
        return _params.maxMove;
    }

    /// @inheritdoc ISelfReferencingOracleAdapter
    function maxAge() external view returns (uint256) {
        return _state.maxAge;
    }

    // ------------------------------------------------------------------ internal

    function _read() private view returns (uint256 price18, uint256 updatedAt) {
        State memory state = _state;
        updatedAt = state.lastUpdate;
        if (block.timestamp - updatedAt > state.maxAge) {
            revert IndexStale(updatedAt, state.maxAge, block.timestamp);
        }
        price18 = state.ema;
        _checkPriceBounds(price18);
    }

    /// @dev Clamp the mark to `[ema - d, min(ema + d, MAX_PRICE_LIMIT)]`, `d = floor(ema * maxMove / 1e18)`, then
    ///      `FairPriceMath.fairPrice(clamped, ema, now - lastUpdate, tau)`. With ema >= 1 and maxMove <= 10 %,
    ///      `d < ema`, so the clamped mark and the new EMA are >= 1.
    function _advance(
        State memory state,
        Params memory params,
        uint256 markPrice
    ) private view returns (uint256 ema, uint256 clampedMark) {
        uint256 current = state.ema;
        uint256 delta = (current * params.maxMove) / WAD;
        uint256 lo = current - delta;
        uint256 hi = current + delta;
        if (hi > MAX_PRICE_LIMIT) hi = MAX_PRICE_LIMIT;
        clampedMark = markPrice < lo ? lo : (markPrice > hi ? hi : markPrice);
        ema = FairPriceMath.fairPrice(clampedMark, current, block.timestamp - state.lastUpdate, params.tau);
    }

    function _setTau(uint256 tau_) private {
        if (tau_ < MIN_TAU || tau_ > MAX_TAU) revert InvalidTau(tau_);
        _params.tau = uint32(tau_);
        emit TauSet(tau_);
    }

    function _setMaxMove(uint256 maxMove) private {
        if (maxMove == 0 || maxMove > MAX_MOVE_LIMIT) revert InvalidMaxMove(maxMove);
        _params.maxMove = uint64(maxMove);
        emit MaxMoveSet(maxMove);
    }

    function _setMaxAge(uint256 maxAge_) private {
        if (maxAge_ < MIN_MAX_AGE || maxAge_ > MAX_MAX_AGE) revert InvalidMaxAge(maxAge_);
        _state.maxAge = uint32(maxAge_);
        emit MaxAgeSet(maxAge_);
    }
}
