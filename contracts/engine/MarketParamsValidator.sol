// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {BreakerParams, MarketParams, Tier} from "../interfaces/PerpTypes.sol";

// Hard bounds of market parameters (SPEC §9; the table in docs/DESIGN.md).
uint256 constant MAX_TIERS = 8;
uint256 constant MIN_SKEW_SCALE = 1e15;
uint256 constant MAX_SKEW_SCALE = 1e36;
uint256 constant MAX_PREMIUM_CAP = 0.1e18;
uint256 constant MAX_FEE = 0.01e18;
uint256 constant MAX_SIZE_CAP = 1e36;
uint256 constant MAX_MIN_POSITION_MARGIN = 1_000_000e18;
uint256 constant MAX_FUNDING_INTEREST = 0.01e18;
uint256 constant MAX_FUNDING_CLAMP = 0.01e18;
uint256 constant MAX_FUNDING_RATE_CAP = 0.1e18;
uint256 constant MAX_FAIR_TAU = 1 days;
uint256 constant MIN_LEVERAGE = 1e18;
uint256 constant MAX_LEVERAGE = 100e18;
uint256 constant MIN_BREAKER_MOVE = 0.01e18;
uint256 constant MAX_BREAKER_MOVE = 0.5e18;
uint256 constant MIN_BREAKER_WINDOW = 5 minutes;
uint256 constant MAX_BREAKER_WINDOW = 1 days;

/// @title MarketParamsValidator
/// @notice The hard bounds of a market's parameters and tiers, and the liquidation-impact bound that ties them.
/// @dev Stateless. The trading engine deploys it from its constructor and calls it only from admin functions, so
///      this code is not part of the engine's runtime code (which must stay under the 24 KB limit). It reverts with
///      IMarketConfig's errors, so callers see the same errors as from the engine itself.
contract MarketParamsValidator {
    /// @notice A new market: its parameters, its tiers and the liquidation-impact bound between them.
    /// @param p The parameters.
    /// @param tiers The notional tiers.
    function validateMarket(MarketParams calldata p, Tier[] calldata tiers) external pure {
        _validateParams(p);
        _requireImpactCovered(p.maxPremium, p.maxOpenInterest, p.skewScale, _validateTiers(tiers));
    }

    /// @notice New parameters for a market whose tiers' lowest mmr is `minMmr`.
    /// @param p The parameters.
    /// @param minMmr The lowest mmr of the market's current tiers.
    function validateParams(MarketParams calldata p, uint256 minMmr) external pure {
        _validateParams(p);
        _requireImpactCovered(p.maxPremium, p.maxOpenInterest, p.skewScale, minMmr);
    }

    /// @notice New tiers for a market with the given current parameters.
    /// @param tiers The notional tiers.
    /// @param maxPremium The market's cap on |premium|.
    /// @param maxOpenInterest The market's open-interest cap per side.
    /// @param skewScale The market's skew scale.
    function validateTiers(Tier[] calldata tiers, uint256 maxPremium, uint256 maxOpenInterest, uint256 skewScale)
        external
        pure
    {
        _requireImpactCovered(maxPremium, maxOpenInterest, skewScale, _validateTiers(tiers));
    }

    /// @notice Circuit-breaker thresholds: maxOracleMove in [1 %, 50 %], window in [5 min, 1 day], maxFundingRate
    ///         (hourly) in (0, 10 %].
    /// @param b The thresholds.
    function validateBreaker(BreakerParams calldata b) external pure {
        _checkBounds("maxOracleMove", b.maxOracleMove, MIN_BREAKER_MOVE, MAX_BREAKER_MOVE);
        _checkBounds("breakerWindow", b.window, MIN_BREAKER_WINDOW, MAX_BREAKER_WINDOW);
        _checkBounds("breakerFundingRate", b.maxFundingRate, 1, MAX_FUNDING_RATE_CAP);
    }

    /// @dev Every parameter within its hard bound.
    function _validateParams(MarketParams calldata p) private pure {
        if (address(p.oracle) == address(0)) revert IMarketConfig.ZeroOracle();
        _checkBounds("fairTau", p.fairTau, 0, MAX_FAIR_TAU);
        _checkBounds("maxPremium", p.maxPremium, 0, MAX_PREMIUM_CAP);
        _checkBounds("skewScale", p.skewScale, MIN_SKEW_SCALE, MAX_SKEW_SCALE);
        _checkBounds("maxOpenInterest", p.maxOpenInterest, 1, MAX_SIZE_CAP);
        _checkBounds("maxSkew", p.maxSkew, 1, p.maxOpenInterest);
        _checkBounds("minPositionMargin", p.minPositionMargin, 0, MAX_MIN_POSITION_MARGIN);
        _checkBounds("makerFee", p.makerFee, 0, MAX_FEE);
        _checkBounds("takerFee", p.takerFee, 0, MAX_FEE);
        _checkBounds("fundingInterest", p.fundingInterest, 0, MAX_FUNDING_INTEREST);
        _checkBounds("fundingClamp", p.fundingClamp, 0, MAX_FUNDING_CLAMP);
        _checkBounds("maxFundingRate", p.maxFundingRate, 1, MAX_FUNDING_RATE_CAP);
    }

    /// @dev 1 to 8 tiers, strictly increasing in notional, leverage and mmr in bounds; returns the lowest mmr.
    function _validateTiers(Tier[] calldata tiers) private pure returns (uint256 minMmr) {
        if (tiers.length == 0 || tiers.length > MAX_TIERS) revert IMarketConfig.InvalidTier(tiers.length);
        uint256 previousUpTo;
        minMmr = type(uint256).max;
        for (uint256 i; i < tiers.length; ++i) {
            Tier calldata t = tiers[i];
            if (t.upToNotional <= previousUpTo) revert IMarketConfig.InvalidTier(i);
            _checkBounds("maxLeverage", t.maxLeverage, MIN_LEVERAGE, MAX_LEVERAGE);
            // mmr < 1 / maxLeverage  ⟺  mmr × maxLeverage < 1e36; the largest such mmr is (1e36 − 1) / maxLeverage.
            _checkBounds("mmr", t.mmr, 1, (1e36 - 1) / t.maxLeverage);
            if (t.mmr < minMmr) minMmr = t.mmr;
            previousUpTo = t.upToNotional;
        }
    }

    /// @dev A close of size q moves the premium by at most min(q / skewScale, 2 × maxPremium) (the premium is
    ///      clamped to ±maxPremium) and fills at the average premium before and after, so it realises at most half
    ///      of that below the mark the account was valued at; q is at most maxOpenInterest (one side's open
    ///      interest). That impact must fit in the maintenance margin, else liquidating an account just below
    ///      maintenance creates bad debt that its owner's other account collects (thin-market self-liquidation).
    function _requireImpactCovered(uint256 maxPremium, uint256 maxOpenInterest, uint256 skewScale, uint256 minMmr)
        private
        pure
    {
        // min(maxPremium, ⌈maxOpenInterest / (2 × skewScale)⌉) > minMmr, without dividing. Validated bounds keep the
        // products below 2^256: maxOpenInterest, skewScale ≤ 1e36 and mmr < 1e18.
        unchecked {
            uint256 doubleScale = 2 * skewScale;
            if (maxPremium > minMmr && maxOpenInterest * 1e18 > doubleScale * minMmr) {
                uint256 byOpenInterest = (maxOpenInterest * 1e18 - 1) / doubleScale + 1;
                revert IMarketConfig.LiquidationImpactAboveMaintenance(
                    maxPremium < byOpenInterest ? maxPremium : byOpenInterest, minMmr
                );
            }
        }
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert IMarketConfig.ParameterOutOfBounds(name, value, min, max);
    }
}
