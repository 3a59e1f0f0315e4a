// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {AccountMargin as AccountMarginSummary, Position, Tier} from "../interfaces/PerpTypes.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {FundingMath} from "../libraries/FundingMath.sol";
import {MarginMath} from "../libraries/MarginMath.sol";
import {MAX_TIERS} from "./MarketParamsValidator.sol";
import {MarketList} from "../libraries/MarketList.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {CircuitBreakers} from "./CircuitBreakers.sol";

/// @title AccountMargin
/// @notice Positions of cross-margin accounts and their margin (SPEC §5): equity, IM, MM, utilisation,
///         withdrawable and the liquidation price. Loops run over an account's own markets only, bounded by
///         maxPositionsPerAccount.
abstract contract AccountMargin is CircuitBreakers {
    /// @dev Largest price the liquidation-price search tries (2^128 wei, far above any real price).
    uint256 private constant MAX_SEARCH_PRICE = 1 << 128;
    /// @dev "No market's oracle price is known yet" for `_margin`.
    uint256 internal constant NO_MARKET = type(uint256).max;

    /// @dev Key of an account's home record in `_positions`; never a market id (those are below MAX_MARKETS).
    uint256 internal constant HOME = MAX_MARKETS;

    ICollateralVault internal immutable _vault;

    /// @dev A position as stored: `Position` (size and cost basis in one slot, the funding checkpoint in the next)
    ///      and, in an account's home record only, the account's market list (see MarketList) beside the
    ///      checkpoint. Whichever position an account opens while its home record is free goes there, so an
    ///      account's first position writes two slots from zero, not three; after the home position closes, the
    ///      checkpoint keeps that slot non-zero (unless the market's funding index was exactly 0), so the next
    ///      position stored there writes from zero only its size and cost basis. Every other position is keyed by
    ///      its market id.
    struct PositionRecord {
        int128 size;
        int128 openNotional;
        int128 lastFundingIndex;
        uint128 markets;
    }

    /// @dev Positions by account and key: a market id, or HOME.
    mapping(address account => mapping(uint256 key => PositionRecord)) internal _positions;

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

    /// @dev Values the position `pos` in `marketId` at the mark (atFair = false) or fair price; `mark` is the
    ///      market's mark price at `oraclePrice`.
    function _valuePosition(
        PositionRecord storage pos,
        uint256 marketId,
        bool atFair,
        uint256 oraclePrice,
        uint256 mark
    ) internal view returns (PositionValue memory v) {
        uint256 price = atFair ? _fairNow(marketId, mark) : mark;
        int256 size = pos.size;
        v.pnl = PositionMath.pnlFloor(size, pos.openNotional, price);
        v.fundingOwed = FundingMath.owedCeil(size, _pendingIndex(marketId, oraclePrice) - pos.lastFundingIndex);
        v.notional = MarginMath.notionalUp(size, price);
        Tier memory tier = _tierFor(marketId, v.notional);
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
    function _tierWithin(uint256 marketId, uint256 notional) internal view returns (Tier memory) {
        (uint256 i, bool above) = _tierIndex(marketId, notional);
        Tier storage t = _tiers[marketId][i];
        if (above) revert NotionalAboveMaxTier(notional, t.upToNotional);
        return t;
    }

    /// @dev The tier whose range holds `notional` (the last tier above its cap).
    function _tierFor(uint256 marketId, uint256 notional) internal view returns (Tier memory) {
        (uint256 i,) = _tierIndex(marketId, notional);
        return _tiers[marketId][i];
    }

    /// @dev The index of the first tier whose upToNotional ≥ `notional`, or of the last tier (`above`) when there
    ///      is none.
    function _tierIndex(uint256 marketId, uint256 notional) private view returns (uint256 i, bool above) {
        Tier[MAX_TIERS] storage tiers = _tiers[marketId];
        while (notional > tiers[i].upToNotional) {
            if (i + 1 == MAX_TIERS || tiers[i + 1].upToNotional == 0) return (i, true);
            ++i;
        }
    }

    /// @dev The margin summary of `account` with `collateral`, valued at mark or fair prices. The oracle and mark
    ///      prices of `knownMarket` (NO_MARKET for none) are `knownOracle` and `knownMark`, already computed by the
    ///      caller.
    function _margin(
        address account,
        int256 collateral,
        bool atFair,
        uint256 knownMarket,
        uint256 knownOracle,
        uint256 knownMark
    ) internal view returns (AccountMarginSummary memory m) {
        m.collateral = collateral;
        int256 equity = collateral;
        uint256 list = _marketList(account);
        for (uint256 rest = list; rest != 0; rest >>= 8) {
            if (rest & 0xff == 0) continue;
            uint256 id = (rest & 0xff) - 1;
            uint256 oraclePrice = knownOracle;
            uint256 mark = knownMark;
            if (id != knownMarket) {
                oraclePrice = _oraclePrice(id);
                mark = _markPrice(id, oraclePrice);
            }
            PositionValue memory v = _valuePosition(_record(account, id, list), id, atFair, oraclePrice, mark);
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

    /// @notice `account`'s position in `marketId` (all zero when it holds none).
    function position(address account, uint256 marketId) external view returns (Position memory) {
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return Position(0, 0, 0);
        return Position(pos.size, pos.openNotional, pos.lastFundingIndex);
    }

    /// @notice Markets in which `account` holds a position, in increasing order.
    function accountMarkets(address account) external view returns (uint256[] memory) {
        return MarketList.toArray(_marketList(account));
    }

    /// @notice Funding the position owes now but has not settled (positive: owes), USD.
    function accruedFunding(address account, uint256 marketId) external view returns (int256) {
        _requireMarket(marketId);
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return 0;
        int256 index = _pendingIndex(marketId, _oraclePrice(marketId));
        return FundingMath.owedCeil(pos.size, index - pos.lastFundingIndex);
    }

    /// @notice Unrealised PnL at the mark price, USD.
    function unrealisedPnl(address account, uint256 marketId) external view returns (int256) {
        _requireMarket(marketId);
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return 0;
        return PositionMath.pnlFloor(pos.size, pos.openNotional, _markPrice(marketId, _oraclePrice(marketId)));
    }

    /// @notice Margin summary valued at mark prices (what opening and withdrawing use).
    function accountMargin(address account) external view returns (AccountMarginSummary memory) {
        return _margin(account, _vault.collateralOf(account), false, NO_MARKET, 0, 0);
    }

    /// @notice Margin summary valued at fair prices (what liquidation uses).
    function accountMarginAtFair(address account) external view returns (AccountMarginSummary memory) {
        return _margin(account, _vault.collateralOf(account), true, NO_MARKET, 0, 0);
    }

    /// @notice One position valued at the fair price: PnL minus unsettled funding, and its maintenance margin.
    function positionAtFair(address account, uint256 marketId) external view returns (int256 value, uint256 mm) {
        _requireMarket(marketId);
        PositionRecord storage pos = _record(account, marketId);
        if (pos.size == 0) return (0, 0);
        uint256 oraclePrice = _oraclePrice(marketId);
        PositionValue memory v = _valuePosition(pos, marketId, true, oraclePrice, _markPrice(marketId, oraclePrice));
        return (v.pnl - v.fundingOwed, v.maintenanceMargin);
    }

    /// @notice equity − Σ MM at fair prices; the account is liquidatable when this is negative.
    function maintenanceMargin(address account) external view returns (int256) {
        AccountMarginSummary memory m = _margin(account, _vault.collateralOf(account), true, NO_MARKET, 0, 0);
        return m.equity - int256(m.maintenanceMargin);
    }

    /// @notice The fair price of `marketId` at which `account`'s maintenance margin turns negative, the other
    ///         positions held at their current fair prices. For a long: the highest price P with
    ///         maintenance margin < 0 (at P + 1 it is ≥ 0); for a short: the lowest (at P − 1 it is ≥ 0).
    ///         0 when no positive price makes the account liquidatable, or when there is no position.
    /// @dev Exact by construction: it searches the integer price with the same integer steps as the margin
    ///      check (doubling to bracket, then bisection: at most ~256 evaluations, no external calls in the loop).
    function liquidationPrice(address account, uint256 marketId) external view returns (uint256) {
        _requireMarket(marketId);
        uint256 list = _marketList(account);
        PositionRecord storage pos = _record(account, marketId, list);
        int256 size = pos.size;
        if (size == 0) return 0;
        int256 base = _vault.collateralOf(account) - pos.openNotional;
        for (uint256 rest = list; rest != 0; rest >>= 8) {
            if (rest & 0xff == 0) continue;
            uint256 id = (rest & 0xff) - 1;
            uint256 oraclePrice = _oraclePrice(id);
            PositionValue memory v =
                _valuePosition(_record(account, id, list), id, true, oraclePrice, _markPrice(id, oraclePrice));
            if (id == marketId) {
                base -= v.fundingOwed;
            } else {
                base += v.pnl - v.fundingOwed - int256(v.maintenanceMargin);
            }
        }
        return _searchLiquidationPrice(base, size, _tierList(marketId));
    }

    /// @dev f(P) = base + floor(size × P) − MM(notional(size, P)); liquidatable when f(P) < 0.
    function _maintenanceAt(int256 base, int256 size, Tier[] memory tiers, uint256 price)
        private
        pure
        returns (int256)
    {
        uint256 notional = MarginMath.notionalUp(size, price);
        uint256 last = tiers.length - 1;
        uint256 mmr = tiers[last].mmr;
        for (uint256 i; i < last; ++i) {
            if (notional <= tiers[i].upToNotional) {
                mmr = tiers[i].mmr;
                break;
            }
        }
        int256 value = FixedPointMath.mulDivFloor(size, int256(price), WAD);
        return base + value - int256(MarginMath.maintenanceMarginUp(notional, mmr));
    }

    function _searchLiquidationPrice(int256 base, int256 size, Tier[] memory tiers) private pure returns (uint256) {
        bool isLong = size > 0;
        // A long is liquidatable at low prices, a short at high ones. `bad` is a price where f < 0,
        // `good` one where f >= 0; the search keeps |bad − good| shrinking until they are adjacent.
        uint256 probe = 1;
        bool badAtProbe = _maintenanceAt(base, size, tiers, probe) < 0;
        if (isLong && !badAtProbe) return 0;
        if (!isLong && badAtProbe) return 1;
        while (probe < MAX_SEARCH_PRICE && (_maintenanceAt(base, size, tiers, probe) < 0) == badAtProbe) {
            probe <<= 1;
        }
        if ((_maintenanceAt(base, size, tiers, probe) < 0) == badAtProbe) return isLong ? probe : 0;
        uint256 lo = probe >> 1; // same state as at 1
        uint256 hi = probe; // the other state
        while (hi - lo > 1) {
            uint256 mid = lo + (hi - lo) / 2;
            if ((_maintenanceAt(base, size, tiers, mid) < 0) == badAtProbe) lo = mid;
            else hi = mid;
        }
        // Long: lo is the highest bad price. Short: hi is the lowest bad price.
        return isLong ? lo : hi;
    }
}
