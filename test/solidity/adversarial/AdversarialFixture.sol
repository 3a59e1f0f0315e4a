// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";

/// @notice The liquidation fixture (engine, plain LP account with 1M, fund, liquidation engine, RWA market) plus a
///         helper that lists an exact market: no fees, funding interest 0, τ = 0, no minimum margin, one tier.
abstract contract AdversarialFixture is LiquidationFixture {
    /// @dev Lists a market at `price` with the given premium shape, caps and single tier; returns its id.
    function _listExactMarket(
        bytes32 symbol,
        MockOracleAdapter oracle,
        uint256 skewScale,
        uint256 maxPremium,
        uint256 maxSkew,
        uint256 maxOpenInterest,
        NotionalTier memory tier
    ) internal returns (uint256) {
        MarketParams memory p = exactParams(oracle);
        p.skewScale = uint128(skewScale);
        p.maxPremium = uint64(maxPremium);
        p.maxSkew = uint128(maxSkew);
        p.maxOpenInterest = uint128(maxOpenInterest);
        NotionalTier[] memory tiers = new NotionalTier[](1);
        tiers[0] = tier;
        return engine.listMarket(symbol, p, tiers);
    }

    /// @dev Protocol side: the counterparty account plus the insurance fund plus the fund's share still pending in the
    ///      counterparty account is already inside the counterparty's collateral.
    function _protocolCollateral() internal view returns (int256) {
        return vault.collateralOf(LP) + vault.collateralOf(address(fund));
    }

    function _assertLedgerBacked() internal view {
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens x 1e12 == totalCollateral");
    }
}

/// @notice A second implementation of the pricing rules (SPEC §3, the exact integral of the clamped premium), written
///         from the formulas rather than from `PricingMath`, so tests can derive expected fills, fees and cash flows.
/// @dev G(s) = ∫₀^s clamp(u / K, −M, M) du in size × 1e18 units: s² / (2K) while |s| ≤ M·K, else M·|s| − M²·K / 2,
///      the exact value rounded down. A trade of d at skew s fills at oracle × (|d|·1e18 + sign(d)·(G(s+d) − G(s)))
///      / (|d|·1e18), up for a buy and down for a sell. The fee charges makerFee on the part of |d| that reduces |s|
///      and takerFee on the rest, each part's notional and fee rounded up.
library RefPricing {
    uint256 internal constant W = 1e18;

    function abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    /// @dev G(s), exact then floored.
    function area(int256 s, uint256 k, uint256 m) internal pure returns (uint256) {
        uint256 a = abs(s);
        if (a * W <= m * k) return Math.mulDiv(a * a, W, 2 * k);
        // (2·1e18·M·a − M²·K) / (2·1e18), floored
        return (2 * W * m * a - m * m * k) / (2 * W);
    }

    function fill(uint256 oracle, int256 s, int256 d, uint256 k, uint256 m) internal pure returns (uint256) {
        uint256 size = abs(d);
        int256 ar = int256(area(s + d, k, m)) - int256(area(s, k, m));
        uint256 factor = uint256(int256(size * W) + (d > 0 ? ar : -ar));
        return d > 0
            ? Math.mulDiv(oracle, factor, size * W, Math.Rounding.Ceil)
            : Math.mulDiv(oracle, factor, size * W);
    }

    function fee(int256 s, int256 d, uint256 price, uint256 makerFee, uint256 takerFee)
        internal
        pure
        returns (uint256 f)
    {
        uint256 size = abs(d);
        uint256 maker;
        if (s != 0 && (s > 0) != (d > 0)) maker = size < abs(s) ? size : abs(s);
        uint256 taker = size - maker;
        if (maker > 0) f = _up(_up(maker, price), makerFee);
        if (taker > 0) f += _up(_up(taker, price), takerFee);
    }

    function _up(uint256 a, uint256 b) private pure returns (uint256) {
        return Math.mulDiv(a, b, W, Math.Rounding.Ceil);
    }
}

/// @notice `LocalProtocolFixture` (the wired protocol with the local ETH market as the first security review used it:
///         oracle 3,000, skewScale 1,000,000 ETH, maxPremium 10 %, maxSkew and maxOpenInterest 50,000 ETH, maker 2 bp,
///         taker 5 bp, fairTau 300 s, minimum position margin 10, SPEC §4 funding, tiers ≤ 1M: 20x / 2.5 %, ≤ 10M:
///         10x / 5 %) and an honest LP with 1,000,000 USDC in the liquidity vault. Open-interest-to-cash ratio 100 %
///         (the default), insurance fee share 0 (every fee goes to the LPs).
abstract contract LocalEthFixture is LocalProtocolFixture {
    address internal constant HONEST_LP = address(0x1F0057);

    function setUp() public virtual override {
        super.setUp();
        _lpDeposit(HONEST_LP, 1_000_000e6);
    }

    /// @dev Withdraws `account`'s whole collateral to its wallet (it must be flat).
    function _withdrawAll(address account) internal {
        int256 c = vault.collateralOf(account);
        if (c <= 0) return;
        vm.prank(account);
        vault.withdraw(uint256(c) / 1e12, account);
    }

    /// @dev What `account` holds in USD (18 decimals): trading collateral plus wallet USDC.
    function _wealth(address account) internal view returns (int256) {
        return vault.collateralOf(account) + int256(usdc.balanceOf(account)) * 1e12;
    }
}
