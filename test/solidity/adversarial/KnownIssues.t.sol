// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {
    ILiquidationEngine, LiquidationConfig, LiquidationPreview
} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary, MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Reproductions of the contract issues the protocol invariant suite found (docs/DESIGN.md, "Invariant and
///         adversarial suites"), each now fixed: every test asserts the fixed behaviour with exact numbers and
///         says what used to happen.
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
        assertTrue(!ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL).liquidatable, "preview: nothing to liquidate");
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

    /// @dev ISSUE 3 (fixed): unresolved bad debt leaves Σ positive collateral above the USDC held (Σ signed == held).
    ///      With the real liquidity vault as counterparty its value and limits now exclude the shortfall (see
    ///      `ShortfallWithLiquidityVault.t.sol`), so traders' claims stay backed. Here the counterparty is a plain
    ///      account that ignores it: vault holds 1,050,000; LP 1,040,000 + Alice 10,000 + Bob 10,000 = 1,060,000 of
    ///      claims. The withdrawal beyond the holdings used to underflow (`Panic(0x11)`); it now reverts with
    ///      `InsufficientVaultBalance` and loses nothing.
    function test_fixedIssue_withdrawalBeyondHoldings_typedError() public {
        _openCarolLong();
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(liquidator.totalShortfall(), 10_000e18, "shortfall left for ADL");
        assertEq(usdc.balanceOf(address(vault)), 1_050_000e6, "held");

        vm.prank(LP);
        vault.withdraw(1_040_000e6, LP);
        vm.prank(ALICE);
        vault.withdraw(9_000e6, ALICE);
        assertEq(vault.totalCollateral(), 1_000e18, "1,000 left");
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.InsufficientVaultBalance.selector, 1_000e18 + 1e12, 1_000e18));
        vault.withdraw(1_000e6 + 1, BOB);
        vm.prank(BOB);
        vault.withdraw(1_000e6, BOB);
        assertEq(vault.collateralOf(BOB), 9_000e18, "the refused part stays credited");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens x 1e12 == totalCollateral");
    }

    /// @dev ISSUE 5 (fixed): liquidation used to decide "bankrupt" (close everything, no cooldown) at the fair price,
    ///      an EMA of the mark that lagged an oracle jump, so an account already under water at the oracle was judged
    ///      solvent and only lost 20 % slices, realising the loss bit by bit. The fair price now follows the oracle at
    ///      once (fair = oracle × (1 + fair premium); only the premium term moves slowly), and bankrupt is equity ≤ 0
    ///      at fair. Market LAG: 2,000, τ = 300 s, no premium (so the fair premium stays 0), no fees or funding, 20x /
    ///      mmr 2.5 %; partial threshold 100,000. Carol: 12,000 collateral, short 100 at 2,000. The oracle jumps to
    ///      2,400 and 60 s pass: fair = 2,400 at once, equity 12,000 − 100 × 400 = −28,000, maintenance margin −28,000
    ///      − 2.5 % × 240,000 = −34,000. One call closes all 100 at 2,400 (notional 240,000; the bound, Carol's own
    ///      impact from the fair premium, is 0 here), collateral −28,000; the fee (1,200, keeper share 240) has no
    ///      collateral to come from and the fund is empty, so the keeper gets nothing and the 28,000 goes to ADL.
    function test_fixedIssue_bankruptAfterAJump_closesEverything() public {
        uint256 lag = _listLagMarket();
        _setPartialNotional(100_000e18);
        _fund(CAROL, 12_000e6);
        _trade(CAROL, lag, -100e18);

        lagOracle.setPrice(2_400e18);
        vm.warp(T0 + 60);
        assertEq(engine.marketPrices(lag).fairPrice, 2_400e18, "fair follows the jump at once");
        MarginSummary memory atFair = engine.accountMarginAtFair(CAROL);
        assertEq(atFair.equity, -28_000e18, "bankrupt at fair");
        assertEq(engine.accountMargin(CAROL).equity, -28_000e18, "and at its exit price");
        assertEq(engine.maintenanceMargin(CAROL), -34_000e18, "-28,000 - 6,000");
        LiquidationPreview memory preview = ILiquidationEngine(address(liquidator)).previewLiquidation(CAROL);
        assertEq(preview.sizeDeltas[0], 100e18, "preview: the whole position");
        assertEq(preview.expectedBadDebt, 28_000e18, "preview: bad debt");

        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 240_000e18, "closed in full at 2,400");
        assertEq(reward, 0, "nothing to pay the keeper from");
        assertEq(engine.accountMarkets(CAROL).length, 0, "flat");
        assertEq(liquidator.lastPartialLiquidation(CAROL), 0, "not a partial liquidation");
        assertEq(vault.collateralOf(CAROL), -28_000e18, "debt");
        assertEq(liquidator.totalShortfall(), 28_000e18, "handed to ADL");
    }

    /// @dev Equity positive at fair: still sliced. Same market, oracle 2,100 a day later (fair = 2,100): equity
    ///      12,000 − 10,000 = 2,000 > 0, maintenance margin 2,000 − 2.5 % × 210,000 = −3,250, so a 20 % slice.
    function test_solventAtFair_stillSliced() public {
        uint256 lag = _listLagMarket();
        _setPartialNotional(100_000e18);
        _fund(CAROL, 12_000e6);
        _trade(CAROL, lag, -100e18);
        lagOracle.setPrice(2_100e18);
        vm.warp(T0 + 1 days);
        assertEq(engine.accountMarginAtFair(CAROL).equity, 2_000e18, "solvent at fair");
        assertEq(engine.maintenanceMargin(CAROL), -3_250e18, "below maintenance at fair");
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, lag).size, -80e18, "a 20 % slice");
        assertEq(liquidator.lastPartialLiquidation(CAROL), T0 + 1 days, "partial");
    }

    /// @dev ISSUE 6 (fixed): `liquidate` used to stop as soon as maintenance margin was back at ≥ 0 and only then
    ///      charge max(fee, keeper-reward floor); with dust positions the 5 USD floor exceeded the maintenance margin
    ///      they released and the account ended lower than before. Market BIG (id 2): 1,000 USD, exact (τ = 0, no
    ///      premium, fees or funding), 5x / mmr 5 %. Carol: 41,000 collateral, long 0.0005 RWA at 150,000 (notional
    ///      75, MM 3.75) and long 200 BIG at 1,000. BIG oracle 836.85: equity 41,000 − 32,630 = 8,370, MM 3.75 +
    ///      8,368.5: maintenance margin −2.25. Closing the RWA dust gives −2.25 + 3.75 = +1.5, below the 5 USD charge,
    ///      so the call goes on and closes BIG (200 × 836.85 = 167,370; loss 32,630). Notional 167,445, fee 0.5 % =
    ///      837.225, keeper 20 % = 167.445; collateral 41,000 − 32,630 − 837.225 = 7,532.775.
    function test_fixedIssue_stopCheckIncludesTheCharge() public {
        uint256 big = _listBigMarket();
        _fund(CAROL, 41_000e6);
        _trade(CAROL, rwa, 0.0005e18);
        _trade(CAROL, big, 200e18);

        bigOracle.setPrice(836.85e18);
        assertEq(engine.maintenanceMargin(CAROL), -2.25e18, "just below maintenance");
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 167_445e18, "the dust and BIG");
        assertEq(reward, 167.445e18, "20 % of the fee");
        assertEq(engine.accountMarkets(CAROL).length, 0, "flat");
        assertEq(vault.collateralOf(CAROL), 7_532.775e18, "41,000 - 32,630 - 837.225");
    }

    /// @dev Boundary of the stop test, same accounts: with the keeper-reward floor at 1.5 USD the charge for the dust
    ///      (max(0.375 fee, 1.5 floor)) equals the +1.5 maintenance margin left after closing it, so the call stops
    ///      there and the account ends exactly at maintenance (0).
    function test_stopCheck_chargeExactlyCovered_stops() public {
        uint256 big = _listBigMarket();
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        c.minKeeperReward = 1.5e18;
        ILiquidationEngine(address(liquidator)).setConfig(c);
        _fund(CAROL, 41_000e6);
        _trade(CAROL, rwa, 0.0005e18);
        _trade(CAROL, big, 200e18);
        bigOracle.setPrice(836.85e18);

        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(CAROL);
        assertEq(notional, 75e18, "only the RWA dust");
        assertEq(reward, 1.5e18, "the floor");
        assertEq(engine.position(CAROL, big).size, 200e18, "BIG kept");
        assertEq(engine.maintenanceMargin(CAROL), 0, "exactly at maintenance");
    }

    /// @dev One wei more of floor than the released margin: the call goes on and closes BIG.
    function test_stopCheck_chargeOneWeiAbove_continues() public {
        uint256 big = _listBigMarket();
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        c.minKeeperReward = 1.5e18 + 1;
        ILiquidationEngine(address(liquidator)).setConfig(c);
        _fund(CAROL, 41_000e6);
        _trade(CAROL, rwa, 0.0005e18);
        _trade(CAROL, big, 200e18);
        bigOracle.setPrice(836.85e18);

        vm.prank(KEEPER);
        (uint256 notional,) = liquidator.liquidate(CAROL);
        assertEq(notional, 167_445e18, "the dust and BIG");
        assertEq(engine.accountMarkets(CAROL).length, 0, "flat");
    }

    MockOracleAdapter internal lagOracle;
    MockOracleAdapter internal bigOracle;

    function _listLagMarket() private returns (uint256) {
        lagOracle = new MockOracleAdapter(2_000e18);
        MarketParams memory p = exactParams(lagOracle);
        p.fairTau = 300;
        return engine.listMarket("LAG", p, oneTier(20e18, 0.025e18));
    }

    function _listBigMarket() private returns (uint256) {
        bigOracle = new MockOracleAdapter(1_000e18);
        return engine.listMarket("BIG", exactParams(bigOracle), oneTier(5e18, 0.05e18));
    }
}
