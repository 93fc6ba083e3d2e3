// NN-descent's recall check and graph-search passes (bindings/knn/refine.ts): knn()'s default targetRecall
// reaches the bar on data where NN-descent alone does not, never loses a neighbour, keeps NN-descent's bits on
// data it already handles, and warns when the passes run out.
import { describe, expect, it } from "vitest";
import { knn } from "../dist/index.js";
import { REFINE_PARAMS, sampledRecall } from "../dist/knn/refine.js";
import { sampleRows } from "../dist/sample.js";
import { neighbourRecall, rng, sameBytes } from "./helpers.ts";

/** Standard Gaussian rows: intrinsic dimension = dim, where NN-descent's local joins stop short. */
function gaussian(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * dim }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

const n = 2000, dim = 64, k = 15;
const hard = gaussian(n, dim, 11);

describe("knn nndescent: recall check and graph-search passes", () => {
  for (const metric of ["euclidean", "cosine"] as const) {
    it(`reaches recall@15 ≥ 0.95 under ${metric} where NN-descent alone does not, losing no neighbour`, async () => {
      const exact = await knn(hard, { n, dim, k, metric, threads: 2 });
      const alone = await knn(hard, { n, dim, k, metric, threads: 2, method: "nndescent", seed: 3, targetRecall: 0 });
      const warnings: string[] = [];
      const checked = await knn(hard, { n, dim, k, metric, threads: 2, method: "nndescent", seed: 3, onWarning: (m) => warnings.push(m) });
      expect(neighbourRecall(alone.indices, exact.indices, n, k)).toBeLessThan(0.95); // the data is hard enough to matter
      expect(neighbourRecall(checked.indices, exact.indices, n, k)).toBeGreaterThanOrEqual(0.95);
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

  it("meets the target or warns on rows ordered with a period (the check's sample is not fooled by the order)", async () => {
    // 6,400 rows, every 100th (i mod 100 = 50) an easy row of a small far-away 4-d cluster, the rest hard 64-d
    // Gaussian rows: rows sampled evenly (every 100th) would all be easy, judge the target met and leave the
    // hard rows at NN-descent's recall without a word
    const rows = 6400, period = 100;
    const data = gaussian(rows, dim, 21);
    const easy = gaussian(rows, 4, 22);
    for (let i = period / 2; i < rows; i += period) {
      data.fill(0, i * dim, (i + 1) * dim);
      for (let t = 0; t < 4; t++) data[i * dim + t] = 100 + 0.1 * easy[i * 4 + t];
    }
    const exact = await knn(data, { n: rows, dim, k, threads: 2, method: "exact" });
    const alone = await knn(data, { n: rows, dim, k, threads: 2, method: "nndescent", seed: 3, targetRecall: 0 });
    const warnings: string[] = [];
    const checked = await knn(data, { n: rows, dim, k, threads: 2, method: "nndescent", seed: 3, onWarning: (m) => warnings.push(m) });
    expect(neighbourRecall(alone.indices, exact.indices, rows, k)).toBeLessThan(0.95);
    const found = neighbourRecall(checked.indices, exact.indices, rows, k);
    expect(found >= 0.95 || warnings.length === 1).toBe(true);
    expect(found).toBeGreaterThan(neighbourRecall(alone.indices, exact.indices, rows, k)); // passes ran
  });

  it("gives the same bits on 1 and 2 threads", async () => {
    const one = await knn(hard, { n, dim, k, threads: 1, method: "nndescent", seed: 5 });
    const two = await knn(hard, { n, dim, k, threads: 2, method: "nndescent", seed: 5 });
    expect(sameBytes(one.indices, two.indices) && sameBytes(one.distances, two.distances)).toBe(true);
  });

  it("leaves NN-descent's result as it is when the estimate passes (low intrinsic dimension)", async () => {
    const easy = gaussian(n, 4, 12);
    const alone = await knn(easy, { n, dim: 4, k, threads: 2, method: "nndescent", seed: 1, targetRecall: 0 });
    const checked = await knn(easy, { n, dim: 4, k, threads: 2, method: "nndescent", seed: 1 });
    expect(sameBytes(alone.indices, checked.indices) && sameBytes(alone.distances, checked.distances)).toBe(true);
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

  it("draws distinct sample rows at random, so that a period in the rows' order does not pick them", () => {
    // rows ordered with a period (row i in cluster i mod 50): evenly spaced rows (every 1,562.5th of 100,000) fell
    // in 4 of the 50 clusters; 64 random rows fall in about 36
    const rows = sampleRows(100000, REFINE_PARAMS.sampleRows, 1);
    expect(new Set(rows).size).toBe(64);
    expect(Array.from(rows)).toEqual(Array.from(rows).sort((a, b) => a - b));
    expect(new Set(Array.from(rows, (i) => i % 50)).size).toBeGreaterThan(25);
    expect(Array.from(sampleRows(100000, 64, 1))).toEqual(Array.from(rows)); // seeded
    expect(Array.from(sampleRows(100000, 64, 2))).not.toEqual(Array.from(rows));
  });
});
