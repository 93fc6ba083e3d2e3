// Plain float64 brute-force oracles of every kNN metric (bindings/knn/metric.ts), written from the definitions,
// not from the kernels: the exact kNN of each metric must agree with them.

export type MetricName = "euclidean" | "cosine" | "correlation" | "manhattan" | "hamming" | "jaccard";

function row(data: Float32Array, dim: number, i: number): Float64Array {
  return Float64Array.from(data.subarray(i * dim, (i + 1) * dim));
}

function cosineDistance(a: Float64Array, b: Float64Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < a.length; j++) { ab += a[j] * b[j]; aa += a[j] * a[j]; bb += b[j] * b[j]; }
  return 1 - ab / Math.sqrt(aa * bb);
}

function centred(a: Float64Array): Float64Array {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return a.map((v) => v - mean);
}

export const METRIC_ORACLES: Record<MetricName, (a: Float64Array, b: Float64Array) => number> = {
  euclidean: (a, b) => Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0)),
  cosine: cosineDistance,
  correlation: (a, b) => cosineDistance(centred(a), centred(b)),
  manhattan: (a, b) => a.reduce((s, v, j) => s + Math.abs(v - b[j]), 0),
  hamming: (a, b) => a.reduce((s, v, j) => s + (v !== b[j] ? 1 : 0), 0),
  jaccard: (a, b) => {
    let both = 0, either = 0;
    for (let j = 0; j < a.length; j++) { both += a[j] && b[j] ? 1 : 0; either += a[j] || b[j] ? 1 : 0; }
    return either === 0 ? 0 : 1 - both / either;
  },
};

/** The k nearest other rows of every row under `metric`, by (distance, index). */
export function metricKnnOracle(data: Float32Array, n: number, dim: number, k: number, metric: MetricName): { indices: Int32Array; distances: Float64Array } {
  // correlation is cosine of centred rows: centre each row once, not per pair
  const distance = METRIC_ORACLES[metric === "correlation" ? "cosine" : metric];
  const rows = Array.from({ length: n }, (_, i) => (metric === "correlation" ? centred(row(data, dim, i)) : row(data, dim, i)));
  const indices = new Int32Array(n * k), distances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const d: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) d.push([distance(rows[i], rows[j]), j]);
    d.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (let t = 0; t < k; t++) { indices[i * k + t] = d[t][1]; distances[i * k + t] = d[t][0]; }
  }
  return { indices, distances };
}

/** Rows of 0/1 values in `clusters` groups, each a random prototype with `flip` of its bits flipped. */
export function binaryClusters(n: number, dim: number, clusters: number, flip: number, random: () => number): Float32Array {
  const protos = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => (random() < 0.3 ? 1 : 0)));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const p = protos[i % clusters];
    for (let j = 0; j < dim; j++) out[i * dim + j] = random() < flip ? 1 - p[j] : p[j];
  }
  return out;
}

/**
 * Recall that counts ties as found: the fraction of found neighbours no farther than the oracle's k-th
 * neighbour of their row (integer distances such as Hamming's tie often, and the oracle breaks ties by index).
 * `found` are the search's indices; their distances are taken from the oracle's metric, not the search's.
 */
export function tieAwareRecall(found: Int32Array, data: Float32Array, n: number, dim: number, k: number, metric: MetricName, oracle: Float64Array): number {
  const distance = METRIC_ORACLES[metric];
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const a = row(data, dim, i), kth = oracle[i * k + k - 1];
    for (let t = 0; t < k; t++) {
      const j = found[i * k + t];
      if (j !== i && distance(a, row(data, dim, j)) <= kth + 1e-9 * (1 + kth)) hit++;
    }
  }
  return hit / (n * k);
}

/** Mean fraction of each row's oracle neighbours found among its k found neighbours. */
export function recallAgainst(found: Int32Array, oracle: Int32Array, n: number, k: number): number {
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const want = new Set(oracle.subarray(i * k, (i + 1) * k));
    for (let t = 0; t < k; t++) if (want.has(found[i * k + t])) hit++;
  }
  return hit / (n * k);
}
