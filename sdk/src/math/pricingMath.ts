/**
 * Bigint mirror of `contracts/libraries/PricingMath.sol`: skew premium, mark price, fill price and trading fees
 * (SPEC §3). Prices are 18 decimals, sizes signed 18-decimal base units, fractions 18 decimals.
 */
import { abs, clamp, mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
import { checkInt256, checkUint256, toInt256, toUint256 } from "./int256.js";

/**
 * premium = clamp(skew × 10^18 / skewScale, −maxPremium, +maxPremium); the division truncates toward zero.
 * @param skew Σ long size − Σ short size, signed 18-decimal base units.
 * @param skewScale Size at which the premium would reach 100 %, 18 decimals (> 0).
 * @param maxPremium Premium cap, 18-decimal fraction.
 * @returns The premium, signed 18-decimal fraction.
 */
export function premium(skew: bigint, skewScale: bigint, maxPremium: bigint): bigint {
  const raw = mulDivTrunc(skew, WAD, skewScale);
  const cap = toInt256(maxPremium, "maxPremium");
  return clamp(raw, -cap, cap);
}

/**
 * mark = oracle × (10^18 + premium) / 10^18, rounded down.
 * @throws RangeError if premium < −100 % (the contract's factor would wrap).
 */
export function markPriceDown(oraclePrice: bigint, premium_: bigint): bigint {
  checkInt256(premium_, "premium");
  const factor = toUint256(checkInt256(WAD + premium_, "1 + premium"), "1 + premium");
  return mulDivDown(oraclePrice, factor, WAD);
}

/**
 * Fill price of a trade, the oracle times one plus the average of the premium before and after it:
 * oracle × (2·10^18 + premiumBefore + premiumAfter) / (2·10^18), rounded against the trader:
 * up for a buy, down for a sell.
 */
export function fillPrice(
  oraclePrice: bigint,
  premiumBefore: bigint,
  premiumAfter: bigint,
  isBuy: boolean,
): bigint {
  checkInt256(premiumBefore, "premiumBefore");
  checkInt256(premiumAfter, "premiumAfter");
  const sum = checkInt256(checkInt256(2n * WAD + premiumBefore, "factor") + premiumAfter, "factor");
  const factor = toUint256(sum, "factor");
  return isBuy ? mulDivUp(oraclePrice, factor, 2n * WAD) : mulDivDown(oraclePrice, factor, 2n * WAD);
}

/**
 * Trading fee, 18-decimal USD. The part of |delta| that reduces |skew| (makerSize = min(|delta|, |skew|) when
 * skew ≠ 0 and delta has the opposite sign, else 0) pays `makerFee`, the rest `takerFee`:
 * fee = ⌈⌈makerSize × fill⌉ × makerFee⌉ + ⌈⌈takerSize × fill⌉ × takerFee⌉ (each /10^18, each rounded up).
 * @param skew Skew before the trade.
 * @param delta Signed trade size.
 */
export function tradeFeeUp(
  skew: bigint,
  delta: bigint,
  fill: bigint,
  makerFee: bigint,
  takerFee: bigint,
): bigint {
  checkInt256(skew, "skew");
  checkUint256(fill, "fill");
  checkUint256(makerFee, "makerFee");
  checkUint256(takerFee, "takerFee");
  const size = abs(delta);
  let makerSize = 0n;
  if (skew !== 0n && skew > 0n !== delta > 0n) {
    const absSkew = abs(skew);
    makerSize = size < absSkew ? size : absSkew;
  }
  const takerSize = size - makerSize;
  let fee = 0n;
  if (makerSize > 0n) fee = mulDivUp(mulDivUp(makerSize, fill, WAD), makerFee, WAD);
  if (takerSize > 0n)
    fee = checkUint256(fee + mulDivUp(mulDivUp(takerSize, fill, WAD), takerFee, WAD), "fee");
  return fee;
}
