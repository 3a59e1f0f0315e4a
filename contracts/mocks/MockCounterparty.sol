// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpCounterparty} from "../interfaces/IPerpCounterparty.sol";

/// @title MockCounterparty
/// @notice Test-only stand-in for the trading engine: reports whatever PnL and required backing it is told.
contract MockCounterparty is IPerpCounterparty {
    int256 private _pnl;
    uint256 private _requiredBacking;
    uint256 private _requiredCash;
    address private _liquidationEngine;
    bool private _fallback;

    /// @notice Set the PnL reported to the liquidity vault (tests only; no access control).
    /// @param usd Signed 18-decimal USD.
    function setCounterpartyPnl(int256 usd) external {
        _pnl = usd;
    }

    /// @notice Set the backing the liquidity vault must keep (tests only; no access control).
    /// @param usd 18-decimal USD.
    function setRequiredBacking(uint256 usd) external {
        _requiredBacking = usd;
    }

    /// @notice Report (or stop reporting) that a market's oracle fails, so values are worst cases (tests only).
    function setFallbackUsed(bool fallback_) external {
        _fallback = fallback_;
    }

    /// @notice Set the cash the liquidity vault must keep for open interest (tests only; no access control).
    /// @param usd 18-decimal USD.
    function setRequiredCash(uint256 usd) external {
        _requiredCash = usd;
    }

    /// @notice Set the liquidation engine reported to the liquidity vault (tests only; no access control).
    /// @param engine Where the vault reads the unresolved shortfall.
    function setLiquidationEngine(address engine) external {
        _liquidationEngine = engine;
    }

    /// @inheritdoc IPerpCounterparty
    function liquidationEngine() external view returns (address) {
        return _liquidationEngine;
    }

    /// @inheritdoc IPerpCounterparty
    function counterpartyPnl() external view returns (int256, bool) {
        return (_pnl, _fallback);
    }

    /// @inheritdoc IPerpCounterparty
    function requiredCash() external view returns (uint256, bool) {
        return (_requiredCash, _fallback);
    }

    /// @inheritdoc IPerpCounterparty
    function requiredBacking() external view returns (uint256, bool) {
        return (_requiredBacking, _fallback);
    }
}
