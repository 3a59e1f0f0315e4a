// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary, MarketParams, MarketState} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice An adapter that answers a fixed price and reports a chosen kind (SPEC §7: 1 spot, 2 curve blend, 3 market
///         hours, 4 self-referencing).
contract KindOracle is IOracleAdapter {
    uint8 private immutable _kind;

    constructor(uint8 kind_) {
        _kind = kind_;
    }

    function price() external pure returns (uint256) {
        return 2000e18;
    }

    function priceWithTime() external view returns (uint256, uint256) {
        return (2000e18, block.timestamp);
    }

    function kind() external view returns (uint8) {
        return _kind;
    }
}

/// @notice A failing oracle (issue 12 findings 2 and 9 on the engine side): it can always be replaced, what the
///         replacement does to funding, the fair premium and the breaker, and how a market whose oracle fails is
///         valued for what is credited to its holders (its last good price at its worst case within the breaker band).
contract PerpEngineOracleFallbackTest is EngineFixture {
    // ------------------------------------------------------------------ replacing a dead oracle

    /// @dev Alice long 100 at T0 (fill 2,000.1, cost 200,010, fee 100.005; premium 1e-4, F = 1e-4 − 6.25e-5 = 3.75e-5
    ///      per hour). An accrual at T0 + 1 h sets the index to 3.75e-5 × 2,000 = 0.075 and the fair premium to
    ///      trunc(1e14 × (1e18 − W) / 1e18) with the premium weight W = w(x/4)⁴, x = 3,600 / 300 = 12: w(3) = 1e36 / (1
    ///      + 3 + 4.5 + 4.5)e18 = 76923076923076923, squared 5917159763313609, squared again W = 35012779664577; 1e14 ×
    ///      999964987220335423 / 1e18 = 99996498722033(.54). The oracle then dies; at T0 + 3 h the owner replaces it
    ///      with one at 2,500 (25 % above the breaker reference, which would trip the 15 % breaker without a
    ///      re-anchor):
    ///      - the 2 h outage accrues no funding (index stays 0.075, lastFundingRate 0, FundingAccrued(0, 0.075, 7200));
    ///      - the fair premium advances: x = 7,200 / 300 = 24, w(6) = 1e36 / (1 + 6 + 18 + 36)e18 = 1e36 / 61e18 =
    ///        16393442622950819, squared 268744961031980, squared again W = 72223854080; step
    ///        trunc(3501277967 × 999999927776145920 / 1e18) = 3501277714(.12) → 99996498722033 + 3501277714 =
    ///        99999999999747 (cap 2e15 not binding);
    ///      - the breaker is re-anchored at 2,500 (CircuitBreakerReset) and lastOraclePrice is 2,500.
    ///      Alice then closes at once: sell 100 from 100 to 0 at 2,500 × (1 + 5e-5) = 2,500.125; realised
    ///      250,012.5 − 200,010 = 50,002.5; funding 100 × 0.075 = 7.5; maker fee 250,012.5 × 2 bp = 50.0025.
    ///      Collateral 20,000 − 100.005 − 7.5 + 50,002.5 − 50.0025 = 69,844.9925.
    function test_replaceDeadOracle_fundingFairBreakerAndClose() public {
        _fund(ALICE, 10_000e6);
        _trade(ALICE, eth, 100e18);
        vm.warp(T0 + 1 hours);
        engine.accrue(eth);
        assertEq(engine.marketState(eth).fundingIndex, 0.075e18, "index after 1 h");
        assertEq(engine.marketState(eth).fairPremium, 99996498722033, "fair premium after 1 h");

        ethOracle.setFailing(true);
        vm.warp(T0 + 3 hours);
        vm.prank(ALICE);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.closePosition(ALICE, eth, 0);

        // A replacement that does not answer is refused.
        MockOracleAdapter dead = new MockOracleAdapter(2500e18);
        dead.setFailing(true);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.setMarketParams(eth, ethParams(dead));

        MockOracleAdapter fresh = new MockOracleAdapter(2500e18);
        vm.expectEmit(address(engine));
        emit IPerpEngine.FundingAccrued(eth, 0, 0.075e18, 2 hours);
        vm.expectEmit(address(engine));
        emit IPerpEngine.CircuitBreakerReset(eth, 2500e18);
        vm.expectEmit(address(engine));
        emit IMarketConfig.MarketParamsSet(eth, ethParams(fresh));
        engine.setMarketParams(eth, ethParams(fresh));

        MarketState memory s = engine.marketState(eth);
        assertEq(s.fundingIndex, 0.075e18, "no funding over the outage");
        assertEq(s.lastFundingRate, 0, "last rate 0");
        assertEq(uint256(s.lastUpdateTime), T0 + 3 hours, "accrued to now");
        assertEq(s.fairPremium, 99999999999747, "fair premium advanced");
        assertEq(uint256(s.lastOraclePrice), 2500e18, "last good price from the new oracle");
        (bool oracleMove, bool funding, uint256 referencePrice) = engine.circuitBreakerStatus(eth);
        assertTrue(!oracleMove && !funding, "breakers clear");
        assertEq(referencePrice, 2500e18, "re-anchored");

        vm.prank(ALICE);
        uint256 fill = engine.closePosition(ALICE, eth, 0);
        assertEq(fill, 2500.125e18, "close fill");
        assertEq(vault.collateralOf(ALICE), 69_844.9925e18, "collateral after the close");
        assertEq(engine.accountMarkets(ALICE).length, 0, "flat");
    }

    /// @dev The same oracle kept (other parameters changed while it fails) also works, without a re-anchor.
    function test_setMarketParams_sameFailingOracle_noReset() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setFailing(true);
        vm.warp(T0 + 1 hours);
        MarketParams memory p = ethParams(ethOracle);
        p.takerFee = 0.0006e18;
        engine.setMarketParams(eth, p);
        assertEq(engine.marketParams(eth).takerFee, 0.0006e18, "stored");
        assertEq(uint256(engine.marketState(eth).lastOraclePrice), 2000e18, "last good price kept");
        assertEq(engine.marketState(eth).lastFundingRate, 0, "no funding over the outage");
        // fair premium after 1 h toward 1e13 (long 10): W = w(3)⁴ = 35012779664577 (as in the test above),
        // trunc(1e13 × 999964987220335423 / 1e18) = 9999649872203(.35)
        assertEq(engine.marketState(eth).fairPremium, 9999649872203, "fair premium advanced");
    }

    // ------------------------------------------------------------------ oracle kinds

    function test_oracleKind3_notListable_othersAre() public {
        KindOracle marketHours = new KindOracle(3);
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.OracleKindNotListable.selector, uint8(3)));
        engine.listMarket("HRS", ethParams(marketHours), twoTiers());
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.OracleKindNotListable.selector, uint8(3)));
        engine.setMarketParams(eth, ethParams(marketHours));
        for (uint8 k = 1; k <= 4; ++k) {
            if (k == 3) continue;
            KindOracle o = new KindOracle(k);
            uint256 id = engine.listMarket("K", ethParams(o), twoTiers());
            assertEq(uint256(engine.marketState(id).lastOraclePrice), 2000e18, "listed with its price");
            engine.setMarketParams(eth, ethParams(o));
            assertEq(address(engine.marketParams(eth).oracle), address(o), "replaced");
        }
    }

    // ------------------------------------------------------------------ valuation while an oracle fails

    /// @dev Two exact markets (no premium or fees, τ = 0, fair = exit = oracle): A at 2,000 and B at 100, B with
    ///      funding interest 1.25e-5 per hour (F = min(interest, clamp) at zero premium). Alice long 2 A (IM 200) and
    ///      long 10 B; Bob short 10 B. B moves to 120; an accrual at T0 + 1 h sets lastOraclePrice 120 and the index
    ///      to 1.25e-5 × 120 = 0.0015 (Alice owes 0.015, Bob receives 0.015). Then B's oracle dies; 4 h later:
    ///      - Alice's B long counts at floor(120 × (1 − 15 %)) = 102: PnL 10 × 102 − 1,000 = 20, IM 1,020 / 20 = 51.
    ///        Funding since the last accrual counts only when she owes it: at zero skew F = +1.25e-5 per hour (longs
    ///        pay), accrued at 102 over 4 h: 1.25e-5 × 102 × 4 = 0.0051, index 0.0015 + 0.0051 = 0.0066 > 0.0015, so
    ///        she owes 10 × 0.0066 = 0.066: equity 10,000 + 20 − 0.066 = 10,019.934, IM 200 + 51 = 251, withdrawable
    ///        min(10,000, 9,768.934) = 9,768.934;
    ///      - Bob's B short counts at ceil(120 × 1.15) = 138: PnL −380, IM 69; the pending funding is in his favour (a
    ///        higher index pays shorts), so only the stored index counts: equity 9,620.015; withdrawable 9,551.015.
    ///      The liquidation trigger values B the same way (its worst case within the band; it used to revert): Alice's
    ///      A at fair 2,000 has PnL 0 and MM 2.5 % × 4,000 = 100, her B MM 2.5 % × 1,020 = 25.5: equity 10,019.934,
    ///      equity − Σ MM = 9,894.434; Bob's B MM 2.5 % × 1,380 = 34.5: 9,620.015 − 34.5 = 9,585.515. The one-position
    ///      view `positionAtFair` still reverts for B. A flat account withdraws everything.
    function test_failingOracle_creditAtWorstCaseWithinBand() public {
        MockOracleAdapter aOracle = new MockOracleAdapter(2000e18);
        MockOracleAdapter bOracle = new MockOracleAdapter(100e18);
        uint256 a = engine.listMarket("A", exactParams(aOracle), twoTiers());
        MarketParams memory pb = exactParams(bOracle);
        pb.fundingInterest = 0.0000125e18;
        uint256 b = engine.listMarket("B", pb, twoTiers());
        _trade(ALICE, a, 2e18);
        _trade(ALICE, b, 10e18);
        _trade(BOB, b, -10e18);
        bOracle.setPrice(120e18);
        vm.warp(T0 + 1 hours);
        engine.accrue(b);
        assertEq(engine.marketState(b).fundingIndex, 0.0015e18, "index");
        bOracle.setFailing(true);
        vm.warp(T0 + 5 hours);

        MarginSummary memory m = engine.accountMargin(ALICE);
        assertEq(m.equity, 10_019.934e18, "Alice equity, B at 102");
        assertEq(m.initialMargin, 251e18, "Alice IM");
        assertEq(m.withdrawable, 9768.934e18, "Alice withdrawable");
        assertEq(vault.maxWithdraw(ALICE), 9768_934000, "through the guard");
        m = engine.accountMargin(BOB);
        assertEq(m.equity, 9620.015e18, "Bob equity, B at 138");
        assertEq(m.initialMargin, 69e18, "Bob IM");
        assertEq(m.withdrawable, 9551.015e18, "Bob withdrawable");

        m = engine.accountMarginAtFair(ALICE);
        assertEq(m.equity, 10_019.934e18, "trigger: Alice equity, B at 102");
        assertEq(m.maintenanceMargin, 125.5e18, "trigger: MM 100 + 25.5");
        assertEq(engine.maintenanceMargin(ALICE), 9_894.434e18, "trigger: 10,019.934 - 125.5");
        assertEq(engine.maintenanceMargin(BOB), 9_585.515e18, "trigger: 9,620.015 - 34.5, B at 138");
        (int256 aValue, uint256 aMm) = engine.positionAtFair(ALICE, a);
        assertEq(aValue, 0, "A at fair: no PnL");
        assertEq(aMm, 100e18, "A's MM");
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.positionAtFair(ALICE, b);

        // The rest of the account is not held hostage: Alice withdraws what is free, trades A both ways.
        vm.prank(ALICE);
        vault.withdraw(1000e6, ALICE);
        _trade(ALICE, a, 1e18);
        _trade(ALICE, a, -3e18);
        assertEq(engine.accountMarkets(ALICE).length, 1, "only B left");
        // B itself cannot trade until its oracle is replaced.
        vm.prank(ALICE);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.trade(ALICE, b, -1e18, 0);

        // A flat account always withdraws in full.
        _fund(CAROL, 5_000e6);
        vm.prank(CAROL);
        vault.withdraw(5_000e6, CAROL);
        assertEq(usdc.balanceOf(CAROL), 5_000e6, "flat account out");
    }
}
