// Seeded random inputs for the SDK differential tests (shared by the math and account parity tests).

const MASK64 = (1n << 64n) - 1n;

/** Deterministic PRNG (splitmix64) over bigint: reproducible random inputs for the differential tests. */
export class Rng {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = seed & MASK64;
  }

  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** Uniform in [0, n) (n > 0); 64 spare bits make the modulo bias negligible. */
  below(n: bigint): bigint {
    let x = 0n;
    for (let bits = 0n; bits < BigInt(n.toString(2).length) + 64n; bits += 64n)
      x = (x << 64n) | this.next64();
    return x % n;
  }

  /** Uniform in [lo, hi]. */
  between(lo: bigint, hi: bigint): bigint {
    return lo + this.below(hi - lo + 1n);
  }

  bool(): boolean {
    return (this.next64() & 1n) === 1n;
  }

  /** True with probability pct / 100. */
  chance(pct: number): boolean {
    return this.below(100n) < BigInt(pct);
  }

  /**
   * A magnitude in [lo, hi] spread across orders of magnitude: a uniform number of decimal digits, then uniform
   * within that decade. Now and then exactly lo, lo + 1, hi − 1 or hi.
   */
  mag(lo: bigint, hi: bigint): bigint {
    if (this.chance(6)) {
      const edges = [lo, lo + 1n, hi - 1n, hi].filter((e) => e >= lo && e <= hi);
      return edges[Number(this.below(BigInt(edges.length)))];
    }
    const dLo = lo === 0n ? 1 : lo.toString().length;
    const dHi = hi.toString().length;
    const digits = dLo + Number(this.below(BigInt(dHi - dLo + 1)));
    const decadeLo = digits === 1 ? 0n : 10n ** BigInt(digits - 1);
    const decadeHi = 10n ** BigInt(digits) - 1n;
    const a = decadeLo > lo ? decadeLo : lo;
    const b = decadeHi < hi ? decadeHi : hi;
    return this.between(a, b);
  }

  /** ± a magnitude in [lo, hi]; zero now and then. */
  signed(lo: bigint, hi: bigint): bigint {
    if (this.chance(3)) return 0n;
    const m = this.mag(lo, hi);
    return this.bool() ? m : -m;
  }
}
