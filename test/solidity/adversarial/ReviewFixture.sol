// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {Protocol, deployProtocol} from "../utils/ProtocolDeploy.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The whole protocol as production wires it (real liquidity vault as counterparty, fund, liquidation engine),
///         plus helpers to list markets with chosen parameters and to move USDC in and out. No markets are listed.
///         Used by the regression tests of the second security review (the attacks found after the first fix).
abstract contract ReviewFixture is TestBase {
    address internal constant PROVIDER = address(0x9999);
    address internal constant KEEPER = address(0x6EE9E2);
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA201);
    address internal constant MALLORY = address(0x3A11);
    address internal constant MALLORY2 = address(0x3A12);
    address internal constant MALLORY3 = address(0x3A13);

    uint256 internal constant T0 = 1_700_000_000;

    MockUSDC internal usdc;
    CollateralVault internal vault;
    IPerpEngine internal engine;
    LiquidityVault internal lpVault;
    InsuranceFund internal fund;
    LiquidationEngine internal liquidator;

    function setUp() public virtual {
        vm.warp(T0);
        Protocol memory p = deployProtocol(address(this));
        (usdc, vault, engine, lpVault, fund, liquidator) = (p.usdc, p.vault, p.engine, p.lpVault, p.fund, p.liquidator);
    }

    /// @dev No premium, no fees, no funding, τ = 0, no minimum margin: fill = mark = fair = oracle.
    function exactParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p.oracle = oracle;
        p.fairTau = 0;
        p.maxPremium = 0;
        p.skewScale = 1_000_000e18;
        p.maxSkew = 1e30;
        p.maxOpenInterest = 1e30;
        p.minPositionMargin = 0;
        p.makerFee = 0;
        p.takerFee = 0;
        p.fundingInterest = 0;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.04e18;
    }

    /// @dev The local deployment's ETH market (deploy/config/local-markets.ts): skewScale 1M, maxPremium 10 %,
    ///      maxSkew 680, maxOpenInterest 50,000, maker 2 bp, taker 5 bp, SPEC funding, τ 300 s, min margin 10.
    function localEthParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p.oracle = oracle;
        p.fairTau = 300;
        p.maxPremium = 0.1e18;
        p.skewScale = 1_000_000e18;
        p.maxSkew = 680e18;
        p.maxOpenInterest = 50_000e18;
        p.minPositionMargin = 10e18;
        p.makerFee = 0.0002e18;
        p.takerFee = 0.0005e18;
        p.fundingInterest = 12_500_000_000_000;
        p.fundingClamp = 62_500_000_000_000;
        p.maxFundingRate = 0.04e18;
    }

    /// @dev The local crypto tiers: ≤ 1M USD 20x / 2.5 %, ≤ 10M USD 10x / 5 %.
    function cryptoTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](2);
        tiers[0] = NotionalTier({upToNotional: 1_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        tiers[1] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
    }

    function oneTier(uint256 upTo, uint256 maxLeverage, uint256 mmr)
        internal
        pure
        returns (NotionalTier[] memory tiers)
    {
        tiers = new NotionalTier[](1);
        tiers[0] = NotionalTier({upToNotional: uint96(upTo), maxLeverage: uint96(maxLeverage), mmr: uint64(mmr)});
    }

    function _fund(address account, uint256 usdcAmount) internal {
        usdc.mint(account, usdcAmount);
        vm.startPrank(account);
        usdc.approve(address(vault), type(uint256).max);
        vault.deposit(usdcAmount);
        vm.stopPrank();
    }

    function _lpDeposit(address account, uint256 usdcAmount) internal returns (uint256 shares) {
        usdc.mint(account, usdcAmount);
        vm.startPrank(account);
        usdc.approve(address(lpVault), type(uint256).max);
        shares = lpVault.deposit(usdcAmount, account);
        vm.stopPrank();
    }

    function _lpRedeemAll(address account) internal returns (uint256 assets) {
        vm.startPrank(account);
        assets = lpVault.redeem(lpVault.balanceOf(account), account, account);
        vm.stopPrank();
    }

    function _trade(address account, uint256 marketId, int256 delta) internal returns (uint256 fill) {
        vm.prank(account);
        fill = engine.trade(account, marketId, delta, delta > 0 ? type(uint256).max : 0);
    }

    function _close(address account, uint256 marketId) internal returns (uint256 fill) {
        bool long_ = engine.position(account, marketId).size > 0;
        vm.prank(account);
        fill = engine.closePosition(account, marketId, long_ ? 0 : type(uint256).max);
    }
}
