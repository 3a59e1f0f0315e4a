// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The real liquidity vault as the engine's counterparty: fees, trader PnL and the backing rule.
contract LiquidityVaultWithEngineTest is EngineFixture {
    address internal constant PROVIDER = address(0x9999);
    LiquidityVault internal lpVault;

    function setUp() public override {
        vm.warp(T0);
        usdc = new MockUSDC();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        engine = new PerpEngine(vault, address(this));
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

    // Alice long 10 at 2000.01 pays 10.00005 in fees to the vault; at mark 2000.02 she is up 0.1, so the vault's
    // value is 100,000 + 10.00005 − 0.1 = 100,009.90005 USD → 100,009.900050 USDC.
    function test_feesAndTraderPnl_flowIntoShareValue() public {
        _trade(ALICE, eth, 10e18);
        assertEq(lpVault.totalAssets(), 100_009_900050, "cash + fees - trader PnL");
        // Oracle 2,100: the vault is short the net skew and down 1,000.11.
        ethOracle.setPrice(2100e18);
        assertEq(lpVault.totalAssets(), 99_009_890050, "100,010.00005 - 1,000.11");
        // Alice realises 1,000.005 and pays a 4.200021 maker fee: the loss moves from PnL into cash.
        _trade(ALICE, eth, -10e18);
        assertEq(lpVault.totalAssets(), 99_014_195071, "100,010.00005 - 1,000.005 + 4.200021");
        assertEq(_cpPnl(engine), 0, "nothing open");
    }

    // Backing: |skew| × mark = 10 × 2100.021 = 21,000.21 must stay; available = 99,009.890050 − 21,000.210000.
    function test_backingRule_capsLpWithdrawal_atBoundary() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2100e18);
        assertEq(lpVault.requiredBackingAssets(), 21_000_210000, "backing in USDC, rounded up");
        uint256 max = lpVault.maxWithdraw(PROVIDER);
        assertEq(max, 78_009_680050, "total assets minus backing");
        vm.prank(PROVIDER);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, PROVIDER, max + 1, max)
        );
        lpVault.withdraw(max + 1, PROVIDER, PROVIDER);
        vm.prank(PROVIDER);
        lpVault.withdraw(max, PROVIDER, PROVIDER);
        assertEq(usdc.balanceOf(PROVIDER), max, "withdrawn exactly the max");
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
