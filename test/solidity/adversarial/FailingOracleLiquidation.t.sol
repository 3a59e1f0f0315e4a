// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, medium–high): a dust position in a market whose oracle fails used to shield the
///         whole cross-margin account from liquidation: `liquidate` started from the trigger valuation, which read
///         every oracle and reverted on the failing one, while the credit valuation let the owner withdraw gains from
///         the other positions. Now the trigger valuation also values the failing market at its worst case within the
///         breaker band, and `liquidate` closes the positions whose oracles answer while the failing one waits (like a
///         close cut by its bound: no keeper-reward floor); `previewLiquidation` shows 0 for it.
/// @dev Exact ETH (2,000) and SPX (5,000), 20x / mmr 2.5 %, empty insurance fund, provider 1,000,000. Mallory: 5,100,
///      long 50 ETH (100,000, IM 5,000) and long 0.01 SPX (50). Her second account Mallory2: short 50 ETH with 10,000.
///      SPX's oracle fails (a weekend); ETH falls to 1,900.
///      Before (commit af467cf^, the red team's test): `liquidate(MALLORY)` reverted with the SPX oracle's error at
///      1,900 and at 1,800; Mallory2 closed at 1,800 and withdrew 20,000 (+10,000); once SPX answered, the liquidation
///      realised −10,000 against her 5,100: 4,900 of bad debt to ADL and the LPs (vault net value 1,000,000 →
///      995,100). The pair: −5,100 + 10,000 = +4,900.
///      After, at 1,900 with SPX still failing: trigger valuation ETH at fair 1,900 (PnL −5,000, MM 2.5 % × 95,000 =
///      2,375), SPX at 5,000 × 85 % = 4,250 (PnL 0.01 × −750 = −7.5, MM ⌈2.5 % × 42.5⌉ = 1.0625): equity
///      5,100 − 5,000 − 7.5 = 92.5, equity − MM = −2,283.5625. The keeper liquidates: ETH closes in full at 1,900
///      (cost basis 100,000 ≤ the 250,000 slice threshold), realising −5,000 (collateral 100); SPX waits. Fee ⌈0.5 % ×
///      95,000⌉ = 475, reward 20 % = 95 (no 5 USD floor: a position waited), charge max(475, 95) = 475 of which her
///      100 pays: 95 USDC to the keeper, 5 to the fund; her collateral 0, no debt. Mallory2 closes at 1,900 (+5,000):
///      the pair ends at −100 (the liquidation's fee) instead of +4,900; no shortfall; the vault's account 1,000,000
///      (+5,000 from Mallory, −5,000 to Mallory2), its value 1,000,000 − 7.5 while SPX is valued at its worst case.
contract FailingOracleLiquidationTest is ReviewFixture {
    MockOracleAdapter internal ethOracle;
    MockOracleAdapter internal spxOracle;
    uint256 internal eth;
    uint256 internal spx;

    function setUp() public override {
        super.setUp();
        ethOracle = new MockOracleAdapter(2_000e18);
        spxOracle = new MockOracleAdapter(5_000e18);
        eth = engine.listMarket("ETH", uncappedExactParams(ethOracle), oneTier(10_000_000e18, 20e18, 0.025e18));
        spx = engine.listMarket("SPX", uncappedExactParams(spxOracle), oneTier(10_000_000e18, 20e18, 0.025e18));
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(MALLORY, 5_100e6);
        _fund(MALLORY2, 10_000e6);
        _trade(MALLORY, eth, 50e18);
        _trade(MALLORY, spx, 0.01e18);
        _trade(MALLORY2, eth, -50e18);
    }

    function test_deadDustMarket_accountStillLiquidated_otherPositionsClose_gainGone() public {
        spxOracle.setFailing(true);
        ethOracle.setPrice(1_900e18);
        assertEq(engine.accountMarginAtFair(MALLORY).equity, 92.5e18, "5,100 - 5,000 - 7.5 (SPX at 4,250)");
        assertEq(engine.maintenanceMargin(MALLORY), -2_283.5625e18, "92.5 - 2,375 - 1.0625");
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        engine.positionAtFair(MALLORY, spx);

        LiquidationPreview memory p = ILiquidationEngine(address(liquidator)).previewLiquidation(MALLORY);
        assertTrue(p.liquidatable, "liquidatable despite the dead market");
        assertEq(p.sizeDeltas[0], -50e18, "ETH closes in full");
        assertEq(p.sizeDeltas[1], 0, "SPX waits");
        assertEq(p.notionalClosed, 95_000e18, "50 x 1,900");
        assertEq(p.keeperReward, 95e18, "20 % of 475, no floor");
        assertEq(p.insuranceFee, 5e18, "the rest of her 100");

        vm.expectEmit(address(liquidator));
        emit ILiquidationEngine.Liquidated(MALLORY, KEEPER, 95_000e18, 475e18, 95e18, 5e18, false);
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(MALLORY);
        assertEq(notional, 95_000e18, "ETH closed");
        assertEq(reward, 95e18, "keeper reward");
        assertEq(usdc.balanceOf(KEEPER), 95e6, "paid");
        assertEq(engine.position(MALLORY, eth).size, 0, "ETH closed at 1,900");
        assertEq(engine.position(MALLORY, spx).size, 0.01e18, "SPX waits for its oracle");
        assertEq(vault.collateralOf(MALLORY), 0, "100 - 100 of fee: no debt");
        assertEq(fund.balance(), 5e18, "the fund's part");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");

        _close(MALLORY2, eth);
        assertEq(vault.collateralOf(MALLORY2), 15_000e18, "10,000 + 50 x 100");
        int256 pair = vault.collateralOf(MALLORY) + vault.collateralOf(MALLORY2) - 15_100e18;
        assertEq(pair, -100e18, "the attacker's pair: -5,100 + 5,000 (before: +4,900)");
        assertEq(vault.collateralOf(address(lpVault)), 1_000_000e18, "+5,000 from Mallory, -5,000 to Mallory2");
        assertEq(lpVault.netValueUsd(), 1_000_000e18 - 7.5e18, "SPX at its worst case meanwhile");

        // While SPX fails, nothing else of hers can close: the dust alone is not liquidatable into a loss for anyone.
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationBeyondBound.selector, MALLORY));
        liquidator.liquidate(MALLORY);

        // Monday: SPX answers at 5,000. Her dust is worth 0 against 0 of collateral (equity 0: bankrupt) and closes;
        // the fee has nothing to come from and the fund does not top up a 50 USD close (below 5 / 0.5 % = 1,000).
        spxOracle.setFailing(false);
        vm.prank(KEEPER);
        (notional, reward) = liquidator.liquidate(MALLORY);
        assertEq(notional, 50e18, "0.01 x 5,000");
        assertEq(reward, 0, "nothing to pay a keeper with");
        assertEq(engine.accountMarkets(MALLORY).length, 0, "flat");
        assertEq(vault.collateralOf(MALLORY), 0, "no debt");
        assertEq(liquidator.totalShortfall(), 0, "still no bad debt");
        assertEq(lpVault.netValueUsd(), 1_000_000e18, "the LPs lost nothing");
    }

    /// @dev Unchanged and wanted: with ETH up during the outage she takes her gain, the rest of the account valued
    ///      down to SPX's worst case. Credit valuation: ETH 50 × 200 = +10,000, IM 2,200 × 50 / 20 = 5,500; SPX at
    ///      4,250: PnL −7.5, IM 42.5 / 20 = 2.125. Free = 5,100 + 10,000 − 7.5 − 5,500 − 2.125 = 9,590.375 ≥ her 5,100
    ///      of collateral: all of it is withdrawable. After closing ETH (+10,000): 15,100 − 7.5 − 2.125 = 15,090.375.
    function test_deadDustMarket_gainsWithdrawableDownToItsWorstCase() public {
        spxOracle.setFailing(true);
        ethOracle.setPrice(2_200e18);
        assertEq(vault.withdrawableUsd(MALLORY), 5_100e18, "all her collateral");
        _close(MALLORY, eth);
        assertEq(vault.withdrawableUsd(MALLORY), 15_090.375e18, "her gain, SPX at its worst case");
        vm.prank(MALLORY);
        vault.withdraw(15_090e6, MALLORY);
        assertEq(usdc.balanceOf(MALLORY), 15_090e6, "withdrawn");
    }
}
