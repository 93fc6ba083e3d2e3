// Data of any magnitude embeds like the unscaled data: the core rescales data outside [2^-40, 2^40] by a power
// of two (exact), so squared distances never overflow or underflow f32.
import { describe, expect, it } from "vitest";
import { createEmbedding, distanceCorrelation, knn, knnRecall, pca } from "../../dist/index.js";
import { rawCore } from "../core.ts";
import { randomMatrix } from "../helpers.ts";

const n = 600, dim = 10;
const data = randomMatrix(n, dim, 7);
const options = { n, dim, threads: 2, nEpochs: 30, seed: 3 };

async function fit(values: Float32Array, extra: object = {}) {
  const e = createEmbedding(values, { ...options, ...extra });
  try {
    const y = await e.run();
    return { y, graph: e.knnGraph!.indices };
  } finally {
    e.destroy();
  }
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** recall@15: the fraction of each point's 15 input neighbours among its 15 layout neighbours. */
async function quality(graph: Int32Array, y: Float32Array): Promise<number> {
  return knnRecall(graph, (await knn(y, { n, dim: 2, k: 15 })).indices, n, 15);
}

describe("scale-robust embedding", () => {
  it("data × 2^±100 gives the bit-identical layout and graph", async () => {
    const base = await fit(data);
    for (const f of [2 ** 100, 2 ** -100]) {
      const r = await fit(data.map((v) => v * f));
      expect(sameBits(r.y, base.y)).toBe(true);
      expect(r.graph).toEqual(base.graph);
    }
  });

  it("data × 1e±30 and × 1e±20 give a finite layout close to the unscaled one", async () => {
    const base = await fit(data);
    const baseQuality = await quality(base.graph, base.y);
    for (const f of [1e30, 1e20, 1e-20, 1e-30]) {
      const r = await fit(data.map((v) => v * f));
      expect(r.y.every(Number.isFinite)).toBe(true);
      let same = 0;
      for (let i = 0; i < r.graph.length; i++) if (r.graph[i] === base.graph[i]) same++;
      // only the rounding of x·f differs from the unscaled data: the graph is (nearly) the same
      expect(same / r.graph.length).toBeGreaterThanOrEqual(0.999);
      // SGD amplifies that rounding into a different layout of the same quality (as another seed would be)
      expect(Math.abs((await quality(base.graph, r.y)) - baseQuality)).toBeLessThan(0.02);
    }
  });

  it("wide data × 1e30 (PCA-50 search, PCA init) embeds to finite values", async () => {
    const wide = randomMatrix(300, 120, 2).map((v) => v * 1e30);
    const r = await createEmbedding(wide, { n: 300, dim: 120, threads: 1, nEpochs: 10 }).run();
    expect(r.every(Number.isFinite)).toBe(true);
  });

  it("knn() and pca() on data × 1e30 report distances and scores in the data's units", async () => {
    const f = 2 ** 100;
    const a = await knn(data, { n, dim, k: 5 });
    const b = await knn(data.map((v) => v * f), { n, dim, k: 5 });
    expect(b.indices).toEqual(a.indices);
    expect(b.distances).toEqual(a.distances.map((v) => v * f));
    const pa = await pca(data, { n, dim });
    const pb = await pca(data.map((v) => v * f), { n, dim });
    expect(pb).toEqual(pa.map((v) => v * f));
  });
});

describe("scale-robust metrics", () => {
  it("distanceCorrelation of data × 2^±100 equals the unscaled one; × 1e±30 is finite and within 1e-3", async () => {
    const y = randomMatrix(n, 2, 11);
    const options = { seed: 1, sample: 300 };
    const base = distanceCorrelation(data, dim, y, 2, options);
    expect(Number.isFinite(base)).toBe(true);
    for (const f of [2 ** 100, 2 ** -100]) expect(distanceCorrelation(data.map((v) => v * f), dim, y, 2, options)).toBe(base);
    for (const f of [1e30, 1e-30]) expect(Math.abs(distanceCorrelation(data.map((v) => v * f), dim, y, 2, options) - base)).toBeLessThan(1e-3);
  });
});

describe("magnitude kernels", () => {
  type K = { maxAbs(p: number, c: number): number; scaleByPowerOfTwo(p: number, c: number, e: number): void };
  it("maxAbs finds the largest |x| in each lane of the unrolled body, the 4-wide rest and the tail; scaling is exact", async () => {
    const core = await rawCore<K>();
    for (const count of [1, 3, 4, 7, 13, 16, 21, 37, 70]) {
      for (let at = 0; at < count; at++) {
        const values = new Float32Array(count).map((_, i) => (i % 2 ? -0.5 : 0.25));
        values[at] = -3e38;
        const ptr = core.allocate(count * 4);
        new Float32Array(core.memory.buffer, ptr, count).set(values);
        expect(core.maxAbs(ptr, count)).toBe(Math.fround(3e38));
        core.scaleByPowerOfTwo(ptr, count, -127);
        const scaled = new Float32Array(core.memory.buffer, ptr, count);
        expect(Array.from(scaled)).toEqual(Array.from(values, (v) => Math.fround(v * 2 ** -127)));
      }
    }
  });
});
