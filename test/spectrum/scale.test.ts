// The slider's ends are fixed in Z̄ (SPEC §2): Z̄(s) = Z_t·(Z_u/Z_t)^s with Z_u = n(n − 1)/5 whatever the number
// of negatives m, so the layout's scale falls with s, and at a given s it is about the same for every m (at fixed
// Z̄ the optimum does not depend on m). Under the earlier convention Z_u = n(n − 1)/m, 30 negatives on 3,000
// points gave a flat slider (scale 13.9 at every s against 8.6 at s = 1 for m = 5).
import { describe, expect, it } from "vitest";
import { createEmbedding, zBarAt } from "../../dist/index.js";
import { scale } from "../digits.ts";
import { rng } from "../helpers.ts";

/** n points of a mixture of `clusters` Gaussians (unit variance, centres of std 6) in `dim` dimensions. */
function gaussianMixture(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => 6 * gauss()));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) data[i * dim + t] = centres[i % clusters][t] + gauss();
  return data;
}

const n = 3000, dim = 10;
const data = gaussianMixture(n, dim, 10, 3);
const positions = [-0.5, 0, 0.5, 1, 1.5];

/** The layout's scale at each s, each an independent fit with m negatives (undefined: the default). */
async function scalesAlong(negativeSamples: number | undefined): Promise<{ m: number; scales: number[] }> {
  const scales: number[] = [];
  let m = 0;
  for (const s of positions) {
    const e = createEmbedding(data, { dim, s, negativeSamples, threads: 1, seed: 1 });
    try {
      scales.push(scale(await e.run(), 2));
      m = e.negativeSamples;
      expect(e.settings!.zBar).toBe(zBarAt(s, n));
    } finally {
      e.destroy();
    }
  }
  return { m, scales };
}

describe("the spectrum's scale on a Gaussian mixture of 3,000 points", () => {
  it("falls monotonically with s for 5 negatives and for the default, and s = 1 is UMAP's scale at any m", async () => {
    const five = await scalesAlong(5);
    const byDefault = await scalesAlong(undefined);
    expect(byDefault.m).toBeGreaterThan(5);
    for (const { scales } of [five, byDefault]) {
      for (let t = 1; t < scales.length; t++) expect(scales[t], `s = ${positions[t]}: ${scales}`).toBeLessThan(scales[t - 1]);
      // the ends are far apart: the slider spans Z̄ from 100·n to n(n − 1)/5 (×6 here), not a flat line
      expect(scales[1] / scales[3]).toBeGreaterThan(1.3);
    }
    // the same Z̄ at s = 1 gives the same compactness with m = 5 and the default m
    const ratio = byDefault.scales[3] / five.scales[3];
    expect(ratio, `${byDefault.scales[3]} against ${five.scales[3]}`).toBeLessThan(1.5);
    expect(ratio).toBeGreaterThan(1 / 1.5);
  });
});
