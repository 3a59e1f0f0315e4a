// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";

/// @notice The market parameters and notional tiers the fixtures list markets with, each value written once: every
///         parameter set is `ethParams` with the fields that differ overwritten.
abstract contract MarketBuilders {
    /// @dev The local ETH market's maxSkew (deploy/config/local-markets.ts), inside the 0.0625 %/h funding band.
    uint256 internal constant LOCAL_ETH_MAX_SKEW = 680e18;

    /// @dev The engine fixture's ETH market: skewScale 1M ETH, maxPremium 10 %, maxSkew 5,000, maxOpenInterest
    ///      10,000, minimum position margin 10 USD, maker 2 bp, taker 5 bp, SPEC §4 funding (interest 0.00125 %/h,
    ///      clamp 0.00625 %/h, cap 4 %/h), τ 300 s.
    function ethParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p.oracle = oracle;
        p.fairTau = 300;
        p.maxPremium = 0.1e18;
        p.skewScale = 1_000_000e18;
        p.maxSkew = 5_000e18;
        p.maxOpenInterest = 10_000e18;
        p.minPositionMargin = 10e18;
        p.makerFee = 0.0002e18;
        p.takerFee = 0.0005e18;
        p.fundingInterest = 0.0000125e18;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.04e18;
    }

    /// @dev An exact market: `ethParams` without premium, fees, funding interest or minimum margin and with τ = 0, so
    ///      fill = mark = fair = oracle and every number can be worked by hand.
    function exactParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = ethParams(oracle);
        p.maxPremium = 0;
        p.makerFee = 0;
        p.takerFee = 0;
        p.fairTau = 0;
        p.minPositionMargin = 0;
        p.fundingInterest = 0;
    }

    /// @dev `exactParams` with maxSkew and maxOpenInterest at 1e30: no cap binds (the second review's markets).
    function uncappedExactParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = exactParams(oracle);
        p.maxSkew = 1e30;
        p.maxOpenInterest = 1e30;
    }

    /// @dev The local deployment's ETH market (MARKET_DEFAULTS plus the ETH entry of deploy/config/local-markets.ts):
    ///      `ethParams` with maxSkew `LOCAL_ETH_MAX_SKEW` (680) and maxOpenInterest 50,000.
    function localEthParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = ethParams(oracle);
        p.maxSkew = uint128(LOCAL_ETH_MAX_SKEW);
        p.maxOpenInterest = 50_000e18;
    }

    /// @dev The local ETH market as the first security review used it (local-markets.ts at commit 1005906):
    ///      `localEthParams` with maxSkew = maxOpenInterest = 50,000.
    function localEthParamsAsReviewed(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = localEthParams(oracle);
        p.maxSkew = 50_000e18;
    }

    /// @dev The engine fixture's ETH tiers: ≤ 1M USD 20x / mmr 2.5 %, ≤ 5M USD 10x / mmr 5 %.
    function twoTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = cryptoTiers();
        tiers[1].upToNotional = 5_000_000e18;
    }

    /// @dev The local crypto tiers (local-markets.ts): ≤ 1M USD 20x / mmr 2.5 %, ≤ 10M USD 10x / mmr 5 %.
    function cryptoTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](2);
        tiers[0] = NotionalTier({upToNotional: 1_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        tiers[1] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
    }

    /// @dev One tier up to `upTo` USD.
    function oneTier(uint256 upTo, uint256 maxLeverage, uint256 mmr)
        internal
        pure
        returns (NotionalTier[] memory tiers)
    {
        tiers = new NotionalTier[](1);
        tiers[0] = NotionalTier({upToNotional: uint96(upTo), maxLeverage: uint96(maxLeverage), mmr: uint64(mmr)});
    }

    /// @dev One tier up to 10M USD.
    function oneTier(uint256 maxLeverage, uint256 mmr) internal pure returns (NotionalTier[] memory tiers) {
        tiers = oneTier(10_000_000e18, maxLeverage, mmr);
    }
}
