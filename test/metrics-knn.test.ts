// Every kNN metric against its float64 oracle (test/metric-oracles.ts): the exact search agrees with it,
// NN-descent finds most of its neighbours on small clustered data, and data a metric cannot compare is a clear
// error, never NaN.
import { describe, expect, it } from "vitest";
import { knn, CneInputError } from "../dist/index.js";
import { rng } from "./helpers.ts";
import { binaryClusters, metricKnnOracle, recallAgainst, tieAwareRecall, type MetricName } from "./metric-oracles.ts";

const FLOAT_METRICS: MetricName[] = ["euclidean", "cosine", "correlation", "manhattan"];
const BINARY_METRICS: MetricName[] = ["hamming", "jaccard"];

/** Gaussian-ish blobs with offsets so that rows differ in norm, direction and mean. */
function floatClusters(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => 4 * r() - 2));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % clusters], scale = 0.5 + r();
    for (let j = 0; j < dim; j++) out[i * dim + j] = scale * c[j] + 0.6 * (r() + r() + r() - 1.5);
  }
  return out;
}

function expectExact(res: { indices: Int32Array; distances: Float32Array }, data: Float32Array, n: number, dim: number, k: number, metric: MetricName) {
  const o = metricKnnOracle(data, n, dim, k, metric);
  for (let i = 0; i < n * k; i++) {
    expect(Number.isFinite(res.distances[i])).toBe(true);
    expect(Math.abs(res.distances[i] - o.distances[i])).toBeLessThan(1e-4 * (1 + o.distances[i]));
  }
  // float32 against float64 may swap candidates tied within rounding; an index differs only at such a tie
  for (let i = 0; i < n * k; i++) {
    if (res.indices[i] !== o.indices[i]) expect(Math.abs(res.distances[i] - o.distances[i])).toBeLessThan(1e-4 * (1 + o.distances[i]));
  }
  const exactIndices = recallAgainst(res.indices, o.indices, n, k);
  expect(exactIndices).toBeGreaterThan(0.99);
}

describe("kNN metrics against their oracles", () => {
  for (const metric of FLOAT_METRICS) {
    for (const [n, dim, k] of [[120, 5, 5], [200, 37, 10]] as const) {
      it(`${metric}: exact search matches the oracle (n=${n}, dim=${dim}, k=${k}, 1 and 2 threads give the same bits)`, async () => {
        const data = floatClusters(n, dim, 4, n + dim);
        const one = await knn(data, { n, dim, k, metric, threads: 1 });
        expectExact(one, data, n, dim, k, metric);
        const two = await knn(data, { n, dim, k, metric, threads: 2 });
        expect(Buffer.from(two.distances.buffer).equals(Buffer.from(one.distances.buffer))).toBe(true);
        expect(Array.from(two.indices)).toEqual(Array.from(one.indices));
      });
    }
  }
  for (const metric of BINARY_METRICS) {
    // 31, 32, 33 and 200 bits: the packing's word and v128 boundaries
    for (const dim of [31, 33, 200]) {
      it(`${metric}: exact search on bit-packed rows matches the oracle (dim=${dim})`, async () => {
        const n = 150, k = 8;
        const data = binaryClusters(n, dim, 5, 0.1, rng(dim));
        expectExact(await knn(data, { n, dim, k, metric, threads: 1 }), data, n, dim, k, metric);
      });
    }
  }

  it("cosine ignores each row's scale and correlation also its offset", async () => {
    const n = 60, dim = 9, k = 5;
    const data = floatClusters(n, dim, 3, 5);
    const moved = data.map((v, i) => v * (0.5 + (Math.floor(i / dim) % 4)));
    const shifted = data.map((v, i) => 2 * v + (Math.floor(i / dim) % 3) * 7);
    const a = await knn(data, { n, dim, k, metric: "cosine", threads: 1 });
    const b = await knn(moved, { n, dim, k, metric: "cosine", threads: 1 });
    expect(recallAgainst(b.indices, a.indices, n, k)).toBeGreaterThan(0.98);
    const c = await knn(data, { n, dim, k, metric: "correlation", threads: 1 });
    const d = await knn(shifted, { n, dim, k, metric: "correlation", threads: 1 });
    expect(recallAgainst(d.indices, c.indices, n, k)).toBeGreaterThan(0.98);
  });

  it("jaccard: two all-zero rows are at distance 0, an all-zero row from any other at 1", async () => {
    const n = 20, dim = 40, k = 3;
    const data = binaryClusters(n, dim, 2, 0.1, rng(3));
    data.fill(0, 0, dim);
    data.fill(0, 5 * dim, 6 * dim);
    const res = await knn(data, { n, dim, k, metric: "jaccard", threads: 1 });
    expect(res.indices[0]).toBe(5);
    expect(res.distances[0]).toBe(0);
    expect(res.distances[1]).toBe(1);
    expect(res.distances.every(Number.isFinite)).toBe(true);
  });
});

describe("NN-descent under every metric", () => {
  for (const metric of [...FLOAT_METRICS, ...BINARY_METRICS]) {
    it(`${metric}: recall@15 ≥ 0.95 against the oracle on 1,000 clustered rows (ties counted as found)`, async () => {
      const n = 1000, k = 15;
      const binary = BINARY_METRICS.includes(metric);
      const dim = binary ? 96 : 24;
      const data = binary ? binaryClusters(n, dim, 12, 0.12, rng(9)) : floatClusters(n, dim, 12, 9);
      const o = metricKnnOracle(data, n, dim, k, metric);
      const res = await knn(data, { n, dim, k, metric, method: "nndescent", threads: 2, seed: 1 });
      expect(tieAwareRecall(res.indices, data, n, dim, k, metric, o.distances)).toBeGreaterThanOrEqual(0.95);
      expect(res.distances.every(Number.isFinite)).toBe(true);
    });
  }
});

describe("data a metric cannot compare", () => {
  it("a zero row under cosine and a constant row under correlation are clear errors", async () => {
    const n = 20, dim = 4;
    const data = floatClusters(n, dim, 2, 1);
    data.fill(0, 3 * dim, 4 * dim);
    await expect(knn(data, { n, dim, k: 3, metric: "cosine" })).rejects.toThrow(/row 3 is all zeros/);
    data.fill(2.5, 3 * dim, 4 * dim);
    await expect(knn(data, { n, dim, k: 3, metric: "cosine" })).resolves.toBeDefined();
    await expect(knn(data, { n, dim, k: 3, metric: "correlation" })).rejects.toThrow(/row 3 is constant/);
  });

  it("hamming and jaccard refuse values other than 0 and 1, naming where", async () => {
    const n = 20, dim = 10;
    const data = binaryClusters(n, dim, 2, 0.1, rng(2));
    data[7 * dim + 4] = 0.5;
    for (const metric of BINARY_METRICS) {
      await expect(knn(data, { n, dim, k: 3, metric })).rejects.toThrow(CneInputError);
      await expect(knn(data, { n, dim, k: 3, metric })).rejects.toThrow(/0\/1 data: data has 0.5 at row 7, column 4/);
    }
  });

  it("hnsw refuses the metrics hnswlib has no space for, before loading it", async () => {
    const n = 30, dim = 4;
    const data = floatClusters(n, dim, 2, 1);
    for (const metric of ["manhattan", "hamming", "jaccard"] as const) {
      await expect(knn(metric === "manhattan" ? data : data.map((v) => (v > 0 ? 1 : 0)), { n, dim, k: 3, metric, method: "hnsw" }))
        .rejects.toThrow(new RegExp(`"hnsw" kNN method has no ${metric} metric`));
    }
  });

  it("an unknown metric is an error naming the choices", async () => {
    await expect(knn(new Float32Array(40), { n: 10, dim: 4, k: 3, metric: "cosin" as never })).rejects.toThrow(/metric must be one of .*"jaccard"/);
  });
});
