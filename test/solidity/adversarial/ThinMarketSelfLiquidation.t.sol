// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Tier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {AdversarialFixture} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Self-liquidation in a thin market. The attacker holds two accounts: VICTIM long and HEDGE short the same
///         size, built in small alternating steps so the skew stays near 0 and the funding breaker (|rate| ≤
///         0.0625 %/h, checked before every opening trade) never trips. After a small oracle drop VICTIM is just
///         below maintenance; HEDGE liquidates it (and takes the keeper reward). The liquidation sells the whole
///         position into the skew, so its fill carries the full skew impact: that slippage is VICTIM's loss and
///         HEDGE's gain when it buys back at the same depressed fill. Whether the attacker profits depends on
///         whether the slippage exceeds VICTIM's remaining equity, i.e. on maxPremium / 2 against mmr.
/// @dev Market THIN at 100 USD: skewScale 20,000, no fees, no funding interest, τ = 0, one tier 20x / mmr 2.5 %.
///      Steps of 12 units: a buy fills at 100 × (1 + 0.0006 / 2) = 100.03, the hedge sells at the same price
///      (premium 0.0006 → 0); 200 steps give 2,400 units each way, cost basis 240,072 (below the 250,000 partial
///      threshold, so the liquidation closes everything). Each account deposits 12,000 (IM 12,000 at mark 100).
///      Oracle then 97: VICTIM equity 12,000 + 2,400 × (97 − 100.03) = 4,728 > 0, MM 2.5 % × 232,800 = 5,820,
///      maintenance margin −1,092: liquidatable, not bankrupt. Fund seeded with 100,000.
contract ThinMarketSelfLiquidationTest is AdversarialFixture {
    address internal constant VICTIM = address(0xB1);
    address internal constant HEDGE = address(0xB2);
    uint256 internal constant DEPOSIT = 12_000e6;
    uint256 internal constant STEP = 12e18;

    MockOracleAdapter internal thinOracle;

    function setUp() public override {
        super.setUp();
        thinOracle = new MockOracleAdapter(100e18);
        _seedFund(100_000e6);
        _fund(VICTIM, DEPOSIT);
        _fund(HEDGE, DEPOSIT);
    }

    /// @dev maxPremium 2 %: the liquidation slippage is at most 1 % of notional, below the 2.5 % maintenance margin.
    ///      Liquidation fill 97 × (1 − 0.02 / 2) = 96.03. VICTIM realises 2,400 × 96.03 − 240,072 = −9,600 (collateral
    ///      2,400), pays the fee 0.5 % × 230,472 = 1,152.36: 20 % of it (230.472 USDC) to the keeper (HEDGE), 921.888
    ///      to the fund, and keeps 1,247.64. HEDGE buys back at 96.03: +9,600 → 21,600. Total 1,247.64 + 21,600 +
    ///      230.472 = 23,078.112 < 24,000 deposited: the attacker loses the fund's share of the fee.
    function test_slippageBelowMaintenance_attackerCannotProfit() public {
        uint256 thin = _listThin(0.02e18);
        _buildHedge(thin);
        thinOracle.setPrice(97e18);
        assertEq(engine.maintenanceMargin(VICTIM), -1_092e18, "just below maintenance");

        vm.prank(HEDGE);
        (, uint256 reward) = liquidator.liquidate(VICTIM);
        assertEq(reward, 230.472e18, "keeper reward: 20 % of the fee");
        assertEq(vault.collateralOf(VICTIM), 1_247.64e18, "victim keeps the rest");
        _close(HEDGE, thin);
        assertEq(vault.collateralOf(HEDGE), 21_600e18, "hedge: 12,000 + 9,600");

        int256 total = vault.collateralOf(VICTIM) + vault.collateralOf(HEDGE) + int256(usdc.balanceOf(HEDGE)) * 1e12;
        assertEq(total, 23_078.112e18, "attacker total");
        assertGe(int256(2 * DEPOSIT) * 1e12, total, "attacker total + keeper reward <= deposited");
        assertEq(fund.balance(), 100_921.888e18, "fund gained its fee share");
        assertEq(liquidator.totalShortfall(), 0, "no bad debt");
        _assertLedgerBacked();
    }

    /// @dev KNOWN ISSUE 4 (docs/DESIGN.md; reported, not fixed here): maxPremium 10 %, the default of the ETH
    ///      fixture. The liquidation of 2,400 units moves the skew 0 → −2,400 (premium −12 %, clamped to −10 %), so
    ///      it fills at
    ///      97 × (1 − 0.10 / 2) = 92.15: 5 % below the oracle, twice the 2.5 % maintenance margin. VICTIM realises
    ///      2,400 × 92.15 − 240,072 = −18,912 → collateral −6,912 (bad debt). The fund pays the keeper reward the
    ///      account cannot (20 % of 0.5 % × 221,160 = 221.16 USDC to HEDGE) and covers the 6,912. HEDGE buys back at
    ///      92.15: +18,912 → 30,912. Attacker total 0 + 30,912 + 221.16 = 31,133.16 > 24,000 deposited: +7,133.16,
    ///      exactly the fund's loss (the counterparty nets 0: +18,912 from VICTIM, −18,912 to HEDGE).
    ///      The property "attacker total + keeper reward ≤ deposited" fails whenever
    ///      min(maxPremium, maxOpenInterest / skewScale) / 2 + feeRate > mmr. When fixed, this test must assert
    ///      `total <= deposited` like the one above.
    function test_knownIssue_slippageAboveMaintenance_attackerProfitsFromFund() public {
        uint256 thin = _listThin(0.1e18);
        _buildHedge(thin);
        thinOracle.setPrice(97e18);
        assertEq(engine.maintenanceMargin(VICTIM), -1_092e18, "just below maintenance, equity 4,728 > 0");

        vm.prank(HEDGE);
        (, uint256 reward) = liquidator.liquidate(VICTIM);
        assertEq(reward, 221.16e18, "keeper reward paid by the fund");
        assertEq(vault.collateralOf(VICTIM), 0, "fund covered the 6,912 bad debt");
        assertEq(fund.totalBadDebtCovered(), 6_912e18, "bad debt created by the liquidation's own slippage");
        _close(HEDGE, thin);
        assertEq(vault.collateralOf(HEDGE), 30_912e18, "hedge: 12,000 + 18,912");

        int256 total = vault.collateralOf(VICTIM) + vault.collateralOf(HEDGE) + int256(usdc.balanceOf(HEDGE)) * 1e12;
        assertEq(total, 31_133.16e18, "attacker total");
        assertEq(total - int256(2 * DEPOSIT) * 1e12, 7_133.16e18, "attacker profit");
        assertEq(fund.balance(), 92_866.84e18, "fund: 100,000 - 221.16 - 6,912");
        assertEq(vault.collateralOf(LP), 1_000_000e18, "counterparty nets zero");
        _assertLedgerBacked();
    }

    function _listThin(uint256 maxPremium) private returns (uint256) {
        return _listExactMarket(
            "THIN",
            thinOracle,
            20_000e18,
            maxPremium,
            1_000e18,
            10_000e18,
            Tier({upToNotional: 10_000_000e18, maxLeverage: 20e18, mmr: 0.025e18})
        );
    }

    /// @dev 200 alternating steps of 12 units: VICTIM +12 (skew 0 → 12), HEDGE −12 (skew 12 → 0, funding rate before
    ///      the trade 0.06 % − 0.00625 % = 0.05375 %/h, under the 0.0625 %/h breaker). Both fill at 100.03.
    function _buildHedge(uint256 thin) private {
        for (uint256 i; i < 200; ++i) {
            _trade(VICTIM, thin, int256(STEP));
            _trade(HEDGE, thin, -int256(STEP));
        }
        assertEq(engine.position(VICTIM, thin).openNotional, 240_072e18, "victim cost basis");
        assertEq(engine.position(HEDGE, thin).openNotional, -240_072e18, "hedge cost basis");
        assertEq(engine.marketState(thin).skew, 0, "skew back at 0");
    }

    function _close(address account, uint256 marketId) private {
        vm.prank(account);
        engine.closePosition(account, marketId, type(uint256).max);
    }
}
