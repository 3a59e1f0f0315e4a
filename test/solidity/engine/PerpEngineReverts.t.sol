// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ParameterOutOfBounds, ZeroAddress} from "../../../contracts/interfaces/CommonErrors.sol";
import {IMarketConfig} from "../../../contracts/interfaces/IMarketConfig.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {EngineFixture} from "./EngineFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Every trading and configuration error, at its boundary where it has one.
contract PerpEngineRevertsTest is EngineFixture {
    function test_zeroSize() public {
        vm.prank(ALICE);
        vm.expectRevert(IPerpEngine.ZeroSizeDelta.selector);
        engine.trade(ALICE, eth, 0, 0);
    }

    function test_unknownMarket() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.UnknownMarket.selector, 7));
        engine.trade(ALICE, 7, 1e18, type(uint256).max);
    }

    function test_notAccountOrOperator() public {
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.NotAccountOrOperator.selector, BOB, ALICE));
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
    }

    function test_liquidityVaultNotSet() public {
        IPerpEngine fresh = IPerpEngine(address(new PerpEngine(vault, address(this))));
        fresh.listMarket("ETH", ethParams(ethOracle), twoTiers());
        vm.prank(ALICE);
        vm.expectRevert(IPerpEngine.LiquidityVaultNotSet.selector);
        fresh.trade(ALICE, 0, 1e18, type(uint256).max);
    }

    function test_setLiquidityVault_onlyOnce_andNotZero() public {
        vm.expectRevert(IPerpEngine.LiquidityVaultAlreadySet.selector);
        engine.setLiquidityVault(BOB);
        IPerpEngine fresh = IPerpEngine(address(new PerpEngine(vault, address(this))));
        vm.expectRevert(ZeroAddress.selector);
        fresh.setLiquidityVault(address(0));
    }

    // Paused market: opening reverts, reducing and closing still work.
    function test_pausedMarket_reduceOnly() public {
        _trade(ALICE, eth, 10e18);
        vm.expectEmit(true, false, false, true);
        emit IMarketConfig.MarketPausedSet(eth, true);
        engine.setMarketPaused(eth, true);
        assertTrue(engine.isReduceOnly(eth), "reduce-only");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MarketReduceOnly.selector, eth));
        engine.trade(ALICE, eth, 1e18, type(uint256).max);
        _trade(ALICE, eth, -4e18);
        vm.prank(ALICE);
        engine.closePosition(ALICE, eth, 0);
        assertEq(engine.position(ALICE, eth).size, 0, "closed while paused");
    }

    function test_globalPause_reduceOnly() public {
        _trade(ALICE, eth, 10e18);
        engine.setGlobalPaused(true);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MarketReduceOnly.selector, eth));
        engine.trade(BOB, eth, -1e18, 0);
        // A flip is not a pure reduction: refused too.
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MarketReduceOnly.selector, eth));
        engine.trade(ALICE, eth, -11e18, 0);
        _trade(ALICE, eth, -10e18);
        engine.setGlobalPaused(false);
        _trade(BOB, eth, -1e18);
    }

    // OI cap 15: 10 + 5 fits exactly, 10 + 5.000…01 does not.
    function test_openInterestCap_boundary() public {
        MarketParams memory p = ethParams(ethOracle);
        p.maxOpenInterest = 15e18;
        p.maxSkew = 15e18;
        engine.setMarketParams(eth, p);
        _trade(ALICE, eth, 10e18);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.OpenInterestCapExceeded.selector, eth, 15e18 + 1, 15e18));
        engine.trade(BOB, eth, 5e18 + 1, type(uint256).max);
        _trade(BOB, eth, 5e18);
        assertEq(uint256(engine.marketState(eth).openInterestLong), 15e18, "at the cap");
    }

    function test_maxSkew_boundary() public {
        MarketParams memory p = ethParams(ethOracle);
        p.maxSkew = 12e18;
        engine.setMarketParams(eth, p);
        _trade(ALICE, eth, 10e18);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.MaxSkewExceeded.selector, eth, 12e18 + 1, 12e18));
        engine.trade(BOB, eth, 2e18 + 1, type(uint256).max);
        _trade(BOB, eth, 2e18);
        // Reducing skew is always allowed, even above the cap after a parameter change.
        p.maxSkew = 1e18;
        engine.setMarketParams(eth, p);
        _trade(BOB, eth, -2e18);
    }

    // The minimum is judged at the oracle price (not the post-trade mark): 0.1 ETH × 2,000 = 200 USD of notional,
    // IM (20x) = 10 = the minimum, passes; 0.1 ETH − 1 wei: notional ceil((0.1e18 − 1) × 2,000) = 200e18 − 2,000,
    // IM ceil((200e18 − 2,000) / 20) = 10e18 − 100 < 10e18. 0.09 ETH: 180 / 20 = 9.
    function test_minimumPositionMargin() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.PositionBelowMinimumMargin.selector, 9e18, 10e18));
        engine.trade(ALICE, eth, 0.09e18, type(uint256).max);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.PositionBelowMinimumMargin.selector, 10e18 - 100, 10e18));
        engine.trade(ALICE, eth, 0.1e18 - 1, type(uint256).max);
        _trade(ALICE, eth, 0.1e18);
        assertEq(engine.position(ALICE, eth).size, 0.1e18, "exactly the minimum opens");
    }

    // The tier is judged on the notional at the oracle price: 2,500 ETH × 2,000 = 5,000,000 USD, exactly the last
    // tier's cap, passes; 2,500 ETH + 1 wei is ceil((2,500e18 + 1) × 2,000) = 5,000,000e18 + 2,000 above it.
    // Alice gets 600,000 USDC (IM at 10x is 500,000) and the liquidity vault 5M more cash (open-interest-to-cash
    // limit).
    function test_notionalAboveMaxTier() public {
        _fund(LP, 5_000_000e6);
        _fund(ALICE, 590_000e6);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.NotionalAboveMaxTier.selector, 5_000_000e18 + 2000, 5_000_000e18)
        );
        engine.trade(ALICE, eth, 2500e18 + 1, type(uint256).max);
        _trade(ALICE, eth, 2500e18);
        assertEq(engine.position(ALICE, eth).size, 2500e18, "at the last tier's cap");
    }

    // 100 ETH: fill 2000 × (1 + 100 / 2M) = 2000.1, fee 200,010 × 5 bp = 100.005. Credited at the worse of the exit
    // (sell 100 from 100 to 0: 2000.1) and fair (2,000): 2,000, so PnL = −10, notional 200,000, IM (20x) 10,000.
    // equity = collateral − 100.005 − 10. With 10,000 USDC: 9,889.995 < 10,000. With 10,110.005 USDC the equity is
    // exactly the IM (passes); one USDC unit less (10,110.004999) leaves 9,999.999999 and reverts.
    function test_insufficientMargin() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.InsufficientMargin.selector, 9889.995e18, 10_000e18));
        engine.trade(ALICE, eth, 100e18, type(uint256).max);
        _fund(ALICE, 110_004999);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.InsufficientMargin.selector, 9999.999999e18, 10_000e18));
        engine.trade(ALICE, eth, 100e18, type(uint256).max);
        _fund(ALICE, 1);
        _trade(ALICE, eth, 100e18);
        assertEq(engine.accountMargin(ALICE).equity, 10_000e18, "equity exactly the IM");
    }

    function test_tooManyPositions() public {
        engine.setMaxPositionsPerAccount(1);
        uint256 second = engine.listMarket("BTC", ethParams(ethOracle), twoTiers());
        _trade(ALICE, eth, 1e18);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IPerpEngine.TooManyPositions.selector, 1));
        engine.trade(ALICE, second, 1e18, type(uint256).max);
        // After closing the first, the second market is open to her.
        _trade(ALICE, eth, -1e18);
        _trade(ALICE, second, 1e18);
        assertEq(engine.accountMarkets(ALICE)[0], second, "only the second market");
    }

    // ------------------------------------------------------------------ configuration bounds

    function test_params_feeAboveCap() public {
        MarketParams memory p = ethParams(ethOracle);
        p.takerFee = 0.01e18 + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ParameterOutOfBounds.selector, bytes32("takerFee"), 0.01e18 + 1, 0, 0.01e18)
        );
        engine.setMarketParams(eth, p);
        p.takerFee = 0.01e18;
        engine.setMarketParams(eth, p);
    }

    function test_params_maxSkewAboveOpenInterestCap() public {
        MarketParams memory p = ethParams(ethOracle);
        p.maxSkew = p.maxOpenInterest + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxSkew"), 10_000e18 + 1, 1, 10_000e18
            )
        );
        engine.setMarketParams(eth, p);
    }

    function test_params_zeroOracleAndZeroFundingCap() public {
        MarketParams memory p = ethParams(IOracleAdapter(address(0)));
        vm.expectRevert(IMarketConfig.ZeroOracle.selector);
        engine.listMarket("X", p, twoTiers());
        p = ethParams(ethOracle);
        p.maxFundingRate = 0;
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxFundingRate"), 0, 1, 0.1e18
            )
        );
        engine.listMarket("X", p, twoTiers());
    }

    // mmr must be < 1/maxLeverage: at 20x the largest mmr is (1e36 − 1) / 20e18 = 0.049999999999999999.
    function test_tiers_mmrMustBeBelowInverseLeverage() public {
        NotionalTier[] memory tiers = new NotionalTier[](1);
        tiers[0] = NotionalTier({upToNotional: 1_000_000e18, maxLeverage: 20e18, mmr: 0.05e18});
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("mmr"), 0.05e18, 1, 0.05e18 - 1
            )
        );
        engine.setMarketTiers(eth, tiers);
        tiers[0].mmr = 0.05e18 - 1;
        engine.setMarketTiers(eth, tiers);
        assertEq(engine.marketTiers(eth).length, 1, "replaced");
    }

    /// @dev A shorter tier list replaces a longer one entirely: the cap is the new last tier's. 600 ETH at the
    ///      oracle 2,000 is 1,200,000 USD of notional (the tier is judged at the oracle price). The liquidity vault
    ///      gets 1M more cash so the open-interest-to-cash limit (1.2M) does not bind.
    function test_tiers_shorterListReplacesLonger() public {
        NotionalTier[] memory three = new NotionalTier[](3);
        three[0] = NotionalTier({upToNotional: 500_000e18, maxLeverage: 50e18, mmr: 0.01e18});
        three[1] = NotionalTier({upToNotional: 2_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        three[2] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
        engine.setMarketTiers(eth, three);
        assertEq(engine.marketTiers(eth).length, 3, "three tiers");
        NotionalTier[] memory one = new NotionalTier[](1);
        one[0] = NotionalTier({upToNotional: 1_200_000e18 - 1, maxLeverage: 20e18, mmr: 0.025e18});
        engine.setMarketTiers(eth, one);
        NotionalTier[] memory stored = engine.marketTiers(eth);
        assertEq(stored.length, 1, "one tier");
        assertEq(uint256(stored[0].upToNotional), 1_200_000e18 - 1, "the new tier");
        _fund(LP, 1_000_000e6);
        _fund(ALICE, 100_000e6);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IPerpEngine.NotionalAboveMaxTier.selector, 1_200_000e18, 1_200_000e18 - 1)
        );
        engine.trade(ALICE, eth, 600e18, type(uint256).max);
        one[0].upToNotional = 1_200_000e18;
        engine.setMarketTiers(eth, one);
        _trade(ALICE, eth, 600e18);
        assertEq(engine.position(ALICE, eth).size, 600e18, "at the cap");
    }

    function test_tiers_mustIncreaseAndBeNonEmpty() public {
        NotionalTier[] memory tiers = twoTiers();
        tiers[1].upToNotional = tiers[0].upToNotional;
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.InvalidTier.selector, 1));
        engine.setMarketTiers(eth, tiers);
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.InvalidTier.selector, 0));
        engine.setMarketTiers(eth, new NotionalTier[](0));
        vm.expectRevert(abi.encodeWithSelector(IMarketConfig.InvalidTier.selector, 9));
        engine.setMarketTiers(eth, new NotionalTier[](9));
    }

    function test_maxPositionsPerAccount_bounds() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ParameterOutOfBounds.selector, bytes32("maxPositionsPerAccount"), 17, 1, 16
            )
        );
        engine.setMaxPositionsPerAccount(17);
        vm.expectEmit(false, false, false, true);
        emit IMarketConfig.MaxPositionsPerAccountSet(16);
        engine.setMaxPositionsPerAccount(16);
    }

    function test_admin_onlyOwner() public {
        vm.startPrank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.listMarket("X", ethParams(ethOracle), twoTiers());
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setMarketParams(eth, ethParams(ethOracle));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setMarketPaused(eth, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setGlobalPaused(true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setBackingRatio(1e18);
        vm.stopPrank();
    }

    function test_listMarket_emitsEvents() public {
        vm.expectEmit(true, false, false, true);
        emit IMarketConfig.MarketListed(1, "BTC", address(ethOracle));
        uint256 id = engine.listMarket("BTC", ethParams(ethOracle), twoTiers());
        assertEq(id, 1, "sequential id");
        assertEq(engine.marketCount(), 2, "count");
        assertTrue(engine.marketSymbol(1) == "BTC", "symbol");
    }
}
