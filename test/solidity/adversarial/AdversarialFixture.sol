// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MarketParams, Tier} from "../../../contracts/interfaces/PerpTypes.sol";
import {MockOracleAdapter} from "../../../contracts/mocks/MockOracleAdapter.sol";
import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";

/// @notice The liquidation fixture (engine, plain LP account with 1M, fund, liquidation engine, RWA market) plus a
///         helper that lists an exact market: no fees, funding interest 0, τ = 0, no minimum margin, one tier.
abstract contract AdversarialFixture is LiquidationFixture {
    /// @dev Lists a market at `price` with the given premium shape, caps and single tier; returns its id.
    function _listExactMarket(
        bytes32 symbol,
        MockOracleAdapter oracle,
        uint256 skewScale,
        uint256 maxPremium,
        uint256 maxSkew,
        uint256 maxOpenInterest,
        Tier memory tier
    ) internal returns (uint256) {
        MarketParams memory p = exactParams(oracle);
        p.skewScale = uint128(skewScale);
        p.maxPremium = uint64(maxPremium);
        p.maxSkew = uint128(maxSkew);
        p.maxOpenInterest = uint128(maxOpenInterest);
        Tier[] memory tiers = new Tier[](1);
        tiers[0] = tier;
        return engine.listMarket(symbol, p, tiers);
    }

    /// @dev Protocol side: the counterparty account plus the insurance fund plus the fund's share still pending in the
    ///      counterparty account is already inside the counterparty's collateral.
    function _protocolCollateral() internal view returns (int256) {
        return vault.collateralOf(LP) + vault.collateralOf(address(fund));
    }

    function _assertLedgerBacked() internal view {
        assertEq(usdc.balanceOf(address(vault)) * 1e12, vault.totalCollateral(), "tokens x 1e12 == totalCollateral");
    }
}
