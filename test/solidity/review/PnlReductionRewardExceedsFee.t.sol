// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice FINDING (low, parameter bounds): a pnl-factor reduction step pays its caller more out of the liquidity vault
///         than the vault keeps of the fee it charged, so every step is a loss to the LPs, when keeperShare >
///         1 − insuranceFeeShare (both within their bounds: keeperShare ≤ 100 %, insuranceFeeShare ≤ 50 %).
/// @dev What is wrong: `_executeReduction` pays keeperShare × fee from the liquidity vault's account, but the fee it
///      charged reached that account only in part: insuranceFeeShare of it is owed to the fund (pending, already
///      excluded from the vault's value). Nothing ties the two settings.
///
///      Numbers (exact market at 1,000 but maker = taker = 1 %; keeperShare 100 %, insuranceFeeShare 50 %).
///      Provider 100,000; Bob long 100 with 21,000 (fee 1,000: 500 to the vault, 500 owed to the fund). Oracle 1,600:
///      traders' profit 60,000 + 500 of pending fund fees > 50 % of the 101,000 of cash. The reduction closes Bob
///      (maker fee 1 % × 160,000 = 1,600: 800 for the vault, 800 owed to the fund) and pays the keeper 1,600 from the
///      vault: the vault's net value falls by 800 on the step.
///
///      Fix: pay the caller out of the vault's part only (reward = keeperShare × fee × (1 − insuranceFeeShare)), or
///      bound keeperShare + insuranceFeeShare ≤ 100 % where either is set.
contract PnlReductionRewardExceedsFeeTest is ReviewFixture {
    MockOracleAdapter internal xOracle;
    uint256 internal x;

    function setUp() public override {
        super.setUp();
        xOracle = new MockOracleAdapter(1_000e18);
        MarketParams memory p = exactParams(xOracle);
        p.makerFee = 0.01e18;
        p.takerFee = 0.01e18;
        x = engine.listMarket("X", p, oneTier(10_000_000e18, 5e18, 0.05e18));
        engine.setInsuranceFeeShare(address(fund), 0.5e18);
        LiquidationConfig memory c = liquidator.config();
        c.keeperShare = 1e18;
        liquidator.setConfig(c);
        _lpDeposit(PROVIDER, 100_000e6);
        _fund(BOB, 21_000e6);
        _trade(BOB, x, 100e18);
        xOracle.setPrice(1_600e18);
    }

    function test_reductionStep_costsTheLpsHalfTheFee() public {
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 60_500e18, "60,000 + the 500 owed to the fund");
        assertEq(cash, 101_000e18, "100,000 + Bob's 1,000 fee");
        vm.prank(KEEPER);
        liquidator.requestPnlReduction(x);
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
        int256 before = lpVault.netValueUsd();
        vm.prank(KEEPER);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, x).size, 0, "bob closed");
        assertEq(usdc.balanceOf(KEEPER), 1_600e6, "keeper paid the whole 1 % fee");
        assertEq(lpVault.netValueUsd(), before - 800e18, "+1,600 fee - 800 owed to the fund - 1,600 reward");
    }
}
