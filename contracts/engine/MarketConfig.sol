// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {MarketParams, Tier} from "../interfaces/PerpTypes.sol";
import {MarketAdmin} from "./MarketAdmin.sol";
import {MAX_TIERS, MarketParamsValidator} from "./MarketParamsValidator.sol";
import {PerpStorage, StoredParams} from "./PerpStorage.sol";

/// @title MarketConfig
/// @notice Market listing and risk parameters with hard bounds, pause per market and global; the trading engine
///         inherits it.
/// @dev Listing and parameter or tier changes run in `MarketAdmin` (DELEGATECALL on this storage, through
///      OpenZeppelin's `Address.functionDelegateCall`, which bubbles the module's revert), so their code does not count
///      against the engine's size; every bound is a constant in MarketParamsValidator (and docs/DESIGN.md).
abstract contract MarketConfig is IMarketConfig, PerpStorage {
    uint256 internal constant MAX_POSITIONS_HARD_CAP = 16;

    /// @dev The parameter and tier bounds, deployed by this contract's constructor (its code counts against the
    ///      constructor's size, not the engine's runtime code) and called only by admin functions.
    MarketParamsValidator internal immutable _validator;
    /// @dev The listing and parameter module (see MarketAdmin), deployed by this contract's constructor.
    address private immutable _admin;

    constructor() {
        MarketParamsValidator validator = new MarketParamsValidator();
        _validator = validator;
        _admin = address(new MarketAdmin(validator));
        _globals.maxPositionsPerAccount = 8;
    }

    /// @inheritdoc IMarketConfig
    function listMarket(bytes32, MarketParams calldata, Tier[] calldata) external returns (uint256) {
        return abi.decode(Address.functionDelegateCall(_admin, msg.data), (uint256));
    }

    /// @inheritdoc IMarketConfig
    function setMarketParams(uint256, MarketParams calldata) external {
        Address.functionDelegateCall(_admin, msg.data);
    }

    /// @inheritdoc IMarketConfig
    function setMarketTiers(uint256, Tier[] calldata) external {
        Address.functionDelegateCall(_admin, msg.data);
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

    // ------------------------------------------------------------------ internal

    function _requireMarket(uint256 marketId) internal view {
        if (marketId >= _globals.marketCount) revert UnknownMarket(marketId);
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

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }
}
