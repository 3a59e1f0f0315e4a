// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FairPriceMath} from "../libraries/FairPriceMath.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {NotionalTier} from "../interfaces/PerpTypes.sol";
import {FundingMath} from "../libraries/FundingMath.sol";
import {LiquidationPriceSearch} from "../libraries/LiquidationPriceSearch.sol";
import {MarginMath} from "../libraries/MarginMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {PricingMath} from "../libraries/PricingMath.sol";
import {TokenUnits} from "../libraries/TokenUnits.sol";

/// @title MathHarness
/// @notice Test-only: exposes every function of the math libraries as an external pure function, so the Solidity
///         tests can call them (and expect reverts) and the SDK parity test can compare them with the TypeScript
///         mirror. `tryBatch` evaluates many encoded calls in one `eth_call`.
/// @dev Each wrapper forwards its arguments unchanged; no logic lives here.
contract MathHarness {
    // ------------------------------------------------------------------ FixedPointMath

    function mulDivDown(uint256 a, uint256 b, uint256 d) external pure returns (uint256) {
        return FixedPointMath.mulDivDown(a, b, d);
    }

    function mulDivUp(uint256 a, uint256 b, uint256 d) external pure returns (uint256) {
        return FixedPointMath.mulDivUp(a, b, d);
    }

    function mulDivFloor(int256 a, int256 b, uint256 d) external pure returns (int256) {
        return FixedPointMath.mulDivFloor(a, b, d);
    }

    function mulDivCeil(int256 a, int256 b, uint256 d) external pure returns (int256) {
        return FixedPointMath.mulDivCeil(a, b, d);
    }

    function mulDivTrunc(int256 a, int256 b, uint256 d) external pure returns (int256) {
        return FixedPointMath.mulDivTrunc(a, b, d);
    }

    function abs(int256 x) external pure returns (uint256) {
        return FixedPointMath.abs(x);
    }

    function clamp(int256 x, int256 lo, int256 hi) external pure returns (int256) {
        return FixedPointMath.clamp(x, lo, hi);
    }

    // ------------------------------------------------------------------ PricingMath

    function premium(int256 skew, uint256 skewScale, uint256 maxPremium) external pure returns (int256) {
        return PricingMath.premium(skew, skewScale, maxPremium);
    }

    function markPriceDown(uint256 oraclePrice, int256 premium_) external pure returns (uint256) {
        return PricingMath.markPriceDown(oraclePrice, premium_);
    }

    function premiumIntegralDown(int256 skew, uint256 skewScale, uint256 maxPremium) external pure returns (uint256) {
        return PricingMath.premiumIntegralDown(skew, skewScale, maxPremium);
    }

    function fillPrice(uint256 oraclePrice, int256 skew, int256 delta, uint256 skewScale, uint256 maxPremium)
        external
        pure
        returns (uint256)
    {
        return PricingMath.fillPrice(oraclePrice, skew, delta, skewScale, maxPremium);
    }

    function netExitValueCeil(uint256 oraclePrice, int256 skew, uint256 skewScale, uint256 maxPremium)
        external
        pure
        returns (int256)
    {
        return PricingMath.netExitValueCeil(oraclePrice, skew, skewScale, maxPremium);
    }

    function fitForcedClose(
        uint256 oraclePrice,
        int256 skew,
        int256 delta,
        uint256 boundPrice,
        uint256 skewScale,
        uint256 maxPremium
    ) external pure returns (uint256) {
        return PricingMath.fitForcedClose(oraclePrice, skew, delta, boundPrice, skewScale, maxPremium);
    }

    function tradeFeeUp(int256 skew, int256 delta, uint256 fill, uint256 makerFee, uint256 takerFee)
        external
        pure
        returns (uint256)
    {
        return PricingMath.tradeFeeUp(skew, delta, fill, makerFee, takerFee);
    }

    // ------------------------------------------------------------------ FundingMath

    function fundingRate(int256 premium_, int256 interest, uint256 clampC, uint256 maxRate)
        external
        pure
        returns (int256)
    {
        return FundingMath.fundingRate(premium_, interest, clampC, maxRate);
    }

    function annualised(int256 hourlyRate) external pure returns (int256) {
        return FundingMath.annualised(hourlyRate);
    }

    function indexDelta(int256 rate, uint256 oraclePrice, uint256 elapsed) external pure returns (int256) {
        return FundingMath.indexDelta(rate, oraclePrice, elapsed);
    }

    function owedCeil(int256 size, int256 deltaIndex) external pure returns (int256) {
        return FundingMath.owedCeil(size, deltaIndex);
    }

    // ------------------------------------------------------------------ FairPriceMath

    function decayWeightDown(uint256 elapsed, uint256 tau) external pure returns (uint256) {
        return FairPriceMath.decayWeightDown(elapsed, tau);
    }

    function fairPrice(uint256 mark, uint256 fairLast, uint256 elapsed, uint256 tau) external pure returns (uint256) {
        return FairPriceMath.fairPrice(mark, fairLast, elapsed, tau);
    }

    function premiumWeightDown(uint256 elapsed, uint256 tau) external pure returns (uint256) {
        return FairPriceMath.premiumWeightDown(elapsed, tau);
    }

    function fairPremium(int256 last, int256 premium_, uint256 elapsed, uint256 tau, uint256 maxDriftPerHour)
        external
        pure
        returns (int256)
    {
        return FairPriceMath.fairPremium(last, premium_, elapsed, tau, maxDriftPerHour);
    }

    // ------------------------------------------------------------------ PositionMath

    function pnlFloor(int256 size, int256 openNotional, uint256 price) external pure returns (int256) {
        return PositionMath.pnlFloor(size, openNotional, price);
    }

    function applyTrade(int256 size, int256 openNotional, int256 delta, uint256 fill)
        external
        pure
        returns (int256 newSize, int256 newOpenNotional, int256 realisedPnl)
    {
        return PositionMath.applyTrade(size, openNotional, delta, fill);
    }

    // ------------------------------------------------------------------ MarginMath

    function notionalUp(int256 size, uint256 price) external pure returns (uint256) {
        return MarginMath.notionalUp(size, price);
    }

    function initialMarginUp(uint256 notional, uint256 maxLeverage) external pure returns (uint256) {
        return MarginMath.initialMarginUp(notional, maxLeverage);
    }

    function maintenanceMarginUp(uint256 notional, uint256 mmr) external pure returns (uint256) {
        return MarginMath.maintenanceMarginUp(notional, mmr);
    }

    // ------------------------------------------------------------------ LiquidationPriceSearch

    function liquidationPriceSearch(int256 base, int256 size, NotionalTier[] memory tiers)
        external
        pure
        returns (uint256)
    {
        return LiquidationPriceSearch.search(base, size, tiers);
    }

    function maintenanceAt(int256 base, int256 size, NotionalTier[] memory tiers, uint256 price)
        external
        pure
        returns (int256)
    {
        return LiquidationPriceSearch.maintenanceAt(base, size, tiers, price);
    }

    // ------------------------------------------------------------------ TokenUnits

    function toUsd(uint256 tokenAmount) external pure returns (uint256) {
        return TokenUnits.toUsd(tokenAmount);
    }

    function toTokenDown(uint256 usdAmount) external pure returns (uint256) {
        return TokenUnits.toTokenDown(usdAmount);
    }

    function toTokenUp(uint256 usdAmount) external pure returns (uint256) {
        return TokenUnits.toTokenUp(usdAmount);
    }

    // ------------------------------------------------------------------ batching

    /// @notice Runs each ABI-encoded call against this contract with `staticcall`; a reverting call does not stop
    ///         the batch. `ok[i]` says whether call i succeeded, `results[i]` holds its return or revert data.
    function tryBatch(bytes[] calldata calls) external view returns (bool[] memory ok, bytes[] memory results) {
        ok = new bool[](calls.length);
        results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (ok[i], results[i]) = address(this).staticcall(calls[i]);
        }
    }
}
