// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "./IAutoDeleveraging.sol";

/// @notice Liquidation parameters (SPEC §6), each within a hard bound.
/// @param feeRate Liquidation fee on the notional closed, 18 decimals (default 0.5 %).
/// @param keeperShare Share of the fee paid to the keeper, 18 decimals; the rest goes to the insurance fund.
/// @param minKeeperReward Floor of the keeper reward, USD (the fund tops it up when the account cannot).
/// @param maxKeeperReward Cap of the keeper reward, USD.
/// @param partialNotional Positions above this notional (USD, at mark) are reduced in slices.
/// @param sliceFraction Fraction of such a position closed per liquidation, 18 decimals (default 20 %).
/// @param cooldown Seconds before an account that was partially liquidated can be liquidated again, unless it is
///        bankrupt (equity ≤ 0).
struct LiquidationConfig {
    uint64 feeRate;
    uint64 keeperShare;
    uint128 minKeeperReward;
    uint128 maxKeeperReward;
    uint128 partialNotional;
    uint64 sliceFraction;
    uint32 cooldown;
}

/// @notice What `liquidate` would do now, for keepers to judge profitability before sending.
/// @param liquidatable Maintenance margin (at fair prices) is negative and no cooldown applies.
/// @param maintenanceMargin equity − Σ MM at fair prices, USD.
/// @param marketIds Markets that would be closed or reduced, in order.
/// @param sizeDeltas The size change in each (a reduction).
/// @param notionalClosed Σ |sizeDelta| × quoted fill, USD.
/// @param keeperReward What the caller would receive, USD (whole USDC units; the sub-unit rest goes to the fund).
/// @param insuranceFee What the insurance fund would receive from the account, USD.
/// @param expectedBadDebt The shortfall the account would leave if everything closed at the quoted fills, USD.
struct LiquidationPreview {
    bool liquidatable;
    int256 maintenanceMargin;
    uint256[] marketIds;
    int256[] sizeDeltas;
    uint256 notionalClosed;
    uint256 keeperReward;
    uint256 insuranceFee;
    uint256 expectedBadDebt;
}

/// @title ILiquidationEngineCore
/// @notice The liquidation engine's own code: permissionless liquidation of accounts below maintenance margin and the
///         ADL entry points (the value paths). Its errors and events are declared on `ILiquidationEngine`, the
///         interface callers use, which adds what the engine serves through its module.
interface ILiquidationEngineCore is IAutoDeleveraging {
    /// @notice Liquidate `account` if its maintenance margin (at fair prices) is negative. Positions above the
    ///         partial threshold are reduced by one slice, the others closed, until maintenance margin ≥ 0; a
    ///         bankrupt account (equity ≤ 0) is closed entirely. The caller receives the keeper reward in USDC.
    /// @param account The account to liquidate.
    /// @return notionalClosed Σ notional closed, USD.
    /// @return keeperReward Paid to the caller, USD.
    function liquidate(address account) external returns (uint256 notionalClosed, uint256 keeperReward);

    /// @notice When `account` was last partially liquidated (0: never).
    function lastPartialLiquidation(address account) external view returns (uint256);
}

/// @title ILiquidationEngineModule
/// @notice The views and admin the liquidation engine serves through its module (`LiquidationModule`, run by
///         DELEGATECALL on the engine's storage from the engine's fallback): the engine's address answers them.
///         Callers use `ILiquidationEngine`.
interface ILiquidationEngineModule {
    /// @notice What `liquidate(account)` would do now (sizes, reward, fund fee, expected bad debt).
    function previewLiquidation(address account) external view returns (LiquidationPreview memory);

    /// @notice Set the parameters (owner only; bounds: fee ≤ 5 %, keeperShare ≤ 100 %, min ≤ max ≤ 100,000 USD,
    ///         slice in [5 %, 100 %], cooldown ≤ 1 h). Emits `LiquidationConfigSet`; reverts `ParameterOutOfBounds`.
    function setConfig(LiquidationConfig calldata config) external;

    /// @notice The parameters.
    function config() external view returns (LiquidationConfig memory);

    /// @notice The pending ADL request (if any), its id and current candidates.
    function pendingAdl()
        external
        view
        returns (bool pending, uint256 requestId, AdlRequest memory request, address[] memory candidates);
}

/// @title ILiquidationEngine
/// @notice Permissionless liquidation of accounts below maintenance margin, with keeper rewards and the loss
///         waterfall account collateral → insurance fund → ADL (SPEC §6). Everything the liquidation engine's address
///         answers: its own code (`ILiquidationEngineCore`, with the ADL entry points of `IAutoDeleveraging`) and its
///         module's views and admin (`ILiquidationEngineModule`), and the liquidation errors and events (declared
///         here, so `ILiquidationEngine.Liquidated` and the like name them).
/// @dev `ZeroAddress` and `ParameterOutOfBounds` are declared once, in CommonErrors.sol.
interface ILiquidationEngine is ILiquidationEngineCore, ILiquidationEngineModule {
    /// @notice The account's maintenance margin is not negative.
    error NotLiquidatable(address account, int256 maintenanceMargin);
    /// @notice The account holds no position (e.g. bad debt already queued for ADL): there is nothing to close.
    error NothingToLiquidate(address account);
    /// @notice The account was partially liquidated recently and is not bankrupt.
    error LiquidationCooldown(address account, uint256 readyAt);
    /// @notice No position could be closed within its forced-close bound (the live skew is beyond every position's own
    ///         close impact from the fair premium): nothing was liquidated, try in a later block.
    error LiquidationBeyondBound(address account);

    /// @notice An account was liquidated.
    /// @param account The account.
    /// @param keeper The caller, who was rewarded.
    /// @param notionalClosed Σ notional closed, USD.
    /// @param fee Liquidation fee charged (≥ the keeper reward), USD.
    /// @param keeperReward Paid to the keeper, USD (whole USDC units).
    /// @param insuranceFee Paid to the insurance fund out of the account's collateral, USD (including the reward's
    ///        sub-unit rest).
    /// @param partialOnly Whether any position was only reduced (the cooldown starts).
    event Liquidated(
        address indexed account,
        address indexed keeper,
        uint256 notionalClosed,
        uint256 fee,
        uint256 keeperReward,
        uint256 insuranceFee,
        bool partialOnly
    );
    /// @notice Waterfall layer 1: the account's own collateral absorbed `amount` of the losses and fee.
    event LossAbsorbedByCollateral(address indexed account, uint256 amount);
    /// @notice Waterfall layer 2: the insurance fund covered `amount` of the account's bad debt.
    event BadDebtCoveredByFund(address indexed account, uint256 amount);
    /// @notice Waterfall layer 3: `amount` of bad debt is left for auto-deleveraging.
    event ShortfallForAdl(address indexed account, uint256 amount);
    /// @notice Parameters changed.
    event LiquidationConfigSet(LiquidationConfig config);
}
