// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "./IOracleAdapter.sol";

/// @notice One notional tier of a market: positions whose notional is ≤ `upToNotional` (and above the
///         previous tier's) use this tier's leverage and maintenance margin rate. A tier of a position's notional in
///         one market, not of an account.
/// @param upToNotional 18-decimal USD, strictly increasing across tiers.
/// @param maxLeverage 18 decimals (20e18 = 20x); IM = notional / maxLeverage.
/// @param mmr Maintenance margin rate, 18 decimals; mmr < 1 / maxLeverage.
struct NotionalTier {
    uint96 upToNotional;
    uint96 maxLeverage;
    uint64 mmr;
}

/// @notice A market's risk and pricing parameters (SPEC §3–5), set by the admin within hard bounds.
/// @param oracle Index price source.
/// @param fairTau EMA time constant of the fair price, seconds (0: fair = mark).
/// @param maxPremium Cap on |premium|, 18 decimals.
/// @param skewScale Size at which premium reaches 100 %, 18 decimals.
/// @param maxSkew Cap on |skew| after a trade that increases it, size units.
/// @param maxOpenInterest Cap on each side's open interest after a trade that increases it, size units.
/// @param minPositionMargin Smallest initial margin a position may be opened or increased to, USD.
/// @param makerFee Fee rate on the part of a trade that reduces |skew|.
/// @param takerFee Fee rate on the part of a trade that increases |skew|.
/// @param fundingInterest Interest component of the hourly funding rate.
/// @param fundingClamp Clamp c on (interest − premium), hourly.
/// @param maxFundingRate Cap on |hourly funding rate|.
struct MarketParams {
    IOracleAdapter oracle;
    uint32 fairTau;
    uint64 maxPremium;
    uint128 skewScale;
    uint128 maxSkew;
    uint128 maxOpenInterest;
    uint128 minPositionMargin;
    uint64 makerFee;
    uint64 takerFee;
    uint64 fundingInterest;
    uint64 fundingClamp;
    uint64 maxFundingRate;
}

/// @notice A market's running state (four storage slots; every accrual writes the second and third, every trade all
///         four).
/// @param skew Σ long size − Σ short size of traders.
/// @param openInterestLong Σ long size (Σ |short size| is openInterestLong − skew).
/// @param lastUpdateTime When funding last accrued and the fair premium last advanced (always together).
/// @param lastFundingRate The hourly rate applied over the most recent accrual.
/// @param fairPremium The fair premium at `lastUpdateTime`: an EMA of the skew premium whose move is capped per
///        second (fair price = oracle × (1 + fairPremium), SPEC §3).
/// @param paused Whether the admin paused the market (reduce-only).
/// @param fundingIndex Cumulative funding per unit of size, USD (18 decimals); a long pays its increase.
/// @param lastOraclePrice The oracle price read by the most recent accrual (0 before the first): the last good
///        price, from which views value a market whose oracle fails at its worst case within the breaker band.
/// @param sumOpenNotional Σ openNotional of traders' positions (for the liquidity vault's valuation).
/// @param sumFundingBasis Σ ceil(size × lastFundingIndex) of traders' positions, USD: with skew × index it gives
///        the funding traders have not settled (rounded so the liquidity vault never overstates it).
struct MarketState {
    int128 skew;
    uint128 openInterestLong;
    uint48 lastUpdateTime;
    int64 lastFundingRate;
    int64 fairPremium;
    bool paused;
    int128 fundingIndex;
    uint128 lastOraclePrice;
    int128 sumOpenNotional;
    int128 sumFundingBasis;
}

/// @notice One account's position in one market.
/// @param size Signed size, 18 decimals (positive long).
/// @param openNotional Cost basis of the open size, USD (entry price = openNotional / size).
/// @param lastFundingIndex The market's funding index when funding was last settled into collateral.
struct Position {
    int128 size;
    int128 openNotional;
    int128 lastFundingIndex;
}

/// @notice A market's prices and funding, as shown by views and the SDK.
/// @dev fairPrice = oracle × (1 + fairPremium), the price liquidation is judged at.
struct MarketPrices {
    uint256 oraclePrice;
    uint256 markPrice;
    uint256 fairPrice;
    int256 premium;
    int256 fairPremium;
    int256 lastFundingRate;
    int256 currentFundingRate;
    int256 annualisedFundingRate;
    int256 fundingIndex;
    int256 skew;
    uint256 openInterestLong;
    uint256 openInterestShort;
}

/// @notice An account's margin summary (SPEC §5), all 18-decimal USD: what `accountMargin` and `accountMarginAtFair`
///         return (computed by the engine's `AccountMargin` code).
/// @param collateral Collateral in the vault (signed).
/// @param equity collateral + Σ unrealised PnL − Σ unsettled funding owed (PnL at fair prices for the liquidation
///        trigger; at each position's worse of exit and fair price for what is credited: opening, withdrawing).
/// @param initialMargin Σ IM of positions.
/// @param maintenanceMargin Σ MM of positions.
/// @param marginUtilisation Σ MM / equity, 18 decimals (type(uint256).max when equity ≤ 0 with open positions).
/// @param withdrawable max(0, min(collateral, equity − Σ IM)).
struct MarginSummary {
    int256 collateral;
    int256 equity;
    uint256 initialMargin;
    uint256 maintenanceMargin;
    uint256 marginUtilisation;
    uint256 withdrawable;
}

/// @notice A market's circuit-breaker thresholds (SPEC §9).
/// @param maxOracleMove Largest |oracle − reference| / reference before the market goes reduce-only, 18 decimals.
/// @param maxFundingRate Largest |hourly funding rate| before the market goes reduce-only, 18 decimals.
/// @param window Time constant of the reference price (an EMA of the oracle price), seconds.
struct BreakerParams {
    uint64 maxOracleMove;
    uint64 maxFundingRate;
    uint32 window;
}

/// @notice The slow reference price the oracle-move breaker compares against.
struct BreakerState {
    uint128 referencePrice;
    uint48 referenceTime;
}
