// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WiredProtocolFixture} from "../utils/ProtocolFixtures.sol";

/// @notice The whole protocol as production wires it (real liquidity vault as counterparty, fund, liquidation engine),
///         plus helpers to list markets with chosen parameters and to move USDC in and out. No markets are listed.
///         Used by the regression tests of the second security review (the attacks found after the first fix).
abstract contract ReviewFixture is WiredProtocolFixture {
    address internal constant MALLORY = address(0x3A11);
    address internal constant MALLORY2 = address(0x3A12);
    address internal constant MALLORY3 = address(0x3A13);

    function setUp() public virtual {
        _deployProtocol();
    }
}
