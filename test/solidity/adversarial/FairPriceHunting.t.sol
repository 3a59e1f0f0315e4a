// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketPrices} from "../../../contracts/interfaces/PerpTypes.sol";
import {LocalEthFixture, RefPricing} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 5 of the security issue: fair-price hunting. The liquidation trigger (fair) was an EMA of the mark,
///         premium included, so a large short held for fairTau dragged it down by most of the premium and made
///         healthy longs liquidatable. Now fair = oracle × (1 + P_f) with the fair premium P_f moving at most 0.1 % of
///         the oracle per hour: a push held t seconds moves the trigger by at most 0.1 % × t / 3,600 of the oracle,
///         while the longs it targets receive the funding the push pays (|rate| = |premium| − 0.00625 %/h).
/// @dev The local ETH market and the honest 1,000,000 LP. At T0: W (51,466) buys 333 at oracle 3,003 (fill 3,003 × (1
///      + 333 / 2,000,000) = 3,003.4999995, cost basis 1,000,165.4998335, fee 500.08274991675); at oracle 3,000 ten
///      victims V0..V9 (collateral 50,730 + 100·i) each buy 333 at 3,000.4995 (cost basis 999,166.3335, fee
///      499.58316675); after every buy a maker (MAKER, MAKER2: one 10M tier each) sells 333 back, so the skew stays 0.
///      The open-interest-to-cash limit caps each side at the vault's cash, so a deep LP's 10,000,000 sits next to the
///      honest 1,000,000 (the long side reaches 3,663 ETH × 3,000 = 10,989,000). The oracle
///      then drops to 2,924 (P_f is 0: fair = 2,924). Each victim's buffer (equity − MM at fair) is 50,730 + 100·i −
///      499.58316675 + 333 × 2,924 − 999,166.3335 − 2.5 % × 973,692 = 413.78333325 + 100·i; W's is 51,466 −
///      500.08274991675 + 973,692 − 1,000,165.4998335 − 24,342.3 = 150.11741658325.
///      Before (commit 1005906, the same accounts; the drop left to settle for two hours so the old EMA fair reached
///      2,924.0298, smallest buffer 399.12 after that interest): one 10M short (3,330 ETH, allowed then) held 300 s
///      moved fair to 2,917.9256 (−0.209 %) and made all ten victims and W liquidatable (buffers −417.64 to
///      −1,317.64); the attacker liquidated all eleven into its skew and bought back for −186.88 after fees and funding
///      (the issue's payoff grows with the victims' size). After: that short is refused by the open-interest-to-cash
///      limit; built as a hedged book (with 10,000,000 more in the vault, as the limit caps each side, hedged or not)
///      and held 300 s it moves fair by exactly ⌊2,924 × 0.1 % × 300 / 3,600⌋ (to the wei
///      rounding), no account becomes liquidatable, and longer holds only pay the victims funding; the cheapest hold
///      that liquidates W (the weakest account) costs the attacker 2,366.4986754052 for a 194.731915 keeper reward.
contract FairPriceHuntingTest is LocalEthFixture {
    address internal constant MAKER = address(0x3A4E);
    address internal constant MAKER2 = address(0x3A4F);
    address internal constant W = address(0x3EAC);
    address internal constant LONG_LEG = address(0xA8);
    address internal constant SHORT_LEG = address(0xA9);
    address internal constant ATTACKER = address(0xA7);
    address internal constant DEEP_LP = address(0xDEE9);
    address internal constant DEEP_LP2 = address(0xDEEA);
    int256 internal constant Q = 333e18;
    uint256 internal constant P1 = 2_924e18;

    address[10] internal victims;

    function setUp() public override {
        super.setUp();
        _lpDeposit(DEEP_LP, 10_000_000e6);
        _fund(MAKER, 2_000_000e6);
        _fund(MAKER2, 2_000_000e6);
        _fund(W, 51_466e6);
        ethOracle.setPrice(3_003e18);
        assertEq(_trade(W, eth, Q), 3_003.4999995e18, "W's fill");
        _trade(MAKER, eth, -Q);
        ethOracle.setPrice(3_000e18);
        for (uint256 i; i < 10; ++i) {
            victims[i] = address(uint160(0xF1C7100 + i));
            _fund(victims[i], 50_730e6 + i * 100e6);
            assertEq(_trade(victims[i], eth, Q), 3_000.4995e18, "victim's fill");
            _trade(i < 5 ? MAKER : MAKER2, eth, -Q);
        }
        assertEq(engine.marketState(eth).skew, 0, "balanced");
        ethOracle.setPrice(P1);
        for (uint256 i; i < 10; ++i) {
            assertEq(engine.maintenanceMargin(victims[i]), 413.78333325e18 + int256(i) * 100e18, "victim's buffer");
        }
        assertEq(engine.maintenanceMargin(W), 150.11741658325e18, "W's buffer");
        _fund(LONG_LEG, 1_100_000e6);
        _fund(SHORT_LEG, 1_100_000e6);
        _fund(ATTACKER, 1_100_000e6);
    }

    /// @dev The finding's push, one 10M short (3,330 ETH) from the balanced market: refused. Its fee (3,330 at
    ///      2,924 × (1 − 3,330 / 2,000,000) = 2,919.13154, taker 4,860.3540141) is settled first, then the short side
    ///      (the makers' 3,663 + 3,330) × oracle = 6,993 × 2,924 = 20,447,532 is above the vault's cash (about
    ///      11,000,000).
    function test_findingShort_refusedByOpenInterestCashLimit() public {
        uint256 fee = RefPricing.fee(0, -3_330e18, RefPricing.fill(P1, 0, -3_330e18, 1_000_000e18, 0.1e18), 2e14, 5e14);
        assertEq(fee, 4_860.3540141e18, "fee");
        uint256 limit = uint256(vault.collateralOf(address(lpVault))) + fee;
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, eth, 20_447_532e18, limit)
        );
        engine.trade(ATTACKER, eth, -3_330e18, 0);
    }

    /// @dev The same 10M push through every limit: a hedged book of 3,330 ETH a side built in steps of 333 (|skew| ≤
    ///      333), then LONG_LEG closes (a reduction, no cap) and the skew is −3,330 (premium −0.333 %), held 300 s.
    ///      By hand: the EMA step (−0.00333 − 0) × (1 − ω(τ)) = −0.00333 × 0.6319 ≈ −0.0021 is clamped to −0.001 × 300
    ///      / 3,600 = −0.000083333333333333 (rounded down), so fair = ⌊2,924 × (1 − 0.000083333333333333)⌋ =
    ///      2,923.756333333333334308: the trigger moved 0.243666666666665692 ≤ 2,924 × 0.001 × 300 / 3,600 =
    ///      0.24366...67. A victim's equity at fair can fall by at most 333 × that, 81.14, below every buffer (the
    ///      smallest is W's 150.12); and the push pays them funding: rate −0.00333 + 0.0000625 = −0.0032675 /h, index
    ///      −0.0032675 × 2,924 × 300 / 3,600 = −0.796180833333333333 a unit, +265.13 per victim. V0's buffer becomes
    ///      599.799075750000316338 (PnL 333 × fair − 999,166.3335, MM 2.5 % of 333 × fair, funding received).
    function test_tenMillionPushHeldForTau_noHealthyAccountBecomesLiquidatable() public {
        _buildBook(3_330e18);
        _close(LONG_LEG, eth);
        assertEq(engine.marketState(eth).skew, -3_330e18, "pushed");
        vm.warp(T0 + 300);

        MarketPrices memory m = engine.marketPrices(eth);
        assertEq(m.fairPremium, -83_333_333_333_333, "capped drift: 0.1 % x 300 / 3,600");
        assertEq(m.fairPrice, 2_923.756333333333334308e18, "fair");
        uint256 moved = P1 - m.fairPrice;
        assertEq(moved, 0.243666666666665692e18, "trigger move");
        assertLe(moved, P1 * 0.001e18 * 300 / 3600 / 1e18, "at most 0.1 % x 300 / 3,600 of the oracle");

        assertEq(engine.maintenanceMargin(victims[0]), 599.799075750000316338e18, "V0 healthier than before");
        for (uint256 i; i < 10; ++i) _assertHealthy(victims[i], 413.78333325e18 + int256(i) * 100e18, moved);
        _assertHealthy(W, 150.11741658325e18, moved);
    }

    /// @dev Longer holds of the same push: the drift reaches its 0.1 %/h cap but the funding the push pays the longs
    ///      (0.32675 %/h of their notional) outruns it. After 1 h: P_f = −0.1 %, V0's buffer 2,645.97224325, W's
    ///      2,382.30632658325, and SHORT_LEG owes 31,815.3861 of funding. After 4 h the EMA, no longer the cap (4e-3),
    ///      binds: x = 14,400 / 300 = 48, the premium weight ω = w(12)⁴ with w(12) = 1e36 / (1 + 12 + 72 + 288)e18 =
    ///      1e36 / 373e18 = 2680965147453083, squared 7187574121858, squared again 51661221; P_f = −trunc(3.33e15 ×
    ///      999999999948338779 / 1e18) = −3329999999827968 (−0.3329999999827968 %). Fair = 2,924e18 − 2,924 ×
    ///      3329999999827968 = 2,914.263080000503021568. Funding index −0.0032675 × 2,924 × 4 = −38.21668 a unit.
    ///      Buffer = collateral + 333 × fair − cost basis + 333 × 38.21668 − ⌈2.5 % × 333 × fair⌉, with 333 × fair =
    ///      970,449.605640167506182144 and MM ⌈24,261.2401410041876545536⌉ = 24,261.240141004187654554:
    ///      V0 50,230.41683325 + 970,449.605640167506182144 − 999,166.3335 + 12,726.15444 − 24,261.240141004187654554
    ///      = 9,978.60327241331852759; W 50,965.91725008325 + … − 1,000,165.4998335 + … = 9,714.93735574656852759.
    ///      Funding owed by SHORT_LEG: 3,330 × 38.21668 = 127,261.5444.
    function test_longerHoldsOfTheBigPush_fundingOutrunsTheDrift() public {
        _buildBook(3_330e18);
        _close(LONG_LEG, eth);
        vm.warp(T0 + 1 hours);
        assertEq(engine.marketPrices(eth).fairPremium, -0.001e18, "one hour at the cap");
        assertEq(engine.maintenanceMargin(victims[0]), 2_645.97224325e18, "V0 after 1 h");
        assertEq(engine.maintenanceMargin(W), 2_382.30632658325e18, "W after 1 h");
        assertEq(engine.accruedFunding(SHORT_LEG, eth), 31_815.3861e18, "the push pays 31,815.3861 an hour");
        vm.warp(T0 + 4 hours);
        assertEq(engine.marketPrices(eth).fairPremium, -3_329_999_999_827_968, "EMA after 4 h");
        assertEq(engine.maintenanceMargin(victims[0]), 9_978.60327241331852759e18, "V0 after 4 h");
        assertEq(engine.maintenanceMargin(W), 9_714.93735574656852759e18, "W after 4 h");
        assertEq(engine.accruedFunding(SHORT_LEG, eth), 127_261.5444e18, "funding after 4 h");
    }

    /// @dev The cheapest hold that liquidates someone: a 500 ETH push (premium −0.05 %, just above where the drift cap
    ///      binds for half an hour: the cap binds up to 1,794 s, the EMA from 1,795 s) held 1,800 s. x = 1,800 / 300 =
    ///      6, the premium weight ω = w(1.5)⁴: denominator 1 + 1.5 + 1.125 + 0.5625 = 4.1875e18, w(1.5) =
    ///      238805970149253731, squared 57028291378926264, squared again 3252226017599715; P_f = −trunc(5e14 ×
    ///      996747773982400285 / 1e18) = −498373886991200 (above the cap −5e14): fair = 2,924e18 − 2,924 ×
    ///      498373886991200 = 2,922.5427547544377312. Funding −0.04375 %/h: index −0.639625 a unit. W's buffer falls
    ///      to −110.01855851967962264 and W is liquidatable; V0's is W's + (50,230.41683325 − 50,965.91725008325) +
    ///      (1,000,165.4998335 − 999,166.3335) = W's + 263.66591666675 = 153.64735814707037736. The attacker buys back
    ///      (skew 0) and liquidates W: slice 66.6 ETH at 2,924 × (1 − 33.3 / 1,000,000) = 2,923.9026308 (within its
    ///      bound from the fair skew −498.4), notional 194,731.91521128, fee 973.6595760564, keeper reward
    ///      194.731915 USDC.
    ///      W becomes liquidatable at 1,033 s (the cap binds: P_f = −⌊1e15 × t / 3,600⌋; funding index
    ///      −⌊0.0004375e18 × 2,924 × t / 3,600⌋ a unit; buffer = 50,965.91725008325 + 333 × fair − 1,000,165.4998335
    ///      + 333 × |index| − ⌈2.5 % × 333 × fair⌉):
    ///      t = 1,032: P_f −286666666666666, fair 2,924 − 0.838213333333331384 = 2,923.161786666666668616, 333 × fair
    ///        973,412.874960000000649128, index −0.366718333333333333 (+122.117204999999999889), MM
    ///        24,335.321874000000016229: buffer 0.087707583250632788 > 0;
    ///      t = 1,033: P_f −286944444444444, fair 2,924 − 0.839025555555554256 = 2,923.160974444444445744, 333 × fair
    ///        973,412.60449000000043275, index −0.367073680555555555 (+122.235535624999999815), MM
    ///        24,335.315112250000010819: buffer −0.057670041749578252 < 0.
    ///      Attacker: book fees (333 and 167 a side) 1,023.5420254052, LONG_LEG's close 730.81725 (taker), SHORT_LEG's
    ///      292.3269 (maker), funding 500 × 0.639625 = 319.8125; the legs' PnL cancels: −2,366.4986754052, +194.731915
    ///      of reward: −2,171.7667604052.
    function test_cheapestHoldThatLiquidates_costsMoreThanItGains() public {
        int256 start = _wealth(LONG_LEG) + _wealth(SHORT_LEG);
        _buildBook(333e18);
        _buildBook(167e18);
        _close(LONG_LEG, eth);
        vm.warp(T0 + 1_032);
        assertEq(engine.maintenanceMargin(W), 0.087707583250632788e18, "W not yet liquidatable at 1,032 s");
        vm.warp(T0 + 1_033);
        assertEq(engine.maintenanceMargin(W), -0.057670041749578252e18, "W liquidatable from 1,033 s");
        vm.warp(T0 + 1_800);
        _close(SHORT_LEG, eth);
        assertEq(engine.marketPrices(eth).fairPremium, -498_373_886_991_200, "EMA after 1,800 s");
        assertEq(engine.maintenanceMargin(W), -110.01855851967962264e18, "W liquidatable");
        assertEq(engine.maintenanceMargin(victims[0]), 153.64735814707037736e18, "V0 is not");

        vm.prank(SHORT_LEG);
        (uint256 notional, uint256 reward) = liquidator.liquidate(W);
        assertEq(notional, 194_731.91521128e18, "slice of 66.6 at 2,923.9026308");
        assertEq(reward, 194.731915e18, "keeper reward");
        int256 result = _wealth(LONG_LEG) + _wealth(SHORT_LEG) - start;
        assertEq(result, -2_366.4986754052e18 + 194.731915e18, "the attacker loses 2,171.7667604052");
    }

    // ------------------------------------------------------------------ helpers

    /// @dev LONG_LEG buys `size` and SHORT_LEG sells it back, in steps of at most 333. The first call adds a second
    ///      deep LP's 10,000,000: each side of the book (up to 3,663 + 3,330 ETH × 2,924 = 20,447,532) must fit the
    ///      cash.
    function _buildBook(int256 size) private {
        if (lpVault.balanceOf(DEEP_LP2) == 0) _lpDeposit(DEEP_LP2, 10_000_000e6);
        while (size > 0) {
            int256 step = size < Q ? size : Q;
            _trade(LONG_LEG, eth, step);
            _trade(SHORT_LEG, eth, -step);
            size -= step;
        }
    }

    /// @dev `account` is not liquidatable, and its buffer fell by at most its size times the trigger move (the funding
    ///      the push pays it only helps).
    function _assertHealthy(address account, int256 bufferBefore, uint256 moved) private {
        int256 margin = engine.maintenanceMargin(account);
        assertGe(margin, bufferBefore - int256(333 * moved) - 1, "fell by at most size x move (+1 wei of rounding)");
        assertTrue(margin > 0, "healthy");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, account, margin));
        liquidator.liquidate(account);
    }
}
