// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IPerpCounterparty} from "../interfaces/IPerpCounterparty.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {MarketPrices, MarketState} from "../interfaces/PerpTypes.sol";
import {FairPriceMath} from "../libraries/FairPriceMath.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {FundingMath} from "../libraries/FundingMath.sol";
import {PricingMath} from "../libraries/PricingMath.sol";
import {MarketConfig} from "./MarketConfig.sol";

/// @title MarketAccounting
/// @notice Per-market running state: funding accrual into the cumulative index, the lazily advanced fair price,
///         the market views, and the liquidity vault's valuation (it holds the opposite of every net skew).
/// @dev Funding and the fair price advance together on every interaction. Over an interval the rate is the one
///      implied by the skew held during it (skew only changes on trades, which accrue first) and the index is
///      valued at the oracle price read at the end of the interval.
abstract contract MarketAccounting is MarketConfig, IPerpEngine {
    using SafeCast for uint256;
    using SafeCast for int256;

    uint256 internal constant WAD = 1e18;

    uint256 internal _backingRatio = 1e18;

    // ------------------------------------------------------------------ accrual

    /// @dev Advances funding and the fair price of `marketId` to now at `oraclePrice`.
    function _accrue(uint256 marketId, uint256 oraclePrice) internal returns (MarketState storage s) {
        s = _state[marketId];
        if (!_accrualDue(s)) return s;
        int256 premium = _premium(marketId, s.skew);
        _accrueAt(marketId, s, oraclePrice, premium, _rate(_params[marketId], premium));
    }

    /// @dev Whether `s` has time to accrue (or has never accrued).
    function _accrualDue(MarketState storage s) internal view returns (bool) {
        return block.timestamp != s.lastUpdateTime || s.fairPrice == 0;
    }

    /// @dev The accrual of a due market whose `premium` and funding `rate` at the current skew the caller has.
    function _accrueAt(uint256 marketId, MarketState storage s, uint256 oraclePrice, int256 premium, int256 rate)
        internal
    {
        uint256 elapsed = block.timestamp - s.lastUpdateTime;
        int256 index = s.fundingIndex + FundingMath.indexDelta(rate, oraclePrice, elapsed);
        uint128 fair = _fairAfter(marketId, s.fairPrice, PricingMath.markPriceDown(oraclePrice, premium), elapsed);
        int128 storedIndex = index.toInt128();
        s.fairPrice = fair;
        s.fundingIndex = storedIndex;
        s.lastFundingRate = int64(rate);
        s.lastUpdateTime = uint48(block.timestamp);
        emit FundingAccrued(marketId, rate, index, elapsed);
        _afterAccrue(marketId, oraclePrice);
    }

    /// @dev The fair price `elapsed` after `fairLast` with the mark at `mark` (the mark itself the first time).
    function _fairAfter(uint256 marketId, uint256 fairLast, uint256 mark, uint256 elapsed)
        private
        view
        returns (uint128)
    {
        if (fairLast == 0) return mark.toUint128();
        return FairPriceMath.fairPrice(mark, fairLast, elapsed, _params[marketId].fairTau).toUint128();
    }

    /// @dev Called at the end of an accrual that advanced time.
    function _afterAccrue(uint256 marketId, uint256 oraclePrice) internal virtual;

    function _afterMarketListed(uint256 marketId) internal virtual override {
        _state[marketId].lastUpdateTime = uint48(block.timestamp);
    }

    function _beforeMarketUpdate(uint256 marketId) internal override {
        _accrue(marketId, _oraclePrice(marketId));
    }

    // ------------------------------------------------------------------ pricing helpers

    function _oraclePrice(uint256 marketId) internal view returns (uint256) {
        return _params[marketId].oracle.price();
    }

    function _rate(StoredParams storage p, int256 premium) internal view returns (int256) {
        return FundingMath.fundingRate(premium, int256(uint256(p.fundingInterest)), p.fundingClamp, p.maxFundingRate);
    }

    function _premium(uint256 marketId, int256 skew) internal view returns (int256) {
        StoredParams storage p = _params[marketId];
        return PricingMath.premium(skew, p.skewScale, p.maxPremium);
    }

    /// @dev The funding index as it would be after accruing to now.
    function _pendingIndex(uint256 marketId, uint256 oraclePrice) internal view returns (int256) {
        MarketState storage s = _state[marketId];
        uint256 elapsed = block.timestamp - s.lastUpdateTime;
        if (elapsed == 0) return s.fundingIndex;
        int256 rate = _rate(_params[marketId], _premium(marketId, s.skew));
        return s.fundingIndex + FundingMath.indexDelta(rate, oraclePrice, elapsed);
    }

    /// @dev The fair price as it would be after advancing to now (mark before the first accrual).
    function _fairNow(uint256 marketId, uint256 mark) internal view returns (uint256) {
        MarketState storage s = _state[marketId];
        if (s.fairPrice == 0) return mark;
        return FairPriceMath.fairPrice(mark, s.fairPrice, block.timestamp - s.lastUpdateTime, _params[marketId].fairTau);
    }

    function _markPrice(uint256 marketId, uint256 oraclePrice) internal view returns (uint256) {
        return PricingMath.markPriceDown(oraclePrice, _premium(marketId, _state[marketId].skew));
    }

    // ------------------------------------------------------------------ views

    /// @notice The four prices, premium, funding rates, skew and open interest of a market (SPEC §3–4).
    function marketPrices(uint256 marketId) external view returns (MarketPrices memory m) {
        _requireMarket(marketId);
        MarketState storage s = _state[marketId];
        m.oraclePrice = _oraclePrice(marketId);
        m.premium = _premium(marketId, s.skew);
        m.markPrice = PricingMath.markPriceDown(m.oraclePrice, m.premium);
        m.fairPrice = _fairNow(marketId, m.markPrice);
        m.lastFundingRate = s.lastFundingRate;
        m.currentFundingRate = _rate(_params[marketId], m.premium);
        m.annualisedFundingRate = FundingMath.annualised(m.currentFundingRate);
        m.fundingIndex = _pendingIndex(marketId, m.oraclePrice);
        m.skew = s.skew;
        m.openInterestLong = s.openInterestLong;
        m.openInterestShort = s.openInterestShort;
    }

    /// @notice A market's stored state.
    function marketState(uint256 marketId) external view returns (MarketState memory) {
        _requireMarket(marketId);
        return _state[marketId];
    }

    /// @notice The fill price a trade of `sizeDelta` would get now.
    function quoteFillPrice(uint256 marketId, int256 sizeDelta) external view returns (uint256) {
        _requireMarket(marketId);
        int256 skew = _state[marketId].skew;
        return PricingMath.fillPrice(
            _oraclePrice(marketId), _premium(marketId, skew), _premium(marketId, skew + sizeDelta), sizeDelta > 0
        );
    }

    /// @inheritdoc IPerpCounterparty
    /// @dev Σ over markets of (Σ traders' cost basis − skew × mark) + (skew × index − Σ ceil(size × lastIndex)):
    ///      the mirror of every trader's PnL at mark plus the funding they have not settled, each rounded down.
    function counterpartyPnl() external view returns (int256 usd) {
        // Fees owed to the insurance fund sit in the liquidity vault's account until swept: not its value.
        usd = -int256(uint256(_globals.pendingInsuranceFees));
        uint256 count = _globals.marketCount;
        for (uint256 id; id < count; ++id) {
            MarketState storage s = _state[id];
            if (s.skew == 0 && s.sumOpenNotional == 0 && s.sumFundingBasis == 0) continue;
            uint256 oraclePrice = _oraclePrice(id);
            int256 traderValue = FixedPointMath.mulDivCeil(s.skew, int256(_markPrice(id, oraclePrice)), WAD);
            usd += s.sumOpenNotional - traderValue;
            usd += FixedPointMath.mulDivFloor(s.skew, _pendingIndex(id, oraclePrice), WAD) - s.sumFundingBasis;
        }
    }

    /// @inheritdoc IPerpCounterparty
    /// @dev Σ over markets of |skew| × mark × backingRatio, rounded up.
    function requiredBacking() external view returns (uint256 usd) {
        uint256 count = _globals.marketCount;
        uint256 ratio = _backingRatio;
        for (uint256 id; id < count; ++id) {
            int256 skew = _state[id].skew;
            if (skew == 0) continue;
            uint256 notional = FixedPointMath.mulDivUp(
                FixedPointMath.abs(skew), _markPrice(id, _oraclePrice(id)), WAD
            );
            usd += FixedPointMath.mulDivUp(notional, ratio, WAD);
        }
    }

    /// @notice The backing ratio (18 decimals).
    function backingRatio() external view returns (uint256) {
        return _backingRatio;
    }
}
