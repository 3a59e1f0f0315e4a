// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {
    InvalidGracePeriod,
    InvalidHeartbeat,
    InvalidPriceBounds,
    PriceOutOfBounds,
    SequencerDown,
    SequencerGracePeriodNotOver,
    SequencerStatusInvalid,
    UnsupportedFeedDecimals,
    ZeroAddress
} from "../../../contracts/interfaces/CommonErrors.sol";
import {IMarketHoursOracleAdapter} from "../../../contracts/interfaces/IMarketHoursOracleAdapter.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IOracleAdapterBase} from "../../../contracts/interfaces/IOracleAdapterBase.sol";
import {ChainlinkFeedLib} from "../../../contracts/oracles/ChainlinkFeedLib.sol";
import {MarketHoursOracleAdapter} from "../../../contracts/oracles/MarketHoursOracleAdapter.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Default fixture: an index feed with 8 decimals answering 4500.00000000; sessions Mon–Fri 13:30–20:00 UTC,
///      i.e. `[d × 86400 + 48600, d × 86400 + 72000)` for d = 0..4 seconds from Monday 00:00 UTC; feed heartbeat
///      1 h; band 5 %; off-hours heartbeat 6 h; bounds [100, 100 000]. MONDAY = 1 699 833 600 is Monday 2023-11-13
///      00:00 UTC: (MONDAY + 3 days) % 1 weeks = 1 700 092 800 % 604 800 = 0, and MONDAY / 86 400 = day 19 674.
contract MarketHoursOracleAdapterTest is TestBase {
    uint256 internal constant MONDAY = 1_699_833_600;
    uint256 internal constant MONDAY_DAY = 19_674;
    uint256 internal constant OPEN = 48_600; // 13:30
    uint256 internal constant CLOSE = 72_000; // 20:00
    uint256 internal constant HEARTBEAT = 1 hours;
    uint256 internal constant OFF_HEARTBEAT = 6 hours;
    uint256 internal constant BAND = 0.05e18;
    uint256 internal constant MIN_PRICE = 100e18;
    uint256 internal constant MAX_PRICE = 100_000e18;
    uint256 internal constant GRACE = 1 hours;
    address internal constant PRICER = address(0x9819CE);
    address internal constant STRANGER = address(0xBAD);
    address internal constant ALICE = address(0xA11CE);

    MockV3Aggregator internal feed;
    MarketHoursOracleAdapter internal adapter;

    function setUp() public {
        vm.warp(_at(0, OPEN)); // Monday 13:30, the market is open
        feed = new MockV3Aggregator(8, 4500e8);
        adapter = _deploy(feed, _weekdays());
    }

    // ------------------------------------------------------------------ helpers

    /// @dev The timestamp of `secondOfDay` on weekday `weekday` (0 = Monday) of the fixture's week.
    function _at(uint256 weekday, uint256 secondOfDay) internal pure returns (uint256) {
        return MONDAY + weekday * 1 days + secondOfDay;
    }

    function _weekdays() internal pure returns (IMarketHoursOracleAdapter.Session[] memory s) {
        s = new IMarketHoursOracleAdapter.Session[](5);
        for (uint256 d; d < 5; ++d) {
            s[d] = IMarketHoursOracleAdapter.Session({open: d * 1 days + OPEN, close: d * 1 days + CLOSE});
        }
    }

    function _offHours() internal pure returns (IMarketHoursOracleAdapter.OffHoursConfig memory) {
        return IMarketHoursOracleAdapter.OffHoursConfig({pricer: PRICER, band: BAND, heartbeat: OFF_HEARTBEAT});
    }

    function _deploy(
        MockV3Aggregator f,
        IMarketHoursOracleAdapter.Session[] memory s
    ) internal returns (MarketHoursOracleAdapter) {
        return
            new MarketHoursOracleAdapter(
                AggregatorV3Interface(address(f)),
                HEARTBEAT,
                s,
                MIN_PRICE,
                MAX_PRICE,
                _offHours(),
                address(this)
            );
    }

    function _setRound(int256 answer, uint256 updatedAt) internal {
        feed.updateRoundData(uint80(feed.latestRound() + 1), answer, updatedAt, updatedAt);
    }

    /// @dev Warp to `t` and give the feed a round at `t` answering `answer` (8 decimals).
    function _warpWithAnswer(uint256 t, int256 answer) internal {
        vm.warp(t);
        _setRound(answer, t);
    }

    /// @dev Record a close of `answer` (8 decimals) at Monday 19:00, then warp to Monday 20:00 (closed).
    function _closeMondayAt(int256 answer) internal {
        _warpWithAnswer(_at(0, 19 hours), answer);
        assertTrue(adapter.checkpoint(), "recorded");
        vm.warp(_at(0, CLOSE));
    }

    function _setOffHoursPrice(uint256 p) internal {
        vm.prank(PRICER);
        adapter.setOffHoursPrice(p);
    }

    function _days(uint256 day) internal pure returns (uint256[] memory d) {
        d = new uint256[](1);
        d[0] = day;
    }

    function _ownerError(address who) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, who);
    }

    function _isSelector(bytes memory reason, bytes4 selector) internal pure returns (bool) {
        return reason.length >= 4 && bytes4(reason) == selector;
    }

    // ------------------------------------------------------------------ construction

    /// @dev Kind 3 (market hours), read through the interface the engine lists with, in and out of hours (the
    ///      engine refuses to list this kind: `OracleKindNotListable(3)`).
    function test_kind_isMarketHours() public {
        assertEq(uint256(IOracleAdapter(address(adapter)).kind()), 3, "kind 3 in hours");
        vm.warp(_at(5, 12 hours)); // Saturday noon, closed, no close recorded: the price reverts, the kind does not
        vm.expectRevert(IMarketHoursOracleAdapter.NoLastClose.selector);
        adapter.price();
        assertEq(uint256(adapter.kind()), 3, "kind 3 off hours");
    }

    function test_constructor_storesConfig() public view {
        assertEq(address(adapter.feed()), address(feed), "feed");
        assertEq(adapter.feedDecimals(), 8, "decimals");
        assertEq(adapter.heartbeat(), 3600, "heartbeat");
        assertEq(adapter.offHoursHeartbeat(), 21_600, "off-hours heartbeat");
        assertEq(adapter.band(), 50_000_000_000_000_000, "band 5 %");
        assertEq(adapter.offHoursPricer(), PRICER, "pricer");
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 100e18, "min");
        assertEq(maxPrice, 100_000e18, "max");
        IMarketHoursOracleAdapter.Session[] memory s = adapter.sessions();
        assertEq(s.length, 5, "5 sessions");
        assertEq(s[0].open, 48_600, "Mon 13:30");
        assertEq(s[0].close, 72_000, "Mon 20:00");
        assertEq(s[4].open, 394_200, "Fri 13:30");
        assertEq(s[4].close, 417_600, "Fri 20:00");
        (uint256 close, uint256 recordedAt, uint256 updatedAt) = adapter.lastClose();
        assertEq(close + recordedAt + updatedAt, 0, "no close yet");
        (uint256 off, uint256 setAt) = adapter.offHoursPrice();
        assertEq(off + setAt, 0, "no off-hours price");
        (AggregatorV3Interface seq, uint256 grace) = adapter.sequencerConfig();
        assertEq(address(seq), address(0), "no sequencer");
        assertEq(grace, 0, "no grace");
        assertEq(adapter.owner(), address(this), "owner");
        assertEq(adapter.MAX_HEARTBEAT(), 172_800, "2 days");
        assertEq(adapter.MAX_GRACE_PERIOD(), 86_400, "1 day");
        assertEq(adapter.MAX_PRICE_LIMIT(), 1e36, "price limit");
        assertEq(adapter.MAX_BAND(), 200_000_000_000_000_000, "20 %");
        assertEq(adapter.MAX_SESSIONS(), 7, "7 sessions");
        assertEq(adapter.MAX_HOLIDAY_LEAD_DAYS(), 730, "2 years of holidays");
    }

    function test_constructor_emitsEvents() public {
        IMarketHoursOracleAdapter.Session[] memory s = _weekdays();
        vm.expectEmit(true, true, true, true);
        emit IMarketHoursOracleAdapter.HeartbeatSet(3600);
        vm.expectEmit(true, true, true, true);
        emit IMarketHoursOracleAdapter.SessionsSet(s);
        vm.expectEmit(true, true, true, true);
        emit IOracleAdapterBase.PriceBoundsSet(100e18, 100_000e18);
        vm.expectEmit(true, true, true, true);
        emit IMarketHoursOracleAdapter.BandSet(0.05e18);
        vm.expectEmit(true, true, true, true);
        emit IMarketHoursOracleAdapter.OffHoursHeartbeatSet(21_600);
        vm.expectEmit(true, true, true, true);
        emit IMarketHoursOracleAdapter.OffHoursPricerSet(PRICER);
        _deploy(feed, s);
    }

    function test_constructor_reverts() public {
        IMarketHoursOracleAdapter.Session[] memory s = _weekdays();
        IMarketHoursOracleAdapter.OffHoursConfig memory off = _offHours();
        AggregatorV3Interface f = AggregatorV3Interface(address(feed));

        vm.expectRevert(ZeroAddress.selector);
        new MarketHoursOracleAdapter(AggregatorV3Interface(address(0)), 3600, s, 1, 2, off, address(this));

        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(wide), 37));
        _deploy(wide, s);

        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        new MarketHoursOracleAdapter(f, 0, s, 1, 2, off, address(this));

        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 2, 2));
        new MarketHoursOracleAdapter(f, 3600, s, 2, 2, off, address(this));

        off.band = 0.2e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidBand.selector, 0.2e18 + 1));
        new MarketHoursOracleAdapter(f, 3600, s, 1, 2, off, address(this));

        off.band = BAND;
        off.heartbeat = 172_801;
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        new MarketHoursOracleAdapter(f, 3600, s, 1, 2, off, address(this));

        off.heartbeat = OFF_HEARTBEAT;
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidSessionCount.selector, 0));
        new MarketHoursOracleAdapter(f, 3600, new IMarketHoursOracleAdapter.Session[](0), 1, 2, off, address(this));

        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new MarketHoursOracleAdapter(f, 3600, s, 1, 2, off, address(0));

        // A zero pricer is accepted: no off-hours pricing.
        off.pricer = address(0);
        MarketHoursOracleAdapter a = new MarketHoursOracleAdapter(f, 3600, s, 1, 2, off, address(this));
        assertEq(a.offHoursPricer(), address(0), "no pricer");
    }

    // ------------------------------------------------------------------ schedule

    function test_isOpenAt_everySessionBoundary() public view {
        for (uint256 d; d < 5; ++d) {
            assertTrue(!adapter.isOpenAt(_at(d, OPEN) - 1), "open - 1 s: closed");
            assertTrue(adapter.isOpenAt(_at(d, OPEN)), "open: open");
            assertTrue(adapter.isOpenAt(_at(d, OPEN) + 1), "open + 1 s: open");
            assertTrue(adapter.isOpenAt(_at(d, CLOSE) - 1), "close - 1 s: open");
            assertTrue(!adapter.isOpenAt(_at(d, CLOSE)), "close: closed");
            assertTrue(!adapter.isOpenAt(_at(d, CLOSE) + 1), "close + 1 s: closed");
        }
        assertTrue(!adapter.isOpenAt(_at(5, OPEN + 1 hours)), "Saturday");
        assertTrue(!adapter.isOpenAt(_at(6, OPEN + 1 hours)), "Sunday");
        assertTrue(adapter.isOpenAt(_at(2, OPEN) + 52 weeks), "a Wednesday a year later");
        assertTrue(!adapter.isOpenAt(_at(5, OPEN) + 52 weeks), "a Saturday a year later");
        assertTrue(!adapter.isOpenAt(0), "Thursday 1970-01-01 00:00");
        assertTrue(adapter.isOpenAt(OPEN), "Thursday 1970-01-01 13:30");
        assertTrue(!adapter.isOpenAt(3 days + OPEN), "Sunday 1970-01-04 13:30");
    }

    function test_weekWrap_sundayToMonday_defaultSchedule() public view {
        // Sunday 23:59:59 is week second 604 799, Monday 00:00:00 is week second 0: both closed.
        assertTrue(!adapter.isOpenAt(_at(7, 0) - 1), "Sunday 23:59:59");
        assertTrue(!adapter.isOpenAt(_at(7, 0)), "Monday 00:00:00");
        assertTrue(!adapter.isOpenAt(_at(7, OPEN) - 1), "next Monday 13:29:59");
        assertTrue(adapter.isOpenAt(_at(7, OPEN)), "next Monday 13:30:00");
    }

    function test_weekWrap_sessionAcrossTheBoundary() public {
        // Sunday 22:00 → Monday 21:00 as two sessions: [0, 75 600) and [597 600, 604 800).
        IMarketHoursOracleAdapter.Session[] memory s = new IMarketHoursOracleAdapter.Session[](2);
        s[0] = IMarketHoursOracleAdapter.Session({open: 0, close: 21 hours});
        s[1] = IMarketHoursOracleAdapter.Session({open: 6 days + 22 hours, close: 1 weeks});
        adapter.setSessions(s);
        assertTrue(!adapter.isOpenAt(_at(6, 22 hours) - 1), "Sunday 21:59:59 closed");
        assertTrue(adapter.isOpenAt(_at(6, 22 hours)), "Sunday 22:00 open");
        assertTrue(adapter.isOpenAt(_at(7, 0) - 1), "Sunday 23:59:59 open");
        assertTrue(adapter.isOpenAt(_at(7, 0)), "Monday 00:00 open (wrapped)");
        assertTrue(adapter.isOpenAt(_at(7, 21 hours) - 1), "Monday 20:59:59 open");
        assertTrue(!adapter.isOpenAt(_at(7, 21 hours)), "Monday 21:00 closed");

        // The feed price is served straight across the wrap.
        _warpWithAnswer(_at(7, 0) - 1, 4501e8);
        assertEq(adapter.price(), 4501e18, "Sunday 23:59:59");
        _warpWithAnswer(_at(7, 0), 4502e8);
        assertEq(adapter.price(), 4502e18, "Monday 00:00:00");
    }

    function test_isOpen_followsBlockTime() public {
        assertTrue(adapter.isOpen(), "Monday 13:30");
        vm.warp(_at(0, CLOSE));
        assertTrue(!adapter.isOpen(), "Monday 20:00");
    }

    // ------------------------------------------------------------------ in hours

    function test_inHours_feedPriceWithTime() public {
        _setRound(4512_34567890, _at(0, OPEN) - 60);
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 4512_345_678_900_000_000_000, "4512.3456789");
        assertEq(t, _at(0, OPEN) - 60, "feed's updatedAt");
        assertEq(adapter.price(), 4512_345_678_900_000_000_000, "price()");
    }

    function test_inHours_feedChecks() public {
        uint256 t = _at(0, OPEN);
        _setRound(4500e8, t - 3600);
        assertEq(adapter.price(), 4500e18, "age == heartbeat");
        _setRound(4500e8, t - 3601);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(feed), t - 3601, 3600, t)
        );
        adapter.price();
        _setRound(0, t);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedNonPositiveAnswer.selector, address(feed), 0));
        adapter.price();
        _setRound(4500e8, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkFeedLib.FeedZeroUpdatedAt.selector, address(feed)));
        adapter.price();
        _setRound(4500e8, t + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedUpdatedAtInFuture.selector, address(feed), t + 1, t)
        );
        adapter.priceWithTime();
    }

    function test_inHours_bounds_inclusive_oneWeiOutside() public {
        MockV3Aggregator f = new MockV3Aggregator(18, 100e18);
        MarketHoursOracleAdapter a = _deploy(f, _weekdays());
        assertEq(a.price(), 100e18, "at min");
        f.updateAnswer(100e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 100e18 - 1, 100e18, 100_000e18)
        );
        a.price();
        f.updateAnswer(100_000e18);
        assertEq(a.price(), 100_000e18, "at max");
        f.updateAnswer(100_000e18 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                PriceOutOfBounds.selector,
                100_000e18 + 1,
                100e18,
                100_000e18
            )
        );
        a.checkpoint();
    }

    // ------------------------------------------------------------------ checkpoint

    function test_checkpoint_inHours_recordsClose() public {
        _setRound(4510e8, _at(0, OPEN) - 5);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.CloseRecorded(4510e18, _at(0, OPEN) - 5);
        assertTrue(adapter.checkpoint(), "recorded");
        (uint256 close, uint256 recordedAt, uint256 updatedAt) = adapter.lastClose();
        assertEq(close, 4510e18, "close");
        assertEq(recordedAt, _at(0, OPEN), "recorded now");
        assertEq(updatedAt, _at(0, OPEN) - 5, "feed time");
    }

    function test_checkpoint_offHours_isNoOp() public {
        vm.warp(_at(0, CLOSE));
        assertTrue(!adapter.checkpoint(), "not recorded");
        (uint256 close,,) = adapter.lastClose();
        assertEq(close, 0, "nothing stored");
        // The feed is not even read: a broken feed does not make it revert.
        _setRound(0, 0);
        assertTrue(!adapter.checkpoint(), "still a no-op");
    }

    function test_checkpoint_inHours_failingFeedReverts() public {
        uint256 t = _at(0, OPEN) + 2 hours;
        vm.warp(t);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkFeedLib.FeedStalePrice.selector, address(feed), _at(0, OPEN), 3600, t)
        );
        adapter.checkpoint();
    }

    // ------------------------------------------------------------------ off hours: last close

    function test_offHours_noClose_reverts() public {
        vm.warp(_at(0, CLOSE));
        vm.expectRevert(IMarketHoursOracleAdapter.NoLastClose.selector);
        adapter.price();
    }

    function test_offHours_lastClose_feedNotRead() public {
        _closeMondayAt(4520e8);
        _setRound(0, 0); // broken or stale feed off hours: irrelevant
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 4520e18, "last close");
        assertEq(t, _at(0, 19 hours), "the close's feed time");
        vm.warp(_at(4, CLOSE) + 2 days); // Sunday, two days after the Friday close: still the close
        assertEq(adapter.price(), 4520e18, "weekend");
    }

    function test_sessionBoundaries_switchSource() public {
        _closeMondayAt(4520e8);
        _warpWithAnswer(_at(0, CLOSE) - 1, 4530e8);
        assertEq(adapter.price(), 4530e18, "close - 1 s: the feed");
        vm.warp(_at(0, CLOSE));
        assertEq(adapter.price(), 4520e18, "close: the last close");
        vm.warp(_at(1, OPEN) - 1);
        assertEq(adapter.price(), 4520e18, "Tuesday open - 1 s: the last close");
        _warpWithAnswer(_at(1, OPEN), 4540e8);
        assertEq(adapter.price(), 4540e18, "Tuesday open: the feed");
    }

    // ------------------------------------------------------------------ off hours: pricer

    function test_setOffHoursPrice_storesEmitsAndIsUsed() public {
        _closeMondayAt(4500e8);
        vm.warp(_at(0, CLOSE) + 60);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.OffHoursPriceSet(4600e18, 4600e18);
        _setOffHoursPrice(4600e18);
        (uint256 off, uint256 setAt) = adapter.offHoursPrice();
        assertEq(off, 4600e18, "stored");
        assertEq(setAt, _at(0, CLOSE) + 60, "set at");
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 4600e18, "off-hours price");
        assertEq(t, _at(0, CLOSE) + 60, "its time");
    }

    /// @dev Close 4500, band 5 %: delta = 4500 × 0.05 = 225, so [4275, 4725].
    function test_offHours_clampAtBandPlusMinusOneWei() public {
        _closeMondayAt(4500e8);
        _setOffHoursPrice(4725e18);
        assertEq(adapter.price(), 4725e18, "upper edge");
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.OffHoursPriceSet(4725e18 + 1, 4725e18);
        _setOffHoursPrice(4725e18 + 1);
        assertEq(adapter.price(), 4725e18, "1 wei above: clamped");
        _setOffHoursPrice(4725e18 - 1);
        assertEq(adapter.price(), 4725e18 - 1, "1 wei inside");
        _setOffHoursPrice(4275e18);
        assertEq(adapter.price(), 4275e18, "lower edge");
        _setOffHoursPrice(4275e18 - 1);
        assertEq(adapter.price(), 4275e18, "1 wei below: clamped");
        _setOffHoursPrice(4275e18 + 1);
        assertEq(adapter.price(), 4275e18 + 1, "1 wei inside");
        _setOffHoursPrice(1);
        assertEq(adapter.price(), 4275e18, "far below");
        _setOffHoursPrice(1e36);
        assertEq(adapter.price(), 4725e18, "far above");
    }

    function test_offHours_bandDeltaRoundsDown() public {
        // Close 1000e18 + 7 wei, band 5 %: delta = floor((1000e18 + 7) × 0.05e18 / 1e18) = floor(50e18 + 0.35)
        //   = 50e18, so [950e18 + 7, 1050e18 + 7].
        MockV3Aggregator f = new MockV3Aggregator(18, 1000e18 + 7);
        MarketHoursOracleAdapter a = _deploy(f, _weekdays());
        a.checkpoint();
        vm.warp(_at(0, CLOSE));
        vm.prank(PRICER);
        a.setOffHoursPrice(2000e18);
        assertEq(a.price(), 1050e18 + 7, "upper");
        vm.prank(PRICER);
        a.setOffHoursPrice(1);
        assertEq(a.price(), 950e18 + 7, "lower");
    }

    function test_offHours_bandChangeAppliesToStoredPrice() public {
        _closeMondayAt(4500e8);
        _setOffHoursPrice(5000e18);
        assertEq(adapter.price(), 4725e18, "5 %");
        adapter.setBand(0.2e18);
        assertEq(adapter.price(), 5000e18, "20 %: inside");
        adapter.setBand(0);
        assertEq(adapter.price(), 4500e18, "0: the close");
    }

    function test_offHours_ownHeartbeat() public {
        _closeMondayAt(4500e8);
        uint256 s = _at(0, CLOSE) + 100;
        vm.warp(s);
        _setOffHoursPrice(4600e18);
        vm.warp(s + 21_600);
        assertEq(adapter.price(), 4600e18, "age == off-hours heartbeat");
        vm.warp(s + 21_601);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketHoursOracleAdapter.OffHoursPriceStale.selector, s, 21_600, s + 21_601)
        );
        adapter.price();
        // A fresh submission revives it.
        _setOffHoursPrice(4610e18);
        assertEq(adapter.price(), 4610e18, "refreshed");
    }

    function test_offHours_priceFromBeforeTheLastCloseIsIgnored() public {
        _closeMondayAt(4500e8);
        _setOffHoursPrice(4600e18);
        // Tuesday's session records a new close; Tuesday night the Monday-night price no longer counts.
        _warpWithAnswer(_at(1, 19 hours), 4400e8);
        adapter.checkpoint();
        vm.warp(_at(1, CLOSE));
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 4400e18, "the new close, not the stale off-hours price");
        assertEq(t, _at(1, 19 hours), "close time");
    }

    function test_offHours_sessionWithoutCheckpointKeepsOldClose() public {
        _closeMondayAt(4500e8);
        uint256 s = _at(0, CLOSE) + 1;
        vm.warp(s);
        _setOffHoursPrice(4600e18);
        // Nobody checkpoints on Tuesday: Tuesday night the Monday close and Monday-night price still apply, and the
        // price is past its own heartbeat, so the read fails instead of serving a day-old price.
        uint256 t = _at(1, CLOSE);
        vm.warp(t);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.OffHoursPriceStale.selector, s, 21_600, t));
        adapter.price();
    }

    function test_offHours_boundsApply() public {
        _closeMondayAt(4500e8);
        adapter.setPriceBounds(100e18, 4600e18);
        _setOffHoursPrice(4700e18);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 4700e18, 100e18, 4600e18)
        );
        adapter.price();
        adapter.setPriceBounds(4500e18 + 1, 4600e18);
        adapter.setOffHoursPricer(PRICER); // clears the off-hours price: the close is served, and is below min
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 4500e18, 4500e18 + 1, 4600e18)
        );
        adapter.price();
    }

    function test_setOffHoursPrice_reverts() public {
        vm.warp(_at(0, CLOSE));
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.NotOffHoursPricer.selector, STRANGER));
        adapter.setOffHoursPrice(4500e18);

        vm.expectRevert(IMarketHoursOracleAdapter.NoLastClose.selector);
        _setOffHoursPrice(4500e18);

        vm.warp(_at(0, CLOSE) - 1);
        vm.expectRevert(IMarketHoursOracleAdapter.MarketOpen.selector);
        _setOffHoursPrice(4500e18);

        _closeMondayAt(4500e8);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidOffHoursPrice.selector, 0));
        _setOffHoursPrice(0);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidOffHoursPrice.selector, 1e36 + 1));
        _setOffHoursPrice(1e36 + 1);
    }

    // ------------------------------------------------------------------ holidays

    function test_holiday_closesTheDay() public {
        uint256 tuesday = MONDAY_DAY + 1;
        _closeMondayAt(4500e8);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.HolidaySet(tuesday, true);
        adapter.setHolidays(_days(tuesday), true);
        assertTrue(adapter.isHoliday(tuesday), "declared");
        assertTrue(!adapter.isOpenAt(_at(1, OPEN)), "Tuesday 13:30 closed");
        assertTrue(!adapter.isOpenAt(_at(1, CLOSE) - 1), "Tuesday 19:59:59 closed");
        assertTrue(adapter.isOpenAt(_at(2, OPEN)), "Wednesday open");

        _warpWithAnswer(_at(1, 15 hours), 4800e8);
        assertEq(adapter.price(), 4500e18, "Monday's close during Tuesday hours");
        assertTrue(!adapter.checkpoint(), "no checkpoint on a holiday");
        _setOffHoursPrice(4550e18);
        assertEq(adapter.price(), 4550e18, "off-hours pricing on a holiday");

        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.HolidaySet(tuesday, false);
        adapter.setHolidays(_days(tuesday), false);
        assertTrue(adapter.isOpen(), "reopened");
        assertEq(adapter.price(), 4800e18, "the feed again");
    }

    function test_setHolidays_bounds() public {
        // Now is Monday 13:30, day 19 674.
        vm.expectRevert(
            abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidHoliday.selector, MONDAY_DAY - 1, MONDAY_DAY)
        );
        adapter.setHolidays(_days(MONDAY_DAY - 1), true);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidHoliday.selector, MONDAY_DAY + 731, MONDAY_DAY)
        );
        adapter.setHolidays(_days(MONDAY_DAY + 731), true);
        // A timestamp passed by mistake instead of a day number.
        vm.expectRevert(
            abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidHoliday.selector, _at(1, 0), MONDAY_DAY)
        );
        adapter.setHolidays(_days(_at(1, 0)), true);

        uint256[] memory d = new uint256[](2);
        d[0] = MONDAY_DAY;
        d[1] = MONDAY_DAY + 730;
        adapter.setHolidays(d, true);
        assertTrue(adapter.isHoliday(MONDAY_DAY), "today accepted");
        assertTrue(adapter.isHoliday(MONDAY_DAY + 730), "730 days ahead accepted");
        assertTrue(!adapter.isOpen(), "today closed at once");

        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setHolidays(d, false);
    }

    // ------------------------------------------------------------------ sessions admin

    function test_setSessions_storesEmitsAndShrinks() public {
        IMarketHoursOracleAdapter.Session[] memory seven = new IMarketHoursOracleAdapter.Session[](7);
        for (uint256 d; d < 7; ++d) {
            seven[d] = IMarketHoursOracleAdapter.Session({open: d * 1 days, close: (d + 1) * 1 days});
        }
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.SessionsSet(seven);
        adapter.setSessions(seven); // adjacent sessions: open around the clock
        assertEq(adapter.sessions().length, 7, "7 stored");
        assertTrue(adapter.isOpenAt(_at(6, 0) - 1), "Saturday 23:59:59");
        assertTrue(adapter.isOpenAt(_at(6, 0)), "Sunday 00:00");
        assertTrue(adapter.isOpenAt(_at(7, 0) - 1), "Sunday 23:59:59");

        IMarketHoursOracleAdapter.Session[] memory two = new IMarketHoursOracleAdapter.Session[](2);
        two[0] = IMarketHoursOracleAdapter.Session({open: 100, close: 200});
        two[1] = IMarketHoursOracleAdapter.Session({open: 200, close: 300});
        adapter.setSessions(two);
        IMarketHoursOracleAdapter.Session[] memory stored = adapter.sessions();
        assertEq(stored.length, 2, "2 stored");
        assertEq(stored[1].open, 200, "open");
        assertEq(stored[1].close, 300, "close");
        assertTrue(!adapter.isOpenAt(_at(6, 0)), "old sessions gone");
        assertTrue(adapter.isOpenAt(MONDAY + 299), "second session");
        assertTrue(!adapter.isOpenAt(MONDAY + 300), "after it");
    }

    function test_setSessions_validation() public {
        IMarketHoursOracleAdapter.Session[] memory s = new IMarketHoursOracleAdapter.Session[](8);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidSessionCount.selector, 8));
        adapter.setSessions(s);

        s = new IMarketHoursOracleAdapter.Session[](2);
        s[0] = IMarketHoursOracleAdapter.Session({open: 100, close: 100});
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidSession.selector, 0, 100, 100));
        adapter.setSessions(s);

        s[0] = IMarketHoursOracleAdapter.Session({open: 604_000, close: 604_801});
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidSession.selector, 0, 604_000, 604_801));
        adapter.setSessions(s);

        s[0] = IMarketHoursOracleAdapter.Session({open: 100, close: 200});
        s[1] = IMarketHoursOracleAdapter.Session({open: 199, close: 300});
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidSession.selector, 1, 199, 300));
        adapter.setSessions(s);

        s[1] = IMarketHoursOracleAdapter.Session({open: 50, close: 60});
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidSession.selector, 1, 50, 60));
        adapter.setSessions(s);

        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setSessions(_weekdays());
    }

    // ------------------------------------------------------------------ other admin

    function test_setOffHoursPricer_clearsPriceAndEmits() public {
        _closeMondayAt(4500e8);
        _setOffHoursPrice(4600e18);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.OffHoursPricerSet(ALICE);
        adapter.setOffHoursPricer(ALICE);
        assertEq(adapter.offHoursPricer(), ALICE, "new pricer");
        (uint256 off, uint256 setAt) = adapter.offHoursPrice();
        assertEq(off + setAt, 0, "cleared");
        assertEq(adapter.price(), 4500e18, "back to the close");
        vm.prank(PRICER);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.NotOffHoursPricer.selector, PRICER));
        adapter.setOffHoursPrice(4600e18);
        vm.prank(ALICE);
        adapter.setOffHoursPrice(4601e18);
        assertEq(adapter.price(), 4601e18, "the new pricer's price");

        adapter.setOffHoursPricer(address(0));
        assertEq(adapter.offHoursPricer(), address(0), "none");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.NotOffHoursPricer.selector, ALICE));
        adapter.setOffHoursPrice(4600e18);

        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setOffHoursPricer(STRANGER);
    }

    function test_setHeartbeats_storeEmitAndBounds() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.HeartbeatSet(172_800);
        adapter.setHeartbeat(172_800);
        assertEq(adapter.heartbeat(), 172_800, "2 days accepted");
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.OffHoursHeartbeatSet(1);
        adapter.setOffHoursHeartbeat(1);
        assertEq(adapter.offHoursHeartbeat(), 1, "1 s accepted");

        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        adapter.setHeartbeat(0);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        adapter.setOffHoursHeartbeat(172_801);

        vm.startPrank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setHeartbeat(3600);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setOffHoursHeartbeat(3600);
        vm.stopPrank();
    }

    function test_setBand_storeEmitAndBounds() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.BandSet(0.2e18);
        adapter.setBand(0.2e18);
        assertEq(adapter.band(), 0.2e18, "20 % accepted");
        adapter.setBand(0);
        assertEq(adapter.band(), 0, "0 accepted");
        vm.expectRevert(abi.encodeWithSelector(IMarketHoursOracleAdapter.InvalidBand.selector, 0.2e18 + 1));
        adapter.setBand(0.2e18 + 1);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setBand(0.1e18);
    }

    function test_setPriceBounds_storeEmitAndBounds() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IOracleAdapterBase.PriceBoundsSet(1, 1e36);
        adapter.setPriceBounds(1, 1e36);
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1, "min");
        assertEq(maxPrice, 1e36, "max");
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 0, 1e18));
        adapter.setPriceBounds(0, 1e18);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 1, 1e36 + 1));
        adapter.setPriceBounds(1, 1e36 + 1);
        vm.prank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setPriceBounds(1, 2);
    }

    // ------------------------------------------------------------------ sequencer

    function test_sequencer_setRemoveAndBounds() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.SequencerSet(address(sequencer), 86_400);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 86_400);
        (AggregatorV3Interface seq, uint256 grace) = adapter.sequencerConfig();
        assertEq(address(seq), address(sequencer), "feed");
        assertEq(grace, 86_400, "grace");
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IMarketHoursOracleAdapter.SequencerSet(address(0), 0);
        adapter.removeSequencer();
        (seq, grace) = adapter.sequencerConfig();
        assertEq(address(seq), address(0), "removed");

        vm.expectRevert(ZeroAddress.selector);
        adapter.setSequencer(AggregatorV3Interface(address(0)), 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidGracePeriod.selector, 86_401));
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 86_401);
        vm.startPrank(STRANGER);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 0);
        vm.expectRevert(_ownerError(STRANGER));
        adapter.removeSequencer();
        vm.stopPrank();
    }

    function test_sequencer_checkedInAndOutOfHours() public {
        _closeMondayAt(4500e8);
        uint256 t = block.timestamp;
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        sequencer.updateRoundData(1, 1, t, t - 1 days);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), GRACE);
        vm.expectRevert(SequencerDown.selector);
        adapter.price(); // off hours

        sequencer.updateRoundData(2, 0, t, t - 3600);
        vm.expectRevert(abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, t - 3600, 3600));
        adapter.price();

        sequencer.updateRoundData(3, 2, t, t - 1 days);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();

        sequencer.updateRoundData(4, 0, t, t - 3601);
        assertEq(adapter.price(), 4500e18, "up past grace");

        // In hours, on a read and on a checkpoint.
        uint256 tuesday = _at(1, OPEN);
        _warpWithAnswer(tuesday, 4500e8);
        sequencer.updateRoundData(5, 1, tuesday, tuesday - 10);
        vm.expectRevert(SequencerDown.selector);
        adapter.price();
        vm.expectRevert(SequencerDown.selector);
        adapter.checkpoint();
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev The schedule matches a calendar computed another way: weekday = (day + 3) % 7 (0 = Monday).
    function testFuzz_isOpenAt_matchesCalendar(uint256 t) public view {
        t = bound(t, 0, 10_000_000_000);
        uint256 weekday = (t / 1 days + 3) % 7;
        uint256 secondOfDay = t % 1 days;
        bool expected = weekday < 5 && secondOfDay >= OPEN && secondOfDay < CLOSE;
        assertTrue(adapter.isOpenAt(t) == expected, "calendar");
    }

    /// @dev Whatever the close, the band and the submitted price: the off-hours read is within close ± band.
    function testFuzz_offHours_withinBand(uint256 close, uint256 band_, uint256 submitted) public {
        close = bound(close, 100e18, 50_000e18);
        band_ = bound(band_, 0, 0.2e18);
        submitted = bound(submitted, 1, 1e36);
        MockV3Aggregator f = new MockV3Aggregator(18, int256(close));
        MarketHoursOracleAdapter a = _deploy(f, _weekdays());
        a.setBand(band_);
        a.setPriceBounds(1, 1e36); // only the band is under test
        a.checkpoint();
        vm.warp(_at(0, CLOSE));
        vm.prank(PRICER);
        a.setOffHoursPrice(submitted);

        uint256 delta = (close * band_) / 1e18;
        uint256 p = a.price();
        assertGe(p, close - delta, "at least close - band");
        assertLe(p, close + delta, "at most close + band");
        if (submitted >= close - delta && submitted <= close + delta) assertEq(p, submitted, "inside: unchanged");
    }

    /// @dev Any answer, age and time: a price in bounds, or one of the adapter's (or the library's) errors.
    function testFuzz_read_onlyCustomErrors(int256 answer, uint256 age, uint256 t, bool withClose) public {
        if (withClose) adapter.checkpoint();
        t = bound(t, _at(0, OPEN), _at(0, OPEN) + 2 weeks);
        age = bound(age, 0, 3 hours);
        vm.warp(t);
        _setRound(answer, t - age);
        try adapter.price() returns (uint256 p) {
            assertGe(p, MIN_PRICE, "at least min");
            assertLe(p, MAX_PRICE, "at most max");
        } catch (bytes memory reason) {
            assertTrue(
                _isSelector(reason, ChainlinkFeedLib.FeedNonPositiveAnswer.selector) ||
                    _isSelector(reason, ChainlinkFeedLib.FeedStalePrice.selector) ||
                    _isSelector(reason, PriceOutOfBounds.selector) ||
                    _isSelector(reason, IMarketHoursOracleAdapter.NoLastClose.selector),
                "adapter error"
            );
        }
    }

    // ------------------------------------------------------------------ ownership

    function test_ownership_isTwoStep() public {
        adapter.transferOwnership(ALICE);
        assertEq(adapter.pendingOwner(), ALICE, "pending");
        vm.prank(ALICE);
        adapter.acceptOwnership();
        assertEq(adapter.owner(), ALICE, "accepted");
        vm.expectRevert(_ownerError(address(this)));
        adapter.setBand(0);
    }
}
