// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {ISubAccounts} from "../../../contracts/interfaces/ISubAccounts.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";
import {Vm, vm} from "../utils/Vm.sol";

/// @notice The price bound on sub-account approvals: an operator approved with a bound on one sub-account
///         (`approveSubAccountOperator`) or on all of them (`approveOperatorForAllSubAccounts`) is refused
///         `OperatorPriceBoundExceeded` one wei past the bound and accepted exactly at it, on both sides; the
///         sub-account's own live approval takes precedence over the approval for all (its bound applies, tighter,
///         looser or none); a bound above 100 % is refused by both; the events carry the stored values.
/// @dev EngineFixture, plus the ONE market of `engine/PerpEngineOperatorScopes.t.sol` (oracle 1 USD, skewScale K = 1M,
///      nothing traded): a trade of d from zero skew fills at 1 × (1 + d / 2K), so 5,000 fills at 1.0025 (buy) or
///      0.9975 (sell) exactly. The engine's limit for a bound b is oracle × (1 + b) rounded down for a buy and
///      oracle × (1 − b) rounded up for a sell: at an oracle of exactly 1e18 both are exact, 1e18 + b and 1e18 − b, so
///      the bound 0.25 % puts the limit exactly on the fill and one wei less of bound puts the fill one wei past it.
///      Alice owns sub-accounts 1 and 2, 2,000 USD each, and keeps 6,000 USD on her own address (sub-account 0).
contract SubAccountPriceBoundTest is EngineFixture {
    address internal constant AGENT = address(0xA6E27);

    /// @dev The bound a 5,000 trade from zero skew on ONE reaches exactly: 5,000 / 2 / 1,000,000.
    uint64 internal constant BOUND = 0.0025e18;
    int256 internal constant SIZE = 5_000e18;
    uint256 internal constant BUY_FILL = 1.0025e18;
    uint256 internal constant SELL_FILL = 0.9975e18;
    uint64 internal constant MAX_BOUND = 1e18;

    MockOracleAdapter internal oneOracle;
    uint256 internal one;
    address internal sub1;
    address internal sub2;

    function setUp() public override {
        super.setUp();
        oneOracle = new MockOracleAdapter(1e18);
        one = engine.listMarket("ONE", ethParams(oneOracle), twoTiers());
        vm.startPrank(ALICE);
        (, sub1) = vault.createSubAccount();
        (, sub2) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, sub1, 2_000e18);
        vault.transferBetweenSubAccounts(ALICE, sub2, 2_000e18);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ helpers

    function _approveSub(uint256 id, bool trade, uint40 tradeExpiry, uint64 bound) internal {
        vm.prank(ALICE);
        vault.approveSubAccountOperator(id, AGENT, trade, tradeExpiry, !trade, 0, bound);
    }

    function _approveAll(uint64 bound) internal {
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, false, 0, bound);
    }

    /// @dev AGENT trades `size` of ONE for `account`: refused with (fill, limit) when `limit` is not 0, else filled at
    ///      `fill`. The state is restored afterwards.
    function _agentTrade(address account, int256 size, uint256 fill, uint256 limit) internal {
        uint256 snapshot = vm.snapshotState();
        vm.prank(AGENT);
        if (limit != 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, AGENT, fill, limit)
            );
            engine.trade(account, one, size, size > 0 ? type(uint256).max : 0);
            assertEq(int256(engine.position(account, one).size), 0, "nothing traded");
        } else {
            assertEq(engine.trade(account, one, size, size > 0 ? type(uint256).max : 0), fill, "fill");
            assertEq(int256(engine.position(account, one).size), size, "traded for the sub-account");
        }
        vm.revertToState(snapshot);
    }

    function _assertScope(address account, bool live, uint64 bound, string memory what) internal view {
        (bool l, uint64 b) = vault.tradeScope(account, AGENT);
        assertTrue(l == live, what);
        assertEq(uint256(b), uint256(bound), what);
    }

    // ------------------------------------------------------------------ one sub-account's approval

    /// @dev Bound 0.25 %: the buy's limit is 1.0025e18, the fill itself (accepted); at 0.25 % − 1 wei the limit is
    ///      1.0025e18 − 1, one wei below the fill (refused).
    function test_subAccountApproval_buy_acceptedAtTheBound_refusedOneWeiPast() public {
        uint256 snapshot = vm.snapshotState();
        _approveSub(1, true, 0, BOUND);
        _assertScope(sub1, true, BOUND, "the sub-account's approval carries the bound");
        _agentTrade(sub1, SIZE, BUY_FILL, 0);
        vm.revertToState(snapshot);

        _approveSub(1, true, 0, BOUND - 1);
        _agentTrade(sub1, SIZE, BUY_FILL, 1.0025e18 - 1);
    }

    /// @dev The sell: limit 0.9975e18 at the bound (accepted), 0.9975e18 + 1 at 1 wei less (refused).
    function test_subAccountApproval_sell_acceptedAtTheBound_refusedOneWeiPast() public {
        uint256 snapshot = vm.snapshotState();
        _approveSub(1, true, 0, BOUND);
        _agentTrade(sub1, -SIZE, SELL_FILL, 0);
        vm.revertToState(snapshot);

        _approveSub(1, true, 0, BOUND - 1);
        _agentTrade(sub1, -SIZE, SELL_FILL, 0.9975e18 + 1);
    }

    /// @dev An approval for sub-account 1 covers no other: on sub-account 2 the agent has no scope at all.
    function test_subAccountApproval_boundedApprovalCoversOnlyItsSubAccount() public {
        _approveSub(1, true, 0, BOUND);
        _assertScope(sub2, false, 0, "nothing on sub-account 2");
        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, AGENT, sub2));
        engine.trade(sub2, one, SIZE, type(uint256).max);
    }

    // ------------------------------------------------------------------ the approval for all sub-accounts

    /// @dev The same boundary through the approval for all sub-accounts, on sub-account 1 and on sub-account 0 (Alice's
    ///      own address, which the approval for all covers too).
    function test_allSubAccountsApproval_buy_acceptedAtTheBound_refusedOneWeiPast() public {
        uint256 snapshot = vm.snapshotState();
        _approveAll(BOUND);
        _assertScope(sub1, true, BOUND, "the approval for all carries the bound");
        _agentTrade(sub1, SIZE, BUY_FILL, 0);
        _agentTrade(ALICE, SIZE, BUY_FILL, 0);
        vm.revertToState(snapshot);

        _approveAll(BOUND - 1);
        _agentTrade(sub1, SIZE, BUY_FILL, 1.0025e18 - 1);
        _agentTrade(ALICE, SIZE, BUY_FILL, 1.0025e18 - 1);
    }

    function test_allSubAccountsApproval_sell_acceptedAtTheBound_refusedOneWeiPast() public {
        uint256 snapshot = vm.snapshotState();
        _approveAll(BOUND);
        _agentTrade(sub2, -SIZE, SELL_FILL, 0);
        vm.revertToState(snapshot);

        _approveAll(BOUND - 1);
        _agentTrade(sub2, -SIZE, SELL_FILL, 0.9975e18 + 1);
    }

    // ------------------------------------------------------------------ precedence

    /// @dev A live approval of the sub-account itself decides the bound, whatever the approval for all says: a tighter
    ///      own bound refuses what the approval for all would let through, and a looser one (or none) lets through what
    ///      the approval for all would refuse.
    function test_ownApprovalTakesPrecedenceOverTheApprovalForAll() public {
        uint256 snapshot = vm.snapshotState();
        // Own 0.25 % − 1 wei, all 0.25 %: the own limit (1.0025e18 − 1) refuses.
        _approveAll(BOUND);
        _approveSub(1, true, 0, BOUND - 1);
        _assertScope(sub1, true, BOUND - 1, "own bound");
        _agentTrade(sub1, SIZE, BUY_FILL, 1.0025e18 - 1);
        // Sub-account 2 has no approval of its own: the approval for all's bound applies there.
        _assertScope(sub2, true, BOUND, "all bound on sub-account 2");
        _agentTrade(sub2, SIZE, BUY_FILL, 0);
        vm.revertToState(snapshot);

        // Own 0.25 %, all 1 wei: the own limit (1.0025e18) accepts; on sub-account 2 the 1-wei bound refuses
        // (limit 1e18 + 1).
        snapshot = vm.snapshotState();
        _approveAll(1);
        _approveSub(1, true, 0, BOUND);
        _agentTrade(sub1, SIZE, BUY_FILL, 0);
        _agentTrade(sub2, SIZE, BUY_FILL, 1e18 + 1);
        vm.revertToState(snapshot);

        // Own with no bound (0), all 1 wei: the own approval applies, unbounded.
        _approveAll(1);
        _approveSub(1, true, 0, 0);
        _assertScope(sub1, true, 0, "own approval without a bound");
        _agentTrade(sub1, -SIZE, SELL_FILL, 0);
    }

    /// @dev The approval for all decides when the sub-account's own approval grants no live trade scope: withdraw only,
    ///      or its trade scope expired (an expiry of now is dead). `tradeScope` reports the bound that applies.
    function test_approvalForAllApplies_whenTheOwnTradeScopeIsNotLive() public {
        _approveAll(BOUND - 1);

        // Own approval withdraw-only (a bound given with it is stored as 0).
        uint256 snapshot = vm.snapshotState();
        _approveSub(1, false, 0, 0.5e18);
        _assertScope(sub1, true, BOUND - 1, "withdraw-only own approval: the bound for all");
        _agentTrade(sub1, SIZE, BUY_FILL, 1.0025e18 - 1);
        vm.revertToState(snapshot);

        // Own trade scope dead at its expiry (now), with a loose bound.
        _approveSub(1, true, uint40(T0), 0.5e18);
        _assertScope(sub1, true, BOUND - 1, "expired own approval: the bound for all");
        _agentTrade(sub1, -SIZE, SELL_FILL, 0.9975e18 + 1);

        // With the approval for all revoked too, no scope: `tradeScope` reports the own approval's stored bound.
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, false, 0, false, 0, 0);
        _assertScope(sub1, false, 0.5e18, "no live scope: own stored bound");
        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, AGENT, sub1));
        engine.trade(sub1, one, SIZE, type(uint256).max);
    }

    // ------------------------------------------------------------------ the cap

    /// @dev 1e18 (100 %) is the largest bound either function accepts; 1e18 + 1 is refused, with or without the trade
    ///      scope, and nothing is stored.
    function test_boundAboveOneHundredPercent_refusedByBoth() public {
        vm.startPrank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.PriceDeviationTooLarge.selector, uint256(MAX_BOUND) + 1, 1e18)
        );
        vault.approveSubAccountOperator(1, AGENT, true, 0, false, 0, MAX_BOUND + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.PriceDeviationTooLarge.selector, uint256(MAX_BOUND) + 1, 1e18)
        );
        vault.approveSubAccountOperator(1, AGENT, false, 0, true, 0, MAX_BOUND + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.PriceDeviationTooLarge.selector, uint256(MAX_BOUND) + 1, 1e18)
        );
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, false, 0, MAX_BOUND + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.PriceDeviationTooLarge.selector, uint256(MAX_BOUND) + 1, 1e18)
        );
        vault.approveOperatorForAllSubAccounts(AGENT, false, 0, true, 0, MAX_BOUND + 1);
        vm.stopPrank();
        _assertScope(sub1, false, 0, "nothing stored");
        assertTrue(!vault.allSubAccountsApproval(ALICE, AGENT).canWithdraw, "nothing stored for all");

        vm.startPrank(ALICE);
        vault.approveSubAccountOperator(1, AGENT, true, 0, false, 0, MAX_BOUND);
        vault.approveOperatorForAllSubAccounts(AGENT, true, 0, false, 0, MAX_BOUND);
        vm.stopPrank();
        _assertScope(sub1, true, MAX_BOUND, "100 % accepted");
        assertEq(uint256(vault.allSubAccountsApproval(ALICE, AGENT).maxPriceDeviation), 1e18, "100 % accepted for all");
    }

    // ------------------------------------------------------------------ events and storage

    /// @dev `approveSubAccountOperator` emits exactly `OperatorApproved` then `OperatorPriceBoundSet`, both with the
    ///      sub-account's address and the stored values (a bound without the trade scope is stored and emitted as 0).
    function test_subAccountApproval_events_exact() public {
        vm.recordLogs();
        vm.prank(ALICE);
        vault.approveSubAccountOperator(2, AGENT, true, uint40(T0 + 1 days), true, uint40(T0 + 2 days), 0.003e18);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "two events");
        _assertLog(
            logs[0],
            ICollateralVault.OperatorApproved.selector,
            sub2,
            abi.encode(true, uint40(T0 + 1 days), true, uint40(T0 + 2 days))
        );
        _assertLog(logs[1], ICollateralVault.OperatorPriceBoundSet.selector, sub2, abi.encode(uint64(0.003e18)));
        _assertScope(sub2, true, 0.003e18, "stored");

        vm.recordLogs();
        vm.prank(ALICE);
        vault.approveSubAccountOperator(2, AGENT, false, uint40(T0 + 1 days), true, 0, 0.003e18);
        logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "two events");
        _assertLog(
            logs[0], ICollateralVault.OperatorApproved.selector, sub2, abi.encode(false, uint40(0), true, uint40(0))
        );
        _assertLog(logs[1], ICollateralVault.OperatorPriceBoundSet.selector, sub2, abi.encode(uint64(0)));
        _assertScope(sub2, false, 0, "no trade scope: bound stored as 0");
    }

    /// @dev `approveOperatorForAllSubAccounts` emits exactly `AllSubAccountsOperatorApproved` with the owner and the
    ///      stored values, the bound last; `allSubAccountsApproval` returns all five fields; a revocation clears them.
    function test_allSubAccountsApproval_event_storage_exact() public {
        vm.recordLogs();
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, true, uint40(T0 + 7), false, uint40(T0 + 9), 0.004e18);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1, "one event");
        _assertLog(
            logs[0],
            ISubAccounts.AllSubAccountsOperatorApproved.selector,
            ALICE,
            abi.encode(true, uint40(T0 + 7), false, uint40(0), uint64(0.004e18))
        );
        ICollateralVault.StoredApproval memory a = vault.allSubAccountsApproval(ALICE, AGENT);
        assertTrue(a.canTrade && !a.canWithdraw, "trade only");
        assertEq(uint256(a.tradeExpiry), T0 + 7, "trade expiry");
        assertEq(uint256(a.withdrawExpiry), 0, "not granted: 0");
        assertEq(uint256(a.maxPriceDeviation), 0.004e18, "bound");

        // Withdraw only: the bound given is stored and emitted as 0.
        vm.recordLogs();
        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, false, uint40(T0 + 7), true, 0, 0.004e18);
        logs = vm.getRecordedLogs();
        assertEq(logs.length, 1, "one event");
        _assertLog(
            logs[0],
            ISubAccounts.AllSubAccountsOperatorApproved.selector,
            ALICE,
            abi.encode(false, uint40(0), true, uint40(0), uint64(0))
        );
        a = vault.allSubAccountsApproval(ALICE, AGENT);
        assertTrue(!a.canTrade && a.canWithdraw, "withdraw only");
        assertEq(uint256(a.maxPriceDeviation), 0, "no trade scope: bound 0");

        vm.prank(ALICE);
        vault.approveOperatorForAllSubAccounts(AGENT, false, 0, false, 0, 0);
        a = vault.allSubAccountsApproval(ALICE, AGENT);
        assertTrue(!a.canTrade && !a.canWithdraw, "revoked");
        assertEq(uint256(a.maxPriceDeviation), 0, "cleared");
    }

    // ------------------------------------------------------------------ attacks: splitting, a failing oracle

    /// @dev Splitting does not escape the bound. With the all-sub-accounts bound of 0.125 % (limit 0.99875), one 5,000
    ///      sell from zero skew fills at 1 − 2,500 / 1M = 0.9975 and is refused. In slices of 1,000 the k-th fills at
    ///      the average premium over [−1,000(k−1), −1,000k], 1 − (1,000k − 500) / 1M: the first, 0.9995, passes; the
    ///      second, 0.9985, is refused, and so is every later one (the skew only moves by what passed). What the passed
    ///      fill cost the sub-account against the oracle, 0.5 USD, stays within the bound × its notional, 1.25 USD.
    function test_attack_splitSells_eachFillWithinTheBound_theRestRefused() public {
        uint64 bound = BOUND / 2;
        uint256 limit = 1e18 - bound;
        _approveAll(bound);
        vm.prank(AGENT);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, AGENT, SELL_FILL, limit));
        engine.trade(sub1, one, -SIZE, 0);

        vm.prank(AGENT);
        assertEq(engine.trade(sub1, one, -1_000e18, 0), 0.9995e18, "first slice");
        for (uint256 k; k < 3; ++k) {
            vm.prank(AGENT);
            vm.expectRevert(
                abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, AGENT, 0.9985e18, limit)
            );
            engine.trade(sub1, one, -1_000e18, 0);
        }
        assertEq(int256(engine.position(sub1, one).size), -1_000e18, "one slice sold");
        uint256 costVsOracle = (1e18 - 0.9995e18) * 1_000;
        assertEq(costVsOracle, 0.5e18, "0.5 USD");
        assertLe(costVsOracle, uint256(bound) * 1_000, "within the bound times the notional");
    }

    /// @dev A failing oracle gives the operator no stale price to fill against: its trade on the sub-account reverts
    ///      with the oracle's own error (the bound is judged at a live oracle price only), the owner's too, and nothing
    ///      moves; once the oracle answers again the bound applies as before.
    function test_attack_failingOracle_noTradeAtAStalePrice() public {
        _approveAll(BOUND);
        oneOracle.setFailing(true);
        vm.prank(AGENT);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.trade(sub1, one, -SIZE, 0);
        vm.prank(ALICE);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.trade(sub1, one, -SIZE, 0);
        assertEq(int256(engine.position(sub1, one).size), 0, "nothing traded");
        assertEq(vault.collateralOf(sub1), 2_000e18, "nothing charged");

        oneOracle.setFailing(false);
        _agentTrade(sub1, -SIZE, SELL_FILL, 0);
        _approveAll(BOUND - 1);
        _agentTrade(sub1, -SIZE, SELL_FILL, SELL_FILL + 1);
    }

    // ------------------------------------------------------------------ log helpers

    /// @dev A log of the vault with this event `selector`, the account (or owner) and AGENT as the indexed topics, and
    ///      exactly `data`.
    function _assertLog(Vm.Log memory log, bytes32 selector, address account, bytes memory data) internal view {
        assertEq(log.emitter, address(vault), "emitter");
        assertEq(log.topics.length, 3, "two indexed");
        assertEq(uint256(log.topics[0]), uint256(selector), "event");
        assertEq(uint256(log.topics[1]), uint160(account), "account");
        assertEq(uint256(log.topics[2]), uint160(AGENT), "operator");
        assertEq(log.data.length, data.length, "data length");
        assertEq(uint256(keccak256(log.data)), uint256(keccak256(data)), "data");
    }
}
