// t-SNE (loss "tsne", SPEC §7): the affinities (perplexity calibration, symmetry, normalisation), the gradient
// against finite differences of the KL divergence, reproducibility, the KL falling, and the digits' quality.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { exactKnn } from "../dist/knn/exact.js";
import { conditionalAffinities, symmetricAffinities } from "../dist/tsne/affinities.js";
import { tsneTuning } from "../dist/tsne/optimizer.js";
import { createEmbedding, embed, CneInputError } from "../dist/index.js";
import { randomMatrix } from "./helpers.ts";
import { loadDigits } from "./digits.ts";

let core: Core;
beforeAll(async () => { core = await Core.create(1); });
afterAll(() => core.destroy());

/** Random data in the core, its exact kNN, conditional rows and the symmetric P, read back into JS. */
async function affinitiesOf(n: number, dim: number, k: number, perplexity: number, seed = 3) {
  core.reset();
  const m = putMatrix(core, { values: randomMatrix(n, dim, seed), n, dim });
  const knn = await exactKnn(core, m, k);
  const condPtr = await conditionalAffinities(core, knn.distancesPtr, n, k, perplexity);
  const cond = core.f32(condPtr, n * k).slice();
  const indices = core.i32(knn.indicesPtr, n * k).slice();
  const distances = core.f32(knn.distancesPtr, n * k).slice();
  const rowPtr = core.alloc((n + 1) * 4);
  const p = symmetricAffinities(core, knn.indicesPtr, condPtr, n, k, rowPtr, core.mark());
  return {
    cond, indices, distances, p,
    rows: core.i32(p.rowPtr, n + 1).slice(), cols: core.i32(p.colPtr, p.nnz).slice(), vals: core.f32(p.valPtr, p.nnz).slice(),
  };
}

describe("affinities", () => {
  it("each conditional row has entropy log(perplexity) and sums to 1", async () => {
    const n = 300, k = 90, perplexity = 30;
    const { cond, distances } = await affinitiesOf(n, 5, k, perplexity);
    for (let i = 0; i < n; i++) {
      let h = 0, sum = 0;
      for (let t = 0; t < k; t++) {
        const p = cond[i * k + t];
        sum += p;
        if (p > 0) h -= p * Math.log(p);
        // nearer neighbours weigh at least as much (a Gaussian of the distance)
        if (t > 0 && distances[i * k + t] > distances[i * k + t - 1]) expect(p).toBeLessThanOrEqual(cond[i * k + t - 1]);
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      expect(Math.abs(h - Math.log(perplexity))).toBeLessThan(1e-4);
    }
  });

  it("P is (p_j|i + p_i|j)/(2n), symmetric, and sums to 1", async () => {
    const n = 200, k = 15;
    const { cond, indices, rows, cols, vals } = await affinitiesOf(n, 4, k, 5);
    const expected = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < k; t++) {
        const j = indices[i * k + t];
        for (const key of [i * n + j, j * n + i]) expected.set(key, (expected.get(key) ?? 0) + cond[i * k + t] / (2 * n));
      }
    }
    const got = new Map<number, number>();
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let q = rows[i]; q < rows[i + 1]; q++) {
        if (q > rows[i]) expect(cols[q]).toBeGreaterThan(cols[q - 1]);
        got.set(i * n + cols[q], vals[q]);
        total += vals[q];
      }
    }
    expect(got.size).toBe(expected.size);
    for (const [key, v] of expected) {
      expect(Math.abs(got.get(key)! - v)).toBeLessThan(1e-6 * v + 1e-12);
      const i = Math.floor(key / n), j = key % n;
      expect(got.get(j * n + i)).toBe(got.get(key));
    }
    expect(Math.abs(total - 1)).toBeLessThan(1e-5);
  });

  it("binary affinities are uniform over the k neighbours", async () => {
    const { cond } = await affinitiesOf(100, 3, 15, 0);
    for (const v of cond) expect(v).toBe(Math.fround(1 / 15));
  });
});

/** KL(P‖Q) in float64, w = (1 + d²/α)^(−α). */
function klOracle(y: Float64Array, n: number, rows: Int32Array, cols: Int32Array, vals: Float32Array, alpha: number): number {
  const w = (i: number, j: number) => Math.pow(1 + ((y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2) / alpha, -alpha);
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += w(i, j);
  let kl = 0;
  for (let i = 0; i < n; i++) for (let q = rows[i]; q < rows[i + 1]; q++) kl += vals[q] * Math.log(vals[q] / (w(i, cols[q]) / z));
  return kl;
}

describe("gradient", () => {
  for (const alpha of [1, 0.6]) {
    it(`4 × the core's gradient (ρ·A − F/Z, openTSNE's convention) is ∂KL/∂y by finite differences (dof ${alpha})`, async () => {
      const n = 61, k = 15;
      const { rows, cols, vals, p } = await affinitiesOf(n, 4, k, 5, 7);
      const y64 = Float64Array.from(randomMatrix(n, 2, 11), (v) => 3 * v);
      const yPtr = core.alloc(n * 8), grad = core.alloc(n * 8), scratch = core.alloc(n * 8), scratch64 = core.alloc(n * 16);
      core.f32(yPtr, 2 * n).set(y64);
      const y = Float64Array.from(core.f32(yPtr, 2 * n)); // the f32 point the core sees
      const kl = core.kernels.tsneObjective(yPtr, n, p.rowPtr, p.colPtr, p.valPtr, alpha, 1, p.plogp, grad, scratch, scratch64);
      expect(Math.abs(kl - klOracle(y, n, rows, cols, vals, alpha))).toBeLessThan(1e-4);
      const g = core.f32(grad, 2 * n).slice();
      const h = 1e-5;
      let worst = 0, scale = 0;
      for (let c = 0; c < 2 * n; c++) {
        const plus = y.slice(), minus = y.slice();
        plus[c] += h;
        minus[c] -= h;
        const numeric = (klOracle(plus, n, rows, cols, vals, alpha) - klOracle(minus, n, rows, cols, vals, alpha)) / (2 * h);
        worst = Math.max(worst, Math.abs(4 * g[c] - numeric));
        scale = Math.max(scale, Math.abs(numeric));
      }
      expect(scale).toBeGreaterThan(1e-3);
      expect(worst).toBeLessThan(2e-3 * scale);
    });
  }
});

describe("the fit", () => {
  const digits = loadDigits();
  const subData = digits.data.subarray(0, 400 * 64);
  const sub = { n: 400, dim: 64 };

  it("gives the same bits for the same seed and thread count, and step() the bits of run()", async () => {
    const opts = { ...sub, loss: "tsne" as const, nEpochs: 120, seed: 5 };
    const a1 = await embed(subData, { ...opts, threads: 1 });
    const b1 = await embed(subData, { ...opts, threads: 1 });
    const a2 = await embed(subData, { ...opts, threads: 2 });
    const b2 = await embed(subData, { ...opts, threads: 2 });
    expect(b1).toEqual(a1);
    expect(b2).toEqual(a2);
    // rows are split by blocks and Z summed in row order: the thread count does not change the bits either
    expect(a2).toEqual(a1);
    const e = createEmbedding(subData, { ...opts, threads: 1 });
    while ((await e.step(17)) > 0);
    expect(e.embedding).toEqual(a1);
    e.destroy();
    const other = await embed(subData, { ...opts, threads: 1, seed: 6, init: "random" });
    expect(other).not.toEqual(a1);
  });

  it("with the interpolated repulsion: the same bits on 1 and 2 threads, steps and KL close to the exact one's", async () => {
    const opts = { ...sub, loss: "tsne" as const, seed: 5, threads: 1 };
    const fit = async (nEpochs: number, threads = 1) => {
      const e = createEmbedding(subData, { ...opts, nEpochs, threads });
      const y = await e.run();
      const kl = e.klDivergence!;
      e.destroy();
      return { y, kl };
    };
    const exact3 = await fit(3), exact = await fit(240);
    const saved = tsneTuning.fftMinPoints;
    tsneTuning.fftMinPoints = 0;
    try {
      const f3 = await fit(3), f1 = await fit(240), f2 = await fit(240, 2);
      expect(f2.y).toEqual(f1.y);
      expect(f1.y).not.toEqual(exact.y);
      // a few steps from the same start differ by the interpolation's error only (later, t-SNE's dynamics
      // amplify any difference: a 1e-5 change of the start moves points by the layout's size after 120 iterations)
      let gap = 0, size = 0;
      for (let i = 0; i < f3.y.length; i++) {
        gap = Math.max(gap, Math.abs(f3.y[i] - exact3.y[i]));
        size = Math.max(size, Math.abs(exact3.y[i]));
      }
      expect(gap).toBeLessThan(1e-3 * size);
      // the layout it reaches, scored exactly (one exact iteration at a negligible rate), is about as good as the
      // exact path's: within 5% of its KL (different starts of the exact path alone differ by 2% here)
      tsneTuning.fftMinPoints = saved;
      const e = createEmbedding(subData, { ...opts, nEpochs: 1, earlyExaggeration: false, learningRate: 1e-12, init: f1.y });
      await e.run();
      expect(e.klDivergence!).toBeLessThan(1.05 * exact.kl);
      e.destroy();
    } finally {
      tsneTuning.fftMinPoints = saved;
    }
  });

  it("reports the stages and a falling KL divergence", async () => {
    const stages = new Set<string>();
    const kl: number[] = [];
    const e = createEmbedding(subData, { ...sub, loss: "tsne", nEpochs: 450, threads: 1 });
    await e.run({
      onProgress: (_f, stage, detail) => {
        stages.add(stage);
        if (detail && stage === "optimize") kl.push(detail.klDivergence);
      },
    });
    expect([...stages]).toEqual(["knn", "affinities", "init", "early-exaggeration", "optimize"]);
    expect(kl.length).toBe(6); // after 50, 100, … 300 iterations of the main phase
    for (let t = 1; t < kl.length; t++) expect(kl[t]).toBeLessThan(kl[t - 1]);
    expect(e.klDivergence).toBe(kl[kl.length - 1]);
    e.destroy();
  });

  it("refuses options that do not apply, and caps the perplexity on small data", async () => {
    const { n, dim } = sub;
    const data = subData;
    expect(() => createEmbedding(data, { n, dim, loss: "tsne", negativeSamples: 5 })).toThrow(CneInputError);
    expect(() => createEmbedding(data, { n, dim, loss: "tsne", s: 0.5 })).toThrow(/does not apply to loss "tsne"/);
    expect(() => createEmbedding(data, { n, dim, loss: "tsne", outDim: 3 })).toThrow(/2 dimensions/);
    expect(() => createEmbedding(data, { n, dim, perplexity: 10 })).toThrow(/applies to loss "tsne" only/);
    expect(() => createEmbedding(data, { n, dim, loss: "tsne", affinities: "binary", perplexity: 20 })).toThrow(/give k instead/);
    const warnings: string[] = [];
    const small = await embed(data.subarray(0, 40 * 64), { n: 40, dim, loss: "tsne", nEpochs: 30, threads: 1, onWarning: (m) => warnings.push(m) });
    expect(small.length).toBe(80);
    expect(warnings.join()).toMatch(/perplexity 30 is too large for 40 points: using 13\.00/);
    warnings.length = 0;
    createEmbedding(data, { n, dim, loss: "tsne", k: 45, onWarning: (m) => warnings.push(m) }).destroy();
    expect(warnings.join()).toMatch(/perplexity 30\.00 needs 90 neighbours, k is 45: using 15\.00/);
  });

  it("embeds the digits with 10-NN accuracy above 0.975 (perplexity and binary affinities)", async () => {
    const { data, labels, n, dim } = digits;
    for (const affinities of ["perplexity", "binary"] as const) {
      const y = await embed(data, { n, dim, loss: "tsne", affinities, threads: 2, seed: 1 });
      expect(knnAccuracy(y, labels, n, 10)).toBeGreaterThan(0.975);
    }
  }, 120_000);
});

/** Leave-one-out 10-NN classification accuracy in a 2-D layout. */
function knnAccuracy(y: Float32Array, labels: Int32Array, n: number, k: number): number {
  let correct = 0;
  const d = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) d[j] = j === i ? Infinity : (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2;
    const nearest = order.slice().sort((a, b) => d[a] - d[b]).slice(0, k);
    const votes = new Map<number, number>();
    for (const j of nearest) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    if (best === labels[i]) correct++;
  }
  return correct / n;
}
