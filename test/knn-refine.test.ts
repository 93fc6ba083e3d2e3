// NN-descent's recall check and graph-search passes (bindings/knn/refine.ts): knn()'s default targetRecall
// reaches the bar on data where NN-descent alone does not, never loses a neighbour, keeps NN-descent's bits on
// data it already handles, and warns when the passes run out.
import { describe, expect, it } from "vitest";
import { knn } from "../dist/index.js";
import { REFINE_PARAMS, sampledRecall, sampleRowsOf } from "../dist/knn/refine.js";
import { rng } from "./helpers.ts";

/** Standard Gaussian rows: intrinsic dimension = dim, where NN-descent's local joins stop short. */
function gaussian(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * dim }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

function recall(approx: Int32Array, exact: Int32Array, n: number, k: number): number {
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const truth = new Set(exact.subarray(i * k, (i + 1) * k));
    for (let t = 0; t < k; t++) if (truth.has(approx[i * k + t])) hit++;
  }
  return hit / (n * k);
}

const same = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const n = 2000, dim = 64, k = 15;
const hard = gaussian(n, dim, 11);

describe("knn nndescent: recall check and graph-search passes", () => {
  for (const metric of ["euclidean", "cosine"] as const) {
    it(`reaches recall@15 ≥ 0.95 under ${metric} where NN-descent alone does not, losing no neighbour`, async () => {
      const exact = await knn(hard, { n, dim, k, metric, threads: 2 });
      const alone = await knn(hard, { n, dim, k, metric, threads: 2, method: "nndescent", seed: 3, targetRecall: 0 });
      const warnings: string[] = [];
      const checked = await knn(hard, { n, dim, k, metric, threads: 2, method: "nndescent", seed: 3, onWarning: (m) => warnings.push(m) });
      expect(recall(alone.indices, exact.indices, n, k)).toBeLessThan(0.95); // the data is hard enough to matter
      expect(recall(checked.indices, exact.indices, n, k)).toBeGreaterThanOrEqual(0.95);
      expect(warnings).toEqual([]);
      const problems: string[] = [];
      for (let i = 0; i < n && problems.length < 5; i++) {
        const row = checked.indices.subarray(i * k, (i + 1) * k);
        if (new Set(row).size !== k || row.includes(i)) problems.push(`row ${i}: ${Array.from(row)}`);
        for (let t = 1; t < k; t++) if (checked.distances[i * k + t] < checked.distances[i * k + t - 1]) problems.push(`row ${i} not ascending`);
        // a row's neighbours only get nearer: its k-th is no farther than NN-descent's k-th
        if (checked.distances[i * k + k - 1] > alone.distances[i * k + k - 1]) problems.push(`row ${i} lost a neighbour`);
      }
      expect(problems).toEqual([]);
    });
  }

  it("gives the same bits on 1 and 2 threads", async () => {
    const one = await knn(hard, { n, dim, k, threads: 1, method: "nndescent", seed: 5 });
    const two = await knn(hard, { n, dim, k, threads: 2, method: "nndescent", seed: 5 });
    expect(same(one.indices, two.indices) && same(one.distances, two.distances)).toBe(true);
  });

  it("leaves NN-descent's result as it is when the estimate passes (low intrinsic dimension)", async () => {
    const easy = gaussian(n, 4, 12);
    const alone = await knn(easy, { n, dim: 4, k, threads: 2, method: "nndescent", seed: 1, targetRecall: 0 });
    const checked = await knn(easy, { n, dim: 4, k, threads: 2, method: "nndescent", seed: 1 });
    expect(same(alone.indices, checked.indices) && same(alone.distances, checked.distances)).toBe(true);
  });

  it("warns when the passes run out below the target", async () => {
    const kept = { ...REFINE_PARAMS };
    Object.assign(REFINE_PARAMS, { maxPasses: 1, firstEfPerK: 1 });
    try {
      const warnings: string[] = [];
      await knn(hard, { n, dim, k, threads: 2, method: "nndescent", seed: 3, targetRecall: 1, onWarning: (m) => warnings.push(m) });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/recall@15 is about 0\.\d+ \(estimated on 64 rows\) after 1 graph searches keeping up to 15 rows, below the target 1/);
    } finally {
      Object.assign(REFINE_PARAMS, kept);
    }
  });

  it("rejects a target outside [0, 1]", async () => {
    for (const bad of [-0.1, 1.5, Number.NaN, "0.9"]) {
      await expect(knn(hard, { n, dim, k, method: "nndescent", targetRecall: bad as never })).rejects.toThrow(/targetRecall must be a number from 0 to 1/);
    }
  });
});

describe("sampledRecall", () => {
  it("counts ties at the k-th distance and skips the row itself among its exact neighbours", () => {
    // 4 rows, k = 2; sample row 1, whose exact list (k + 1 = 3) has a duplicate of it first, then itself, then 2
    const sample = Int32Array.of(1);
    const exactIdx = Int32Array.of(3, 1, 2), exactDist = Float32Array.of(0, 0, 0.5);
    // found: 3 (distance 0) and 0, at the k-th distance 0.5 like 2: a tie, counts
    const foundIdx = Int32Array.of(0, 0, 3, 0, 0, 0, 0, 0), foundDist = Float32Array.of(0, 0, 0, 0.5, 0, 0, 0, 0);
    expect(sampledRecall(sample, 2, foundIdx, foundDist, exactIdx, exactDist)).toEqual({ recall: 1, standardError: 0 });
    // a neighbour farther than the k-th does not count
    foundDist[3] = 0.6;
    expect(sampledRecall(sample, 2, foundIdx, foundDist, exactIdx, exactDist).recall).toBe(0.5);
  });

  it("gives the standard error of the rows' mean recall", () => {
    // 2 sample rows (0 and 1) of 3, k = 1: row 0 found its neighbour, row 1 did not → mean 0.5, SE 0.5
    const sample = Int32Array.of(0, 1);
    const exactIdx = Int32Array.of(0, 2, 1, 2), exactDist = Float32Array.of(0, 1, 0, 1);
    const foundIdx = Int32Array.of(2, 0, 0), foundDist = Float32Array.of(1, 3, 0);
    expect(sampledRecall(sample, 1, foundIdx, foundDist, exactIdx, exactDist)).toEqual({ recall: 0.5, standardError: 0.5 });
  });

  it("samples distinct, evenly spaced rows", () => {
    expect(Array.from(sampleRowsOf(10, 5))).toEqual([1, 3, 5, 7, 9]);
    expect(new Set(sampleRowsOf(64, 64)).size).toBe(64);
  });
});
