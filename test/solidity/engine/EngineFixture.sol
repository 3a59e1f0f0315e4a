// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {TradingFixture} from "../utils/ProtocolFixtures.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A deployed engine with one ETH market at 2,000 USD (`ethParams`, `twoTiers`), a funded counterparty
///         account and helpers.
abstract contract EngineFixture is TradingFixture {
    address internal constant LP = address(0x1111);

    MockOracleAdapter internal ethOracle;
    uint256 internal eth;

    function setUp() public virtual {
        vm.warp(T0);
        usdc = _newToken();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        engine = IPerpEngine(address(new PerpEngine(vault, address(this))));
        vault.setBalanceManager(address(engine), true);
        vault.setWithdrawGuard(engine);
        engine.setLiquidityVault(LP);
        ethOracle = new MockOracleAdapter(2000e18);
        eth = engine.listMarket("ETH", ethParams(ethOracle), twoTiers());
        _fund(LP, 1_000_000e6);
        _fund(ALICE, 10_000e6);
        _fund(BOB, 10_000e6);
    }

    /// @dev The collateral token; a test may use a variant (blacklist, fee-on-transfer).
    function _newToken() internal virtual returns (MockUSDC) {
        return new MockUSDC();
    }
}
