// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The engine trades (`trade`, `closePosition`) for another account only for an operator whose trade scope
///         is live in the collateral vault; the withdraw scope alone does not let it trade.
contract PerpEngineOperatorScopesTest is EngineFixture {
    function _approve(bool t, uint40 te, bool w, uint40 we) private {
        vm.prank(ALICE);
        vault.approveOperator(CAROL, t, te, w, we);
    }

    function _tradeRefused(int256 size) private {
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.trade(ALICE, eth, size, size > 0 ? type(uint256).max : 0);
    }

    function test_tradeOnlyOperator_tradesAndClosesButCannotWithdraw() public {
        _approve(true, 0, false, 0);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "opened for alice");
        assertEq(int256(engine.position(CAROL, eth).size), 0, "nothing on the operator's account");

        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, CAROL, ALICE));
        vault.withdrawFrom(ALICE, 1e6, CAROL);
        assertEq(usdc.balanceOf(CAROL), 0, "nothing withdrawn");

        vm.prank(CAROL);
        engine.closePosition(ALICE, eth, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 0, "closed for alice");
    }

    function test_withdrawOnlyOperator_cannotTradeOrClose() public {
        _approve(false, 0, true, 0);
        _tradeRefused(1e18);
        vm.prank(ALICE);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.closePosition(ALICE, eth, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "position kept");
        // The scope it holds works: 1 USDC of the free collateral.
        vm.prank(CAROL);
        vault.withdrawFrom(ALICE, 1e6, CAROL);
        assertEq(usdc.balanceOf(CAROL), 1e6, "withdrew");
    }

    function test_tradeExpiry_toTheSecond() public {
        uint40 expiry = uint40(T0 + 1 days);
        _approve(true, expiry, false, 0);
        vm.warp(expiry - 1);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "traded at expiry - 1");
        vm.warp(expiry);
        _tradeRefused(1e18);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.closePosition(ALICE, eth, 0);
        // The account itself still trades.
        vm.prank(ALICE);
        engine.closePosition(ALICE, eth, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 0, "closed by alice");
    }

    function test_revoke_stopsTrading() public {
        _approve(true, 0, true, 0);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        _approve(false, 0, false, 0);
        _tradeRefused(-1e18);

        vm.prank(ALICE);
        vault.setOperator(CAROL, true);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, -1e18, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 0, "setOperator(true) still lets it trade");
        vm.prank(ALICE);
        vault.setOperator(CAROL, false);
        _tradeRefused(1e18);
    }

    /// @dev A trade by the operator at `at` passes iff at < expiry (second implementation of the rule), with the
    ///      clock on either side of the expiry in two thirds of the runs.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_operatorTradesIffBeforeExpiry(uint256 expirySeed, uint256 atSeed, uint8 mode) public {
        uint256 expiry = T0 + bound(expirySeed, 1, 365 days);
        _approve(true, uint40(expiry), false, 0);
        uint256 at = mode % 3 == 0 ? expiry - 1 : mode % 3 == 1 ? expiry : bound(atSeed, T0, T0 + 400 days);
        vm.warp(at);
        if (at < expiry) {
            vm.prank(CAROL);
            engine.trade(ALICE, eth, 0.1e18, type(uint256).max);
            assertEq(int256(engine.position(ALICE, eth).size), 0.1e18, "traded before expiry");
        } else {
            _tradeRefused(0.1e18);
            assertEq(int256(engine.position(ALICE, eth).size), 0, "refused from expiry on");
        }
    }
}
