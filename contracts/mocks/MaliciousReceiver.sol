// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

import {ITokenReceiverHook} from "./MockHookUSDC.sol";

/// @title MaliciousReceiver
/// @notice Test-only attacker contract. It acts as an ordinary account (margin account, liquidity provider, keeper)
///         through `execute`, and when `MockHookUSDC` pays it, it re-enters once with the call it was armed with,
///         recording whether that call succeeded and what it returned or reverted with (the outer call goes on).
/// @dev No access control: tests only.
contract MaliciousReceiver is ITokenReceiverHook {
    /// @notice The contract the next callback calls, and the calldata.
    address public reentryTarget;
    bytes public reentryData;
    /// @notice Whether the next callback re-enters.
    bool public armed;
    /// @notice Whether a callback re-entered, whether that call succeeded, and its return or revert data.
    bool public attempted;
    bool public succeeded;
    bytes public result;

    /// @notice Arm the next callback to call `target` with `data`.
    function arm(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
        armed = true;
    }

    /// @notice Call `target` with `data` as this contract, bubbling up a revert.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        return Address.functionCall(target, data);
    }

    /// @inheritdoc ITokenReceiverHook
    function onTokenReceived(address, uint256) external {
        if (!armed) return;
        armed = false;
        attempted = true;
        // solhint-disable-next-line avoid-low-level-calls
        (succeeded, result) = reentryTarget.call(reentryData);
    }
}
