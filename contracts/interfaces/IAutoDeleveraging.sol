// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A request waiting in the ADL queue: a shortfall to repay, or a pnl-factor reduction.
/// @param account The bankrupt account (its negative collateral is what ADL repays); zero for a pnl-factor reduction.
/// @param marketId The market: of the position whose close left the shortfall, or whose winning side is reduced.
/// @param victimsLong True when profitable longs are deleveraged (the bankrupt position was short, or the market's
///        traders are net long).
/// @param openedAt When the request opened (or was rotated to the back of the queue); candidates can be submitted
///        from then on, execution waits the ranking window.
/// @param lastProgressAt When a step last covered part of it (openedAt until then): rotation waits
///        `ADL_STUCK_WINDOW` after the later of this and the end of the ranking window.
/// @param bankruptcyPrice The price at which the bankrupt position's close would have left the account at zero (0
///        for a pnl-factor reduction, which closes at the bounded market fill).
/// @param remaining Shortfall still to cover, USD (0 for a pnl-factor reduction).
struct AdlRequest {
    address account;
    uint8 marketId;
    bool victimsLong;
    uint40 openedAt;
    uint40 lastProgressAt;
    uint128 bankruptcyPrice;
    uint128 remaining;
}

/// @title IAutoDeleveraging
/// @notice Third layer of the loss waterfall (SPEC §6), and the pnl-factor reduction that keeps traders' profit
///         backed by the liquidity vault's cash (SPEC §6a). Profitable positions on the opposite side of a bankrupt
///         position are reduced at its bankruptcy price, highest ADL rank first (rank = unrealised PnL % × leverage);
///         while traders' unrealised profit against the vault exceeds `maxPnlFactor` of its cash, the winning side of
///         a market is reduced in the same rank order at the bounded market fill, paying the trading fee.
/// @dev Ranks move with every price, so no bounded on-chain structure can keep all positions sorted. Instead, for a
///      ranking window after a request opens, anyone may submit candidates; the contract computes each rank itself
///      and keeps the highest `MAX_ADL_CANDIDATES`. `executeAdl` takes no victim: it recomputes the candidates'
///      ranks and reduces the highest first, so a caller cannot choose a lower-ranked victim among those known.
///      A parameter outside its hard bounds reverts `ParameterOutOfBounds`, declared once, in CommonErrors.sol.
interface IAutoDeleveraging {
    /// @notice No ADL request is pending.
    error NoAdlPending();
    /// @notice Candidates are still being collected until `executableAt`.
    error AdlRankingWindowOpen(uint256 executableAt);
    /// @notice The account has no profitable position on the victim side of the pending request.
    error NotAdlCandidate(address account, uint256 marketId);
    /// @notice The account is already a candidate.
    error AlreadyAdlCandidate(address account);
    /// @notice The candidate set is full and every member outranks this account.
    error AdlRankTooLow(uint256 rank, uint256 lowestRank);
    /// @notice No eligible candidate is left for the pending request.
    error NoAdlCandidates();
    /// @notice The pending request cannot be rotated yet (`readyAt`), or a candidate can still cover it.
    error AdlNotStuck(uint256 readyAt);
    /// @notice Traders' unrealised profit against the liquidity vault is within `maxPnlFactor` of its cash.
    error PnlFactorWithinLimit(uint256 traderProfit, uint256 limit);
    /// @notice A pnl-factor reduction is already queued.
    error PnlReductionPending();
    /// @notice No market has traders winning against the liquidity vault.
    error NoWinningSide();

    /// @notice A shortfall was queued for ADL.
    event AdlRequested(
        uint256 indexed requestId,
        address indexed account,
        uint256 indexed marketId,
        bool victimsLong,
        uint256 bankruptcyPrice,
        uint256 shortfall
    );
    /// @notice A candidate joined the pending request's set.
    event AdlCandidateSubmitted(uint256 indexed requestId, address indexed account, uint256 rank);
    /// @notice A victim was reduced.
    /// @param requestId The request.
    /// @param victim The deleveraged account.
    /// @param sizeDelta How its position changed.
    /// @param price The price it was closed at.
    /// @param covered Shortfall repaid by this step, USD.
    event AdlExecuted(
        uint256 indexed requestId, address indexed victim, int256 sizeDelta, uint256 price, uint256 covered
    );
    /// @notice A request is done: its shortfall is fully covered, or (pnl-factor reduction) the factor is back within
    ///         its limit.
    event AdlResolved(uint256 indexed requestId);
    /// @notice A request that had no coverable candidate for `ADL_STUCK_WINDOW` moved to the back of the queue.
    /// @param requestId The rotated request.
    /// @param newRequestId Its id at the back of the queue.
    event AdlRotated(uint256 indexed requestId, uint256 indexed newRequestId);
    /// @notice The owner booked an uncoverable shortfall to the liquidity providers: `amount` moved from the liquidity
    ///         vault's balance to the bankrupt account, as ADL's `covered` would (the vault's value is unchanged: its
    ///         balance and the unresolved shortfall fall together).
    event AdlWrittenOff(uint256 indexed requestId, address indexed account, uint256 amount);
    /// @notice Traders' unrealised profit against the liquidity vault passed `maxPnlFactor` of its cash: the winning
    ///         side of `marketId` is queued for reduction.
    event PnlReductionRequested(
        uint256 indexed requestId, uint256 indexed marketId, bool victimsLong, uint256 traderProfit, uint256 cash
    );
    /// @notice A pnl-factor reduction step closed (part of) a winning position.
    /// @param requestId The request.
    /// @param victim The reduced account.
    /// @param sizeDelta How its position changed (0 when nothing fitted the forced-close bound).
    /// @param fillPrice The bounded market fill.
    /// @param fee The trading fee it paid.
    /// @param callerReward The caller's share of that fee, paid by the liquidity vault, USD.
    event PnlReductionExecuted(
        uint256 indexed requestId,
        address indexed victim,
        int256 sizeDelta,
        uint256 fillPrice,
        uint256 fee,
        uint256 callerReward
    );
    /// @notice A keeper's or caller's USDC transfer failed (e.g. blacklisted); the reward was credited to its
    ///         collateral.
    event KeeperRewardCredited(address indexed keeper, uint256 amount);
    /// @notice The pnl factor limit changed.
    event MaxPnlFactorSet(uint256 factor);
    /// @notice The bankrupt account repaid part of its debt itself (a deposit into its negative collateral), so the
    ///         request and the total shortfall shrink to the debt that is left.
    /// @param requestId The request.
    /// @param account The bankrupt account.
    /// @param amount Shortfall no longer needing ADL, USD.
    event AdlShortfallRepaid(uint256 indexed requestId, address indexed account, uint256 amount);

    /// @notice Add `account` to the pending request's candidates (its rank is computed here, at current prices).
    function submitAdlCandidate(address account) external;

    /// @notice Work the pending request, one victim per call, on the highest-ranked candidate. A shortfall: first
    ///         shrink it to the bankrupt account's remaining debt (resolved with no victim once repaid), then reduce the
    ///         candidate at the bankruptcy price (capped so its profit never turns into a loss), repaying the shortfall
    ///         with what the liquidity vault saves against the candidate's exit price. A pnl-factor reduction: resolved
    ///         with no victim once the factor is within its limit, else the candidate's position is closed at the
    ///         bounded market fill (as a forced close) paying the trading fee; the caller earns the liquidation
    ///         config's `keeperShare` of the part of that fee the vault keeps (after the insurance fund's share). A
    ///         reduction none of whose candidates ranks above 0 after the window resolves with no victim. A candidate
    ///         whose cover is 0 only at the live skew (not at the fair premium) stays in the set.
    /// @return covered Shortfall repaid by this call, USD (0 for a pnl-factor reduction).
    function executeAdl() external returns (uint256 covered);

    /// @notice Move the pending request to the back of the queue, with a fresh ranking window, once it has had no
    ///         step for `ADL_STUCK_WINDOW` after its ranking window and no candidate can cover it now (anyone may call).
    ///         A request no victim can ever cover (e.g. every trader was on its side) thus never blocks the others.
    function rotateAdl() external;

    /// @notice Book the pending shortfall to the liquidity providers (owner only): the remaining shortfall moves from
    ///         the liquidity vault's balance to the bankrupt account and the request resolves.
    function writeOffAdl() external;

    /// @notice Queue a pnl-factor reduction (anyone may call) while traders' unrealised profit against the liquidity
    ///         vault exceeds `maxPnlFactor` of its cash: of the winning side of the market where the traders win the
    ///         most against the vault (chosen here, not by the caller). One may be queued at a time; one whose winning
    ///         side has no ranked candidate after its window resolves, so it never blocks the next.
    /// @return requestId The request.
    function requestPnlReduction() external returns (uint256 requestId);

    /// @notice What `executeAdl` would do with `candidate` on the pending request now: the size it would close, at
    ///         what price, and the shortfall that repays (0 for a pnl-factor reduction, whose `price` is the bounded
    ///         fill). All zero when the candidate is not on the victim side in profit.
    function previewAdlStep(address candidate) external view returns (int256 sizeDelta, uint256 price, uint256 covered);

    /// @notice Set the pnl factor limit (owner only), 10 % to 100 % of the vault's cash.
    function setMaxPnlFactor(uint256 factor) external;

    /// @notice The pnl factor limit (18 decimals).
    function maxPnlFactor() external view returns (uint256);

    /// @notice Candidates kept per pending request (8).
    function MAX_ADL_CANDIDATES() external view returns (uint256);

    /// @notice Seconds after a request opens during which candidates are collected before execution (60).
    function ADL_RANKING_WINDOW() external view returns (uint256);

    /// @notice Seconds without a covering step, after the ranking window, before a request can be rotated (15 minutes).
    function ADL_STUCK_WINDOW() external view returns (uint256);

    /// @notice Traders' unrealised profit against the liquidity vault (max(0, −counterpartyPnl)) and the vault's cash
    ///         (its collateral less the collateral vault's total debt), USD.
    function pnlFactor() external view returns (uint256 traderProfit, uint256 cash);

    /// @notice ADL rank of `account`'s position in `marketId`: PnL % × leverage (18 decimals), both at the mark
    ///         price, leverage = notional / account equity; 0 when not profitable, max when equity ≤ 0.
    function adlRank(address account, uint256 marketId) external view returns (uint256);

    /// @notice Σ shortfall left for ADL and not yet covered, USD.
    function totalShortfall() external view returns (uint256);
}
