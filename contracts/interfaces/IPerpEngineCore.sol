// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpCounterparty} from "./IPerpCounterparty.sol";
import {IWithdrawGuard} from "./IWithdrawGuard.sol";
import {MarginSummary, MarketState, Position} from "./PerpTypes.sol";

/// @title IPerpEngineCore
/// @notice The part of the trading engine (`IPerpEngine`) that `PerpEngine`'s own code implements: trading, forced
///         closes, the account and market views other contracts read on their value paths, the liquidity vault's
///         valuation and the withdraw guard. The rest (`IMarketAdmin`: listing, parameters, wiring, pauses, breakers and
///         the views only integrators read) runs in the engine's admin module, reached through the engine's fallback
///         at the same address. Callers use the combined `IPerpEngine`, which also declares the errors and events.
interface IPerpEngineCore is IWithdrawGuard, IPerpCounterparty {
    // ---------------------------------------------------------------- trading
    /// @notice Trade `sizeDelta` in `marketId` for `account` (open, increase, reduce, close or flip).
    /// @dev The caller must be the account or an operator whose trade scope is live in the collateral vault; an
    ///      operator's fill must stay within its approval's price bound, if any (`OperatorPriceBoundExceeded`). Funding is
    ///      settled first; the fill is oracle × (1 + the exact average of the clamped premium over the skew path);
    ///      fees and realised PnL settle into collateral; caps and initial margin are checked after, each cap
    ///      refusing only a trade that increases what it caps; a trade that only reduces the position skips them but
    ///      may not leave less than the minimum position margin.
    /// @param account The margin account.
    /// @param marketId The market.
    /// @param sizeDelta Signed size: positive buys, negative sells.
    /// @param acceptablePrice Worst fill accepted: a maximum for a buy, a minimum for a sell.
    /// @return fillPrice The fill price.
    function trade(address account, uint256 marketId, int256 sizeDelta, uint256 acceptablePrice)
        external
        returns (uint256 fillPrice);

    /// @notice Close `account`'s whole position in `marketId` (the caller as for `trade`, with the same operator
    ///         price bound).
    /// @param acceptablePrice Worst fill accepted.
    /// @return fillPrice The fill price.
    function closePosition(address account, uint256 marketId, uint256 acceptablePrice)
        external
        returns (uint256 fillPrice);

    /// @notice Accrue funding and advance the fair price of a market (anyone may call).
    function accrue(uint256 marketId) external;

    /// @notice A forced reduction or close of `account`'s position for the liquidation engine (its only caller):
    ///         liquidations and pnl-factor reductions. It fills on the live skew like any trade, without a slippage
    ///         bound, margin check or the pause and breaker checks, but only as far as its average fill stays within
    ///         the account's own close impact measured from the fair premium (the fill the whole close would get from
    ///         the skew whose premium is the fair premium); beyond that it closes only what fits (possibly nothing,
    ///         `ForcedCloseBounded`) and the rest waits, unless what would be left is below the minimum position
    ///         margin: then the whole position closes. Collateral may go negative (bad debt).
    /// @param account The account.
    /// @param marketId The market.
    /// @param sizeDelta A reduction of the position (opposite sign, at most its size).
    /// @param chargeFee Whether the trading fee is charged (pnl-factor reductions) or not (liquidations).
    /// @return sizeClosed The size delta that filled (same sign as `sizeDelta`, possibly 0).
    /// @return fillPrice Its fill price (0 when nothing filled).
    /// @return notionalClosed |sizeClosed| × fillPrice, rounded up.
    /// @return fee The trading fee charged (0 without `chargeFee`).
    function forcedClose(address account, uint256 marketId, int256 sizeDelta, bool chargeFee)
        external
        returns (int256 sizeClosed, uint256 fillPrice, uint256 notionalClosed, uint256 fee);

    /// @notice Reduce `account`'s position at `price` for auto-deleveraging (liquidation engine only): no fee, no
    ///         margin check, whatever the pause or breaker state.
    function closeForAdl(address account, uint256 marketId, int256 sizeDelta, uint256 price) external;

    // ---------------------------------------------------------------- views: markets
    /// @notice Number of listed markets.
    function marketCount() external view returns (uint256);

    /// @notice A market's stored state.
    function marketState(uint256 marketId) external view returns (MarketState memory);

    /// @notice The fill price a trade of `sizeDelta` would get now (reverts `ZeroSizeDelta` for 0).
    function quoteFillPrice(uint256 marketId, int256 sizeDelta) external view returns (uint256);

    /// @notice What a forced close of `sizeDelta` of `account`'s position would fill now: the part within its bound
    ///         (the whole position when a cut would leave it below the minimum position margin) and its fill price (0
    ///         when nothing fits), and the bound itself (the fill of the whole close from the skew whose premium is the
    ///         fair premium: its exit price at the fair premium).
    function quoteForcedClose(address account, uint256 marketId, int256 sizeDelta)
        external
        view
        returns (int256 sizeClosed, uint256 fillPrice, uint256 boundPrice);

    /// @notice The liquidity vault's PnL in one market, as `counterpartyPnl` counts it (without the pending insurance
    ///         fees): negative where the traders are winning against it. Never reverts on an oracle failure.
    function counterpartyPnlOf(uint256 marketId) external view returns (int256 usd, bool fallbackUsed);

    // ---------------------------------------------------------------- views: accounts
    /// @notice `account`'s position in `marketId` (all zero when it holds none).
    function position(address account, uint256 marketId) external view returns (Position memory);

    /// @notice Markets in which `account` holds a position, in increasing order (at most maxPositionsPerAccount).
    function accountMarkets(address account) external view returns (uint256[] memory);

    /// @notice Funding the position owes now but has not settled (positive: owes), USD.
    function accruedFunding(address account, uint256 marketId) external view returns (int256);

    /// @notice Unrealised PnL at the mark price, USD.
    function unrealisedPnl(address account, uint256 marketId) external view returns (int256);

    /// @notice Margin summary with each position at the worse of its exit price (the fill closing it would get now)
    ///         and its fair price: what opening and withdrawing use. A market whose oracle fails counts at its last good
    ///         price moved against the position by the oracle-move breaker band.
    function accountMargin(address account) external view returns (MarginSummary memory);

    /// @notice Margin summary valued at fair prices (what liquidation uses).
    function accountMarginAtFair(address account) external view returns (MarginSummary memory);

    /// @notice One position valued at the fair price: PnL minus unsettled funding, and its maintenance margin.
    function positionAtFair(address account, uint256 marketId) external view returns (int256 value, uint256 mm);

    /// @notice equity − Σ MM at fair prices; the account is liquidatable when this is negative.
    function maintenanceMargin(address account) external view returns (int256);

    // ---------------------------------------------------------------- fees and wiring
    /// @notice Where the insurance share of trading fees goes, and the share (18 decimals).
    function insuranceFeeShare() external view returns (address fund, uint256 share);

    /// @notice Move the insurance fund's accrued share of trading fees from the liquidity vault to the fund
    ///         (anyone may call; the liquidation engine does before drawing on the fund).
    function sweepInsuranceFees() external returns (uint256 amount);

    /// @notice The insurance fund's share of trading fees accrued and not yet swept, USD.
    function pendingInsuranceFees() external view returns (uint256);

    /// @notice The collateral vault.
    function collateralVault() external view returns (address);

    /// @notice The liquidity vault, counterparty of the net skew.
    function liquidityVault() external view returns (address);
}
