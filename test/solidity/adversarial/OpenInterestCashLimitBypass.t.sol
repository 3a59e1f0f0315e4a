// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {RefPricing} from "./AdversarialFixture.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, high): the cash limit on the vault's exposure could be bypassed. It capped the
///         market's NET skew on trades that grow |skew|, so a hedged book built in alternating steps passed every
///         check and closing one leg (an own reduction, exempt) left the other naked: 9,000 ETH of skew, 47x the limit,
///         and a 4 % move took the traders' profit past the vault's cash. A flash-loaned LP deposit lifted the limit
///         for an open that outlived the redemption. Now each SIDE of the open interest is capped
///         (`openInterestCashRatio` × cash on every trade that grows that side), so whatever a later own reduction
///         does, the skew is at most the larger side, ≤ ratio × cash / oracle; and LP exits keep `requiredCash` (the
///         largest side × oracle / ratio).
/// @dev The local ETH market (3,000 USD, skewScale 1M, maxPremium 10 %, maxSkew 680, maker 2 bp, taker 5 bp, tiers up
///      to 10M at 10x), openInterestCashRatio 50 % (the local deployment), provider 1,000,000 USDC. Fills and fees come
///      from the reference pricing (`RefPricing`); a trade's fee reaches the vault before the limit is checked.
///      Before (commit af467cf^, the red team's test): the three pairs' 30 alternating steps of 100 ETH all passed, the
///      short legs closed, skew 9,000 ETH (27,000,000 USD against a limit of about 576,306); at +4 % the traders'
///      profit (about 1,204,173) passed the vault's cash (about 1,152,612), the vault's collateral went negative, the
///      attacker withdrew about +1,045,920 and an honest 200,000 withdrawal reverted `InsufficientVaultBalance`. The
///      flash variant redeemed all of a 4,000,000 deposit around a 680 ETH open (2,040,000 of skew against about
///      1,000,000 of cash).
///      After: the second long step is refused; the long side reaches at most 166.718348560223976986 ETH and the
///      short side 166.725022286111761990 (each at ±1 wei); closing the short legs leaves a skew of
///      166.718348560223976986 (500,155.045680671930958 USD, within the limit the long leg met); at +4 % the traders'
///      profit is 20,027.885032259743331554 against 1,000,620.251594270006777164 of cash; the attacker makes
///      19,303.592516445739838442 (the move on a position the limit allows) and Alice's 200,000 is paid. The flash
///      deposit can redeem only 920,100.246552 of its 3,996,020.253930 while the 680 ETH stays open.
contract OpenInterestCashLimitBypassTest is ReviewFixture {
    address internal constant SHORT1 = address(0x5B01);
    address internal constant SHORT2 = address(0x5B02);

    uint256 internal constant K = 1_000_000e18;
    uint256 internal constant M = 0.1e18;
    /// @dev The largest long (from skew 0, after the first pair) and short (from skew X_STAR) the limit lets through:
    ///      bisection on notional(size) ≤ ⌊(cash + fee(size)) / 2⌋ with the reference fill and fee.
    uint256 internal constant X_STAR = 66_718348560223976986;
    uint256 internal constant Y_STAR = 66_725022286111761990;

    MockOracleAdapter internal ethOracle;
    uint256 internal eth;
    uint256 internal oracle = 3_000e18;
    /// @dev The liquidity vault's collateral as the trades move it: +fees − realised PnL of the traders.
    int256 internal lpExpected = 1_000_000e18;

    function setUp() public override {
        super.setUp();
        ethOracle = new MockOracleAdapter(3_000e18);
        eth = engine.listMarket("ETH", localEthParams(ethOracle), cryptoTiers());
        engine.setOpenInterestCashRatio(0.5e18);
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(ALICE, 200_000e6);
        _fund(MALLORY, 1_000_000e6);
        _fund(MALLORY2, 1_000_000e6);
        _fund(SHORT1, 1_000_000e6);
        _fund(SHORT2, 1_000_000e6);
    }

    /// @dev 167 × 3,000 = 501,000 > ⌊(1,000,000 + her fee) × 50 %⌋. Her fill: 3,000 × (1 + 83.5 / 1M) = 3,000.2505; fee
    ///      5 bp × 167 × 3,000.2505 = 250.52091675: limit 500,125.260458375. (Unchanged: a single open grows one side.)
    function test_directOpen_refusedAtTheLimit() public {
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.OpenInterestAboveCashLimit.selector, eth, 501_000e18, 500_125.260458375e18
            )
        );
        engine.trade(ALICE, eth, 167e18, type(uint256).max);
    }

    /// @dev The red team's hedged book, leg by leg.
    ///      1. MALLORY +100 from 0: fill 3,000.15, taker 150.0075; long side 300,000 ≤ ⌊1,000,150.0075 / 2⌋.
    ///      2. SHORT1 −100 from 100: fill 3,000.15, maker 60.003; short side 300,000.
    ///      3. MALLORY2 +100 (the red team's next step): long side 200 × 3,000 = 600,000 against
    ///         ⌊(1,000,210.0105 + 150.0075) / 2⌋ = 500,180.009: refused. Its largest fit X_STAR (long side 100 +
    ///         X_STAR, notional 500,155.045680671930958 ≤ 500,155.045680671930959067); one wei more:
    ///         500,155.045680671930961 against …959068.
    ///      4. SHORT2 from skew X_STAR: the largest fit Y_STAR (short side 100 + Y_STAR, 500,175.066858335285970 ≤
    ///         …972711); one wei more: …973000 against …972712.
    ///      5. SHORT1 and SHORT2 close (own reductions, exempt): skew = 100 + X_STAR = 166.718348560223976986, worth
    ///         500,155.045680671930958, within the limit the long leg met (before: 9,000 ETH).
    ///      6. +4 % in the same block (3,120, no funding): traders' profit = ⌈3,120 × (S + S² / 2M)⌉ − cost basis
    ///         of the two longs = 20,027.885032259743331554; the vault's cash 1,000,620.251594270006777164 (deposit + fees −
    ///         the short legs' realised PnL). The longs close; the vault keeps 980,696.407483554260161558; the attacker
    ///         (four accounts) is up 19,303.592516445739838442 = what the vault lost; Alice withdraws 200,000.
    function test_hedgedBook_legsRefusedAtTheLimit_closedLegLeavesTheSkewWithinIt() public {
        _tradeAndBook(MALLORY, 100e18);
        _tradeAndBook(SHORT1, -100e18);
        assertEq(_cash(), 1_000_210.0105e18, "1,000,000 + 150.0075 + 60.003");

        _expectRefused(MALLORY2, 100e18, 600_000e18, 500_180.009e18);
        _expectRefused(MALLORY2, int256(X_STAR + 1), 500_155_045680671930961000, 500_155_045680671930959068);
        _tradeAndBook(MALLORY2, int256(X_STAR));
        uint256 longLimit = _cash() / 2;
        assertEq(longLimit, 500_155_045680671930959067, "the limit the long leg met");
        assertEq(engine.marketPrices(eth).openInterestLong, 100e18 + X_STAR, "long side");

        _expectRefused(SHORT2, -int256(Y_STAR + 1), 500_175_066858335285973000, 500_175_066858335285972712);
        _tradeAndBook(SHORT2, -int256(Y_STAR));
        assertEq(engine.marketPrices(eth).openInterestShort, 100e18 + Y_STAR, "short side");

        _tradeAndBook(SHORT1, 100e18);
        _tradeAndBook(SHORT2, int256(Y_STAR));
        int256 skew = engine.marketState(eth).skew;
        assertEq(skew, int256(100e18 + X_STAR), "the long side, naked");
        assertEq(uint256(skew) * 3_000, 500_155_045680671930958000, "its notional");
        assertLe(uint256(skew) * 3_000, longLimit, "within 50 % of the cash the long leg was judged against");
        assertEq(vault.collateralOf(address(lpVault)), lpExpected, "the vault's collateral as booked");
        assertEq(_cash(), 1_000_620_251594270006777164, "cash after the book");

        ethOracle.setPrice(3_120e18);
        oracle = 3_120e18;
        uint256 cost = uint256(
            int256(engine.position(MALLORY, eth).openNotional) + int256(engine.position(MALLORY2, eth).openNotional)
        );
        uint256 s = uint256(skew);
        uint256 netExit = Math.mulDiv(3_120e18, s * 1e18 + RefPricing.area(skew, K, M), 1e36, Math.Rounding.Ceil);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, netExit - cost, "net exit value at 3,120 - cost basis");
        assertEq(profit, 20_027_885032259743331554, "20,027.885032259743331554");
        assertEq(cash, 1_000_620_251594270006777164, "the vault's cash");

        _tradeAndBook(MALLORY, -100e18);
        _tradeAndBook(MALLORY2, -int256(X_STAR));
        assertEq(vault.collateralOf(address(lpVault)), lpExpected, "the vault's collateral as booked");
        assertEq(lpExpected, 980_696_407483554260161558, "980,696.407483554260161558");
        int256 attacker = vault.collateralOf(MALLORY) + vault.collateralOf(MALLORY2) + vault.collateralOf(SHORT1)
            + vault.collateralOf(SHORT2) - 4_000_000e18;
        assertEq(attacker, 19_303_592516445739838442, "the attacker's result");
        assertEq(attacker, 1_000_000e18 - lpExpected, "exactly what the vault lost");
        assertEq(lpVault.totalAssets(), 980_696_407483, "the provider keeps 98 %");

        vm.prank(ALICE);
        vault.withdraw(200_000e6, ALICE);
        assertEq(usdc.balanceOf(ALICE), 200_000e6, "the honest trader is paid");
    }

    /// @dev The flash variant: backing ratio 25 % (its minimum), liquidity fee 0.1 %, ratio 50 %. Mallory deposits
    ///      4,000,000: fee ⌈4e12 × 0.001 / 1.001⌉ = 3,996,003,997 units stays in the vault, her shares
    ///      (4e12 − 3,996,003,997) × (1e24 + 1e12) / (1e12 + 1) = 3,996,003,996,003e12. She buys 680 ETH from 0 (fill
    ///      3,001.02, taker 1,020.3468; long side 2,040,000 ≤ ⌊5,001,020.3468 / 2⌋). The vault: collateral and NAV
    ///      5,001,020.3468 (the net position's exit value equals its cost basis), required backing 680 × 3,000 × 25 % =
    ///      510,000, required cash ⌈⌈680 × 3,000⌉ / 50 %⌉ = 4,080,000. Liquidity = min(5,001,020.3468 − 510,000,
    ///      5,001,020.3468 − 4,080,000) = 921,020.3468. Her whole redemption (3,996,020.253930 after the fee) reverts
    ///      `ERC4626ExceededMaxRedeem` at ⌊921,020,346,800 × (supply + 1e12) / (5,001,020,346,800 + 1)⌋ shares; that
    ///      many pay 921,020.346799 − ⌈921,020.346799 × 0.001 / 1.001⌉ = 920,100.246552. The vault keeps
    ///      4,080,920.100248: the long side 2,040,000 stays within ⌊4,080,920.100248 / 2⌋. Only closing the open frees
    ///      the rest (then nothing is required and she redeems everything).
    function test_flashLpDeposit_redeemCappedByTheCashTheOpenInterestNeeds() public {
        engine.setBackingRatio(0.25e18);
        lpVault.setLiquidityFee(0.001e18);
        uint256 shares = _lpDeposit(MALLORY, 4_000_000e6);
        assertEq(shares, (4e12 - 3_996_003_997) * 1e12, "her shares");
        uint256 fill = RefPricing.fill(3_000e18, 0, 680e18, K, M);
        assertEq(fill, 3_001.02e18, "3,000 x (1 + 340 / 1M)");
        assertEq(RefPricing.fee(0, 680e18, fill, 0.0002e18, 0.0005e18), 1_020.3468e18, "taker on 2,040,693.6");
        _trade(MALLORY, eth, 680e18);

        uint256 total = 5_001_020_346800;
        assertEq(lpVault.totalAssets(), total, "NAV");
        assertEq(lpVault.requiredBackingAssets(), 510_000e6, "25 % of 2,040,000");
        assertEq(lpVault.requiredCashAssets(), 4_080_000e6, "2,040,000 / 50 %");
        uint256 liquidity = total - 4_080_000e6;
        assertEq(lpVault.availableLiquidity(), liquidity, "921,020.3468");
        uint256 supply = lpVault.totalSupply();
        uint256 maxShares = Math.mulDiv(liquidity, supply + 1e12, total + 1);
        assertEq(maxShares, 920_096_503098048502761612, "the shares that liquidity is worth");
        vm.startPrank(MALLORY);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxRedeem.selector, MALLORY, shares, maxShares));
        lpVault.redeem(shares, MALLORY, MALLORY);
        uint256 back = lpVault.redeem(maxShares, MALLORY, MALLORY);
        vm.stopPrank();
        uint256 gross = Math.mulDiv(maxShares, total + 1, supply + 1e12);
        assertEq(gross, 921_020_346799, "their value");
        assertEq(back, gross - Math.mulDiv(gross, 0.001e18, 1.001e18, Math.Rounding.Ceil), "less the exit fee");
        assertEq(back, 920_100_246552, "920,100.246552 of the 4,000,000");

        uint256 cash = _cash();
        assertEq(cash, 4_080_920.100248e18, "5,001,020.3468 - 920,100.246552");
        assertLe(engine.marketPrices(eth).openInterestLong * 3_000, cash / 2, "the open interest stays within 50 %");

        // The rest comes back only once the open is gone.
        _close(MALLORY, eth);
        uint256 rest = lpVault.balanceOf(MALLORY);
        assertEq(lpVault.maxRedeem(MALLORY), rest, "all of it, nothing open");
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A trade at the reference fill; books its fee and the realised PnL of a full close into `lpExpected`.
    function _tradeAndBook(address account, int256 delta) private {
        int256 skew = engine.marketState(eth).skew;
        uint256 fill = RefPricing.fill(oracle, skew, delta, K, M);
        lpExpected += int256(RefPricing.fee(skew, delta, fill, 0.0002e18, 0.0005e18));
        int256 size = engine.position(account, eth).size;
        if (size != 0 && size == -delta) {
            // A full close realises floor(size × fill) − cost basis (PositionMath).
            int256 proceeds = size * int256(fill);
            proceeds = proceeds >= 0 ? proceeds / 1e18 : -((-proceeds + 1e18 - 1) / 1e18);
            lpExpected -= proceeds - engine.position(account, eth).openNotional;
        }
        assertEq(_trade(account, eth, delta), fill, "reference fill");
    }

    function _expectRefused(address account, int256 delta, uint256 notional, uint256 limit) private {
        int256 skew = engine.marketState(eth).skew;
        uint256 fee = RefPricing.fee(skew, delta, RefPricing.fill(oracle, skew, delta, K, M), 0.0002e18, 0.0005e18);
        assertEq((_cash() + fee) / 2, limit, "limit: half the cash after the trade's own fee");
        vm.prank(account);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestAboveCashLimit.selector, eth, notional, limit));
        engine.trade(account, eth, delta, delta > 0 ? type(uint256).max : 0);
    }

    function _cash() private view returns (uint256) {
        (int256 collateral, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        return uint256(collateral) - debt;
    }
}
