// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {WAD} from "./Constants.sol";
import {FixedPointMath} from "./FixedPointMath.sol";

/// @title PricingMath
/// @notice Skew premium, mark price, fill price, exit value and trading fees (SPEC §3).
/// @dev All prices 18 decimals, sizes signed 18-decimal base units, fractions 18 decimals. The premium of a skew s
///      is p(s) = clamp(s / skewScale, −maxPremium, +maxPremium). A trade fills at the oracle times one plus the
///      average of p over the skew path it walks: the exact integral of the clamped premium divided by its size, so
///      fills are path-independent (splitting, reordering or round-tripping trades never changes their total cost
///      beyond rounding, which is always against the trader).
library PricingMath {
    using FixedPointMath for uint256;

    /// @dev WAD × WAD: a size (18 decimals) times a fraction (18 decimals).
    uint256 internal constant WAD2 = 1e36;
    /// @dev Bisection steps of `fitForcedClose`: the size it returns is within |delta| / 2^32 of the largest that fits.
    uint256 internal constant FIT_STEPS = 32;

    /// @notice premium = clamp(skew / skewScale, −maxPremium, +maxPremium), the division truncated toward zero.
    function premium(int256 skew, uint256 skewScale, uint256 maxPremium) internal pure returns (int256) {
        int256 raw = FixedPointMath.mulDivTrunc(skew, int256(WAD), skewScale);
        return FixedPointMath.clamp(raw, -int256(maxPremium), int256(maxPremium));
    }

    /// @notice mark = oracle × (1 + premium), rounded down (also the fair price from the fair premium).
    function markPriceDown(uint256 oraclePrice, int256 premium_) internal pure returns (uint256) {
        return oraclePrice.mulDivDown(SafeCast.toUint256(int256(WAD) + premium_), WAD);
    }

    /// @notice G(s) = ∫₀^s p(u) du, the area under the clamped premium from zero skew to `skew`, in size × 1e18
    ///         units, rounded down. G is even (p is odd) and convex: s² / (2 × skewScale) while |s| ≤ L =
    ///         maxPremium × skewScale, then maxPremium × |s| − maxPremium² × skewScale / 2.
    /// @dev Validated parameters keep every product below 2^256: in the linear part |s| ≤ L ≤ 1e35, so s² ≤ 1e70; in
    ///      the flat part maxPremium ≤ 0.1e18 and the engine bounds |s| by 4e36 (`MAX_TRADE_SIZE` on each side).
    function premiumIntegralDown(int256 skew, uint256 skewScale, uint256 maxPremium) internal pure returns (uint256) {
        uint256 a = FixedPointMath.abs(skew);
        // |s| ≤ maxPremium × skewScale / 1e18 exactly (a is an integer, so comparing with the floor is exact).
        if (a <= Math.mulDiv(maxPremium, skewScale, WAD)) return Math.mulDiv(a * a, WAD, 2 * skewScale);
        // M·|s| − M²·K / 2, the constant rounded up so that G itself is rounded down (M·|s| > M²·K/1e18 ≥ it here).
        return maxPremium * a - Math.mulDiv(maxPremium * maxPremium, skewScale, 2 * WAD, Math.Rounding.Ceil);
    }

    /// @notice Fill price of a trade of `delta` at `skew`: oracle × (1 + (G(skew + delta) − G(skew)) / delta), i.e.
    ///         the average premium over the path, rounded against the trader: up for a buy, down for a sell.
    /// @dev delta ≠ 0. Equals oracle × (1 + (p(skew) + p(skew + delta)) / 2) while the path stays inside the clamp
    ///      (up to the truncation of those two premiums); a path across ±maxPremium pays the flat part in full.
    function fillPrice(uint256 oraclePrice, int256 skew, int256 delta, uint256 skewScale, uint256 maxPremium)
        internal
        pure
        returns (uint256)
    {
        return _fill(oraclePrice, skew, delta, premiumIntegralDown(skew, skewScale, maxPremium), skewScale, maxPremium);
    }

    /// @notice The value of the traders' net position `skew` if it were closed now: skew × the fill of a trade of
    ///         −skew, i.e. oracle × (skew + G(skew) / 1e18), rounded up (toward +∞). The liquidity vault, which
    ///         holds −skew, is worth its cost basis minus this: what closing the net position would realise, never
    ///         the traders' own price impact.
    function netExitValueCeil(uint256 oraclePrice, int256 skew, uint256 skewScale, uint256 maxPremium)
        internal
        pure
        returns (int256)
    {
        int256 area = SafeCast.toInt256(premiumIntegralDown(skew, skewScale, maxPremium));
        return FixedPointMath.mulDivCeil(skew * int256(WAD) + area, int256(oraclePrice), WAD2);
    }

    /// @notice The part of a forced close of `delta` that may fill at the live `skew`: the largest |size| (up to
    ///         |delta|, within |delta| / 2^32) whose fill is no worse for the account than `boundPrice` (at least
    ///         it for a sell, at most it for a buy). Returns 0 when even the first unit would fill beyond it.
    /// @dev The average premium of a sell of a from s is nonincreasing in a (p is nondecreasing), of a buy
    ///      nondecreasing, so bisection applies; FIT_STEPS fixed steps keep the gas bounded and the SDK's mirror
    ///      identical.
    function fitForcedClose(
        uint256 oraclePrice,
        int256 skew,
        int256 delta,
        uint256 boundPrice,
        uint256 skewScale,
        uint256 maxPremium
    ) internal pure returns (uint256 size) {
        uint256 hi = FixedPointMath.abs(delta);
        uint256 areaAtSkew = premiumIntegralDown(skew, skewScale, maxPremium);
        if (_fits(oraclePrice, skew, delta, areaAtSkew, boundPrice, skewScale, maxPremium)) return hi;
        for (uint256 i; i < FIT_STEPS && hi - size > 1; ++i) {
            uint256 mid = size + (hi - size) / 2;
            int256 trial = delta > 0 ? int256(mid) : -int256(mid);
            if (_fits(oraclePrice, skew, trial, areaAtSkew, boundPrice, skewScale, maxPremium)) size = mid;
            else hi = mid;
        }
    }

    /// @notice Trading fee: the part of |delta| that reduces |skew| pays `makerFee`, the rest `takerFee`;
    ///         each part's notional and fee are rounded up.
    /// @return fee 18-decimal USD.
    function tradeFeeUp(int256 skew, int256 delta, uint256 fill, uint256 makerFee, uint256 takerFee)
        internal
        pure
        returns (uint256 fee)
    {
        uint256 size = FixedPointMath.abs(delta);
        uint256 makerSize;
        if (skew != 0 && (skew > 0) != (delta > 0)) {
            uint256 absSkew = FixedPointMath.abs(skew);
            makerSize = size < absSkew ? size : absSkew;
        }
        uint256 takerSize = size - makerSize;
        if (makerSize > 0) fee = makerSize.mulDivUp(fill, WAD).mulDivUp(makerFee, WAD);
        if (takerSize > 0) fee += takerSize.mulDivUp(fill, WAD).mulDivUp(takerFee, WAD);
    }

    /// @dev The fill of `delta` at `skew` given G(skew).
    function _fill(
        uint256 oraclePrice,
        int256 skew,
        int256 delta,
        uint256 areaAtSkew,
        uint256 skewScale,
        uint256 maxPremium
    ) private pure returns (uint256) {
        uint256 size = FixedPointMath.abs(delta);
        int256 area = int256(premiumIntegralDown(skew + delta, skewScale, maxPremium)) - int256(areaAtSkew);
        // size × 1e18 × (1 + average premium) = size × 1e18 + sign(delta) × (G(skew + delta) − G(skew))
        uint256 scaled = size * WAD;
        uint256 factor = SafeCast.toUint256(int256(scaled) + (delta > 0 ? area : -area));
        return delta > 0 ? oraclePrice.mulDivUp(factor, scaled) : oraclePrice.mulDivDown(factor, scaled);
    }

    function _fits(
        uint256 oraclePrice,
        int256 skew,
        int256 delta,
        uint256 areaAtSkew,
        uint256 boundPrice,
        uint256 skewScale,
        uint256 maxPremium
    ) private pure returns (bool) {
        uint256 fill = _fill(oraclePrice, skew, delta, areaAtSkew, skewScale, maxPremium);
        return delta > 0 ? fill <= boundPrice : fill >= boundPrice;
    }
}
