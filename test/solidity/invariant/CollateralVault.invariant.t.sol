// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {TestBase} from "../utils/TestBase.sol";
import {CollateralVaultHandler} from "./CollateralVaultHandler.sol";

contract CollateralVaultInvariantTest is TestBase {
    MockUSDC internal usdc;
    CollateralVault internal vault;
    CollateralVaultHandler internal handler;

    function setUp() public {
        usdc = new MockUSDC();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        handler = new CollateralVaultHandler(vault, usdc);
        vault.setBalanceManager(address(handler), true);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The tokens held back the ledger exactly, and the ledger is the sum of the accounts.
    function invariant_tokensBackLedger() public view {
        uint256 sum;
        for (uint256 i; i < handler.actorCount(); ++i) {
            int256 c = vault.collateralOf(handler.actors(i));
            assertGe(c, int256(0), "no negative balance without debt transfers");
            sum += uint256(c);
        }
        assertEq(sum, vault.totalCollateral(), "sum of accounts");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens x 1e12");
    }

    /// @notice Out of the vault never exceeds into it.
    function invariant_neverMoreOutThanIn() public view {
        uint256 totalIn;
        uint256 totalOut;
        for (uint256 i; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            totalIn += handler.deposited(a);
            totalOut += handler.withdrawn(a);
        }
        assertLe(totalOut, totalIn, "out <= in");
        assertEq(totalIn - totalOut, usdc.balanceOf(address(vault)), "net = held");
    }
}
