// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {CollateralVault} from "../../../contracts/CollateralVault.sol";
import {LiquidityVault} from "../../../contracts/LiquidityVault.sol";
import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {MarketParams, NotionalTier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockCounterparty} from "../../../contracts/mocks/MockCounterparty.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {MockUSDC} from "../../../contracts/mocks/MockUSDC.sol";
import {WiredProtocolFixture} from "../utils/ProtocolFixtures.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The pricing formulas of SPEC §3 written out again, independently of `PricingMath`, so tests can derive
///         expected fills, fees and the liquidity vault's exit valuation without calling the contracts' own code.
/// @dev Units as in the contracts: prices and USD 18 decimals, sizes signed 18 decimals, fractions 18 decimals.
abstract contract ExitMath {
    uint256 internal constant WAD_ = 1e18;

    /// @dev G(s) = ∫₀^s clamp(u / K, −M, M) du in size × 1e18 units, rounded down: s² / (2K) while |s| ≤ M·K, else
    ///      M·|s| − M²·K / 2 (the flat part's constant rounded up, so that G itself is rounded down).
    function _g(int256 s, uint256 k, uint256 m) internal pure returns (uint256) {
        uint256 a = s >= 0 ? uint256(s) : uint256(-s);
        // |s| ≤ M·K (sizes and fractions both carry 18 decimals): a × 1e18 ≤ M × K, compared exactly.
        if (Math.mulDiv(a, WAD_, 1) <= Math.mulDiv(m, k, 1)) return Math.mulDiv(a * a, WAD_, 2 * k);
        return m * a - Math.mulDiv(m * m, k, 2 * WAD_, Math.Rounding.Ceil);
    }

    /// @dev The fill of a trade of `delta` at `skew`: oracle × (|Δ|·1e18 + sign(Δ)·(G(s+Δ) − G(s))) / (|Δ|·1e18),
    ///      rounded up for a buy and down for a sell.
    function _fillOf(uint256 oracle, int256 skew, int256 delta, uint256 k, uint256 m) internal pure returns (uint256) {
        uint256 size = delta >= 0 ? uint256(delta) : uint256(-delta);
        int256 area = int256(_g(skew + delta, k, m)) - int256(_g(skew, k, m));
        uint256 factor = uint256(int256(size * WAD_) + (delta > 0 ? area : -area));
        return Math.mulDiv(oracle, factor, size * WAD_, delta > 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
    }

    /// @dev Trading fee: the part of |Δ| that reduces |skew| at the maker rate, the rest at the taker rate, each part's
    ///      notional and fee rounded up.
    function _feeOf(int256 skew, int256 delta, uint256 fill, uint256 makerFee, uint256 takerFee)
        internal
        pure
        returns (uint256 fee)
    {
        uint256 size = delta >= 0 ? uint256(delta) : uint256(-delta);
        uint256 makerSize;
        if (skew != 0 && (skew > 0) != (delta > 0)) {
            uint256 absSkew = skew >= 0 ? uint256(skew) : uint256(-skew);
            makerSize = size < absSkew ? size : absSkew;
        }
        uint256 takerSize = size - makerSize;
        if (makerSize > 0) {
            fee = Math.mulDiv(Math.mulDiv(makerSize, fill, WAD_, Math.Rounding.Ceil), makerFee, WAD_, Math.Rounding.Ceil);
        }
        if (takerSize > 0) {
            fee += Math.mulDiv(Math.mulDiv(takerSize, fill, WAD_, Math.Rounding.Ceil), takerFee, WAD_, Math.Rounding.Ceil);
        }
    }

    /// @dev ceil(oracle × (skew·1e18 + G(skew)) / 1e36): what the traders' net position `skew` would realise if closed
    ///      now, rounded toward +∞ (against the liquidity vault, which holds −skew).
    function _netExitValueCeil(uint256 oracle, int256 skew, uint256 k, uint256 m) internal pure returns (int256) {
        int256 x = skew * int256(WAD_) + int256(_g(skew, k, m));
        uint256 q = Math.mulDiv(x >= 0 ? uint256(x) : uint256(-x), oracle, 1e36, x >= 0 ? Math.Rounding.Ceil : Math.Rounding.Floor);
        return x >= 0 ? int256(q) : -int256(q);
    }

    /// @dev a × b / 1e18 rounded toward −∞ (signed).
    function _mulWadFloor(int256 a, int256 b) internal pure returns (int256) {
        bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
        uint256 q = Math.mulDiv(_abs(a), _abs(b), WAD_, negative ? Math.Rounding.Ceil : Math.Rounding.Floor);
        return negative ? -int256(q) : int256(q);
    }

    /// @dev a × b / 1e18 rounded toward +∞ (signed).
    function _mulWadCeil(int256 a, int256 b) internal pure returns (int256) {
        return -_mulWadFloor(-a, b);
    }

    /// @dev The hourly funding rate: p + clamp(interest − p, ±c), capped to ±maxRate, with p = clamp(s/K, ±M)
    ///      truncated toward zero.
    function _rateOf(int256 skew, MarketParams memory p) internal pure returns (int256) {
        int256 raw = skew * int256(WAD_) / int256(uint256(p.skewScale)); // Solidity division truncates toward 0
        int256 maxP = int256(uint256(p.maxPremium));
        int256 prem = raw > maxP ? maxP : (raw < -maxP ? -maxP : raw);
        int256 gap = int256(uint256(p.fundingInterest)) - prem;
        int256 c = int256(uint256(p.fundingClamp));
        gap = gap > c ? c : (gap < -c ? -c : gap);
        int256 rate = prem + gap;
        int256 maxRate = int256(uint256(p.maxFundingRate));
        return rate > maxRate ? maxRate : (rate < -maxRate ? -maxRate : rate);
    }

    /// @dev rate × oracle × elapsed / 3600 / 1e18, truncated toward zero.
    function _indexDelta(int256 rate, uint256 oracle, uint256 elapsed) internal pure returns (int256) {
        uint256 q = Math.mulDiv(_abs(rate), oracle * elapsed, 3600 * WAD_);
        return rate < 0 ? -int256(q) : int256(q);
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }
}

/// @notice The fully wired protocol (real liquidity vault as counterparty) with markets whose parameters make every
///         number workable by hand: ETH at 2,000 (K = 1M, M = 10 %), BTC at 50,000 (same shape) and a thin market
///         THIN at 100 with K = 2,000 and M = 1 %, so its premium clamps at |skew| = 20.
abstract contract EngineVaultFixture is WiredProtocolFixture, ExitMath {
    uint256 internal constant NO_CAP = type(uint256).max;

    MockOracleAdapter internal ethOracle;
    MockOracleAdapter internal btcOracle;
    MockOracleAdapter internal thinOracle;
    uint256 internal eth;
    uint256 internal btc;
    uint256 internal thin;

    function _setUpProtocol(uint256 providerDeposit) internal {
        _deployProtocol();
        ethOracle = new MockOracleAdapter(2_000e18);
        btcOracle = new MockOracleAdapter(50_000e18);
        thinOracle = new MockOracleAdapter(100e18);
        NotionalTier[] memory tiers = oneTier(10e18, 0.05e18);
        eth = engine.listMarket("ETH", _marketParams(ethOracle, 1_000_000e18, 0.1e18, 5_000e18, 10_000e18), tiers);
        btc = engine.listMarket("BTC", _marketParams(btcOracle, 1_000_000e18, 0.1e18, 5_000e18, 10_000e18), tiers);
        thin = engine.listMarket("THIN", _marketParams(thinOracle, 2_000e18, 0.01e18, 400e18, 1_000e18), tiers);
        if (providerDeposit > 0) _lpDeposit(PROVIDER, providerDeposit);
    }

    /// @dev `ethParams` (maker 2 bp, taker 5 bp, funding interest 0.00125 %/h within ±0.00625 %, τ 300 s) with the
    ///      given premium shape and caps and no minimum margin.
    function _marketParams(IOracleAdapter oracle, uint256 k, uint256 m, uint256 maxSkew, uint256 maxOi)
        internal
        pure
        returns (MarketParams memory mp)
    {
        mp = ethParams(oracle);
        mp.maxPremium = uint64(m);
        mp.skewScale = uint128(k);
        mp.maxSkew = uint128(maxSkew);
        mp.maxOpenInterest = uint128(maxOi);
        mp.minPositionMargin = 0;
    }
}

/// @notice A liquidity vault over a plain collateral vault whose counterparty is a `MockCounterparty`: its PnL,
///         backing and fallback flag are set directly.
abstract contract MockVaultFixture is TestBase {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA201);
    address internal constant TRADER = address(0x7EADE2);
    uint256 internal constant ONE_USDC = 1e6;
    uint256 internal constant NO_CAP = type(uint256).max;

    MockUSDC internal usdc;
    CollateralVault internal cv;
    LiquidityVault internal lp;
    MockCounterparty internal cp;

    /// @dev Alice, Bob, Carol and the trader hold 100,000,000 USDC each.
    function _setUpVault() internal {
        _setUpVault([ALICE, BOB, CAROL, TRADER], 100_000_000 * ONE_USDC);
    }

    /// @dev Deploys the vaults and the mock counterparty, makes this contract a balance manager (for `_payFee`) and
    ///      mints `usdcEach` to each of `users`, who approve both vaults.
    function _setUpVault(address[4] memory users, uint256 usdcEach) internal {
        usdc = new MockUSDC();
        cv = new CollateralVault(IERC20(address(usdc)), address(this));
        lp = new LiquidityVault(cv, address(this), NO_CAP);
        cp = new MockCounterparty();
        lp.setCounterparty(cp);
        cv.setBalanceManager(address(this), true);
        for (uint256 i; i < users.length; ++i) {
            usdc.mint(users[i], usdcEach);
            vm.startPrank(users[i]);
            usdc.approve(address(lp), type(uint256).max);
            usdc.approve(address(cv), type(uint256).max);
            vm.stopPrank();
        }
    }

    function _deposit(address who, uint256 assets) internal returns (uint256 shares) {
        vm.prank(who);
        shares = lp.deposit(assets, who);
    }

    function _redeem(address who, uint256 shares) internal returns (uint256 assets) {
        vm.prank(who);
        assets = lp.redeem(shares, who, who);
    }

    /// @dev Moves `usd` of a trader's collateral into the vault's account, as the engine does with a fee.
    function _payFee(uint256 usd) internal {
        vm.prank(TRADER);
        cv.deposit((usd + 1e12 - 1) / 1e12);
        cv.transferBalance(TRADER, address(lp), usd);
    }
}
