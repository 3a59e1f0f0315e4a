// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {BreakerParams, BreakerState} from "../interfaces/PerpTypes.sol";
import {FairPriceMath} from "../libraries/FairPriceMath.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {MarketAccounting} from "./MarketAccounting.sol";

/// @title CircuitBreakers
/// @notice SPEC §9: a market goes reduce-only while its oracle has moved more than `maxOracleMove` against a slow
///         reference price, or while |funding rate| exceeds `maxFundingRate`; it reopens when the condition clears
///         or the admin re-anchors the reference.
/// @dev The reference is an EMA of the oracle price with time constant `window`, advanced lazily on every accrual
///      with the same weight function as the fair price. A sudden jump leaves the reference behind for about one
///      window, which trips the breaker; a slow drift moves the reference with it. Nothing is latched in storage
///      by a failing trade (a revert would undo it): the condition is evaluated on every opening trade.
abstract contract CircuitBreakers is MarketAccounting {
    using SafeCast for uint256;

    /// @dev Defaults from SPEC §9: 15 % within 1 h; funding beyond ±0.5 % per 8 h (0.0625 % per hour).
    uint64 internal constant DEFAULT_MAX_ORACLE_MOVE = 0.15e18;
    uint32 internal constant DEFAULT_BREAKER_WINDOW = 1 hours;
    uint64 internal constant DEFAULT_MAX_BREAKER_FUNDING = 0.000625e18;

    /// @dev The thresholds (BreakerParams) are stored in each market's StoredParams (see MarketConfig).
    mapping(uint256 marketId => BreakerState) internal _breakerState;

    /// @notice Set a market's circuit-breaker thresholds.
    /// @param marketId The market.
    /// @param params maxOracleMove in [1 %, 50 %], window in [5 min, 1 day], maxFundingRate (hourly) in (0, 10 %].
    function setCircuitBreaker(uint256 marketId, BreakerParams calldata params) external onlyOwner {
        _requireMarket(marketId);
        _validator.validateBreaker(params);
        _storeBreakerParams(marketId, params);
        emit CircuitBreakerSet(marketId, params);
    }

    /// @notice Re-anchor a market's reference price to the current oracle price, clearing an oracle-move trip.
    /// @param marketId The market.
    function resetCircuitBreaker(uint256 marketId) external onlyOwner {
        _requireMarket(marketId);
        uint256 oraclePrice = _oraclePrice(marketId);
        _breakerState[marketId] =
            BreakerState({referencePrice: oraclePrice.toUint128(), referenceTime: uint48(block.timestamp)});
        emit CircuitBreakerReset(marketId, oraclePrice);
    }

    /// @notice A market's circuit-breaker thresholds.
    function circuitBreakerParams(uint256 marketId) external view returns (BreakerParams memory) {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        return BreakerParams(p.breakerMaxOracleMove, p.breakerMaxFundingRate, p.breakerWindow);
    }

    /// @notice Whether each breaker condition holds now (either makes the market reduce-only).
    /// @return oracleMove The oracle is more than maxOracleMove away from the reference.
    /// @return funding |current funding rate| > maxFundingRate.
    /// @return referencePrice The reference price advanced to now.
    function circuitBreakerStatus(uint256 marketId)
        external
        view
        returns (bool oracleMove, bool funding, uint256 referencePrice)
    {
        _requireMarket(marketId);
        uint256 oraclePrice = _oraclePrice(marketId);
        referencePrice = _referenceNow(marketId, oraclePrice);
        int256 rate = _rate(_params[marketId], _premium(marketId, _state[marketId].skew));
        (oracleMove, funding) = _breakerConditions(marketId, oraclePrice, referencePrice, rate);
    }

    // ------------------------------------------------------------------ internal

    function _afterMarketListed(uint256 marketId) internal virtual override {
        super._afterMarketListed(marketId);
        BreakerParams memory params = BreakerParams({
            maxOracleMove: DEFAULT_MAX_ORACLE_MOVE,
            window: DEFAULT_BREAKER_WINDOW,
            maxFundingRate: DEFAULT_MAX_BREAKER_FUNDING
        });
        _storeBreakerParams(marketId, params);
        emit CircuitBreakerSet(marketId, params);
    }

    function _storeBreakerParams(uint256 marketId, BreakerParams memory params) private {
        StoredParams storage p = _params[marketId];
        p.breakerMaxOracleMove = params.maxOracleMove;
        p.breakerMaxFundingRate = params.maxFundingRate;
        p.breakerWindow = params.window;
    }

    /// @dev Advances the stored reference to now at `oraclePrice` (called from every accrual), at most once per
    ///      window / 16: the reference is an EMA of the oracle sampled at least that far apart, and reads in
    ///      between advance it from the last sample (so busy markets do not pay a write on every trade).
    function _afterAccrue(uint256 marketId, uint256 oraclePrice) internal override {
        BreakerState memory b = _breakerState[marketId];
        if (b.referencePrice != 0 && block.timestamp - b.referenceTime < _params[marketId].breakerWindow / 16) {
            return;
        }
        _breakerState[marketId] = BreakerState({
            referencePrice: _referenceNow(marketId, oraclePrice).toUint128(),
            referenceTime: uint48(block.timestamp)
        });
    }

    /// @dev Reverts if a breaker condition holds; called before a trade that is not a pure reduction.
    ///      The reference is the one stored before this transaction's accrual moved it; `rate` is the funding rate
    ///      at the current skew.
    function _requireBreakersClear(uint256 marketId, uint256 oraclePrice, uint256 referencePrice, int256 rate)
        internal
        view
    {
        (bool oracleMove, bool funding) = _breakerConditions(marketId, oraclePrice, referencePrice, rate);
        if (oracleMove) revert CircuitBreakerTripped(marketId, "oracleMove");
        if (funding) revert CircuitBreakerTripped(marketId, "funding");
    }

    /// @dev The reference as it would be after advancing to now (the oracle price itself the first time).
    function _referenceNow(uint256 marketId, uint256 oraclePrice) internal view returns (uint256) {
        BreakerState memory b = _breakerState[marketId];
        if (b.referencePrice == 0) return oraclePrice;
        return FairPriceMath.fairPrice(
            oraclePrice, b.referencePrice, block.timestamp - b.referenceTime, _params[marketId].breakerWindow
        );
    }

    function _breakerConditions(uint256 marketId, uint256 oraclePrice, uint256 referencePrice, int256 rate)
        private
        view
        returns (bool oracleMove, bool funding)
    {
        StoredParams storage p = _params[marketId];
        uint256 gap = oraclePrice > referencePrice ? oraclePrice - referencePrice : referencePrice - oraclePrice;
        // |P − ref| / ref > maxMove  ⟺  |P − ref| × 1e18 > maxMove × ref (no rounding)
        oracleMove = gap * WAD > uint256(p.breakerMaxOracleMove) * referencePrice;
        funding = FixedPointMath.abs(rate) > p.breakerMaxFundingRate;
    }
}
