// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Rounding farm: 1,000 open/close round trips of tiny sizes at a constant price (same block, so no funding).
///         Every rounding goes against the trader, so the trader never gains and the protocol's accounts (the
///         counterparty LP and the insurance fund) never lose, loop by loop and in total.
contract RoundingFarmTest is LiquidationFixture {
    uint256 internal constant LOOPS = 1000;

    function setUp() public override {
        super.setUp();
        engine.setInsuranceFeeShare(address(fund), 0.1e18);
    }

    /// @dev ETH (fees 2 / 5 bp, premium, fair price): sizes 0.1001 ETH plus an odd number of wei, i.e. a notional
    ///      just above the 200 USD that the 10 USD minimum position margin needs at 20x. Alternating long and short.
    function test_feeMarket_userNeverGains_protocolNeverLoses() public {
        int256 userStart = vault.collateralOf(ALICE);
        int256 protocolStart = _protocol();
        for (uint256 i; i < LOOPS; ++i) {
            int256 userBefore = vault.collateralOf(ALICE);
            int256 protocolBefore = _protocol();
            int256 size = int256(0.1001e18 + 1 + (i * 7919) % 1e9);
            _trade(ALICE, eth, i % 2 == 0 ? size : -size);
            _close(ALICE, eth);
            int256 userChange = vault.collateralOf(ALICE) - userBefore;
            int256 protocolChange = _protocol() - protocolBefore;
            assertGe(int256(-1), userChange, "user loses every loop (fees)");
            assertGe(protocolChange, int256(0), "protocol never loses");
            assertEq(userChange + protocolChange, int256(0), "zero-sum");
        }
        engine.sweepInsuranceFees();
        assertGe(userStart - 1, vault.collateralOf(ALICE), "final < initial");
        assertGe(_protocol(), protocolStart, "protocol never lost");
        assertEq(_cpPnl(engine), 0, "nothing open, nothing pending");
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "ledger backed");
    }

    /// @dev RWA (no fees, no premium, no funding): only rounding is left. At an oracle price that is not a whole
    ///      number of wei per 1e18 of size, an open rounds the cost basis up (long) or the proceeds down (short) and
    ///      the close does the opposite, so each round trip costs the trader exactly 1 wei when size × price is not a
    ///      multiple of 1e18, and 0 otherwise; the counterparty gains exactly that.
    function test_zeroFeeMarket_onlyRounding_alwaysAgainstUser() public {
        uint256 price = 150_000e18 + 123456789012345679;
        rwaOracle.setPrice(price);
        int256 userStart = vault.collateralOf(ALICE);
        int256 protocolStart = _protocol();
        int256 expectedLoss;
        for (uint256 i; i < LOOPS; ++i) {
            int256 userBefore = vault.collateralOf(ALICE);
            uint256 size = 1e9 + i * 7;
            _trade(ALICE, rwa, i % 2 == 0 ? int256(size) : -int256(size));
            _close(ALICE, rwa);
            int256 loss = (size * price) % 1e18 == 0 ? int256(0) : int256(1);
            assertEq(userBefore - vault.collateralOf(ALICE), loss, "one wei per inexact round trip");
            expectedLoss += loss;
        }
        assertTrue(expectedLoss > 0, "rounding happened");
        assertEq(vault.collateralOf(ALICE), userStart - expectedLoss, "final < initial by the rounding only");
        assertEq(_protocol(), protocolStart + expectedLoss, "the counterparty gained exactly that");
    }

    function _close(address account, uint256 marketId) private {
        int256 size = engine.position(account, marketId).size;
        vm.prank(account);
        engine.closePosition(account, marketId, size > 0 ? 0 : type(uint256).max);
    }

    function _protocol() private view returns (int256) {
        return vault.collateralOf(LP) + vault.collateralOf(address(fund));
    }
}
