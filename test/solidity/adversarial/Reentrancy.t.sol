// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {ILiquidationEngineCore} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {IPerpEngineCore} from "../../../contracts/interfaces/IPerpEngineCore.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MaliciousReceiver} from "../../../contracts/mocks/MaliciousReceiver.sol";
import {MockHookUSDC} from "../../../contracts/mocks/MockHookUSDC.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";

/// @notice Reentrancy through the collateral token: USDC here calls back its receiver after every transfer
///         (`MockHookUSDC`), and the receiver (`MaliciousReceiver`) re-enters the protocol once from inside the
///         payment. Re-entering the contract that is paying reverts with ReentrancyGuardReentrantCall and the outer
///         call completes with consistent state. Re-entering a different contract (the engine during a vault
///         payment) is not blocked by a shared lock; it is safe because every payment happens after the payer's state
///         is final, so the re-entrant call sees (and is checked against) the post-payment state.
contract ReentrancyTest is LiquidationFixture {
    uint256 internal constant LIQ_PRICE = 126315789473684210526315;

    MaliciousReceiver internal attacker;
    bytes internal reentrancyError = abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);

    function _newToken() internal override returns (MockUSDC) {
        return new MockHookUSDC();
    }

    function setUp() public override {
        super.setUp();
        attacker = new MaliciousReceiver();
        MockHookUSDC(address(usdc)).setHooked(address(attacker), true);
        usdc.mint(address(attacker), 1_000e6);
        attacker.execute(address(usdc), abi.encodeCall(IERC20.approve, (address(vault), type(uint256).max)));
        attacker.execute(address(vault), abi.encodeCall(ICollateralVault.deposit, (1_000e6)));
    }

    // ------------------------------------------------------------------ collateral vault

    function test_withdraw_reenteringWithdraw_reverts() public {
        attacker.arm(address(vault), abi.encodeCall(ICollateralVault.withdraw, (100e6, address(attacker))));
        _attackerWithdraw(500e6);
        _assertBlocked();
        assertEq(vault.collateralOf(address(attacker)), 500e18, "debited once");
        assertEq(usdc.balanceOf(address(attacker)), 500e6, "paid once");
        _assertLedgerBacked();
    }

    function test_withdraw_reenteringDeposit_reverts() public {
        attacker.arm(address(vault), abi.encodeCall(ICollateralVault.deposit, (100e6)));
        _attackerWithdraw(500e6);
        _assertBlocked();
        assertEq(vault.collateralOf(address(attacker)), 500e18, "no deposit slipped in");
        _assertLedgerBacked();
    }

    /// @dev Cross-contract: the engine has its own lock, so a trade from inside a withdrawal is not refused for
    ///      reentrancy, but it is checked against the collateral left after the withdrawal (50 < IM of 1 ETH ≈ 100).
    function test_withdraw_reenteringTrade_checkedAgainstPostWithdrawalCollateral() public {
        attacker.arm(address(engine), abi.encodeCall(IPerpEngineCore.trade, (address(attacker), eth, 1e18, type(uint256).max)));
        _attackerWithdraw(950e6);
        assertTrue(attacker.attempted(), "re-entered");
        assertTrue(!attacker.succeeded(), "refused");
        assertTrue(bytes4(attacker.result()) == IPerpEngine.InsufficientMargin.selector, "margin check on what is left");
        assertEq(engine.position(address(attacker), eth).size, 0, "no position");
        assertEq(vault.collateralOf(address(attacker)), 50e18, "withdrawal done");
        _assertLedgerBacked();
    }

    /// @dev The same trade with enough collateral left goes through: the account ends with the position and
    ///      500 − fee, and the market's sums agree with it.
    function test_withdraw_reenteringTrade_withMarginLeft_isConsistent() public {
        attacker.arm(address(engine), abi.encodeCall(IPerpEngineCore.trade, (address(attacker), eth, 1e18, type(uint256).max)));
        _attackerWithdraw(500e6);
        assertTrue(attacker.succeeded(), "not a same-contract reentrancy");
        assertEq(engine.position(address(attacker), eth).size, 1e18, "position opened");
        assertEq(engine.marketState(eth).openInterestLong, 1e18, "OI");
        assertTrue(vault.collateralOf(address(attacker)) < 500e18, "fee paid out of what was left");
        _assertLedgerBacked();
    }

    // ------------------------------------------------------------------ liquidation engine (keeper payout)

    function test_keeperPayout_reenteringLiquidate_reverts() public {
        _openCarolLong();
        rwaOracle.setPrice(LIQ_PRICE);
        attacker.arm(address(liquidator), abi.encodeCall(ILiquidationEngineCore.liquidate, (CAROL)));
        attacker.execute(address(liquidator), abi.encodeCall(ILiquidationEngineCore.liquidate, (CAROL)));
        _assertBlocked();
        // The outer liquidation is the one of Liquidation.t.sol: 126.315789 USDC to the keeper.
        assertEq(engine.position(CAROL, rwa).size, 0, "liquidated once");
        assertEq(usdc.balanceOf(address(attacker)), 126_315789, "keeper paid once");
        assertEq(fund.balance(), 505263158368421052632, "fund share once");
        _assertLedgerBacked();
    }

    /// @dev `payOut` holds the vault's lock while it transfers, so the keeper cannot withdraw from inside it.
    function test_keeperPayout_reenteringVaultWithdraw_reverts() public {
        _openCarolLong();
        rwaOracle.setPrice(LIQ_PRICE);
        attacker.arm(address(vault), abi.encodeCall(ICollateralVault.withdraw, (1_000e6, address(attacker))));
        attacker.execute(address(liquidator), abi.encodeCall(ILiquidationEngineCore.liquidate, (CAROL)));
        _assertBlocked();
        assertEq(vault.collateralOf(address(attacker)), 1_000e18, "collateral untouched");
        _assertLedgerBacked();
    }

    /// @dev Cross-contract: the engine's lock is free once the close is done, so the keeper may trade from inside
    ///      its payout; the liquidation's remaining steps (fund top-up, waterfall) read fresh state and still add up.
    function test_keeperPayout_reenteringTrade_isConsistent() public {
        _openCarolLong();
        rwaOracle.setPrice(LIQ_PRICE);
        attacker.arm(address(engine), abi.encodeCall(IPerpEngineCore.trade, (address(attacker), eth, 1e18, type(uint256).max)));
        attacker.execute(address(liquidator), abi.encodeCall(ILiquidationEngineCore.liquidate, (CAROL)));
        assertTrue(attacker.succeeded(), "engine lock not held by the liquidation engine");
        assertEq(engine.position(CAROL, rwa).size, 0, "liquidation completed");
        assertEq(vault.collateralOf(CAROL), 5684210526315789473683, "same result as without the re-entry");
        assertEq(fund.balance(), 505263158368421052632, "same fund share");
        assertEq(engine.position(address(attacker), eth).size, 1e18, "keeper's own trade");
        _assertLedgerBacked();
    }

    // ------------------------------------------------------------------ liquidity vault

    function test_lpWithdraw_reenteringRedeem_reverts() public {
        LiquidityVault lp = new LiquidityVault(vault, address(this), type(uint256).max);
        attacker.execute(address(usdc), abi.encodeCall(IERC20.approve, (address(lp), type(uint256).max)));
        usdc.mint(address(attacker), 1_000e6);
        attacker.execute(address(lp), abi.encodeWithSignature("deposit(uint256,address)", 1_000e6, address(attacker)));
        uint256 shares = lp.balanceOf(address(attacker));
        attacker.arm(
            address(lp),
            abi.encodeWithSignature("redeem(uint256,address,address)", shares / 2, address(attacker), address(attacker))
        );
        attacker.execute(
            address(lp),
            abi.encodeWithSignature("withdraw(uint256,address,address)", 400e6, address(attacker), address(attacker))
        );
        _assertBlocked();
        assertEq(lp.totalAssets(), 600e6, "one withdrawal");
        assertEq(lp.balanceOf(address(attacker)), shares * 6 / 10, "shares burnt once");
        assertEq(vault.collateralOf(address(lp)), 600e18, "vault account debited once");
        assertEq(usdc.balanceOf(address(attacker)), 400e6, "paid once");
        _assertLedgerBacked();
    }

    // ------------------------------------------------------------------ helpers

    function _attackerWithdraw(uint256 amount) private {
        attacker.execute(address(vault), abi.encodeCall(ICollateralVault.withdraw, (amount, address(attacker))));
    }

    function _assertBlocked() private view {
        assertTrue(attacker.attempted(), "re-entered");
        assertTrue(!attacker.succeeded(), "re-entrant call refused");
        assertTrue(keccak256(attacker.result()) == keccak256(reentrancyError), "ReentrancyGuardReentrantCall");
    }

    function _assertLedgerBacked() private view {
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens x 1e12 == totalCollateral");
    }
}
