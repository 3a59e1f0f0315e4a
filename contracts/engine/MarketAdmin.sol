// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ParameterOutOfBounds, ZeroAddress} from "../interfaces/CommonErrors.sol";
import {IMarketAdmin} from "../interfaces/IMarketAdmin.sol";
import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {IPerpEngineCore} from "../interfaces/IPerpEngineCore.sol";
import {BreakerParams, MarketParams, MarketPrices, MarketState, NotionalTier} from "../interfaces/PerpTypes.sol";
import {MAX_POSITIONS_PER_ACCOUNT} from "../libraries/Constants.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {FundingMath} from "../libraries/FundingMath.sol";
import {MarketAccrual} from "../libraries/MarketAccrual.sol";
import {PricingMath} from "../libraries/PricingMath.sol";
import {MAX_TIERS, MarketParamsValidator} from "./MarketParamsValidator.sol";
import {MAX_MARKETS, PerpStorage, StoredParams} from "./PerpStorage.sol";

/// @title MarketAdmin
/// @notice The trading engine's admin module (`IMarketAdmin`): listing markets and replacing their parameters or
///         tiers, wiring, pauses, the circuit breakers' settings, and the market views only integrators read. The
///         engine runs it through DELEGATECALL from its fallback on the engine's own storage (`PerpStorage`), so this
///         code does not count against the engine's 24 KB.
/// @dev Deployed by the engine's constructor. Every entry point is the engine's: the engine forwards the calldata
///      unchanged and returns the module's returndata as it is, events come from the engine, and the owner check reads
///      the engine's owner. Called directly, every function that writes reverts `NotDelegated` (the views would read
///      the module's own empty storage).
contract MarketAdmin is PerpStorage, IMarketAdmin {
    /// @notice Called directly rather than through the engine.
    error NotDelegated();

    /// @dev Bounds of the backing ratio: LP exits always leave at least a quarter of the net skew's notional in cash
    ///      on top of traders' unrealised profit (a move of 25 % against the vault on every market at once).
    uint256 private constant MIN_BACKING_RATIO = 0.25e18;
    uint256 private constant MAX_BACKING_RATIO = 2e18;

    /// @dev Bounds of the open-interest-to-cash ratio: neither side of a market may be worth more than the vault's cash.
    uint256 private constant MIN_OPEN_INTEREST_CASH_RATIO = 0.01e18;
    uint256 private constant MAX_OPEN_INTEREST_CASH_RATIO = 1e18;

    /// @dev Largest share of trading fees the admin may send to the insurance fund.
    uint256 private constant MAX_INSURANCE_FEE_SHARE = 0.5e18;

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

    // ------------------------------------------------------------------ listing and parameters

    /// @inheritdoc IMarketConfig
    function listMarket(bytes32 symbol, MarketParams calldata params, NotionalTier[] calldata tiers)
        external
        onlyDelegated
        onlyOwner
        returns (uint256 marketId)
    {
        marketId = _globals.marketCount;
        if (marketId >= MAX_MARKETS) revert TooManyMarkets(MAX_MARKETS);
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
        emit MarketListed(marketId, symbol, address(params.oracle));
        emit MarketParamsSet(marketId, params);
        emit MarketTiersSet(marketId, tiers);
        emit IPerpEngine.CircuitBreakerSet(marketId, breaker);
    }

    /// @inheritdoc IMarketConfig
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
        emit MarketParamsSet(marketId, params);
    }

    /// @inheritdoc IMarketConfig
    function setMarketTiers(uint256 marketId, NotionalTier[] calldata tiers) external onlyDelegated onlyOwner {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        _validator.validateTiers(tiers, p.maxPremium, p.maxOpenInterest, p.skewScale);
        _storeTiers(marketId, tiers);
        emit MarketTiersSet(marketId, tiers);
    }

    /// @inheritdoc IMarketConfig
    function setMarketPaused(uint256 marketId, bool paused) external onlyDelegated onlyOwner {
        _requireMarket(marketId);
        _state[marketId].paused = paused;
        emit MarketPausedSet(marketId, paused);
    }

    /// @inheritdoc IMarketConfig
    function setGlobalPaused(bool paused) external onlyDelegated onlyOwner {
        _globals.globalPaused = paused;
        emit GlobalPausedSet(paused);
    }

    /// @inheritdoc IMarketConfig
    function setMaxPositionsPerAccount(uint256 maxPositions) external onlyDelegated onlyOwner {
        _checkBounds("maxPositionsPerAccount", maxPositions, 1, MAX_POSITIONS_PER_ACCOUNT);
        _globals.maxPositionsPerAccount = uint8(maxPositions);
        emit MaxPositionsPerAccountSet(maxPositions);
    }

    // ------------------------------------------------------------------ circuit breakers

    /// @inheritdoc IMarketAdmin
    function setCircuitBreaker(uint256 marketId, BreakerParams calldata params) external onlyDelegated onlyOwner {
        _requireMarket(marketId);
        _validator.validateBreaker(params, _validator.fundingRateAtMaxSkew(marketParams(marketId)));
        StoredParams storage p = _params[marketId];
        p.breakerMaxOracleMove = params.maxOracleMove;
        p.breakerMaxFundingRate = params.maxFundingRate;
        p.breakerWindow = params.window;
        emit IPerpEngine.CircuitBreakerSet(marketId, params);
    }

    /// @inheritdoc IMarketAdmin
    function resetCircuitBreaker(uint256 marketId) external onlyDelegated onlyOwner {
        _requireMarket(marketId);
        uint256 oraclePrice = _params[marketId].oracle.price();
        MarketAccrual.anchor(_breakerState[marketId], oraclePrice);
        emit IPerpEngine.CircuitBreakerReset(marketId, oraclePrice);
    }

    // ------------------------------------------------------------------ wiring

    /// @inheritdoc IMarketAdmin
    function setLiquidityVault(address liquidityVault_) external onlyDelegated onlyOwner {
        if (liquidityVault_ == address(0)) revert ZeroAddress();
        if (_vaultRisk.liquidityVault != address(0)) revert IPerpEngine.LiquidityVaultAlreadySet();
        _vaultRisk.liquidityVault = liquidityVault_;
        emit IPerpEngine.LiquidityVaultSet(liquidityVault_);
    }

    /// @inheritdoc IMarketAdmin
    function setBackingRatio(uint256 ratio) external onlyDelegated onlyOwner {
        _checkBounds("backingRatio", ratio, MIN_BACKING_RATIO, MAX_BACKING_RATIO);
        _vaultRisk.backingRatio = uint64(ratio);
        emit IPerpEngine.BackingRatioSet(ratio);
    }

    /// @inheritdoc IMarketAdmin
    function setOpenInterestCashRatio(uint256 ratio) external onlyDelegated onlyOwner {
        _checkBounds("openInterestCashRatio", ratio, MIN_OPEN_INTEREST_CASH_RATIO, MAX_OPEN_INTEREST_CASH_RATIO);
        _vaultRisk.openInterestCashRatio = uint64(ratio);
        emit IPerpEngine.OpenInterestCashRatioSet(ratio);
    }

    /// @inheritdoc IMarketAdmin
    function setLiquidationEngine(address liquidationEngine_) external onlyDelegated onlyOwner {
        if (liquidationEngine_ == address(0)) revert ZeroAddress();
        if (_liquidationEngine != address(0)) revert IPerpEngine.LiquidationEngineAlreadySet();
        _liquidationEngine = liquidationEngine_;
        emit IPerpEngine.LiquidationEngineSet(liquidationEngine_);
    }

    /// @inheritdoc IMarketAdmin
    /// @dev The sweep is the engine's own `sweepInsuranceFees` (a call to the engine's address: this code runs there),
    ///      so it moves the fees exactly as anyone's sweep does.
    function setInsuranceFeeShare(address fund, uint256 share) external onlyDelegated onlyOwner {
        _checkBounds("insuranceFeeShare", share, 0, MAX_INSURANCE_FEE_SHARE);
        if (share != 0 && fund == address(0)) revert ZeroAddress();
        if (_globals.pendingInsuranceFees != 0) IPerpEngineCore(address(this)).sweepInsuranceFees();
        _insuranceFund = fund;
        _globals.insuranceFeeShare = uint64(share);
        emit IPerpEngine.InsuranceFeeShareSet(fund, share);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMarketConfig
    function marketSymbol(uint256 marketId) external view returns (bytes32) {
        _requireMarket(marketId);
        return _symbols[marketId];
    }

    /// @inheritdoc IMarketConfig
    function marketParams(uint256 marketId) public view returns (MarketParams memory) {
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
    function marketTiers(uint256 marketId) external view returns (NotionalTier[] memory tiers) {
        _requireMarket(marketId);
        NotionalTier[MAX_TIERS] storage stored = _tiers[marketId];
        uint256 n;
        while (n < MAX_TIERS && stored[n].upToNotional != 0) ++n;
        tiers = new NotionalTier[](n);
        for (uint256 i; i < n; ++i) {
            tiers[i] = stored[i];
        }
    }

    /// @inheritdoc IMarketConfig
    function isReduceOnly(uint256 marketId) external view returns (bool) {
        return _globals.globalPaused || _state[marketId].paused;
    }

    /// @inheritdoc IMarketConfig
    function maxPositionsPerAccount() external view returns (uint256) {
        return _globals.maxPositionsPerAccount;
    }

    /// @inheritdoc IMarketAdmin
    function marketPrices(uint256 marketId) external view returns (MarketPrices memory m) {
        _requireMarket(marketId);
        MarketState storage s = _state[marketId];
        StoredParams storage p = _params[marketId];
        m.oraclePrice = p.oracle.price();
        m.premium = MarketAccrual.premium(p, s.skew);
        m.markPrice = PricingMath.markPriceDown(m.oraclePrice, m.premium);
        m.fairPremium = MarketAccrual.fairPremiumNow(s, p);
        m.fairPrice = PricingMath.markPriceDown(m.oraclePrice, m.fairPremium);
        m.lastFundingRate = s.lastFundingRate;
        m.currentFundingRate = MarketAccrual.rate(p, m.premium);
        m.annualisedFundingRate = FundingMath.annualised(m.currentFundingRate);
        m.fundingIndex = MarketAccrual.pendingIndex(s, p, m.oraclePrice);
        m.skew = s.skew;
        m.openInterestLong = s.openInterestLong;
        m.openInterestShort = uint256(int256(uint256(s.openInterestLong)) - s.skew);
    }

    /// @inheritdoc IMarketAdmin
    function circuitBreakerParams(uint256 marketId) external view returns (BreakerParams memory) {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        return BreakerParams(p.breakerMaxOracleMove, p.breakerMaxFundingRate, p.breakerWindow);
    }

    /// @inheritdoc IMarketAdmin
    function circuitBreakerStatus(uint256 marketId)
        external
        view
        returns (bool oracleMove, bool funding, uint256 referencePrice)
    {
        _requireMarket(marketId);
        StoredParams storage p = _params[marketId];
        uint256 oraclePrice = p.oracle.price();
        referencePrice = MarketAccrual.referenceNow(_breakerState[marketId], p, oraclePrice);
        oracleMove = MarketAccrual.oracleMoved(p, oraclePrice, referencePrice);
        int256 rate = MarketAccrual.rate(p, MarketAccrual.premium(p, _state[marketId].skew));
        funding = FixedPointMath.abs(rate) > p.breakerMaxFundingRate;
    }

    /// @inheritdoc IMarketAdmin
    function backingRatio() external view returns (uint256) {
        return _vaultRisk.backingRatio;
    }

    /// @inheritdoc IMarketAdmin
    function openInterestCashRatio() external view returns (uint256) {
        return _vaultRisk.openInterestCashRatio;
    }

    // ------------------------------------------------------------------ internal

    function _requireMarket(uint256 marketId) private view {
        if (marketId >= _globals.marketCount) revert UnknownMarket(marketId);
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
    function _storeTiers(uint256 marketId, NotionalTier[] calldata tiers) private {
        NotionalTier[MAX_TIERS] storage stored = _tiers[marketId];
        uint256 i;
        for (; i < tiers.length; ++i) {
            stored[i] = tiers[i];
        }
        for (; i < MAX_TIERS && stored[i].upToNotional != 0; ++i) {
            delete stored[i];
        }
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }

    function _minMmr(NotionalTier[MAX_TIERS] storage tiers) private view returns (uint256 minMmr) {
        minMmr = type(uint256).max;
        for (uint256 i; i < MAX_TIERS && tiers[i].upToNotional != 0; ++i) {
            if (tiers[i].mmr < minMmr) minMmr = tiers[i].mmr;
        }
    }
}
