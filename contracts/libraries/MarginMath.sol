// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WAD} from "./Constants.sol";
import {FixedPointMath} from "./FixedPointMath.sol";

/// @title MarginMath
/// @notice Notional, initial and maintenance margin of one position (SPEC §5). Every amount rounds up: a margin
///         requirement is never understated.
library MarginMath {
    using FixedPointMath for uint256;

    /// @notice |size| × price, rounded up.
    function notionalUp(int256 size, uint256 price) internal pure returns (uint256) {
        return FixedPointMath.abs(size).mulDivUp(price, WAD);
    }

    /// @notice IM = notional / maxLeverage, rounded up (maxLeverage 18 decimals, e.g. 20e18 for 20x).
    function initialMarginUp(uint256 notional, uint256 maxLeverage) internal pure returns (uint256) {
        return notional.mulDivUp(WAD, maxLeverage);
    }

    /// @notice MM = notional × mmr, rounded up.
    function maintenanceMarginUp(uint256 notional, uint256 mmr) internal pure returns (uint256) {
        return notional.mulDivUp(mmr, WAD);
    }
}
