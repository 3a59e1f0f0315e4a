// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {MarketParams, MarketState, NotionalTier, Position} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Property (c) of the security issue: no withdrawal leaves an account below initial margin, valued as the
///         protocol credits value: each position at the WORSE for the account of its exit price (the fill its full
///         close would get now at the live skew) and its fair price (oracle × (1 + fair premium)), notional and IM at
///         that same price, minus the funding it owes. After any successful withdrawal equity − Σ IM ≥ 0 at that
///         valuation, and `maxWithdraw` is exactly what it allows: withdrawing it succeeds, one USDC unit more reverts
///         `InsufficientWithdrawable`.
/// @dev The valuation is computed here from raw state only (positions, market state, parameters, tiers, the mock
///      oracles' prices, collateral) by a second implementation of the documented formulas: the clamped premium and
///      its exact integral G, the fill of a trade, the fair premium's EMA step capped at 0.1 %/h, the funding index
///      accrued to now, the tier lookup and the rounding directions (PnL and credited price against the account,
///      funding owed and margins up). It must agree with the engine to the wei: the test asserts the engine's
///      `maxWithdraw` equals the one derived here before every withdrawal, so a valuation that credited the account
///      more than this (its own impact, someone else's push, funding not yet settled) would fail.
///      Scenario per run: local ETH (3,000) and BTC (60,000) markets, a provider with 200,000,000 USDC, Alice with a
///      random deposit, an ETH position (0.5x–6x of her deposit, random side) and maybe a BTC one; then three rounds of
///      time (0–3 h), oracle moves (±6 % per market), a third party's push (up to ±3,000 ETH / ±150 BTC), maybe a trade
///      of Alice's own, and a random withdrawal of at most `maxWithdraw` (the last round withdraws all of it).
contract WithdrawalPropertyTest is LocalProtocolFixture {
    uint256 private constant WAD = 1e18;
    uint256 private constant ROUNDS = 3;

    MockOracleAdapter internal btcOracle;
    uint256 internal btc;

    /// @dev One market's raw inputs to the valuation.
    struct Inputs {
        uint256 oracle;
        MarketState state;
        MarketParams params;
        NotionalTier[] tiers;
    }

    function setUp() public override {
        super.setUp();
        btcOracle = new MockOracleAdapter(60_000e18);
        btc = engine.listMarket("BTC", localBtcParams(btcOracle), cryptoTiers());
        _lpDeposit(PROVIDER, 200_000_000e6);
        _fund(BOB, 100_000_000e6);
    }

    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_withdrawalNeverLeavesAccountBelowInitialMargin(
        uint256 depositSeed,
        uint256 ethSeed,
        uint256 btcSeed,
        uint256 seed
    ) public {
        uint256 deposit = bound(depositSeed, 1_000e6, 1_500_000e6);
        _fund(ALICE, deposit);
        _trade(ALICE, eth, _sizeFor(deposit, ethSeed, 0.5e18, 6e18, ETH_PRICE));
        if (btcSeed % 3 != 0) _trade(ALICE, btc, _sizeFor(deposit, btcSeed >> 8, 0.5e18, 3e18, 60_000e18));

        for (uint256 round; round < ROUNDS; ++round) {
            vm.warp(block.timestamp + bound(_rand(seed, round, 0), 0, 3 hours));
            _move(ethOracle, _rand(seed, round, 1));
            _move(btcOracle, _rand(seed, round, 2));
            _tryTrade(BOB, eth, boundInt(int256(_rand(seed, round, 3)), -3_000e18, 3_000e18));
            _tryTrade(BOB, btc, boundInt(int256(_rand(seed, round, 4)), -150e18, 150e18));
            uint256 own = _rand(seed, round, 5);
            if (own % 2 == 0) _tryOwnTrade(eth, own >> 1);
            _checkWithdrawal(round + 1 == ROUNDS ? type(uint256).max : _rand(seed, round, 6));
        }
    }

    /// @dev A fixed scenario that tells the two fair-premium weights apart (a valuation with w(x) instead of w(x/4)⁴
    ///      disagrees with the engine's maxWithdraw here): the property on it, every run.
    function test_withdrawal_fixedScenario() public {
        testFuzz_withdrawalNeverLeavesAccountBelowInitialMargin(22534, 3103, 5343, 23377);
    }

    // ------------------------------------------------------------------ the property

    /// @dev maxWithdraw from the independent valuation equals the engine's; max + 1 unit reverts with the exact
    ///      available amount; a withdrawal of `pick` (bounded to [1, max]; all of it for type(uint256).max) succeeds
    ///      and leaves equity − Σ IM ≥ 0 at the valuation.
    function _checkWithdrawal(uint256 pick) private {
        (int256 collateral, int256 equity, uint256 im) = _valuation(ALICE);
        uint256 available = _withdrawable(collateral, equity, im);
        bool marginBinds = equity - int256(im) <= collateral;
        uint256 max = available / 1e12;
        assertEq(vault.maxWithdraw(ALICE), max, "maxWithdraw = the independent valuation's");

        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, (max + 1) * 1e12, available)
        );
        vault.withdraw(max + 1, ALICE);
        if (max == 0) return;

        uint256 amount = pick == type(uint256).max ? max : bound(pick, 1, max);
        vm.prank(ALICE);
        vault.withdraw(amount, ALICE);

        int256 collateralAfter;
        (collateralAfter, equity, im) = _valuation(ALICE);
        assertEq(collateralAfter, collateral - int256(amount * 1e12), "collateral fell by the withdrawal");
        assertGe(equity - int256(im), 0, "equity - IM >= 0 after a withdrawal");
        if (amount == max && marginBinds && _marketCount(ALICE) != 0) {
            assertLt(uint256(equity - int256(im)), 1e12, "withdrawing the max leaves less than a unit above IM");
        }
    }

    function _withdrawable(int256 collateral, int256 equity, uint256 im) private pure returns (uint256) {
        int256 free = equity - int256(im);
        if (free <= 0 || collateral <= 0) return 0;
        return uint256(free < collateral ? free : collateral);
    }

    // ------------------------------------------------------------------ independent valuation

    /// @dev Collateral, equity and Σ IM of `account`, every position at the worse of its exit and fair price. A flat
    ///      account's equity is its collateral and its IM 0.
    function _valuation(address account) private view returns (int256 collateral, int256 equity, uint256 im) {
        collateral = vault.collateralOf(account);
        equity = collateral;
        uint256[2] memory ids = [eth, btc];
        for (uint256 i; i < 2; ++i) {
            Position memory pos = engine.position(account, ids[i]);
            if (pos.size == 0) continue;
            Inputs memory m = _inputs(ids[i]);
            (int256 value, uint256 positionIm) = _positionValue(pos, m);
            equity += value;
            im += positionIm;
        }
    }

    function _inputs(uint256 marketId) private view returns (Inputs memory m) {
        m.params = engine.marketParams(marketId);
        m.oracle = MockOracleAdapter(address(m.params.oracle)).currentPrice();
        m.state = engine.marketState(marketId);
        m.tiers = engine.marketTiers(marketId);
    }

    /// @dev PnL minus funding owed, and IM, of one position at its credited price.
    function _positionValue(Position memory pos, Inputs memory m) private view returns (int256 value, uint256 im) {
        (uint256 price, int256 index) = _creditedPriceAndIndex(pos.size, m);
        int256 pnl = _signedMulDiv(pos.size, int256(price), WAD, false) - pos.openNotional;
        int256 owed = _signedMulDiv(pos.size, index - pos.lastFundingIndex, WAD, true);
        uint256 notional = Math.mulDiv(_abs(pos.size), price, WAD, Math.Rounding.Ceil);
        im = Math.mulDiv(notional, WAD, _tierLeverage(m.tiers, notional), Math.Rounding.Ceil);
        value = pnl - owed;
    }

    /// @dev The worse for the account of the exit fill of −size and the fair price, and the funding index accrued
    ///      to now (both at the premium of the stored skew, held since the last accrual).
    function _creditedPriceAndIndex(int256 size, Inputs memory m) private view returns (uint256 price, int256 index) {
        uint256 K = m.params.skewScale;
        uint256 M = m.params.maxPremium;
        uint256 elapsed = block.timestamp - m.state.lastUpdateTime;
        int256 p = _premium(m.state.skew, K, M);
        int256 fairPremium = _fairPremiumNow(m.state.fairPremium, p, elapsed, m.params.fairTau);
        uint256 fair = Math.mulDiv(m.oracle, uint256(int256(WAD) + fairPremium), WAD);
        uint256 exit = _fill(m.oracle, m.state.skew, -size, K, M);
        price = size > 0 ? Math.min(exit, fair) : Math.max(exit, fair);
        index = m.state.fundingIndex;
        if (elapsed != 0) index += _indexDelta(_rate(p, m.params), m.oracle, elapsed);
    }

    /// @dev p(s) = clamp(s / K truncated toward zero, ±M).
    function _premium(int256 s, uint256 K, uint256 M) private pure returns (int256) {
        uint256 q = Math.mulDiv(_abs(s), WAD, K);
        int256 raw = s < 0 ? -int256(q) : int256(q);
        if (raw > int256(M)) return int256(M);
        if (raw < -int256(M)) return -int256(M);
        return raw;
    }

    /// @dev G(s) = ∫₀^s p: s² / (2K) inside the clamp (|s| ≤ M × K), M × |s| − M² × K / 2 beyond it, in size × 1e18
    ///      units, rounded down (the subtracted constant rounded up). The scenario stays inside the clamp (|skew| far
    ///      below 100,000 ETH and 5,000 BTC).
    function _integral(int256 s, uint256 K, uint256 M) private pure returns (uint256) {
        uint256 a = _abs(s);
        if (a <= Math.mulDiv(M, K, WAD)) return Math.mulDiv(a * a, WAD, 2 * K);
        return M * a - Math.mulDiv(M * M, K, 2 * WAD, Math.Rounding.Ceil);
    }

    /// @dev The fill of `delta` at `skew`: oracle × (|Δ| × 1e18 ± (G(s + Δ) − G(s))) / (|Δ| × 1e18), up for a buy,
    ///      down for a sell.
    function _fill(uint256 oracle, int256 skew, int256 delta, uint256 K, uint256 M) private pure returns (uint256) {
        uint256 scaled = _abs(delta) * WAD;
        int256 area = int256(_integral(skew + delta, K, M)) - int256(_integral(skew, K, M));
        uint256 factor = uint256(int256(scaled) + (delta > 0 ? area : -area));
        return Math.mulDiv(oracle, factor, scaled, delta > 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
    }

    /// @dev The fair premium `elapsed` after the stored one: EMA step (p − last) × (1 − W) truncated, clamped to
    ///      ± 0.1 % × elapsed / 1 h. W = w(x / 4)⁴ with x = elapsed / τ (0 for τ = 0), w(y) = 1 / (1 + y + y²/2 + y³/6)
    ///      in 18-decimal integer steps (y = elapsed × 1e18 / (4τ) floored, capped at 1e6), the fourth power taken as
    ///      two floored squares.
    function _fairPremiumNow(int256 last, int256 p, uint256 elapsed, uint256 tau) private pure returns (int256) {
        if (elapsed == 0) return last;
        uint256 weight;
        if (tau != 0) {
            uint256 y = Math.min(Math.mulDiv(elapsed, WAD, 4 * tau), 1e6 * WAD);
            uint256 y2 = (y * y) / WAD;
            uint256 w = (WAD * WAD) / (WAD + y + y2 / 2 + (y2 * y) / (6 * WAD));
            uint256 w2 = (w * w) / WAD;
            weight = (w2 * w2) / WAD;
        }
        int256 step = _mulDivTrunc(p - last, int256(WAD - weight), WAD);
        int256 cap = int256(Math.mulDiv(0.001e18, elapsed, 3600));
        if (step > cap) step = cap;
        if (step < -cap) step = -cap;
        return last + step;
    }

    /// @dev Hourly funding rate p + clamp(interest − p, ±c), capped at ±maxFundingRate.
    function _rate(int256 p, MarketParams memory params) private pure returns (int256 r) {
        int256 c = int256(uint256(params.fundingClamp));
        int256 gap = int256(uint256(params.fundingInterest)) - p;
        if (gap > c) gap = c;
        if (gap < -c) gap = -c;
        r = p + gap;
        int256 cap = int256(uint256(params.maxFundingRate));
        if (r > cap) r = cap;
        if (r < -cap) r = -cap;
    }

    /// @dev rate × oracle × elapsed / 1 h, truncated toward zero.
    function _indexDelta(int256 rate, uint256 oracle, uint256 elapsed) private pure returns (int256) {
        return _mulDivTrunc(rate, int256(oracle * elapsed), 3600 * WAD);
    }

    /// @dev maxLeverage of the first tier whose cap holds `notional` (the last tier above every cap).
    function _tierLeverage(NotionalTier[] memory tiers, uint256 notional) private pure returns (uint256) {
        for (uint256 i; i < tiers.length; ++i) {
            if (notional <= tiers[i].upToNotional) return tiers[i].maxLeverage;
        }
        return tiers[tiers.length - 1].maxLeverage;
    }

    /// @dev a × b / d rounded toward +∞ (`ceil`) or −∞.
    function _signedMulDiv(int256 a, int256 b, uint256 d, bool ceil) private pure returns (int256) {
        bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
        bool up = negative ? !ceil : ceil;
        int256 q = int256(Math.mulDiv(_abs(a), _abs(b), d, up ? Math.Rounding.Ceil : Math.Rounding.Floor));
        return negative ? -q : q;
    }

    /// @dev a × b / d rounded toward zero.
    function _mulDivTrunc(int256 a, int256 b, uint256 d) private pure returns (int256) {
        int256 q = int256(Math.mulDiv(_abs(a), _abs(b), d));
        return (a < 0) != (b < 0) ? -q : q;
    }

    function _abs(int256 x) private pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    // ------------------------------------------------------------------ scenario helpers

    /// @dev A signed size worth `leverage` (bounded in [lo, hi]) times `deposit` at `price`; the sign from the seed.
    function _sizeFor(uint256 deposit, uint256 r, uint256 lo, uint256 hi, uint256 price) private pure returns (int256) {
        uint256 leverage = bound(r >> 1, lo, hi);
        uint256 size = Math.mulDiv(deposit * 1e12, leverage, price);
        return r % 2 == 0 ? int256(size) : -int256(size);
    }

    /// @dev Moves a mock oracle by a random −6 % … +6 %.
    function _move(MockOracleAdapter oracle, uint256 r) private {
        uint256 factor = bound(r, 0.94e18, 1.06e18);
        oracle.setPrice(Math.mulDiv(oracle.currentPrice(), factor, WAD));
    }

    /// @dev A trade that may be refused (breakers, caps, margin): a refusal changes nothing.
    function _tryTrade(address account, uint256 marketId, int256 delta) private {
        if (delta == 0) return;
        vm.prank(account);
        try engine.trade(account, marketId, delta, delta > 0 ? type(uint256).max : 0) {} catch {}
    }

    /// @dev Alice changes her ETH position by up to ±her size (opens 0.1 ETH when flat); it may be refused.
    function _tryOwnTrade(uint256 marketId, uint256 r) private {
        int256 size = engine.position(ALICE, marketId).size;
        uint256 span = size == 0 ? 0.1e18 : _abs(size);
        _tryTrade(ALICE, marketId, boundInt(int256(r), -int256(span), int256(span)));
    }

    function _marketCount(address account) private view returns (uint256) {
        return engine.accountMarkets(account).length;
    }

    function _rand(uint256 seed, uint256 round, uint256 k) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, round, k)));
    }
}
