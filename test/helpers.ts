// Small deterministic data makers and oracles shared by the tests.

import { mulberry32 } from "./runtimes/fixture.js";

/** Deterministic uniform [0, 1) numbers (mulberry32, from the runtimes' fixture, which holds the one copy). */
export const rng: (seed: number) => () => number = mulberry32;

export function randomMatrix(n: number, dim: number, seed = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = r() * 2 - 1;
  return out;
}

/** Plain-JS exact kNN: squared distances in float64, ties by index, self excluded. */
export function knnOracle(data: Float32Array, n: number, dim: number, k: number): { indices: Int32Array; distances: Float64Array } {
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const d = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < dim; t++) {
        const diff = data[i * dim + t] - data[j * dim + t];
        s += diff * diff;
      }
      d[j] = s;
      order[j] = j;
    }
    const sorted = Array.from(order).filter((j) => j !== i).sort((a, b) => d[a] - d[b] || a - b);
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = sorted[t];
      distances[i * k + t] = Math.sqrt(d[sorted[t]]);
    }
  }
  return { indices, distances };
}

/** Mean fraction of each row's `k` true neighbours (`truth`, n × k) that `found` (n × k) holds. */
export function neighbourRecall(found: Int32Array, truth: Int32Array, n: number, k: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const want = new Set(truth.subarray(i * k, (i + 1) * k));
    for (let t = 0; t < k; t++) if (want.has(found[i * k + t])) hits++;
  }
  return hits / (n * k);
}

/** Whether two views hold the same bytes. */
export const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** n points of `dim` values around `clusters` centres (unit-variance Gaussians, centres spread by 3; row i in cluster i mod clusters). */
export function gaussianMixture(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: clusters * dim }, () => gaussian() * 3);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) out[i * dim + t] = centres[(i % clusters) * dim + t] + gaussian();
  return out;
}
