// The bundled digits set (1797 × 64, label last), and the quality measures the tests use.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { knn } from "../dist/index.js";

export function loadDigits(): { data: Float32Array; labels: Int32Array; n: number; dim: number } {
  const text = gunzipSync(readFileSync(new URL("../data/digits.csv.gz", import.meta.url))).toString("utf8").trim();
  const rows = text.split("\n");
  const n = rows.length, dim = 64;
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  rows.forEach((line, i) => {
    const v = line.split(",").map(Number);
    data.set(v.slice(0, dim), i * dim);
    labels[i] = v[dim];
  });
  return { data, labels, n, dim };
}

/** Fraction of each point's k exact high-dimensional neighbours found among its k embedding neighbours. */
export async function recallAt(high: Int32Array, embedding: Float32Array, n: number, outDim: number, k = 15): Promise<number> {
  const low = await knn(embedding, { n, dim: outDim, k, threads: 1 });
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const set = new Set(high.subarray(i * k, (i + 1) * k));
    for (let t = 0; t < k; t++) if (set.has(low.indices[i * k + t])) hits++;
  }
  return hits / (n * k);
}

/** Root mean squared deviation from the centroid per coordinate: the embedding's scale. */
export function scale(y: Float32Array, outDim: number): number {
  const n = y.length / outDim;
  let total = 0;
  for (let t = 0; t < outDim; t++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i * outDim + t];
    mean /= n;
    for (let i = 0; i < n; i++) total += (y[i * outDim + t] - mean) ** 2;
  }
  return Math.sqrt(total / (n * outDim));
}
