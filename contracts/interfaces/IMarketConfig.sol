// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MarketParams, NotionalTier} from "./PerpTypes.sol";

/// @title IMarketConfig
/// @notice Admin listing of markets and their risk parameters, every value within a hard bound (SPEC §9). Part of
///         `IMarketAdmin` (the engine's admin module); the number of markets is `IPerpEngineCore.marketCount`.
/// @dev A value outside its bound reverts `ParameterOutOfBounds`, declared once, in CommonErrors.sol.
interface IMarketConfig {
    /// @notice The tier list is empty, too long, or not strictly increasing in notional.
    /// @param index The offending tier.
    error InvalidTier(uint256 index);
    /// @notice No market has this id.
    error UnknownMarket(uint256 marketId);
    /// @notice The oracle adapter is the zero address.
    error ZeroOracle();
    /// @notice The market count reached its hard cap.
    error TooManyMarkets(uint256 max);
    /// @notice Closing a position could cost more than its maintenance margin in skew impact: the largest impact,
    ///         min(maxPremium, maxOpenInterest / (2 × skewScale)), must not exceed the lowest tier's mmr, or a
    ///         liquidation just below maintenance could create bad debt (see docs/DESIGN.md, "Liquidation impact").
    /// @param maxImpact The largest fill impact of a close, 18 decimals.
    /// @param minMmr The lowest maintenance margin rate of the market's tiers.
    error LiquidationImpactAboveMaintenance(uint256 maxImpact, uint256 minMmr);
    /// @notice The oracle adapter is of a kind the engine does not list (kind 3, market hours: its index jumps at each
    ///         session open by a move traders can see coming; see docs/DESIGN.md, "Security model").
    error OracleKindNotListable(uint8 kind);
    /// @notice The funding breaker's band is below the hourly funding rate at ±maxSkew. Judged after the trade, the
    ///         band caps the skew opens can reach; it may not cap it below maxSkew.
    /// @param band The band (hourly rate).
    /// @param rateAtMaxSkew The largest |hourly rate| at a skew of ±maxSkew.
    error FundingBandBelowMaxSkewRate(uint256 band, uint256 rateAtMaxSkew);

    /// @notice A market was listed.
    event MarketListed(uint256 indexed marketId, bytes32 symbol, address oracle);
    /// @notice A market's parameters changed.
    event MarketParamsSet(uint256 indexed marketId, MarketParams params);
    /// @notice A market's notional tiers changed.
    event MarketTiersSet(uint256 indexed marketId, NotionalTier[] tiers);
    /// @notice A market was paused (reduce-only) or unpaused.
    event MarketPausedSet(uint256 indexed marketId, bool paused);
    /// @notice All markets were paused (reduce-only) or unpaused.
    event GlobalPausedSet(bool paused);
    /// @notice The per-account position limit changed.
    event MaxPositionsPerAccountSet(uint256 maxPositions);

    /// @notice List a new market. Its oracle must answer (its price becomes the last good price and the breaker
    ///         reference) and may not be of the market-hours kind; the funding breaker's band starts at the SPEC default
    ///         or at the rate at ±maxSkew if that is higher. The fair premium starts at 0.
    /// @param symbol Short name, e.g. "ETH".
    /// @param params Parameters, each within its hard bound.
    /// @param tiers 1 to 8 notional tiers.
    /// @return marketId The new market's id (0-based, sequential).
    function listMarket(bytes32 symbol, MarketParams calldata params, NotionalTier[] calldata tiers)
        external
        returns (uint256 marketId);

    /// @notice Replace a market's parameters (funding and the fair premium accrue first at the old ones). The largest
    ///         close impact they allow must stay within the current tiers' lowest mmr, and the funding rate at ±maxSkew
    ///         within the breaker band. A failing oracle can always be replaced: if the old oracle does not answer,
    ///         the interval since the last accrual accrues no funding (nobody could trade or be charged during it) and
    ///         the fair premium still advances. A new oracle must answer; its price re-anchors the breaker reference
    ///         and becomes the last good price.
    function setMarketParams(uint256 marketId, MarketParams calldata params) external;

    /// @notice Replace a market's notional tiers. Their lowest mmr must cover the current parameters' largest
    ///         close impact.
    function setMarketTiers(uint256 marketId, NotionalTier[] calldata tiers) external;

    /// @notice Pause or unpause one market: while paused it is reduce-only.
    function setMarketPaused(uint256 marketId, bool paused) external;

    /// @notice Pause or unpause every market: while paused they are reduce-only.
    function setGlobalPaused(bool paused) external;

    /// @notice Set how many markets one account may hold positions in (1 to 16).
    function setMaxPositionsPerAccount(uint256 maxPositions) external;

    /// @notice A market's symbol.
    function marketSymbol(uint256 marketId) external view returns (bytes32);

    /// @notice A market's parameters.
    function marketParams(uint256 marketId) external view returns (MarketParams memory);

    /// @notice A market's notional tiers.
    function marketTiers(uint256 marketId) external view returns (NotionalTier[] memory);

    /// @notice Whether a market is reduce-only because it or everything is paused.
    function isReduceOnly(uint256 marketId) external view returns (bool);

    /// @notice How many markets one account may hold positions in.
    function maxPositionsPerAccount() external view returns (uint256);
}
