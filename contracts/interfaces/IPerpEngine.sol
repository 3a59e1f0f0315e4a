// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "./IMarketConfig.sol";
import {IPerpCounterparty} from "./IPerpCounterparty.sol";
import {IWithdrawGuard} from "./IWithdrawGuard.sol";
import {AccountMargin, BreakerParams, MarketPrices, MarketState, Position} from "./PerpTypes.sol";

/// @title IPerpEngine
/// @notice Positions in cross-margin accounts: skew-priced fills, oracle-driven funding, margin checks and the
///         views of SPEC §3–5. Collateral lives in the CollateralVault; the liquidity vault is the counterparty.
interface IPerpEngine is IMarketConfig, IWithdrawGuard, IPerpCounterparty {
    // ---------------------------------------------------------------- errors
    /// @notice The caller is neither the account nor an operator it approved in the collateral vault.
    error NotAccountOrOperator(address caller, address account);
    /// @notice A trade of size zero.
    error ZeroSizeDelta();
    /// @notice The fill price is worse than the trader's bound.
    /// @param fillPrice The price the trade would fill at.
    /// @param acceptablePrice The trader's bound (max for a buy, min for a sell).
    error SlippageExceeded(uint256 fillPrice, uint256 acceptablePrice);
    /// @notice The market is paused: only trades that reduce a position are allowed.
    error MarketReduceOnly(uint256 marketId);
    /// @notice The trade would take a side's open interest above its cap.
    error OpenInterestCapExceeded(uint256 marketId, uint256 openInterest, uint256 cap);
    /// @notice The trade would take |skew| above the market's max skew.
    error MaxSkewExceeded(uint256 marketId, uint256 absSkew, uint256 maxSkew);
    /// @notice An opened or increased position's initial margin is below the market's minimum.
    error PositionBelowMinimumMargin(uint256 initialMargin, uint256 minPositionMargin);
    /// @notice The position's notional is above the market's last tier.
    error NotionalAboveMaxTier(uint256 notional, uint256 maxNotional);
    /// @notice After an opening or increasing trade the account's equity would be below its initial margin.
    error InsufficientMargin(int256 equity, uint256 initialMargin);
    /// @notice The account already holds positions in the maximum number of markets.
    error TooManyPositions(uint256 maxPositions);
    /// @notice The liquidity vault is already set (it is set once).
    error LiquidityVaultAlreadySet();
    /// @notice Trading needs the liquidity vault (the counterparty) to be set first.
    error LiquidityVaultNotSet();
    /// @notice A zero address was passed.
    error ZeroAddress();
    /// @notice Only the liquidation engine may call this.
    error NotLiquidationEngine(address caller);
    /// @notice The liquidation engine is already set (it is set once).
    error LiquidationEngineAlreadySet();
    /// @notice A liquidation close must reduce the position (opposite sign, at most its size).
    error NotAReduction(uint256 marketId, int256 size, int256 sizeDelta);
    /// @notice Closing would leave the account flat with negative collateral: it is bankrupt and must be liquidated,
    ///         so the loss goes through the insurance fund and ADL.
    error BankruptCloseNeedsLiquidation(address account, int256 collateral);
    /// @notice A circuit breaker holds the market reduce-only.
    /// @param marketId The market.
    /// @param reason "oracleMove" or "funding".
    error CircuitBreakerTripped(uint256 marketId, bytes32 reason);

    // ---------------------------------------------------------------- events
    /// @notice A trade filled.
    /// @param account The margin account.
    /// @param marketId The market.
    /// @param sizeDelta Signed size traded.
    /// @param fillPrice Price it filled at.
    /// @param fee Trading fee charged, USD.
    /// @param realisedPnl PnL realised by the reducing part, USD.
    /// @param newSize Position size after the trade.
    /// @param newOpenNotional Position cost basis after the trade.
    event Trade(
        address indexed account,
        uint256 indexed marketId,
        int256 sizeDelta,
        uint256 fillPrice,
        uint256 fee,
        int256 realisedPnl,
        int256 newSize,
        int256 newOpenNotional
    );
    /// @notice Funding accrued in a market.
    /// @param marketId The market.
    /// @param rate Hourly rate applied over the interval.
    /// @param fundingIndex Cumulative index after the accrual.
    /// @param elapsed Seconds accrued.
    event FundingAccrued(uint256 indexed marketId, int256 rate, int256 fundingIndex, uint256 elapsed);
    /// @notice Funding settled into an account's collateral (positive: the account paid).
    event FundingSettled(address indexed account, uint256 indexed marketId, int256 amount);
    /// @notice The liquidity vault (counterparty account) was set.
    event LiquidityVaultSet(address indexed liquidityVault);
    /// @notice The backing ratio the liquidity vault must hold against net skew notional changed.
    event BackingRatioSet(uint256 ratio);
    /// @notice The liquidation engine was set.
    event LiquidationEngineSet(address indexed liquidationEngine);
    /// @notice The insurance fund's share of trading fees changed.
    event InsuranceFeeShareSet(address indexed fund, uint256 share);
    /// @notice The accrued insurance share of trading fees moved from the liquidity vault to the fund.
    event InsuranceFeesSwept(address indexed fund, uint256 amount);
    /// @notice A market's circuit-breaker thresholds changed (also at listing, with the defaults).
    event CircuitBreakerSet(uint256 indexed marketId, BreakerParams params);
    /// @notice The admin re-anchored a market's breaker reference to the oracle price.
    event CircuitBreakerReset(uint256 indexed marketId, uint256 referencePrice);

    // ---------------------------------------------------------------- trading
    /// @notice Trade `sizeDelta` in `marketId` for `account` (open, increase, reduce, close or flip).
    /// @dev The caller must be the account or an operator it approved in the collateral vault. Funding is
    ///      settled first; the fill is oracle × (1 + average premium before/after); fees and realised PnL settle
    ///      into collateral; caps and initial margin are checked after, except for a trade that only reduces.
    /// @param account The margin account.
    /// @param marketId The market.
    /// @param sizeDelta Signed size: positive buys, negative sells.
    /// @param acceptablePrice Worst fill accepted: a maximum for a buy, a minimum for a sell.
    /// @return fillPrice The fill price.
    function trade(address account, uint256 marketId, int256 sizeDelta, uint256 acceptablePrice)
        external
        returns (uint256 fillPrice);

    /// @notice Close `account`'s whole position in `marketId`.
    /// @param acceptablePrice Worst fill accepted.
    /// @return fillPrice The fill price.
    function closePosition(address account, uint256 marketId, uint256 acceptablePrice)
        external
        returns (uint256 fillPrice);

    /// @notice Accrue funding and advance the fair price of a market (anyone may call).
    function accrue(uint256 marketId) external;

    /// @notice Reduce or close `account`'s position for the liquidation engine (its only caller): fills with skew
    ///         impact, no slippage bound, no trading fee, no margin check, whatever the pause or breaker state.
    /// @param account The account being liquidated.
    /// @param marketId The market.
    /// @param sizeDelta A reduction of the position (opposite sign, at most its size).
    /// @return fillPrice The fill price.
    /// @return notionalClosed |sizeDelta| × fillPrice, rounded up.
    function closeForLiquidation(address account, uint256 marketId, int256 sizeDelta)
        external
        returns (uint256 fillPrice, uint256 notionalClosed);

    /// @notice Reduce `account`'s position at `price` for auto-deleveraging (liquidation engine only): no fee, no
    ///         margin check, whatever the pause or breaker state.
    function closeForAdl(address account, uint256 marketId, int256 sizeDelta, uint256 price) external;

    // ---------------------------------------------------------------- views: markets
    /// @notice The four prices, premium, funding rates, skew and open interest of a market (SPEC §3–4).
    function marketPrices(uint256 marketId) external view returns (MarketPrices memory);

    /// @notice A market's stored state.
    function marketState(uint256 marketId) external view returns (MarketState memory);

    /// @notice The fill price a trade of `sizeDelta` would get now.
    function quoteFillPrice(uint256 marketId, int256 sizeDelta) external view returns (uint256);

    // ---------------------------------------------------------------- views: accounts
    /// @notice `account`'s position in `marketId` (all zero when it holds none).
    function position(address account, uint256 marketId) external view returns (Position memory);

    /// @notice Markets in which `account` holds a position, in increasing order (at most maxPositionsPerAccount).
    function accountMarkets(address account) external view returns (uint256[] memory);

    /// @notice Funding the position owes now but has not settled (positive: owes), USD.
    function accruedFunding(address account, uint256 marketId) external view returns (int256);

    /// @notice Unrealised PnL at the mark price, USD.
    function unrealisedPnl(address account, uint256 marketId) external view returns (int256);

    /// @notice Margin summary valued at mark prices (what opening and withdrawing use).
    function accountMargin(address account) external view returns (AccountMargin memory);

    /// @notice Margin summary valued at fair prices (what liquidation uses).
    function accountMarginAtFair(address account) external view returns (AccountMargin memory);

    /// @notice One position valued at the fair price: PnL minus unsettled funding, and its maintenance margin.
    function positionAtFair(address account, uint256 marketId) external view returns (int256 value, uint256 mm);

    /// @notice equity − Σ MM at fair prices; the account is liquidatable when this is negative.
    function maintenanceMargin(address account) external view returns (int256);

    /// @notice The fair price of `marketId` at which `account`'s maintenance margin turns negative, other
    ///         positions held at their current fair prices: for a long the highest such price, for a short the
    ///         lowest. Returns 0 if no positive price makes the account liquidatable (or no position).
    function liquidationPrice(address account, uint256 marketId) external view returns (uint256);

    // ---------------------------------------------------------------- wiring
    /// @notice Set the liquidity vault, counterparty of every market's net skew (once).
    function setLiquidityVault(address liquidityVault_) external;

    /// @notice Set the fraction of Σ |skew| × mark the liquidity vault must keep as assets (0 to 2e18).
    function setBackingRatio(uint256 ratio) external;

    /// @notice The backing ratio (18 decimals).
    function backingRatio() external view returns (uint256);

    /// @notice Set the liquidation engine, the only caller of `closeForLiquidation` (once).
    function setLiquidationEngine(address liquidationEngine_) external;

    /// @notice Send `share` (0 to 50 %) of every trading fee to `fund`; the rest goes to the liquidity vault.
    function setInsuranceFeeShare(address fund, uint256 share) external;

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
