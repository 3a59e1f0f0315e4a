// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EngineFixture} from "./EngineFixture.sol";

/// @notice The engine keeps at least 3 KB of headroom under EIP-170's 24,576-byte limit (room for the features that
///         come next), and its admin module fits under the limit too.
contract PerpEngineSizeTest is EngineFixture {
    uint256 internal constant EIP170_LIMIT = 24_576;
    uint256 internal constant HEADROOM = 3 * 1024;

    /// @dev The engine's constructor deploys the validator (its nonce 1), then the admin module (nonce 2).
    function _module() internal view returns (address) {
        return address(
            uint160(uint256(keccak256(abi.encodePacked(bytes1(0xd6), bytes1(0x94), address(engine), bytes1(0x02)))))
        );
    }

    function test_engine_keepsThreeKilobytesOfHeadroom() public view {
        uint256 size = address(engine).code.length;
        assertTrue(size > 0, "deployed");
        assertLe(size, EIP170_LIMIT - HEADROOM, "PerpEngine runtime size above 21,504 bytes");
    }

    function test_adminModule_underTheLimit() public view {
        uint256 size = _module().code.length;
        assertTrue(size > 0, "deployed");
        assertLe(size, EIP170_LIMIT, "MarketAdmin runtime size above the limit");
    }
}
