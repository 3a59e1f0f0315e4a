// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {LiquidationConfig} from "../interfaces/ILiquidationEngine.sol";
import {Position} from "../interfaces/PerpTypes.sol";
import {WAD} from "./Constants.sol";
import {FixedPointMath} from "./FixedPointMath.sol";
import {PositionMath} from "./PositionMath.sol";
import {TokenUnits} from "./TokenUnits.sol";

/// @notice What an account pays of its liquidation's fee and where it goes (`LiquidationMath.liquidationFeeCharge`).
/// @param fee notionalClosed × feeRate, rounded up, USD.
/// @param reward The keeper reward owed: fee × keeperShare rounded down, within [minKeeperReward, maxKeeperReward]
///        (no floor when a close was cut by its bound), USD.
/// @param fromAccount What the account pays: max(fee, reward), at most its positive collateral, USD.
/// @param keeperRewardFromAccount The part of the reward the account pays, in whole USDC units (rounded down), USD.
/// @param insuranceFee What the insurance fund receives from the account: fromAccount − keeperRewardFromAccount, USD.
/// @param fundTopUpWanted What the fund is asked to add to the reward (it pays as far as its balance goes): the
///        reward the account could not pay, when the notional closed is large enough (`fundTopsUp`); else 0, USD.
struct LiquidationFeeCharge {
    uint256 fee;
    uint256 reward;
    uint256 fromAccount;
    uint256 keeperRewardFromAccount;
    uint256 insuranceFee;
    uint256 fundTopUpWanted;
}

/// @title LiquidationMath
/// @notice The liquidation engine's formulas over plain values: the fee and keeper reward of a liquidation and how
///         they are split between the account, the keeper and the insurance fund; the size each position closes
///         by; the cooldown; what a preview expects; and auto-deleveraging's rank, bankruptcy price, step price,
///         size and cover, and the pnl-factor reduction's limit and reward. `liquidate` and `previewLiquidation`
///         (and the ADL entry points and their previews) use these same functions, so a preview cannot drift from
///         what executes. The SDK mirrors each one by name and argument order (`sdk/src/math/liquidationMath.ts`).
/// @dev Every amount is 18-decimal USD unless named otherwise; every rounding is against the account being
///      liquidated or deleveraged and in favour of the shared pools.
library LiquidationMath {
    // ------------------------------------------------------------------ liquidation fee

    /// @notice fee = ⌈notionalClosed × feeRate⌉; reward = ⌊fee × keeperShare⌋, raised to minKeeperReward unless a
    ///         close was `cut` by its forced-close bound (a push could otherwise make slivers pay the floor again and
    ///         again), then capped at maxKeeperReward.
    function liquidationFeeAndReward(uint256 notionalClosed, LiquidationConfig memory config, bool cut)
        internal
        pure
        returns (uint256 fee, uint256 reward)
    {
        fee = FixedPointMath.mulDivUp(notionalClosed, config.feeRate, WAD);
        reward = FixedPointMath.mulDivDown(fee, config.keeperShare, WAD);
        if (!cut && reward < config.minKeeperReward) reward = config.minKeeperReward;
        if (reward > config.maxKeeperReward) reward = config.maxKeeperReward;
    }

    /// @notice What the account is charged for closing `notionalClosed`: max(fee, reward) (collateral permitting).
    function liquidationCharge(uint256 notionalClosed, LiquidationConfig memory config, bool cut)
        internal
        pure
        returns (uint256)
    {
        (uint256 fee, uint256 reward) = liquidationFeeAndReward(notionalClosed, config, cut);
        return Math.max(fee, reward);
    }

    /// @notice Whether the insurance fund tops the keeper reward up: only for a close of at least
    ///         minKeeperReward / feeRate of notional (notionalClosed × feeRate ≥ minKeeperReward × 10^18), whose fee
    ///         covers the floor, so a dust account cannot make the shared fund pay.
    function fundTopsUp(uint256 notionalClosed, LiquidationConfig memory config) internal pure returns (bool) {
        return notionalClosed * config.feeRate >= uint256(config.minKeeperReward) * WAD;
    }

    /// @notice The fee split of a liquidation that closed `notionalClosed` and left the account `collateral`: it pays
    ///         max(fee, reward) out of its positive collateral; the reward comes first and goes to the keeper in
    ///         whole USDC units, the rest (with the reward's sub-unit dust) to the insurance fund; what it cannot pay
    ///         of the reward, the fund is asked to top up when `fundTopsUp` holds.
    function liquidationFeeCharge(uint256 notionalClosed, int256 collateral, LiquidationConfig memory config, bool cut)
        internal
        pure
        returns (LiquidationFeeCharge memory c)
    {
        (c.fee, c.reward) = liquidationFeeAndReward(notionalClosed, config, cut);
        uint256 charge = Math.max(c.fee, c.reward);
        c.fromAccount = collateral > 0 ? Math.min(charge, uint256(collateral)) : 0;
        uint256 rewardFromAccount = Math.min(c.reward, c.fromAccount);
        c.keeperRewardFromAccount = wholeUnits(rewardFromAccount);
        c.insuranceFee = c.fromAccount - c.keeperRewardFromAccount;
        if (c.reward > rewardFromAccount && fundTopsUp(notionalClosed, config)) {
            c.fundTopUpWanted = c.reward - rewardFromAccount;
        }
    }

    /// @notice `usd` rounded down to whole USDC units (what `CollateralVault.payOut` can send), USD.
    function wholeUnits(uint256 usd) internal pure returns (uint256) {
        return TokenUnits.toUsd(TokenUnits.toTokenDown(usd));
    }

    // ------------------------------------------------------------------ liquidation closes

    /// @notice The size change a liquidation asks of one position: a slice of `sliceFraction` (truncated toward zero)
    ///         of a position whose cost basis |openNotional| is above `partialNotional`, the whole position otherwise,
    ///         when the account is bankrupt, or when the slice rounds to nothing or to the whole position.
    function liquidationCloseSize(Position memory position, LiquidationConfig memory config, bool bankrupt)
        internal
        pure
        returns (int256 sizeDelta, bool isSlice)
    {
        int256 size = position.size;
        if (bankrupt) return (-size, false);
        if (FixedPointMath.abs(position.openNotional) <= config.partialNotional) return (-size, false);
        sizeDelta = -FixedPointMath.mulDivTrunc(size, int256(uint256(config.sliceFraction)), WAD);
        if (sizeDelta == 0 || sizeDelta == -size) return (-size, false);
        isSlice = true;
    }

    /// @notice How a close of `closed` at `fill` moves the account's collateral: the PnL it realises minus the
    ///         funding the position owes (`funding`, settled with it).
    function liquidationCloseCashDelta(Position memory position, int256 closed, uint256 fill, int256 funding)
        internal
        pure
        returns (int256)
    {
        (,, int256 realised) = PositionMath.applyTrade(position.size, position.openNotional, closed, fill);
        return realised - funding;
    }

    /// @notice The bad debt a liquidation leaves: what the account owes after the closes and the fee, when every
    ///         position closed in full (`closesAll`); 0 otherwise (the rest stays open and keeps its margin).
    /// @param collateralAfterCloses The account's collateral after the closes, before the fee.
    /// @param fromAccount What it pays of the fee (`LiquidationFeeCharge.fromAccount`).
    function liquidationBadDebt(int256 collateralAfterCloses, uint256 fromAccount, bool closesAll)
        internal
        pure
        returns (uint256)
    {
        int256 after_ = collateralAfterCloses - SafeCast.toInt256(fromAccount);
        return closesAll && after_ < 0 ? uint256(-after_) : 0;
    }

    /// @notice Whether an account partially liquidated at `lastPartial` (0: never) is still in its cooldown at
    ///         `timestamp` (a bankrupt account is liquidated regardless; the caller checks that).
    function liquidationCoolingDown(uint256 lastPartial, uint256 cooldown, uint256 timestamp)
        internal
        pure
        returns (bool)
    {
        return lastPartial != 0 && timestamp < lastPartial + cooldown;
    }

    // ------------------------------------------------------------------ auto-deleveraging

    /// @notice ADL rank: unrealised PnL % × leverage (18 decimals), PnL % = ⌊pnl / |openNotional|⌋ with the PnL at
    ///         mark, leverage = ⌊|openNotional + pnl| / equity⌋ (the notional at mark over the account's equity), the
    ///         product rounded down. 0 for no position or a PnL ≤ 0; type(uint256).max for an equity ≤ 0.
    function adlRank(Position memory position, int256 pnl, int256 equity) internal pure returns (uint256) {
        if (position.size == 0 || pnl <= 0) return 0;
        if (equity <= 0) return type(uint256).max;
        uint256 notional = FixedPointMath.abs(int256(position.openNotional) + pnl);
        uint256 pnlFraction = FixedPointMath.mulDivDown(uint256(pnl), WAD, FixedPointMath.abs(position.openNotional));
        uint256 leverage = FixedPointMath.mulDivDown(notional, WAD, uint256(equity));
        return FixedPointMath.mulDivDown(pnlFraction, leverage, WAD);
    }

    /// @notice The bankruptcy price of a close of `closedDelta` at `fill` that left `totalLoss` unpaid: where that
    ///         close would have left the account at zero, fill ± ⌈totalLoss / |closedDelta|⌉ (for a short, at least 1).
    function adlBankruptcyPrice(int256 closedDelta, uint256 fill, uint256 totalLoss) internal pure returns (uint256) {
        uint256 perUnit = FixedPointMath.mulDivUp(totalLoss, WAD, FixedPointMath.abs(closedDelta));
        if (closedDelta < 0) return fill + perUnit;
        return fill > perUnit ? fill - perUnit : 1;
    }

    /// @notice A request's remaining shortfall shrunk to the bankrupt account's debt now (a deposit into its negative
    ///         collateral repays debt, and that part needs no victim).
    /// @return The shortfall left for victims: min(remaining, debt).
    /// @return repaid What the account repaid itself.
    /// @return resolvedByRepayment Nothing is left: the request resolves with no victim.
    function adlRepayment(uint256 remaining, int256 bankruptCollateral)
        internal
        pure
        returns (uint256, uint256 repaid, bool resolvedByRepayment)
    {
        uint256 debt = bankruptCollateral < 0 ? uint256(-bankruptCollateral) : 0;
        if (debt >= remaining) return (remaining, 0, false);
        return (debt, remaining - debt, debt == 0);
    }

    /// @notice The price a victim closes `q` of its position (`size` units, cost basis `cost`) at: `price` (the
    ///         bankruptcy price, or a previous cap) capped so the close realises no loss, i.e. a long's proceeds
    ///         ⌊q × P⌋ cover ⌈cost × q / size⌉, a short's buy-back ⌈q × P⌉ stays within ⌊cost × q / size⌋.
    function adlClosePrice(bool victimsLong, uint256 price, uint256 cost, uint256 size, uint256 q)
        internal
        pure
        returns (uint256)
    {
        if (victimsLong) {
            uint256 closedCostUp = FixedPointMath.mulDivUp(cost, q, size);
            return Math.max(price, FixedPointMath.mulDivUp(closedCostUp, WAD, q));
        }
        uint256 closedCostDown = FixedPointMath.mulDivDown(cost, q, size);
        return Math.min(price, FixedPointMath.mulDivDown(closedCostDown, WAD, q));
    }

    /// @notice What the liquidity vault saves per unit when a victim closes at `price` instead of its `exit` fill:
    ///         exit − price for a long victim, price − exit for a short, never below 0.
    function adlPriceGap(bool victimsLong, uint256 exit, uint256 price) internal pure returns (uint256) {
        if (victimsLong) return exit > price ? exit - price : 0;
        return price > exit ? price - exit : 0;
    }

    /// @notice How much of a victim's `size` to close so that `gap` per unit repays `remaining`:
    ///         min(size, ⌈remaining / gap⌉) (gap > 0).
    function adlCloseSize(uint256 size, uint256 remaining, uint256 gap) internal pure returns (uint256) {
        return Math.min(size, FixedPointMath.mulDivUp(remaining, WAD, gap));
    }

    /// @notice The shortfall a close of `q` saving `gap` per unit repays: min(remaining, ⌊q × gap⌋).
    function adlCovered(uint256 remaining, uint256 q, uint256 gap) internal pure returns (uint256) {
        return Math.min(remaining, FixedPointMath.mulDivDown(q, gap, WAD));
    }

    /// @notice The most traders' unrealised profit against the liquidity vault may be: ⌊cash × maxPnlFactor⌋.
    function pnlFactorLimit(uint256 vaultCash, uint256 maxPnlFactor) internal pure returns (uint256) {
        return FixedPointMath.mulDivDown(vaultCash, maxPnlFactor, WAD);
    }

    /// @notice The caller's reward for a pnl-factor reduction step: its keeper share of the liquidity vault's part of
    ///         the trading fee, ⌊(fee − ⌊fee × insuranceFeeShare⌋) × keeperShare⌋, at most the vault's balance
    ///         (0 when that is negative), in whole USDC units.
    function pnlReductionReward(uint256 fee, uint256 insuranceFeeShare, uint256 keeperShare, int256 vaultBalance)
        internal
        pure
        returns (uint256)
    {
        uint256 vaultPart = fee - FixedPointMath.mulDivDown(fee, insuranceFeeShare, WAD);
        uint256 reward = FixedPointMath.mulDivDown(vaultPart, keeperShare, WAD);
        if (vaultBalance <= 0) return 0;
        return wholeUnits(Math.min(reward, uint256(vaultBalance)));
    }
}
