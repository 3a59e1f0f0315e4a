// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A shortfall waiting for auto-deleveraging: the bankrupt position's market, side and bankruptcy price.
/// @param account The bankrupt account (its negative collateral is what ADL repays).
/// @param marketId The market of the position whose close left the shortfall.
/// @param victimsLong True when the bankrupt position was short, so profitable longs are deleveraged.
/// @param openedAt When the request opened; candidates can be submitted from then on, execution waits the window.
/// @param bankruptcyPrice The price at which the bankrupt position's close would have left the account at zero.
/// @param remaining Shortfall still to cover, USD.
struct AdlRequest {
    address account;
    uint32 marketId;
    bool victimsLong;
    uint48 openedAt;
    uint128 bankruptcyPrice;
    uint128 remaining;
}

/// @title IAutoDeleveraging
/// @notice Third layer of the loss waterfall (SPEC §6). Profitable positions on the opposite side of a bankrupt
///         position are reduced at its bankruptcy price, highest ADL rank first (rank = unrealised PnL % × leverage).
/// @dev Ranks move with every price, so no bounded on-chain structure can keep all positions sorted. Instead, for a
///      ranking window after a request opens, anyone may submit candidates; the contract computes each rank itself
///      and keeps the highest `MAX_ADL_CANDIDATES`. `executeAdl` takes no victim: it recomputes the candidates'
///      ranks and reduces the highest first, so a caller cannot choose a lower-ranked victim among those known.
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
    /// @notice A request's shortfall is fully covered.
    event AdlResolved(uint256 indexed requestId);
    /// @notice The bankrupt account repaid part of its debt itself (a deposit into its negative collateral), so the
    ///         request and the total shortfall shrink to the debt that is left.
    /// @param requestId The request.
    /// @param account The bankrupt account.
    /// @param amount Shortfall no longer needing ADL, USD.
    event AdlShortfallRepaid(uint256 indexed requestId, address indexed account, uint256 amount);

    /// @notice Add `account` to the pending request's candidates (its rank is computed here, at current prices).
    function submitAdlCandidate(address account) external;

    /// @notice Reduce the highest-ranked candidate of the pending request at the bankruptcy price (capped so its
    ///         profit never turns into a loss), repaying the shortfall. One victim per call. The request first
    ///         shrinks to the bankrupt account's remaining debt (it may have repaid some itself); a request whose
    ///         debt is fully repaid is resolved with no victim (covered 0).
    /// @return covered Shortfall repaid by this call, USD.
    function executeAdl() external returns (uint256 covered);

    /// @notice ADL rank of `account`'s position in `marketId`: PnL % × leverage (18 decimals), both at the mark
    ///         price, leverage = notional / account equity; 0 when not profitable, max when equity ≤ 0.
    function adlRank(address account, uint256 marketId) external view returns (uint256);

    /// @notice The pending request (if any), its id and current candidates.
    function pendingAdl()
        external
        view
        returns (bool pending, uint256 requestId, AdlRequest memory request, address[] memory candidates);

    /// @notice Σ shortfall left for ADL and not yet covered, USD.
    function totalShortfall() external view returns (uint256);
}
