// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOracleAdapter
/// @notice One market's index (oracle) price source after every safety check (SPEC §7).
/// @dev Each adapter kind (spot feed, curve blend, market hours, self-referencing) implements this.
///      `price()` must revert with the adapter's own custom error on any failed check; it never returns 0.
interface IOracleAdapter {
    /// @notice The checked index price, 18 decimals.
    /// @return price18 The price normalised to 18 decimals, > 0.
    function price() external view returns (uint256 price18);

    /// @notice The checked index price and the time it was observed.
    /// @return price18 The price normalised to 18 decimals, > 0.
    /// @return updatedAt The feed's update timestamp.
    function priceWithTime() external view returns (uint256 price18, uint256 updatedAt);

    /// @notice The adapter's kind (SPEC §7): 1 spot feed, 2 curve blend, 3 market hours, 4 self-referencing.
    /// @dev The engine refuses to list kinds whose index moves at known times by amounts traders can see coming,
    ///      until trading into those moves is bounded (kind 3 today).
    function kind() external view returns (uint8);
}
