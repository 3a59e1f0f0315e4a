// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {AccountMargin} from "./engine/AccountMargin.sol";
import {HOME, PositionRecord, StoredParams} from "./engine/PerpStorage.sol";
import {ZeroAddress} from "./interfaces/CommonErrors.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IPerpCounterparty} from "./interfaces/IPerpCounterparty.sol";
import {IPerpEngine} from "./interfaces/IPerpEngine.sol";
import {IPerpEngineCore} from "./interfaces/IPerpEngineCore.sol";
import {IWithdrawGuard} from "./interfaces/IWithdrawGuard.sol";
import {MarginSummary, MarketState} from "./interfaces/PerpTypes.sol";
import {WAD} from "./libraries/Constants.sol";
import {FixedPointMath} from "./libraries/FixedPointMath.sol";
import {FundingMath} from "./libraries/FundingMath.sol";
import {MarginMath} from "./libraries/MarginMath.sol";
import {MarketAccrual} from "./libraries/MarketAccrual.sol";
import {MarketList} from "./libraries/MarketList.sol";
import {PositionMath} from "./libraries/PositionMath.sol";
import {PricingMath} from "./libraries/PricingMath.sol";

/// @title PerpEngine
/// @notice Trading in cross-margin accounts against the liquidity vault (SPEC §3–5): every trade accrues the
///         market, settles the position's funding, fills at the exact average of the clamped premium over its skew
///         path, settles fees and realised PnL into collateral, then checks caps and margin.
/// @dev Shape of `trade`: checks → accrue → compute → write storage → emit → move collateral (the vault is a
///      trusted internal ledger) → post-trade margin check (a view).
contract PerpEngine is AccountMargin, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @dev Largest |size| one trade may take: twice the largest open-interest cap (a flip from one cap to the other).
    int256 private constant MAX_TRADE_SIZE = 2e36;

    /// @dev How a trade is executed: a trader's own (slippage bound, fee, checks), a forced close for the liquidation
    ///      engine (bounded by its own impact from the fair premium; with or without the trading fee), or an ADL close
    ///      at a fixed price.
    enum Mode {
        Trade,
        Forced,
        ForcedWithFee,
        Adl
    }

    /// @dev What one trade computes before it writes.
    struct Fill {
        uint256 oraclePrice;
        uint256 price;
        uint256 fee;
        int256 sizeDelta;
        int256 fundingOwed;
        int256 realisedPnl;
        int256 oldSize;
        int256 newSize;
        int256 newOpenNotional;
    }

    /// @param vault_ The collateral vault (this engine must be one of its balance managers and its guard).
    /// @param owner_ The admin.
    constructor(ICollateralVault vault_, address owner_) Ownable(owner_) AccountMargin(vault_) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        _vaultRisk.backingRatio = 1e18;
        _vaultRisk.openInterestCashRatio = 1e18;
    }

    // ------------------------------------------------------------------ trading

    /// @inheritdoc IPerpEngineCore
    function trade(address account, uint256 marketId, int256 sizeDelta, uint256 acceptablePrice)
        external
        nonReentrant
        returns (uint256 fillPrice)
    {
        return _trade(account, marketId, sizeDelta, acceptablePrice);
    }

    /// @inheritdoc IPerpEngineCore
    function closePosition(address account, uint256 marketId, uint256 acceptablePrice)
        external
        nonReentrant
        returns (uint256 fillPrice)
    {
        return _trade(account, marketId, -int256(_record(account, marketId).size), acceptablePrice);
    }

    /// @inheritdoc IPerpEngineCore
    function accrue(uint256 marketId) external nonReentrant {
        _requireMarket(marketId);
        _accrue(marketId, _oraclePrice(marketId));
    }

    /// @inheritdoc IPerpEngineCore
    function forcedClose(address account, uint256 marketId, int256 sizeDelta, bool chargeFee)
        external
        nonReentrant
        returns (int256 sizeClosed, uint256 fillPrice, uint256 notionalClosed, uint256 fee)
    {
        _requireLiquidationReduction(account, marketId, sizeDelta);
        Fill memory f = _execute(
            account,
            marketId,
            sizeDelta,
            sizeDelta > 0 ? type(uint256).max : 0,
            chargeFee ? Mode.ForcedWithFee : Mode.Forced,
            0
        );
        sizeClosed = f.sizeDelta;
        fillPrice = f.price;
        fee = f.fee;
        if (sizeClosed != 0) notionalClosed = MarginMath.notionalUp(sizeClosed, fillPrice);
    }

    /// @inheritdoc IPerpEngineCore
    function quoteForcedClose(address account, uint256 marketId, int256 sizeDelta)
        external
        view
        returns (int256 sizeClosed, uint256 fillPrice, uint256 boundPrice)
    {
        _requireMarket(marketId);
        if (sizeDelta == 0) revert IPerpEngine.ZeroSizeDelta();
        uint256 oraclePrice = _oraclePrice(marketId);
        int256 skew = _state[marketId].skew;
        int256 size = _record(account, marketId).size;
        (sizeClosed, boundPrice) = _fitted(marketId, oraclePrice, skew, _fairPremiumNow(marketId), size, sizeDelta);
        if (sizeClosed != 0) fillPrice = _fill(marketId, oraclePrice, skew, sizeClosed);
    }

    /// @inheritdoc IPerpEngineCore
    /// @dev `price` is the bankrupt position's bankruptcy price, capped by the caller so the victim's profit never turns
    ///      into a loss.
    function closeForAdl(address account, uint256 marketId, int256 sizeDelta, uint256 price) external nonReentrant {
        _requireLiquidationReduction(account, marketId, sizeDelta);
        _execute(account, marketId, sizeDelta, 0, Mode.Adl, price);
    }

    function _requireLiquidationReduction(address account, uint256 marketId, int256 sizeDelta) private view {
        if (msg.sender != _liquidationEngine) revert IPerpEngine.NotLiquidationEngine(msg.sender);
        int256 size = _record(account, marketId).size;
        if (
            sizeDelta == 0 || size == 0 || (size > 0) == (sizeDelta > 0)
                || FixedPointMath.abs(sizeDelta) > FixedPointMath.abs(size)
        ) revert IPerpEngine.NotAReduction(marketId, size, sizeDelta);
    }

    /// @dev A trade by the account or its operator. An operator's scope and price bound come from one vault call; the
    ///      account's own trades read neither. The bound is checked on the fill `_execute` computed (a refusal undoes
    ///      the whole trade).
    function _trade(address account, uint256 marketId, int256 sizeDelta, uint256 acceptablePrice)
        private
        returns (uint256)
    {
        uint256 priceBound;
        if (msg.sender != account) {
            (bool live, uint64 bound) = _vault.tradeScope(account, msg.sender);
            if (!live) revert IPerpEngine.NotAccountOrOperator(msg.sender, account);
            priceBound = bound;
        }
        if (sizeDelta == 0) revert IPerpEngine.ZeroSizeDelta();
        if (sizeDelta > MAX_TRADE_SIZE || sizeDelta < -MAX_TRADE_SIZE) {
            revert IPerpEngine.SizeDeltaTooLarge(sizeDelta, uint256(MAX_TRADE_SIZE));
        }
        _requireMarket(marketId);
        Fill memory f = _execute(account, marketId, sizeDelta, acceptablePrice, Mode.Trade, 0);
        if (priceBound != 0) _requireWithinOperatorBound(f, sizeDelta > 0, priceBound);
        return f.price;
    }

    /// @dev An operator's fill may deviate from the oracle price by at most `bound` (a fraction, 18 decimals) against
    ///      the account: a buy fills at most oracle × (1 + bound), rounded down; a sell at least oracle × (1 − bound),
    ///      rounded up (both against the operator). The vault caps the bound at 1e18.
    function _requireWithinOperatorBound(Fill memory f, bool buy, uint256 bound) private view {
        uint256 limit = buy
            ? FixedPointMath.mulDivDown(f.oraclePrice, WAD + bound, WAD)
            : FixedPointMath.mulDivUp(f.oraclePrice, WAD - bound, WAD);
        if (buy ? f.price > limit : f.price < limit) {
            revert IPerpEngine.OperatorPriceBoundExceeded(msg.sender, f.price, limit);
        }
    }

    /// @dev The trade itself. A forced close may fill less than asked (see `_fitForcedClose`; nothing when nothing
    ///      fits); a forced close without fee and an ADL close pay no trading fee; an ADL close fills at `fixedPrice`.
    function _execute(
        address account,
        uint256 marketId,
        int256 sizeDelta,
        uint256 acceptablePrice,
        Mode mode,
        uint256 fixedPrice
    ) private returns (Fill memory f) {
        address counterparty = _vaultRisk.liquidityVault;
        if (counterparty == address(0)) revert IPerpEngine.LiquidityVaultNotSet();

        f.oraclePrice = _oraclePrice(marketId);
        PositionRecord storage pos = _record(account, marketId);
        f.oldSize = pos.size;
        bool reducing = f.oldSize != 0 && (f.oldSize > 0) != (sizeDelta > 0)
            && FixedPointMath.abs(sizeDelta) <= FixedPointMath.abs(f.oldSize);
        MarketState storage s = _checkAndAccrue(f, marketId, reducing);
        if (mode == Mode.Adl) {
            f.price = fixedPrice;
        } else {
            if (mode != Mode.Trade) {
                sizeDelta = _fitForcedClose(account, marketId, s, f, sizeDelta);
                if (sizeDelta == 0) return f;
            }
            _price(f, marketId, s.skew, sizeDelta, acceptablePrice);
            if (mode == Mode.Forced) f.fee = 0;
        }
        f.sizeDelta = sizeDelta;
        f.fundingOwed = FundingMath.owedCeil(f.oldSize, s.fundingIndex - pos.lastFundingIndex);
        (f.newSize, f.newOpenNotional, f.realisedPnl) =
            PositionMath.applyTrade(f.oldSize, pos.openNotional, sizeDelta, f.price);

        _writeState(s, pos, f, sizeDelta);
        _updateAccountMarkets(account, marketId, f.oldSize, f.newSize);
        if (f.fundingOwed != 0) emit IPerpEngine.FundingSettled(account, marketId, f.fundingOwed);
        emit IPerpEngine.Trade(account, marketId, sizeDelta, f.price, f.fee, f.realisedPnl, f.newSize, f.newOpenNotional);

        _settleCash(account, counterparty, f);
        if (!reducing) _checkAfterIncrease(account, marketId, s, f);
        else if (mode == Mode.Trade) _checkAfterReduction(account, marketId, f);
    }

    /// @dev Checks a trade that is not a pure reduction against the pause and the oracle-move breaker, then accrues
    ///      the market. The funding breaker and the caps are judged after the trade (`_checkAfterIncrease`).
    function _checkAndAccrue(Fill memory f, uint256 marketId, bool reducing) private returns (MarketState storage s) {
        s = _state[marketId];
        if (!reducing) {
            if (_isReduceOnly(marketId)) revert IPerpEngine.MarketReduceOnly(marketId);
            _requireOracleBreakerClear(marketId, f.oraclePrice, _referenceNow(marketId, f.oraclePrice));
        }
        if (MarketAccrual.due(s)) {
            StoredParams storage p = _params[marketId];
            int256 premium = MarketAccrual.premium(p, s.skew);
            MarketAccrual.accrueAt(
                s, p, _breakerState[marketId], marketId, f.oraclePrice, premium, MarketAccrual.rate(p, premium)
            );
        }
    }

    /// @dev A forced close fills on the live skew like any trade, but only as far as its fill stays within the
    ///      account's own close impact measured from the fair premium (the premium behind the liquidation trigger):
    ///      the bound is the fill the whole close would get from the skew whose premium is the fair premium. Beyond
    ///      it, only what fits closes (`PricingMath.fitForcedClose`) and the rest waits; nothing beyond the bound is
    ///      booked to the counterparty, so trades around a forced close cannot worsen its price.
    ///      A cut that would leave a position below the minimum position margin closes it in full instead: dust left
    ///      open would hold a bankrupt account out of the waterfall, and a push can move a dust close's fill by at most
    ///      its dust notional times the push's premium.
    function _fitForcedClose(address account, uint256 marketId, MarketState storage s, Fill memory f, int256 delta)
        private
        returns (int256 fitted)
    {
        (fitted,) = _fitted(marketId, f.oraclePrice, s.skew, s.fairPremium, f.oldSize, delta);
        if (fitted != delta) emit IPerpEngine.ForcedCloseBounded(account, marketId, delta, fitted);
    }

    /// @dev The part of a forced close of `delta` (on a position of `size`) that fits its bound at `skew`, given the
    ///      fair premium, and the bound; the whole position when a cut would leave it below the minimum position
    ///      margin (at the oracle).
    function _fitted(uint256 marketId, uint256 oraclePrice, int256 skew, int256 fairPremium, int256 size, int256 delta)
        private
        view
        returns (int256 fitted, uint256 bound)
    {
        (fitted, bound) = _fitToBound(marketId, oraclePrice, skew, fairPremium, delta);
        if (fitted == delta) return (fitted, bound);
        uint256 notional = MarginMath.notionalUp(size + fitted, oraclePrice);
        uint256 im = MarginMath.initialMarginUp(notional, _tierFor(marketId, notional).maxLeverage);
        if (im < _params[marketId].minPositionMargin) fitted = -size;
    }

    /// @dev The largest part of `delta` whose fill at `skew` stays within the bound, and the bound.
    function _fitToBound(uint256 marketId, uint256 oraclePrice, int256 skew, int256 fairPremium, int256 delta)
        private
        view
        returns (int256, uint256 bound)
    {
        StoredParams storage p = _params[marketId];
        uint256 scale = p.skewScale;
        uint256 maxPremium = p.maxPremium;
        int256 fairSkew = FixedPointMath.mulDivTrunc(fairPremium, int256(scale), WAD);
        bound = PricingMath.fillPrice(oraclePrice, fairSkew, delta, scale, maxPremium);
        uint256 fit = PricingMath.fitForcedClose(oraclePrice, skew, delta, bound, scale, maxPremium);
        return (delta > 0 ? int256(fit) : -int256(fit), bound);
    }

    /// @dev Fill price (with the slippage bound) and fee.
    function _price(Fill memory f, uint256 marketId, int256 skew, int256 sizeDelta, uint256 acceptablePrice)
        private
        view
    {
        StoredParams storage p = _params[marketId];
        f.price = PricingMath.fillPrice(f.oraclePrice, skew, sizeDelta, p.skewScale, p.maxPremium);
        if (sizeDelta > 0 ? f.price > acceptablePrice : f.price < acceptablePrice) {
            revert IPerpEngine.SlippageExceeded(f.price, acceptablePrice);
        }
        f.fee = PricingMath.tradeFeeUp(skew, sizeDelta, f.price, p.makerFee, p.takerFee);
    }

    function _writeState(MarketState storage s, PositionRecord storage pos, Fill memory f, int256 sizeDelta)
        private
    {
        int128 index = s.fundingIndex;
        // Each value is cast before the fields sharing its slot are written, so every slot is written once.
        {
            // Remove the position's old terms from the market aggregates and add the new ones. The old funding term
            // is recomputed from the stored fields, so it is exactly what was added: the sums never drift.
            int256 oldBasis = FixedPointMath.mulDivCeil(f.oldSize, pos.lastFundingIndex, WAD);
            int256 newBasis = FixedPointMath.mulDivCeil(f.newSize, index, WAD);
            int128 sumFundingBasis = (s.sumFundingBasis + newBasis - oldBasis).toInt128();
            int128 sumOpenNotional = (s.sumOpenNotional + f.newOpenNotional - pos.openNotional).toInt128();
            s.sumFundingBasis = sumFundingBasis;
            s.sumOpenNotional = sumOpenNotional;
        }
        {
            int128 skew = (int256(s.skew) + sizeDelta).toInt128();
            uint128 openInterestLong = (s.openInterestLong + _longSide(f.newSize) - _longSide(f.oldSize)).toUint128();
            s.skew = skew;
            s.openInterestLong = openInterestLong;
        }
        int128 size = f.newSize.toInt128();
        int128 openNotional = f.newOpenNotional.toInt128();
        pos.size = size;
        pos.openNotional = openNotional;
        pos.lastFundingIndex = index;
    }

    function _longSide(int256 size) private pure returns (uint256) {
        return size > 0 ? uint256(size) : 0;
    }

    function _shortSide(int256 size) private pure returns (uint256) {
        return size < 0 ? uint256(-size) : 0;
    }

    /// @dev Adds `marketId` to the account's market list when a position opens (in its first free entry, which
    ///      is where `_record` placed it) and removes it when one closes.
    function _updateAccountMarkets(address account, uint256 marketId, int256 oldSize, int256 newSize) private {
        if ((oldSize == 0) == (newSize == 0)) return;
        PositionRecord storage home = _positions[account][HOME];
        uint256 list = home.markets;
        if (oldSize == 0) {
            uint256 maxPositions = _globals.maxPositionsPerAccount;
            if (MarketList.count(list) >= maxPositions) revert IPerpEngine.TooManyPositions(maxPositions);
            list = MarketList.add(list, marketId);
        } else {
            list = MarketList.remove(list, marketId);
        }
        home.markets = uint128(list);
    }

    /// @dev Funding, fee and realised PnL as one net move with the liquidity vault. The insurance fund's share of
    ///      the fee (rounded down) is only counted here, in a slot every trade already reads, and swept to the fund
    ///      later (`sweepInsuranceFees`): one collateral move per trade instead of two.
    function _settleCash(address account, address counterparty, Fill memory f) private {
        if (f.fee != 0) {
            uint256 share = _globals.insuranceFeeShare;
            if (share != 0) {
                uint256 toFund = FixedPointMath.mulDivDown(f.fee, share, WAD);
                _globals.pendingInsuranceFees = (_globals.pendingInsuranceFees + toFund).toUint112();
            }
        }
        int256 owed = f.fundingOwed + int256(f.fee) - f.realisedPnl;
        if (owed > 0) _vault.transferBalanceAllowingDebt(account, counterparty, uint256(owed));
        else if (owed < 0) _vault.transferBalanceAllowingDebt(counterparty, account, uint256(-owed));
    }

    /// @inheritdoc IPerpEngineCore
    function sweepInsuranceFees() external nonReentrant returns (uint256 amount) {
        amount = _globals.pendingInsuranceFees;
        if (amount == 0) return 0;
        _globals.pendingInsuranceFees = 0;
        emit IPerpEngine.InsuranceFeesSwept(_insuranceFund, amount);
        _vault.transferBalanceAllowingDebt(_vaultRisk.liquidityVault, _insuranceFund, amount);
    }

    /// @dev After a trade that opens, increases or flips: the caps, each refusing only a trade that increases what it
    ///      caps (a side's open interest; |skew| for maxSkew, the funding breaker and the skew-to-cash limit), then the
    ///      position minimum, the tier ceiling and initial margin with every position valued at the worse of its exit
    ///      and fair price.
    function _checkAfterIncrease(address account, uint256 marketId, MarketState storage s, Fill memory f)
        private
        view
    {
        StoredParams storage p = _params[marketId];
        uint256 cap = p.maxOpenInterest;
        uint256 openInterestLong = s.openInterestLong;
        int256 skewAfter = s.skew;
        if (_longSide(f.newSize) > _longSide(f.oldSize)) {
            if (openInterestLong > cap) revert IPerpEngine.OpenInterestCapExceeded(marketId, openInterestLong, cap);
            _requireOpenInterestWithinCash(marketId, openInterestLong, f.oraclePrice);
        }
        if (_shortSide(f.newSize) > _shortSide(f.oldSize)) {
            uint256 openInterestShort = uint256(int256(openInterestLong) - skewAfter);
            if (openInterestShort > cap) revert IPerpEngine.OpenInterestCapExceeded(marketId, openInterestShort, cap);
            _requireOpenInterestWithinCash(marketId, openInterestShort, f.oraclePrice);
        }
        uint256 absSkew = FixedPointMath.abs(skewAfter);
        if (absSkew > FixedPointMath.abs(skewAfter - f.sizeDelta)) {
            if (absSkew > p.maxSkew) revert IPerpEngine.MaxSkewExceeded(marketId, absSkew, p.maxSkew);
            _requireFundingBreakerClear(marketId, PricingMath.premium(skewAfter, p.skewScale, p.maxPremium));
        }

        uint256 notional = MarginMath.notionalUp(f.newSize, f.oraclePrice);
        uint256 positionIm = MarginMath.initialMarginUp(notional, _tierWithin(marketId, notional).maxLeverage);
        if (positionIm < p.minPositionMargin) revert IPerpEngine.PositionBelowMinimumMargin(positionIm, p.minPositionMargin);

        MarginSummary memory m = _margin(account, _vault.collateralOf(account), true, marketId, f.oraclePrice);
        if (m.equity < int256(m.initialMargin)) revert IPerpEngine.InsufficientMargin(m.equity, m.initialMargin);
    }

    /// @dev After a voluntary reduction: a partial one may not leave less than the minimum position margin (close in
    ///      full instead); and no reduction may leave the account bankrupt: flat with negative collateral, or holding
    ///      positions with equity (at fair prices) at or below zero when its collateral is negative or its fill was
    ///      worse than the forced-close bound (its own close impact from the fair premium: a pushed skew). Otherwise a
    ///      close at a pushed skew could hand the bad debt to the fund and the LPs, outside the forced-close bound (a
    ///      partial close that keeps collateral ≥ 0 can still leave the rest of the account below zero); such an
    ///      account must be liquidated (`BankruptCloseNeedsLiquidation`). A close within the bound loses no more than
    ///      a liquidation would, so it skips the valuation.
    function _checkAfterReduction(address account, uint256 marketId, Fill memory f) private view {
        if (f.newSize != 0) {
            uint256 notional = MarginMath.notionalUp(f.newSize, f.oraclePrice);
            uint256 remaining = MarginMath.initialMarginUp(notional, _tierFor(marketId, notional).maxLeverage);
            uint256 minMargin = _params[marketId].minPositionMargin;
            if (remaining < minMargin) {
                revert IPerpEngine.PartialCloseBelowMinimumMargin(marketId, remaining, minMargin, -f.oldSize);
            }
        }
        int256 collateral = _vault.collateralOf(account);
        if (_marketList(account) == 0) {
            if (collateral < 0) revert IPerpEngine.BankruptCloseNeedsLiquidation(account, collateral);
            return;
        }
        if (collateral >= 0 && !_fillBeyondBound(marketId, f)) return;
        if (_margin(account, collateral, false, marketId, f.oraclePrice).equity <= 0) {
            revert IPerpEngine.BankruptCloseNeedsLiquidation(account, collateral);
        }
    }

    /// @dev Whether a voluntary reduction filled worse for the account than a forced close of the same size would be
    ///      allowed to: the fill of the whole reduction from the skew whose premium is the fair premium.
    function _fillBeyondBound(uint256 marketId, Fill memory f) private view returns (bool) {
        StoredParams storage p = _params[marketId];
        uint256 scale = p.skewScale;
        int256 fairSkew = FixedPointMath.mulDivTrunc(_state[marketId].fairPremium, int256(scale), WAD);
        uint256 bound = PricingMath.fillPrice(f.oraclePrice, fairSkew, f.sizeDelta, scale, p.maxPremium);
        return f.sizeDelta < 0 ? f.price < bound : f.price > bound;
    }

    /// @dev A side of a market that a trade grew, valued at the oracle, may not exceed `openInterestCashRatio` of the
    ///      liquidity vault's cash: its collateral less the collateral vault's total debt (the part of the balances that
    ///      is not tokens), read in one call. Capping each side (not the net skew) bounds the skew whatever later
    ///      own-position reductions do: closing one leg of a hedged book leaves at most the other side's size.
    function _requireOpenInterestWithinCash(uint256 marketId, uint256 openInterest, uint256 oraclePrice) private view {
        (int256 collateral, uint256 debt) = _vault.collateralAndDebt(_vaultRisk.liquidityVault);
        uint256 cash = collateral > int256(debt) ? uint256(collateral - int256(debt)) : 0;
        uint256 limit = FixedPointMath.mulDivDown(cash, _vaultRisk.openInterestCashRatio, WAD);
        uint256 notional = MarginMath.notionalUp(int256(openInterest), oraclePrice);
        if (notional > limit) revert IPerpEngine.OpenInterestAboveCashLimit(marketId, notional, limit);
    }

    // ------------------------------------------------------------------ withdraw guard

    /// @inheritdoc IWithdrawGuard
    /// @dev max(0, min(collateral, equity − Σ IM)), every position at the worse of its exit and fair price (a market
    ///      whose oracle fails at its worst case within the breaker band). A flat account reads no oracle, so it can
    ///      always withdraw.
    function withdrawableUsd(address account, int256 collateral) external view returns (uint256) {
        if (_marketList(account) == 0) return collateral > 0 ? uint256(collateral) : 0;
        return _margin(account, collateral, true, NO_MARKET, 0).withdrawable;
    }

    // ------------------------------------------------------------------ wiring (set through the admin module)

    /// @inheritdoc IPerpCounterparty
    function liquidationEngine() external view returns (address) {
        return _liquidationEngine;
    }

    /// @inheritdoc IPerpEngineCore
    function insuranceFeeShare() external view returns (address fund, uint256 share) {
        return (_insuranceFund, _globals.insuranceFeeShare);
    }

    /// @inheritdoc IPerpEngineCore
    function pendingInsuranceFees() external view returns (uint256) {
        return _globals.pendingInsuranceFees;
    }

    /// @inheritdoc IPerpEngineCore
    function collateralVault() external view returns (address) {
        return address(_vault);
    }

    /// @inheritdoc IPerpEngineCore
    function liquidityVault() external view returns (address) {
        return _vaultRisk.liquidityVault;
    }
}
