// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The real liquidity vault as the engine's counterparty: fees, trader PnL and the backing rule.
contract LiquidityVaultWithEngineTest is EngineFixture {
    LiquidityVault internal lpVault;

    function setUp() public override {
        vm.warp(T0);
        usdc = new MockUSDC();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        engine = IPerpEngine(address(new PerpEngine(vault, address(this))));
        lpVault = new LiquidityVault(vault, address(this), type(uint256).max);
        vault.setBalanceManager(address(engine), true);
        vault.setWithdrawGuard(engine);
        engine.setLiquidityVault(address(lpVault));
        lpVault.setCounterparty(engine);
        ethOracle = new MockOracleAdapter(2000e18);
        eth = engine.listMarket("ETH", ethParams(ethOracle), twoTiers());
        usdc.mint(PROVIDER, 100_000e6);
        vm.startPrank(PROVIDER);
        usdc.approve(address(lpVault), type(uint256).max);
        lpVault.deposit(100_000e6, PROVIDER);
        vm.stopPrank();
        _fund(ALICE, 10_000e6);
    }

    // Alice long 10 from skew 0 fills at 2,000 × (1 + G(10) / 10) = 2,000 × (1 + 0.000005) = 2,000.01 (cost basis
    // 20,000.1) and pays a taker fee of 20,000.1 × 0.05 % = 10.00005 to the vault. The vault's net position is valued
    // at its exit: 20,000.1 − ceil(2,000 × (10 + 0.00005)) = 20,000.1 − 20,000.1 = 0, so only the fee moves its value:
    // 100,000 + 10.00005 = 100,010.00005 USD → 100,010.000050 USDC.
    function test_feesAndTraderPnl_flowIntoShareValue() public {
        _trade(ALICE, eth, 10e18);
        assertEq(lpVault.netValueUsd(), 100_010.00005e18, "cash + fee, the open itself is worth nothing");
        assertEq(lpVault.totalAssets(), 100_010_000050, "cash + fees - trader PnL at exit");
        // Oracle 2,100: the vault is short the net skew; its position is worth 20,000.1 − 2,100 × 10.00005 =
        // 20,000.1 − 21,000.105 = −1,000.005, so 100,010.00005 − 1,000.005 = 99,009.99505.
        ethOracle.setPrice(2100e18);
        assertEq(lpVault.totalAssets(), 99_009_995050, "100,010.00005 - 1,000.005");
        // Alice closes at 2,100 × (1 + 0.000005) = 2,100.0105 (exactly the exit the vault was valued at), realises
        // 21,000.105 − 20,000.1 = 1,000.005 and pays a maker fee of 21,000.105 × 0.02 % = 4.200021: the loss moves
        // from PnL into cash unchanged, the fee is added.
        _trade(ALICE, eth, -10e18);
        assertEq(lpVault.totalAssets(), 99_014_195071, "100,010.00005 - 1,000.005 + 4.200021");
        assertEq(_cpPnl(engine), 0, "nothing open");
    }

    // Backing at the oracle (not the mark): |skew| × oracle × 100 % = 10 × 2,100 = 21,000 USD → 21,000.000000 USDC.
    // Available = total assets − backing = 99,009.995050 − 21,000 = 78,009.995050 (the cash, 100,010.00005, does not
    // bind), below the provider's whole value.
    function test_backingRule_capsLpWithdrawal_atBoundary() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2100e18);
        assertEq(lpVault.requiredBackingAssets(), 21_000_000000, "backing in USDC, rounded up");
        assertEq(lpVault.availableLiquidity(), 78_009_995050, "total assets minus backing");
        uint256 max = lpVault.maxWithdraw(PROVIDER);
        assertEq(max, 78_009_995050, "max withdraw = available liquidity");
        vm.prank(PROVIDER);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, PROVIDER, max + 1, max)
        );
        lpVault.withdraw(max + 1, PROVIDER, PROVIDER);
        vm.prank(PROVIDER);
        lpVault.withdraw(max, PROVIDER, PROVIDER);
        assertEq(usdc.balanceOf(PROVIDER), max, "withdrawn exactly the max");
        assertEq(lpVault.totalAssets(), 21_000_000000, "exactly the backing left");
        assertEq(lpVault.maxWithdraw(PROVIDER), 0, "nothing more while the skew is open");
    }

    // Funding the trader owes but has not settled counts in the vault's value: after 1 h at F = 1.25e13,
    // alice owes 10 × 1.25e13 × 2000 = 0.25.
    function test_unsettledFunding_countsInShareValue() public {
        _trade(ALICE, eth, 10e18);
        uint256 before = lpVault.totalAssets();
        vm.warp(T0 + 1 hours);
        assertEq(lpVault.totalAssets(), before + 250000, "+0.25 USDC receivable");
    }
}
