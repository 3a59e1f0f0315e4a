// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
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
///      by a failing trade (a revert would undo it): the condition is evaluated on every opening trade. Setting,
///      re-anchoring and reading a market's breaker run in the admin module (`IMarketAdmin`).
abstract contract CircuitBreakers is MarketAccounting {
    // ------------------------------------------------------------------ internal

    /// @dev Reverts if the oracle-move breaker holds; called before a trade that is not a pure reduction. The
    ///      reference is the one stored before this transaction's accrual moved it.
    function _requireOracleBreakerClear(uint256 marketId, uint256 oraclePrice, uint256 referencePrice) internal view {
        if (MarketAccrual.oracleMoved(_params[marketId], oraclePrice, referencePrice)) {
            revert IPerpEngine.CircuitBreakerTripped(marketId, "oracleMove");
        }
    }

    /// @dev Reverts if the funding rate at `premiumAfter`, the premium after a trade that increased |skew|, is beyond
    ///      the band.
    function _requireFundingBreakerClear(uint256 marketId, int256 premiumAfter) internal view {
        StoredParams storage p = _params[marketId];
        if (FixedPointMath.abs(_rate(p, premiumAfter)) > p.breakerMaxFundingRate) {
            revert IPerpEngine.CircuitBreakerTripped(marketId, "funding");
        }
    }

    /// @dev The reference as it would be after advancing to now.
    function _referenceNow(uint256 marketId, uint256 oraclePrice) internal view returns (uint256) {
        return MarketAccrual.referenceNow(_breakerState[marketId], _params[marketId], oraclePrice);
    }
}
