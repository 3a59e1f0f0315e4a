// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {MAX_POSITIONS_PER_ACCOUNT} from "./Constants.sol";

/// @title MarketList
/// @notice The markets an account holds positions in, as 16 one-byte entries of a 128-bit word (entry k in bits
///         8k to 8k + 7): an entry is marketId + 1 (market ids 0–254), 0 when free. Entry 0 is the market whose
///         position sits in the account's home record (see AccountMargin); the others are in no particular order.
/// @dev 16 entries cover the engine's hard cap on positions per account. The engine keeps the word beside the home
///      record's funding checkpoint, so an account's first position writes two slots from zero (the home record)
///      instead of three (a position and a separate market set). Loops visit at most 16 entries.
library MarketList {
    /// @notice Entries in a list (the engine's hard cap on positions per account).
    uint256 internal constant ENTRIES = MAX_POSITIONS_PER_ACCOUNT;

    /// @notice Whether the position in `marketId` is in the home record, or would open there: `marketId` is entry
    ///         0, or it is in no entry and entry 0 is free.
    function atHome(uint256 list, uint256 marketId) internal pure returns (bool) {
        uint256 entry = marketId + 1;
        uint256 home = list & 0xff;
        if (home != 0) return home == entry;
        for (list >>= 8; list != 0; list >>= 8) {
            if (list & 0xff == entry) return false;
        }
        return true;
    }

    /// @notice Number of markets in the list.
    function count(uint256 list) internal pure returns (uint256 n) {
        unchecked {
            for (; list != 0; list >>= 8) {
                if (list & 0xff != 0) ++n;
            }
        }
    }

    /// @notice The list with `marketId` in its first free entry (entry 0 when free, as `atHome` expects).
    /// @dev The caller checks that `marketId` is not in the list and that the list has a free entry.
    function add(uint256 list, uint256 marketId) internal pure returns (uint256) {
        uint256 shift;
        unchecked {
            while ((list >> shift) & 0xff != 0) shift += 8;
        }
        assert(shift < 8 * ENTRIES);
        return list | ((marketId + 1) << shift);
    }

    /// @notice The list with `marketId`'s entry freed (unchanged if it has none).
    function remove(uint256 list, uint256 marketId) internal pure returns (uint256) {
        uint256 entry = marketId + 1;
        unchecked {
            for (uint256 shift; shift < 8 * ENTRIES; shift += 8) {
                if ((list >> shift) & 0xff == entry) return list ^ (entry << shift);
            }
        }
        return list;
    }

    /// @notice The market ids in the list, in increasing order.
    function toArray(uint256 list) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](count(list));
        uint256 bits;
        for (; list != 0; list >>= 8) {
            uint256 entry = list & 0xff;
            if (entry != 0) bits |= 1 << (entry - 1);
        }
        for (uint256 i; bits != 0; ++i) {
            ids[i] = Math.log2(bits & (~bits + 1));
            bits &= bits - 1;
        }
    }
}
