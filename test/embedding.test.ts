import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmbedding, embed, knn, CneInputError } from "../dist/index.js";
import { stagingTuning } from "../dist/embedding/optimizer.js";
import { loadDigits, recallAt, scale } from "./digits.ts";
import { randomMatrix } from "./helpers.ts";

const digits = loadDigits();
let exact: Int32Array;
beforeAll(async () => {
  exact = (await knn(digits.data, { dim: digits.dim, k: 15 })).indices;
});

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("quality on digits (recall@15 against exact 64-d kNN, default schedule)", () => {
  const cases: [string, object][] = [
    ["neg at s = 0 (default)", {}],
    ["neg at s = 1 (UMAP point)", { s: 1 }],
    ["umap loss", { loss: "umap" }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: recall ≥ 0.43, no NaN`, async () => {
      const y = await embed(digits.data, { dim: digits.dim, seed: 1, ...options });
      expect(y.length).toBe(digits.n * 2);
      expect(y.every(Number.isFinite)).toBe(true);
      const recall = await recallAt(exact, y, digits.n, 2);
      expect(recall).toBeGreaterThanOrEqual(0.43);
    });
  }
});

describe("the spectrum on digits", () => {
  it("as s rises from −0.5 to 1.5 the scale falls and Σφ rises (a fit at each s)", async () => {
    const scales: number[] = [];
    const zs: number[] = [];
    for (const s of [-0.5, 0, 0.5, 1, 1.5]) {
      const e = createEmbedding(digits.data, { dim: digits.dim, s, seed: 3 });
      await e.run();
      scales.push(scale(e.embedding, 2));
      zs.push(await e.partitionFunction());
      e.destroy();
    }
    for (let i = 1; i < scales.length; i++) {
      expect(scales[i]).toBeLessThan(scales[i - 1]);
      expect(zs[i]).toBeGreaterThan(zs[i - 1]);
    }
  });

  it("optimize() warm-starts from the current layout: moving from s = 0 to s = 1 shrinks it", async () => {
    const e = createEmbedding(digits.data, { dim: digits.dim, seed: 3 });
    const atZero = await e.run();
    // one epoch at a tiny rate barely moves anything: optimize() continues from the layout, not from a new init
    const nudged = await e.optimize({ s: 1, nEpochs: 1, learningRate: 1e-4 });
    const moved = nudged.reduce((m, v, i) => Math.max(m, Math.abs(v - atZero[i])), 0);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(0.01 * scale(atZero, 2));
    const atOne = await e.optimize({ s: 1, nEpochs: 60 });
    expect(scale(atOne, 2)).toBeLessThan(scale(atZero, 2));
    expect(await e.partitionFunction()).toBeGreaterThan(0);
    e.destroy();
  });

  it("NCE's learned Z moves from its start toward Σφ and ends within [0.2, 5]× of it", async () => {
    const e = createEmbedding(digits.data, { dim: digits.dim, loss: "nce", seed: 2 });
    await e.run();
    const logZ = e.logZ!;
    const partition = await e.partitionFunction();
    e.destroy();
    const start = Math.log(digits.n * (digits.n - 1));
    expect(Math.abs(logZ - Math.log(partition))).toBeLessThan(Math.abs(start - Math.log(partition)));
    const ratio = partition / Math.exp(logZ);
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(5);
  });
});

describe("reproducibility", () => {
  for (const threads of [1, 2]) {
    it(`same seed and ${threads} thread(s) give bit-identical output; another seed differs`, async () => {
      const opts = { dim: digits.dim, threads, nEpochs: 60 };
      const a = await embed(digits.data, { ...opts, seed: 5 });
      const b = await embed(digits.data, { ...opts, seed: 5 });
      const c = await embed(digits.data, { ...opts, seed: 6 });
      expect(sameBits(a, b)).toBe(true);
      expect(sameBits(a, c)).toBe(false);
    });
  }
  it("batches of little work (the paper's b = 1,024, m = 5) run on one thread: 2 threads give the 1-thread bits, larger batches do not", async () => {
    const defaultMinPoints = stagingTuning.minPoints;
    for (const staged of [false, true]) {
      stagingTuning.minPoints = staged ? 0 : Infinity;
      try {
        const small = { dim: digits.dim, nEpochs: 20, seed: 5, batchSize: 1024, negativeSamples: 5 };
        expect(sameBits(await embed(digits.data, { ...small, threads: 1 }), await embed(digits.data, { ...small, threads: 2 }))).toBe(true);
        const large = { ...small, batchSize: 16384 };
        expect(sameBits(await embed(digits.data, { ...large, threads: 1 }), await embed(digits.data, { ...large, threads: 2 }))).toBe(false);
      } finally {
        stagingTuning.minPoints = defaultMinPoints;
      }
    }
  });
});

describe("staged batches (the optimiser's path from stagingTuning.minPoints points), forced on the digits", () => {
  const defaultMinPoints = stagingTuning.minPoints;
  afterEach(() => { stagingTuning.minPoints = defaultMinPoints; });
  const withStaging = async <T>(on: boolean, run: () => Promise<T>): Promise<T> => {
    stagingTuning.minPoints = on ? 0 : Infinity;
    try { return await run(); } finally { stagingTuning.minPoints = defaultMinPoints; }
  };
  for (const outDim of [2, 3]) {
    it(`${outDim}-D, 1 and 2 threads: the same seed gives the same bits, and after one epoch the unstaged layout up to summation order`, async () => {
      for (const threads of [1, 2]) {
        const opts = { dim: digits.dim, threads, outDim, nEpochs: 20, seed: 5 };
        const a = await withStaging(true, () => embed(digits.data, opts));
        const b = await withStaging(true, () => embed(digits.data, opts));
        expect(a.every(Number.isFinite)).toBe(true);
        expect(sameBits(a, b)).toBe(true);
        const one = { ...opts, nEpochs: 1 };
        const staged = await withStaging(true, () => embed(digits.data, one));
        const plain = await withStaging(false, () => embed(digits.data, one));
        let scale = 0, gap = 0;
        for (let i = 0; i < plain.length; i++) {
          scale = Math.max(scale, Math.abs(plain[i]));
          gap = Math.max(gap, Math.abs(staged[i] - plain[i]));
        }
        expect(gap).toBeLessThanOrEqual(1e-3 * scale);
        expect(sameBits(staged, plain)).toBe(false); // the summation order did change: the check compares two paths
      }
    });
  }
  it("2-D, default schedule: recall ≥ 0.43 as the unstaged path's", async () => {
    const y = await withStaging(true, () => embed(digits.data, { dim: digits.dim, seed: 1, threads: 2 }));
    expect(await recallAt(exact, y, digits.n, 2)).toBeGreaterThanOrEqual(0.43);
  });
});

describe("options", () => {
  const small = { dim: digits.dim, nEpochs: 30 };
  it("a precomputed kNN gives the same result as the internal exact kNN", async () => {
    const a = await embed(digits.data, { ...small, knn: "exact", seed: 1 });
    const b = await embed(digits.data, { ...small, knnIndices: exact, seed: 1 });
    expect(sameBits(a, b)).toBe(true);
  });
  it("init: random, spectral and a user array all give finite layouts", async () => {
    for (const init of ["random", "spectral", new Float32Array(digits.n * 2).map((_, i) => Math.sin(i))] as const) {
      const y = await embed(digits.data, { ...small, init });
      expect(y.every(Number.isFinite)).toBe(true);
    }
  });
  it("the spectral init separates the digits already", async () => {
    const y = await embed(digits.data, { dim: digits.dim, init: "spectral", nEpochs: 1 });
    expect(await recallAt(exact, y, digits.n, 2)).toBeGreaterThan(0.1);
  });
  it("outDim 3 and the infonce and nce losses run", async () => {
    const y3 = await embed(digits.data, { ...small, outDim: 3 });
    expect(y3.length).toBe(digits.n * 3);
    for (const loss of ["infonce", "nce"] as const) {
      const y = await embed(digits.data, { ...small, loss, negativeSamples: 20 });
      expect(y.every(Number.isFinite)).toBe(true);
    }
  });
  it("zBar at the UMAP point, n(n − 1)/5, equals s = 1 for any number of negatives", async () => {
    const n = digits.n;
    for (const m of [5, 20]) {
      const a = await embed(digits.data, { ...small, negativeSamples: m, s: 1, seed: 4 });
      const b = await embed(digits.data, { ...small, negativeSamples: m, zBar: (n * (n - 1)) / 5, seed: 4 });
      const d = a.reduce((acc, v, i) => Math.max(acc, Math.abs(v - b[i])), 0);
      expect(d, `m = ${m}`).toBeLessThan(1e-3);
    }
  });
});

describe("progress, abort and lifecycle", () => {
  it("reports every stage in order, each ending at 1", async () => {
    const seen: string[] = [];
    const last = new Map<string, number>();
    await embed(digits.data, {
      dim: digits.dim, nEpochs: 30, onProgress: (f, stage) => {
        if (seen.at(-1) !== stage) seen.push(stage);
        last.set(stage, f);
      },
    });
    expect(seen).toEqual(["knn", "graph", "init", "early-exaggeration", "optimize"]);
    for (const f of last.values()) expect(f).toBe(1);
  });
  it("an AbortSignal stops the optimiser and rejects with an AbortError", async () => {
    const controller = new AbortController();
    const p = embed(digits.data, {
      dim: digits.dim, signal: controller.signal,
      onProgress: (f, stage) => { if (stage === "optimize" && f > 0.1) controller.abort(); },
    });
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });
  it("destroy during run rejects it; destroy twice is safe; use after destroy fails", async () => {
    const e = createEmbedding(digits.data, { dim: digits.dim });
    const p = e.run({ onProgress: (_, stage) => { if (stage === "early-exaggeration") e.destroy(); } });
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    e.destroy();
    await expect(e.run()).rejects.toThrow();
  });
  it("optimize before run and run twice are errors", async () => {
    const e = createEmbedding(digits.data, { dim: digits.dim, nEpochs: 3 });
    await expect(e.optimize({ s: 1 })).rejects.toThrow(/call run\(\) before optimize/);
    await e.run();
    await expect(e.run()).rejects.toThrow(/already called/);
    e.destroy();
  });
});

describe("bad input", () => {
  const good = randomMatrix(50, 4, 3);
  const cases: [string, () => unknown, RegExp][] = [
    ["NaN", () => { const d = good.slice(); d[9] = NaN; return embed(d, { dim: 4, k: 5 }); }, /non-finite value \(NaN\) at row 2, column 1/],
    ["Infinity", () => { const d = good.slice(); d[0] = -Infinity; return embed(d, { dim: 4, k: 5 }); }, /non-finite value \(-Infinity\) at row 0/],
    ["ragged rows", () => embed([[1, 2, 3], [1, 2]], {}), /ragged rows: row 1 has 2 values/],
    ["n too small for k", () => embed(good, { dim: 4, k: 50 }), /n = 50 is too small for k = 50: need n > k/],
    ["wrong shape", () => embed(good, { n: 49, dim: 4 }), /data has 200 values but n × dim = 49 × 4/],
    ["unknown option", () => embed(good, { dim: 4, epochs: 10 } as never), /unknown option "epochs"/],
    ["bad loss", () => embed(good, { dim: 4, loss: "tsne" } as never), /loss must be one of/],
    ["bad s", () => embed(good, { dim: 4, s: NaN }), /s must be a finite number/],
    ["s and zBar", () => embed(good, { dim: 4, s: 1, zBar: 10 }), /either s or zBar/],
    ["zBar with nce", () => embed(good, { dim: 4, loss: "nce", zBar: 10 }), /zBar applies to loss "neg"/],
    ["negative zBar", () => embed(good, { dim: 4, zBar: -1 }), /zBar must be a positive/],
    ["bad negativeSamples", () => embed(good, { dim: 4, negativeSamples: 0 }), /negativeSamples must be an integer/],
    ["bad nEpochs", () => embed(good, { dim: 4, nEpochs: 1.5 }), /nEpochs must be an integer/],
    ["bad init name", () => embed(good, { dim: 4, init: "umap" } as never), /init must be one of/],
    ["init of wrong length", () => embed(good, { dim: 4, k: 5, init: new Float32Array(7) }), /init has 7 values but n × outDim = 50 × 2/],
    ["knnIndices out of range", () => embed(good, { dim: 4, k: 2, knnIndices: new Int32Array(100).fill(50) }), /knnIndices\[0\] = 50 is not a row index/],
    ["knnIndices of wrong length", () => embed(good, { dim: 4, k: 2, knnIndices: new Int32Array(99) }), /knnIndices has 99 entries but n × k = 50 × 2/],
    ["bad seed", () => embed(good, { dim: 4, seed: -1 }), /seed must be an integer/],
  ];
  for (const [name, call, message] of cases) {
    it(`rejects ${name} with a clear error`, async () => {
      await expect((async () => call())()).rejects.toThrow(message);
      await expect((async () => call())()).rejects.toBeInstanceOf(CneInputError);
    });
  }
});
