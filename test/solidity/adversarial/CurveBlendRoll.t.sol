// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";

import {ICurveBlendOracleAdapter} from "../../../contracts/interfaces/ICurveBlendOracleAdapter.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {CurveBlendOracleAdapter} from "../../../contracts/oracles/CurveBlendOracleAdapter.sol";
import {vm} from "../utils/Vm.sol";
import {AdversarialFixture} from "./AdversarialFixture.sol";

/// @notice Finding 7 of the security review: a curve-blend roll that moved in N steps at published times was a
///         scheduled free jump (buy one block before a step in contango, sell after). The blend now moves linearly
///         over [rollStart, rollStart + N × stepDuration), so a position held t seconds gains at most the published
///         carry (next − front) × t / D per unit, and a round trip across any second of the roll pays its fees.
/// @dev OIL market on the real engine, priced by a real CurveBlendOracleAdapter over two mock Chainlink feeds:
///      front 70.00000000 (8 decimals), next 75.5 (18 decimals), N = 5 step durations of 1 day from
///      ROLL_START = T0 + 1 day, so D = 432,000 s and the carry is 5.5e18 / 432,000 = 12,731,481,481,481.48 wei per
///      second per unit. Parameters of the local deployment's tradFi markets: maker 1 bp, taker 3 bp, maxPremium
///      10 %, funding interest 0.00125 %/h with clamp 0.00625 %/h and cap 4 %/h, fairTau 300 s; skewScale 100M
///      units, maxSkew 500k, maxOpenInterest 1M; tiers ≤ 2M at 10x / 5 %, ≤ 10M at 5x / 10 %. The counterparty is a
///      plain LP account funded with 10M USDC (enough cash for a 7M skew); the attacker has 2M USDC.
contract CurveBlendRollTest is AdversarialFixture {
    uint256 internal constant ROLL_START = T0 + 1 days;
    uint256 internal constant STEP = 1 days;
    uint256 internal constant STEPS = 5;
    uint256 internal constant D = 432_000; // STEPS × STEP
    address internal constant ATTACKER = address(0xA77AC4);
    address internal constant TRADER = address(0x7EAD3E);
    /// @dev 100,000 units: 7M USD of notional at 70.
    int256 internal constant SIZE = 100_000e18;
    uint256 internal constant MAKER_FEE = 0.0001e18;
    uint256 internal constant TAKER_FEE = 0.0003e18;
    /// @dev The fuzzed markets' premium cap (also their funding rate's reach: funding = premium there).
    uint256 internal constant ROLL_MAX_PREMIUM = 0.02e18;

    MockV3Aggregator internal frontFeed;
    MockV3Aggregator internal nextFeed;
    CurveBlendOracleAdapter internal blend;
    uint256 internal oil;

    /// @dev What one round trip did.
    struct RoundTrip {
        uint256 tOpen;
        uint256 tClose;
        uint256 oracleOpen;
        uint256 oracleClose;
        uint256 fillOpen;
        uint256 fillClose;
        int256 fundingIndexDelta;
        int256 pnl;
        int256 lpDelta;
    }

    function setUp() public override {
        super.setUp();
        frontFeed = new MockV3Aggregator(8, 70e8);
        nextFeed = new MockV3Aggregator(18, 75.5e18);
        blend = _deployBlend(frontFeed, nextFeed, STEPS, STEP);
        oil = engine.listMarket("OIL", _oilParams(blend), _tradFiTiers());
        _fund(LP, 9_000_000e6); // 10M in all
        _fund(ATTACKER, 2_000_000e6);
        _fund(TRADER, 1_000_000e6);
    }

    // ------------------------------------------------------------------ helpers

    function _deployBlend(MockV3Aggregator f, MockV3Aggregator n, uint256 stepCount, uint256 stepDuration)
        internal
        returns (CurveBlendOracleAdapter)
    {
        return new CurveBlendOracleAdapter(
            ICurveBlendOracleAdapter.LegConfig({feed: AggregatorV3Interface(address(f)), heartbeat: 1 days}),
            ICurveBlendOracleAdapter.LegConfig({feed: AggregatorV3Interface(address(n)), heartbeat: 1 days}),
            ICurveBlendOracleAdapter.RollSchedule({
                rollStart: ROLL_START,
                stepCount: stepCount,
                stepDuration: stepDuration
            }),
            1,
            1e36,
            address(this)
        );
    }

    /// @dev The local tradFi market shape (see the contract's comment).
    function _oilParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = ethParams(oracle); // fairTau 300, maxPremium 10 %, min margin 10, default funding
        p.skewScale = 100_000_000e18;
        p.maxSkew = 500_000e18;
        p.maxOpenInterest = 1_000_000e18;
        p.makerFee = uint64(MAKER_FEE);
        p.takerFee = uint64(TAKER_FEE);
    }

    function _tradFiTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](2);
        tiers[0] = NotionalTier({upToNotional: 2_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
        tiers[1] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 5e18, mmr: 0.1e18});
    }

    function _warpFresh(MockV3Aggregator f, MockV3Aggregator n, uint256 t) internal {
        vm.warp(t);
        f.updateRoundData(uint80(f.latestRound() + 1), f.latestAnswer(), t, t);
        n.updateRoundData(uint80(n.latestRound() + 1), n.latestAnswer(), t, t);
    }

    /// @dev `who` opens `size` at `tOpen` and closes it at `tClose` in `marketId`, priced by `a` over `f` and `n`.
    function _roundTrip(
        uint256 marketId,
        CurveBlendOracleAdapter a,
        MockV3Aggregator f,
        MockV3Aggregator n,
        address who,
        int256 size,
        uint256 tOpen,
        uint256 tClose
    ) internal returns (RoundTrip memory r) {
        int256 before = vault.collateralOf(who);
        int256 lpBefore = vault.collateralOf(LP);
        r.tOpen = tOpen;
        r.tClose = tClose;
        _warpFresh(f, n, tOpen);
        r.oracleOpen = a.price();
        r.fillOpen = _trade(who, marketId, size);
        int256 indexOpen = engine.marketState(marketId).fundingIndex;
        _warpFresh(f, n, tClose);
        r.oracleClose = a.price();
        r.fillClose = _trade(who, marketId, -size);
        r.fundingIndexDelta = engine.marketState(marketId).fundingIndex - indexOpen;
        r.pnl = vault.collateralOf(who) - before;
        r.lpDelta = vault.collateralOf(LP) - lpBefore;
    }

    function _ceilDiv(uint256 x, uint256 y) internal pure returns (uint256) {
        return x == 0 ? 0 : (x - 1) / y + 1;
    }

    /// @dev The fee of a trade of |size| at `fill` entirely at `rate` (SPEC §3): ceil(ceil(|size| × fill) × rate).
    function _fee(int256 size, uint256 fill, uint256 rate) internal pure returns (uint256) {
        uint256 notional = _ceilDiv(_abs(size) * fill, 1e18);
        return _ceilDiv(notional * rate, 1e18);
    }

    /// @dev The fees of a round trip from zero skew: the open increases |skew| (taker), the close reduces it (maker).
    function _roundTripFees(int256 size, RoundTrip memory r) internal pure returns (uint256) {
        return _fee(size, r.fillOpen, TAKER_FEE) + _fee(size, r.fillClose, MAKER_FEE);
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    // ------------------------------------------------------------------ finding 7: the attack, now unprofitable

    /// @dev FINDING 7 (fixed). The old schedule took its second step (k = 2) at ROLL_START + 1 day: the index jumped
    ///      from (70 × 4 + 75.5) / 5 = 71.1 to (70 × 3 + 75.5 × 2) / 5 = 72.2 at that known second. The attacker buys
    ///      100,000 units (7.1M) 2 s (one L2 block) before it and sells at it.
    ///      BEFORE (this test run on commit 1005906, old step schedule, same market and parameters): the index
    ///      jumped 71.1 -> 72.2 between the two trades, fills 71.13555 -> 72.2361, and the round trip made
    ///      +107,194.8120833333334 USDC (1e5 × 1.10055 = 110,055 minus fees 2,856.4275 and funding 3.7604166666666),
    ///      all of it paid by the LP. AFTER (linear roll): the index moves by 2 s of carry (2.546 USD on the whole
    ///      size) and the round trip loses 2,846.57679128472226668 USDC: its fees and funding.
    ///      Worked by hand (D = 432,000, e = t − ROLL_START):
    ///      - open at e = 86,398: oracle 70e18 + floor(5.5e18 × 86,398 / 432,000) = 71,099,974,537,037,037,037.
    ///        From skew 0 the buy walks the linear premium (|s| ≤ 0.1 × 1e26): G(1e23) = (1e23)² × 1e18 / (2 × 1e26)
    ///        = 5e37, factor (1e41 + 5e37) / 1e41 = 1.0005, fill = ceil(71,099,974,537,037,037,037 × 1.0005)
    ///        = 71,135,524,524,305,555,556; cost basis 1e5 × fill = 7,113,552,452,430,555,555,600,000.
    ///        Fee (taker, whole size): 7,113,552.4524305555556 × 0.0003 = 2,134.06573572916666668.
    ///      - close at e = 86,400: oracle 71.1e18 exactly; the sell back to skew 0 has the same factor 1.0005:
    ///        fill = floor(71.1 × 1.0005) = 71.13555e18; proceeds 7,113,555; realised
    ///        7,113,555 − 7,113,552.4524305555556 = 2.5475694444444.
    ///        Fee (maker, whole size): 7,113,555 × 0.0001 = 711.3555.
    ///      - funding over the 2 s held at skew 1e23: premium 1e23 / 1e26 = 0.001, rate 0.001 + clamp(0.0000125 −
    ///        0.001, ±0.0000625) = 0.0009375/h; index delta trunc(0.0009375 × 71.1 × 2 / 3600) = 0.00003703125;
    ///        owed 1e5 × 0.00003703125 = 3.703125 (paid by the attacker, who made the skew).
    ///      - net: 2.5475694444444 − 2,134.06573572916666668 − 711.3555 − 3.703125 = −2,846.57679128472226668.
    ///      The bound: size × (oracle move) = 1e5 × 25,462,962,962,963 wei = 2.5462962962963 (2 s of the published
    ///      carry, 2 × 5.5 / 432,000 × 1e5 = 2.546296296...), minus the fees 2,845.42123572916666668 = −2,842.87...,
    ///      and the round trip made less than that.
    function test_finding7_buyOneBlockBeforeOldStep_sellAtIt_paysItsFees() public {
        uint256 stepTime = ROLL_START + STEP;
        RoundTrip memory r = _roundTrip(oil, blend, frontFeed, nextFeed, ATTACKER, SIZE, stepTime - 2, stepTime);

        assertEq(r.oracleOpen, 71_099_974_537_037_037_037, "oracle 2 s before the old step time");
        assertEq(r.oracleClose, 71.1e18, "oracle at the old step time: no jump to 72.2");
        assertEq(r.fillOpen, 71_135_524_524_305_555_556, "open fill: oracle x 1.0005, up");
        assertEq(r.fillClose, 71.13555e18, "close fill: oracle x 1.0005, down");
        assertEq(r.fundingIndexDelta, 37_031_250_000_000, "index: 0.0009375 x 71.1 x 2 / 3600");
        assertEq(r.pnl, -2_846_576_791_284_722_266_680, "the attack loses its fees and funding");
        assertEq(r.lpDelta, 2_846_576_791_284_722_266_680, "the LP gains exactly that");

        uint256 fees = 2_134_065_735_729_166_666_680 + 711_355_500_000_000_000_000;
        assertEq(_roundTripFees(SIZE, r), fees, "fees by hand");
        int256 carryGain = SIZE * int256(r.oracleClose - r.oracleOpen) / 1e18;
        assertEq(carryGain, 2_546_296_296_296_300_000, "size x oracle move = 2 s of carry");
        assertGe(carryGain - int256(fees), r.pnl, "profit <= carry x size - fees");
        assertGe(int256(0), r.pnl, "no profit at all");
    }

    /// @dev Variations: each of the old schedule's five step times (rollStart itself, where the old index jumped from
    ///      the front to the first step, through the old last step at rollStart + 4 days) and the new rollEnd, bought
    ///      2 s or 12 s before and sold at that second. Each time the index moves by at most the published carry over
    ///      the held seconds, ceil(5.5e18 × hold / 432,000) per unit (nothing at rollStart, where the weight is still
    ///      0), and the round trip earns at most size × move − fees < 0.
    function test_finding7_everyOldStepTimeAndHold_earnsAtMostCarryMinusFees() public {
        uint256[2] memory holds = [uint256(2), 12];
        for (uint256 k; k <= STEPS; ++k) {
            uint256 stepTime = ROLL_START + k * STEP; // old step k + 1; k = 5: the new rollEnd
            for (uint256 h; h < 2; ++h) {
                uint256 snapshot = vm.snapshotState();
                uint256 hold = holds[h];
                RoundTrip memory r =
                    _roundTrip(oil, blend, frontFeed, nextFeed, ATTACKER, SIZE, stepTime - hold, stepTime);
                uint256 move = r.oracleClose - r.oracleOpen;
                assertLe(move, _ceilDiv(5.5e18 * hold, D), "index moves by at most the carry over the hold");
                if (k == 0) assertEq(move, 0, "up to rollStart the weight is 0 (old: +1.1 at rollStart)");
                else assertGe(move, (5.5e18 * hold) / D, "and by the carry");
                uint256 fees = _roundTripFees(SIZE, r);
                assertGe(SIZE * int256(move) / 1e18 - int256(fees), r.pnl, "profit <= carry x size - fees");
                assertGe(int256(0), r.pnl, "no profit");
                assertEq(r.lpDelta, -r.pnl, "the LP's side");
                vm.revertToState(snapshot);
            }
        }
    }

    // ------------------------------------------------------------------ property (e): round trips across a roll

    /// @dev A fuzzed roll: 18-decimal legs, schedule, premium scale, and the market's id.
    struct Roll {
        MockV3Aggregator front;
        MockV3Aggregator next;
        CurveBlendOracleAdapter adapter;
        uint256 marketId;
        uint256 frontPrice;
        uint256 nextPrice;
        uint256 duration;
        uint256 skewScale;
    }

    /// @dev A market whose only funding is the skew premium (interest 0, clamp 0, cap 4 %/h above maxPremium 2 %):
    ///      rate = premium, paid by the side that made the skew. Fees maker 1 bp, taker 3 bp; τ = 0; no minimum.
    function _rollParams(IOracleAdapter oracle, uint256 skewScale) internal pure returns (MarketParams memory p) {
        p = exactParams(oracle);
        p.skewScale = uint128(skewScale);
        p.maxPremium = uint64(ROLL_MAX_PREMIUM);
        p.maxSkew = 1e27;
        p.maxOpenInterest = 1e27;
        p.makerFee = uint64(MAKER_FEE);
        p.takerFee = uint64(TAKER_FEE);
        p.fundingInterest = 0;
        p.fundingClamp = 0;
    }

    function _listRoll(uint256 frontSeed, int256 spreadSeed, uint256 scheduleSeed, uint256 scaleSeed)
        internal
        returns (Roll memory c)
    {
        c.frontPrice = bound(frontSeed, 10e18, 5000e18);
        // next within ±20 % of the front (contango or backwardation), to the basis point
        int256 spreadBp = boundInt(spreadSeed, -2000, 2000);
        c.nextPrice = uint256(int256(c.frontPrice) + (int256(c.frontPrice) * spreadBp) / 10_000);
        uint256 stepCount = bound(scheduleSeed, 1, 30);
        uint256 stepDuration = bound(scheduleSeed >> 128, 1 hours, 7 days);
        c.duration = stepCount * stepDuration;
        // From 1,000 units (a 2 % premium at 20 units) to 1e9 units (premium ≈ 0)
        c.skewScale = bound(scaleSeed, 1_000e18, 1_000_000_000e18);
        c.front = new MockV3Aggregator(18, int256(c.frontPrice));
        c.next = new MockV3Aggregator(18, int256(c.nextPrice));
        c.adapter = _deployBlend(c.front, c.next, stepCount, stepDuration);
        c.marketId = engine.listMarket("ROLL", _rollParams(c.adapter, c.skewScale), oneTier(10e18, 0.05e18));
    }

    /// @dev PROPERTY (e): a pair of trades up to one hour apart, opened anywhere from an hour before the roll to an
    ///      hour after it, earns nothing beyond the published carry minus fees. For any legs (±20 %), schedule
    ///      (N in [1, 30], step in [1 h, 7 days]), premium scale, size (1 unit to 5M of notional), side, open second
    ///      and hold (1 s to 1 h):
    ///      - the index moves by at most the carry over the hold: |Δoracle| ≤ ceil(|next − front| × hold / D);
    ///      - funding is exactly the premium's: index delta = trunc(p × oracle × hold / 3600) with
    ///        p = clamp(trunc(size / K), ±2 %), and the trader who made the skew pays it (owed ≥ 0);
    ///      - the round trip's collateral change is exactly realised − fees − funding (fees computed here from the
    ///        fills), and the LP's is its negative;
    ///      - realised − funding − fees ≤ size × (oracle(t2) − oracle(t1)) − fees (signed size, so ≥ for a short's
    ///        magnitude), compared exactly (×1e18). The fills carry the trader's own premium a (≤ 2 %), so the
    ///        position's PnL is size × Δoracle × (1 + a); the funding the skew pays over the hold, p × oracle ×
    ///        hold / 3600 ≥ 2a × oracle × hold / 3600, exceeds a × Δoracle whenever the carry is below 200 % of the
    ///        index per hour (here it is at most 20 % per hour).
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_roundTripAcrossRoll_earnsAtMostCarryMinusFees(
        uint256 frontSeed,
        int256 spreadSeed,
        uint256 scheduleSeed,
        uint256 scaleSeed,
        uint256 openSeed,
        uint256 holdSeed,
        uint256 sizeSeed,
        bool isLong
    ) public {
        Roll memory c = _listRoll(frontSeed, spreadSeed, scheduleSeed, scaleSeed);
        uint256 tOpen = ROLL_START - 1 hours + bound(openSeed, 0, c.duration + 2 hours);
        uint256 hold = bound(holdSeed, 1, 1 hours);
        uint256 higher = c.frontPrice > c.nextPrice ? c.frontPrice : c.nextPrice;
        uint256 units = bound(sizeSeed, 1e18, (5_000_000e18 * 1e18) / higher);
        int256 size = isLong ? int256(units) : -int256(units);

        RoundTrip memory r = _roundTrip(c.marketId, c.adapter, c.front, c.next, TRADER, size, tOpen, tOpen + hold);
        _checkRoundTrip(c, r, size, hold);
    }

    /// @dev Seconds of the roll elapsed at `t` (the published schedule, written out here): clamp(t − start, 0, D).
    function _elapsed(uint256 t, uint256 duration) internal pure returns (uint256) {
        if (t <= ROLL_START) return 0;
        return t - ROLL_START < duration ? t - ROLL_START : duration;
    }

    function _checkRoundTrip(Roll memory c, RoundTrip memory r, int256 size, uint256 hold) internal pure {
        // The index moved by at most the published carry over the hold, and the carry's way.
        uint256 spread = c.nextPrice > c.frontPrice ? c.nextPrice - c.frontPrice : c.frontPrice - c.nextPrice;
        int256 move = int256(r.oracleClose) - int256(r.oracleOpen);
        assertLe(_abs(move), _ceilDiv(spread * hold, c.duration), "oracle moved at most the carry over the hold");
        assertTrue(c.nextPrice >= c.frontPrice ? move >= 0 : move <= 0, "the carry's direction");

        uint256 funding = _checkFunding(c, r, size, hold);
        uint256 fees = _roundTripFees(size, r);
        assertEq(r.pnl, _realised(r, size) - int256(fees) - int256(funding), "collateral = realised - fees - funding");
        assertEq(r.lpDelta, -r.pnl, "the LP's side");

        // Nothing beyond the index move on the size, minus the fees.
        assertGe(size * move - int256(fees) * 1e18, r.pnl * 1e18, "round trip <= size x index move - fees");
        _checkAgainstPublishedCarry(c, r, size, fees);
    }

    /// @dev Funding: the premium of the trader's own skew over the hold, paid by the trader. Returns what was owed.
    function _checkFunding(Roll memory c, RoundTrip memory r, int256 size, uint256 hold)
        internal
        pure
        returns (uint256 funding)
    {
        int256 premium = (size * 1e18) / int256(c.skewScale);
        if (premium > int256(ROLL_MAX_PREMIUM)) premium = int256(ROLL_MAX_PREMIUM);
        if (premium < -int256(ROLL_MAX_PREMIUM)) premium = -int256(ROLL_MAX_PREMIUM);
        int256 indexDelta = (premium * int256(r.oracleClose * hold)) / 3600e18;
        assertEq(r.fundingIndexDelta, indexDelta, "funding index moved by the premium's rate only");
        funding = _ceilDiv(uint256(size * indexDelta), 1e18); // same signs: size × delta ≥ 0, paid by the trader
    }

    /// @dev Realised PnL from the fills: proceeds rounded down, cost rounded up.
    function _realised(RoundTrip memory r, int256 size) internal pure returns (int256) {
        uint256 units = _abs(size);
        return size > 0
            ? int256((units * r.fillClose) / 1e18) - int256(_ceilDiv(units * r.fillOpen, 1e18))
            : int256((units * r.fillOpen) / 1e18) - int256(_ceilDiv(units * r.fillClose, 1e18));
    }

    /// @dev The property against the published schedule: the carry over [t1, t2] is
    ///      (next − front) × (e(t2) − e(t1)) / D; the index is that line rounded down once, so it differs from it by
    ///      less than 1 wei per unit: round trip × 1e18 × D ≤ size × (next − front) × (e2 − e1) + |size| × D
    ///      − fees × 1e18 × D.
    function _checkAgainstPublishedCarry(Roll memory c, RoundTrip memory r, int256 size, uint256 fees) internal pure {
        int256 d = int256(c.duration);
        int256 carryTimesD = (int256(c.nextPrice) - int256(c.frontPrice))
            * int256(_elapsed(r.tClose, c.duration) - _elapsed(r.tOpen, c.duration));
        assertGe(
            size * carryTimesD + int256(_abs(size)) * d - int256(fees) * 1e18 * d,
            r.pnl * 1e18 * d,
            "round trip <= size x published carry - fees"
        );
    }
}
