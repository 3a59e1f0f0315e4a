// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IInsuranceFund
/// @notice Second layer of the loss waterfall (SPEC §6): receives liquidation fees and a share of trading fees as
///         collateral in its own vault account, pays bad debt and keeper-reward top-ups, never goes negative.
/// @dev `ZeroAddress` is declared once, in CommonErrors.sol.
interface IInsuranceFund {
    /// @notice The caller may not draw on the fund.
    error NotPayer(address caller);

    /// @notice The fund paid `amount` to `recipient`'s collateral account.
    /// @param recipient Who was paid (a bankrupt account, or the liquidation engine for a keeper reward).
    /// @param amount 18-decimal USD actually paid (≤ requested and ≤ balance).
    /// @param requested What was asked for.
    /// @param reason "badDebt" or "keeperReward".
    event Paid(address indexed recipient, uint256 amount, uint256 requested, bytes32 indexed reason);
    /// @notice A contract was allowed or disallowed to draw on the fund.
    event PayerSet(address indexed payer, bool allowed);

    /// @notice Pay up to `amount` to `recipient`'s collateral, limited by the balance; only payers (the liquidation
    ///         engine) may call.
    /// @param recipient The collateral account credited.
    /// @param amount 18-decimal USD requested.
    /// @param reason Why (recorded in the event and the totals).
    /// @return paid What was paid: min(amount, balance).
    function pay(address recipient, uint256 amount, bytes32 reason) external returns (uint256 paid);

    /// @notice Allow or disallow `payer` to draw on the fund.
    function setPayer(address payer, bool allowed) external;

    /// @notice The fund's balance: its collateral in the vault, 18-decimal USD.
    function balance() external view returns (uint256);

    /// @notice Everything paid out for bad debt, 18-decimal USD.
    function totalBadDebtCovered() external view returns (uint256);

    /// @notice Everything paid out as keeper-reward top-ups, 18-decimal USD.
    function totalKeeperRewardsPaid() external view returns (uint256);

    /// @notice Whether `payer` may draw on the fund.
    function isPayer(address payer) external view returns (bool);
}
