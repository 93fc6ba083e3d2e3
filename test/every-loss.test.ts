// Every loss of the options table, without listing them: the core knows its id, its tiled kernels equal the
// scalar reference (test build), a per-pair loss's derivatives are the finite differences of its values, and a
// fit with it transforms new points and survives save/load bit for bit. A new loss is covered by its table entry.
import { beforeAll, describe, expect, it } from "vitest";
import { createEmbedding, Embedding, loadModel } from "../dist/index.js";
import { EMBEDDING_OPTIONS } from "../dist/options/embedding.js";
import { rawCore } from "./core.ts";
import { loadDigits } from "./digits.ts";

type Global = { value: number };
type Kernels = {
  batchGradient(ctrl: number, grad: number, batchStart: number, batchLength: number, offset: number, seed: number, xi: number, sampler: number): number;
  pairLossValue(loss: number, positive: number, d: number, xi: number): number;
  attractionCoefficient(loss: number, d: number, xi: number, clamp: number): number;
  repulsionCoefficient(loss: number, d: number, xi: number, clamp: number): number;
  optimizeScratchBytes(dim: number): number;
  optimizeSlotBytes(batch: number, threads: number, dim: number): number;
};
// kernel: staged into slots; shared: the scalar reference with the kernels' draws; pointRows: unstaged tiles
const SAMPLER = { kernel: 0, shared: 1, pointRows: 3 };
const LOSSES = EMBEDDING_OPTIONS.loss.values;

let core: Awaited<ReturnType<typeof rawCore<Kernels>>>;
const global = (name: string) => (core as unknown as Record<string, Global | undefined>)[name]?.value;
const lossId = (name: string) => global(`LOSS_${name.toUpperCase()}`);
beforeAll(async () => {
  core = await rawCore<Kernels>();
});

/** A seeded batch problem in the core's memory; returns the gradient of a batch of every edge with a sampler. */
function problem(n: number, dim: number, edgeCount: number, m: number, loss: number, seed: number) {
  let state = seed * 7919 + 1;
  const rand = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
  const slot = (name: string) => global(name)!;
  const ctrl = core.allocate(slot("CTRL_BYTES"));
  const y = Float32Array.from({ length: n * dim }, () => (rand() - 0.5) * 6);
  const edges = Int32Array.from({ length: 2 * edgeCount }, (_, i) => (i % 2 === 0 ? Math.floor(rand() * n) : -1));
  for (let e = 0; e < edgeCount; e++) edges[2 * e + 1] = (edges[2 * e] + 1 + Math.floor(rand() * (n - 1))) % n;
  const yPtr = core.allocate(y.byteLength + 16), edgesPtr = core.allocate(edges.byteLength), gradPtr = core.allocate(y.byteLength + 16);
  const slotBytes = core.optimizeSlotBytes(edgeCount, 1, dim), slotsPtr = core.allocate(slotBytes);
  new Uint8Array(core.memory.buffer, slotsPtr, slotBytes).fill(0);
  new Float32Array(core.memory.buffer, yPtr, y.length).set(y);
  new Int32Array(core.memory.buffer, edgesPtr, edges.length).set(edges);
  const args = new Float64Array(core.memory.buffer, ctrl + slot("CTRL_ARGS"), slot("CTRL_MAX_ARGS")).fill(0);
  args[slot("ARG_Y")] = yPtr; args[slot("ARG_N")] = n; args[slot("ARG_DIM")] = dim; args[slot("ARG_EDGES")] = edgesPtr;
  args[slot("ARG_EDGE_COUNT")] = edgeCount; args[slot("ARG_SCRATCH")] = core.allocate(core.optimizeScratchBytes(dim));
  args[slot("ARG_SLOTS")] = slotsPtr; args[slot("ARG_BATCH")] = edgeCount; args[slot("ARG_LOSS")] = loss;
  args[slot("ARG_NEGATIVES")] = m; args[slot("ARG_CLAMP")] = 1e-10; args[slot("ARG_C")] = 1.5;
  return (sampler: number, xi: number) => {
    new Float32Array(core.memory.buffer, gradPtr, n * dim).fill(0);
    const logZ = core.batchGradient(ctrl, gradPtr, 0, edgeCount, 5, 3, xi, sampler);
    return { grad: Float64Array.from(new Float32Array(core.memory.buffer, gradPtr, n * dim)), logZ };
  };
}

describe("every loss of the options table", () => {
  it("the core states an id for each, and no two share one", () => {
    const ids = LOSSES.map(lossId);
    for (const [i, id] of ids.entries()) expect(Number.isInteger(id), LOSSES[i]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const loss of LOSSES) {
    it(`${loss}: the tiled kernels (staged and on rows, 2-D and 3-D) equal the scalar reference`, () => {
      for (const dim of [2, 3]) {
        const gradient = problem(40, dim, 53, 6, lossId(loss)!, dim);
        const reference = gradient(SAMPLER.shared, 0.2);
        let scale = 0;
        for (const v of reference.grad) scale = Math.max(scale, Math.abs(v));
        expect(scale, "a gradient that is not zero").toBeGreaterThan(1e-3);
        for (const sampler of [SAMPLER.kernel, SAMPLER.pointRows]) {
          const { grad, logZ } = gradient(sampler, 0.2);
          for (let i = 0; i < grad.length; i++) expect(Math.abs(grad[i] - reference.grad[i])).toBeLessThanOrEqual(1e-5 * scale);
          expect(logZ).toBeCloseTo(reference.logZ, 3);
        }
      }
    });

    it(`${loss}: a per-pair loss's coefficients are the derivatives of its values`, () => {
      const id = lossId(loss)!, xi = 0.3, clamp = 1e-12;
      // a loss whose pair terms depend on all pairs of the head (InfoNCE) has no per-pair value: losses.test.ts
      if (!Number.isFinite(core.pairLossValue(id, 1, 1, xi))) return;
      for (const d of [0.05, 0.7, 3, 40]) {
        for (const positive of [1, 0]) {
          const h = 1e-4 * (1 + d);
          const numeric = (core.pairLossValue(id, positive, d + h, xi) - core.pairLossValue(id, positive, d - h, xi)) / (2 * h);
          const analytic = positive ? core.attractionCoefficient(id, d, xi, clamp) : core.repulsionCoefficient(id, d, xi, clamp);
          expect(Math.abs(analytic - numeric), `d = ${d}, ${positive ? "positive" : "negative"}`).toBeLessThanOrEqual(1e-3 * Math.abs(numeric) + 1e-6);
        }
      }
    });
  }
});

describe("every loss of the options table through the public API", () => {
  const digits = loadDigits();
  const n = 400, dim = digits.dim;
  const data = digits.data.slice(0, n * dim), fresh = digits.data.slice(n * dim, (n + 30) * dim);
  for (const loss of LOSSES) {
    it(`${loss}: a fit transforms new points, and save/load keeps the layout and the transform bit for bit`, async () => {
      const live = createEmbedding(data, { dim, loss, nEpochs: 20, threads: 1, seed: 4 });
      const layout = await live.run();
      expect(layout.every(Number.isFinite)).toBe(true);
      const placed = await live.transform(fresh, { nEpochs: 10 });
      expect(placed.length).toBe(30 * 2);
      expect(placed.every(Number.isFinite)).toBe(true);
      const loaded = (await loadModel(live.save(), { threads: 1 })) as InstanceType<typeof Embedding>;
      expect(Buffer.from(loaded.embedding!.buffer).equals(Buffer.from(layout.buffer))).toBe(true);
      const again = await loaded.transform(fresh, { nEpochs: 10 });
      expect(Buffer.from(again.buffer).equals(Buffer.from(placed.buffer))).toBe(true);
      live.destroy();
      loaded.destroy();
    });
  }
});
