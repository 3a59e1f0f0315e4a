// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {Position} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidationFeeCharge} from "../../../contracts/libraries/LiquidationMath.sol";
import {LiquidationMathHarness} from "../../../contracts/mocks/LiquidationMathHarness.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Exact values for LiquidationMath at each branch's boundary (±1 wei, ±1 s), with the default parameters
///      (fee 0.5 %, keeper share 20 %, reward in [5, 1,000] USD, slices of 20 % above 250,000 USD, cooldown 30 s).
contract LiquidationMathTest is TestBase {
    uint256 internal constant W = 1e18;
    uint256 internal constant UNIT = 1e12; // one USDC unit in 18-decimal USD

    LiquidationMathHarness internal h;

    function setUp() public {
        h = new LiquidationMathHarness();
    }

    function _defaults() internal pure returns (LiquidationConfig memory) {
        return LiquidationConfig({
            feeRate: 0.005e18,
            keeperShare: 0.2e18,
            minKeeperReward: 5e18,
            maxKeeperReward: 1_000e18,
            partialNotional: 250_000e18,
            sliceFraction: 0.2e18,
            cooldown: 30
        });
    }

    function _pos(int256 size, int256 openNotional) internal pure returns (Position memory) {
        return Position({size: int128(size), openNotional: int128(openNotional), lastFundingIndex: 0});
    }

    // ------------------------------------------------------------------ fee and reward

    function test_feeAndReward_floorAndCap_plusMinusOneWei() public view {
        LiquidationConfig memory c = _defaults();
        // 5,000 USD: fee 25, 20 % of it 5 = exactly the floor.
        (uint256 fee, uint256 reward) = h.liquidationFeeAndReward(5_000e18, c, false);
        assertEq(fee, 25e18, "fee at the floor");
        assertEq(reward, 5e18, "reward at the floor");
        // 1 wei less: fee ⌈25e18 − 0.005⌉ = 25e18 (the fraction of a wei rounds up).
        (fee, reward) = h.liquidationFeeAndReward(5_000e18 - 1, c, false);
        assertEq(fee, 25e18, "0.005 wei of fee rounds up");
        (fee, reward) = h.liquidationFeeAndReward(4_999e18, c, false);
        assertEq(fee, 24.995e18, "fee below the floor");
        assertEq(reward, 5e18, "raised to the floor");
        // Cut by a bound: no floor, 20 % of 24.995 = 4.999.
        (, reward) = h.liquidationFeeAndReward(4_999e18, c, true);
        assertEq(reward, 4.999e18, "no floor after a cut");
        // 1,000,000 USD: fee 5,000, 20 % = 1,000 = the cap; 1 USD more is capped.
        (, reward) = h.liquidationFeeAndReward(1_000_000e18, c, false);
        assertEq(reward, 1_000e18, "at the cap");
        (fee, reward) = h.liquidationFeeAndReward(1_000_001e18, c, true);
        assertEq(fee, 5_000.005e18, "fee above the cap");
        assertEq(reward, 1_000e18, "capped (also after a cut)");
        // The charge is max(fee, reward): the floor when the fee is below it.
        assertEq(h.liquidationCharge(100e18, c, false), 5e18, "floor above a 0.5 USD fee");
        assertEq(h.liquidationCharge(100e18, c, true), 0.5e18, "fee after a cut (reward 0.1)");
    }

    function test_fundTopsUp_threshold_plusMinusOneWei() public view {
        LiquidationConfig memory c = _defaults();
        // minKeeperReward / feeRate = 5 / 0.005 = 1,000 USD of notional.
        assertTrue(h.fundTopsUp(1_000e18, c), "at the threshold");
        assertTrue(!h.fundTopsUp(1_000e18 - 1, c), "1 wei below");
        assertTrue(h.fundTopsUp(1_000e18 + 1, c), "1 wei above");
    }

    function test_feeCharge_splitInWholeUnits() public view {
        LiquidationConfig memory c = _defaults();
        // 10,000 USD closed: fee 50, reward 10; collateral 1,000: the account pays 50, 10 of it to the keeper.
        LiquidationFeeCharge memory s = h.liquidationFeeCharge(10_000e18, 1_000e18, c, false);
        assertEq(s.fee, 50e18, "fee");
        assertEq(s.reward, 10e18, "reward");
        assertEq(s.fromAccount, 50e18, "the whole charge");
        assertEq(s.keeperRewardFromAccount, 10e18, "reward from the account");
        assertEq(s.insuranceFee, 40e18, "the rest to the fund");
        assertEq(s.fundTopUpWanted, 0, "nothing to top up");
        // Collateral 7 USD + 1 wei: the account pays all of it; the reward's part 7e18 + 1 → 7e18 to the keeper in
        // whole units, the wei to the fund; 3 USD − 1 wei of the reward is asked of the fund (10,000 ≥ 1,000).
        s = h.liquidationFeeCharge(10_000e18, 7e18 + 1, c, false);
        assertEq(s.fromAccount, 7e18 + 1, "all the collateral");
        assertEq(s.keeperRewardFromAccount, 7e18, "whole USDC units");
        assertEq(s.insuranceFee, 1, "the sub-unit dust to the fund");
        assertEq(s.fundTopUpWanted, 3e18 - 1, "the rest of the reward");
        // Collateral 1 unit − 1 wei: nothing reaches the keeper from the account.
        s = h.liquidationFeeCharge(10_000e18, int256(UNIT) - 1, c, false);
        assertEq(s.keeperRewardFromAccount, 0, "below one USDC unit");
        assertEq(s.insuranceFee, UNIT - 1, "all of it to the fund");
        // Below the top-up threshold (999 USD: reward floor 5), a bankrupt account: the fund is not asked.
        s = h.liquidationFeeCharge(999e18, -1, c, false);
        assertEq(s.reward, 5e18, "the floor");
        assertEq(s.fromAccount, 0, "nothing from a negative collateral");
        assertEq(s.fundTopUpWanted, 0, "dust never makes the fund pay");
        s = h.liquidationFeeCharge(1_000e18, -1, c, false);
        assertEq(s.fundTopUpWanted, 5e18, "at the threshold the fund tops up the floor");
        assertEq(h.wholeUnits(3 * UNIT - 1), 2 * UNIT, "rounded down to whole units");
    }

    // ------------------------------------------------------------------ closes

    function test_closeSize_sliceAboveThreshold_plusMinusOneWei() public view {
        LiquidationConfig memory c = _defaults();
        (int256 delta, bool isSlice) = h.liquidationCloseSize(_pos(10e18, 250_000e18), c, false);
        assertEq(delta, -10e18, "at the threshold: the whole position");
        assertTrue(!isSlice, "not a slice");
        (delta, isSlice) = h.liquidationCloseSize(_pos(10e18, 250_000e18 + 1), c, false);
        assertEq(delta, -2e18, "1 wei above: a 20 % slice");
        assertTrue(isSlice, "a slice");
        (delta,) = h.liquidationCloseSize(_pos(-7, -250_001e18), c, false);
        assertEq(delta, 1, "a short's slice, truncated toward zero (1.4 to 1)");
        (delta, isSlice) = h.liquidationCloseSize(_pos(-4, -250_001e18), c, false);
        assertEq(delta, 4, "a slice that truncates to 0 closes all");
        assertTrue(!isSlice, "not a slice");
        (delta, isSlice) = h.liquidationCloseSize(_pos(10e18, 250_001e18), c, true);
        assertEq(delta, -10e18, "bankrupt: the whole position");
        assertTrue(!isSlice, "not a slice");
    }

    function test_closeCashDeltaAndBadDebt() public view {
        // Long 2 at a cost of 3,000 closes 1 at 1,400: realised 1,400 − 1,500 = −100; funding owed 7.
        assertEq(h.liquidationCloseCashDelta(_pos(2e18, 3_000e18), -1e18, 1_400e18, 7e18), -107e18, "cash");
        assertEq(h.liquidationBadDebt(-100e18, 0, true), 100e18, "what is owed once flat");
        assertEq(h.liquidationBadDebt(-100e18, 0, false), 0, "nothing while a position is left");
        assertEq(h.liquidationBadDebt(5e18, 5e18, true), 0, "the fee took it to exactly 0");
    }

    function test_coolingDown_plusMinusOneSecond() public view {
        assertTrue(h.liquidationCoolingDown(1_000, 30, 1_029), "1 s before the end");
        assertTrue(!h.liquidationCoolingDown(1_000, 30, 1_030), "at the end");
        assertTrue(!h.liquidationCoolingDown(0, 30, 10), "never partially liquidated");
    }

    // ------------------------------------------------------------------ ADL

    function test_adlRank() public view {
        // Long 10 at a cost of 1,000 with pnl 500: pnl % 0.5, notional 1,500 over equity 750 = 2x: rank 1.
        assertEq(h.adlRank(_pos(10e18, 1_000e18), 500e18, 750e18), 1e18, "0.5 x 2");
        assertEq(h.adlRank(_pos(10e18, 1_000e18), 0, 750e18), 0, "no profit");
        assertEq(h.adlRank(_pos(10e18, 1_000e18), 1, 0), type(uint256).max, "equity 0");
    }

    function test_adlBankruptcyPriceRepaymentAndStep() public view {
        // A long closed 2 at 1,000 leaving 300 unpaid: 1,000 + 150; a short: 1,000 − 150, floored at 1.
        assertEq(h.adlBankruptcyPrice(-2e18, 1_000e18, 300e18), 1_150e18, "long");
        assertEq(h.adlBankruptcyPrice(2e18, 1_000e18, 300e18), 850e18, "short");
        assertEq(h.adlBankruptcyPrice(2e18, 150e18, 300e18), 1, "short beyond zero");
        (uint256 left, uint256 repaid, bool resolved) = h.adlRepayment(100e18, -60e18);
        assertEq(left, 60e18, "shrunk to the debt");
        assertEq(repaid, 40e18, "repaid");
        assertTrue(!resolved, "not yet");
        (left, repaid, resolved) = h.adlRepayment(100e18, 0);
        assertTrue(resolved && left == 0 && repaid == 100e18, "repaid in full");
        // A long victim of 3 units with a cost of 1,000: break-even ⌈333.33…⌉; closing 1 needs ⌈333.33…⌉ too.
        assertEq(h.adlClosePrice(true, 300e18, 1_000e18, 3e18, 3e18), 333_333333333333333334, "long break-even");
        assertEq(h.adlClosePrice(false, 400e18, 1_000e18, 3e18, 1e18), 333_333333333333333333, "short break-even");
        assertEq(h.adlPriceGap(true, 1_001e18, 1_000e18), 1e18, "long: exit above price");
        assertEq(h.adlPriceGap(false, 1_001e18, 1_000e18), 0, "short: exit above price saves nothing");
        assertEq(h.adlCloseSize(10e18, 30e18, 4e18), 7.5e18, "remaining / gap");
        assertEq(h.adlCloseSize(10e18, 30e18 + 1, 3e18), 10e18, "at most the position (10 + 1 wei rounds up)");
        assertEq(h.adlCovered(30e18, 7.5e18, 4e18), 30e18, "covers the remaining");
        assertEq(h.adlCovered(30e18, 7.5e18 - 1, 4e18), 30e18 - 4, "floor(q x gap)");
    }

    function test_pnlFactorLimitAndReductionReward() public {
        assertEq(h.pnlFactorLimit(1_000e18, 0.5e18), 500e18, "half the cash");
        // Fee 100, 10 % to the fund: the vault's 90, 20 % of it 18 USD.
        assertEq(h.pnlReductionReward(100e18, 0.1e18, 0.2e18, 1_000e18), 18e18, "the share");
        assertEq(
            h.pnlReductionReward(100e18, 0.1e18, 0.2e18, 18e18 - 1), 18e18 - UNIT, "the vault's balance, whole units"
        );
        assertEq(h.pnlReductionReward(100e18, 0.1e18, 0.2e18, -1), 0, "a vault in debt pays nothing");
        // An insurance share above 100 % would take more than the fee: checked arithmetic refuses (panic 0x11).
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        h.pnlReductionReward(100e18, 1e18 + 1, 0.2e18, 1_000e18);
    }
}
