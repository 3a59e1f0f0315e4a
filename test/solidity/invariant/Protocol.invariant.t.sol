// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IAutoDeleveraging} from "../../../contracts/interfaces/IAutoDeleveraging.sol";
import {ILiquidationEngine, LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {
    BreakerParams, MarginSummary, MarketParams, MarketPrices, MarketState, NotionalTier, Position
} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {vm} from "../utils/Vm.sol";
import {WiredProtocolFixture} from "../utils/ProtocolFixtures.sol";
import {PerpModel, ProtocolHandler} from "./ProtocolHandler.sol";

/// @notice The real protocol wired as in production (LiquidationFixture + LiquidityVaultWithEngine), three markets and
///         the handler that drives it.
/// @dev Markets: 0 ETH (2,000, deep: skewScale 1M, default breakers), 1 BTC (60,000, thin: skewScale 2,000, premium
///      up to 2 %, funding up to 0.1 %/h, breakers loosened to a 50 % move), 2 RWA (150,000, no premium, fees or
///      funding, τ = 0, no minimum margin: exact prices and dust positions). Liquidation: defaults except a
///      100,000 USD partial threshold so slices happen; 10 % of trading fees go to the fund; open-interest-to-cash
///      ratio 100 % (the default).
abstract contract ProtocolDeployment is WiredProtocolFixture {
    MockOracleAdapter[3] internal oracles;
    ProtocolHandler internal handler;

    function _deploy() internal {
        _deployProtocol();
        engine.setInsuranceFeeShare(address(fund), 0.1e18);
        LiquidationConfig memory c = ILiquidationEngine(address(liquidator)).config();
        c.partialNotional = 100_000e18;
        ILiquidationEngine(address(liquidator)).setConfig(c);

        oracles[0] = new MockOracleAdapter(2_000e18);
        oracles[1] = new MockOracleAdapter(60_000e18);
        oracles[2] = new MockOracleAdapter(150_000e18);
        engine.listMarket("ETH", ethParams(oracles[0]), twoTiers());
        engine.listMarket("BTC", _btcParams(oracles[1]), _btcTiers());
        engine.listMarket("RWA", exactParams(oracles[2]), oneTier(5e18, 0.05e18));
        engine.setCircuitBreaker(1, BreakerParams({maxOracleMove: 0.5e18, maxFundingRate: 0.002e18, window: 1 hours}));
        lpVault.setLiquidityFee(0.001e18);

        handler = new ProtocolHandler(usdc, vault, engine, lpVault, fund, liquidator, oracles);
    }

    /// @dev `ethParams` made thin: τ 600 s, premium up to 2 % over skewScale 2,000, caps 100 / 200, minimum margin 50,
    ///      maker 3 bp, taker 8 bp, funding up to 0.1 %/h.
    function _btcParams(MockOracleAdapter o) internal pure returns (MarketParams memory p) {
        p = ethParams(o);
        p.fairTau = 600;
        p.maxPremium = 0.02e18;
        p.skewScale = 2_000e18;
        p.maxSkew = 100e18;
        p.maxOpenInterest = 200e18;
        p.minPositionMargin = 50e18;
        p.makerFee = 0.0003e18;
        p.takerFee = 0.0008e18;
        p.maxFundingRate = 0.001e18;
    }

    function _btcTiers() internal pure returns (NotionalTier[] memory tiers) {
        tiers = new NotionalTier[](3);
        tiers[0] = NotionalTier({upToNotional: 500_000e18, maxLeverage: 20e18, mmr: 0.04e18});
        tiers[1] = NotionalTier({upToNotional: 2_000_000e18, maxLeverage: 10e18, mmr: 0.06e18});
        tiers[2] = NotionalTier({upToNotional: 10_000_000e18, maxLeverage: 4e18, mmr: 0.15e18});
    }
}

/// @notice Stateful invariants of the whole protocol (SPEC §4–6, §9 and the security fix). Run alone with both files,
///         so that the handler's artifact is known to the fuzzer:
///         `npx hardhat test solidity test/solidity/invariant/Protocol.invariant.t.sol test/solidity/invariant/ProtocolHandler.sol`
/// @dev One invariant function checks every property after every handler call: the test runner runs one campaign per
///      `invariant_*` function with the same seeded call sequences, so splitting the checks would repeat identical
///      campaigns. Each property is a `_check*` function with its own assertion messages. Expected values come from
///      `PerpModel` (in ProtocolHandler.sol), a second implementation of the formulas.
contract ProtocolInvariantTest is ProtocolDeployment {
    using PerpModel for PerpModel.Market;

    uint256 internal constant WAD = 1e18;
    uint256 internal constant MARKETS = 3;

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @dev The traders then the keeper, and each market's tiers (no action changes them), read once.
    address[] internal _accounts;
    NotionalTier[][MARKETS] internal _tiers;

    function setUp() public {
        _deploy();
        for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
            _accounts.push(handler.trader(i));
        }
        _accounts.push(handler.KEEPER());
        for (uint256 m; m < MARKETS; ++m) {
            NotionalTier[] memory tiers = engine.marketTiers(m);
            for (uint256 i; i < tiers.length; ++i) {
                _tiers[m].push(tiers[i]);
            }
        }
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the actions (not the handler's ghost getters) are called.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory s = new bytes4[](19);
        s[0] = ProtocolHandler.deposit.selector;
        s[1] = ProtocolHandler.withdraw.selector;
        s[2] = ProtocolHandler.openPosition.selector;
        s[3] = ProtocolHandler.reducePosition.selector;
        s[4] = ProtocolHandler.movePrice.selector;
        s[5] = ProtocolHandler.warp.selector;
        s[6] = ProtocolHandler.liquidate.selector;
        s[7] = ProtocolHandler.lpDeposit.selector;
        s[8] = ProtocolHandler.lpWithdraw.selector;
        s[9] = ProtocolHandler.sweepInsuranceFees.selector;
        s[10] = ProtocolHandler.toggleOracleFailure.selector;
        s[11] = ProtocolHandler.withdrawAllWhenFlat.selector;
        s[12] = ProtocolHandler.squeezePrice.selector;
        s[13] = ProtocolHandler.adl.selector;
        s[14] = ProtocolHandler.pushAndHold.selector;
        s[15] = ProtocolHandler.rebalance.selector;
        s[16] = ProtocolHandler.pnlReduction.selector;
        s[17] = ProtocolHandler.setCaps.selector;
        s[18] = ProtocolHandler.transferBetweenSubAccounts.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: s});
    }

    /// @dev Everything the checks compare, read once per invariant call: the traders and the keeper, each market
    ///         (model state; `marketPrices` and the fair premium for a live one), its tiers, and every position.
    struct Snapshot {
        address[] accounts;
        PerpModel.Market[] markets;
        MarketPrices[] prices;
        NotionalTier[][] tiers;
        Position[][] positions;
    }

    /// @notice Every property below, after every handler call. The CI profile runs 128 sequences of 150 calls (about
    ///         a minute and a half on two cores); the long profile 512 of 300 (about a quarter of an hour).
    /// hardhat-config: default.invariant.runs = 128
    /// hardhat-config: default.invariant.depth = 150
    /// hardhat-config: long.invariant.runs = 512
    /// hardhat-config: long.invariant.depth = 300
    /// hardhat-config: default.invariant.failOnRevert = true
    /// hardhat-config: long.invariant.failOnRevert = true
    function invariant_protocol() public view {
        Snapshot memory v = _snapshot();
        _checkSolvency(v);
        _checkSubAccountLedger();
        _checkConservation(v);
        _checkMarketSums(v);
        (int256 value, bool fallbackUsed, uint256 backing) = _checkFundingAndValuation(v);
        _checkLiquidityVault(value, fallbackUsed, backing);
        _checkInsuranceFund();
        _checkFairPremium(v);
        _checkWithdrawable(v);
        _checkRecorded();
    }

    /// @notice The run made at least one successful action. (A handler call that reverts fails the run by itself:
    ///         `failOnRevert` is on, and the handler catches every refusal it expects.)
    function afterInvariant() public view {
        assertTrue(handler.successes() > 0 || handler.calls() == 0, "the run did something");
    }

    function _snapshot() internal view returns (Snapshot memory v) {
        uint256 n = _accounts.length;
        v.accounts = _accounts;
        v.markets = new PerpModel.Market[](MARKETS);
        v.prices = new MarketPrices[](MARKETS);
        v.tiers = new NotionalTier[][](MARKETS);
        for (uint256 m; m < MARKETS; ++m) {
            v.markets[m] = PerpModel.read(engine, m);
            v.tiers[m] = _tiers[m];
            if (!v.markets[m].live) continue;
            v.prices[m] = engine.marketPrices(m);
            v.markets[m].fairPremium = v.prices[m].fairPremium;
        }
        v.positions = new Position[][](n);
        for (uint256 i; i < n; ++i) {
            v.positions[i] = new Position[](MARKETS);
            for (uint256 m; m < MARKETS; ++m) {
                v.positions[i][m] = engine.position(v.accounts[i], m);
            }
        }
    }

    // ------------------------------------------------------------------ solvency

    /// @notice The ledger is exactly backed: USDC held × 1e12 == totalCollateral == Σ signed collateral of every
    ///         account that ever held any, i.e. Σ positive − Σ |negative| == USDC held × 1e12 and Σ |negative| ==
    ///         totalDebt. Negative collateral on a flat trader account is bad debt only ADL (or the owner's write-off)
    ///         repays: it is at most what the liquidation engine recorded as ADL shortfall (no account reaches it by
    ///         its own trade), and the liquidity vault's value excludes exactly that shortfall.
    function _checkSolvency(Snapshot memory v) internal view {
        address[] memory list = handler.accounts();
        int256 signedSum;
        uint256 positive;
        uint256 negative;
        for (uint256 i; i < list.length; ++i) {
            int256 c = vault.collateralOf(list[i]);
            signedSum += c;
            if (c >= 0) positive += uint256(c);
            else negative += uint256(-c);
        }
        uint256 held = usdc.balanceOf(address(vault)) * 1e12;
        assertEq(held, vault.totalCollateral(), "tokens x 1e12 == totalCollateral");
        assertEq(signedSum, int256(held), "sum of signed collateral == tokens x 1e12");
        assertEq(positive - negative, held, "positive - |negative| == tokens x 1e12");
        assertEq(vault.totalDebt(), negative, "totalDebt == sum of |negative|");

        uint256 flatDebt;
        for (uint256 i; i + 1 < v.accounts.length; ++i) {
            int256 c = vault.collateralOf(v.accounts[i]);
            if (c < 0 && _flat(v, i)) flatDebt += uint256(-c);
        }
        uint256 shortfall = liquidator.totalShortfall();
        assertLe(flatDebt, shortfall, "flat debt <= recorded ADL shortfall");
        assertEq(lpVault.unresolvedShortfallUsd(), shortfall, "vault value excludes the shortfall");
    }

    // ------------------------------------------------------------------ sub-accounts

    /// @notice Owners hold several sub-accounts (owner 0: three, owner 1: two). Walking each owner's sub-accounts
    ///         through the vault's own records (`subAccountCount`, `subAccount(owner, id)`, `subAccountOwner`), not
    ///         the handler's list: every id up to the count exists and is owned by its owner, and the balances of every
    ///         vault account (each owner's sub-accounts, the liquidity vault, the insurance fund, the keeper, the
    ///         liquidation engine) add up to the USDC the vault holds × 1e12, to the wei.
    function _checkSubAccountLedger() internal view {
        int256 sum;
        for (uint256 k; k < handler.OWNER_COUNT(); ++k) {
            address owner = handler.ownerAt(k);
            uint256 count = vault.subAccountCount(owner);
            assertEq(count, k == 0 ? 2 : k == 1 ? 1 : 0, "sub-accounts per owner");
            for (uint256 id; id <= count; ++id) {
                (address account, bool exists) = vault.subAccount(owner, id);
                assertTrue(exists, "every id up to the count exists");
                assertEq(vault.subAccountOwner(account), owner, "owned by its owner");
                sum += vault.collateralOf(account);
            }
        }
        sum += vault.collateralOf(address(lpVault)) + vault.collateralOf(address(fund))
            + vault.collateralOf(handler.KEEPER()) + vault.collateralOf(address(liquidator));
        assertEq(sum, int256(usdc.balanceOf(address(vault)) * 1e12), "sum over owners' sub-accounts and the protocol == tokens x 1e12");
    }

    // ------------------------------------------------------------------ conservation

    /// @notice Every value move is zero-sum: Σ over users (traders, keeper) of (collateral − net deposits) + the
    ///         liquidity vault's account change + the fund's change + the liquidation engine's account + rewards paid
    ///         out to wallets in USDC == 0 (PnL, funding, fees, the LP fee, fund payouts, ADL steps, write-offs and
    ///         pnl-factor rewards all net out).
    function _checkConservation(Snapshot memory v) internal view {
        int256 total;
        for (uint256 i; i < v.accounts.length; ++i) {
            address a = v.accounts[i];
            total += vault.collateralOf(a) - (int256(handler.deposited(a)) - int256(handler.withdrawn(a))) * 1e12;
        }
        total += vault.collateralOf(address(lpVault))
            - (int256(handler.lpAssetsIn()) - int256(handler.lpAssetsOut())) * 1e12;
        total += vault.collateralOf(address(fund)) - int256(handler.fundSeeded()) * 1e12;
        int256 liquidatorCollateral = vault.collateralOf(address(liquidator));
        total += liquidatorCollateral;
        total += int256(handler.keeperRewardsPaid()) * 1e12;
        assertEq(total, int256(0), "zero-sum");
        assertEq(liquidatorCollateral, int256(0), "liquidation engine keeps nothing between calls");
    }

    // ------------------------------------------------------------------ open interest and market sums

    /// @notice Per market: OI long / short == Σ long sizes / Σ |short sizes|; skew == Σ sizes; sumOpenNotional ==
    ///         Σ openNotional; sumFundingBasis == Σ ceil(size × lastFundingIndex / 1e18); a flat position has no cost
    ///         basis; an account's market set is exactly the markets where it holds a position.
    function _checkMarketSums(Snapshot memory v) internal view {
        for (uint256 m; m < MARKETS; ++m) {
            PerpModel.Market memory k = v.markets[m];
            uint256 longs;
            uint256 shorts;
            int256 skew;
            int256 openNotional;
            int256 basis;
            for (uint256 i; i < v.accounts.length; ++i) {
                Position memory p = v.positions[i][m];
                if (p.size > 0) longs += uint256(int256(p.size));
                else shorts += uint256(-int256(p.size));
                skew += p.size;
                openNotional += p.openNotional;
                basis += PerpModel.mulDivCeil(p.size, p.lastFundingIndex, WAD);
                if (p.size == 0) assertEq(int256(p.openNotional), int256(0), "flat: no cost basis");
            }
            assertEq(longs, k.openInterestLong, "OI long");
            assertEq(shorts, k.openInterestShort(), "OI short");
            assertEq(skew, k.skew, "skew");
            assertEq(openNotional, k.sumOpenNotional, "sumOpenNotional");
            assertEq(basis, k.sumFundingBasis, "sumFundingBasis");
        }
        for (uint256 i; i < v.accounts.length; ++i) {
            uint256[] memory ids = engine.accountMarkets(v.accounts[i]);
            uint256 held;
            for (uint256 m; m < MARKETS; ++m) {
                if (v.positions[i][m].size != 0) held++;
            }
            assertEq(ids.length, held, "account market set");
            for (uint256 j; j < ids.length; ++j) {
                assertTrue(v.positions[i][ids[j]].size != 0, "listed market holds a position");
            }
        }
    }

    // ------------------------------------------------------------------ funding and valuation

    /// @notice Per market with a live oracle, against the model (I = pending funding index, n open positions):
    ///         - prices: `marketPrices` gives I = stored index + trunc(rate(p(skew)) × oracle × Δt / 3600) (rate =
    ///           p + clamp(interest − p, ±clamp), capped), premium p(skew), mark = oracle × (1 + p) and fair =
    ///           oracle × (1 + fair premium), rounded down (every trade's fill is checked against the exact-integral
    ///           fill with the model's G by the handler);
    ///         - funding: owed = Σ ceil(size × (I − lastIndex)), receivable = floor(skew × I) − sumFundingBasis,
    ///           0 ≤ owed − receivable ≤ 3 + Σ (⌊|size| / 1e18⌋ + 3) (the same slack as the exit mirror below);
    ///         - exit mirror: with the vault's part Y = sumOpenNotional − ceil(oracle × (skew·1e18 + G(skew)) / 1e36)
    ///           + receivable and X = what the traders would realise closing one after another now (each at the
    ///           model's fill from the running skew) − owed: −(Σ (⌊|size| / 1e18⌋ + 3) + 3) ≤ X + Y ≤ 0, i.e. the
    ///           vault's exit value is what closing everyone would leave it, in any order, rounding aside.
    ///         And over all markets: `counterpartyPnl()` == Σ Y (a failing market at its last price moved against
    ///         the vault by the breaker band, stored index) − pendingInsuranceFees, `fallbackUsed` exactly when such a
    ///         market holds something; `requiredBacking()` == Σ ceil(ceil(|skew| × price) × backingRatio) (failing:
    ///         last price moved up), with its flag. Returns the model's value, flag and backing.
    function _checkFundingAndValuation(Snapshot memory v)
        internal
        view
        returns (int256 value, bool fallbackUsed, uint256 backing)
    {
        uint256 ratio = engine.backingRatio();
        bool backingFallback;
        for (uint256 m; m < MARKETS; ++m) {
            PerpModel.Market memory k = v.markets[m];
            if (k.live) _checkLiveMarket(v, m);
            backing += k.backing(ratio);
            if (!k.live && k.skew != 0) backingFallback = true;
        }
        (value, fallbackUsed) = PerpModel.counterpartyOf(v.markets, engine.pendingInsuranceFees());
        (int256 usd, bool used) = engine.counterpartyPnl();
        assertEq(usd, value, "counterpartyPnl == model exit value");
        assertTrue(used == fallbackUsed, "counterpartyPnl fallback flag");
        (uint256 required, bool requiredFallback) = engine.requiredBacking();
        assertEq(required, backing, "requiredBacking == model");
        assertTrue(requiredFallback == backingFallback, "requiredBacking fallback flag");
    }

    function _checkLiveMarket(Snapshot memory v, uint256 m) internal view {
        PerpModel.Market memory k = v.markets[m];
        MarketPrices memory mp = v.prices[m];
        assertEq(mp.fundingIndex, k.index, "pending funding index == model");
        int256 p = k.premium(k.skew);
        assertEq(mp.premium, p, "premium == clamp(skew / K)");
        assertEq(mp.markPrice, PerpModel.fairPrice(k.price, p), "mark == oracle x (1 + premium)");
        assertEq(mp.fairPrice, PerpModel.fairPrice(k.price, mp.fairPremium), "fair == oracle x (1 + fair premium)");
        int256 owed;
        int256 realised;
        int256 running = k.skew;
        uint256 slack = 3;
        for (uint256 i; i < v.accounts.length; ++i) {
            Position memory pos = v.positions[i][m];
            if (pos.size == 0) continue;
            owed += PerpModel.mulDivCeil(pos.size, k.index - pos.lastFundingIndex, WAD);
            uint256 fill = k.fillAt(k.price, running, -pos.size);
            realised += PerpModel.mulDivFloor(pos.size, int256(fill), WAD) - pos.openNotional;
            running -= pos.size;
            slack += PerpModel.abs(pos.size) / WAD + 3;
        }
        int256 receivable = k.receivable();
        assertGe(owed - receivable, int256(0), "funding: traders owe at least what the vault counts");
        assertGe(int256(slack), owed - receivable, "funding: residue <= 3 + sum(|size| / 1e18 + 3) wei");
        int256 mirror = realised - owed + k.vaultPart();
        assertGe(int256(0), mirror, "exit value: never above what closing every trader leaves the vault");
        assertGe(mirror, -int256(slack), "exit value: rounding only");
    }

    // ------------------------------------------------------------------ liquidity vault

    /// @notice The liquidity vault's views against the model: netValueUsd == collateral + counterparty value −
    ///         unresolved shortfall; totalAssets == max(0, that) / 1e12 rounded down; availableLiquidity ==
    ///         min(totalAssets − ceil(requiredBacking / 1e12), floor(collateral / 1e12) − ceil(totalDebt / 1e12) −
    ///         ceil(requiredCash / 1e12)), floored at 0 (0 when the net value is not positive); requiredCash against
    ///         its model; valuationFallback exactly while a market falls back; deposits closed then and while a
    ///         shortfall is unresolved.
    function _checkLiquidityVault(int256 value, bool fallbackUsed, uint256 backing) internal view {
        int256 collateral = vault.collateralOf(address(lpVault));
        int256 nav = collateral + value - int256(liquidator.totalShortfall());
        assertEq(lpVault.netValueUsd(), nav, "netValueUsd == model");
        uint256 assets = nav > 0 ? uint256(nav) / 1e12 : 0;
        assertEq(lpVault.totalAssets(), assets, "totalAssets == max(0, net value) / 1e12");
        assertEq(lpVault.availableLiquidity(), _availableModel(nav, collateral, assets, backing), "availableLiquidity == model");
        assertTrue(lpVault.valuationFallback() == fallbackUsed, "valuationFallback");
        if (fallbackUsed) assertEq(lpVault.maxDeposit(address(1)), 0, "deposits closed on a fallback");
        if (liquidator.totalShortfall() != 0) assertEq(lpVault.maxDeposit(address(1)), 0, "deposits closed on a shortfall");
    }

    /// @dev availableLiquidity's model (see `_checkLiquidityVault`), with requiredCash checked against its own model.
    function _availableModel(int256 nav, int256 collateral, uint256 assets, uint256 backing)
        internal
        view
        returns (uint256)
    {
        uint256 required = (backing + 1e12 - 1) / 1e12;
        uint256 excess = assets > required ? assets - required : 0;
        uint256 cash = collateral > 0 ? uint256(collateral) / 1e12 : 0;
        (uint256 requiredCash, bool cashFallback) = _requiredCashModel();
        (uint256 engineCash, bool engineCashFallback) = engine.requiredCash();
        assertEq(engineCash, requiredCash, "requiredCash == model");
        assertTrue(engineCashFallback == cashFallback, "requiredCash fallback flag");
        uint256 requiredCashAssets = (requiredCash + 1e12 - 1) / 1e12;
        assertEq(lpVault.requiredCashAssets(), requiredCashAssets, "requiredCashAssets == ceil(requiredCash / 1e12)");
        uint256 owed = (vault.totalDebt() + 1e12 - 1) / 1e12 + requiredCashAssets;
        uint256 cashFree = cash > owed ? cash - owed : 0;
        return nav > 0 ? (excess < cashFree ? excess : cashFree) : 0;
    }

    /// @notice requiredCash = max over markets of ceil(ceil(max(OI long, OI short) × price) × 1e18 / ratio), price the
    ///         oracle, or (failing) the last price moved up by the breaker band (rounded up), with the flag.
    function _requiredCashModel() internal view returns (uint256 usd, bool fallbackUsed) {
        uint256 ratio = engine.openInterestCashRatio();
        for (uint256 m; m < MARKETS; ++m) {
            PerpModel.Market memory k = PerpModel.read(engine, m);
            uint256 longs = k.openInterestLong;
            uint256 shorts = k.openInterestShort();
            uint256 side = longs > shorts ? longs : shorts;
            if (side == 0) continue;
            uint256 price = k.price;
            if (!k.live) {
                fallbackUsed = true;
                price = PerpModel.fallbackPrice(k, true);
            }
            uint256 needed = Math.mulDiv(Math.mulDiv(side, price, WAD, Math.Rounding.Ceil), WAD, ratio, Math.Rounding.Ceil);
            if (needed > usd) usd = needed;
        }
    }

    // ------------------------------------------------------------------ insurance fund

    /// @notice The insurance fund never goes negative.
    function _checkInsuranceFund() internal view {
        int256 c = vault.collateralOf(address(fund));
        assertGe(c, int256(0), "fund collateral >= 0");
        assertEq(fund.balance(), uint256(c), "balance view");
    }

    // ------------------------------------------------------------------ fair premium

    /// @notice Each market's stored fair premium stays within ±maxPremium (its speed is recorded by the handler).
    function _checkFairPremium(Snapshot memory v) internal pure {
        for (uint256 m; m < MARKETS; ++m) {
            PerpModel.Market memory k = v.markets[m];
            assertLe(PerpModel.abs(k.storedFairPremium), k.maxPremium, "|fair premium| <= maxPremium");
        }
    }

    // ------------------------------------------------------------------ recorded by the handler

    /// @notice Every `violation*` counter of the handler is 0. What they record, around each action:
    ///         - Liquidation: only accounts below maintenance (equity − Σ MM at fair < 0, the trigger valuation falling
    ///           back on a failing oracle, never reverting) are liquidated; one below it is refused only by the partial
    ///           cooldown or `LiquidationBeyondBound` while no position's model close moves anything (counted apart in
    ///           `refusedBeyondBound`); each attempted close is exactly the model's forced close: the fit to its bound
    ///           (the fill of the whole close from the fair premium's skew; 32 bisection steps), or the whole position
    ///           when the fit would leave a remainder below the minimum position margin, none while its oracle fails
    ///           (a cut: no reward floor); a bankrupt account (equity ≤ 0 at fair) asks for all of every position; the
    ///           returned notional is Σ ⌈|size| × fill⌉ and the reward what the caller received; the fund tops a reward
    ///           up only when notional × feeRate ≥ minKeeperReward; a cut close pays no reward floor; the vault's value
    ///           plus its shortfall moves only by rounding; when positions remain, maintenance margin at fair rose (the
    ///           fee included).
    ///         - ADL and the pnl factor: the reduced candidate had the highest rank; a shortfall victim realises no
    ///           loss; the shortfall, the bankrupt account and the request move by exactly `covered`, plus the victim's
    ///           own debt (after the fund's cover) when the close left it flat in debt; the vault's value rises by what
    ///           the close saved against the victim's exit fill (never less than `covered`); whenever a victim can
    ///           cover, the head makes progress; with none, the head can be rotated after the stuck window (and the
    ///           next requests are worked the same way, so one with a victim behind stuck ones makes progress in the
    ///           same action) or written off (vault value unchanged); a reduction is accepted exactly while
    ///           traders' profit exceeds maxPnlFactor × cash, none is pending and some market's counterparty PnL is
    ///           negative (it targets the most negative, victims on its skew's side: checked on its event); a step
    ///           resolves exactly when the factor is within the limit or no candidate ranks above 0, else closes the
    ///           model's forced close of the top candidate, pays the model's fee and the caller keeperShare of the
    ///           vault's part of it (whole USDC, at most the vault's balance); `pnlFactor()` matches the model.
    ///         - Trades, caps and breakers: the fill is the exact integral of the clamped premium and the fee the
    ///           maker/taker split; the vault's net value moves by the fee it keeps, rounding aside (trades at a
    ///           constant oracle and time never move its exit value); a cap or breaker refuses only a trade that
    ///           increases what it caps, with the right numbers (the open-interest-to-cash limit: the grown side ×
    ///           oracle above cash after the trade's settlement × openInterestCashRatio); wherever the funding breaker
    ///           holds (tried after every action) and in `rebalance`, a skew-reducing trade within margin and the
    ///           side's room passes; after every action (and at each step of a held push), in every market whose
    ///           oracle answers and whose skew is not 0, a fresh account funded with 1,000,000 USDC trading
    ///           min(|skew|, 20,000 USD) against the skew (on a snapshot) is refused only by a cap on the side it grows
    ///           or the oracle-move breaker while it holds: no market is closed to skew-reducing trades (maxSkew and
    ///           the funding breaker included); the stored fair premium moves at most 0.1 % per hour; the owner's
    ///           cap, band and oracle changes the validator allows pass (also while the oracle fails).
    ///         - Liquidity vault: no view reverts (checked after every action, and an LP action whose max* view
    ///           reverts counts it); `valuationFallback` is true exactly while a market with something to value falls
    ///           back; deposits are closed then and while a shortfall is unresolved; every ERC-4626 call within its
    ///           max* view passes at its preview; after every action, redeeming the whole maxRedeem passes at
    ///           previewRedeem (also while an oracle fails).
    ///         - Users: a flat account's maxWithdraw is floor(collateral / 1e12) and withdrawing it passes, also while
    ///           an oracle fails; maxWithdraw never reverts; a withdrawal leaves an account at or above initial margin
    ///           (credit valuation); a reduce-only trade passes while its oracle is valid, except by the dust rule (exact
    ///           numbers, then the full close passes) or the voluntary-reduction rule (`BankruptCloseNeedsLiquidation`
    ///           with the model's collateral, only when flat in debt, or when collateral < 0 or the fill is beyond the
    ///           bound and the equity at fair after is ≤ 0); withdrawals within their views pass unless the liquidity
    ///           vault's balance is below the total debt (`refusedCounterpartyShort`); no trader ends flat with negative
    ///           collateral by its own trade; no shortfall is recorded twice.
    function _checkRecorded() internal view {
        (bytes32[] memory names, uint256[] memory counts) = handler.violationReport();
        for (uint256 i; i < names.length; ++i) {
            if (counts[i] != 0) {
                assertEq(counts[i], 0, _withLastRevert(string(abi.encodePacked("violation", names[i]))));
            }
        }
    }

    // ------------------------------------------------------------------ user guarantees

    /// @notice Every trader's (and the keeper's) `withdrawableUsd` equals the model's credit valuation: 0 unless
    ///         collateral > 0, then min(collateral, equity − Σ IM) with each position at the worse for it of its exit
    ///         fill and its fair price (a failing market at its last price moved against it by the breaker band, no
    ///         pending funding), IM at that price and its tier; a flat account's is its collateral. So unrealised
    ///         profit and one's own price impact are never withdrawable.
    function _checkWithdrawable(Snapshot memory v) internal view {
        for (uint256 i; i < v.accounts.length; ++i) {
            int256 collateral = vault.collateralOf(v.accounts[i]);
            int256 equity = collateral;
            uint256 im;
            for (uint256 m; m < MARKETS; ++m) {
                if (v.positions[i][m].size == 0) continue;
                (int256 value, uint256 positionIm) = PerpModel.positionCredit(v.markets[m], v.positions[i][m], v.tiers[m]);
                equity += value;
                im += positionIm;
            }
            uint256 withdrawable = PerpModel.withdrawableOf(collateral, equity, im, _flat(v, i));
            assertEq(vault.withdrawableUsd(v.accounts[i]), withdrawable, "withdrawable == credit valuation model");
        }
    }

    function _flat(Snapshot memory v, uint256 i) private pure returns (bool) {
        for (uint256 m; m < MARKETS; ++m) {
            if (v.positions[i][m].size != 0) return false;
        }
        return true;
    }

    /// @dev `message` followed by the latest violation's tag and the revert data of the latest unexpected revert.
    function _withLastRevert(string memory message) private view returns (string memory) {
        return string(
            abi.encodePacked(
                message, " [", handler.lastViolation(), "]: ", vm.toString(handler.lastUnexpectedRevert())
            )
        );
    }
}

/// @notice A deterministic drive of the handler that checks every action succeeds at least once and the rare
///         outcomes (partial and full liquidations, fund cover, forced closes cut by their bound, a liquidation that
///         skips a failing market, ADL shortfall and steps, pnl-factor reductions, breaker refusals,
///         open-interest-to-cash refusals, reductions refused by the voluntary-reduction rule, the funding breaker
///         holding while a skew-reducing trade passes, the skew-reducing probe passing while the funding breaker
///         holds and while |skew| is above maxSkew, ADL rotating past a second request without a victim,
///         withdrawals, LP exits and views while an oracle fails, owner changes while it fails) are reached, so the
///         invariant runs above exercise what they claim to.
/// @dev The 1,500 calls run in `setUp`: when a test fails, the runner executes it again to collect a stack trace, and
///      tracing 1,500 of these calls needs tens of GB; a failing `setUp` is not traced again that way.
contract ProtocolHandlerCoverageTest is ProtocolDeployment {
    function setUp() public {
        _deploy();
        uint256 seed = 0x5eed;
        for (uint256 i; i < 1500; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            _step(seed);
        }
    }

    function test_handler_exercisesEveryAction() public view {
        bytes32[] memory names = handler.actions();
        for (uint256 k; k < names.length; ++k) {
            assertTrue(handler.count(names[k]) > 0, string(abi.encodePacked(names[k])));
        }
        bytes32[27] memory outcomes = [
            bytes32("liquidate.partial"),
            "liquidate.full",
            "liquidate.fundCovered",
            "liquidate.shortfall",
            "liquidate.cut",
            "liquidate.beyondBound",
            "adl.reduced",
            "pnl.reduced",
            "open.breaker",
            "withdrawFlat.oracleDown",
            "withdraw.oracleDown",
            "lpRedeem.oracleDown",
            "lpExit.oracleDown",
            "lpViews.fallback",
            "fundingBreaker.held",
            "rebalance.fundingBreaker",
            "caps.oracleDown",
            "refused.openInterestCash",
            "reduce.bankruptMustLiquidate",
            "liquidate.oracleDownSkipped",
            "probe.passed.fundingBreaker",
            "probe.passed.overMaxSkew",
            "adl.rotateAgain",
            "transfer.withPositions",
            "transfer.refused",
            "withdraw.subAccount",
            "trade.subAccount"
        ];
        for (uint256 k; k < outcomes.length; ++k) {
            assertTrue(handler.count(outcomes[k]) > 0, string(abi.encodePacked(outcomes[k])));
        }
    }

    function _step(uint256 seed) private {
        uint256 a = seed >> 8;
        uint256 b = seed >> 72;
        uint256 c = seed >> 136;
        uint256 d = seed >> 200;
        uint256 action = seed % 20;
        if (action == 0) handler.deposit(a, b);
        else if (action == 1) handler.withdraw(a, b);
        else if (action == 2 || action == 12) handler.openPosition(a, b, c, seed & 0x100 != 0);
        else if (action == 3) handler.reducePosition(a, b, c);
        else if (action == 4) handler.movePrice(a, b);
        else if (action == 5) handler.warp(a);
        else if (action == 6) handler.liquidate(a, b);
        else if (action == 7) handler.lpDeposit(a);
        else if (action == 8) handler.lpWithdraw(a, b & 1 == 1);
        else if (action == 9) handler.sweepInsuranceFees();
        else if (action == 10) handler.toggleOracleFailure(a, b);
        else if (action == 11) handler.withdrawAllWhenFlat(a);
        else if (action == 13) handler.squeezePrice(a, b, c);
        else if (action == 14) handler.adl(a);
        else if (action == 15) handler.pushAndHold(a, b, c, d);
        else if (action == 16) handler.rebalance(a, b, c);
        else if (action == 17) handler.pnlReduction(a, b);
        else if (action == 18) handler.setCaps(a, b);
        else if (seed & 0x200 != 0) handler.transferBetweenSubAccounts(a, b, c);
        else handler.liquidate(b, a);
    }
}

/// @notice A sequence the invariant run found, reduced to exact numbers. (The other, an ADL victim left flat in debt,
///         is `adversarial/AdlVictimInDebt.t.sol`: the voluntary close that built its state here is now refused.)
contract DeleveragingRegressionTest is ProtocolDeployment {
    uint256 internal constant ETH = 0;

    address internal alice;
    address internal bob;

    function setUp() public {
        _deploy();
        (alice, bob) = (handler.trader(0), handler.trader(1));
    }

    /// @dev A pnl-factor step when the liquidity vault's balance is below its caller's reward (here negative). ETH:
    ///      oracle 2,000, K = 1M, maker 0.02 %, taker 0.05 %, LP 2,000,000; everything at T0, then the 60 s window.
    ///      - Alice (200,000 after a 100,000 top-up) buys 800 at 2,000 × (1 + 800 / 2M) = 2,000.8 (cost 1,600,640);
    ///        Bob buys 100 from skew 800: 2,000 × (1 + (900² − 800²) / (2M × 100)) = 2,001.7.
    ///      - Oracle 5,000. Alice sells 800 from skew 900: 5,000 × (1 + (900² − 100²) / (2M × 800)) = 5,002.5, realising
    ///        4,002,000 − 1,600,640 = 2,401,360; the vault pays it from 2,000,000 + 1,700.805 of fees: its balance is
    ///        −399,659.195.
    ///      - Bob's 100 is the only winner (cash 0, so any profit is over the limit); the request's step closes it
    ///        selling from skew 100: 5,000 × (1 + 100² / (2M × 100)) = 5,000.25 (its bound, from the fair premium's
    ///        skew 16.67 after 60 s at 0.1 %/h, is lower: it fits); maker fee 500,025 × 0.02 % = 100.005.
    ///      The caller's share of the vault's part of the fee, 20 % × (100.005 − floor(10 % × 100.005) = 90.0045) =
    ///      18.0009 → 18 USDC, exceeds the vault's balance: before the fix (10c3904) the payment reverted
    ///      InsufficientBalance and so did every step; now the reward is 0 and the close goes through.
    function test_pnlReduction_goesThroughWhenTheVaultCannotPayTheReward() public {
        _deposit(alice, 100_000e6);
        _trade(alice, ETH, 800e18);
        _trade(bob, ETH, 100e18);
        assertEq(engine.position(alice, ETH).openNotional, 1_600_640e18, "800 x 2,000.8");
        assertEq(engine.position(bob, ETH).openNotional, 200_170e18, "100 x 2,001.7");
        oracles[ETH].setPrice(5_000e18);
        _trade(alice, ETH, -800e18);
        assertEq(vault.collateralOf(address(lpVault)), -399_659.195e18, "2,000,000 + 1,700.805 - 2,401,360");

        liquidator.requestPnlReduction();
        liquidator.submitAdlCandidate(bob);
        vm.warp(T0 + 60);
        vm.expectEmit(address(liquidator));
        emit IAutoDeleveraging.PnlReductionExecuted(0, bob, -100e18, 5_000.25e18, 100.005e18, 0);
        vm.prank(handler.KEEPER());
        liquidator.executeAdl();
        assertEq(engine.position(bob, ETH).size, int256(0), "closed in full");
        assertEq(usdc.balanceOf(handler.KEEPER()), 0, "no reward out of a negative balance");
    }

    function _deposit(address a, uint256 amount) private {
        usdc.mint(a, amount);
        vm.prank(a);
        vault.deposit(amount);
    }
}
