// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ParameterOutOfBounds} from "../interfaces/CommonErrors.sol";
import {AdlRequest} from "../interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {ILiquidationEngine, LiquidationConfig} from "../interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {WAD} from "../libraries/Constants.sol";

/// @title LiquidationStorage
/// @notice Every piece of the liquidation engine's state, in one place: the owner (Ownable2Step), the ADL queue and
///         candidates, the liquidation parameters and the partial-liquidation times. Both the engine
///         (`LiquidationEngine`, through `AutoDeleveraging`) and its module (`LiquidationModule`, run by DELEGATECALL
///         on the engine's storage) inherit it and nothing else with storage, so they share one layout.
/// @dev Add state only at the end of this contract. The addresses are immutables: each contract is constructed
///      with the same ones.
abstract contract LiquidationStorage is Ownable2Step {
    uint256 private constant MAX_FEE_RATE = 0.05e18;
    uint256 private constant MAX_REWARD = 100_000e18;
    uint256 private constant MIN_SLICE = 0.05e18;
    uint256 private constant MAX_COOLDOWN = 1 hours;

    IPerpEngine internal immutable _engine;
    ICollateralVault internal immutable _vault;
    IInsuranceFund internal immutable _fund;

    // ADL (AutoDeleveraging)
    AdlRequest[] internal _requests;
    uint256 internal _head;
    address[] internal _candidates;
    uint256 internal _totalShortfall;
    uint256 internal _maxPnlFactor = 0.5e18;
    bool internal _reductionPending;

    // Liquidation (LiquidationEngine)
    LiquidationConfig internal _config;
    mapping(address account => uint256) internal _lastPartial;
    /// @dev The liquidated account's collateral before the latest close (transient bookkeeping of `liquidate`).
    int256 internal transient _lastCollateral;

    /// @param engine_ The trading engine.
    /// @param vault_ The collateral vault.
    /// @param fund_ The insurance fund.
    constructor(IPerpEngine engine_, ICollateralVault vault_, IInsuranceFund fund_) {
        _engine = engine_;
        _vault = vault_;
        _fund = fund_;
    }

    /// @dev The only writer of the parameters: each within its hard bound (`ILiquidationEngineModule.setConfig`).
    function _setConfig(LiquidationConfig memory c) internal {
        _checkBounds("feeRate", c.feeRate, 0, MAX_FEE_RATE);
        _checkBounds("keeperShare", c.keeperShare, 0, WAD);
        _checkBounds("maxKeeperReward", c.maxKeeperReward, 0, MAX_REWARD);
        _checkBounds("minKeeperReward", c.minKeeperReward, 0, c.maxKeeperReward);
        _checkBounds("sliceFraction", c.sliceFraction, MIN_SLICE, WAD);
        _checkBounds("cooldown", c.cooldown, 0, MAX_COOLDOWN);
        _config = c;
        emit ILiquidationEngine.LiquidationConfigSet(c);
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }
}
