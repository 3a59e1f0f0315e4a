// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockUSDC} from "./MockUSDC.sol";

/// @title ITokenReceiverHook
/// @notice Test-only: what a receiver registered with `MockHookUSDC` implements (an ERC-777-style "tokens received"
///         callback).
interface ITokenReceiverHook {
    /// @notice Called by the token after `amount` units moved from `from` to the receiver.
    function onTokenReceived(address from, uint256 amount) external;
}

/// @title MockHookUSDC
/// @notice Test-only 6-decimal USDC whose transfers call back registered receivers after the balances moved, so a
///         malicious receiver can re-enter whichever contract sent the tokens (reentrancy tests).
/// @dev Mints do not call back. A receiver that reverts makes the transfer revert.
contract MockHookUSDC is MockUSDC {
    /// @notice Whether transfers to `receiver` call its `onTokenReceived`.
    mapping(address receiver => bool) public hooked;

    /// @notice Register or unregister `receiver` for the callback (tests only; no access control).
    function setHooked(address receiver, bool on) external {
        hooked[receiver] = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && hooked[to]) ITokenReceiverHook(to).onTokenReceived(from, value);
    }
}
