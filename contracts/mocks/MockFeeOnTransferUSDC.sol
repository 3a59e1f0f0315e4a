// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockUSDC} from "./MockUSDC.sol";

/// @title MockFeeOnTransferUSDC
/// @notice Test-only USDC that burns `feeBps` of every transfer, delivering less than was sent.
contract MockFeeOnTransferUSDC is MockUSDC {
    uint256 public feeBps;

    constructor(uint256 feeBps_) {
        feeBps = feeBps_;
    }

    /// @notice Change the fee (tests only).
    function setFeeBps(uint256 feeBps_) external {
        feeBps = feeBps_;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0) || feeBps == 0) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
