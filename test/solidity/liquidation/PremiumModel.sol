// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice A second implementation, written from the specification (not from the engine's code), of the pricing the
///         liquidation tests check against: the premium integral, the fill, the traders' net exit value and the
///         largest forced close that fits its bound.
/// @dev Specification (brief, rule 1): p(s) = clamp(s / K, −M, M). G(s) = ∫₀^s p = s² / (2K) while |s| ≤ M·K, else
///      M·|s| − M²·K / 2, in size × 1e18 units, rounded down. A trade of Δ at skew s fills at
///      oracle × (|Δ|·1e18 + sign(Δ)·(G(s + Δ) − G(s))) / (|Δ|·1e18), rounded up for a buy and down for a sell.
///      The traders' net position s is worth ceil(oracle × (s·1e18 + G(s)) / 1e36) if closed now (rule 4).
library PremiumModel {
    uint256 internal constant WAD = 1e18;

    /// @dev G(s), rounded down. The linear part holds while |s|·1e18 ≤ M·K (no division, so no rounding in the test);
    ///      the flat part is (2e18·M·|s| − M²·K) / 2e18, floored as one fraction.
    function area(int256 skew, uint256 skewScale, uint256 maxPremium) internal pure returns (uint256) {
        uint256 a = skew < 0 ? uint256(-skew) : uint256(skew);
        if (a * WAD <= maxPremium * skewScale) return Math.mulDiv(a * a, WAD, 2 * skewScale);
        return (2 * WAD * maxPremium * a - maxPremium * maxPremium * skewScale) / (2 * WAD);
    }

    /// @dev The fill of a trade of `delta` at `skew`.
    function fill(uint256 oracle, int256 skew, int256 delta, uint256 skewScale, uint256 maxPremium)
        internal
        pure
        returns (uint256)
    {
        uint256 size = delta < 0 ? uint256(-delta) : uint256(delta);
        uint256 g0 = area(skew, skewScale, maxPremium);
        uint256 g1 = area(skew + delta, skewScale, maxPremium);
        // size·1e18 + sign(Δ)·(G(s+Δ) − G(s)), kept unsigned: a buy adds g1 − g0, a sell adds g0 − g1.
        uint256 factor = delta > 0 ? size * WAD + g1 - g0 : size * WAD + g0 - g1;
        return Math.mulDiv(oracle, factor, size * WAD, delta > 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
    }

    /// @dev Whether a forced close of `delta` at `skew` fills no worse for the account than `boundPrice`.
    function fits(
        uint256 oracle,
        int256 skew,
        int256 delta,
        uint256 boundPrice,
        uint256 skewScale,
        uint256 maxPremium
    ) internal pure returns (bool) {
        uint256 f = fill(oracle, skew, delta, skewScale, maxPremium);
        return delta > 0 ? f <= boundPrice : f >= boundPrice;
    }

    /// @dev The largest |size| ≤ |delta| (to the wei) of a close in `delta`'s direction at `skew` that fits the bound
    ///      of the whole close measured from `fairSkew`: a bisection run to the end (hi − lo = 1), not for 32 steps.
    function largestFit(
        uint256 oracle,
        int256 skew,
        int256 fairSkew,
        int256 delta,
        uint256 skewScale,
        uint256 maxPremium
    ) internal pure returns (uint256) {
        uint256 boundPrice = fill(oracle, fairSkew, delta, skewScale, maxPremium);
        uint256 hi = delta < 0 ? uint256(-delta) : uint256(delta);
        if (fits(oracle, skew, delta, boundPrice, skewScale, maxPremium)) return hi;
        uint256 lo;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            int256 trial = delta > 0 ? int256(mid) : -int256(mid);
            if (fits(oracle, skew, trial, boundPrice, skewScale, maxPremium)) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    /// @dev ceil(oracle × (s·1e18 + G(s)) / 1e36), toward +∞.
    function netExitValue(uint256 oracle, int256 skew, uint256 skewScale, uint256 maxPremium)
        internal
        pure
        returns (int256)
    {
        int256 units = skew * int256(WAD) + int256(area(skew, skewScale, maxPremium));
        if (units >= 0) return int256(Math.mulDiv(uint256(units), oracle, 1e36, Math.Rounding.Ceil));
        return -int256(Math.mulDiv(uint256(-units), oracle, 1e36, Math.Rounding.Floor));
    }
}
