// Display helpers for scripts: fixed-point bigint to a decimal string, no floating point (the SDK's formatter).
import { formatFixed as formatWithSdk } from "../../sdk/src/format.js";

/** Formats a signed fixed-point bigint with `decimals` decimals (all shown by default), thousands separated. */
export function formatFixed(value: bigint, decimals: number, shownDecimals = decimals): string {
  return formatWithSdk(value, decimals, shownDecimals);
}

/** 18-decimal USD. */
export const formatUsd = (value: bigint, shown = 6) => formatFixed(value, 18, shown);
/** 6-decimal USDC token units. */
export const formatUsdc = (value: bigint) => formatFixed(value, 6);
