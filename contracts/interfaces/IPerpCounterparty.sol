// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPerpCounterparty
/// @notice What the trading engine tells the liquidity vault about the position it holds: the opposite side of
///         every market's net skew.
interface IPerpCounterparty {
    /// @notice The liquidity vault's unrealised PnL on the net skew, valued at what closing it would realise now
    ///         (the exit price, never the traders' price impact), plus the funding traders owe it but have not settled
    ///         (negative: owed by it), summed over all markets, 18-decimal USD, rounded down. Never reverts: a market
    ///         whose oracle fails is valued at its worst case within the oracle-move breaker band.
    /// @return usd The PnL.
    /// @return fallbackUsed Whether some market's oracle failed (deposits must then be closed).
    function counterpartyPnl() external view returns (int256 usd, bool fallbackUsed);

    /// @notice The USD the liquidity vault must keep so that open interest stays backed (see docs/DESIGN.md). Never
    ///         reverts (a failing oracle counts at its worst case).
    /// @return usd The backing.
    /// @return fallbackUsed Whether some market's oracle failed.
    function requiredBacking() external view returns (uint256 usd, bool fallbackUsed);

    /// @notice The cash the liquidity vault must keep so that every market's open interest stays within its share of
    ///         that cash (the largest side of any market × oracle / openInterestCashRatio). Never reverts (a failing
    ///         oracle counts at its worst case).
    /// @return usd The cash required.
    /// @return fallbackUsed Whether some market's oracle failed.
    function requiredCash() external view returns (uint256 usd, bool fallbackUsed);

    /// @notice The liquidation engine, whose unresolved ADL shortfall the liquidity vault's value excludes: that
    ///         bad debt sits in the vault's cash until auto-deleveraging repays it (zero address: none).
    function liquidationEngine() external view returns (address);
}
