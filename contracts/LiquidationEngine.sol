// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {ILiquidationEngine, LiquidationConfig, LiquidationPreview} from "./interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "./interfaces/IPerpEngine.sol";
import {AccountMargin, Position} from "./interfaces/PerpTypes.sol";
import {FixedPointMath} from "./libraries/FixedPointMath.sol";
import {PositionMath} from "./libraries/PositionMath.sol";
import {TokenUnits} from "./libraries/TokenUnits.sol";
import {AutoDeleveraging} from "./liquidation/AutoDeleveraging.sol";

/// @title LiquidationEngine
/// @notice Permissionless liquidation (SPEC §6). Positions close through the market at the fill price (slippage is
///         the account's loss). The fee is split between the keeper (bounded reward, floor topped up by the fund) and
///         the insurance fund; bad debt goes account collateral → insurance fund → ADL shortfall.
/// @dev Must be a balance manager of the vault and a payer of the fund; the engine's liquidation engine. It keeps a
///      transient collateral account of its own for the fee in flight, emptied in the same call.
contract LiquidationEngine is ILiquidationEngine, AutoDeleveraging {
    bytes32 private constant KEEPER_REWARD = "keeperReward";
    bytes32 private constant BAD_DEBT = "badDebt";

    uint256 private constant MAX_FEE_RATE = 0.05e18;
    uint256 private constant MAX_REWARD = 100_000e18;
    uint256 private constant MIN_SLICE = 0.05e18;
    uint256 private constant MAX_COOLDOWN = 1 hours;

    IInsuranceFund private immutable _fund;

    LiquidationConfig private _config;
    mapping(address account => uint256) private _lastPartial;
    /// @dev The liquidated account's collateral before the latest close (transient bookkeeping of `liquidate`).
    int256 private transient _lastCollateral;

    /// @dev A liquidation's running state across its positions. `cut`: some close filled less than asked because of
    ///      its bound (the keeper-reward floor then does not apply).
    struct Progress {
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

    /// @dev The fee of one liquidation and where it went.
    struct FeeSplit {
        uint256 fee;
        uint256 reward;
        uint256 toFund;
    }

    /// @param engine_ The trading engine.
    /// @param vault_ The collateral vault.
    /// @param fund_ The insurance fund.
    /// @param owner_ The admin.
    constructor(IPerpEngine engine_, ICollateralVault vault_, IInsuranceFund fund_, address owner_)
        AutoDeleveraging(engine_, vault_)
        Ownable(owner_)
    {
        if (address(engine_) == address(0) || address(vault_) == address(0) || address(fund_) == address(0)) {
            revert ZeroAddress();
        }
        _fund = fund_;
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

    // ------------------------------------------------------------------ liquidation

    /// @inheritdoc ILiquidationEngine
    function liquidate(address account) external nonReentrant returns (uint256 notionalClosed, uint256 keeperReward) {
        AccountMargin memory m = _engine.accountMarginAtFair(account);
        if (m.equity >= int256(m.maintenanceMargin)) {
            revert NotLiquidatable(account, m.equity - int256(m.maintenanceMargin));
        }
        uint256[] memory ids = _engine.accountMarkets(account);
        // A flat account with negative collateral is bad debt already handed to the fund and ADL: liquidating it
        // again would pay the debt twice.
        if (ids.length == 0) revert NothingToLiquidate(account);
        // The fair price follows the oracle at once (only its premium term is slow), so equity ≤ 0 there is bankrupt.
        bool bankrupt = m.equity <= 0;
        if (!bankrupt) _requireCooldownOver(account);
        _lastCollateral = m.collateral;

        Progress memory g;
        g.maintenance = m.equity - int256(m.maintenanceMargin);
        for (uint256 i; i < ids.length; ++i) {
            if (_closeOne(account, ids[i], _engine.position(account, ids[i]), bankrupt, !bankrupt && i + 1 < ids.length, g)) {
                break;
            }
        }
        notionalClosed = g.notionalClosed;
        if (notionalClosed == 0) revert LiquidationBeyondBound(account);
        bool partial_ = g.partialOnly;
        WorstClose memory worst = g.worst;
        if (partial_) _lastPartial[account] = block.timestamp;

        FeeSplit memory split = _chargeFee(account, msg.sender, notionalClosed, g.cut);
        keeperReward = split.reward;
        emit Liquidated(account, msg.sender, notionalClosed, split.fee, split.reward, split.toFund, partial_);
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
        (int256 delta, bool isSlice) = _closeSize(pos, bankrupt);
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
        int256 charge = int256(_charge(g.notionalClosed, g.cut));
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

    /// @inheritdoc ILiquidationEngine
    function previewLiquidation(address account) external view returns (LiquidationPreview memory p) {
        AccountMargin memory m = _engine.accountMarginAtFair(account);
        p.maintenanceMargin = m.equity - int256(m.maintenanceMargin);
        if (p.maintenanceMargin >= 0) return p;
        bool bankrupt = m.equity <= 0;
        bool coolingDown = !bankrupt && _coolingDown(account);
        uint256[] memory ids = _engine.accountMarkets(account);
        if (ids.length == 0) return p;

        p.marketIds = ids;
        (int256 cashDelta, bool closesAll, bool cut) = _previewCloses(account, bankrupt, p);
        int256 collateral = m.collateral + cashDelta;
        p.liquidatable = !coolingDown && p.notionalClosed != 0;
        uint256 fromAccount = _previewFee(p, collateral, cut);
        int256 after_ = collateral - int256(fromAccount);
        if (closesAll && after_ < 0) p.expectedBadDebt = uint256(-after_);
    }

    /// @dev Fills the preview's size deltas and notional from each position's quoted forced close; returns the
    ///      collateral they move, whether every position closes in full and whether a bound cut one.
    function _previewCloses(address account, bool bankrupt, LiquidationPreview memory p)
        private
        view
        returns (int256 cashDelta, bool closesAll, bool cut)
    {
        uint256 n = p.marketIds.length;
        p.sizeDeltas = new int256[](n);
        closesAll = true;
        for (uint256 i; i < n; ++i) {
            Position memory pos = _engine.position(account, p.marketIds[i]);
            (int256 delta, int256 closed, uint256 notional, int256 change) =
                _previewClose(account, p.marketIds[i], pos, bankrupt);
            p.sizeDeltas[i] = closed;
            closesAll = closesAll && closed == -int256(pos.size);
            cut = cut || closed != delta;
            p.notionalClosed += notional;
            cashDelta += change;
        }
    }

    /// @dev Fills the preview's reward and fund fee as `_chargeFee` would; returns what the account pays.
    function _previewFee(LiquidationPreview memory p, int256 collateral, bool cut)
        private
        view
        returns (uint256 fromAccount)
    {
        (uint256 fee, uint256 reward) = _feeAndReward(p.notionalClosed, cut);
        uint256 charge = Math.max(fee, reward);
        fromAccount = collateral > 0 ? Math.min(charge, uint256(collateral)) : 0;
        uint256 rewardFromAccount = Math.min(reward, fromAccount);
        uint256 paidByAccount = TokenUnits.toUsd(TokenUnits.toTokenDown(rewardFromAccount));
        p.insuranceFee = fromAccount - paidByAccount;
        p.keeperReward = paidByAccount;
        if (reward > rewardFromAccount && _fundTopsUp(p.notionalClosed)) {
            // As in `_chargeFee`: the account's part reaches the fund before the fund tops the reward up.
            uint256 fundAvailable = _fund.balance() + _engine.pendingInsuranceFees() + p.insuranceFee;
            uint256 topUp = Math.min(reward - rewardFromAccount, fundAvailable);
            p.keeperReward += TokenUnits.toUsd(TokenUnits.toTokenDown(topUp));
        }
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ILiquidationEngine
    function setConfig(LiquidationConfig calldata config_) external onlyOwner {
        _setConfig(config_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILiquidationEngine
    function config() external view returns (LiquidationConfig memory) {
        return _config;
    }

    /// @inheritdoc ILiquidationEngine
    function lastPartialLiquidation(address account) external view returns (uint256) {
        return _lastPartial[account];
    }

    // ------------------------------------------------------------------ internal

    function _requireCooldownOver(address account) private view {
        if (_coolingDown(account)) revert LiquidationCooldown(account, _lastPartial[account] + _config.cooldown);
    }

    function _coolingDown(address account) private view returns (bool) {
        uint256 last = _lastPartial[account];
        return last != 0 && block.timestamp < last + _config.cooldown;
    }

    /// @dev A slice of a position above the partial threshold (by its cost basis, |openNotional|), the whole
    ///      position otherwise or when the account is bankrupt.
    function _closeSize(Position memory pos, bool bankrupt) private view returns (int256 delta, bool isSlice) {
        int256 size = pos.size;
        if (bankrupt) return (-size, false);
        if (FixedPointMath.abs(pos.openNotional) <= _config.partialNotional) return (-size, false);
        delta = -FixedPointMath.mulDivTrunc(size, int256(uint256(_config.sliceFraction)), WAD);
        if (delta == 0 || delta == -size) return (-size, false);
        return (delta, true);
    }

    /// @dev One position's forced close as quoted now: the size asked, the size that fits its bound, the notional, and
    ///      realised PnL minus settled funding (nothing when nothing fits).
    function _previewClose(address account, uint256 marketId, Position memory pos, bool bankrupt)
        private
        view
        returns (int256 delta, int256 closed, uint256 notional, int256 cashDelta)
    {
        (delta,) = _closeSize(pos, bankrupt);
        uint256 fill;
        try _engine.quoteForcedClose(account, marketId, delta) returns (int256 c, uint256 f, uint256) {
            (closed, fill) = (c, f);
        } catch {
            return (delta, 0, 0, 0); // its oracle fails: it waits
        }
        if (closed == 0) return (delta, 0, 0, 0);
        notional = FixedPointMath.mulDivUp(FixedPointMath.abs(closed), fill, WAD);
        (,, int256 realised) = PositionMath.applyTrade(pos.size, pos.openNotional, closed, fill);
        cashDelta = realised - _engine.accruedFunding(account, marketId);
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

    /// @dev What the account is charged for closing `notionalClosed`: max(fee, bounded keeper reward).
    function _charge(uint256 notionalClosed, bool cut) private view returns (uint256) {
        (uint256 fee, uint256 reward) = _feeAndReward(notionalClosed, cut);
        return Math.max(fee, reward);
    }

    /// @dev fee = notional × feeRate (up); reward = fee × keeperShare (down), at most maxKeeperReward and, unless a
    ///      close was cut by its bound (a push could otherwise make slivers pay the floor again and again), at least
    ///      minKeeperReward.
    function _feeAndReward(uint256 notionalClosed, bool cut) private view returns (uint256 fee, uint256 reward) {
        LiquidationConfig memory c = _config;
        fee = FixedPointMath.mulDivUp(notionalClosed, c.feeRate, WAD);
        reward = FixedPointMath.mulDivDown(fee, c.keeperShare, WAD);
        if (!cut && reward < c.minKeeperReward) reward = c.minKeeperReward;
        if (reward > c.maxKeeperReward) reward = c.maxKeeperReward;
    }

    /// @dev The fund tops the keeper reward up only for a close of at least minKeeperReward / feeRate of notional
    ///      (whose fee covers the floor), so a dust account cannot make the shared fund pay.
    function _fundTopsUp(uint256 notionalClosed) private view returns (bool) {
        LiquidationConfig memory c = _config;
        return notionalClosed * c.feeRate >= uint256(c.minKeeperReward) * WAD;
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

    /// @dev The account pays max(fee, reward) out of its positive collateral. The reward comes first and goes to the
    ///      keeper in whole USDC units straight from the account (the sub-unit dust joins the fund's part); what the
    ///      account cannot pay of the reward, the fund tops up as far as its balance goes.
    function _chargeFee(address account, address keeper, uint256 notionalClosed, bool cut)
        private
        returns (FeeSplit memory s)
    {
        uint256 reward;
        (s.fee, reward) = _feeAndReward(notionalClosed, cut);
        uint256 charge = Math.max(s.fee, reward);
        int256 collateral = _vault.collateralOf(account);
        uint256 fromAccount = collateral > 0 ? Math.min(charge, uint256(collateral)) : 0;
        uint256 rewardFromAccount = Math.min(reward, fromAccount);
        uint256 paidToKeeper = TokenUnits.toUsd(TokenUnits.toTokenDown(rewardFromAccount));
        s.toFund = fromAccount - paidToKeeper;
        if (s.toFund != 0) _vault.transferBalance(account, address(_fund), s.toFund);
        _payReward(account, keeper, paidToKeeper);
        s.reward = paidToKeeper;
        if (reward > rewardFromAccount && _fundTopsUp(notionalClosed)) {
            _sweepFees();
            uint256 topUp = _fund.pay(address(this), reward - rewardFromAccount, KEEPER_REWARD);
            uint256 topUpPaid = TokenUnits.toUsd(TokenUnits.toTokenDown(topUp));
            if (topUp > topUpPaid) _vault.transferBalance(address(this), address(_fund), topUp - topUpPaid);
            _payReward(address(this), keeper, topUpPaid);
            s.reward += topUpPaid;
        }
    }

    /// @dev Layer 1 (collateral) always; once the account is flat, layer 2 (fund) and 3 (ADL shortfall, queued
    ///      against the close that lost the most, at that position's bankruptcy price).
    function _settleWaterfall(address account, int256 collateralBefore, WorstClose memory worst) private {
        int256 collateral = _vault.collateralOf(account);
        int256 positiveAfter = collateral > 0 ? collateral : int256(0);
        if (collateralBefore > positiveAfter) {
            emit LossAbsorbedByCollateral(account, uint256(collateralBefore - positiveAfter));
        }
        if (collateral >= 0 || _engine.accountMarkets(account).length != 0) return;
        uint256 shortfall = uint256(-collateral);
        _sweepFees();
        uint256 covered = _fund.pay(account, shortfall, BAD_DEBT);
        if (covered != 0) emit BadDebtCoveredByFund(account, covered);
        if (covered < shortfall) {
            emit ShortfallForAdl(account, shortfall - covered);
            _queueShortfall(account, worst.marketId, worst.delta, worst.fill, shortfall, shortfall - covered);
        }
    }

    /// @dev Brings the fund's accrued share of trading fees in before drawing on it.
    function _sweepFees() private {
        if (_engine.pendingInsuranceFees() != 0) _engine.sweepInsuranceFees();
    }

    function _setConfig(LiquidationConfig memory c) private {
        _checkBounds("feeRate", c.feeRate, 0, MAX_FEE_RATE);
        _checkBounds("keeperShare", c.keeperShare, 0, WAD);
        _checkBounds("maxKeeperReward", c.maxKeeperReward, 0, MAX_REWARD);
        _checkBounds("minKeeperReward", c.minKeeperReward, 0, c.maxKeeperReward);
        _checkBounds("sliceFraction", c.sliceFraction, MIN_SLICE, WAD);
        _checkBounds("cooldown", c.cooldown, 0, MAX_COOLDOWN);
        _config = c;
        emit LiquidationConfigSet(c);
    }

    function _checkBounds(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }

}
