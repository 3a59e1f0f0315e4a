// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdlRequest} from "../interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {ILiquidityVault} from "../interfaces/ILiquidityVault.sol";
import {ISubAccounts} from "../interfaces/ISubAccounts.sol";
import {
    AccountMargin,
    BreakerParams,
    MarketParams,
    MarketPrices,
    MarketState,
    Position,
    Tier
} from "../interfaces/PerpTypes.sol";
import {LiquidationEngine} from "../LiquidationEngine.sol";
import {LiquidationPriceSearch} from "../libraries/LiquidationPriceSearch.sol";
import {PerpEngine} from "../PerpEngine.sol";

/// @title PerpLens
/// @notice Read-only aggregator for the SDK and front ends: all markets, one account with every position, the
///         liquidity vault, the insurance fund or the pending auto-deleveraging, each in a single call. It only forwards the engine's and vaults' own views, so its
///         values are exactly theirs, and it returns the raw state next to them so that an off-chain mirror of the
///         math can recompute (and simulate) everything at the same block.
/// @dev Never imported by core contracts; stores only the engine address. An oracle that reverts does not make a
///      read revert: the market is returned with `oracleValid = false` (prices zero), the account with
///      `valuationValid = false` (margin fields zero).
contract PerpLens {
    /// @notice One market: configuration, stored state and the views of SPEC §3–4 and §9.
    /// @param marketId The market id.
    /// @param symbol Short name, e.g. "ETH" (bytes32, zero-padded).
    /// @param params Risk and pricing parameters.
    /// @param tiers Notional tiers.
    /// @param state Stored running state (funding index and fair price as of `state.lastUpdateTime`).
    /// @param reduceOnly Paused (market or global): only reducing trades pass.
    /// @param breaker Circuit-breaker thresholds.
    /// @param oracleValid False when the oracle reverted; `prices` and the breaker status are then zero.
    /// @param prices The four prices, premium, funding rates and open interest, advanced to now.
    /// @param breakerOracleMove The oracle-move breaker holds now.
    /// @param breakerFunding The funding breaker holds now.
    /// @param breakerReferencePrice The breaker's reference price advanced to now.
    struct MarketView {
        uint256 marketId;
        bytes32 symbol;
        MarketParams params;
        Tier[] tiers;
        MarketState state;
        bool reduceOnly;
        BreakerParams breaker;
        bool oracleValid;
        MarketPrices prices;
        bool breakerOracleMove;
        bool breakerFunding;
        uint256 breakerReferencePrice;
    }

    /// @notice One position and the engine's views of it (zero when the account's valuation failed).
    /// @param marketId The market.
    /// @param position Stored size, cost basis and funding index at the last settlement.
    /// @param unrealisedPnl PnL at the mark price, USD.
    /// @param accruedFunding Funding owed but not settled (positive: owes), USD.
    /// @param liquidationPrice The fair price at which the account becomes liquidatable (`liquidationPrice`; 0: none).
    /// @param adlRank The liquidation engine's `adlRank` (PnL % × leverage at mark; 0 when not profitable or when no
    ///        liquidation engine is set).
    struct PositionView {
        uint256 marketId;
        Position position;
        int256 unrealisedPnl;
        int256 accruedFunding;
        uint256 liquidationPrice;
        uint256 adlRank;
    }

    /// @notice One account at one block.
    /// @param account The margin account.
    /// @param blockNumber The block the values are for.
    /// @param timestamp Its timestamp (funding and fair prices are advanced to it).
    /// @param collateral Collateral in the vault, 18-decimal USD.
    /// @param valuationValid False when an oracle of one of its markets reverted.
    /// @param withdrawableUsd What may be withdrawn now, 18-decimal USD (the vault's view).
    /// @param maxWithdraw The same in USDC units, rounded down.
    /// @param margin Margin summary at mark prices (opening, withdrawing).
    /// @param marginAtFair Margin summary at fair prices (liquidation).
    /// @param maintenanceMargin equity − Σ MM at fair prices (liquidatable when negative).
    /// @param positions Every open position, by increasing market id.
    /// @param markets The market of each position, same order.
    /// @param lastPartialLiquidation When the account was last partially liquidated (0: never, or no liquidation
    ///        engine); the cooldown runs from there.
    struct AccountView {
        address account;
        uint256 blockNumber;
        uint256 timestamp;
        int256 collateral;
        bool valuationValid;
        uint256 withdrawableUsd;
        uint256 maxWithdraw;
        AccountMargin margin;
        AccountMargin marginAtFair;
        int256 maintenanceMargin;
        PositionView[] positions;
        MarketView[] markets;
        uint256 lastPartialLiquidation;
    }

    /// @notice What `valuation` returns: every view of an account that needs an oracle.
    struct Valuation {
        uint256 withdrawableUsd;
        uint256 maxWithdraw;
        AccountMargin margin;
        AccountMargin marginAtFair;
        int256 maintenanceMargin;
        PositionView[] positions;
    }

    /// @notice The liquidity vault and one holder's position in it.
    /// @param totalAssets USDC units (6 decimals).
    /// @param totalSupply Shares (18 decimals).
    /// @param sharePrice USDC units one whole share (1e18) redeems for, rounded down.
    /// @param netValueUsd Cash plus counterparty PnL minus the unresolved ADL shortfall, 18-decimal USD (may be
    ///        negative).
    /// @param requiredBackingAssets USDC units withdrawals may not go below.
    /// @param availableLiquidity USDC units all holders together may withdraw now.
    /// @param depositCap USDC units; `type(uint256).max` for none.
    /// @param depositsPaused Deposits and mints are paused.
    /// @param shares The holder's shares.
    /// @param assets What those shares redeem for now, USDC units.
    /// @param maxDeposit USDC units the holder may deposit now.
    /// @param maxWithdraw USDC units the holder may withdraw now.
    /// @param maxRedeem Shares the holder may redeem now.
    struct LiquidityVaultView {
        uint256 blockNumber;
        uint256 timestamp;
        uint256 totalAssets;
        uint256 totalSupply;
        uint256 sharePrice;
        int256 netValueUsd;
        uint256 requiredBackingAssets;
        uint256 availableLiquidity;
        uint256 depositCap;
        bool depositsPaused;
        uint256 shares;
        uint256 assets;
        uint256 maxDeposit;
        uint256 maxWithdraw;
        uint256 maxRedeem;
    }

    /// @notice The insurance fund and the fee flow into it.
    /// @param fund The fund read.
    /// @param balance Its balance (collateral in its vault account), 18-decimal USD.
    /// @param totalBadDebtCovered Everything it paid for bad debt, USD.
    /// @param totalKeeperRewardsPaid Everything it paid as keeper-reward top-ups, USD.
    /// @param pendingFees The engine's trading-fee share accrued for the fund and not yet swept, USD.
    /// @param feeRecipient Where the engine sends that share.
    /// @param feeShare The share of trading fees, 18 decimals.
    struct InsuranceFundView {
        uint256 blockNumber;
        uint256 timestamp;
        address fund;
        uint256 balance;
        uint256 totalBadDebtCovered;
        uint256 totalKeeperRewardsPaid;
        uint256 pendingFees;
        address feeRecipient;
        uint256 feeShare;
    }

    /// @notice Auto-deleveraging now: the pending request (the head of the FIFO queue) and its candidates.
    /// @param liquidationEngine The liquidation engine read (zero: none set, everything else is empty).
    /// @param pending A request is pending.
    /// @param requestId The pending request's id (the next request's id when none is pending).
    /// @param request The pending request (zero when none).
    /// @param executableAt When `executeAdl` may run (request.openedAt + the ranking window; 0 when none).
    /// @param candidates The candidate set.
    /// @param candidateRanks Each candidate's rank as `executeAdl` computes it now: its `adlRank` in the request's
    ///        market when its position there is on the victim side, else 0.
    /// @param totalShortfall Σ shortfall queued and not yet covered, USD.
    /// @param rankingWindow Seconds candidates are collected after a request opens.
    /// @param maxCandidates Size of the candidate set.
    /// @param executable Whether `executeAdl` would succeed now: a shortfall the bankrupt account has repaid in full
    ///        resolves at once; otherwise the ranking window must be over and a candidate must rank above 0. A
    ///        pnl-factor reduction only needs the window to be over: it then reduces the top-ranked candidate, or
    ///        resolves (the factor back within its limit, or no candidate ranked).
    /// @param rotatableAt When `rotateAdl` may run if no candidate can cover the request (0 when none is pending).
    /// @param traderProfit Traders' unrealised profit against the liquidity vault, USD (`pnlFactor`).
    /// @param vaultCash The liquidity vault's cash, USD (`pnlFactor`).
    /// @param maxPnlFactor The limit on traderProfit / vaultCash beyond which a pnl-factor reduction may be queued.
    struct AdlView {
        uint256 blockNumber;
        uint256 timestamp;
        address liquidationEngine;
        bool pending;
        uint256 requestId;
        AdlRequest request;
        uint256 executableAt;
        address[] candidates;
        uint256[] candidateRanks;
        uint256 totalShortfall;
        uint256 rankingWindow;
        uint256 maxCandidates;
        bool executable;
        uint256 rotatableAt;
        uint256 traderProfit;
        uint256 vaultCash;
        uint256 maxPnlFactor;
    }

    /// @notice The trading engine read through this lens.
    PerpEngine public immutable engine;

    /// @param engine_ The trading engine.
    constructor(PerpEngine engine_) {
        engine = engine_;
    }

    /// @notice Every listed market, by id.
    function getMarkets() external view returns (MarketView[] memory views) {
        uint256 count = engine.marketCount();
        views = new MarketView[](count);
        for (uint256 id; id < count; ++id) {
            views[id] = getMarket(id);
        }
    }

    /// @notice One market; reverts `UnknownMarket` for an id that is not listed.
    /// @param marketId The market.
    function getMarket(uint256 marketId) public view returns (MarketView memory v) {
        PerpEngine e = engine;
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

    /// @notice One account with every position, its markets and the engine's margin views, in one call.
    /// @param account The margin account.
    function getAccount(address account) external view returns (AccountView memory v) {
        PerpEngine e = engine;
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

    /// @notice Every view of `account` that reads an oracle (reverts if one does; `getAccount` catches that).
    /// @param account The margin account.
    function valuation(address account) external view returns (Valuation memory val) {
        PerpEngine e = engine;
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

    /// @notice The fair price of `marketId` at which `account`'s maintenance margin turns negative, the other
    ///         positions held at their current fair prices: for a long the highest such price (at P + 1 wei it is no
    ///         longer liquidatable), for a short the lowest. 0 when no positive price makes the account liquidatable,
    ///         or when it holds no position there. Exact: the same integer steps as the engine's check
    ///         (`LiquidationPriceSearch`).
    /// @param account The margin account.
    /// @param marketId The market.
    function liquidationPrice(address account, uint256 marketId) public view returns (uint256) {
        PerpEngine e = engine;
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

    /// @notice The liquidity vault's value, limits and share price, and `holder`'s shares in it.
    /// @param holder A liquidity provider (any address; zero for none).
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

    /// @notice The insurance fund's balance and totals, and the engine's fee share flowing into it.
    /// @param fund The insurance fund (the liquidation engine's; the lens does not store it).
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

    /// @notice The pending auto-deleveraging request, its candidates with their current ranks, and the total
    ///         shortfall. Each rank costs one account valuation; the set holds at most `maxCandidates`.
    function getAdl() external view returns (AdlView memory v) {
        v.blockNumber = block.number;
        v.timestamp = block.timestamp;
        LiquidationEngine liquidator = LiquidationEngine(engine.liquidationEngine());
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

    /// @notice One sub-account of an owner, in brief (`getAccount(account)` gives the whole account).
    /// @param id Its number (0: the owner's own address).
    /// @param account Its address.
    /// @param collateral Collateral in the vault, 18-decimal USD (negative: debt awaiting repayment).
    /// @param valuationValid False when the engine's valuation or the vault's `withdrawableUsd` reverted (an oracle of
    ///        one of its markets failed); what reverted reads zero.
    /// @param equity Equity at mark prices (`accountMargin`), USD.
    /// @param withdrawableUsd What may be withdrawn or moved to another sub-account now, USD.
    /// @param positions Every open position, by increasing market id.
    /// @param markets The market of each position, same order.
    /// @param free Whether it can take an isolated position: a sub-account other than 0, flat, with collateral
    ///        exactly zero (so no debt: a bankrupt one stays in debt until ADL or the fund repays it in full).
    struct SubAccountView {
        uint256 id;
        address account;
        int256 collateral;
        bool valuationValid;
        int256 equity;
        uint256 withdrawableUsd;
        Position[] positions;
        uint256[] markets;
        bool free;
    }

    /// @notice Every sub-account of `owner` (ids 0 … `subAccountCount(owner)`): one account read per sub-account,
    ///         so the cost grows with the count.
    /// @param owner The owner.
    function getSubAccounts(address owner) external view returns (SubAccountView[] memory views) {
        uint256 count = ISubAccounts(engine.collateralVault()).subAccountCount(owner);
        views = new SubAccountView[](count + 1);
        for (uint256 id; id <= count; ++id) {
            views[id] = getSubAccount(owner, id);
        }
    }

    /// @notice `owner`'s sub-account `id`; reverts `UnknownSubAccount` for an id not created.
    /// @param owner The owner.
    /// @param id The sub-account (0: the owner's own address).
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
        try engine.accountMargin(account) returns (AccountMargin memory m) {
            v.valuationValid = true;
            v.equity = m.equity;
        } catch {}
        try ICollateralVault(vault).withdrawableUsd(account) returns (uint256 free) {
            v.withdrawableUsd = free;
        } catch {
            v.valuationValid = false;
        }
    }

    /// @notice The sub-account an isolated position of `owner` should use: the lowest id ≥ 1 that is `free` (flat,
    ///         collateral exactly zero), else the next one to create (`exists` false: `createSubAccount` makes it,
    ///         at `account`). Reads each existing sub-account until one is free.
    /// @param owner The owner.
    /// @return id The sub-account's number.
    /// @return account Its address.
    /// @return exists Whether it exists already (false: create it first).
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
