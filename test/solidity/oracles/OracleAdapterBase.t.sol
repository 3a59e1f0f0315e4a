// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {InvalidPriceBounds, PriceOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {IChainlinkOracleAdapter} from "../../../contracts/interfaces/IChainlinkOracleAdapter.sol";
import {ICurveBlendOracleAdapter} from "../../../contracts/interfaces/ICurveBlendOracleAdapter.sol";
import {IMarketHoursOracleAdapter} from "../../../contracts/interfaces/IMarketHoursOracleAdapter.sol";
import {IOracleAdapterBase} from "../../../contracts/interfaces/IOracleAdapterBase.sol";
import {ISelfReferencingOracleAdapter} from "../../../contracts/interfaces/ISelfReferencingOracleAdapter.sol";
import {ChainlinkOracleAdapter} from "../../../contracts/oracles/ChainlinkOracleAdapter.sol";
import {CurveBlendOracleAdapter} from "../../../contracts/oracles/CurveBlendOracleAdapter.sol";
import {MarketHoursOracleAdapter} from "../../../contracts/oracles/MarketHoursOracleAdapter.sol";
import {SelfReferencingOracleAdapter} from "../../../contracts/oracles/SelfReferencingOracleAdapter.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice OracleAdapterBase is one implementation of the price bounds for all four kinds. Each kind's own tests check
///         the setter's hard bounds, its event and owner check in detail; this file checks once, through the shared
///         interface, that every kind carries the same surface and that the three kinds reading with the shared
///         `PriceOutOfBounds` apply the bounds inclusively at both ends (the curve blend names the failing leg).
/// @dev Every adapter reads 2,000 at T0.
contract OracleAdapterBaseTest is TestBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant PRICE = 2_000e18;
    address internal constant STRANGER = address(0xBAD);

    MockV3Aggregator internal feed;
    MockV3Aggregator internal nextFeed;
    IOracleAdapterBase[4] internal adapters;

    function setUp() public {
        vm.warp(T0);
        feed = new MockV3Aggregator(8, 2_000e8);
        nextFeed = new MockV3Aggregator(8, 2_010e8);
        AggregatorV3Interface f = AggregatorV3Interface(address(feed));
        adapters[0] = new ChainlinkOracleAdapter(
            f,
            1 hours,
            100e18,
            10_000e18,
            IChainlinkOracleAdapter.SequencerConfig({feed: AggregatorV3Interface(address(0)), gracePeriod: 0}),
            IChainlinkOracleAdapter.SecondaryConfig({
                feed: AggregatorV3Interface(address(0)), heartbeat: 0, maxDeviation: 0
            }),
            address(this)
        );
        adapters[1] = new CurveBlendOracleAdapter(
            ICurveBlendOracleAdapter.LegConfig({feed: f, heartbeat: 1 hours}),
            ICurveBlendOracleAdapter.LegConfig({feed: AggregatorV3Interface(address(nextFeed)), heartbeat: 1 hours}),
            ICurveBlendOracleAdapter.RollSchedule({rollStart: T0 + 1 days, stepCount: 1, stepDuration: 1 days}),
            100e18,
            10_000e18,
            address(this)
        );
        IMarketHoursOracleAdapter.Session[] memory always = new IMarketHoursOracleAdapter.Session[](1);
        always[0] = IMarketHoursOracleAdapter.Session({open: 0, close: 1 weeks});
        adapters[2] = new MarketHoursOracleAdapter(
            f,
            1 hours,
            always,
            100e18,
            10_000e18,
            IMarketHoursOracleAdapter.OffHoursConfig({pricer: address(0), band: 0, heartbeat: 1 hours}),
            address(this)
        );
        adapters[3] = new SelfReferencingOracleAdapter(
            PRICE,
            ISelfReferencingOracleAdapter.EmaConfig({tau: 1 hours, maxMovePerObservation: 0.01e18, maxAge: 1 hours}),
            100e18,
            10_000e18,
            address(this),
            address(this)
        );
    }

    function test_everyKind_sharesTheBoundsSurface() public {
        for (uint256 i; i < 4; ++i) {
            IOracleAdapterBase a = adapters[i];
            assertEq(a.kind(), i + 1, "kinds 1 to 4");
            assertEq(a.MAX_PRICE_LIMIT(), 1e36, "one hard limit");
            (uint256 lo, uint256 hi) = a.priceBounds();
            assertEq(lo, 100e18, "min from the constructor");
            assertEq(hi, 10_000e18, "max from the constructor");
            assertEq(a.price(), PRICE, "reads 2,000");

            vm.expectEmit(address(a));
            emit IOracleAdapterBase.PriceBoundsSet(1, 1e36);
            a.setPriceBounds(1, 1e36);
            vm.expectRevert(abi.encodeWithSelector(InvalidPriceBounds.selector, 1, 1e36 + 1));
            a.setPriceBounds(1, 1e36 + 1);
            vm.prank(STRANGER);
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
            a.setPriceBounds(1, 2);
        }
    }

    // [2,000, 2,000 + 1 wei] and [2,000 − 1 wei, 2,000] hold the price; [2,000 + 1 wei, …] and […, 2,000 − 1 wei]
    // do not.
    function test_readsApplyTheBoundsInclusively() public {
        for (uint256 i; i < 4; ++i) {
            IOracleAdapterBase a = adapters[i];
            a.setPriceBounds(PRICE, PRICE + 1);
            assertEq(a.price(), PRICE, "at the min");
            a.setPriceBounds(PRICE - 1, PRICE);
            assertEq(a.price(), PRICE, "at the max");

            a.setPriceBounds(PRICE + 1, PRICE + 2);
            vm.expectRevert(_outOfBounds(a, PRICE + 1, PRICE + 2));
            a.price();
            a.setPriceBounds(PRICE - 2, PRICE - 1);
            vm.expectRevert(_outOfBounds(a, PRICE - 2, PRICE - 1));
            a.price();
        }
    }

    function _outOfBounds(IOracleAdapterBase a, uint256 lo, uint256 hi) private view returns (bytes memory) {
        if (a == adapters[1]) {
            return abi.encodeWithSelector(ICurveBlendOracleAdapter.PriceOutOfBounds.selector, address(feed), PRICE, lo, hi);
        }
        return abi.encodeWithSelector(PriceOutOfBounds.selector, PRICE, lo, hi);
    }
}
