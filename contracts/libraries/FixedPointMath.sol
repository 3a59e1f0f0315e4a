// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title FixedPointMath
/// @notice 18-decimal fixed-point helpers for signed and unsigned values. Every name carries its rounding:
///         `Down`/`Up` for unsigned (toward 0 / away from 0), `Floor`/`Ceil` for signed (toward −∞ / +∞).
/// @dev Products use OpenZeppelin's full-precision `Math.mulDiv`; a signed result that does not fit int256 reverts
///      (SafeCast) instead of wrapping.
library FixedPointMath {
    /// @notice a × b / d rounded down (unsigned).
    function mulDivDown(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        return Math.mulDiv(a, b, d);
    }

    /// @notice a × b / d rounded up (unsigned).
    function mulDivUp(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        return Math.mulDiv(a, b, d, Math.Rounding.Ceil);
    }

    /// @notice a × b / d rounded toward −∞ (signed a, b; d > 0).
    function mulDivFloor(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        return _mulDivSigned(a, b, d, true);
    }

    /// @notice a × b / d rounded toward +∞ (signed a, b; d > 0).
    function mulDivCeil(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        return _mulDivSigned(a, b, d, false);
    }

    /// @notice a × b / d rounded toward zero (signed a, b; d > 0).
    function mulDivTrunc(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        int256 q = SafeCast.toInt256(Math.mulDiv(abs(a), abs(b), d));
        return (a < 0) != (b < 0) ? -q : q;
    }

    /// @notice |x| as unsigned.
    function abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    /// @notice x clamped to [lo, hi].
    function clamp(int256 x, int256 lo, int256 hi) internal pure returns (int256) {
        return x < lo ? lo : (x > hi ? hi : x);
    }

    /// @dev Floor rounds a negative result's magnitude up and a positive one's down; ceil the reverse.
    function _mulDivSigned(int256 a, int256 b, uint256 d, bool floor) private pure returns (int256) {
        bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
        bool magnitudeUp = floor ? negative : !negative;
        int256 q = SafeCast.toInt256(
            Math.mulDiv(abs(a), abs(b), d, magnitudeUp ? Math.Rounding.Ceil : Math.Rounding.Floor)
        );
        return negative ? -q : q;
    }
}
