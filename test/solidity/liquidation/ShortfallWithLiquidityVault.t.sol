// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {Protocol, deployProtocol} from "../utils/ProtocolDeploy.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Unresolved bad debt with the real liquidity vault as counterparty: liquidity providers bear the ADL
///         shortfall until auto-deleveraging repays it, so every other claim stays backed by the USDC held.
/// @dev RWA market at 150,000 (no premium, fees or funding, τ = 0, 5x / mmr 5 %). Provider 150,000 in the vault,
///      backing ratio 25 % (the lowest), open-interest-to-cash ratio 100 % (the default: each side × oracle ≤ the
///      vault's cash, so Carol's 1-unit long and Bob's 1-unit short each fit exactly: 150,000 ≤ 150,000). Carol long
///      1 with 30,000, Bob short 1 with 50,000 (skew 0), Alice flat with 10,000. Oracle 110,000, empty fund: Carol's
///      liquidation realises −40,000 (credited to the vault's account: 190,000), leaves her at −10,000 and queues a
///      10,000 shortfall. The vault's counterparty PnL is −40,000 (Bob's unrealised gain), so its value is
///      190,000 − 40,000 − 10,000 = 140,000.
contract ShortfallWithLiquidityVaultTest is EngineFixture {
    LiquidityVault internal lpVault;
    InsuranceFund internal fund;
    LiquidationEngine internal liquidator;
    MockOracleAdapter internal rwaOracle;
    uint256 internal rwa;

    function setUp() public override {
        vm.warp(T0);
        Protocol memory p = deployProtocol(address(this));
        (usdc, vault, engine, lpVault, fund, liquidator) = (p.usdc, p.vault, p.engine, p.lpVault, p.fund, p.liquidator);
        engine.setBackingRatio(0.25e18); // the lowest allowed; the skew is 0 after the setup, so nothing is required

        rwaOracle = new MockOracleAdapter(150_000e18);
        rwa = engine.listMarket("RWA", exactParams(rwaOracle), oneTier(5e18, 0.05e18));

        usdc.mint(PROVIDER, 150_000e6);
        vm.startPrank(PROVIDER);
        usdc.approve(address(lpVault), type(uint256).max);
        lpVault.deposit(150_000e6, PROVIDER);
        vm.stopPrank();
        _fund(CAROL, 30_000e6);
        _fund(BOB, 50_000e6);
        _fund(ALICE, 10_000e6);
        _trade(CAROL, rwa, 1e18); // long side 150,000 ≤ 150,000 of cash
        _trade(BOB, rwa, -1e18); // short side 150,000 ≤ 150,000
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
    }

    function test_shortfall_excludedFromVaultValue() public view {
        assertEq(vault.collateralOf(CAROL), -10_000e18, "carol's debt");
        assertEq(liquidator.totalShortfall(), 10_000e18, "queued for ADL");
        assertEq(lpVault.unresolvedShortfallUsd(), 10_000e18, "seen by the vault");
        assertEq(vault.collateralOf(address(lpVault)), 190_000e18, "150,000 + carol's realised loss");
        assertEq(_cpPnl(engine), -40_000e18, "bob's unrealised gain");
        assertEq(lpVault.netValueUsd(), 140_000e18, "190,000 - 40,000 - 10,000");
        assertEq(lpVault.totalAssets(), 140_000e6, "providers bear the shortfall");
        // Bob's short keeps 25 % of |skew| × oracle = 0.25 × 110,000 = 27,500 as backing, and its side × oracle /
        // openInterestCashRatio = 110,000 as cash.
        assertEq(lpVault.requiredBackingAssets(), 27_500e6, "backing for Bob's open short");
        assertEq(lpVault.requiredCashAssets(), 110_000e6, "cash for Bob's open short");
        assertEq(
            lpVault.availableLiquidity(),
            70_000e6,
            "min(140,000 - 27,500 excess, 190,000 cash - 10,000 owed - 110,000 required)"
        );
    }

    /// @dev Everyone leaves: Bob closes (+40,000; the vault's account 150,000, nothing open, so no backing or cash is
    ///      required), the provider redeems every share (⌊150,000e18 × 140,000,000,001 / (150,000e18 + 1e12)⌋ = 140,000
    ///      USDC: min(value 140,000, cash 150,000 − 10,000 owed)), Bob withdraws 90,000, Alice 10,000: 240,000
    ///      deposited, 240,000 paid.
    ///      What stays in the vault's account is a 10,000 balance matched by Carol's debt, which providers may not
    ///      take (before the fix they could, and the last trader's withdrawal failed).
    function test_bankRun_everyClaimPaid() public {
        vm.prank(BOB);
        engine.closePosition(BOB, rwa, type(uint256).max);
        vm.startPrank(PROVIDER);
        uint256 assets = lpVault.redeem(lpVault.balanceOf(PROVIDER), PROVIDER, PROVIDER);
        vm.stopPrank();
        assertEq(assets, 140_000e6, "provider's share of the value");

        assertEq(vault.maxWithdraw(BOB), 90_000e6, "50,000 + 40,000");
        vm.prank(BOB);
        vault.withdraw(90_000e6, BOB);
        vm.prank(ALICE);
        vault.withdraw(10_000e6, ALICE);

        assertEq(usdc.balanceOf(address(vault)), 0, "every token paid out, no withdrawal refused");
        assertEq(vault.collateralOf(address(lpVault)), 10_000e18, "a balance matched only by carol's debt");
        assertEq(lpVault.availableLiquidity(), 0, "nothing more for providers");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    /// @dev One cash unit more than the provider may take is refused; exactly the limit passes. The value after the
    ///      shortfall less the backing would allow 140,000 − 27,500 = 112,500, but the cash must keep what the open
    ///      interest requires: 190,000 − 10,000 (Carol's debt) − 110,000 (Bob's short side at 110,000, ratio 100 %) =
    ///      70,000. Afterwards the side is still within its share of the cash: 110,000 ≤ 190,000 − 70,000 − 10,000.
    function test_providerLimit_atBoundary() public {
        uint256 max = lpVault.maxWithdraw(PROVIDER);
        assertEq(max, 70_000e6, "cash less the debt and the open interest's cash");
        vm.startPrank(PROVIDER);
        vm.expectRevert(
            abi.encodeWithSignature("ERC4626ExceededMaxWithdraw(address,uint256,uint256)", PROVIDER, max + 1, max)
        );
        lpVault.withdraw(max + 1, PROVIDER, PROVIDER);
        lpVault.withdraw(max, PROVIDER, PROVIDER);
        vm.stopPrank();
        (int256 collateral, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        assertEq(uint256(collateral) - debt, 110_000e18, "cash left: exactly what Bob's short side requires");
    }

    /// @dev ADL repays the shortfall and restores the providers: Bob (short 1 from 150,000) is closed at the bankruptcy
    ///      price 120,000 (gap 10,000 to the mark, covering all 10,000) and realises 30,000. The vault's account:
    ///      190,000 − 30,000 − 10,000 (to Carol) = 150,000; nothing open, no shortfall: value back to 150,000.
    function test_adlRepays_valueRestored() public {
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
        assertEq(liquidator.executeAdl(), 10_000e18, "covered");
        assertEq(vault.collateralOf(CAROL), 0, "made whole");
        assertEq(vault.collateralOf(BOB), 80_000e18, "50,000 + 30,000");
        assertEq(lpVault.unresolvedShortfallUsd(), 0, "resolved");
        assertEq(vault.collateralOf(address(lpVault)), 150_000e18, "190,000 - 30,000 - 10,000");
        assertEq(lpVault.totalAssets(), 150_000e6, "providers restored");
    }

    // ------------------------------------------------------------------ write-off (owner)

    function test_writeOff_onlyOwner() public {
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, KEEPER));
        liquidator.writeOffAdl();
        assertEq(liquidator.totalShortfall(), 10_000e18, "nothing written off");
    }

    /// @dev A second request in another market first: RWB at 100,000, Alice long 0.5 with her 10,000 (IM 50,000 / 5;
    ///      the vault's cash 190,000 − 10,000 of debt covers the 50,000 long side). At 75,000 her equity is
    ///      10,000 − 12,500 = −2,500: request 1. The vault's account: 190,000 + 12,500 = 202,500; its counterparty PnL
    ///      −40,000 (Bob); shortfall 12,500: net value 150,000.
    ///      Writing off request 0 moves its 10,000 from the vault's balance to Carol: balance 192,500, shortfall 2,500,
    ///      net value 192,500 − 40,000 − 2,500 = 150,000, unchanged to the wei; request 1 becomes the head.
    function test_writeOff_movesTheRemainingShortfall_netValueUnchanged_nextRequestHeads() public {
        _queueAliceInAnotherMarket();
        assertEq(vault.collateralOf(address(lpVault)), 202_500e18, "190,000 + 12,500");
        assertEq(liquidator.totalShortfall(), 12_500e18, "10,000 + 2,500");
        int256 netBefore = lpVault.netValueUsd();
        assertEq(netBefore, 150_000e18, "202,500 - 40,000 - 12,500");

        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlWrittenOff(0, CAROL, 10_000e18);
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.writeOffAdl();

        assertEq(vault.collateralOf(CAROL), 0, "carol's debt booked to the providers");
        assertEq(vault.collateralOf(address(lpVault)), 192_500e18, "202,500 - 10,000");
        assertEq(liquidator.totalShortfall(), 2_500e18, "12,500 - 10,000");
        assertEq(lpVault.unresolvedShortfallUsd(), 2_500e18, "seen by the vault");
        assertEq(lpVault.netValueUsd(), netBefore, "net value unchanged to the wei");
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "the next request");
        assertEq(id, 1, "request 1 heads");
        assertEq(r.account, ALICE, "alice");
        assertEq(r.remaining, 2_500e18, "her shortfall");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    /// @dev Carol repays 3,000 herself first: the write-off shrinks the request to the 7,000 she still owes (as
    ///      executeAdl would) and books only that. Until that sync the total shortfall still reads 10,000, so the net
    ///      value is 190,000 − 40,000 − 10,000 = 140,000; after it, 183,000 − 40,000 − 0 = 143,000: the 3,000 repaid
    ///      and nothing from the write-off itself.
    function test_writeOff_afterPartialRepayment_booksWhatIsLeft() public {
        _fund(CAROL, 3_000e6);
        assertEq(lpVault.netValueUsd(), 140_000e18, "the repayment is not synced yet");
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlShortfallRepaid(0, CAROL, 3_000e18);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.AdlWrittenOff(0, CAROL, 7_000e18);
        liquidator.writeOffAdl();
        assertEq(vault.collateralOf(CAROL), 0, "made whole");
        assertEq(vault.collateralOf(address(lpVault)), 183_000e18, "190,000 - 7,000");
        assertEq(liquidator.totalShortfall(), 0, "none left");
        assertEq(lpVault.netValueUsd(), 143_000e18, "140,000 + the 3,000 repaid");
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(!pending, "resolved");
        vm.expectRevert(IAutoDeleveraging.NoAdlPending.selector);
        liquidator.writeOffAdl();
    }

    function _queueAliceInAnotherMarket() internal {
        MockOracleAdapter rwbOracle = new MockOracleAdapter(100_000e18);
        uint256 rwb = engine.listMarket("RWB", exactParams(rwbOracle), oneTier(5e18, 0.05e18));
        _trade(ALICE, rwb, 0.5e18);
        rwbOracle.setPrice(75_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(ALICE);
        assertEq(vault.collateralOf(ALICE), -2_500e18, "alice's debt");
    }
}
