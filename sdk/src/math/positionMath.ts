/**
 * Bigint mirror of `contracts/libraries/PositionMath.sol`. A position is (size, openNotional): openNotional is the
 * cost basis of the open part, so entry price = openNotional / size and PnL = size × price − openNotional.
 */
import { abs, mulDivCeil, mulDivFloor, WAD } from "./fixedPointMath.js";
import { checkInt256, toInt256 } from "./int256.js";

/** Unrealised PnL at `price`: ⌊size × price / 10^18⌋ (toward −∞) − openNotional. */
export function pnlFloor(size: bigint, openNotional: bigint, price: bigint): bigint {
  checkInt256(openNotional, "openNotional");
  return checkInt256(mulDivFloor(size, toInt256(price, "price"), WAD) - openNotional, "pnl");
}

/** Result of {@link applyTrade}. */
export interface TradeResult {
  /** Size after the trade. */
  newSize: bigint;
  /** Cost basis after the trade. */
  newOpenNotionalUsd: bigint;
  /** PnL realised by the reducing part, 18-decimal USD (≤ the exact value). */
  realisedPnlUsd: bigint;
}

/**
 * Applies a trade of `delta` at `fill` to (size, openNotional).
 * - open / increase (size = 0 or same sign): openNotional += ⌈delta × fill⌉, realised 0;
 * - partial reduce (|delta| < |size|): closedCost = ⌈openNotional × |delta| / |size|⌉,
 *   realised = ⌊−delta × fill⌋ − closedCost, openNotional −= closedCost;
 * - full close / flip: realised = ⌊size × fill⌋ − openNotional, openNotional = newSize = 0 ? 0 : ⌈newSize × fill⌉.
 * (×fill means × fill / 10^18; ⌈⌉ toward +∞, ⌊⌋ toward −∞.)
 */
export function applyTrade(size: bigint, openNotional: bigint, delta: bigint, fill: bigint): TradeResult {
  checkInt256(size, "size");
  checkInt256(openNotional, "openNotional");
  checkInt256(delta, "delta");
  const fillI = toInt256(fill, "fill");
  const newSize = checkInt256(size + delta, "newSize");
  if (size === 0n || size > 0n === delta > 0n) {
    const newOpenNotional = checkInt256(openNotional + mulDivCeil(delta, fillI, WAD), "openNotional");
    return { newSize, newOpenNotionalUsd: newOpenNotional, realisedPnlUsd: 0n };
  }
  const absSize = abs(size);
  const absDelta = abs(delta);
  if (absDelta < absSize) {
    const closed = -delta;
    const closedCost = mulDivCeil(openNotional, absDelta, absSize);
    const realisedPnl = checkInt256(mulDivFloor(closed, fillI, WAD) - closedCost, "realisedPnl");
    const newOpenNotional = checkInt256(openNotional - closedCost, "openNotional");
    return { newSize, newOpenNotionalUsd: newOpenNotional, realisedPnlUsd: realisedPnl };
  }
  const realisedPnl = checkInt256(mulDivFloor(size, fillI, WAD) - openNotional, "realisedPnl");
  const newOpenNotional = newSize === 0n ? 0n : mulDivCeil(newSize, fillI, WAD);
  return { newSize, newOpenNotionalUsd: newOpenNotional, realisedPnlUsd: realisedPnl };
}
