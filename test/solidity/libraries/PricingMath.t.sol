// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MathHarness} from "../../../contracts/mocks/MathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Exact values for PricingMath; "x.y" in comments are exact rationals before rounding.
contract PricingMathTest is TestBase {
    uint256 internal constant W = 1e18;
    uint256 internal constant SCALE = 1_000_000e18; // skewScale
    uint256 internal constant MAX_PREMIUM = 0.1e18;
    uint256 internal constant MAKER = 0.0002e18; // 2 bps
    uint256 internal constant TAKER = 0.0006e18; // 6 bps

    MathHarness internal h;

    function setUp() public {
        h = new MathHarness();
    }

    // ------------------------------------------------------------------ premium

    function test_premium_belowClamp_bothSigns() public view {
        // 10_000e18 * 1e18 / 1_000_000e18 = 0.01e18
        assertEq(h.premium(10_000e18, SCALE, MAX_PREMIUM), 0.01e18, "+1% skew");
        assertEq(h.premium(-10_000e18, SCALE, MAX_PREMIUM), -0.01e18, "negative skew");
        assertEq(h.premium(0, SCALE, MAX_PREMIUM), 0, "zero skew");
    }

    function test_premium_atClamp_plusMinusOneWei() public view {
        // 100_000e18 / 1_000_000e18 = 0.1e18 = maxPremium exactly
        assertEq(h.premium(100_000e18, SCALE, MAX_PREMIUM), 0.1e18, "at clamp");
        // (100_000e18 - 1e6) * 1e18 / 1e24 = 0.1e18 - 1: one wei below the clamp, unclamped
        assertEq(h.premium(100_000e18 - 1e6, SCALE, MAX_PREMIUM), 0.1e18 - 1, "1 wei below clamp");
        // (100_000e18 + 1e6) * 1e18 / 1e24 = 0.1e18 + 1 -> clamped to 0.1e18
        assertEq(h.premium(100_000e18 + 1e6, SCALE, MAX_PREMIUM), 0.1e18, "1 wei above clamp");
        assertEq(h.premium(-(100_000e18 - 1e6), SCALE, MAX_PREMIUM), -0.1e18 + 1, "-(clamp - 1 wei)");
        assertEq(h.premium(-(100_000e18 + 1e6), SCALE, MAX_PREMIUM), -0.1e18, "-(clamp + 1 wei) clamped");
    }

    function test_premium_aboveClamp_bothSigns() public view {
        // 500_000e18 / 1_000_000e18 = 0.5e18 -> clamped to ±0.1e18
        assertEq(h.premium(500_000e18, SCALE, MAX_PREMIUM), 0.1e18, "above +clamp");
        assertEq(h.premium(-500_000e18, SCALE, MAX_PREMIUM), -0.1e18, "below -clamp");
    }

    function test_premium_truncatesTowardZero() public view {
        // (1e6 - 1) * 1e18 / 1e24 = 0.999999 -> 0 for both signs (floor would give -1 for the negative one)
        assertEq(h.premium(1e6 - 1, SCALE, MAX_PREMIUM), 0, "+0.999999 -> 0");
        assertEq(h.premium(-(1e6 - 1), SCALE, MAX_PREMIUM), 0, "-0.999999 -> 0");
        // (3e6 - 1) * 1e18 / 1e24 = 2.999999 -> 2 / -2
        assertEq(h.premium(3e6 - 1, SCALE, MAX_PREMIUM), 2, "+2.999999 -> 2");
        assertEq(h.premium(-(3e6 - 1), SCALE, MAX_PREMIUM), -2, "-2.999999 -> -2");
        assertEq(h.premium(3e6, SCALE, MAX_PREMIUM), 3, "exactly 3");
    }

    function test_premium_zeroSkewScale_reverts() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x12));
        h.premium(1, 0, MAX_PREMIUM);
    }

    // ------------------------------------------------------------------ mark

    function test_markPriceDown_exact() public view {
        // 2000e18 * (1e18 + 0.01e18) / 1e18 = 2020e18
        assertEq(h.markPriceDown(2000e18, 0.01e18), 2020e18, "+1%");
        // 2000e18 * 0.99 = 1980e18
        assertEq(h.markPriceDown(2000e18, -0.01e18), 1980e18, "-1%");
        assertEq(h.markPriceDown(2000e18, 0), 2000e18, "no premium");
    }

    function test_markPriceDown_roundsDown() public view {
        // (2000e18 + 1) * 1.5 = 3000e18 + 1.5 -> 3000e18 + 1
        assertEq(h.markPriceDown(2000e18 + 1, 0.5e18), 3000e18 + 1, "+1 wei oracle");
        // 3 * 1.5 = 4.5 -> 4
        assertEq(h.markPriceDown(3, 0.5e18), 4, "4.5 -> 4");
        // (2000e18 - 1) * 1.5 = 3000e18 - 1.5 -> 3000e18 - 2
        assertEq(h.markPriceDown(2000e18 - 1, 0.5e18), 3000e18 - 2, "-1 wei oracle");
    }

    // ------------------------------------------------------------------ premium integral G

    // K = 2,000, M = 2 %: the clamp starts at L = M × K = 40 units. Linear part G(s) = s² / (2K) in size × 1e18 units:
    // G(40e18) = 1600e36 × 1e18 / 4000e18 = 4e35; flat part G(s) = M × |s| − M² × K / 2 = 0.02e18 × |s| − 4e35.
    function test_premiumIntegral_linearAndFlat_boundary() public view {
        uint256 k = 2_000e18;
        uint256 m = 0.02e18;
        assertEq(h.premiumIntegralDown(0, k, m), 0, "G(0)");
        // L − 1 wei (linear): (1600e36 − 80e18 + 1) × 1e18 / 4000e18 = 4e35 − 2e16 + 0.00025 → 4e35 − 2e16
        assertEq(h.premiumIntegralDown(40e18 - 1, k, m), 4e35 - 2e16, "L - 1 (linear, floored)");
        assertEq(h.premiumIntegralDown(40e18, k, m), 4e35, "L (linear branch, = flat formula)");
        // L + 1 wei (flat): 0.02e18 × (40e18 + 1) − 4e35 = 4e35 + 2e16
        assertEq(h.premiumIntegralDown(40e18 + 1, k, m), 4e35 + 2e16, "L + 1 (flat)");
        // 100 units: 0.02 × 100 − 0.02² × 2,000 / 2 = 2 − 0.4 = 1.6 units × premium (the quadratic would give 2.5)
        assertEq(h.premiumIntegralDown(100e18, k, m), 1.6e36, "flat part, 100 units");
        // G is even: the same on the short side
        assertEq(h.premiumIntegralDown(-100e18, k, m), 1.6e36, "G(-s) = G(s), flat");
        assertEq(h.premiumIntegralDown(-(40e18 - 1), k, m), 4e35 - 2e16, "G(-s) = G(s), linear");
        assertEq(h.premiumIntegralDown(-(40e18 + 1), k, m), 4e35 + 2e16, "G(-s) = G(s), L + 1");
    }

    function test_premiumIntegral_linear_roundsDown() public view {
        // s = 1 wei, K = 3e15: 1 × 1e18 / 6e15 = 166.67 → 166
        assertEq(h.premiumIntegralDown(1, 3e15, MAX_PREMIUM), 166, "floored");
        assertEq(h.premiumIntegralDown(-1, 3e15, MAX_PREMIUM), 166, "floored, short side");
        // maxPremium 0: everything is flat and G = 0
        assertEq(h.premiumIntegralDown(1e24, SCALE, 0), 0, "no premium");
    }

    /// @dev G against a second implementation: the exact value a²/(2K) (linear) or (2e18·M·a − M²·K)/2e18 (flat) as a
    ///      fraction, rounded down in both branches: the flat branch subtracts the constant M²K / 2e18 rounded up.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_premiumIntegral_matchesExact(int256 skew, uint256 k, uint256 m) public view {
        k = bound(k, 1e15, 1e30);
        m = bound(m, 0, 0.1e18);
        skew = boundInt(skew, -1e30, 1e30);
        uint256 a = h.abs(skew);
        uint256 g = h.premiumIntegralDown(skew, k, m);
        uint256 lim = h.mulDivDown(m, k, W);
        if (a <= lim) {
            assertEq(g, h.mulDivDown(a * a, W, 2 * k), "linear: floor of a^2/(2K)");
        } else {
            // floor((2e18·M·a − M²K) / 2e18) = M·a − ceil(M²K / 2e18)
            uint256 exactFloor = m * a - h.mulDivUp(m * m, k, 2 * W);
            assertEq(g, exactFloor, "flat: floor of M a - M^2 K / 2e18");
            // the flat part is below the quadratic (its tangent at L)
            assertLe(g, h.mulDivUp(a * a, W, 2 * k), "flat <= quadratic");
        }
    }

    // ------------------------------------------------------------------ fill

    // SPEC example: buy 10,000 from zero skew, K = 1M, oracle 2,000: G(10,000) = 10,000² / 2M = 50 units (5e37);
    // fill = 2,000 × (1e40 + 5e37) / 1e40 = 2,000 × 1.005 = 2,010 exactly. Selling it back (10,000 → 0) walks the same
    // path: 2,010. A sell of 10,000 from zero fills at 2,000 × (1 − 0.005) = 1,990.
    function test_fillPrice_specExample_buyOfTenThousandFromZeroSkew() public view {
        assertEq(h.premiumIntegralDown(10_000e18, SCALE, MAX_PREMIUM), 5e37, "G(10,000)");
        assertEq(h.fillPrice(2000e18, 0, 10_000e18, SCALE, MAX_PREMIUM), 2010e18, "buy fill");
        assertEq(h.fillPrice(2000e18, 10_000e18, -10_000e18, SCALE, MAX_PREMIUM), 2010e18, "sell back to zero");
        assertEq(h.fillPrice(2000e18, 0, -10_000e18, SCALE, MAX_PREMIUM), 1990e18, "sell from zero");
        assertEq(h.fillPrice(2000e18, -10_000e18, 10_000e18, SCALE, MAX_PREMIUM), 1990e18, "buy back to zero");
    }

    function test_fillPrice_buyRoundsUp_sellRoundsDown() public view {
        // (2000e18 + 1) × 1.005 = 2010e18 + 1.005: a buy pays 2010e18 + 2, a sell over the same path gets 2010e18 + 1
        assertEq(h.fillPrice(2000e18 + 1, 0, 10_000e18, SCALE, MAX_PREMIUM), 2010e18 + 2, "buy up");
        assertEq(h.fillPrice(2000e18 + 1, 10_000e18, -10_000e18, SCALE, MAX_PREMIUM), 2010e18 + 1, "sell down");
        // −20,000 → −30,000 and back: average premium −0.025, 1234567890123456789 × 0.975 = 1203703692870370369.275
        uint256 o = 1234567890123456789;
        assertEq(h.fillPrice(o, -20_000e18, -10_000e18, SCALE, MAX_PREMIUM), 1203703692870370369, "neg sell down");
        assertEq(h.fillPrice(o, -30_000e18, 10_000e18, SCALE, MAX_PREMIUM), 1203703692870370370, "neg buy up");
    }

    // Inside the clamp the fill is the oracle times one plus the average of the endpoint premiums:
    // 20,000 → 40,000 has premiums 0.02 and 0.04, average 0.03: 1,000 × 1.03 = 1,030; mirrored, 1,000 × 0.97 = 970.
    function test_fillPrice_insideClamp_averagesEndpointPremiums() public view {
        assertEq(h.fillPrice(1000e18, 20_000e18, 20_000e18, SCALE, MAX_PREMIUM), 1030e18, "average up");
        assertEq(h.fillPrice(1000e18, -20_000e18, -20_000e18, SCALE, MAX_PREMIUM), 970e18, "average down");
        // across zero: −10,000 → +30,000, premiums −0.01 and 0.03, average 0.01
        assertEq(h.fillPrice(1000e18, -10_000e18, 40_000e18, SCALE, MAX_PREMIUM), 1010e18, "across zero");
    }

    /// @dev Inside the clamp the fill is within the premium truncation of oracle × (1 + (p(s) + p(s + Δ)) / 2): the
    ///      truncated premiums are each less than 1 wei from the exact ones and G's floors cost less than 1 wei of
    ///      premium, so the two differ by at most 2 wei of premium times the oracle, plus the final rounding wei.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_fillPrice_insideClamp_isEndpointAverage(uint256 o, int256 skew, int256 delta) public view {
        o = bound(o, 1e12, 1e24);
        // L = 0.1 × 1M = 100,000 units; keep both endpoints inside
        skew = boundInt(skew, -100_000e18, 100_000e18);
        delta = boundInt(delta, -100_000e18 - skew, 100_000e18 - skew);
        if (delta == 0) delta = skew > 0 ? -int256(1) : int256(1);
        uint256 fill = h.fillPrice(o, skew, delta, SCALE, MAX_PREMIUM);
        int256 p0 = h.premium(skew, SCALE, MAX_PREMIUM);
        int256 p1 = h.premium(skew + delta, SCALE, MAX_PREMIUM);
        // oracle × (2e18 + p0 + p1) / 2e18, rounded down
        uint256 average = h.mulDivDown(o, uint256(2e18 + p0 + p1), 2e18);
        uint256 tolerance = h.mulDivUp(o, 2, W) + 2;
        assertLe(fill, average + tolerance, "fill <= endpoint average + truncation");
        assertLe(average, fill + tolerance, "fill >= endpoint average - truncation");
    }

    // Across the clamp (K = 2,000, M = 2 %, L = 40): a buy from 0 to 100 pays the linear part (0 → 40, average 1 %) and
    // the flat part (40 → 100 at 2 %) in full: G(100) = 0.02 × 100 − 0.02² × 2,000 / 2 = 1.6 units × premium, average
    // premium 1.6 / 100 = 1.6 %: at oracle 60,000 the fill is 60,000 × 1.016 = 60,960 (the endpoint average would
    // give 1 %: 60,600). Closing in two steps walks back the same path: 100 → 40 fills at 60,000 × 1.02 = 61,200 and
    // 40 → 0 at 60,000 × 1.01 = 60,600; 60 × 61,200 + 40 × 60,600 = 6,096,000 = 100 × 60,960: the round trip
    // returns nothing.
    function test_fillPrice_acrossClamp_paysFlatPartInFull() public view {
        uint256 k = 2_000e18;
        uint256 m = 0.02e18;
        uint256 open = h.fillPrice(60_000e18, 0, 100e18, k, m);
        assertEq(open, 60_960e18, "open across the clamp");
        uint256 closeFlat = h.fillPrice(60_000e18, 100e18, -60e18, k, m);
        uint256 closeLinear = h.fillPrice(60_000e18, 40e18, -40e18, k, m);
        assertEq(closeFlat, 61_200e18, "flat part at +M");
        assertEq(closeLinear, 60_600e18, "linear part at the average");
        assertEq(60 * closeFlat + 40 * closeLinear, 100 * open, "round trip returns nothing");
        // Short side mirrored: 0 → −100 fills at 60,000 × 0.984 = 59,040.
        assertEq(h.fillPrice(60_000e18, 0, -100e18, k, m), 59_040e18, "short across the clamp");
        // Entirely in the flat part: 60 → 100 at exactly +M.
        assertEq(h.fillPrice(60_000e18, 60e18, 40e18, k, m), 61_200e18, "flat only");
    }

    /// @dev Path independence: a trade of Δ split at any point into two trades costs the same exact integral as the
    ///      whole; only each fill's own rounding (against the trader, below 1 wei of price per unit) differs. Checked in
    ///      size × price units (1e36): every buy costs at least oracle × (|Δ|·1e18 + G(s+Δ) − G(s)) / 1e18 and less
    ///      than that plus |Δ| (one wei of price per unit), every sell gets at most that and more than that minus |Δ|;
    ///      so split and whole differ by less than |Δ| × 1 wei of price.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_fillPrice_pathIndependent_split(
        uint256 o,
        int256 skew,
        uint256 size,
        uint256 cut,
        uint256 k,
        uint256 m,
        bool buy
    ) public view {
        o = bound(o, 1e12, 1e24);
        k = bound(k, 1e18, 1e26);
        m = bound(m, 0, 0.1e18);
        skew = boundInt(skew, -1e24, 1e24);
        size = bound(size, 2, 1e24);
        cut = bound(cut, 1, size - 1);
        int256 d = buy ? int256(size) : -int256(size);
        int256 d1 = buy ? int256(cut) : -int256(cut);
        // exact value × 1e18, in size × price × 1e18 units
        uint256 exact = o * _factor(skew, d, k, m);
        uint256 whole = size * h.fillPrice(o, skew, d, k, m) * W;
        uint256 split = (cut * h.fillPrice(o, skew, d1, k, m) + (size - cut) * h.fillPrice(o, skew + d1, d - d1, k, m)) * W;
        if (buy) {
            assertGe(whole, exact, "whole buy pays at least the integral");
            assertGe(split, exact, "split buy pays at least the integral");
            assertLt(whole, exact + size * W, "whole within 1 wei per unit");
            assertLt(split, exact + size * W, "split within 1 wei per unit");
        } else {
            assertLe(whole, exact, "whole sell gets at most the integral");
            assertLe(split, exact, "split sell gets at most the integral");
            assertLt(exact, whole + size * W, "whole within 1 wei per unit");
            assertLt(exact, split + size * W, "split within 1 wei per unit");
        }
    }

    /// @dev |d| × 1e18 + sign(d) × (G(s + d) − G(s)): |d| × 1e18 × (1 + the average premium a trade of d pays).
    function _factor(int256 skew, int256 d, uint256 k, uint256 m) private view returns (uint256) {
        int256 diff = int256(h.premiumIntegralDown(skew + d, k, m)) - int256(h.premiumIntegralDown(skew, k, m));
        int256 f = int256(h.abs(d) * W) + (d > 0 ? diff : -diff);
        assertGe(f, int256(0), "factor positive");
        return uint256(f);
    }

    // ------------------------------------------------------------------ net exit value

    // The traders' net position closed at once: skew × the fill of −skew = oracle × (skew·1e18 + G(skew)) / 1e36.
    // skew 10,000 at 2,000: (1e40 + 5e37) × 2,000 = 10,000 × 2,010 = 20,100,000 (the fill of −10,000 from 10,000);
    // skew −10,000: (−1e40 + 5e37) × 2,000 = −10,000 × 1,990 = −19,900,000 (the buy back fills at 1,990).
    function test_netExitValue_exact() public view {
        assertEq(h.netExitValueCeil(2000e18, 10_000e18, SCALE, MAX_PREMIUM), 20_100_000e18, "long skew");
        assertEq(h.netExitValueCeil(2000e18, -10_000e18, SCALE, MAX_PREMIUM), -19_900_000e18, "short skew");
        assertEq(h.netExitValueCeil(2000e18, 0, SCALE, MAX_PREMIUM), 0, "no skew");
        // matches skew × the exit fill
        uint256 exit = h.fillPrice(2000e18, 10_000e18, -10_000e18, SCALE, MAX_PREMIUM);
        assertEq(uint256(h.netExitValueCeil(2000e18, 10_000e18, SCALE, MAX_PREMIUM)), 10_000 * exit, "= skew x exit");
        // flat part: K = 2,000, M = 2 %, skew 100 at 60,000: 60,000 × (100 + 1.6) = 6,096,000
        assertEq(h.netExitValueCeil(60_000e18, 100e18, 2_000e18, 0.02e18), 6_096_000e18, "across the clamp");
        assertEq(h.netExitValueCeil(60_000e18, -100e18, 2_000e18, 0.02e18), -5_904_000e18, "short, across the clamp");
    }

    // Rounded toward +∞ (the vault, which holds −skew, is never overvalued): oracle 3 wei, skew 1 unit, K = 1M:
    // G = 1e36 × 1e18 / 2e24 = 5e29; (1e36 + 5e29) × 3 / 1e36 = 3.0000015 → 4; (−1e36 + 5e29) × 3 / 1e36 =
    // −2.9999985 → −2.
    function test_netExitValue_roundsUp() public view {
        assertEq(h.netExitValueCeil(3, 1e18, SCALE, MAX_PREMIUM), 4, "positive up");
        assertEq(h.netExitValueCeil(3, -1e18, SCALE, MAX_PREMIUM), -2, "negative toward +inf");
    }

    /// @dev netExitValueCeil is the ceiling of skew × (the exact fill of −skew): at least skew × the (rounded) exit
    ///      fill, and above it by less than |skew| × 1 wei of price + 1 wei.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_netExitValue_isSkewTimesExitFill(uint256 o, int256 skew, uint256 k, uint256 m) public view {
        o = bound(o, 1e12, 1e24);
        k = bound(k, 1e18, 1e26);
        m = bound(m, 0, 0.1e18);
        skew = boundInt(skew, -1e24, 1e24);
        if (skew == 0) skew = 1;
        int256 v = h.netExitValueCeil(o, skew, k, m);
        uint256 exit = h.fillPrice(o, skew, -skew, k, m);
        // skew × exit, in 1e36 units, vs v × 1e18
        int256 viaFill = skew * int256(exit);
        int256 scaled = v * 1e18;
        assertGe(scaled, viaFill, "ceil >= skew x exit fill");
        assertTrue(scaled < viaFill + int256(h.abs(skew)) + 1e18, "within 1 wei of price per unit + 1 wei");
    }

    // ------------------------------------------------------------------ forced-close fit

    // A forced close of a long 100 (sell) with the fair premium at 0: the bound is the fill of −100 from skew 0,
    // 2,000 × (1 − 100 / 2M) = 1,999.9. At a live skew of −20 a sell of x fills at 2,000 × (1 − (20 + x/2) / 1M), at
    // least the bound while 20 + x/2 ≤ 50: x ≤ 60 exactly (60 fills at exactly 1,999.9, 60 + 1 wei below).
    uint256 internal constant FIT_TOL = 23283064366; // ceil(100e18 / 2^32)

    function test_fitForcedClose_sell_allNonePartial() public view {
        uint256 bound_ = h.fillPrice(2000e18, 0, -100e18, SCALE, MAX_PREMIUM);
        assertEq(bound_, 1999.9e18, "bound");
        // all fits: at the fair skew itself, and when the live skew is above it (the sell fills better)
        assertEq(h.fitForcedClose(2000e18, 0, -100e18, bound_, SCALE, MAX_PREMIUM), 100e18, "at the fair skew");
        assertEq(h.fitForcedClose(2000e18, 500e18, -100e18, bound_, SCALE, MAX_PREMIUM), 100e18, "pushed up");
        // nothing fits: at −1,000 even the first unit fills at 2,000 × (1 − 1e-3) < 1,999.9
        assertEq(h.fitForcedClose(2000e18, -1000e18, -100e18, bound_, SCALE, MAX_PREMIUM), 0, "pushed far down");
        // partial: the exact limit is 60
        assertEq(h.fillPrice(2000e18, -20e18, -60e18, SCALE, MAX_PREMIUM), bound_, "60 fills at the bound");
        assertLt(h.fillPrice(2000e18, -20e18, -60e18 - 1, SCALE, MAX_PREMIUM), bound_, "60 + 1 wei does not");
        uint256 size = h.fitForcedClose(2000e18, -20e18, -100e18, bound_, SCALE, MAX_PREMIUM);
        assertLe(size, 60e18, "never above the limit");
        assertGe(size, 60e18 - FIT_TOL, "within |delta| / 2^32 of it");
        assertGe(h.fillPrice(2000e18, -20e18, -int256(size), SCALE, MAX_PREMIUM), bound_, "the size fits");
        assertLt(h.fillPrice(2000e18, -20e18, -int256(size + FIT_TOL), SCALE, MAX_PREMIUM), bound_, "+ tol does not");
    }

    // Mirror: a forced close of a short 100 (buy), bound 2,000 × (1 + 100 / 2M) = 2,000.1; live skew +20: x ≤ 60.
    function test_fitForcedClose_buy_allNonePartial() public view {
        uint256 bound_ = h.fillPrice(2000e18, 0, 100e18, SCALE, MAX_PREMIUM);
        assertEq(bound_, 2000.1e18, "bound");
        assertEq(h.fitForcedClose(2000e18, 0, 100e18, bound_, SCALE, MAX_PREMIUM), 100e18, "at the fair skew");
        assertEq(h.fitForcedClose(2000e18, -500e18, 100e18, bound_, SCALE, MAX_PREMIUM), 100e18, "pushed down");
        assertEq(h.fitForcedClose(2000e18, 1000e18, 100e18, bound_, SCALE, MAX_PREMIUM), 0, "pushed far up");
        assertEq(h.fillPrice(2000e18, 20e18, 60e18, SCALE, MAX_PREMIUM), bound_, "60 fills at the bound");
        assertTrue(h.fillPrice(2000e18, 20e18, 60e18 + 1, SCALE, MAX_PREMIUM) > bound_, "60 + 1 wei does not");
        uint256 size = h.fitForcedClose(2000e18, 20e18, 100e18, bound_, SCALE, MAX_PREMIUM);
        assertLe(size, 60e18, "never above the limit");
        assertGe(size, 60e18 - FIT_TOL, "within |delta| / 2^32 of it");
        assertLe(h.fillPrice(2000e18, 20e18, int256(size), SCALE, MAX_PREMIUM), bound_, "the size fits");
        assertTrue(h.fillPrice(2000e18, 20e18, int256(size + FIT_TOL), SCALE, MAX_PREMIUM) > bound_, "+ tol does not");
    }

    /// @dev For any skews and delta: the returned size fits its bound, is at most |delta|, is |delta| exactly when the
    ///      whole fits, and (unless it is |delta|) the size ceil(|delta| / 2^32) above it does not fit.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_fitForcedClose_fitsAndIsNearMaximal(
        int256 fairSkew,
        int256 liveSkew,
        uint256 size,
        bool buy,
        uint256 k,
        uint256 m
    ) public view {
        k = bound(k, 1e18, 1e26);
        m = bound(m, 0.001e18, 0.1e18);
        fairSkew = boundInt(fairSkew, -1e24, 1e24);
        liveSkew = boundInt(liveSkew, -1e24, 1e24);
        size = bound(size, 1, 1e24);
        int256 d = buy ? int256(size) : -int256(size);
        uint256 o = 2000e18;
        uint256 bound_ = h.fillPrice(o, fairSkew, d, k, m);
        uint256 got = h.fitForcedClose(o, liveSkew, d, bound_, k, m);
        assertLe(got, size, "at most |delta|");
        bool wholeFits = _fits(o, liveSkew, d, bound_, k, m);
        if (wholeFits) {
            assertEq(got, size, "the whole when it fits");
            return;
        }
        if (got != 0) assertTrue(_fits(o, liveSkew, buy ? int256(got) : -int256(got), bound_, k, m), "fits");
        uint256 tol = (size - 1) / 2 ** 32 + 1;
        uint256 above = got + tol > size ? size : got + tol;
        assertTrue(!_fits(o, liveSkew, buy ? int256(above) : -int256(above), bound_, k, m), "near maximal");
    }

    function _fits(uint256 o, int256 skew, int256 d, uint256 bound_, uint256 k, uint256 m)
        private
        view
        returns (bool)
    {
        uint256 fill = h.fillPrice(o, skew, d, k, m);
        return d > 0 ? fill <= bound_ : fill >= bound_;
    }

    // ------------------------------------------------------------------ fees

    function test_tradeFeeUp_pureTaker() public view {
        // notional = ceil(10e18 * (2000e18 + 1) / 1e18) = 20000e18 + 10 (exact)
        // fee = ceil((20000e18 + 10) * 0.0006) = ceil(12e18 + 0.006) = 12e18 + 1
        assertEq(h.tradeFeeUp(0, 10e18, 2000e18 + 1, MAKER, TAKER), 12e18 + 1, "from zero skew");
        assertEq(h.tradeFeeUp(5e18, 10e18, 2000e18 + 1, MAKER, TAKER), 12e18 + 1, "same side as skew");
        // exact fill: 20000e18 * 0.0006 = 12e18, no rounding
        assertEq(h.tradeFeeUp(0, 10e18, 2000e18, MAKER, TAKER), 12e18, "exact");
        // -1 wei fill: ceil((20000e18 - 10) * 0.0006) = ceil(12e18 - 0.006) = 12e18
        assertEq(h.tradeFeeUp(0, 10e18, 2000e18 - 1, MAKER, TAKER), 12e18, "-1 wei fill");
    }

    function test_tradeFeeUp_pureMaker() public view {
        // skew +50e18, sell 10e18: all of it reduces |skew|
        // fee = ceil((20000e18 + 10) * 0.0002) = ceil(4e18 + 0.002) = 4e18 + 1
        assertEq(h.tradeFeeUp(50e18, -10e18, 2000e18 + 1, MAKER, TAKER), 4e18 + 1, "reduces skew");
        // exactly to zero skew is still all maker
        assertEq(h.tradeFeeUp(10e18, -10e18, 2000e18 + 1, MAKER, TAKER), 4e18 + 1, "to zero skew");
        assertEq(h.tradeFeeUp(-10e18, 10e18, 2000e18, MAKER, TAKER), 4e18, "buy against short skew, exact");
    }

    function test_tradeFeeUp_crossesZeroSkew_splitsMakerTaker() public view {
        // skew +4e18, sell 10e18: maker 4e18, taker 6e18
        // maker: ceil(4e18 * (2000e18 + 1) / 1e18) = 8000e18 + 4; ceil((8000e18 + 4) * 0.0002) = 1.6e18 + 1
        // taker: ceil(6e18 * (2000e18 + 1) / 1e18) = 12000e18 + 6; ceil((12000e18 + 6) * 0.0006) = 7.2e18 + 1
        assertEq(h.tradeFeeUp(4e18, -10e18, 2000e18 + 1, MAKER, TAKER), 8.8e18 + 2, "long skew, sell");
        assertEq(h.tradeFeeUp(-4e18, 10e18, 2000e18 + 1, MAKER, TAKER), 8.8e18 + 2, "short skew, buy");
        // exact fill: 1.6e18 + 7.2e18
        assertEq(h.tradeFeeUp(4e18, -10e18, 2000e18, MAKER, TAKER), 8.8e18, "exact");
    }

    function test_tradeFeeUp_zeroDeltaOrZeroFees() public view {
        assertEq(h.tradeFeeUp(4e18, 0, 2000e18, MAKER, TAKER), 0, "no trade");
        assertEq(h.tradeFeeUp(4e18, -10e18, 2000e18 + 1, 0, 0), 0, "no fees");
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_premium_monotoneInSkew(int256 skew, uint256 step, uint256 scale) public view {
        skew = boundInt(skew, -1e27, 1e27);
        step = bound(step, 0, 1e27);
        scale = bound(scale, 1e18, 1e26);
        int256 p0 = h.premium(skew, scale, MAX_PREMIUM);
        int256 p1 = h.premium(skew + int256(step), scale, MAX_PREMIUM);
        assertGe(p1, p0, "premium non-decreasing in skew");
        assertGe(int256(MAX_PREMIUM), p1, "within +clamp");
        assertGe(p0, -int256(MAX_PREMIUM), "within -clamp");
    }

    function testFuzz_tradeFeeUp_makerPlusTakerSplit(int256 skew, int256 delta, uint256 fill) public view {
        skew = boundInt(skew, -1e24, 1e24);
        delta = boundInt(delta, -1e24, 1e24);
        fill = bound(fill, 1e12, 1e24);
        uint256 fee = h.tradeFeeUp(skew, delta, fill, MAKER, TAKER);
        uint256 absDelta = h.abs(delta);
        // between the all-maker and the all-taker fee; splitting can cost one extra rounding wei
        uint256 allMaker = h.mulDivUp(h.mulDivUp(absDelta, fill, W), MAKER, W);
        uint256 allTaker = h.mulDivUp(h.mulDivUp(absDelta, fill, W), TAKER, W);
        assertGe(fee, allMaker, "fee >= all-maker fee");
        assertLe(fee, allTaker + 1, "fee <= all-taker fee + 1 wei");
    }
}
