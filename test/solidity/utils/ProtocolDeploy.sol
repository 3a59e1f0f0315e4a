// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";

/// @notice The core contracts of one deployment, wired as in production.
struct Protocol {
    MockUSDC usdc;
    CollateralVault vault;
    IPerpEngine engine;
    LiquidityVault lpVault;
    InsuranceFund fund;
    LiquidationEngine liquidator;
}

/// @notice Deploys and wires the protocol; `owner` (the calling test contract) owns everything: the engine, fund
///         and liquidation engine are the vault's balance managers, the engine is its withdraw guard, the liquidity
///         vault (no deposit cap) is the counterparty, and the liquidation engine draws on the fund. No markets.
function deployProtocol(address owner) returns (Protocol memory p) {
    p.usdc = new MockUSDC();
    p.vault = new CollateralVault(IERC20(address(p.usdc)), owner);
    p.engine = IPerpEngine(address(new PerpEngine(p.vault, owner)));
    p.lpVault = new LiquidityVault(p.vault, owner, type(uint256).max);
    p.fund = new InsuranceFund(p.vault, owner);
    p.liquidator = new LiquidationEngine(p.engine, p.vault, p.fund, owner);
    p.vault.setBalanceManager(address(p.engine), true);
    p.vault.setBalanceManager(address(p.fund), true);
    p.vault.setBalanceManager(address(p.liquidator), true);
    p.vault.setWithdrawGuard(p.engine);
    p.engine.setLiquidityVault(address(p.lpVault));
    p.lpVault.setCounterparty(p.engine);
    p.fund.setPayer(address(p.liquidator), true);
    p.engine.setLiquidationEngine(address(p.liquidator));
}
