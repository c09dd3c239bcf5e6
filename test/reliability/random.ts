// A small seeded random source (mulberry32): fault schedules are reproducible from their seed.
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a test run: RELIABILITY_SEED when set (to replay a failure), else a fixed one. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20261121);
