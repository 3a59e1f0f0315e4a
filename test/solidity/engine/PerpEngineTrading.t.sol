// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary, Position} from "../../../contracts/interfaces/PerpTypes.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Fills, fees, realised PnL and cash settlement, with numbers worked by hand from SPEC §3.
contract PerpEngineTradingTest is EngineFixture {
    // Alice buys 10 ETH at oracle 2,000 with skew 0 and skewScale 1M:
    //   premium before 0, after 10/1e6 = 1e-5 → fill = 2000 × (1 + 0.5e-5) = 2000.01
    //   notional 20,000.1; taker fee 5 bp = 10.00005
    function test_open_fillFeeAndPosition() public {
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(ALICE, eth, 10e18, 2000.01e18, 10.00005e18, 0, 10e18, 20000.1e18);
        uint256 fill = _trade(ALICE, eth, 10e18);
        assertEq(fill, 2000.01e18, "fill");
        Position memory p = engine.position(ALICE, eth);
        assertEq(int256(p.size), 10e18, "size");
        assertEq(int256(p.openNotional), 20000.1e18, "cost basis");
        assertEq(vault.collateralOf(ALICE), 9989.99995e18, "collateral after fee");
        assertEq(vault.collateralOf(LP), 1_000_010.00005e18, "fee to counterparty");
        assertEq(int256(engine.marketState(eth).skew), 10e18, "skew");
        assertEq(uint256(engine.marketState(eth).openInterestLong), 10e18, "OI long");
        assertEq(engine.accountMarkets(ALICE).length, 1, "market listed on account");
    }

    // Close at the same oracle: premium 1e-5 → 0, sell fill = 2000.01 (exact), realised 0,
    // maker fee 2 bp on 20,000.1 = 4.00002 (the trade reduces |skew|).
    function test_close_samePrice_onlyFeesLost() public {
        _trade(ALICE, eth, 10e18);
        vm.prank(ALICE);
        uint256 fill = engine.closePosition(ALICE, eth, 0);
        assertEq(fill, 2000.01e18, "fill");
        assertEq(vault.collateralOf(ALICE), 9985.99993e18, "10,000 - 10.00005 - 4.00002");
        assertEq(vault.collateralOf(LP), 1_000_014.00007e18, "counterparty got both fees");
        assertEq(engine.accountMarkets(ALICE).length, 0, "flat account has no markets");
        assertEq(int256(engine.marketState(eth).skew), 0, "skew back to 0");
        assertEq(engine.marketState(eth).sumOpenNotional, 0, "aggregate cost basis back to 0");
    }

    // Oracle 2,000 → 2,100, then close: sell fill = 2100 × (1 + 0.5e-5) = 2100.0105;
    // realised = 10 × 2100.0105 − 20,000.1 = 1,000.005; maker fee = 21,000.105 × 2 bp = 4.200021.
    function test_close_withProfit_realisedPnl() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2100e18);
        assertEq(engine.unrealisedPnl(ALICE, eth), 1000.11e18, "10 x mark 2100.021 - 20,000.1");
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(ALICE, eth, -10e18, 2100.0105e18, 4.200021e18, 1000.005e18, 0, 0);
        _trade(ALICE, eth, -10e18);
        assertEq(vault.collateralOf(ALICE), 10985.804929e18, "9,989.99995 + 1,000.005 - 4.200021");
        assertEq(vault.collateralOf(LP), 1_000_000e18 + 10.00005e18 - 1000.005e18 + 4.200021e18, "mirror");
    }

    // Short 10 then the oracle falls to 1,900: buy-back fill = 1900 × (1 − 0.5e-5) = 1899.9905 (rounded up:
    // exact here); open fill 2000 × (1 − 0.5e-5) = 1999.99; realised = 19,999.9 − 18,999.905 = 999.995.
    function test_short_profitWhenPriceFalls() public {
        uint256 openFill = _trade(BOB, eth, -10e18);
        assertEq(openFill, 1999.99e18, "sell fill");
        assertEq(int256(engine.position(BOB, eth).openNotional), -19999.9e18, "short cost basis is negative");
        ethOracle.setPrice(1900e18);
        uint256 closeFill = _trade(BOB, eth, 10e18);
        assertEq(closeFill, 1899.9905e18, "buy fill");
        // fees: taker 19,999.9 x 5 bp = 9.99995; maker 18,999.905 x 2 bp = 3.799981
        assertEq(vault.collateralOf(BOB), 10_000e18 - 9.99995e18 + 999.995e18 - 3.799981e18, "collateral");
    }

    // Flip: long 10 at 2000.01, then sell 15 with skew 10 → premium 1e-5 → −5e-6, fill = 2000 × (1 + 2.5e-6) =
    // 2000.005. Closes 10 (realised 10 × 2000.005 − 20,000.1 = −0.05) and opens short 5 (cost −10,000.025).
    // Fee: 10 maker (reduces |skew| to 0) = 20,000.05 × 2 bp = 4.00001; 5 taker = 10,000.025 × 5 bp = 5.0000125.
    function test_flip_longToShort() public {
        _trade(ALICE, eth, 10e18);
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(ALICE, eth, -15e18, 2000.005e18, 9.0000225e18, -0.05e18, -5e18, -10000.025e18);
        _trade(ALICE, eth, -15e18);
        assertEq(vault.collateralOf(ALICE), 10_000e18 - 10.00005e18 - 0.05e18 - 9.0000225e18, "collateral");
        assertEq(uint256(engine.marketState(eth).openInterestLong), 0, "no longs");
        assertEq(uint256(engine.marketPrices(eth).openInterestShort), 5e18, "5 short");
    }

    // Partial reduce: long 10 at 2000.01, sell 4 at oracle 2,050 with skew 10 → premium 1e-5 → 6e-6:
    // fill = 2050 × (1 + 8e-6) = 2050.0164; closed cost = 20,000.1 × 4/10 = 8,000.04; realised = 8,200.0656 − 8,000.04.
    function test_partialReduce_realisesProportionalPnl() public {
        _trade(ALICE, eth, 10e18);
        ethOracle.setPrice(2050e18);
        _trade(ALICE, eth, -4e18);
        Position memory p = engine.position(ALICE, eth);
        assertEq(int256(p.size), 6e18, "size left");
        assertEq(int256(p.openNotional), 12000.06e18, "cost basis left: 20,000.1 - 8,000.04");
        // maker fee on 8,200.0656 = 1.64001312
        assertEq(vault.collateralOf(ALICE), 9989.99995e18 + 200.0256e18 - 1.64001312e18, "collateral");
    }

    function test_operator_canTradeForAccount() public {
        vm.prank(ALICE);
        vault.setOperator(CAROL, true);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "traded for alice");
    }

    // ------------------------------------------------------------------ slippage bound at ±1 wei

    function test_slippage_buyBoundary() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.SlippageExceeded.selector, 2000.01e18, 2000.01e18 - 1));
        engine.trade(ALICE, eth, 10e18, 2000.01e18 - 1);
        vm.prank(ALICE);
        engine.trade(ALICE, eth, 10e18, 2000.01e18);
    }

    function test_slippage_sellBoundary() public {
        _trade(ALICE, eth, 10e18);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.SlippageExceeded.selector, 2000.01e18, 2000.01e18 + 1));
        engine.trade(ALICE, eth, -10e18, 2000.01e18 + 1);
        vm.prank(ALICE);
        engine.trade(ALICE, eth, -10e18, 2000.01e18);
    }

    function test_quoteFillPrice_matchesTrade() public view {
        assertEq(engine.quoteFillPrice(eth, 10e18), 2000.01e18, "quote buy");
        assertEq(engine.quoteFillPrice(eth, -10e18), 1999.99e18, "quote sell");
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev At a constant oracle price, any open/close round trip returns strictly less than was deposited.
    function testFuzz_roundTripAtConstantPrice_neverProfits(uint256 size, bool isLong, uint256 steps) public {
        // 0.11 ETH keeps the position above the 10 USD minimum margin; 5 x 15 ETH stays within 20x of 10,000.
        size = bound(size, 0.11e18, 15e18);
        steps = bound(steps, 1, 5);
        int256 collateralBefore = vault.collateralOf(ALICE);
        int256 delta = isLong ? int256(size) : -int256(size);
        for (uint256 i; i < steps; ++i) {
            _trade(ALICE, eth, delta);
        }
        _trade(ALICE, eth, -delta * int256(steps));
        assertEq(engine.position(ALICE, eth).size, 0, "flat");
        assertTrue(vault.collateralOf(ALICE) < collateralBefore, "strictly less after fees");
        uint256 max = vault.maxWithdraw(ALICE);
        assertLt(max, 10_000e6, "cannot withdraw what was deposited");
    }

    /// @dev Two traders on opposite sides at a constant price: neither can end above their deposit.
    function testFuzz_twoTraders_constantPrice_noValueCreated(uint256 a, uint256 b) public {
        a = bound(a, 0.11e18, 40e18);
        b = bound(b, 0.11e18, 40e18);
        _trade(ALICE, eth, int256(a));
        _trade(BOB, eth, -int256(b));
        _trade(ALICE, eth, -int256(a));
        _trade(BOB, eth, int256(b));
        assertTrue(vault.collateralOf(ALICE) < 10_000e18, "alice lost fees");
        assertTrue(vault.collateralOf(BOB) < 10_000e18, "bob lost fees");
        assertTrue(vault.collateralOf(LP) > 1_000_000e18, "counterparty kept the fees");
        assertEq(vault.totalCollateral(), 1_020_000e18, "ledger total unchanged");
    }

    /// @dev An account's first position is stored in its home record; later ones are keyed by market until the
    ///      home record frees up, and the next new position takes it. Every view and the market sums follow each
    ///      position wherever it is stored; a market the account holds nothing in reads as all zero.
    function test_homeRecord_reusedAfterClose() public {
        uint256 btc = engine.listMarket("BTC", ethParams(ethOracle), twoTiers());
        uint256 sol = engine.listMarket("SOL", ethParams(ethOracle), twoTiers());
        _trade(ALICE, btc, 1e18); // home record
        vm.warp(T0 + 1 hours);
        _trade(ALICE, eth, -2e18); // keyed by market
        vm.warp(T0 + 2 hours);
        _trade(ALICE, btc, -1e18); // the home record frees up
        Position memory flat = engine.position(ALICE, btc);
        assertEq(int256(flat.size) | int256(flat.openNotional) | int256(flat.lastFundingIndex), 0, "flat: all zero");
        _trade(ALICE, sol, 3e18); // takes the home record
        vm.warp(T0 + 3 hours);
        _trade(ALICE, btc, 4e18); // keyed by market now
        uint256[] memory ids = engine.accountMarkets(ALICE);
        assertEq(ids.length, 3, "three markets");
        assertEq(ids[0], eth, "increasing order");
        assertEq(ids[1], btc, "increasing order");
        assertEq(ids[2], sol, "increasing order");
        assertEq(int256(engine.position(ALICE, eth).size), -2e18, "eth");
        assertEq(int256(engine.position(ALICE, btc).size), 4e18, "btc");
        assertEq(int256(engine.position(ALICE, sol).size), 3e18, "sol");
        assertEq(int256(engine.position(ALICE, btc).lastFundingIndex), engine.marketState(btc).fundingIndex, "index");
        // Funding accrues on both the home and a keyed position.
        vm.warp(T0 + 5 hours);
        assertTrue(engine.accruedFunding(ALICE, sol) > 0, "home long pays");
        assertTrue(engine.accruedFunding(ALICE, eth) < 0, "keyed short receives");
        uint256 mmSum;
        for (uint256 i; i < ids.length; ++i) {
            (, uint256 mm) = engine.positionAtFair(ALICE, ids[i]);
            assertTrue(mm > 0, "each position valued");
            mmSum += mm;
        }
        MarginSummary memory m = engine.accountMarginAtFair(ALICE);
        assertEq(m.maintenanceMargin, mmSum, "the account's MM sums all three positions");
        // Close everything: the list empties and every market's sums return to zero.
        _trade(ALICE, sol, -3e18);
        _trade(ALICE, eth, 2e18);
        vm.prank(ALICE);
        engine.closePosition(ALICE, btc, 0);
        assertEq(engine.accountMarkets(ALICE).length, 0, "flat account");
        uint256[3] memory all = [eth, btc, sol];
        for (uint256 i; i < 3; ++i) {
            assertEq(engine.position(ALICE, all[i]).size, 0, "flat");
            assertEq(engine.marketState(all[i]).sumOpenNotional, 0, "no cost basis left");
            assertEq(engine.marketState(all[i]).sumFundingBasis, 0, "no funding basis left");
            assertEq(uint256(engine.marketState(all[i]).openInterestLong), 0, "no OI");
            assertEq(uint256(engine.marketPrices(all[i]).openInterestShort), 0, "no OI");
        }
    }
}
