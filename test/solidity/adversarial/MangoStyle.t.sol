// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarginSummary, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {AdversarialFixture} from "./AdversarialFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Mango-style oracle manipulation: one attacker, two accounts on opposite sides of a thin token, the oracle
///         pumped 24x. The long's paper profit cannot be withdrawn, the short is liquidated, and what the fund and the
///         liquidity provider can lose is bounded by the open-interest cap × the price move.
/// @dev Market MNGO at 1 USD: no premium, no fees, no funding, τ = 0 (every fill is the oracle price), OI cap
///      1,000,000 per side, one tier 5x / mmr 5 % up to 100M notional. Fund seeded with 100,000 USDC; the counterparty
///      account LP holds 1,000,000; Alice and Bob 10,000 each.
contract MangoStyleTest is AdversarialFixture {
    address internal constant LONG = address(0xA1);
    address internal constant SHORT = address(0xA2);
    uint256 internal constant OI_CAP = 1_000_000e18;

    MockOracleAdapter internal mngoOracle;
    uint256 internal mngo;

    function setUp() public override {
        super.setUp();
        mngoOracle = new MockOracleAdapter(1e18);
        mngo = _listExactMarket(
            "MNGO",
            mngoOracle,
            1_000_000e18,
            0,
            OI_CAP,
            OI_CAP,
            NotionalTier({upToNotional: 100_000_000e18, maxLeverage: 5e18, mmr: 0.05e18})
        );
        _seedFund(100_000e6);
        _fund(LONG, 200_000e6);
        _fund(SHORT, 200_000e6);
    }

    function test_pump24x_profitNotWithdrawable_shortLiquidated_lossBoundedByOiCap() public {
        // Self-trade at 1 USD: 1,000,000 each way, IM 200,000 each (exactly the collateral); the caps are full.
        _trade(LONG, mngo, 1_000_000e18);
        _trade(SHORT, mngo, -1_000_000e18);
        vm.prank(LONG);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, mngo, OI_CAP + 1, OI_CAP)
        );
        engine.trade(LONG, mngo, 1, type(uint256).max);

        int256 lpBefore = vault.collateralOf(LP);
        uint256 fundBefore = fund.balance();

        // Pump 24x. Long: equity 200,000 + 23,000,000; IM 24,000,000 / 5 = 4,800,000; free 18,400,000, but only
        // realised collateral may leave: withdrawable = min(collateral, equity − IM) = 200,000.
        mngoOracle.setPrice(24e18);
        MarginSummary memory m = engine.accountMargin(LONG);
        assertEq(m.equity, 23_200_000e18, "long equity");
        assertEq(m.initialMargin, 4_800_000e18, "long IM");
        assertEq(vault.withdrawableUsd(LONG), 200_000e18, "withdrawable == collateral, not the paper profit");
        assertEq(vault.maxWithdraw(LONG), 200_000e6, "maxWithdraw");
        vm.prank(LONG);
        vm.expectRevert(
            abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, 200_000e18 + 1e12, 200_000e18)
        );
        vault.withdraw(200_000e6 + 1, LONG);
        // The breaker holds the market reduce-only for new exposure after the jump.
        _fund(ALICE, 1_000e6);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.CircuitBreakerTripped.selector, mngo, bytes32("oracleMove")));
        engine.trade(ALICE, mngo, -1e18, 0);

        // Short: equity 200,000 − 23,000,000 = −22,800,000 (bankrupt), MM 1,200,000.
        assertEq(engine.maintenanceMargin(SHORT), -24_000_000e18, "short far below maintenance");
        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(SHORT);
        // Closed at 24: notional 24M, fee 120,000, reward 20 % = 24,000 capped at 1,000, paid by the fund (the account
        // has nothing left); then the fund's remaining 99,000 covers part of the 22,800,000 debt.
        assertEq(notional, 24_000_000e18, "notional closed");
        assertEq(reward, 1_000e18, "keeper reward capped, topped up by the fund");
        assertEq(engine.position(SHORT, mngo).size, 0, "short liquidated");
        assertEq(fund.balance(), 0, "fund exhausted");
        assertEq(liquidator.totalShortfall(), 22_701_000e18, "22,800,000 - 99,000 left for ADL");
        assertEq(vault.collateralOf(SHORT), -22_701_000e18, "the shortfall stays as the short's debt");

        // The long realises its profit against the counterparty (a reduction is always allowed).
        _trade(LONG, mngo, -1_000_000e18);
        assertEq(vault.collateralOf(LONG), 23_200_000e18, "200,000 + 23,000,000 realised");

        // Protocol loss: what the fund paid + what the counterparty lost + the unresolved shortfall (the
        // counterparty's collateral still counts it as cash). Counterparty: +23M from the short, −23M to the long.
        int256 lpChange = vault.collateralOf(LP) - lpBefore;
        assertEq(lpChange, int256(0), "counterparty cash: +23M - 23M");
        uint256 loss = (fundBefore - fund.balance()) + liquidator.totalShortfall();
        assertEq(loss, 22_801_000e18, "100,000 fund + 22,701,000 shortfall");
        // Bound: OI cap × (24 − 1) = 23,000,000; the attacker's short collateral (200,000) absorbed part of it and
        // the keeper reward (1,000) came on top: 23,000,000 − 200,000 + 1,000.
        uint256 bound = OI_CAP * (24e18 - 1e18) / 1e18;
        assertLe(loss, bound, "loss <= OI cap x price move");
        assertEq(loss, bound - 200_000e18 + 1_000e18, "exact decomposition");
        _assertLedgerBacked();

        // Without ADL the long's claim is paid first come, first served: it can take every USDC the vault holds
        // (1,521,000 deposited − 1,000 keeper reward), leaving the counterparty and the honest traders unbacked.
        uint256 held = usdc.balanceOf(address(vault));
        assertEq(held, 1_520_000e6, "vault cash");
        vm.prank(LONG);
        vault.withdraw(held, LONG);
        assertEq(usdc.balanceOf(address(vault)), 0, "drained");
        assertEq(vault.maxWithdraw(ALICE), 11_000e6, "Alice still shown 11,000 withdrawable, but nothing is left");
    }
}
