// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (high): the LP share price can still be sandwiched, around `executeAdl`: deposit (flash loan),
///         execute the ADL step, redeem. One step raises the vault's net value by the whole `covered` amount (up to
///         the whole unresolved shortfall in one call; several calls in one block for several victims), while the
///         entry/exit fee was sized only to one block's trading-fee income.
/// @dev What is wrong: `netValueUsd` subtracts the unresolved ADL shortfall (`totalShortfall`), and an ADL step adds
///      `covered` back (DESIGN: "the LPs' net value rises by exactly what they had been carrying"). `executeAdl` is
///      permissionless, so after the 60 s ranking window anyone picks the block; a depositor who enters just before
///      takes a pro-rata share of a recovery of losses that only the earlier holders bore. DESIGN ("Entry and exit
///      fee") claims trades at a constant oracle move the value per share only by their fees, so 2 × 0.1 % covers one
///      block; an ADL step is not a trade and its jump is unbounded relative to that fee.
///
///      Numbers (exact RWA market at 150,000: no premium, fees or funding; 5x / mmr 5 %; empty insurance fund).
///      Provider 100,000 USDC in the vault. Carol long 1 with 30,000, Bob short 1 with 50,000. Oracle 110,000:
///      Carol's liquidation leaves −10,000 → shortfall 10,000; vault value 140,000 − 40,000 (Bob's gain) − 10,000 =
///      90,000. Bob is the candidate (bankruptcy price 120,000: closing him there instead of at 110,000 saves 10,000).
///      Mallory, in the block she chooses after the window: deposit 900,000 → executeAdl (value 990,000 → 1,000,000)
///      → redeem everything.
///      - liquidityFee 0: Mallory +9,090.909090 USDC (900/990 of the 10,000 recovered), the provider ends with
///        90,909.09 instead of 100,000.
///      - liquidityFee 0.1 % (local): Mallory still +8,100.171803 USDC (both fees stay in the vault for the provider).
///
///      Fix (root cause): entries must not be priced at a value that a permissionless step will raise: close deposits
///      and mints (`maxDeposit = maxMint = 0`) while `totalShortfall > 0`, as while a valuation fallback is in use
///      (exits stay at the worst case), or give the recovery only to the shares that bore the loss.
contract AdlNavSandwichTest is ReviewFixture {
    uint256 internal constant VIRTUAL_SHARES = 1e12;

    MockOracleAdapter internal rwaOracle;
    uint256 internal rwa;

    function setUp() public override {
        super.setUp();
        rwaOracle = new MockOracleAdapter(150_000e18);
        rwa = engine.listMarket("RWA", exactParams(rwaOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        _lpDeposit(PROVIDER, 100_000e6);
        _fund(CAROL, 30_000e6);
        _fund(BOB, 50_000e6);
        // skew-to-cash at 100 % of 100,000: open in halves around Bob's short (skew 0.5 → −0.5 → 0).
        _trade(CAROL, rwa, 0.5e18);
        _trade(BOB, rwa, -1e18);
        _trade(CAROL, rwa, 0.5e18);
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(liquidator.totalShortfall(), 10_000e18, "carol's uncovered debt");
        assertEq(lpVault.netValueUsd(), 90_000e18, "140,000 - 40,000 - 10,000");
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
    }

    /// @dev Without the sandwich the provider gets the whole recovery: 100,000.
    function test_reference_providerRecoversAll() public {
        assertEq(liquidator.executeAdl(), 10_000e18, "covered");
        assertEq(lpVault.totalAssets(), 100_000e6, "restored");
        assertEq(_lpRedeemAll(PROVIDER), 100_000e6, "provider's whole deposit back");
    }

    function test_sandwich_noFee() public {
        uint256 profit = _sandwich(0);
        // Shares: 900,000e6 × (1e23 + 1e12) / (90,000e6 + 1); redeemed at (1,000,000e6 + 1) / (supply + 1e12).
        uint256 expected = _expectedPayout(0) - 900_000e6;
        assertEq(profit, expected, "second computation of the OZ conversions");
        assertEq(profit, 9_090_909090, "9,090.909090 USDC (900/990 of the 10,000 recovered) taken in one block");
        // Nothing else moves: the provider gets the rest of the 1,000,000 the vault is worth after the step.
        assertEq(_lpRedeemAll(PROVIDER), 1_000_000e6 - (900_000e6 + profit), "the provider's 100,000 recovery");
        assertEq(lpVault.totalAssets(), 0, "nothing left behind");
    }

    function test_sandwich_localFee() public {
        uint256 profit = _sandwich(0.001e18);
        assertEq(profit, _expectedPayout(0.001e18) - 900_000e6, "second computation with the fee");
        assertEq(profit, 8_100_171803, "8,100.171803 USDC after paying 0.1 % in and 0.1 % out");
    }

    /// @dev Deposit 900,000, execute the step, redeem all; returns what came back minus what went in.
    function _sandwich(uint256 fee) internal returns (uint256 profit) {
        lpVault.setLiquidityFee(fee);
        _lpDeposit(MALLORY, 900_000e6);
        vm.prank(MALLORY);
        assertEq(liquidator.executeAdl(), 10_000e18, "covered");
        profit = _lpRedeemAll(MALLORY) - 900_000e6;
    }

    /// @dev OpenZeppelin ERC-4626 conversions with 10^12 virtual shares and one virtual asset, and the fee as
    ///      ERC4626Fees takes it (deposit: a − ⌈a·f/(1+f)⌉ buys shares; redeem: v − ⌈v·f/(1+f)⌉ is paid).
    function _expectedPayout(uint256 fee) internal pure returns (uint256) {
        uint256 supply = 100_000e6 * VIRTUAL_SHARES; // the provider's shares at 1 USDC unit : 1e12 shares
        uint256 a = 900_000e6;
        uint256 net = a - Math.mulDiv(a, fee, 1e18 + fee, Math.Rounding.Ceil);
        uint256 shares = Math.mulDiv(net, supply + VIRTUAL_SHARES, 90_000e6 + 1);
        // After the step: 90,000 + 900,000 (the whole deposit, the fee stays in) + 10,000 recovered.
        uint256 v = Math.mulDiv(shares, 1_000_000e6 + 1, supply + shares + VIRTUAL_SHARES);
        return v - Math.mulDiv(v, fee, 1e18 + fee, Math.Rounding.Ceil);
    }
}
