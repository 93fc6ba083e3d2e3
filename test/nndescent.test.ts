import { describe, expect, it } from "vitest";
import { knn, CneInputError } from "../dist/index.js";
import { neighbourRecall, randomMatrix, rng, sameBytes } from "./helpers.ts";

/** Gaussian clusters: `clusters` centres N(0, 3²) in `dim` dimensions, points N(centre, 1) around them. */
function clustered(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: clusters * dim }, () => 3 * gauss());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * clusters);
    for (let t = 0; t < dim; t++) out[i * dim + t] = centres[c * dim + t] + gauss();
  }
  return out;
}

/** Checks the output contract: valid distinct neighbours, self excluded, distances true and ascending. */
function expectWellFormed(res: { indices: Int32Array; distances: Float32Array }, data: Float32Array, n: number, dim: number, k: number) {
  const problems: string[] = [];
  for (let i = 0; i < n && problems.length < 5; i++) {
    const row = res.indices.subarray(i * k, (i + 1) * k);
    if (new Set(row).size !== k) problems.push(`row ${i} repeats a neighbour`);
    for (let t = 0; t < k; t++) {
      const j = row[t];
      if (!(j >= 0 && j < n) || j === i) { problems.push(`row ${i} slot ${t}: index ${j}`); continue; }
      let s = 0;
      for (let c = 0; c < dim; c++) s += (data[i * dim + c] - data[j * dim + c]) ** 2;
      const d = res.distances[i * k + t];
      if (!(Math.abs(d - Math.sqrt(s)) < 1e-4 * (1 + Math.sqrt(s)))) problems.push(`row ${i} slot ${t}: distance ${d} ≠ ${Math.sqrt(s)}`);
      if (t > 0 && d < res.distances[i * k + t - 1]) problems.push(`row ${i} slot ${t}: not ascending`);
    }
  }
  expect(problems).toEqual([]);
}

describe("knn (nndescent)", () => {
  const n = 4000, dim = 50, k = 15;
  const data = clustered(n, dim, 12, 5);
  let exactIndices: Int32Array;
  const exact = async () => (exactIndices ??= (await knn(data, { n, dim, k, threads: 2 })).indices);

  it("finds ≥ 95% of the exact neighbours on clustered 50-d data, well formed", async () => {
    const res = await knn(data, { n, dim, k, threads: 1, method: "nndescent", seed: 1 });
    expect(neighbourRecall(res.indices, await exact(), n, k)).toBeGreaterThanOrEqual(0.95);
    expectWellFormed(res, data, n, dim, k);
  });

  it("finds ≥ 95% of the exact neighbours on uniform 8-d data, with another seed", async () => {
    const m = 3000, d = 8;
    const u = randomMatrix(m, d, 17);
    const truth = await knn(u, { dim: d, k, threads: 1 });
    const res = await knn(u, { dim: d, k, threads: 1, method: "nndescent", seed: 123456789 });
    expect(neighbourRecall(res.indices, truth.indices, m, k)).toBeGreaterThanOrEqual(0.95);
  });

  it("gives bit-identical output for the same seed, on 1, 2 and 3 threads", async () => {
    const one = await knn(data, { n, dim, k, threads: 1, method: "nndescent", seed: 7 });
    const again = await knn(data, { n, dim, k, threads: 1, method: "nndescent", seed: 7 });
    expect(sameBytes(again.indices, one.indices) && sameBytes(again.distances, one.distances)).toBe(true);
    for (const threads of [2, 3]) {
      const many = await knn(data, { n, dim, k, threads, method: "nndescent", seed: 7 });
      expect(sameBytes(many.indices, one.indices)).toBe(true);
      expect(sameBytes(many.distances, one.distances)).toBe(true);
    }
  });

  it("keeps high recall for every seed, and the seed changes the search", async () => {
    // a hard case (uniform 24-d, few rows per leaf): the outcome depends on the random forest
    const m = 2000, d = 24;
    const u = randomMatrix(m, d, 3);
    const truth = await knn(u, { dim: d, k, threads: 1 });
    const results = [];
    for (const seed of [0, 1, 2]) {
      const res = await knn(u, { dim: d, k, threads: 1, method: "nndescent", seed });
      expect(neighbourRecall(res.indices, truth.indices, m, k)).toBeGreaterThanOrEqual(0.95);
      results.push(res.indices);
    }
    expect(sameBytes(results[0], results[1]) && sameBytes(results[1], results[2])).toBe(false);
  });

  it("handles n = k + 1 (every other row is a neighbour) and duplicate rows", async () => {
    const small = randomMatrix(16, 5, 9);
    const res = await knn(small, { dim: 5, k: 15, threads: 1, method: "nndescent" });
    expectWellFormed(res, small, 16, 5, 15);
    const dup = new Float32Array(300 * 4).fill(1); // all rows equal: every distance is 0
    const d = await knn(dup, { dim: 4, k: 10, threads: 2, method: "nndescent" });
    expectWellFormed(d, dup, 300, 4, 10);
    expect(d.distances.every((v) => v === 0)).toBe(true);
  });

  it("reports progress for the kNN stage, rising to 1", async () => {
    const seen: [number, string][] = [];
    await knn(data, { n, dim, k, threads: 2, method: "nndescent", onProgress: (f, s) => seen.push([f, s]) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every(([, s]) => s === "knn")).toBe(true);
    expect(seen.at(-1)![0]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
  });

  it("stops on abort and rejects with an AbortError", async () => {
    for (const threads of [1, 2]) {
      const controller = new AbortController();
      let calls = 0;
      const p = knn(data, {
        n, dim, k, threads, method: "nndescent", signal: controller.signal,
        onProgress: () => { if (++calls === 1) controller.abort(); },
      });
      await expect(p).rejects.toMatchObject({ name: "AbortError" });
      expect(calls).toBe(1);
    }
  });

  describe("bad input", () => {
    const good = randomMatrix(40, 4, 2);
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ["unknown method", () => knn(good, { dim: 4, method: "annoy" as never }), /method must be "exact", "nndescent"/],
      ["negative seed", () => knn(good, { dim: 4, method: "nndescent", seed: -1 }), /seed must be a non-negative integer/],
      ["fractional seed", () => knn(good, { dim: 4, method: "nndescent", seed: 0.5 }), /seed must be a non-negative integer/],
      ["NaN data", () => { const d = good.slice(); d[9] = NaN; return knn(d, { dim: 4, k: 3, method: "nndescent" }); }, /non-finite value \(NaN\) at row 2, column 1/],
      ["n <= k", () => knn(good, { dim: 4, k: 40, method: "nndescent" }), /n = 40 is too small for k = 40/],
    ];
    for (const [name, call, message] of cases) {
      it(`rejects ${name} with a clear error`, async () => {
        await expect(call()).rejects.toThrow(message);
        await expect(call()).rejects.toBeInstanceOf(CneInputError);
      });
    }
  });
});
