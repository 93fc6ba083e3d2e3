// Seeded samples of rows, for estimates made on part of the data (knn/refine.ts's recall check,
// metrics/spearman.ts's distance correlation). Random, not evenly spaced: data are often ordered with a period
// (classes interleaved, row i in cluster i mod c), and evenly spaced rows alias with it, so an estimate from them
// would be that of a few classes only.

/** Deterministic uniform [0, 1) numbers (mulberry32): a sample must not depend on the runtime's Math.random. */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct indices from [0, n), ascending (partial Fisher–Yates): the same for the same seed. */
export function sampleRows(n: number, count: number, seed: number): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (count >= n) return all;
  const next = uniform(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(next() * (n - i));
    const swap = all[i];
    all[i] = all[j];
    all[j] = swap;
  }
  return all.slice(0, count).sort();
}
