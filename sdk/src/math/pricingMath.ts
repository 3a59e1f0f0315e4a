/**
 * Bigint mirror of `contracts/libraries/PricingMath.sol`: skew premium, mark price, the premium integral, fill price
 * (the exact average of the clamped premium over the skew path), the traders' net exit value, the forced-close fit
 * and trading fees (SPEC §3). Prices are 18 decimals, sizes signed 18-decimal base units, fractions 18 decimals.
 */
import { abs, clamp, mulDivCeil, mulDivDown, mulDivTrunc, mulDivUp, WAD } from "./fixedPointMath.js";
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

/** 10^36: a size (18 decimals) times a fraction (18 decimals). */
export const WAD2 = WAD * WAD;

/** Bisection steps of {@link fitForcedClose}: its size is within |delta| / 2^32 of the largest that fits. */
export const FIT_STEPS = 32;

/**
 * G(s) = ∫₀^s p(u) du, the area under the clamped premium from zero skew to `skew`, in size × 10^18 units, rounded
 * down (`premiumIntegralDown`): ⌊s² × 10^18 / (2 × skewScale)⌋ while |s| ≤ ⌊maxPremium × skewScale / 10^18⌋, else
 * maxPremium × |s| − ⌈maxPremium² × skewScale / (2 × 10^18)⌉ (the constant rounded up, so that G is rounded down
 * on the flat part too). Even in s and convex.
 * @throws RangeError where the contract reverts (skewScale = 0, a product above 2^256 − 1).
 */
export function premiumIntegralDown(skew: bigint, skewScale: bigint, maxPremium: bigint): bigint {
  checkUint256(skewScale, "skewScale");
  checkUint256(maxPremium, "maxPremium");
  const a = abs(skew);
  if (a <= mulDivDown(maxPremium, skewScale, WAD))
    return mulDivDown(checkUint256(a * a, "skew²"), WAD, checkUint256(2n * skewScale, "2 × skewScale"));
  const flat = checkUint256(maxPremium * a, "maxPremium × |skew|");
  const offset = mulDivUp(checkUint256(maxPremium * maxPremium, "maxPremium²"), skewScale, 2n * WAD);
  return checkUint256(flat - offset, "premium integral");
}

/** The fill of `delta` at `skew` given G(skew) (`_fill`). */
function fillGiven(
  oraclePrice: bigint,
  skew: bigint,
  delta: bigint,
  areaAtSkew: bigint,
  skewScale: bigint,
  maxPremium: bigint,
): bigint {
  const size = abs(delta);
  const after = premiumIntegralDown(checkInt256(skew + delta, "skew + delta"), skewScale, maxPremium);
  const area = checkInt256(toInt256(after, "G(skew + delta)") - toInt256(areaAtSkew, "G(skew)"), "area");
  // size × 10^18 × (1 + average premium) = size × 10^18 + sign(delta) × (G(skew + delta) − G(skew))
  const scaled = checkUint256(size * WAD, "|delta| × 10^18");
  const signed = delta > 0n ? area : checkInt256(-area, "area");
  const factor = toUint256(checkInt256(toInt256(scaled, "|delta| × 10^18") + signed, "factor"), "factor");
  return delta > 0n ? mulDivUp(oraclePrice, factor, scaled) : mulDivDown(oraclePrice, factor, scaled);
}

/**
 * Fill price of a trade of `delta` at `skew` (`fillPrice`): oracle × (1 + (G(skew + delta) − G(skew)) / delta), the
 * exact average of the clamped premium over the skew path, rounded against the trader: up for a buy, down for a
 * sell. Path-independent: splitting a trade never lowers its total cost (beyond rounding against the trader).
 * @throws RangeError for delta = 0 (a division by zero in the contract) and wherever the contract reverts.
 */
export function fillPrice(
  oraclePrice: bigint,
  skew: bigint,
  delta: bigint,
  skewScale: bigint,
  maxPremium: bigint,
): bigint {
  checkUint256(oraclePrice, "oraclePrice");
  checkInt256(skew, "skew");
  checkInt256(delta, "delta");
  return fillGiven(
    oraclePrice,
    skew,
    delta,
    premiumIntegralDown(skew, skewScale, maxPremium),
    skewScale,
    maxPremium,
  );
}

/**
 * The value of the traders' net position `skew` if it were closed now (`netExitValueCeil`): skew × the fill of a
 * trade of −skew, i.e. ⌈oracle × (skew × 10^18 + G(skew)) / 10^36⌉ (toward +∞). The liquidity vault, holding −skew,
 * is worth its cost basis minus this.
 */
export function netExitValueCeil(
  oraclePrice: bigint,
  skew: bigint,
  skewScale: bigint,
  maxPremium: bigint,
): bigint {
  checkInt256(skew, "skew");
  const area = toInt256(premiumIntegralDown(skew, skewScale, maxPremium), "G(skew)");
  const position = checkInt256(checkInt256(skew * WAD, "skew × 10^18") + area, "net position");
  return mulDivCeil(position, toInt256(oraclePrice, "oraclePrice"), WAD2);
}

/**
 * The part of a forced close of `delta` that may fill at the live `skew` (`fitForcedClose`): the largest |size|
 * (up to |delta|, found by {@link FIT_STEPS} bisection steps, so within |delta| / 2^32) whose fill is no worse for
 * the account than `boundPrice` (at least it for a sell, at most it for a buy); 0 when even the first unit would
 * fill beyond it. Unsigned: the size has the sign of `delta`.
 */
export function fitForcedClose(
  oraclePrice: bigint,
  skew: bigint,
  delta: bigint,
  boundPrice: bigint,
  skewScale: bigint,
  maxPremium: bigint,
): bigint {
  checkUint256(oraclePrice, "oraclePrice");
  checkInt256(skew, "skew");
  checkUint256(boundPrice, "boundPrice");
  let hi = abs(delta);
  const areaAtSkew = premiumIntegralDown(skew, skewScale, maxPremium);
  const fits = (trial: bigint) => {
    const fill = fillGiven(oraclePrice, skew, trial, areaAtSkew, skewScale, maxPremium);
    return trial > 0n ? fill <= boundPrice : fill >= boundPrice;
  };
  if (fits(delta)) return hi;
  let size = 0n;
  for (let i = 0; i < FIT_STEPS && hi - size > 1n; i++) {
    const mid = size + (hi - size) / 2n;
    if (fits(delta > 0n ? mid : -mid)) size = mid;
    else hi = mid;
  }
  return size;
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
