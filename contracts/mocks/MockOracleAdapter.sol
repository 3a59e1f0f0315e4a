// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";

/// @title MockOracleAdapter
/// @notice Test-only oracle adapter with a settable price and an optional forced failure.
contract MockOracleAdapter is IOracleAdapter {
    /// @notice The mock was told to fail.
    error MockOracleFailure();

    uint256 public currentPrice;
    bool public failing;

    constructor(uint256 price_) {
        currentPrice = price_;
    }

    /// @notice Set the price (18 decimals).
    function setPrice(uint256 price_) external {
        currentPrice = price_;
    }

    /// @notice Make every read revert (or stop doing so).
    function setFailing(bool failing_) external {
        failing = failing_;
    }

    /// @inheritdoc IOracleAdapter
    function price() external view returns (uint256) {
        if (failing) revert MockOracleFailure();
        return currentPrice;
    }

    /// @inheritdoc IOracleAdapter
    function priceWithTime() external view returns (uint256, uint256) {
        if (failing) revert MockOracleFailure();
        return (currentPrice, block.timestamp);
    }

    /// @inheritdoc IOracleAdapter
    function kind() external pure returns (uint8) {
        return 1;
    }
}
