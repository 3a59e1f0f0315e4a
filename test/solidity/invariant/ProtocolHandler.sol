// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {AdlRequest, IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {ILiquidationEngine, LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {IPerpEngine} from "../../../contracts/interfaces/IPerpEngine.sol";
import {
    BreakerParams, MarginSummary, MarketParams, MarketState, NotionalTier, Position
} from "../../../contracts/interfaces/PerpTypes.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpLens} from "../../../contracts/lens/PerpLens.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @dev A cheatcode this suite needs beyond `utils/Vm.sol`, served at the same address: a state snapshot is dropped
///      once used, so that the thousands of trial calls of a run do not pile snapshots up.
interface VmSnapshotDelete {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function revertToStateAndDelete(uint256 snapshotId) external returns (bool success);
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @notice A second implementation of the pricing and valuation formulas of docs/DESIGN.md and the security fix
///         (exact premium integral, exit value, trading fee, funding index, credit valuation, fallback price and the
///         forced-close bound), written from the formulas and not from the contracts, so that the invariant suite can
///         check the contracts' numbers against it.
/// @dev Units: USD and prices 18 decimals, sizes signed 18 decimals, fractions 18 decimals.
library PerpModel {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant HOUR = 3600;
    /// @dev The fair premium moves at most 0.1 % of the oracle price per hour.
    uint256 internal constant FAIR_DRIFT_PER_HOUR = 0.001e18;
    /// @dev Bisection steps of the forced-close fit.
    uint256 internal constant FIT_STEPS = 32;

    /// @notice One market as the formulas need it, read from the engine's plain state.
    /// @dev `index` is the funding index accrued to now by this model when the oracle answers (the stored index
    ///      otherwise); `price` is the oracle price when it answers.
    struct Market {
        uint256 id;
        bool live;
        uint256 price;
        int256 skew;
        uint256 openInterestLong;
        uint256 skewScale;
        uint256 maxPremium;
        uint256 makerFee;
        uint256 takerFee;
        int256 fundingInterest;
        uint256 fundingClamp;
        uint256 maxFundingRate;
        int256 storedIndex;
        int256 index;
        uint256 lastUpdateTime;
        uint256 lastOraclePrice;
        uint256 band;
        int256 sumOpenNotional;
        int256 sumFundingBasis;
        int256 storedFairPremium;
        /// @dev The fair premium now (`marketPrices`), set by the caller for a live market when needed.
        int256 fairPremium;
    }

    // ------------------------------------------------------------------ reading

    function read(IPerpEngine e, uint256 m) internal view returns (Market memory k) {
        MarketParams memory p = e.marketParams(m);
        MarketState memory s = e.marketState(m);
        k.id = m;
        k.skew = s.skew;
        k.openInterestLong = s.openInterestLong;
        k.skewScale = p.skewScale;
        k.maxPremium = p.maxPremium;
        k.makerFee = p.makerFee;
        k.takerFee = p.takerFee;
        k.fundingInterest = int256(uint256(p.fundingInterest));
        k.fundingClamp = p.fundingClamp;
        k.maxFundingRate = p.maxFundingRate;
        k.storedIndex = s.fundingIndex;
        k.index = s.fundingIndex;
        k.lastUpdateTime = s.lastUpdateTime;
        k.lastOraclePrice = s.lastOraclePrice;
        k.band = e.circuitBreakerParams(m).maxOracleMove;
        k.sumOpenNotional = s.sumOpenNotional;
        k.sumFundingBasis = s.sumFundingBasis;
        k.storedFairPremium = s.fairPremium;
        try p.oracle.price() returns (uint256 price) {
            (k.live, k.price) = (price != 0, price);
        } catch {}
        if (k.live) k.index = pendingIndexAt(k, k.price);
    }

    /// @notice The funding index accrued from the last update to now at `price` (the rate of the stored skew's
    ///         premium held over the interval).
    function pendingIndexAt(Market memory k, uint256 price) internal view returns (int256) {
        if (block.timestamp <= k.lastUpdateTime) return k.storedIndex;
        int256 rate = fundingRate(k, premium(k, k.skew));
        return k.storedIndex + indexDelta(rate, price, block.timestamp - k.lastUpdateTime);
    }

    /// @notice A failing market's index for a holder on one side: the funding pending since the last accrual at the
    ///         fallback price counts only when it is against the holder (a higher index costs a long, a lower one a
    ///         short); else the stored index.
    function fallbackIndex(Market memory k, uint256 price, bool holderLong) internal view returns (int256) {
        int256 pending = pendingIndexAt(k, price);
        return holderLong == (pending > k.storedIndex) ? pending : k.storedIndex;
    }

    /// @notice Short open interest: Σ |short sizes| = long OI − skew.
    function openInterestShort(Market memory k) internal pure returns (uint256) {
        return uint256(int256(k.openInterestLong) - k.skew);
    }

    /// @notice The market holds nothing the liquidity vault values (no skew, no cost basis, no funding basis).
    function empty(Market memory k) internal pure returns (bool) {
        return k.skew == 0 && k.sumOpenNotional == 0 && k.sumFundingBasis == 0;
    }

    // ------------------------------------------------------------------ pricing

    /// @notice p(s) = clamp(s / K, ±M), the division truncated toward zero.
    function premium(Market memory k, int256 s) internal pure returns (int256) {
        int256 raw = s >= 0
            ? int256(Math.mulDiv(uint256(s), WAD, k.skewScale))
            : -int256(Math.mulDiv(uint256(-s), WAD, k.skewScale));
        int256 cap = int256(k.maxPremium);
        return raw > cap ? cap : (raw < -cap ? -cap : raw);
    }

    /// @notice G(s) = ∫₀^s p(u) du in size × 1e18 units, rounded down: s²/(2K) while |s| ≤ M·K, else
    ///         M·|s| − M²·K/2 (the flat part of the clamp).
    function area(Market memory k, int256 s) internal pure returns (uint256) {
        uint256 a = abs(s);
        uint256 m = k.maxPremium;
        // Compare |s| with M·K exactly: |s| × 1e18 ≤ M × K.
        if (a * WAD <= m * k.skewScale) return Math.mulDiv(a * a, WAD, 2 * k.skewScale);
        // M·|s| is a whole number, so the floor of M·|s| − M²K/(2·1e18) subtracts the ceiling of the second term.
        return m * a - Math.mulDiv(m * m, k.skewScale, 2 * WAD, Math.Rounding.Ceil);
    }

    /// @notice The fill of a trade of `d` at skew `s` and oracle `price`: price × (|d|·1e18 + sign(d)·(G(s+d) − G(s)))
    ///         / (|d|·1e18), rounded up for a buy and down for a sell.
    function fillAt(Market memory k, uint256 price, int256 s, int256 d) internal pure returns (uint256) {
        uint256 q = abs(d);
        int256 areaMove = int256(area(k, s + d)) - int256(area(k, s));
        uint256 numerator = uint256(int256(q * WAD) + (d > 0 ? areaMove : -areaMove));
        return Math.mulDiv(price, numerator, q * WAD, d > 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
    }

    /// @notice The fill of `d` at the live skew and oracle.
    function fill(Market memory k, int256 d) internal pure returns (uint256) {
        return fillAt(k, k.price, k.skew, d);
    }

    /// @notice The traders' net position `skew` at the fill closing it would get: ceil(price × (s·1e18 + G(s)) / 1e36).
    function netExitCeil(Market memory k, uint256 price, int256 s) internal pure returns (int256) {
        int256 x = s * int256(WAD) + int256(area(k, s));
        if (x >= 0) return int256(Math.mulDiv(uint256(x), price, WAD * WAD, Math.Rounding.Ceil));
        return -int256(Math.mulDiv(uint256(-x), price, WAD * WAD));
    }

    /// @notice Trading fee: the part of |d| that reduces |skew| pays the maker fee, the rest the taker fee; each part's
    ///         notional and fee rounded up.
    function fee(Market memory k, int256 s, int256 d, uint256 fillPrice) internal pure returns (uint256 f) {
        uint256 q = abs(d);
        uint256 maker;
        if (s != 0 && (s > 0) != (d > 0)) maker = q < abs(s) ? q : abs(s);
        uint256 taker = q - maker;
        if (maker != 0) f = Math.mulDiv(Math.mulDiv(maker, fillPrice, WAD, Math.Rounding.Ceil), k.makerFee, WAD, Math.Rounding.Ceil);
        if (taker != 0) f += Math.mulDiv(Math.mulDiv(taker, fillPrice, WAD, Math.Rounding.Ceil), k.takerFee, WAD, Math.Rounding.Ceil);
    }

    // ------------------------------------------------------------------ funding

    /// @notice Hourly rate F = p + clamp(interest − p, ±c), capped to ±maxFundingRate.
    function fundingRate(Market memory k, int256 p) internal pure returns (int256) {
        int256 c = int256(k.fundingClamp);
        int256 gap = k.fundingInterest - p;
        int256 rate = p + (gap > c ? c : (gap < -c ? -c : gap));
        int256 cap = int256(k.maxFundingRate);
        return rate > cap ? cap : (rate < -cap ? -cap : rate);
    }

    /// @notice USD per unit accrued over `dt` at hourly `rate`, valued at `price`, truncated toward zero.
    function indexDelta(int256 rate, uint256 price, uint256 dt) internal pure returns (int256) {
        uint256 magnitude = Math.mulDiv(abs(rate), price * dt, HOUR * WAD);
        return rate < 0 ? -int256(magnitude) : int256(magnitude);
    }

    // ------------------------------------------------------------------ liquidity vault

    /// @notice The last good price moved against whoever the move would hurt, by the oracle-move breaker band: up
    ///         (rounded up) or down (rounded down).
    function fallbackPrice(Market memory k, bool up) internal pure returns (uint256) {
        return up
            ? Math.mulDiv(k.lastOraclePrice, WAD + k.band, WAD, Math.Rounding.Ceil)
            : Math.mulDiv(k.lastOraclePrice, WAD - k.band, WAD);
    }

    /// @notice Funding the vault counts as receivable: floor(skew × index) − Σ ceil(size × lastIndex).
    function receivable(Market memory k) internal pure returns (int256) {
        return mulDivFloor(k.skew, k.index, WAD) - k.sumFundingBasis;
    }

    /// @notice The liquidity vault's part of one market: Σ cost basis − the net position at its exit value +
    ///         receivable funding; a failing oracle at the fallback price against the vault with the stored index.
    function vaultPart(Market memory k) internal view returns (int256) {
        if (k.live) return k.sumOpenNotional - netExitCeil(k, k.price, k.skew) + receivable(k);
        uint256 price = fallbackPrice(k, k.skew > 0);
        int256 index = fallbackIndex(k, price, k.skew < 0);
        return k.sumOpenNotional - netExitCeil(k, price, k.skew) + mulDivFloor(k.skew, index, WAD) - k.sumFundingBasis;
    }

    /// @notice |skew| × price × ratio, each product rounded up; a failing oracle at its last price moved up.
    function backing(Market memory k, uint256 ratio) internal pure returns (uint256) {
        if (k.skew == 0) return 0;
        uint256 price = k.live ? k.price : fallbackPrice(k, true);
        return Math.mulDiv(Math.mulDiv(abs(k.skew), price, WAD, Math.Rounding.Ceil), ratio, WAD, Math.Rounding.Ceil);
    }

    /// @notice The counterparty's value over all markets, less the fund's pending fees, and whether a market with
    ///         something to value used its fallback.
    function counterparty(IPerpEngine e, uint256 marketCount) internal view returns (int256 usd, bool fallbackUsed) {
        Market[] memory ks = new Market[](marketCount);
        for (uint256 m; m < marketCount; ++m) {
            ks[m] = read(e, m);
        }
        return counterpartyOf(ks, e.pendingInsuranceFees());
    }

    /// @notice `counterparty` over markets already read, with the fund's pending fees.
    function counterpartyOf(Market[] memory ks, uint256 pendingFees) internal view returns (int256 usd, bool fallbackUsed) {
        usd = -int256(pendingFees);
        for (uint256 m; m < ks.length; ++m) {
            if (empty(ks[m])) continue;
            if (!ks[m].live) fallbackUsed = true;
            usd += vaultPart(ks[m]);
        }
    }

    // ------------------------------------------------------------------ accounts

    /// @notice One account's margin as credited (withdrawals and the post-trade check): every position at the worse
    ///         for the account of its exit price (full close at the live skew) and its fair price; a failing market at
    ///         the fallback price against the position without pending funding. Reads what it needs.
    function creditMargin(IPerpEngine e, CollateralVault v, address account)
        internal
        view
        returns (int256 equity, uint256 initialMargin, uint256 withdrawable)
    {
        int256 collateral = v.collateralOf(account);
        equity = collateral;
        uint256[] memory ids = e.accountMarkets(account);
        for (uint256 i; i < ids.length; ++i) {
            Market memory k = read(e, ids[i]);
            if (k.live) k.fairPremium = e.marketPrices(ids[i]).fairPremium;
            (int256 value, uint256 im) = positionCredit(k, e.position(account, ids[i]), e.marketTiers(ids[i]));
            equity += value;
            initialMargin += im;
        }
        withdrawable = withdrawableOf(collateral, equity, initialMargin, ids.length == 0);
    }

    /// @notice One position's value (PnL − funding owed) and initial margin as credited (see `creditMargin`); a live
    ///         market needs `k.fairPremium`.
    function positionCredit(Market memory k, Position memory pos, NotionalTier[] memory tiers)
        internal
        view
        returns (int256 value, uint256 initialMargin)
    {
        uint256 price;
        int256 index = k.index;
        if (k.live) {
            price = fairPrice(k.price, k.fairPremium);
            uint256 exit = fill(k, -int256(pos.size));
            if (pos.size > 0 ? exit < price : exit > price) price = exit;
        } else {
            price = fallbackPrice(k, pos.size < 0);
            index = fallbackIndex(k, price, pos.size > 0);
        }
        uint256 notional = Math.mulDiv(abs(pos.size), price, WAD, Math.Rounding.Ceil);
        value = mulDivFloor(pos.size, int256(price), WAD) - pos.openNotional
            - mulDivCeil(pos.size, index - pos.lastFundingIndex, WAD);
        initialMargin = Math.mulDiv(notional, WAD, tierFor(tiers, notional).maxLeverage, Math.Rounding.Ceil);
    }

    /// @notice max(0, min(collateral, equity − Σ IM)); a flat account's positive collateral.
    function withdrawableOf(int256 collateral, int256 equity, uint256 initialMargin, bool flat)
        internal
        pure
        returns (uint256)
    {
        if (collateral <= 0) return 0;
        if (flat) return uint256(collateral);
        int256 free = equity - int256(initialMargin);
        if (free <= 0) return 0;
        return uint256(free < collateral ? free : collateral);
    }

    /// @notice fair = oracle × (1 + fair premium), rounded down.
    function fairPrice(uint256 price, int256 fairPremium) internal pure returns (uint256) {
        return Math.mulDiv(price, uint256(int256(WAD) + fairPremium), WAD);
    }

    /// @notice The first tier whose notional cap holds `notional`, the last one above every cap.
    function tierFor(NotionalTier[] memory tiers, uint256 notional) internal pure returns (NotionalTier memory) {
        for (uint256 i; i < tiers.length; ++i) {
            if (notional <= tiers[i].upToNotional) return tiers[i];
        }
        return tiers[tiers.length - 1];
    }

    // ------------------------------------------------------------------ forced-close bound

    /// @notice The skew whose premium is the fair premium: trunc(P_f × K).
    function fairSkew(Market memory k, int256 fairPremium) internal pure returns (int256) {
        uint256 magnitude = Math.mulDiv(abs(fairPremium), k.skewScale, WAD);
        return fairPremium < 0 ? -int256(magnitude) : int256(magnitude);
    }

    /// @notice Whether closing `size` (> 0) of a forced close of `delta` at the live skew fills no worse for the
    ///         account than the bound: the fill the whole `delta` would get from the fair skew.
    function fitsBound(Market memory k, int256 fairPremium, int256 delta, uint256 size) internal pure returns (bool) {
        uint256 bound = fillAt(k, k.price, fairSkew(k, fairPremium), delta);
        uint256 live = fillAt(k, k.price, k.skew, delta > 0 ? int256(size) : -int256(size));
        return delta > 0 ? live <= bound : live >= bound;
    }

    /// @notice The forced close's fit: the whole |delta| when it fits, else 32 halvings of [0, |delta|] keeping the
    ///         larger half whenever its midpoint fits (stopping once the interval is 1 wei).
    function fitSize(Market memory k, int256 fairPremium, int256 delta) internal pure returns (uint256 lo) {
        uint256 hi = abs(delta);
        if (fitsBound(k, fairPremium, delta, hi)) return hi;
        for (uint256 i; i < FIT_STEPS && hi - lo > 1; ++i) {
            uint256 mid = lo + (hi - lo) / 2;
            if (fitsBound(k, fairPremium, delta, mid)) lo = mid;
            else hi = mid;
        }
    }

    /// @notice What a forced close of `delta` on a position of `size` closes: the fit, unless it is cut and the
    ///         position it leaves has initial margin (notional at the oracle, its tier) below `minMargin`: then all of
    ///         it (no dust).
    function forcedCloseSize(
        Market memory k,
        int256 fairPremium,
        int256 size,
        int256 delta,
        NotionalTier[] memory tiers,
        uint256 minMargin
    ) internal pure returns (int256) {
        uint256 fit = fitSize(k, fairPremium, delta);
        int256 fitted = delta > 0 ? int256(fit) : -int256(fit);
        if (fitted == delta) return fitted;
        uint256 notional = Math.mulDiv(abs(size + fitted), k.price, WAD, Math.Rounding.Ceil);
        uint256 im = Math.mulDiv(notional, WAD, tierFor(tiers, notional).maxLeverage, Math.Rounding.Ceil);
        return im < minMargin ? -size : fitted;
    }

    /// @notice The smallest size the forced-close fit tries: |delta| halved 32 times (at least 1). Nothing fits when
    ///         this does not.
    function smallestTrial(int256 delta) internal pure returns (uint256) {
        uint256 t = abs(delta) >> FIT_STEPS;
        return t == 0 ? 1 : t;
    }

    /// @notice The fit's resolution: after 32 halvings the largest size that fits is within ceil(|delta| / 2^32).
    function fitResolution(int256 delta) internal pure returns (uint256) {
        return Math.mulDiv(abs(delta), 1, 1 << FIT_STEPS, Math.Rounding.Ceil);
    }

    // ------------------------------------------------------------------ arithmetic

    function abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    /// @notice a × b / d rounded toward −∞.
    function mulDivFloor(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
        uint256 q = Math.mulDiv(abs(a), abs(b), d, negative ? Math.Rounding.Ceil : Math.Rounding.Floor);
        return negative ? -int256(q) : int256(q);
    }

    /// @notice a × b / d rounded toward +∞.
    function mulDivCeil(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
        uint256 q = Math.mulDiv(abs(a), abs(b), d, negative ? Math.Rounding.Floor : Math.Rounding.Ceil);
        return negative ? -int256(q) : int256(q);
    }
}

/// @notice Drives the whole protocol (collateral vault, engine, liquidity vault, insurance fund, liquidation engine)
///         for the stateful invariant suite `Protocol.invariant.t.sol`.
/// @dev Every action is bounded so that most calls succeed. The run uses `failOnRevert: true`, so an action that
///      reverts fails the run: every refusal an action expects is caught (try/catch or a low-level call) and judged
///      against the rules, and what an action checks is recorded in the `violation*` ghost counters, asserted (== 0)
///      by the invariant with the latest violation's tag and revert data. Successes are counted per action in `count`
///      (see `actions()`), so a run can be checked to have exercised every action. After every action (`_afterCall`)
///      the handler checks what must hold in any state: the liquidity vault's views answer, its fallback flag and
///      deposit limits, the fair premium's speed, a trader's skew-reducing trade wherever the funding breaker holds, a
///      skew-reducing trade by a fresh well-funded account in every market whose oracle answers, and an LP exit of the
///      whole `maxRedeem` (the last three on a state snapshot that is then reverted). Expected numbers come from
///      `PerpModel`, not from the contracts.
contract ProtocolHandler is TestBase {
    using PerpModel for PerpModel.Market;

    uint256 internal constant WAD = 1e18;
    uint256 internal constant USD_PER_UNIT = 1e12;

    /// @notice Trader accounts: the four owners' own addresses (sub-account 0), then owner 0's sub-accounts 1 and 2 and
    ///         owner 1's sub-account 1. A sub-account is acted on by its owner (trades, withdrawals, transfers).
    uint256 public constant TRADER_COUNT = 7;
    uint256 public constant OWNER_COUNT = 4;
    uint256 public constant MARKET_COUNT = 3;

    address public constant KEEPER = address(0x6EE9E2);
    address public constant PROVIDER = address(0x9999);
    /// @notice The account of the skew-reducing probe (`_checkSkewReducingOpen`). It trades only on a state snapshot,
    ///         funded on that snapshot, so outside of it it never holds collateral or a position: the ledger sums and
    ///         the market sums of the invariant never see it.
    address public constant PROBE = address(0x9E0BE);
    /// @dev The probe's deposit (USDC units) and the largest notional it trades (USD at the oracle): margin 1,000 USD
    ///      at 20x against a 1,000,000 USDC deposit, so margin, tier and position-count rules cannot refuse it.
    uint256 internal constant PROBE_DEPOSIT = 1_000_000e6;
    uint256 internal constant PROBE_NOTIONAL = 20_000e18;

    /// @dev What one valuation step may lose to rounding (funding index and exit-value roundings), wei.
    int256 internal constant ROUNDING_LOSS = 4;
    /// @dev What one valuation step may gain to rounding besides |size| / 1e18 wei (fills rounded against traders).
    int256 internal constant ROUNDING_GAIN = 8;
    /// @dev Oracle moves within ±3 % are the common case the open-interest-to-cash limit covers; larger ones are counted.
    uint256 internal constant SMALL_MOVE = 0.03e18;

    VmSnapshotDelete internal constant VM_SNAPSHOT = VmSnapshotDelete(address(vm));

    MockUSDC public immutable usdc;
    CollateralVault public immutable vault;
    IPerpEngine public immutable engine;
    PerpLens public immutable lens;
    LiquidityVault public immutable lpVault;
    InsuranceFund public immutable fund;
    LiquidationEngine public immutable liquidator;
    /// @notice The protocol's owner (the deploying test contract), pranked for admin actions.
    address public immutable owner;
    /// @notice Share of trading fees owed to the insurance fund.
    uint256 public immutable insuranceShare;

    address[TRADER_COUNT] public traders;
    /// @notice Each market's oracle adapter (an owner action may replace a dead one).
    MockOracleAdapter[MARKET_COUNT] public oracles;
    uint256[MARKET_COUNT] public initialPrices;

    /// @dev Rotations one ADL action may make past requests without a victim (a request per bankrupt trader and one
    ///      pnl-factor reduction at a time fill the queue in the common case).
    uint256 internal constant MAX_ROTATIONS = TRADER_COUNT + 1;

    /// @dev Per-market sizing constants read once: the smallest notional that passes the minimum position margin at
    ///      any tier, the lowest tier leverage (safe for any notional), the largest tier notional, the premium cap,
    ///      the listed caps and funding band, and the caps in force (an owner action moves them).
    uint256[MARKET_COUNT] internal _minNotional;
    uint256[MARKET_COUNT] internal _safeLeverage;
    uint256[MARKET_COUNT] internal _maxTierNotional;
    uint256[MARKET_COUNT] internal _maxPremium;
    uint256[MARKET_COUNT] internal _defaultMaxOpenInterest;
    uint256[MARKET_COUNT] internal _defaultMaxSkew;
    uint64[MARKET_COUNT] internal _defaultBand;
    uint256[MARKET_COUNT] internal _maxOpenInterest;
    uint256[MARKET_COUNT] internal _maxSkew;

    /// @dev The stored fair premium and its time at the last check, per market.
    int256[MARKET_COUNT] internal _lastFairPremium;
    uint256[MARKET_COUNT] internal _lastFairTime;

    // ------------------------------------------------------------------ ghosts: money flows (USDC units)

    /// @notice USDC each account deposited into / withdrew from its own collateral account.
    mapping(address account => uint256) public deposited;
    mapping(address account => uint256) public withdrawn;
    /// @notice USDC that entered / left the liquidity vault through ERC-4626 deposits and withdrawals.
    uint256 public lpAssetsIn;
    uint256 public lpAssetsOut;
    /// @notice USDC deposited straight into the insurance fund's account (its seed).
    uint256 public fundSeeded;
    /// @notice USDC paid to callers' wallets: liquidation keeper rewards and pnl-factor reduction rewards.
    uint256 public keeperRewardsPaid;

    // ------------------------------------------------------------------ ghosts: coverage

    /// @notice Successful calls per action (keys in `actions()` and the `*.xxx` sub-outcomes).
    mapping(bytes32 action => uint256) public count;
    uint256 public calls;
    uint256 public successes;

    // ------------------------------------------------------------------ ghosts: violations (must stay 0)

    // Liquidation.
    /// @notice A liquidation succeeded although maintenance margin at fair prices was ≥ 0 just before it.
    uint256 public violationLiquidatedHealthy;
    /// @notice A liquidation left the account with positions and did not raise its maintenance margin at fair prices
    ///         (the fee charged included).
    uint256 public violationLiquidationNoImprovement;
    /// @notice `liquidate` refused an account below maintenance margin for a reason other than the partial cooldown,
    ///         a failing oracle, or `LiquidationBeyondBound` while no close can fit its bound at the live skew.
    uint256 public violationLiquidatableRefused;
    /// @notice An account whose equity at fair was ≤ 0 had a position closed by less than its forced-close bound
    ///         allows (sliced instead of closed).
    uint256 public violationSlicedWhileBankrupt;
    /// @notice A forced close filled beyond its bound, closed more than asked, or less than the largest size that fits
    ///         (within the fit's resolution |delta| / 2^32).
    uint256 public violationForcedCloseBound;
    /// @notice `liquidate` returned a notional or keeper reward other than the closes' notional at their fills and
    ///         what the caller received.
    uint256 public violationLiquidationNotional;
    /// @notice The insurance fund topped up a keeper reward for a liquidation below minKeeperReward / feeRate.
    uint256 public violationFundTopUpBelowThreshold;
    /// @notice A liquidation cut by its bound paid a keeper reward above min(keeperShare × fee, maxKeeperReward).
    uint256 public violationKeeperFloorWhenCut;
    /// @notice Around a liquidation, the liquidity vault's net value plus the shortfall it is left with moved beyond
    ///         rounding.
    uint256 public violationLiquidationValue;

    // Traders.
    /// @notice A flat account's maxWithdraw was not floor(collateral / 1e12), or the view reverted.
    uint256 public violationFlatMaxWithdraw;
    /// @notice A flat account could not withdraw its maxWithdraw.
    uint256 public violationFlatWithdraw;
    /// @notice A reduce-only trade reverted while the market's oracle was valid (other than the dust rule, followed by
    ///         a full close that must pass, or a close that would leave a bankrupt account flat).
    uint256 public violationReduceRefused;
    /// @notice A partial close refused by the dust rule with numbers other than the remaining position's initial
    ///         margin at the oracle, the market's minimum and the full-close size.
    uint256 public violationDustRule;
    /// @notice A withdrawal of at most maxWithdraw reverted.
    uint256 public violationWithdrawWithinMax;
    /// @notice `maxWithdraw` of a trader reverted (it must not, even while an oracle fails).
    uint256 public violationWithdrawViewReverted;
    /// @notice A withdrawal left an account with positions below initial margin at the credit valuation.
    uint256 public violationWithdrawBelowMargin;
    /// @notice A transfer between sub-accounts within the source's `withdrawableUsd` was refused, one above it was not
    ///         refused with `InsufficientWithdrawable(amount, withdrawable)`, or it left a source with positions below
    ///         initial margin at the credit valuation.
    uint256 public violationSubAccountTransfer;
    /// @notice A trader ended flat with negative collateral by its own trade (outside the liquidation waterfall).
    uint256 public violationSelfClosedBankruptcy;
    /// @notice A liquidation of an already flat account added its debt to `totalShortfall` again.
    uint256 public violationShortfallRecounted;
    /// @notice A margin view (`accountMarginAtFair`, `maintenanceMargin`, `accountMargin`) reverted; each falls back
    ///         on a failing oracle instead.
    uint256 public violationTriggerViewReverted;

    // Trades, caps and breakers.
    /// @notice A trade filled at a price other than the exact integral of the clamped premium.
    uint256 public violationFillModel;
    /// @notice A trade's fee (the fund's share, read from the pending fees) differed from the maker/taker model.
    uint256 public violationFeeModel;
    /// @notice A trade moved the liquidity vault's net value by other than the fee it keeps, beyond rounding in its
    ///         favour (at a constant oracle and time trades never move the vault's exit value).
    uint256 public violationTradeValue;
    /// @notice A cap or breaker refused a trade that did not increase what it caps, or reported other numbers.
    uint256 public violationCapRefusal;
    /// @notice A trade reducing |skew| within the trader's margin and the open-interest room was refused for a reason
    ///         other than margin, the oracle-move breaker or the dust rule; or the probe's skew-reducing trade (after
    ///         every action, every market whose oracle answers) was refused other than by a cap on the side it grows
    ///         or the oracle-move breaker while it holds (`_checkSkewReducingOpen`).
    uint256 public violationSkewReducingRefused;
    /// @notice The stored fair premium moved faster than 0.1 % per hour, or beyond ±maxPremium.
    uint256 public violationFairDrift;
    /// @notice An owner action the validator allows (caps, funding band, replacing a dead oracle) reverted.
    uint256 public violationAdminRefused;

    // Liquidity vault.
    /// @notice A liquidity-vault view reverted (totalAssets, max*, convertTo*, previewRedeem, availableLiquidity,
    ///         netValueUsd, valuationFallback).
    uint256 public violationLpViewReverted;
    /// @notice `valuationFallback()` disagreed with the oracles, or deposits stayed open while a fallback was used.
    uint256 public violationLpFallback;
    /// @notice An ERC-4626 deposit/withdraw/redeem within its max* view reverted or paid other than its preview.
    uint256 public violationLpWithinMax;
    /// @notice Redeeming the whole maxRedeem (tried after every action on a snapshot) reverted or paid other than
    ///         previewRedeem.
    uint256 public violationLpExit;

    // Auto-deleveraging and the pnl factor.
    /// @notice ADL reduced a candidate whose rank was below another candidate's.
    uint256 public violationAdlOrder;
    /// @notice ADL closed a victim at a realised loss (its profit turned into a loss).
    uint256 public violationAdlVictimLoss;
    /// @notice ADL covered more than the request's remaining shortfall, or the shortfall, the bankrupt account and
    ///         the request did not move by exactly what was covered (or the request stayed open once covered).
    uint256 public violationAdlAccounting;
    /// @notice An ADL step moved the liquidity vault's value by other than what the close saved against the victim's
    ///         exit price (or its value net of the shortfall fell beyond rounding).
    uint256 public violationAdlValue;
    /// @notice A pending request with a victim that can cover (or a reduction that can act) made no progress after
    ///         its candidates were submitted and the window passed.
    uint256 public violationAdlNoProgress;
    /// @notice `rotateAdl` was refused after the stuck window while no candidate could cover.
    uint256 public violationAdlRotateRefused;
    /// @notice `writeOffAdl` reverted or did not move exactly the remaining shortfall (vault value unchanged).
    uint256 public violationAdlWriteOff;
    /// @notice `requestPnlReduction` accepted a request within the limit or refused one beyond it (or reported other
    ///         numbers).
    uint256 public violationPnlRequest;
    /// @notice `pnlFactor()` differed from the model (traders' profit against the vault's exit value, its cash).
    uint256 public violationPnlFactorView;
    /// @notice A pnl-factor step closed a position while the factor was within its limit, resolved while beyond it, or
    ///         moved the vault's value by other than the fee it keeps minus the caller's reward.
    uint256 public violationPnlReduction;

    /// @notice Revert data of the latest unexpected revert and the latest violation's tag (for debugging a failed run).
    bytes public lastUnexpectedRevert;
    bytes32 public lastViolation;
    /// @notice The latest value drift outside its bounds (trade, liquidation or ADL step), wei.
    int256 public lastValueDrift;

    // ------------------------------------------------------------------ ghosts: informational

    /// @notice Liquidations refused with `LiquidationBeyondBound` while the live skew was beyond every close's bound.
    uint256 public refusedBeyondBound;
    /// @notice USD of shortfall ADL repaid over the run.
    uint256 public adlCovered;
    /// @notice The largest amount one ADL step left with the liquidity vault beyond the shortfall it covered (the close
    ///         size is found with the whole position's exit price, so a partial close saves a little more).
    int256 public adlExcessMax;
    /// @notice Oracle moves beyond ±3 % (large moves and targeted squeezes), which the open-interest-to-cash limit does not cover
    ///         in full.
    uint256 public largeMoves;
    /// @notice Withdrawals within their view refused with `InsufficientVaultBalance` while the liquidity vault's
    ///         balance was below the collateral vault's total debt: the counterparty paid out more profit than it
    ///         held in cash. Allowed (see docs/DESIGN.md); `refusedCounterpartyShortWithoutLargeMove` counts those
    ///         that came before any large move. A refusal while the vault's balance covers the total debt is a
    ///         violation (`violationWithdrawWithinMax`, `violationFlatWithdraw`).
    uint256 public refusedCounterpartyShort;
    uint256 public refusedCounterpartyShortWithoutLargeMove;

    /// @dev Whether a pnl-factor reduction is queued (set by an accepted request, cleared when a step resolves it).
    bool internal _reductionOpen;

    /// @dev Accounts whose flat negative collateral a liquidation recorded as ADL shortfall.
    mapping(address account => bool) internal _recordedDebt;

    constructor(
        MockUSDC usdc_,
        CollateralVault vault_,
        IPerpEngine engine_,
        LiquidityVault lpVault_,
        InsuranceFund fund_,
        LiquidationEngine liquidator_,
        MockOracleAdapter[MARKET_COUNT] memory oracles_
    ) {
        owner = msg.sender;
        usdc = usdc_;
        vault = vault_;
        engine = engine_;
        lens = new PerpLens(engine_);
        lpVault = lpVault_;
        fund = fund_;
        liquidator = liquidator_;
        (, insuranceShare) = engine_.insuranceFeeShare();
        for (uint256 m; m < MARKET_COUNT; ++m) {
            oracles[m] = oracles_[m];
            initialPrices[m] = oracles_[m].currentPrice();
            MarketParams memory p = engine_.marketParams(m);
            NotionalTier[] memory tiers = engine_.marketTiers(m);
            _safeLeverage[m] = tiers[tiers.length - 1].maxLeverage;
            _maxTierNotional[m] = tiers[tiers.length - 1].upToNotional;
            // IM = notional / leverage ≥ minPositionMargin at the highest leverage, with 1 % to spare.
            _minNotional[m] = (uint256(p.minPositionMargin) * tiers[0].maxLeverage / WAD) * 101 / 100 + 1;
            _maxPremium[m] = p.maxPremium;
            (_defaultMaxOpenInterest[m], _maxOpenInterest[m]) = (p.maxOpenInterest, p.maxOpenInterest);
            (_defaultMaxSkew[m], _maxSkew[m]) = (p.maxSkew, p.maxSkew);
            _defaultBand[m] = engine_.circuitBreakerParams(m).maxFundingRate;
            MarketState memory s = engine_.marketState(m);
            (_lastFairPremium[m], _lastFairTime[m]) = (s.fairPremium, s.lastUpdateTime);
        }
        address[OWNER_COUNT] memory owners_ = [address(0x7001), address(0x7002), address(0x7003), address(0x7004)];
        for (uint256 i; i < OWNER_COUNT; ++i) {
            traders[i] = owners_[i];
            vm.prank(owners_[i]);
            usdc.approve(address(vault_), type(uint256).max);
        }
        vm.startPrank(owners_[0]);
        (, traders[4]) = vault_.createSubAccount();
        (, traders[5]) = vault_.createSubAccount();
        vm.stopPrank();
        vm.prank(owners_[1]);
        (, traders[6]) = vault_.createSubAccount();
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

    /// @dev Every action: count the call, run it, then the checks that must hold in any state.
    modifier action() {
        calls++;
        _;
        _afterCall();
    }

    // ================================================================== actions: traders

    /// @notice Deposit 1 unit .. 100,000 USDC for a trader (repays debt first if its collateral is negative). A flat
    ///         account with bad debt deposits only one time in sixteen, so that most shortfalls go to ADL victims.
    function deposit(uint256 actorSeed, uint256 amount) external action {
        address a = _trader(actorSeed);
        if (vault.collateralOf(a) < 0 && engine.accountMarkets(a).length == 0 && amount % 16 != 0) return;
        _deposit(a, bound(amount, 1, 100_000e6));
        _ok("deposit");
    }

    /// @notice Withdraw up to maxWithdraw (also while an oracle fails: the credit valuation falls back); a
    ///         withdrawal within it must succeed and leave the account at or above initial margin.
    function withdraw(uint256 actorSeed, uint256 amount) external action {
        _withdrawSome(_trader(actorSeed), amount);
    }

    /// @notice Open, increase or flip a position, sized within the account's free margin at the safest tier and
    ///         within the open-interest and skew caps and 99 % of the open-interest-to-cash limit. Breakers and margin
    ///         may still refuse it; every cap refusal is checked to be one the rules allow.
    function openPosition(uint256 actorSeed, uint256 marketSeed, uint256 sizeSeed, bool isLong) external action {
        address a = _trader(actorSeed);
        uint256 m = marketSeed % MARKET_COUNT;
        if (!_live(m)) return;
        uint256 free = _freeMargin(a);
        if (free == 0) return;
        uint256 price = oracles[m].currentPrice();
        uint256 hiNotional = (free * _safeLeverage[m] / WAD) * 9 / 10;
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
        (bool ok, bytes memory err) = _trade(a, m, delta, false);
        if (ok) {
            if (reducing) {
                _ok("reduce");
                _afterReduce(a);
            } else {
                _ok(current != 0 && (current > 0) != isLong ? bytes32("open.flip") : bytes32("open"));
            }
        } else if (reducing) {
            _reduceRefused(a, m, current, delta, err);
        } else {
            _noteOpenRevert(err);
        }
    }

    /// @notice Reduce an existing position by 1–99 % or close it (`closePosition`). Must succeed while its oracle is
    ///         valid (a partial close refused by the dust rule is followed by the full close, which must pass); a
    ///         close that leaves the account flat is followed, one time in four, by a withdrawal of everything in the
    ///         same block (a trader's profit is withdrawable at once).
    function reducePosition(uint256 actorSeed, uint256 marketSeed, uint256 percentSeed) external action {
        (address a, uint256 m, int256 size) = _findPosition(actorSeed, marketSeed);
        if (size == 0) return;
        uint256 percent = percentSeed % 4 == 0 ? 100 : bound(percentSeed, 1, 99);
        int256 delta = -(size * int256(percent)) / 100;
        bool closing = percent == 100 || delta == 0;
        if (closing) delta = -size;
        (bool ok, bytes memory err) = _trade(a, m, delta, closing);
        if (!ok) return _reduceRefused(a, m, size, delta, err);
        _ok(closing ? bytes32("close") : bytes32("reduce"));
        _afterReduce(a);
        if (closing && percentSeed % 16 < 4 && engine.accountMarkets(a).length == 0) _withdrawAllIfFlat(a);
    }

    /// @notice A flat account (no position) withdraws everything: maxWithdraw must be floor(collateral / 1e12) and
    ///         the withdrawal must succeed, whatever the oracles do.
    function withdrawAllWhenFlat(uint256 actorSeed) external action {
        _withdrawFirstFlat(actorSeed);
    }

    /// @notice An owner moves collateral between two of its sub-accounts (owner 0: its address and sub-accounts 1
    ///         and 2; owner 1: its address and sub-account 1). Within the source's `withdrawableUsd` (which must
    ///         answer) the transfer must pass and leave a source with positions at or above initial margin at the
    ///         credit valuation (the model's); one time in four (or when nothing is free) it asks for more, which must
    ///         be refused with exactly `InsufficientWithdrawable(amount, withdrawable)`.
    function transferBetweenSubAccounts(uint256 ownerSeed, uint256 pairSeed, uint256 amountSeed) external action {
        address[] memory group = _subAccountsOf(ownerSeed % 2);
        uint256 n = group.length;
        uint256 i = pairSeed % n;
        address from = group[i];
        address to = group[(i + 1 + (pairSeed / n) % (n - 1)) % n];
        uint256 max;
        try vault.withdrawableUsd(from) returns (uint256 x) {
            max = x;
        } catch (bytes memory err) {
            _flag(violationWithdrawViewReverted++, "withdrawableUsd reverted");
            lastUnexpectedRevert = err;
            return;
        }
        bool above = max == 0 || amountSeed % 4 == 0;
        uint256 amount = above ? max + 1 + (amountSeed >> 2) % 1e18 : bound(amountSeed >> 2, 1, max);
        bool withPositions = engine.accountMarkets(from).length != 0;
        vm.prank(_holder(from));
        try vault.transferBetweenSubAccounts(from, to, amount) {
            if (above) {
                _flag(violationSubAccountTransfer++, "transfer above free passed");
                return;
            }
            _ok("transfer");
            if (withPositions) {
                _note("transfer.withPositions");
                (int256 equity, uint256 im,) = PerpModel.creditMargin(engine, vault, from);
                if (equity < int256(im)) _flag(violationSubAccountTransfer++, "transfer below IM");
            }
        } catch (bytes memory err) {
            bytes memory expected =
                abi.encodeWithSelector(ICollateralVault.InsufficientWithdrawable.selector, amount, max);
            if (above && keccak256(err) == keccak256(expected)) {
                _note("transfer.refused");
                return;
            }
            _flag(violationSubAccountTransfer++, "transfer refused wrongly");
            lastUnexpectedRevert = err;
        }
    }

    /// @dev Owner `k`'s accounts among the traders: its own address first, then its sub-accounts.
    function _subAccountsOf(uint256 k) private view returns (address[] memory group) {
        if (k == 0) {
            group = new address[](3);
            (group[0], group[1], group[2]) = (traders[0], traders[4], traders[5]);
        } else {
            group = new address[](2);
            (group[0], group[1]) = (traders[1], traders[6]);
        }
    }

    /// @notice Push and hold a skew: a trader opens a large position toward the market's cap (topping its collateral
    ///         up to carry it), time passes in 1–6 steps of 5–30 minutes while it is held (at each step the keeper
    ///         liquidates an account below maintenance, and the breaker, view and exit checks run), then the trader
    ///         closes. The fair premium, and so the liquidation trigger, may move only 0.1 % per hour of the hold.
    function pushAndHold(uint256 actorSeed, uint256 marketSeed, uint256 sizeSeed, uint256 holdSeed)
        external
        action
    {
        uint256 m = marketSeed % MARKET_COUNT;
        if (!_live(m)) return;
        address a = _trader(actorSeed);
        int256 skew = engine.marketState(m).skew;
        int256 delta = _pushSize(a, m, skew != 0 ? skew > 0 : sizeSeed % 2 == 0, sizeSeed);
        if (delta == 0) return;
        (bool ok, bytes memory err) = _trade(a, m, delta, false);
        if (!ok) return _noteOpenRevert(err);
        _ok("push");
        uint256 steps = 1 + holdSeed % 6;
        for (uint256 i; i < steps; ++i) {
            vm.warp(block.timestamp + bound(holdSeed >> (8 * (i + 1)), 5 minutes, 30 minutes));
            _holdStep(holdSeed >> i);
        }
        int256 held = engine.position(a, m).size;
        if (held == 0) return _note("push.liquidatedDuringHold");
        (ok, err) = _trade(a, m, -held, true);
        if (!ok) return _reduceRefused(a, m, held, -held, err);
        _note("push.closed");
        _afterReduce(a);
    }

    /// @dev The push: half to all of what the market can still take on that side (caps and open-interest-to-cash
    ///      limit; one time in four up to 1.5 times that limit's room), the
    ///      resulting position within 90 % of the largest tier; the trader's collateral is topped up to carry it at
    ///      the safest leverage with 20 % to spare. 0 when the market has no room.
    function _pushSize(address a, uint256 m, bool isLong, uint256 sizeSeed) private returns (int256) {
        uint256 price = oracles[m].currentPrice();
        int256 current = engine.position(a, m).size;
        uint256 hiSize = _capacity(m, isLong);
        // One push in four goes past the open-interest-to-cash limit (up to 1.5 times its room), which must refuse it.
        if (sizeSeed % 4 == 1) hiSize = _beyondCashCapacity(m, isLong, hiSize);
        uint256 tierRoom = _maxTierNotional[m] * 9 / 10 * WAD / price;
        uint256 sameSide = current != 0 && (current > 0) == isLong ? _abs(current) : 0;
        tierRoom = tierRoom > sameSide ? tierRoom - sameSide : 0;
        if (hiSize > tierRoom) hiSize = tierRoom;
        uint256 loSize = _minNotional[m] * WAD / price + 1;
        if (hiSize < loSize) return 0;
        uint256 size = bound(sizeSeed, hiSize / 2 > loSize ? hiSize / 2 : loSize, hiSize);
        uint256 needed = (size + sameSide) * price / _safeLeverage[m] * 12 / 10;
        uint256 free = _freeMargin(a);
        if (needed > free) _deposit(a, (needed - free) / USD_PER_UNIT + 1);
        return isLong ? int256(size) : -int256(size);
    }

    /// @notice A trade that reduces |skew| of a market (at most |skew|, within a trader's free margin and the room of
    ///         the side it grows under its cap and 99 % of the open-interest-to-cash limit): never refused by maxSkew or
    ///         the funding breaker, which refuse only trades that increase |skew| (a cash-limit refusal of the side it
    ///         grows is allowed only with the rule's numbers).
    function rebalance(uint256 marketSeed, uint256 actorSeed, uint256 sizeSeed) external action {
        for (uint256 j; j < MARKET_COUNT; ++j) {
            uint256 m = (marketSeed % MARKET_COUNT + j) % MARKET_COUNT;
            if (_live(m) && engine.marketState(m).skew != 0) return _rebalance(m, actorSeed, sizeSeed, false);
        }
    }

    // ================================================================== actions: market and time

    /// @notice Move one oracle: fifteen in sixteen moves within ±3 % (what the cash limit covers), one in
    ///         sixteen within 0.7x–1.4x; kept within 0.1x–24x of the initial price.
    function movePrice(uint256 marketSeed, uint256 factorSeed) external action {
        uint256 m = marketSeed % MARKET_COUNT;
        uint256 factor = factorSeed % 16 == 0 ? bound(factorSeed, 0.7e18, 1.4e18) : bound(factorSeed, 0.97e18, 1.03e18);
        uint256 p = oracles[m].currentPrice() * factor / WAD;
        uint256 lo = initialPrices[m] / 10;
        uint256 hi = initialPrices[m] * 24;
        if (p < lo) p = lo;
        if (p > hi) p = hi;
        _setPrice(m, p);
        _ok("movePrice");
    }

    /// @notice A targeted oracle move: put the oracle of a market where some trader holds a position 0–2 % beyond
    ///         that position's liquidation price (`PerpLens.liquidationPrice`), so accounts become liquidatable without
    ///         being bankrupt yet and partial liquidations happen; one time in four 2–25 % beyond it (a gap through the
    ///         bankruptcy price: bad debt for the fund and ADL). Kept within 0.1x–24x of the initial price.
    function squeezePrice(uint256 actorSeed, uint256 marketSeed, uint256 overshootSeed) external action {
        (address a, uint256 m, int256 size) = _findPosition(actorSeed, marketSeed);
        if (size == 0 || !_live(m)) return;
        uint256 liquidationPrice;
        try lens.liquidationPrice(a, m) returns (uint256 x) {
            liquidationPrice = x;
        } catch {
            return;
        }
        if (liquidationPrice == 0) return;
        uint256 overshoot =
            overshootSeed % 4 == 0 ? bound(overshootSeed >> 2, 0.02e18, 0.25e18) : bound(overshootSeed >> 2, 0, 0.02e18);
        uint256 p = liquidationPrice * (size > 0 ? WAD - overshoot : WAD + overshoot) / WAD;
        if (p < initialPrices[m] / 10 || p > initialPrices[m] * 24) return;
        _setPrice(m, p);
        _ok("squeeze");
    }

    /// @notice Let time pass: one in eight warps up to 30 days, the others up to 2 hours.
    function warp(uint256 secondsSeed) external action {
        uint256 dt = secondsSeed % 8 == 0 ? bound(secondsSeed, 1, 30 days) : bound(secondsSeed, 1, 2 hours);
        vm.warp(block.timestamp + dt);
        _ok("warp");
    }

    /// @notice Toggle oracle failure. If an oracle fails, each failing one recovers (one time in three the owner
    ///         replaces the dead adapter instead, which must work). Otherwise one starts failing and, while it does, a
    ///         flat account withdraws everything, a trader with positions withdraws within maxWithdraw and the
    ///         liquidity provider redeems within maxRedeem (valued at the worst case).
    function toggleOracleFailure(uint256 marketSeed, uint256 actorSeed) external action {
        if (anyOracleFailing()) {
            for (uint256 m; m < MARKET_COUNT; ++m) {
                if (!oracles[m].failing()) continue;
                if ((actorSeed >> m) % 3 == 0) _replaceOracle(m);
                else oracles[m].setFailing(false);
            }
            _ok("oracle.recover");
            return;
        }
        oracles[marketSeed % MARKET_COUNT].setFailing(true);
        _ok("oracle.fail");
        _withdrawFirstFlat(actorSeed);
        for (uint256 i; i < TRADER_COUNT; ++i) {
            address a = traders[(actorSeed % TRADER_COUNT + i) % TRADER_COUNT];
            if (engine.accountMarkets(a).length != 0) {
                _withdrawSome(a, actorSeed >> 8);
                break;
            }
        }
        _lpExit(actorSeed >> 16, true);
    }

    /// @notice The owner tightens a market's caps (maxSkew, and one time in two maxOpenInterest, to 0.5–100 % of the
    ///         listed values, or maxSkew to 30–95 % of the live |skew|, the funding band to the rate at the new maxSkew: the least the validator allows), possibly
    ///         below the live skew and open interest, or (one time in three) restores the listed caps. Both must pass,
    ///         also while the market's oracle fails. Tight caps make the funding breaker hold.
    function setCaps(uint256 marketSeed, uint256 fractionSeed) external action {
        uint256 m = marketSeed % MARKET_COUNT;
        MarketParams memory p = engine.marketParams(m);
        BreakerParams memory b = engine.circuitBreakerParams(m);
        if (fractionSeed % 3 == 0) {
            // Restore: the band first, so that it covers the listed maxSkew when the parameters are checked.
            b.maxFundingRate = _defaultBand[m];
            (p.maxSkew, p.maxOpenInterest) = (uint128(_defaultMaxSkew[m]), uint128(_defaultMaxOpenInterest[m]));
            if (_setBreaker(m, b) && _setParams(m, p)) _note("caps.restored");
        } else {
            uint256 fraction = bound(fractionSeed >> 2, 0.005e18, 1e18);
            uint256 maxSkew = _defaultMaxSkew[m] * fraction / WAD;
            // One time in two just below the live |skew| (30–95 % of it): the market is then over its cap.
            uint256 live = _abs(engine.marketState(m).skew);
            if (fractionSeed % 4 < 2 && live != 0) maxSkew = live * bound(fractionSeed >> 4, 0.3e18, 0.95e18) / WAD;
            p.maxSkew = uint128(maxSkew == 0 ? 1 : maxSkew);
            uint256 oi = fractionSeed % 2 == 0 ? _defaultMaxOpenInterest[m] * fraction / WAD : _defaultMaxOpenInterest[m];
            p.maxOpenInterest = uint128(oi < p.maxSkew ? p.maxSkew : oi);
            uint256 band = _rateAtMaxSkew(m, p.maxSkew);
            if (band == 0) band = 1;
            // The band must cover the rate at maxSkew whenever either is checked: widen it first, narrow it last.
            bool widen = band > b.maxFundingRate;
            b.maxFundingRate = uint64(band);
            if (widen ? !(_setBreaker(m, b) && _setParams(m, p)) : !(_setParams(m, p) && _setBreaker(m, b))) return;
            _ok("caps");
        }
        (_maxSkew[m], _maxOpenInterest[m]) = (p.maxSkew, p.maxOpenInterest);
        if (!_live(m)) _note("caps.oracleDown");
    }

    // ================================================================== actions: liquidation, ADL, pnl factor

    /// @notice Any actor (a trader or the keeper) liquidates a trader, preferring one below maintenance margin with
    ///         positions (any trader one time in four).
    function liquidate(uint256 callerSeed, uint256 targetSeed) external action {
        address caller = callerSeed % 5 == 4 ? KEEPER : _holder(traders[callerSeed % TRADER_COUNT]);
        _liquidate(caller, _pickLiquidationTarget(callerSeed % 4 == 0, targetSeed));
    }

    /// @notice Work the head of the ADL queue (a shortfall or a pnl-factor reduction): every trader is submitted as a
    ///         candidate, time moves past the ranking window, and `executeAdl` runs until it makes progress. When a
    ///         victim that can cover exists, progress is required; when none exists, the owner writes the shortfall
    ///         off (one time in four) or the head is rotated after the stuck window (required to pass) and the next
    ///         request is worked the same way (up to `MAX_ROTATIONS` rotations, until the queue comes round): a
    ///         request with a victim behind stuck ones must make progress in the same action.
    function adl(uint256 seed) external action {
        _workAdl(seed, type(uint256).max, MAX_ROTATIONS);
    }

    /// @notice The pnl-factor reduction: the owner sometimes sets maxPnlFactor (10–100 %), anyone requests a reduction
    ///         (accepted exactly when traders' profit exceeds the limit, no reduction is pending and some market's
    ///         counterparty PnL is negative; it targets the most negative one, victims on its skew's side), and the
    ///         queue's head is worked as in `adl`.
    function pnlReduction(uint256, uint256 factorSeed) external action {
        if (factorSeed % 4 == 0) {
            vm.prank(owner);
            liquidator.setMaxPnlFactor(bound(factorSeed >> 2, 0.1e18, 1e18));
            _note("pnl.factorSet");
        }
        (uint256 profit, uint256 cash) = liquidator.pnlFactor();
        (uint256 modelProfit, uint256 modelCash) = _pnlFactorModel();
        if (profit != modelProfit || cash != modelCash) _flag(violationPnlFactorView++, "pnlFactor view");
        uint256 limit = cash * liquidator.maxPnlFactor() / WAD;
        (bool found, uint256 m) = _mostNegativeMarket();
        VM_SNAPSHOT.recordLogs();
        try liquidator.requestPnlReduction() returns (uint256 id) {
            _ok("pnl.request");
            if (profit <= limit || !found || _reductionOpen) _flag(violationPnlRequest++, "pnl request accepted");
            _reductionOpen = true;
            _checkReductionRequest(id, m, profit, cash);
        } catch (bytes memory err) {
            VM_SNAPSHOT.getRecordedLogs();
            _pnlRequestRefused(err, profit, limit, found, _reductionOpen);
        }
        _workAdl(factorSeed >> 8, type(uint256).max, MAX_ROTATIONS);
    }

    // ================================================================== actions: liquidity and fund

    /// @notice The liquidity provider deposits up to maxDeposit (at most 500,000 USDC); within it must succeed.
    ///         maxDeposit is 0 while a market is valued at its fallback.
    function lpDeposit(uint256 amount) external action {
        uint256 max;
        try lpVault.maxDeposit(PROVIDER) returns (uint256 x) {
            max = x;
        } catch (bytes memory err) {
            // ERC-4626: max* never reverts.
            _flag(violationLpViewReverted++, "maxDeposit reverted");
            lastUnexpectedRevert = err;
            return;
        }
        if (max == 0) return _note("lpDeposit.closed");
        amount = bound(amount, 1, max < 500_000e6 ? max : 500_000e6);
        uint256 expected = lpVault.previewDeposit(amount);
        usdc.mint(PROVIDER, amount);
        vm.prank(PROVIDER);
        try lpVault.deposit(amount, PROVIDER) returns (uint256 shares) {
            lpAssetsIn += amount;
            _ok("lpDeposit");
            if (shares != expected) _flag(violationLpWithinMax++, "lp deposit != preview");
        } catch (bytes memory err) {
            _flag(violationLpWithinMax++, "lp deposit refused");
            lastUnexpectedRevert = err;
        }
    }

    /// @notice The liquidity provider withdraws (or redeems) within maxWithdraw (maxRedeem), also while an oracle
    ///         fails; within it must succeed and pay its preview.
    function lpWithdraw(uint256 amount, bool redeem) external action {
        _lpExit(amount, redeem);
    }

    /// @notice Anyone moves the fund's accrued share of trading fees.
    function sweepInsuranceFees() external action {
        if (engine.sweepInsuranceFees() != 0) _ok("sweep");
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

    /// @notice Owner `i` (the address of trader account `i`, i < OWNER_COUNT).
    function ownerAt(uint256 i) external view returns (address) {
        return traders[i];
    }

    function oracle(uint256 m) external view returns (MockOracleAdapter) {
        return oracles[m];
    }

    /// @notice The action names counted in `count`, for coverage checks.
    function actions() external pure returns (bytes32[] memory list) {
        list = new bytes32[](25);
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
        list[13] = "oracle.recover";
        list[14] = "withdrawFlat";
        list[15] = "squeeze";
        list[16] = "adl";
        list[17] = "push";
        list[18] = "rebalance";
        list[19] = "caps";
        list[20] = "pnl.request";
        list[21] = "adl.rotate";
        list[22] = "adl.writeOff";
        list[23] = "oracle.replaced";
        list[24] = "transfer";
    }

    /// @notice Every `violation*` counter with its name, for the invariant (one call instead of one per counter).
    function violationReport() external view returns (bytes32[] memory names, uint256[] memory counts) {
        names = new bytes32[](41);
        counts = new uint256[](41);
        (names[0], counts[0]) = ("LiquidatedHealthy", violationLiquidatedHealthy);
        (names[1], counts[1]) = ("LiquidationNoImprovement", violationLiquidationNoImprovement);
        (names[2], counts[2]) = ("LiquidatableRefused", violationLiquidatableRefused);
        (names[3], counts[3]) = ("SlicedWhileBankrupt", violationSlicedWhileBankrupt);
        (names[4], counts[4]) = ("ForcedCloseBound", violationForcedCloseBound);
        (names[5], counts[5]) = ("LiquidationNotional", violationLiquidationNotional);
        (names[6], counts[6]) = ("FundTopUpBelowThreshold", violationFundTopUpBelowThreshold);
        (names[7], counts[7]) = ("KeeperFloorWhenCut", violationKeeperFloorWhenCut);
        (names[8], counts[8]) = ("LiquidationValue", violationLiquidationValue);
        (names[9], counts[9]) = ("FlatMaxWithdraw", violationFlatMaxWithdraw);
        (names[10], counts[10]) = ("FlatWithdraw", violationFlatWithdraw);
        (names[11], counts[11]) = ("ReduceRefused", violationReduceRefused);
        (names[12], counts[12]) = ("DustRule", violationDustRule);
        (names[13], counts[13]) = ("WithdrawWithinMax", violationWithdrawWithinMax);
        (names[14], counts[14]) = ("WithdrawViewReverted", violationWithdrawViewReverted);
        (names[15], counts[15]) = ("WithdrawBelowMargin", violationWithdrawBelowMargin);
        (names[16], counts[16]) = ("SelfClosedBankruptcy", violationSelfClosedBankruptcy);
        (names[17], counts[17]) = ("ShortfallRecounted", violationShortfallRecounted);
        (names[18], counts[18]) = ("FillModel", violationFillModel);
        (names[19], counts[19]) = ("FeeModel", violationFeeModel);
        (names[20], counts[20]) = ("TradeValue", violationTradeValue);
        (names[21], counts[21]) = ("CapRefusal", violationCapRefusal);
        (names[22], counts[22]) = ("SkewReducingRefused", violationSkewReducingRefused);
        (names[23], counts[23]) = ("FairDrift", violationFairDrift);
        (names[24], counts[24]) = ("AdminRefused", violationAdminRefused);
        (names[25], counts[25]) = ("LpViewReverted", violationLpViewReverted);
        (names[26], counts[26]) = ("LpFallback", violationLpFallback);
        (names[27], counts[27]) = ("LpWithinMax", violationLpWithinMax);
        (names[28], counts[28]) = ("LpExit", violationLpExit);
        (names[29], counts[29]) = ("AdlOrder", violationAdlOrder);
        (names[30], counts[30]) = ("AdlVictimLoss", violationAdlVictimLoss);
        (names[31], counts[31]) = ("AdlAccounting", violationAdlAccounting);
        (names[32], counts[32]) = ("AdlValue", violationAdlValue);
        (names[33], counts[33]) = ("AdlNoProgress", violationAdlNoProgress);
        (names[34], counts[34]) = ("AdlRotateRefused", violationAdlRotateRefused);
        (names[35], counts[35]) = ("AdlWriteOff", violationAdlWriteOff);
        (names[36], counts[36]) = ("PnlRequest", violationPnlRequest);
        (names[37], counts[37]) = ("PnlFactorView", violationPnlFactorView);
        (names[38], counts[38]) = ("PnlReduction", violationPnlReduction);
        (names[39], counts[39]) = ("TriggerViewReverted", violationTriggerViewReverted);
        (names[40], counts[40]) = ("SubAccountTransfer", violationSubAccountTransfer);
    }

    // ================================================================== checks after every action

    function _afterCall() private {
        (uint256 redeemable, uint256 preview) = _checkLpViews();
        _checkFairDrift();
        _checkFundingBreakerRebalance();
        _checkSkewReducingOpen();
        _checkLpExit(redeemable, preview);
    }

    /// @dev Every liquidity-vault view answers (ERC-4626: max* and convertTo* never revert); `valuationFallback()` is
    ///      true exactly when a market with something to value has a failing oracle; deposits are closed then and
    ///      while a shortfall is unresolved (`unresolvedShortfallUsd() != 0`).
    ///      Returns the provider's maxRedeem and its previewRedeem (0 when a view reverted).
    function _checkLpViews() private returns (uint256 redeemable, uint256 preview) {
        bool fallbackExpected;
        for (uint256 m; m < MARKET_COUNT; ++m) {
            MarketState memory s = engine.marketState(m);
            bool holds = s.skew != 0 || s.sumOpenNotional != 0 || s.sumFundingBasis != 0;
            if (holds && oracles[m].failing()) fallbackExpected = true;
        }
        uint256 reverted;
        bool shortfall = liquidator.totalShortfall() != 0;
        try lpVault.totalAssets() returns (uint256) {} catch { reverted++; }
        try lpVault.maxDeposit(PROVIDER) returns (uint256 x) {
            if (fallbackExpected && x != 0) _flag(violationLpFallback++, "maxDeposit open on a fallback");
            if (shortfall && x != 0) _flag(violationLpFallback++, "maxDeposit open with a shortfall");
        } catch {
            reverted++;
        }
        try lpVault.maxMint(PROVIDER) returns (uint256 x) {
            if (fallbackExpected && x != 0) _flag(violationLpFallback++, "maxMint open on a fallback");
            if (shortfall && x != 0) _flag(violationLpFallback++, "maxMint open with a shortfall");
        } catch {
            reverted++;
        }
        try lpVault.maxWithdraw(PROVIDER) returns (uint256) {} catch { reverted++; }
        try lpVault.maxRedeem(PROVIDER) returns (uint256 x) {
            redeemable = x;
        } catch {
            reverted++;
        }
        try lpVault.convertToShares(1_000e6) returns (uint256) {} catch { reverted++; }
        try lpVault.convertToAssets(redeemable) returns (uint256) {} catch { reverted++; }
        try lpVault.previewRedeem(redeemable) returns (uint256 x) {
            preview = x;
        } catch {
            reverted++;
            redeemable = 0;
        }
        try lpVault.availableLiquidity() returns (uint256) {} catch { reverted++; }
        try lpVault.netValueUsd() returns (int256) {} catch { reverted++; }
        try lpVault.valuationFallback() returns (bool used) {
            if (used != fallbackExpected) _flag(violationLpFallback++, "valuationFallback flag");
        } catch {
            reverted++;
        }
        if (reverted != 0) {
            violationLpViewReverted += reverted;
            lastViolation = "lp view reverted";
        }
        if (fallbackExpected) _note("lpViews.fallback");
    }

    /// @dev Along the stored path of each market's fair premium: |ΔP_f| ≤ 0.1 % × Δt / 1 h between two accruals (each
    ///      accrual's step is capped by its own interval, and the sum of the rounded-down caps is at most the cap of the
    ///      sum), and |P_f| ≤ maxPremium.
    function _checkFairDrift() private {
        for (uint256 m; m < MARKET_COUNT; ++m) {
            MarketState memory s = engine.marketState(m);
            if (_abs(s.fairPremium) > _maxPremium[m]) _flag(violationFairDrift++, "fair premium beyond maxPremium");
            if (s.lastUpdateTime == _lastFairTime[m]) continue;
            uint256 cap = PerpModel.FAIR_DRIFT_PER_HOUR * (s.lastUpdateTime - _lastFairTime[m]) / PerpModel.HOUR;
            if (_abs(int256(s.fairPremium) - _lastFairPremium[m]) > cap) {
                _flag(violationFairDrift++, "fair premium too fast");
            }
            (_lastFairPremium[m], _lastFairTime[m]) = (s.fairPremium, s.lastUpdateTime);
        }
    }

    /// @dev Wherever the funding breaker holds, a skew-reducing trade by a trader with margin passes (tried on a
    ///      snapshot, reverted afterwards).
    function _checkFundingBreakerRebalance() private {
        for (uint256 m; m < MARKET_COUNT; ++m) {
            if (!_live(m)) continue;
            (, bool funding,) = engine.circuitBreakerStatus(m);
            if (!funding) continue;
            _note("fundingBreaker.held");
            _rebalance(m, calls, uint256(keccak256(abi.encode(calls, m))), true);
        }
    }

    /// @dev No market is closed to a trade that reduces |skew|. In every market whose oracle answers, that the owner
    ///      has not made reduce-only and whose skew is not 0, the probe account (flat, funded with 1,000,000 USDC on the
    ///      snapshot) trades q against the skew, on a state snapshot reverted afterwards: q = min(|skew|, 20,000 USD
    ///      at the oracle), raised to the smallest size the minimum position margin allows (`_minNotional`) when below
    ///      it, as long as that stays ≤ 2|skew| (so |skew| does not grow; else the market is skipped and counted in
    ///      `probe.skewBelowMinimum`). Flat and well funded, the probe cannot meet the margin, minimum-margin, tier,
    ///      position-count, dust or bankrupt-close rules, and a trade that does not grow |skew| is not judged by
    ///      maxSkew or the funding breaker. So the only refusals allowed are the rules for a trade that grows a side's
    ///      open interest (`OpenInterestCapExceeded`, `OpenInterestAboveCashLimit`, their numbers checked by
    ///      `_checkRefusal`, a wrong one counted in `violationCapRefusal`) and the oracle-move breaker
    ///      (`CircuitBreakerTripped(m, "oracleMove")`) while `circuitBreakerStatus` says it holds. Any other refusal
    ///      (maxSkew, the funding breaker, margin, ...) counts in `violationSkewReducingRefused`.
    function _checkSkewReducingOpen() private {
        for (uint256 m; m < MARKET_COUNT; ++m) {
            if (!_live(m) || engine.isReduceOnly(m)) continue;
            int256 skew = engine.marketState(m).skew;
            if (skew == 0) continue;
            uint256 price = oracles[m].currentPrice();
            uint256 q = PROBE_NOTIONAL * WAD / price;
            if (q > _abs(skew)) q = _abs(skew);
            uint256 lo = _minNotional[m] * WAD / price + 1;
            if (q < lo) {
                if (lo > 2 * _abs(skew)) {
                    _note("probe.skewBelowMinimum");
                    continue;
                }
                q = lo;
            }
            _probe(m, skew > 0 ? -int256(q) : int256(q));
        }
    }

    /// @dev The probe's trade of `delta` in `m` and the judgement of its outcome (see `_checkSkewReducingOpen`).
    function _probe(uint256 m, int256 delta) private {
        (bool oracleMoveHeld, bool fundingHeld,) = engine.circuitBreakerStatus(m);
        bool overMaxSkew = _abs(engine.marketState(m).skew) > engine.marketParams(m).maxSkew;
        uint256 snapshot = vm.snapshotState();
        usdc.mint(address(this), PROBE_DEPOSIT);
        vault.depositFor(PROBE, PROBE_DEPOSIT);
        TradeObs memory o;
        o.k = PerpModel.read(engine, m);
        o.delta = delta;
        o.traderCollateral = vault.collateralOf(PROBE);
        (o.lpCollateral, o.debt) = vault.collateralAndDebt(address(lpVault));
        vm.prank(PROBE);
        (bool ok, bytes memory err) =
            address(engine).call(abi.encodeCall(engine.trade, (PROBE, m, delta, delta > 0 ? type(uint256).max : 0)));
        VM_SNAPSHOT.revertToStateAndDelete(snapshot);
        if (ok) {
            _note("probe.passed");
            if (fundingHeld) _note("probe.passed.fundingBreaker");
            if (overMaxSkew) _note("probe.passed.overMaxSkew");
            return;
        }
        _checkRefusal(o, err);
        bytes4 sel = _selector(err);
        if (
            sel == IPerpEngine.OpenInterestCapExceeded.selector
                || sel == IPerpEngine.OpenInterestAboveCashLimit.selector
        ) return _note("probe.refused.openInterest");
        if (sel == IPerpEngine.CircuitBreakerTripped.selector && oracleMoveHeld) {
            (, bytes32 reason) = abi.decode(_args(err), (uint256, bytes32));
            if (reason == "oracleMove") return _note("probe.refused.oracleMove");
        }
        _flag(violationSkewReducingRefused++, "probe skew-reducing refused");
        lastUnexpectedRevert = err;
    }

    /// @dev Whenever maxRedeem(provider) > 0, redeeming all of it succeeds and pays previewRedeem (also while an
    ///      oracle fails: the value is then the worst case). Tried on a snapshot, reverted afterwards.
    function _checkLpExit(uint256 shares, uint256 expected) private {
        if (shares == 0) return;
        uint256 snapshot = vm.snapshotState();
        vm.prank(PROVIDER);
        (bool ok, bytes memory ret) =
            address(lpVault).call(abi.encodeCall(lpVault.redeem, (shares, PROVIDER, PROVIDER)));
        VM_SNAPSHOT.revertToStateAndDelete(snapshot);
        if (!ok) {
            _flag(violationLpExit++, "redeem of maxRedeem refused");
            lastUnexpectedRevert = ret;
        } else if (abi.decode(ret, (uint256)) != expected) {
            _flag(violationLpExit++, "maxRedeem redeem != preview");
        } else if (anyOracleFailing()) {
            _note("lpExit.oracleDown");
        }
    }

    // ================================================================== trades

    /// @dev What a trade observes before it runs.
    struct TradeObs {
        PerpModel.Market k;
        int256 delta;
        int256 oldSize;
        int256 oldOpenNotional;
        int256 oldLastIndex;
        int256 navBefore;
        uint256 pendingBefore;
        int256 traderCollateral;
        int256 lpCollateral;
        uint256 debt;
    }

    /// @dev A trade (or `closePosition`, `delta` being −size) by `a`, with no slippage bound. On success: the fill is
    ///      the model's, the fund's share of the fee is the model's, and the liquidity vault's net value moved by the
    ///      fee it keeps plus rounding in its favour. On refusal by a cap or breaker: the refusal is one the rules
    ///      allow, with the right numbers.
    function _trade(address a, uint256 m, int256 delta, bool close) private returns (bool ok, bytes memory err) {
        TradeObs memory o = _observeTrade(a, m, delta);
        uint256 acceptable = delta > 0 ? type(uint256).max : 0;
        uint256 fillPrice;
        vm.prank(_holder(a));
        if (close) {
            try engine.closePosition(a, m, acceptable) returns (uint256 p) {
                (ok, fillPrice) = (true, p);
            } catch (bytes memory e) {
                err = e;
            }
        } else {
            try engine.trade(a, m, delta, acceptable) returns (uint256 p) {
                (ok, fillPrice) = (true, p);
            } catch (bytes memory e) {
                err = e;
            }
        }
        if (ok) {
            _checkTrade(o, fillPrice);
            if (_holder(a) != a) _note("trade.subAccount");
        } else {
            _checkRefusal(o, err);
        }
    }

    function _observeTrade(address a, uint256 m, int256 delta) private returns (TradeObs memory o) {
        o.k = PerpModel.read(engine, m);
        o.delta = delta;
        Position memory pos = engine.position(a, m);
        (o.oldSize, o.oldOpenNotional, o.oldLastIndex) = (pos.size, pos.openNotional, pos.lastFundingIndex);
        o.navBefore = _nav();
        o.pendingBefore = engine.pendingInsuranceFees();
        o.traderCollateral = vault.collateralOf(a);
        (o.lpCollateral, o.debt) = vault.collateralAndDebt(address(lpVault));
    }

    function _checkTrade(TradeObs memory o, uint256 fillPrice) private {
        uint256 modelFill = o.k.fill(o.delta);
        if (modelFill != fillPrice) _flag(violationFillModel++, "fill != exact premium integral");
        uint256 f = o.k.fee(o.k.skew, o.delta, modelFill);
        uint256 toFund = f * insuranceShare / WAD;
        if (engine.pendingInsuranceFees() != o.pendingBefore + toFund) _flag(violationFeeModel++, "fee model");
        int256 drift = _nav() - o.navBefore - int256(f - toFund);
        if (drift < -ROUNDING_LOSS || drift > int256(_abs(o.delta) / WAD) + ROUNDING_GAIN) {
            _flag(violationTradeValue++, "trade moved the vault's value");
            lastValueDrift = drift;
        }
    }

    /// @dev A refusal by a cap or breaker must be one the rules allow: own-position reductions are never refused by
    ///      them; the OI cap only when the side's open interest grew above it; the open-interest-to-cash limit only
    ///      when a side grew (within its cap) and that side × oracle ends above the cash after the trade's settlement ×
    ///      openInterestCashRatio; maxSkew and the funding breaker only when |skew| grew and ends beyond the cap (the
    ///      funding rate at the new premium beyond the band).
    function _checkRefusal(TradeObs memory o, bytes memory err) private {
        bytes4 sel = _selector(err);
        if (
            sel != IPerpEngine.CircuitBreakerTripped.selector && sel != IPerpEngine.MaxSkewExceeded.selector
                && sel != IPerpEngine.OpenInterestAboveCashLimit.selector
                && sel != IPerpEngine.OpenInterestCapExceeded.selector
        ) return;
        int256 skewAfter = o.k.skew + o.delta;
        bool skewGrew = _abs(skewAfter) > _abs(o.k.skew);
        bytes memory args = _args(err);
        bool allowed;
        if (sel == IPerpEngine.CircuitBreakerTripped.selector) {
            (, bytes32 reason) = abi.decode(args, (uint256, bytes32));
            if (reason == "funding") {
                _note("refused.fundingBreaker");
                uint256 band = engine.circuitBreakerParams(o.k.id).maxFundingRate;
                allowed = skewGrew && _abs(o.k.fundingRate(o.k.premium(skewAfter))) > band;
            } else {
                _note("refused.oracleMove");
                allowed = true;
            }
        } else if (sel == IPerpEngine.MaxSkewExceeded.selector) {
            (, uint256 absSkew, uint256 cap) = abi.decode(args, (uint256, uint256, uint256));
            allowed = skewGrew && absSkew == _abs(skewAfter) && absSkew > cap && cap == _maxSkew[o.k.id];
        } else if (sel == IPerpEngine.OpenInterestAboveCashLimit.selector) {
            _note("refused.openInterestCash");
            allowed = _openInterestCashRefusalAllowed(o, args);
        } else {
            (, uint256 oi, uint256 cap) = abi.decode(args, (uint256, uint256, uint256));
            int256 newSize = o.oldSize + o.delta;
            uint256 longAfter = o.k.openInterestLong - _pos(o.oldSize) + _pos(newSize);
            uint256 shortAfter = o.k.openInterestShort() - _pos(-o.oldSize) + _pos(-newSize);
            bool longGrew = _pos(newSize) > _pos(o.oldSize) && oi == longAfter;
            bool shortGrew = _pos(-newSize) > _pos(-o.oldSize) && oi == shortAfter;
            allowed = cap == _maxOpenInterest[o.k.id] && oi > cap && (longGrew || shortGrew);
        }
        bool ownReduction = o.oldSize != 0 && (o.oldSize > 0) != (o.delta > 0) && _abs(o.delta) <= _abs(o.oldSize);
        if (!allowed || ownReduction) {
            _flag(violationCapRefusal++, "cap refused a non-increase");
            lastUnexpectedRevert = err;
        }
    }

    /// @dev `OpenInterestAboveCashLimit(market, notional, limit)`: the trade grew a side (a trade grows at most one),
    ///      within its cap, and that side after the trade × oracle (rounded up) exceeds floor(cash after the trade's
    ///      settlement × openInterestCashRatio).
    function _openInterestCashRefusalAllowed(TradeObs memory o, bytes memory args) private view returns (bool) {
        (, uint256 notional, uint256 limit) = abi.decode(args, (uint256, uint256, uint256));
        int256 newSize = o.oldSize + o.delta;
        bool longGrew = _pos(newSize) > _pos(o.oldSize);
        bool shortGrew = _pos(-newSize) > _pos(-o.oldSize);
        uint256 side = longGrew
            ? o.k.openInterestLong - _pos(o.oldSize) + _pos(newSize)
            : o.k.openInterestShort() - _pos(-o.oldSize) + _pos(-newSize);
        return (longGrew || shortGrew) && notional == Math.mulDiv(side, o.k.price, WAD, Math.Rounding.Ceil)
            && notional > limit && limit == _cashAfterSettlement(o) * engine.openInterestCashRatio() / WAD
            && side <= _maxOpenInterest[o.k.id];
    }

    /// @dev The liquidity vault's cash (its collateral less the total debt) after a refused opening trade's own
    ///      settlement (funding, fee, and a flip's realised PnL), which is what the open-interest-to-cash limit reads.
    function _cashAfterSettlement(TradeObs memory o) private pure returns (uint256) {
        uint256 modelFill = o.k.fill(o.delta);
        int256 owedFunding =
            o.oldSize == 0 ? int256(0) : PerpModel.mulDivCeil(o.oldSize, o.k.index - o.oldLastIndex, WAD);
        int256 realised;
        if (o.oldSize != 0 && (o.oldSize > 0) != (o.delta > 0)) {
            realised = PerpModel.mulDivFloor(o.oldSize, int256(modelFill), WAD) - o.oldOpenNotional;
        }
        int256 x = owedFunding + int256(o.k.fee(o.k.skew, o.delta, modelFill)) - realised;
        int256 traderAfter = o.traderCollateral - x;
        int256 lpAfter = o.lpCollateral + x;
        int256 debt = int256(o.debt) - _neg(o.traderCollateral) + _neg(traderAfter) - _neg(o.lpCollateral)
            + _neg(lpAfter);
        return lpAfter > debt ? uint256(lpAfter - debt) : 0;
    }

    /// @dev A refused own reduction: allowed only by the voluntary-reduction rule (checked against the model), when
    ///      the oracle fails, or by the dust rule (checked), after which the full close must pass.
    function _reduceRefused(address a, uint256 m, int256 size, int256 delta, bytes memory err) private {
        bytes4 sel = _selector(err);
        if (!_live(m)) return _note("reduce.oracleDown");
        if (sel == IPerpEngine.BankruptCloseNeedsLiquidation.selector) return _checkBankruptClose(a, m, delta, err);
        if (sel == IPerpEngine.PartialCloseBelowMinimumMargin.selector && size + delta != 0) {
            _note("reduce.dust");
            _checkDustRefusal(m, size, delta, err);
            (bool ok, bytes memory closeErr) = _trade(a, m, -size, true);
            if (ok) {
                _ok("close");
                _afterReduce(a);
                return;
            }
            if (_selector(closeErr) == IPerpEngine.BankruptCloseNeedsLiquidation.selector) {
                return _checkBankruptClose(a, m, -size, closeErr);
            }
            err = closeErr;
        }
        _flag(violationReduceRefused++, "reduce-only trade refused");
        lastUnexpectedRevert = err;
    }

    /// @dev `BankruptCloseNeedsLiquidation(account, collateral)` after an own reduction of `delta` (state unchanged:
    ///      the trade reverted). The reported collateral is the model's: collateral − funding owed − fee + realised
    ///      (closed cost ⌈openNotional × |delta| / |size|⌉, proceeds ⌊closed × fill⌋). Allowed when the account would
    ///      be flat with that collateral < 0, or (positions left) when that collateral is < 0 or the fill is beyond the
    ///      forced-close bound (worse for the trader than the same delta from the fair premium's skew) AND its equity
    ///      at fair after the trade is ≤ 0: the engine's equity at fair now, with this position revalued after the
    ///      trade (rounding within a few wei is counted apart as an edge).
    function _checkBankruptClose(address a, uint256 m, int256 delta, bytes memory err) private {
        (, int256 reported) = abi.decode(_args(err), (address, int256));
        PerpModel.Market memory k = PerpModel.read(engine, m);
        k.fairPremium = engine.marketPrices(m).fairPremium;
        Position memory pos = engine.position(a, m);
        (int256 collateral, int256 change) = _collateralAfterReduction(a, k, pos, delta);
        bool allowed = reported == collateral;
        if (pos.size + delta == 0 && engine.accountMarkets(a).length == 1) {
            allowed = allowed && collateral < 0;
        } else {
            uint256 fill = k.fill(delta);
            uint256 bound = k.fillAt(k.price, k.fairSkew(k.fairPremium), delta);
            bool applies = collateral < 0 || (delta < 0 ? fill < bound : fill > bound);
            int256 equity = _equityAtFairAfter(a, k, pos, delta, change);
            if (allowed && applies && equity > 0 && equity <= 4) return _note("reduce.bankruptEdge");
            allowed = allowed && applies && equity <= 0;
        }
        if (allowed) return _note("reduce.bankruptMustLiquidate");
        _flag(violationReduceRefused++, "bankrupt-close refusal");
        lastUnexpectedRevert = err;
    }

    /// @dev The collateral after an own reduction of `delta` and its change: − funding owed − fee + realised.
    function _collateralAfterReduction(address a, PerpModel.Market memory k, Position memory pos, int256 delta)
        private
        view
        returns (int256 collateral, int256 change)
    {
        uint256 fill = k.fill(delta);
        int256 closedCost = pos.size + delta == 0
            ? pos.openNotional
            : PerpModel.mulDivCeil(pos.openNotional, int256(_abs(delta)), _abs(pos.size));
        int256 owed = PerpModel.mulDivCeil(pos.size, k.index - pos.lastFundingIndex, WAD);
        change = -owed - int256(k.fee(k.skew, delta, fill)) + PerpModel.mulDivFloor(-delta, int256(fill), WAD) - closedCost;
        collateral = vault.collateralOf(a) + change;
    }

    /// @dev The account's equity at fair (trigger valuation) after an own reduction of `delta` in `k`: the engine's
    ///      equity now, less this position at fair now, plus what is left of it at fair (funding settled), plus the
    ///      collateral change.
    function _equityAtFairAfter(
        address a,
        PerpModel.Market memory k,
        Position memory pos,
        int256 delta,
        int256 collateralChange
    ) private view returns (int256) {
        int256 fair = int256(PerpModel.fairPrice(k.price, k.fairPremium));
        int256 before = PerpModel.mulDivFloor(pos.size, fair, WAD) - pos.openNotional
            - PerpModel.mulDivCeil(pos.size, k.index - pos.lastFundingIndex, WAD);
        int256 newSize = pos.size + delta;
        int256 after_;
        if (newSize != 0) {
            int256 closedCost = PerpModel.mulDivCeil(pos.openNotional, int256(_abs(delta)), _abs(pos.size));
            after_ = PerpModel.mulDivFloor(newSize, fair, WAD) - (pos.openNotional - closedCost);
        }
        return engine.accountMarginAtFair(a).equity - before + after_ + collateralChange;
    }

    /// @dev The dust rule reports the remaining position's initial margin at the oracle (its tier by that notional),
    ///      the market's minimum (which it is below) and the size delta of a full close.
    function _checkDustRefusal(uint256 m, int256 size, int256 delta, bytes memory err) private {
        (, uint256 remaining, uint256 minMargin, int256 fullClose) =
            abi.decode(_args(err), (uint256, uint256, uint256, int256));
        uint256 notional = Math.mulDiv(_abs(size + delta), oracles[m].currentPrice(), WAD, Math.Rounding.Ceil);
        NotionalTier memory t = PerpModel.tierFor(engine.marketTiers(m), notional);
        uint256 im = Math.mulDiv(notional, WAD, t.maxLeverage, Math.Rounding.Ceil);
        if (
            remaining != im || minMargin != engine.marketParams(m).minPositionMargin || remaining >= minMargin
                || fullClose != -size
        ) _flag(violationDustRule++, "dust rule numbers");
    }

    function _noteOpenRevert(bytes memory err) private {
        bytes4 selector = _selector(err);
        if (selector == IPerpEngine.CircuitBreakerTripped.selector) _note("open.breaker");
        else if (selector == IPerpEngine.InsufficientMargin.selector) _note("open.margin");
        else if (selector == IPerpEngine.OpenInterestAboveCashLimit.selector) _note("open.openInterestCash");
        else if (selector == IPerpEngine.MaxSkewExceeded.selector) _note("open.maxSkew");
        else if (selector == IPerpEngine.OpenInterestCapExceeded.selector) _note("open.openInterestCap");
        else _note("open.otherRevert");
    }

    /// @dev A trade reducing |skew| in `m` by a trader with margin: at most |skew| (so |skew| only falls), within the
    ///      trader's free margin at the safest tier, half the largest tier and the open-interest room of the side it
    ///      grows (its own position on the skew's side shrinks first). Allowed refusals: margin, minimum position
    ///      margin, tier, the dust rule, a bankrupt close, the oracle-move breaker. `dryRun`: on a snapshot.
    function _rebalance(uint256 m, uint256 actorSeed, uint256 sizeSeed, bool dryRun) private {
        int256 skew = engine.marketState(m).skew;
        if (skew == 0) return;
        bool isLong = skew < 0;
        (, bool breakerHeld,) = engine.circuitBreakerStatus(m);
        uint256 lo = _minNotional[m] * WAD / oracles[m].currentPrice() + 1;
        (address a, uint256 hi) = _rebalancer(m, isLong, actorSeed);
        if (hi < lo) return _note("rebalance.noRoom");
        int256 delta = isLong ? int256(bound(sizeSeed, lo, hi)) : -int256(bound(sizeSeed, lo, hi));
        (bool ok, bytes memory err) = dryRun ? _trialTrade(a, m, delta) : _trade(a, m, delta, false);
        if (ok) {
            if (!dryRun) _ok("rebalance");
            if (breakerHeld) _note("rebalance.fundingBreaker");
            return;
        }
        bytes4 sel = _selector(err);
        bool allowed = sel == IPerpEngine.InsufficientMargin.selector
            || sel == IPerpEngine.PositionBelowMinimumMargin.selector || sel == IPerpEngine.NotionalAboveMaxTier.selector
            || sel == IPerpEngine.TooManyPositions.selector || sel == IPerpEngine.PartialCloseBelowMinimumMargin.selector
            || sel == IPerpEngine.BankruptCloseNeedsLiquidation.selector
            // A skew-reducing trade may grow the other side past the cash limit (its numbers checked by _checkRefusal:
            // a wrong refusal counts as violationCapRefusal).
            || sel == IPerpEngine.OpenInterestAboveCashLimit.selector;
        if (sel == IPerpEngine.CircuitBreakerTripped.selector) {
            (, bytes32 reason) = abi.decode(_args(err), (uint256, bytes32));
            allowed = reason == "oracleMove";
        }
        if (allowed) return _note("rebalance.refused");
        _flag(violationSkewReducingRefused++, breakerHeld ? bytes32("skew-reducing refused, breaker") : bytes32("skew-reducing refused"));
        lastUnexpectedRevert = err;
    }

    /// @dev A trade by `a` on a state snapshot, reverted afterwards (nothing it does stays).
    ///      A refusal is checked (`_checkRefusal`) after the state is restored, so that what it records stays.
    function _trialTrade(address a, uint256 m, int256 delta) private returns (bool ok, bytes memory err) {
        TradeObs memory o = _observeTrade(a, m, delta);
        uint256 snapshot = vm.snapshotState();
        vm.prank(_holder(a));
        (ok, err) = address(engine).call(abi.encodeCall(engine.trade, (a, m, delta, delta > 0 ? type(uint256).max : 0)));
        VM_SNAPSHOT.revertToStateAndDelete(snapshot);
        if (!ok) _checkRefusal(o, err);
    }

    /// @dev The first trader (from the seed) with room for a skew-reducing trade of at least the minimum size, and
    ///      the most it may trade: its own position on the skew's side, plus what its free margin opens at the safest
    ///      leverage (90 %), within half the largest tier and the open-interest room of the side it grows; at most
    ///      |skew|.
    function _rebalancer(uint256 m, bool isLong, uint256 actorSeed) private returns (address a, uint256 hi) {
        MarketState memory s = engine.marketState(m);
        uint256 price = oracles[m].currentPrice();
        uint256 oiRoom = _sideRoom(m, isLong);
        uint256 lo = _minNotional[m] * WAD / price + 1;
        for (uint256 i; i < TRADER_COUNT; ++i) {
            address t = traders[(actorSeed % TRADER_COUNT + i) % TRADER_COUNT];
            uint256 cap = _rebalanceRoom(t, m, isLong, price, oiRoom);
            if (cap > _abs(s.skew)) cap = _abs(s.skew);
            if (cap >= lo) return (t, cap);
        }
    }

    function _rebalanceRoom(address t, uint256 m, bool isLong, uint256 price, uint256 oiRoom)
        private
        returns (uint256)
    {
        int256 own = engine.position(t, m).size;
        uint256 reducible = own != 0 && (own > 0) != isLong ? _abs(own) : 0;
        uint256 sameSide = own != 0 && (own > 0) == isLong ? _abs(own) : 0;
        uint256 open = (_freeMargin(t) * _safeLeverage[m] / WAD) * 9 / 10 * WAD / price;
        uint256 tierRoom = _maxTierNotional[m] / 2 * WAD / price;
        tierRoom = tierRoom > sameSide ? tierRoom - sameSide : 0;
        if (open > tierRoom) open = tierRoom;
        if (open > oiRoom) open = oiRoom;
        return reducible + open;
    }

    /// @dev One step of a held push: the keeper liquidates one account below maintenance, and the funding breaker
    ///      check and the skew-reducing probe run (while the push is held).
    function _holdStep(uint256 seed) private {
        for (uint256 i; i < TRADER_COUNT; ++i) {
            address t = traders[(seed % TRADER_COUNT + i) % TRADER_COUNT];
            if (engine.accountMarkets(t).length == 0) continue;
            try engine.maintenanceMargin(t) returns (int256 x) {
                if (x < 0) {
                    _note("push.liquidation");
                    _liquidate(KEEPER, t);
                    break;
                }
            } catch (bytes memory err) {
                _flag(violationTriggerViewReverted++, "maintenanceMargin reverted");
                lastUnexpectedRevert = err;
            }
        }
        _checkFundingBreakerRebalance();
        _checkSkewReducingOpen();
    }

    // ================================================================== market and owner helpers

    function _setPrice(uint256 m, uint256 p) private {
        uint256 old = oracles[m].currentPrice();
        uint256 move = p > old ? p - old : old - p;
        if (move * WAD > SMALL_MOVE * old) {
            largeMoves++;
            _note("movePrice.large");
        }
        oracles[m].setPrice(p);
    }

    /// @dev The owner replaces a dead adapter by a new one at the feed's price (the accrual before the change falls
    ///      back, so this must work).
    function _replaceOracle(uint256 m) private {
        MockOracleAdapter fresh = new MockOracleAdapter(oracles[m].currentPrice());
        MarketParams memory p = engine.marketParams(m);
        p.oracle = IOracleAdapter(address(fresh));
        if (_setParams(m, p)) {
            oracles[m] = fresh;
            _note("oracle.replaced");
        } else {
            oracles[m].setFailing(false);
        }
    }

    function _setParams(uint256 m, MarketParams memory p) private returns (bool) {
        vm.prank(owner);
        try engine.setMarketParams(m, p) {
            return true;
        } catch (bytes memory err) {
            _flag(violationAdminRefused++, "setMarketParams refused");
            lastUnexpectedRevert = err;
            return false;
        }
    }

    function _setBreaker(uint256 m, BreakerParams memory b) private returns (bool) {
        vm.prank(owner);
        try engine.setCircuitBreaker(m, b) {
            return true;
        } catch (bytes memory err) {
            _flag(violationAdminRefused++, "setCircuitBreaker refused");
            lastUnexpectedRevert = err;
            return false;
        }
    }

    /// @dev The largest |hourly funding rate| at a skew of ±maxSkew (the least band the validator accepts).
    function _rateAtMaxSkew(uint256 m, uint256 maxSkew) private view returns (uint256) {
        PerpModel.Market memory k = PerpModel.read(engine, m);
        uint256 up = _abs(k.fundingRate(k.premium(int256(maxSkew))));
        uint256 down = _abs(k.fundingRate(k.premium(-int256(maxSkew))));
        return up > down ? up : down;
    }

    // ================================================================== liquidation

    /// @dev One position of a liquidated account as observed before the call.
    struct LiqPosition {
        PerpModel.Market k;
        int256 size;
        int256 delta;
        int256 fairPremium;
        /// @dev What the forced close of `delta` closes by the model (0 while the oracle fails).
        int256 expected;
    }

    /// @dev What `_liquidate` observes before the call.
    struct LiqObs {
        address caller;
        address target;
        bool known;
        int256 mmFair;
        bool bankrupt;
        bool flat;
        bool coolingDown;
        LiqPosition[] positions;
        uint256 shortfallBefore;
        uint256 coveredBefore;
        uint256 fundRewardsBefore;
        uint256 walletBefore;
        int256 callerCollateralBefore;
        int256 valueBefore;
    }

    /// @dev `caller` liquidates `target` (the keeper when they are the same). Checked on success: the account was
    ///      below maintenance at fair; every close within its forced-close bound and the largest that fits; a bankrupt
    ///      account closed in full up to the bound; the notional and reward returned; the fund's top-up threshold and
    ///      no reward floor after a cut close; the liquidity vault's value plus its shortfall unchanged beyond
    ///      rounding; maintenance margin raised when positions remain. On refusal: see `_liquidationRefused`.
    function _liquidate(address caller, address target) private {
        if (caller == target) caller = KEEPER;
        LiqObs memory o = _observeLiquidation(caller, target);
        vm.prank(caller);
        try liquidator.liquidate(target) returns (uint256 notional, uint256 reward) {
            _afterLiquidation(o, notional, reward);
        } catch (bytes memory err) {
            _liquidationRefused(o, err);
        }
    }

    function _observeLiquidation(address caller, address target) private returns (LiqObs memory o) {
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        (o.caller, o.target) = (caller, target);
        try engine.accountMarginAtFair(target) returns (MarginSummary memory x) {
            (o.known, o.mmFair, o.bankrupt) = (true, x.equity - int256(x.maintenanceMargin), x.equity <= 0);
        } catch (bytes memory err) {
            // The trigger valuation falls back on a failing oracle: it never reverts.
            _flag(violationTriggerViewReverted++, "accountMarginAtFair reverted");
            lastUnexpectedRevert = err;
        }
        uint256[] memory ids = engine.accountMarkets(target);
        o.flat = ids.length == 0;
        uint256 last = liquidator.lastPartialLiquidation(target);
        o.coolingDown = last != 0 && block.timestamp < last + c.cooldown;
        o.positions = new LiqPosition[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            LiqPosition memory p = o.positions[i];
            p.k = PerpModel.read(engine, ids[i]);
            Position memory pos = engine.position(target, ids[i]);
            p.size = pos.size;
            p.delta = _closeSize(pos, o.bankrupt, c);
            if (!p.k.live) continue;
            p.fairPremium = engine.marketPrices(ids[i]).fairPremium;
            p.expected = p.k.forcedCloseSize(
                p.fairPremium, p.size, p.delta, engine.marketTiers(ids[i]), engine.marketParams(ids[i]).minPositionMargin
            );
        }
        o.shortfallBefore = liquidator.totalShortfall();
        o.coveredBefore = fund.totalBadDebtCovered();
        o.fundRewardsBefore = fund.totalKeeperRewardsPaid();
        o.walletBefore = usdc.balanceOf(caller);
        o.callerCollateralBefore = vault.collateralOf(caller);
        o.valueBefore = _nav() + int256(o.shortfallBefore);
    }

    /// @dev What the liquidation asks of a position: all of it when bankrupt or at most the partial threshold (by
    ///      |cost basis|), else one slice (sliceFraction of the size, truncated).
    function _closeSize(Position memory pos, bool bankrupt, LiquidationConfig memory c) private pure returns (int256) {
        if (bankrupt || _abs(pos.openNotional) <= c.partialNotional) return -pos.size;
        uint256 slice = Math.mulDiv(_abs(pos.size), c.sliceFraction, WAD);
        int256 d = pos.size > 0 ? -int256(slice) : int256(slice);
        if (d == 0 || d == -pos.size) return -pos.size;
        return d;
    }

    function _afterLiquidation(LiqObs memory o, uint256 notional, uint256 reward) private {
        _ok("liquidate");
        if (o.bankrupt) _note("liquidate.bankrupt");
        uint256 paid = usdc.balanceOf(o.caller) - o.walletBefore;
        keeperRewardsPaid += paid;
        int256 credited = vault.collateralOf(o.caller) - o.callerCollateralBefore;
        if (!o.known || o.mmFair >= 0) _flag(violationLiquidatedHealthy++, "liquidated at maintenance >= 0");
        (uint256 modelNotional, bool cut, uint256 moved) = _checkForcedCloses(o);
        if (notional != modelNotional || int256(reward) != int256(paid * USD_PER_UNIT) + credited) {
            _flag(violationLiquidationNotional++, "liquidation notional or reward");
        }
        _checkKeeperReward(o, modelNotional, cut, reward);
        int256 drift = _nav() + int256(liquidator.totalShortfall()) - o.valueBefore;
        int256 n = int256(o.positions.length);
        if (drift < -ROUNDING_LOSS * n || drift > int256(moved / WAD) + ROUNDING_GAIN * n) {
            _flag(violationLiquidationValue++, "liquidation vault value");
            lastValueDrift = drift;
        }
        if (engine.accountMarkets(o.target).length == 0) {
            _note("liquidate.full");
        } else {
            _note("liquidate.partial");
            try engine.maintenanceMargin(o.target) returns (int256 mmAfter) {
                if (mmAfter <= o.mmFair) _flag(violationLiquidationNoImprovement++, "liquidation improved nothing");
            } catch (bytes memory err) {
                _flag(violationTriggerViewReverted++, "maintenanceMargin reverted");
                lastUnexpectedRevert = err;
            }
        }
        if (fund.totalBadDebtCovered() > o.coveredBefore) _note("liquidate.fundCovered");
        if (liquidator.totalShortfall() > o.shortfallBefore) {
            _note("liquidate.shortfall");
            if (o.flat && _recordedDebt[o.target]) _flag(violationShortfallRecounted++, "shortfall recounted");
        }
        _recordedDebt[o.target] = engine.accountMarkets(o.target).length == 0 && vault.collateralOf(o.target) < 0;
    }

    /// @dev Each position's close against the model's forced close (see `violationForcedCloseBound`): the fit to its
    ///      bound (32 bisection steps), or the whole position when the fit would leave a remainder below the minimum
    ///      position margin; none while its oracle fails (the close waits: counted as cut). Returns the notional at the
    ///      model's fills, whether a close the liquidation attempted was cut, and the total size closed. A position is
    ///      known to have been attempted when the account was bankrupt (all close) or a later one moved.
    function _checkForcedCloses(LiqObs memory o)
        private
        returns (uint256 notional, bool cut, uint256 moved)
    {
        uint256 n = o.positions.length;
        int256[] memory closed = new int256[](n);
        uint256 lastMoved;
        bool any;
        for (uint256 i; i < n; ++i) {
            closed[i] = engine.position(o.target, o.positions[i].k.id).size - o.positions[i].size;
            if (closed[i] != 0) (lastMoved, any) = (i, true);
        }
        for (uint256 i; i < n; ++i) {
            LiqPosition memory p = o.positions[i];
            int256 q = closed[i];
            if (q != 0) {
                if (q != p.expected) _flag(violationForcedCloseBound++, "forced close != model");
                if (p.k.live) notional += Math.mulDiv(_abs(q), p.k.fill(q), WAD, Math.Rounding.Ceil);
                moved += _abs(q);
            }
            if (!(o.bankrupt || (any && i <= lastMoved))) continue;
            if (q != p.expected) {
                if (o.bankrupt) _flag(violationSlicedWhileBankrupt++, "bankrupt not closed as modelled");
                else _flag(violationForcedCloseBound++, "forced close not maximal");
            }
            if (q != p.delta) cut = true;
            if (!p.k.live) _note("liquidate.oracleDownSkipped");
        }
    }

    /// @dev The fund tops up the keeper reward only when notional × feeRate ≥ minKeeperReward; after a cut close the
    ///      reward is at most min(keeperShare × fee, maxKeeperReward) (no floor).
    function _checkKeeperReward(LiqObs memory o, uint256 notional, bool cut, uint256 reward) private {
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        if (fund.totalKeeperRewardsPaid() > o.fundRewardsBefore) {
            _note("liquidate.fundTopUp");
            if (notional * c.feeRate < uint256(c.minKeeperReward) * WAD) {
                _flag(violationFundTopUpBelowThreshold++, "fund topped up a dust reward");
            }
        }
        if (!cut) return;
        _note("liquidate.cut");
        uint256 cap = Math.mulDiv(Math.mulDiv(notional, c.feeRate, WAD, Math.Rounding.Ceil), c.keeperShare, WAD);
        if (cap > c.maxKeeperReward) cap = c.maxKeeperReward;
        if (reward > cap) _flag(violationKeeperFloorWhenCut++, "reward floor after a cut close");
    }

    /// @dev Allowed refusals: not below maintenance; the cooldown of a non-bankrupt account after a slice; a flat
    ///      account; `LiquidationBeyondBound` when no position's model close moves anything (its fit is 0, or its
    ///      oracle fails: the trigger valuation falls back, so a failing market no longer refuses the rest).
    function _liquidationRefused(LiqObs memory o, bytes memory err) private {
        bytes4 sel = _selector(err);
        bool below = o.known && o.mmFair < 0;
        bool allowed;
        if (sel == ILiquidationEngine.NotLiquidatable.selector) {
            _note("liquidate.notLiquidatable");
            allowed = !below;
        } else if (sel == ILiquidationEngine.LiquidationCooldown.selector) {
            _note("liquidate.cooldown");
            allowed = !o.bankrupt && o.coolingDown;
        } else if (sel == ILiquidationEngine.LiquidationBeyondBound.selector) {
            _note("liquidate.beyondBound");
            allowed = below && _nothingFits(o);
            if (allowed) refusedBeyondBound++;
        } else if (sel == ILiquidationEngine.NothingToLiquidate.selector) {
            _note("liquidate.flat");
            allowed = o.flat;
        } else {
            _note("liquidate.otherRevert");
            allowed = !below;
        }
        if (!allowed) {
            _flag(violationLiquidatableRefused++, "liquidatable account refused");
            lastUnexpectedRevert = err;
        }
    }

    /// @dev No position would close anything: each one's model close is 0 (a failing oracle's included).
    function _nothingFits(LiqObs memory o) private pure returns (bool) {
        for (uint256 i; i < o.positions.length; ++i) {
            if (o.positions[i].expected != 0) return false;
        }
        return true;
    }

    /// @dev A trader below maintenance margin with positions if there is one, else (`anyTrader`) the seed's trader or
    ///      the first with positions.
    function _pickLiquidationTarget(bool anyTrader, uint256 seed) private returns (address) {
        for (uint256 i; i < TRADER_COUNT; ++i) {
            address t = traders[(seed % TRADER_COUNT + i) % TRADER_COUNT];
            if (engine.accountMarkets(t).length == 0) continue;
            try engine.maintenanceMargin(t) returns (int256 x) {
                if (x < 0) return t;
            } catch (bytes memory err) {
                _flag(violationTriggerViewReverted++, "maintenanceMargin reverted");
                lastUnexpectedRevert = err;
            }
        }
        if (anyTrader) return traders[seed % TRADER_COUNT];
        for (uint256 i; i < TRADER_COUNT; ++i) {
            address t = traders[(seed % TRADER_COUNT + i) % TRADER_COUNT];
            if (engine.accountMarkets(t).length != 0) return t;
        }
        return traders[seed % TRADER_COUNT];
    }

    // ================================================================== auto-deleveraging and the pnl factor

    /// @dev What one `executeAdl` step observes before the call.
    struct AdlObs {
        AdlRequest request;
        uint256 requestId;
        address[] candidates;
        int256[] sizes;
        int256[] openNotional;
        int256[] collateral;
        int256[] funding;
        uint256[] ranks;
        uint256 bestRank;
        PerpModel.Market k;
        int256 fairPremium;
        uint256 shortfallBefore;
        int256 bankruptBefore;
        int256 navBefore;
        uint256 pendingBefore;
        uint256 walletBefore;
        int256 keeperCollateralBefore;
        uint256 fundCoveredBefore;
        uint256 profit;
        uint256 limit;
    }

    /// @dev Works the head of the queue (see `adl`). Progress: a shortfall is covered in part or resolves; a
    ///      reduction closes a winner or resolves (its forced close may be cut to nothing by its bound: counted apart).
    ///      A head with no victim is rotated (when not written off) and the new head is worked the same way, so a
    ///      request with a victim behind stuck ones must make progress in the same action: at most `rotations`
    ///      rotations, stopping when the queue comes back to `firstId` (the first head worked; max: this is it).
    function _workAdl(uint256 seed, uint256 firstId, uint256 rotations) private {
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        if (!pending) return;
        if (firstId == type(uint256).max) firstId = id;
        else _note("adl.nextHead");
        if (!_live(r.marketId)) return _note("adl.oracleDown");
        _submitCandidates(seed);
        uint256 executableAt = uint256(r.openedAt) + liquidator.ADL_RANKING_WINDOW();
        if (block.timestamp < executableAt) vm.warp(executableAt);
        bool work;
        bool boundedOnly;
        if (r.account == address(0)) {
            (work, boundedOnly) = _reductionWork(r);
        } else {
            uint8 victim = _shortfallVictim(r);
            if (victim == 1) return _note("adl.ambiguous");
            // Progress without a victim only when the account has repaid its whole debt (the request resolves); a
            // partial repayment shrinks the request only along with a step that covers.
            work = victim == 2 || vault.collateralOf(r.account) >= 0;
        }
        if (work) {
            for (uint256 i; i <= liquidator.MAX_ADL_CANDIDATES(); ++i) {
                (bool progressed, bool stop) = _adlStep();
                if (progressed) {
                    if (id != firstId) _note("adl.progressAfterRotation");
                    return;
                }
                if (stop) break;
            }
            if (boundedOnly) return _note("pnl.bounded");
            _flag(violationAdlNoProgress++, "ADL no progress with victim");
            return;
        }
        if (r.account != address(0) && seed % 4 == 0) return _writeOff();
        if (rotations == 0) return;
        uint256 since = uint256(r.openedAt) + liquidator.ADL_RANKING_WINDOW();
        if (r.lastProgressAt > since) since = r.lastProgressAt;
        uint256 readyAt = since + liquidator.ADL_STUCK_WINDOW();
        if (block.timestamp < readyAt) vm.warp(readyAt);
        try liquidator.rotateAdl() {
            _ok("adl.rotate");
            if (id != firstId) _note("adl.rotateAgain");
            (bool still, uint256 next,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
            if (still && next != id && next != firstId) _workAdl(seed >> 8, firstId, rotations - 1);
        } catch (bytes memory err) {
            _flag(violationAdlRotateRefused++, "rotateAdl refused with no victim");
            lastUnexpectedRevert = err;
        }
    }

    function _submitCandidates(uint256 seed) private {
        for (uint256 i; i < TRADER_COUNT; ++i) {
            try liquidator.submitAdlCandidate(traders[(seed % TRADER_COUNT + i) % TRADER_COUNT]) {
                _note("adl.submitted");
            } catch {}
        }
    }

    /// @dev Whether a trader can cover part of the shortfall request `r` now (2), clearly cannot (0), or is at the
    ///      rounding edge (1). A victim on the request's side closes at its bankruptcy price capped at its
    ///      break-even, and covers what that saves the liquidity vault against its exit fill (the fill of its whole
    ///      close at the live skew, the model's): none when that gap is 0.
    function _shortfallVictim(AdlRequest memory r) private view returns (uint8 state) {
        PerpModel.Market memory k = PerpModel.read(engine, r.marketId);
        for (uint256 i; i < TRADER_COUNT; ++i) {
            if (traders[i] == r.account) continue;
            Position memory pos = engine.position(traders[i], r.marketId);
            if (pos.size == 0 || (pos.size > 0) != r.victimsLong) continue;
            uint256 size = _abs(pos.size);
            uint256 cost = _abs(pos.openNotional);
            uint256 breakEven = Math.mulDiv(cost, WAD, size, r.victimsLong ? Math.Rounding.Ceil : Math.Rounding.Floor);
            uint256 price = r.victimsLong
                ? Math.max(r.bankruptcyPrice, breakEven)
                : Math.min(r.bankruptcyPrice, breakEven);
            uint256 exit = k.fill(-pos.size);
            uint256 gap = r.victimsLong ? (exit > price ? exit - price : 0) : (price > exit ? price - exit : 0);
            if (gap == 0) continue;
            if (gap > 2 && Math.mulDiv(size, gap - 2, WAD) >= 1 && r.remaining >= 2) return 2;
            state = 1;
        }
    }

    /// @dev A reduction always has work: it resolves when the factor is within its limit or no candidate on its side
    ///      ranks above 0, else it closes the highest-ranked one; `boundedOnly` when that one's forced close cannot fit
    ///      its bound at all.
    function _reductionWork(AdlRequest memory r) private view returns (bool work, bool boundedOnly) {
        (uint256 profit, uint256 cash) = _pnlFactorModel();
        if (profit <= cash * liquidator.maxPnlFactor() / WAD) return (true, false);
        (,,, address[] memory candidates) = ILiquidationEngine(address(liquidator)).pendingAdl();
        uint256 best;
        address winner;
        for (uint256 i; i < candidates.length; ++i) {
            int256 size = engine.position(candidates[i], r.marketId).size;
            if (size == 0 || (size > 0) != r.victimsLong) continue;
            uint256 rank = liquidator.adlRank(candidates[i], r.marketId);
            if (rank > best) (best, winner) = (rank, candidates[i]);
        }
        if (best == 0) return (true, false);
        PerpModel.Market memory k = PerpModel.read(engine, r.marketId);
        int256 delta = -engine.position(winner, r.marketId).size;
        bool fits = k.fitsBound(engine.marketPrices(r.marketId).fairPremium, delta, PerpModel.smallestTrial(delta));
        return (true, !fits);
    }

    /// @dev One `executeAdl` (by the keeper); returns whether it made progress and whether to stop trying.
    function _adlStep() private returns (bool progressed, bool stop) {
        AdlObs memory o;
        bool pending;
        (pending, o.requestId, o.request, o.candidates) = ILiquidationEngine(address(liquidator)).pendingAdl();
        if (!pending) return (true, true);
        _observeCandidates(o);
        o.navBefore = _nav();
        o.pendingBefore = engine.pendingInsuranceFees();
        o.walletBefore = usdc.balanceOf(KEEPER);
        o.keeperCollateralBefore = vault.collateralOf(KEEPER);
        o.shortfallBefore = liquidator.totalShortfall();
        o.fundCoveredBefore = fund.totalBadDebtCovered();
        if (o.request.account != address(0)) {
            o.bankruptBefore = vault.collateralOf(o.request.account);
        } else {
            uint256 cash;
            (o.profit, cash) = _pnlFactorModel();
            o.limit = cash * liquidator.maxPnlFactor() / WAD;
        }
        vm.prank(KEEPER);
        try liquidator.executeAdl() returns (uint256 covered) {
            _ok("adl");
            if (o.request.account == address(0)) return _checkReduction(o);
            adlCovered += covered;
            return (_checkAdl(o, covered), false);
        } catch (bytes memory err) {
            if (_selector(err) == IAutoDeleveraging.NoAdlCandidates.selector) {
                _note("adl.noCandidates");
            } else {
                _note("adl.otherRevert");
                lastUnexpectedRevert = err;
            }
            return (false, true);
        }
    }

    /// @dev Each candidate's size, cost basis, collateral, pending funding and rank, and the highest rank.
    function _observeCandidates(AdlObs memory o) private view {
        uint256 n = o.candidates.length;
        (o.sizes, o.openNotional, o.collateral, o.funding) = (new int256[](n), new int256[](n), new int256[](n), new int256[](n));
        o.ranks = new uint256[](n);
        uint256 m = o.request.marketId;
        o.k = PerpModel.read(engine, m);
        o.fairPremium = engine.marketPrices(m).fairPremium;
        for (uint256 i; i < n; ++i) {
            address c = o.candidates[i];
            Position memory pos = engine.position(c, m);
            (o.sizes[i], o.openNotional[i]) = (pos.size, pos.openNotional);
            o.collateral[i] = vault.collateralOf(c);
            o.funding[i] = engine.accruedFunding(c, m);
            if (pos.size == 0 || (pos.size > 0) != o.request.victimsLong) continue;
            o.ranks[i] = liquidator.adlRank(c, m);
            if (o.ranks[i] > o.bestRank) o.bestRank = o.ranks[i];
        }
    }

    /// @dev A shortfall step: the reduced victim had the highest rank and realised no loss; the accounting moved by
    ///      exactly `covered` (after the request shrank to the bankrupt account's debt), plus the victim's own debt when
    ///      the close left it flat in debt; the liquidity vault's gross value rose by what the close saved against the
    ///      victim's exit fill less `covered` (never negative). Returns whether it made progress.
    function _checkAdl(AdlObs memory o, uint256 covered) private returns (bool) {
        // The vault's gross value (net value + the shortfall it bears) moves by what the close saved, less `covered`.
        int256 gross = _nav() + int256(liquidator.totalShortfall()) - o.navBefore - int256(o.shortfallBefore);
        (bool pending, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        bool resolved = !pending || id != o.requestId;
        uint256 debt = o.bankruptBefore < 0 ? uint256(-o.bankruptBefore) : 0;
        uint256 effective = debt < o.request.remaining ? debt : o.request.remaining;
        uint256 repaid = o.request.remaining - effective;
        (bool reduced, uint256 added) = _checkAdlVictims(o, gross, covered);
        if (!reduced && gross != 0) _flag(violationAdlValue++, "ADL without a close");
        if (
            covered > effective || liquidator.totalShortfall() != o.shortfallBefore - repaid - covered + added
                || vault.collateralOf(o.request.account) != o.bankruptBefore + int256(covered)
                || (covered == effective) != resolved || (!resolved && r.remaining != effective - covered)
        ) _flag(violationAdlAccounting++, "ADL accounting");
        if (repaid != 0) _note("adl.repaidByAccount");
        if (resolved) _note("adl.resolved");
        return covered != 0 || resolved;
    }

    /// @dev The candidate the step reduced (if any): the highest rank, no realised loss, its value check, and the
    ///      shortfall its own debt adds when the close left it flat with negative collateral (the fund's cover first).
    function _checkAdlVictims(AdlObs memory o, int256 gross, uint256 covered)
        private
        returns (bool reduced, uint256 added)
    {
        for (uint256 i; i < o.candidates.length; ++i) {
            address c = o.candidates[i];
            int256 newSize = engine.position(c, o.request.marketId).size;
            if (newSize == o.sizes[i]) continue;
            reduced = true;
            _note("adl.reduced");
            if (o.ranks[i] != o.bestRank) _flag(violationAdlOrder++, "lower-ranked victim reduced");
            int256 collateral = vault.collateralOf(c);
            int256 fundCover = int256(fund.totalBadDebtCovered() - o.fundCoveredBefore);
            // Realised PnL = collateral change − the fund's cover + the funding settled by the close.
            int256 realised = collateral - o.collateral[i] - fundCover + o.funding[i];
            if (realised < 0) _flag(violationAdlVictimLoss++, "ADL victim realised a loss");
            added = _deleveragedDebt(c, collateral, fundCover);
            _checkAdlValue(o, i, newSize, realised, gross, covered);
        }
    }

    /// @dev The shortfall a deleveraging close adds for its victim: none unless it left the victim flat; then its
    ///      remaining debt, after the fund's cover (which only a flat victim in debt draws).
    function _deleveragedDebt(address victim, int256 collateral, int256 fundCover) private returns (uint256) {
        bool flat = engine.accountMarkets(victim).length == 0;
        if (!flat && fundCover != 0) _flag(violationAdlAccounting++, "fund covered a victim still open");
        if (!flat || collateral >= 0) return 0;
        _note("adl.victimInDebt");
        return uint256(-collateral);
    }

    /// @dev `gross` (the vault's value change net of the shortfall it bears) equals what the victim's close at its ADL
    ///      price saved against its exit fill (`saving`, up to rounding) less `covered`, and is never negative.
    function _checkAdlValue(AdlObs memory o, uint256 i, int256 newSize, int256 realised, int256 gross, uint256 covered)
        private
    {
        int256 closed = o.sizes[i] - newSize;
        uint256 q = _abs(closed);
        int256 closedCost = newSize == 0
            ? o.openNotional[i]
            : PerpModel.mulDivCeil(o.openNotional[i], int256(q), _abs(o.sizes[i]));
        // floor(closed × ADL price): what the victim's close realised before its cost basis.
        int256 proceeds = realised + closedCost;
        int256 saving = PerpModel.mulDivFloor(closed, int256(o.k.fill(-closed)), WAD) - proceeds;
        int256 expected = saving - int256(covered);
        if (gross < -ROUNDING_LOSS || _abs(gross - expected) > q / WAD + uint256(ROUNDING_GAIN)) {
            _flag(violationAdlValue++, "ADL step value");
            lastValueDrift = gross - expected;
        }
        if (gross > adlExcessMax) adlExcessMax = gross;
    }

    /// @dev A pnl-factor step: resolves exactly when the factor is within its limit or no candidate ranks above 0;
    ///      otherwise the highest-ranked winner's close is the model's forced close (the fit to its bound, or all of it
    ///      rather than dust), pays the model's fee, and the caller earns keeperShare of the vault's part of it in whole
    ///      USDC from the liquidity vault (at most the vault's balance).
    function _checkReduction(AdlObs memory o) private returns (bool progressed, bool stop) {
        (bool pending, uint256 id,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        bool resolved = !pending || id != o.requestId;
        bool withinLimit = o.profit <= o.limit;
        uint256 m = o.request.marketId;
        for (uint256 i; i < o.candidates.length; ++i) {
            int256 q = engine.position(o.candidates[i], m).size - o.sizes[i];
            if (q == 0) continue;
            if (withinLimit) _flag(violationPnlReduction++, "reduced within the pnl limit");
            if (o.ranks[i] != o.bestRank) _flag(violationAdlOrder++, "lower-ranked winner reduced");
            if (q != _modelReductionClose(o, i)) _flag(violationForcedCloseBound++, "reduction close != model");
            _checkReductionValue(o, o.candidates[i], q);
            _note("pnl.reduced");
            return (true, false);
        }
        if (resolved) {
            _reductionOpen = false;
            if (!withinLimit && o.bestRank != 0) _flag(violationPnlReduction++, "reduction resolved over limit");
            _note(withinLimit ? bytes32("pnl.resolved") : bytes32("pnl.resolvedNoWinner"));
            return (true, true);
        }
        if (withinLimit) _flag(violationPnlReduction++, "reduction did nothing");
        return (false, true);
    }

    /// @dev The model's forced close of candidate `i`'s whole position (the fit to its bound, or all of it).
    function _modelReductionClose(AdlObs memory o, uint256 i) private view returns (int256) {
        uint256 m = o.request.marketId;
        return o.k.forcedCloseSize(
            o.fairPremium, o.sizes[i], -o.sizes[i], engine.marketTiers(m), engine.marketParams(m).minPositionMargin
        );
    }

    /// @dev The caller's reward, the fund's share of the fee, and the vault's gross value (net value + the shortfall
    ///      it bears), which moves by the fee it keeps minus the reward, rounding aside. A victim the close left flat
    ///      in debt goes through the waterfall (the fund, whose share was swept first, then a new shortfall).
    function _checkReductionValue(AdlObs memory o, address victim, int256 q) private {
        uint256 f = o.k.fee(o.k.skew, q, o.k.fill(q));
        uint256 toFund = f * insuranceShare / WAD;
        uint256 reward = _checkReductionReward(o, f);
        int256 fundCover = int256(fund.totalBadDebtCovered() - o.fundCoveredBefore);
        uint256 added = _deleveragedDebt(victim, vault.collateralOf(victim), fundCover);
        uint256 shortfall = liquidator.totalShortfall();
        if (shortfall != o.shortfallBefore + added) _flag(violationPnlReduction++, "reduction shortfall");
        bool swept = fundCover != 0 || added != 0;
        if (engine.pendingInsuranceFees() != (swept ? 0 : o.pendingBefore + toFund)) {
            _flag(violationFeeModel++, "reduction fee");
        }
        int256 drift = _nav() + int256(shortfall) - o.navBefore - int256(o.shortfallBefore) - int256(f - toFund)
            + int256(reward);
        if (drift < -ROUNDING_LOSS || drift > int256(_abs(q) / WAD) + ROUNDING_GAIN) {
            _flag(violationPnlReduction++, "reduction vault value");
            lastValueDrift = drift;
        }
    }

    /// @dev What the caller received (wallet and, if the payment failed, collateral): keeperShare × (fee − the fund's
    ///      share) in whole USDC, at most the liquidity vault's balance before paying it.
    function _checkReductionReward(AdlObs memory o, uint256 f) private returns (uint256 reward) {
        uint256 paid = usdc.balanceOf(KEEPER) - o.walletBefore;
        keeperRewardsPaid += paid;
        int256 credited = vault.collateralOf(KEEPER) - o.keeperCollateralBefore;
        reward = uint256(int256(paid * USD_PER_UNIT) + credited);
        uint256 owed = (f - f * insuranceShare / WAD) * ILiquidationEngine(address(liquidator)).config().keeperShare / WAD;
        int256 held = vault.collateralOf(address(lpVault)) + int256(reward);
        if (int256(owed) > held) {
            owed = held > 0 ? uint256(held) : 0;
            _note("pnl.rewardCapped");
        }
        if (reward != owed / USD_PER_UNIT * USD_PER_UNIT) _flag(violationPnlReduction++, "reduction reward");
    }

    /// @dev The owner books the head's shortfall to the liquidity providers: the request first shrinks to the
    ///      account's debt; then that much moves from the vault's balance to the account, `totalShortfall` falls by
    ///      the request, and the vault's net value moves only by what the account had repaid.
    function _writeOff() private {
        (, uint256 id, AdlRequest memory r,) = ILiquidationEngine(address(liquidator)).pendingAdl();
        int256 navBefore = _nav();
        uint256 shortfallBefore = liquidator.totalShortfall();
        int256 accountBefore = vault.collateralOf(r.account);
        int256 lpBefore = vault.collateralOf(address(lpVault));
        uint256 debt = accountBefore < 0 ? uint256(-accountBefore) : 0;
        uint256 amount = debt < r.remaining ? debt : r.remaining;
        vm.prank(owner);
        try liquidator.writeOffAdl() {
            _ok("adl.writeOff");
            (bool pending, uint256 next,,) = ILiquidationEngine(address(liquidator)).pendingAdl();
            if (
                _nav() != navBefore + int256(uint256(r.remaining) - amount)
                    || liquidator.totalShortfall() != shortfallBefore - r.remaining
                    || vault.collateralOf(r.account) != accountBefore + int256(amount)
                    || vault.collateralOf(address(lpVault)) != lpBefore - int256(amount) || (pending && next == id)
            ) _flag(violationAdlWriteOff++, "write-off accounting");
        } catch (bytes memory err) {
            _flag(violationAdlWriteOff++, "write-off refused");
            lastUnexpectedRevert = err;
        }
    }

    /// @dev Traders' profit against the vault = max(0, −model counterparty value); cash = max(0, collateral − debt).
    function _pnlFactorModel() private view returns (uint256 profit, uint256 cash) {
        (int256 value,) = PerpModel.counterparty(engine, MARKET_COUNT);
        if (value < 0) profit = uint256(-value);
        (int256 c, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        if (c > int256(debt)) cash = uint256(c - int256(debt));
    }

    /// @dev The market whose model counterparty PnL (the vault's part, without the fund's pending fees) is the most
    ///      negative, the first one on a tie; none when no market is below 0.
    function _mostNegativeMarket() private view returns (bool found, uint256 m) {
        int256 worst;
        for (uint256 id; id < MARKET_COUNT; ++id) {
            PerpModel.Market memory k = PerpModel.read(engine, id);
            if (k.empty()) continue;
            int256 part = k.vaultPart();
            if (part < worst) (found, m, worst) = (true, id, part);
        }
    }

    /// @dev The request's one event: `PnlReductionRequested(id, the most negative market, victims on its skew's side,
    ///      the factor's profit and cash)`.
    function _checkReductionRequest(uint256 id, uint256 m, uint256 profit, uint256 cash) private {
        VmSnapshotDelete.Log[] memory logs = VM_SNAPSHOT.getRecordedLogs();
        bytes32 topic = IAutoDeleveraging.PnlReductionRequested.selector;
        uint256 seen;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(liquidator) || logs[i].topics[0] != topic) continue;
            seen++;
            (bool victimsLong, uint256 p, uint256 c) = abi.decode(logs[i].data, (bool, uint256, uint256));
            if (
                uint256(logs[i].topics[1]) != id || uint256(logs[i].topics[2]) != m
                    || victimsLong != (engine.marketState(m).skew > 0) || p != profit || c != cash
            ) _flag(violationPnlRequest++, "pnl request market");
        }
        if (seen != 1) _flag(violationPnlRequest++, "pnl request event");
    }

    function _pnlRequestRefused(bytes memory err, uint256 profit, uint256 limit, bool found, bool pending) private {
        bytes4 sel = _selector(err);
        bool allowed;
        if (sel == IAutoDeleveraging.PnlFactorWithinLimit.selector) {
            _note("pnl.withinLimit");
            (uint256 p, uint256 l) = abi.decode(_args(err), (uint256, uint256));
            allowed = !pending && profit <= limit && p == profit && l == limit;
        } else if (sel == IAutoDeleveraging.PnlReductionPending.selector) {
            _note("pnl.pending");
            allowed = pending;
        } else if (sel == IAutoDeleveraging.NoWinningSide.selector) {
            _note("pnl.noWinningSide");
            allowed = !pending && !found && profit > limit;
        }
        if (!allowed) {
            _flag(violationPnlRequest++, "pnl request refused");
            lastUnexpectedRevert = err;
        }
    }

    // ================================================================== liquidity provider and withdrawals

    /// @dev The provider withdraws (`redeem` false) or redeems within its max* view (the whole of it one time in
    ///      four); it must pass and pay its preview.
    function _lpExit(uint256 amount, bool redeem) private {
        uint256 max;
        if (redeem) {
            try lpVault.maxRedeem(PROVIDER) returns (uint256 x) {
                max = x;
            } catch (bytes memory err) {
                // ERC-4626: max* never reverts.
                _flag(violationLpViewReverted++, "maxRedeem reverted");
                lastUnexpectedRevert = err;
                return;
            }
        } else {
            try lpVault.maxWithdraw(PROVIDER) returns (uint256 x) {
                max = x;
            } catch (bytes memory err) {
                _flag(violationLpViewReverted++, "maxWithdraw reverted");
                lastUnexpectedRevert = err;
                return;
            }
        }
        if (max == 0) return;
        amount = amount % 4 == 0 ? max : bound(amount, 1, max);
        bool failing = anyOracleFailing();
        if (redeem) {
            uint256 expected = lpVault.previewRedeem(amount);
            vm.prank(PROVIDER);
            try lpVault.redeem(amount, PROVIDER, PROVIDER) returns (uint256 assets) {
                lpAssetsOut += assets;
                _ok("lpRedeem");
                if (failing) _note("lpRedeem.oracleDown");
                if (assets != expected) _flag(violationLpWithinMax++, "redeem != previewRedeem");
            } catch (bytes memory err) {
                _flag(violationLpWithinMax++, "redeem within maxRedeem refused");
                lastUnexpectedRevert = err;
            }
        } else {
            uint256 expectedShares = lpVault.previewWithdraw(amount);
            vm.prank(PROVIDER);
            try lpVault.withdraw(amount, PROVIDER, PROVIDER) returns (uint256 shares) {
                lpAssetsOut += amount;
                _ok("lpWithdraw");
                if (failing) _note("lpWithdraw.oracleDown");
                if (shares != expectedShares) _flag(violationLpWithinMax++, "withdraw != previewWithdraw");
            } catch (bytes memory err) {
                _flag(violationLpWithinMax++, "withdraw within max refused");
                lastUnexpectedRevert = err;
            }
        }
    }

    /// @dev `a` withdraws within maxWithdraw (which must answer); it must pass, and an account with positions must
    ///      stay at or above initial margin at the credit valuation (the model's).
    function _withdrawSome(address a, uint256 amountSeed) private {
        uint256 max;
        try vault.maxWithdraw(a) returns (uint256 x) {
            max = x;
        } catch (bytes memory err) {
            _flag(violationWithdrawViewReverted++, "maxWithdraw reverted");
            lastUnexpectedRevert = err;
            return;
        }
        if (max == 0) return;
        uint256 amount = bound(amountSeed, 1, max);
        bool withPositions = engine.accountMarkets(a).length != 0;
        (bool ok, bytes memory refusal) = _withdrawTx(a, amount);
        if (ok) {
            withdrawn[a] += amount;
            _ok("withdraw");
            if (withPositions && anyOracleFailing()) _note("withdraw.oracleDown");
            if (_holder(a) != a) _note("withdraw.subAccount");
            if (withPositions) {
                (int256 equity, uint256 im,) = PerpModel.creditMargin(engine, vault, a);
                if (equity < int256(im)) _flag(violationWithdrawBelowMargin++, "withdrawal below initial margin");
            }
        } else {
            if (_counterpartyShort(refusal)) return;
            _flag(violationWithdrawWithinMax++, "withdraw within max refused");
            lastUnexpectedRevert = refusal;
        }
    }

    /// @dev The first flat account (traders, keeper) with collateral, from the seed, withdraws everything.
    function _withdrawFirstFlat(uint256 seed) private {
        for (uint256 i; i <= TRADER_COUNT; ++i) {
            uint256 k = (seed % (TRADER_COUNT + 1) + i) % (TRADER_COUNT + 1);
            address a = k == TRADER_COUNT ? KEEPER : traders[k];
            if (vault.collateralOf(a) > 0 && engine.accountMarkets(a).length == 0) return _withdrawAllIfFlat(a);
        }
    }

    /// @dev A flat account's maxWithdraw is floor(collateral / 1e12) and withdrawing it passes.
    function _withdrawAllIfFlat(address a) private {
        int256 c = vault.collateralOf(a);
        if (c <= 0 || engine.accountMarkets(a).length != 0) return;
        uint256 expected = uint256(c) / USD_PER_UNIT;
        try vault.maxWithdraw(a) returns (uint256 max) {
            if (max != expected) _flag(violationFlatMaxWithdraw++, "flat maxWithdraw");
        } catch (bytes memory err) {
            _flag(violationFlatMaxWithdraw++, "flat maxWithdraw reverted");
            lastUnexpectedRevert = err;
            return;
        }
        if (expected == 0) return;
        (bool ok, bytes memory refusal) = _withdrawTx(a, expected);
        if (ok) {
            withdrawn[a] += expected;
            _ok("withdrawFlat");
            if (anyOracleFailing()) _note("withdrawFlat.oracleDown");
        } else {
            if (_counterpartyShort(refusal)) return;
            _flag(violationFlatWithdraw++, "flat account could not withdraw");
            lastUnexpectedRevert = refusal;
        }
    }

    /// @dev See `refusedCounterpartyShort`: true (allowed) only for `InsufficientVaultBalance` while the liquidity
    ///      vault's balance is below the total debt.
    function _counterpartyShort(bytes memory err) private returns (bool) {
        if (_selector(err) != ICollateralVault.InsufficientVaultBalance.selector) return false;
        if (vault.collateralOf(address(lpVault)) >= int256(vault.totalDebt())) return false;
        refusedCounterpartyShort++;
        if (largeMoves == 0) refusedCounterpartyShortWithoutLargeMove++;
        return true;
    }

    // ================================================================== internal

    function _ok(bytes32 action_) private {
        successes++;
        count[action_]++;
    }

    function _note(bytes32 outcome) private {
        count[outcome]++;
    }

    /// @dev Records the tag of a violation whose counter the caller has just incremented (`_flag(v++, tag)`).
    function _flag(uint256, bytes32 tag) private {
        lastViolation = tag;
    }

    /// @dev Who acts for trader account `a`: its owner (the account itself for sub-account 0; the keeper and the
    ///      protocol's accounts are their own).
    function _holder(address a) private view returns (address) {
        return vault.subAccountOwner(a);
    }

    /// @dev `a`'s owner withdraws `amount` to `a`: `withdraw` from its own address, `withdrawFrom` a sub-account.
    function _withdrawTx(address a, uint256 amount) private returns (bool ok, bytes memory err) {
        address holder = _holder(a);
        vm.prank(holder);
        if (holder == a) {
            try vault.withdraw(amount, a) {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        } else {
            try vault.withdrawFrom(a, amount, a) {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        }
    }

    function _trader(uint256 seed) private view returns (address) {
        return traders[seed % TRADER_COUNT];
    }

    function _live(uint256 m) private view returns (bool) {
        return !oracles[m].failing();
    }

    /// @dev The liquidity vault's net value (a revert is a violation).
    function _nav() private returns (int256 value) {
        try lpVault.netValueUsd() returns (int256 x) {
            return x;
        } catch (bytes memory err) {
            _flag(violationLpViewReverted++, "netValueUsd reverted");
            lastUnexpectedRevert = err;
        }
    }

    /// @dev equity − Σ IM at the credit valuation, floored at 0 (the engine's view, which must not revert: it falls
    ///      back on a failing oracle; a revert is counted).
    function _freeMargin(address a) private returns (uint256) {
        try engine.accountMargin(a) returns (MarginSummary memory x) {
            int256 free = x.equity - int256(x.initialMargin);
            return free > 0 ? uint256(free) : 0;
        } catch (bytes memory err) {
            _flag(violationTriggerViewReverted++, "accountMargin reverted");
            lastUnexpectedRevert = err;
            return 0;
        }
    }

    /// @dev The account's owner pays: `deposit` for its own address, `depositFor` a sub-account.
    function _deposit(address account, uint256 amount) private {
        address payer = _holder(account);
        usdc.mint(payer, amount);
        vm.prank(payer);
        if (payer == account) vault.deposit(amount);
        else vault.depositFor(account, amount);
        deposited[account] += amount;
        if (vault.collateralOf(account) >= 0) _recordedDebt[account] = false;
    }

    function _lpDeposit(uint256 amount) private {
        usdc.mint(PROVIDER, amount);
        vm.prank(PROVIDER);
        lpVault.deposit(amount, PROVIDER);
        lpAssetsIn += amount;
    }

    function _afterReduce(address a) private {
        if (engine.accountMarkets(a).length == 0 && vault.collateralOf(a) < 0 && !_recordedDebt[a]) {
            _flag(violationSelfClosedBankruptcy++, "self-closed into bankruptcy");
        }
    }

    /// @dev Size the market can still take on one side: the skew cap, and the room of the side's open interest under
    ///      the lower of its cap and 99 % of the open-interest-to-cash limit.
    function _capacity(uint256 m, bool isLong) private view returns (uint256) {
        MarketState memory s = engine.marketState(m);
        int256 skewRoom = int256(_maxSkew[m]) - (isLong ? int256(s.skew) : -int256(s.skew));
        if (skewRoom <= 0) return 0;
        uint256 oiRoom = _sideRoom(m, isLong);
        return uint256(skewRoom) < oiRoom ? uint256(skewRoom) : oiRoom;
    }

    /// @dev `capacity` widened past the cash limit: the skew and open-interest caps' room, up to 1.5 times the cash
    ///      limit's room (so the open-interest-to-cash limit, not a cap, refuses it).
    function _beyondCashCapacity(uint256 m, bool isLong, uint256 capacity) private view returns (uint256) {
        MarketState memory s = engine.marketState(m);
        int256 skewRoom = int256(_maxSkew[m]) - (isLong ? int256(s.skew) : -int256(s.skew));
        uint256 side = isLong ? s.openInterestLong : uint256(int256(uint256(s.openInterestLong)) - s.skew);
        uint256 capRoom = _maxOpenInterest[m] > side ? _maxOpenInterest[m] - side : 0;
        uint256 wide = capacity * 3 / 2 + _minNotional[m] * WAD / oracles[m].currentPrice() + 1;
        if (skewRoom <= 0) return 0;
        if (wide > uint256(skewRoom)) wide = uint256(skewRoom);
        return wide < capRoom ? wide : capRoom;
    }

    /// @dev What one side's open interest may still grow by: under its cap and under 99 % of the cash limit
    ///      (openInterestCashRatio × the liquidity vault's cash, at the oracle).
    function _sideRoom(uint256 m, bool isLong) private view returns (uint256) {
        MarketState memory s = engine.marketState(m);
        uint256 side = isLong ? s.openInterestLong : uint256(int256(uint256(s.openInterestLong)) - s.skew);
        (int256 c, uint256 debt) = vault.collateralAndDebt(address(lpVault));
        uint256 cash = c > int256(debt) ? uint256(c - int256(debt)) : 0;
        uint256 cashSide = (cash * engine.openInterestCashRatio() / WAD) * WAD / oracles[m].currentPrice() * 99 / 100;
        uint256 cap = _maxOpenInterest[m] < cashSide ? _maxOpenInterest[m] : cashSide;
        return cap > side ? cap - side : 0;
    }

    /// @dev The first (trader, market) with a position, scanning from the seeds.
    function _findPosition(uint256 actorSeed, uint256 marketSeed)
        private
        view
        returns (address a, uint256 m, int256 size)
    {
        for (uint256 i; i < TRADER_COUNT; ++i) {
            a = traders[(actorSeed % TRADER_COUNT + i) % TRADER_COUNT];
            for (uint256 j; j < MARKET_COUNT; ++j) {
                m = (marketSeed % MARKET_COUNT + j) % MARKET_COUNT;
                size = engine.position(a, m).size;
                if (size != 0) return (a, m, size);
            }
        }
        return (a, m, 0);
    }

    function _selector(bytes memory err) private pure returns (bytes4 s) {
        if (err.length >= 4) s = bytes4(err);
    }

    /// @dev The ABI-encoded arguments of a custom error (its data without the selector).
    function _args(bytes memory err) private pure returns (bytes memory args) {
        if (err.length < 4) return args;
        args = new bytes(err.length - 4);
        for (uint256 i; i < args.length; ++i) {
            args[i] = err[i + 4];
        }
    }

    function _abs(int256 x) private pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    function _pos(int256 x) private pure returns (uint256) {
        return x > 0 ? uint256(x) : 0;
    }

    function _neg(int256 x) private pure returns (int256) {
        return x < 0 ? -x : int256(0);
    }
}
