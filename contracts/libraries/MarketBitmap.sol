// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title MarketBitmap
/// @notice The set of markets an account holds positions in, as one 256-bit word (market ids 0–254).
/// @dev One storage slot per account instead of an array: adding a position writes one word, and iteration
///      visits only set bits. The engine caps the set size at maxPositionsPerAccount (≤ 16). Bit 255 (`TRADED`)
///      is set with the first position and never cleared, so the word stays non-zero once an account has traded
///      and its later first positions pay a non-zero write (2,900 gas) instead of a zero-to-non-zero one (20,000).
library MarketBitmap {
    /// @notice Marks an account that has traded; not a market.
    uint256 internal constant TRADED = 1 << 255;

    /// @notice The market ids in `bits`, without the TRADED marker.
    function members(uint256 bits) internal pure returns (uint256) {
        return bits & ~TRADED;
    }

    /// @notice Whether `marketId` is in the set.
    function contains(uint256 bits, uint256 marketId) internal pure returns (bool) {
        return bits & (1 << marketId) != 0;
    }

    /// @notice The set with `marketId` added (and the TRADED marker set).
    function add(uint256 bits, uint256 marketId) internal pure returns (uint256) {
        return bits | (1 << marketId) | TRADED;
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
