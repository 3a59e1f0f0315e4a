// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {AccountMargin} from "./engine/AccountMargin.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {
    AccountMargin as AccountMarginSummary, MarketState
} from "./interfaces/PerpTypes.sol";
import {FixedPointMath} from "./libraries/FixedPointMath.sol";
import {FundingMath} from "./libraries/FundingMath.sol";
import {MarginMath} from "./libraries/MarginMath.sol";
import {MarketList} from "./libraries/MarketList.sol";
import {PositionMath} from "./libraries/PositionMath.sol";
import {PricingMath} from "./libraries/PricingMath.sol";

/// @title PerpEngine
/// @notice Trading in cross-margin accounts against the liquidity vault (SPEC §3–5): every trade accrues the
///         market, settles the position's funding, fills at the average premium before/after, settles fees and
///         realised PnL into collateral, then checks caps and margin.
/// @dev Shape of `trade`: checks → accrue → compute → write storage → emit → move collateral (the vault is a
///      trusted internal ledger) → post-trade margin check (a view).
contract PerpEngine is AccountMargin, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @dev Largest backing ratio the admin may set.
    uint256 private constant MAX_BACKING_RATIO = 2e18;

    /// @dev Largest share of trading fees the admin may send to the insurance fund.
    uint256 private constant MAX_INSURANCE_FEE_SHARE = 0.5e18;

    address private _liquidityVault;
    address private _liquidationEngine;
    address private _insuranceFund;

    /// @dev What one trade computes before it writes.
    struct Fill {
        uint256 oraclePrice;
        uint256 price;
        uint256 fee;
        int256 fundingOwed;
        int256 realisedPnl;
        int256 oldSize;
        int256 newSize;
        int256 newOpenNotional;
        int256 premiumBefore;
        int256 premiumAfter;
    }

    /// @param vault_ The collateral vault (this engine must be one of its balance managers and its guard).
    /// @param owner_ The admin.
    constructor(ICollateralVault vault_, address owner_) Ownable(owner_) AccountMargin(vault_) {
        if (address(vault_) == address(0)) revert ZeroAddress();
    }

    // ------------------------------------------------------------------ trading

    /// @notice Trade `sizeDelta` in `marketId` for `account` (open, increase, reduce, close or flip).
    /// @param account The margin account (the caller or an account that approved the caller as operator).
    /// @param marketId The market.
    /// @param sizeDelta Signed size: positive buys, negative sells.
    /// @param acceptablePrice Worst fill accepted: a maximum for a buy, a minimum for a sell.
    /// @return fillPrice The fill price.
    function trade(address account, uint256 marketId, int256 sizeDelta, uint256 acceptablePrice)
        external
        nonReentrant
        returns (uint256 fillPrice)
    {
        return _trade(account, marketId, sizeDelta, acceptablePrice);
    }

    /// @notice Close `account`'s whole position in `marketId`.
    /// @param account The margin account.
    /// @param marketId The market.
    /// @param acceptablePrice Worst fill accepted.
    /// @return fillPrice The fill price.
    function closePosition(address account, uint256 marketId, uint256 acceptablePrice)
        external
        nonReentrant
        returns (uint256 fillPrice)
    {
        return _trade(account, marketId, -int256(_record(account, marketId).size), acceptablePrice);
    }

    /// @notice Accrue funding and advance the fair price of a market (anyone may call).
    /// @param marketId The market.
    function accrue(uint256 marketId) external nonReentrant {
        _requireMarket(marketId);
        _accrue(marketId, _oraclePrice(marketId));
    }

    /// @notice Reduce or close `account`'s position for the liquidation engine: fills with skew impact like any
    ///         trade (slippage is the account's loss), without a slippage bound, trading fee or margin check, and
    ///         whatever the market's pause or breaker state. Collateral may go negative (bad debt).
    /// @param account The account being liquidated.
    /// @param marketId The market.
    /// @param sizeDelta A reduction of the position (opposite sign, at most its size).
    /// @return fillPrice The fill price.
    /// @return notionalClosed |sizeDelta| × fillPrice, rounded up.
    function closeForLiquidation(address account, uint256 marketId, int256 sizeDelta)
        external
        nonReentrant
        returns (uint256 fillPrice, uint256 notionalClosed)
    {
        _requireLiquidationReduction(account, marketId, sizeDelta);
        fillPrice = _execute(account, marketId, sizeDelta, sizeDelta > 0 ? type(uint256).max : 0, true, 0);
        notionalClosed = MarginMath.notionalUp(sizeDelta, fillPrice);
    }

    /// @notice Reduce `account`'s position at `price` for auto-deleveraging (liquidation engine only): no fee, no
    ///         margin check, whatever the pause or breaker state.
    /// @param account The deleveraged account.
    /// @param marketId The market.
    /// @param sizeDelta A reduction of the position.
    /// @param price The price it is closed at (the bankrupt position's bankruptcy price, capped by the caller so the
    ///        victim's profit never turns into a loss).
    function closeForAdl(address account, uint256 marketId, int256 sizeDelta, uint256 price) external nonReentrant {
        _requireLiquidationReduction(account, marketId, sizeDelta);
        _execute(account, marketId, sizeDelta, 0, true, price);
    }

    function _requireLiquidationReduction(address account, uint256 marketId, int256 sizeDelta) private view {
        if (msg.sender != _liquidationEngine) revert NotLiquidationEngine(msg.sender);
        int256 size = _record(account, marketId).size;
        if (
            sizeDelta == 0 || size == 0 || (size > 0) == (sizeDelta > 0)
                || FixedPointMath.abs(sizeDelta) > FixedPointMath.abs(size)
        ) revert NotAReduction(marketId, size, sizeDelta);
    }

    function _trade(address account, uint256 marketId, int256 sizeDelta, uint256 acceptablePrice)
        private
        returns (uint256)
    {
        if (msg.sender != account && !_vault.isOperator(account, msg.sender)) {
            revert NotAccountOrOperator(msg.sender, account);
        }
        if (sizeDelta == 0) revert ZeroSizeDelta();
        _requireMarket(marketId);
        return _execute(account, marketId, sizeDelta, acceptablePrice, false, 0);
    }

    /// @dev The trade itself. A liquidation or ADL close (checked by the caller to be a reduction) pays no trading
    ///      fee; an ADL close fills at `fixedPrice` instead of the skew-priced fill.
    function _execute(
        address account,
        uint256 marketId,
        int256 sizeDelta,
        uint256 acceptablePrice,
        bool liquidation,
        uint256 fixedPrice
    ) private returns (uint256) {
        address counterparty = _liquidityVault;
        if (counterparty == address(0)) revert LiquidityVaultNotSet();

        Fill memory f;
        f.oraclePrice = _oraclePrice(marketId);
        PositionRecord storage pos = _record(account, marketId);
        f.oldSize = pos.size;
        bool reducing = f.oldSize != 0 && (f.oldSize > 0) != (sizeDelta > 0)
            && FixedPointMath.abs(sizeDelta) <= FixedPointMath.abs(f.oldSize);
        MarketState storage s = _checkAndAccrue(f, marketId, reducing);
        if (fixedPrice != 0) f.price = fixedPrice;
        else _price(f, marketId, s.skew, sizeDelta, acceptablePrice);
        if (liquidation) f.fee = 0;
        f.fundingOwed = FundingMath.owedCeil(f.oldSize, s.fundingIndex - pos.lastFundingIndex);
        (f.newSize, f.newOpenNotional, f.realisedPnl) =
            PositionMath.applyTrade(f.oldSize, pos.openNotional, sizeDelta, f.price);

        _writeState(s, pos, f, sizeDelta);
        _updateAccountMarkets(account, marketId, f.oldSize, f.newSize);
        if (f.fundingOwed != 0) emit FundingSettled(account, marketId, f.fundingOwed);
        emit Trade(account, marketId, sizeDelta, f.price, f.fee, f.realisedPnl, f.newSize, f.newOpenNotional);

        _settleCash(account, counterparty, f);
        if (!reducing) _checkAfterIncrease(account, marketId, s, f);
        else if (!liquidation && f.newSize == 0) _requireNotBankruptWhenFlat(account);
        return f.price;
    }

    /// @dev Checks a trade that is not a pure reduction against the pause and the breakers, then accrues the market.
    ///      The premium and funding rate at the skew before the trade serve the breaker check, the accrual and the
    ///      fill (`f.premiumBefore`), so each is computed once.
    function _checkAndAccrue(Fill memory f, uint256 marketId, bool reducing) private returns (MarketState storage s) {
        s = _state[marketId];
        int256 premium = _premium(marketId, s.skew);
        f.premiumBefore = premium;
        bool due = _accrualDue(s);
        int256 rate = !reducing || due ? _rate(_params[marketId], premium) : int256(0);
        if (!reducing) {
            if (isReduceOnly(marketId)) revert MarketReduceOnly(marketId);
            _requireBreakersClear(marketId, f.oraclePrice, _referenceNow(marketId, f.oraclePrice), rate);
        }
        if (due) _accrueAt(marketId, s, f.oraclePrice, premium, rate);
    }

    /// @dev A voluntary close may not leave an account flat with negative collateral: its equity is ≤ 0, so it is
    ///      liquidatable, and the liquidation engine's waterfall (fund, then ADL) must settle that debt.
    function _requireNotBankruptWhenFlat(address account) private view {
        if (_marketList(account) != 0) return;
        int256 collateral = _vault.collateralOf(account);
        if (collateral < 0) revert BankruptCloseNeedsLiquidation(account, collateral);
    }

    /// @dev Fill price (with the slippage bound) and fee.
    function _price(Fill memory f, uint256 marketId, int256 skew, int256 sizeDelta, uint256 acceptablePrice)
        private
        view
    {
        StoredParams storage p = _params[marketId];
        f.premiumAfter = PricingMath.premium(skew + sizeDelta, p.skewScale, p.maxPremium);
        f.price = PricingMath.fillPrice(f.oraclePrice, f.premiumBefore, f.premiumAfter, sizeDelta > 0);
        if (sizeDelta > 0 ? f.price > acceptablePrice : f.price < acceptablePrice) {
            revert SlippageExceeded(f.price, acceptablePrice);
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
            (uint256 oldLong, uint256 oldShort) = _sides(f.oldSize);
            (uint256 newLong, uint256 newShort) = _sides(f.newSize);
            int128 skew = (int256(s.skew) + sizeDelta).toInt128();
            uint128 openInterestLong = (s.openInterestLong + newLong - oldLong).toUint128();
            s.skew = skew;
            s.openInterestLong = openInterestLong;
            s.openInterestShort = (s.openInterestShort + newShort - oldShort).toUint128();
        }
        int128 size = f.newSize.toInt128();
        int128 openNotional = f.newOpenNotional.toInt128();
        pos.size = size;
        pos.openNotional = openNotional;
        pos.lastFundingIndex = index;
    }

    function _sides(int256 size) private pure returns (uint256 longSize, uint256 shortSize) {
        if (size >= 0) return (uint256(size), 0);
        return (0, uint256(-size));
    }

    /// @dev Adds `marketId` to the account's market list when a position opens (in its first free entry, which
    ///      is where `_record` placed it) and removes it when one closes.
    function _updateAccountMarkets(address account, uint256 marketId, int256 oldSize, int256 newSize) private {
        if ((oldSize == 0) == (newSize == 0)) return;
        PositionRecord storage home = _positions[account][HOME];
        uint256 list = home.markets;
        if (oldSize == 0) {
            uint256 maxPositions = maxPositionsPerAccount();
            if (MarketList.count(list) >= maxPositions) revert TooManyPositions(maxPositions);
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

    /// @notice Move the insurance fund's accrued share of trading fees from the liquidity vault to the fund
    ///         (anyone may call).
    /// @return amount What was moved, USD.
    function sweepInsuranceFees() public nonReentrant returns (uint256 amount) {
        amount = _globals.pendingInsuranceFees;
        if (amount == 0) return 0;
        _globals.pendingInsuranceFees = 0;
        emit InsuranceFeesSwept(_insuranceFund, amount);
        _vault.transferBalanceAllowingDebt(_liquidityVault, _insuranceFund, amount);
    }

    /// @dev Caps, position minimum, tier ceiling and initial margin after a trade that opens or increases.
    function _checkAfterIncrease(address account, uint256 marketId, MarketState storage s, Fill memory f)
        private
        view
    {
        StoredParams storage p = _params[marketId];
        uint256 cap = p.maxOpenInterest;
        if (s.openInterestLong > cap) revert OpenInterestCapExceeded(marketId, s.openInterestLong, cap);
        if (s.openInterestShort > cap) revert OpenInterestCapExceeded(marketId, s.openInterestShort, cap);
        uint256 absSkew = FixedPointMath.abs(s.skew);
        if (absSkew > p.maxSkew) revert MaxSkewExceeded(marketId, absSkew, p.maxSkew);

        // The mark at the new skew: the premium after the trade, already computed for the fill.
        uint256 mark = PricingMath.markPriceDown(f.oraclePrice, f.premiumAfter);
        uint256 notional = MarginMath.notionalUp(f.newSize, mark);
        uint256 positionIm = MarginMath.initialMarginUp(notional, _tierWithin(marketId, notional).maxLeverage);
        if (positionIm < p.minPositionMargin) revert PositionBelowMinimumMargin(positionIm, p.minPositionMargin);

        AccountMarginSummary memory m =
            _margin(account, _vault.collateralOf(account), false, marketId, f.oraclePrice, mark);
        if (m.equity < int256(m.initialMargin)) revert InsufficientMargin(m.equity, m.initialMargin);
    }

    // ------------------------------------------------------------------ withdraw guard

    /// @notice Free collateral of `account`: max(0, min(collateral, equity − Σ IM)) at mark prices.
    /// @dev A flat account reads no oracle, so it can always withdraw.
    /// @param account The margin account.
    /// @param collateral Its collateral as the vault sees it.
    /// @return withdrawable 18-decimal USD.
    function withdrawableUsd(address account, int256 collateral) external view returns (uint256) {
        if (_marketList(account) == 0) return collateral > 0 ? uint256(collateral) : 0;
        return _margin(account, collateral, false, NO_MARKET, 0, 0).withdrawable;
    }

    // ------------------------------------------------------------------ wiring

    /// @notice Set the liquidity vault, counterparty of every market's net skew (once).
    /// @param liquidityVault_ The ERC-4626 liquidity vault; its collateral account takes the other side.
    function setLiquidityVault(address liquidityVault_) external onlyOwner {
        if (liquidityVault_ == address(0)) revert ZeroAddress();
        if (_liquidityVault != address(0)) revert LiquidityVaultAlreadySet();
        _liquidityVault = liquidityVault_;
        emit LiquidityVaultSet(liquidityVault_);
    }

    /// @notice Set the fraction of Σ |skew| × mark the liquidity vault must keep as assets (0 to 2e18).
    /// @param ratio 18 decimals.
    function setBackingRatio(uint256 ratio) external onlyOwner {
        _checkBounds("backingRatio", ratio, 0, MAX_BACKING_RATIO);
        _backingRatio = ratio;
        emit BackingRatioSet(ratio);
    }

    /// @notice Set the liquidation engine, the only caller of `closeForLiquidation` (once).
    /// @param liquidationEngine_ The liquidation engine.
    function setLiquidationEngine(address liquidationEngine_) external onlyOwner {
        if (liquidationEngine_ == address(0)) revert ZeroAddress();
        if (_liquidationEngine != address(0)) revert LiquidationEngineAlreadySet();
        _liquidationEngine = liquidationEngine_;
        emit LiquidationEngineSet(liquidationEngine_);
    }

    /// @notice Send `share` of every trading fee to `fund` (share 0 to 50 %; the rest goes to the liquidity vault).
    /// @param fund The insurance fund's collateral account (required when share > 0).
    /// @param share 18 decimals.
    function setInsuranceFeeShare(address fund, uint256 share) external onlyOwner {
        _checkBounds("insuranceFeeShare", share, 0, MAX_INSURANCE_FEE_SHARE);
        if (share != 0 && fund == address(0)) revert ZeroAddress();
        if (_globals.pendingInsuranceFees != 0) sweepInsuranceFees();
        _insuranceFund = fund;
        _globals.insuranceFeeShare = uint64(share);
        emit InsuranceFeeShareSet(fund, share);
    }

    /// @notice The liquidation engine.
    function liquidationEngine() external view returns (address) {
        return _liquidationEngine;
    }

    /// @notice Where the insurance share of trading fees goes, and the share (18 decimals).
    function insuranceFeeShare() external view returns (address fund, uint256 share) {
        return (_insuranceFund, _globals.insuranceFeeShare);
    }

    /// @notice The insurance fund's share of trading fees accrued and not yet swept, USD.
    function pendingInsuranceFees() external view returns (uint256) {
        return _globals.pendingInsuranceFees;
    }

    /// @notice The collateral vault.
    function collateralVault() external view returns (address) {
        return address(_vault);
    }

    /// @notice The liquidity vault, counterparty of the net skew.
    function liquidityVault() external view returns (address) {
        return _liquidityVault;
    }
}
