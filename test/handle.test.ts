// The handle's lifecycle shared by Embedding and ParametricEmbedding: step() in pieces gives run()'s bits,
// embeddingInto() fills the caller's buffer, and a handle made from saved state continues with the same bits.
import { describe, expect, it } from "vitest";
import { createEmbedding, createParametricEmbedding, CneInputError, Embedding, ParametricEmbedding } from "../dist/index.js";
import { loadDigits } from "./digits.ts";

const digits = loadDigits();
const n = 600, dim = digits.dim;
const data = digits.data.slice(0, n * dim);

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("Embedding handle", () => {
  for (const threads of [1, 2]) {
    it(`step() in uneven pieces gives run()'s layout bit for bit (${threads} thread(s))`, async () => {
      const options = { dim, nEpochs: 31, threads, seed: 5 };
      const whole = createEmbedding(data, options);
      const expected = await whole.run();
      whole.destroy();
      const stepped = createEmbedding(data, options);
      const stages = new Set<string>();
      const left: number[] = [];
      for (const size of [1, 7, 3, 11, 50]) left.push(await stepped.step(size, { onProgress: (_f, s) => stages.add(s) }));
      expect(left).toEqual([30, 23, 20, 9, 0]);
      expect(stages).toEqual(new Set(["knn", "graph", "init", "early-exaggeration", "optimize"]));
      expect(sameBits(stepped.embedding, expected)).toBe(true);
      await expect(stepped.run()).rejects.toThrow(/already called/);
      stepped.destroy();
    });
  }

  it("run() after some steps finishes the fit with run()'s bits", async () => {
    const options = { dim, nEpochs: 20, loss: "nce" as const, threads: 1 };
    const whole = createEmbedding(data, options);
    const expected = await whole.run();
    const partial = createEmbedding(data, options);
    expect(await partial.step(9)).toBe(11);
    expect(sameBits(await partial.run(), expected)).toBe(true);
    expect(partial.logZ).toBe(whole.logZ);
    whole.destroy();
    partial.destroy();
  });

  it("optimize() reports its progress, from 0 to 1", async () => {
    const e = createEmbedding(data, { dim, nEpochs: 4, threads: 1 });
    await e.run();
    const seen: [number, string][] = [];
    await e.optimize({ nEpochs: 6, onProgress: (f, stage) => seen.push([f, stage]) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0]).toEqual([0, "optimize"]);
    expect(seen.at(-1)).toEqual([1, "optimize"]);
    e.destroy();
  });

  it("embeddingInto fills and returns the caller's buffer; a buffer of the wrong size is an input error", async () => {
    const e = createEmbedding(data, { dim, nEpochs: 6, threads: 1 });
    expect(() => e.embeddingInto(new Float32Array(n * 2))).toThrow(/no layout yet/);
    await e.step(2);
    const buffer = new Float32Array(n * 2);
    expect(e.embeddingInto(buffer)).toBe(buffer);
    expect(sameBits(buffer, e.embedding)).toBe(true);
    await e.step(4);
    e.embeddingInto(buffer);
    expect(sameBits(buffer, e.embedding)).toBe(true);
    expect(() => e.embeddingInto(new Float32Array(n * 2 - 1))).toThrow(CneInputError);
    await expect(e.step(0)).rejects.toThrow(/nEpochs must be a positive integer/);
    e.destroy();
  });

  it("a handle from saved state continues (optimize, partitionFunction, logZ) with the original's bits", async () => {
    const original = createEmbedding(data, { dim, nEpochs: 12, threads: 1, zBar: 5000, seed: 2 });
    await original.run();
    const state = original.state!;
    expect(state.knnIndices.length).toBe(n * 15);
    const restored = await Embedding.fromState(state, { threads: 1 });
    expect(sameBits(restored.embedding, original.embedding)).toBe(true);
    for (const options of [{ s: 1, nEpochs: 8 }, { loss: "nce" as const, nEpochs: 5 }, { nEpochs: 3 }]) {
      expect(sameBits(await restored.optimize(options), await original.optimize(options))).toBe(true);
    }
    expect(restored.logZ).toBe(original.logZ);
    expect(await restored.partitionFunction({ exact: true })).toBe(await original.partitionFunction({ exact: true }));
    // a state taken after a further phase restores that phase's log Z and phase count too
    const again = await Embedding.fromState(restored.state!, { threads: 1 });
    expect(sameBits(await again.optimize({ nEpochs: 4 }), await original.optimize({ nEpochs: 4 }))).toBe(true);
    original.destroy();
    restored.destroy();
    again.destroy();
  });

  it("fromState rejects a state whose arrays do not fit", async () => {
    await expect(Embedding.fromState({ embedding: new Float32Array(7), knnIndices: new Int32Array(0), options: {}, lastLoss: "neg", phases: 1 }))
      .rejects.toThrow(CneInputError);
    await expect(Embedding.fromState({ embedding: new Float32Array(40), knnIndices: new Int32Array(20 * 15).fill(99), options: {}, lastLoss: "neg", phases: 1 }))
      .rejects.toThrow(/knnIndices\[0\] = 99/);
  });
});

describe("ParametricEmbedding handle", () => {
  const options = { dim, nEpochs: 5, batchSize: 1024, threads: 2, seed: 4 };

  it("step() epoch by epoch gives run()'s layout bit for bit, and the layout is current after every step", async () => {
    const whole = createParametricEmbedding(data, options);
    const expected = await whole.run();
    const stepped = createParametricEmbedding(data, options);
    const buffer = new Float32Array(n * 2);
    let left = Infinity, reads = 0;
    while (left > 0) {
      left = await stepped.step(1);
      stepped.embeddingInto(buffer);
      expect(sameBits(buffer, await stepped.transform(data))).toBe(true);
      reads++;
    }
    expect(reads).toBe(5);
    expect(sameBits(buffer, expected)).toBe(true);
    whole.destroy();
    stepped.destroy();
  });

  it("a handle from saved state transforms new points with the original's bits", async () => {
    const original = createParametricEmbedding(data, options);
    await original.run();
    const restored = await ParametricEmbedding.fromState(original.state!, { threads: 1 });
    const fresh = digits.data.slice(n * dim, (n + 100) * dim);
    expect(sameBits(await restored.transform(fresh), await original.transform(fresh))).toBe(true);
    expect(sameBits(restored.embedding, original.embedding)).toBe(true);
    await expect(restored.run()).rejects.toThrow(/already called/);
    original.destroy();
    restored.destroy();
  });
});
