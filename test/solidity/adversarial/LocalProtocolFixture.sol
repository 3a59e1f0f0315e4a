// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {Protocol, deployProtocol} from "../utils/ProtocolDeploy.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The fully wired protocol (`deployProtocol`: real liquidity vault as counterparty, insurance fund,
///         liquidation engine) with the local deployment's ETH market as the security review used it
///         (deploy/config/local-markets.ts at commit 1005906): oracle 3,000, skewScale 1,000,000 ETH, maxPremium 10 %,
///         maxSkew = maxOpenInterest = 50,000 ETH, minimum position margin 10 USD, maker 2 bp, taker 5 bp, funding
///         interest 0.00125 %/h, clamp 0.00625 %/h, cap 4 %/h, fairTau 300 s; tiers ≤ 1M USD: 20x / mmr 2.5 %,
///         ≤ 10M USD: 10x / mmr 5 %. Nobody has deposited anything yet.
/// @dev The local deployment now lists ETH with maxSkew 680 ETH (inside the 0.0625 %/h funding band, which the
///      validator ties to maxSkew) and sets openInterestCashRatio 50 %: `LOCAL_ETH_MAX_SKEW`. Every other parameter is
///      unchanged. Reuses EngineFixture's accounts and helpers (`_fund`, `_trade`, `exactParams`, `oneTier`) but
///      replaces its setUp: `engine`, `vault`, `usdc` are the wired protocol's, `eth` / `ethOracle` the ETH market.
abstract contract LocalProtocolFixture is EngineFixture {
    address internal constant PROVIDER = address(0x9999);
    address internal constant PROVIDER2 = address(0x9998);
    address internal constant DAN = address(0xDA2);
    address internal constant ERIN = address(0xE21);
    address internal constant KEEPER = address(0x6EE9E2);

    uint256 internal constant ETH_PRICE = 3_000e18;
    /// @dev The local ETH market's maxSkew since the breaker band and maxSkew were made consistent.
    uint256 internal constant LOCAL_ETH_MAX_SKEW = 680e18;

    LiquidityVault internal lpVault;
    InsuranceFund internal fund;
    LiquidationEngine internal liquidator;

    function setUp() public virtual override {
        vm.warp(T0);
        Protocol memory p = deployProtocol(address(this));
        (usdc, vault, engine, lpVault, fund, liquidator) = (p.usdc, p.vault, p.engine, p.lpVault, p.fund, p.liquidator);
        ethOracle = new MockOracleAdapter(ETH_PRICE);
        eth = engine.listMarket("ETH", localEthParams(ethOracle), localCryptoTiers());
    }

    /// @dev The local ETH market's parameters as the review used them (MARKET_DEFAULTS plus the ETH entry of
    ///      local-markets.ts at commit 1005906).
    function localEthParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p.oracle = oracle;
        p.fairTau = 300;
        p.maxPremium = 0.1e18;
        p.skewScale = 1_000_000e18;
        p.maxSkew = 50_000e18;
        p.maxOpenInterest = 50_000e18;
        p.minPositionMargin = 10e18;
        p.makerFee = 0.0002e18;
        p.takerFee = 0.0005e18;
        p.fundingInterest = 0.0000125e18;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.04e18;
    }

    /// @dev The local BTC market's parameters as the review used them: 60,000, skewScale 50,000 BTC, maxSkew =
    ///      maxOpenInterest = 2,500 BTC (the local deployment now caps its skew at 34 BTC).
    function localBtcParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = localEthParams(oracle);
        p.skewScale = 50_000e18;
        p.maxSkew = 2_500e18;
        p.maxOpenInterest = 2_500e18;
    }

    /// @dev The local crypto tiers: ≤ 1M USD 20x / mmr 2.5 %, ≤ 10M USD 10x / mmr 5 %.
    function localCryptoTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](2);
        tiers[0] = NotionalTier({upToNotional: 1_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        tiers[1] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
    }

    /// @dev `provider` deposits `usdcAmount` into the liquidity vault; returns the shares minted.
    function _depositLp(address provider, uint256 usdcAmount) internal returns (uint256 shares) {
        usdc.mint(provider, usdcAmount);
        vm.startPrank(provider);
        usdc.approve(address(lpVault), type(uint256).max);
        shares = lpVault.deposit(usdcAmount, provider);
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
