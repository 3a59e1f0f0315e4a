// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ParameterOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {Protocol, deployProtocol} from "../utils/ProtocolDeploy.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {PremiumModel} from "./PremiumModel.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The fully wired protocol (a real liquidity vault) with one provider, for the pnl-factor tests.
abstract contract PnlFactorFixture is LiquidationFixture {
    address internal constant EVE = address(0xE7E);
    address internal constant DAVE = address(0xDA7E);

    LiquidityVault internal lpVault;

    function setUp() public virtual override {
        vm.warp(T0);
        Protocol memory p = deployProtocol(address(this));
        (usdc, vault, engine, lpVault, fund, liquidator) = (p.usdc, p.vault, p.engine, p.lpVault, p.fund, p.liquidator);
    }

    function _provide(uint256 usdcAmount) internal {
        usdc.mint(PROVIDER, usdcAmount);
        vm.startPrank(PROVIDER);
        usdc.approve(address(lpVault), type(uint256).max);
        lpVault.deposit(usdcAmount, PROVIDER);
        vm.stopPrank();
    }

    /// @dev The liquidity vault's cash as `pnlFactor` defines it: its collateral less the vault's total debt.
    function _cash() internal view returns (uint256) {
        (int256 collateral, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        return uint256(collateral - int256(debt));
    }
}

/// @notice Pnl-factor reduction (finding 13, brief rule 8): while traders' unrealised profit against the liquidity
///         vault exceeds maxPnlFactor of its cash, anyone may queue a reduction of the winning side of the market where
///         the traders win the most against the vault; after the ranking window the highest-ranked candidate is closed
///         at the bounded market fill, paying the trading fee, and the caller earns keeperShare of the vault's part of
///         that fee (whole USDC units) from the liquidity vault; without a ranked candidate the request resolves.
/// @dev Market FEE: exact (no premium, no funding, fill = oracle) with maker 2 bp / taker 5 bp, at 150,000. The
///      provider deposits 150,000. Carol (30,000 USDC) buys 0.6 and Eve (40,000 USDC) buys 0.4, both taker:
///      fees 0.6 × 150,000 × 0.0005 = 45 and 30, so the vault's cash is 150,075 and its short 1 unit fits in it.
///      Traders' profit at P: P × 1 − 150,000 (cost basis 150,000, net exit value ceil(1 × P)); limit
///      floor(150,075 × 0.5) = 75,037.5. So profit = limit at P_b = 225,037.5, and one wei of price is one wei of
///      profit. Market ZRO (exact, 1,000) has no trader: zero skew.
contract PnlFactorReductionTest is PnlFactorFixture {
    uint256 internal constant P_B = 225_037.5e18;

    MockOracleAdapter internal feeOracle;
    MockOracleAdapter internal zroOracle;
    uint256 internal feeMarket;
    uint256 internal zro;

    function setUp() public override {
        super.setUp();
        feeOracle = new MockOracleAdapter(150_000e18);
        MarketParams memory params = exactParams(feeOracle);
        params.makerFee = 0.0002e18;
        params.takerFee = 0.0005e18;
        feeMarket = engine.listMarket("FEE", params, oneTier(5e18, 0.05e18));
        zroOracle = new MockOracleAdapter(1_000e18);
        zro = engine.listMarket("ZRO", exactParams(zroOracle), oneTier(5e18, 0.05e18));
        _provide(150_000e6);
        _fund(CAROL, 30_000e6);
        _trade(CAROL, feeMarket, 0.6e18);
        _fund(EVE, 40_000e6);
        _trade(EVE, feeMarket, 0.4e18);
        assertEq(_cash(), 150_075e18, "150,000 + 45 + 30 of fees");
    }

    // profit = limit: refused; one wei above: queued for FEE (longs win there; ZRO, with no trader, is not negative),
    // then a second request is refused while it is pending.
    function test_request_atBoundary_errors_andQueue() public {
        feeOracle.setPrice(P_B);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 75_037.5e18, "P_b - 150,000");
        assertEq(cash, 150_075e18, "cash");
        vm.expectRevert(
            abi.encodeWithSelector(IAutoDeleveraging.PnlFactorWithinLimit.selector, 75_037.5e18, 75_037.5e18)
        );
        liquidator.requestPnlReduction();

        feeOracle.setPrice(P_B + 1);
        (int256 feePnl,) = engine.counterpartyPnlOf(feeMarket);
        (int256 zroPnl,) = engine.counterpartyPnlOf(zro);
        assertEq(feePnl, -75_037.5e18 - 1, "150,000 - ceil(1 x (P_b + 1 wei))");
        assertEq(zroPnl, 0, "no trader in ZRO");
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.PnlReductionRequested(0, feeMarket, true, 75_037.5e18 + 1, 150_075e18);
        assertEq(liquidator.requestPnlReduction(), 0, "request 0");
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "pending");
        assertEq(id, 0, "id");
        assertEq(r.account, address(0), "a reduction, not a shortfall");
        assertEq(r.marketId, feeMarket, "market");
        assertTrue(r.victimsLong, "longs are reduced");
        assertEq(r.openedAt, T0, "opened");
        assertEq(r.remaining, 0, "no shortfall");
        assertEq(liquidator.totalShortfall(), 0, "none");

        vm.expectRevert(IAutoDeleveraging.PnlReductionPending.selector);
        liquidator.requestPnlReduction();
    }

    // The request names no market: it targets the one where the traders win the most against the vault (the most
    // negative `counterpartyPnlOf`). Dave longs 100 ZRO at 1,000 (exact, IM 20,000; 100,000 ≤ the vault's cash) and ZRO
    // goes to 2,000: ZRO's PnL for the vault is 100,000 − 100 × 2,000 = −100,000. FEE at P: 150,000 − P.
    //   P = 200,000: FEE −50,000, ZRO −100,000: ZRO (id 1, not the first market) is chosen.
    //   P = 250,000 − 1 wei: FEE −100,000 + 1 wei: still ZRO; P = 250,000: a tie, the first market found (FEE) is kept.
    // Profit in each case: 100,000 + (P − 150,000) > limit floor(150,075 × 0.5) = 75,037.5.
    function test_request_targetsTheMarketWhereTradersWinMost_boundary() public {
        _fund(DAVE, 25_000e6);
        _trade(DAVE, zro, 100e18);
        zroOracle.setPrice(2_000e18);
        uint256[3] memory prices = [uint256(200_000e18), 250_000e18 - 1, 250_000e18];
        uint256[3] memory chosen = [zro, zro, feeMarket];
        for (uint256 i; i < 3; ++i) {
            uint256 snap = vm.snapshotState();
            feeOracle.setPrice(prices[i]);
            (int256 zroPnl,) = engine.counterpartyPnlOf(zro);
            assertEq(zroPnl, -100_000e18, "100 x (1,000 - 2,000)");
            (int256 feePnl,) = engine.counterpartyPnlOf(feeMarket);
            assertEq(feePnl, 150_000e18 - int256(prices[i]), "150,000 - P");
            uint256 profit = 100_000e18 + prices[i] - 150_000e18;
            vm.expectEmit(address(liquidator));
            emit IAutoDeleveraging.PnlReductionRequested(0, chosen[i], true, profit, 150_075e18);
            vm.prank(KEEPER);
            liquidator.requestPnlReduction();
            (,, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
            assertEq(r.marketId, chosen[i], "the market where the traders win the most");
            vm.revertToState(snap);
        }
    }

    // No market has traders winning (every counterpartyPnlOf ≥ 0), yet the factor is over its limit: only the
    // insurance fund's pending fees count against the vault. Insurance share 50 %, maxPnlFactor 0.1; market RT (exact,
    // 150,000, maker = taker = 1 %): each 1-unit round trip by Dave pays 1,500 + 1,500 of fees (all to the vault's
    // collateral) of which floor(1,500 × 0.5) × 2 = 1,500 is owed to the fund. After n round trips: profit = 1,500 n,
    // cash = 150,075 + 3,000 n, limit = floor(cash × 0.1) = 15,007.5 + 300 n: within for n = 12 (18,000 ≤ 18,607.5),
    // over for n = 13 (19,500 > 18,907.5). With FEE at 150,000 (its PnL 150,000 − 150,000 = 0), no market is
    // negative: `NoWinningSide()`. One wei more on FEE's oracle makes its PnL −1 wei: the request goes to FEE.
    function test_request_noWinningSide_whenOnlyPendingFeesCount() public {
        engine.setInsuranceFeeShare(address(fund), 0.5e18);
        liquidator.setMaxPnlFactor(0.1e18);
        MarketParams memory params = exactParams(new MockOracleAdapter(150_000e18));
        params.makerFee = 0.01e18;
        params.takerFee = 0.01e18;
        uint256 rt = engine.listMarket("RT", params, oneTier(5e18, 0.05e18));
        _fund(DAVE, 70_000e6);
        for (uint256 n = 1; n <= 13; ++n) {
            _trade(DAVE, rt, 1e18);
            _trade(DAVE, rt, -1e18);
            if (n == 12) {
                vm.expectRevert(
                    abi.encodeWithSelector(IAutoDeleveraging.PnlFactorWithinLimit.selector, 18_000e18, 18_607.5e18)
                );
                liquidator.requestPnlReduction();
            }
        }
        assertEq(engine.pendingInsuranceFees(), 19_500e18, "13 x 1,500 owed to the fund");
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 19_500e18, "the pending fees alone");
        assertEq(cash, 189_075e18, "150,075 + 13 x 3,000");
        for (uint256 id; id < 3; ++id) {
            (int256 pnl,) = engine.counterpartyPnlOf(id);
            assertEq(pnl, 0, "no market where the traders win");
        }
        vm.expectRevert(IAutoDeleveraging.NoWinningSide.selector);
        liquidator.requestPnlReduction();

        feeOracle.setPrice(150_000e18 + 1);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionRequested(0, feeMarket, true, 19_500e18 + 1, 189_075e18);
        liquidator.requestPnlReduction();
    }

    // A reduction with no ranked candidate after its window resolves (before, `executeAdl` reverted
    // `NoAdlCandidates` and the request held the single slot). A new request may then be queued (the factor is still
    // over its limit), and worked.
    function test_execute_withoutRankedCandidate_resolves_nextRequestWorks() public {
        feeOracle.setPrice(P_B + 1);
        liquidator.requestPnlReduction();
        vm.warp(T0 + 59);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();
        vm.warp(T0 + 60);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, feeMarket).size, 0.6e18, "carol untouched");
        assertEq(engine.position(EVE, feeMarket).size, 0.4e18, "eve untouched");

        assertEq(liquidator.requestPnlReduction(), 1, "a new request");
        liquidator.submitAdlCandidate(CAROL);
        vm.warp(T0 + 120);
        vm.prank(KEEPER);
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, feeMarket).size, 0, "the next request is worked");
    }

    // After the window, Carol (higher leverage: 135,022.5 of notional on 74,977.5 of equity against Eve's 90,015 on
    // 69,985; the same PnL % 0.50025) is closed in full at the bounded fill P = P_b + 1 (the oracle: no premium).
    //   realised floor(0.6 × P) − 90,000 = 135,022.5 − 90,000 = 45,022.5
    //   fee: she sells into a +1 skew, all maker: ceil(ceil(0.6 × P) × 0.0002) = ceil((135,022.5e18 + 1) × 0.0002)
    //        = 27.0045e18 + 1
    //   caller: floor(0.2 × fee) = 5.4009e18 → 5.400900 USDC, paid out of the liquidity vault.
    //   Carol: 30,000 − 45 + 45,022.5 − 27.0045 − 1 wei; the vault: 150,075 − 45,022.5 + 27.0045 + 1 wei − 5.4009.
    // Then the profit is Eve's ceil(0.4 × P) − 60,000 = 30,015e18 + 1 against a limit of
    // floor((105,074.1036e18 + 1) / 2) = 52,537.0518e18: the next call resolves the request.
    function test_execute_closesTopCandidate_paysCaller_resolvesWithinLimit() public {
        feeOracle.setPrice(P_B + 1);
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(EVE);
        liquidator.submitAdlCandidate(CAROL);
        assertTrue(liquidator.adlRank(CAROL, feeMarket) > liquidator.adlRank(EVE, feeMarket), "carol ranks first");

        vm.warp(T0 + 59);
        vm.expectRevert(abi.encodeWithSelector(IAutoDeleveraging.AdlRankingWindowOpen.selector, T0 + 60));
        liquidator.executeAdl();

        vm.warp(T0 + 60);
        uint256 fee = 27.0045e18 + 1;
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.Trade(CAROL, feeMarket, -0.6e18, P_B + 1, fee, 45_022.5e18, 0, 0);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.PnlReductionExecuted(0, CAROL, -0.6e18, P_B + 1, fee, 5.4009e18);
        vm.prank(KEEPER);
        assertEq(liquidator.executeAdl(), 0, "nothing covered: a reduction");
        assertEq(engine.position(CAROL, feeMarket).size, 0, "closed in full");
        assertEq(vault.collateralOf(CAROL), 74_950.4955e18 - 1, "30,000 - 45 + 45,022.5 - fee");
        assertEq(usdc.balanceOf(KEEPER), 5_400900, "caller: 20 % of the fee in whole USDC");
        assertEq(vault.collateralOf(address(lpVault)), 105_074.1036e18 + 1, "paid the profit, kept fee - reward");
        (,, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(r.lastProgressAt, T0 + 60, "progress");

        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 30_015e18 + 1, "eve's profit");
        assertEq(cash, 105_074.1036e18 + 1, "cash");
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(!pending, "resolved");
        assertEq(engine.position(EVE, feeMarket).size, 0.4e18, "eve untouched");
        vm.expectRevert(
            abi.encodeWithSelector(IAutoDeleveraging.PnlFactorWithinLimit.selector, 30_015e18 + 1, 52_537.0518e18)
        );
        liquidator.requestPnlReduction();
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    // The price falls back within the limit during the window: the request resolves with no victim.
    function test_execute_resolvesWithoutVictim_whenBackWithinLimit() public {
        feeOracle.setPrice(P_B + 1);
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(CAROL);
        feeOracle.setPrice(P_B);
        vm.warp(T0 + 60);
        vm.expectEmit(true, false, false, false);
        emit IAutoDeleveraging.AdlResolved(0);
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, feeMarket).size, 0.6e18, "untouched");
    }

    function test_setMaxPnlFactor_boundsOwnerEvent() public {
        assertEq(liquidator.maxPnlFactor(), 0.5e18, "default");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, KEEPER));
        liquidator.setMaxPnlFactor(0.4e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxPnlFactor"), 0.1e18 - 1, 0.1e18, 1e18
            )
        );
        liquidator.setMaxPnlFactor(0.1e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxPnlFactor"), 1e18 + 1, 0.1e18, 1e18
            )
        );
        liquidator.setMaxPnlFactor(1e18 + 1);

        // 1e18: limit 150,075 ≥ 75,037.5 + 1: within.
        vm.expectEmit(false, false, false, true);
        emit IAutoDeleveraging.MaxPnlFactorSet(1e18);
        liquidator.setMaxPnlFactor(1e18);
        feeOracle.setPrice(P_B + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAutoDeleveraging.PnlFactorWithinLimit.selector, 75_037.5e18 + 1, 150_075e18)
        );
        liquidator.requestPnlReduction();

        // 0.1e18: limit floor(150,075 × 0.1) = 15,007.5, so even P_b − 1 (profit 75,037.5e18 − 1) is beyond it.
        vm.expectEmit(false, false, false, true);
        emit IAutoDeleveraging.MaxPnlFactorSet(0.1e18);
        liquidator.setMaxPnlFactor(0.1e18);
        assertEq(liquidator.maxPnlFactor(), 0.1e18, "set");
        feeOracle.setPrice(P_B - 1);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.PnlReductionRequested(0, feeMarket, true, 75_037.5e18 - 1, 150_075e18);
        liquidator.requestPnlReduction();
    }
}

/// @notice The pnl-factor reduction is a forced close: a push against the victim in the same block cuts it to what
///         fits its bound, measured from the fair premium, exactly as in liquidation.
/// @dev Market PF: `premiumParams` (K = 10,000 units, maxPremium 0.2 %, no funding) with maker 2 bp / taker 5 bp, at
///      1,000. Provider 20,000; maxPnlFactor 0.1. Carol buys 10 from skew 0 at 1,000 × (1 + 10/20,000) = 1,000.5,
///      taker fee ceil(10,005 × 0.0005) = 5.0025: cash 20,005.0025, limit 2,000.50025. At 1,300 the traders' net exit
///      value is 1,300 × (10 + 100/20,000) = 13,006.5, so their profit 13,006.5 − 10,005 = 3,001.5 is beyond it.
///      Sixty seconds at premium +0.1 % move the fair premium by the drift cap 0.001 × 60 / 3,600, floored:
///      16,666,666,666,666 (fair skew 0.16666666666666 units). Alice then sells 13 (skew −3): Carol's close of 10 is
///      cut to about a ≤ 2 × (−3 − 0.1667) + 10 = 3.667 units.
contract PnlReductionBoundTest is PnlFactorFixture {
    uint256 internal constant K = 10_000e18;
    uint256 internal constant M = 0.002e18;
    int256 internal constant FAIR_PREMIUM = 16_666_666_666_666;
    int256 internal constant FAIR_SKEW = 166_666_666_666_660_000;

    MockOracleAdapter internal pfOracle;
    uint256 internal pf;

    function setUp() public override {
        super.setUp();
        pfOracle = new MockOracleAdapter(1_000e18);
        MarketParams memory params = premiumParams(pfOracle);
        params.makerFee = 0.0002e18;
        params.takerFee = 0.0005e18;
        pf = engine.listMarket("PF", params, oneTier(5e18, 0.05e18));
        liquidator.setMaxPnlFactor(0.1e18);
        _provide(20_000e6);
        _fund(CAROL, 3_000e6);
        _trade(CAROL, pf, 10e18);
        _fund(ALICE, 20_000e6);
    }

    function test_reduction_cutByAPush_toTheLargestFit() public {
        pfOracle.setPrice(1_300e18);
        engine.resetCircuitBreaker(pf); // so that Alice may still open after the 30 % move
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 3_001.5e18, "13,006.5 - 10,005");
        assertEq(cash, 20_005.0025e18, "20,000 + 5.0025");
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(CAROL);

        vm.warp(T0 + 60);
        _trade(ALICE, pf, -13e18);
        assertEq(engine.marketPrices(pf).fairPremium, FAIR_PREMIUM, "0.001 x 60 / 3,600");
        assertEq(engine.marketPrices(pf).skew, -3e18, "pushed");

        uint256 largest = PremiumModel.largestFit(1_300e18, -3e18, FAIR_SKEW, -10e18, K, M);
        (int256 closed, uint256 fill, uint256 boundPrice) = engine.quoteForcedClose(CAROL, pf, -10e18);
        assertEq(boundPrice, PremiumModel.fill(1_300e18, FAIR_SKEW, -10e18, K, M), "the bound: from the fair skew");
        uint256 c = uint256(-closed);
        assertLe(c, largest, "never beyond the largest fit");
        assertLe(largest - c, 10e18 >> 32, "within |delta| / 2^32");
        assertEq(fill, PremiumModel.fill(1_300e18, -3e18, closed, K, M), "the live fill of the fitted size");
        assertGe(fill, PremiumModel.fill(1_300e18, FAIR_SKEW, -10e18, K, M), "no worse than the bound");

        // Selling into a negative skew: all taker.
        uint256 fee = _mulDivUp(_mulDivUp(c, fill, 1e18), 0.0005e18, 1e18);
        uint256 reward = fee * 0.2e18 / 1e18 / 1e12 * 1e12;
        vm.expectEmit(true, true, false, true);
        emit IPerpEngine.ForcedCloseBounded(CAROL, pf, -10e18, closed);
        vm.expectEmit(true, true, false, true);
        emit IAutoDeleveraging.PnlReductionExecuted(0, CAROL, closed, fill, fee, reward);
        vm.prank(KEEPER);
        liquidator.executeAdl();
        assertEq(engine.position(CAROL, pf).size, 10e18 + closed, "the rest waits");
        assertEq(usdc.balanceOf(KEEPER) * 1e12, reward, "caller paid");
        (,, AdlRequest memory r, address[] memory candidates) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertEq(r.lastProgressAt, T0 + 60, "progress");
        assertEq(candidates.length, 1, "carol stays a candidate");
    }

    function _mulDivUp(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        return (a * b + d - 1) / d;
    }
}
