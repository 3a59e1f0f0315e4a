/**
 * Bigint mirror of `contracts/libraries/FixedPointMath.sol`: 18-decimal fixed-point helpers.
 * Every name carries its rounding: `Down`/`Up` for unsigned (toward 0 / away from 0), `Floor`/`Ceil` for signed
 * (toward −∞ / +∞), `Trunc` toward 0. Products are exact (bigint, like OpenZeppelin's full-precision `mulDiv`).
 */
import { checkInt256, checkUint256, MIN_INT256, toInt256 } from "./int256.js";

/** 1.0 in 18-decimal fixed point (10^18). */
export const WAD = 10n ** 18n;

/** OpenZeppelin `Math.mulDiv` with Floor or Ceil rounding on uint256 operands (reverts → throws). */
function mulDivUnsigned(a: bigint, b: bigint, d: bigint, roundUp: boolean): bigint {
  checkUint256(a, "a");
  checkUint256(b, "b");
  checkUint256(d, "d");
  if (d === 0n) throw new RangeError("mulDiv: division by zero");
  const product = a * b;
  let q = product / d;
  if (roundUp && product % d !== 0n) q += 1n;
  return checkUint256(q, "mulDiv result");
}

/**
 * a × b / d rounded down (unsigned): ⌊a·b / d⌋, with the exact 512-bit product.
 * @throws RangeError if d = 0 or the result exceeds uint256 (the contract reverts).
 */
export function mulDivDown(a: bigint, b: bigint, d: bigint): bigint {
  return mulDivUnsigned(a, b, d, false);
}

/**
 * a × b / d rounded up (unsigned): ⌈a·b / d⌉.
 * @throws RangeError if d = 0 or the result exceeds uint256 (the contract reverts).
 */
export function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  return mulDivUnsigned(a, b, d, true);
}

/**
 * |x| as unsigned.
 * @throws RangeError for x = −2^255 (the contract's `-x` overflows).
 */
export function abs(x: bigint): bigint {
  checkInt256(x, "x");
  if (x === MIN_INT256) throw new RangeError("abs: int256 min has no positive counterpart");
  return x >= 0n ? x : -x;
}

/** x clamped to [lo, hi]: `x < lo ? lo : (x > hi ? hi : x)` (lo wins if lo > hi, as in the contract). */
export function clamp(x: bigint, lo: bigint, hi: bigint): bigint {
  checkInt256(x, "x");
  checkInt256(lo, "lo");
  checkInt256(hi, "hi");
  return x < lo ? lo : x > hi ? hi : x;
}

/** Floor rounds a negative result's magnitude up and a positive one's down; ceil the reverse. */
function mulDivSigned(a: bigint, b: bigint, d: bigint, floor: boolean): bigint {
  const negative = a < 0n !== b < 0n && a !== 0n && b !== 0n;
  const magnitudeUp = floor ? negative : !negative;
  const q = toInt256(mulDivUnsigned(abs(a), abs(b), d, magnitudeUp), "mulDiv result");
  return negative ? -q : q;
}

/**
 * a × b / d rounded toward −∞ (signed a, b; d > 0): ⌊a·b / d⌋.
 * @throws RangeError if d = 0, a or b = −2^255, or |result| ≥ 2^255.
 */
export function mulDivFloor(a: bigint, b: bigint, d: bigint): bigint {
  return mulDivSigned(a, b, d, true);
}

/**
 * a × b / d rounded toward +∞ (signed a, b; d > 0): ⌈a·b / d⌉.
 * @throws RangeError if d = 0, a or b = −2^255, or |result| ≥ 2^255.
 */
export function mulDivCeil(a: bigint, b: bigint, d: bigint): bigint {
  return mulDivSigned(a, b, d, false);
}

/**
 * a × b / d rounded toward zero (signed a, b; d > 0): sign(a·b) · ⌊|a|·|b| / d⌋.
 * @throws RangeError if d = 0, a or b = −2^255, or |result| ≥ 2^255.
 */
export function mulDivTrunc(a: bigint, b: bigint, d: bigint): bigint {
  const q = toInt256(mulDivUnsigned(abs(a), abs(b), d, false), "mulDiv result");
  return a < 0n !== b < 0n ? -q : q;
}
