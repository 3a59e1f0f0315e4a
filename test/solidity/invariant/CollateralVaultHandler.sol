// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Drives the vault with bounded deposits, withdrawals and engine transfers for the invariant run.
contract CollateralVaultHandler is TestBase {
    CollateralVault public immutable vault;
    MockUSDC public immutable usdc;
    address[3] public actors = [address(0x1001), address(0x1002), address(0x1003)];

    /// @dev Ghost totals: USDC that went in and came out through the vault, per actor.
    mapping(address => uint256) public deposited;
    mapping(address => uint256) public withdrawn;

    constructor(CollateralVault vault_, MockUSDC usdc_) {
        vault = vault_;
        usdc = usdc_;
        for (uint256 i; i < actors.length; ++i) {
            vm.prank(actors[i]);
            usdc.approve(address(vault), type(uint256).max);
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function deposit(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        amount = bound(amount, 1, 10_000_000e6);
        usdc.mint(actor, amount);
        vm.prank(actor);
        vault.deposit(amount);
        deposited[actor] += amount;
    }

    function withdraw(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        uint256 max = vault.maxWithdraw(actor);
        if (max == 0) return;
        amount = bound(amount, 1, max);
        vm.prank(actor);
        vault.withdraw(amount, actor);
        withdrawn[actor] += amount;
    }

    /// @dev Stands in for the engine moving PnL/fees between accounts, in any 18-decimal amount.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = actors[fromSeed % actors.length];
        address to = actors[toSeed % actors.length];
        int256 balance = vault.collateralOf(from);
        if (balance <= 0) return;
        amount = bound(amount, 1, uint256(balance));
        vault.transferBalance(from, to, amount);
    }
}
