// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, high): one call used to disable the pnl-factor reduction, the active half of the
///         vault-solvency rule, for as long as the caller liked. `requestPnlReduction(marketId)` let the caller pick
///         any market with a non-zero skew, only one reduction may be pending, and a request without candidates
///         reverted `NoAdlCandidates` and, rotated, stayed the pending one for ever. Now the request takes no market:
///         it targets the market where the traders win the most against the vault (the most negative
///         `counterpartyPnlOf`), and a reduction with no ranked candidate after its window resolves, so the next
///         request can be made.
/// @dev Exact markets X and Y at 1,000 (no premium, fees or funding; one tier 5x / 5 %). Provider 100,000 USDC. Bob
///      long 100 X with 20,000 (long side 100,000 ≤ the vault's 100,000 of cash). Mallory long 0.1 Y with 100 (PnL 0).
///      X → 1,600: traders' profit 100 × 600 = 60,000 > floor(50 % × 100,000) = 50,000. counterpartyPnlOf: X −60,000, Y
///      0. Before (commit af467cf^, the red team's test): Mallory requested Y; the keeper's request on X reverted
///      `PnlReductionPending` over ten rotations (160 minutes); X → 2,100 took Bob's profit to 110,000 > the 100,000
///      of cash; Bob closed (the vault's collateral −10,000, the provider's 100,000 worth 0) and his 130,000 withdrawal
///      reverted `InsufficientVaultBalance(130,000, 120,100)`.
///      After: Mallory's request lands on X; with no candidate submitted it resolves after its 60 s window; the
///      keeper's request 1 (X again) closes Bob at 1,600 (realised +60,000: Bob 80,000, the vault 40,000, profit 0); X
///      → 2,100 changes nothing for the vault; Bob withdraws his 80,000 and the provider can take 39,900 (its 40,000
///      less the 100 that Mallory's open 0.1 Y keeps as backing and as cash: 0.1 × 1,000 at 100 %).
contract PnlReductionHijackTest is ReviewFixture {
    MockOracleAdapter internal xOracle;
    MockOracleAdapter internal yOracle;
    uint256 internal x;
    uint256 internal y;

    function setUp() public override {
        super.setUp();
        xOracle = new MockOracleAdapter(1_000e18);
        yOracle = new MockOracleAdapter(1_000e18);
        x = engine.listMarket("X", uncappedExactParams(xOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        y = engine.listMarket("Y", uncappedExactParams(yOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        _lpDeposit(PROVIDER, 100_000e6);
        _fund(BOB, 20_000e6);
        _fund(MALLORY, 100e6);
        _trade(BOB, x, 100e18);
        _trade(MALLORY, y, 0.1e18);
        xOracle.setPrice(1_600e18);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 60_000e18, "100 x (1,600 - 1,000)");
        assertEq(cash, 100_000e18, "the vault's collateral, no debt");
        (int256 xPnl,) = engine.counterpartyPnlOf(x);
        (int256 yPnl,) = engine.counterpartyPnlOf(y);
        assertEq(xPnl, -60_000e18, "the vault's PnL in X: 100,000 - 160,000");
        assertEq(yPnl, 0, "in Y: 100 - 0.1 x 1,000");
    }

    /// @dev The hijack attempt, step by step: the quiet market cannot be chosen, a request without candidates does not
    ///      hold the slot, and the real reduction runs and keeps the vault solvent through the red team's move.
    function test_quietMarketCannotBeTargeted_candidateLessRequestResolves_realReductionRuns() public {
        // Mallory's request: no market argument any more; it lands on X, where the traders win.
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionRequested(0, x, true, 60_000e18, 100_000e18);
        vm.prank(MALLORY);
        assertEq(liquidator.requestPnlReduction(), 0, "request 0");
        (, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(id, 0, "pending");
        assertEq(r.marketId, x, "on X, not on the quiet Y");
        assertTrue(r.victimsLong, "X's longs win");
        vm.prank(KEEPER);
        vm.expectRevert(IAutoDeleveraging.PnlReductionPending.selector);
        liquidator.requestPnlReduction();

        // Mallory submits nobody (she holds nothing in X), and nobody else does within the window.
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.NotAdlCandidate.selector, MALLORY, x));
        liquidator.submitAdlCandidate(MALLORY);
        vm.warp(T0 + 59);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();
        vm.warp(T0 + 60);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlResolved(0);
        assertEq(liquidator.executeAdl(), 0, "no candidate ranked: the request resolves");
        assertEq(engine.position(BOB, x).size, 100e18, "nobody was touched");

        // The keeper's request is made at once and works Bob.
        vm.prank(KEEPER);
        assertEq(liquidator.requestPnlReduction(), 1, "request 1");
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 120);
        vm.prank(KEEPER);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, x).size, 0, "bob closed at 1,600");
        assertEq(vault.collateralOf(BOB), 80_000e18, "20,000 + 60,000");
        assertEq(vault.collateralOf(address(lpVault)), 40_000e18, "100,000 - 60,000");
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 0, "no trader profit left");
        assertEq(cash, 40_000e18, "cash");

        // The red team's move: nothing for the vault to pay any more; Bob's profit is paid in full.
        xOracle.setPrice(2_100e18);
        (profit,) = liquidator.pnlFactor();
        assertEq(profit, 0, "still none: X is flat");
        assertEq(lpVault.totalAssets(), 40_000e6, "the provider keeps 40,000");
        vm.prank(BOB);
        vault.withdraw(80_000e6, BOB);
        assertEq(usdc.balanceOf(BOB), 80_000e6, "Bob's withdrawal paid");
        assertEq(vault.totalCollateral(), 40_100e18, "40,000 (vault) + 100 (Mallory) still backed by tokens");
        assertEq(usdc.balanceOf(address(vault)), 40_100e6, "tokens held");
        // Mallory's 0.1 Y (100 at 1,000) keeps 100 % backing and 100 % cash: the provider may take 39,900.
        assertEq(lpVault.requiredBackingAssets(), 100e6, "0.1 x 1,000 x 100 %");
        assertEq(lpVault.requiredCashAssets(), 100e6, "0.1 x 1,000 / 100 %");
        assertEq(lpVault.maxWithdraw(PROVIDER), 39_900e6, "40,000 - 100");
    }

    /// @dev A reduction whose only candidate no longer ranks (its profit is gone) resolves too, while the factor is
    ///      still over the limit elsewhere, and the next request then targets where the traders now win. Request 0 on X
    ///      with Bob submitted; X falls back to 1,000 (Bob's PnL 0, rank 0) and Y rises to 600,001: Mallory's 0.1 Y
    ///      gains 0.1 × 599,001 = 59,900.1 > floor(50 % × 100,000). After the window the step resolves request 0
    ///      (before: `NoAdlCandidates`), and request 1 goes to Y.
    function test_requestWithOnlyUnrankedCandidates_resolvesAfterTheWindow() public {
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(BOB);
        xOracle.setPrice(1_000e18);
        yOracle.setPrice(600_001e18);
        (uint256 profit,) = liquidator.pnlFactor();
        assertEq(profit, 59_900.1e18, "0.1 x (600,001 - 1,000)");
        assertEq(liquidator.adlRank(BOB, x), 0, "bob no longer in profit");
        vm.warp(T0 + 60);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, x).size, 100e18, "bob untouched");
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(!pending, "nothing pending: the next request may be made");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionRequested(1, y, true, 59_900.1e18, 100_000e18);
        liquidator.requestPnlReduction();
    }
}
