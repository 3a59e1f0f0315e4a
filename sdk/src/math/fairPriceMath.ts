/**
 * Bigint mirror of `contracts/libraries/FairPriceMath.sol`: the EMA weight of the breaker reference
 * (`decayWeightDown`) and the EMA step itself (`fairPrice`, used for the breaker reference), the fair premium's own
 * weight (`premiumWeightDown`, w(x/4)⁴ with a thin tail) and the fair premium, an EMA of the skew premium whose move
 * per second is capped (SPEC §3). e^(−x) is approximated by
 * 1 / (1 + x + x²/2 + x³/6) with the same integer steps as the contract; x is capped at 10^6.
 */
import { clamp, mulDivDown, mulDivTrunc, WAD } from "./fixedPointMath.js";
import { checkInt256, checkUint256, toInt256 } from "./int256.js";

/** Seconds per hour, the unit of the drift cap. */
const ONE_HOUR = 3600n;

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
 * The weight of the fair premium's EMA (`premiumWeightDown`): w(x / 4)⁴ with x = elapsed / τ, i.e.
 * w = {@link decayWeightDown}(elapsed, 4τ) squared twice, each square ⌊w × w / 10^18⌋. Within 0.03 % of e^(−x) for
 * x ≤ 1 with a thin tail, so the fair premium settles on a held premium within a few τ. τ = 0 gives 0.
 */
export function premiumWeightDown(elapsed: bigint, tau: bigint): bigint {
  checkUint256(tau, "tau");
  let w = decayWeightDown(elapsed, checkUint256(4n * tau, "4 × tau"));
  w = (w * w) / WAD;
  w = (w * w) / WAD;
  return w;
}

/**
 * fair = mark + (fairLast − mark) × w(elapsed, τ) / 10^18, the product truncated toward zero (toward mark).
 */
export function fairPrice(mark: bigint, fairLast: bigint, elapsed: bigint, tau: bigint): bigint {
  const w = decayWeightDown(elapsed, tau);
  const gap = toInt256(fairLast, "fairLast") - toInt256(mark, "mark");
  return mark + mulDivTrunc(gap, w, WAD);
}

/**
 * The fair premium `elapsed` seconds after `last`, with the skew premium at `premium` over the interval
 * (`fairPremium`): the EMA step (premium − last) × (10^18 − {@link premiumWeightDown}(elapsed, τ)) / 10^18, truncated
 * toward zero, clamped to
 * ± ⌊maxDriftPerHour × elapsed / 3600⌋. elapsed = 0 returns `last`; τ = 0 makes the step the whole gap, so the cap
 * alone sets the speed.
 */
export function fairPremium(
  last: bigint,
  premium: bigint,
  elapsed: bigint,
  tau: bigint,
  maxDriftPerHour: bigint,
): bigint {
  checkInt256(last, "last");
  checkInt256(premium, "premium");
  checkUint256(elapsed, "elapsed");
  checkUint256(maxDriftPerHour, "maxDriftPerHour");
  if (elapsed === 0n) return last;
  const gap = checkInt256(premium - last, "premium - last");
  const step = mulDivTrunc(gap, toInt256(WAD - premiumWeightDown(elapsed, tau)), WAD);
  const cap = toInt256(mulDivDown(maxDriftPerHour, elapsed, ONE_HOUR), "cap");
  return checkInt256(last + clamp(step, -cap, cap), "fair premium");
}
