// The optimiser's kernels (tiles of heads sharing negatives, generic over the loss) against a plain scalar
// reference, and the expected batch gradient of their sampler against SPEC §3's per-head sampler and the exact
// expectation.
import { beforeAll, describe, expect, it } from "vitest";
import { rawCore } from "./core.ts";

type Global = { value: number };
type Kernels = {
  batchGradient(ctrl: number, grad: number, batchStart: number, batchLength: number, offset: number, seed: number, xi: number, sampler: number): number;
  optimizeScratchBytes(dim: number): number;
  optimizeSlotBytes(batch: number, threads: number, dim: number): number;
} & Record<`ARG_${string}` | `LOSS_${string}` | "CTRL_ARGS" | "CTRL_BYTES" | "CTRL_MAX_ARGS", Global>;

const LOSS = { neg: 0, nce: 1, infonce: 2, umap: 3 } as const;
// kernel: the layout optimiser's (staged into slots); pointRows: the same tiles on the layout's rows, each endpoint
// tested for the wrap; layoutRows: the unstaged optimiser's and the parametric trainer's choice (plain offsets
// from the first edge of a batch that does not straddle the end of the edge order)
const SAMPLER = { kernel: 0, shared: 1, perHead: 2, pointRows: 3, layoutRows: 4 };

let core: Awaited<ReturnType<typeof rawCore<Kernels>>>;
let ARG: Record<string, number>;
let CTRL_ARGS: number, CTRL_BYTES: number, CTRL_MAX_ARGS: number;
beforeAll(async () => {
  core = await rawCore<Kernels>();
  // the optimiser's argument slots and loss ids, as the core states them
  const slot = (name: string) => (core as unknown as Record<string, Global>)[name].value;
  ARG = {
    y: slot("ARG_Y"), n: slot("ARG_N"), dim: slot("ARG_DIM"), edges: slot("ARG_EDGES"), edgeCount: slot("ARG_EDGE_COUNT"),
    scratch: slot("ARG_SCRATCH"), slots: slot("ARG_SLOTS"), batch: slot("ARG_BATCH"), loss: slot("ARG_LOSS"), negatives: slot("ARG_NEGATIVES"), clamp: slot("ARG_CLAMP"), c: slot("ARG_C"),
  };
  CTRL_ARGS = slot("CTRL_ARGS"); CTRL_BYTES = slot("CTRL_BYTES"); CTRL_MAX_ARGS = slot("CTRL_MAX_ARGS");
  expect([slot("LOSS_NEG"), slot("LOSS_NCE"), slot("LOSS_INFONCE"), slot("LOSS_UMAP")]).toEqual([LOSS.neg, LOSS.nce, LOSS.infonce, LOSS.umap]);
});

/** A small seeded problem in the core's memory: a layout, a list of directed edges and the argument slots. */
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
  const ctrl = core.allocate(CTRL_BYTES);
  const yPtr = core.allocate(y.byteLength + 16), edgesPtr = core.allocate(edges.byteLength);
  const gradPtr = core.allocate(y.byteLength + 16), scratchPtr = core.allocate(core.optimizeScratchBytes(dim));
  const slotsPtr = core.allocate(core.optimizeSlotBytes(edgeCount, 1, dim)); // slots for a batch of every edge
  new Uint8Array(core.memory.buffer, slotsPtr, core.optimizeSlotBytes(edgeCount, 1, dim)).fill(0);
  new Float32Array(core.memory.buffer, yPtr, y.length).set(y);
  new Int32Array(core.memory.buffer, edgesPtr, edges.length).set(edges);
  const args = new Float64Array(core.memory.buffer, ctrl + CTRL_ARGS, CTRL_MAX_ARGS);
  args.fill(0);
  args[ARG.y] = yPtr; args[ARG.n] = n; args[ARG.dim] = dim; args[ARG.edges] = edgesPtr; args[ARG.edgeCount] = edgeCount;
  args[ARG.scratch] = scratchPtr; args[ARG.slots] = slotsPtr; args[ARG.batch] = edgeCount; args[ARG.loss] = loss; args[ARG.negatives] = m; args[ARG.clamp] = 1e-10; args[ARG.c] = 1.5;
  const gradient = (batchStart: number, batchLength: number, offset: number, drawSeed: number, xi: number, sampler: number) => {
    const g = new Float32Array(core.memory.buffer, gradPtr, n * dim);
    g.fill(0);
    const logZ = core.batchGradient(ctrl, gradPtr, batchStart, batchLength, offset, drawSeed, xi, sampler);
    return { grad: Float64Array.from(new Float32Array(core.memory.buffer, gradPtr, n * dim)), logZ };
  };
  return { y, edges, gradient };
}

function expectClose(a: Float64Array, b: Float64Array, tol: number) {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (scale + 1e-6));
}

describe("tiled kernels equal the scalar reference with the same draws", () => {
  for (const [name, loss] of Object.entries(LOSS)) {
    for (const dim of [2, 3]) {
      it(`${name}, ${dim}-D, batches that are not whole tiles, wrapping around the edge list`, () => {
        const xi = name === "umap" || name === "infonce" ? 1 : 0.05;
        const { gradient } = problem(40, dim, 61, 7, loss, 3 + dim);
        for (const [batchStart, batchLength, offset] of [[0, 61, 0], [8, 29, 45], [37, 24, 50], [40, 3, 11]]) {
          for (const seed of [1, 2]) {
            const reference = gradient(batchStart, batchLength, offset, seed, xi, SAMPLER.shared);
            for (const sampler of [SAMPLER.kernel, SAMPLER.pointRows, SAMPLER.layoutRows]) {
              const kernel = gradient(batchStart, batchLength, offset, seed, xi, sampler);
              expectClose(kernel.grad, reference.grad, 1e-5);
              if (name === "nce") expect(kernel.logZ).toBeCloseTo(reference.logZ, 3);
              // and the result is not trivially zero
              expect(kernel.grad.some((v) => Math.abs(v) > 1e-3)).toBe(true);
            }
          }
        }
      });
    }
  }
});

describe("sharing negatives across a tile leaves the expected batch gradient unchanged", () => {
  // neg's batch gradient is a sum of per-pair terms, so its expectation over the draws is exact to compute:
  // every head's m negatives are uniform over the 2b − 1 endpoint slots other than its own (SPEC §3).
  const n = 30, dim = 2, edgeCount = 24, m = 5, xi = 0.3, samples = 3000;
  function exactExpectation(y: Float32Array, edges: Int32Array, loss: number): Float64Array {
    const g = new Float64Array(n * dim);
    const push = (a: number, b: number, coef: number) => {
      for (let t = 0; t < dim; t++) {
        const d = 2 * coef * (y[a * dim + t] - y[b * dim + t]);
        g[a * dim + t] += d; g[b * dim + t] -= d;
      }
    };
    const dist = (a: number, b: number) => { let s = 0; for (let t = 0; t < dim; t++) s += (y[a * dim + t] - y[b * dim + t]) ** 2; return s; };
    const attract = (d: number) => loss === LOSS.umap ? 1 / (1 + d) : xi / (1 + xi * (1 + d));
    const repel = (d: number) => loss === LOSS.umap ? -1 / ((d + 0.001) * (1 + d)) : -1 / ((1 + d) * (1 + xi * (1 + d)));
    const slots = 2 * edgeCount;
    for (let p = 0; p < edgeCount; p++) {
      const i = edges[2 * p], j = edges[2 * p + 1];
      push(i, j, attract(dist(i, j)));
      for (let s = 0; s < slots; s++) {
        if (s === 2 * p) continue;
        const k = edges[s];
        push(i, k, (m / (slots - 1)) * repel(dist(i, k)));
      }
    }
    return g;
  }
  function sampledMean(gradient: ReturnType<typeof problem>["gradient"], sampler: number) {
    const sum = new Float64Array(n * dim), sumSq = new Float64Array(n * dim);
    for (let s = 0; s < samples; s++) {
      const { grad } = gradient(0, edgeCount, 0, 1000 + s, xi, sampler);
      for (let i = 0; i < grad.length; i++) { sum[i] += grad[i]; sumSq[i] += grad[i] * grad[i]; }
    }
    const mean = sum.map((v) => v / samples);
    const stderr = sumSq.map((v, i) => Math.sqrt(Math.max(0, v / samples - mean[i] ** 2) / samples));
    return { mean, stderr };
  }
  for (const [name, loss] of [["neg", LOSS.neg], ["umap", LOSS.umap]] as const) {
    it(`${name}: the tiled sampler's mean gradient matches the exact expectation, as the per-head sampler's does`, () => {
      const { y, edges, gradient } = problem(n, dim, edgeCount, m, loss, 11);
      const exact = exactExpectation(y, edges, loss);
      for (const sampler of [SAMPLER.kernel, SAMPLER.perHead]) {
        const { mean, stderr } = sampledMean(gradient, sampler);
        for (let i = 0; i < exact.length; i++) {
          // within 5 standard errors of the mean (plus float rounding)
          expect(Math.abs(mean[i] - exact[i])).toBeLessThan(5 * stderr[i] + 1e-4 * (1 + Math.abs(exact[i])));
        }
      }
    });
  }

  it("the check has power: the expectation under another noise distribution (uniform over all points) is rejected", () => {
    const { y, edges, gradient } = problem(n, dim, edgeCount, m, LOSS.neg, 11);
    const other = new Float64Array(n * dim);
    const dist = (a: number, b: number) => { let s = 0; for (let t = 0; t < dim; t++) s += (y[a * dim + t] - y[b * dim + t]) ** 2; return s; };
    const push = (a: number, b: number, coef: number) => {
      for (let t = 0; t < dim; t++) {
        const d = 2 * coef * (y[a * dim + t] - y[b * dim + t]);
        other[a * dim + t] += d; other[b * dim + t] -= d;
      }
    };
    for (let p = 0; p < edgeCount; p++) {
      const i = edges[2 * p], j = edges[2 * p + 1];
      push(i, j, xi / (1 + xi * (1 + dist(i, j))));
      for (let k = 0; k < n; k++) if (k !== i) push(i, k, (m / (n - 1)) * (-1 / ((1 + dist(i, k)) * (1 + xi * (1 + dist(i, k))))));
    }
    const { mean, stderr } = sampledMean(gradient, SAMPLER.kernel);
    let rejected = 0;
    for (let i = 0; i < other.length; i++) if (Math.abs(mean[i] - other[i]) > 5 * stderr[i] + 1e-4 * (1 + Math.abs(other[i]))) rejected++;
    expect(rejected).toBeGreaterThan(0);
  });
});
