// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title MarketBitmap
/// @notice The set of markets an account holds positions in, as one 256-bit word (market ids 0–255).
/// @dev One storage slot per account instead of an array: adding a position writes one word, and iteration
///      visits only set bits. The engine caps the set size at maxPositionsPerAccount (≤ 16).
library MarketBitmap {
    /// @notice Whether `marketId` is in the set.
    function contains(uint256 bits, uint256 marketId) internal pure returns (bool) {
        return bits & (1 << marketId) != 0;
    }

    /// @notice The set with `marketId` added.
    function add(uint256 bits, uint256 marketId) internal pure returns (uint256) {
        return bits | (1 << marketId);
    }

    /// @notice The set with `marketId` removed.
    function remove(uint256 bits, uint256 marketId) internal pure returns (uint256) {
        return bits & ~(1 << marketId);
    }

    /// @notice Number of markets in the set (population count; one iteration per member).
    function count(uint256 bits) internal pure returns (uint256 n) {
        while (bits != 0) {
            bits &= bits - 1;
            ++n;
        }
    }

    /// @notice The smallest market id in a non-empty set.
    function lowest(uint256 bits) internal pure returns (uint256) {
        return Math.log2(bits & (~bits + 1));
    }

    /// @notice The members in increasing order.
    function toArray(uint256 bits) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](count(bits));
        for (uint256 i; bits != 0; ++i) {
            ids[i] = lowest(bits);
            bits &= bits - 1;
        }
    }
}
