/**
 * Solidity's 256-bit integer domain for the bigint mirrors in this folder.
 *
 * Every mirror checks its inputs against the Solidity parameter types and throws a `RangeError` wherever the
 * contract reverts (checked-arithmetic overflow, division by zero, `abs(type(int256).min)`, a `mulDiv` result that
 * does not fit). Where the contract would instead cast silently and wrap (e.g. `int256(x)` for `x ≥ 2^255`), the
 * mirror throws too: the contract's result there is not a meaningful number. Inside the domain the mirrors return
 * exactly what the contract returns.
 */

/** type(uint40).max = 2^40 − 1 (timestamps stored in 40 bits, e.g. an operator approval's expiry). */
export const MAX_UINT40 = (1n << 40n) - 1n;
/** type(uint256).max = 2^256 − 1. */
export const MAX_UINT256 = (1n << 256n) - 1n;
/** type(int256).max = 2^255 − 1. */
export const MAX_INT256 = (1n << 255n) - 1n;
/** type(int256).min = −2^255. */
export const MIN_INT256 = -(1n << 255n);

/** Returns `x` if it fits a `uint256` (0 ≤ x ≤ 2^256 − 1), else throws `RangeError`. */
export function checkUint256(x: bigint, what = "value"): bigint {
  if (x < 0n || x > MAX_UINT256) throw new RangeError(`${what} out of uint256 range: ${x}`);
  return x;
}

/** Returns `x` if it fits an `int256` (−2^255 ≤ x ≤ 2^255 − 1), else throws `RangeError`. */
export function checkInt256(x: bigint, what = "value"): bigint {
  if (x < MIN_INT256 || x > MAX_INT256) throw new RangeError(`${what} out of int256 range: ${x}`);
  return x;
}

/**
 * Solidity `int256(x)` of a `uint256` x, restricted to where it is value-preserving (x ≤ 2^255 − 1);
 * throws `RangeError` where the contract would wrap to a negative number.
 */
export function toInt256(x: bigint, what = "value"): bigint {
  checkUint256(x, what);
  if (x > MAX_INT256) throw new RangeError(`${what} does not fit int256: ${x}`);
  return x;
}

/**
 * Solidity `uint256(x)` of an `int256` x, restricted to where it is value-preserving (x ≥ 0);
 * throws `RangeError` where the contract would wrap a negative number to a huge one.
 */
export function toUint256(x: bigint, what = "value"): bigint {
  checkInt256(x, what);
  if (x < 0n) throw new RangeError(`${what} is negative, does not fit uint256: ${x}`);
  return x;
}
