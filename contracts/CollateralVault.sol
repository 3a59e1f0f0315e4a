// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ZeroAddress} from "./interfaces/CommonErrors.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IWithdrawGuard} from "./interfaces/IWithdrawGuard.sol";
import {TOKEN_DECIMALS} from "./libraries/Constants.sol";
import {TokenUnits} from "./libraries/TokenUnits.sol";
import {SubAccounts} from "./vault/SubAccounts.sol";

/// @title CollateralVault
/// @notice Holds every trader's USDC and keeps each margin account's collateral as an 18-decimal USD balance.
/// @dev Token units become USD only here, on the way in (exact) and on the way out (the user names token
///      units; the debit is exact). Balance managers (the trading engine, the liquidation engine) move USD
///      between accounts for PnL, fees and funding; those moves are zero-sum, so Σ collateral == totalCollateral.
contract CollateralVault is ICollateralVault, Ownable2Step, ReentrancyGuardTransient, SubAccounts {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev An account's record is one word. A sub-account's (bit 255 set) holds its owner in bits 95–254 and its
    ///      collateral as an int95 in bits 0–94 (18-decimal USD: ±1.98e10 USD); any other account's (bit 255 clear)
    ///      holds its collateral as an int255 in bits 0–254, so existing accounts keep their range. One slot, so the
    ///      engine's rights check for an owner trading its sub-account reads the slot that the trade's settlement reads
    ///      next.
    uint256 private constant SUB_ACCOUNT_FLAG = 1 << 255;
    uint256 private constant SUB_BALANCE_BITS = 95;
    /// @dev 256 − SUB_BALANCE_BITS, and the mask of the low SUB_BALANCE_BITS bits (written as literals: a constant
    ///      defined from another constant is computed where it is used).
    uint256 private constant SUB_HEAD_BITS = 161;
    uint256 private constant SUB_BALANCE_MASK = (1 << 95) - 1;

    /// @dev An account's record (see `SUB_ACCOUNT_FLAG`) behind a storage pointer, so that a balance update hashes the
    ///      key once and reads the slot once.
    struct AccountRecord {
        uint256 word;
    }

    IERC20 private immutable _token;

    /// @dev One slot per account: its collateral and, for a sub-account, its owner (see `SUB_ACCOUNT_FLAG`).
    mapping(address account => AccountRecord) private _accounts;
    mapping(address account => mapping(address operator => StoredApproval)) private _operators;
    mapping(address manager => bool) private _balanceManagers;
    IWithdrawGuard private _withdrawGuard;
    uint256 private _totalCollateral;
    uint256 private _totalDebt;

    /// @param token_ The collateral token (USDC, 6 decimals).
    /// @param owner_ The admin (two-step ownership).
    constructor(IERC20 token_, address owner_) Ownable(owner_) {
        if (address(token_) == address(0)) revert ZeroAddress();
        uint8 decimals = IERC20Metadata(address(token_)).decimals();
        if (decimals != TOKEN_DECIMALS) revert UnsupportedTokenDecimals(decimals);
        _token = token_;
    }

    modifier onlyBalanceManager() {
        if (!_balanceManagers[msg.sender]) revert NotBalanceManager(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ user entry points

    /// @inheritdoc ICollateralVault
    function deposit(uint256 tokenAmount) external nonReentrant {
        _deposit(msg.sender, tokenAmount);
    }

    /// @inheritdoc ICollateralVault
    function depositFor(address account, uint256 tokenAmount) external nonReentrant {
        _deposit(account, tokenAmount);
    }

    /// @inheritdoc ICollateralVault
    function withdraw(uint256 tokenAmount, address receiver) external nonReentrant {
        _withdraw(msg.sender, tokenAmount, receiver);
    }

    /// @inheritdoc ICollateralVault
    function withdrawFrom(address account, uint256 tokenAmount, address receiver) external nonReentrant {
        if (msg.sender != account && !canWithdraw(account, msg.sender)) {
            revert NotAccountOrOperator(msg.sender, account);
        }
        _withdraw(account, tokenAmount, receiver);
    }

    /// @inheritdoc ICollateralVault
    function setOperator(address operator, bool approved) external {
        _approve(msg.sender, operator, approved, 0, approved, 0, 0);
        emit OperatorSet(msg.sender, operator, approved);
    }

    /// @inheritdoc ICollateralVault
    function approveOperator(
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry
    ) external {
        _approve(msg.sender, operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, 0);
    }

    /// @inheritdoc ICollateralVault
    function approveOperatorWithPriceBound(
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) external {
        _approveWithPriceBound(
            msg.sender, operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, maxPriceDeviation
        );
    }

    // ------------------------------------------------------------------ engine entry points

    /// @inheritdoc ICollateralVault
    function transferBalance(address from, address to, uint256 usdAmount) external onlyBalanceManager {
        int256 balance = _balance(from);
        if (balance < 0 || uint256(balance) < usdAmount) revert InsufficientBalance(from, usdAmount, balance);
        _move(from, to, usdAmount);
    }

    /// @inheritdoc ICollateralVault
    function transferBalanceAllowingDebt(address from, address to, uint256 usdAmount) external onlyBalanceManager {
        _move(from, to, usdAmount);
    }

    /// @inheritdoc ICollateralVault
    function payOut(address from, uint256 tokenAmount, address receiver) external onlyBalanceManager nonReentrant {
        if (tokenAmount == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        uint256 usdAmount = TokenUnits.toUsd(tokenAmount);
        AccountRecord storage record = _accounts[from];
        uint256 word = record.word;
        int256 balance = _collateralIn(word);
        if (balance < 0 || uint256(balance) < usdAmount) revert InsufficientBalance(from, usdAmount, balance);
        _setBalance(record, word, balance - usdAmount.toInt256());
        _spendHeld(usdAmount);
        emit Withdrawn(msg.sender, from, receiver, tokenAmount, usdAmount);
        _sendTokens(receiver, tokenAmount);
    }

    // ------------------------------------------------------------------ admin

    /// @notice Set the margin guard consulted on every withdrawal (zero address: none).
    /// @param guard The margin engine implementing IWithdrawGuard.
    function setWithdrawGuard(IWithdrawGuard guard) external onlyOwner {
        _withdrawGuard = guard;
        emit WithdrawGuardSet(address(guard));
    }

    /// @notice Allow or disallow `manager` to move balances between accounts.
    /// @param manager An engine contract.
    /// @param allowed True to allow.
    function setBalanceManager(address manager, bool allowed) external onlyOwner {
        if (manager == address(0)) revert ZeroAddress();
        _balanceManagers[manager] = allowed;
        emit BalanceManagerSet(manager, allowed);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICollateralVault
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ICollateralVault
    function collateralOf(address account) external view returns (int256) {
        return _balance(account);
    }

    /// @inheritdoc ICollateralVault
    function withdrawableUsd(address account) public view returns (uint256) {
        int256 balance = _balance(account);
        if (balance <= 0) return 0;
        IWithdrawGuard guard = _withdrawGuard;
        if (address(guard) == address(0)) return uint256(balance);
        uint256 free = guard.withdrawableUsd(account, balance);
        return free < uint256(balance) ? free : uint256(balance);
    }

    /// @inheritdoc ICollateralVault
    function maxWithdraw(address account) external view returns (uint256) {
        return TokenUnits.toTokenDown(withdrawableUsd(account));
    }

    /// @inheritdoc ICollateralVault
    function isOperator(address account, address operator) external view returns (bool) {
        return canTrade(account, operator) && canWithdraw(account, operator);
    }

    /// @inheritdoc ICollateralVault
    function operatorApproval(address account, address operator) external view returns (OperatorApproval memory) {
        StoredApproval storage a = _operators[account][operator];
        return OperatorApproval(a.canTrade, a.tradeExpiry, a.canWithdraw, a.withdrawExpiry);
    }

    /// @inheritdoc ICollateralVault
    function canTrade(address account, address operator) public view returns (bool) {
        return _hasScope(account, operator, true);
    }

    /// @inheritdoc ICollateralVault
    function tradeScope(address account, address operator) external view returns (bool live, uint64 maxPriceDeviation) {
        return _tradeScope(account, operator);
    }

    /// @inheritdoc ICollateralVault
    function canWithdraw(address account, address operator) public view returns (bool) {
        return _hasScope(account, operator, false);
    }

    /// @inheritdoc ICollateralVault
    function isBalanceManager(address manager) external view returns (bool) {
        return _balanceManagers[manager];
    }

    /// @inheritdoc ICollateralVault
    function withdrawGuard() external view returns (IWithdrawGuard) {
        return _withdrawGuard;
    }

    /// @inheritdoc ICollateralVault
    function totalCollateral() external view returns (uint256) {
        return _totalCollateral;
    }

    /// @inheritdoc ICollateralVault
    function totalDebt() external view returns (uint256) {
        return _totalDebt;
    }

    /// @inheritdoc ICollateralVault
    function collateralAndDebt(address account) external view returns (int256, uint256) {
        return (_balance(account), _totalDebt);
    }

    // ------------------------------------------------------------------ internal

    /// @dev `_approve` with a price bound (checked, and stored as 0 without the trade scope, by `_storedPriceBound`),
    ///      then `OperatorPriceBoundSet` with the stored bound.
    function _approveWithPriceBound(
        address account,
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) internal override {
        uint64 bound = _storedPriceBound(allowTrade, maxPriceDeviation);
        _approve(account, operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, bound);
        emit OperatorPriceBoundSet(account, operator, bound);
    }

    /// @dev Replaces `account`'s approval of `operator` (the caller's own account, or a sub-account of the caller) as
    ///      `_storeApproval` does, and emits `OperatorApproved` with the stored values.
    function _approve(
        address account,
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) private {
        (tradeExpiry, withdrawExpiry) = _storeApproval(
            _operators[account], operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, maxPriceDeviation
        );
        emit OperatorApproved(account, operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry);
    }

    function _deposit(address account, uint256 tokenAmount) private {
        if (tokenAmount == 0) revert ZeroAmount();
        if (account == address(0)) revert ZeroAddress();
        // Measure what actually arrived: a token that delivers less than asked is refused, so the
        // vault never credits more than it holds.
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), tokenAmount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != tokenAmount) revert UnsupportedTokenBehaviour(tokenAmount, received);

        uint256 usdAmount = TokenUnits.toUsd(tokenAmount);
        AccountRecord storage record = _accounts[account];
        uint256 word = record.word;
        int256 balance = _collateralIn(word);
        int256 newBalance = balance + usdAmount.toInt256();
        _setBalance(record, word, newBalance);
        if (balance < 0) _totalDebt = _totalDebt - _debtOf(balance) + _debtOf(newBalance);
        _totalCollateral += usdAmount;
        emit Deposited(msg.sender, account, tokenAmount, usdAmount);
    }

    function _withdraw(address account, uint256 tokenAmount, address receiver) private {
        if (tokenAmount == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        uint256 usdAmount = TokenUnits.toUsd(tokenAmount);
        uint256 available = withdrawableUsd(account);
        if (usdAmount > available) revert InsufficientWithdrawable(usdAmount, available);

        AccountRecord storage record = _accounts[account];
        uint256 word = record.word;
        _setBalance(record, word, _collateralIn(word) - usdAmount.toInt256());
        _spendHeld(usdAmount);
        emit Withdrawn(msg.sender, account, receiver, tokenAmount, usdAmount);
        _sendTokens(receiver, tokenAmount);
    }

    /// @dev Σ collateral equals what the vault holds, so while some accounts are in debt the positive balances
    ///      exceed it: the withdrawal that would take more than is held gets a clear error, not an underflow.
    function _spendHeld(uint256 usdAmount) private {
        uint256 held = _totalCollateral;
        if (usdAmount > held) revert InsufficientVaultBalance(usdAmount, held);
        _totalCollateral = held - usdAmount;
    }

    function _debtOf(int256 balance) private pure returns (uint256) {
        return balance < 0 ? uint256(-balance) : 0;
    }

    /// @dev Sends tokens and checks the vault's balance fell by exactly that much.
    function _sendTokens(address receiver, uint256 tokenAmount) private {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransfer(receiver, tokenAmount);
        uint256 sent = before - _token.balanceOf(address(this));
        if (sent != tokenAmount) revert UnsupportedTokenBehaviour(tokenAmount, sent);
    }

    function _move(address from, address to, uint256 usdAmount) private {
        if (usdAmount == 0) revert ZeroAmount();
        if (from == address(0) || to == address(0)) revert ZeroAddress();
        int256 amount = usdAmount.toInt256();
        AccountRecord storage fromRecord = _accounts[from];
        uint256 fromWord = fromRecord.word;
        int256 fromBefore = _collateralIn(fromWord);
        int256 fromAfter = fromBefore - amount;
        _setBalance(fromRecord, fromWord, fromAfter);
        // Read after the write, so that a move to oneself nets out.
        AccountRecord storage toRecord = _accounts[to];
        uint256 toWord = toRecord.word;
        int256 toBefore = _collateralIn(toWord);
        int256 toAfter = toBefore + amount;
        _setBalance(toRecord, toWord, toAfter);
        // Only a balance below zero before or after changes the debt (rare: skip the slot otherwise).
        if (fromAfter < 0 || toBefore < 0) {
            _totalDebt = _totalDebt + _debtOf(fromAfter) - _debtOf(fromBefore) + _debtOf(toAfter) - _debtOf(toBefore);
        }
        emit BalanceTransferred(from, to, usdAmount);
    }

    function _balance(address account) private view returns (int256) {
        return _collateralIn(_accounts[account].word);
    }

    /// @dev The collateral in a record: its low 255 bits sign-extended, or a sub-account's low 95.
    function _collateralIn(uint256 word) private pure returns (int256) {
        if (word < SUB_ACCOUNT_FLAG) return int256(word << 1) >> 1;
        return int256(word << SUB_HEAD_BITS) >> SUB_HEAD_BITS;
    }

    /// @dev Writes `usd` as the collateral of the account whose slot is `record` and held `word` (its owner is kept);
    ///      `SafeCastOverflowedIntDowncast(bits, usd)` when it does not fit the record's 255 or 95 bits.
    function _setBalance(AccountRecord storage record, uint256 word, int256 usd) private {
        if (word < SUB_ACCOUNT_FLAG) {
            if ((usd << 1) >> 1 != usd) revert SafeCast.SafeCastOverflowedIntDowncast(255, usd);
            record.word = uint256(usd) & ~SUB_ACCOUNT_FLAG;
        } else {
            if ((usd << SUB_HEAD_BITS) >> SUB_HEAD_BITS != usd) {
                revert SafeCast.SafeCastOverflowedIntDowncast(uint8(SUB_BALANCE_BITS), usd);
            }
            record.word = (word & ~SUB_BALANCE_MASK) | (uint256(usd) & SUB_BALANCE_MASK);
        }
    }

    // ------------------------------------------------------------------ sub-account hooks

    function _ownerRecord(address account) internal view override returns (address) {
        uint256 word = _accounts[account].word;
        return word < SUB_ACCOUNT_FLAG ? address(0) : address(uint160(word >> SUB_BALANCE_BITS));
    }

    /// @dev Turns `account`'s record into a sub-account's, keeping its collateral (which must fit an int95).
    function _recordOwner(address account, address owner_) internal override {
        AccountRecord storage record = _accounts[account];
        int256 collateral = _collateralIn(record.word);
        _setBalance(record, SUB_ACCOUNT_FLAG | (uint256(uint160(owner_)) << SUB_BALANCE_BITS), collateral);
    }

    function _approvalOf(address account, address operator)
        internal
        view
        override
        returns (StoredApproval storage)
    {
        return _operators[account][operator];
    }

    /// @dev A transfer between sub-accounts is checked as a withdrawal of `from`, then moved like an engine's move.
    function _transferChecked(address from, address to, uint256 usdAmount) internal override {
        uint256 available = withdrawableUsd(from);
        if (usdAmount > available) revert InsufficientWithdrawable(usdAmount, available);
        _move(from, to, usdAmount);
    }
}
