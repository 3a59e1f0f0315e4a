// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {InvalidPriceBounds, PriceOutOfBounds} from "../interfaces/CommonErrors.sol";
import {IOracleAdapterBase} from "../interfaces/IOracleAdapterBase.sol";
import {MAX_ORACLE_PRICE} from "../libraries/Constants.sol";

/// @title OracleAdapterBase
/// @notice What every oracle adapter kind shares: two-step ownership and the owner-set price bounds within
///         `MAX_PRICE_LIMIT`, stored in one slot of their own.
/// @dev Each adapter sets the bounds in its own constructor (`_setPriceBounds`, where its events are ordered) and
///      checks its price against them on every read: `_checkPriceBounds` reverts with the shared
///      `PriceOutOfBounds(price, minPrice, maxPrice)`; an adapter whose error must say more (the curve blend names
///      the failing leg) reads `_priceBounds` and reverts with its own. Only what an adapter calls reaches its ABI.
abstract contract OracleAdapterBase is IOracleAdapterBase, Ownable2Step {
    /// @inheritdoc IOracleAdapterBase
    uint256 public constant MAX_PRICE_LIMIT = MAX_ORACLE_PRICE;

    /// @dev Price bounds in one slot (maxPrice ≤ 1e36 < 2^128).
    struct Bounds {
        uint128 minPrice;
        uint128 maxPrice;
    }

    Bounds private _bounds;

    /// @param owner_ The admin (two-step ownership).
    constructor(address owner_) Ownable(owner_) {}

    /// @inheritdoc IOracleAdapterBase
    function setPriceBounds(uint256 minPrice_, uint256 maxPrice_) external onlyOwner {
        _setPriceBounds(minPrice_, maxPrice_);
    }

    /// @inheritdoc IOracleAdapterBase
    function priceBounds() external view returns (uint256 minPrice, uint256 maxPrice) {
        Bounds memory bounds = _bounds;
        return (bounds.minPrice, bounds.maxPrice);
    }

    /// @dev Checks `0 < minPrice < maxPrice <= MAX_PRICE_LIMIT`, stores the bounds and emits `PriceBoundsSet`.
    function _setPriceBounds(uint256 minPrice, uint256 maxPrice) internal {
        if (minPrice == 0 || minPrice >= maxPrice || maxPrice > MAX_PRICE_LIMIT) {
            revert InvalidPriceBounds(minPrice, maxPrice);
        }
        _bounds = Bounds({minPrice: uint128(minPrice), maxPrice: uint128(maxPrice)});
        emit PriceBoundsSet(minPrice, maxPrice);
    }

    /// @dev The stored bounds, one slot read.
    function _priceBounds() internal view returns (Bounds memory) {
        return _bounds;
    }

    /// @dev Reverts `PriceOutOfBounds(price18, minPrice, maxPrice)` unless `minPrice <= price18 <= maxPrice`.
    function _checkPriceBounds(uint256 price18) internal view {
        Bounds memory bounds = _bounds;
        if (price18 < bounds.minPrice || price18 > bounds.maxPrice) {
            revert PriceOutOfBounds(price18, bounds.minPrice, bounds.maxPrice);
        }
    }
}
