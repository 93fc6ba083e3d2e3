// The placement's noise distribution: the alias table of placeNoiseTable gives every training row the
// probability degree / E of the fit's negatives (heads of uniformly random directed edges).
import { describe, expect, it } from "vitest";
import "../dist/index.js"; // registers the wasm builds
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { exactKnn } from "../dist/knn/exact.js";
import { buildGraph } from "../dist/embedding/graph.js";
import { randomMatrix } from "./helpers.ts";

describe("placeNoiseTable", () => {
  it("each row's probability under the alias table is its degree over the edge count", async () => {
    const n = 500, dim = 3, k = 6;
    const core = await Core.create(1);
    try {
      const m = putMatrix(core, { values: randomMatrix(n, dim, 8), n, dim });
      const graph = buildGraph(core, (await exactKnn(core, m, k)).indicesPtr, n, k, 0);
      const table = core.alloc(n * 8);
      core.kernels.placeNoiseTable(graph.rowPtr, n, table, core.alloc(n * 16));
      const rowPtr = core.i32(graph.rowPtr, n + 1).slice();
      const words = new Uint32Array(core.kernels.memory.buffer, table, 2 * n);
      // a draw picks record u uniformly, keeps u when its low 32 bits are ≤ the threshold, else takes the alias
      const probability = new Float64Array(n);
      for (let u = 0; u < n; u++) {
        const keep = (words[2 * u] + 1) / 2 ** 32;
        probability[u] += keep / n;
        probability[words[2 * u + 1] | 0] += (1 - keep) / n;
      }
      const degrees = Array.from({ length: n }, (_, i) => rowPtr[i + 1] - rowPtr[i]);
      expect(new Set(degrees).size).toBeGreaterThan(3); // degrees differ: the table is not uniform
      for (let i = 0; i < n; i++) expect(probability[i]).toBeCloseTo(degrees[i] / graph.edgeCount, 8);
    } finally {
      core.destroy();
    }
  });
});
