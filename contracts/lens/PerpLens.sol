// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {ILiquidityVault} from "../interfaces/ILiquidityVault.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {IPerpLens} from "../interfaces/IPerpLens.sol";
import {ISubAccounts} from "../interfaces/ISubAccounts.sol";
import {MarginSummary, MarketPrices, Position} from "../interfaces/PerpTypes.sol";
import {LiquidationPriceSearch} from "../libraries/LiquidationPriceSearch.sol";

/// @title PerpLens
/// @notice Read-only aggregator for the SDK and front ends (see IPerpLens).
/// @dev Never imported by core contracts; imports interfaces only (and the `LiquidationPriceSearch` library); stores
///      only the engine address.
contract PerpLens is IPerpLens {
    /// @inheritdoc IPerpLens
    IPerpEngine public immutable engine;

    /// @param engine_ The trading engine.
    constructor(IPerpEngine engine_) {
        engine = engine_;
    }

    /// @inheritdoc IPerpLens
    function getMarkets() external view returns (MarketView[] memory views) {
        uint256 count = engine.marketCount();
        views = new MarketView[](count);
        for (uint256 id; id < count; ++id) {
            views[id] = getMarket(id);
        }
    }

    /// @inheritdoc IPerpLens
    function getMarket(uint256 marketId) public view returns (MarketView memory v) {
        IPerpEngine e = engine;
        v.marketId = marketId;
        v.symbol = e.marketSymbol(marketId);
        v.params = e.marketParams(marketId);
        v.tiers = e.marketTiers(marketId);
        v.state = e.marketState(marketId);
        v.reduceOnly = e.isReduceOnly(marketId);
        v.breaker = e.circuitBreakerParams(marketId);
        try e.marketPrices(marketId) returns (MarketPrices memory prices) {
            v.oracleValid = true;
            v.prices = prices;
            (v.breakerOracleMove, v.breakerFunding, v.breakerReferencePrice) = e.circuitBreakerStatus(marketId);
        } catch {}
    }

    /// @inheritdoc IPerpLens
    function getAccount(address account) external view returns (AccountView memory v) {
        IPerpEngine e = engine;
        v.account = account;
        v.blockNumber = block.number;
        v.timestamp = block.timestamp;
        v.collateral = ICollateralVault(e.collateralVault()).collateralOf(account);
        address liquidator = e.liquidationEngine();
        if (liquidator != address(0)) {
            v.lastPartialLiquidation = ILiquidationEngine(liquidator).lastPartialLiquidation(account);
        }
        uint256[] memory ids = e.accountMarkets(account);
        v.markets = new MarketView[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            v.markets[i] = getMarket(ids[i]);
        }
        try this.valuation(account) returns (Valuation memory val) {
            v.valuationValid = true;
            v.withdrawableUsd = val.withdrawableUsd;
            v.maxWithdraw = val.maxWithdraw;
            v.margin = val.margin;
            v.marginAtFair = val.marginAtFair;
            v.maintenanceMargin = val.maintenanceMargin;
            v.positions = val.positions;
        } catch {
            v.positions = new PositionView[](ids.length);
            for (uint256 i; i < ids.length; ++i) {
                v.positions[i].marketId = ids[i];
                v.positions[i].position = e.position(account, ids[i]);
            }
        }
    }

    /// @inheritdoc IPerpLens
    function valuation(address account) external view returns (Valuation memory val) {
        IPerpEngine e = engine;
        ICollateralVault vault = ICollateralVault(e.collateralVault());
        val.withdrawableUsd = vault.withdrawableUsd(account);
        val.maxWithdraw = vault.maxWithdraw(account);
        val.margin = e.accountMargin(account);
        val.marginAtFair = e.accountMarginAtFair(account);
        val.maintenanceMargin = e.maintenanceMargin(account);
        ILiquidationEngine liquidator = ILiquidationEngine(e.liquidationEngine());
        uint256[] memory ids = e.accountMarkets(account);
        val.positions = new PositionView[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            PositionView memory p = val.positions[i];
            p.marketId = id;
            p.position = e.position(account, id);
            p.unrealisedPnl = e.unrealisedPnl(account, id);
            p.accruedFunding = e.accruedFunding(account, id);
            p.liquidationPrice = liquidationPrice(account, id);
            if (address(liquidator) != address(0)) p.adlRank = liquidator.adlRank(account, id);
        }
    }

    /// @inheritdoc IPerpLens
    function liquidationPrice(address account, uint256 marketId) public view returns (uint256) {
        IPerpEngine e = engine;
        Position memory pos = e.position(account, marketId);
        if (pos.size == 0) return 0;
        int256 base = ICollateralVault(e.collateralVault()).collateralOf(account) - pos.openNotional
            - e.accruedFunding(account, marketId);
        uint256[] memory ids = e.accountMarkets(account);
        for (uint256 i; i < ids.length; ++i) {
            if (ids[i] == marketId) continue;
            (int256 value, uint256 mm) = e.positionAtFair(account, ids[i]);
            base += value - int256(mm);
        }
        return LiquidationPriceSearch.search(base, pos.size, e.marketTiers(marketId));
    }

    /// @inheritdoc IPerpLens
    function getLiquidityVault(address holder) external view returns (LiquidityVaultView memory v) {
        ILiquidityVault lv = ILiquidityVault(engine.liquidityVault());
        v.blockNumber = block.number;
        v.timestamp = block.timestamp;
        v.totalAssets = lv.totalAssets();
        v.totalSupply = lv.totalSupply();
        v.sharePrice = lv.convertToAssets(1e18);
        v.netValueUsd = lv.netValueUsd();
        v.requiredBackingAssets = lv.requiredBackingAssets();
        v.availableLiquidity = lv.availableLiquidity();
        v.depositCap = lv.depositCap();
        v.depositsPaused = lv.depositsPaused();
        v.shares = lv.balanceOf(holder);
        v.assets = lv.previewRedeem(v.shares);
        v.maxDeposit = lv.maxDeposit(holder);
        v.maxWithdraw = lv.maxWithdraw(holder);
        v.maxRedeem = lv.maxRedeem(holder);
    }

    /// @inheritdoc IPerpLens
    function getInsuranceFund(IInsuranceFund fund) external view returns (InsuranceFundView memory v) {
        v.blockNumber = block.number;
        v.timestamp = block.timestamp;
        v.fund = address(fund);
        v.balance = fund.balance();
        v.totalBadDebtCovered = fund.totalBadDebtCovered();
        v.totalKeeperRewardsPaid = fund.totalKeeperRewardsPaid();
        v.pendingFees = engine.pendingInsuranceFees();
        (v.feeRecipient, v.feeShare) = engine.insuranceFeeShare();
    }

    /// @inheritdoc IPerpLens
    function getAdl() external view returns (AdlView memory v) {
        v.blockNumber = block.number;
        v.timestamp = block.timestamp;
        ILiquidationEngine liquidator = ILiquidationEngine(engine.liquidationEngine());
        v.liquidationEngine = address(liquidator);
        if (address(liquidator) == address(0)) return v;
        (v.pending, v.requestId, v.request, v.candidates) = liquidator.pendingAdl();
        v.totalShortfall = liquidator.totalShortfall();
        v.rankingWindow = liquidator.ADL_RANKING_WINDOW();
        v.maxCandidates = liquidator.MAX_ADL_CANDIDATES();
        (v.traderProfit, v.vaultCash) = liquidator.pnlFactor();
        v.maxPnlFactor = liquidator.maxPnlFactor();
        if (!v.pending) return v;
        v.executableAt = uint256(v.request.openedAt) + v.rankingWindow;
        uint256 since = v.executableAt > v.request.lastProgressAt ? v.executableAt : v.request.lastProgressAt;
        v.rotatableAt = since + liquidator.ADL_STUCK_WINDOW();
        v.candidateRanks = new uint256[](v.candidates.length);
        bool ranked;
        for (uint256 i; i < v.candidates.length; ++i) {
            int256 size = engine.position(v.candidates[i], v.request.marketId).size;
            if (size != 0 && (size > 0) == v.request.victimsLong) {
                v.candidateRanks[i] = liquidator.adlRank(v.candidates[i], v.request.marketId);
                ranked = ranked || v.candidateRanks[i] != 0;
            }
        }
        bool windowOver = block.timestamp >= v.executableAt;
        if (v.request.account == address(0)) {
            // After its window a reduction always steps: it closes the top-ranked candidate, or resolves when the
            // factor is back within its limit or no candidate ranks above 0.
            v.executable = windowOver;
        } else {
            int256 collateral = ICollateralVault(engine.collateralVault()).collateralOf(v.request.account);
            v.executable = collateral >= 0 || (windowOver && ranked);
        }
    }

    // ------------------------------------------------------------------ sub-accounts

    /// @inheritdoc IPerpLens
    function getSubAccounts(address owner) external view returns (SubAccountView[] memory views) {
        uint256 count = ISubAccounts(engine.collateralVault()).subAccountCount(owner);
        views = new SubAccountView[](count + 1);
        for (uint256 id; id <= count; ++id) {
            views[id] = getSubAccount(owner, id);
        }
    }

    /// @inheritdoc IPerpLens
    function getSubAccount(address owner, uint256 id) public view returns (SubAccountView memory v) {
        address vault = engine.collateralVault();
        (address account, bool exists) = ISubAccounts(vault).subAccount(owner, id);
        if (!exists) revert ISubAccounts.UnknownSubAccount(owner, id);
        v.id = id;
        v.account = account;
        v.collateral = ICollateralVault(vault).collateralOf(account);
        v.markets = engine.accountMarkets(account);
        v.positions = new Position[](v.markets.length);
        for (uint256 i; i < v.markets.length; ++i) {
            v.positions[i] = engine.position(account, v.markets[i]);
        }
        v.free = id != 0 && v.markets.length == 0 && v.collateral == 0;
        try engine.accountMargin(account) returns (MarginSummary memory m) {
            v.valuationValid = true;
            v.equity = m.equity;
        } catch {}
        try ICollateralVault(vault).withdrawableUsd(account) returns (uint256 free) {
            v.withdrawableUsd = free;
        } catch {
            v.valuationValid = false;
        }
    }

    /// @inheritdoc IPerpLens
    function nextFreeSubAccount(address owner) external view returns (uint256 id, address account, bool exists) {
        ISubAccounts subAccounts = ISubAccounts(engine.collateralVault());
        uint256 count = subAccounts.subAccountCount(owner);
        for (id = 1; id <= count; ++id) {
            (account,) = subAccounts.subAccount(owner, id);
            if (
                ICollateralVault(address(subAccounts)).collateralOf(account) == 0
                    && engine.accountMarkets(account).length == 0
            ) return (id, account, true);
        }
        (account,) = subAccounts.subAccount(owner, id);
    }
}
