// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IWithdrawGuard} from "./IWithdrawGuard.sol";

/// @title ICollateralVault
/// @notice USDC margin vault: every account's collateral is kept as an 18-decimal USD balance.
///         USDC (6 decimals) is converted only at the token boundary, rounding against the user.
/// @dev A zero address passed as an account, receiver, operator or contract reverts `ZeroAddress`, declared once, in
///      CommonErrors.sol.
interface ICollateralVault {
    // ---------------------------------------------------------------- types
    /// @notice What an account lets one operator do (stored in one slot with the trade scope's price bound, see
    ///         `approveOperatorWithPriceBound` and `tradeScope`). Each scope has its own expiry: a scope is
    ///         live while it is granted and its expiry is 0 (none) or still ahead (`block.timestamp < expiry`); at
    ///         the expiry second itself it is dead. A scope not granted is stored (and emitted) with expiry 0.
    /// @param canTrade Whether the operator may trade and close positions for the account (the engine's check).
    /// @param tradeExpiry The first second at which the trade scope is no longer live (0: never expires).
    /// @param canWithdraw Whether the operator may withdraw the account's collateral (`withdrawFrom`).
    /// @param withdrawExpiry The first second at which the withdraw scope is no longer live (0: never expires).
    struct OperatorApproval {
        bool canTrade;
        uint40 tradeExpiry;
        bool canWithdraw;
        uint40 withdrawExpiry;
    }

    /// @notice An approval as the vault stores it: `OperatorApproval`'s fields, then the trade scope's price bound
    ///         (an 18-decimal fraction of the oracle price; 0: none), in one slot. Returned whole by
    ///         `ISubAccounts.allSubAccountsApproval`; `operatorApproval` returns the first four fields.
    /// @param canTrade See `OperatorApproval`.
    /// @param tradeExpiry See `OperatorApproval`.
    /// @param canWithdraw See `OperatorApproval`.
    /// @param withdrawExpiry See `OperatorApproval`.
    /// @param maxPriceDeviation The trade scope's price bound (0: none; always 0 when the trade scope is not granted).
    struct StoredApproval {
        bool canTrade;
        uint40 tradeExpiry;
        bool canWithdraw;
        uint40 withdrawExpiry;
        uint64 maxPriceDeviation;
    }

    // ---------------------------------------------------------------- errors
    /// @notice An amount of zero was passed where a positive amount is required.
    error ZeroAmount();
    /// @notice The withdrawal asks for more than the account may take out.
    /// @param requested Requested amount, 18-decimal USD.
    /// @param available Amount that may be withdrawn, 18-decimal USD.
    error InsufficientWithdrawable(uint256 requested, uint256 available);
    /// @notice An internal transfer asks for more than the source account holds.
    /// @param account The source account.
    /// @param requested Requested amount, 18-decimal USD.
    /// @param available The account's collateral, 18-decimal USD (may be negative).
    error InsufficientBalance(address account, uint256 requested, int256 available);
    /// @notice A withdrawal asks for more than the vault holds: claims exceed the tokens while bad debt is
    ///         unresolved (the liquidity vault's value and limits exclude it, so this is a last line of defence).
    /// @param requested Requested amount, 18-decimal USD.
    /// @param held What the vault holds, 18-decimal USD.
    error InsufficientVaultBalance(uint256 requested, uint256 held);
    /// @notice The token moved a different amount than asked (fee-on-transfer, rebasing or similar).
    /// @param expected Token units the vault asked to move.
    /// @param actual Token units that actually arrived or left.
    error UnsupportedTokenBehaviour(uint256 expected, uint256 actual);
    /// @notice The collateral token does not have the 6 decimals the vault is built for.
    /// @param decimals The token's reported decimals.
    error UnsupportedTokenDecimals(uint8 decimals);
    /// @notice The caller is neither the account nor an operator it approved with a live scope for the action (trade
    ///         scope for the engine's trades, withdraw scope for `withdrawFrom`).
    /// @param caller The caller.
    /// @param account The account acted upon.
    error NotAccountOrOperator(address caller, address account);
    /// @notice The caller is not an engine contract allowed to move balances.
    /// @param caller The caller.
    error NotBalanceManager(address caller);
    /// @notice An account tried to approve itself as its own operator.
    error SelfOperator();
    /// @notice An operator's price bound is above its hard cap (a fraction of the oracle price, 18 decimals).
    /// @param maxPriceDeviation The refused bound.
    /// @param max The cap (1e18: 100 %).
    error PriceDeviationTooLarge(uint256 maxPriceDeviation, uint256 max);

    // ---------------------------------------------------------------- events
    /// @notice USDC came in and was credited to `account`.
    /// @param payer Who paid the tokens.
    /// @param account Whose collateral was credited.
    /// @param tokenAmount USDC units received (6 decimals).
    /// @param usdAmount Collateral credited (18 decimals).
    event Deposited(address indexed payer, address indexed account, uint256 tokenAmount, uint256 usdAmount);
    /// @notice USDC left the vault from `account`'s collateral.
    /// @param caller The account or its operator.
    /// @param account Whose collateral was debited.
    /// @param receiver Who received the tokens.
    /// @param tokenAmount USDC units sent (6 decimals).
    /// @param usdAmount Collateral debited (18 decimals).
    event Withdrawn(
        address indexed caller, address indexed account, address indexed receiver, uint256 tokenAmount, uint256 usdAmount
    );
    /// @notice An account approved or revoked an operator through `setOperator` (both scopes, no expiry).
    event OperatorSet(address indexed account, address indexed operator, bool approved);
    /// @notice `account`'s approval of `operator` is now exactly these scopes and expiries (emitted by
    ///         `approveOperator` and by `setOperator`, so this event alone tracks every approval).
    /// @param account The approving account.
    /// @param operator The operator.
    /// @param canTrade Whether the trade scope is granted.
    /// @param tradeExpiry The trade scope's expiry (0: none; always 0 when the scope is not granted).
    /// @param canWithdraw Whether the withdraw scope is granted.
    /// @param withdrawExpiry The withdraw scope's expiry (0: none; always 0 when the scope is not granted).
    event OperatorApproved(
        address indexed account,
        address indexed operator,
        bool canTrade,
        uint40 tradeExpiry,
        bool canWithdraw,
        uint40 withdrawExpiry
    );
    /// @notice `account`'s approval of `operator` now carries this price bound on the operator's trades (emitted by
    ///         `approveOperatorWithPriceBound` and `ISubAccounts.approveSubAccountOperator` right after their
    ///         `OperatorApproved`). An `OperatorApproved` without it (from `approveOperator` or `setOperator`) leaves
    ///         the approval with no bound.
    /// @param account The approving account.
    /// @param operator The operator.
    /// @param maxPriceDeviation The largest deviation of an operator's fill from the oracle price against the account,
    ///        as a fraction of the oracle price (18 decimals; 0: none; always 0 when the trade scope is not granted).
    event OperatorPriceBoundSet(address indexed account, address indexed operator, uint64 maxPriceDeviation);
    /// @notice The margin guard consulted on withdrawals changed.
    event WithdrawGuardSet(address indexed guard);
    /// @notice A contract was allowed or disallowed to move balances between accounts.
    event BalanceManagerSet(address indexed manager, bool allowed);
    /// @notice A balance manager moved collateral between two accounts (PnL, fees, funding).
    /// @param from Debited account.
    /// @param to Credited account.
    /// @param usdAmount Amount moved, 18 decimals.
    event BalanceTransferred(address indexed from, address indexed to, uint256 usdAmount);

    // ---------------------------------------------------------------- user entry points
    /// @notice Deposit `tokenAmount` USDC from the caller into the caller's margin account.
    /// @param tokenAmount USDC units (6 decimals), > 0.
    function deposit(uint256 tokenAmount) external;

    /// @notice Deposit `tokenAmount` USDC from the caller into `account`'s margin account.
    /// @param account The account credited; need not be the caller.
    /// @param tokenAmount USDC units (6 decimals), > 0.
    function depositFor(address account, uint256 tokenAmount) external;

    /// @notice Withdraw `tokenAmount` USDC of the caller's free collateral to `receiver`.
    /// @param tokenAmount USDC units (6 decimals), > 0.
    /// @param receiver Who receives the tokens.
    function withdraw(uint256 tokenAmount, address receiver) external;

    /// @notice Withdraw `tokenAmount` USDC of `account`'s free collateral to `receiver`; caller is the account or an
    ///         operator whose withdraw scope is live (`canWithdraw`), else `NotAccountOrOperator`.
    /// @param account The account debited.
    /// @param tokenAmount USDC units (6 decimals), > 0.
    /// @param receiver Who receives the tokens.
    function withdrawFrom(address account, uint256 tokenAmount, address receiver) external;

    /// @notice Approve or revoke `operator` to withdraw and trade for the caller's account: true grants both scopes
    ///         with no expiry, false revokes every scope. Replaces any previous approval of `operator`. Emits
    ///         `OperatorSet` and `OperatorApproved`.
    /// @param operator The operator (a router, a leveraged-token vault).
    /// @param approved True to approve, false to revoke.
    function setOperator(address operator, bool approved) external;

    /// @notice Set the caller's approval of `operator` to exactly these scopes, each with its own expiry (0: none;
    ///         a scope is live while `block.timestamp < expiry`). Replaces any previous approval; both scopes false
    ///         revokes it. A trade-only approval is an agent (API) wallet or a session key: it may trade and close
    ///         the account's positions but never withdraw. An expiry given for a scope not granted is ignored
    ///         (stored and emitted as 0); an expiry already past is accepted and grants nothing live.
    ///         Emits `OperatorApproved`.
    /// @param operator The operator; not zero (`ZeroAddress`), not the caller (`SelfOperator`).
    /// @param allowTrade Grant the trade scope (the engine's `trade` and `closePosition` for the account).
    /// @param tradeExpiry The first second at which the trade scope is dead (0: never).
    /// @param allowWithdraw Grant the withdraw scope (`withdrawFrom`).
    /// @param withdrawExpiry The first second at which the withdraw scope is dead (0: never).
    function approveOperator(
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry
    ) external;

    /// @notice `approveOperator` with a price bound on the trade scope: the engine refuses a trade the operator sends
    ///         for the account whose fill deviates from the oracle price by more than `maxPriceDeviation` against the
    ///         account (a buy above oracle × (1 + bound), a sell below oracle × (1 − bound); `OperatorPriceBoundExceeded`).
    ///         The bound does not stop a trade-only operator from trading the account at a loss into accounts of its
    ///         own: it caps what each of its trades can cost beyond the oracle price (the bound × the trade's notional,
    ///         plus the fees), not how often it trades. Emits `OperatorApproved`, then `OperatorPriceBoundSet`.
    /// @param operator The operator; not zero (`ZeroAddress`), not the caller (`SelfOperator`).
    /// @param allowTrade Grant the trade scope.
    /// @param tradeExpiry The first second at which the trade scope is dead (0: never).
    /// @param allowWithdraw Grant the withdraw scope.
    /// @param withdrawExpiry The first second at which the withdraw scope is dead (0: never).
    /// @param maxPriceDeviation The bound, a fraction of the oracle price with 18 decimals (0: none; at most 1e18,
    ///        else `PriceDeviationTooLarge`); stored as 0 when the trade scope is not granted.
    function approveOperatorWithPriceBound(
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) external;

    // ---------------------------------------------------------------- engine entry points
    /// @notice Move `usdAmount` of collateral from `from` to `to`; callable by balance managers only.
    /// @dev `from` may not go below zero through this call (bad debt is handled by the liquidation engine).
    /// @param from Debited account.
    /// @param to Credited account.
    /// @param usdAmount 18-decimal USD amount.
    function transferBalance(address from, address to, uint256 usdAmount) external;

    /// @notice Move `usdAmount` from `from` to `to` even if `from` goes negative; callable by balance managers only.
    /// @dev Used to realise a loss in a cross-margin account whose other positions still back it.
    /// @param from Debited account (may end negative).
    /// @param to Credited account.
    /// @param usdAmount 18-decimal USD amount.
    function transferBalanceAllowingDebt(address from, address to, uint256 usdAmount) external;

    /// @notice Pay `tokenAmount` USDC out of `from`'s collateral to `receiver`; callable by balance managers only
    ///         (the liquidation engine pays keeper rewards with it).
    /// @dev `from` may not go below zero. Emits `Withdrawn` with the manager as caller.
    /// @param from Debited account.
    /// @param tokenAmount USDC units (6 decimals), > 0.
    /// @param receiver Who receives the tokens.
    function payOut(address from, uint256 tokenAmount, address receiver) external;

    // ---------------------------------------------------------------- views
    /// @notice The collateral token (USDC).
    function token() external view returns (address);

    /// @notice `account`'s collateral, 18-decimal USD; negative only after a realised loss beyond it.
    function collateralOf(address account) external view returns (int256);

    /// @notice What `account` may withdraw now, 18-decimal USD (the guard's answer, or its positive collateral).
    function withdrawableUsd(address account) external view returns (uint256);

    /// @notice What `account` may withdraw now, in USDC units, rounded down.
    function maxWithdraw(address account) external view returns (uint256);

    /// @notice Whether `operator` holds both scopes live for `account` (what `setOperator(operator, true)` grants):
    ///         true implies it may trade and withdraw for the account, as before scopes existed. A single scope is
    ///         read with `canTrade` / `canWithdraw`.
    function isOperator(address account, address operator) external view returns (bool);

    /// @notice `account`'s stored approval of `operator` (scopes and expiries, expired or not; its price bound is read
    ///         with `tradeScope`).
    function operatorApproval(address account, address operator) external view returns (OperatorApproval memory);

    /// @notice Whether `operator` may trade for `account` now: trade scope granted and its expiry 0 or ahead.
    function canTrade(address account, address operator) external view returns (bool);

    /// @notice The trade scope as the engine reads it, in one call: whether `operator` may trade for `account` now
    ///         (`canTrade`) and the price bound stored with the approval (0: none).
    /// @return live The trade scope is granted and its expiry 0 or ahead.
    /// @return maxPriceDeviation The stored bound, a fraction of the oracle price (18 decimals), expired or not.
    function tradeScope(address account, address operator) external view returns (bool live, uint64 maxPriceDeviation);

    /// @notice Whether `operator` may withdraw for `account` now: withdraw scope granted and its expiry 0 or ahead.
    function canWithdraw(address account, address operator) external view returns (bool);

    /// @notice Whether `manager` may move balances between accounts.
    function isBalanceManager(address manager) external view returns (bool);

    /// @notice The margin guard consulted on withdrawals (zero: none, collateral alone limits).
    function withdrawGuard() external view returns (IWithdrawGuard);

    /// @notice Sum of all credited deposits minus withdrawals, 18-decimal USD; equals the vault's token balance × 1e12.
    function totalCollateral() external view returns (uint256);

    /// @notice Σ |collateral| over accounts whose collateral is negative, 18-decimal USD: by how much the positive
    ///         balances exceed what the vault holds (positive balances = held + total debt). Debt arises when an
    ///         engine moves more than an account holds (realised losses, funding, bad debt awaiting ADL).
    function totalDebt() external view returns (uint256);

    /// @notice `account`'s collateral and the total debt, in one call (the engine's skew-to-cash check reads the
    ///         liquidity vault's cash as their difference).
    /// @return collateral The account's collateral, 18-decimal USD (signed).
    /// @return debt Σ |negative balances|, 18-decimal USD.
    function collateralAndDebt(address account) external view returns (int256 collateral, uint256 debt);
}
