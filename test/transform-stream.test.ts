// A row's transform does not depend on the other rows of its call, on the block size or on the thread count, in
// both modes, so a streamed transform (transformStream, `cne transform` in blocks, a fleet) equals one in-memory
// call bit for bit.
import { describe, expect, it } from "vitest";
import { createEmbedding, createParametricEmbedding, loadModel, transformStream } from "../dist/index.js";
import { loadDigits } from "./digits.ts";
import { randomMatrix } from "./helpers.ts";

const digits = loadDigits();
const dim = digits.dim, nTrain = 1500;
const train = digits.data.slice(0, nTrain * dim), held = digits.data.slice(nTrain * dim);
const nHeld = held.length / dim;

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && bytes(a).equals(bytes(b));

/** Rows [begin, end) of a row-major matrix. */
const rowsOf = (m: Float32Array, d: number, begin: number, end: number) => m.slice(begin * d, end * d);

async function* blocksOf(m: Float32Array, d: number, size: number) {
  for (let r = 0; r < m.length / d; r += size) yield rowsOf(m, d, r, Math.min(m.length / d, r + size));
}

async function collect(gen: AsyncIterable<Float32Array>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const p of gen) parts.push(p);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

describe("transform is batch-independent", () => {
  for (const knn of ["exact", "nndescent"] as const) {
    it(`non-parametric (${knn} search): a slice alone, reordered rows, blocks of 37 and 1 and 2 threads give each row the same bits`, async () => {
      const e = createEmbedding(train, { dim, seed: 3, nEpochs: 30, threads: 2, knn: "nndescent" });
      await e.run();
      const all = await e.transform(held, { knn });
      // 100 of the rows alone (the case: they differed by up to 2.3 on a layout of extent 30)
      const some = await e.transform(rowsOf(held, dim, 50, 150), { knn });
      expect(sameBits(some, all.slice(50 * 2, 150 * 2))).toBe(true);
      // the rows in reverse order
      const reversed = new Float32Array(held.length);
      for (let i = 0; i < nHeld; i++) reversed.set(held.subarray(i * dim, (i + 1) * dim), (nHeld - 1 - i) * dim);
      const back = await e.transform(reversed, { knn });
      let same = 0;
      for (let i = 0; i < nHeld; i++) if (back[2 * (nHeld - 1 - i)] === all[2 * i] && back[2 * (nHeld - 1 - i) + 1] === all[2 * i + 1]) same++;
      expect(same).toBe(nHeld);
      // streamed in blocks of 37 (transformStream uses the default search: as the fit, nndescent)
      const whole = knn === "nndescent" ? all : await e.transform(held);
      expect(sameBits(await collect(transformStream(e, blocksOf(held, dim, 37))), whole)).toBe(true);
      // a loaded copy on one thread
      const one = await loadModel(e.save(), { threads: 1 });
      expect(sameBits(await one.transform(held, { knn }), all)).toBe(true);
      one.destroy();
      e.destroy();
    });
  }

  it("non-parametric, data wider than 100 columns (PCA projection of new rows): a slice alone gives the same bits", async () => {
    const wide = randomMatrix(900, 120, 7);
    for (let i = 0; i < 900; i++) wide[i * 120 + (i % 3)] += 4; // three clusters
    const e = createEmbedding(wide.slice(0, 700 * 120), { dim: 120, seed: 1, nEpochs: 20 });
    await e.run();
    const rest = wide.slice(700 * 120);
    const all = await e.transform(rest);
    expect(sameBits(await e.transform(rowsOf(rest, 120, 13, 77)), all.slice(13 * 2, 77 * 2))).toBe(true);
    e.destroy();
  });

  it("parametric: a slice alone, blocks of 37, and 1 and 2 threads give each row the same bits", async () => {
    const p = createParametricEmbedding(train, { dim, seed: 2, nEpochs: 2, threads: 2 });
    await p.run();
    const all = await p.transform(held);
    expect(sameBits(await p.transform(rowsOf(held, dim, 50, 150)), all.slice(100, 300))).toBe(true);
    expect(sameBits(await collect(transformStream(p, blocksOf(held, dim, 37))), all)).toBe(true);
    const one = await loadModel(p.save(), { threads: 1 });
    expect(sameBits(await one.transform(held), all)).toBe(true);
    one.destroy();
    p.destroy();
  });

  it("transformStream reports progress in rows, stops on abort, and refuses what is not a model", async () => {
    const p = createParametricEmbedding(train, { dim, seed: 2, nEpochs: 1 });
    await p.run();
    const seen: number[] = [];
    await collect(transformStream(p, blocksOf(held, dim, 100), { onProgress: (r) => seen.push(r) }));
    expect(seen).toEqual([100, 200, nHeld]);
    const controller = new AbortController();
    const gen = transformStream(p, blocksOf(held, dim, 100), { signal: controller.signal });
    await gen.next();
    controller.abort();
    await expect(gen.next()).rejects.toMatchObject({ name: "AbortError" });
    await expect(collect(transformStream({} as never, blocksOf(held, dim, 10)))).rejects.toThrow(/needs a fitted or loaded model/);
    p.destroy();
  });
});
