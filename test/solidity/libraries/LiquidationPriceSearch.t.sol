// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidationPriceSearch} from "../../../contracts/libraries/LiquidationPriceSearch.sol";
import {TestBase} from "../utils/TestBase.sol";

contract LiquidationPriceSearchHarness {
    function search(int256 base, int256 size, NotionalTier[] memory tiers) external pure returns (uint256) {
        return LiquidationPriceSearch.search(base, size, tiers);
    }

    function maintenanceAt(int256 base, int256 size, NotionalTier[] memory tiers, uint256 price)
        external
        pure
        returns (int256)
    {
        return LiquidationPriceSearch.maintenanceAt(base, size, tiers, price);
    }
}

/// @notice The lens's liquidation-price search: f(P) = base + floor(size × P) − ceil(notional(P) × mmr), for a long the
///         highest P with f(P) < 0, for a short the lowest.
contract LiquidationPriceSearchTest is TestBase {
    LiquidationPriceSearchHarness internal h;

    function setUp() public {
        h = new LiquidationPriceSearchHarness();
    }

    function _oneTier(uint64 mmr) internal pure returns (NotionalTier[] memory t) {
        t = new NotionalTier[](1);
        t[0] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 5e18, mmr: mmr});
    }

    /// @dev ≤ 100,000: mmr 1 %; ≤ 1M: mmr 5 %.
    function _twoTiers() internal pure returns (NotionalTier[] memory t) {
        t = new NotionalTier[](2);
        t[0] = NotionalTier({upToNotional: 100_000e18, maxLeverage: 50e18, mmr: 0.01e18});
        t[1] = NotionalTier({upToNotional: 1_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
    }

    /// @dev Long 1 with base −120,000 (30,000 collateral, cost 150,000), mmr 5 %: f(P) = −120,000 + floor(19 P / 20)
    ///      < 0 ⇔ P < 2,400,000e18 / 19 = 126315789473684210526315.79: P = 126315789473684210526315.
    ///      Short 1 with base 180,000: f(P) = 180,000 − P − ceil(P / 20) < 0 ⇔ 21 P / 20 > 180,000e18 ⇔
    ///      P > 171428571428571428571428.57: P = 171428571428571428571429.
    function test_search_singleTier_longAndShort() public view {
        uint256 p = h.search(-120_000e18, 1e18, _oneTier(0.05e18));
        assertEq(p, 126315789473684210526315, "long");
        assertEq(h.maintenanceAt(-120_000e18, 1e18, _oneTier(0.05e18), p), -1, "f(P) < 0");
        assertEq(h.maintenanceAt(-120_000e18, 1e18, _oneTier(0.05e18), p + 1), 0, "f(P + 1) = 0");
        uint256 q = h.search(180_000e18, -1e18, _oneTier(0.05e18));
        assertEq(q, 171428571428571428571429, "short");
        assertTrue(h.maintenanceAt(180_000e18, -1e18, _oneTier(0.05e18), q) < 0, "f(P) < 0");
        assertGe(h.maintenanceAt(180_000e18, -1e18, _oneTier(0.05e18), q - 1), int256(0), "f(P - 1) >= 0");
    }

    /// @dev Two tiers, the crossing in each: base −95,000 crosses in tier 1 (f = base + floor(99 P / 100)):
    ///      P < 9,500,000e18 / 99 = 95959595959595959595959.6 → 95959595959595959595959. Base −140,000 is negative
    ///      throughout tier 1 and crosses in tier 2: P < 2,800,000e18 / 19 → 147368421052631578947368.
    function test_search_twoTiers_crossingInEachTier() public view {
        assertEq(h.search(-95_000e18, 1e18, _twoTiers()), 95959595959595959595959, "tier 1");
        assertEq(h.search(-140_000e18, 1e18, _twoTiers()), 147368421052631578947368, "tier 2");
    }

    /// @dev A long's maintenance margin drops where its notional crosses into a tier with a higher mmr, so its
    ///      liquidatable prices need not be one interval. Tiers ≤ 100,000 at 1 %, then 5 %; long 1 with base −97,000:
    ///      tier 1 (P ≤ 100,000): f = −97,000 + 0.99 P < 0 for P < 97,979.79…; tier 2 (P > 100,000): f = −97,000 + P −
    ///      ceil(P / 20). With P = 20k + r (r < 20): f = 19k + r − [r > 0] − 97,000e18; 97,000e18 / 19 =
    ///      5105263157894736842105.26…, so k = 5105263157894736842105 leaves 19k = 97,000e18 − 5 and f < 0 ⇔
    ///      r − [r > 0] < 5 ⇔ r ≤ 5: the highest liquidatable price is 20k + 5 = 102105263157894736842105 (the old
    ///      single bisection returned 97,979.79…, a price below which the account is liquidatable but far from the
    ///      highest). At 100,000 + 1 wei the account is liquidatable too, at 100,000 it is not.
    function test_search_long_liquidatableAgainAboveATierBoundary() public view {
        NotionalTier[] memory t = _twoTiers();
        uint256 p = h.search(-97_000e18, 1e18, t);
        assertEq(p, 102105263157894736842105, "highest liquidatable price, in the upper tier");
        assertTrue(h.maintenanceAt(-97_000e18, 1e18, t, p) < 0, "f(P) < 0");
        assertEq(h.maintenanceAt(-97_000e18, 1e18, t, p + 1), 0, "f(P + 1) = 0");
        assertTrue(h.maintenanceAt(-97_000e18, 1e18, t, 100_000e18 + 1) < 0, "just above the boundary: liquidatable");
        assertGe(h.maintenanceAt(-97_000e18, 1e18, t, 100_000e18), int256(0), "at the boundary (tier 1): healthy");
    }

    /// @dev Two random tiers: the long's result is liquidatable, one wei above is not, and no tier range above it
    ///      holds a liquidatable price (f rises within a tier, so checking each higher range's lowest price covers it).
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_search_long_twoTiers_isHighestBadPrice(int256 base, uint256 size, uint256 upTo, uint256 mmr1, uint256 mmr2)
        public
        view
    {
        size = bound(size, 1e15, 1e24);
        upTo = bound(upTo, 1e18, 1e30);
        mmr1 = bound(mmr1, 1, 0.2e18);
        mmr2 = bound(mmr2, mmr1, 0.5e18);
        base = boundInt(base, -1e30, 1e30);
        NotionalTier[] memory t = new NotionalTier[](2);
        t[0] = NotionalTier({upToNotional: uint96(upTo), maxLeverage: 2e18, mmr: uint64(mmr1)});
        t[1] = NotionalTier({upToNotional: uint96(upTo * 10), maxLeverage: 1e18 + 1, mmr: uint64(mmr2)});
        uint256 p = h.search(base, int256(size), t);
        uint256 boundary = upTo * 1e18 / size; // the highest price of tier 1
        if (p == 0) {
            assertGe(h.maintenanceAt(base, int256(size), t, 1), int256(0), "none: healthy at 1 wei");
            assertGe(h.maintenanceAt(base, int256(size), t, boundary + 1), int256(0), "none: healthy in tier 2");
            return;
        }
        assertTrue(h.maintenanceAt(base, int256(size), t, p) < 0, "bad at P");
        if (p < 1 << 128) assertGe(h.maintenanceAt(base, int256(size), t, p + 1), int256(0), "good at P + 1");
        if (p <= boundary) {
            assertGe(h.maintenanceAt(base, int256(size), t, boundary + 1), int256(0), "tier 2 holds no bad price");
        }
    }

    function test_search_edges() public view {
        assertEq(h.search(-1e18, 0, _oneTier(0.05e18)), 0, "no position");
        // A long with base 0: f(1 wei) = 1 − ceil(1 × 5 %) = 0, never negative at a positive price.
        assertEq(h.search(0, 1e18, _oneTier(0.05e18)), 0, "fully collateralised long");
        // A short with negative base is liquidatable at any price: the lowest is 1 wei.
        assertEq(h.search(-1, -1e18, _oneTier(0.05e18)), 1, "short bad everywhere");
        // A long too deep to recover below 2^128 wei returns the search cap.
        assertEq(h.search(-1e60, 1e18, _oneTier(0.05e18)), 1 << 128, "long bad up to the cap");
    }

    /// @dev Single tier (f monotone in P): the result is a boundary, bad at P and good one wei toward safety.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_search_isBoundary(int256 base, uint256 size, bool isLong, uint256 mmr) public view {
        size = bound(size, 1e15, 1e24);
        mmr = bound(mmr, 1e15, 0.19e18);
        // a long with equity short of its cost (base < 0), a short with some (base > 0): both have a boundary
        base = boundInt(base, 1e18, 1e30);
        if (isLong) base = -base;
        NotionalTier[] memory t = _oneTier(uint64(mmr));
        int256 s = isLong ? int256(size) : -int256(size);
        uint256 p = h.search(base, s, t);
        assertTrue(p > 1 && p < 1 << 128, "a boundary exists");
        assertTrue(h.maintenanceAt(base, s, t, p) < 0, "bad at P");
        assertGe(h.maintenanceAt(base, s, t, isLong ? p + 1 : p - 1), int256(0), "good one wei away");
    }
}
