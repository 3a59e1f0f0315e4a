/**
 * Display and input helpers, kept apart from the math: fixed-point bigint ↔ decimal strings, exact (string
 * arithmetic only, never floating point).
 */
import { MAX_UINT256 } from "./math/int256.js";

/**
 * Formats a signed fixed-point bigint as a decimal string, e.g. `formatFixed(1234567n, 6, 2)` → `"1.23"`.
 * @param value The fixed-point value.
 * @param decimals Its decimals (18 for USD, prices, sizes and rates; 6 for USDC units).
 * @param shownDecimals Decimals to show, truncated toward zero (default: all, trailing zeros trimmed).
 * @param options.grouping Thousands separators (default true).
 */
export function formatFixed(
  value: bigint,
  decimals: number,
  shownDecimals?: number,
  options: { grouping?: boolean } = {},
): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  let whole = (abs / base).toString();
  if (options.grouping ?? true) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  let fraction = (abs % base).toString().padStart(decimals, "0");
  fraction = shownDecimals === undefined ? fraction.replace(/0+$/, "") : fraction.slice(0, shownDecimals);
  const text = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** 18-decimal USD (amounts, PnL, funding, prices) with 2 decimals by default: `1,234.56`. */
export const formatUsd = (value: bigint, shownDecimals = 2): string => formatFixed(value, 18, shownDecimals);

/** 6-decimal USDC token units: `1,000.5`. */
export const formatUsdc = (value: bigint, shownDecimals?: number): string =>
  formatFixed(value, 6, shownDecimals);

/** An 18-decimal size: `-2.5`. */
export const formatSize = (value: bigint, shownDecimals?: number): string =>
  formatFixed(value, 18, shownDecimals);

/**
 * An 18-decimal fraction (premium, funding rate, utilisation) as a percentage: `formatRate(125n * 10n ** 11n)` →
 * `"0.00125 %"`. The all-ones utilisation of an account with no equity left shows as `"∞"`.
 */
export function formatRate(value: bigint, shownDecimals = 5): string {
  if (value === MAX_UINT256) return "∞";
  return `${formatFixed(value * 100n, 18, shownDecimals, { grouping: false })} %`;
}

/**
 * An 18-decimal ADL rank (unrealised PnL % × leverage, as `adlRank` returns it) with 4 decimals: `0.3125`; `∞`
 * for the maximum (an account whose equity is ≤ 0).
 */
export function formatAdlRank(value: bigint, shownDecimals = 4): string {
  if (value === MAX_UINT256) return "∞";
  return formatFixed(value, 18, shownDecimals);
}

/**
 * Parses a decimal string into a fixed-point bigint exactly: `parseFixed("1.5", 6)` → `1_500_000n`. Throws on
 * anything but an optional sign, digits, an optional point and at most `decimals` fraction digits.
 */
export function parseFixed(text: string, decimals: number): bigint {
  const match = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/.exec(text.replace(/[_,]/g, ""));
  if (match === null || (match[2] === "" && (match[3] ?? "") === ""))
    throw new SyntaxError(`not a decimal number: "${text}"`);
  const fraction = match[3] ?? "";
  if (fraction.length > decimals) throw new RangeError(`"${text}" has more than ${decimals} decimals`);
  const digits = `${match[2] === "" ? "0" : match[2]}${fraction.padEnd(decimals, "0")}`;
  const value = BigInt(digits);
  return match[1] === "-" ? -value : value;
}

/** `"1000.5"` → USDC units (6 decimals). */
export const parseUsdc = (text: string): bigint => parseFixed(text, 6);

/** `"2500.25"` → 18-decimal USD or price. */
export const parseUsd = (text: string): bigint => parseFixed(text, 18);

/** `"-0.75"` → 18-decimal size. */
export const parseSize = (text: string): bigint => parseFixed(text, 18);
