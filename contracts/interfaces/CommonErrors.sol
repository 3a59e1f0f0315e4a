// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Custom errors that more than one contract reverts with, declared once as file-level errors. A contract's ABI lists
// each one it can revert with, so selectors and ABIs are those of the former per-interface copies. Import by name:
// `import {ZeroAddress} from ...`; tests match them as `ZeroAddress.selector`.

// ------------------------------------------------------------------------------------------------ general

/// @notice A zero address was passed where an account, a contract or a feed is required (or an optional part of a
///         configuration was given without its address).
error ZeroAddress();

/// @notice A parameter is outside its hard bounds.
/// @param parameter The parameter's name.
/// @param value The rejected value.
/// @param min Smallest allowed value.
/// @param max Largest allowed value.
error ParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 min, uint256 max);

// ------------------------------------------------------------------------------------------------ oracle configuration

/// @notice A heartbeat (staleness limit) outside `[1, MAX_HEARTBEAT]`.
/// @param heartbeat The rejected value, seconds.
error InvalidHeartbeat(uint256 heartbeat);

/// @notice A sequencer grace period above `MAX_GRACE_PERIOD`.
/// @param gracePeriod The rejected value, seconds.
error InvalidGracePeriod(uint256 gracePeriod);

/// @notice Price bounds that are not `0 < minPrice < maxPrice <= MAX_PRICE_LIMIT`.
/// @param minPrice The rejected lower bound.
/// @param maxPrice The rejected upper bound.
error InvalidPriceBounds(uint256 minPrice, uint256 maxPrice);

/// @notice A feed reports more decimals than the adapters normalise (36).
/// @param feed The feed.
/// @param decimals Its reported decimals.
error UnsupportedFeedDecimals(address feed, uint8 decimals);

// ------------------------------------------------------------------------------------------------ oracle reads

/// @notice The price lies outside the adapter's `[minPrice, maxPrice]` (both inclusive).
/// @param price The price, 18 decimals.
/// @param minPrice The lowest accepted price, 18 decimals.
/// @param maxPrice The highest accepted price, 18 decimals.
error PriceOutOfBounds(uint256 price, uint256 minPrice, uint256 maxPrice);

/// @notice The L2 sequencer is reported down (answer 1).
error SequencerDown();

/// @notice The L2 sequencer is up but came back too recently (`block.timestamp - startedAt <= gracePeriod`).
/// @param startedAt When the sequencer status last changed.
/// @param gracePeriod The configured grace period, seconds.
error SequencerGracePeriodNotOver(uint256 startedAt, uint256 gracePeriod);

/// @notice The sequencer feed's round is not usable: `startedAt` is 0 or in the future, or the answer is neither 0
///         (up) nor 1 (down).
error SequencerStatusInvalid();
