// The fit's neighbour search space (the `pca` option) and its recall check (`targetRecall`): validation, the
// graph of a full-row search against knn()'s, and the choice kept by transform, save/load, t-SNE and the
// parametric mode.
import { describe, expect, it } from "vitest";
import { createEmbedding, createParametricEmbedding, embed, knn, loadModel, type Embedding } from "../dist/index.js";
import { encodeEmbedding } from "../dist/model/codec.js";
import { rng } from "./helpers.ts";

/** n rows of `dim` columns in 8 clusters of isotropic noise: wide enough for the default PCA-50 search. */
function clusteredRows(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  const centres = Array.from({ length: 8 }, () => Float32Array.from({ length: dim }, () => r() * 2 - 1));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) out[i * dim + t] = centres[i % 8][t] + (r() - 0.5) * 1.5;
  return out;
}

const n = 400, dim = 128, k = 15;
const data = clusteredRows(n, dim, 7);
const held = clusteredRows(60, dim, 8);
const quiet = { onWarning: () => {} };
const base = { dim, seed: 3, nEpochs: 6, threads: 1, ...quiet };

const sameBits = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function formatVersion(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
}

function header(bytes: Uint8Array): Record<string, any> {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length)));
}

async function fitted(options: object): Promise<Embedding> {
  const e = createEmbedding(data, { ...base, ...options });
  await e.run();
  return e;
}

describe("pca and targetRecall: validation", () => {
  it("refuses values outside the table's range, naming the option", () => {
    for (const bad of [1, 2.5, 8193, "off", true, null]) {
      expect(() => createEmbedding(data, { ...base, pca: bad as never }), String(bad)).toThrow(/pca must be an integer from 2 to 8192 or false/);
    }
    for (const bad of [-0.1, 1.5, "high"]) {
      expect(() => createEmbedding(data, { ...base, targetRecall: bad as never }), String(bad)).toThrow(/targetRecall must be a finite number from 0 to 1/);
    }
  });

  it("refuses more components than the data has columns, in both modes", () => {
    expect(() => createEmbedding(data, { ...base, pca: dim + 1 })).toThrow(/pca = 129 asks for more principal components than the data's 128 columns/);
    expect(() => createParametricEmbedding(data, { ...base, pca: dim + 1 })).toThrow(/than the data's 128 columns/);
    expect(() => createEmbedding(data, { ...base, pca: dim })).not.toThrow();
  });

  it("refuses a number of components under a metric that never searches a PCA; false changes nothing there", async () => {
    expect(() => createEmbedding(data, { ...base, metric: "manhattan", pca: 20 })).toThrow(/pca = 20: manhattan neighbours are never searched in a PCA/);
    const binary = data.map((v) => (v > 0 ? 1 : 0));
    expect(() => createEmbedding(binary, { ...base, metric: "jaccard", pca: 10 })).toThrow(/jaccard neighbours are never searched in a PCA/);
    // exact search: no recall check, so pca false must give the default's bits under manhattan
    const opts = { ...base, metric: "manhattan" as const, knn: "exact" as const };
    expect(sameBits(await embed(data, { ...opts, pca: false }), await embed(data, opts))).toBe(true);
  });

  it("refuses pca and targetRecall with precomputed neighbours where no search runs", async () => {
    const { indices } = await knn(data, { dim, k, threads: 1 });
    expect(() => createEmbedding(data, { ...base, knnIndices: indices, pca: false })).toThrow(/knnIndices are given and no search runs: drop pca/);
    expect(() => createEmbedding(data, { ...base, knnIndices: indices, targetRecall: 0.9 })).toThrow(/drop targetRecall/);
    expect(() => createParametricEmbedding(data, { ...base, knnIndices: indices, targetRecall: 0.9 })).toThrow(/drop targetRecall/);
    // the parametric network still reads through pca: there it chooses the network's input alone
    const p = createParametricEmbedding(data, { ...base, knnIndices: indices, pca: 20, nEpochs: 1 });
    await p.run();
    expect(p.state!.pca!.nComponents).toBe(20);
    expect(p.state!.shape.inDim).toBe(20);
    p.destroy();
  });
});

describe("pca: false searches the metric's full rows", () => {
  for (const method of ["exact", "nndescent"] as const) {
    it(`gives knn()'s graph on the full rows (${method}, same seed), unlike the default PCA-50 search`, async () => {
      const full = await fitted({ metric: "cosine", knn: method, pca: false });
      const pca50 = await fitted({ metric: "cosine", knn: method });
      const oracle = await knn(data, { dim, k, metric: "cosine", method, seed: 3, threads: 1 });
      const graph = full.knnGraph!;
      expect(sameBits(graph.indices, oracle.indices)).toBe(true);
      expect(sameBits(graph.distances!, oracle.distances)).toBe(true);
      const shared = graph.indices.filter((j, i) => pca50.knnGraph!.indices.slice(Math.floor(i / k) * k, Math.floor(i / k) * k + k).includes(j)).length;
      expect(shared / graph.indices.length).toBeLessThan(0.95);
      full.destroy();
      pca50.destroy();
    });
  }

  it("checks NN-descent's recall as knn() does (default 0.95); targetRecall 0 skips the check; default fits never check", async () => {
    // uniform rows in 128 dimensions: NN-descent alone finds about 0.88 of the 15 neighbours of 800 rows, the
    // check's graph-search passes about 0.98 (measured with knn())
    const r = rng(9), m = 800, uniform = Float32Array.from({ length: m * dim }, () => r() * 2 - 1);
    const opts = { ...base, dim, metric: "cosine" as const, knn: "nndescent" as const, nEpochs: 1 };
    const graphOf = async (o: object) => {
      const e = createEmbedding(uniform, { ...opts, ...o });
      await e.run();
      const indices = e.knnGraph!.indices;
      e.destroy();
      return indices;
    };
    const knnOf = (o: object) => knn(uniform, { dim, k, metric: "cosine", method: "nndescent", seed: 3, threads: 1, ...quiet, ...o });
    const [checked, unchecked, exact] = [await knnOf({}), await knnOf({ targetRecall: 0 }), await knnOf({ method: "exact" })];
    const recall = (found: Int32Array) => found.filter((j, i) => exact.indices.subarray(i - (i % k), i - (i % k) + k).includes(j)).length / found.length;
    expect(recall(unchecked.indices)).toBeLessThan(0.92);
    expect(recall(checked.indices)).toBeGreaterThan(0.95);
    expect(sameBits(await graphOf({ pca: false }), checked.indices)).toBe(true);
    expect(sameBits(await graphOf({ pca: false, targetRecall: 0 }), unchecked.indices)).toBe(true);
    // the default PCA-50 search runs no check unless asked: its graph is that of targetRecall 0
    expect(sameBits(await graphOf({}), await graphOf({ targetRecall: 0 }))).toBe(true);
  });

  it("pca: 50 is the default above 100 columns (same bits); another number searches that many components", async () => {
    const opts = { ...base, metric: "cosine" as const };
    expect(sameBits(await embed(data, { ...opts, pca: 50 }), await embed(data, opts))).toBe(true);
    const e = await fitted({ metric: "cosine", pca: 20 });
    expect(e.state!.pca!.nComponents).toBe(20);
    expect(e.state!.reference!.length).toBe(n * 20);
    e.destroy();
  });
});

describe("the search space is kept by transform and saved models", () => {
  it("pca: false keeps the full rows: transform searches them, and a loaded model gives the same bits", async () => {
    const e = await fitted({ metric: "cosine", pca: false });
    const state = e.state!;
    expect(state.pca).toBeUndefined();
    expect(state.reference!.length).toBe(n * dim);
    const placed = await e.transform(held);
    const bytes = e.save();
    expect(formatVersion(bytes)).toBe(5);
    expect(header(bytes).options.pca).toBe(false);
    expect(header(bytes).referenceDim).toBe(dim);
    const model = (await loadModel(bytes, { threads: 1 })) as Embedding;
    expect(sameBits(await model.transform(held), placed)).toBe(true);
    // the default fit searches PCA-50: its transform differs
    const d = await fitted({ metric: "cosine" });
    expect(sameBits(await d.transform(held), placed)).toBe(false);
    // a fit without the new options keeps format version 1, which older readers read
    expect(formatVersion(d.save())).toBe(1);
    for (const h of [e, model, d]) h.destroy();
  });

  it("a model whose PCA contradicts options.pca is refused as corrupted", async () => {
    const d = await fitted({ metric: "cosine" });
    const state = d.state!;
    d.destroy();
    await expect(loadModel(encodeEmbedding({ ...state, options: { ...state.options, pca: false } }))).rejects.toThrow(/header field "pca".*options\.pca is false/);
    await expect(loadModel(encodeEmbedding({ ...state, options: { ...state.options, pca: 30 } }))).rejects.toThrow(/a PCA of options\.pca = 30 components/);
  });
});

describe("t-SNE and the parametric mode take the option", () => {
  it("t-SNE with pca: false has knn()'s full-row neighbours (3·perplexity of them)", async () => {
    const e = await fitted({ loss: "tsne", perplexity: 5, pca: false, knn: "exact", metric: "cosine", nEpochs: 30 });
    const oracle = await knn(data, { dim, k: 15, metric: "cosine", method: "exact", threads: 1 });
    expect(sameBits(e.knnGraph!.indices, oracle.indices)).toBe(true);
    const placed = await e.transform(held);
    const model = (await loadModel(e.save(), { threads: 1 })) as Embedding;
    expect(sameBits(await model.transform(held), placed)).toBe(true);
    e.destroy();
    model.destroy();
  });

  it("the parametric network reads the full rows with pca: false, PCA-50 by default; a loaded model transforms alike", async () => {
    const p = createParametricEmbedding(data, { ...base, pca: false, nEpochs: 2 });
    await p.run();
    expect(p.state!.pca).toBeUndefined();
    expect(p.state!.shape.inDim).toBe(dim);
    const placed = await p.transform(held);
    const bytes = p.save();
    expect(formatVersion(bytes)).toBe(5);
    const model = await loadModel(bytes, { threads: 1 });
    expect(sameBits(await model.transform(held), placed)).toBe(true);
    const d = createParametricEmbedding(data, { ...base, nEpochs: 2 });
    await d.run();
    expect(d.state!.pca!.nComponents).toBe(50);
    for (const h of [p, model, d]) h.destroy();
  });
});
