// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MarketParams, MarketState, Position} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineVaultFixture} from "./VaultFixtures.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The liquidity vault's net position is valued at what closing it would realise (SPEC §3, finding 1's root
///         cause): counterpartyPnl = Σ_markets sumOpenNotional − ceil(oracle × (skew·1e18 + G(skew)) / 1e36)
///         + floor(skew × pendingIndex) − sumFundingBasis − pendingInsuranceFees. Every expectation below is derived
///         from that formula with G, fills and fees written out again in `ExitMath`, never read back from the engine.
contract CounterpartyExitValuationTest is EngineVaultFixture {
    address[3] internal traders = [ALICE, BOB, CAROL];

    function setUp() public {
        _setUpProtocol(20_000_000e6);
        _fund(ALICE, 2_000_000e6);
        _fund(BOB, 2_000_000e6);
        _fund(CAROL, 2_000_000e6);
    }

    // ------------------------------------------------------------------ hand-worked examples

    /// @dev One 4,000 ETH open from zero skew (the push of finding 1), insurance share 20 %:
    ///      G(4,000) = 4,000² / (2 × 1M) = 8, fill = 2,000 × (4,000 + 8) / 4,000 = 2,004 (exact), cost basis 8,016,000;
    ///      taker fee 8,016,000 × 0.05 % = 4,008, of which floor(4,008 × 20 %) = 801.6 is owed to the insurance fund.
    ///      The net position at its exit: 8,016,000 − ceil(2,000 × (4,000 + 8)) = 0. So the vault's net value moves by
    ///      4,008 − 801.6 = 3,206.4 exactly. At the mark (2,000 × (1 + 0.004) = 2,008) the same position would have
    ///      been valued 8,016,000 − 4,000 × 2,008 = −16,000 (= Δ × oracle × p_after / 2): the old, sandwichable NAV dip.
    ///      The close (a sell of 4,000 from 4,000) fills at the same 2,004 and pays a maker fee of 8,016,000 × 0.02 % =
    ///      1,603.2 (fund 320.64): the value moves by 1,282.56 more, nothing else.
    function test_singleLargeOpen_movesNetValueOnlyByItsFee() public {
        engine.setInsuranceFeeShare(address(fund), 0.2e18);
        int256 before = lpVault.netValueUsd();
        assertEq(before, 20_000_000e18, "provider's deposit");

        uint256 fill = _trade(ALICE, eth, 4_000e18);
        assertEq(fill, 2_004e18, "fill = oracle x (1 + G(4000)/4000)");
        assertEq(engine.position(ALICE, eth).openNotional, 8_016_000e18, "cost basis");
        assertEq(engine.pendingInsuranceFees(), 801.6e18, "fund's share pending");
        assertEq(_cpPnl(engine), -801.6e18, "position worth 0 at exit; only the fund's pending share");
        assertEq(lpVault.netValueUsd(), before + 3_206.4e18, "value moved by the LP part of the fee, to the wei");
        assertEq(engine.marketPrices(eth).markPrice, 2_008e18, "mark the old valuation used");

        _trade(ALICE, eth, -4_000e18);
        assertEq(engine.pendingInsuranceFees(), 801.6e18 + 320.64e18, "fund's share of both fees");
        assertEq(lpVault.netValueUsd(), before + 3_206.4e18 + 1_282.56e18, "close: LP part of the maker fee");
        assertEq(vault.collateralOf(ALICE), int256(2_000_000e18 - 4_008e18 - 1_603.2e18), "alice paid fees only");

        // Sweeping the fund's share moves cash out of the vault's account that was never its value.
        engine.sweepInsuranceFees();
        assertEq(lpVault.netValueUsd(), before + 4_488.96e18, "sweep leaves the value unchanged");
        assertEq(vault.collateralOf(address(fund)), int256(1_122.24e18), "fund received 801.6 + 320.64");
    }

    /// @dev The thin market clamps at |skew| = M·K = 1 % × 2,000 = 20. Alice buys 30 from 0 across the clamp:
    ///      G(30) = 0.01 × 30 − 0.01² × 2,000 / 2 = 0.3 − 0.1 = 0.2, fill = ceil(100 × 30.2 / 30) = 100.666…667
    ///      (100_666666666666666667), cost basis ceil(30 × fill) = 3,020.00000000000000001 (10 wei above 3,020: the
    ///      rounding against the trader). Exit value ceil(100 × (30 + 0.2)) = 3,020, so counterpartyPnl = +10 wei.
    ///      Oracle 110: exit value 110 × 30.2 = 3,322, counterpartyPnl = 3,020.00000000000000001 − 3,322.
    ///      Bob then sells 50 from 30 to −20 (through zero, to the clamp boundary): G(−20) = 20² / 4,000 = 0.1,
    ///      fill = 110 × (50 − (0.1 − 0.2)) / 50 = 110.22, his cost basis −5,511. New exit value
    ///      110 × (−20 + 0.1) = −2,189 and Σ cost basis 3,020.00000000000000001 − 5,511, so counterpartyPnl is
    ///      (−2,490.99999999999999999) − (−2,189): unchanged. His fee: 30 reduce the skew (maker) and 20 open it
    ///      (taker): 30 × 110.22 × 0.02 % + 20 × 110.22 × 0.05 % = 0.66132 + 1.1022 = 1.76352, all the value moves by.
    function test_acrossTheClamp_handNumbers() public {
        int256 v0 = lpVault.netValueUsd();
        uint256 fill = _trade(ALICE, thin, 30e18);
        assertEq(fill, 100_666666666666666667, "fill across the clamp, rounded up");
        assertEq(engine.position(ALICE, thin).openNotional, 3_020_000000000000000010, "cost basis, rounded up");
        assertEq(_cpPnl(engine), 10, "position worth its 10 wei of rounding");
        // Taker fee ceil(3,020.00000000000000001 × 0.05 %) = 1.510000000000000001.
        assertEq(lpVault.netValueUsd(), v0 + 1_510000000000000001 + 10, "fee plus the rounding");

        thinOracle.setPrice(110e18);
        assertEq(_cpPnl(engine), 3_020_000000000000000010 - 3_322e18, "exit value at 110");

        int256 v1 = lpVault.netValueUsd();
        fill = _trade(BOB, thin, -50e18);
        assertEq(fill, 110.22e18, "sell through zero to the clamp");
        assertEq(engine.position(BOB, thin).openNotional, -5_511e18, "bob's cost basis");
        assertEq(_cpPnl(engine), 3_020_000000000000000010 - 5_511e18 + 2_189e18, "unchanged by bob's trade");
        assertEq(lpVault.netValueUsd(), v1 + 1.76352e18, "bob's fee and nothing else");
    }

    // ------------------------------------------------------------------ the formula, fuzzed

    /// @dev Any trades by three accounts in ETH (linear premium) and THIN (clamps at 20), with time passing and the
    ///      oracles moving up to 1 % between steps: after every step the engine's counterpartyPnl equals the formula
    ///      evaluated in the test from the positions (Σ cost basis, Σ ceil(size × lastIndex)), the stored index
    ///      advanced with the test's own funding rate, and the test's own G. The backing is Σ |skew| × oracle.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_counterpartyPnl_matchesIndependentFormula(uint256[10] memory seeds) public {
        uint256[2] memory markets = [eth, thin];
        for (uint256 i; i < seeds.length; ++i) {
            uint256 seed = seeds[i];
            uint256 marketId = markets[seed % 2];
            address trader = traders[(seed >> 8) % 3];
            _randomStep(trader, marketId, seed >> 16, true);
            vm.warp(block.timestamp + bound(seed >> 128, 0, 1 hours));
            _moveOracle(marketId == eth ? ethOracle : thinOracle, seed >> 160);
            _assertCounterpartyPnl();
        }
    }

    /// @dev The engine's counterpartyPnl and backing against the formula computed here.
    function _assertCounterpartyPnl() internal view {
        assertEq(engine.pendingInsuranceFees(), 0, "no insurance share configured");
        int256 expected;
        uint256 backing;
        uint256[2] memory markets = [eth, thin];
        for (uint256 j; j < 2; ++j) {
            (int256 term, uint256 back) = _marketTerm(markets[j]);
            expected += term;
            backing += back;
        }
        assertEq(_cpPnl(engine), expected, "counterpartyPnl = formula");
        assertEq(_cpBacking(engine), backing, "requiredBacking = sum |skew| x oracle");
    }

    function _marketTerm(uint256 marketId) internal view returns (int256 term, uint256 backing) {
        MarketParams memory mp = engine.marketParams(marketId);
        MarketState memory s = engine.marketState(marketId);
        int256 skew;
        int256 sumOpenNotional;
        int256 sumBasis;
        for (uint256 t; t < 3; ++t) {
            Position memory pos = engine.position(traders[t], marketId);
            skew += pos.size;
            sumOpenNotional += pos.openNotional;
            sumBasis += _mulWadCeil(pos.size, pos.lastFundingIndex);
        }
        assertEq(int256(s.skew), skew, "skew = sum of sizes");
        uint256 oracle = MockOracleAdapter(address(mp.oracle)).currentPrice();
        int256 index = s.fundingIndex + _indexDelta(_rateOf(skew, mp), oracle, block.timestamp - s.lastUpdateTime);
        term = sumOpenNotional - _netExitValueCeil(oracle, skew, mp.skewScale, mp.maxPremium)
            + _mulWadFloor(skew, index) - sumBasis;
        backing = _abs(skew) == 0 ? 0 : (_abs(skew) * oracle + 1e18 - 1) / 1e18;
    }

    // ------------------------------------------------------------------ constant oracle and time: fees only

    /// @dev At a constant oracle and time (no funding), any sequence of opens, increases, reductions, flips and closes
    ///      by three accounts in ETH and THIN (across its clamp), with any insurance share and with or without fees,
    ///      moves the vault's net value by exactly the LP part of each trade's fee (fee − floor(fee × share), the fee
    ///      computed here from the test's own fill) plus rounding in the vault's favour R with
    ///      0 ≤ R ≤ ceil(|Δ| / 1e18) + 2 wei per trade. Derivation: the trader pays ceil(Δ × fill / 1e18) (one wei
    ///      more on a flip) where Δ × fill / 1e18 ∈ [X, X + |Δ| / 1e18) with X = oracle × (Δ·1e18 + G(s+Δ) − G(s)) /
    ///      1e36, while the exit value moves by ceil(A + X) − ceil(A) ∈ [ceil(X) − 1, ceil(X)].
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_tradesAtConstantOracle_moveValueOnlyByFees(
        uint256[10] memory seeds,
        uint256 insuranceShare,
        bool feeless
    ) public {
        insuranceShare = bound(insuranceShare, 0, 0.5e18);
        if (insuranceShare > 0) engine.setInsuranceFeeShare(address(fund), insuranceShare);
        if (feeless) {
            _zeroFees(eth);
            _zeroFees(thin);
        }
        int256 start = lpVault.netValueUsd();
        uint256 totalLpFees;
        uint256 totalBound;
        for (uint256 i; i < seeds.length; ++i) {
            (uint256 lpFee, uint256 maxRounding) = _tradeAndCheckValue(seeds[i], insuranceShare);
            totalLpFees += lpFee;
            totalBound += maxRounding;
        }
        int256 total = lpVault.netValueUsd() - start;
        assertGe(total, int256(totalLpFees), "whole sequence: at least the LP fees");
        assertLe(uint256(total) - totalLpFees, totalBound, "whole sequence: rounding bounded");
    }

    /// @dev One random trade; asserts the value moved by its LP fee plus bounded rounding in the vault's favour.
    function _tradeAndCheckValue(uint256 seed, uint256 insuranceShare)
        internal
        returns (uint256 lpFee, uint256 maxRounding)
    {
        uint256 marketId = seed % 2 == 0 ? eth : thin;
        address trader = traders[(seed >> 8) % 3];
        int256 delta = _pickDelta(trader, marketId, seed >> 16, true);
        uint256 fill;
        {
            MarketParams memory mp = engine.marketParams(marketId);
            int256 skew = engine.marketState(marketId).skew;
            fill = _fillOf(_oracleOf(marketId), skew, delta, mp.skewScale, mp.maxPremium);
            uint256 fee = _feeOf(skew, delta, fill, mp.makerFee, mp.takerFee);
            lpFee = fee - fee * insuranceShare / 1e18;
        }
        maxRounding = (_abs(delta) + 1e18 - 1) / 1e18 + 2;

        int256 before = lpVault.netValueUsd();
        assertEq(_trade(trader, marketId, delta), fill, "engine fill = independent fill");
        int256 moved = lpVault.netValueUsd() - before;
        assertGe(moved, int256(lpFee), "never below the LP part of the fee (never lowers the value)");
        assertLe(uint256(moved - int256(lpFee)), maxRounding, "rounding bounded");
    }

    // ------------------------------------------------------------------ helpers

    /// @dev One trade by `trader`: a random size (any magnitude from 1 wei) either way, or a full close.
    function _randomStep(address trader, uint256 marketId, uint256 seed, bool allowClose) internal {
        _trade(trader, marketId, _pickDelta(trader, marketId, seed, allowClose));
    }

    /// @dev ETH steps up to 200 ETH and THIN steps up to 15 (ten steps stay within every cap and margin); every
    ///      fourth choice closes the position (unless flat).
    function _pickDelta(address trader, uint256 marketId, uint256 seed, bool allowClose)
        internal
        view
        returns (int256 delta)
    {
        int256 size = engine.position(trader, marketId).size;
        if (allowClose && seed % 4 == 0 && size != 0) return -size;
        uint256 cap = marketId == eth ? 200e18 : 15e18;
        // Half the steps anywhere up to the cap (THIN's skew crosses its clamp at 20 within two of them), half on a
        // log scale from 1 wei (rounding at every magnitude).
        uint256 scale = (seed >> 2) % 2 == 0 ? cap : 10 ** bound(seed >> 3, 0, 20);
        uint256 magnitude = bound(seed >> 8, 1, scale < cap ? scale : cap);
        delta = (seed >> 1) % 2 == 0 ? int256(magnitude) : -int256(magnitude);
    }

    function _moveOracle(MockOracleAdapter oracle, uint256 seed) internal {
        uint256 price = oracle.currentPrice();
        uint256 bps = bound(seed, 0, 200); // −1 % … +1 %
        oracle.setPrice(price * (9_900 + bps) / 10_000);
    }

    function _oracleOf(uint256 marketId) internal view returns (uint256) {
        return MockOracleAdapter(address(engine.marketParams(marketId).oracle)).currentPrice();
    }

    function _zeroFees(uint256 marketId) internal {
        MarketParams memory mp = engine.marketParams(marketId);
        mp.makerFee = 0;
        mp.takerFee = 0;
        engine.setMarketParams(marketId, mp);
    }
}
