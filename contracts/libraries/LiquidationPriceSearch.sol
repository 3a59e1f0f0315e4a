// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NotionalTier} from "../interfaces/PerpTypes.sol";
import {WAD} from "./Constants.sol";
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
    /// @dev Largest price the search tries (2^128 wei, far above any real price).
    uint256 internal constant MAX_SEARCH_PRICE = 1 << 128;

    /// @notice For a long the highest price P with f(P) < 0 (at P + 1 it is ≥ 0); for a short the lowest (at P − 1
    ///         it is ≥ 0). 0 when no positive price makes f negative (or size is 0).
    /// @dev A short's f falls as P rises, within a tier and at every tier boundary (its mmr steps up), so its
    ///      liquidatable prices are one interval [P, ∞): doubling then bisection finds P. A long's f rises within a
    ///      tier but drops at each boundary, so its liquidatable prices can be several intervals, one per tier; the
    ///      search takes the tiers' price ranges from the highest down and returns the highest liquidatable price of
    ///      the first range that has one (the highest tier's range ends at MAX_SEARCH_PRICE).
    /// @param base See above, 18-decimal USD.
    /// @param size The position's signed size.
    /// @param tiers The market's notional tiers.
    function search(int256 base, int256 size, NotionalTier[] memory tiers) internal pure returns (uint256) {
        if (size == 0) return 0;
        if (size < 0) return _lowestBadForShort(base, size, tiers);
        for (uint256 i = tiers.length; i > 0; --i) {
            (uint256 lo, uint256 hi) = _priceRange(uint256(size), tiers, i - 1);
            if (lo > hi || maintenanceAt(base, size, tiers, lo) >= 0) continue;
            if (maintenanceAt(base, size, tiers, hi) < 0) return hi;
            // f(lo) < 0 ≤ f(hi), f increasing in between: the highest bad price.
            while (hi - lo > 1) {
                uint256 mid = lo + (hi - lo) / 2;
                if (maintenanceAt(base, size, tiers, mid) < 0) lo = mid;
                else hi = mid;
            }
            return lo;
        }
        return 0;
    }

    /// @dev The prices at which a long of `size` falls in tier `i`: notional = ceil(size × P / 1e18) in
    ///      (upTo[i − 1], upTo[i]], i.e. P in [floor(upTo[i − 1] × 1e18 / size) + 1, floor(upTo[i] × 1e18 / size)];
    ///      the first tier starts at 1 wei, the last one (which also applies above its cap) ends at MAX_SEARCH_PRICE.
    function _priceRange(uint256 size, NotionalTier[] memory tiers, uint256 i)
        private
        pure
        returns (uint256 lo, uint256 hi)
    {
        lo = i == 0 ? 1 : FixedPointMath.mulDivDown(tiers[i - 1].upToNotional, WAD, size) + 1;
        hi = i + 1 == tiers.length
            ? MAX_SEARCH_PRICE
            : _min(FixedPointMath.mulDivDown(tiers[i].upToNotional, WAD, size), MAX_SEARCH_PRICE);
    }

    function _lowestBadForShort(int256 base, int256 size, NotionalTier[] memory tiers) private pure returns (uint256) {
        uint256 probe = 1;
        if (maintenanceAt(base, size, tiers, probe) < 0) return 1;
        while (probe < MAX_SEARCH_PRICE && maintenanceAt(base, size, tiers, probe) >= 0) probe <<= 1;
        if (maintenanceAt(base, size, tiers, probe) >= 0) return 0;
        uint256 lo = probe >> 1; // good
        uint256 hi = probe; // bad
        while (hi - lo > 1) {
            uint256 mid = lo + (hi - lo) / 2;
            if (maintenanceAt(base, size, tiers, mid) < 0) hi = mid;
            else lo = mid;
        }
        return hi;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @notice f(P) = base + floor(size × P) − MM(notional(size, P)), with MM at the tier the notional falls in.
    function maintenanceAt(int256 base, int256 size, NotionalTier[] memory tiers, uint256 price)
        internal
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
}
