// Neg-t-SNE at a t-SNE fit's partition function (zBar "tsne", SPEC §2 and §7) and further phases of a t-SNE fit
// (optimize() with loss "tsne" or a per-pair loss), on a generated Gaussian mixture small enough for the exact
// repulsion.
import { describe, expect, it } from "vitest";
import { CneInputError, createEmbedding, createParametricEmbedding, embed, Embedding, knn, knnRecall } from "../dist/index.js";
import { gaussianMixture } from "./helpers.ts";

const n = 600, dim = 10;
const data = gaussianMixture(n, dim, 6, 1);
const base = { dim, seed: 1, threads: 1, onWarning: () => {} };

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Standard deviation of a 2-D layout over both coordinates, about its mean. */
function spread(y: Float32Array): number {
  const m = y.length / 2;
  let mx = 0, my = 0, s = 0;
  for (let i = 0; i < m; i++) { mx += y[2 * i]; my += y[2 * i + 1]; }
  mx /= m; my /= m;
  for (let i = 0; i < m; i++) s += (y[2 * i] - mx) ** 2 + (y[2 * i + 1] - my) ** 2;
  return Math.sqrt(s / (2 * m));
}

const neighbours = async (y: Float32Array) => (await knn(y, { dim: 2, k: 15, threads: 1 })).indices;

describe("zBar \"tsne\"", () => {
  it("lays Neg-t-SNE out closer to the t-SNE layout than the default Z̄ does, at the t-SNE fit's Z", async () => {
    const tsne = createEmbedding(data, { ...base, loss: "tsne" });
    const stages = new Set<string>();
    let klSeen = false;
    try {
      const yTsne = await tsne.run();
      const z = tsne.tsnePartitionFunction!;
      // the Z the iterations computed is the layout's Σφ (the handle's exact sum), up to the last step
      expect(Math.abs(z / (await tsne.partitionFunction({ exact: true })) - 1)).toBeLessThan(0.01);
      const e = createEmbedding(data, { ...base, zBar: "tsne" });
      const yAtZ = await e.run({ onProgress: (_f, stage, detail) => { stages.add(stage); if (stage === "tsne" && detail) klSeen = true; } });
      // it ran the same t-SNE (same seed: same bits, same Z) and placed Neg-t-SNE at that Z
      expect(e.settings!.zBar).toBe(z);
      expect(e.tsnePartitionFunction).toBe(z);
      expect(e.settings!.k).toBe(15);
      // its saved state holds the Z it resolved to, and continues with the original's bits
      expect(e.state!.options.zBar).toBe(z);
      const restored = await Embedding.fromState(e.state!, { threads: 1 });
      expect(sameBits(await restored.optimize({ s: 0.5, nEpochs: 3 }), await e.optimize({ s: 0.5, nEpochs: 3 }))).toBe(true);
      restored.destroy();
      e.destroy();
      expect([...stages]).toEqual(["knn", "affinities", "init", "tsne", "early-exaggeration", "optimize"]);
      expect(klSeen).toBe(true);
      // on these few points t-SNE's Z is far below the slider's 100·n: the default sits elsewhere on the spectrum
      expect(z).toBeLessThan(50 * n);
      // the same layout as a fit given that Z as a number: the t-SNE's first 15 neighbours are the exact 15-NN
      expect(sameBits(yAtZ, await embed(data, { ...base, zBar: z }))).toBe(true);
      const yDefault = await embed(data, base);
      const reference = await neighbours(yTsne);
      const overlapAtZ = knnRecall(reference, await neighbours(yAtZ), n, 15);
      const overlapDefault = knnRecall(reference, await neighbours(yDefault), n, 15);
      expect(overlapAtZ).toBeGreaterThan(overlapDefault);
      const gap = (y: Float32Array) => Math.abs(Math.log(spread(y) / spread(yTsne)));
      expect(gap(yAtZ)).toBeLessThan(gap(yDefault));
    } finally {
      tsne.destroy();
    }
  });

  it("in optimize() of a t-SNE fit, continues from the t-SNE layout (rescaled) at the fit's own Z on its 15-NN graph", async () => {
    const e = createEmbedding(data, { ...base, loss: "tsne" });
    try {
      const yTsne = await e.run();
      expect(e.knnGraph!.indices.length).toBe(n * 90);
      const z = e.tsnePartitionFunction!;
      // the per-pair phase starts from the t-SNE layout centred and scaled to first-coordinate std 1: a step at a
      // negligible rate leaves it there
      const still = await e.optimize({ loss: "neg", zBar: "tsne", nEpochs: 1, learningRate: 1e-9 });
      let mean = 0, sq = 0;
      for (let i = 0; i < n; i++) mean += yTsne[2 * i] / n;
      for (let i = 0; i < n; i++) sq += (yTsne[2 * i] - mean) ** 2 / n;
      const factor = 1 / Math.sqrt(sq);
      for (const [p, q] of [[0, 1], [10, 500], [123, 321]]) {
        const before = Math.hypot(yTsne[2 * p] - yTsne[2 * q], yTsne[2 * p + 1] - yTsne[2 * q + 1]);
        const after = Math.hypot(still[2 * p] - still[2 * q], still[2 * p + 1] - still[2 * q + 1]);
        expect(after / before).toBeCloseTo(factor, 4);
      }
      expect(e.settings).toMatchObject({ loss: "neg", zBar: z, k: 15, epochs: 1 });
      // the per-pair graph: the first 15 of the t-SNE fit's 90 neighbours of each point
      expect(e.knnGraph!.indices.length).toBe(n * 15);
      expect(e.klDivergence).toBeUndefined();
      // a phase after a per-pair one continues without rescaling
      const again = await e.optimize({ loss: "neg", zBar: "tsne", nEpochs: 1, learningRate: 1e-9 });
      expect(spread(again) / spread(still)).toBeCloseTo(1, 5);
      const y = await e.optimize({ loss: "neg", zBar: "tsne", nEpochs: 40 });
      // the UMAP end from there is tighter
      const umap = await e.optimize({ loss: "neg", s: 1, nEpochs: 40 });
      expect(spread(umap)).toBeLessThan(spread(y));
    } finally {
      e.destroy();
    }
  });

  it("is refused where there is no t-SNE to run or read", async () => {
    expect(() => createEmbedding(data, { ...base, zBar: "tsne", outDim: 3 })).toThrow(/zBar "tsne" needs outDim 2/);
    expect(() => createEmbedding(data, { ...base, zBar: "tsne", s: 0.5 })).toThrow(/either s or zBar/);
    expect(() => createEmbedding(data, { ...base, zBar: "tsne", loss: "nce" })).toThrow(/zBar applies to loss "neg"/);
    expect(() => createEmbedding(data, { ...base, zBar: "umap" as never })).toThrow(CneInputError);
    expect(() => createEmbedding(data, { ...base, zBar: "umap" as never })).toThrow(/zBar must be a positive number from 1e-30 to 1e38 or "tsne", got "umap"/);
    expect(() => createEmbedding(data, { ...base, zBar: "tsne", knnIndices: new Int32Array(n * 15) })).toThrow(/give no knnIndices/);
    expect(() => createParametricEmbedding(data, { ...base, zBar: "tsne" })).toThrow(/zBar "tsne" applies to layout fits/);
    const plain = createEmbedding(data, { ...base, nEpochs: 3 });
    try {
      await plain.run();
      await expect(plain.optimize({ zBar: "tsne" })).rejects.toThrow(/needs a t-SNE fit behind the handle/);
      await expect(plain.optimize({ loss: "tsne" })).rejects.toThrow(/continues a t-SNE fit only/);
    } finally {
      plain.destroy();
    }
  });
});

describe("optimize() of a t-SNE fit with loss \"tsne\"", () => {
  it("runs more iterations of the same optimisation: two calls give the bits of one as long", async () => {
    const fit = { ...base, loss: "tsne" as const, nEpochs: 300 };
    const a = createEmbedding(data, fit), b = createEmbedding(data, fit);
    try {
      await a.run();
      await b.run();
      const kl = a.klDivergence!;
      await a.optimize({ loss: "tsne", nEpochs: 60 });
      const twice = await a.optimize({ loss: "tsne", nEpochs: 60 });
      const once = await b.optimize({ loss: "tsne", nEpochs: 120 });
      expect(sameBits(twice, once)).toBe(true);
      expect(a.settings).toMatchObject({ loss: "tsne", epochs: 60, earlyEpochs: 0, rule: "tsne" });
      // 120 more iterations of a fit stopped at 300 lower its KL divergence
      expect(a.klDivergence!).toBeLessThan(kl);
      // and after a per-pair phase t-SNE starts its momentum afresh, from that layout
      const neg = await a.optimize({ loss: "neg", nEpochs: 3 });
      const back = await a.optimize({ loss: "tsne", nEpochs: 20 });
      expect(sameBits(back, neg)).toBe(false);
      expect(Number.isFinite(a.klDivergence!)).toBe(true);
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});
