// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IWithdrawGuard
/// @notice Hook through which the collateral vault asks the margin engine how much of an
///         account's collateral is free to leave (SPEC §5: withdrawable = max(0, min(collateral, equity − ΣIM))).
/// @dev The vault calls it on every withdrawal. A guard must answer for a flat account without
///      reading any oracle, so that a flat account can always withdraw whatever the oracle state.
interface IWithdrawGuard {
    /// @notice Free collateral of `account`, in 18-decimal USD, given its current `collateral`.
    /// @param account The margin account.
    /// @param collateral The account's collateral balance in the vault (18-decimal USD, signed).
    /// @return withdrawable The amount that may be withdrawn now, 18-decimal USD, never above `collateral`.
    function withdrawableUsd(address account, int256 collateral) external view returns (uint256 withdrawable);
}
