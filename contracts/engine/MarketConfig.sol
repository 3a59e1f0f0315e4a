// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMarketConfig} from "../interfaces/IMarketConfig.sol";
import {MarketAdmin} from "./MarketAdmin.sol";
import {MarketParamsValidator} from "./MarketParamsValidator.sol";
import {PerpStorage} from "./PerpStorage.sol";

/// @title MarketConfig
/// @notice The engine's market registry as its trading code reads it (count, existence, pause), and the route to its
///         admin module: every call the engine's own code does not answer (`IMarketAdmin`: listing, parameters,
///         wiring, pauses, breakers, the views only integrators read) runs in `MarketAdmin` by DELEGATECALL on this
///         storage, from the fallback.
/// @dev The module's code does not count against the engine's size. The fallback forwards the calldata unchanged and
///      returns or reverts with the module's returndata as it is (no decoding), so the engine's address answers each of
///      the module's selectors with the module's exact ABI encoding, events (emitted by the engine) and errors; a
///      selector neither knows reverts with no data, as it did before the module existed. The fallback is not payable.
abstract contract MarketConfig is PerpStorage {
    /// @dev The admin module (see MarketAdmin), deployed by this contract's constructor with the parameter validator
    ///      (whose code counts against the constructor's size, not the engine's runtime code).
    address private immutable _admin;

    constructor() {
        _admin = address(new MarketAdmin(new MarketParamsValidator()));
        _globals.maxPositionsPerAccount = 8;
    }

    /// @notice Runs every call the engine's own code does not answer in the admin module (`IMarketAdmin`), on the
    ///         engine's storage, and returns or reverts with exactly what the module returned.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address admin = _admin;
        // The module's returndata is passed on as it is, whatever function it answered: only assembly can.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), admin, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ------------------------------------------------------------------ internal

    function _requireMarket(uint256 marketId) internal view {
        if (marketId >= _globals.marketCount) revert IMarketConfig.UnknownMarket(marketId);
    }

    /// @dev Whether the market is reduce-only because it or everything is paused.
    function _isReduceOnly(uint256 marketId) internal view returns (bool) {
        return _globals.globalPaused || _state[marketId].paused;
    }
}
