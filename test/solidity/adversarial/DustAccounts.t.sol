// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {ILiquidationEngine, LiquidationPreview} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {LocalProtocolFixture} from "./LocalProtocolFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Finding 11 of the security review, "dust accounts drain the insurance fund": `minPositionMargin` was
///         checked only on opens and increases, so an account could open the minimum, reduce to 0.0001 ETH and
///         withdraw down to 0.015 USD; after an ordinary 3 % move it was liquidatable and the fund paid the 5 USD
///         keeper-reward floor (+4.84 USDC net per dust account for the keeper who made it).
/// @dev Local ETH market (minimum position margin 10 USD, tier 1 20x), oracle 3,000, everything in one block (fair
///      premium 0, no funding). IM of r ETH at 3,000 = ⌈r × 3,000⌉ / 20 = 150 r; the smallest open is r =
///      ⌈10 / 150⌉ = 0.066666666666666667 ETH (IM 10.00000000000000005).
///      Before (commit 1005906, ported; the old fair price lagged the oracle, so each liquidation waited a day): the
///      reduction from the minimum to 0.0001 ETH passed (IM 0.015), the account withdrew down to 0.015001 USD, and
///      after the 3 % move (2,910) its liquidation (notional 0.291) paid the keeper 4.999999 USDC, 4.994086 of it
///      from the fund; the dust-by-price account of the second test made the fund pay 1.137042.
contract DustAccountsTest is LocalProtocolFixture {
    uint256 internal constant MIN_OPEN = 66_666_666_666_666_667;

    function setUp() public override {
        super.setUp();
        _lpDeposit(PROVIDER, 1_000_000e6);
        _seedFund(1_000e6);
    }

    /// @dev Open the minimum (1 wei less: `PositionBelowMinimumMargin(9.9999999999999999, 10)`), then try to keep
    ///      0.0001 ETH: `PartialCloseBelowMinimumMargin(ETH, 0.015, 10, −0.066666666666666667)` names the full-close
    ///      size, and that full close passes. Boundary from 0.1 ETH: reducing to the minimum passes, to 1 wei less
    ///      reverts with remaining IM 150 × 0.066666666666666666 = 9.9999999999999999.
    function test_finding11_reductionToDust_revertsNamingTheFullClose() public {
        _fund(DAN, 100e6);
        vm.prank(DAN);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.PositionBelowMinimumMargin.selector, 9_999_999_999_999_999_900, 10e18)
        );
        engine.trade(DAN, eth, int256(MIN_OPEN) - 1, type(uint256).max);
        _trade(DAN, eth, int256(MIN_OPEN));

        vm.prank(DAN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.PartialCloseBelowMinimumMargin.selector, eth, 0.015e18, 10e18, -int256(MIN_OPEN)
            )
        );
        engine.trade(DAN, eth, -(int256(MIN_OPEN) - 0.0001e18), 0);
        _trade(DAN, eth, -int256(MIN_OPEN));
        assertEq(engine.position(DAN, eth).size, 0, "the full close passes");

        _trade(DAN, eth, 0.1e18);
        vm.prank(DAN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPerpEngine.PartialCloseBelowMinimumMargin.selector, eth, 9_999_999_999_999_999_900, 10e18, -0.1e18
            )
        );
        engine.trade(DAN, eth, -(0.1e18 - int256(MIN_OPEN) + 1), 0);
        _trade(DAN, eth, -(0.1e18 - int256(MIN_OPEN)));
        assertEq(engine.position(DAN, eth).size, int256(MIN_OPEN), "reduced to the minimum");
    }

    /// @dev An account that is dust anyway, by price. Erin deposits 50 and opens 0.07 ETH: fill 3,000 × (1 + 0.07 /
    ///      2,000,000) = 3,000.000105, cost basis 210.00000735, taker fee 0.105000003675. At 2,800 her IM is 0.07 ×
    ///      2,800 / 20 = 9.8 (below the 10 minimum); valued at min(exit 2,800.000098, fair 2,800): equity
    ///      49.894999996325 − 14.00000735 = 35.894992646325, withdrawable 26.094992646325, she withdraws 26.094992
    ///      (collateral 23.800007996325). A 3 % move to 2,716: equity 23.800007996325 + 190.12 − 210.00000735 =
    ///      3.920000646325 < MM 2.5 % × 190.12 = 4.753. The liquidation closes 0.07 at 2,716 × 1.000000035 =
    ///      2,716.00009506 (realised −19.8800006958, collateral 3.920007300525), notional 190.1200066542 <
    ///      minKeeperReward / feeRate = 5 / 0.5 % = 1,000, so the fund does not top the 5 floor up: the keeper gets
    ///      3.920007 (what the account had, in whole USDC units), the fund pays 0 and receives the 0.000000300525 rest.
    function test_finding11_dustByPrice_liquidation_fundPaysNothing() public {
        _fund(ERIN, 50e6);
        assertEq(_trade(ERIN, eth, 0.07e18), 3_000.000105e18, "fill");
        ethOracle.setPrice(2_800e18);
        assertEq(engine.accountMargin(ERIN).initialMargin, 9.8e18, "below the minimum position margin by price");
        assertEq(vault.maxWithdraw(ERIN), 26_094992, "35.894992646325 - 9.8");
        vm.prank(ERIN);
        vault.withdraw(26_094992, ERIN);

        ethOracle.setPrice(2_716e18);
        assertEq(engine.maintenanceMargin(ERIN), -0.832999353675e18, "3.920000646325 - 4.753");
        LiquidationPreview memory p = ILiquidationEngine(address(liquidator)).previewLiquidation(ERIN);
        assertEq(p.keeperReward, 3.920007e18, "preview: what the account has");
        assertEq(p.insuranceFee, 0.000000300525e18, "preview: the sub-unit rest");
        uint256 fundBefore = fund.balance();

        vm.prank(KEEPER);
        (uint256 notional, uint256 reward) = liquidator.liquidate(ERIN);
        assertEq(notional, 190.1200066542e18, "0.07 x 2,716.00009506, rounded up");
        assertEq(reward, 3.920007e18, "keeper: at most what the account had");
        assertEq(usdc.balanceOf(KEEPER), 3_920007, "paid in USDC");
        assertEq(vault.collateralOf(ERIN), 0, "account emptied");
        assertEq(fund.totalKeeperRewardsPaid(), 0, "the fund paid nothing");
        assertEq(fund.balance(), fundBefore + 0.000000300525e18, "and only received the rest");
    }
}
