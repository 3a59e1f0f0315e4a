// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TOKEN_TO_USD_SCALE} from "./Constants.sol";

/// @title TokenUnits
/// @notice Conversion between a 6-decimal token amount and an 18-decimal USD amount.
/// @dev The name of each function says the rounding direction; the caller picks the one that is
///      against the user (protocol-favouring) at its call site.
library TokenUnits {
    /// @dev 10^(18 − 6): one USDC unit expressed in 18-decimal USD.
    uint256 internal constant SCALE = TOKEN_TO_USD_SCALE;

    /// @notice 6-decimal token units to 18-decimal USD. Exact.
    function toUsd(uint256 tokenAmount) internal pure returns (uint256) {
        return tokenAmount * SCALE;
    }

    /// @notice 18-decimal USD to token units, rounded down (what a user may take out).
    function toTokenDown(uint256 usdAmount) internal pure returns (uint256) {
        return usdAmount / SCALE;
    }

    /// @notice 18-decimal USD to token units, rounded up (what a user must bring in).
    function toTokenUp(uint256 usdAmount) internal pure returns (uint256) {
        return (usdAmount + SCALE - 1) / SCALE;
    }
}
