/**
 * Bigint mirror of `contracts/libraries/FundingMath.sol`: oracle-driven funding (SPEC §4) — the hourly rate,
 * the per-unit index accrual and what a position owes. A positive rate means longs pay shorts.
 */
import { clamp, mulDivCeil, mulDivTrunc, WAD } from "./fixedPointMath.js";
import { checkInt256, checkUint256, toInt256 } from "./int256.js";

/** Seconds per hour (rates are quoted per hour). */
export const ONE_HOUR = 3600n;
/** Hours per (365-day) year, for {@link annualised}. */
export const HOURS_PER_YEAR = 24n * 365n;

/**
 * Hourly funding rate F = premium + clamp(interest − premium, −c, +c), then capped to [−maxRate, +maxRate].
 * All 18-decimal fractions per hour; exact (no rounding).
 */
export function fundingRate(premium: bigint, interest: bigint, clampC: bigint, maxRate: bigint): bigint {
  checkInt256(premium, "premium");
  checkInt256(interest, "interest");
  const c = toInt256(clampC, "clampC");
  const cap = toInt256(maxRate, "maxRate");
  const rate = checkInt256(
    premium + clamp(checkInt256(interest - premium, "interest - premium"), -c, c),
    "rate",
  );
  return clamp(rate, -cap, cap);
}

/** The hourly rate annualised: hourlyRate × 24 × 365 (exact). */
export function annualised(hourlyRate: bigint): bigint {
  checkInt256(hourlyRate, "hourlyRate");
  return checkInt256(hourlyRate * HOURS_PER_YEAR, "annualised rate");
}

/**
 * USD per unit (10^18) of size accrued over `elapsed` seconds at hourly `rate`, valued at `oraclePrice`:
 * rate × (oracle × elapsed) / (3600 × 10^18), truncated toward zero.
 */
export function indexDelta(rate: bigint, oraclePrice: bigint, elapsed: bigint): bigint {
  checkUint256(oraclePrice, "oraclePrice");
  checkUint256(elapsed, "elapsed");
  const priceTime = toInt256(
    checkUint256(oraclePrice * elapsed, "oraclePrice * elapsed"),
    "oraclePrice * elapsed",
  );
  return mulDivTrunc(rate, priceTime, ONE_HOUR * WAD);
}

/**
 * What a position of `size` owes for an index move of `deltaIndex`: size × deltaIndex / 10^18 rounded toward +∞.
 * Positive pays, negative receives; a payer pays the extra wei and a receiver gets the lesser one.
 */
export function owedCeil(size: bigint, deltaIndex: bigint): bigint {
  return mulDivCeil(size, deltaIndex, WAD);
}
