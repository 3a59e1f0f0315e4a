// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpCounterparty} from "../../../contracts/interfaces/IPerpCounterparty.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {Vm, vm} from "./Vm.sol";

/// @notice Assertions and input bounding for the Solidity tests (a small subset of what forge-std offers).
abstract contract TestBase {
    error AssertionFailed(string what, bytes32 left, bytes32 right);

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert AssertionFailed(what, bytes32(a), bytes32(b));
    }

    function assertEq(int256 a, int256 b, string memory what) internal pure {
        if (a != b) revert AssertionFailed(what, bytes32(uint256(a)), bytes32(uint256(b)));
    }

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert AssertionFailed(what, bytes32(uint256(uint160(a))), bytes32(uint256(uint160(b))));
    }

    function assertTrue(bool c, string memory what) internal pure {
        if (!c) revert AssertionFailed(what, bytes32(0), bytes32(uint256(1)));
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        if (a > b) revert AssertionFailed(what, bytes32(a), bytes32(b));
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        if (a < b) revert AssertionFailed(what, bytes32(a), bytes32(b));
    }

    function assertLt(uint256 a, uint256 b, string memory what) internal pure {
        if (a >= b) revert AssertionFailed(what, bytes32(a), bytes32(b));
    }

    function assertGe(int256 a, int256 b, string memory what) internal pure {
        if (a < b) revert AssertionFailed(what, bytes32(uint256(a)), bytes32(uint256(b)));
    }

    /// @dev Maps any `x` into [lo, hi] without discarding fuzz runs.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        require(lo <= hi, "bound: lo > hi");
        if (x >= lo && x <= hi) return x;
        uint256 span = hi - lo;
        if (span == type(uint256).max) return x;
        return lo + (x % (span + 1));
    }

    function boundInt(int256 x, int256 lo, int256 hi) internal pure returns (int256) {
        require(lo <= hi, "bound: lo > hi");
        uint256 span = uint256(hi - lo);
        uint256 ux = uint256(x);
        return lo + int256(span == type(uint256).max ? ux : ux % (span + 1));
    }

    function _vm() internal pure returns (Vm) {
        return vm;
    }

    /// @dev The engine's counterparty PnL (asserting no oracle fell back).
    function _cpPnl(IPerpCounterparty e) internal view returns (int256 usd) {
        bool fallbackUsed;
        (usd, fallbackUsed) = e.counterpartyPnl();
        assertTrue(!fallbackUsed, "no oracle fallback");
    }

    /// @dev The engine's required backing (asserting no oracle fell back).
    function _cpBacking(IPerpCounterparty e) internal view returns (uint256 usd) {
        bool fallbackUsed;
        (usd, fallbackUsed) = e.requiredBacking();
        assertTrue(!fallbackUsed, "no oracle fallback");
    }

    /// @dev The lens's liquidation price (the engine does not carry the search).
    function _liqPrice(IPerpEngine e, address account, uint256 marketId) internal returns (uint256) {
        return new PerpLens(e).liquidationPrice(account, marketId);
    }
}
