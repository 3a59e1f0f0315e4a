// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ParameterOutOfBounds} from "../../../contracts/interfaces/CommonErrors.sol";
import {
    INSURANCE_BAD_DEBT,
    INSURANCE_KEEPER_REWARD,
    MAX_FEED_HEARTBEAT,
    MAX_ORACLE_PRICE,
    MAX_POSITIONS_PER_ACCOUNT,
    MAX_SEQUENCER_GRACE_PERIOD,
    ONE_HOUR,
    TOKEN_DECIMALS,
    TOKEN_TO_USD_SCALE,
    USD_DECIMALS,
    WAD
} from "../../../contracts/libraries/Constants.sol";
import {MarketList} from "../../../contracts/libraries/MarketList.sol";
import {TokenUnits} from "../../../contracts/libraries/TokenUnits.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The shared units and limits have the values of SPEC §2, and the engine and the liquidation engine, which
///         use them, behave by them (the engine's position cap, the insurance fund's payout reasons).
contract ConstantsTest is LiquidationFixture {
    function test_units() public pure {
        assertEq(WAD, 1e18, "18-decimal fixed point");
        assertEq(USD_DECIMALS, 18, "USD decimals");
        assertEq(TOKEN_DECIMALS, 6, "USDC decimals");
        assertEq(TOKEN_TO_USD_SCALE, 1e12, "10^(18 - 6)");
        assertEq(TokenUnits.toUsd(1), TOKEN_TO_USD_SCALE, "one USDC unit in USD");
        assertEq(ONE_HOUR, 3_600, "seconds");
        assertEq(MAX_FEED_HEARTBEAT, 172_800, "2 days");
        assertEq(MAX_SEQUENCER_GRACE_PERIOD, 86_400, "1 day");
        assertEq(MAX_ORACLE_PRICE, 1e36, "price limit");
        assertEq(MarketList.ENTRIES, MAX_POSITIONS_PER_ACCOUNT, "the market list holds the cap");
    }

    // The engine's hard cap on positions per account is MAX_POSITIONS_PER_ACCOUNT (16), and its error the shared
    // selector.
    function test_engineCapAgrees() public {
        engine.setMaxPositionsPerAccount(MAX_POSITIONS_PER_ACCOUNT);
        assertEq(engine.maxPositionsPerAccount(), 16, "cap accepted");
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxPositionsPerAccount"), 17, 1, MAX_POSITIONS_PER_ACCOUNT
            )
        );
        engine.setMaxPositionsPerAccount(MAX_POSITIONS_PER_ACCOUNT + 1);
    }

    // The liquidation engine pays under the fund's reasons: Carol (long 1 RWA at 150,000 with 30,000) liquidated at 110,000
    // leaves −10,000 and pays no fee; the keeper reward 110,000 × 0.5 % × 20 % = 110 is topped up by the fund (4,000)
    // first, then the fund covers 3,890 of the bad debt. Both land in their totals.
    function test_liquidationEngineReasonsAgree() public {
        assertTrue(INSURANCE_BAD_DEBT == bytes32("badDebt"), "bad debt reason");
        assertTrue(INSURANCE_KEEPER_REWARD == bytes32("keeperReward"), "keeper reward reason");
        _seedFund(4_000e6);
        _openCarolLong();
        rwaOracle.setPrice(110_000e18);
        vm.prank(KEEPER);
        liquidator.liquidate(CAROL);
        assertEq(fund.totalKeeperRewardsPaid(), 110e18, "counted as a keeper reward");
        assertEq(fund.totalBadDebtCovered(), 3_890e18, "counted as bad debt");
        assertEq(fund.balance(), 0, "fund spent");
    }
}
