// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LiquidationConfig} from "../interfaces/ILiquidationEngine.sol";
import {Position} from "../interfaces/PerpTypes.sol";
import {LiquidationFeeCharge, LiquidationMath} from "../libraries/LiquidationMath.sol";

/// @title LiquidationMathHarness
/// @notice Test-only: exposes every function of `LiquidationMath` as an external pure function, so the Solidity tests
///         can call them (and expect reverts) and the SDK parity test can compare them with the TypeScript mirror
///         (`sdk/src/math/liquidationMath.ts`). `tryBatch` evaluates many encoded calls in one `eth_call`.
/// @dev Each wrapper forwards its arguments unchanged; no logic lives here.
contract LiquidationMathHarness {
    function liquidationFeeAndReward(uint256 notionalClosed, LiquidationConfig memory config, bool cut)
        external
        pure
        returns (uint256 fee, uint256 reward)
    {
        return LiquidationMath.liquidationFeeAndReward(notionalClosed, config, cut);
    }

    function liquidationCharge(uint256 notionalClosed, LiquidationConfig memory config, bool cut)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.liquidationCharge(notionalClosed, config, cut);
    }

    function fundTopsUp(uint256 notionalClosed, LiquidationConfig memory config) external pure returns (bool) {
        return LiquidationMath.fundTopsUp(notionalClosed, config);
    }

    function liquidationFeeCharge(uint256 notionalClosed, int256 collateral, LiquidationConfig memory config, bool cut)
        external
        pure
        returns (LiquidationFeeCharge memory)
    {
        return LiquidationMath.liquidationFeeCharge(notionalClosed, collateral, config, cut);
    }

    function wholeUnits(uint256 usd) external pure returns (uint256) {
        return LiquidationMath.wholeUnits(usd);
    }

    function liquidationCloseSize(Position memory position, LiquidationConfig memory config, bool bankrupt)
        external
        pure
        returns (int256 sizeDelta, bool isSlice)
    {
        return LiquidationMath.liquidationCloseSize(position, config, bankrupt);
    }

    function liquidationCloseCashDelta(Position memory position, int256 closed, uint256 fill, int256 funding)
        external
        pure
        returns (int256)
    {
        return LiquidationMath.liquidationCloseCashDelta(position, closed, fill, funding);
    }

    function liquidationBadDebt(int256 collateralAfterCloses, uint256 fromAccount, bool closesAll)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.liquidationBadDebt(collateralAfterCloses, fromAccount, closesAll);
    }

    function liquidationCoolingDown(uint256 lastPartial, uint256 cooldown, uint256 timestamp)
        external
        pure
        returns (bool)
    {
        return LiquidationMath.liquidationCoolingDown(lastPartial, cooldown, timestamp);
    }

    function adlRank(Position memory position, int256 pnl, int256 equity) external pure returns (uint256) {
        return LiquidationMath.adlRank(position, pnl, equity);
    }

    function adlBankruptcyPrice(int256 closedDelta, uint256 fill, uint256 totalLoss) external pure returns (uint256) {
        return LiquidationMath.adlBankruptcyPrice(closedDelta, fill, totalLoss);
    }

    function adlRepayment(uint256 remaining, int256 bankruptCollateral)
        external
        pure
        returns (uint256, uint256 repaid, bool resolvedByRepayment)
    {
        return LiquidationMath.adlRepayment(remaining, bankruptCollateral);
    }

    function adlClosePrice(bool victimsLong, uint256 price, uint256 cost, uint256 size, uint256 q)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.adlClosePrice(victimsLong, price, cost, size, q);
    }

    function adlPriceGap(bool victimsLong, uint256 exit, uint256 price) external pure returns (uint256) {
        return LiquidationMath.adlPriceGap(victimsLong, exit, price);
    }

    function adlCloseSize(uint256 size, uint256 remaining, uint256 gap) external pure returns (uint256) {
        return LiquidationMath.adlCloseSize(size, remaining, gap);
    }

    function adlCovered(uint256 remaining, uint256 q, uint256 gap) external pure returns (uint256) {
        return LiquidationMath.adlCovered(remaining, q, gap);
    }

    function pnlFactorLimit(uint256 vaultCash, uint256 maxPnlFactor) external pure returns (uint256) {
        return LiquidationMath.pnlFactorLimit(vaultCash, maxPnlFactor);
    }

    function pnlReductionReward(uint256 fee, uint256 insuranceFeeShare, uint256 keeperShare, int256 vaultBalance)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.pnlReductionReward(fee, insuranceFeeShare, keeperShare, vaultBalance);
    }

    /// @notice Runs each of `calls` on this contract (a STATICCALL each) and returns whether it succeeded and its
    ///         return or revert data.
    function tryBatch(bytes[] calldata calls) external view returns (bool[] memory ok, bytes[] memory results) {
        ok = new bool[](calls.length);
        results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (ok[i], results[i]) = address(this).staticcall(calls[i]);
        }
    }
}
