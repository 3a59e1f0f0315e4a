// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {InsuranceFund} from "../../../contracts/InsuranceFund.sol";
import {LiquidationConfig} from "../../../contracts/interfaces/ILiquidationEngine.sol";
import {
    AccountMargin, BreakerParams, MarketParams, MarketPrices, MarketState, Position, Tier
} from "../../../contracts/interfaces/PerpTypes.sol";
import {FixedPointMath} from "../../../contracts/libraries/FixedPointMath.sol";
import {LiquidationEngine} from "../../../contracts/LiquidationEngine.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {PerpEngine} from "../../../contracts/PerpEngine.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";
import {ProtocolHandler} from "./ProtocolHandler.sol";
import {Protocol, deployProtocol} from "../utils/ProtocolDeploy.sol";

/// @notice The real protocol wired as in production (LiquidationFixture + LiquidityVaultWithEngine), three markets and
///         the handler that drives it.
/// @dev Markets: 0 ETH (2,000, deep: skewScale 1M, default breakers), 1 BTC (60,000, thin: skewScale 2,000, premium
///      up to 2 %, funding up to 0.1 %/h, breakers loosened to a 50 % move), 2 RWA (150,000, no premium, fees or
///      funding, τ = 0, no minimum margin: exact prices and dust positions). Liquidation: defaults except a
///      100,000 USD partial threshold so slices happen; 10 % of trading fees go to the fund.
abstract contract ProtocolDeployment is TestBase {
    uint256 internal constant T0 = 1_700_000_000;

    MockUSDC internal usdc;
    CollateralVault internal vault;
    PerpEngine internal engine;
    LiquidityVault internal lpVault;
    InsuranceFund internal fund;
    LiquidationEngine internal liquidator;
    MockOracleAdapter[3] internal oracles;
    ProtocolHandler internal handler;

    function _deploy() internal {
        vm.warp(T0);
        Protocol memory p = deployProtocol(address(this));
        (usdc, vault, engine, lpVault, fund, liquidator) = (p.usdc, p.vault, p.engine, p.lpVault, p.fund, p.liquidator);
        engine.setInsuranceFeeShare(address(fund), 0.1e18);
        LiquidationConfig memory c = liquidator.config();
        c.partialNotional = 100_000e18;
        liquidator.setConfig(c);

        oracles[0] = new MockOracleAdapter(2_000e18);
        oracles[1] = new MockOracleAdapter(60_000e18);
        oracles[2] = new MockOracleAdapter(150_000e18);
        engine.listMarket("ETH", _ethParams(oracles[0]), _ethTiers());
        engine.listMarket("BTC", _btcParams(oracles[1]), _btcTiers());
        engine.listMarket("RWA", _rwaParams(oracles[2]), _rwaTiers());
        engine.setCircuitBreaker(1, BreakerParams({maxOracleMove: 0.5e18, maxFundingRate: 0.002e18, window: 1 hours}));

        handler = new ProtocolHandler(usdc, vault, engine, lpVault, fund, liquidator, oracles);
    }

    function _ethParams(MockOracleAdapter o) internal pure returns (MarketParams memory p) {
        p.oracle = o;
        p.fairTau = 300;
        p.maxPremium = 0.1e18;
        p.skewScale = 1_000_000e18;
        p.maxSkew = 5_000e18;
        p.maxOpenInterest = 10_000e18;
        p.minPositionMargin = 10e18;
        p.makerFee = 0.0002e18;
        p.takerFee = 0.0005e18;
        p.fundingInterest = 0.0000125e18;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.04e18;
    }

    function _ethTiers() internal pure returns (Tier[] memory tiers) {
        tiers = new Tier[](2);
        tiers[0] = Tier({upToNotional: 1_000_000e18, maxLeverage: 20e18, mmr: 0.025e18});
        tiers[1] = Tier({upToNotional: 5_000_000e18, maxLeverage: 10e18, mmr: 0.05e18});
    }

    function _btcParams(MockOracleAdapter o) internal pure returns (MarketParams memory p) {
        p.oracle = o;
        p.fairTau = 600;
        p.maxPremium = 0.02e18;
        p.skewScale = 2_000e18;
        p.maxSkew = 100e18;
        p.maxOpenInterest = 200e18;
        p.minPositionMargin = 50e18;
        p.makerFee = 0.0003e18;
        p.takerFee = 0.0008e18;
        p.fundingInterest = 0.0000125e18;
        p.fundingClamp = 0.0000625e18;
        p.maxFundingRate = 0.001e18;
    }

    function _btcTiers() internal pure returns (Tier[] memory tiers) {
        tiers = new Tier[](3);
        tiers[0] = Tier({upToNotional: 500_000e18, maxLeverage: 25e18, mmr: 0.02e18});
        tiers[1] = Tier({upToNotional: 2_000_000e18, maxLeverage: 10e18, mmr: 0.04e18});
        tiers[2] = Tier({upToNotional: 10_000_000e18, maxLeverage: 4e18, mmr: 0.1e18});
    }

    function _rwaParams(MockOracleAdapter o) internal pure returns (MarketParams memory p) {
        p = _ethParams(o);
        p.maxPremium = 0;
        p.makerFee = 0;
        p.takerFee = 0;
        p.fairTau = 0;
        p.minPositionMargin = 0;
        p.fundingInterest = 0;
    }

    function _rwaTiers() internal pure returns (Tier[] memory tiers) {
        tiers = new Tier[](1);
        tiers[0] = Tier({upToNotional: 10_000_000e18, maxLeverage: 5e18, mmr: 0.05e18});
    }
}

/// @notice Stateful invariants of the whole protocol (SPEC §4–6). Run alone with both files, so that the handler's
///         artifact is known to the fuzzer:
///         `npx hardhat test solidity test/solidity/invariant/Protocol.invariant.t.sol test/solidity/invariant/ProtocolHandler.sol`
contract ProtocolInvariantTest is ProtocolDeployment {
    uint256 internal constant WAD = 1e18;

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    function setUp() public {
        _deploy();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the actions (not the handler's ghost getters) are called.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory s = new bytes4[](14);
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
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: s});
    }

    // ------------------------------------------------------------------ solvency

    /// @notice The ledger is exactly backed: USDC held × 1e12 == totalCollateral == Σ signed collateral of every
    ///         account that ever held any, i.e. Σ positive − Σ |negative| == USDC held × 1e12. Negative collateral
    ///         on a flat trader account is bad debt only ADL repays: it is at most what the liquidation engine
    ///         recorded as ADL shortfall (no account reaches it by its own trade), and the liquidity vault's value
    ///         excludes exactly that shortfall.
    function invariant_solvency() public view {
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
        for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
            address t = handler.trader(i);
            int256 c = vault.collateralOf(t);
            if (c < 0 && engine.accountMarkets(t).length == 0) flatDebt += uint256(-c);
        }
        assertLe(flatDebt, liquidator.totalShortfall(), "flat debt <= recorded ADL shortfall");
        assertEq(lpVault.unresolvedShortfallUsd(), liquidator.totalShortfall(), "vault value excludes the shortfall");
        assertEq(handler.violationSelfClosedBankruptcy(), 0, "bankrupt account closed itself");
        assertEq(handler.violationShortfallRecounted(), 0, "shortfall recorded twice");
    }

    // ------------------------------------------------------------------ conservation

    /// @notice Every value move is zero-sum: Σ over users (traders, keeper) of (collateral − net deposits) + the
    ///         liquidity vault's account change + the fund's change + the liquidation engine's account + keeper
    ///         rewards paid out in USDC == 0 (PnL, funding, fees, fund payouts and socialised loss all net out; an ADL
    ///         step moves value between accounts of the sum: the victim's close with the liquidity vault and the
    ///         vault's repayment of the bankrupt account).
    function invariant_conservation() public view {
        int256 total;
        for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
            total += _userChange(handler.trader(i));
        }
        total += _userChange(handler.KEEPER());
        total += vault.collateralOf(address(lpVault))
            - (int256(handler.lpAssetsIn()) - int256(handler.lpAssetsOut())) * 1e12;
        total += vault.collateralOf(address(fund)) - int256(handler.fundSeeded()) * 1e12;
        total += vault.collateralOf(address(liquidator));
        total += int256(handler.keeperRewardsPaid()) * 1e12;
        assertEq(total, int256(0), "zero-sum");
        assertEq(vault.collateralOf(address(liquidator)), int256(0), "liquidation engine keeps nothing between calls");
    }

    // ------------------------------------------------------------------ open interest and market sums

    /// @notice Per market: OI long / short == Σ long sizes / Σ |short sizes|; skew == Σ sizes; sumOpenNotional ==
    ///         Σ openNotional; sumFundingBasis == Σ ceil(size × lastFundingIndex / 1e18); a flat position has no cost
    ///         basis; an account's market set is exactly the markets where it holds a position.
    function invariant_marketSums() public view {
        for (uint256 m; m < 3; ++m) {
            MarketState memory s = engine.marketState(m);
            uint256 longs;
            uint256 shorts;
            int256 skew;
            int256 openNotional;
            int256 basis;
            for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
                Position memory p = engine.position(handler.trader(i), m);
                if (p.size > 0) longs += uint256(int256(p.size));
                else shorts += uint256(-int256(p.size));
                skew += p.size;
                openNotional += p.openNotional;
                basis += FixedPointMath.mulDivCeil(p.size, p.lastFundingIndex, WAD);
                if (p.size == 0) assertEq(int256(p.openNotional), int256(0), "flat: no cost basis");
            }
            assertEq(longs, s.openInterestLong, "OI long");
            assertEq(shorts, uint256(int256(uint256(s.openInterestLong)) - s.skew), "OI short");
            assertEq(skew, s.skew, "skew");
            assertEq(openNotional, s.sumOpenNotional, "sumOpenNotional");
            assertEq(basis, s.sumFundingBasis, "sumFundingBasis");
        }
        for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
            address t = handler.trader(i);
            uint256[] memory ids = engine.accountMarkets(t);
            uint256 held;
            for (uint256 m; m < 3; ++m) {
                if (engine.position(t, m).size != 0) held++;
            }
            assertEq(ids.length, held, "account market set");
            for (uint256 k; k < ids.length; ++k) {
                assertTrue(engine.position(t, ids[k]).size != 0, "listed market holds a position");
            }
        }
    }

    // ------------------------------------------------------------------ funding

    /// @notice Funding is zero-sum and its rounding favours the protocol. Per market with a live oracle, with I the
    ///         pending index (`marketPrices.fundingIndex`) and n open positions:
    ///         owed = Σ accruedFunding (each ceil(size × (I − lastIndex))), receivable = floor(skew × I) −
    ///         sumFundingBasis (what the liquidity vault counts); 0 ≤ owed − receivable ≤ 2n (each position's two
    ///         ceilings add < 2 wei, the floor < 1, and the sum is an integer).
    ///         And the valuation mirror: Σ traders' (PnL at mark − owed) + the vault's part of counterpartyPnl is in
    ///         [−3n, 0] (both sides are rounded down), and Σ markets − pending fees == counterpartyPnl().
    function invariant_fundingAndValuation() public view {
        int256 counterparty = -int256(engine.pendingInsuranceFees());
        bool allLive = true;
        for (uint256 m; m < 3; ++m) {
            if (handler.oracle(m).failing()) {
                allLive = false;
                continue;
            }
            MarketState memory s = engine.marketState(m);
            MarketPrices memory mp = engine.marketPrices(m);
            int256 owed;
            int256 traderValue;
            int256 n;
            for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
                address t = handler.trader(i);
                if (engine.position(t, m).size == 0) continue;
                n++;
                int256 f = engine.accruedFunding(t, m);
                owed += f;
                traderValue += engine.unrealisedPnl(t, m) - f;
            }
            int256 receivable = FixedPointMath.mulDivFloor(s.skew, mp.fundingIndex, WAD) - s.sumFundingBasis;
            assertGe(owed - receivable, int256(0), "funding: traders owe at least what the vault counts");
            assertGe(2 * n, owed - receivable, "funding: residue <= 2 wei per position");
            int256 vaultPart = s.sumOpenNotional - FixedPointMath.mulDivCeil(s.skew, int256(mp.markPrice), WAD)
                + receivable;
            assertGe(int256(0), traderValue + vaultPart, "mirror: never overstated");
            assertGe(traderValue + vaultPart, -3 * n, "mirror: rounding only");
            counterparty += vaultPart;
        }
        if (allLive) assertEq(counterparty, _cpPnl(engine), "counterpartyPnl composition");
    }

    // ------------------------------------------------------------------ insurance fund

    /// @notice The insurance fund never goes negative.
    function invariant_insuranceFundNonNegative() public view {
        int256 c = vault.collateralOf(address(fund));
        assertGe(c, int256(0), "fund collateral >= 0");
        assertEq(fund.balance(), uint256(c), "balance view");
    }

    // ------------------------------------------------------------------ liquidation

    /// @notice Only accounts below maintenance margin (equity − Σ MM at fair prices < 0) are liquidated; an account
    ///         below it is never refused (except during the partial cooldown); each liquidation closes everything or
    ///         raises maintenance margin, at fair prices or, when the fair price lags a jump, at mark prices (what
    ///         the fills realise; counted in `liquidationWorsenedAtFairOnly`), the fee included; an account whose
    ///         equity is ≤ 0 at fair or at mark is never only sliced.
    function invariant_liquidationOnlyBelowMaintenanceAndImproves() public view {
        assertEq(handler.violationLiquidatedHealthy(), 0, "liquidated at maintenance margin >= 0");
        assertEq(handler.violationLiquidatableRefused(), 0, "liquidatable account refused");
        assertEq(handler.violationLiquidationNoImprovement(), 0, "liquidation improved maintenance margin nowhere");
        assertEq(handler.violationSlicedWhileBankrupt(), 0, "bankrupt account only sliced");
    }

    // ------------------------------------------------------------------ auto-deleveraging

    /// @notice ADL reduces the highest-ranked candidate, never at a realised loss for it, and covers exactly what it
    ///         reports: the shortfall, the bankrupt account's debt and the request move by that amount, and the
    ///         request resolves once covered.
    function invariant_adl() public view {
        assertEq(handler.violationAdlOrder(), 0, "lower-ranked victim reduced");
        assertEq(handler.violationAdlVictimLoss(), 0, "victim's profit turned into a loss");
        assertEq(handler.violationAdlAccounting(), 0, "ADL accounting");
    }

    // ------------------------------------------------------------------ user guarantees

    /// @notice A flat account can always withdraw everything (maxWithdraw == floor(collateral / 1e12), even with a
    ///         failing oracle); a reduce-only trade always goes through while its oracle is valid; withdrawals and
    ///         ERC-4626 calls within their max* views succeed (bad debt awaiting ADL is excluded from the liquidity
    ///         vault's limits, so every claim within its view is backed), unless the liquidity vault itself holds
    ///         less than the total debt (see `refusedCounterpartyShort`); unrealised profit is never withdrawable: withdrawable ≤ max(0, collateral)
    ///         and ≤ max(0, equity − Σ IM) at mark prices (SPEC §5).
    function invariant_userGuarantees() public view {
        if (!handler.anyOracleFailing()) {
            for (uint256 i; i < handler.TRADER_COUNT(); ++i) {
                address t = handler.trader(i);
                AccountMargin memory m = engine.accountMargin(t);
                uint256 w = vault.withdrawableUsd(t);
                assertLe(w, m.collateral > 0 ? uint256(m.collateral) : 0, "withdrawable <= collateral");
                int256 free = m.equity - int256(m.initialMargin);
                assertLe(w, free > 0 ? uint256(free) : 0, "withdrawable <= equity - IM");
            }
        }
        assertEq(handler.violationFlatMaxWithdraw(), 0, "flat maxWithdraw == floor(collateral)");
        assertEq(handler.violationFlatWithdraw(), 0, _withLastRevert("flat account withdraws everything"));
        assertEq(handler.violationReduceRefused(), 0, "reduce-only trade refused with a valid oracle");
        assertEq(handler.violationWithdrawWithinMax(), 0, _withLastRevert("withdraw within maxWithdraw refused"));
        assertEq(handler.violationLpWithinMax(), 0, _withLastRevert("ERC-4626 call within its max refused"));
    }

    /// @notice The handler itself never reverts (every expected revert is caught), so every call is counted.
    function afterInvariant() public view {
        assertTrue(handler.successes() > 0 || handler.calls() == 0, "the run did something");
    }

    /// @dev `message` followed by the revert data of the handler's latest unexpected revert.
    function _withLastRevert(string memory message) private view returns (string memory) {
        return string(abi.encodePacked(message, ": ", vm.toString(handler.lastUnexpectedRevert())));
    }

    function _userChange(address a) private view returns (int256) {
        return vault.collateralOf(a) - (int256(handler.deposited(a)) - int256(handler.withdrawn(a))) * 1e12;
    }
}

/// @notice A deterministic drive of the handler that checks every action succeeds at least once and the rare
///         outcomes (partial and full liquidations, fund cover, ADL shortfall, breaker refusals, a flat withdrawal
///         while an oracle fails) are reached, so the invariant runs above exercise what they claim to.
contract ProtocolHandlerCoverageTest is ProtocolDeployment {
    function setUp() public {
        _deploy();
    }

    function test_handler_exercisesEveryAction() public {
        uint256 seed = 0x5eed;
        for (uint256 i; i < 1500; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            _step(seed);
        }
        bytes32[] memory names = handler.actions();
        for (uint256 k; k < names.length; ++k) {
            assertTrue(handler.count(names[k]) > 0, string(abi.encodePacked(names[k])));
        }
        assertTrue(handler.count("liquidate.partial") > 0, "partial liquidation");
        assertTrue(handler.count("liquidate.full") > 0, "full liquidation");
        assertTrue(handler.count("liquidate.fundCovered") > 0, "bad debt covered by the fund");
        assertTrue(handler.count("liquidate.shortfall") > 0, "shortfall left for ADL");
        assertTrue(handler.count("adl.reduced") > 0, "ADL reduced a victim");
        assertTrue(handler.count("open.breaker") > 0, "breaker refusal");
        assertTrue(handler.count("withdrawFlat.oracleDown") > 0, "flat withdrawal with a failing oracle");
    }

    function _step(uint256 seed) private {
        uint256 a = seed >> 8;
        uint256 b = seed >> 72;
        uint256 c = seed >> 136;
        uint256 action = seed % 15;
        if (action == 0) handler.deposit(a, b);
        else if (action == 1) handler.withdraw(a, b);
        else if (action == 13) handler.squeezePrice(a, b, c);
        else if (action == 14) handler.adl(a);
        else if (action == 2 || action == 12) handler.openPosition(a, b, c, seed & 0x100 != 0);
        else if (action == 3) handler.reducePosition(a, b, c);
        else if (action == 4) handler.movePrice(a, b);
        else if (action == 5) handler.warp(a);
        else if (action == 6) handler.liquidate(a, b);
        else if (action == 7) handler.lpDeposit(a);
        else if (action == 8) handler.lpWithdraw(a, b & 1 == 1);
        else if (action == 9) handler.sweepInsuranceFees();
        else if (action == 10) handler.toggleOracleFailure(a, b);
        else handler.withdrawAllWhenFlat(a);
    }
}
