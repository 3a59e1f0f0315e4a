/**
 * Bigint mirror of `contracts/libraries/FairPriceMath.sol`: the fair price, an EMA of the mark price with time
 * constant τ, advanced lazily (SPEC §3). e^(−x) is approximated by 1 / (1 + x + x²/2 + x³/6) with the same
 * integer steps as the contract; x is capped at 10^6.
 */
import { mulDivDown, mulDivTrunc, WAD } from "./fixedPointMath.js";
import { checkUint256, toInt256 } from "./int256.js";

/** Cap on x = elapsed / τ (10^6, 18 decimals). */
export const MAX_X = 10n ** 6n * WAD;

/**
 * Decay weight w = 10^36 / (10^18 + x + ⌊x²/10^18⌋/2 + ⌊x²/10^18⌋·x/(6·10^18)) with x = min(⌊elapsed·10^18/τ⌋, 10^24),
 * every division rounded down; 18 decimals. τ = 0 gives 0 (fair = mark), elapsed = 0 gives 10^18.
 */
export function decayWeightDown(elapsed: bigint, tau: bigint): bigint {
  checkUint256(elapsed, "elapsed");
  checkUint256(tau, "tau");
  if (tau === 0n) return 0n;
  if (elapsed === 0n) return WAD;
  let x = mulDivDown(elapsed, WAD, tau);
  if (x > MAX_X) x = MAX_X;
  const x2 = (x * x) / WAD;
  const denominator = WAD + x + x2 / 2n + (x2 * x) / (6n * WAD);
  return (WAD * WAD) / denominator;
}

/**
 * fair = mark + (fairLast − mark) × w(elapsed, τ) / 10^18, the product truncated toward zero (toward mark).
 */
export function fairPrice(mark: bigint, fairLast: bigint, elapsed: bigint, tau: bigint): bigint {
  const w = decayWeightDown(elapsed, tau);
  const gap = toInt256(fairLast, "fairLast") - toInt256(mark, "mark");
  return mark + mulDivTrunc(gap, w, WAD);
}
