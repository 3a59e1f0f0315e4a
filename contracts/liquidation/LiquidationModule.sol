// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AdlRequest} from "../interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {
    ILiquidationEngineModule,
    LiquidationConfig,
    LiquidationPreview
} from "../interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {MarginSummary, Position} from "../interfaces/PerpTypes.sol";
import {LiquidationFeeCharge, LiquidationMath} from "../libraries/LiquidationMath.sol";
import {MarginMath} from "../libraries/MarginMath.sol";
import {LiquidationStorage} from "./LiquidationStorage.sol";

/// @title LiquidationModule
/// @notice The liquidation engine's views and admin that are on no value path: the liquidation preview, the
///         parameters and the pending ADL request. The engine runs this code from its fallback by DELEGATECALL on its
///         own storage (`LiquidationStorage`), so callers reach it at the engine's address (`ILiquidationEngine`)
///         and it does not count against the engine's 24 KB. A read through the engine works too: a STATICCALL into
///         the engine reaches the fallback, whose DELEGATECALL stays static.
/// @dev Deployed by the engine's constructor with the engine's addresses; a direct call reverts `NotDelegated` (its
///      own storage is never used). Its owner is the engine, which never calls it. The preview uses the formulas
///      `liquidate` uses (`LiquidationMath`), on the engine's quotes instead of its executions.
contract LiquidationModule is ILiquidationEngineModule, LiquidationStorage {
    /// @notice Called directly rather than through the liquidation engine.
    error NotDelegated();

    address private immutable _self = address(this);

    /// @param engine_ The trading engine.
    /// @param vault_ The collateral vault.
    /// @param fund_ The insurance fund.
    constructor(IPerpEngine engine_, ICollateralVault vault_, IInsuranceFund fund_)
        LiquidationStorage(engine_, vault_, fund_)
        Ownable(msg.sender)
    {}

    modifier onlyDelegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    // ------------------------------------------------------------------ liquidation preview

    /// @inheritdoc ILiquidationEngineModule
    function previewLiquidation(address account) external view onlyDelegated returns (LiquidationPreview memory p) {
        MarginSummary memory m = _engine.accountMarginAtFair(account);
        p.maintenanceMargin = m.equity - int256(m.maintenanceMargin);
        if (p.maintenanceMargin >= 0) return p;
        LiquidationConfig memory c = _config;
        bool bankrupt = m.equity <= 0;
        bool coolingDown =
            !bankrupt && LiquidationMath.liquidationCoolingDown(_lastPartial[account], c.cooldown, block.timestamp);
        uint256[] memory ids = _engine.accountMarkets(account);
        if (ids.length == 0) return p;

        p.marketIds = ids;
        (int256 cashDelta, bool closesAll, bool cut) = _previewCloses(account, c, bankrupt, p);
        int256 collateral = m.collateral + cashDelta;
        p.liquidatable = !coolingDown && p.notionalClosed != 0;
        LiquidationFeeCharge memory charge = LiquidationMath.liquidationFeeCharge(p.notionalClosed, collateral, c, cut);
        p.insuranceFee = charge.insuranceFee;
        p.keeperReward = charge.keeperRewardFromAccount;
        if (charge.fundTopUpWanted != 0) {
            // As in `liquidate`: the account's part reaches the fund (and the engine's fee share is swept in) before
            // the fund tops the reward up, as far as its balance goes.
            uint256 fundAvailable = _fund.balance() + _engine.pendingInsuranceFees() + charge.insuranceFee;
            uint256 topUp = charge.fundTopUpWanted < fundAvailable ? charge.fundTopUpWanted : fundAvailable;
            p.keeperReward += LiquidationMath.wholeUnits(topUp);
        }
        p.expectedBadDebt = LiquidationMath.liquidationBadDebt(collateral, charge.fromAccount, closesAll);
    }

    /// @dev Fills the preview's size deltas and notional from each position's quoted forced close; returns the
    ///      collateral they move, whether every position closes in full and whether a bound cut one.
    function _previewCloses(address account, LiquidationConfig memory c, bool bankrupt, LiquidationPreview memory p)
        private
        view
        returns (int256 cashDelta, bool closesAll, bool cut)
    {
        uint256 n = p.marketIds.length;
        p.sizeDeltas = new int256[](n);
        closesAll = true;
        for (uint256 i; i < n; ++i) {
            Position memory pos = _engine.position(account, p.marketIds[i]);
            (int256 delta,) = LiquidationMath.liquidationCloseSize(pos, c, bankrupt);
            (int256 closed, uint256 notional, int256 change) = _previewClose(account, p.marketIds[i], pos, delta);
            p.sizeDeltas[i] = closed;
            closesAll = closesAll && closed == -int256(pos.size);
            cut = cut || closed != delta;
            p.notionalClosed += notional;
            cashDelta += change;
        }
    }

    /// @dev One position's forced close of `delta` as quoted now: the size that fits its bound, the notional, and
    ///      realised PnL minus settled funding (nothing when nothing fits, or its oracle fails: it waits).
    function _previewClose(address account, uint256 marketId, Position memory pos, int256 delta)
        private
        view
        returns (int256 closed, uint256 notional, int256 cashDelta)
    {
        uint256 fill;
        try _engine.quoteForcedClose(account, marketId, delta) returns (int256 q, uint256 f, uint256) {
            (closed, fill) = (q, f);
        } catch {
            return (0, 0, 0);
        }
        if (closed == 0) return (0, 0, 0);
        notional = MarginMath.notionalUp(closed, fill);
        cashDelta =
            LiquidationMath.liquidationCloseCashDelta(pos, closed, fill, _engine.accruedFunding(account, marketId));
    }

    // ------------------------------------------------------------------ parameters

    /// @inheritdoc ILiquidationEngineModule
    function setConfig(LiquidationConfig calldata config_) external onlyDelegated onlyOwner {
        _setConfig(config_);
    }

    /// @inheritdoc ILiquidationEngineModule
    function config() external view onlyDelegated returns (LiquidationConfig memory) {
        return _config;
    }

    // ------------------------------------------------------------------ ADL

    /// @inheritdoc ILiquidationEngineModule
    function pendingAdl()
        external
        view
        onlyDelegated
        returns (bool pending, uint256 requestId, AdlRequest memory request, address[] memory candidates)
    {
        pending = _head < _requests.length;
        requestId = _head;
        if (pending) request = _requests[_head];
        candidates = _candidates;
    }
}
