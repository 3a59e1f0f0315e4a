// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "./IOracleAdapter.sol";

/// @title IOracleAdapterBase
/// @notice What every oracle adapter kind shares besides the read interface: the owner-set price bounds within the
///         hard limit `MAX_PRICE_LIMIT`. Each kind's interface says which price the bounds apply to and with which
///         error a read outside them reverts. Configuration errors (`InvalidPriceBounds`) are in CommonErrors.sol.
interface IOracleAdapterBase is IOracleAdapter {
    /// @notice The accepted price range changed (also emitted at construction).
    /// @param minPrice New lower bound, 18 decimals, inclusive.
    /// @param maxPrice New upper bound, 18 decimals, inclusive.
    event PriceBoundsSet(uint256 minPrice, uint256 maxPrice);

    /// @notice Set the accepted price range (owner only); both ends are inclusive. Reverts `InvalidPriceBounds`
    ///         unless `0 < minPrice < maxPrice <= MAX_PRICE_LIMIT`.
    /// @param minPrice Lower bound, 18 decimals, > 0.
    /// @param maxPrice Upper bound, 18 decimals, > minPrice and `<= MAX_PRICE_LIMIT`.
    function setPriceBounds(uint256 minPrice, uint256 maxPrice) external;

    /// @notice The accepted price range, both inclusive, 18 decimals.
    function priceBounds() external view returns (uint256 minPrice, uint256 maxPrice);

    /// @notice Hard upper bound of `maxPrice`, 18 decimals (1e36: 10^18 units of quote per unit of base).
    function MAX_PRICE_LIMIT() external view returns (uint256);
}
