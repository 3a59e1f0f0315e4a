// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A trade-only operator (an agent wallet, a session key) cannot withdraw, but it can trade the account at bad
///         prices into an account of its own: it buys first on its own account, pushes the victim's account through
///         the premium with a large buy, sells its own position into the skew the victim moved, then closes the
///         victim's position. At a constant oracle every round trip nets to zero before fees (the fill is the exact
///         premium integral), so what the operator gains is what the victim loses, less the fees the liquidity vault
///         earns. An approval's price bound caps how far each of the operator's fills for the victim may go from the
///         oracle price; it does not stop the operator from trading (a smaller round within the bound is still
///         possible, and repeatable), so the approval is still for a key the account controls.
/// @dev Local ETH market (LocalProtocolFixture): oracle 3,000, skewScale K = 1,000,000 ETH, maker 2 bp, taker 5 bp, no
///      insurance share; one block, so no funding and a fair premium of 0. A fill of d from skew s is 3,000 × (1 +
///      (2s + d) / 2K) (inside the clamp; exact here). Fees are notional × rate, each exact here.
///
///      Without a bound (operator CAROL, victim ALICE, round of 1,000 own and 3,000 pushed):
///      1. CAROL buys 1,000 (skew 0 → 1,000): fill 3,001.5, cost basis 3,001,500, taker fee 1,500.75.
///      2. CAROL buys 3,000 for ALICE (1,000 → 4,000): fill 3,007.5, cost basis 9,022,500, taker fee 4,511.25.
///      3. CAROL sells her 1,000 (4,000 → 3,000, reduces the skew: maker): fill 3,010.5, realised +9,000, fee 602.1.
///      4. CAROL closes ALICE's 3,000 (3,000 → 0: maker): fill 3,004.5, realised −9,000, fee 1,802.7.
///      CAROL: +9,000 − 1,500.75 − 602.1 = +6,897.15. ALICE: −9,000 − 4,511.25 − 1,802.7 = −15,313.95. The liquidity
///      vault: the four fees, +8,416.8 (6,897.15 + 8,416.8 = 15,313.95).
///
///      With a bound of 0.1 % (limit 3,003 for a buy, 2,997 for a sell):
///      - step 2 is refused: 3,007.5 > 3,003.
///      - the largest push the bound lets through after an own buy of Δ fills at (2Δ + X) / 2K ≤ 0.1 %, i.e. 2Δ + X ≤
///        2,000; the operator's gross gain Δ × X / K × 3,000 is largest at Δ = 500, X = 1,000 (the push fills at
///        exactly 3,003, at the bound; one more ETH, 1,001, fills at 3,003.0015 and is refused):
///        1. CAROL buys 500 (0 → 500): fill 3,000.75, cost 1,500,375, taker fee 750.1875.
///        2. ALICE buys 1,000 (500 → 1,500): fill 3,003, cost 3,003,000, taker fee 1,501.5.
///        3. CAROL sells 500 (1,500 → 1,000): fill 3,003.75, realised +1,500, maker fee 300.375.
///        4. ALICE sells 1,000 (1,000 → 0): fill 3,001.5, realised −1,500, maker fee 600.3.
///        CAROL: +1,500 − 750.1875 − 300.375 = +449.4375 (was +6,897.15). ALICE: −1,500 − 1,501.5 − 600.3 = −3,601.8
///        (was −15,313.95).
///      In general each fill the operator sends for the account is within the bound of the oracle price, so a round
///      trip of X costs the account at most 2 × bound × X × oracle beyond the oracle (here 6,000) plus its fees.
contract OperatorPriceBoundTest is LocalProtocolFixture {
    uint256 internal constant DEPOSIT_ALICE = 1_500_000e18;
    uint256 internal constant DEPOSIT_CAROL = 400_000e18;
    uint64 internal constant BOUND = 0.001e18;

    function setUp() public override {
        super.setUp();
        // Enough liquidity-vault cash for 12M of longs under the 100 % open-interest-to-cash limit.
        _lpDeposit(PROVIDER, 20_000_000e6);
        _fund(ALICE, 1_500_000e6);
        _fund(CAROL, 400_000e6);
    }

    function _approve(uint64 maxDeviation) private {
        vm.prank(ALICE);
        vault.approveOperatorWithPriceBound(CAROL, true, 0, false, 0, maxDeviation);
    }

    /// @dev CAROL buys `own` on her account, buys `pushed` for ALICE, sells hers, closes ALICE's; checks each fill.
    function _round(int256 own, int256 pushed, uint256[4] memory fills) private {
        assertEq(_trade(CAROL, eth, own), fills[0], "own buy");
        vm.prank(CAROL);
        assertEq(engine.trade(ALICE, eth, pushed, type(uint256).max), fills[1], "victim pushed");
        vm.prank(CAROL);
        assertEq(engine.closePosition(CAROL, eth, 0), fills[2], "own sell into the push");
        vm.prank(CAROL);
        assertEq(engine.closePosition(ALICE, eth, 0), fills[3], "victim closed");
        assertEq(engine.position(ALICE, eth).size, 0, "victim flat");
        assertEq(engine.position(CAROL, eth).size, 0, "operator flat");
    }

    function _gain(address account, uint256 deposit) private view returns (int256) {
        return vault.collateralOf(account) - int256(deposit);
    }

    function test_withoutBound_operatorTakesTheVictimsPush() public {
        _approve(0);
        int256 lpBefore = vault.collateralOf(address(lpVault));
        _round(1_000e18, 3_000e18, [uint256(3_001.5e18), 3_007.5e18, 3_010.5e18, 3_004.5e18]);
        assertEq(_gain(CAROL, DEPOSIT_CAROL), 6_897.15e18, "operator's profit");
        assertEq(_gain(ALICE, DEPOSIT_ALICE), -15_313.95e18, "victim's loss");
        assertEq(vault.collateralOf(address(lpVault)) - lpBefore, 8_416.8e18, "the fees, to the liquidity vault");
    }

    function test_bound_refusesThePush_andCapsTheRound() public {
        _approve(BOUND);
        // The unbounded round's push: refused at its fill.
        assertEq(_trade(CAROL, eth, 1_000e18), 3_001.5e18, "own buy");
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, CAROL, 3_007.5e18, 3_003e18)
        );
        engine.trade(ALICE, eth, 3_000e18, type(uint256).max);
        _trade(CAROL, eth, -1_000e18);
        assertEq(vault.collateralOf(ALICE), int256(DEPOSIT_ALICE), "victim untouched");

        // The largest push the bound allows after an own buy of 500: 1,000 at exactly the limit; 1,001 is refused.
        uint256 snapshot = vm.snapshotState();
        assertEq(_trade(CAROL, eth, 500e18), 3_000.75e18, "own buy of 500");
        vm.prank(CAROL);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OperatorPriceBoundExceeded.selector, CAROL, 3_003.0015e18, 3_003e18)
        );
        engine.trade(ALICE, eth, 1_001e18, type(uint256).max);
        vm.revertToState(snapshot);

        int256 carolBefore = vault.collateralOf(CAROL);
        int256 aliceBefore = vault.collateralOf(ALICE);
        _round(500e18, 1_000e18, [uint256(3_000.75e18), 3_003e18, 3_003.75e18, 3_001.5e18]);
        assertEq(vault.collateralOf(CAROL) - carolBefore, 449.4375e18, "operator's profit within the bound");
        int256 loss = aliceBefore - vault.collateralOf(ALICE);
        assertEq(loss, 3_601.8e18, "victim's loss within the bound");
        // At most 2 × bound × 1,000 × 3,000 = 6,000 beyond the oracle, plus its fees (1,501.5 + 600.3).
        assertTrue(loss <= 6_000e18 + 1_501.5e18 + 600.3e18, "capped by the bound");
    }
}
