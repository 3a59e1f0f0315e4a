// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ZeroAddress} from "../interfaces/CommonErrors.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {ISubAccounts} from "../interfaces/ISubAccounts.sol";

/// @title SubAccounts
/// @notice Numbered sub-accounts of an owner, each an address of its own in the collateral vault (see ISubAccounts).
/// @dev Mixed into `CollateralVault`. The owner of a sub-account is kept by the vault in the account's balance slot
///      (`_ownerRecord` / `_recordOwner`), the slot a trade's settlement reads anyway, so the engine's rights check for
///      an owner trading its sub-account reads no other cold slot. This contract's own state (the per-owner count and
///      the approvals for all sub-accounts) lives in an ERC-7201 namespace, so the vault's storage layout is unchanged.
abstract contract SubAccounts is ISubAccounts, ReentrancyGuardTransient {
    /// @custom:storage-location erc7201:perp.storage.SubAccounts
    struct SubAccountsStorage {
        mapping(address owner => uint256) count;
        mapping(address owner => mapping(address operator => ICollateralVault.StoredApproval)) allApprovals;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("perp.storage.SubAccounts")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant SUB_ACCOUNTS_STORAGE = 0x8b53735c7395aa26a341595907098e6b432a0a02898227883dbde4fe3675bc00;

    /// @dev The largest price bound an approval may carry: 100 % of the oracle price.
    uint64 internal constant MAX_PRICE_DEVIATION = 1e18;

    // ------------------------------------------------------------------ hooks (the vault's storage)

    /// @dev The owner recorded for `account` (zero when it is no sub-account).
    function _ownerRecord(address account) internal view virtual returns (address);

    /// @dev Records `owner` as `account`'s owner (its balance is kept).
    function _recordOwner(address account, address owner) internal virtual;

    /// @dev `account`'s stored approval of `operator`.
    function _approvalOf(address account, address operator)
        internal
        view
        virtual
        returns (ICollateralVault.StoredApproval storage);

    /// @dev Sets `account`'s approval of `operator` as `ICollateralVault.approveOperatorWithPriceBound` does for the
    ///      caller (the bound checked with `_storedPriceBound`; `OperatorApproved`, then `OperatorPriceBoundSet`).
    function _approveWithPriceBound(
        address account,
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) internal virtual;

    /// @dev Moves `usdAmount` from `from` to `to` if `from` may withdraw that much now (the withdraw guard's check).
    function _transferChecked(address from, address to, uint256 usdAmount) internal virtual;

    // ------------------------------------------------------------------ entry points

    /// @inheritdoc ISubAccounts
    function createSubAccount() external returns (uint256 id, address account) {
        id = ++_storage().count[msg.sender];
        account = _derive(msg.sender, id);
        if (_ownerRecord(account) != address(0)) revert SubAccountAddressTaken(account);
        _recordOwner(account, msg.sender);
        emit SubAccountCreated(msg.sender, id, account);
    }

    /// @inheritdoc ISubAccounts
    function transferBetweenSubAccounts(address from, address to, uint256 usdAmount) external nonReentrant {
        address owner = _ownerOf(from);
        if (msg.sender != owner && !_hasScope(from, msg.sender, false)) {
            revert ICollateralVault.NotAccountOrOperator(msg.sender, from);
        }
        if (_ownerOf(to) != owner) revert ForeignSubAccount(to, owner);
        _transferChecked(from, to, usdAmount);
        emit SubAccountTransfer(msg.sender, from, to, usdAmount);
    }

    /// @inheritdoc ISubAccounts
    function approveSubAccountOperator(
        uint256 id,
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) external {
        (address account, bool exists) = subAccount(msg.sender, id);
        if (!exists) revert UnknownSubAccount(msg.sender, id);
        _approveWithPriceBound(
            account, operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, maxPriceDeviation
        );
    }

    /// @inheritdoc ISubAccounts
    function approveOperatorForAllSubAccounts(
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) external {
        uint64 bound = _storedPriceBound(allowTrade, maxPriceDeviation);
        (tradeExpiry, withdrawExpiry) = _storeApproval(
            _storage().allApprovals[msg.sender], operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, bound
        );
        emit AllSubAccountsOperatorApproved(
            msg.sender, operator, allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, bound
        );
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISubAccounts
    function subAccountOwner(address account) external view returns (address) {
        return _ownerOf(account);
    }

    /// @inheritdoc ISubAccounts
    function subAccountCount(address owner) external view returns (uint256) {
        return _storage().count[owner];
    }

    /// @inheritdoc ISubAccounts
    function subAccount(address owner, uint256 id) public view returns (address account, bool exists) {
        return (_derive(owner, id), id <= _storage().count[owner]);
    }

    /// @inheritdoc ISubAccounts
    function allSubAccountsApproval(address owner, address operator)
        external
        view
        returns (ICollateralVault.StoredApproval memory)
    {
        return _storage().allApprovals[owner][operator];
    }

    // ------------------------------------------------------------------ internal

    /// @dev The price bound an approval stores: `maxPriceDeviation` when the trade scope is granted, else 0. Reverts
    ///      `PriceDeviationTooLarge` above `MAX_PRICE_DEVIATION` (granted or not).
    function _storedPriceBound(bool allowTrade, uint64 maxPriceDeviation) internal pure returns (uint64) {
        if (maxPriceDeviation > MAX_PRICE_DEVIATION) {
            revert ICollateralVault.PriceDeviationTooLarge(maxPriceDeviation, MAX_PRICE_DEVIATION);
        }
        return allowTrade ? maxPriceDeviation : 0;
    }

    /// @dev Replaces the caller's approval of `operator` in `approvals` (an account's approvals, or the owner's for all
    ///      its sub-accounts): refuses the zero address (`ZeroAddress`) and the caller (`SelfOperator`), stores the
    ///      expiry of a scope not granted as 0 (the price bound, a trade-scope setting, is 0 when that scope is not
    ///      granted: the callers see to it), and deletes an approval with no scope (the slot is cleared).
    /// @return The trade and withdraw expiries stored (for the event).
    function _storeApproval(
        mapping(address operator => ICollateralVault.StoredApproval) storage approvals,
        address operator,
        bool allowTrade,
        uint40 tradeExpiry,
        bool allowWithdraw,
        uint40 withdrawExpiry,
        uint64 maxPriceDeviation
    ) internal returns (uint40, uint40) {
        if (operator == address(0)) revert ZeroAddress();
        if (operator == msg.sender) revert ICollateralVault.SelfOperator();
        if (!allowTrade) tradeExpiry = 0;
        if (!allowWithdraw) withdrawExpiry = 0;
        if (allowTrade || allowWithdraw) {
            approvals[operator] = ICollateralVault.StoredApproval(
                allowTrade, tradeExpiry, allowWithdraw, withdrawExpiry, maxPriceDeviation
            );
        } else {
            delete approvals[operator];
        }
        return (tradeExpiry, withdrawExpiry);
    }

    /// @dev Whether `operator` holds the trade (`trade`) or withdraw scope on `account` now: the trade scope as
    ///      `_tradeScope` resolves it; the withdraw scope in the same order (the owner recorded for the sub-account has
    ///      full rights; else the account's own approval or the owner's approval for all its sub-accounts grants it
    ///      live). For an account that is no sub-account the owner is the account itself (which needs no approval and
    ///      is never asked about: the callers skip it).
    function _hasScope(address account, address operator, bool trade) internal view returns (bool live) {
        if (trade) {
            (live,) = _tradeScope(account, operator);
            return live;
        }
        address owner = _ownerRecord(account);
        if (owner == address(0)) owner = account;
        else if (owner == operator) return true;
        return _scopeLive(_approvalOf(account, operator), false)
            || _scopeLive(_storage().allApprovals[owner][operator], false);
    }

    /// @dev The trade scope `operator` holds on `account` now and the price bound of the approval that grants it: the
    ///      owner recorded for the sub-account has full rights (no bound); else the account's own approval, then the
    ///      owner's approval for all its sub-accounts, the first that grants the scope live; without a live scope, the
    ///      account's own approval's stored bound (kept while its scope is dead). The owner record is read first: it
    ///      shares the account's balance slot, which the engine's settlement of the same trade reads anyway.
    function _tradeScope(address account, address operator) internal view returns (bool live, uint64 maxPriceDeviation) {
        address owner = _ownerRecord(account);
        if (owner == address(0)) owner = account;
        else if (owner == operator) return (true, 0);
        ICollateralVault.StoredApproval storage a = _approvalOf(account, operator);
        if (_scopeLive(a, true)) return (true, a.maxPriceDeviation);
        ICollateralVault.StoredApproval storage all = _storage().allApprovals[owner][operator];
        if (_scopeLive(all, true)) return (true, all.maxPriceDeviation);
        // No live scope: the account's own approval's bound, as stored (kept while its scope is dead).
        return (false, a.maxPriceDeviation);
    }

    /// @dev A scope is live while it is granted and its expiry is 0 (none) or still ahead: at the expiry second it is
    ///      dead.
    function _scopeLive(ICollateralVault.StoredApproval storage a, bool trade) internal view returns (bool) {
        (bool granted, uint40 expiry) = trade ? (a.canTrade, a.tradeExpiry) : (a.canWithdraw, a.withdrawExpiry);
        return granted && (expiry == 0 || block.timestamp < expiry);
    }

    /// @dev The owner of `account`: the recorded one, or the account itself.
    function _ownerOf(address account) internal view returns (address owner) {
        owner = _ownerRecord(account);
        if (owner == address(0)) owner = account;
    }

    /// @dev Sub-account `id` of `owner`: `owner` for id 0, else the low 160 bits of keccak256(abi.encode(owner, id)).
    function _derive(address owner, uint256 id) private pure returns (address) {
        if (id == 0) return owner;
        return address(uint160(uint256(keccak256(abi.encode(owner, id)))));
    }

    function _storage() private pure returns (SubAccountsStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            $.slot := SUB_ACCOUNTS_STORAGE
        }
    }
}
