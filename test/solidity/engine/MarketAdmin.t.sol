// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {MarketAdmin} from "../../../contracts/engine/MarketAdmin.sol";
import {MarketParamsValidator} from "../../../contracts/engine/MarketParamsValidator.sol";
import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {BreakerParams, MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The listing and parameter module runs only by DELEGATECALL from the engine, with the engine's owner; and
///         the engine's trade-size guard.
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
        engine.transferOwnership(ALICE);
        vm.prank(ALICE);
        engine.acceptOwnership();
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
