// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {AdlRequest, IAutoDeleveraging} from "../interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IPerpEngine} from "../interfaces/IPerpEngine.sol";
import {Position} from "../interfaces/PerpTypes.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";

/// @title AutoDeleveraging
/// @notice The ADL layer of the liquidation engine: a FIFO queue of shortfalls, a bounded candidate set per pending
///         shortfall, and execution highest rank first at the bankruptcy price.
/// @dev Gas: submitting recomputes at most MAX_ADL_CANDIDATES ranks (each one account valuation); executing
///      recomputes them once and closes one position. Nothing loops over all users.
abstract contract AutoDeleveraging is IAutoDeleveraging, ReentrancyGuardTransient {
    using SafeCast for uint256;

    uint256 internal constant WAD = 1e18;
    /// @notice Candidates kept per pending shortfall.
    uint256 public constant MAX_ADL_CANDIDATES = 8;
    /// @notice Seconds after a shortfall is queued during which candidates are collected before execution.
    uint256 public constant ADL_RANKING_WINDOW = 60;

    IPerpEngine internal immutable _engine;
    ICollateralVault internal immutable _vault;

    AdlRequest[] private _requests;
    uint256 private _head;
    address[] private _candidates;
    uint256 private _totalShortfall;

    constructor(IPerpEngine engine_, ICollateralVault vault_) {
        _engine = engine_;
        _vault = vault_;
    }

    // ------------------------------------------------------------------ entry points

    /// @inheritdoc IAutoDeleveraging
    function submitAdlCandidate(address account) external nonReentrant {
        AdlRequest memory r = _pendingRequest();
        uint256 rank = _victimRank(account, r);
        if (rank == 0) revert NotAdlCandidate(account, r.marketId);
        uint256 n = _candidates.length;
        uint256 lowest = type(uint256).max;
        uint256 lowestIndex;
        for (uint256 i; i < n; ++i) {
            if (_candidates[i] == account) revert AlreadyAdlCandidate(account);
            uint256 other = _victimRank(_candidates[i], r);
            if (other < lowest) (lowest, lowestIndex) = (other, i);
        }
        if (n < MAX_ADL_CANDIDATES) {
            _candidates.push(account);
        } else {
            if (rank <= lowest) revert AdlRankTooLow(rank, lowest);
            _candidates[lowestIndex] = account;
        }
        emit AdlCandidateSubmitted(_head, account, rank);
    }

    /// @inheritdoc IAutoDeleveraging
    function executeAdl() external nonReentrant returns (uint256 covered) {
        if (_syncHead()) return 0;
        AdlRequest memory r = _pendingRequest();
        uint256 executableAt = uint256(r.openedAt) + ADL_RANKING_WINDOW;
        if (block.timestamp < executableAt) revert AdlRankingWindowOpen(executableAt);
        (address victim, uint256 index) = _highestCandidate(r);
        (int256 delta, uint256 price, uint256 cover) = _deleverageSize(victim, r);
        if (delta != 0) _engine.closeForAdl(victim, r.marketId, delta, price);
        covered = cover;
        if (covered != 0) _vault.transferBalanceAllowingDebt(_engine.liquidityVault(), r.account, covered);
        // A candidate that is closed, or that can give nothing more at this price, leaves the set.
        if (delta == 0 || _engine.position(victim, r.marketId).size == 0) _removeCandidate(index);
        emit AdlExecuted(_head, victim, delta, price, covered);
        _totalShortfall -= covered;
        _requests[_head].remaining = uint128(r.remaining - covered);
        if (r.remaining == covered) _resolveHead();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAutoDeleveraging
    function adlRank(address account, uint256 marketId) public view returns (uint256) {
        Position memory pos = _engine.position(account, marketId);
        if (pos.size == 0) return 0;
        int256 pnl = _engine.unrealisedPnl(account, marketId);
        if (pnl <= 0) return 0;
        int256 equity = _engine.accountMargin(account).equity;
        if (equity <= 0) return type(uint256).max;
        // notional at mark = |size × mark| = |openNotional + pnl|
        uint256 notional = FixedPointMath.abs(int256(pos.openNotional) + pnl);
        uint256 pnlFraction = FixedPointMath.mulDivDown(uint256(pnl), WAD, FixedPointMath.abs(pos.openNotional));
        uint256 leverage = FixedPointMath.mulDivDown(notional, WAD, uint256(equity));
        return FixedPointMath.mulDivDown(pnlFraction, leverage, WAD);
    }

    /// @inheritdoc IAutoDeleveraging
    function pendingAdl()
        external
        view
        returns (bool pending, uint256 requestId, AdlRequest memory request, address[] memory candidates)
    {
        pending = _head < _requests.length;
        requestId = _head;
        if (pending) request = _requests[_head];
        candidates = _candidates;
    }

    /// @inheritdoc IAutoDeleveraging
    function totalShortfall() external view returns (uint256) {
        return _totalShortfall;
    }

    // ------------------------------------------------------------------ internal

    /// @dev Queues `shortfall` of `account` from closing `closedDelta` at `fill` in `marketId`. The bankruptcy
    ///      price is where that close would have left the account at zero: fill ± totalLoss / |closedDelta|.
    function _queueShortfall(
        address account,
        uint256 marketId,
        int256 closedDelta,
        uint256 fill,
        uint256 totalLoss,
        uint256 shortfall
    ) internal {
        bool bankruptWasLong = closedDelta < 0;
        uint256 perUnit = FixedPointMath.mulDivUp(totalLoss, WAD, FixedPointMath.abs(closedDelta));
        uint256 price;
        if (bankruptWasLong) price = fill + perUnit;
        else price = fill > perUnit ? fill - perUnit : 1;
        _requests.push(
            AdlRequest({
                account: account,
                marketId: uint32(marketId),
                victimsLong: !bankruptWasLong,
                openedAt: uint48(block.timestamp),
                bankruptcyPrice: price.toUint128(),
                remaining: shortfall.toUint128()
            })
        );
        _totalShortfall += shortfall;
        emit AdlRequested(_requests.length - 1, account, marketId, !bankruptWasLong, price, shortfall);
    }

    /// @dev Shrinks the pending request to the bankrupt account's current debt: what it repaid itself (a deposit
    ///      into its negative collateral) needs no victim. Returns true when that resolved the request.
    function _syncHead() private returns (bool resolved) {
        if (_head >= _requests.length) revert NoAdlPending();
        AdlRequest storage r = _requests[_head];
        int256 collateral = _vault.collateralOf(r.account);
        uint256 debt = collateral < 0 ? uint256(-collateral) : 0;
        uint256 remaining = r.remaining;
        if (debt >= remaining) return false;
        r.remaining = uint128(debt);
        _totalShortfall -= remaining - debt;
        emit AdlShortfallRepaid(_head, r.account, remaining - debt);
        if (debt != 0) return false;
        _resolveHead();
        return true;
    }

    function _pendingRequest() private view returns (AdlRequest memory) {
        if (_head >= _requests.length) revert NoAdlPending();
        return _requests[_head];
    }

    /// @dev The rank of `account` as a victim of `r`: 0 unless it holds a profitable position on the victim side.
    function _victimRank(address account, AdlRequest memory r) private view returns (uint256) {
        int256 size = _engine.position(account, r.marketId).size;
        if (size == 0 || (size > 0) != r.victimsLong) return 0;
        return adlRank(account, r.marketId);
    }

    function _highestCandidate(AdlRequest memory r) private view returns (address victim, uint256 index) {
        uint256 best;
        uint256 n = _candidates.length;
        for (uint256 i; i < n; ++i) {
            uint256 rank = _victimRank(_candidates[i], r);
            if (rank > best) (best, victim, index) = (rank, _candidates[i], i);
        }
        if (best == 0) revert NoAdlCandidates();
    }

    /// @dev How much of the victim to close, at what price, and the shortfall that repays. The price is the
    ///      bankruptcy price, capped at the victim's break-even so its realised PnL stays ≥ 0. Each unit closed
    ///      there instead of at the mark saves the liquidity vault |price − mark|; that saving repays the shortfall.
    function _deleverageSize(address victim, AdlRequest memory r)
        private
        view
        returns (int256 delta, uint256 price, uint256 covered)
    {
        Position memory pos = _engine.position(victim, r.marketId);
        uint256 size = FixedPointMath.abs(pos.size);
        uint256 cost = FixedPointMath.abs(pos.openNotional);
        uint256 mark = _engine.marketPrices(r.marketId).markPrice;
        // Break-even for the whole position; refined below for the size actually closed.
        uint256 breakEven = r.victimsLong ? FixedPointMath.mulDivUp(cost, WAD, size) : FixedPointMath.mulDivDown(cost, WAD, size);
        price = r.victimsLong ? Math.max(r.bankruptcyPrice, breakEven) : Math.min(r.bankruptcyPrice, breakEven);
        uint256 gap = r.victimsLong ? (mark > price ? mark - price : 0) : (price > mark ? price - mark : 0);
        if (gap == 0) return (0, price, 0);
        uint256 q = Math.min(size, FixedPointMath.mulDivUp(r.remaining, WAD, gap));
        // Exact cap for q: a long's proceeds floor(q·P) must cover ceil(cost·q/size); a short's buy-back ceil(q·P)
        // must not exceed floor(cost·q/size).
        if (r.victimsLong) {
            uint256 closedCost = FixedPointMath.mulDivUp(cost, q, size);
            price = Math.max(price, FixedPointMath.mulDivUp(closedCost, WAD, q));
            gap = mark > price ? mark - price : 0;
        } else {
            uint256 closedCost = FixedPointMath.mulDivDown(cost, q, size);
            price = Math.min(price, FixedPointMath.mulDivDown(closedCost, WAD, q));
            gap = price > mark ? price - mark : 0;
        }
        covered = Math.min(r.remaining, FixedPointMath.mulDivDown(q, gap, WAD));
        delta = r.victimsLong ? -int256(q) : int256(q);
    }

    function _removeCandidate(uint256 index) private {
        uint256 last = _candidates.length - 1;
        if (index != last) _candidates[index] = _candidates[last];
        _candidates.pop();
    }

    function _resolveHead() private {
        emit AdlResolved(_head);
        delete _candidates;
        ++_head;
    }


}
