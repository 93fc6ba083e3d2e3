import { describe, expect, it } from "vitest";
import "../dist/index.js"; // registers the wasm builds
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { fitPca, projectRows, readBasis, writeBasis } from "../dist/pca/index.js";
import { rng } from "./helpers.ts";

/** n × dim rows of a few strong directions plus noise, with a non-zero mean. */
function lowRank(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  const dirs = Array.from({ length: 6 }, () => Array.from({ length: dim }, () => r() - 0.5));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const z = dirs.map((_, a) => (r() - 0.5) * (8 - a));
    for (let j = 0; j < dim; j++) {
      let v = 3 + 0.1 * (r() - 0.5);
      for (let a = 0; a < dirs.length; a++) v += z[a] * dirs[a][j];
      out[i * dim + j] = v;
    }
  }
  return out;
}

describe("PCA as a reusable stage", () => {
  // the exact path (padded dim ≤ 128) and the randomised one on a row sample
  for (const [n, dim, k, sampleRows] of [[400, 60, 5, undefined], [1500, 150, 8, 700]] as const) {
    it(`projecting the training rows with the kept basis gives the fit's scores (dim ${dim})`, async () => {
      const data = lowRank(n, dim, dim);
      for (const threads of [1, 2]) {
        const core = await Core.create(threads);
        try {
          const m = putMatrix(core, { values: data, n, dim });
          const fit = await fitPca(core, m, k, { seed: 2, sampleRows });
          const projected = await projectRows(core, fit.basis, m);
          expect(projected).toMatchObject({ n, dim: k, stride: fit.scores.stride });
          const a = core.f32(fit.scores.ptr, n * fit.scores.stride), b = core.f32(projected.ptr, n * projected.stride);
          // the fit forms its scores through an intermediate projection: equal up to f32 rounding of that path
          let scale = 0, worst = 0;
          for (let i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
          }
          expect(scale).toBeGreaterThan(1);
          expect(worst / scale).toBeLessThan(2e-5);
          // and through a saved copy of the basis, the same bits as through the live one
          const saved = readBasis(core, fit.basis);
          expect(saved.mean.length).toBe(dim);
          expect(saved.components.length).toBe(dim * k);
          const again = await projectRows(core, writeBasis(core, saved), m);
          expect(core.f32(again.ptr, n * again.stride)).toEqual(b);
        } finally {
          core.destroy();
        }
      }
    });
  }

  it("rejects rows of another width", async () => {
    const core = await Core.create(1);
    try {
      const m = putMatrix(core, { values: lowRank(50, 12, 1), n: 50, dim: 12 });
      const fit = await fitPca(core, m, 3, { seed: 0 });
      const other = putMatrix(core, { values: new Float32Array(20), n: 2, dim: 10 });
      await expect(projectRows(core, fit.basis, other)).rejects.toThrow(/10 columns; the PCA was fitted on 12/);
    } finally {
      core.destroy();
    }
  });
});
