// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {FixedPointMath} from "./FixedPointMath.sol";

/// @title PricingMath
/// @notice Skew premium, mark price, fill price and trading fees (SPEC §3).
/// @dev All prices 18 decimals, sizes signed 18-decimal base units, fractions 18 decimals. A premium below −100 %
///      (impossible with the admin bound maxPremium ≤ 10 %) reverts instead of wrapping.
library PricingMath {
    using FixedPointMath for uint256;

    uint256 internal constant WAD = 1e18;

    /// @notice premium = clamp(skew / skewScale, −maxPremium, +maxPremium), the division truncated toward zero.
    function premium(int256 skew, uint256 skewScale, uint256 maxPremium) internal pure returns (int256) {
        int256 raw = FixedPointMath.mulDivTrunc(skew, int256(WAD), skewScale);
        return FixedPointMath.clamp(raw, -int256(maxPremium), int256(maxPremium));
    }

    /// @notice mark = oracle × (1 + premium), rounded down.
    function markPriceDown(uint256 oraclePrice, int256 premium_) internal pure returns (uint256) {
        return oraclePrice.mulDivDown(SafeCast.toUint256(int256(WAD) + premium_), WAD);
    }

    /// @notice Fill price of a trade: oracle × (1 + (premiumBefore + premiumAfter) / 2), rounded against
    ///         the trader: up for a buy, down for a sell.
    function fillPrice(uint256 oraclePrice, int256 premiumBefore, int256 premiumAfter, bool isBuy)
        internal
        pure
        returns (uint256)
    {
        uint256 factor = SafeCast.toUint256(int256(2 * WAD) + premiumBefore + premiumAfter);
        return isBuy ? oraclePrice.mulDivUp(factor, 2 * WAD) : oraclePrice.mulDivDown(factor, 2 * WAD);
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
}
