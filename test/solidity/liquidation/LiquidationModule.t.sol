// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ParameterOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {
    ILiquidationEngine,
    ILiquidationEngineModule,
    LiquidationConfig,
    LiquidationPreview
} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationModule} from "../../../contracts/liquidation/LiquidationModule.sol";
import {vm} from "../utils/Vm.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";

/// @notice The liquidation engine's split: its own code stays at least 3 KB under the 24,576-byte limit, and its
///         module (the preview, the parameters, the pending ADL request) answers only through the engine, on the
///         engine's storage, with the engine's owner.
contract LiquidationModuleTest is LiquidationFixture {
    /// @dev 24,576 − 3,072: the headroom the engine keeps for what comes next.
    uint256 internal constant MAX_RUNTIME = 21_504;

    ILiquidationEngine internal liq;
    LiquidationModule internal module;

    function setUp() public override {
        super.setUp();
        liq = ILiquidationEngine(address(liquidator));
        // The module is the engine's first contract creation (a contract's nonce starts at 1).
        module = LiquidationModule(
            address(uint160(uint256(keccak256(abi.encodePacked(bytes2(0xd694), address(liquidator), bytes1(0x01))))))
        );
    }

    function test_runtimeSize_keepsThreeKilobytesOfHeadroom() public view {
        assertLe(address(liquidator).code.length, MAX_RUNTIME, "LiquidationEngine runtime bytes");
        assertTrue(address(module).code.length != 0, "the module is deployed at the engine's first creation");
    }

    function test_module_directCalls_revertNotDelegated() public {
        LiquidationConfig memory c = liq.config();
        vm.expectRevert(LiquidationModule.NotDelegated.selector);
        module.setConfig(c);
        vm.expectRevert(LiquidationModule.NotDelegated.selector);
        module.config();
        vm.expectRevert(LiquidationModule.NotDelegated.selector);
        module.previewLiquidation(CAROL);
        vm.expectRevert(LiquidationModule.NotDelegated.selector);
        module.pendingAdl();
        assertEq(module.owner(), address(liquidator), "its own owner is the engine, which never calls it");
    }

    function test_setConfig_throughEngine_ownerOnly_onEngineStorage() public {
        LiquidationConfig memory c = liq.config();
        c.cooldown = 61;
        c.keeperShare = 0.3e18;
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, CAROL));
        liq.setConfig(c);

        vm.expectEmit(address(liquidator));
        emit ILiquidationEngine.LiquidationConfigSet(c);
        liq.setConfig(c);
        LiquidationConfig memory stored = liq.config();
        assertEq(stored.cooldown, 61, "cooldown");
        assertEq(stored.keeperShare, 0.3e18, "keeper share");

        c.cooldown = 1 hours + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ParameterOutOfBounds.selector, bytes32("cooldown"), 3601, 0, 3600)
        );
        liq.setConfig(c);
    }

    function test_configWrittenByModule_drivesLiquidate() public {
        // Carol long 1 at 150,000 with 30,000: maintenance 7,500. A 10 % drop leaves equity 15,000 − 7,500 > 0; a
        // 20 % drop leaves 0 − 7,500 < 0 (bankrupt at fair): the whole position closes.
        _openCarolLong();
        rwaOracle.setPrice(120_000e18);
        LiquidationConfig memory c = liq.config();
        c.feeRate = 0.01e18; // 1 %: 1,200 USD of fee on 120,000 closed
        liq.setConfig(c);
        LiquidationPreview memory p = liq.previewLiquidation(CAROL);
        assertTrue(p.liquidatable, "liquidatable");
        assertEq(p.notionalClosed, 120_000e18, "the whole position at 120,000");
        vm.prank(KEEPER);
        vm.expectEmit(true, true, false, true, address(liquidator));
        // Fee 1,200; reward 20 % = 240 (≤ 1,000); collateral 0 after the loss: the fund pays what it holds (0).
        emit ILiquidationEngine.Liquidated(CAROL, KEEPER, 120_000e18, 1_200e18, 0, 0, false);
        liq.liquidate(CAROL);
    }

    function test_unknownSelector_revertsWithoutData_andEtherIsRefused() public {
        (bool ok, bytes memory data) = address(liquidator).call(abi.encodeWithSignature("nope()"));
        assertTrue(!ok, "unknown selector");
        assertEq(data.length, 0, "no revert data, as without a fallback");
        (ok, data) = address(liquidator).call{value: 1}("");
        assertTrue(!ok, "plain ether");
        (ok,) = address(liquidator).call{value: 1}(abi.encodeCall(ILiquidationEngineModule.config, ()));
        assertTrue(!ok, "ether with a module call");
    }

    receive() external payable {}
}
