// kNN of query rows against reference rows (the transform's search). Exact: the float64 oracle's neighbours,
// the same bits on any thread count. Graph search: the exact answer when it reaches every row, high recall on
// clustered data with the default settings, the same bits on any thread count, clear errors.
import { describe, expect, it } from "vitest";
import "../dist/index.js"; // registers the wasm builds
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { chooseQueryMethod, queryGraphKnn, queryKnn } from "../dist/knn/query.js";
import { exactKnn } from "../dist/knn/exact.js";
import { nndescentKnn } from "../dist/knn/nndescent.js";
import { buildGraph } from "../dist/embedding/graph.js";
import { neighbourRecall, randomMatrix, rng } from "./helpers.ts";

/** Points around `clusters` Gaussian centres (spread 4) with unit noise, in `dim` dimensions. */
function clustered(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const centres = Float32Array.from({ length: clusters * dim }, () => 4 * gauss());
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * clusters);
    for (let t = 0; t < dim; t++) x[i * dim + t] = centres[c * dim + t] + gauss();
  }
  return x;
}

describe("queryKnn", () => {
  it("finds the oracle's neighbours of every query among the reference rows; 1 and 2 threads agree", async () => {
    const n = 700, m = 90, dim = 13, k = 7;
    const reference = randomMatrix(n, dim, 11), queries = randomMatrix(m, dim, 12);
    const results: Int32Array[] = [];
    for (const threads of [1, 2]) {
      const core = await Core.create(threads);
      try {
        const found = await queryKnn(core, putMatrix(core, { values: reference, n, dim }), putMatrix(core, { values: queries, n: m, dim }), k);
        const indices = core.i32(found.indicesPtr, m * k).slice(), distances = core.f32(found.distancesPtr, m * k).slice();
        for (let i = 0; i < m; i++) {
          const d = Array.from({ length: n }, (_, j) => {
            let s = 0;
            for (let t = 0; t < dim; t++) s += (queries[i * dim + t] - reference[j * dim + t]) ** 2;
            return [s, j];
          }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          for (let t = 0; t < k; t++) {
            expect(indices[i * k + t]).toBe(d[t][1]);
            expect(distances[i * k + t]).toBeCloseTo(Math.sqrt(d[t][0]), 4);
          }
        }
        results.push(indices);
      } finally {
        core.destroy();
      }
    }
    expect(results[1]).toEqual(results[0]);
  });

  it("a query equal to a reference row has it as its nearest neighbour (nothing is excluded)", async () => {
    const n = 200, dim = 6;
    const reference = randomMatrix(n, dim, 3);
    const core = await Core.create(1);
    try {
      const queries = reference.slice(10 * dim, 14 * dim);
      const found = await queryKnn(core, putMatrix(core, { values: reference, n, dim }), putMatrix(core, { values: queries, n: 4, dim }), 3);
      expect(Array.from(core.i32(found.indicesPtr, 12)).filter((_, i) => i % 3 === 0)).toEqual([10, 11, 12, 13]);
      expect(core.f32(found.distancesPtr, 12)[0]).toBe(0);
    } finally {
      core.destroy();
    }
  });
});

describe("queryGraphKnn", () => {
  it("equals the exact search, bit for bit, when it reaches every row (ef = n on a connected graph, or entries = n)", async () => {
    const n = 300, m = 40, dim = 8, k = 7;
    const reference = randomMatrix(n, dim, 21), queries = randomMatrix(m, dim, 22);
    const core = await Core.create(1);
    try {
      const ref = putMatrix(core, { values: reference, n, dim }), q = putMatrix(core, { values: queries, n: m, dim });
      // uniform data and k = 7: the union kNN graph is connected, so a search keeping every row meets them all
      const graph = buildGraph(core, (await exactKnn(core, ref, k)).indicesPtr, n, k, 0);
      const exact = await queryKnn(core, ref, q, k);
      const want = [core.i32(exact.indicesPtr, m * k).slice(), core.f32(exact.distancesPtr, m * k).slice()] as const;
      for (const settings of [{ ef: n, entries: 1 }, { ef: k, entries: n }]) {
        const found = await queryGraphKnn(core, ref, graph, q, k, settings);
        expect(core.i32(found.indicesPtr, m * k)).toEqual(want[0]);
        expect(core.f32(found.distancesPtr, m * k)).toEqual(want[1]);
      }
    } finally {
      core.destroy();
    }
  });

  it("default settings on clustered data: recall@10 ≥ 0.95 against the exact search; 1 and 2 threads give the same bits", async () => {
    const n = 4000, m = 400, dim = 16, k = 10;
    const reference = clustered(n + m, dim, 12, 5);
    const results: [Int32Array, Float32Array][] = [];
    for (const threads of [1, 2]) {
      const core = await Core.create(threads);
      try {
        const ref = putMatrix(core, { values: reference.subarray(0, n * dim), n, dim });
        const q = putMatrix(core, { values: reference.subarray(n * dim), n: m, dim });
        // the graph a fit of this size has: NN-descent's (approximate itself), as in a transform
        const graph = buildGraph(core, (await nndescentKnn(core, ref, k, { seed: 3 })).indicesPtr, n, k, 3);
        const truth = core.i32((await queryKnn(core, ref, q, k)).indicesPtr, m * k).slice();
        const found = await queryGraphKnn(core, ref, graph, q, k);
        const indices = core.i32(found.indicesPtr, m * k).slice();
        // measured 0.9998 here (0.996 at k = 15 on Fashion-MNIST, bench/RESULTS.md); 0.95 is the transform's
        // target. The 12 clusters are pieces of the graph of their own: without the search tree's entry rows
        // one of them had none of the 32 sampled entries and recall fell to 0.92, below this bound.
        expect(neighbourRecall(indices, truth, m, k)).toBeGreaterThanOrEqual(0.95);
        results.push([indices, core.f32(found.distancesPtr, m * k).slice()]);
        // another seed draws another search tree: as good, and the same bits each time it is used
        const seeded = async () => core.i32((await queryGraphKnn(core, ref, graph, q, k, { seed: 7 })).indicesPtr, m * k).slice();
        const first = await seeded(), second = await seeded();
        expect(second).toEqual(first);
        expect(neighbourRecall(first, truth, m, k)).toBeGreaterThanOrEqual(0.95);
      } finally {
        core.destroy();
      }
    }
    expect(results[1][0]).toEqual(results[0][0]);
    expect(results[1][1]).toEqual(results[0][1]);
  });

  it("rejects mismatched widths and k out of range; auto picks by the number of reference rows, else follows the fit", async () => {
    const core = await Core.create(1);
    try {
      const ref = putMatrix(core, { values: randomMatrix(50, 4, 1), n: 50, dim: 4 });
      const graph = buildGraph(core, (await exactKnn(core, ref, 5)).indicesPtr, 50, 5, 0);
      const wide = putMatrix(core, { values: randomMatrix(3, 5, 2), n: 3, dim: 5 });
      await expect(queryGraphKnn(core, ref, graph, wide, 5)).rejects.toThrow(/query rows have 5 values; the reference rows have 4/);
      const q = putMatrix(core, { values: randomMatrix(3, 4, 2), n: 3, dim: 4 });
      await expect(queryGraphKnn(core, ref, graph, q, 51)).rejects.toThrow(/k = 51/);
      await expect(queryGraphKnn(core, ref, graph, q, 0)).rejects.toThrow(/k = 0/);
    } finally {
      core.destroy();
    }
    expect(chooseQueryMethod(undefined, "auto", 3000)).toBe("exact");
    expect(chooseQueryMethod(undefined, "auto", 3001)).toBe("nndescent");
    expect(chooseQueryMethod(undefined, "exact", 1e6)).toBe("exact");
    expect(chooseQueryMethod(undefined, "hnsw", 10)).toBe("nndescent");
    expect(chooseQueryMethod("exact", "nndescent", 1e6)).toBe("exact");
  });
});
