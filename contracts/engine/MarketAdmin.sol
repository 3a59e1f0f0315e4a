// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {BreakerParams, MarketParams, MarketState, Tier} from "../interfaces/PerpTypes.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {MarketAccrual} from "../libraries/MarketAccrual.sol";
import {MAX_TIERS, MarketParamsValidator} from "./MarketParamsValidator.sol";
import {MAX_MARKETS, PerpStorage, StoredParams} from "./PerpStorage.sol";

/// @title MarketAdmin
/// @notice Listing markets and replacing their parameters or tiers, run by the trading engine through DELEGATECALL
///         on the engine's own storage (`PerpStorage`), so this code does not count against the engine's 24 KB.
/// @dev Deployed by the engine's constructor; a direct call reverts `NotDelegated`. Each entry point is the engine's
///      (`IMarketConfig`): the engine forwards the call unchanged, and the owner check reads the engine's owner.
contract MarketAdmin is PerpStorage {
    /// @notice Called directly rather than through the engine.
    error NotDelegated();

    /// @dev Defaults from SPEC §9: 15 % within 1 h; funding beyond ±0.5 % per 8 h (0.0625 % per hour).
    uint64 internal constant DEFAULT_MAX_ORACLE_MOVE = 0.15e18;
    uint32 internal constant DEFAULT_BREAKER_WINDOW = 1 hours;
    uint64 internal constant DEFAULT_MAX_BREAKER_FUNDING = 0.000625e18;

    MarketParamsValidator private immutable _validator;
    address private immutable _self = address(this);

    /// @param validator_ The engine's parameter validator.
    constructor(MarketParamsValidator validator_) Ownable(msg.sender) {
        _validator = validator_;
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    /// @notice See `IMarketConfig.listMarket`.
    function listMarket(bytes32 symbol, MarketParams calldata params, Tier[] calldata tiers)
        external
        onlyDelegated
        onlyOwner
        returns (uint256 marketId)
    {
        marketId = _globals.marketCount;
        if (marketId >= MAX_MARKETS) revert IMarketConfig.TooManyMarkets(MAX_MARKETS);
        uint256 rateAtMaxSkew = _validator.validateMarket(params, tiers);
        uint256 oraclePrice = _validator.validateOracle(params.oracle);
        _globals.marketCount = uint64(marketId + 1);
        _symbols[marketId] = symbol;
        _storeParams(marketId, params);
        _storeTiers(marketId, tiers);
        MarketState storage s = _state[marketId];
        s.lastUpdateTime = uint48(block.timestamp);
        s.lastOraclePrice = uint128(oraclePrice);
        BreakerParams memory breaker = BreakerParams({
            maxOracleMove: DEFAULT_MAX_ORACLE_MOVE,
            window: DEFAULT_BREAKER_WINDOW,
            // The band never caps the skew below maxSkew (see MarketParamsValidator.fundingRateAtMaxSkew).
            maxFundingRate: rateAtMaxSkew > DEFAULT_MAX_BREAKER_FUNDING ? uint64(rateAtMaxSkew) : DEFAULT_MAX_BREAKER_FUNDING
        });
        StoredParams storage p = _params[marketId];
        p.breakerMaxOracleMove = breaker.maxOracleMove;
        p.breakerMaxFundingRate = breaker.maxFundingRate;
        p.breakerWindow = breaker.window;
        MarketAccrual.anchor(_breakerState[marketId], oraclePrice);
        emit IMarketConfig.MarketListed(marketId, symbol, address(params.oracle));
        emit IMarketConfig.MarketParamsSet(marketId, params);
        emit IMarketConfig.MarketTiersSet(marketId, tiers);
        emit IPerpEngine.CircuitBreakerSet(marketId, breaker);
    }

    /// @notice See `IMarketConfig.setMarketParams`.
    function setMarketParams(uint256 marketId, MarketParams calldata params) external onlyDelegated onlyOwner {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        _validator.validateParams(params, _minMmr(_tiers[marketId]), p.breakerMaxFundingRate);
        IOracleAdapter previous = p.oracle;
        uint256 newOraclePrice = params.oracle == previous ? 0 : _validator.validateOracle(params.oracle);
        _accrueBeforeUpdate(marketId, p);
        _storeParams(marketId, params);
        if (newOraclePrice != 0) {
            // The new oracle's price becomes the last good price and re-anchors the oracle-move breaker.
            _state[marketId].lastOraclePrice = uint128(newOraclePrice);
            MarketAccrual.anchor(_breakerState[marketId], newOraclePrice);
            emit IPerpEngine.CircuitBreakerReset(marketId, newOraclePrice);
        }
        emit IMarketConfig.MarketParamsSet(marketId, params);
    }

    /// @notice See `IMarketConfig.setMarketTiers`.
    function setMarketTiers(uint256 marketId, Tier[] calldata tiers) external onlyDelegated onlyOwner {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        _validator.validateTiers(tiers, p.maxPremium, p.maxOpenInterest, p.skewScale);
        _storeTiers(marketId, tiers);
        emit IMarketConfig.MarketTiersSet(marketId, tiers);
    }

    // ------------------------------------------------------------------ internal

    function _requireMarket(uint256 marketId) private view {
        if (marketId >= _globals.marketCount) revert IMarketConfig.UnknownMarket(marketId);
    }

    /// @dev Accrues at the old parameters; when the old oracle does not answer (it is being replaced because it died),
    ///      falls back to an accrual without it, so a dead oracle can always be replaced.
    function _accrueBeforeUpdate(uint256 marketId, StoredParams storage p) private {
        MarketState storage s = _state[marketId];
        try p.oracle.price() returns (uint256 oraclePrice) {
            if (oraclePrice != 0) {
                MarketAccrual.accrue(s, p, _breakerState[marketId], marketId, oraclePrice);
                return;
            }
        } catch {}
        MarketAccrual.accrueWithoutOracle(s, p, marketId);
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
}
