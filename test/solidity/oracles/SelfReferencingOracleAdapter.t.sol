// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {InvalidPriceBounds, PriceOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {IOracleAdapterBase} from "../../../contracts/interfaces/IOracleAdapterBase.sol";
import {ISelfReferencingOracleAdapter} from "../../../contracts/interfaces/ISelfReferencingOracleAdapter.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {FairPriceMath} from "../../../contracts/libraries/FairPriceMath.sol";
import {SelfReferencingOracleAdapter} from "../../../contracts/oracles/SelfReferencingOracleAdapter.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Default fixture: EMA starts at 2000 at T0; tau 1 h, max move 5 % (d = 100 at 2000, so marks are clamped to
///      [1900, 2100]), max age 1 day, bounds [1, 1e6]. Weights (FairPriceMath, see FairPriceMathTest):
///      w(tau) = 0.375e18, w(10 tau) = 4392386530014641, w(1 s, tau = 1 day) = 999988425992905263.
contract SelfReferencingOracleAdapterTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant TAU = 1 hours;
    uint256 internal constant MAX_MOVE = 0.05e18;
    uint256 internal constant MAX_AGE = 1 days;
    uint256 internal constant MIN_PRICE = 1e18;
    uint256 internal constant MAX_PRICE = 1_000_000e18;
    address internal constant OBSERVER = address(0x0B5E);
    address internal constant STRANGER = address(0xBAD);
    address internal constant ALICE = address(0xA11CE);

    SelfReferencingOracleAdapter internal adapter;

    function setUp() public {
        vm.warp(T0);
        adapter = _deploy(2000e18, _config(TAU, MAX_MOVE, MAX_AGE), MIN_PRICE, MAX_PRICE);
    }

    // ------------------------------------------------------------------ helpers

    function _config(
        uint256 tau,
        uint256 maxMove,
        uint256 maxAge
    ) internal pure returns (ISelfReferencingOracleAdapter.EmaConfig memory) {
        return ISelfReferencingOracleAdapter.EmaConfig({tau: tau, maxMovePerObservation: maxMove, maxAge: maxAge});
    }

    function _deploy(
        uint256 initial,
        ISelfReferencingOracleAdapter.EmaConfig memory config,
        uint256 minPrice,
        uint256 maxPrice
    ) internal returns (SelfReferencingOracleAdapter) {
        return new SelfReferencingOracleAdapter(initial, config, minPrice, maxPrice, OBSERVER, address(this));
    }

    function _observe(uint256 mark) internal returns (uint256 ema) {
        vm.prank(OBSERVER);
        ema = adapter.observe(mark);
    }

    function _ownerError(address who) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, who);
    }

    // ------------------------------------------------------------------ construction

    /// @dev Kind 4 (self-referencing), read through the interface the engine lists with; it does not depend on the
    ///      index's age.
    function test_kind_isSelfReferencing() public {
        assertEq(uint256(IOracleAdapter(address(adapter)).kind()), 4, "kind 4");
        vm.warp(T0 + 2 days); // beyond the max age: the price reverts, the kind does not
        vm.expectRevert(
            abi.encodeWithSelector(ISelfReferencingOracleAdapter.IndexStale.selector, T0, 86_400, T0 + 2 days)
        );
        adapter.price();
        assertEq(uint256(adapter.kind()), 4, "still 4 when stale");
    }

    function test_constructor_storesConfig() public view {
        assertEq(adapter.emaPrice(), 2000e18, "ema");
        assertEq(adapter.lastUpdate(), T0, "clock starts at deployment");
        assertEq(adapter.observer(), OBSERVER, "observer");
        assertEq(adapter.tau(), 3600, "tau");
        assertEq(adapter.maxMovePerObservation(), 50_000_000_000_000_000, "5 %");
        assertEq(adapter.maxAge(), 86_400, "max age");
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1e18, "min");
        assertEq(maxPrice, 1_000_000e18, "max");
        assertEq(adapter.owner(), address(this), "owner");
        assertEq(adapter.price(), 2000e18, "initial price");
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 2000e18, "priceWithTime");
        assertEq(t, T0, "time");
        assertEq(adapter.MIN_TAU(), 60, "min tau");
        assertEq(adapter.MAX_TAU(), 604_800, "max tau");
        assertEq(adapter.MAX_MOVE_LIMIT(), 100_000_000_000_000_000, "10 %");
        assertEq(adapter.MIN_MAX_AGE(), 60, "min max age");
        assertEq(adapter.MAX_MAX_AGE(), 604_800, "max max age");
        assertEq(adapter.MAX_PRICE_LIMIT(), 1e36, "price limit");
    }

    function test_constructor_emitsEvents() public {
        vm.expectEmit(true, true, true, true);
        emit IOracleAdapterBase.PriceBoundsSet(1e18, 1_000_000e18);
        vm.expectEmit(true, true, true, true);
        emit ISelfReferencingOracleAdapter.TauSet(3600);
        vm.expectEmit(true, true, true, true);
        emit ISelfReferencingOracleAdapter.MaxMoveSet(0.05e18);
        vm.expectEmit(true, true, true, true);
        emit ISelfReferencingOracleAdapter.MaxAgeSet(86_400);
        vm.expectEmit(true, true, true, true);
        emit ISelfReferencingOracleAdapter.IndexInitialised(1234e18);
        vm.expectEmit(true, true, true, true);
        emit ISelfReferencingOracleAdapter.ObserverSet(OBSERVER);
        _deploy(1234e18, _config(TAU, MAX_MOVE, MAX_AGE), MIN_PRICE, MAX_PRICE);
    }

    function test_constructor_reverts() public {
        ISelfReferencingOracleAdapter.EmaConfig memory c = _config(TAU, MAX_MOVE, MAX_AGE);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidInitialPrice.selector, 0));
        _deploy(0, c, MIN_PRICE, MAX_PRICE);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidInitialPrice.selector, 1e18 - 1));
        _deploy(1e18 - 1, c, MIN_PRICE, MAX_PRICE);
        vm.expectRevert(
            abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidInitialPrice.selector, 1_000_000e18 + 1)
        );
        _deploy(1_000_000e18 + 1, c, MIN_PRICE, MAX_PRICE);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 0, 1e18));
        _deploy(1, c, 0, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidTau.selector, 59));
        _deploy(2000e18, _config(59, MAX_MOVE, MAX_AGE), MIN_PRICE, MAX_PRICE);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidMaxMove.selector, 0));
        _deploy(2000e18, _config(TAU, 0, MAX_AGE), MIN_PRICE, MAX_PRICE);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidMaxAge.selector, 604_801));
        _deploy(2000e18, _config(TAU, MAX_MOVE, 604_801), MIN_PRICE, MAX_PRICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new SelfReferencingOracleAdapter(2000e18, c, MIN_PRICE, MAX_PRICE, OBSERVER, address(0));

        // Edges accepted; a zero observer too (the engine is wired later).
        SelfReferencingOracleAdapter a = new SelfReferencingOracleAdapter(
            1e18,
            c,
            1e18,
            1e18 + 1,
            address(0),
            address(this)
        );
        assertEq(a.price(), 1e18, "initial at min");
        assertEq(a.observer(), address(0), "no observer yet");
        a = _deploy(1e36, c, 1, 1e36);
        assertEq(a.price(), 1e36, "initial at the price limit");
    }

    // ------------------------------------------------------------------ observe: exact values

    function test_observe_afterTau_insideTheClamp() public {
        // mark 2050 is inside [1900, 2100]; ema = 2050 + (2000 - 2050) × 0.375 = 2050 - 18.75 = 2031.25
        vm.warp(T0 + 3600);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.Observed(2050e18, 2050e18, 2031.25e18);
        assertEq(_observe(2050e18), 2031.25e18, "returned");
        assertEq(adapter.emaPrice(), 2031.25e18, "stored");
        assertEq(adapter.lastUpdate(), T0 + 3600, "clock");
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 2031.25e18, "price");
        assertEq(t, T0 + 3600, "time");
    }

    function test_observe_clampAtMaxMovePlusMinusOneWei() public {
        vm.warp(T0 + 3600);
        // d = 2000 × 5 % = 100: the clamp is [1900, 2100].
        (uint256 ema, uint256 clamped) = adapter.previewObserve(2100e18);
        assertEq(clamped, 2100e18, "upper edge kept");
        assertEq(ema, 2062.5e18, "2100 - 100 x 0.375");
        (ema, clamped) = adapter.previewObserve(2100e18 + 1);
        assertEq(clamped, 2100e18, "1 wei above: clamped");
        assertEq(ema, 2062.5e18, "same EMA");
        (, clamped) = adapter.previewObserve(2100e18 - 1);
        assertEq(clamped, 2100e18 - 1, "1 wei inside");
        (ema, clamped) = adapter.previewObserve(1900e18);
        assertEq(clamped, 1900e18, "lower edge kept");
        assertEq(ema, 1937.5e18, "1900 + 100 x 0.375");
        (, clamped) = adapter.previewObserve(1900e18 - 1);
        assertEq(clamped, 1900e18, "1 wei below: clamped");
        (, clamped) = adapter.previewObserve(1900e18 + 1);
        assertEq(clamped, 1900e18 + 1, "1 wei inside");

        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.Observed(1e30, 2100e18, 2062.5e18);
        assertEq(_observe(1e30), 2062.5e18, "a huge mark moves the index by the clamp only");
    }

    function test_observe_zeroMark_clampedNotReverted() public {
        vm.warp(T0 + 3600);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.Observed(0, 1900e18, 1937.5e18);
        assertEq(_observe(0), 1937.5e18, "mark 0 -> 1900");
    }

    function test_observe_sameBlock_noChange() public {
        // dt = 0: w = 1, the EMA stays; the clock does not move either.
        assertEq(_observe(2100e18), 2000e18, "first observation in the deployment block");
        assertEq(_observe(1900e18), 2000e18, "second");
        assertEq(adapter.lastUpdate(), T0, "clock");
    }

    function test_observe_afterTenTau() public {
        // 2100 + (2000 - 2100) × 0.004392386530014641 = 2100e18 - 439238653001464100
        vm.warp(T0 + 36_000);
        assertEq(_observe(2100e18), 2_099_560_761_346_998_535_900, "almost the clamped mark");
    }

    function test_observe_oneBlock_smallStep() public {
        // dt = 12 s, tau = 3600: x = 12e18 / 3600 = 3333333333333333; x2 = 11111111111111; x2/2 = 5555555555555;
        //   x2·x/6e18 = 6172839506; denominator = 1003338895061728394; w = 1e36 / that = 996672216059636584.
        // ema = 2100e18 - 100e18 × w / 1e18 = 2100e18 - 99667221605963658400 = 2000332778394036341600
        vm.warp(T0 + 12);
        assertEq(_observe(2100e18), 2_000_332_778_394_036_341_600, "one 12 s block: +0.0166 %");
    }

    function test_observe_longTau_oneSecond() public {
        // tau = 1 day, dt = 1 s: w = 999988425992905263; ema = 2100 - 100 × w = 2000.0011574007094737
        adapter.setTau(1 days);
        vm.warp(T0 + 1);
        assertEq(_observe(2100e18), 2_000_001_157_400_709_473_700, "1 s of a day");
    }

    function test_observe_truncatesTowardTheMark() public {
        // ema 2000e18 + 7 wei, mark 2000e18 after tau: 2000e18 + trunc(7 × 0.375) = 2000e18 + 2
        SelfReferencingOracleAdapter a = _deploy(2000e18 + 7, _config(TAU, MAX_MOVE, MAX_AGE), MIN_PRICE, MAX_PRICE);
        vm.warp(T0 + 3600);
        vm.prank(OBSERVER);
        assertEq(a.observe(2000e18), 2000e18 + 2, "rounded toward the mark");
    }

    function test_observe_sequence_compounds() public {
        // 1) +1 h, mark 2050: 2031.25 (above)
        // 2) +1 h, mark 3000: d = floor(2031.25 × 0.05) = 101.5625 -> clamp 2132.8125;
        //    ema = 2132.8125 + (2031.25 - 2132.8125) × 0.375 = 2132.8125 - 38.0859375 = 2094.7265625
        vm.warp(T0 + 3600);
        _observe(2050e18);
        vm.warp(T0 + 7200);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.Observed(3000e18, 2132.8125e18, 2094.7265625e18);
        assertEq(_observe(3000e18), 2094.7265625e18, "second step");
    }

    function test_observe_clampCappedAtPriceLimit() public {
        // ema 1e36 with 10 % move: the upper clamp is 1e36, not 1.1e36.
        SelfReferencingOracleAdapter a = _deploy(1e36, _config(TAU, 0.1e18, MAX_AGE), 1, 1e36);
        vm.warp(T0 + 1 days);
        (uint256 ema, uint256 clamped) = a.previewObserve(type(uint256).max);
        assertEq(clamped, 1e36, "capped");
        assertEq(ema, 1e36, "stays at the limit");
    }

    function test_observe_onlyObserver() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.NotObserver.selector, STRANGER));
        adapter.observe(2000e18);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.NotObserver.selector, address(this)));
        adapter.observe(2000e18); // not even the owner
    }

    // ------------------------------------------------------------------ staleness and bounds

    function test_stale_atMaxAgePlusMinusOne() public {
        vm.warp(T0 + 86_400);
        assertEq(adapter.price(), 2000e18, "age == maxAge");
        vm.warp(T0 + 86_401);
        vm.expectRevert(
            abi.encodeWithSelector(ISelfReferencingOracleAdapter.IndexStale.selector, T0, 86_400, T0 + 86_401)
        );
        adapter.price();
        vm.expectRevert(
            abi.encodeWithSelector(ISelfReferencingOracleAdapter.IndexStale.selector, T0, 86_400, T0 + 86_401)
        );
        adapter.priceWithTime();

        // An observation revives it. dt = 86 401 s, tau = 3600: x = 24000277777777777777,
        //   x2 = 576013333410493827123, x2/2 = 288006666705246913561, x2·x/6e18 = 2304080000925929497946,
        //   denominator = 2617086945408954189284, w = 1e36 / that = 382104233011539;
        //   ema = 2100e18 - 100e18 × w / 1e18 = 2100e18 - 38210423301153900 = 2099961789576698846100
        assertEq(_observe(2100e18), 2_099_961_789_576_698_846_100, "revived");
        assertEq(adapter.price(), 2_099_961_789_576_698_846_100, "fresh again");
    }

    function test_stale_checkedBeforeBounds() public {
        adapter.setPriceBounds(1, 1999e18);
        vm.warp(T0 + 86_401);
        vm.expectRevert(
            abi.encodeWithSelector(ISelfReferencingOracleAdapter.IndexStale.selector, T0, 86_400, T0 + 86_401)
        );
        adapter.price();
    }

    function test_bounds_inclusive_oneWeiOutside() public {
        adapter.setPriceBounds(2000e18, 2001e18);
        assertEq(adapter.price(), 2000e18, "at min");
        adapter.setPriceBounds(2000e18 + 1, 2001e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                PriceOutOfBounds.selector,
                2000e18,
                2000e18 + 1,
                2001e18
            )
        );
        adapter.price();
        adapter.setPriceBounds(1999e18, 2000e18);
        assertEq(adapter.price(), 2000e18, "at max");
        adapter.setPriceBounds(1999e18, 2000e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                PriceOutOfBounds.selector,
                2000e18,
                1999e18,
                2000e18 - 1
            )
        );
        adapter.price();
    }

    // ------------------------------------------------------------------ admin

    function test_setObserver_storesEmitsAndOnlyOwner() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.ObserverSet(ALICE);
        adapter.setObserver(ALICE);
        assertEq(adapter.observer(), ALICE, "stored");
        vm.prank(OBSERVER);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.NotObserver.selector, OBSERVER));
        adapter.observe(2000e18);
        vm.prank(ALICE);
        adapter.observe(2000e18);
        adapter.setObserver(address(0));
        assertEq(adapter.observer(), address(0), "none");
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setObserver(STRANGER);
    }

    function test_setTau_storesEmitsBoundsAndOwner() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.TauSet(60);
        adapter.setTau(60);
        assertEq(adapter.tau(), 60, "1 min accepted");
        adapter.setTau(604_800);
        assertEq(adapter.tau(), 604_800, "7 days accepted");
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidTau.selector, 59));
        adapter.setTau(59);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidTau.selector, 604_801));
        adapter.setTau(604_801);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setTau(3600);
    }

    function test_setMaxMove_storesEmitsBoundsAndOwner() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.MaxMoveSet(0.1e18);
        adapter.setMaxMovePerObservation(0.1e18);
        assertEq(adapter.maxMovePerObservation(), 0.1e18, "10 % accepted");
        adapter.setMaxMovePerObservation(1);
        assertEq(adapter.maxMovePerObservation(), 1, "1 wei accepted");
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidMaxMove.selector, 0));
        adapter.setMaxMovePerObservation(0);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidMaxMove.selector, 0.1e18 + 1));
        adapter.setMaxMovePerObservation(0.1e18 + 1);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setMaxMovePerObservation(0.05e18);
    }

    function test_setMaxAge_storesEmitsBoundsAndOwner() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit ISelfReferencingOracleAdapter.MaxAgeSet(60);
        adapter.setMaxAge(60);
        assertEq(adapter.maxAge(), 60, "1 min accepted");
        assertEq(adapter.emaPrice(), 2000e18, "state kept in the shared slot");
        assertEq(adapter.lastUpdate(), T0, "clock kept in the shared slot");
        adapter.setMaxAge(604_800);
        assertEq(adapter.maxAge(), 604_800, "7 days accepted");
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidMaxAge.selector, 59));
        adapter.setMaxAge(59);
        vm.expectRevert(abi.encodeWithSelector(ISelfReferencingOracleAdapter.InvalidMaxAge.selector, 604_801));
        adapter.setMaxAge(604_801);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setMaxAge(3600);
    }

    function test_setPriceBounds_storesEmitsBoundsAndOwner() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IOracleAdapterBase.PriceBoundsSet(1, 1e36);
        adapter.setPriceBounds(1, 1e36);
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1, "min");
        assertEq(maxPrice, 1e36, "max");
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 5, 5));
        adapter.setPriceBounds(5, 5);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 1, 1e36 + 1));
        adapter.setPriceBounds(1, 1e36 + 1);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setPriceBounds(1, 2);
    }

    function test_ownership_isTwoStep() public {
        adapter.transferOwnership(ALICE);
        assertEq(adapter.pendingOwner(), ALICE, "pending");
        vm.prank(ALICE);
        adapter.acceptOwnership();
        assertEq(adapter.owner(), ALICE, "accepted");
        vm.expectRevert(_ownerError(address(this)));
        adapter.setTau(3600);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Any EMA, parameters, mark and elapsed time: the clamped mark is within ema ± d, the new EMA lies between
    ///      the old EMA and the clamped mark, equals FairPriceMath.fairPrice, and matches the preview.
    function testFuzz_observe_betweenOldEmaAndClampedMark(
        uint256 initial,
        uint256 maxMove,
        uint256 tau,
        uint256 mark,
        uint256 dt
    ) public {
        initial = bound(initial, 1, 1e36);
        maxMove = bound(maxMove, 1, 0.1e18);
        tau = bound(tau, 60, 7 days);
        dt = bound(dt, 0, 7 days);
        SelfReferencingOracleAdapter a = _deploy(initial, _config(tau, maxMove, 7 days), 1, 1e36);
        vm.warp(T0 + dt);
        (uint256 previewEma, uint256 clamped) = a.previewObserve(mark);
        vm.prank(OBSERVER);
        uint256 ema = a.observe(mark);

        uint256 d = (initial * maxMove) / 1e18;
        uint256 hi = initial + d > 1e36 ? 1e36 : initial + d;
        assertGe(clamped, initial - d, "clamped >= ema - d");
        assertLe(clamped, hi, "clamped <= min(ema + d, limit)");
        if (mark >= initial - d && mark <= hi) assertEq(clamped, mark, "inside: unchanged");
        assertGe(ema, initial < clamped ? initial : clamped, "ema >= min(old, clamped)");
        assertLe(ema, initial < clamped ? clamped : initial, "ema <= max(old, clamped)");
        assertEq(ema, FairPriceMath.fairPrice(clamped, initial, dt, tau), "the fair-price formula");
        assertEq(ema, previewEma, "preview");
        assertGe(ema, 1, "never 0");
        assertEq(a.price(), ema, "read back");
    }

    /// @dev A run of observations never moves the index by more than maxMove per observation.
    function testFuzz_observe_sequenceMovesAtMostMaxMoveEach(uint256 seed) public {
        for (uint256 i; i < 10; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            vm.warp(block.timestamp + (seed % 2 days));
            uint256 before = adapter.emaPrice();
            uint256 ema = _observe(seed % 1e24);
            uint256 d = (before * MAX_MOVE) / 1e18;
            assertGe(ema, before - d, "down at most d");
            assertLe(ema, before + d, "up at most d");
        }
    }
}
