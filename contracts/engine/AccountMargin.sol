// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {IPerpEngineCore} from "../interfaces/IPerpEngineCore.sol";
import {MarginSummary, NotionalTier, Position} from "../interfaces/PerpTypes.sol";
import {WAD} from "../libraries/Constants.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {FundingMath} from "../libraries/FundingMath.sol";
import {MarginMath} from "../libraries/MarginMath.sol";
import {MarketList} from "../libraries/MarketList.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {CircuitBreakers} from "./CircuitBreakers.sol";
import {MAX_TIERS} from "./MarketParamsValidator.sol";
import {HOME, PositionRecord} from "./PerpStorage.sol";

/// @title AccountMargin
/// @notice Positions of cross-margin accounts and their margin (SPEC §5): equity, IM, MM, utilisation and
///         withdrawable (the liquidation price is the lens's: `LiquidationPriceSearch`). Loops run over an account's
///         own markets only, bounded by maxPositionsPerAccount.
abstract contract AccountMargin is CircuitBreakers {
    /// @dev "No market's oracle price is known yet" for `_margin`.
    uint256 internal constant NO_MARKET = type(uint256).max;

    ICollateralVault internal immutable _vault;

    /// @dev One position valued at a price.
    struct PositionValue {
        int256 pnl;
        int256 fundingOwed;
        uint256 notional;
        uint256 initialMargin;
        uint256 maintenanceMargin;
    }

    constructor(ICollateralVault vault_) {
        _vault = vault_;
    }

    // ------------------------------------------------------------------ valuation

    /// @dev Values the position `pos` in `marketId`. The liquidation trigger (`credit` false) values it at the fair
    ///      price. What is credited to the account (`credit` true: the initial-margin check after a trade, the
    ///      withdrawable amount) values it at the worse for the account of its exit price (the fill closing it would
    ///      get now) and the fair price, so neither its own price impact nor someone else's push counts; a market
    ///      whose oracle fails (`oracleOk` false), in either valuation, is valued at its last good price moved against
    ///      the position by the oracle-move breaker band, counting funding since its last accrual only when the
    ///      position owes it.
    function _valuePosition(
        PositionRecord storage pos,
        uint256 marketId,
        bool credit,
        uint256 oraclePrice,
        bool oracleOk
    ) internal view returns (PositionValue memory v) {
        int256 size = pos.size;
        uint256 price;
        int256 index = _state[marketId].fundingIndex;
        if (!oracleOk) {
            price = _fallbackPrice(marketId, size < 0);
            index = _fallbackIndex(marketId, price, size > 0);
        } else {
            price = _fairNow(marketId, oraclePrice);
            if (credit) {
                uint256 exit = _fill(marketId, oraclePrice, _state[marketId].skew, -size);
                if (size > 0 ? exit < price : exit > price) price = exit;
            }
            index = _pendingIndex(marketId, oraclePrice);
        }
        v.pnl = PositionMath.pnlFloor(size, pos.openNotional, price);
        v.fundingOwed = FundingMath.owedCeil(size, index - pos.lastFundingIndex);
        v.notional = MarginMath.notionalUp(size, price);
        NotionalTier memory tier = _tierFor(marketId, v.notional);
        v.initialMargin = MarginMath.initialMarginUp(v.notional, tier.maxLeverage);
        v.maintenanceMargin = MarginMath.maintenanceMarginUp(v.notional, tier.mmr);
    }

    /// @dev `account`'s market list (see MarketList), kept in its home record.
    function _marketList(address account) internal view returns (uint256) {
        return _positions[account][HOME].markets;
    }

    /// @dev Where `account`'s position in `marketId` is stored (or would open), given its market list.
    function _record(address account, uint256 marketId, uint256 list) internal view returns (PositionRecord storage) {
        return _positions[account][MarketList.atHome(list, marketId) ? HOME : marketId];
    }

    /// @dev Where `account`'s position in `marketId` is stored.
    function _record(address account, uint256 marketId) internal view returns (PositionRecord storage) {
        return _record(account, marketId, _marketList(account));
    }

    /// @dev The tier whose range holds `notional`; reverts above the last tier's cap (opening and increasing).
    function _tierWithin(uint256 marketId, uint256 notional) internal view returns (NotionalTier memory) {
        (uint256 i, bool above) = _tierIndex(marketId, notional);
        NotionalTier storage t = _tiers[marketId][i];
        if (above) revert IPerpEngine.NotionalAboveMaxTier(notional, t.upToNotional);
        return t;
    }

    /// @dev The tier whose range holds `notional` (the last tier above its cap).
    function _tierFor(uint256 marketId, uint256 notional) internal view returns (NotionalTier memory) {
        (uint256 i,) = _tierIndex(marketId, notional);
        return _tiers[marketId][i];
    }

    /// @dev The index of the first tier whose upToNotional ≥ `notional`, or of the last tier (`above`) when there
    ///      is none.
    function _tierIndex(uint256 marketId, uint256 notional) private view returns (uint256 i, bool above) {
        NotionalTier[MAX_TIERS] storage tiers = _tiers[marketId];
        while (notional > tiers[i].upToNotional) {
            if (i + 1 == MAX_TIERS || tiers[i + 1].upToNotional == 0) return (i, true);
            ++i;
        }
    }

    /// @dev The margin summary of `account` with `collateral`: the liquidation trigger's (`credit` false: fair prices)
    ///      or what is credited (`credit` true: see `_valuePosition`). Either way a market whose oracle fails counts at
    ///      its worst case within the breaker band, so one failing market can neither shield an account from
    ///      liquidation nor hold the rest of it hostage. The oracle price of
    ///      `knownMarket` (NO_MARKET for none) is `knownOracle`, already read by the caller.
    function _margin(address account, int256 collateral, bool credit, uint256 knownMarket, uint256 knownOracle)
        internal
        view
        returns (MarginSummary memory m)
    {
        m.collateral = collateral;
        int256 equity = collateral;
        uint256 list = _marketList(account);
        for (uint256 rest = list; rest != 0; rest >>= 8) {
            if (rest & 0xff == 0) continue;
            uint256 id = (rest & 0xff) - 1;
            uint256 oraclePrice = knownOracle;
            bool ok = true;
            if (id != knownMarket) (ok, oraclePrice) = _tryOraclePrice(id);
            PositionValue memory v = _valuePosition(_record(account, id, list), id, credit, oraclePrice, ok);
            equity += v.pnl - v.fundingOwed;
            m.initialMargin += v.initialMargin;
            m.maintenanceMargin += v.maintenanceMargin;
        }
        m.equity = equity;
        int256 free = equity - int256(m.initialMargin);
        if (free > 0 && collateral > 0) m.withdrawable = uint256(free < collateral ? free : collateral);
        if (equity > 0) {
            m.marginUtilisation = FixedPointMath.mulDivUp(m.maintenanceMargin, WAD, uint256(equity));
        } else if (m.maintenanceMargin > 0) {
            m.marginUtilisation = type(uint256).max;
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPerpEngineCore
    function position(address account, uint256 marketId) external view returns (Position memory) {
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return Position(0, 0, 0);
        return Position(pos.size, pos.openNotional, pos.lastFundingIndex);
    }

    /// @inheritdoc IPerpEngineCore
    function accountMarkets(address account) external view returns (uint256[] memory) {
        return MarketList.toArray(_marketList(account));
    }

    /// @inheritdoc IPerpEngineCore
    function accruedFunding(address account, uint256 marketId) external view returns (int256) {
        _requireMarket(marketId);
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return 0;
        int256 index = _pendingIndex(marketId, _oraclePrice(marketId));
        return FundingMath.owedCeil(pos.size, index - pos.lastFundingIndex);
    }

    /// @inheritdoc IPerpEngineCore
    function unrealisedPnl(address account, uint256 marketId) external view returns (int256) {
        _requireMarket(marketId);
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return 0;
        return PositionMath.pnlFloor(pos.size, pos.openNotional, _markPrice(marketId, _oraclePrice(marketId)));
    }

    /// @inheritdoc IPerpEngineCore
    function accountMargin(address account) external view returns (MarginSummary memory) {
        return _margin(account, _vault.collateralOf(account), true, NO_MARKET, 0);
    }

    /// @inheritdoc IPerpEngineCore
    function accountMarginAtFair(address account) external view returns (MarginSummary memory) {
        return _margin(account, _vault.collateralOf(account), false, NO_MARKET, 0);
    }

    /// @inheritdoc IPerpEngineCore
    function positionAtFair(address account, uint256 marketId) external view returns (int256 value, uint256 mm) {
        _requireMarket(marketId);
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return (0, 0);
        PositionValue memory v = _valuePosition(pos, marketId, false, _oraclePrice(marketId), true);
        return (v.pnl - v.fundingOwed, v.maintenanceMargin);
    }

    /// @inheritdoc IPerpEngineCore
    function maintenanceMargin(address account) external view returns (int256) {
        MarginSummary memory m = _margin(account, _vault.collateralOf(account), false, NO_MARKET, 0);
        return m.equity - int256(m.maintenanceMargin);
    }
}
