// Display helpers for scripts: fixed-point bigint to a decimal string, no floating point.

/** Formats a signed fixed-point bigint with `decimals` decimals, thousands separated. */
export function formatFixed(value: bigint, decimals: number, shownDecimals = decimals): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = (abs % base).toString().padStart(decimals, "0").slice(0, shownDecimals);
  return `${negative ? "-" : ""}${whole}${shownDecimals > 0 ? `.${fraction}` : ""}`;
}

/** 18-decimal USD. */
export const formatUsd = (value: bigint, shown = 6) => formatFixed(value, 18, shown);
/** 6-decimal USDC token units. */
export const formatUsdc = (value: bigint) => formatFixed(value, 6);
