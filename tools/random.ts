// A seeded random generator for the simulators, the bureau's fault switches, fuzzing and tests:
// a run that failed can be repeated with the same seed.

/** mulberry32: 32 bits of state, uniform in [0, 1). Not for keys or tokens (use node:crypto). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
