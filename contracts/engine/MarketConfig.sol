// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {MarketParams, MarketState, Tier} from "../interfaces/PerpTypes.sol";
import {MAX_TIERS, MarketParamsValidator} from "./MarketParamsValidator.sol";

/// @title MarketConfig
/// @notice Market listing and risk parameters with hard bounds; the trading engine inherits it.
/// @dev Every bound is a constant in MarketParamsValidator (and docs/DESIGN.md). Parameter changes call `_beforeMarketUpdate` so
///      the engine accrues funding and the fair price at the old parameters first.
abstract contract MarketConfig is IMarketConfig, Ownable2Step {
    /// @dev Market ids 0–254: an account's market list stores id + 1 in one byte (see MarketList), and key 255 of
    ///      an account's positions is its home record.
    uint256 internal constant MAX_MARKETS = 255;
    uint256 internal constant MAX_POSITIONS_HARD_CAP = 16;


    /// @dev Read together on every trade, so kept in one slot.
    /// @param insuranceFeeShare Share of each trading fee owed to the insurance fund, 18 decimals.
    /// @param pendingInsuranceFees That share, accrued and not yet swept to the fund, USD (it sits in the liquidity
    ///        vault's account until `sweepInsuranceFees`).
    struct Globals {
        uint64 marketCount;
        uint8 maxPositionsPerAccount;
        bool globalPaused;
        uint64 insuranceFeeShare;
        uint112 pendingInsuranceFees;
    }

    /// @dev A market's parameters as stored: the fields of MarketParams, then the circuit-breaker thresholds
    ///      (BreakerParams, set by CircuitBreakers) in the free part of the slot that holds maxFundingRate, so a
    ///      trade reads them with the slots it reads anyway.
    struct StoredParams {
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
        uint64 breakerMaxOracleMove;
        uint64 breakerMaxFundingRate;
        uint32 breakerWindow;
    }

    /// @dev The parameter and tier bounds, deployed by this contract's constructor (its code counts against the
    ///      constructor's size, not the engine's runtime code) and called only by admin functions.
    MarketParamsValidator internal immutable _validator = new MarketParamsValidator();

    Globals internal _globals = Globals({
        marketCount: 0,
        maxPositionsPerAccount: 8,
        globalPaused: false,
        insuranceFeeShare: 0,
        pendingInsuranceFees: 0
    });
    mapping(uint256 marketId => bytes32) private _symbols;
    mapping(uint256 marketId => StoredParams) internal _params;
    /// @dev A market's tiers in order, then empty entries: every listed tier has upToNotional ≥ 1, so the first
    ///      entry with upToNotional 0 ends the list and reading a tier needs no separate length slot.
    mapping(uint256 marketId => Tier[MAX_TIERS]) internal _tiers;
    /// @dev Running state of each market (kept here so the pause flag shares its slot).
    mapping(uint256 marketId => MarketState) internal _state;

    /// @inheritdoc IMarketConfig
    function listMarket(bytes32 symbol, MarketParams calldata params, Tier[] calldata tiers)
        external
        onlyOwner
        returns (uint256 marketId)
    {
        marketId = _globals.marketCount;
        if (marketId >= MAX_MARKETS) revert TooManyMarkets(MAX_MARKETS);
        _validator.validateMarket(params, tiers);
        _globals.marketCount = uint64(marketId + 1);
        _symbols[marketId] = symbol;
        _storeParams(marketId, params);
        _storeTiers(marketId, tiers);
        _afterMarketListed(marketId);
        emit MarketListed(marketId, symbol, address(params.oracle));
        emit MarketParamsSet(marketId, params);
        emit MarketTiersSet(marketId, tiers);
    }

    /// @inheritdoc IMarketConfig
    function setMarketParams(uint256 marketId, MarketParams calldata params) external onlyOwner {
        _requireMarket(marketId);
        _validator.validateParams(params, _minMmr(_tiers[marketId]));
        _beforeMarketUpdate(marketId);
        _storeParams(marketId, params);
        emit MarketParamsSet(marketId, params);
    }

    /// @inheritdoc IMarketConfig
    function setMarketTiers(uint256 marketId, Tier[] calldata tiers) external onlyOwner {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        _validator.validateTiers(tiers, p.maxPremium, p.maxOpenInterest, p.skewScale);
        _storeTiers(marketId, tiers);
        emit MarketTiersSet(marketId, tiers);
    }

    /// @inheritdoc IMarketConfig
    function setMarketPaused(uint256 marketId, bool paused) external onlyOwner {
        _requireMarket(marketId);
        _state[marketId].paused = paused;
        emit MarketPausedSet(marketId, paused);
    }

    /// @inheritdoc IMarketConfig
    function setGlobalPaused(bool paused) external onlyOwner {
        _globals.globalPaused = paused;
        emit GlobalPausedSet(paused);
    }

    /// @inheritdoc IMarketConfig
    function setMaxPositionsPerAccount(uint256 maxPositions) external onlyOwner {
        _checkBounds("maxPositionsPerAccount", maxPositions, 1, MAX_POSITIONS_HARD_CAP);
        _globals.maxPositionsPerAccount = uint8(maxPositions);
        emit MaxPositionsPerAccountSet(maxPositions);
    }

    /// @inheritdoc IMarketConfig
    function marketCount() external view returns (uint256) {
        return _globals.marketCount;
    }

    /// @inheritdoc IMarketConfig
    function marketSymbol(uint256 marketId) external view returns (bytes32) {
        _requireMarket(marketId);
        return _symbols[marketId];
    }

    /// @inheritdoc IMarketConfig
    function marketParams(uint256 marketId) external view returns (MarketParams memory) {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        return MarketParams(
            p.oracle,
            p.fairTau,
            p.maxPremium,
            p.skewScale,
            p.maxSkew,
            p.maxOpenInterest,
            p.minPositionMargin,
            p.makerFee,
            p.takerFee,
            p.fundingInterest,
            p.fundingClamp,
            p.maxFundingRate
        );
    }

    /// @inheritdoc IMarketConfig
    function marketTiers(uint256 marketId) external view returns (Tier[] memory) {
        _requireMarket(marketId);
        return _tierList(marketId);
    }

    /// @inheritdoc IMarketConfig
    function isReduceOnly(uint256 marketId) public view returns (bool) {
        return _globals.globalPaused || _state[marketId].paused;
    }

    /// @inheritdoc IMarketConfig
    function maxPositionsPerAccount() public view returns (uint256) {
        return _globals.maxPositionsPerAccount;
    }

    // ------------------------------------------------------------------ hooks

    /// @dev Called before a listed market's parameters change.
    function _beforeMarketUpdate(uint256 marketId) internal virtual;

    /// @dev Called when a market is listed.
    function _afterMarketListed(uint256 marketId) internal virtual;

    // ------------------------------------------------------------------ internal

    function _requireMarket(uint256 marketId) internal view {
        if (marketId >= _globals.marketCount) revert UnknownMarket(marketId);
    }

    /// @dev Stores validated parameters, leaving the breaker thresholds that share their last slot as they are.
    function _storeParams(uint256 marketId, MarketParams calldata params) private {
        StoredParams storage p = _params[marketId];
        p.oracle = params.oracle;
        p.fairTau = params.fairTau;
        p.maxPremium = params.maxPremium;
        p.skewScale = params.skewScale;
        p.maxSkew = params.maxSkew;
        p.maxOpenInterest = params.maxOpenInterest;
        p.minPositionMargin = params.minPositionMargin;
        p.makerFee = params.makerFee;
        p.takerFee = params.takerFee;
        p.fundingInterest = params.fundingInterest;
        p.fundingClamp = params.fundingClamp;
        p.maxFundingRate = params.maxFundingRate;
    }

    /// @dev A market's tiers, as stored (see `_tiers`).
    function _tierList(uint256 marketId) internal view returns (Tier[] memory tiers) {
        Tier[MAX_TIERS] storage stored = _tiers[marketId];
        uint256 n;
        while (n < MAX_TIERS && stored[n].upToNotional != 0) ++n;
        tiers = new Tier[](n);
        for (uint256 i; i < n; ++i) {
            tiers[i] = stored[i];
        }
    }

    /// @dev Stores validated tiers and clears the entries a longer previous list left behind.
    function _storeTiers(uint256 marketId, Tier[] calldata tiers) private {
        Tier[MAX_TIERS] storage stored = _tiers[marketId];
        uint256 i;
        for (; i < tiers.length; ++i) {
            stored[i] = tiers[i];
        }
        for (; i < MAX_TIERS && stored[i].upToNotional != 0; ++i) {
            delete stored[i];
        }
    }

    function _minMmr(Tier[MAX_TIERS] storage tiers) private view returns (uint256 minMmr) {
        minMmr = type(uint256).max;
        for (uint256 i; i < MAX_TIERS && tiers[i].upToNotional != 0; ++i) {
            if (tiers[i].mmr < minMmr) minMmr = tiers[i].mmr;
        }
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }
}
