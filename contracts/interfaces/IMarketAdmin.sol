// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "./IMarketConfig.sol";
import {BreakerParams, MarketPrices} from "./PerpTypes.sol";

/// @title IMarketAdmin
/// @notice The part of the trading engine (`IPerpEngine`) that runs in its admin module (`MarketAdmin`, by
///         DELEGATECALL from the engine's fallback, on the engine's storage): listing and parameters
///         (`IMarketConfig`), wiring, pauses, the circuit breakers' settings, and the market views only integrators
///         read. Called at the engine's address, like the rest of `IPerpEngine` (which declares the errors and events
///         beyond `IMarketConfig`'s); the module itself refuses direct calls that would change state.
interface IMarketAdmin is IMarketConfig {
    // ---------------------------------------------------------------- views: markets
    /// @notice The four prices, premium, funding rates, skew and open interest of a market (SPEC §3–4).
    function marketPrices(uint256 marketId) external view returns (MarketPrices memory);

    // ---------------------------------------------------------------- circuit breakers (SPEC §9)
    /// @notice Set a market's circuit-breaker thresholds.
    /// @param marketId The market.
    /// @param params maxOracleMove in [1 %, 50 %], window in [5 min, 1 day], maxFundingRate (hourly) in (0, 10 %] and
    ///        at least the rate at ±maxSkew.
    function setCircuitBreaker(uint256 marketId, BreakerParams calldata params) external;

    /// @notice Re-anchor a market's reference price to the current oracle price, clearing an oracle-move trip.
    /// @param marketId The market.
    function resetCircuitBreaker(uint256 marketId) external;

    /// @notice A market's circuit-breaker thresholds.
    function circuitBreakerParams(uint256 marketId) external view returns (BreakerParams memory);

    /// @notice Whether each breaker condition holds now.
    /// @return oracleMove The oracle is more than maxOracleMove away from the reference: only reductions of one's own
    ///         position pass.
    /// @return funding |current funding rate| > maxFundingRate: trades that increase |skew| are refused (they would
    ///         end beyond the band too); trades that leave |skew| where it was or lower pass.
    /// @return referencePrice The reference price advanced to now.
    function circuitBreakerStatus(uint256 marketId)
        external
        view
        returns (bool oracleMove, bool funding, uint256 referencePrice);

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

    /// @notice Send `share` (0 to 50 %) of every trading fee to `fund`; the rest goes to the liquidity vault. What
    ///         has accrued for the fund at the old share is swept to it first.
    function setInsuranceFeeShare(address fund, uint256 share) external;
}
