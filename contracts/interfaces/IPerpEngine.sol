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
    /// @notice A zero address was passed.
    error ZeroAddress();
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

    // ---------------------------------------------------------------- trading
    /// @notice Trade `sizeDelta` in `marketId` for `account` (open, increase, reduce, close or flip).
    /// @dev The caller must be the account or an operator it approved in the collateral vault. Funding is
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

    /// @notice Close `account`'s whole position in `marketId`.
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
    /// @notice The four prices, premium, funding rates, skew and open interest of a market (SPEC §3–4).
    function marketPrices(uint256 marketId) external view returns (MarketPrices memory);

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

    /// @notice A market's circuit-breaker thresholds.
    function circuitBreakerParams(uint256 marketId) external view returns (BreakerParams memory);

    /// @notice Whether each breaker condition holds now (reverts when the market's oracle does).
    /// @return oracleMove The oracle is more than maxOracleMove away from the reference: only reductions of one's own
    ///         position pass.
    /// @return funding |current funding rate| > maxFundingRate: trades that increase |skew| are refused (they would
    ///         end beyond the band too); trades that leave |skew| where it was or lower pass.
    /// @return referencePrice The reference price advanced to now.
    function circuitBreakerStatus(uint256 marketId)
        external
        view
        returns (bool oracleMove, bool funding, uint256 referencePrice);

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
    function accountMargin(address account) external view returns (AccountMargin memory);

    /// @notice Margin summary valued at fair prices (what liquidation uses).
    function accountMarginAtFair(address account) external view returns (AccountMargin memory);

    /// @notice One position valued at the fair price: PnL minus unsettled funding, and its maintenance margin.
    function positionAtFair(address account, uint256 marketId) external view returns (int256 value, uint256 mm);

    /// @notice equity − Σ MM at fair prices; the account is liquidatable when this is negative.
    function maintenanceMargin(address account) external view returns (int256);

    // ---------------------------------------------------------------- wiring
    /// @notice Set the liquidity vault, counterparty of every market's net skew (once).
    function setLiquidityVault(address liquidityVault_) external;

    /// @notice Set the fraction of Σ |skew| × oracle the liquidity vault must keep as assets (25 % to 200 %).
    function setBackingRatio(uint256 ratio) external;

    /// @notice The backing ratio (18 decimals).
    function backingRatio() external view returns (uint256);

    /// @notice Set the most each side of a market's open interest × oracle may be after a trade that increases it, as
    ///         a fraction of the liquidity vault's cash (its collateral less the collateral vault's total debt), 1 % to
    ///         100 %.
    function setOpenInterestCashRatio(uint256 ratio) external;

    /// @notice The open-interest-to-cash ratio (18 decimals).
    function openInterestCashRatio() external view returns (uint256);

    /// @notice Set the liquidation engine, the only caller of `forcedClose` and `closeForAdl` (once).
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
