// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPerpCounterparty} from "../interfaces/IPerpCounterparty.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {IPerpEngineCore} from "../interfaces/IPerpEngineCore.sol";
import {MarketState} from "../interfaces/PerpTypes.sol";
import {WAD} from "../libraries/Constants.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {MarketAccrual} from "../libraries/MarketAccrual.sol";
import {PricingMath} from "../libraries/PricingMath.sol";
import {MarketConfig} from "./MarketConfig.sol";
import {StoredParams} from "./PerpStorage.sol";

/// @title MarketAccounting
/// @notice Per-market running state: funding accrual into the cumulative index, the lazily advanced fair premium,
///         the last good oracle price, the market views other contracts read, and the liquidity vault's valuation (it
///         holds the opposite of every net skew) at exit prices. The integrators' market views (`marketPrices`, the
///         parameters, the breaker status) are the admin module's.
/// @dev Funding and the fair premium advance together on every interaction. Over an interval the rate and the
///      premium are those implied by the skew held during it (skew only changes on trades, which accrue first) and
///      the index is valued at the oracle price read at the end of the interval.
abstract contract MarketAccounting is MarketConfig, IPerpEngineCore {
    // ------------------------------------------------------------------ accrual

    /// @dev Advances funding, the fair premium and the breaker reference of `marketId` to now at `oraclePrice`.
    function _accrue(uint256 marketId, uint256 oraclePrice) internal {
        MarketAccrual.accrue(_state[marketId], _params[marketId], _breakerState[marketId], marketId, oraclePrice);
    }

    // ------------------------------------------------------------------ pricing helpers

    function _oraclePrice(uint256 marketId) internal view returns (uint256) {
        return _params[marketId].oracle.price();
    }

    /// @dev The oracle price, or (false, 0) when the adapter reverts, answers 0 or answers something that is not one
    ///      word (a low-level call, so a malformed answer cannot make a caller revert either).
    function _tryOraclePrice(uint256 marketId) internal view returns (bool ok, uint256 price) {
        (bool success, bytes memory data) =
            address(_params[marketId].oracle).staticcall(abi.encodeCall(IOracleAdapter.price, ()));
        if (!success || data.length != 32) return (false, 0);
        price = abi.decode(data, (uint256));
        ok = price != 0;
    }

    /// @dev The last good price moved to its worst case within the oracle-move breaker band: up (rounded up) or down
    ///      (rounded down).
    function _fallbackPrice(uint256 marketId, bool up) internal view returns (uint256) {
        uint256 last = _state[marketId].lastOraclePrice;
        uint256 band = _params[marketId].breakerMaxOracleMove;
        return up ? FixedPointMath.mulDivUp(last, WAD + band, WAD) : FixedPointMath.mulDivDown(last, WAD - band, WAD);
    }

    /// @dev The funding index a holder of the given side is charged while its market's oracle fails: the stored index,
    ///      or the one accrued to now at the fallback price when that is worse for the holder (higher for a long, who
    ///      pays as it rises; lower for a short). Funding in the holder's favour since the last accrual is not counted.
    function _fallbackIndex(uint256 marketId, uint256 fallbackPrice, bool holderLong) internal view returns (int256) {
        int256 stored = _state[marketId].fundingIndex;
        int256 pending = _pendingIndex(marketId, fallbackPrice);
        return holderLong == (pending > stored) ? pending : stored;
    }

    function _rate(StoredParams storage p, int256 premium) internal view returns (int256) {
        return MarketAccrual.rate(p, premium);
    }

    function _premium(uint256 marketId, int256 skew) internal view returns (int256) {
        return MarketAccrual.premium(_params[marketId], skew);
    }

    /// @dev The fill of a trade of `delta` at `skew` (exact integral of the clamped premium).
    function _fill(uint256 marketId, uint256 oraclePrice, int256 skew, int256 delta) internal view returns (uint256) {
        StoredParams storage p = _params[marketId];
        return PricingMath.fillPrice(oraclePrice, skew, delta, p.skewScale, p.maxPremium);
    }

    /// @dev The funding index as it would be after accruing to now.
    function _pendingIndex(uint256 marketId, uint256 oraclePrice) internal view returns (int256) {
        return MarketAccrual.pendingIndex(_state[marketId], _params[marketId], oraclePrice);
    }

    /// @dev The fair premium as it would be after advancing to now.
    function _fairPremiumNow(uint256 marketId) internal view returns (int256) {
        return MarketAccrual.fairPremiumNow(_state[marketId], _params[marketId]);
    }

    /// @dev fair = oracle × (1 + fair premium now), rounded down: the price liquidation is judged at.
    function _fairNow(uint256 marketId, uint256 oraclePrice) internal view returns (uint256) {
        return PricingMath.markPriceDown(oraclePrice, _fairPremiumNow(marketId));
    }

    function _markPrice(uint256 marketId, uint256 oraclePrice) internal view returns (uint256) {
        return PricingMath.markPriceDown(oraclePrice, _premium(marketId, _state[marketId].skew));
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPerpEngineCore
    function marketCount() external view returns (uint256) {
        return _globals.marketCount;
    }

    /// @inheritdoc IPerpEngineCore
    function marketState(uint256 marketId) external view returns (MarketState memory) {
        _requireMarket(marketId);
        return _state[marketId];
    }

    /// @inheritdoc IPerpEngineCore
    function quoteFillPrice(uint256 marketId, int256 sizeDelta) external view returns (uint256) {
        _requireMarket(marketId);
        if (sizeDelta == 0) revert IPerpEngine.ZeroSizeDelta();
        return _fill(marketId, _oraclePrice(marketId), _state[marketId].skew, sizeDelta);
    }

    /// @inheritdoc IPerpCounterparty
    /// @dev Σ over markets of (Σ traders' cost basis − the traders' net position at its exit value) + (skew × index −
    ///      Σ ceil(size × lastIndex)): what closing every trader's position now would leave the vault, plus the
    ///      funding traders have not settled, each rounded down. A market whose oracle fails is valued at its last
    ///      good price moved against the vault by the oracle-move breaker band, counting funding since its last
    ///      accrual only when it is against the vault (`fallbackUsed`).
    function counterpartyPnl() external view returns (int256 usd, bool fallbackUsed) {
        // Fees owed to the insurance fund sit in the liquidity vault's account until swept: not its value.
        usd = -int256(uint256(_globals.pendingInsuranceFees));
        uint256 count = _globals.marketCount;
        for (uint256 id; id < count; ++id) {
            (int256 marketUsd, bool marketFallback) = _counterpartyPnlOf(id);
            usd += marketUsd;
            fallbackUsed = fallbackUsed || marketFallback;
        }
    }

    /// @inheritdoc IPerpEngineCore
    function counterpartyPnlOf(uint256 marketId) external view returns (int256 usd, bool fallbackUsed) {
        _requireMarket(marketId);
        return _counterpartyPnlOf(marketId);
    }

    function _counterpartyPnlOf(uint256 id) private view returns (int256 usd, bool fallbackUsed) {
        MarketState storage s = _state[id];
        int256 skew = s.skew;
        if (skew == 0 && s.sumOpenNotional == 0 && s.sumFundingBasis == 0) return (0, false);
        (bool ok, uint256 oraclePrice) = _tryOraclePrice(id);
        int256 index = s.fundingIndex;
        if (ok) {
            index = _pendingIndex(id, oraclePrice);
        } else {
            fallbackUsed = true;
            oraclePrice = _fallbackPrice(id, skew > 0);
            index = _fallbackIndex(id, oraclePrice, skew < 0);
        }
        StoredParams storage p = _params[id];
        usd = s.sumOpenNotional - PricingMath.netExitValueCeil(oraclePrice, skew, p.skewScale, p.maxPremium);
        usd += FixedPointMath.mulDivFloor(skew, index, WAD) - s.sumFundingBasis;
    }

    /// @inheritdoc IPerpCounterparty
    /// @dev Σ over markets of |skew| × oracle × backingRatio, rounded up; a market whose oracle fails counts at its
    ///      last good price moved up by the breaker band (`fallbackUsed`).
    function requiredBacking() external view returns (uint256 usd, bool fallbackUsed) {
        uint256 count = _globals.marketCount;
        uint256 ratio = _vaultRisk.backingRatio;
        for (uint256 id; id < count; ++id) {
            int256 skew = _state[id].skew;
            if (skew == 0) continue;
            (bool ok, uint256 oraclePrice) = _tryOraclePrice(id);
            if (!ok) {
                fallbackUsed = true;
                oraclePrice = _fallbackPrice(id, true);
            }
            uint256 notional = FixedPointMath.mulDivUp(FixedPointMath.abs(skew), oraclePrice, WAD);
            usd += FixedPointMath.mulDivUp(notional, ratio, WAD);
        }
    }

    /// @inheritdoc IPerpCounterparty
    /// @dev max over markets of ⌈max(open interest long, short) × oracle / openInterestCashRatio⌉; a market whose
    ///      oracle fails counts at its last good price moved up by the breaker band (`fallbackUsed`).
    function requiredCash() external view returns (uint256 usd, bool fallbackUsed) {
        uint256 count = _globals.marketCount;
        uint256 ratio = _vaultRisk.openInterestCashRatio;
        for (uint256 id; id < count; ++id) {
            MarketState storage s = _state[id];
            uint256 longs = s.openInterestLong;
            uint256 shorts = uint256(int256(longs) - s.skew);
            uint256 side = longs > shorts ? longs : shorts;
            if (side == 0) continue;
            (bool ok, uint256 oraclePrice) = _tryOraclePrice(id);
            if (!ok) {
                fallbackUsed = true;
                oraclePrice = _fallbackPrice(id, true);
            }
            uint256 cash = FixedPointMath.mulDivUp(FixedPointMath.mulDivUp(side, oraclePrice, WAD), WAD, ratio);
            if (cash > usd) usd = cash;
        }
    }
}
