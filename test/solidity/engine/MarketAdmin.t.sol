// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {MarketAdmin} from "../../../contracts/engine/MarketAdmin.sol";
import {MarketParamsValidator} from "../../../contracts/engine/MarketParamsValidator.sol";
import {IMarketAdmin} from "../../../contracts/interfaces/IMarketAdmin.sol";
import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {BreakerParams, MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The admin module runs only by DELEGATECALL from the engine's fallback, with the engine's owner; the
///         fallback returns and reverts exactly as the module does; and the engine's trade-size guard.
contract MarketAdminTest is EngineFixture {
    /// @dev The engine's constructor deploys the validator (its nonce 1), then the admin module (nonce 2): the module's
    ///      address is keccak256(rlp([engine, 2]))[12:].
    function _module() internal view returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xd6), bytes1(0x94), address(engine), bytes1(0x02))))));
    }

    function test_module_calledDirectly_revertsNotDelegated() public {
        MarketAdmin module = MarketAdmin(_module());
        assertTrue(address(module).code.length > 0, "the module is deployed there");
        // Refused before any owner check: for the engine's owner (this test) and for the engine itself, which
        // deployed the module and owns it.
        vm.expectRevert(MarketAdmin.NotDelegated.selector);
        module.listMarket("X", ethParams(ethOracle), twoTiers());
        vm.expectRevert(MarketAdmin.NotDelegated.selector);
        module.setMarketParams(eth, ethParams(ethOracle));
        vm.expectRevert(MarketAdmin.NotDelegated.selector);
        module.setMarketTiers(eth, twoTiers());
        vm.prank(address(engine));
        vm.expectRevert(MarketAdmin.NotDelegated.selector);
        module.listMarket("X", ethParams(ethOracle), twoTiers());

        // A module deployed by this test (so this test is its owner) refuses direct calls too.
        MarketAdmin own = new MarketAdmin(new MarketParamsValidator());
        vm.expectRevert(MarketAdmin.NotDelegated.selector);
        own.listMarket("X", ethParams(ethOracle), twoTiers());
    }

    /// @dev Every function of the module that writes refuses a direct call, before any owner check.
    function test_module_calledDirectly_everyWriteRevertsNotDelegated() public {
        MarketAdmin module = MarketAdmin(_module());
        BreakerParams memory breaker = BreakerParams(0.15e18, 0.005e18, 1 hours);
        bytes[] memory calls = new bytes[](10);
        calls[0] = abi.encodeCall(IMarketConfig.setMarketPaused, (eth, true));
        calls[1] = abi.encodeCall(IMarketConfig.setGlobalPaused, (true));
        calls[2] = abi.encodeCall(IMarketConfig.setMaxPositionsPerAccount, (4));
        calls[3] = abi.encodeCall(IMarketAdmin.setCircuitBreaker, (eth, breaker));
        calls[4] = abi.encodeCall(IMarketAdmin.resetCircuitBreaker, (eth));
        calls[5] = abi.encodeCall(IMarketAdmin.setLiquidityVault, (ALICE));
        calls[6] = abi.encodeCall(IMarketAdmin.setBackingRatio, (1e18));
        calls[7] = abi.encodeCall(IMarketAdmin.setOpenInterestCashRatio, (1e18));
        calls[8] = abi.encodeCall(IMarketAdmin.setLiquidationEngine, (ALICE));
        calls[9] = abi.encodeCall(IMarketAdmin.setInsuranceFeeShare, (ALICE, 0.1e18));
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory ret) = address(module).call(calls[i]);
            assertTrue(!ok, "refused");
            assertEq(ret.length, 4, "a bare selector");
            assertTrue(bytes4(ret) == MarketAdmin.NotDelegated.selector, "NotDelegated");
        }
    }

    /// @dev A selector neither the engine nor its module has reverts with no data, as it did before the module; the
    ///      fallback takes no ether, with calldata or without.
    function test_fallback_unknownSelectorAndEther_revertWithoutData() public {
        (bool ok, bytes memory ret) = address(engine).call(abi.encodeWithSignature("noSuchFunction(uint256)", 1));
        assertTrue(!ok, "unknown selector refused");
        assertEq(ret.length, 0, "with no data");
        // The module's own error is not reachable through the engine: the engine answers ownership itself.
        (ok, ret) = address(engine).call(abi.encodeWithSignature("owner()"));
        assertTrue(ok, "owner() answered");
        assertEq(abi.decode(ret, (address)), address(this), "by the engine's own code");
        vm.deal(address(this), 2);
        (ok, ret) = address(engine).call{value: 1}(abi.encodeCall(IMarketAdmin.backingRatio, ()));
        assertTrue(!ok, "ether with a module call refused");
        assertEq(ret.length, 0, "with no data");
        (ok, ret) = address(engine).call{value: 1}("");
        assertTrue(!ok, "plain ether refused");
        assertEq(ret.length, 0, "with no data");
        assertEq(address(engine).balance, 0, "the engine holds no ether");
    }

    /// @dev A view served by the module answers through the engine with the module's exact encoding (a dynamic array
    ///      here), and a module revert reaches the caller unchanged.
    function test_fallback_returnsAndRevertsAsTheModule() public view {
        (bool ok, bytes memory ret) = address(engine).staticcall(abi.encodeCall(IMarketConfig.marketTiers, (eth)));
        assertTrue(ok, "a view through a static call");
        assertTrue(keccak256(ret) == keccak256(abi.encode(twoTiers())), "the module's ABI encoding, as it is");
        (ok, ret) = address(engine).staticcall(abi.encodeCall(IMarketConfig.marketTiers, (7)));
        assertTrue(!ok, "unknown market");
        assertTrue(keccak256(ret) == keccak256(abi.encodeWithSelector(IMarketConfig.UnknownMarket.selector, 7)), "bubbled");
        // A write in a static context fails (it would change state) without reaching storage.
        (ok,) = address(engine).staticcall(abi.encodeCall(IMarketConfig.setGlobalPaused, (true)));
        assertTrue(!ok, "no write under a static call");
        assertTrue(!engine.isReduceOnly(eth), "nothing paused");
    }

    /// @dev Through the engine the module checks the engine's owner.
    function test_throughEngine_nonOwner_reverts() public {
        vm.startPrank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.listMarket("X", ethParams(ethOracle), twoTiers());
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setMarketParams(eth, ethParams(ethOracle));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setMarketTiers(eth, twoTiers());
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setCircuitBreaker(eth, BreakerParams(0.15e18, 0.005e18, 1 hours));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.resetCircuitBreaker(eth);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setLiquidationEngine(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setInsuranceFeeShare(ALICE, 0.1e18);
        vm.stopPrank();
        // After an ownership transfer the new owner lists through the engine.
        Ownable2Step(address(engine)).transferOwnership(ALICE);
        vm.prank(ALICE);
        Ownable2Step(address(engine)).acceptOwnership();
        vm.prank(ALICE);
        uint256 id = engine.listMarket("BTC", ethParams(ethOracle), twoTiers());
        assertEq(id, 1, "listed by the new owner");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        engine.setMarketTiers(eth, twoTiers());
    }

    /// @dev The forwarded call returns the module's result and its events come from the engine; state lands in the
    ///      engine's storage.
    function test_throughEngine_returnsAndEmitsFromEngine() public {
        MarketParams memory p = ethParams(ethOracle);
        vm.expectEmit(address(engine));
        emit IMarketConfig.MarketListed(1, "BTC", address(ethOracle));
        uint256 id = engine.listMarket("BTC", p, twoTiers());
        assertEq(id, 1, "returned through the forwarder");
        assertEq(engine.marketCount(), 2, "count in the engine's storage");
        p.takerFee = 0.0007e18;
        vm.expectEmit(address(engine));
        emit IMarketConfig.MarketParamsSet(id, p);
        engine.setMarketParams(id, p);
        assertEq(engine.marketParams(id).takerFee, 0.0007e18, "stored in the engine");
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.UnknownMarket.selector, 2));
        engine.setMarketParams(2, p);
    }

    /// @dev |size| up to 2e36 (a flip from one 1e36 OI cap to the other) passes the guard; 2e36 + 1 reverts.
    ///      A market at 1 wei per unit makes those sizes cheap: 1e36 is 1 USD of notional (IM 0.05 at 20x).
    function test_sizeDeltaTooLarge_boundary() public {
        MockOracleAdapter tiny = new MockOracleAdapter(1);
        MarketParams memory p = exactParams(tiny);
        p.maxOpenInterest = 1e36;
        p.maxSkew = 1e36;
        uint256 m = engine.listMarket("TINY", p, twoTiers());
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.SizeDeltaTooLarge.selector, int256(2e36 + 1), 2e36));
        engine.trade(ALICE, m, 2e36 + 1, type(uint256).max);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.SizeDeltaTooLarge.selector, -int256(2e36 + 1), 2e36));
        engine.trade(ALICE, m, -2e36 - 1, 0);
        // 2e36 from flat passes the guard and is refused by the OI cap instead.
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, m, 2e36, 1e36));
        engine.trade(ALICE, m, 2e36, type(uint256).max);
        // A flip of exactly 2e36: short 1e36 → long 1e36.
        _trade(ALICE, m, -1e36);
        _trade(ALICE, m, 2e36);
        assertEq(engine.position(ALICE, m).size, 1e36, "flipped across both caps");
        _trade(ALICE, m, -2e36);
        assertEq(engine.position(ALICE, m).size, -1e36, "and back");
    }
}
