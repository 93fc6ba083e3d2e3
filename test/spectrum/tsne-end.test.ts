// The spectrum from its t-SNE end (tsneEnd): t-SNE itself is the s = 0 layout and the walk goes up from it with
// the per-pair loss, each step an optimize() of the t-SNE handle.
import { describe, expect, it } from "vitest";
import { createEmbedding, createSpectrumWalk, spectrum } from "../../dist/index.js";
import { rng } from "../helpers.ts";

const n = 300, dim = 6;
const data = (() => {
  const r = rng(9);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) out[i * dim + t] = (t === i % 3 ? 6 : 0) + r() * 2;
  return out;
})();
// a short t-SNE (150 iterations) and short steps keep the test quick
const base = { dim, seed: 3, threads: 1, nEpochs: 150, onWarning: () => {} };

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("spectrum() from the t-SNE end", () => {
  it("unaligned, it is a t-SNE fit at s = 0 followed by per-pair optimize() calls up the list", async () => {
    const series = await spectrum(data, { ...base, s: [1, 0, 0.5], tsneEnd: true, stepEpochs: 4, negativeSamples: 7, align: false });
    expect(series.computed).toEqual([1, 2, 0]);
    const e = createEmbedding(data, { ...base, loss: "tsne" });
    try {
      const tsne = await e.run();
      const z = e.tsnePartitionFunction;
      const want = [tsne, await e.optimize({ loss: "neg", s: 0.5, nEpochs: 4, negativeSamples: 7 }), await e.optimize({ loss: "neg", s: 1, nEpochs: 4, negativeSamples: 7 })];
      series.computed.forEach((i, k) => expect(sameBits(series.layouts[i].layout, want[k]), `layout ${i}`).toBe(true));
      expect(series.layouts.map((l) => [l.s, l.loss])).toEqual([[1, "neg"], [0, "tsne"], [0.5, "neg"]]);
      // the t-SNE end names its partition function, the others the Z̄ of their s
      expect(series.layouts[1].zBar).toBe(z);
      expect(series.layouts[2].zBar).toBeCloseTo(100 * n * Math.pow((n - 1) / 500, 0.5), 6);
    } finally {
      e.destroy();
    }
  });

  it("hands the t-SNE options to the first fit and the per-pair ones to the steps, and aligns as the walk does", async () => {
    const walk = createSpectrumWalk(data, { ...base, tsneEnd: true, perplexity: 10, negativeSamples: 9, stepEpochs: 3 });
    try {
      const first = await walk.start();
      expect(walk.settings).toMatchObject({ loss: "tsne", k: 30 });
      expect([first.s, first.loss, first.scale]).toEqual([0, "tsne", 1]);
      const next = await walk.moveTo(0.5);
      expect(walk.settings).toMatchObject({ loss: "neg", s: 0.5, negativeSamples: 9, k: 15, epochs: 3 });
      expect(next.loss).toBe("neg");
      expect(next.scale).not.toBe(1);
    } finally {
      walk.destroy();
    }
  });

  it("refuses what the t-SNE end cannot do", async () => {
    await expect(spectrum(data, { ...base, s: [-0.5, 0, 1], tsneEnd: true })).rejects.toThrow(/every s must be ≥ 0, got -0.5/);
    await expect(spectrum(data, { ...base, s: [0.5, 1], tsneEnd: true })).rejects.toThrow(/s must include 0: the t-SNE layout/);
    expect(() => createSpectrumWalk(data, { ...base, tsneEnd: true, s: 0.5 })).toThrow(/give no s/);
    expect(() => createSpectrumWalk(data, { ...base, tsneEnd: true, loss: "infonce", c: 2 })).toThrow(/t-SNE, which has no c/);
    expect(() => createSpectrumWalk(data, { ...base, tsneEnd: true, loss: "umap" })).toThrow(/s has no effect on "umap"/);
    expect(() => createSpectrumWalk(data, { ...base, tsneEnd: "yes" as never })).toThrow(/tsneEnd must be true or false/);
  });
});
