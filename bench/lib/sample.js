// Query rows for a recall estimate: `count` distinct rows drawn at random (seeded, mulberry32), ascending.
// Not evenly spaced: the sphere mixtures put row i in cluster i mod 50, and evenly spaced rows alias with that
// period (100 of 100,000 rows every 1,000th: all in cluster 0), so their recall is one cluster's.

/** `count` distinct indices from [0, n), ascending, the same for the same seed. */
export function sampleQueryRows(n, count, seed = 1) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const picked = new Set();
  while (picked.size < Math.min(count, n)) picked.add(Math.floor(next() * n));
  return [...picked].sort((x, y) => x - y);
}
