// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockUSDC} from "./MockUSDC.sol";

/// @title MockBlacklistUSDC
/// @notice Test-only USDC with a blacklist like Circle's: a listed address can neither send nor receive.
contract MockBlacklistUSDC is MockUSDC {
    /// @notice `account` is blacklisted.
    error Blacklisted(address account);

    mapping(address => bool) public isBlacklisted;

    /// @notice Add or remove `account` from the blacklist (tests only).
    function setBlacklisted(address account, bool listed) external {
        isBlacklisted[account] = listed;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (isBlacklisted[from]) revert Blacklisted(from);
        if (isBlacklisted[to]) revert Blacklisted(to);
        super._update(from, to, value);
    }
}
