// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BreakerParams} from "../interfaces/PerpTypes.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {MarketAccrual} from "../libraries/MarketAccrual.sol";
import {MarketAccounting} from "./MarketAccounting.sol";
import {StoredParams} from "./PerpStorage.sol";

/// @title CircuitBreakers
/// @notice SPEC §9: while its oracle has moved more than `maxOracleMove` against a slow reference price, a market
///         takes only trades that reduce the trader's own position; it reopens when the condition clears or the admin
///         re-anchors the reference. The funding breaker refuses a trade that increases |skew| to a skew whose hourly
///         funding rate exceeds `maxFundingRate`: judged after the trade, it caps the skew opens can reach, never a
///         trade that leaves |skew| where it was or lower, so no one can freeze a market by tripping it.
/// @dev The reference is an EMA of the oracle price with time constant `window`, advanced lazily on every accrual
///      with the same weight function as the fair price. A sudden jump leaves the reference behind for about one
///      window, which trips the breaker; a slow drift moves the reference with it. Nothing is latched in storage
///      by a failing trade (a revert would undo it): the condition is evaluated on every opening trade.
abstract contract CircuitBreakers is MarketAccounting {
    /// @notice Set a market's circuit-breaker thresholds.
    /// @param marketId The market.
    /// @param params maxOracleMove in [1 %, 50 %], window in [5 min, 1 day], maxFundingRate (hourly) in (0, 10 %].
    function setCircuitBreaker(uint256 marketId, BreakerParams calldata params) external onlyOwner {
        _requireMarket(marketId);
        _validator.validateBreaker(params, _validator.fundingRateAtMaxSkew(marketParams(marketId)));
        StoredParams storage p = _params[marketId];
        p.breakerMaxOracleMove = params.maxOracleMove;
        p.breakerMaxFundingRate = params.maxFundingRate;
        p.breakerWindow = params.window;
        emit CircuitBreakerSet(marketId, params);
    }

    /// @notice Re-anchor a market's reference price to the current oracle price, clearing an oracle-move trip.
    /// @param marketId The market.
    function resetCircuitBreaker(uint256 marketId) external onlyOwner {
        _requireMarket(marketId);
        uint256 oraclePrice = _oraclePrice(marketId);
        MarketAccrual.anchor(_breakerState[marketId], oraclePrice);
        emit CircuitBreakerReset(marketId, oraclePrice);
    }

    /// @notice A market's circuit-breaker thresholds.
    function circuitBreakerParams(uint256 marketId) external view returns (BreakerParams memory) {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        return BreakerParams(p.breakerMaxOracleMove, p.breakerMaxFundingRate, p.breakerWindow);
    }

    /// @notice Whether each breaker condition holds now.
    /// @return oracleMove The oracle is more than maxOracleMove away from the reference: only reductions of one's own
    ///         position pass.
    /// @return funding |current funding rate| > maxFundingRate: trades that increase |skew| are refused (they would
    ///         end beyond the band too); trades that leave |skew| where it was or lower pass.
    /// @return referencePrice The reference price advanced to now.
    function circuitBreakerStatus(uint256 marketId)
        external
        view
        returns (bool oracleMove, bool funding, uint256 referencePrice)
    {
        _requireMarket(marketId);
        uint256 oraclePrice = _oraclePrice(marketId);
        referencePrice = _referenceNow(marketId, oraclePrice);
        oracleMove = _oracleMoved(marketId, oraclePrice, referencePrice);
        funding = _fundingBeyondBand(marketId, _state[marketId].skew);
    }

    // ------------------------------------------------------------------ internal

    /// @dev Reverts if the oracle-move breaker holds; called before a trade that is not a pure reduction. The
    ///      reference is the one stored before this transaction's accrual moved it.
    function _requireOracleBreakerClear(uint256 marketId, uint256 oraclePrice, uint256 referencePrice) internal view {
        if (_oracleMoved(marketId, oraclePrice, referencePrice)) revert CircuitBreakerTripped(marketId, "oracleMove");
    }

    /// @dev Reverts if the funding rate at `premiumAfter`, the premium after a trade that increased |skew|, is beyond
    ///      the band.
    function _requireFundingBreakerClear(uint256 marketId, int256 premiumAfter) internal view {
        StoredParams storage p = _params[marketId];
        if (FixedPointMath.abs(_rate(p, premiumAfter)) > p.breakerMaxFundingRate) {
            revert CircuitBreakerTripped(marketId, "funding");
        }
    }

    /// @dev The reference as it would be after advancing to now.
    function _referenceNow(uint256 marketId, uint256 oraclePrice) internal view returns (uint256) {
        return MarketAccrual.referenceNow(_breakerState[marketId], _params[marketId], oraclePrice);
    }

    /// @dev |oracle − reference| / reference > maxOracleMove  ⟺  |oracle − ref| × 1e18 > maxMove × ref (no rounding).
    function _oracleMoved(uint256 marketId, uint256 oraclePrice, uint256 referencePrice) private view returns (bool) {
        uint256 gap = oraclePrice > referencePrice ? oraclePrice - referencePrice : referencePrice - oraclePrice;
        return gap * WAD > uint256(_params[marketId].breakerMaxOracleMove) * referencePrice;
    }

    function _fundingBeyondBand(uint256 marketId, int256 skew) private view returns (bool) {
        StoredParams storage p = _params[marketId];
        return FixedPointMath.abs(_rate(p, _premium(marketId, skew))) > p.breakerMaxFundingRate;
    }
}
