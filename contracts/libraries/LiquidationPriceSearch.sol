// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Tier} from "../interfaces/PerpTypes.sol";
import {FixedPointMath} from "./FixedPointMath.sol";
import {MarginMath} from "./MarginMath.sol";

/// @title LiquidationPriceSearch
/// @notice The exact liquidation price of one position: the fair price of its market at which the account's
///         maintenance margin turns negative, every other position held at its current fair value (SPEC §5).
/// @dev Used by the lens (integrators' view; the engine does not carry it). With base = collateral − the position's
///      cost basis − its unsettled funding + Σ over the other positions of (value at fair − MM), the account's
///      maintenance margin at price P is f(P) = base + floor(size × P) − MM(notional(size, P)), exactly the engine's
///      check. The search brackets by doubling from 1 wei, then bisects: at most ~256 evaluations, no external calls.
library LiquidationPriceSearch {
    uint256 internal constant WAD = 1e18;
    /// @dev Largest price the search tries (2^128 wei, far above any real price).
    uint256 internal constant MAX_SEARCH_PRICE = 1 << 128;

    /// @notice For a long the highest price P with f(P) < 0 (at P + 1 it is ≥ 0); for a short the lowest (at P − 1
    ///         it is ≥ 0). 0 when no positive price makes f negative (or size is 0).
    /// @param base See above, 18-decimal USD.
    /// @param size The position's signed size.
    /// @param tiers The market's notional tiers.
    function search(int256 base, int256 size, Tier[] memory tiers) internal pure returns (uint256) {
        if (size == 0) return 0;
        bool isLong = size > 0;
        // A long is liquidatable at low prices, a short at high ones. `bad` is a price where f < 0,
        // `good` one where f >= 0; the search keeps |bad − good| shrinking until they are adjacent.
        uint256 probe = 1;
        bool badAtProbe = maintenanceAt(base, size, tiers, probe) < 0;
        if (isLong && !badAtProbe) return 0;
        if (!isLong && badAtProbe) return 1;
        while (probe < MAX_SEARCH_PRICE && (maintenanceAt(base, size, tiers, probe) < 0) == badAtProbe) {
            probe <<= 1;
        }
        if ((maintenanceAt(base, size, tiers, probe) < 0) == badAtProbe) return isLong ? probe : 0;
        uint256 lo = probe >> 1; // same state as at 1
        uint256 hi = probe; // the other state
        while (hi - lo > 1) {
            uint256 mid = lo + (hi - lo) / 2;
            if ((maintenanceAt(base, size, tiers, mid) < 0) == badAtProbe) lo = mid;
            else hi = mid;
        }
        // Long: lo is the highest bad price. Short: hi is the lowest bad price.
        return isLong ? lo : hi;
    }

    /// @notice f(P) = base + floor(size × P) − MM(notional(size, P)), with MM at the tier the notional falls in.
    function maintenanceAt(int256 base, int256 size, Tier[] memory tiers, uint256 price) internal pure returns (int256) {
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
}
