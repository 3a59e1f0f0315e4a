// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ParameterOutOfBounds} from "../interfaces/CommonErrors.sol";
import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {BreakerParams, MarketParams, NotionalTier} from "../interfaces/PerpTypes.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {FundingMath} from "../libraries/FundingMath.sol";
import {PricingMath} from "../libraries/PricingMath.sol";

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
/// @dev The oracle kind the engine refuses to list (SPEC §7 kind 3, market hours): its index jumps at every session
///      open by a move traders can see coming, and nothing bounds trading into that jump yet.
uint8 constant MARKET_HOURS_KIND = 3;

/// @title MarketParamsValidator
/// @notice The hard bounds of a market's parameters and tiers, and the liquidation-impact bound that ties them.
/// @dev Stateless. The trading engine deploys it from its constructor and calls it only from admin functions, so
///      this code is not part of the engine's runtime code (which must stay under the 24 KB limit). It reverts with
///      IMarketConfig's errors and the shared `ParameterOutOfBounds`, so callers see the same errors as from the engine
///      itself.
contract MarketParamsValidator {
    /// @notice A new market: its parameters, its tiers and the liquidation-impact bound between them.
    /// @param p The parameters.
    /// @param tiers The notional tiers.
    /// @return rateAtMaxSkew The largest |hourly funding rate| at a skew of ±maxSkew: the funding breaker's band may
    ///         not be below it (see `validateBreaker`).
    function validateMarket(MarketParams calldata p, NotionalTier[] calldata tiers)
        external
        pure
        returns (uint256 rateAtMaxSkew)
    {
        _validateParams(p);
        _requireImpactCovered(p.maxPremium, p.maxOpenInterest, p.skewScale, _validateTiers(tiers));
        return fundingRateAtMaxSkew(p);
    }

    /// @notice New parameters for a market whose tiers' lowest mmr is `minMmr` and whose funding breaker band is
    ///         `band`.
    /// @param p The parameters.
    /// @param minMmr The lowest mmr of the market's current tiers.
    /// @param band The market's funding breaker band (hourly).
    function validateParams(MarketParams calldata p, uint256 minMmr, uint256 band) external pure {
        _validateParams(p);
        _requireImpactCovered(p.maxPremium, p.maxOpenInterest, p.skewScale, minMmr);
        _requireBandCoversMaxSkew(band, fundingRateAtMaxSkew(p));
    }

    /// @notice An oracle adapter the engine may price a market with: it answers now, and it is not of the market-hours
    ///         kind (refused until trading into its session-open jump is bounded; see docs/DESIGN.md).
    /// @param oracle The adapter.
    /// @return price Its current price, 18 decimals.
    function validateOracle(IOracleAdapter oracle) external view returns (uint256 price) {
        if (address(oracle) == address(0)) revert IMarketConfig.ZeroOracle();
        uint8 kind = oracle.kind();
        if (kind == MARKET_HOURS_KIND) revert IMarketConfig.OracleKindNotListable(kind);
        return oracle.price();
    }

    /// @notice The largest |hourly funding rate| the market's parameters give at a skew of +maxSkew or −maxSkew.
    /// @dev The funding breaker judges the rate after a trade that increases |skew|, so its band is a cap on the skew
    ///      opens can reach; keeping the band at or above this rate makes maxSkew that cap, as the admin set it.
    /// @param p The parameters.
    function fundingRateAtMaxSkew(MarketParams calldata p) public pure returns (uint256) {
        int256 interest = int256(uint256(p.fundingInterest));
        int256 skew = int256(uint256(p.maxSkew));
        uint256 up = FixedPointMath.abs(
            FundingMath.fundingRate(
                PricingMath.premium(skew, p.skewScale, p.maxPremium), interest, p.fundingClamp, p.maxFundingRate
            )
        );
        uint256 down = FixedPointMath.abs(
            FundingMath.fundingRate(
                PricingMath.premium(-skew, p.skewScale, p.maxPremium), interest, p.fundingClamp, p.maxFundingRate
            )
        );
        return up > down ? up : down;
    }

    /// @notice New tiers for a market with the given current parameters.
    /// @param tiers The notional tiers.
    /// @param maxPremium The market's cap on |premium|.
    /// @param maxOpenInterest The market's open-interest cap per side.
    /// @param skewScale The market's skew scale.
    function validateTiers(
        NotionalTier[] calldata tiers,
        uint256 maxPremium,
        uint256 maxOpenInterest,
        uint256 skewScale
    ) external pure {
        _requireImpactCovered(maxPremium, maxOpenInterest, skewScale, _validateTiers(tiers));
    }

    /// @notice Circuit-breaker thresholds: maxOracleMove in [1 %, 50 %], window in [5 min, 1 day], maxFundingRate
    ///         (hourly) in (0, 10 %] and at least the market's rate at ±maxSkew.
    /// @param b The thresholds.
    /// @param rateAtMaxSkew The market's `fundingRateAtMaxSkew`.
    function validateBreaker(BreakerParams calldata b, uint256 rateAtMaxSkew) external pure {
        _checkBounds("maxOracleMove", b.maxOracleMove, MIN_BREAKER_MOVE, MAX_BREAKER_MOVE);
        _checkBounds("breakerWindow", b.window, MIN_BREAKER_WINDOW, MAX_BREAKER_WINDOW);
        _checkBounds("breakerFundingRate", b.maxFundingRate, 1, MAX_FUNDING_RATE_CAP);
        _requireBandCoversMaxSkew(b.maxFundingRate, rateAtMaxSkew);
    }

    function _requireBandCoversMaxSkew(uint256 band, uint256 rateAtMaxSkew) private pure {
        if (band < rateAtMaxSkew) revert IMarketConfig.FundingBandBelowMaxSkewRate(band, rateAtMaxSkew);
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
    function _validateTiers(NotionalTier[] calldata tiers) private pure returns (uint256 minMmr) {
        if (tiers.length == 0 || tiers.length > MAX_TIERS) revert IMarketConfig.InvalidTier(tiers.length);
        uint256 previousUpTo;
        minMmr = type(uint256).max;
        for (uint256 i; i < tiers.length; ++i) {
            NotionalTier calldata t = tiers[i];
            if (t.upToNotional <= previousUpTo) revert IMarketConfig.InvalidTier(i);
            _checkBounds("maxLeverage", t.maxLeverage, MIN_LEVERAGE, MAX_LEVERAGE);
            // mmr < 1 / maxLeverage  ⟺  mmr × maxLeverage < 1e36; the largest such mmr is (1e36 − 1) / maxLeverage.
            _checkBounds("mmr", t.mmr, 1, (1e36 - 1) / t.maxLeverage);
            if (t.mmr < minMmr) minMmr = t.mmr;
            previousUpTo = t.upToNotional;
        }
    }

    /// @dev A close of size q fills at the average premium over the skew path it walks, at most min(q / (2 ×
    ///      skewScale), 2 × maxPremium) below the premium it starts from (the linear part costs q / (2 × skewScale);
    ///      a path from +maxPremium deep into the flat −maxPremium part approaches 2 × maxPremium), and q is at most
    ///      maxOpenInterest (one side's open interest). That impact must fit in the maintenance margin, else
    ///      liquidating an account just below maintenance creates bad debt that its owner's other account collects
    ///      (thin-market self-liquidation). Forced closes are also bounded to this own impact measured from the fair
    ///      premium, so the bound covers them whatever the live skew.
    function _requireImpactCovered(uint256 maxPremium, uint256 maxOpenInterest, uint256 skewScale, uint256 minMmr)
        private
        pure
    {
        // min(2 × maxPremium, ⌈maxOpenInterest / (2 × skewScale)⌉) > minMmr, without dividing. Validated bounds keep
        // the products below 2^256: maxOpenInterest, skewScale ≤ 1e36 and mmr < 1e18.
        unchecked {
            uint256 doubleScale = 2 * skewScale;
            uint256 flat = 2 * maxPremium;
            if (flat > minMmr && maxOpenInterest * 1e18 > doubleScale * minMmr) {
                uint256 byOpenInterest = (maxOpenInterest * 1e18 - 1) / doubleScale + 1;
                revert IMarketConfig.LiquidationImpactAboveMaintenance(
                    flat < byOpenInterest ? flat : byOpenInterest, minMmr
                );
            }
        }
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }
}
