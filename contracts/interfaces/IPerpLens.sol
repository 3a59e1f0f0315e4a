// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdlRequest} from "./IAutoDeleveraging.sol";
import {IInsuranceFund} from "./IInsuranceFund.sol";
import {IPerpEngine} from "./IPerpEngine.sol";
import {
    BreakerParams,
    MarginSummary,
    MarketParams,
    MarketPrices,
    MarketState,
    NotionalTier,
    Position
} from "./PerpTypes.sol";

/// @title IPerpLens
/// @notice Read-only aggregator for the SDK and front ends: all markets, one account with every position, the
///         liquidity vault, the insurance fund or the pending auto-deleveraging, each in a single call. It only
///         forwards the engine's and vaults' own views, so its values are exactly theirs, and it returns the raw state
///         next to them so that an off-chain mirror of the math can recompute (and simulate) everything at the same
///         block.
/// @dev An oracle that reverts does not make a read revert: the market is returned with `oracleValid = false` (prices
///      zero), the account with `valuationValid = false` (margin fields zero).
interface IPerpLens {
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
        NotionalTier[] tiers;
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
        MarginSummary margin;
        MarginSummary marginAtFair;
        int256 maintenanceMargin;
        PositionView[] positions;
        MarketView[] markets;
        uint256 lastPartialLiquidation;
    }

    /// @notice What `valuation` returns: every view of an account that needs an oracle.
    struct Valuation {
        uint256 withdrawableUsd;
        uint256 maxWithdraw;
        MarginSummary margin;
        MarginSummary marginAtFair;
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

    /// @notice The trading engine read through this lens.
    function engine() external view returns (IPerpEngine);

    /// @notice Every listed market, by id.
    function getMarkets() external view returns (MarketView[] memory views);

    /// @notice One market; reverts `UnknownMarket` for an id that is not listed.
    /// @param marketId The market.
    function getMarket(uint256 marketId) external view returns (MarketView memory v);

    /// @notice One account with every position, its markets and the engine's margin views, in one call.
    /// @param account The margin account.
    function getAccount(address account) external view returns (AccountView memory v);

    /// @notice Every view of `account` that reads an oracle (reverts if one does; `getAccount` catches that).
    /// @param account The margin account.
    function valuation(address account) external view returns (Valuation memory val);

    /// @notice The fair price of `marketId` at which `account`'s maintenance margin turns negative, the other
    ///         positions held at their current fair prices: for a long the highest such price (at P + 1 wei it is no
    ///         longer liquidatable), for a short the lowest. 0 when no positive price makes the account liquidatable,
    ///         or when it holds no position there. Exact: the same integer steps as the engine's check
    ///         (`LiquidationPriceSearch`).
    /// @param account The margin account.
    /// @param marketId The market.
    function liquidationPrice(address account, uint256 marketId) external view returns (uint256);

    /// @notice The liquidity vault's value, limits and share price, and `holder`'s shares in it.
    /// @param holder A liquidity provider (any address; zero for none).
    function getLiquidityVault(address holder) external view returns (LiquidityVaultView memory v);

    /// @notice The insurance fund's balance and totals, and the engine's fee share flowing into it.
    /// @param fund The insurance fund (the liquidation engine's; the lens does not store it).
    function getInsuranceFund(IInsuranceFund fund) external view returns (InsuranceFundView memory v);

    /// @notice The pending auto-deleveraging request, its candidates with their current ranks, and the total
    ///         shortfall. Each rank costs one account valuation; the set holds at most `maxCandidates`.
    function getAdl() external view returns (AdlView memory v);

    /// @notice Every sub-account of `owner` (ids 0 … `subAccountCount(owner)`): one account read per sub-account,
    ///         so the cost grows with the count.
    /// @param owner The owner.
    function getSubAccounts(address owner) external view returns (SubAccountView[] memory views);

    /// @notice `owner`'s sub-account `id`; reverts `ISubAccounts.UnknownSubAccount` for an id not created.
    /// @param owner The owner.
    /// @param id The sub-account (0: the owner's own address).
    function getSubAccount(address owner, uint256 id) external view returns (SubAccountView memory v);

    /// @notice The sub-account an isolated position of `owner` should use: the lowest id ≥ 1 that is `free` (flat,
    ///         collateral exactly zero), else the next one to create (`exists` false: `createSubAccount` makes it,
    ///         at `account`). Reads each existing sub-account until one is free.
    /// @param owner The owner.
    /// @return id The sub-account's number.
    /// @return account Its address.
    /// @return exists Whether it exists already (false: create it first).
    function nextFreeSubAccount(address owner) external view returns (uint256 id, address account, bool exists);
}
