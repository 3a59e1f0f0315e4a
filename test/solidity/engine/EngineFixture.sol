// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A deployed engine with one ETH market at 2,000 USD, a funded counterparty account and helpers.
abstract contract EngineFixture is TestBase {
    address internal constant LP = address(0x1111);
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA201);

    uint256 internal constant T0 = 1_700_000_000;

    MockUSDC internal usdc;
    CollateralVault internal vault;
    IPerpEngine internal engine;
    MockOracleAdapter internal ethOracle;
    uint256 internal eth;

    function setUp() public virtual {
        vm.warp(T0);
        usdc = _newToken();
        vault = new CollateralVault(IERC20(address(usdc)), address(this));
        engine = IPerpEngine(address(new PerpEngine(vault, address(this))));
        vault.setBalanceManager(address(engine), true);
        vault.setWithdrawGuard(engine);
        engine.setLiquidityVault(LP);
        ethOracle = new MockOracleAdapter(2000e18);
        eth = engine.listMarket("ETH", ethParams(ethOracle), twoTiers());
        _fund(LP, 1_000_000e6);
        _fund(ALICE, 10_000e6);
        _fund(BOB, 10_000e6);
    }

    /// @dev skewScale 1M ETH, maker 2 bp, taker 5 bp, default funding, tau 300 s.
    function ethParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p.oracle = oracle;
        p.fairTau = 300;
        p.maxPremium = 0.1e18;
        p.skewScale = 1_000_000e18;
        p.maxSkew = 5_000e18;
        p.maxOpenInterest = 10_000e18;
        p.minPositionMargin = 10e18;
        p.makerFee = 0.0002e18;
        p.takerFee = 0.0005e18;
        p.fundingInterest = 0.0000125e18;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.04e18;
    }

    /// @dev An exact market: no premium, fees, funding interest or minimum margin and τ = 0, so fill = mark = fair =
    ///      oracle and every number can be worked by hand.
    function exactParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = ethParams(oracle);
        p.maxPremium = 0;
        p.makerFee = 0;
        p.takerFee = 0;
        p.fairTau = 0;
        p.minPositionMargin = 0;
        p.fundingInterest = 0;
    }

    /// @dev One tier up to 10M USD.
    function oneTier(uint256 maxLeverage, uint256 mmr) internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](1);
        tiers[0] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: uint96(maxLeverage), mmr: uint64(mmr)});
    }

    /// @dev ≤ 1M USD: 20x, mmr 2.5 %; ≤ 5M USD: 10x, mmr 5 %.
    function twoTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](2);
        tiers[0] = NotionalTier({upToNotional: 1_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        tiers[1] = NotionalTier({upToNotional: 5_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
    }

    /// @dev The collateral token; a test may use a variant (blacklist, fee-on-transfer).
    function _newToken() internal virtual returns (MockUSDC) {
        return new MockUSDC();
    }

    function _fund(address account, uint256 usdcAmount) internal {
        usdc.mint(account, usdcAmount);
        vm.startPrank(account);
        usdc.approve(address(vault), type(uint256).max);
        vault.deposit(usdcAmount);
        vm.stopPrank();
    }

    function _trade(address account, uint256 marketId, int256 delta) internal returns (uint256 fill) {
        vm.prank(account);
        fill = engine.trade(account, marketId, delta, delta > 0 ? type(uint256).max : 0);
    }
}
