// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (medium–high): a dust position in a market whose oracle fails (an equity feed that goes stale every
///         weekend) makes the WHOLE cross-margin account unliquidatable, while its owner can still withdraw gains
///         from its other positions: a free option, paid for by the insurance fund and the LPs.
/// @dev What is wrong: `LiquidationEngine.liquidate` (and `previewLiquidation`) start with
///      `engine.accountMarginAtFair(account)`, whose trigger valuation reads every market's oracle and reverts on the
///      first that fails. The credit valuation (`withdrawableUsd`) values the same failing market at its worst case and
///      goes on. So while the dust market's oracle is down, a losing ETH position in that account cannot be closed by
///      anyone, and a winning one can be withdrawn against. DESIGN: "Liquidating an account that holds the failing
///      market waits for the oracle to recover or be replaced" — which an attacker can arrange on purpose for every
///      position it holds, for the price of one dust position.
///
///      Numbers (exact markets, 20x / mmr 2.5 %; empty insurance fund). Mallory: 5,100 USDC, long 50 ETH at 2,000
///      (IM 5,000) and long 0.01 SPX at 5,000 (50 USD). Her second account: short 50 ETH with 10,000 (skew 0). SPX's
///      oracle fails (weekend).
///      - ETH 1,900 (−5 %): Mallory's equity 100 < MM 2,375, but `liquidate` reverts (the SPX oracle). With SPX
///        answering, she is liquidated there and her 100 pays part of the fee: no bad debt.
///      - ETH 1,800 (−10 %): still shielded; her hedge closes and withdraws 20,000 (+10,000). Monday, SPX answers:
///        the liquidation realises −10,000 against her 5,100: 4,900 of bad debt, queued for ADL and borne by the LPs
///        (vault net value 1,000,000 → 995,100). Attacker: −5,100 + 10,000 = +4,900.
///      - The other way (ETH 2,200 during the outage) she closes ETH and withdraws 15,090 (+9,990) with the SPX dust
///        still open.
///
///      Fix (root cause): the trigger valuation must not revert on a failing market either: value it at its worst case
///      within the breaker band (as the credit valuation does) and let `liquidate` close the positions whose oracles
///      answer (skip, or leave for later, the failing market), so one stale feed cannot shield the rest.
contract FailingOracleShieldsLiquidationTest is ReviewFixture {
    MockOracleAdapter internal ethOracle;
    MockOracleAdapter internal spxOracle;
    uint256 internal eth;
    uint256 internal spx;

    function setUp() public override {
        super.setUp();
        ethOracle = new MockOracleAdapter(2_000e18);
        spxOracle = new MockOracleAdapter(5_000e18);
        eth = engine.listMarket("ETH", exactParams(ethOracle), oneTier(10_000_000e18, 20e18, 0.025e18));
        spx = engine.listMarket("SPX", exactParams(spxOracle), oneTier(10_000_000e18, 20e18, 0.025e18));
        _lpDeposit(PROVIDER, 1_000_000e6);
        _fund(MALLORY, 5_100e6);
        _fund(MALLORY2, 10_000e6);
        _trade(MALLORY, eth, 50e18); // 100,000 notional, IM 5,000
        _trade(MALLORY, spx, 0.01e18); // 50 notional, IM 2.5
        _trade(MALLORY2, eth, -50e18); // the hedge, skew back to 0
    }

    /// @dev Reference: with SPX answering, ETH −5 % liquidates her with her 100 left, no bad debt.
    function test_reference_liquidatedWithoutBadDebt() public {
        ethOracle.setPrice(1_900e18);
        assertEq(engine.maintenanceMargin(MALLORY), 100e18 - 2_375e18 - 1.25e18, "equity 100 - MM (2,375 + 1.25)");
        vm.prank(KEEPER);
        liquidator.liquidate(MALLORY);
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
    }

    function test_staleDustMarket_shieldsTheAccount_badDebtToLps() public {
        spxOracle.setFailing(true);
        ethOracle.setPrice(1_900e18);
        vm.prank(KEEPER);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        liquidator.liquidate(MALLORY);

        ethOracle.setPrice(1_800e18);
        vm.prank(KEEPER);
        vm.expectRevert(MockOracleAdapter.MockOracleFailure.selector);
        liquidator.liquidate(MALLORY);
        _close(MALLORY2, eth);
        vm.prank(MALLORY2);
        vault.withdraw(20_000e6, MALLORY2); // 10,000 + 10,000

        spxOracle.setFailing(false);
        vm.prank(KEEPER);
        liquidator.liquidate(MALLORY);
        // 5,100 − 50 × 200 = −4,900; the empty fund pays nothing; the reward floor has nothing to come from.
        assertEq(vault.collateralOf(MALLORY), -4_900e18, "her debt");
        assertEq(liquidator.totalShortfall(), 4_900e18, "bad debt for ADL");
        // The vault's account: 1,000,000 + her 10,000 loss (4,900 of it never paid) − the hedge's 10,000 gain; nothing
        // open; the 4,900 shortfall deducted.
        assertEq(lpVault.netValueUsd(), 995_100e18, "1,000,000 - 4,900 borne by the LPs");
    }

    /// @dev The other half of the option: with ETH up, she takes her gain while SPX is down. Credit valuation: ETH
    ///      50 × 200 = +10,000, IM 2,200 × 50 / 20 = 5,500; SPX at 5,000 × (1 − 15 %) = 4,250: pnl −7.5, IM
    ///      4,250 × 0.01 / 20 = 2.125. Free = 5,100 + 10,000 − 7.5 − 5,500 − 2.125 = 9,590.375 ≥ her 5,100 of
    ///      collateral, so all of it is withdrawable; she closes ETH (+10,000, a reduction reads only ETH's oracle) and
    ///      takes 15,100 − 7.5 − 2.125 = 15,090.375 with the SPX dust still open.
    function test_staleDustMarket_gainsStillWithdrawable() public {
        spxOracle.setFailing(true);
        ethOracle.setPrice(2_200e18);
        assertEq(vault.withdrawableUsd(MALLORY), 5_100e18, "all her collateral");
        _close(MALLORY, eth);
        assertEq(vault.withdrawableUsd(MALLORY), 15_090.375e18, "her gain, SPX at its worst case");
        vm.prank(MALLORY);
        vault.withdraw(15_090e6, MALLORY);
    }
}
