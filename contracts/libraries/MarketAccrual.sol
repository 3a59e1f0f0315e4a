// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {StoredParams} from "../engine/PerpStorage.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {BreakerState, MarketState} from "../interfaces/PerpTypes.sol";
import {FairPriceMath} from "./FairPriceMath.sol";
import {FundingMath} from "./FundingMath.sol";
import {PricingMath} from "./PricingMath.sol";

/// @title MarketAccrual
/// @notice One market's running accounting over its storage: the skew premium and funding rate, the accrual of the
///         funding index and the fair premium, the last good oracle price, and the oracle-move breaker's reference
///         (SPEC §3, §4, §9). The engine and its admin module both use it, so they advance a market the same way.
/// @dev Over an interval the premium and rate are those of the skew held during it (skew only changes on trades,
///      which accrue first); the index is valued at the oracle price read at the end of the interval.
library MarketAccrual {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @dev The most the fair premium moves per hour (0.1 % of the oracle price): a premium pushed and held for t
    ///      seconds moves the liquidation trigger by at most 0.1 % × t / 3600 (see docs/DESIGN.md, "Security model").
    uint256 internal constant FAIR_DRIFT_PER_HOUR = 0.001e18;

    /// @notice clamp(skew / skewScale, ±maxPremium).
    function premium(StoredParams storage p, int256 skew) internal view returns (int256) {
        return PricingMath.premium(skew, p.skewScale, p.maxPremium);
    }

    /// @notice The hourly funding rate at `premium_`.
    function rate(StoredParams storage p, int256 premium_) internal view returns (int256) {
        return FundingMath.fundingRate(premium_, int256(uint256(p.fundingInterest)), p.fundingClamp, p.maxFundingRate);
    }

    /// @notice Whether the market has time to accrue.
    function due(MarketState storage s) internal view returns (bool) {
        return block.timestamp != s.lastUpdateTime;
    }

    /// @notice Advances funding, the fair premium and the breaker reference to now at `oraclePrice` (nothing when
    ///         the market already accrued in this block).
    function accrue(
        MarketState storage s,
        StoredParams storage p,
        BreakerState storage b,
        uint256 marketId,
        uint256 oraclePrice
    ) internal {
        if (!due(s)) return;
        int256 premium_ = premium(p, s.skew);
        accrueAt(s, p, b, marketId, oraclePrice, premium_, rate(p, premium_));
    }

    /// @notice The accrual of a due market whose `premium_` and funding `rate_` at the current skew the caller has.
    function accrueAt(
        MarketState storage s,
        StoredParams storage p,
        BreakerState storage b,
        uint256 marketId,
        uint256 oraclePrice,
        int256 premium_,
        int256 rate_
    ) internal {
        uint256 elapsed = block.timestamp - s.lastUpdateTime;
        int256 index = s.fundingIndex + FundingMath.indexDelta(rate_, oraclePrice, elapsed);
        int64 fair = fairPremiumAfter(p, s.fairPremium, premium_, elapsed);
        int128 storedIndex = index.toInt128();
        uint128 storedOracle = oraclePrice.toUint128();
        s.lastUpdateTime = uint48(block.timestamp);
        s.lastFundingRate = int64(rate_);
        s.fairPremium = fair;
        s.fundingIndex = storedIndex;
        s.lastOraclePrice = storedOracle;
        emit IPerpEngine.FundingAccrued(marketId, rate_, index, elapsed);
        advanceReference(b, p, oraclePrice);
    }

    /// @notice The accrual of a market whose oracle does not answer (only before its parameters change): the
    ///         interval accrues no funding (nobody could trade or be charged during it) and the fair premium advances.
    function accrueWithoutOracle(MarketState storage s, StoredParams storage p, uint256 marketId) internal {
        uint256 elapsed = block.timestamp - s.lastUpdateTime;
        if (elapsed == 0) return;
        int64 fair = fairPremiumAfter(p, s.fairPremium, premium(p, s.skew), elapsed);
        s.lastUpdateTime = uint48(block.timestamp);
        s.lastFundingRate = 0;
        s.fairPremium = fair;
        emit IPerpEngine.FundingAccrued(marketId, 0, s.fundingIndex, elapsed);
    }

    /// @notice The fair premium `elapsed` after `last` with the skew premium at `premium_`.
    function fairPremiumAfter(StoredParams storage p, int256 last, int256 premium_, uint256 elapsed)
        internal
        view
        returns (int64)
    {
        return int64(FairPriceMath.fairPremium(last, premium_, elapsed, p.fairTau, FAIR_DRIFT_PER_HOUR));
    }

    /// @notice The fair premium as it would be after advancing to now.
    function fairPremiumNow(MarketState storage s, StoredParams storage p) internal view returns (int256) {
        return fairPremiumAfter(p, s.fairPremium, premium(p, s.skew), block.timestamp - s.lastUpdateTime);
    }

    /// @notice The funding index as it would be after accruing to now at `oraclePrice`.
    function pendingIndex(MarketState storage s, StoredParams storage p, uint256 oraclePrice)
        internal
        view
        returns (int256)
    {
        uint256 elapsed = block.timestamp - s.lastUpdateTime;
        if (elapsed == 0) return s.fundingIndex;
        return s.fundingIndex + FundingMath.indexDelta(rate(p, premium(p, s.skew)), oraclePrice, elapsed);
    }

    /// @notice The breaker reference as it would be after advancing to now: an EMA of the oracle with time constant
    ///         `breakerWindow` (the oracle price itself before the first sample).
    function referenceNow(BreakerState storage b, StoredParams storage p, uint256 oraclePrice)
        internal
        view
        returns (uint256)
    {
        uint256 last = b.referencePrice;
        if (last == 0) return oraclePrice;
        return FairPriceMath.fairPrice(oraclePrice, last, block.timestamp - b.referenceTime, p.breakerWindow);
    }

    /// @notice Whether the oracle-move breaker holds: |oracle − reference| / reference > breakerMaxOracleMove, i.e.
    ///         |oracle − reference| × 1e18 > breakerMaxOracleMove × reference (no rounding).
    function oracleMoved(StoredParams storage p, uint256 oraclePrice, uint256 referencePrice)
        internal
        view
        returns (bool)
    {
        uint256 gap = oraclePrice > referencePrice ? oraclePrice - referencePrice : referencePrice - oraclePrice;
        return gap * 1e18 > uint256(p.breakerMaxOracleMove) * referencePrice;
    }

    /// @notice Re-samples the stored reference at most once per window / 16: the reference is an EMA of the oracle
    ///         sampled at least that far apart, and reads in between advance it from the last sample (so busy markets
    ///         do not pay a write on every trade).
    function advanceReference(BreakerState storage b, StoredParams storage p, uint256 oraclePrice) internal {
        if (b.referencePrice != 0 && block.timestamp - b.referenceTime < p.breakerWindow / 16) return;
        anchor(b, referenceNow(b, p, oraclePrice));
    }

    /// @notice Sets the reference to `price` now.
    function anchor(BreakerState storage b, uint256 price) internal {
        b.referencePrice = price.toUint128();
        b.referenceTime = uint48(block.timestamp);
    }
}
