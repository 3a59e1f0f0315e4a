// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {ILiquidationEngine, LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {EngineFixture} from "../engine/EngineFixture.sol";

/// @notice The engine fixture plus the insurance fund and the liquidation engine, and an RWA market with no premium,
///         no fees, no funding and τ = 0 (fill = fair = oracle), so every number can be worked by hand.
abstract contract LiquidationFixture is EngineFixture {
    InsuranceFund internal fund;
    LiquidationEngine internal liquidator;
    MockOracleAdapter internal rwaOracle;
    uint256 internal rwa;

    function setUp() public virtual override {
        super.setUp();
        fund = new InsuranceFund(vault, address(this));
        liquidator = new LiquidationEngine(engine, vault, fund, address(this));
        vault.setBalanceManager(address(fund), true);
        vault.setBalanceManager(address(liquidator), true);
        fund.setPayer(address(liquidator), true);
        engine.setLiquidationEngine(address(liquidator));

        rwaOracle = new MockOracleAdapter(150_000e18);
        rwa = engine.listMarket("RWA", exactParams(rwaOracle), oneTier(5e18, 0.05e18));
    }

    /// @dev Carol: 30,000 USDC, long 1 unit at 150,000 (5x).
    function _openCarolLong() internal {
        _fund(CAROL, 30_000e6);
        _trade(CAROL, rwa, 1e18);
    }

    /// @dev A market with a skew premium but no fees, no funding and τ = 0: skewScale 10,000 units, maxPremium 0.2 %
    ///      (the clamp starts at |skew| = 20 units). Funding is exactly 0 at every skew: rate = p + clamp(0 − p, ±c)
    ///      with c = maxPremium ≥ |p|. The fair premium starts at 0 and moves only with time (0.1 %/h at most), so
    ///      within one block fair = oracle and fills follow the premium integral alone.
    function premiumParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = exactParams(oracle);
        p.maxPremium = 0.002e18;
        p.skewScale = 10_000e18;
        p.fundingClamp = 0.002e18;
    }

    function _seedFund(uint256 usdcAmount) internal {
        usdc.mint(address(this), usdcAmount);
        usdc.approve(address(vault), usdcAmount);
        vault.depositFor(address(fund), usdcAmount);
    }

    function _setPartialNotional(uint128 notional) internal {
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        c.partialNotional = notional;
        ILiquidationEngine(address(liquidator)).setConfig(c);
    }
}
