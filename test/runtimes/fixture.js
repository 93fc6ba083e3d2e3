// The one dataset and the one computation every runtime runs. Plain JavaScript with no imports, so Node, Deno,
// Bun, a browser page and workerd load the same file; integer arithmetic only, so every engine makes the same
// floats.

export const N = 2000;
export const DIM = 32;
export const K = 15;
/** Rows of the fixture that are also embedded (a short fit: the optimiser's arithmetic must match too). */
export const EMBED_N = 500;

/**
 * Deterministic uniform [0, 1) numbers (mulberry32), the same in every engine. The tests' one copy: this file
 * must load without imports, so test/helpers.ts and the consumer app (which gets a copy of this file) take it
 * from here.
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N × DIM row-major values in [-1, 1) from mulberry32, with every 50th row duplicated to force ties. */
export function fixtureData() {
  const next = mulberry32(20230501);
  const data = new Float32Array(N * DIM);
  for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
  for (let i = 50; i < N; i += 50) data.copyWithin(i * DIM, (i - 1) * DIM, i * DIM);
  return data;
}

export function base64(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Runs kNN on the fixture, and a short embedding of its first rows, with the package's public API (`lib` is the imported package) and reports which build
 * and how many threads the runtime gave it; results travel as base64 so they compare bit for bit.
 */
export async function runFixture(lib, threads) {
  const info = await lib.coreInfo({ threads });
  const started = Date.now();
  const result = await lib.knn(fixtureData(), { n: N, dim: DIM, k: K, threads });
  const ms = Date.now() - started;
  const embedding = await lib.embed(fixtureData().subarray(0, EMBED_N * DIM), { n: EMBED_N, dim: DIM, nEpochs: 20, seed: 7, threads });
  return {
    build: info.build,
    threads: info.threads,
    fallback: info.fallback,
    ms,
    indices: base64(result.indices),
    distances: base64(result.distances),
    embedding: base64(embedding),
  };
}
