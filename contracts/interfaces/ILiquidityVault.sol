// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {ICollateralVault} from "./ICollateralVault.sol";
import {IPerpCounterparty} from "./IPerpCounterparty.sol";

/// @title ILiquidityVault
/// @notice ERC-4626 vault over USDC whose liquidity providers are the counterparty of every market's net skew.
///         Its USDC sits in its own account of the collateral vault; its value is that cash plus the unrealised
///         PnL and unsettled funding of the net position, as reported by the trading engine.
/// @dev Assets are USDC units (6 decimals); shares have 18 decimals (decimals offset 12). Withdrawals may not
///      take the vault below the backing the engine requires, nor beyond the cash it may take out of the
///      collateral vault; over-limit calls revert with OpenZeppelin's `ERC4626ExceededMax*` errors. `ZeroAddress` is
///      declared once, in CommonErrors.sol.
interface ILiquidityVault is IERC4626 {
    // ---------------------------------------------------------------- errors
    /// @notice The token moved a different amount than asked (fee-on-transfer, rebasing or similar).
    /// @param expected Token units the vault asked to receive.
    /// @param actual Token units that actually arrived.
    error UnsupportedTokenBehaviour(uint256 expected, uint256 actual);
    /// @notice The entry/exit fee is above its bound.
    error LiquidityFeeTooHigh(uint256 fee, uint256 max);

    // ---------------------------------------------------------------- events
    /// @notice The contract reporting the vault's PnL and required backing changed.
    /// @param previous The former counterparty source (zero before the first set).
    /// @param counterparty The new counterparty source.
    event CounterpartySet(address indexed previous, address indexed counterparty);
    /// @notice The deposit cap changed.
    /// @param cap The most total assets deposits may bring the vault to, USDC units (6 decimals).
    event DepositCapSet(uint256 cap);
    /// @notice The entry/exit fee changed.
    /// @param fee Fraction of what is deposited or paid out, 18 decimals.
    event LiquidityFeeSet(uint256 fee);
    /// @notice Deposits and mints were paused or resumed.
    /// @param paused True while paused.
    event DepositsPausedSet(bool paused);

    // ---------------------------------------------------------------- admin
    /// @notice Set the engine contract that reports the vault's PnL and required backing (owner only).
    /// @dev May be replaced later (an engine upgrade), never unset. The switch changes `totalAssets` at once, so
    ///      the owner should be a timelock.
    /// @param counterparty_ The trading engine implementing IPerpCounterparty; not zero.
    function setCounterparty(IPerpCounterparty counterparty_) external;

    /// @notice Set the most total assets deposits and mints may bring the vault to (owner only).
    /// @dev A cap below the current total assets stops deposits without touching existing shares;
    ///      `type(uint256).max` means no cap.
    /// @param cap USDC units (6 decimals).
    function setDepositCap(uint256 cap) external;

    /// @notice Pause or resume deposits and mints (owner only). Withdrawals and redemptions are never paused.
    /// @param paused True to pause.
    function setDepositsPaused(bool paused) external;

    /// @notice Set the fee deposits and exits pay (owner only), at most 1 %: it stays in the vault for the remaining
    ///         holders, so an entry just before a block's fee income and an exit just after cannot profit (see
    ///         docs/DESIGN.md, "Security model").
    /// @param fee Fraction, 18 decimals: a deposit of a buys shares worth a / (1 + fee); redeeming shares worth v pays
    ///        v / (1 + fee).
    function setLiquidityFee(uint256 fee) external;

    // ---------------------------------------------------------------- views
    /// @notice The entry/exit fee (18 decimals).
    function liquidityFee() external view returns (uint256);

    /// @notice The cash the vault keeps for open interest, in USDC units rounded up: the counterparty's
    ///         `requiredCash` (each side of every market within its share of the cash). `availableLiquidity` leaves it.
    function requiredCashAssets() external view returns (uint256 assets);

    /// @notice Whether the value is a worst case because a market's oracle fails (or the counterparty's valuation
    ///         reverted): deposits and mints are closed, exits are valued at that worst case.
    function valuationFallback() external view returns (bool);

    /// @notice The collateral vault holding this vault's USDC in the account `address(this)`.
    function collateralVault() external view returns (ICollateralVault);

    /// @notice The engine reporting the vault's PnL and required backing (zero while unset: PnL and backing 0).
    function counterparty() external view returns (IPerpCounterparty);

    /// @notice The most total assets deposits and mints may bring the vault to, USDC units (6 decimals).
    function depositCap() external view returns (uint256);

    /// @notice Whether deposits and mints are paused.
    function depositsPaused() external view returns (bool);

    /// @notice The vault's value before flooring and rounding: its collateral plus the counterparty PnL, minus the
    ///         unresolved ADL shortfall (`unresolvedShortfallUsd`), 18-decimal USD. Negative when the net position
    ///         has lost more than the vault's cash.
    /// @dev `totalAssets() == max(0, netValueUsd()) / 1e12` (rounded down). While it is negative, deposits and
    ///      mints are closed (a new deposit would pay off the deficit).
    function netValueUsd() external view returns (int256 usd);

    /// @notice The counterparty's required backing in USDC units, rounded up: withdrawals may not take
    ///         `totalAssets()` below it.
    function requiredBackingAssets() external view returns (uint256 assets);

    /// @notice USDC units all share holders together may withdraw now: the excess of `totalAssets()` over the
    ///         required backing, capped by the cash the collateral vault lets this vault take out less the
    ///         collateral vault's total debt (balances above the tokens held: bad debt awaiting ADL and the
    ///         negative collateral of accounts with open positions, both credited to this vault as counterparty) and
    ///         less the cash open interest requires (`requiredCashAssets`), so an exit never leaves any market's open
    ///         interest beyond its share of the cash.
    function availableLiquidity() external view returns (uint256 assets);

    /// @notice Bad debt neither the bankrupt account nor the insurance fund could pay and that auto-deleveraging
    ///         has not repaid yet, 18-decimal USD. The loss it stands for was credited to this vault's collateral
    ///         account when the bankrupt position closed, so liquidity providers bear it until ADL repays it.
    function unresolvedShortfallUsd() external view returns (uint256 usd);
}
