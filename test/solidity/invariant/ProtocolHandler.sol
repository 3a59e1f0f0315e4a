// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {ILiquidationEngine} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {AccountMargin, MarketParams, MarketState, Position, Tier} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Drives the whole protocol (collateral vault, engine, liquidity vault, insurance fund, liquidation engine)
///         for the stateful invariant suite `Protocol.invariant.t.sol`.
/// @dev Every action is bounded so that most calls succeed. The run uses `failOnRevert: false`, so an assertion inside
///      an action would be rolled back and lost: properties checked here are recorded in the `violation*` ghost
///      counters instead and asserted (== 0) by the invariant functions. Successes are counted per action in `count`
///      (see `ACTIONS`), so a run can be checked to have exercised every action.
///      Each action is its own external function and touches nothing outside the protocol and the ghosts.
contract ProtocolHandler is TestBase {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant USD_PER_UNIT = 1e12;

    uint256 public constant TRADER_COUNT = 4;
    uint256 public constant MARKET_COUNT = 3;

    address public constant KEEPER = address(0x6EE9E2);
    address public constant PROVIDER = address(0x9999);

    MockUSDC public immutable usdc;
    CollateralVault public immutable vault;
    PerpEngine public immutable engine;
    PerpLens public immutable lens;
    LiquidityVault public immutable lpVault;
    InsuranceFund public immutable fund;
    LiquidationEngine public immutable liquidator;

    address[TRADER_COUNT] public traders = [address(0x7001), address(0x7002), address(0x7003), address(0x7004)];
    MockOracleAdapter[MARKET_COUNT] public oracles;
    uint256[MARKET_COUNT] public initialPrices;

    /// @dev Per-market sizing constants read once: the smallest notional that passes the minimum position margin at
    ///      any tier, the lowest tier leverage (safe for any notional), the largest tier notional, and the caps.
    uint256[MARKET_COUNT] internal _minNotional;
    uint256[MARKET_COUNT] internal _safeLeverage;
    uint256[MARKET_COUNT] internal _maxTierNotional;
    uint256[MARKET_COUNT] internal _maxOpenInterest;
    uint256[MARKET_COUNT] internal _maxSkew;

    // ------------------------------------------------------------------ ghosts: money flows (USDC units)

    /// @notice USDC each account deposited into / withdrew from its own collateral account.
    mapping(address account => uint256) public deposited;
    mapping(address account => uint256) public withdrawn;
    /// @notice USDC that entered / left the liquidity vault through ERC-4626 deposits and withdrawals.
    uint256 public lpAssetsIn;
    uint256 public lpAssetsOut;
    /// @notice USDC deposited straight into the insurance fund's account (its seed).
    uint256 public fundSeeded;
    /// @notice USDC the liquidation engine paid to callers' wallets (keeper rewards via `payOut`).
    uint256 public keeperRewardsPaid;

    // ------------------------------------------------------------------ ghosts: coverage

    /// @notice Successful calls per action (keys in `ACTIONS` and the `*.xxx` sub-outcomes).
    mapping(bytes32 action => uint256) public count;
    uint256 public calls;
    uint256 public successes;

    // ------------------------------------------------------------------ ghosts: violations (must stay 0)

    /// @notice A liquidation succeeded although maintenance margin was ≥ 0 just before it.
    uint256 public violationLiquidatedHealthy;
    /// @notice A liquidation left the account with positions and its maintenance margin improved neither at fair
    ///         prices (what the liquidation engine checks) nor at mark prices (what the fills realise).
    uint256 public violationLiquidationNoImprovement;
    /// @notice `liquidate` refused an account whose maintenance margin was negative, for a reason other than the
    ///         cooldown.
    uint256 public violationLiquidatableRefused;
    /// @notice A flat account's maxWithdraw was not floor(collateral / 1e12), or the view reverted.
    uint256 public violationFlatMaxWithdraw;
    /// @notice A flat account could not withdraw its maxWithdraw.
    uint256 public violationFlatWithdraw;
    /// @notice A reduce-only trade reverted while the market's oracle was valid.
    uint256 public violationReduceRefused;
    /// @notice A withdrawal of at most maxWithdraw reverted.
    uint256 public violationWithdrawWithinMax;
    /// @notice An ERC-4626 deposit/withdraw/redeem within its max* view reverted.
    uint256 public violationLpWithinMax;
    /// @notice A trader ended flat with negative collateral by its own trade (outside the liquidation waterfall).
    uint256 public violationSelfClosedBankruptcy;
    /// @notice A liquidation of an already flat account added its debt to `totalShortfall` again.
    uint256 public violationShortfallRecounted;
    /// @notice A partial (sliced) liquidation of an account whose equity was ≤ 0 at mark prices.
    uint256 public violationSlicedWhileBankrupt;
    /// @notice ADL reduced a candidate whose rank was below another candidate's.
    uint256 public violationAdlOrder;
    /// @notice ADL closed a victim at a realised loss (its profit turned into a loss).
    uint256 public violationAdlVictimLoss;
    /// @notice ADL covered more than the request's remaining shortfall, or the shortfall, the bankrupt account and
    ///         the request did not move by exactly what was covered (or the request stayed open once covered).
    uint256 public violationAdlAccounting;
    /// @notice Revert data of the latest unexpected revert (for debugging a failed run).
    bytes public lastUnexpectedRevert;
    /// @notice Maintenance margin before / after the latest liquidation that did not improve it.
    int256 public lastNoImprovementBefore;
    int256 public lastNoImprovementAfter;

    // ------------------------------------------------------------------ ghosts: informational

    /// @notice Partial liquidations after which maintenance margin at fair prices fell while it rose at mark prices:
    ///         the fair price lagged a jump and the slice realised at the oracle a loss the fair valuation had not
    ///         counted yet. Allowed (the liquidation improved what the fills realise); counted to show it happens.
    uint256 public liquidationWorsenedAtFairOnly;
    /// @notice USD of shortfall ADL repaid over the run.
    uint256 public adlCovered;
    /// @notice Withdrawals within their view refused with `InsufficientVaultBalance` while the liquidity vault's
    ///         balance was below the collateral vault's total debt: the counterparty paid out more profit than it
    ///         held in cash (a move beyond what the backing ratio covers), so positive balances exceed the tokens
    ///         and withdrawals are first come, first served. Allowed (see docs/DESIGN.md); any other refusal is a
    ///         violation.
    uint256 public refusedCounterpartyShort;

    /// @dev Accounts whose flat negative collateral a liquidation recorded as ADL shortfall.
    mapping(address account => bool) internal _recordedDebt;

    constructor(
        MockUSDC usdc_,
        CollateralVault vault_,
        PerpEngine engine_,
        LiquidityVault lpVault_,
        InsuranceFund fund_,
        LiquidationEngine liquidator_,
        MockOracleAdapter[MARKET_COUNT] memory oracles_
    ) {
        usdc = usdc_;
        vault = vault_;
        engine = engine_;
        lens = new PerpLens(engine_);
        lpVault = lpVault_;
        fund = fund_;
        liquidator = liquidator_;
        for (uint256 m; m < MARKET_COUNT; ++m) {
            oracles[m] = oracles_[m];
            initialPrices[m] = oracles_[m].currentPrice();
            MarketParams memory p = engine_.marketParams(m);
            Tier[] memory tiers = engine_.marketTiers(m);
            _safeLeverage[m] = tiers[tiers.length - 1].maxLeverage;
            _maxTierNotional[m] = tiers[tiers.length - 1].upToNotional;
            // IM = notional / leverage ≥ minPositionMargin at the highest leverage, with 1 % to spare.
            _minNotional[m] = (uint256(p.minPositionMargin) * tiers[0].maxLeverage / WAD) * 101 / 100 + 1;
            _maxOpenInterest[m] = p.maxOpenInterest;
            _maxSkew[m] = p.maxSkew;
        }
        for (uint256 i; i < TRADER_COUNT; ++i) {
            vm.prank(traders[i]);
            usdc.approve(address(vault_), type(uint256).max);
        }
        vm.prank(PROVIDER);
        usdc.approve(address(lpVault_), type(uint256).max);
        usdc.approve(address(vault_), type(uint256).max);

        // Starting state: the liquidity vault holds 2M, the fund 10k, each trader 100k.
        _lpDeposit(2_000_000e6);
        usdc.mint(address(this), 10_000e6);
        vault.depositFor(address(fund_), 10_000e6);
        fundSeeded = 10_000e6;
        for (uint256 i; i < TRADER_COUNT; ++i) {
            _deposit(traders[i], 100_000e6);
        }
    }

    // ================================================================== actions

    /// @notice Deposit 1 unit .. 100,000 USDC for a trader (repays debt first if its collateral is negative). A flat
    ///         account with bad debt deposits only one time in four, so that most shortfalls go to ADL victims.
    function deposit(uint256 actorSeed, uint256 amount) external {
        _enter();
        address a = _trader(actorSeed);
        if (vault.collateralOf(a) < 0 && engine.accountMarkets(a).length == 0 && amount % 16 != 0) return;
        _deposit(a, bound(amount, 1, 100_000e6));
        _ok("deposit");
    }

    /// @notice Withdraw up to maxWithdraw; a withdrawal within it must succeed.
    function withdraw(uint256 actorSeed, uint256 amount) external {
        _enter();
        address a = _trader(actorSeed);
        uint256 max;
        try vault.maxWithdraw(a) returns (uint256 x) {
            max = x;
        } catch {
            _note("withdraw.oracleDown");
            return;
        }
        if (max == 0) return;
        amount = bound(amount, 1, max);
        vm.prank(a);
        try vault.withdraw(amount, a) {
            withdrawn[a] += amount;
            _ok("withdraw");
        } catch (bytes memory err) {
            if (_counterpartyShort(err)) return;
            violationWithdrawWithinMax++;
            lastUnexpectedRevert = err;
        }
    }

    /// @notice Open, increase or flip a position, sized within the account's free margin at the safest tier and
    ///         within the open-interest and skew caps. Breakers and margin may still refuse it (legitimately).
    function openPosition(uint256 actorSeed, uint256 marketSeed, uint256 sizeSeed, bool isLong) external {
        _enter();
        address a = _trader(actorSeed);
        uint256 m = marketSeed % MARKET_COUNT;
        if (oracles[m].failing()) return;
        AccountMargin memory am;
        try engine.accountMargin(a) returns (AccountMargin memory x) {
            am = x;
        } catch {
            return;
        }
        int256 free = am.equity - int256(am.initialMargin);
        if (free <= 0) return;
        uint256 price = oracles[m].currentPrice();
        uint256 hiNotional = (uint256(free) * _safeLeverage[m] / WAD) * 9 / 10;
        if (hiNotional > _maxTierNotional[m] / 2) hiNotional = _maxTierNotional[m] / 2;
        uint256 hiSize = hiNotional * WAD / price;
        uint256 capacity = _capacity(m, isLong);
        if (hiSize > capacity) hiSize = capacity;
        uint256 loSize = _minNotional[m] * WAD / price + 1;
        if (hiSize < loSize) return;
        uint256 size = bound(sizeSeed, loSize, hiSize);
        int256 delta = isLong ? int256(size) : -int256(size);

        int256 current = engine.position(a, m).size;
        bool reducing = current != 0 && (current > 0) != isLong && size <= _abs(current);
        uint256 acceptable = isLong ? type(uint256).max : 0;
        vm.prank(a);
        try engine.trade(a, m, delta, acceptable) {
            if (reducing) {
                _ok("reduce");
                _afterReduce(a);
            } else {
                _ok(current != 0 && (current > 0) != isLong ? bytes32("open.flip") : bytes32("open"));
            }
        } catch (bytes memory err) {
            if (reducing && _isBankruptClose(err)) {
                _note("reduce.bankruptMustLiquidate");
            } else if (reducing) {
                violationReduceRefused++;
                lastUnexpectedRevert = err;
            } else {
                _noteOpenRevert(err);
            }
        }
    }

    /// @notice Reduce an existing position by 1–100 % (100 %: `closePosition`). Must succeed while its oracle is valid.
    function reducePosition(uint256 actorSeed, uint256 marketSeed, uint256 percentSeed) external {
        _enter();
        (address a, uint256 m, int256 size) = _findPosition(actorSeed, marketSeed);
        if (size == 0) return;
        uint256 percent = percentSeed % 4 == 0 ? 100 : bound(percentSeed, 1, 99);
        int256 delta = -(size * int256(percent)) / 100;
        bool oracleValid = !oracles[m].failing();
        bool closing = percent == 100 || delta == 0;
        uint256 acceptable = size > 0 ? 0 : type(uint256).max;
        bool ok;
        bytes memory err;
        vm.prank(a);
        if (closing) {
            try engine.closePosition(a, m, acceptable) {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        } else {
            try engine.trade(a, m, delta, acceptable) {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        }
        if (ok) {
            _ok(closing ? bytes32("close") : bytes32("reduce"));
            _afterReduce(a);
        } else if (_isBankruptClose(err)) {
            // Closing would leave the account flat with negative collateral: the engine sends it to liquidation.
            _note("reduce.bankruptMustLiquidate");
        } else if (oracleValid) {
            violationReduceRefused++;
            lastUnexpectedRevert = err;
        } else {
            _note("reduce.oracleDown");
        }
    }

    /// @notice Move one oracle by a bounded factor (five in six moves within ±3 %, one in six within 0.6x–1.6x),
    ///         keeping it within 0.1x–24x of its initial price.
    function movePrice(uint256 marketSeed, uint256 factorSeed) external {
        _enter();
        uint256 m = marketSeed % MARKET_COUNT;
        uint256 factor = factorSeed % 6 == 0 ? bound(factorSeed, 0.6e18, 1.6e18) : bound(factorSeed, 0.97e18, 1.03e18);
        uint256 p = oracles[m].currentPrice() * factor / WAD;
        uint256 lo = initialPrices[m] / 10;
        uint256 hi = initialPrices[m] * 24;
        if (p < lo) p = lo;
        if (p > hi) p = hi;
        oracles[m].setPrice(p);
        _ok("movePrice");
    }

    /// @notice A targeted oracle move: put the oracle of a market where some trader holds a position 0–2 % beyond
    ///         that position's liquidation price (`PerpLens.liquidationPrice`), so accounts become liquidatable without
    ///         being bankrupt yet and partial liquidations happen. Kept within 0.1x–24x of the initial price.
    function squeezePrice(uint256 actorSeed, uint256 marketSeed, uint256 overshootSeed) external {
        _enter();
        (address a, uint256 m, int256 size) = _findPosition(actorSeed, marketSeed);
        if (size == 0 || oracles[m].failing()) return;
        uint256 liquidationPrice;
        try lens.liquidationPrice(a, m) returns (uint256 x) {
            liquidationPrice = x;
        } catch {
            return;
        }
        if (liquidationPrice == 0) return;
        uint256 overshoot = bound(overshootSeed, 0, 0.02e18);
        uint256 p = liquidationPrice * (size > 0 ? WAD - overshoot : WAD + overshoot) / WAD;
        uint256 lo = initialPrices[m] / 10;
        uint256 hi = initialPrices[m] * 24;
        if (p < lo || p > hi) return;
        oracles[m].setPrice(p);
        _ok("squeeze");
    }

    /// @notice Let time pass: one in eight warps up to 30 days, the others up to 2 hours.
    function warp(uint256 secondsSeed) external {
        _enter();
        uint256 dt = secondsSeed % 8 == 0 ? bound(secondsSeed, 1, 30 days) : bound(secondsSeed, 1, 2 hours);
        vm.warp(block.timestamp + dt);
        _ok("warp");
    }

    /// @dev What `liquidate` observes around one call.
    struct Observation {
        address caller;
        address target;
        bool known;
        int256 mmFair;
        int256 mmMark;
        bool flatBefore;
        bool bankruptBefore;
        bool bankruptAtMark;
        uint256 shortfallBefore;
        uint256 coveredBefore;
        uint256 walletBefore;
    }

    /// @notice Any actor (a trader or the keeper) liquidates a trader, preferring one below maintenance margin with
    ///         positions (an already flat account with debt one time in four).
    function liquidate(uint256 callerSeed, uint256 targetSeed) external {
        _enter();
        Observation memory o;
        o.caller = callerSeed % 5 == 4 ? KEEPER : traders[callerSeed % TRADER_COUNT];
        o.target = _pickLiquidationTarget(o, callerSeed % 4 == 0, targetSeed);
        o.flatBefore = engine.accountMarkets(o.target).length == 0;
        try engine.accountMarginAtFair(o.target) returns (AccountMargin memory x) {
            o.bankruptBefore = x.equity <= 0;
        } catch {}
        (o.mmMark, o.bankruptAtMark) = _maintenanceAtMark(o.target);
        o.shortfallBefore = liquidator.totalShortfall();
        o.coveredBefore = fund.totalBadDebtCovered();
        o.walletBefore = usdc.balanceOf(o.caller);

        vm.prank(o.caller);
        try liquidator.liquidate(o.target) {
            _afterLiquidation(o);
        } catch (bytes memory err) {
            bytes4 selector = bytes4(err);
            if (selector == ILiquidationEngine.NotLiquidatable.selector) {
                _note("liquidate.notLiquidatable");
                if (o.known && o.mmFair < 0) {
                    violationLiquidatableRefused++;
                    lastUnexpectedRevert = err;
                }
            } else if (selector == ILiquidationEngine.LiquidationCooldown.selector) {
                _note("liquidate.cooldown");
            } else {
                _note("liquidate.otherRevert");
            }
        }
    }

    /// @dev What `adl` observes before `executeAdl`.
    struct AdlObservation {
        AdlRequest request;
        uint256 requestId;
        address[] candidates;
        int256[] sizes;
        int256[] collateral;
        int256[] funding;
        uint256[] ranks;
        uint256 bestRank;
        uint256 shortfallBefore;
        int256 bankruptBefore;
        bool bankruptReduced;
    }

    /// @notice Auto-deleveraging of the pending shortfall: every trader on the victim side is submitted as a candidate
    ///         (the contract keeps the best 8 and refuses the rest), time moves past the ranking window, and one step
    ///         executes. Checked: the reduced victim had the highest rank among the candidates, its realised PnL is
    ///         ≥ 0, and the covered amount moves the shortfall, the bankrupt account and the request by exactly
    ///         that much, resolving the request once it is covered.
    function adl(uint256 seed) external {
        _enter();
        (bool pending,,,) = liquidator.pendingAdl();
        if (!pending) return;
        for (uint256 i; i < TRADER_COUNT; ++i) {
            try liquidator.submitAdlCandidate(traders[(seed + i) % TRADER_COUNT]) {
                _note("adl.submitted");
            } catch {}
        }
        AdlObservation memory o;
        (, o.requestId, o.request, o.candidates) = liquidator.pendingAdl();
        uint256 executableAt = uint256(o.request.openedAt) + liquidator.ADL_RANKING_WINDOW();
        if (block.timestamp < executableAt) vm.warp(executableAt);
        if (!_observeCandidates(o)) return;
        try liquidator.executeAdl() returns (uint256 covered) {
            _ok("adl");
            adlCovered += covered;
            _checkAdl(o, covered);
        } catch (bytes memory err) {
            bytes4 selector = bytes4(err);
            if (selector == IAutoDeleveraging.NoAdlCandidates.selector) _note("adl.noCandidates");
            else _note("adl.otherRevert");
        }
    }

    /// @notice The liquidity provider deposits up to maxDeposit (at most 500,000 USDC); within it must succeed.
    function lpDeposit(uint256 amount) external {
        _enter();
        uint256 max;
        try lpVault.maxDeposit(PROVIDER) returns (uint256 x) {
            max = x;
        } catch {
            return;
        }
        if (max == 0) return;
        amount = bound(amount, 1, max < 500_000e6 ? max : 500_000e6);
        usdc.mint(PROVIDER, amount);
        vm.prank(PROVIDER);
        try lpVault.deposit(amount, PROVIDER) {
            lpAssetsIn += amount;
            _ok("lpDeposit");
        } catch (bytes memory err) {
            violationLpWithinMax++;
            lastUnexpectedRevert = err;
        }
    }

    /// @notice The liquidity provider withdraws (or redeems) within maxWithdraw (maxRedeem); within it must succeed.
    function lpWithdraw(uint256 amount, bool redeem) external {
        _enter();
        uint256 max;
        if (redeem) {
            try lpVault.maxRedeem(PROVIDER) returns (uint256 x) {
                max = x;
            } catch {
                return;
            }
        } else {
            try lpVault.maxWithdraw(PROVIDER) returns (uint256 x) {
                max = x;
            } catch {
                return;
            }
        }
        if (max == 0) return;
        amount = bound(amount, 1, max);
        vm.prank(PROVIDER);
        if (redeem) {
            try lpVault.redeem(amount, PROVIDER, PROVIDER) returns (uint256 assets) {
                lpAssetsOut += assets;
                _ok("lpRedeem");
            } catch (bytes memory err) {
                if (_counterpartyShort(err)) return;
                violationLpWithinMax++;
                lastUnexpectedRevert = err;
            }
        } else {
            try lpVault.withdraw(amount, PROVIDER, PROVIDER) {
                lpAssetsOut += amount;
                _ok("lpWithdraw");
            } catch (bytes memory err) {
                if (_counterpartyShort(err)) return;
                violationLpWithinMax++;
                lastUnexpectedRevert = err;
            }
        }
    }

    /// @notice Anyone moves the fund's accrued share of trading fees.
    function sweepInsuranceFees() external {
        _enter();
        if (engine.sweepInsuranceFees() != 0) _ok("sweep");
    }

    /// @notice Toggle oracle failure: if any oracle fails, all recover; otherwise one starts failing, and a flat
    ///         account immediately tries to withdraw everything while it does.
    function toggleOracleFailure(uint256 marketSeed, uint256 actorSeed) external {
        _enter();
        if (anyOracleFailing()) {
            for (uint256 m; m < MARKET_COUNT; ++m) {
                oracles[m].setFailing(false);
            }
            _ok("oracle.recover");
            return;
        }
        oracles[marketSeed % MARKET_COUNT].setFailing(true);
        _ok("oracle.fail");
        _withdrawAllIfFlat(actorSeed);
    }

    /// @notice A flat account (no position) withdraws everything: maxWithdraw must be floor(collateral / 1e12)
    ///         and the withdrawal must succeed, whatever the oracles do.
    function withdrawAllWhenFlat(uint256 actorSeed) external {
        _enter();
        _withdrawAllIfFlat(actorSeed);
    }

    // ================================================================== views for the invariants

    /// @notice Every address that can hold collateral in this run: traders, keeper, liquidity vault, fund,
    ///         liquidation engine.
    function accounts() public view returns (address[] memory list) {
        list = new address[](TRADER_COUNT + 4);
        for (uint256 i; i < TRADER_COUNT; ++i) {
            list[i] = traders[i];
        }
        list[TRADER_COUNT] = KEEPER;
        list[TRADER_COUNT + 1] = address(lpVault);
        list[TRADER_COUNT + 2] = address(fund);
        list[TRADER_COUNT + 3] = address(liquidator);
    }

    function anyOracleFailing() public view returns (bool) {
        for (uint256 m; m < MARKET_COUNT; ++m) {
            if (oracles[m].failing()) return true;
        }
        return false;
    }

    function trader(uint256 i) external view returns (address) {
        return traders[i];
    }

    function oracle(uint256 m) external view returns (MockOracleAdapter) {
        return oracles[m];
    }

    /// @notice The action names counted in `count`, for coverage checks.
    function actions() external pure returns (bytes32[] memory list) {
        list = new bytes32[](16);
        list[15] = "adl";
        list[14] = "squeeze";
        list[0] = "deposit";
        list[1] = "withdraw";
        list[2] = "open";
        list[3] = "reduce";
        list[4] = "close";
        list[5] = "movePrice";
        list[6] = "warp";
        list[7] = "liquidate";
        list[8] = "lpDeposit";
        list[9] = "lpWithdraw";
        list[10] = "lpRedeem";
        list[11] = "sweep";
        list[12] = "oracle.fail";
        list[13] = "withdrawFlat";
    }

    // ================================================================== internal

    function _enter() private {
        calls++;
    }

    function _ok(bytes32 action) private {
        successes++;
        count[action]++;
    }

    /// @dev The engine's refusal of a voluntary close that would leave a bankrupt account flat (it must be liquidated).
    function _isBankruptClose(bytes memory err) private pure returns (bool) {
        return err.length >= 4 && bytes4(err) == IPerpEngine.BankruptCloseNeedsLiquidation.selector;
    }

    function _note(bytes32 outcome) private {
        count[outcome]++;
    }

    function _trader(uint256 seed) private view returns (address) {
        return traders[seed % TRADER_COUNT];
    }

    function _deposit(address account, uint256 amount) private {
        usdc.mint(account, amount);
        vm.prank(account);
        vault.deposit(amount);
        deposited[account] += amount;
        if (vault.collateralOf(account) >= 0) _recordedDebt[account] = false;
    }

    function _lpDeposit(uint256 amount) private {
        usdc.mint(PROVIDER, amount);
        vm.prank(PROVIDER);
        lpVault.deposit(amount, PROVIDER);
        lpAssetsIn += amount;
    }

    function _withdrawAllIfFlat(uint256 seed) private {
        for (uint256 i; i <= TRADER_COUNT; ++i) {
            uint256 k = (seed + i) % (TRADER_COUNT + 1);
            address a = k == TRADER_COUNT ? KEEPER : traders[k];
            int256 c = vault.collateralOf(a);
            if (c <= 0 || engine.accountMarkets(a).length != 0) continue;
            uint256 expected = uint256(c) / USD_PER_UNIT;
            try vault.maxWithdraw(a) returns (uint256 max) {
                if (max != expected) violationFlatMaxWithdraw++;
            } catch (bytes memory err) {
                violationFlatMaxWithdraw++;
                lastUnexpectedRevert = err;
                return;
            }
            if (expected == 0) return;
            vm.prank(a);
            try vault.withdraw(expected, a) {
                withdrawn[a] += expected;
                _ok("withdrawFlat");
                if (anyOracleFailing()) _note("withdrawFlat.oracleDown");
            } catch (bytes memory err) {
                if (_counterpartyShort(err)) return;
                violationFlatWithdraw++;
                lastUnexpectedRevert = err;
            }
            return;
        }
    }

    function _pickLiquidationTarget(Observation memory o, bool allowFlat, uint256 seed) private view returns (address) {
        for (uint256 i; i < TRADER_COUNT; ++i) {
            address t = traders[(seed + i) % TRADER_COUNT];
            if (!allowFlat && engine.accountMarkets(t).length == 0) continue;
            try engine.maintenanceMargin(t) returns (int256 x) {
                if (x < 0) {
                    (o.mmFair, o.known) = (x, true);
                    return t;
                }
            } catch {}
        }
        address target = traders[seed % TRADER_COUNT];
        if (!allowFlat) {
            for (uint256 i; i < TRADER_COUNT; ++i) {
                address t = traders[(seed + i) % TRADER_COUNT];
                if (engine.accountMarkets(t).length != 0) {
                    target = t;
                    break;
                }
            }
        }
        try engine.maintenanceMargin(target) returns (int256 x) {
            (o.mmFair, o.known) = (x, true);
        } catch {}
        return target;
    }

    /// @dev Records each candidate's size, collateral, pending funding and the highest rank; false if a valuation
    ///         reverts (a failing oracle), in which case `executeAdl` would revert too and is not called.
    function _observeCandidates(AdlObservation memory o) private view returns (bool) {
        uint256 n = o.candidates.length;
        (o.sizes, o.collateral, o.funding) = (new int256[](n), new int256[](n), new int256[](n));
        o.ranks = new uint256[](n);
        uint256 m = o.request.marketId;
        for (uint256 i; i < n; ++i) {
            address c = o.candidates[i];
            o.sizes[i] = engine.position(c, m).size;
            o.collateral[i] = vault.collateralOf(c);
            try engine.accruedFunding(c, m) returns (int256 f) {
                o.funding[i] = f;
            } catch {
                return false;
            }
            if (o.sizes[i] == 0 || (o.sizes[i] > 0) != o.request.victimsLong) continue;
            try liquidator.adlRank(c, m) returns (uint256 rank) {
                o.ranks[i] = rank;
                if (rank > o.bestRank) o.bestRank = rank;
            } catch {
                return false;
            }
        }
        o.shortfallBefore = liquidator.totalShortfall();
        o.bankruptBefore = vault.collateralOf(o.request.account);
        return true;
    }

    function _checkAdl(AdlObservation memory o, uint256 covered) private {
        uint256 m = o.request.marketId;
        for (uint256 i; i < o.candidates.length; ++i) {
            address c = o.candidates[i];
            if (engine.position(c, m).size == o.sizes[i]) continue;
            _note("adl.reduced");
            if (c == o.request.account) o.bankruptReduced = true;
            // The victim is the one candidate whose position moved: it must have had the highest rank.
            if (o.ranks[i] != o.bestRank) violationAdlOrder++;
            // Realised PnL = collateral change + the funding settled by the close.
            if (vault.collateralOf(c) - o.collateral[i] + o.funding[i] < 0) violationAdlVictimLoss++;
        }
        (bool pending, uint256 id, AdlRequest memory r,) = liquidator.pendingAdl();
        bool resolved = !pending || id != o.requestId;
        // The request first shrinks to the bankrupt account's debt (it may have repaid some itself by a deposit).
        uint256 debt = o.bankruptBefore < 0 ? uint256(-o.bankruptBefore) : 0;
        uint256 effective = debt < o.request.remaining ? debt : o.request.remaining;
        uint256 repaid = o.request.remaining - effective;
        if (
            covered > effective || liquidator.totalShortfall() != o.shortfallBefore - repaid - covered
                || (!o.bankruptReduced && vault.collateralOf(o.request.account) != o.bankruptBefore + int256(covered))
                || (covered == effective) != resolved || (!resolved && r.remaining != effective - covered)
        ) violationAdlAccounting++;
        if (repaid != 0) _note("adl.repaidByAccount");
        if (resolved) _note("adl.resolved");
    }

    /// @dev equity − Σ MM at mark prices (what the fills realise), and whether equity at mark is ≤ 0.
    function _maintenanceAtMark(address account) private view returns (int256 mm, bool bankrupt) {
        try engine.accountMargin(account) returns (AccountMargin memory x) {
            return (x.equity - int256(x.maintenanceMargin), x.equity <= 0);
        } catch {}
    }

    function _afterLiquidation(Observation memory o) private {
        _ok("liquidate");
        if (o.bankruptBefore) _note("liquidate.bankrupt");
        keeperRewardsPaid += usdc.balanceOf(o.caller) - o.walletBefore;
        if (!o.known || o.mmFair >= 0) violationLiquidatedHealthy++;
        if (engine.accountMarkets(o.target).length == 0) {
            _note(o.flatBefore ? bytes32("liquidate.flatDebt") : bytes32("liquidate.full"));
        } else {
            _note("liquidate.partial");
            if (o.bankruptAtMark || o.bankruptBefore) violationSlicedWhileBankrupt++;
            int256 fairAfter = engine.maintenanceMargin(o.target);
            (int256 markAfter,) = _maintenanceAtMark(o.target);
            if (fairAfter <= o.mmFair) {
                if (markAfter > o.mmMark) {
                    liquidationWorsenedAtFairOnly++;
                } else {
                    violationLiquidationNoImprovement++;
                    (lastNoImprovementBefore, lastNoImprovementAfter) = (o.mmFair, fairAfter);
                }
            }
        }
        if (fund.totalBadDebtCovered() > o.coveredBefore) _note("liquidate.fundCovered");
        if (liquidator.totalShortfall() > o.shortfallBefore) {
            _note("liquidate.shortfall");
            if (o.flatBefore && _recordedDebt[o.target]) violationShortfallRecounted++;
        }
        _recordedDebt[o.target] = engine.accountMarkets(o.target).length == 0 && vault.collateralOf(o.target) < 0;
    }

    /// @dev See `refusedCounterpartyShort`.
    function _counterpartyShort(bytes memory err) private returns (bool) {
        if (err.length < 4 || bytes4(err) != ICollateralVault.InsufficientVaultBalance.selector) return false;
        if (vault.collateralOf(address(lpVault)) >= int256(vault.totalDebt())) return false;
        refusedCounterpartyShort++;
        return true;
    }

    function _afterReduce(address a) private {
        if (engine.accountMarkets(a).length == 0 && vault.collateralOf(a) < 0 && !_recordedDebt[a]) {
            violationSelfClosedBankruptcy++;
        }
    }

    /// @dev Size the market can still take on one side: open-interest cap and skew cap.
    function _capacity(uint256 m, bool isLong) private view returns (uint256) {
        MarketState memory s = engine.marketState(m);
        uint256 side = isLong ? s.openInterestLong : uint256(int256(uint256(s.openInterestLong)) - s.skew);
        uint256 oiRoom = _maxOpenInterest[m] > side ? _maxOpenInterest[m] - side : 0;
        int256 skewRoom = int256(_maxSkew[m]) - (isLong ? int256(s.skew) : -int256(s.skew));
        if (skewRoom <= 0) return 0;
        return uint256(skewRoom) < oiRoom ? uint256(skewRoom) : oiRoom;
    }

    /// @dev The first (trader, market) with a position, scanning from the seeds.
    function _findPosition(uint256 actorSeed, uint256 marketSeed)
        private
        view
        returns (address a, uint256 m, int256 size)
    {
        for (uint256 i; i < TRADER_COUNT; ++i) {
            a = traders[(actorSeed + i) % TRADER_COUNT];
            for (uint256 j; j < MARKET_COUNT; ++j) {
                m = (marketSeed + j) % MARKET_COUNT;
                size = engine.position(a, m).size;
                if (size != 0) return (a, m, size);
            }
        }
        return (a, m, 0);
    }

    function _noteOpenRevert(bytes memory err) private {
        bytes4 selector = bytes4(err);
        if (selector == IPerpEngine.CircuitBreakerTripped.selector) _note("open.breaker");
        else if (selector == IPerpEngine.InsufficientMargin.selector) _note("open.margin");
        else _note("open.otherRevert");
    }

    function _abs(int256 x) private pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }
}
