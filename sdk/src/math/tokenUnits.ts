/**
 * Bigint mirror of `contracts/libraries/TokenUnits.sol`: 6-decimal USDC units ↔ 18-decimal USD.
 * The rounding direction is in the name, as in the contract.
 */
import { MAX_UINT256 } from "./int256.js";

/** One USDC unit in 18-decimal USD (10^12). */
export const TOKEN_TO_USD_SCALE = 10n ** 12n;

/** 6-decimal token units to 18-decimal USD: tokenAmount × 10^12. Exact; throws where the contract overflows. */
export function toUsd(tokenAmount: bigint): bigint {
  if (tokenAmount < 0n) throw new RangeError("tokenAmount must be >= 0");
  const usd = tokenAmount * TOKEN_TO_USD_SCALE;
  if (usd > MAX_UINT256) throw new RangeError("toUsd overflows uint256");
  return usd;
}

/** 18-decimal USD to token units, rounded down (what a user may take out): ⌊usdAmount / 10^12⌋. */
export function toTokenDown(usdAmount: bigint): bigint {
  if (usdAmount < 0n || usdAmount > MAX_UINT256) throw new RangeError("usdAmount must be a uint256");
  return usdAmount / TOKEN_TO_USD_SCALE;
}

/**
 * 18-decimal USD to token units, rounded up (what a user must bring in): ⌊(usdAmount + 10^12 − 1) / 10^12⌋.
 * Throws where the contract's `usdAmount + SCALE − 1` overflows (usdAmount > 2^256 − 10^12).
 */
export function toTokenUp(usdAmount: bigint): bigint {
  if (usdAmount < 0n) throw new RangeError("usdAmount must be >= 0");
  if (usdAmount + TOKEN_TO_USD_SCALE - 1n > MAX_UINT256) throw new RangeError("toTokenUp overflows uint256");
  return (usdAmount + TOKEN_TO_USD_SCALE - 1n) / TOKEN_TO_USD_SCALE;
}
