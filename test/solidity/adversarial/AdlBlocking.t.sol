// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 8 of the security review, "one uncoverable ADL request blocks ADL everywhere": the queue is FIFO
///         and judges every candidate against the head's market and side, so a head with no possible victim (every
///         trader was long, only the liquidity vault short) stayed pending for ever and later shortfalls in other
///         markets were never worked; the lens/SDK's `executable` also ignored a repayment that `executeAdl` resolves.
/// @dev Two exact markets (no premium, fees or funding, τ = 0: fill = fair = oracle), the real liquidity vault with
///      1,000,000 from a provider, an empty insurance fund (so every loss goes to ADL).
///      RWA at 150,000 (5x / mmr 5 %): Carol, the only trader, long 1 with 30,000. At 110,000 (T0 + 10) she is
///      bankrupt (equity −10,000): the liquidation closes her at 110,000 and queues request 0: 10,000 of shortfall,
///      victims short, bankruptcy price 110,000 + 10,000 / 1 = 120,000. No trader is short in RWA.
///      GOLD at 2,000 (10x / mmr 5 %): Dan short 100 with 20,000, Erin long 100 with 30,000. At 2,300 (T0 + 100) Dan
///      is bankrupt (equity −10,000): request 1, 10,000, victims long, bankruptcy price 2,300 − 10,000 / 100 = 2,200.
///      Before (commit 1005906, ported): request 0 at the head, `executeAdl` reverted `NoAdlCandidates` and
///      `submitAdlCandidate(Erin)` reverted `NotAdlCandidate(Erin, RWA)`, 30 days later too: Dan's 10,000 stayed with
///      the liquidity providers although Erin's profit could cover it. Now the head rotates after its stuck window,
///      request 1 is worked, and the owner writes request 0 off with the vault's value unchanged.
contract AdlBlockingTest is LocalProtocolFixture {
    MockOracleAdapter internal rwaOracle;
    MockOracleAdapter internal goldOracle;
    uint256 internal rwa;
    uint256 internal gold;

    uint256 internal constant RWA_BANKRUPT_AT = T0 + 10;
    uint256 internal constant GOLD_BANKRUPT_AT = T0 + 100;

    function setUp() public override {
        super.setUp();
        rwaOracle = new MockOracleAdapter(150_000e18);
        rwa = engine.listMarket("RWA", exactParams(rwaOracle), oneTier(5e18, 0.05e18));
        goldOracle = new MockOracleAdapter(2_000e18);
        gold = engine.listMarket("GOLD", exactParams(goldOracle), oneTier(10e18, 0.05e18));
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(CAROL, 30_000e6);
        _fund(DAN, 20_000e6);
        _fund(ERIN, 30_000e6);
        _trade(CAROL, rwa, 1e18);
        _trade(DAN, gold, -100e18);
        _trade(ERIN, gold, 100e18);
    }

    /// @dev Request 0 cannot be covered by anyone, request 1 can. The stuck window: rotation is possible from
    ///      max(openedAt + 60, lastProgressAt) + 900 = T0 + 970 (`AdlNotStuck(T0 + 970)` one second before). Rotation
    ///      moves request 0 to the back as request 2. Request 1 is coverable (Erin submitted), so it cannot be rotated
    ///      at its own ready time T0 + 1,060. `executeAdl` closes Erin's 100 at 2,200 instead of her exit 2,300:
    ///      covered = 100 × 100 = 10,000, paid from the liquidity vault to Dan (0 left). Vault value (collateral +
    ///      counterparty PnL − unresolved shortfall): after both liquidations 1,070,000 − 30,000 − 20,000 = 1,020,000;
    ///      after the ADL 1,040,000 + 0 − 10,000 = 1,030,000 (+10,000, the debt recovered from Erin's profit). The
    ///      write-off of request 2 moves 10,000 from the vault to Carol (0 left) and takes the shortfall to 0:
    ///      1,030,000 + 0 − 0 = 1,030,000, unchanged.
    function test_finding8_uncoverableHead_rotates_laterShortfallWorked_thenWrittenOff() public {
        _bankruptCarol();
        _bankruptDan();
        assertEq(liquidator.totalShortfall(), 20_000e18, "two shortfalls queued");
        assertEq(lpVault.netValueUsd(), 1_020_000e18, "1,070,000 - 30,000 - 20,000");
        (, uint256 head, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(head, 0, "RWA request at the head");
        assertEq(uint256(r.bankruptcyPrice), 120_000e18, "110,000 + 10,000");
        assertTrue(!r.victimsLong, "victims would be shorts: there are none");

        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.NotAdlCandidate.selector, ERIN, rwa));
        liquidator.submitAdlCandidate(ERIN);
        vm.warp(RWA_BANKRUPT_AT + 60);
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();

        vm.warp(RWA_BANKRUPT_AT + 959);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, RWA_BANKRUPT_AT + 960));
        vm.prank(KEEPER);
        liquidator.rotateAdl();
        vm.warp(RWA_BANKRUPT_AT + 960);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlRotated(0, 2);
        vm.prank(KEEPER);
        liquidator.rotateAdl();

        (, head, r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(head, 1, "GOLD request at the head");
        assertTrue(r.victimsLong, "victims long");
        assertEq(uint256(r.bankruptcyPrice), 2_200e18, "2,300 - 10,000 / 100");
        liquidator.submitAdlCandidate(ERIN);
        vm.warp(GOLD_BANKRUPT_AT + 960);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlNotStuck.selector, GOLD_BANKRUPT_AT + 960));
        liquidator.rotateAdl();

        vm.prank(KEEPER);
        uint256 covered = liquidator.executeAdl();
        assertEq(covered, 10_000e18, "Erin covers Dan's shortfall");
        assertEq(engine.position(ERIN, gold).size, 0, "Erin closed");
        assertEq(vault.collateralOf(ERIN), 50_000e18, "30,000 + (2,200 - 2,000) x 100");
        assertEq(vault.collateralOf(DAN), 0, "Dan's debt repaid");
        assertEq(lpVault.netValueUsd(), 1_030_000e18, "+10,000 recovered");

        (, head, r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(head, 2, "the rotated RWA request");
        assertEq(uint256(r.openedAt), RWA_BANKRUPT_AT + 960, "fresh window");
        assertEq(uint256(r.remaining), 10_000e18, "still 10,000");

        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, KEEPER));
        vm.prank(KEEPER);
        liquidator.writeOffAdl();
        int256 navBefore = lpVault.netValueUsd();
        uint256 assetsBefore = lpVault.totalAssets();
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlWrittenOff(2, CAROL, 10_000e18);
        liquidator.writeOffAdl();
        assertEq(lpVault.netValueUsd(), navBefore, "write-off leaves the value unchanged");
        assertEq(lpVault.totalAssets(), assetsBefore, "and the share price");
        assertEq(lpVault.netValueUsd(), 1_030_000e18, "1,030,000 + 0 - 0");
        assertEq(vault.collateralOf(address(lpVault)), 1_030_000e18, "10,000 moved out of the vault's balance");
        assertEq(vault.collateralOf(CAROL), 0, "to the bankrupt account");
        assertEq(liquidator.totalShortfall(), 0, "nothing left");
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(!pending, "queue empty");
        _assertTokensBackBalances();
    }

    /// @dev The lens's `executable` against `executeAdl` for request 0 (no victim exists). Carol repays 4,000 of her
    ///      10,000: a 6,000 request with no candidate is not executable (in the window: `AdlRankingWindowOpen`; after
    ///      it: `NoAdlCandidates`). She repays the other 6,000 inside the ranking window: `executable` turns true at
    ///      once and `executeAdl` resolves the request with nothing covered (vault value 1,040,000 − 0: the shortfall
    ///      is gone, its collateral untouched). Before: the lens had no `executable`; the SDK derived it as "window
    ///      over and a candidate ranks above 0", which said false while `executeAdl` resolved the request.
    function test_finding8_lensExecutable_tellsTheTruthForARepaidRequest() public {
        PerpLens lens = new PerpLens(engine);
        _bankruptCarol();
        assertTrue(lens.getAdl().pending, "pending");
        assertTrue(!lens.getAdl().executable, "no victim, window open");

        _fund(CAROL, 4_000e6);
        assertTrue(!lens.getAdl().executable, "6,000 still needs a victim");
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, RWA_BANKRUPT_AT + 60));
        liquidator.executeAdl();
        uint256 snapshot = vm.snapshotState();
        vm.warp(RWA_BANKRUPT_AT + 60);
        assertTrue(!lens.getAdl().executable, "window over, still no victim");
        vm.expectRevert(IAutoDeleveraging.NoAdlCandidates.selector);
        liquidator.executeAdl();
        vm.revertToState(snapshot);

        vm.warp(RWA_BANKRUPT_AT + 30);
        _fund(CAROL, 6_000e6);
        assertEq(vault.collateralOf(CAROL), 0, "repaid in full");
        assertTrue(lens.getAdl().executable, "a repaid request resolves at once");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlResolved(0);
        assertEq(liquidator.executeAdl(), 0, "nothing covered by a victim");
        assertTrue(!lens.getAdl().pending, "resolved");
        assertTrue(!lens.getAdl().executable, "nothing left to execute");
        assertEq(liquidator.totalShortfall(), 0, "shortfall gone");
        assertEq(lpVault.netValueUsd(), 1_040_000e18, "1,000,000 + Carol's 40,000 loss, no shortfall");
    }

    /// @dev RWA to 110,000 at T0 + 10; the keeper liquidates Carol: −40,000 realised, −10,000 left, request 0.
    function _bankruptCarol() private {
        vm.warp(RWA_BANKRUPT_AT);
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(vault.collateralOf(CAROL), -10_000e18, "Carol's debt");
    }

    /// @dev GOLD to 2,300 at T0 + 100; the keeper liquidates Dan: −30,000 realised, −10,000 left, request 1.
    function _bankruptDan() private {
        vm.warp(GOLD_BANKRUPT_AT);
        goldOracle.setPrice(2_300e18);
        vm.prank(KEEPER);
        liquidator.liquidate(DAN);
        assertEq(vault.collateralOf(DAN), -10_000e18, "Dan's debt");
    }

    /// @dev Σ signed collateral = tokens held.
    function _assertTokensBackBalances() private view {
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens x 1e12 == totalCollateral");
    }
}
