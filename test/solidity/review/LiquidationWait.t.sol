// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (low; documentation and a cheap delay of liquidations): the forced-close bound lets a holder of the
///         band-capped skew block a liquidation for about twice the "at most about 41 minutes" DESIGN states, at a cost
///         of a few thousand USD.
/// @dev What is wrong: DESIGN ("How long a cascade can wait") bounds the wait by |live premium − P_f| / 0.1 % h and
///      says opens cannot take the premium past the band's 0.06875 %, hence ≈ 41 min. But P_f itself can first be
///      walked to +0.06875 % by holding +maxSkew for an hour, and a single trade from +680 to −680 does not increase
///      |skew| (no cap, band or cash check applies), so the gap starts at ≈ 0.1375 %: a long victim's sell does not fit
///      its bound (nothing fills, `LiquidationBeyondBound`) for ≈ 80 min. Whoever holds the skew decides when a long
///      (or, mirrored, a short) can be liquidated; with its own hedged long as the "victim", every minute of delay in a
///      falling market is loss beyond collateral that its short collects.
///
///      Numbers (local ETH market, 3,000 USD; 10,000,000 in the vault): V long 100 ETH with 16,000. H buys 580 (skew
///      680, premium 0.068 %, rate 0.0618 %/h ≤ the band) and keeps the market accrued every minute for an hour (P_f
///      climbs at the 0.1 %/h cap toward 0.068 %), then sells 1,360 (skew −680). The oracle drops to 2,880: V is below
///      maintenance (a 20 ETH slice is due) but `liquidate(V)` reverts `LiquidationBeyondBound(V)` at +0, at
///      +41.25 min (DESIGN's bound) and at +80 min; it goes through at +81 min. H's cost at a constant oracle
///      (same path, no drop): about 5,860 USD of fees and funding for the 2 h 21 min (see the second test).
///
///      Fix: correct DESIGN's bound (2 × band premium / 0.1 %/h ≈ 82 min, plus own-reduction pushes), and if that wait
///      is too long, judge a flip that crosses zero as increasing |skew| on its far side (so the band applies from zero),
///      or measure the bound from max(P_f, live premium) on the side that favours the victim once the fair premium
///      lags the live one by more than the band's premium.
contract LiquidationWaitTest is ReviewFixture {
    address internal constant HOLDER = address(0x401D);
    address internal constant VICTIM = address(0x71C7);

    MockOracleAdapter internal ethOracle;
    uint256 internal eth;

    function setUp() public override {
        super.setUp();
        ethOracle = new MockOracleAdapter(3_000e18);
        eth = engine.listMarket("ETH", localEthParams(ethOracle), cryptoTiers());
        _lpDeposit(PROVIDER, 10_000_000e6);
        _fund(VICTIM, 16_000e6);
        _fund(HOLDER, 300_000e6);
        _trade(VICTIM, eth, 100e18);
        _trade(HOLDER, eth, 580e18); // skew 680 = maxSkew
        for (uint256 i = 1; i <= 60; ++i) {
            vm.warp(T0 + i * 60);
            engine.accrue(eth);
        }
        _trade(HOLDER, eth, -1_360e18); // +680 → −680: |skew| not increased, no check
        assertEq(engine.marketState(eth).skew, -680e18, "flipped");
    }

    function test_longVictimBlockedForAbout80Minutes() public {
        uint256 t1 = T0 + 3600;
        int256 fairPremium = engine.marketPrices(eth).fairPremium;
        assertGe(fairPremium, 0.0006e18, "P_f walked above 0.06 %");
        ethOracle.setPrice(2_880e18);
        assertTrue(engine.maintenanceMargin(VICTIM) < 0, "below maintenance");
        assertTrue(engine.accountMarginAtFair(VICTIM).equity > 0, "not bankrupt: a 20 % slice is due");

        uint256[3] memory waits = [uint256(0), 2475, 4800];
        for (uint256 i; i < 3; ++i) {
            vm.warp(t1 + waits[i]);
            vm.prank(KEEPER);
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationBeyondBound.selector, VICTIM));
            liquidator.liquidate(VICTIM);
        }
        vm.warp(t1 + 4860);
        vm.prank(KEEPER);
        liquidator.liquidate(VICTIM);
        assertTrue(engine.position(VICTIM, eth).size < 100e18, "a slice finally closes after 81 minutes");
    }

    /// @dev What holding costs H (constant oracle, 3,000): it ends flat and its own trades return the skew to where V
    ///      left it (100), so its premium round trip is 0 by path independence; the rest is fees and funding.
    ///      Fees ≈ 580 taker (870) + 680 maker and 680 taker at the flip (408 + 1,020) + 680 maker and 100 taker back
    ///      (408 + 150) = 2,856. Funding ≈ 0.0618 %/h (premium 0.068 % − clamp 0.00625 %) on 580 × 3,000 for 1 h
    ///      (1,075) and on 780 × 3,000 for 81 min (1,952) = 3,027. Total ≈ 5,883, measured 5,857.23.
    function test_holderCost() public {
        vm.warp(T0 + 3600 + 4860);
        _close(HOLDER, eth);
        uint256 cost = 300_000e18 - uint256(vault.collateralOf(HOLDER));
        assertGe(cost, 5_800e18, "about 5,860 USD");
        assertLt(cost, 5_950e18, "about 5,860 USD");
    }
}
