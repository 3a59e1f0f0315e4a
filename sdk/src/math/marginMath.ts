/**
 * Bigint mirror of `contracts/libraries/MarginMath.sol`: notional, initial and maintenance margin of one position
 * (SPEC §5). Every amount rounds up, so a margin requirement is never understated.
 */
import { abs, mulDivUp, WAD } from "./fixedPointMath.js";

/** Notional = |size| × price / 10^18, rounded up. */
export function notionalUp(size: bigint, price: bigint): bigint {
  return mulDivUp(abs(size), price, WAD);
}

/** IM = notional × 10^18 / maxLeverage, rounded up (maxLeverage 18 decimals, e.g. 20·10^18 for 20x). */
export function initialMarginUp(notional: bigint, maxLeverage: bigint): bigint {
  return mulDivUp(notional, WAD, maxLeverage);
}

/** MM = notional × mmr / 10^18, rounded up. */
export function maintenanceMarginUp(notional: bigint, mmr: bigint): bigint {
  return mulDivUp(notional, mmr, WAD);
}
