// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ParameterOutOfBounds} from "../interfaces/CommonErrors.sol";
import {AdlRequest, IAutoDeleveraging} from "../interfaces/IAutoDeleveraging.sol";
import {Position} from "../interfaces/PerpTypes.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";
import {LiquidationMath} from "../libraries/LiquidationMath.sol";
import {TokenUnits} from "../libraries/TokenUnits.sol";
import {LiquidationStorage} from "./LiquidationStorage.sol";

/// @title AutoDeleveraging
/// @notice The ADL layer of the liquidation engine: a FIFO queue of requests (shortfalls and pnl-factor reductions),
///         a bounded candidate set per pending request, and execution highest rank first. A request that no
///         candidate can cover for `ADL_STUCK_WINDOW` can be rotated to the back of the queue by anyone, and the
///         owner can book an uncoverable shortfall to the liquidity providers, so one request never blocks the rest.
/// @dev Gas: submitting recomputes at most MAX_ADL_CANDIDATES ranks (each one account valuation); executing
///      recomputes them once and closes one position. Nothing loops over all users; a pnl-factor check loops over
///      markets (one oracle read each), never on a trade. Its state is in `LiquidationStorage`; the pending
///      request's view (`pendingAdl`) is served by the engine's module. The formulas are `LiquidationMath`'s.
abstract contract AutoDeleveraging is IAutoDeleveraging, ReentrancyGuardTransient, LiquidationStorage {
    using SafeCast for uint256;

    /// @inheritdoc IAutoDeleveraging
    uint256 public constant MAX_ADL_CANDIDATES = 8;
    /// @inheritdoc IAutoDeleveraging
    uint256 public constant ADL_RANKING_WINDOW = 60;
    /// @inheritdoc IAutoDeleveraging
    uint256 public constant ADL_STUCK_WINDOW = 15 minutes;

    uint256 private constant MIN_PNL_FACTOR = 0.1e18;
    uint256 private constant MAX_PNL_FACTOR = 1e18;

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
        AdlRequest memory r = _pendingRequest();
        if (r.account == address(0)) {
            _executeReduction(r);
            return 0;
        }
        if (_syncHead()) return 0;
        r = _requests[_head];
        uint256 executableAt = uint256(r.openedAt) + ADL_RANKING_WINDOW;
        if (block.timestamp < executableAt) revert AdlRankingWindowOpen(executableAt);
        (address victim, uint256 index) = _highestCandidate(r);
        (int256 delta, uint256 price, uint256 cover) = _deleverageSize(victim, r);
        if (delta != 0) {
            _engine.closeForAdl(victim, r.marketId, delta, price);
            _settleDeleveraged(victim, r.marketId, delta, price);
        }
        covered = cover;
        if (covered != 0) _vault.transferBalanceAllowingDebt(_engine.liquidityVault(), r.account, covered);
        // A candidate that is closed, or that could give nothing at this price even from the fair premium, leaves the
        // set; one whose cover is 0 only at the live skew (someone pushed it) stays, so a push cannot drop it.
        if (_engine.position(victim, r.marketId).size == 0 || (delta == 0 && !_givesAtFair(victim, r, price))) {
            _removeCandidate(index);
        }
        emit AdlExecuted(_head, victim, delta, price, covered);
        _totalShortfall -= covered;
        AdlRequest storage stored = _requests[_head];
        stored.remaining = uint128(r.remaining - covered);
        if (covered != 0) stored.lastProgressAt = uint40(block.timestamp);
        if (r.remaining == covered) _resolveHead();
    }

    /// @inheritdoc IAutoDeleveraging
    function rotateAdl() external nonReentrant {
        AdlRequest memory r = _pendingRequest();
        if (r.account != address(0) && _syncHead()) return;
        r = _requests[_head];
        uint256 since = Math.max(uint256(r.openedAt) + ADL_RANKING_WINDOW, r.lastProgressAt);
        uint256 readyAt = since + ADL_STUCK_WINDOW;
        if (block.timestamp < readyAt || _coverable(r)) revert AdlNotStuck(readyAt);
        uint256 oldId = _head;
        r.openedAt = uint40(block.timestamp);
        r.lastProgressAt = uint40(block.timestamp);
        _requests.push(r);
        delete _candidates;
        ++_head;
        emit AdlRotated(oldId, _requests.length - 1);
    }

    /// @inheritdoc IAutoDeleveraging
    function writeOffAdl() external onlyOwner nonReentrant {
        AdlRequest memory r = _pendingRequest();
        if (r.account == address(0)) revert NoAdlPending();
        if (_syncHead()) return;
        uint256 amount = _requests[_head].remaining;
        _totalShortfall -= amount;
        _requests[_head].remaining = 0;
        emit AdlWrittenOff(_head, r.account, amount);
        _vault.transferBalanceAllowingDebt(_engine.liquidityVault(), r.account, amount);
        _resolveHead();
    }

    /// @inheritdoc IAutoDeleveraging
    function requestPnlReduction() external nonReentrant returns (uint256 requestId) {
        if (_reductionPending) revert PnlReductionPending();
        (uint256 profit, uint256 cash) = pnlFactor();
        uint256 limit = LiquidationMath.pnlFactorLimit(cash, _maxPnlFactor);
        if (profit <= limit) revert PnlFactorWithinLimit(profit, limit);
        // The market where the traders win the most against the vault: the caller does not choose it, so a request
        // on a quiet market cannot take the place of the one that matters.
        uint256 marketId = type(uint256).max;
        int256 worst;
        uint256 count = _engine.marketCount();
        for (uint256 id; id < count; ++id) {
            (int256 pnl,) = _engine.counterpartyPnlOf(id);
            if (pnl < worst) (worst, marketId) = (pnl, id);
        }
        if (marketId == type(uint256).max) revert NoWinningSide();
        int256 skew = _engine.marketState(marketId).skew;
        _reductionPending = true;
        requestId = _requests.length;
        _requests.push(
            AdlRequest({
                account: address(0),
                marketId: uint8(marketId),
                victimsLong: skew > 0,
                openedAt: uint40(block.timestamp),
                lastProgressAt: uint40(block.timestamp),
                bankruptcyPrice: 0,
                remaining: 0
            })
        );
        emit PnlReductionRequested(requestId, marketId, skew > 0, profit, cash);
    }

    /// @inheritdoc IAutoDeleveraging
    function setMaxPnlFactor(uint256 factor) external onlyOwner {
        if (factor < MIN_PNL_FACTOR || factor > MAX_PNL_FACTOR) {
            revert ParameterOutOfBounds("maxPnlFactor", factor, MIN_PNL_FACTOR, MAX_PNL_FACTOR);
        }
        _maxPnlFactor = factor;
        emit MaxPnlFactorSet(factor);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAutoDeleveraging
    function adlRank(address account, uint256 marketId) public view returns (uint256) {
        Position memory pos = _engine.position(account, marketId);
        if (pos.size == 0) return 0;
        int256 pnl = _engine.unrealisedPnl(account, marketId);
        if (pnl <= 0) return 0;
        // The account's equity is read only for a position that ranks.
        return LiquidationMath.adlRank(pos, pnl, _engine.accountMargin(account).equity);
    }

    /// @inheritdoc IAutoDeleveraging
    function previewAdlStep(address candidate) external view returns (int256 sizeDelta, uint256 price, uint256 covered) {
        AdlRequest memory r = _pendingRequest();
        if (_victimRank(candidate, r) == 0) return (0, 0, 0);
        if (r.account != address(0)) return _deleverageSize(candidate, r);
        (sizeDelta, price,) = _engine.quoteForcedClose(candidate, r.marketId, -_engine.position(candidate, r.marketId).size);
    }

    /// @inheritdoc IAutoDeleveraging
    function totalShortfall() external view returns (uint256) {
        return _totalShortfall;
    }

    /// @inheritdoc IAutoDeleveraging
    function maxPnlFactor() external view returns (uint256) {
        return _maxPnlFactor;
    }

    /// @inheritdoc IAutoDeleveraging
    function pnlFactor() public view returns (uint256 traderProfit, uint256 cash) {
        (int256 vaultPnl,) = _engine.counterpartyPnl();
        if (vaultPnl < 0) traderProfit = uint256(-vaultPnl);
        (int256 collateral, uint256 debt) = _vault.collateralAndDebt(_engine.liquidityVault());
        if (collateral > int256(debt)) cash = uint256(collateral - int256(debt));
    }

    // ------------------------------------------------------------------ internal

    /// @dev The share of a trading fee a pnl-factor reduction's caller earns (the liquidation config's keeper share).
    function _callerFeeShare() internal view virtual returns (uint256);

    /// @dev After a deleveraging close of `closedDelta` at `price` in `marketId`: when it left `account` flat with
    ///      negative collateral (a victim already in debt, whose close realised less than it owed), that debt goes
    ///      through the loss waterfall like a liquidation's (fund, then a new ADL request), never left unrecorded.
    function _settleDeleveraged(address account, uint256 marketId, int256 closedDelta, uint256 price)
        internal
        virtual;

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
        uint256 price = LiquidationMath.adlBankruptcyPrice(closedDelta, fill, totalLoss);
        _requests.push(
            AdlRequest({
                account: account,
                marketId: uint8(marketId),
                victimsLong: !bankruptWasLong,
                openedAt: uint40(block.timestamp),
                lastProgressAt: uint40(block.timestamp),
                bankruptcyPrice: price.toUint128(),
                remaining: shortfall.toUint128()
            })
        );
        _totalShortfall += shortfall;
        emit AdlRequested(_requests.length - 1, account, marketId, !bankruptWasLong, price, shortfall);
    }

    /// @dev `amount` (whole USDC units) out of `from`'s collateral to `to`. If the transfer fails (a blacklisted
    ///      receiver), it is credited to `to`'s collateral instead, so this step cannot make the caller revert.
    function _payReward(address from, address to, uint256 amount) internal {
        if (amount == 0) return;
        try _vault.payOut(from, TokenUnits.toTokenDown(amount), to) {}
        catch {
            _vault.transferBalance(from, to, amount);
            emit KeeperRewardCredited(to, amount);
        }
    }

    /// @dev One step of a pnl-factor reduction: resolved once the factor is within its limit; else the highest
    ///      candidate's position closes at the bounded market fill with the trading fee, and the caller earns its
    ///      share of the vault's part of that fee from the liquidity vault (whole USDC units), at most what the vault's
    ///      balance holds.
    function _executeReduction(AdlRequest memory r) private {
        uint256 executableAt = uint256(r.openedAt) + ADL_RANKING_WINDOW;
        if (block.timestamp < executableAt) revert AdlRankingWindowOpen(executableAt);
        (uint256 profit, uint256 cash) = pnlFactor();
        if (profit <= LiquidationMath.pnlFactorLimit(cash, _maxPnlFactor)) {
            _resolveHead();
            return;
        }
        (address victim, uint256 index, uint256 rank) = _highestRanked(r);
        if (rank == 0) {
            // Nobody on the winning side is in profit any more (or nobody was submitted): this request cannot make
            // progress; a new one may be queued while the factor stays over the limit.
            _resolveHead();
            return;
        }
        int256 size = _engine.position(victim, r.marketId).size;
        (int256 closed, uint256 fill,, uint256 fee) = _engine.forcedClose(victim, r.marketId, -size, true);
        if (closed != 0) _settleDeleveraged(victim, r.marketId, closed, fill);
        // The caller's share comes out of the vault's part of the fee (the insurance fund's part is not the vault's).
        (, uint256 insuranceShare) = _engine.insuranceFeeShare();
        // Never more than the vault's balance holds: after a move that cost it more than its cash the balance can be
        // below the reward, or negative, and the reduction must still go through.
        address liquidityVault = _engine.liquidityVault();
        uint256 reward = LiquidationMath.pnlReductionReward(
            fee, insuranceShare, _callerFeeShare(), _vault.collateralOf(liquidityVault)
        );
        if (closed == -size) _removeCandidate(index);
        if (closed != 0) _requests[_head].lastProgressAt = uint40(block.timestamp);
        emit PnlReductionExecuted(_head, victim, closed, fill, fee, reward);
        _payReward(liquidityVault, msg.sender, reward);
    }

    /// @dev Shrinks the pending shortfall to the bankrupt account's current debt: what it repaid itself (a deposit
    ///      into its negative collateral) needs no victim. Returns true when that resolved the request.
    function _syncHead() private returns (bool resolved) {
        AdlRequest storage r = _requests[_head];
        (uint256 debt, uint256 repaid, bool repaidInFull) =
            LiquidationMath.adlRepayment(r.remaining, _vault.collateralOf(r.account));
        if (repaid == 0) return false;
        r.remaining = uint128(debt);
        _totalShortfall -= repaid;
        emit AdlShortfallRepaid(_head, r.account, repaid);
        if (!repaidInFull) return false;
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
        (victim, index, best) = _highestRanked(r);
        if (best == 0) revert NoAdlCandidates();
    }

    function _highestRanked(AdlRequest memory r) private view returns (address victim, uint256 index, uint256 best) {
        uint256 n = _candidates.length;
        for (uint256 i; i < n; ++i) {
            uint256 rank = _victimRank(_candidates[i], r);
            if (rank > best) (best, victim, index) = (rank, _candidates[i], i);
        }
    }

    /// @dev Whether `victim` could give something at `price` measured from the fair premium (the exit its close would
    ///      get from the skew whose premium is the fair premium): a cover of 0 at the live skew alone does not drop it.
    function _givesAtFair(address victim, AdlRequest memory r, uint256 price) private view returns (bool) {
        int256 size = _engine.position(victim, r.marketId).size;
        (,, uint256 exitAtFair) = _engine.quoteForcedClose(victim, r.marketId, -size);
        return r.victimsLong ? exitAtFair > price : exitAtFair < price;
    }

    /// @dev Whether some candidate could make a step on `r` now: cover part of a shortfall, or (a reduction) have some
    ///      of its position close within its forced-close bound. Each candidate is judged through `previewAdlStep`
    ///      (an external self-call), so a market whose oracle fails makes its candidates unable to step instead of
    ///      making the rotation revert.
    function _coverable(AdlRequest memory r) private view returns (bool) {
        uint256 n = _candidates.length;
        for (uint256 i; i < n; ++i) {
            try this.previewAdlStep(_candidates[i]) returns (int256 delta, uint256, uint256 cover) {
                if (r.account == address(0) ? delta != 0 : cover != 0) return true;
            } catch {}
        }
        return false;
    }

    /// @dev How much of the victim to close, at what price, and the shortfall that repays. The price is the
    ///      bankruptcy price, capped at the victim's break-even so its realised PnL stays ≥ 0. Each unit closed there
    ///      instead of at its exit price (the fill a close of that size would get now) saves the liquidity vault the
    ///      difference, exactly what its valuation at exit prices gains; that saving repays the shortfall. A smaller
    ///      close exits at a better price, so the size found with the whole position's exit still covers.
    function _deleverageSize(address victim, AdlRequest memory r)
        private
        view
        returns (int256 delta, uint256 price, uint256 covered)
    {
        Position memory pos = _engine.position(victim, r.marketId);
        uint256 size = FixedPointMath.abs(pos.size);
        uint256 cost = FixedPointMath.abs(pos.openNotional);
        // Break-even for the whole position; refined below for the size actually closed.
        price = LiquidationMath.adlClosePrice(r.victimsLong, r.bankruptcyPrice, cost, size, size);
        uint256 gap = _exitGap(r, size, price);
        if (gap == 0) return (0, price, 0);
        uint256 q = LiquidationMath.adlCloseSize(size, r.remaining, gap);
        // Exact cap for q: a long's proceeds floor(q·P) must cover ceil(cost·q/size); a short's buy-back ceil(q·P)
        // must not exceed floor(cost·q/size).
        price = LiquidationMath.adlClosePrice(r.victimsLong, price, cost, size, q);
        covered = LiquidationMath.adlCovered(r.remaining, q, _exitGap(r, q, price));
        delta = r.victimsLong ? -int256(q) : int256(q);
    }

    /// @dev What the liquidity vault saves per unit when the victim closes `q` at `price` instead of its exit fill.
    function _exitGap(AdlRequest memory r, uint256 q, uint256 price) private view returns (uint256) {
        uint256 exit = _engine.quoteFillPrice(r.marketId, r.victimsLong ? -int256(q) : int256(q));
        return LiquidationMath.adlPriceGap(r.victimsLong, exit, price);
    }

    function _removeCandidate(uint256 index) private {
        uint256 last = _candidates.length - 1;
        if (index != last) _candidates[index] = _candidates[last];
        _candidates.pop();
    }

    function _resolveHead() private {
        if (_requests[_head].account == address(0)) _reductionPending = false;
        emit AdlResolved(_head);
        delete _candidates;
        ++_head;
    }
}
