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
import {IChainlinkOracleAdapter} from "../../../contracts/interfaces/IChainlinkOracleAdapter.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IOracleAdapterBase} from "../../../contracts/interfaces/IOracleAdapterBase.sol";
import {ChainlinkOracleAdapter} from "../../../contracts/oracles/ChainlinkOracleAdapter.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

contract ChainlinkOracleAdapterTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant HEARTBEAT = 1 hours;
    uint256 internal constant SEC_HEARTBEAT = 1 days;
    uint256 internal constant GRACE = 1 hours;
    uint256 internal constant MIN_PRICE = 100e18;
    uint256 internal constant MAX_PRICE = 10_000e18;
    uint256 internal constant BAND = 0.02e18;
    address internal constant STRANGER = address(0xBAD);
    address internal constant ALICE = address(0xA11CE);

    /// @dev 8 decimals, answers 2000.00000000 at T0.
    MockV3Aggregator internal primary;
    /// @dev Reads `primary`, heartbeat 1 h, bounds [100, 10 000], no sequencer, no second source.
    ChainlinkOracleAdapter internal adapter;

    function setUp() public {
        vm.warp(T0);
        primary = new MockV3Aggregator(8, 2000e8);
        adapter = _deploy(primary, HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());
    }

    // ------------------------------------------------------------------ helpers

    function _noSequencer() internal pure returns (IChainlinkOracleAdapter.SequencerConfig memory) {
        return IChainlinkOracleAdapter.SequencerConfig({feed: AggregatorV3Interface(address(0)), gracePeriod: 0});
    }

    function _noSecondary() internal pure returns (IChainlinkOracleAdapter.SecondaryConfig memory) {
        return IChainlinkOracleAdapter.SecondaryConfig({
            feed: AggregatorV3Interface(address(0)), heartbeat: 0, maxDeviation: 0
        });
    }

    function _deploy(
        MockV3Aggregator feed,
        uint256 heartbeat,
        uint256 minPrice,
        uint256 maxPrice,
        IChainlinkOracleAdapter.SequencerConfig memory sequencer,
        IChainlinkOracleAdapter.SecondaryConfig memory secondary
    ) internal returns (ChainlinkOracleAdapter) {
        return new ChainlinkOracleAdapter(
            AggregatorV3Interface(address(feed)), heartbeat, minPrice, maxPrice, sequencer, secondary, address(this)
        );
    }

    /// @dev A new round on `feed` with `answer`, updated (and started) at `updatedAt`.
    function _setRound(MockV3Aggregator feed, int256 answer, uint256 updatedAt) internal {
        feed.updateRoundData(uint80(feed.latestRound() + 1), answer, updatedAt, updatedAt);
    }

    /// @dev A new round on a sequencer uptime feed: `status` (0 up, 1 down) since `startedAt`.
    function _setStatus(MockV3Aggregator sequencer, int256 status, uint256 startedAt) internal {
        sequencer.updateRoundData(uint80(sequencer.latestRound() + 1), status, block.timestamp, startedAt);
    }

    /// @dev The adapter over a fresh feed with `decimals` answering `answer`, bounds [1 wei, MAX_PRICE_LIMIT].
    function _wideAdapter(uint8 decimals, int256 answer) internal returns (ChainlinkOracleAdapter) {
        MockV3Aggregator feed = new MockV3Aggregator(decimals, answer);
        return _deploy(feed, HEARTBEAT, 1, 1e36, _noSequencer(), _noSecondary());
    }

    /// @dev `adapter` with a sequencer uptime feed (grace GRACE) that is up since `startedAt`.
    function _withSequencer(uint256 startedAt) internal returns (MockV3Aggregator sequencer) {
        sequencer = new MockV3Aggregator(0, 0);
        _setStatus(sequencer, 0, startedAt);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), GRACE);
    }

    /// @dev `adapter` with an 18-decimal second source answering 2000 (own heartbeat 1 day, band 2 %).
    function _withSecondary() internal returns (MockV3Aggregator secondary) {
        secondary = new MockV3Aggregator(18, 2000e18);
        adapter.setSecondary(AggregatorV3Interface(address(secondary)), SEC_HEARTBEAT, BAND);
    }

    /// @dev Two 18-decimal feeds and an adapter (bounds [1 wei, 1e36]) checking them against each other.
    function _deviationAdapter(
        int256 primaryAnswer,
        int256 secondaryAnswer,
        uint256 maxDeviation
    ) internal returns (MockV3Aggregator p, MockV3Aggregator s, ChainlinkOracleAdapter a) {
        p = new MockV3Aggregator(18, primaryAnswer);
        s = new MockV3Aggregator(18, secondaryAnswer);
        a = _deploy(
            p,
            HEARTBEAT,
            1,
            1e36,
            _noSequencer(),
            IChainlinkOracleAdapter.SecondaryConfig({
                feed: AggregatorV3Interface(address(s)),
                heartbeat: HEARTBEAT,
                maxDeviation: maxDeviation
            })
        );
    }

    function _isSelector(bytes memory reason, bytes4 selector) internal pure returns (bool) {
        return reason.length >= 4 && bytes4(reason) == selector;
    }

    // ------------------------------------------------------------------ construction

    /// @dev Kind 1 (spot feed), read through the interface the engine lists with; it reads no feed, so a broken
    ///      feed does not change it.
    function test_kind_isSpotFeed() public {
        assertEq(uint256(IOracleAdapter(address(adapter)).kind()), 1, "kind 1: spot feed");
        _setRound(primary, 0, T0);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.NonPositiveAnswer.selector, 0));
        adapter.price();
        assertEq(uint256(adapter.kind()), 1, "still 1 with a broken feed");
    }

    function test_constructor_storesConfig() public view {
        assertEq(address(adapter.primaryFeed()), address(primary), "primary feed");
        assertEq(adapter.primaryDecimals(), 8, "primary decimals");
        assertEq(adapter.heartbeat(), 1 hours, "heartbeat");
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 100e18, "min");
        assertEq(maxPrice, 10_000e18, "max");
        assertEq(address(adapter.sequencerConfig().feed), address(0), "no sequencer");
        assertEq(adapter.sequencerConfig().gracePeriod, 0, "no grace");
        assertEq(address(adapter.secondaryConfig().feed), address(0), "no secondary");
        assertEq(adapter.secondaryConfig().heartbeat, 0, "no secondary heartbeat");
        assertEq(adapter.secondaryConfig().maxDeviation, 0, "no band");
        assertEq(adapter.secondaryDecimals(), 0, "no secondary decimals");
        assertEq(adapter.owner(), address(this), "owner");
        assertEq(adapter.MAX_HEARTBEAT(), 172_800, "max heartbeat 2 days");
        assertEq(adapter.MAX_GRACE_PERIOD(), 86_400, "max grace 1 day");
        assertEq(adapter.MAX_DEVIATION_LIMIT(), 500_000_000_000_000_000, "max band 50 %");
        assertEq(adapter.MAX_PRICE_LIMIT(), 1e36, "max price");
        assertEq(adapter.MAX_FEED_DECIMALS(), 36, "max decimals");
    }

    function test_constructor_fullConfig_storesAndEmits() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        MockV3Aggregator secondary = new MockV3Aggregator(6, 2000e6);
        vm.expectEmit(true, true, true, true);
        emit IChainlinkOracleAdapter.HeartbeatSet(30 minutes);
        vm.expectEmit(true, true, true, true);
        emit IOracleAdapterBase.PriceBoundsSet(1e18, 5000e18);
        vm.expectEmit(true, true, true, true);
        emit IChainlinkOracleAdapter.SequencerSet(address(sequencer), 3600);
        vm.expectEmit(true, true, true, true);
        emit IChainlinkOracleAdapter.SecondarySet(address(secondary), 6, 7200, 0.01e18);
        ChainlinkOracleAdapter a = _deploy(
            primary,
            30 minutes,
            1e18,
            5000e18,
            IChainlinkOracleAdapter.SequencerConfig({
                feed: AggregatorV3Interface(address(sequencer)),
                gracePeriod: 3600
            }),
            IChainlinkOracleAdapter.SecondaryConfig({
                feed: AggregatorV3Interface(address(secondary)),
                heartbeat: 7200,
                maxDeviation: 0.01e18
            })
        );
        assertEq(address(a.sequencerConfig().feed), address(sequencer), "sequencer feed");
        assertEq(a.sequencerConfig().gracePeriod, 3600, "grace");
        assertEq(address(a.secondaryConfig().feed), address(secondary), "secondary feed");
        assertEq(a.secondaryConfig().heartbeat, 7200, "secondary heartbeat");
        assertEq(a.secondaryConfig().maxDeviation, 0.01e18, "band");
        assertEq(a.secondaryDecimals(), 6, "secondary decimals");
        // The sequencer came up at T0: still in its grace period.
        vm.expectRevert(abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, T0, 3600));
        a.price();
        vm.warp(T0 + 3601);
        _setRound(primary, 2000e8, T0 + 3601);
        _setRound(secondary, 2000e6, T0 + 3601);
        assertEq(a.price(), 2000e18, "all checks pass");
    }

    function test_constructor_revertsOnZeroPrimary() public {
        vm.expectRevert(ZeroAddress.selector);
        _deploy(MockV3Aggregator(address(0)), HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());
    }

    function test_constructor_revertsOnGraceWithoutSequencerFeed() public {
        IChainlinkOracleAdapter.SequencerConfig memory sequencer = _noSequencer();
        sequencer.gracePeriod = 3600;
        vm.expectRevert(ZeroAddress.selector);
        _deploy(primary, HEARTBEAT, MIN_PRICE, MAX_PRICE, sequencer, _noSecondary());
    }

    function test_constructor_revertsOnSecondaryConfigWithoutFeed() public {
        IChainlinkOracleAdapter.SecondaryConfig memory secondary = _noSecondary();
        secondary.heartbeat = 3600;
        vm.expectRevert(ZeroAddress.selector);
        _deploy(primary, HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), secondary);

        secondary = _noSecondary();
        secondary.maxDeviation = BAND;
        vm.expectRevert(ZeroAddress.selector);
        _deploy(primary, HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), secondary);
    }

    function test_constructor_revertsOnZeroOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new ChainlinkOracleAdapter(
            AggregatorV3Interface(address(primary)),
            HEARTBEAT,
            MIN_PRICE,
            MAX_PRICE,
            _noSequencer(),
            _noSecondary(),
            address(0)
        );
    }

    function test_constructor_enforcesHardBounds() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        _deploy(primary, 0, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());

        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        _deploy(primary, 172_801, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());

        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 0, MAX_PRICE));
        _deploy(primary, HEARTBEAT, 0, MAX_PRICE, _noSequencer(), _noSecondary());

        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidGracePeriod.selector, 86_401));
        _deploy(
            primary,
            HEARTBEAT,
            MIN_PRICE,
            MAX_PRICE,
            IChainlinkOracleAdapter.SequencerConfig({
                feed: AggregatorV3Interface(address(sequencer)),
                gracePeriod: 86_401
            }),
            _noSecondary()
        );

        MockV3Aggregator secondary = new MockV3Aggregator(8, 2000e8);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.InvalidMaxDeviation.selector, 0));
        _deploy(
            primary,
            HEARTBEAT,
            MIN_PRICE,
            MAX_PRICE,
            _noSequencer(),
            IChainlinkOracleAdapter.SecondaryConfig({
                feed: AggregatorV3Interface(address(secondary)),
                heartbeat: HEARTBEAT,
                maxDeviation: 0
            })
        );
    }

    function test_constructor_revertsOnPrimaryWith37Decimals() public {
        MockV3Aggregator feed = new MockV3Aggregator(37, 1);
        vm.expectRevert(
            abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(feed), 37)
        );
        _deploy(feed, HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());
    }

    // ------------------------------------------------------------------ normalisation

    function test_normalise_0Decimals() public {
        assertEq(_wideAdapter(0, 2000).price(), 2_000_000_000_000_000_000_000, "2000 -> 2000e18");
    }

    function test_normalise_6Decimals() public {
        assertEq(_wideAdapter(6, 1_234_567).price(), 1_234_567_000_000_000_000, "1.234567");
    }

    function test_normalise_8Decimals() public {
        assertEq(_wideAdapter(8, 2000_12345678).price(), 2_000_123_456_780_000_000_000, "2000.12345678");
    }

    function test_normalise_18Decimals() public {
        assertEq(_wideAdapter(18, 1_234_567_890_123_456_789).price(), 1_234_567_890_123_456_789, "unchanged");
    }

    function test_normalise_24Decimals_roundsDown() public {
        // 1234.567890123456789012345678 -> the last six digits (345678) are dropped.
        assertEq(
            _wideAdapter(24, 1_234_567_890_123_456_789_012_345_678).price(),
            1_234_567_890_123_456_789_012,
            "1234.567890123456789012"
        );
        // 0.000000000000000001999999 -> 1 wei, not 2.
        assertEq(_wideAdapter(24, 1_999_999).price(), 1, "rounded down to 1 wei");
    }

    function test_normalise_36Decimals_roundsDown() public {
        // 0.500000000000000000999999999999999999 -> 0.5
        assertEq(
            _wideAdapter(36, 500_000_000_000_000_000_999_999_999_999_999_999).price(),
            500_000_000_000_000_000,
            "0.5"
        );
    }

    function test_normalise_roundingToZero_failsMinBound() public {
        ChainlinkOracleAdapter a = _wideAdapter(36, 999_999_999_999_999_999);
        vm.expectRevert(abi.encodeWithSelector(PriceOutOfBounds.selector, 0, 1, 1e36));
        a.price();
    }

    function test_normalise_overflowSaturates_failsMaxBound() public {
        ChainlinkOracleAdapter a = _wideAdapter(0, type(int256).max);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, type(uint256).max, 1, 1e36)
        );
        a.price();
    }

    function test_priceWithTime_returnsPriceAndUpdatedAt() public {
        _setRound(primary, 1999_99999999, T0 - 600);
        (uint256 p, uint256 updatedAt) = adapter.priceWithTime();
        assertEq(p, 1_999_999_999_990_000_000_000, "price");
        assertEq(updatedAt, T0 - 600, "updatedAt");
        assertEq(adapter.price(), 1_999_999_999_990_000_000_000, "price()");
    }

    // ------------------------------------------------------------------ primary feed checks

    function test_primary_zeroAnswer_reverts() public {
        _setRound(primary, 0, T0);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.NonPositiveAnswer.selector, int256(0)));
        adapter.price();
    }

    function test_primary_negativeAnswer_reverts() public {
        _setRound(primary, -1, T0);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.NonPositiveAnswer.selector, int256(-1)));
        adapter.priceWithTime();
    }

    function test_primary_zeroUpdatedAt_reverts() public {
        _setRound(primary, 2000e8, 0);
        vm.expectRevert(IChainlinkOracleAdapter.ZeroUpdatedAt.selector);
        adapter.price();
    }

    function test_primary_answerCheckedBeforeUpdatedAt() public {
        _setRound(primary, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.NonPositiveAnswer.selector, int256(0)));
        adapter.price();
    }

    function test_primary_updatedAtInFuture_reverts() public {
        _setRound(primary, 2000e8, T0 + 1);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.UpdatedAtInFuture.selector, T0 + 1, T0));
        adapter.price();
        // Same second as the block is fine.
        _setRound(primary, 2000e8, T0);
        assertEq(adapter.price(), 2000e18, "updatedAt == now");
    }

    function test_heartbeat_exactlyAtHeartbeat_valid() public {
        _setRound(primary, 2000e8, T0 - 3600);
        assertEq(adapter.price(), 2000e18, "age == heartbeat");
    }

    function test_heartbeat_oneSecondPast_reverts() public {
        _setRound(primary, 2000e8, T0 - 3601);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.StalePrice.selector, T0 - 3601, 3600, T0));
        adapter.price();
    }

    function test_heartbeat_oneSecondBefore_valid_thenTimeMovesOn() public {
        _setRound(primary, 2000e8, T0 - 3599);
        assertEq(adapter.price(), 2000e18, "age == heartbeat - 1");
        vm.warp(T0 + 1);
        assertEq(adapter.price(), 2000e18, "age == heartbeat");
        vm.warp(T0 + 2);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.StalePrice.selector, T0 - 3599, 3600, T0 + 2));
        adapter.price();
    }

    function testFuzz_heartbeat_boundary(uint256 heartbeat, uint256 updatedAt) public {
        heartbeat = bound(heartbeat, 1, 2 days);
        updatedAt = bound(updatedAt, 1, 10_000_000_000);
        adapter.setHeartbeat(heartbeat);
        _setRound(primary, 2000e8, updatedAt);

        vm.warp(updatedAt + heartbeat);
        (uint256 p, uint256 t) = adapter.priceWithTime();
        assertEq(p, 2000e18, "valid at heartbeat");
        assertEq(t, updatedAt, "updatedAt");

        vm.warp(updatedAt + heartbeat + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.StalePrice.selector,
                updatedAt,
                heartbeat,
                updatedAt + heartbeat + 1
            )
        );
        adapter.price();
    }

    // ------------------------------------------------------------------ bounds

    function test_bounds_inclusiveAtMinAndMax_oneWeiOutsideReverts() public {
        MockV3Aggregator feed = new MockV3Aggregator(18, 100e18);
        ChainlinkOracleAdapter a = _deploy(feed, HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());
        assertEq(a.price(), 100e18, "at min");

        _setRound(feed, 100e18 - 1, T0);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 100e18 - 1, 100e18, 10_000e18)
        );
        a.price();

        _setRound(feed, 10_000e18, T0);
        assertEq(a.price(), 10_000e18, "at max");

        _setRound(feed, 10_000e18 + 1, T0);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 10_000e18 + 1, 100e18, 10_000e18)
        );
        a.price();
    }

    function test_bounds_appliedToNormalisedPrice() public {
        _setRound(primary, 99_99999999, T0); // 99.99999999 with 8 decimals
        vm.expectRevert(
            abi.encodeWithSelector(
                PriceOutOfBounds.selector,
                99_999_999_990_000_000_000,
                100e18,
                10_000e18
            )
        );
        adapter.price();
        _setRound(primary, 100e8, T0);
        assertEq(adapter.price(), 100e18, "min in 8 decimals");
    }

    // ------------------------------------------------------------------ sequencer

    function test_sequencer_upPastGrace_valid() public {
        _withSequencer(T0 - 3601);
        assertEq(adapter.price(), 2000e18, "now - startedAt == grace + 1");
    }

    function test_sequencer_exactlyAtGrace_reverts() public {
        _withSequencer(T0 - 3600);
        vm.expectRevert(
            abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, T0 - 3600, 3600)
        );
        adapter.price();
        vm.warp(T0 + 1);
        _setRound(primary, 2000e8, T0 + 1);
        assertEq(adapter.price(), 2000e18, "one second later");
    }

    function test_sequencer_oneSecondInsideGrace_reverts() public {
        _withSequencer(T0 - 3599);
        vm.expectRevert(
            abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, T0 - 3599, 3600)
        );
        adapter.price();
    }

    function test_sequencer_zeroGrace_sameSecondReverts() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 0);
        _setStatus(sequencer, 0, T0);
        vm.expectRevert(abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, T0, 0));
        adapter.price();
        _setStatus(sequencer, 0, T0 - 1);
        assertEq(adapter.price(), 2000e18, "one second after restart");
    }

    function test_sequencer_down_reverts() public {
        MockV3Aggregator sequencer = _withSequencer(T0 - 10 days);
        _setStatus(sequencer, 1, T0 - 5 days);
        vm.expectRevert(SequencerDown.selector);
        adapter.price();
    }

    function test_sequencer_checkedBeforePrimary() public {
        MockV3Aggregator sequencer = _withSequencer(T0 - 10 days);
        _setStatus(sequencer, 1, T0 - 5 days);
        _setRound(primary, 0, 0);
        vm.expectRevert(SequencerDown.selector);
        adapter.price();
    }

    function test_sequencer_startedAtZero_invalid() public {
        MockV3Aggregator sequencer = _withSequencer(0);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();
        // Also when the (unusable) round says down.
        _setStatus(sequencer, 1, 0);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();
    }

    function test_sequencer_startedAtInFuture_invalid() public {
        _withSequencer(T0 + 1);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();
    }

    function test_sequencer_unknownStatus_invalid() public {
        MockV3Aggregator sequencer = _withSequencer(T0 - 10 days);
        _setStatus(sequencer, 2, T0 - 10 days);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();
        _setStatus(sequencer, -1, T0 - 10 days);
        vm.expectRevert(SequencerStatusInvalid.selector);
        adapter.price();
    }

    function test_sequencer_removed_noLongerChecked() public {
        MockV3Aggregator sequencer = _withSequencer(T0 - 10 days);
        _setStatus(sequencer, 1, T0 - 5 days);
        adapter.removeSequencer();
        assertEq(adapter.price(), 2000e18, "down feed ignored after removal");
    }

    function testFuzz_sequencerGrace_boundary(uint256 grace, uint256 startedAt) public {
        grace = bound(grace, 0, 1 days);
        startedAt = bound(startedAt, 1, 10_000_000_000);
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), grace);
        _setStatus(sequencer, 0, startedAt);

        vm.warp(startedAt + grace);
        vm.expectRevert(
            abi.encodeWithSelector(SequencerGracePeriodNotOver.selector, startedAt, grace)
        );
        adapter.price();

        vm.warp(startedAt + grace + 1);
        _setRound(primary, 2000e8, startedAt + grace + 1);
        assertEq(adapter.price(), 2000e18, "valid one second after the grace period");
    }

    // ------------------------------------------------------------------ second source

    function test_secondary_agreeing_valid() public {
        _withSecondary();
        assertEq(adapter.price(), 2000e18, "primary price returned");
    }

    function test_deviation_exactlyAtBand_valid_oneWeiBeyondReverts_above() public {
        // secondary 2000 (8 decimals), primary 18 decimals, band 2 % -> |p1 - 2000e18| <= 40e18 exactly.
        MockV3Aggregator p = new MockV3Aggregator(18, 2040e18);
        MockV3Aggregator s = new MockV3Aggregator(8, 2000e8);
        ChainlinkOracleAdapter a = _deploy(
            p,
            HEARTBEAT,
            MIN_PRICE,
            MAX_PRICE,
            _noSequencer(),
            IChainlinkOracleAdapter.SecondaryConfig({
                feed: AggregatorV3Interface(address(s)),
                heartbeat: HEARTBEAT,
                maxDeviation: BAND
            })
        );
        assertEq(a.price(), 2040e18, "deviation exactly 2 %");

        // ceil((40e18 + 1) * 1e18 / 2000e18) = ceil(0.02e18 + 0.0005) = 0.02e18 + 1
        _setRound(p, 2040e18 + 1, T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                2040e18 + 1,
                2000e18,
                20_000_000_000_000_001,
                20_000_000_000_000_000
            )
        );
        a.price();

        _setRound(p, 1960e18, T0);
        assertEq(a.price(), 1960e18, "deviation exactly -2 %");

        _setRound(p, 1960e18 - 1, T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                1960e18 - 1,
                2000e18,
                20_000_000_000_000_001,
                20_000_000_000_000_000
            )
        );
        a.price();
    }

    function test_deviation_boundaryWithInexactBand() public {
        // secondary = 1e18 + 1: 2 % of it is 0.02e18 + 0.02 wei, so the largest allowed |diff| is 0.02e18.
        (MockV3Aggregator p,, ChainlinkOracleAdapter a) = _deviationAdapter(1.02e18 + 1, 1e18 + 1, BAND);
        // ceil(0.02e18 * 1e18 / (1e18 + 1)) = ceil(0.02e18 - 0.0199...) = 0.02e18
        assertEq(a.price(), 1.02e18 + 1, "diff 0.02e18: valid");

        // diff 0.02e18 + 1: (2e34 + 1e18) / (1e18 + 1) = 0.02e18 + 0.98 -> ceil 0.02e18 + 1
        _setRound(p, 1.02e18 + 2, T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                1.02e18 + 2,
                1e18 + 1,
                20_000_000_000_000_001,
                20_000_000_000_000_000
            )
        );
        a.price();

        _setRound(p, 0.98e18 + 1, T0);
        assertEq(a.price(), 0.98e18 + 1, "diff 0.02e18 below: valid");

        _setRound(p, 0.98e18, T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                0.98e18,
                1e18 + 1,
                20_000_000_000_000_001,
                20_000_000_000_000_000
            )
        );
        a.price();
    }

    function test_deviation_relativeToSecondary() public {
        // |2500 - 2000| / 2000 = 25 % (relative to the secondary), not 20 % (relative to the primary).
        (,, ChainlinkOracleAdapter a) = _deviationAdapter(2500e18, 2000e18, 0.2e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                2500e18,
                2000e18,
                250_000_000_000_000_000,
                200_000_000_000_000_000
            )
        );
        a.price();
        a.setSecondary(a.secondaryConfig().feed, HEARTBEAT, 0.25e18);
        assertEq(a.price(), 2500e18, "exactly 25 %");
    }

    function test_deviation_secondaryRoundsToZero_reverts() public {
        MockV3Aggregator s = new MockV3Aggregator(36, 1);
        adapter.setSecondary(AggregatorV3Interface(address(s)), SEC_HEARTBEAT, BAND);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                2000e18,
                0,
                type(uint256).max,
                BAND
            )
        );
        adapter.price();
    }

    function test_deviation_secondaryOverflowSaturates_reverts() public {
        MockV3Aggregator s = new MockV3Aggregator(0, type(int256).max);
        adapter.setSecondary(AggregatorV3Interface(address(s)), SEC_HEARTBEAT, BAND);
        // |2000e18 - max| * 1e18 / max, rounded up: just below 1e18, so exactly 1e18.
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                2000e18,
                type(uint256).max,
                1e18,
                BAND
            )
        );
        adapter.price();
    }

    function test_deviation_primaryBoundsCheckedFirst() public {
        MockV3Aggregator s = _withSecondary();
        _setRound(s, 20e18, T0);
        _setRound(primary, 20e8, T0);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 20e18, 100e18, 10_000e18)
        );
        adapter.price();
    }

    function test_secondary_zeroAnswer_reverts() public {
        MockV3Aggregator s = _withSecondary();
        _setRound(s, 0, T0);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.SecondaryNonPositiveAnswer.selector, int256(0)));
        adapter.price();
        _setRound(s, -2000e18, T0);
        vm.expectRevert(
            abi.encodeWithSelector(IChainlinkOracleAdapter.SecondaryNonPositiveAnswer.selector, int256(-2000e18))
        );
        adapter.price();
    }

    function test_secondary_zeroUpdatedAt_reverts() public {
        MockV3Aggregator s = _withSecondary();
        _setRound(s, 2000e18, 0);
        vm.expectRevert(IChainlinkOracleAdapter.SecondaryZeroUpdatedAt.selector);
        adapter.price();
    }

    function test_secondary_updatedAtInFuture_reverts() public {
        MockV3Aggregator s = _withSecondary();
        _setRound(s, 2000e18, T0 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IChainlinkOracleAdapter.SecondaryUpdatedAtInFuture.selector, T0 + 1, T0)
        );
        adapter.price();
    }

    function test_secondary_ownHeartbeat_boundary() public {
        MockV3Aggregator s = _withSecondary();
        // Older than the primary's 1 h heartbeat but within its own 1 day.
        _setRound(s, 2000e18, T0 - 86_400);
        assertEq(adapter.price(), 2000e18, "age == secondary heartbeat");
        _setRound(s, 2000e18, T0 - 86_401);
        vm.expectRevert(
            abi.encodeWithSelector(IChainlinkOracleAdapter.SecondaryStalePrice.selector, T0 - 86_401, 86_400, T0)
        );
        adapter.price();
    }

    function test_secondary_removed_noLongerChecked() public {
        MockV3Aggregator s = _withSecondary();
        _setRound(s, 1000e18, T0);
        adapter.removeSecondary();
        assertEq(adapter.price(), 2000e18, "deviating secondary ignored after removal");
    }

    function testFuzz_secondaryHeartbeat_boundary(uint256 heartbeat, uint256 updatedAt) public {
        heartbeat = bound(heartbeat, 1, 2 days);
        updatedAt = bound(updatedAt, 1, 10_000_000_000);
        MockV3Aggregator s = new MockV3Aggregator(18, 2000e18);
        adapter.setSecondary(AggregatorV3Interface(address(s)), heartbeat, BAND);
        _setRound(s, 2000e18, updatedAt);

        vm.warp(updatedAt + heartbeat);
        _setRound(primary, 2000e8, updatedAt + heartbeat);
        assertEq(adapter.price(), 2000e18, "valid at heartbeat");

        vm.warp(updatedAt + heartbeat + 1);
        _setRound(primary, 2000e8, updatedAt + heartbeat + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.SecondaryStalePrice.selector,
                updatedAt,
                heartbeat,
                updatedAt + heartbeat + 1
            )
        );
        adapter.price();
    }

    function testFuzz_deviation_boundary(uint256 secondaryPrice, uint256 maxDeviation) public {
        secondaryPrice = bound(secondaryPrice, 1e6, 1e30);
        maxDeviation = bound(maxDeviation, 1, 0.5e18);
        // The widest |diff| the band allows, and the deviation reported one wei beyond it (rounded up).
        uint256 allowed = (secondaryPrice * maxDeviation) / 1e18;
        uint256 beyond = ((allowed + 1) * 1e18 + secondaryPrice - 1) / secondaryPrice;

        (MockV3Aggregator p,, ChainlinkOracleAdapter a) = _deviationAdapter(
            int256(secondaryPrice + allowed),
            int256(secondaryPrice),
            maxDeviation
        );
        assertEq(a.price(), secondaryPrice + allowed, "upper edge valid");

        _setRound(p, int256(secondaryPrice + allowed + 1), T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                secondaryPrice + allowed + 1,
                secondaryPrice,
                beyond,
                maxDeviation
            )
        );
        a.price();

        _setRound(p, int256(secondaryPrice - allowed), T0);
        assertEq(a.price(), secondaryPrice - allowed, "lower edge valid");

        _setRound(p, int256(secondaryPrice - allowed - 1), T0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChainlinkOracleAdapter.PriceDeviationTooHigh.selector,
                secondaryPrice - allowed - 1,
                secondaryPrice,
                beyond,
                maxDeviation
            )
        );
        a.price();
    }

    /// @dev Whatever the feed answers, a read returns a price within bounds or reverts with one of the adapter's
    ///      own errors (never a panic).
    function testFuzz_read_onlyCustomErrors(uint256 decimals, int256 answer, uint256 age) public {
        decimals = bound(decimals, 0, 36);
        age = bound(age, 0, 2 hours);
        MockV3Aggregator feed = new MockV3Aggregator(uint8(decimals), answer);
        _setRound(feed, answer, T0 - age);
        ChainlinkOracleAdapter a = _deploy(feed, HEARTBEAT, MIN_PRICE, MAX_PRICE, _noSequencer(), _noSecondary());
        try a.price() returns (uint256 p) {
            assertTrue(answer > 0 && age <= HEARTBEAT, "only a positive, fresh answer passes");
            assertGe(p, MIN_PRICE, "at least min");
            assertLe(p, MAX_PRICE, "at most max");
        } catch (bytes memory reason) {
            assertTrue(
                _isSelector(reason, IChainlinkOracleAdapter.NonPositiveAnswer.selector) ||
                    _isSelector(reason, IChainlinkOracleAdapter.StalePrice.selector) ||
                    _isSelector(reason, PriceOutOfBounds.selector),
                "adapter error"
            );
        }
    }

    // ------------------------------------------------------------------ admin: heartbeat

    function test_setHeartbeat_storesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IChainlinkOracleAdapter.HeartbeatSet(2 hours);
        adapter.setHeartbeat(2 hours);
        assertEq(adapter.heartbeat(), 7200, "stored");
    }

    function test_setHeartbeat_hardBounds() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        adapter.setHeartbeat(0);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        adapter.setHeartbeat(172_801);
        adapter.setHeartbeat(1);
        assertEq(adapter.heartbeat(), 1, "1 s accepted");
        adapter.setHeartbeat(172_800);
        assertEq(adapter.heartbeat(), 172_800, "2 days accepted");
    }

    function test_setHeartbeat_onlyOwner() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        adapter.setHeartbeat(2 hours);
        assertEq(adapter.heartbeat(), 3600, "unchanged");
    }

    // ------------------------------------------------------------------ admin: bounds

    function test_setPriceBounds_storesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IOracleAdapterBase.PriceBoundsSet(1500e18, 2500e18);
        adapter.setPriceBounds(1500e18, 2500e18);
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1500e18, "min");
        assertEq(maxPrice, 2500e18, "max");
        adapter.setPriceBounds(2000e18 + 1, 2500e18);
        vm.expectRevert(
            abi.encodeWithSelector(PriceOutOfBounds.selector, 2000e18, 2000e18 + 1, 2500e18)
        );
        adapter.price();
    }

    function test_setPriceBounds_hardBounds() public {
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 0, 1e18));
        adapter.setPriceBounds(0, 1e18);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 5e18, 5e18));
        adapter.setPriceBounds(5e18, 5e18);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 6e18, 5e18));
        adapter.setPriceBounds(6e18, 5e18);
        vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 1, 1e36 + 1));
        adapter.setPriceBounds(1, 1e36 + 1);
        adapter.setPriceBounds(1, 1e36);
        (uint256 minPrice, uint256 maxPrice) = adapter.priceBounds();
        assertEq(minPrice, 1, "min 1 wei accepted");
        assertEq(maxPrice, 1e36, "max limit accepted");
    }

    function test_setPriceBounds_onlyOwner() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        adapter.setPriceBounds(1e18, 2e18);
    }

    // ------------------------------------------------------------------ admin: sequencer

    function test_setSequencer_storesAndEmits() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IChainlinkOracleAdapter.SequencerSet(address(sequencer), 1800);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 1800);
        assertEq(address(adapter.sequencerConfig().feed), address(sequencer), "feed");
        assertEq(adapter.sequencerConfig().gracePeriod, 1800, "grace");
    }

    function test_setSequencer_hardBounds() public {
        MockV3Aggregator sequencer = new MockV3Aggregator(0, 0);
        vm.expectRevert(ZeroAddress.selector);
        adapter.setSequencer(AggregatorV3Interface(address(0)), 3600);
        vm.expectRevert(abi.encodeWithSelector(InvalidGracePeriod.selector, 86_401));
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 86_401);
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 86_400);
        assertEq(adapter.sequencerConfig().gracePeriod, 86_400, "1 day accepted");
        adapter.setSequencer(AggregatorV3Interface(address(sequencer)), 0);
        assertEq(adapter.sequencerConfig().gracePeriod, 0, "0 accepted");
    }

    function test_removeSequencer_clearsAndEmits() public {
        _withSequencer(T0 - 10 days);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IChainlinkOracleAdapter.SequencerSet(address(0), 0);
        adapter.removeSequencer();
        assertEq(address(adapter.sequencerConfig().feed), address(0), "feed cleared");
        assertEq(adapter.sequencerConfig().gracePeriod, 0, "grace cleared");
    }

    function test_sequencerSetters_onlyOwner() public {
        vm.startPrank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        adapter.setSequencer(AggregatorV3Interface(address(primary)), 3600);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        adapter.removeSequencer();
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ admin: second source

    function test_setSecondary_storesAndEmits() public {
        MockV3Aggregator s = new MockV3Aggregator(8, 2000e8);
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IChainlinkOracleAdapter.SecondarySet(address(s), 8, 7200, 0.03e18);
        adapter.setSecondary(AggregatorV3Interface(address(s)), 7200, 0.03e18);
        assertEq(address(adapter.secondaryConfig().feed), address(s), "feed");
        assertEq(adapter.secondaryConfig().heartbeat, 7200, "heartbeat");
        assertEq(adapter.secondaryConfig().maxDeviation, 30_000_000_000_000_000, "band");
        assertEq(adapter.secondaryDecimals(), 8, "decimals");
    }

    function test_setSecondary_hardBounds() public {
        MockV3Aggregator s = new MockV3Aggregator(18, 2000e18);
        AggregatorV3Interface feed = AggregatorV3Interface(address(s));
        vm.expectRevert(ZeroAddress.selector);
        adapter.setSecondary(AggregatorV3Interface(address(0)), HEARTBEAT, BAND);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 0));
        adapter.setSecondary(feed, 0, BAND);
        vm.expectRevert(abi.encodeWithSelector(InvalidHeartbeat.selector, 172_801));
        adapter.setSecondary(feed, 172_801, BAND);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.InvalidMaxDeviation.selector, 0));
        adapter.setSecondary(feed, HEARTBEAT, 0);
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracleAdapter.InvalidMaxDeviation.selector, 0.5e18 + 1));
        adapter.setSecondary(feed, HEARTBEAT, 0.5e18 + 1);

        MockV3Aggregator wide = new MockV3Aggregator(37, 1);
        vm.expectRevert(
            abi.encodeWithSelector(UnsupportedFeedDecimals.selector, address(wide), 37)
        );
        adapter.setSecondary(AggregatorV3Interface(address(wide)), HEARTBEAT, BAND);

        adapter.setSecondary(feed, 172_800, 0.5e18);
        assertEq(adapter.secondaryConfig().heartbeat, 172_800, "2 days accepted");
        assertEq(adapter.secondaryConfig().maxDeviation, 0.5e18, "50 % accepted");
        adapter.setSecondary(feed, 1, 1);
        assertEq(adapter.secondaryConfig().heartbeat, 1, "1 s accepted");
        assertEq(adapter.secondaryConfig().maxDeviation, 1, "1 wei band accepted");
    }

    function test_removeSecondary_clearsAndEmits() public {
        _withSecondary();
        vm.expectEmit(true, true, true, true, address(adapter));
        emit IChainlinkOracleAdapter.SecondarySet(address(0), 0, 0, 0);
        adapter.removeSecondary();
        assertEq(address(adapter.secondaryConfig().feed), address(0), "feed cleared");
        assertEq(adapter.secondaryConfig().heartbeat, 0, "heartbeat cleared");
        assertEq(adapter.secondaryConfig().maxDeviation, 0, "band cleared");
        assertEq(adapter.secondaryDecimals(), 0, "decimals cleared");
    }

    function test_secondarySetters_onlyOwner() public {
        vm.startPrank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        adapter.setSecondary(AggregatorV3Interface(address(primary)), HEARTBEAT, BAND);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        adapter.removeSecondary();
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ ownership

    function test_ownership_isTwoStep() public {
        adapter.transferOwnership(ALICE);
        assertEq(adapter.owner(), address(this), "owner until accepted");
        assertEq(adapter.pendingOwner(), ALICE, "pending");
        vm.prank(ALICE);
        adapter.acceptOwnership();
        assertEq(adapter.owner(), ALICE, "accepted");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        adapter.setHeartbeat(2 hours);
        vm.prank(ALICE);
        adapter.setHeartbeat(2 hours);
        assertEq(adapter.heartbeat(), 7200, "new owner administers");
    }
}
