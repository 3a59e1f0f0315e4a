// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The engine trades (`trade`, `closePosition`) for another account only for an operator whose trade scope
///         is live in the collateral vault; the withdraw scope alone does not let it trade. An approval's price bound
///         caps how far from the oracle price the operator's fills may go against the account.
contract PerpEngineOperatorScopesTest is EngineFixture {
    /// @dev The bound that a 5,000-unit trade from zero skew on the ONE market reaches exactly: its average premium,
    ///      5,000 / 2 / 1,000,000 = 0.25 %.
    uint64 internal constant BOUND = 0.0025e18;
    int256 internal constant SIZE = 5_000e18;

    MockOracleAdapter internal oneOracle;
    uint256 internal one;

    function setUp() public override {
        super.setUp();
        // A market priced at 1 USD (the ETH market's parameters): a bound step of 1 wei moves its limit by 1 wei.
        oneOracle = new MockOracleAdapter(1e18);
        one = engine.listMarket("ONE", ethParams(oneOracle), twoTiers());
    }

    function _approve(bool t, uint40 te, bool w, uint40 we) private {
        vm.prank(ALICE);
        vault.approveOperator(CAROL, t, te, w, we);
    }

    function _tradeRefused(int256 size) private {
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.trade(ALICE, eth, size, size > 0 ? type(uint256).max : 0);
    }

    function test_tradeOnlyOperator_tradesAndClosesButCannotWithdraw() public {
        _approve(true, 0, false, 0);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "opened for alice");
        assertEq(int256(engine.position(CAROL, eth).size), 0, "nothing on the operator's account");

        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.NotAccountOrOperator.selector, CAROL, ALICE));
        vault.withdrawFrom(ALICE, 1e6, CAROL);
        assertEq(usdc.balanceOf(CAROL), 0, "nothing withdrawn");

        vm.prank(CAROL);
        engine.closePosition(ALICE, eth, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 0, "closed for alice");
    }

    function test_withdrawOnlyOperator_cannotTradeOrClose() public {
        _approve(false, 0, true, 0);
        _tradeRefused(1e18);
        vm.prank(ALICE);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.closePosition(ALICE, eth, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "position kept");
        // The scope it holds works: 1 USDC of the free collateral.
        vm.prank(CAROL);
        vault.withdrawFrom(ALICE, 1e6, CAROL);
        assertEq(usdc.balanceOf(CAROL), 1e6, "withdrew");
    }

    function test_tradeExpiry_toTheSecond() public {
        uint40 expiry = uint40(T0 + 1 days);
        _approve(true, expiry, false, 0);
        vm.warp(expiry - 1);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        assertEq(int256(engine.position(ALICE, eth).size), 1e18, "traded at expiry - 1");
        vm.warp(expiry);
        _tradeRefused(1e18);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.closePosition(ALICE, eth, 0);
        // The account itself still trades.
        vm.prank(ALICE);
        engine.closePosition(ALICE, eth, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 0, "closed by alice");
    }

    function test_revoke_stopsTrading() public {
        _approve(true, 0, true, 0);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        _approve(false, 0, false, 0);
        _tradeRefused(-1e18);

        vm.prank(ALICE);
        vault.setOperator(CAROL, true);
        vm.prank(CAROL);
        engine.trade(ALICE, eth, -1e18, 0);
        assertEq(int256(engine.position(ALICE, eth).size), 0, "setOperator(true) still lets it trade");
        vm.prank(ALICE);
        vault.setOperator(CAROL, false);
        _tradeRefused(1e18);
    }

    /// @dev A trade by the operator at `at` passes iff at < expiry (second implementation of the rule), with the
    ///      clock on either side of the expiry in two thirds of the runs.
    /// hardhat-config: default.fuzz.runs = 1000
    /// hardhat-config: long.fuzz.runs = 20000
    function testFuzz_operatorTradesIffBeforeExpiry(uint256 expirySeed, uint256 atSeed, uint8 mode) public {
        uint256 expiry = T0 + bound(expirySeed, 1, 365 days);
        _approve(true, uint40(expiry), false, 0);
        uint256 at = mode % 3 == 0 ? expiry - 1 : mode % 3 == 1 ? expiry : bound(atSeed, T0, T0 + 400 days);
        vm.warp(at);
        if (at < expiry) {
            vm.prank(CAROL);
            engine.trade(ALICE, eth, 0.1e18, type(uint256).max);
            assertEq(int256(engine.position(ALICE, eth).size), 0.1e18, "traded before expiry");
        } else {
            _tradeRefused(0.1e18);
            assertEq(int256(engine.position(ALICE, eth).size), 0, "refused from expiry on");
        }
    }

    // ------------------------------------------------------------------ price bound

    function _approveBounded(uint40 expiry, uint64 maxDeviation) private {
        vm.prank(ALICE);
        vault.approveOperatorWithPriceBound(CAROL, true, expiry, false, 0, maxDeviation);
    }

    /// @dev CAROL trades `size` for ALICE on ONE under `maxDeviation`; expects a refusal with `limit` when it is not 0.
    function _operatorTrade(uint256 marketId, int256 size, uint64 maxDeviation, uint256 fill, uint256 limit) private {
        uint256 snapshot = vm.snapshotState();
        _approveBounded(0, maxDeviation);
        vm.prank(CAROL);
        if (limit != 0) {
            vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, CAROL, fill, limit));
            engine.trade(ALICE, marketId, size, size > 0 ? type(uint256).max : 0);
            assertEq(int256(engine.position(ALICE, marketId).size), 0, "nothing traded");
        } else {
            assertEq(engine.trade(ALICE, marketId, size, size > 0 ? type(uint256).max : 0), fill, "fill");
            assertEq(int256(engine.position(ALICE, marketId).size), size, "traded for alice");
        }
        vm.revertToState(snapshot);
    }

    /// @dev A buy of 5,000 from zero skew fills at 1 × (1 + 0.25 %) = 1.0025 exactly (the premium integral is exact);
    ///      the limit is oracle × (1 + bound) rounded down = 1e18 + bound: at the bound it passes, 1 wei below the
    ///      fill it is refused, 1 wei above it passes.
    function test_priceBound_buy_atTheBoundAndOneWeiEitherSide() public {
        uint256 fill = 1.0025e18;
        _operatorTrade(one, SIZE, BOUND, fill, 0);
        _operatorTrade(one, SIZE, BOUND - 1, fill, fill - 1);
        _operatorTrade(one, SIZE, BOUND + 1, fill, 0);
    }

    /// @dev A sell of 5,000 from zero skew fills at 0.9975 exactly; the limit is oracle × (1 − bound) rounded up =
    ///      1e18 − bound.
    function test_priceBound_sell_atTheBoundAndOneWeiEitherSide() public {
        uint256 fill = 0.9975e18;
        _operatorTrade(one, -SIZE, BOUND, fill, 0);
        _operatorTrade(one, -SIZE, BOUND - 1, fill, fill + 1);
        _operatorTrade(one, -SIZE, BOUND + 1, fill, 0);
    }

    /// @dev Rounding against the operator: at an oracle of 1e18 + 1 the buy's exact fill and the exact limit are both
    ///      1.0025e18 + 1.0025; the fill rounds up (+2) and the limit down (+1), so the trade is refused. The sell's
    ///      exact fill and limit are both 0.9975e18 + 0.9975: the fill rounds down (+0), the limit up (+1).
    function test_priceBound_roundsAgainstTheOperator() public {
        oneOracle.setPrice(1e18 + 1);
        _operatorTrade(one, SIZE, BOUND, 1.0025e18 + 2, 1.0025e18 + 1);
        _operatorTrade(one, -SIZE, BOUND, 0.9975e18, 0.9975e18 + 1);
        // One wei of bound more (the limit moves by 1e18 + 1 over 1e18: one wei) lets both through.
        _operatorTrade(one, SIZE, BOUND + 1, 1.0025e18 + 2, 0);
        _operatorTrade(one, -SIZE, BOUND + 1, 0.9975e18, 0);
    }

    /// @dev 0 is no bound: the same trades pass however far they fill (a 5,000 buy at 0.25 % above the oracle).
    function test_priceBound_zeroIsUnbounded() public {
        _operatorTrade(one, SIZE, 0, 1.0025e18, 0);
        _operatorTrade(one, -SIZE, 0, 0.9975e18, 0);
        // The account's own trades read no bound, however far the operator's approval would allow.
        _approveBounded(0, 1);
        vm.prank(ALICE);
        assertEq(engine.trade(ALICE, one, SIZE, type(uint256).max), 1.0025e18, "the account's own trade is unbounded");
    }

    /// @dev A close sent by the operator is bounded too: ALICE's long of 2,000 after BOB sold 5,000 (skew −3,000)
    ///      closes from −3,000 to −5,000 at 1 × (1 − 0.4 %) = 0.996 < 0.9975 (the limit at 0.25 %); the account itself
    ///      may close there.
    function test_priceBound_appliesToClosePosition() public {
        _trade(ALICE, one, 2_000e18);
        _trade(BOB, one, -5_000e18);
        _approveBounded(0, BOUND);
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, CAROL, 0.996e18, 0.9975e18)
        );
        engine.closePosition(ALICE, one, 0);
        // At 0.4 % it passes.
        _approveBounded(0, 0.004e18);
        vm.prank(CAROL);
        assertEq(engine.closePosition(ALICE, one, 0), 0.996e18, "closed at the bound");
        assertEq(int256(engine.position(ALICE, one).size), 0, "closed");
    }

    /// @dev The expiry still applies to a bounded approval: at expiry − 1 the operator trades within the bound, at the
    ///      expiry it may not trade at all.
    function test_priceBound_expiryStillApplies() public {
        uint40 expiry = uint40(T0 + 1 hours);
        _approveBounded(expiry, BOUND);
        vm.warp(expiry - 1);
        vm.prank(CAROL);
        engine.trade(ALICE, one, 1_000e18, type(uint256).max);
        assertEq(int256(engine.position(ALICE, one).size), 1_000e18, "traded at expiry - 1");
        vm.warp(expiry);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, CAROL, ALICE));
        engine.trade(ALICE, one, 1_000e18, type(uint256).max);
    }

    /// @dev The bound is kept only with the trade scope: `approveOperator` and `setOperator` replace the approval
    ///      without a bound, so the operator's far fill passes again.
    function test_priceBound_replacedByApproveOperatorAndSetOperator() public {
        _approveBounded(0, 1);
        vm.prank(ALICE);
        vault.approveOperator(CAROL, true, 0, false, 0);
        _operatorTradeNoApproval(SIZE, 1.0025e18);
        _approveBounded(0, 1);
        vm.prank(ALICE);
        vault.setOperator(CAROL, true);
        _operatorTradeNoApproval(-SIZE, 0.9975e18);
    }

    function _operatorTradeNoApproval(int256 size, uint256 fill) private {
        uint256 snapshot = vm.snapshotState();
        vm.prank(CAROL);
        assertEq(engine.trade(ALICE, one, size, size > 0 ? type(uint256).max : 0), fill, "unbounded fill");
        vm.revertToState(snapshot);
    }
}
