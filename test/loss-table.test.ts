// Every loss of the loss table (bindings/loss/table.ts), without listing them: a loss added to the table is
// covered here as it is. For each: the core knows its id, its tiled kernels equal the scalar reference with the
// same draws, its analytic derivatives match finite differences of its value, a fit with it places new rows
// among their class (transform), and a saved model of it transforms and continues with the live handle's bits.
import { beforeAll, describe, expect, it } from "vitest";
import { createEmbedding, createParametricEmbedding, EMBEDDING_OPTIONS, loadModel, LOSSES } from "../dist/index.js";
import { rawCore } from "./core.ts";
import { loadDigits } from "./digits.ts";

type Global = { value: number };
type Kernels = {
  batchGradient(ctrl: number, grad: number, batchStart: number, batchLength: number, offset: number, seed: number, xi: number, sampler: number): number;
  optimizeScratchBytes(dim: number): number;
  optimizeSlotBytes(batch: number, threads: number, dim: number): number;
  pairLossValue(loss: number, positive: number, d: number, xi: number): number;
  attractionCoefficient(loss: number, d: number, xi: number, clamp: number): number;
  repulsionCoefficient(loss: number, d: number, xi: number, clamp: number): number;
  nceLogZGradient(positive: number, d: number, xi: number, clamp: number): number;
  infoNceLossValue(dPos: number, dNegPtr: number, m: number, c: number): number;
  infoNceCoefficients(kernelsPtr: number, m: number, phiPos: number, total: number, c: number): number;
};
type Loss = keyof typeof LOSSES;

const LOSS_NAMES = EMBEDDING_OPTIONS.loss.values as readonly Loss[];
const PAIR = LOSS_NAMES.filter((l) => LOSSES[l].optimiser === "pairs");
// kernel: the layout optimiser's (staged into slots); pointRows: the same tiles on the layout's rows, each endpoint
// tested for the wrap; layoutRows: the unstaged optimiser's and the parametric trainer's choice (plain offsets
// from the first edge of a batch that does not straddle the end of the edge order)
const SAMPLER = { kernel: 0, shared: 1, pointRows: 3, layoutRows: 4 };
const CLAMP = 1e-10;

let core: Awaited<ReturnType<typeof rawCore<Kernels>>>;
const slot = (name: string) => ((core as unknown as Record<string, Global>)[name]).value;
const lossId = (loss: Loss) => slot(`LOSS_${loss.toUpperCase()}`);
beforeAll(async () => { core = await rawCore<Kernels>(); });

describe("the loss table", () => {
  it("has an entry for every loss the options accept, and the core an id for every per-pair loss", () => {
    expect(LOSS_NAMES.length).toBeGreaterThan(0);
    for (const l of LOSS_NAMES) expect(LOSSES[l]).toBeDefined();
    const ids = PAIR.map(lossId);
    for (const id of ids) expect(Number.isInteger(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

/** A small seeded problem in the core's memory: a layout, directed edges and the optimiser's argument slots. */
function problem(n: number, dim: number, edgeCount: number, m: number, loss: number, seed: number) {
  let state = seed * 7919 + 1;
  const rand = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
  const y = Float32Array.from({ length: n * dim }, () => (rand() - 0.5) * 6);
  const edges = new Int32Array(2 * edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const i = Math.floor(rand() * n);
    let j = Math.floor(rand() * (n - 1));
    if (j >= i) j++;
    edges[2 * e] = i; edges[2 * e + 1] = j;
  }
  const ctrl = core.allocate(slot("CTRL_BYTES"));
  const yPtr = core.allocate(y.byteLength + 16), edgesPtr = core.allocate(edges.byteLength);
  const gradPtr = core.allocate(y.byteLength + 16), scratchPtr = core.allocate(core.optimizeScratchBytes(dim));
  const slotBytes = core.optimizeSlotBytes(edgeCount, 1, dim);
  const slotsPtr = core.allocate(slotBytes);
  new Uint8Array(core.memory.buffer, slotsPtr, slotBytes).fill(0);
  new Float32Array(core.memory.buffer, yPtr, y.length).set(y);
  new Int32Array(core.memory.buffer, edgesPtr, edges.length).set(edges);
  const args = new Float64Array(core.memory.buffer, ctrl + slot("CTRL_ARGS"), slot("CTRL_MAX_ARGS"));
  args.fill(0);
  const set = (name: string, v: number) => { args[slot(`ARG_${name}`)] = v; };
  set("Y", yPtr); set("N", n); set("DIM", dim); set("EDGES", edgesPtr); set("EDGE_COUNT", edgeCount); set("SCRATCH", scratchPtr);
  set("SLOTS", slotsPtr); set("BATCH", edgeCount); set("LOSS", loss); set("NEGATIVES", m); set("CLAMP", CLAMP); set("C", 1.5);
  return (batchStart: number, batchLength: number, offset: number, drawSeed: number, xi: number, sampler: number) => {
    const g = new Float32Array(core.memory.buffer, gradPtr, n * dim);
    g.fill(0);
    const logZ = core.batchGradient(ctrl, gradPtr, batchStart, batchLength, offset, drawSeed, xi, sampler);
    return { grad: Float64Array.from(new Float32Array(core.memory.buffer, gradPtr, n * dim)), logZ };
  };
}

describe.each(PAIR)("loss %s: the optimiser's kernels", (loss) => {
  it("equal the scalar reference with the same draws (2-D and 3-D, partial tiles, wrapping batches)", () => {
    const spec = LOSSES[loss];
    const xi = spec.target === "zBar" || spec.learnsZ ? 0.05 : 1;
    for (const dim of [2, 3]) {
      const gradient = problem(40, dim, 61, 7, lossId(loss), 3 + dim);
      for (const [batchStart, batchLength, offset] of [[0, 61, 0], [8, 29, 45], [37, 24, 50], [40, 3, 11]]) {
        const reference = gradient(batchStart, batchLength, offset, 1, xi, SAMPLER.shared);
        let scale = 0;
        for (const v of reference.grad) scale = Math.max(scale, Math.abs(v));
        expect(scale).toBeGreaterThan(1e-3); // not trivially zero
        for (const sampler of [SAMPLER.kernel, SAMPLER.pointRows, SAMPLER.layoutRows]) {
          const kernel = gradient(batchStart, batchLength, offset, 1, xi, sampler);
          for (let i = 0; i < kernel.grad.length; i++) expect(Math.abs(kernel.grad[i] - reference.grad[i])).toBeLessThanOrEqual(1e-5 * (scale + 1e-6));
          if (spec.learnsZ) expect(kernel.logZ).toBeCloseTo(reference.logZ, 3);
        }
      }
    }
  });
});

function relClose(analytic: number, numeric: number, tol = 5e-3) {
  expect(Math.abs(analytic - numeric)).toBeLessThan(tol * Math.max(1e-6, Math.abs(numeric)) + 1e-7);
}

describe.each(PAIR)("loss %s: derivatives", (loss) => {
  it("match central finite differences of the loss value", () => {
    const spec = LOSSES[loss], id = lossId(loss);
    if (spec.terms === "independent") {
      for (const xi of [1, 0.05, 7.5]) {
        for (const d of [0.01, 0.3, 1, 4, 25]) {
          const h = d * 1e-4;
          for (const positive of [1, 0]) {
            const numeric = (core.pairLossValue(id, positive, d + h, xi) - core.pairLossValue(id, positive, d - h, xi)) / (2 * h);
            const analytic = positive ? core.attractionCoefficient(id, d, xi, CLAMP) : core.repulsionCoefficient(id, d, xi, CLAMP);
            relClose(analytic, numeric);
            // a loss that learns Z: ∂ℓ/∂log Z, with ξ' ∝ Z
            if (spec.learnsZ) {
              const hz = 1e-4;
              const numericZ = (core.pairLossValue(id, positive, d, xi * Math.exp(hz)) - core.pairLossValue(id, positive, d, xi * Math.exp(-hz))) / (2 * hz);
              relClose(core.nceLogZGradient(positive, d, xi, CLAMP), numericZ);
            }
          }
        }
      }
    } else {
      // normalised over an edge and its negatives: ∂ℓ/∂D₊ and every ∂ℓ/∂D_k
      const m = 5, dNeg = [0.2, 1.5, 3, 0.01, 9], dPos = 0.7, c = 1.5, h = 1e-5;
      const dPtr = core.allocate(m * 8), kPtr = core.allocate(m * 4);
      const put = (values: number[]) => new Float64Array(core.memory.buffer, dPtr, m).set(values);
      const phis = dNeg.map((d) => 1 / (1 + d)), phiPos = 1 / (1 + dPos);
      new Float32Array(core.memory.buffer, kPtr, m).set(phis);
      const attract = core.infoNceCoefficients(kPtr, m, phiPos, phiPos + phis.reduce((a, b) => a + b, 0), c);
      const coefs = Array.from(new Float32Array(core.memory.buffer, kPtr, m));
      put(dNeg);
      relClose(attract, (core.infoNceLossValue(dPos + h, dPtr, m, c) - core.infoNceLossValue(dPos - h, dPtr, m, c)) / (2 * h));
      for (let r = 0; r < m; r++) {
        const up = dNeg.slice(), down = dNeg.slice();
        up[r] += h; down[r] -= h;
        put(up);
        const a = core.infoNceLossValue(dPos, dPtr, m, c);
        put(down);
        relClose(coefs[r], (a - core.infoNceLossValue(dPos, dPtr, m, c)) / (2 * h));
      }
    }
  });
});

const digits = loadDigits();
const dim = digits.dim, nTrain = 1000, nHeld = 200;
const train = digits.data.slice(0, nTrain * dim), held = digits.data.slice(nTrain * dim, (nTrain + nHeld) * dim);

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** 10-NN accuracy of the placed rows `z` (2-D) classified by the training layout `y`. */
function heldOutAccuracy(y: Float32Array, z: Float32Array): number {
  let good = 0;
  for (let i = 0; i < nHeld; i++) {
    const d = Array.from({ length: nTrain }, (_, j) => [(z[2 * i] - y[2 * j]) ** 2 + (z[2 * i + 1] - y[2 * j + 1]) ** 2, j]);
    d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const votes = new Map<number, number>();
    for (const [, j] of d.slice(0, 10)) votes.set(digits.labels[j], (votes.get(digits.labels[j]) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    good += best === digits.labels[nTrain + i] ? 1 : 0;
  }
  return good / nHeld;
}

/**
 * A handle of a loss in a mode, or undefined when the mode has no update rule for it and says so at creation. The
 * per-pair losses run in both modes.
 */
function createOrRefuse<T>(create: () => T, loss: Loss, mode: "layout" | "network"): T | undefined {
  try {
    return create();
  } catch (error) {
    expect(String(error)).toMatch(new RegExp(`loss "${loss}" does not run in the ${mode} mode`));
    expect(LOSSES[loss].optimiser).not.toBe("pairs");
    return undefined;
  }
}

describe.each(LOSS_NAMES)("loss %s: a fit", (loss) => {
  it("resolves its settings from the table, places new rows among their class, and a saved model transforms and continues with the same bits", async () => {
    const spec = LOSSES[loss];
    const e = createOrRefuse(() => createEmbedding(train, { dim, loss, nEpochs: 30, seed: 2, threads: 1 }), loss, "layout");
    if (!e) return;
    const y = await e.run();
    const settings = e.settings!;
    expect(settings.loss).toBe(loss);
    expect(settings.mode).toBe("layout");
    expect(settings.zBar !== undefined).toBe(spec.target === "zBar");
    expect(settings.c !== undefined).toBe(spec.target === "c");
    // the table's rate is the layout SGD's; an optimiser of its own kind sets its rate itself (t-SNE: max(200, n/12))
    if (!spec.rateFollowsXi && spec.optimiser === "pairs") expect(settings.learningRate).toBe(spec.learningRate);
    expect(e.logZ !== undefined).toBe(spec.learnsZ);

    const z = await e.transform(held);
    expect(z.every(Number.isFinite)).toBe(true);
    const accuracy = heldOutAccuracy(y, z);
    // measured 0.915 (umap) to 0.955 (neg, nce) with these settings; rows placed at random would score ≈ 0.1; an
    // optimiser of its own kind places new rows by its own rule (t-SNE: tsne/place.ts), and a saved model of it
    // continues through its session (embedding/rules.ts) with the same bits as the others do
    expect(accuracy).toBeGreaterThan(0.85);

    const loaded = await loadModel(e.save(), { threads: 1 });
    expect(sameBits(await loaded.transform(held), z)).toBe(true);
    const [live, again] = [await e.optimize({ nEpochs: 2 }), await loaded.optimize({ nEpochs: 2 })];
    expect(sameBits(again, live)).toBe(true);
    e.destroy();
    loaded.destroy();
  });

  it("trains a parametric model whose saved copy transforms with the live model's bits", async () => {
    const p = createOrRefuse(() => createParametricEmbedding(train, { dim, loss, nEpochs: 2, seed: 2, threads: 1 }), loss, "network");
    if (!p) return;
    await p.run();
    expect(p.settings!.loss).toBe(loss);
    expect(p.settings!.mode).toBe("network");
    const z = await p.transform(held);
    expect(z.every(Number.isFinite)).toBe(true);
    const loaded = await loadModel(p.save(), { threads: 1 });
    expect(sameBits(await loaded.transform(held), z)).toBe(true);
    p.destroy();
    loaded.destroy();
  });
});
