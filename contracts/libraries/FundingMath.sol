// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ONE_HOUR, WAD} from "./Constants.sol";
import {FixedPointMath} from "./FixedPointMath.sol";

/// @title FundingMath
/// @notice Oracle-driven funding (SPEC §4): hourly rate, per-unit index accrual, and what a position owes.
library FundingMath {
    uint256 internal constant HOURS_PER_YEAR = 24 * 365;

    /// @notice Hourly rate F = premium + clamp(interest − premium, −c, +c), then capped to ±maxRate.
    /// @dev F > 0: longs pay shorts.
    function fundingRate(int256 premium, int256 interest, uint256 clampC, uint256 maxRate)
        internal
        pure
        returns (int256)
    {
        int256 c = int256(clampC);
        int256 rate = premium + FixedPointMath.clamp(interest - premium, -c, c);
        return FixedPointMath.clamp(rate, -int256(maxRate), int256(maxRate));
    }

    /// @notice The hourly rate annualised (× 24 × 365).
    function annualised(int256 hourlyRate) internal pure returns (int256) {
        return hourlyRate * int256(HOURS_PER_YEAR);
    }

    /// @notice USD per unit of size accrued over `elapsed` seconds at hourly `rate`, valued at `oraclePrice`:
    ///         rate × oracle × elapsed / 3600, truncated toward zero (everyone settles against the same index).
    function indexDelta(int256 rate, uint256 oraclePrice, uint256 elapsed) internal pure returns (int256) {
        return FixedPointMath.mulDivTrunc(rate, int256(oraclePrice * elapsed), ONE_HOUR * WAD);
    }

    /// @notice What a position of `size` owes for an index move of `deltaIndex`: positive pays, negative receives.
    ///         Rounded toward +∞, so a payer pays the extra wei and a receiver gets the lesser one (residue to
    ///         the protocol).
    function owedCeil(int256 size, int256 deltaIndex) internal pure returns (int256) {
        return FixedPointMath.mulDivCeil(size, deltaIndex, WAD);
    }
}
