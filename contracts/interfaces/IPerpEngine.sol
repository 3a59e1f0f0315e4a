// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketAdmin} from "./IMarketAdmin.sol";
import {IPerpEngineCore} from "./IPerpEngineCore.sol";
import {BreakerParams} from "./PerpTypes.sol";

/// @title IPerpEngine
/// @notice Positions in cross-margin accounts: skew-priced fills, oracle-driven funding, margin checks and the
///         views of SPEC §3–5. Collateral lives in the CollateralVault; the liquidity vault is the counterparty.
/// @dev Everything the engine's address answers, and what callers use. Its functions are `IPerpEngineCore`'s
///      (implemented by `PerpEngine`'s own code) and `IMarketAdmin`'s (run by the engine's admin module through the
///      engine's fallback, on the engine's storage); its errors and events, declared here once, are the engine's
///      whichever part raises them (the market-listing ones are `IMarketConfig`'s; `ZeroAddress` and
///      `ParameterOutOfBounds` are declared once, in CommonErrors.sol). Ownership (`Ownable2Step`) is the engine's too.
interface IPerpEngine is IPerpEngineCore, IMarketAdmin {
    // ---------------------------------------------------------------- errors
    /// @notice The caller is neither the account nor an operator it approved in the collateral vault.
    error NotAccountOrOperator(address caller, address account);
    /// @notice An operator's trade for the account would fill beyond the price bound of its approval
    ///         (`ICollateralVault.approveOperatorWithPriceBound`): a buy above oracle × (1 + bound), rounded down, or a
    ///         sell below oracle × (1 − bound), rounded up.
    /// @param operator The operator (the caller).
    /// @param fillPrice The price the trade would fill at.
    /// @param limitPrice The bound's price: the most a buy may fill at, the least a sell may.
    error OperatorPriceBoundExceeded(address operator, uint256 fillPrice, uint256 limitPrice);
    /// @notice A trade of size zero.
    error ZeroSizeDelta();
    /// @notice A trade larger than any position could be (twice the largest open-interest cap).
    error SizeDeltaTooLarge(int256 sizeDelta, uint256 max);
    /// @notice A partial reduction would leave a position whose initial margin is below the market's minimum: close
    ///         it in full (`fullCloseDelta`) instead.
    /// @param marketId The market.
    /// @param remainingMargin Initial margin of what the reduction would leave, USD (at the oracle price).
    /// @param minPositionMargin The market's minimum.
    /// @param fullCloseDelta The size delta that closes the position.
    error PartialCloseBelowMinimumMargin(
        uint256 marketId, uint256 remainingMargin, uint256 minPositionMargin, int256 fullCloseDelta
    );
    /// @notice The trade would take a side of the market's open interest, valued at the oracle, above its share of the
    ///         liquidity vault's cash (`openInterestCashRatio`).
    error OpenInterestAboveCashLimit(uint256 marketId, uint256 openInterestNotional, uint256 limit);
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
    /// @notice Only the liquidation engine may call this.
    error NotLiquidationEngine(address caller);
    /// @notice The liquidation engine is already set (it is set once).
    error LiquidationEngineAlreadySet();
    /// @notice A liquidation close must reduce the position (opposite sign, at most its size).
    error NotAReduction(uint256 marketId, int256 size, int256 sizeDelta);
    /// @notice The reduction would leave the account bankrupt: negative collateral with no position left, or positions
    ///         left with equity (at fair prices) at or below zero after a reduction that left negative collateral or
    ///         filled beyond the forced-close bound. It must be liquidated, so the loss goes through the bounded forced
    ///         close, the insurance fund and ADL.
    error BankruptCloseNeedsLiquidation(address account, int256 collateral);
    /// @notice A circuit breaker refuses the trade: "oracleMove" (only reductions of one's own position pass) or
    ///         "funding" (the trade increases |skew| to where the hourly funding rate exceeds the band).
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
    /// @notice The admin re-anchored a market's breaker reference to the oracle price (also when its oracle is
    ///         replaced).
    event CircuitBreakerReset(uint256 indexed marketId, uint256 referencePrice);
    /// @notice The skew-to-cash ratio changed.
    event OpenInterestCashRatioSet(uint256 ratio);
    /// @notice A forced close filled less than asked: the rest would have filled beyond its bound (the account's own
    ///         close impact measured from the fair premium) and waits for a later call.
    /// @param account The account.
    /// @param marketId The market.
    /// @param requested The size delta asked for.
    /// @param filled The size delta that filled (0: none).
    event ForcedCloseBounded(address indexed account, uint256 indexed marketId, int256 requested, int256 filled);
}
