// Exact kNN of query rows against reference rows (the transform's search): the float64 oracle's neighbours,
// the same bits on any thread count.
import { describe, expect, it } from "vitest";
import "../dist/index.js"; // registers the wasm builds
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { queryKnn } from "../dist/knn/query.js";
import { randomMatrix } from "./helpers.ts";

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
