// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MockBlacklistUSDC} from "../../../contracts/mocks/MockBlacklistUSDC.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A USDC blacklist on the keeper or on the liquidated account cannot stop a liquidation.
contract LiquidationUnblockableTest is LiquidationFixture {
    uint256 internal constant LIQ_PRICE = 126315789473684210526315;

    function _newToken() internal override returns (MockUSDC) {
        return new MockBlacklistUSDC();
    }

    function test_blacklistedKeeper_rewardCreditedToCollateral() public {
        _openCarolLong();
        MockBlacklistUSDC(address(usdc)).setBlacklisted(KEEPER, true);
        rwaOracle.setPrice(LIQ_PRICE);
        vm.expectEmit(true, false, false, true);
        emit IAutoDeleveraging.KeeperRewardCredited(KEEPER, 126315789000000000000);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, rwa).size, 0, "liquidated anyway");
        assertEq(vault.collateralOf(KEEPER), 126315789000000000000, "reward in the keeper's collateral");
        assertEq(usdc.balanceOf(KEEPER), 0, "no tokens moved to a blacklisted address");
    }

    function test_blacklistedAccount_isLiquidated() public {
        _openCarolLong();
        MockBlacklistUSDC(address(usdc)).setBlacklisted(CAROL, true);
        rwaOracle.setPrice(LIQ_PRICE);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(engine.position(CAROL, rwa).size, 0, "closed");
        assertEq(usdc.balanceOf(KEEPER), 126_315789, "keeper paid");
    }
}
