// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {AccountMargin, MarketParams, Tier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Reproductions of the contract issues the protocol invariant suite found (docs/DESIGN.md, "Invariant and
///         adversarial suites"). Each test pins today's behaviour with exact numbers and says what a fix must change;
///         the contracts are not changed here.
/// @dev Carol: 30,000 collateral, long 1 RWA unit at 150,000; at 110,000 her equity is −10,000 (bankrupt).
contract KnownIssuesTest is LiquidationFixture {
    /// @dev ISSUE 1 (fixed): liquidating an account that is already flat with negative collateral used to record its
    ///      debt as ADL shortfall again. `liquidate` now refuses a flat account (`NothingToLiquidate`) and the preview
    ///      says it is not liquidatable; the shortfall is recorded once.
    function test_fixedIssue_flatDebtIsNotLiquidatedAgain() public {
        _openCarolLong();
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(vault.collateralOf(CAROL), -10_000e18, "debt left, fund empty");
        assertEq(liquidator.totalShortfall(), 10_000e18, "recorded once");
        assertTrue(!liquidator.previewLiquidation(CAROL).liquidatable, "preview: nothing to liquidate");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NothingToLiquidate.selector, CAROL));
        liquidator.liquidate(CAROL);
        assertEq(liquidator.totalShortfall(), 10_000e18, "still recorded once");
    }

    /// @dev ISSUE 2 (fixed): a bankrupt account used to be able to close its own position and end flat with negative
    ///      collateral outside the waterfall. The engine now refuses such a close (`BankruptCloseNeedsLiquidation`);
    ///      the keeper's liquidation routes the debt through the fund.
    function test_fixedIssue_bankruptAccountCannotCloseItself() public {
        _openCarolLong();
        _seedFund(20_000e6);
        rwaOracle.setPrice(110_000e18);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.BankruptCloseNeedsLiquidation.selector, CAROL, -10_000e18)
        );
        engine.trade(CAROL, rwa, -1e18, 0);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(vault.collateralOf(CAROL), 0, "fund covered the debt");
        assertEq(fund.totalBadDebtCovered(), 10_000e18, "through the waterfall");
    }

    /// @dev ISSUE 3: unresolved bad debt leaves Σ positive collateral above the USDC held (Σ signed == held), but
    ///      `maxWithdraw` of a flat account is its whole collateral. Withdrawals are first come, first served; the
    ///      last one reverts with an arithmetic underflow (`_totalCollateral -= usdAmount`) instead of a typed error,
    ///      while the view promised it. The liquidity vault's `maxWithdraw`/`maxRedeem`/`totalAssets` count the same
    ///      unbacked cash (its account holds the bankrupt side's loss), so LP shares are overvalued by the
    ///      shortfall until ADL resolves it (the invariant suite records these refusals as `unbackedWithdrawals`).
    ///      Here: vault holds 1,050,000; LP 1,040,000 + Alice 10,000 + Bob 10,000 = 1,060,000 of claims.
    function test_knownIssue_unresolvedBadDebt_lastWithdrawalPanics() public {
        _openCarolLong();
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(liquidator.totalShortfall(), 10_000e18, "shortfall left for ADL");
        assertEq(usdc.balanceOf(address(vault)), 1_050_000e6, "held");

        vm.prank(LP);
        vault.withdraw(1_040_000e6, LP);
        vm.prank(ALICE);
        vault.withdraw(10_000e6, ALICE);
        assertEq(vault.maxWithdraw(BOB), 10_000e6, "view promises 10,000");
        assertEq(vault.totalCollateral(), 0, "nothing left: Bob's 10,000 is backed by Carol's debt");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        vault.withdraw(10_000e6, BOB);
    }

    /// @dev ISSUE 5 (design): liquidation decides "bankrupt" (close everything) and "healthy again" (stop) at the
    ///      fair price, which lags a jump, but fills at the oracle. Market LAG: 2,000, τ = 300 s, no premium, fees or
    ///      funding, 20x / mmr 2.5 %; partial threshold 100,000. Carol: 12,000 collateral, short 100 at 2,000. The
    ///      oracle jumps to 2,400 and 60 s pass: fair = 2,400 − 400 × w(0.2) = 2,072.4890829694323144 (w =
    ///      1 / (1 + 0.2 + 0.02 + 0.001333…) = 0.818777292576419214). At fair: equity 12,000 − 100 × 72.489… =
    ///      4,751.09 > 0, MM 5,181.22: liquidatable but "not bankrupt", so the first call closes only a 20 % slice,
    ///      although at the oracle equity is 12,000 − 40,000 = −28,000. The slice realises −8,000 at 2,400 and pays
    ///      a 240 fee (collateral 3,760), which the fair valuation had not counted: maintenance margin at fair falls
    ///      from −430.131 to −6,184.105 (at mark it rises from −34,000 to −33,040). Now fair equity is ≤ 0, so the next
    ///      call closes the rest at once; a further jump in between would have grown the bad debt. The invariant
    ///      suite counts these cases in `liquidationWorsenedAtFairOnly` / `slicedWhileBankruptAtMark`.
    ///      Fix: treat an account as bankrupt when its equity at mark (or oracle) is ≤ 0 too.
    function test_knownIssue_fairPriceLag_slicesAnAccountBankruptAtTheOracle() public {
        MockOracleAdapter lagOracle = new MockOracleAdapter(2_000e18);
        MarketParams memory p = ethParams(lagOracle);
        p.maxPremium = 0;
        p.makerFee = 0;
        p.takerFee = 0;
        p.fundingInterest = 0;
        p.minPositionMargin = 0;
        Tier[] memory tiers = new Tier[](1);
        tiers[0] = Tier({upToNotional: 10_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        uint256 lag = engine.listMarket("LAG", p, tiers);
        _setPartialNotional(100_000e18);
        _fund(CAROL, 12_000e6);
        _trade(CAROL, lag, -100e18);

        lagOracle.setPrice(2_400e18);
        vm.warp(T0 + 60);
        assertEq(engine.marketPrices(lag).fairPrice, 2_072_489082969432314400, "fair lags the jump");
        AccountMargin memory atMark = engine.accountMargin(CAROL);
        assertEq(atMark.equity, -28_000e18, "bankrupt at the oracle");
        int256 fairBefore = engine.maintenanceMargin(CAROL);
        assertEq(fairBefore, -430_131004366812226000, "just below maintenance at fair");

        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, lag).size, -80e18, "only a 20 % slice");
        assertEq(liquidator.lastPartialLiquidation(CAROL), T0 + 60, "treated as a partial liquidation");
        assertEq(vault.collateralOf(CAROL), 3_760e18, "12,000 - 8,000 - 240");
        int256 fairAfter = engine.maintenanceMargin(CAROL);
        assertTrue(fairAfter < fairBefore, "maintenance margin at fair got worse");
        AccountMargin memory markAfter = engine.accountMargin(CAROL);
        assertEq(markAfter.equity - int256(markAfter.maintenanceMargin), -33_040e18, "at mark it improved");

        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, lag).size, 0, "second call: bankrupt at fair now, everything closed");
    }

    /// @dev ISSUE 6: `liquidate` stops as soon as maintenance margin is back at ≥ 0 and only then charges
    ///      max(fee, keeper-reward floor). When the positions closed are dust, the 5 USD floor exceeds the
    ///      maintenance margin they released, so the account ends below maintenance again, lower than before (the
    ///      invariant suite's `liquidationWorsenedByRewardFloor`). Market BIG (id 2): 1,000 USD, exact (τ = 0, no
    ///      premium, fees or funding), 5x / mmr 5 %. Carol: 41,000 collateral, long 0.0005 RWA at 150,000 (notional
    ///      75, MM 3.75) and long 200 BIG at 1,000. BIG oracle 836.85: equity 41,000 − 32,630 = 8,370, MM 3.75 +
    ///      8,368.5: maintenance margin −2.25. The first call closes the RWA dust (markets in id order), sees
    ///      −2.25 + 3.75 = +1.5 ≥ 0 and stops, then charges the 5 USD floor (the fee is 0.375): −3.5. The next call
    ///      closes BIG and charges again. Fix: include the charge in the stop test (stop when maintenance margin
    ///      − charge ≥ 0) or cap the floor at what the account can pay without going below maintenance.
    function test_knownIssue_rewardFloorAfterStop_leavesAccountBelowMaintenance() public {
        MockOracleAdapter bigOracle = new MockOracleAdapter(1_000e18);
        MarketParams memory p = ethParams(bigOracle);
        p.maxPremium = 0;
        p.makerFee = 0;
        p.takerFee = 0;
        p.fundingInterest = 0;
        p.fairTau = 0;
        p.minPositionMargin = 0;
        Tier[] memory tiers = new Tier[](1);
        tiers[0] = Tier({upToNotional: 10_000_000e18, maxLeverage: 5e18, mmr: 0.05e18});
        uint256 big = engine.listMarket("BIG", p, tiers);
        _fund(CAROL, 41_000e6);
        _trade(CAROL, rwa, 0.0005e18);
        _trade(CAROL, big, 200e18);

        bigOracle.setPrice(836.85e18);
        assertEq(engine.maintenanceMargin(CAROL), -2.25e18, "just below maintenance");
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 75e18, "only the RWA dust closed");
        assertEq(reward, 5e18, "keeper-reward floor, paid by the account");
        assertEq(engine.position(CAROL, big).size, 200e18, "stopped before BIG");
        assertEq(engine.maintenanceMargin(CAROL), -3.5e18, "BUG: lower than before the liquidation");

        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.accountMarkets(CAROL).length, 0, "second call closes BIG");
        assertEq(vault.collateralOf(CAROL), 7_528.15e18, "41,000 - 5 - 32,630 - 836.85");
    }
}
