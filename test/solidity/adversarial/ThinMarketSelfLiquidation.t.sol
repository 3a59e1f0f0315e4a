// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {AdversarialFixture} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Self-liquidation in a thin market. The attacker holds two accounts: VICTIM long and HEDGE short the same
///         size, built in small alternating steps so the skew stays near 0 and no cap or breaker binds. After a small
///         oracle drop VICTIM is just below maintenance; HEDGE liquidates it (and takes the keeper reward). The
///         liquidation sells the whole position into the skew, so its fill carries the full skew impact: that slippage
///         is VICTIM's loss and HEDGE's gain when it buys back at the same fill. The attacker would profit if the
///         slippage exceeded VICTIM's remaining equity; the listing bound (the largest close impact, min(2 ×
///         maxPremium, ⌈maxOpenInterest / (2 × skewScale)⌉), at most the lowest mmr) keeps it within.
/// @dev Market THIN at 100 USD: skewScale 20,000, no fees, no funding interest, τ = 0, one tier 20x / mmr 2.5 %.
///      Steps of 12 units: a buy fills at 100 × (12 + 12² / 40,000) / 12 = 100.03, the hedge sells at the same price
///      (skew 12 → 0); 200 steps give 2,400 units each way, cost basis 240,072 (below the 250,000 partial threshold,
///      so the liquidation closes everything). Each account deposits 15,000: initial margin is checked at the worse of
///      the exit price (the fill of the whole close at the live skew) and fair, and the whole 2,400 closed from skew 0
///      averages up to 1.185 % of premium, so 12,000 (the margin at the oracle) is no longer enough. All in one block,
///      so the fair premium stays 0 (fair = oracle). Oracle then 96: VICTIM's equity 15,000 + 2,400 × (96 − 100.03) =
///      5,328 > 0, MM 2.5 % × 230,400 = 5,760, maintenance margin −432: liquidatable, not bankrupt. A close of 2,400
///      from skew 0 walks past the clamp (it starts at maxPremium × 20,000 units): G(2,400) = maxPremium × 2,400 −
///      maxPremium² × 20,000 / 2. Fund seeded with 100,000.
contract ThinMarketSelfLiquidationTest is AdversarialFixture {
    address internal constant VICTIM = address(0xB1);
    address internal constant HEDGE = address(0xB2);
    uint256 internal constant DEPOSIT = 15_000e6;
    uint256 internal constant STEP = 12e18;

    MockOracleAdapter internal thinOracle;

    function setUp() public override {
        super.setUp();
        thinOracle = new MockOracleAdapter(100e18);
        _seedFund(100_000e6);
        _fund(VICTIM, DEPOSIT);
        _fund(HEDGE, DEPOSIT);
    }

    /// @dev maxPremium 1 % (impact bound 2 % < 2.5 %): G(2,400) = 24 − 1 = 23, so the liquidation fills at
    ///      96 × (2,400 − 23) / 2,400 = 95.08 (within its bound: the same fill from the fair skew 0). VICTIM realises
    ///      2,400 × 95.08 − 240,072 = −11,880 (collateral 3,120) and pays the fee 0.5 % × 228,192 = 1,140.96: 20 % of
    ///      it (228.192 USDC) to the keeper (HEDGE), 912.768 to the fund; it keeps 1,979.04. HEDGE buys back at
    ///      96 × (2,400 − 23) / 2,400 = 95.08: +11,880 → 26,880. Total 1,979.04 + 26,880 + 228.192 = 29,087.232 <
    ///      30,000 deposited: the attacker loses the fund's share of the fee.
    function test_slippageBelowMaintenance_attackerCannotProfit() public {
        uint256 thin = _listThin(0.01e18);
        _buildHedge(thin);
        thinOracle.setPrice(96e18);
        assertEq(engine.maintenanceMargin(VICTIM), -432e18, "just below maintenance");

        vm.prank(HEDGE);
        (uint256 notional, uint256 reward) = liquidator.liquidate(VICTIM);
        assertEq(notional, 228_192e18, "2,400 at 95.08");
        assertEq(reward, 228.192e18, "keeper reward: 20 % of the fee");
        assertEq(vault.collateralOf(VICTIM), 1_979.04e18, "victim keeps the rest");
        _close(HEDGE, thin);
        assertEq(vault.collateralOf(HEDGE), 26_880e18, "hedge: 15,000 + 11,880");

        int256 total = vault.collateralOf(VICTIM) + vault.collateralOf(HEDGE) + int256(usdc.balanceOf(HEDGE)) * 1e12;
        assertEq(total, 29_087.232e18, "attacker total");
        assertGe(int256(2 * DEPOSIT) * 1e12, total, "attacker total + keeper reward <= deposited");
        assertEq(fund.balance(), 100_912.768e18, "fund gained its fee share");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
        _assertLedgerBacked();
    }

    /// @dev ISSUE 4 (fixed): with maxPremium 10 % (the ETH fixture's default) the liquidation of 2,400 units moved the
    ///      skew 0 → −2,400 (premium −12 %, clamped to −10 %) and filled 5 % below the oracle, twice the 2.5 %
    ///      maintenance margin: VICTIM went into bad debt, the fund paid it, and HEDGE's buy-back collected it. Listing
    ///      requires the largest close impact to fit in the lowest mmr: a close of q walks the premium down by at most
    ///      q / (2 × skewScale) on average, and a path from +maxPremium deep into the flat −maxPremium part approaches
    ///      2 × maxPremium, so the bound is min(2 × maxPremium, ⌈maxOpenInterest / (2 × skewScale)⌉). Here
    ///      maxOpenInterest / (2 × skewScale) = 10,000 / 40,000 = 25 %, so 2 × maxPremium decides: 10 % is refused with
    ///      min(20 %, 25 %) = 20 %, 1.25 % + 1 wei with 2.5 % + 2 wei, and 1.25 % lists. The same bound applies when
    ///      parameters or tiers change later.
    function test_fixedIssue_impactAboveMaintenance_cannotBeListed() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.2e18, 0.025e18)
        );
        _listThin(0.1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.025e18 + 2, 0.025e18)
        );
        _listThin(0.0125e18 + 1);
        uint256 thin = _listThin(0.0125e18);

        MarketParams memory p = engine.marketParams(thin);
        p.maxPremium = 0.0125e18 + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.025e18 + 2, 0.025e18)
        );
        engine.setMarketParams(thin, p);
        NotionalTier[] memory tiers = new NotionalTier[](1);
        tiers[0] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 20e18, mmr: 0.025e18 - 1});
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.025e18, 0.025e18 - 1)
        );
        engine.setMarketTiers(thin, tiers);
    }

    /// @dev The open-interest side of the bound: maxPremium 10 % but maxOpenInterest 1,000 against skewScale 20,000
    ///      limits any close to 1,000 / 40,000 = 2.5 %; one more unit of open interest (ceil) does not list.
    function test_impactBoundByOpenInterest_atBoundary() public {
        _listExactMarket(
            "OI", thinOracle, 20_000e18, 0.1e18, 1_000e18, 1_000e18,
            NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 20e18, mmr: 0.025e18})
        );
        vm.expectRevert(
            abi.encodeWithSelector(IMarketConfig.LiquidationImpactAboveMaintenance.selector, 0.025e18 + 1, 0.025e18)
        );
        _listExactMarket(
            "OI+1", thinOracle, 20_000e18, 0.1e18, 1_000e18, 1_000e18 + 1,
            NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 20e18, mmr: 0.025e18})
        );
    }

    /// @dev At the bound (2 × maxPremium = 2.5 % = mmr) the attack of the known issue loses. G(2,400) = 0.0125 × 2,400
    ///      − 0.0125² × 20,000 / 2 = 30 − 1.5625 = 28.4375, so the liquidation fills at 96 × (2,400 − 28.4375) / 2,400
    ///      = 94.8625: VICTIM realises 2,400 × 94.8625 − 240,072 = −12,402 (collateral 2,598) and pays 0.5 % × 227,670
    ///      = 1,138.35: 227.67 USDC to the keeper (HEDGE), 910.68 to the fund; it keeps 1,459.65. HEDGE buys back at
    ///      94.8625: +12,402 → 27,402. Attacker total 1,459.65 + 27,402 + 227.67 = 29,089.32 < 30,000 deposited; no bad
    ///      debt (the impact 96 × 28.4375 = 2,730 is below VICTIM's equity 5,328).
    function test_slippageAtTheBound_attackerCannotProfit() public {
        uint256 thin = _listThin(0.0125e18);
        _buildHedge(thin);
        thinOracle.setPrice(96e18);
        assertEq(engine.maintenanceMargin(VICTIM), -432e18, "just below maintenance, equity 5,328 > 0");

        vm.prank(HEDGE);
        (uint256 notional, uint256 reward) = liquidator.liquidate(VICTIM);
        assertEq(notional, 227_670e18, "2,400 at 94.8625");
        assertEq(reward, 227.67e18, "keeper reward: 20 % of the fee, paid by the account");
        assertEq(vault.collateralOf(VICTIM), 1_459.65e18, "victim keeps the rest");
        assertEq(fund.totalBadDebtCovered(), 0, "no bad debt");
        _close(HEDGE, thin);
        assertEq(vault.collateralOf(HEDGE), 27_402e18, "hedge: 15,000 + 12,402");

        int256 total = vault.collateralOf(VICTIM) + vault.collateralOf(HEDGE) + int256(usdc.balanceOf(HEDGE)) * 1e12;
        assertEq(total, 29_089.32e18, "attacker total");
        assertGe(int256(2 * DEPOSIT) * 1e12, total, "attacker total + keeper reward <= deposited");
        assertEq(fund.balance(), 100_910.68e18, "fund gained its fee share");
        assertEq(liquidator.totalShortfall(), 0, "no shortfall");
        _assertLedgerBacked();
    }

    function _listThin(uint256 maxPremium) private returns (uint256) {
        return _listExactMarket(
            "THIN",
            thinOracle,
            20_000e18,
            maxPremium,
            1_000e18,
            10_000e18,
            NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 20e18, mmr: 0.025e18})
        );
    }

    /// @dev 200 alternating steps of 12 units: VICTIM +12 (skew 0 → 12: premium 0.06 %, funding rate 0.05375 %/h,
    ///      within the band; |skew| × 100 = 1,200 within the counterparty's cash), HEDGE −12 (skew 12 → 0). Both fill
    ///      at 100.03.
    function _buildHedge(uint256 thin) private {
        for (uint256 i; i < 200; ++i) {
            _trade(VICTIM, thin, int256(STEP));
            _trade(HEDGE, thin, -int256(STEP));
        }
        assertEq(engine.position(VICTIM, thin).openNotional, 240_072e18, "victim cost basis");
        assertEq(engine.position(HEDGE, thin).openNotional, -240_072e18, "hedge cost basis");
        assertEq(engine.marketState(thin).skew, 0, "skew back at 0");
    }

    function _close(address account, uint256 marketId) private {
        vm.prank(account);
        engine.closePosition(account, marketId, type(uint256).max);
    }
}
