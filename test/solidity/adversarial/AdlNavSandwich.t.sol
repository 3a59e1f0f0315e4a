// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, high): the LP share price could be sandwiched around `executeAdl`. The vault's
///         value excludes the unresolved ADL shortfall and an ADL step adds back what it covers, so a deposit just
///         before a (permissionless) step bought a share of a recovery that only the earlier holders had borne. Now
///         deposits and mints are closed (`maxDeposit = maxMint = 0`) while any shortfall is unresolved, so the
///         sandwich cannot start; they reopen once the shortfall is resolved.
/// @dev Exact RWA market at 150,000 (no premium, fees or funding; 5x / mmr 5 %; empty insurance fund). Provider 150,000
///      (each side of the open interest must fit the vault's cash now: Carol's long 1 and Bob's short 1 are 150,000
///      each). Carol long 1 with 30,000, Bob short 1 with 50,000. At 110,000 Carol's liquidation leaves −10,000:
///      shortfall 10,000, the vault's value 150,000 + 40,000 (Carol's loss) − 40,000 (Bob's gain) − 10,000 = 140,000.
///      Bob is the candidate (bankruptcy price 120,000: closing him there instead of at 110,000 covers 10,000).
///      Before (commit af467cf^, the red team's test with a 100,000 provider): Mallory deposited 900,000 in the block
///      after the window, executed the step, redeemed: +9,090.909090 USDC with no liquidity fee, +8,100.171803 with
///      the local 0.1 %; the provider ended with 90,909.09 instead of 100,000.
///      After: `maxDeposit` and `maxMint` are 0, so her deposit reverts `ERC4626ExceededMaxDeposit(MALLORY, 900,000,
///      0)` and a mint `ERC4626ExceededMaxMint(MALLORY, shares, 0)`, at either fee. The step restores the provider to
///      150,000; deposits reopen (max = the uncapped vault's type(uint256).max − 150,000), and the same deposit and
///      redemption return exactly 900,000: 9e11 × (1.5e23 + 1e12) / (1.5e11 + 1) = 9e23 shares redeem to
///      9e23 × (1.05e12 + 1) / (1.05e24 + 1e12) = 9e11 units.
contract AdlNavSandwichTest is ReviewFixture {
    MockOracleAdapter internal rwaOracle;
    uint256 internal rwa;

    function setUp() public override {
        super.setUp();
        rwaOracle = new MockOracleAdapter(150_000e18);
        rwa = engine.listMarket("RWA", uncappedExactParams(rwaOracle), oneTier(10_000_000e18, 5e18, 0.05e18));
        _lpDeposit(PROVIDER, 150_000e6);
        _fund(CAROL, 30_000e6);
        _fund(BOB, 50_000e6);
        _trade(CAROL, rwa, 1e18);
        _trade(BOB, rwa, -1e18);
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(liquidator.totalShortfall(), 10_000e18, "carol's uncovered debt");
        assertEq(lpVault.netValueUsd(), 140_000e18, "190,000 - 40,000 - 10,000");
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
        usdc.mint(MALLORY, 900_000e6);
        vm.prank(MALLORY);
        usdc.approve(address(lpVault), type(uint256).max);
    }

    /// @dev The sandwich cannot start: deposits and mints are closed while the 10,000 is unresolved, at any fee.
    function test_depositAndMintClosedWhileShortfallUnresolved() public {
        for (uint256 i; i < 2; ++i) {
            lpVault.setLiquidityFee(i == 0 ? 0 : 0.001e18);
            assertEq(lpVault.unresolvedShortfallUsd(), 10_000e18, "unresolved");
            assertEq(lpVault.maxDeposit(MALLORY), 0, "deposits closed");
            assertEq(lpVault.maxMint(MALLORY), 0, "mints closed");
            vm.prank(MALLORY);
            vm.expectRevert(
                abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, MALLORY, 900_000e6, 0)
            );
            lpVault.deposit(900_000e6, MALLORY);
            vm.prank(MALLORY);
            vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxMint.selector, MALLORY, 9e23, 0));
            lpVault.mint(9e23, MALLORY);
        }
        // Exits stay open: the provider could leave at the value net of the shortfall (140,000 less what Bob's open
        // short keeps: backing 110,000 at 100 % and cash 110,000 at 100 %, out of 190,000 − 10,000 of debt).
        assertEq(lpVault.maxWithdraw(PROVIDER), 30_000e6, "min(140,000 - 110,000, 190,000 - 10,000 - 110,000)");
    }

    /// @dev The step resolves the shortfall and gives the whole recovery to the provider; deposits reopen, and the
    ///      sandwich's deposit and redemption around nothing return exactly what went in.
    function test_afterTheStep_depositsReopen_noShareOfTheRecovery() public {
        vm.prank(MALLORY);
        assertEq(liquidator.executeAdl(), 10_000e18, "covered");
        assertEq(liquidator.totalShortfall(), 0, "resolved");
        assertEq(lpVault.totalAssets(), 150_000e6, "the provider's 150,000 restored");
        assertEq(lpVault.maxDeposit(MALLORY), type(uint256).max - 150_000e6, "open again, up to the (absent) cap");

        vm.prank(MALLORY);
        uint256 shares = lpVault.deposit(900_000e6, MALLORY);
        assertEq(shares, 9e23, "9e11 x (1.5e23 + 1e12) / (1.5e11 + 1)");
        assertEq(_lpRedeemAll(MALLORY), 900_000e6, "exactly what she put in");
        assertEq(_lpRedeemAll(PROVIDER), 150_000e6, "the provider keeps the whole recovery");
    }
}
