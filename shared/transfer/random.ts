/**
 * Seeded pseudo-random numbers (mulberry32): the same seed gives the same loss pattern on every
 * machine, so a transfer with simulated loss can be replayed exactly.
 */
export type Random = () => number;

/** Returns a generator of floats in [0, 1) determined by the 32-bit `seed`. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
