// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "../../../contracts/interfaces/IOracleAdapter.sol";
import {MarketParams} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {WiredProtocolFixture} from "../utils/ProtocolFixtures.sol";

/// @notice The fully wired protocol (`deployProtocol`: real liquidity vault as counterparty, insurance fund,
///         liquidation engine) with the local deployment's ETH market as the security review used it
///         (`localEthParamsAsReviewed`, deploy/config/local-markets.ts at commit 1005906): oracle 3,000, skewScale
///         1,000,000 ETH, maxPremium 10 %, maxSkew = maxOpenInterest = 50,000 ETH, minimum position margin 10 USD,
///         maker 2 bp, taker 5 bp, funding interest 0.00125 %/h, clamp 0.00625 %/h, cap 4 %/h, fairTau 300 s; tiers
///         ≤ 1M USD: 20x / mmr 2.5 %, ≤ 10M USD: 10x / mmr 5 % (`cryptoTiers`). Nobody has deposited anything yet.
/// @dev The local deployment now lists ETH with maxSkew 680 ETH (inside the 0.0625 %/h funding band, which the
///      validator ties to maxSkew) and sets openInterestCashRatio 50 %: `LOCAL_ETH_MAX_SKEW`. Every other parameter is
///      unchanged.
abstract contract LocalProtocolFixture is WiredProtocolFixture {
    address internal constant PROVIDER2 = address(0x9998);
    address internal constant DAN = address(0xDA2);
    address internal constant ERIN = address(0xE21);

    uint256 internal constant ETH_PRICE = 3_000e18;

    MockOracleAdapter internal ethOracle;
    uint256 internal eth;

    function setUp() public virtual {
        _deployProtocol();
        ethOracle = new MockOracleAdapter(ETH_PRICE);
        eth = engine.listMarket("ETH", localEthParamsAsReviewed(_ethAdapter()), cryptoTiers());
    }

    /// @dev The adapter the ETH market is listed with: the settable mock `ethOracle` unless a test overrides it.
    function _ethAdapter() internal virtual returns (IOracleAdapter) {
        return ethOracle;
    }

    /// @dev The local BTC market's parameters as the review used them: 60,000, skewScale 50,000 BTC, maxSkew =
    ///      maxOpenInterest = 2,500 BTC (the local deployment now caps its skew at 34 BTC).
    function localBtcParams(IOracleAdapter oracle) internal pure returns (MarketParams memory p) {
        p = localEthParamsAsReviewed(oracle);
        p.skewScale = 50_000e18;
        p.maxSkew = 2_500e18;
        p.maxOpenInterest = 2_500e18;
    }
}
