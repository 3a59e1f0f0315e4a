// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams, MarketPrices} from "../../../contracts/interfaces/PerpTypes.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 12 of the security review, "caps lock out the side that would rebalance": the post-trade check
///         compared the market's totals with the caps, not what the trade changed, so after `maxOpenInterest` or
///         `maxSkew` was set below the live value a short that would rebalance an over-long market reverted
///         `OpenInterestCapExceeded`, and skew-reducing trades reverted `MaxSkewExceeded`.
/// @dev Local ETH market at 3,000, provider 20,000,000. Alice longs 1,000 ETH, Bob shorts 200: long OI 1,000, short
///      OI 200, skew +800. Then the owner lowers a cap below the live value. A cap now refuses only a trade that grows
///      what it caps: a side's open interest for maxOpenInterest, |skew| for maxSkew.
///      Before (commit 1005906, ported with its funding band raised to the 4 % the new listing sets, so the breaker
///      does not hide the caps): Carol's rebalancing 100 ETH short reverted `OpenInterestCapExceeded(ETH, 1,000, 500)`,
///      and with only maxSkew at 300 Dan's skew-reducing short reverted `MaxSkewExceeded(ETH, 700, 300)`.
contract CapsLockoutTest is LocalProtocolFixture {
    function setUp() public override {
        super.setUp();
        _lpDeposit(PROVIDER, 20_000_000e6);
        _fund(ALICE, 1_000_000e6);
        _fund(BOB, 1_000_000e6);
        _fund(CAROL, 1_000_000e6);
        _fund(DAN, 1_000_000e6);
        _trade(ALICE, eth, 1_000e18);
        _trade(BOB, eth, -200e18);
        _assertMarket(1_000e18, 200e18, 800e18);
    }

    /// @dev maxOpenInterest = maxSkew = 500 (maxSkew may not exceed it), below long OI 1,000 and skew 800. Carol's
    ///      100 ETH short (short OI 300, skew 700) passes, and so does 200 more (short OI 500 = cap, skew 500); 1 wei
    ///      more grows short OI past the cap: `OpenInterestCapExceeded(ETH, 500 + 1 wei, 500)`. A 1 wei long grows
    ///      long OI: `OpenInterestCapExceeded(ETH, 1,000 + 1 wei, 500)`. Own reductions pass: Bob closes his short
    ///      (short OI 300, skew +700, growing |skew| above maxSkew) and Alice sells 600 (long OI 400).
    function test_finding12_openInterestCapBelowLive_rebalancingShortPasses() public {
        _setCaps(500e18, 500e18);
        _trade(CAROL, eth, -100e18);
        _assertMarket(1_000e18, 300e18, 700e18);
        _trade(CAROL, eth, -200e18);
        _assertMarket(1_000e18, 500e18, 500e18);

        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 500e18 + 1, 500e18));
        engine.trade(CAROL, eth, -1, 0);
        vm.prank(DAN);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 1_000e18 + 1, 500e18)
        );
        engine.trade(DAN, eth, 1, type(uint256).max);

        _trade(BOB, eth, 200e18);
        _assertMarket(1_000e18, 300e18, 700e18);
        _trade(ALICE, eth, -600e18);
        _assertMarket(400e18, 300e18, 100e18);
    }

    /// @dev maxSkew = 300 only (maxOpenInterest stays 50,000), below skew 800. Dan's 100 ETH short passes (skew 700).
    ///      Any trade that does not grow |skew| passes, even one ending above maxSkew on the other side: from +700 a
    ///      1,400 ETH short ends at −700 (|skew| unchanged) and passes, 1 wei more grows it: `MaxSkewExceeded(ETH,
    ///      700 + 1 wei, 300)`, as does Carol's 1 wei long at +700 (Dan's would reduce his own short: exempt). From
    ///      −700, Carol's 1,000 ETH long ends at +300 and passes.
    function test_finding12_maxSkewBelowLive_skewReducingTradesPass() public {
        _setCaps(50_000e18, 300e18);
        _trade(DAN, eth, -100e18);
        _assertMarket(1_000e18, 300e18, 700e18);

        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, eth, 700e18 + 1, 300e18));
        engine.trade(CAROL, eth, 1, type(uint256).max);
        vm.prank(DAN);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, eth, 700e18 + 1, 300e18));
        engine.trade(DAN, eth, -1_400e18 - 1, 0);
        _trade(DAN, eth, -1_400e18);
        _assertMarket(1_000e18, 1_700e18, -700e18);

        _trade(CAROL, eth, 1_000e18);
        _assertMarket(2_000e18, 1_700e18, 300e18);
    }

    function _setCaps(uint256 maxOpenInterest, uint256 maxSkew) private {
        MarketParams memory p = engine.marketParams(eth);
        p.maxOpenInterest = uint128(maxOpenInterest);
        p.maxSkew = uint128(maxSkew);
        engine.setMarketParams(eth, p);
    }

    function _assertMarket(uint256 longOi, uint256 shortOi, int256 skew) private view {
        MarketPrices memory m = engine.marketPrices(eth);
        assertEq(m.openInterestLong, longOi, "long open interest");
        assertEq(m.openInterestShort, shortOi, "short open interest");
        assertEq(m.skew, skew, "skew");
    }
}
