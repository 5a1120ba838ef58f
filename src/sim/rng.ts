/**
 * Seeded pseudo-random numbers for the whole core. No unseeded platform randomness anywhere in
 * `track/ sim/ reward/ rl/ race/`: every random draw comes from an `Rng` passed in, so a
 * seed replays a run exactly.
 *
 * Generator: sfc32 seeded through splitmix32 (public-domain constructions by Chris Doty-Humphrey
 * and Sebastiano Vigna); 32-bit state words, period about 2^128.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** @param seed any finite number; equal seeds give equal streams. */
  constructor(seed: number) {
    let s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw (Box–Muller, the spare value cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.uniform();
    while (u <= 1e-12) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A new independent generator derived from this one (for per-env streams). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }

  /** Index drawn from a categorical distribution given by `probs[offset .. offset+n)` (sums to ~1). */
  categorical(probs: ArrayLike<number>, offset = 0, n = probs.length - offset): number {
    const u = this.uniform();
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += probs[offset + i];
      if (u < acc) return i;
    }
    return n - 1;
  }
}
