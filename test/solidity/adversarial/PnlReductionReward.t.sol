// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine, LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {ReviewFixture} from "./ReviewFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Regression (second review, low): a pnl-factor reduction step paid its caller keeperShare × the whole trading
///         fee out of the liquidity vault, though insuranceFeeShare of that fee is owed to the fund; with
///         keeperShare > 1 − insuranceFeeShare (both within their bounds) every step was a loss to the LPs. Now the
///         caller earns keeperShare × (fee − ⌊fee × insuranceFeeShare⌋), whole USDC units: never more than the vault
///         keeps of the fee.
/// @dev Exact market X at 1,000 with maker = taker = 1 %; insuranceFeeShare 50 %; one tier 5x / 5 %. Provider
///      100,000; Bob long 100 with 21,000 (taker fee 1,000: 500 to the vault, 500 owed to the fund). Oracle 1,600:
///      traders' profit 60,000 + the 500 of pending fund fees = 60,500 > ⌊50 % × 101,000⌋. The reduction closes Bob
///      (he sells into his own +100 skew: maker fee 1 % × 160,000 = 1,600, of which ⌊1,600 × 50 %⌋ = 800 is owed to the
///      fund and 800 is the vault's).
///      Before (commit af467cf^, the red team's test, keeperShare 100 %): the keeper was paid 1,600 and the vault's net
///      value fell by 800 on the step (+1,600 fee − 800 owed to the fund − 1,600 reward).
///      After: keeperShare 100 % pays exactly the vault's 800 (net value unchanged on the step: +1,600 − 800 − 800);
///      the default 20 % pays 160 (net value +640).
contract PnlReductionRewardTest is ReviewFixture {
    MockOracleAdapter internal xOracle;
    uint256 internal x;

    function setUp() public override {
        super.setUp();
        xOracle = new MockOracleAdapter(1_000e18);
        MarketParams memory p = uncappedExactParams(xOracle);
        p.makerFee = 0.01e18;
        p.takerFee = 0.01e18;
        x = engine.listMarket("X", p, oneTier(10_000_000e18, 5e18, 0.05e18));
        engine.setInsuranceFeeShare(address(fund), 0.5e18);
        _lpDeposit(PROVIDER, 100_000e6);
        _fund(BOB, 21_000e6);
        _trade(BOB, x, 100e18);
        xOracle.setPrice(1_600e18);
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        assertEq(profit, 60_500e18, "60,000 + the 500 owed to the fund");
        assertEq(cash, 101_000e18, "100,000 + Bob's 1,000 fee");
        vm.prank(KEEPER);
        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(BOB);
        vm.warp(T0 + 60);
    }

    function test_fullKeeperShare_paysExactlyTheVaultsPart() public {
        _setKeeperShare(1e18);
        _step(800e18);
        assertEq(usdc.balanceOf(KEEPER), 800e6, "the vault's 800, not the whole 1,600");
    }

    function test_defaultKeeperShare_paysItsShareOfTheVaultsPart() public {
        assertEq(ILiquidationEngine(address(liquidator)).config().keeperShare, 0.2e18, "default 20 %");
        _step(160e18);
        assertEq(usdc.balanceOf(KEEPER), 160e6, "20 % of 800");
    }

    /// @dev One step closing Bob: the fee, the reward and the vault's net value move as derived above.
    function _step(uint256 reward) private {
        int256 before = lpVault.netValueUsd();
        assertEq(before, 101_000e18 - 60_000e18 - 500e18, "collateral - Bob's profit - pending fund fees");
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionExecuted(0, BOB, -100e18, 1_600e18, 1_600e18, reward);
        vm.prank(KEEPER);
        liquidator.executeAdl();
        assertEq(engine.position(BOB, x).size, 0, "bob closed");
        assertEq(vault.collateralOf(BOB), 21_000e18 - 1_000e18 + 60_000e18 - 1_600e18, "78,400");
        assertEq(engine.pendingInsuranceFees(), 1_300e18, "500 + 800 owed to the fund");
        assertEq(lpVault.netValueUsd(), before + 1_600e18 - 800e18 - int256(reward), "fee - fund's part - reward");
        assertGe(lpVault.netValueUsd(), before, "the step never costs the LPs");
    }

    function _setKeeperShare(uint64 share) private {
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        c.keeperShare = share;
        ILiquidationEngine(address(liquidator)).setConfig(c);
    }
}
