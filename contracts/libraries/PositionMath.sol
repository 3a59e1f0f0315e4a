// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WAD} from "./Constants.sol";
import {FixedPointMath} from "./FixedPointMath.sol";

/// @title PositionMath
/// @notice A position is (size, openNotional): openNotional = Σ size bought × fill − Σ size sold × fill of the
///         open part, so entry price = openNotional / size and PnL = size × price − openNotional.
/// @dev Tracking the cost basis instead of an entry price means a full close realises exactly
///      Σ proceeds − Σ cost, with no rounding drift across many partial trades.
library PositionMath {
    /// @notice Unrealised PnL at `price`: size × price (rounded toward −∞) − openNotional.
    function pnlFloor(int256 size, int256 openNotional, uint256 price) internal pure returns (int256) {
        return FixedPointMath.mulDivFloor(size, int256(price), WAD) - openNotional;
    }

    /// @notice Applies a trade of `delta` at `fill` to (size, openNotional).
    /// @dev Opening/increasing adds delta × fill rounded toward +∞ to the cost basis (a buy costs the extra wei,
    ///      a sell receives the lesser one). Reducing realises proceeds (rounded toward −∞) minus the closed share
    ///      of the cost basis (rounded toward +∞). A flip closes everything, then opens the remainder.
    /// @return newSize Size after the trade.
    /// @return newOpenNotional Cost basis after the trade.
    /// @return realisedPnl PnL realised by the reducing part, 18-decimal USD (≤ the exact value).
    function applyTrade(int256 size, int256 openNotional, int256 delta, uint256 fill)
        internal
        pure
        returns (int256 newSize, int256 newOpenNotional, int256 realisedPnl)
    {
        newSize = size + delta;
        if (size == 0 || (size > 0) == (delta > 0)) {
            return (newSize, openNotional + FixedPointMath.mulDivCeil(delta, int256(fill), WAD), 0);
        }
        uint256 absSize = FixedPointMath.abs(size);
        uint256 absDelta = FixedPointMath.abs(delta);
        if (absDelta < absSize) {
            int256 closed = -delta;
            int256 closedCost = FixedPointMath.mulDivCeil(openNotional, int256(absDelta), absSize);
            realisedPnl = FixedPointMath.mulDivFloor(closed, int256(fill), WAD) - closedCost;
            return (newSize, openNotional - closedCost, realisedPnl);
        }
        realisedPnl = FixedPointMath.mulDivFloor(size, int256(fill), WAD) - openNotional;
        newOpenNotional = newSize == 0 ? int256(0) : FixedPointMath.mulDivCeil(newSize, int256(fill), WAD);
    }
}
