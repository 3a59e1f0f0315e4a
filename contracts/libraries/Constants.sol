// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Units and protocol-wide limits, declared once as file-level constants (SPEC §2). A constant used by one contract
// or library only stays there; what two or more share lives here. Import by name: `import {WAD} from ...`.

/// @dev 1.0 in 18-decimal fixed point: the unit of every USD amount, price, size and rate (SPEC §2).
uint256 constant WAD = 1e18;

/// @dev Decimals of every internal USD amount and of every normalised price.
uint8 constant USD_DECIMALS = 18;

/// @dev Decimals of the collateral token (USDC).
uint8 constant TOKEN_DECIMALS = 6;

/// @dev 10^(USD_DECIMALS − TOKEN_DECIMALS) = 1e12: one collateral-token unit in 18-decimal USD. Written as a literal:
///      a constant is inlined as its expression, and `10 ** (18 − 6)` on uint8 operands would be evaluated, with its
///      overflow checks, at every use.
uint256 constant TOKEN_TO_USD_SCALE = 1e12;

/// @dev Seconds in an hour: funding rates and the fair-premium drift are quoted per hour.
uint256 constant ONE_HOUR = 1 hours;

/// @dev Hard cap on the markets one account may hold positions in (the engine's limit and the size of its market
///      list).
uint256 constant MAX_POSITIONS_PER_ACCOUNT = 16;

/// @dev Hard upper bound of every Chainlink feed heartbeat an oracle adapter accepts, seconds.
uint256 constant MAX_FEED_HEARTBEAT = 2 days;

/// @dev Hard upper bound of the L2 sequencer grace period an oracle adapter accepts, seconds.
uint256 constant MAX_SEQUENCER_GRACE_PERIOD = 1 days;

/// @dev Hard upper bound of any oracle adapter's `maxPrice` (and of any price it returns), 18 decimals.
uint256 constant MAX_ORACLE_PRICE = 1e36;

/// @dev Reasons the insurance fund records a payout under (its totals and the `Paid` event).
bytes32 constant INSURANCE_BAD_DEBT = "badDebt";
/// @dev See INSURANCE_BAD_DEBT.
bytes32 constant INSURANCE_KEEPER_REWARD = "keeperReward";
