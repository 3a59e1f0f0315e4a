// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "./ICollateralVault.sol";

/// @title ISubAccounts
/// @notice Numbered margin accounts of one owner, kept by the collateral vault. Sub-account `id` of `owner` is the
///         address `address(uint160(uint256(keccak256(abi.encode(owner, id)))))` for `id ≥ 1`, and `owner` itself for
///         `id = 0`, so every existing account is its owner's sub-account 0. No one holds a key to a sub-account
///         address: it acts only through its owner (full rights: trade, withdraw, transfer) or an operator the owner
///         approved for it or for all its sub-accounts. The trading engine, the liquidation engine and ADL key
///         everything by address, so each sub-account is a cross-margin account of its own: positions, funding,
///         margin checks, liquidation and ADL never look across sub-accounts.
/// @dev A limit meant per person (e.g. account risk tiers) must be counted over every sub-account of the owner
///      (`subAccountOwner`, `subAccountCount`, `subAccount`), so that splitting a position across sub-accounts does
///      not escape it.
interface ISubAccounts {
    // ---------------------------------------------------------------- errors
    /// @notice `id` is not one of `owner`'s sub-accounts: it is above `subAccountCount(owner)`.
    /// @param owner The owner.
    /// @param id The sub-account id asked for.
    error UnknownSubAccount(address owner, uint256 id);
    /// @notice `account` is not a sub-account of `owner` (its owner is another address, or it is no sub-account and
    ///         not `owner` itself).
    /// @param account The account.
    /// @param owner The owner it was expected to belong to.
    error ForeignSubAccount(address account, address owner);
    /// @notice The address derived for a new sub-account already belongs to a sub-account (a 160-bit collision of the
    ///         derivation; never expected).
    /// @param account The derived address.
    error SubAccountAddressTaken(address account);

    // ---------------------------------------------------------------- events
    /// @notice `owner` created sub-account `id`, whose address is `account` (emitted once per sub-account).
    /// @param owner The owner.
    /// @param id The sub-account's number (1, 2, …).
    /// @param account Its address.
    event SubAccountCreated(address indexed owner, uint256 indexed id, address indexed account);
    /// @notice `owner`'s approval of `operator` for every one of its sub-accounts (sub-account 0 included) is now
    ///         exactly these scopes, expiries and price bound. An approval for one sub-account is
    ///         `ICollateralVault.OperatorApproved`, then `ICollateralVault.OperatorPriceBoundSet`, with the
    ///         sub-account's address as `account`.
    /// @param owner The approving owner.
    /// @param operator The operator.
    /// @param canTrade Whether the trade scope is granted.
    /// @param tradeExpiry The trade scope's expiry (0: none; always 0 when the scope is not granted).
    /// @param canWithdraw Whether the withdraw scope is granted.
    /// @param withdrawExpiry The withdraw scope's expiry (0: none; always 0 when the scope is not granted).
    /// @param maxPriceDeviation The trade scope's price bound, a fraction of the oracle price (18 decimals; 0: none;
    ///        always 0 when the trade scope is not granted).
    event AllSubAccountsOperatorApproved(
        address indexed owner,
        address indexed operator,
        bool canTrade,
        uint40 tradeExpiry,
        bool canWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    );
    /// @notice `caller` moved `usdAmount` of collateral from sub-account `from` to sub-account `to` of the same owner
    ///         (the vault's `BalanceTransferred(from, to, usdAmount)` is emitted with it).
    /// @param caller The owner, or an operator with the withdraw scope on `from`.
    /// @param from The debited sub-account.
    /// @param to The credited sub-account.
    /// @param usdAmount The amount moved, 18-decimal USD.
    event SubAccountTransfer(address indexed caller, address indexed from, address indexed to, uint256 usdAmount);

    // ---------------------------------------------------------------- entry points
    /// @notice Create the caller's next sub-account: id `subAccountCount(caller) + 1`, at the derived address. Records
    ///         the caller as its owner (collateral someone deposited to that address beforehand stays its own) and
    ///         emits `SubAccountCreated`. A sub-account's collateral is an int95 (±19.8 billion USD): a move or deposit
    ///         beyond it reverts `SafeCastOverflowedIntDowncast(95, value)`.
    /// @return id The new sub-account's number.
    /// @return account Its address.
    function createSubAccount() external returns (uint256 id, address account);

    /// @notice Move `usdAmount` of collateral from `from` to `to`, two accounts of the same owner (sub-account 0, the
    ///         owner's own address, included). Checked exactly like a withdrawal of `from`: at most
    ///         `ICollateralVault.withdrawableUsd(from)` (free collateral after initial margin, positions at the worse
    ///         of their exit and fair prices), else `InsufficientWithdrawable`. The caller is the owner or an operator
    ///         whose withdraw scope is live for `from` (else `NotAccountOrOperator`): a trade-only operator can never
    ///         move collateral out. `to` of another owner: `ForeignSubAccount`. Emits `SubAccountTransfer` and
    ///         `BalanceTransferred`.
    /// @param from The debited account.
    /// @param to The credited account, of the same owner.
    /// @param usdAmount 18-decimal USD, > 0 (`ZeroAmount`).
    function transferBetweenSubAccounts(address from, address to, uint256 usdAmount) external;

    /// @notice Set the caller's approval of `operator` for its sub-account `id` alone, exactly as
    ///         `ICollateralVault.approveOperatorWithPriceBound` does for the caller's own account (id 0 is that
    ///         account). Stored as the sub-account's approval: `operatorApproval(account, operator)` and
    ///         `tradeScope(account, operator)` read it, and `OperatorApproved(account, …)` then
    ///         `OperatorPriceBoundSet(account, …)` are emitted with the sub-account's address.
    /// @param id The sub-account (0 … `subAccountCount(caller)`, else `UnknownSubAccount`).
    /// @param operator The operator; not zero (`ZeroAddress`), not the caller (`SelfOperator`).
    /// @param allowTrade Grant the trade scope.
    /// @param tradeExpiry The first second at which the trade scope is dead (0: never).
    /// @param allowWithdraw Grant the withdraw scope (`withdrawFrom`, `transferBetweenSubAccounts` from it).
    /// @param withdrawExpiry The first second at which the withdraw scope is dead (0: never).
    /// @param maxPriceDeviation The trade scope's price bound, a fraction of the oracle price with 18 decimals (0:
    ///        none; at most 1e18, else `PriceDeviationTooLarge`); stored as 0 when the trade scope is not granted.
    function approveSubAccountOperator(
        uint256 id,
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) external;

    /// @notice Set the caller's approval of `operator` for every one of its sub-accounts, present and future,
    ///         sub-account 0 included. Replaces any previous such approval; both scopes false revokes it. It adds to
    ///         (never narrows) an approval for one sub-account: an operator may act on a sub-account when either is
    ///         live for the scope, and the bound of the approval that grants the trade scope applies (the sub-account's
    ///         own approval first, when live). Same expiry rule as `approveOperator` and price bound as
    ///         `approveOperatorWithPriceBound`. Emits `AllSubAccountsOperatorApproved`.
    /// @param operator The operator; not zero (`ZeroAddress`), not the caller (`SelfOperator`).
    /// @param allowTrade Grant the trade scope.
    /// @param tradeExpiry The first second at which the trade scope is dead (0: never).
    /// @param allowWithdraw Grant the withdraw scope.
    /// @param withdrawExpiry The first second at which the withdraw scope is dead (0: never).
    /// @param maxPriceDeviation The trade scope's price bound, a fraction of the oracle price with 18 decimals (0:
    ///        none; at most 1e18, else `PriceDeviationTooLarge`); stored as 0 when the trade scope is not granted.
    function approveOperatorForAllSubAccounts(
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) external;

    // ---------------------------------------------------------------- views
    /// @notice The owner of `account`: the address that created it, or `account` itself when it is no sub-account
    ///         (every address is its own sub-account 0).
    function subAccountOwner(address account) external view returns (address);

    /// @notice How many sub-accounts `owner` created: its sub-accounts are ids 0 … count.
    function subAccountCount(address owner) external view returns (uint256);

    /// @notice The address of `owner`'s sub-account `id` (id 0: `owner`), and whether it exists (`id ≤
    ///         subAccountCount(owner)`). For an id not created yet it is the address the sub-account will have.
    /// @return account The derived address.
    /// @return exists Whether the sub-account was created.
    function subAccount(address owner, uint256 id) external view returns (address account, bool exists);

    /// @notice `owner`'s approval of `operator` for all its sub-accounts (scopes, expiries and the trade scope's price
    ///         bound, expired or not).
    function allSubAccountsApproval(address owner, address operator)
        external
        view
        returns (ICollateralVault.StoredApproval memory);
}
