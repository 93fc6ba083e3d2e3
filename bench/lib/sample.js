import { mulberry32 } from "./knn-data.js";

// Query rows for a recall estimate: `count` distinct rows drawn at random (seeded, mulberry32), ascending.
// Not evenly spaced: the sphere mixtures put row i in cluster i mod 50, and evenly spaced rows alias with that
// period (100 of 100,000 rows every 1,000th: all in cluster 0), so their recall is one cluster's.

/** `count` distinct indices from [0, n), ascending, the same for the same seed. */
export function sampleQueryRows(n, count, seed = 1) {
  const next = mulberry32(seed);
  const picked = new Set();
  while (picked.size < Math.min(count, n)) picked.add(Math.floor(next() * n));
  return [...picked].sort((x, y) => x - y);
}
