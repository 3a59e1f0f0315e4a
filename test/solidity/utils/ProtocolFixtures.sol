// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {MarketBuilders} from "./MarketBuilders.sol";
import {Protocol, deployProtocol} from "./ProtocolDeploy.sol";
import {TestBase} from "./TestBase.sol";
import {vm} from "./Vm.sol";

/// @notice What every engine fixture has: the start time, the traders, a liquidity provider and a keeper, the token,
///         the collateral vault and the engine (deployed by the fixture that extends this), the market builders, and
///         helpers to fund and trade.
abstract contract TradingFixture is TestBase, MarketBuilders {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA201);
    /// @dev A liquidity provider, for the fixtures and tests with a liquidity vault.
    address internal constant PROVIDER = address(0x9999);
    address internal constant KEEPER = address(0x6EE9E2);

    uint256 internal constant T0 = 1_700_000_000;

    MockUSDC internal usdc;
    CollateralVault internal vault;
    IPerpEngine internal engine;

    /// @dev Mints `usdcAmount` to `account` and deposits it as trading collateral.
    function _fund(address account, uint256 usdcAmount) internal {
        usdc.mint(account, usdcAmount);
        vm.startPrank(account);
        usdc.approve(address(vault), type(uint256).max);
        vault.deposit(usdcAmount);
        vm.stopPrank();
    }

    /// @dev `account` trades `delta` in `marketId` with no price bound; returns the fill.
    function _trade(address account, uint256 marketId, int256 delta) internal returns (uint256 fill) {
        vm.prank(account);
        fill = engine.trade(account, marketId, delta, delta > 0 ? type(uint256).max : 0);
    }
}

/// @notice The whole protocol as production wires it (`deployProtocol`: real liquidity vault as counterparty,
///         insurance fund, liquidation engine), deployed at T0 by `_deployProtocol`, and helpers for the liquidity
///         vault. No markets are listed.
abstract contract WiredProtocolFixture is TradingFixture {
    LiquidityVault internal lpVault;
    InsuranceFund internal fund;
    LiquidationEngine internal liquidator;

    /// @dev Warps to T0 and deploys the wired protocol, owned by this contract.
    function _deployProtocol() internal {
        vm.warp(T0);
        Protocol memory p = deployProtocol(address(this));
        (usdc, vault, engine, lpVault, fund, liquidator) = (p.usdc, p.vault, p.engine, p.lpVault, p.fund, p.liquidator);
    }

    /// @dev `account` closes its whole position in `marketId` with no price bound; returns the fill.
    function _close(address account, uint256 marketId) internal returns (uint256 fill) {
        int256 size = engine.position(account, marketId).size;
        vm.prank(account);
        fill = engine.closePosition(account, marketId, size > 0 ? 0 : type(uint256).max);
    }

    /// @dev Mints `usdcAmount` to `account` and deposits it into the liquidity vault; returns the shares minted.
    function _lpDeposit(address account, uint256 usdcAmount) internal returns (uint256 shares) {
        usdc.mint(account, usdcAmount);
        vm.startPrank(account);
        usdc.approve(address(lpVault), type(uint256).max);
        shares = lpVault.deposit(usdcAmount, account);
        vm.stopPrank();
    }

    /// @dev `account` redeems all its liquidity vault shares; returns the assets paid.
    function _lpRedeemAll(address account) internal returns (uint256 assets) {
        vm.startPrank(account);
        assets = lpVault.redeem(lpVault.balanceOf(account), account, account);
        vm.stopPrank();
    }

    /// @dev Seeds the insurance fund's collateral account with `usdcAmount`.
    function _seedFund(uint256 usdcAmount) internal {
        usdc.mint(address(this), usdcAmount);
        usdc.approve(address(vault), usdcAmount);
        vault.depositFor(address(fund), usdcAmount);
    }

    /// @dev The liquidity vault's cash as the open-interest-to-cash limit and the pnl factor read it: its collateral
    ///      less the collateral vault's total debt, floored at 0.
    function _lpCash() internal view returns (uint256) {
        (int256 collateral, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        return collateral > int256(debt) ? uint256(collateral - int256(debt)) : 0;
    }
}
