// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ZeroAddress} from "./interfaces/CommonErrors.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {ILiquidationEngine, ILiquidationEngineCore, LiquidationConfig} from "./interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "./interfaces/IPerpEngine.sol";
import {MarginSummary, Position} from "./interfaces/PerpTypes.sol";
import {INSURANCE_BAD_DEBT, INSURANCE_KEEPER_REWARD} from "./libraries/Constants.sol";
import {LiquidationFeeCharge, LiquidationMath} from "./libraries/LiquidationMath.sol";
import {AutoDeleveraging} from "./liquidation/AutoDeleveraging.sol";
import {LiquidationModule} from "./liquidation/LiquidationModule.sol";
import {LiquidationStorage} from "./liquidation/LiquidationStorage.sol";

/// @title LiquidationEngine
/// @notice Permissionless liquidation (SPEC §6). Positions close through the market at the fill price (slippage is
///         the account's loss). The fee is split between the keeper (bounded reward, floor topped up by the fund) and
///         the insurance fund; bad debt goes account collateral → insurance fund → ADL shortfall.
/// @dev Must be a balance manager of the vault and a payer of the fund; the engine's liquidation engine. It keeps a
///      transient collateral account of its own for the fee in flight, emptied in the same call.
///      Callers use `ILiquidationEngine`: this contract implements `ILiquidationEngineCore` (liquidation and the ADL
///      entry points, the value paths) and serves `ILiquidationEngineModule` (the liquidation preview, the parameters
///      and the pending ADL request) from `LiquidationModule` through its fallback, by DELEGATECALL on the same
///      storage (`LiquidationStorage`), so that code does not count against this contract's 24 KB. The formulas
///      both use are `LiquidationMath`'s, so the preview computes what `liquidate` executes.
contract LiquidationEngine is ILiquidationEngineCore, AutoDeleveraging {
    /// @dev Serves `ILiquidationEngineModule` on this contract's storage; deployed by the constructor.
    address private immutable _module;

    /// @dev A liquidation's running state across its positions. `cut`: some close filled less than asked because of
    ///      its bound (the keeper-reward floor then does not apply). `config`: the parameters, read once.
    struct Progress {
        LiquidationConfig config;
        int256 maintenance;
        uint256 notionalClosed;
        int256 lastChange;
        bool partialOnly;
        bool cut;
        WorstClose worst;
    }

    /// @dev The close that lost the most in one liquidation: where an ADL shortfall is attributed.
    struct WorstClose {
        uint256 marketId;
        int256 delta;
        uint256 fill;
        int256 collateralChange;
    }

    /// @param engine_ The trading engine.
    /// @param vault_ The collateral vault.
    /// @param fund_ The insurance fund.
    /// @param owner_ The admin.
    constructor(IPerpEngine engine_, ICollateralVault vault_, IInsuranceFund fund_, address owner_)
        LiquidationStorage(engine_, vault_, fund_)
        Ownable(owner_)
    {
        if (address(engine_) == address(0) || address(vault_) == address(0) || address(fund_) == address(0)) {
            revert ZeroAddress();
        }
        _module = address(new LiquidationModule(engine_, vault_, fund_));
        _setConfig(
            LiquidationConfig({
                feeRate: 0.005e18,
                keeperShare: 0.2e18,
                minKeeperReward: 5e18,
                maxKeeperReward: 1_000e18,
                partialNotional: 250_000e18,
                sliceFraction: 0.2e18,
                cooldown: 30
            })
        );
    }

    /// @notice Serves `ILiquidationEngineModule`: a call this contract does not answer itself runs in the module, by
    ///         DELEGATECALL on this contract's storage, and returns or reverts with the module's data. A selector the
    ///         module does not know either reverts without data, as before the split.
    /// @dev Forwarding is all it does (the delegate-proxy pattern, as OpenZeppelin's `Proxy`).
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address module = _module;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ------------------------------------------------------------------ liquidation

    /// @inheritdoc ILiquidationEngineCore
    function liquidate(address account) external nonReentrant returns (uint256 notionalClosed, uint256 keeperReward) {
        MarginSummary memory m = _engine.accountMarginAtFair(account);
        if (m.equity >= int256(m.maintenanceMargin)) {
            revert ILiquidationEngine.NotLiquidatable(account, m.equity - int256(m.maintenanceMargin));
        }
        uint256[] memory ids = _engine.accountMarkets(account);
        // A flat account with negative collateral is bad debt already handed to the fund and ADL: liquidating it
        // again would pay the debt twice.
        if (ids.length == 0) revert ILiquidationEngine.NothingToLiquidate(account);
        // The fair price follows the oracle at once (only its premium term is slow), so equity ≤ 0 there is bankrupt.
        bool bankrupt = m.equity <= 0;
        Progress memory g;
        g.config = _config;
        if (!bankrupt) _requireCooldownOver(account, g.config.cooldown);
        _lastCollateral = m.collateral;

        g.maintenance = m.equity - int256(m.maintenanceMargin);
        for (uint256 i; i < ids.length; ++i) {
            if (_closeOne(account, ids[i], _engine.position(account, ids[i]), bankrupt, !bankrupt && i + 1 < ids.length, g)) {
                break;
            }
        }
        notionalClosed = g.notionalClosed;
        if (notionalClosed == 0) revert ILiquidationEngine.LiquidationBeyondBound(account);
        bool partial_ = g.partialOnly;
        WorstClose memory worst = g.worst;
        if (partial_) _lastPartial[account] = block.timestamp;

        LiquidationFeeCharge memory charge =
            LiquidationMath.liquidationFeeCharge(notionalClosed, _vault.collateralOf(account), g.config, g.cut);
        keeperReward = _chargeFee(account, msg.sender, charge);
        emit ILiquidationEngine.Liquidated(account, msg.sender, notionalClosed, charge.fee, keeperReward, charge.insuranceFee, partial_);
        _settleWaterfall(account, m.collateral, worst);
    }

    /// @dev Closes (or slices) one position and updates `g`; returns true once the account is healthy again.
    ///      equity − Σ MM is tracked without revaluing the account: take out this position at fair, put back what the
    ///      close realised and what a slice or a bounded close leaves; a full revaluation confirms only when it looks
    ///      healthy.
    function _closeOne(
        address account,
        uint256 marketId,
        Position memory pos,
        bool bankrupt,
        bool more,
        Progress memory g
    ) private returns (bool healthy) {
        (int256 delta, bool isSlice) = LiquidationMath.liquidationCloseSize(pos, g.config, bankrupt);
        // A position whose market's oracle fails cannot close now: it waits (valued at its worst case meanwhile), and
        // the account's other positions are liquidated without it, so a failing market shields nothing.
        if (more) {
            try _engine.positionAtFair(account, marketId) returns (int256 value, uint256 mm) {
                g.maintenance -= value - int256(mm);
            } catch {
                g.cut = true;
                return false;
            }
        }
        (bool closedOk, int256 closed) = _forcedClose(account, marketId, delta, g);
        if (!closedOk) return false;
        g.partialOnly = g.partialOnly || (isSlice && closed != 0);
        if (!more) return false;
        g.maintenance += g.lastChange + (isSlice || closed != delta ? _marginAtFair(account, marketId) : int256(0));
        // Stop only once the fee charged afterwards still leaves maintenance margin ≥ 0.
        int256 charge = int256(LiquidationMath.liquidationCharge(g.notionalClosed, g.config, g.cut));
        if (g.maintenance < charge) return false;
        g.maintenance = _engine.maintenanceMargin(account);
        return g.maintenance >= charge;
    }

    /// @dev One forced close; records its notional, whether its bound cut it, the collateral it moved and whether it
    ///      is the worst close so far.
    function _forcedClose(address account, uint256 marketId, int256 delta, Progress memory g)
        private
        returns (bool ok, int256 closed)
    {
        uint256 fill;
        uint256 notional;
        try _engine.forcedClose(account, marketId, delta, false) returns (int256 c, uint256 f, uint256 n, uint256) {
            (ok, closed, fill, notional) = (true, c, f, n);
        } catch {
            g.cut = true;
            return (false, 0);
        }
        g.cut = g.cut || closed != delta;
        g.notionalClosed += notional;
        int256 change = _collateralChange(account);
        g.lastChange = change;
        if (closed != 0 && (g.worst.delta == 0 || change < g.worst.collateralChange)) {
            g.worst = WorstClose(marketId, closed, fill, change);
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILiquidationEngineCore
    function lastPartialLiquidation(address account) external view returns (uint256) {
        return _lastPartial[account];
    }

    // ------------------------------------------------------------------ internal

    function _requireCooldownOver(address account, uint256 cooldown) private view {
        uint256 last = _lastPartial[account];
        if (LiquidationMath.liquidationCoolingDown(last, cooldown, block.timestamp)) {
            revert ILiquidationEngine.LiquidationCooldown(account, last + cooldown);
        }
    }

    /// @dev The position's value at fair minus its maintenance margin (its contribution to equity − Σ MM).
    function _marginAtFair(address account, uint256 marketId) private view returns (int256) {
        (int256 value, uint256 mm) = _engine.positionAtFair(account, marketId);
        return value - int256(mm);
    }

    /// @dev How much the account's collateral moved since the last call (realised PnL and settled funding).
    function _collateralChange(address account) private returns (int256 change) {
        int256 collateral = _vault.collateralOf(account);
        change = collateral - _lastCollateral;
        _lastCollateral = collateral;
    }

    /// @inheritdoc AutoDeleveraging
    function _callerFeeShare() internal view override returns (uint256) {
        return _config.keeperShare;
    }

    /// @inheritdoc AutoDeleveraging
    function _settleDeleveraged(address account, uint256 marketId, int256 closedDelta, uint256 price)
        internal
        override
    {
        int256 collateral = _vault.collateralOf(account);
        if (collateral >= 0) return;
        _settleWaterfall(account, collateral, WorstClose(marketId, closedDelta, price, 0));
    }

    /// @dev Moves the fee as `c` splits it (`LiquidationMath.liquidationFeeCharge`): the account's part to the fund,
    ///      the reward to the keeper in whole USDC units straight from the account, then what the fund tops up as far
    ///      as its balance goes (its sub-unit rest back to the fund). Returns what the keeper received.
    function _chargeFee(address account, address keeper, LiquidationFeeCharge memory c)
        private
        returns (uint256 reward)
    {
        if (c.insuranceFee != 0) _vault.transferBalance(account, address(_fund), c.insuranceFee);
        _payReward(account, keeper, c.keeperRewardFromAccount);
        reward = c.keeperRewardFromAccount;
        if (c.fundTopUpWanted != 0) {
            _sweepFees();
            uint256 topUp = _fund.pay(address(this), c.fundTopUpWanted, INSURANCE_KEEPER_REWARD);
            uint256 topUpPaid = LiquidationMath.wholeUnits(topUp);
            if (topUp > topUpPaid) _vault.transferBalance(address(this), address(_fund), topUp - topUpPaid);
            _payReward(address(this), keeper, topUpPaid);
            reward += topUpPaid;
        }
    }

    /// @dev Layer 1 (collateral) always; once the account is flat, layer 2 (fund) and 3 (ADL shortfall, queued
    ///      against the close that lost the most, at that position's bankruptcy price).
    function _settleWaterfall(address account, int256 collateralBefore, WorstClose memory worst) private {
        int256 collateral = _vault.collateralOf(account);
        int256 positiveAfter = collateral > 0 ? collateral : int256(0);
        if (collateralBefore > positiveAfter) {
            emit ILiquidationEngine.LossAbsorbedByCollateral(account, uint256(collateralBefore - positiveAfter));
        }
        if (collateral >= 0 || _engine.accountMarkets(account).length != 0) return;
        uint256 shortfall = uint256(-collateral);
        _sweepFees();
        uint256 covered = _fund.pay(account, shortfall, INSURANCE_BAD_DEBT);
        if (covered != 0) emit ILiquidationEngine.BadDebtCoveredByFund(account, covered);
        if (covered < shortfall) {
            emit ILiquidationEngine.ShortfallForAdl(account, shortfall - covered);
            _queueShortfall(account, worst.marketId, worst.delta, worst.fill, shortfall, shortfall - covered);
        }
    }

    /// @dev Brings the fund's accrued share of trading fees in before drawing on it.
    function _sweepFees() private {
        if (_engine.pendingInsuranceFees() != 0) _engine.sweepInsuranceFees();
    }
}
