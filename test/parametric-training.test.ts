// The parametric trainer's calls and phases: an epoch split across calls (sub-epoch calls) gives the bits of a
// whole run on 2 threads also when every early thread sleeps at the barriers (the case that trapped), abort and
// progress take effect within an epoch, optimize() warm-starts the network along s, and wide data trains on
// its PCA scores, which transform, save and loadModel keep.
import { afterEach, describe, expect, it } from "vitest";
import { createParametricEmbedding, loadModel, ParametricEmbedding } from "../dist/index.js";
import { trainingCalls } from "../dist/parametric/trainer.js";
import { barrierTuning } from "../dist/threads/pool.js";
import { readContainer, writeContainer } from "../dist/model/container.js";
import { loadDigits } from "./digits.ts";
import { rng } from "./helpers.ts";

const digits = loadDigits();
const dim = digits.dim;
const small = digits.data.slice(0, 500 * dim);

const defaultRows = trainingCalls.rowsPerCall, defaultSpins = barrierTuning.spins;
afterEach(() => {
  trainingCalls.rowsPerCall = defaultRows;
  barrierTuning.spins = defaultSpins;
});

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Fraction of each point's 10 nearest neighbours in layout a that are among its 10 nearest in layout b. */
function neighbourOverlap(a: Float32Array, b: Float32Array, k = 10): number {
  const n = a.length / 2;
  const nearest = (y: Float32Array, i: number) => {
    const d: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) d.push([(y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2, j]);
    return new Set(d.sort((p, q) => p[0] - q[0] || p[1] - q[1]).slice(0, k).map((p) => p[1]));
  };
  let hits = 0;
  for (let i = 0; i < n; i += 5) {
    const inB = nearest(b, i);
    for (const j of nearest(a, i)) if (inB.has(j)) hits++;
  }
  return hits / (Math.ceil(n / 5) * k);
}

/** Digits widened to 136 columns (the pixels, then a noisy copy at half scale): wide enough for the PCA input. */
function wideDigits(n: number): Float32Array {
  const wide = 136, r = rng(9);
  const out = new Float32Array(n * wide);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < dim; t++) {
      const v = digits.data[i * dim + t];
      out[i * wide + t] = v;
      out[i * wide + dim + t] = 0.5 * v + r() - 0.5;
    }
    for (let t = 2 * dim; t < wide; t++) out[i * wide + t] = r();
  }
  return out;
}

describe("epochs split across calls on 2 threads", () => {
  // Before the barrier slept through the host (assembly/parallel/control.ts), a trainer that split epochs into
  // batch ranges trapped here with "divide by zero" whenever a thread slept at a barrier; spins = 0 makes every
  // thread that arrives early sleep.
  it("whole run, one-epoch calls and sub-epoch calls give the same bits, with every early thread sleeping", async () => {
    barrierTuning.spins = 0;
    const options = { dim, nEpochs: 4, batchSize: 256, seed: 4, threads: 2 };
    const whole = createParametricEmbedding(small, options);
    const y = await whole.run();
    whole.destroy();
    for (const rowsPerCall of [defaultRows, 1, 700]) {
      trainingCalls.rowsPerCall = rowsPerCall; // 1: one batch per call; 700: about one and a half batches
      const stepped = createParametricEmbedding(small, options);
      while ((await stepped.step(1)) > 0);
      expect(sameBits(stepped.embedding, y)).toBe(true);
      stepped.destroy();
    }
    expect(y.every(Number.isFinite)).toBe(true);
  });
});

describe("abort and progress within an epoch", () => {
  const options = { dim, nEpochs: 2, batchSize: 128, seed: 2, threads: 2, earlyExaggeration: false };

  it("progress advances several times within one epoch", async () => {
    trainingCalls.rowsPerCall = 256; // one batch of ≤ 256 distinct rows per call: ~30 calls per epoch
    const e = createParametricEmbedding(small, options);
    const fractions: number[] = [];
    await e.step(1, { onProgress: (f, stage) => stage === "optimize" && fractions.push(f) });
    e.destroy();
    const inside = fractions.filter((f) => f > 0 && f < 0.5); // the first of the phase's 2 epochs
    expect(inside.length).toBeGreaterThan(10);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions.at(-1)).toBe(0.5);
  });

  it("an AbortSignal fired during the first epoch stops it before the epoch ends", async () => {
    trainingCalls.rowsPerCall = 256;
    const e = createParametricEmbedding(small, options);
    const controller = new AbortController();
    let last = 0;
    const run = e.run({
      signal: controller.signal,
      onProgress: (f, stage) => {
        if (stage !== "optimize") return;
        last = f;
        if (f > 0.1) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(last).toBeGreaterThan(0.1);
    expect(last).toBeLessThan(0.5); // still inside the first epoch
    e.destroy();
  });
});

describe("optimize(): warm start along s", () => {
  it("continues from the trained network, deterministically, and refuses before run()", async () => {
    const options = { dim, nEpochs: 6, batchSize: 512, seed: 3, threads: 2 };
    const a = createParametricEmbedding(small, options);
    await expect(a.optimize({ s: 1 })).rejects.toThrow(/call run\(\) before optimize\(\)/);
    const before = await a.run();
    await expect(a.run()).rejects.toThrow(/use optimize\(\)/);
    // at a vanishing rate the layout stays where the trained network put it (a restart from new weights would
    // not): the phase starts from the current parameters
    const still = await a.optimize({ s: 1, nEpochs: 1, learningRate: 1e-9 });
    let moved = 0, spread = 0;
    for (let i = 0; i < still.length; i++) {
      moved = Math.max(moved, Math.abs(still[i] - before[i]));
      spread = Math.max(spread, Math.abs(before[i]));
    }
    expect(moved).toBeLessThan(1e-3 * spread);
    // one short epoch at a small rate: it moves, and stays close to where it started
    const stages: string[] = [];
    const warm = await a.optimize({ s: 1, nEpochs: 1, learningRate: 2e-4, onProgress: (_f, s) => stages.push(s) });
    expect(stages).toContain("optimize");
    expect(warm.every(Number.isFinite)).toBe(true);
    expect(sameBits(warm, still)).toBe(false);
    expect(sameBits(a.embedding, warm)).toBe(true);
    expect(sameBits(await a.transform(small), warm)).toBe(true);
    expect(neighbourOverlap(before, warm)).toBeGreaterThan(0.7); // measured 0.85
    // the same calls on another handle give the same bits; a larger batch than the fit's is allowed
    const b = createParametricEmbedding(small, options);
    await b.run();
    await b.optimize({ s: 1, nEpochs: 1, learningRate: 1e-9 });
    expect(sameBits(await b.optimize({ s: 1, nEpochs: 1, learningRate: 2e-4 }), warm)).toBe(true);
    const walked = await b.optimize({ s: 0.5, nEpochs: 2, batchSize: 4096 });
    expect(walked.every(Number.isFinite)).toBe(true);
    a.destroy();
    b.destroy();
  });

  it("a loaded model cannot be optimised (it has no training data)", async () => {
    const e = createParametricEmbedding(small, { dim, nEpochs: 2, threads: 1 });
    await e.run();
    const loaded = (await loadModel(e.save(), { threads: 1 })) as InstanceType<typeof ParametricEmbedding>;
    await expect(loaded.optimize({ s: 1 })).rejects.toThrow(/no training data/);
    e.destroy();
    loaded.destroy();
  });
});

describe("wide data: the network reads the PCA-50 scores", () => {
  const n = 400, wide = 136;
  const data = wideDigits(n + 40);
  const train = data.slice(0, n * wide), fresh = data.slice(n * wide);

  it("keeps the basis; transform, save → loadModel → transform give the live model's bits", async () => {
    const live = createParametricEmbedding(train, { dim: wide, nEpochs: 4, batchSize: 512, seed: 6, threads: 2 });
    const y = await live.run();
    expect(live.dim).toBe(wide);
    const state = live.state!;
    expect(state.shape.inDim).toBe(50);
    expect(state.pca!.dim).toBe(wide);
    expect(state.pca!.nComponents).toBe(50);
    expect(sameBits(await live.transform(train), y)).toBe(true);
    const bytes = live.save();
    const c = readContainer(bytes);
    expect(c.formatVersion).toBe(2); // a version 1 reader would skip the PCA
    expect(c.header).toMatchObject({ kind: "parametric", inputDim: wide, network: { inDim: 50 }, pca: { dim: wide, nComponents: 50 } });
    const loaded = (await loadModel(bytes, { threads: 1 })) as InstanceType<typeof ParametricEmbedding>;
    expect(loaded.dim).toBe(wide);
    const yFresh = await live.transform(fresh);
    expect(yFresh.every(Number.isFinite)).toBe(true);
    expect(sameBits(await loaded.transform(fresh), yFresh)).toBe(true);
    expect(sameBits(loaded.embedding, y)).toBe(true);
    // 50 columns (the network's input width) are not the model's input: a clear error
    await expect(loaded.transform([new Float32Array(50), new Float32Array(50)])).rejects.toThrow(/dim = 136 but rows have 50 values/);
    live.destroy();
    loaded.destroy();
  });

  it("narrow data keeps format version 1, and a version 1 file (no pca field) still loads", async () => {
    const e = createParametricEmbedding(small, { dim, nEpochs: 2, threads: 1, seed: 1 });
    await e.run();
    const bytes = e.save();
    const c = readContainer(bytes);
    expect(c.formatVersion).toBe(1);
    expect(c.header.pca).toBe(null);
    // as the previous release wrote it: no pca field
    const { sections, pca: _pca, ...fields } = c.header;
    const old = writeContainer(fields, Object.fromEntries(sections.map((s) => [s.name, c.section(s.name, s.type)])), 1);
    const loaded = (await loadModel(old, { threads: 1 })) as InstanceType<typeof ParametricEmbedding>;
    const probe = digits.data.slice(600 * dim, 640 * dim);
    expect(sameBits(await loaded.transform(probe), await e.transform(probe))).toBe(true);
    e.destroy();
    loaded.destroy();
  });
});
