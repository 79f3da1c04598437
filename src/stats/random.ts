/**
 * The one seeded random number generator of evalgate (conventions: randomness only through one
 * module), so every resampling and simulation is reproducible from its seed.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
 * generators", https://prng.di.unimi.it/xoshiro128starstar.c): 32-bit output, period 2^128 − 1, fast
 * with JavaScript's 32-bit integer arithmetic. As its authors recommend, the 128-bit state is
 * filled from the seed by a different generator: a SplitMix-style seeder (Steele, Lea & Flood 2014)
 * in 32 bits — a Weyl sequence with the golden-ratio increment 0x9e3779b9, each value finalised by
 * the two-round integer hash 0x21f0aaad / 0x735a2d97 from C. Wellons's hash-prospector.
 */

export interface Random {
  /** A uniform float in [0, 1) with 32 random bits. */
  next(): number;
  /** A uniform integer in [0, n), unbiased (rejection), for 1 ≤ n ≤ 2^32. */
  int(n: number): number;
  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number;
}

const TWO_POW_32 = 4294967296;

/** A generator seeded with any finite number (its low 32 bits after truncation are used). */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let splitState = Math.trunc(seed) >>> 0;
  const splitmix32 = (): number => {
    splitState = (splitState + 0x9e3779b9) >>> 0;
    let z = splitState;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  return randomFromState(splitmix32(), splitmix32(), splitmix32(), splitmix32());
}

/**
 * xoshiro128** from an explicit 128-bit state (four uint32 words). For tests against the reference
 * implementation; everything else seeds through createRandom.
 */
export function randomFromState(state0: number, state1: number, state2: number, state3: number): Random {
  let s0 = state0 >>> 0;
  let s1 = state1 >>> 0;
  let s2 = state2 >>> 0;
  let s3 = state3 >>> 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  return {
    nextUint32,
    next: () => nextUint32() / TWO_POW_32,
    int: (n: number): number => {
      if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_32)) {
        throw new RangeError(`int(n) needs an integer n in [1, 2^32], got ${n}`);
      }
      // Reject the top partial block of 2^32 so every residue is equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      let draw = nextUint32();
      while (draw >= limit) draw = nextUint32();
      return draw % n;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
