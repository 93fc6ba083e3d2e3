// Saved models: save() → bytes → loadModel() gives a handle with the original's bits; the format describes
// itself and every damaged or foreign file is a clear CneModelError.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CneInputError, CneModelError, createEmbedding, createParametricEmbedding, Embedding, loadModel, ParametricEmbedding } from "../dist/index.js";
import { LIBRARY_VERSION } from "../dist/version.js";
import { FORMAT_VERSION } from "../dist/model/container.js";
import { loadDigits } from "./digits.ts";
import { randomMatrix } from "./helpers.ts";

const digits = loadDigits();
const n = 500, dim = digits.dim;
const data = digits.data.slice(0, n * dim);
const fresh = digits.data.slice(n * dim, (n + 80) * dim);

function sameBits(a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function header(bytes: Uint8Array): Record<string, unknown> {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length)));
}

describe("saved models", () => {
  it("the library version written into models is package.json's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(LIBRARY_VERSION).toBe(pkg.version);
  });

  it("parametric: saved → loaded → transform gives the live model's bits", async () => {
    const live = createParametricEmbedding(data, { dim, nEpochs: 4, threads: 2, seed: 3 });
    await live.run();
    const bytes = live.save();
    const h = header(bytes);
    expect(h).toMatchObject({ library: "cne-wasm", libraryVersion: LIBRARY_VERSION, kind: "parametric", n, inputDim: dim, outDim: 2, loss: "neg", s: 0 });
    expect((h.sections as { name: string }[]).map((s) => s.name)).toEqual(["parameters", "embedding"]);
    const loaded = await loadModel(bytes, { threads: 1 });
    expect(loaded).toBeInstanceOf(ParametricEmbedding);
    const p = loaded as InstanceType<typeof ParametricEmbedding>;
    expect(sameBits(await p.transform(fresh), await live.transform(fresh))).toBe(true);
    expect(sameBits(p.embedding, live.embedding)).toBe(true);
    // and saved again, the same bytes
    expect(Buffer.from(p.save()).equals(Buffer.from(bytes))).toBe(true);
    // rows of another width are a clear error, not a silent misread
    const rows = Array.from({ length: 3 }, () => new Array(dim + 1).fill(0));
    await expect(p.transform(rows)).rejects.toThrow(CneInputError);
    live.destroy();
    loaded.destroy();
  });

  it("non-parametric, wide data: the layout, neighbours, reference rows and PCA basis survive; optimize continues with the same bits", async () => {
    const wn = 300, wdim = 120;
    const wide = randomMatrix(wn, wdim, 7);
    const live = createEmbedding(wide, { dim: wdim, nEpochs: 9, threads: 1, seed: 2, s: 0.5 });
    await live.run();
    const bytes = live.save();
    const h = header(bytes);
    expect(h).toMatchObject({ kind: "embedding", n: wn, inputDim: wdim, loss: "neg", s: 0.5, k: 15, pca: { dim: wdim, nComponents: 50 }, referenceDim: 50 });
    const loaded = await loadModel(bytes, { threads: 1 });
    expect(loaded).toBeInstanceOf(Embedding);
    const e = loaded as InstanceType<typeof Embedding>;
    const a = live.state!, b = e.state!;
    expect(sameBits(b.embedding, a.embedding)).toBe(true);
    expect(sameBits(b.knnIndices, a.knnIndices)).toBe(true);
    expect(sameBits(b.reference!, a.reference!)).toBe(true);
    expect(a.reference!.length).toBe(wn * 50);
    expect(sameBits(b.pca!.mean, a.pca!.mean)).toBe(true);
    expect(sameBits(b.pca!.components, a.pca!.components)).toBe(true);
    expect(b.target).toEqual(a.target);
    expect(sameBits(await e.optimize({ s: 1, nEpochs: 5 }), await live.optimize({ s: 1, nEpochs: 5 }))).toBe(true);
    live.destroy();
    loaded.destroy();
  });

  describe("damaged or foreign files are clear errors", () => {
    let bytes: Uint8Array;
    const model = async () => {
      if (bytes) return bytes;
      const e = createEmbedding(data, { dim, nEpochs: 3, threads: 1 });
      await e.run();
      bytes = e.save();
      e.destroy();
      return bytes;
    };

    it("wrong magic", async () => {
      const b = (await model()).slice();
      b[1] = 0x58;
      await expect(loadModel(b)).rejects.toThrow(CneModelError);
      await expect(loadModel(b)).rejects.toThrow(/not a cne-wasm model/);
      await expect(loadModel(new TextEncoder().encode("x,y\n1,2\n"))).rejects.toThrow(/wrong magic/);
    });

    it("a newer format version", async () => {
      const b = (await model()).slice();
      new DataView(b.buffer).setUint32(8, FORMAT_VERSION + 1, true);
      await expect(loadModel(b)).rejects.toThrow(new RegExp(`format version ${FORMAT_VERSION + 1}; this cne-wasm reads versions up to ${FORMAT_VERSION}`));
    });

    it("truncated", async () => {
      const b = await model();
      await expect(loadModel(b.slice(0, b.length - 100))).rejects.toThrow(/truncated model: \d+ of \d+ bytes/);
      await expect(loadModel(b.slice(0, 12))).rejects.toThrow(/truncated/);
    });

    it("corrupted: any flipped byte after the preamble fails the checksum", async () => {
      const b = await model();
      for (const at of [30, b.length >> 1, b.length - 10]) {
        const c = b.slice();
        c[at] ^= 0x10;
        await expect(loadModel(c)).rejects.toThrow(/corrupted model: the checksum does not match/);
      }
    });

    it("not bytes", async () => {
      await expect(loadModel([1, 2, 3] as never)).rejects.toThrow(CneModelError);
    });
  });
});

describe("a destroyed handle", () => {
  it("transform(), save() and optimize() say that the handle was destroyed", async () => {
    const n = 60, dim = 3;
    const data = Float32Array.from({ length: n * dim }, (_, i) => ((i * 7919) % 101) / 10 + 3 * (Math.floor(i / dim) % 3));
    const fitted = createEmbedding(data, { n, dim, k: 5, nEpochs: 4, threads: 1 });
    await fitted.run();
    const loaded = await loadModel(fitted.save(), { threads: 1 });
    fitted.destroy();
    loaded.destroy();
    for (const handle of [fitted, loaded as typeof fitted]) {
      await expect(handle.transform(data.subarray(0, 2 * dim))).rejects.toThrow(/transform\(\) on a destroyed handle/);
      await expect(handle.optimize({ nEpochs: 1 })).rejects.toThrow(/optimize\(\) on a destroyed handle/);
      expect(() => handle.save()).toThrow(/save\(\) on a destroyed handle/);
    }
  });
});
