/**
 * Bigint mirror of `contracts/libraries/TokenUnits.sol`: 6-decimal USDC units ↔ 18-decimal USD.
 * The rounding direction is in the name, as in the contract.
 */

/** One USDC unit in 18-decimal USD (10^12). */
export const TOKEN_TO_USD_SCALE = 10n ** 12n;

/** 6-decimal token units to 18-decimal USD. Exact. */
export function toUsd(tokenAmount: bigint): bigint {
  if (tokenAmount < 0n) throw new RangeError("tokenAmount must be >= 0");
  return tokenAmount * TOKEN_TO_USD_SCALE;
}

/** 18-decimal USD to token units, rounded down (what a user may take out). */
export function toTokenDown(usdAmount: bigint): bigint {
  if (usdAmount < 0n) throw new RangeError("usdAmount must be >= 0");
  return usdAmount / TOKEN_TO_USD_SCALE;
}

/** 18-decimal USD to token units, rounded up (what a user must bring in). */
export function toTokenUp(usdAmount: bigint): bigint {
  if (usdAmount < 0n) throw new RangeError("usdAmount must be >= 0");
  return (usdAmount + TOKEN_TO_USD_SCALE - 1n) / TOKEN_TO_USD_SCALE;
}
