// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {MarginSummary, Position} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Isolation: a sub-account liquidated to zero (or left in debt for ADL) leaves every other sub-account of its
///         owner exactly as it was, to the wei: collateral, positions, equity and margins at mark and at fair. The
///         waterfall draws on the liquidated sub-account, the insurance fund and ADL, never on its siblings.
/// @dev RWA: exact market at 150,000 (no premium, fees or funding; 5x, mmr 5 %). Alice holds 110,000: sub-account 1
///      gets 30,000 and buys 1 RWA (IM 30,000: 5x, the seed's isolated long); sub-account 2 gets 20,000 and buys 0.1 RWA;
///      her own account (sub-account 0) keeps 60,000 and sells 1 ETH (premium market, 2,000). RWA falls to 110,000:
///      sub-account 1's equity is 30,000 − 40,000 = −10,000 (bankrupt); sub-account 2's maintenance margin is 20,000 −
///      4,000 − 5 % × 11,000 = 15,450. With all of it in one cross account Alice would hold 66,000 of equity against
///      6,050 of maintenance margin and not be liquidated: the sub-account is what isolates the loss.
contract SubAccountIsolationTest is LiquidationFixture {
    address internal one;
    address internal two;

    /// @dev Everything about one account that a liquidation elsewhere must not move.
    struct AccountState {
        int256 collateral;
        MarginSummary margin;
        MarginSummary marginAtFair;
        int256 maintenance;
        Position rwaPosition;
        Position ethPosition;
    }

    function setUp() public override {
        super.setUp();
        _fund(ALICE, 100_000e6);
        vm.startPrank(ALICE);
        (, one) = vault.createSubAccount();
        (, two) = vault.createSubAccount();
        vault.transferBetweenSubAccounts(ALICE, one, 30_000e18);
        vault.transferBetweenSubAccounts(ALICE, two, 20_000e18);
        engine.trade(one, rwa, 1e18, type(uint256).max);
        engine.trade(two, rwa, 0.1e18, type(uint256).max);
        engine.trade(ALICE, eth, -1e18, 0);
        vm.stopPrank();
        rwaOracle.setPrice(110_000e18);
    }

    function _state(address account) internal view returns (AccountState memory s) {
        s.collateral = vault.collateralOf(account);
        s.margin = engine.accountMargin(account);
        s.marginAtFair = engine.accountMarginAtFair(account);
        s.maintenance = engine.maintenanceMargin(account);
        s.rwaPosition = engine.position(account, rwa);
        s.ethPosition = engine.position(account, eth);
    }

    function _assertSame(AccountState memory a, AccountState memory b, string memory who) internal pure {
        assertEq(uint256(keccak256(abi.encode(a))), uint256(keccak256(abi.encode(b))), who);
        assertEq(a.collateral, b.collateral, who);
        assertEq(a.margin.equity, b.margin.equity, who);
        assertEq(a.marginAtFair.equity, b.marginAtFair.equity, who);
        assertEq(a.maintenance, b.maintenance, who);
    }

    function test_setUp_onlySubAccountOneIsLiquidatable() public {
        assertEq(engine.maintenanceMargin(one), -15_500e18, "30,000 - 40,000 - 5,500");
        assertEq(engine.maintenanceMargin(two), 15_450e18, "20,000 - 4,000 - 550");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, two, 15_450e18));
        liquidator.liquidate(two);
        int256 own = engine.maintenanceMargin(ALICE);
        assertTrue(own > 0, "the owner's own account is healthy");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotLiquidatable.selector, ALICE, own));
        liquidator.liquidate(ALICE);
    }

    /// @dev The fund covers: everything closes at 110,000 (realised −40,000), the 550 fee cannot be paid so the fund
    ///      tops up the 110 reward and then pays the 10,000 of bad debt: sub-account 1 ends flat at exactly zero.
    function test_liquidatedToZero_siblingsUnchangedToTheWei() public {
        _seedFund(20_000e6);
        AccountState memory ownBefore = _state(ALICE);
        AccountState memory twoBefore = _state(two);

        vm.prank(KEEPER);
        liquidator.liquidate(one);
        assertEq(vault.collateralOf(one), 0, "liquidated to zero");
        assertEq(engine.position(one, rwa).size, 0, "flat");
        assertEq(fund.balance(), 20_000e18 - 110e18 - 10_000e18, "the fund paid the reward and the debt");
        assertEq(liquidator.totalShortfall(), 0, "no ADL");

        _assertSame(_state(ALICE), ownBefore, "sub-account 0 unchanged");
        _assertSame(_state(two), twoBefore, "sub-account 2 unchanged");
        assertEq(vault.subAccountOwner(one), ALICE, "still Alice's");
    }

    /// @dev The fund holds 5,000: it pays the 110 reward and 4,890 of the debt; 5,110 stays on sub-account 1 as its
    ///      debt and the ADL request's, and nothing is taken from the siblings (nor may they be used to repay it
    ///      unless the owner chooses to move collateral there).
    function test_shortfallForAdl_staysOnTheSubAccount_siblingsUnchanged() public {
        _seedFund(5_000e6);
        AccountState memory ownBefore = _state(ALICE);
        AccountState memory twoBefore = _state(two);

        vm.expectEmit(true, false, false, true, address(liquidator));
        emit ILiquidationEngine.ShortfallForAdl(one, 5_110e18);
        vm.prank(KEEPER);
        liquidator.liquidate(one);
        assertEq(vault.collateralOf(one), -5_110e18, "the shortfall stays on the sub-account");
        assertEq(liquidator.totalShortfall(), 5_110e18, "recorded");
        (bool pending,,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        assertTrue(pending, "ADL request");

        _assertSame(_state(ALICE), ownBefore, "sub-account 0 unchanged");
        _assertSame(_state(two), twoBefore, "sub-account 2 unchanged");
        assertEq(vault.totalDebt(), 5_110e18, "the only debt is sub-account 1's");
    }
}
