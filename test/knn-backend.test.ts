// The kNN seam: knn() and the embedding reach the backends through one dispatch (same neighbours for the same
// method and seed), the metric is one the core knows, and seeds keep their high bits on every path.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createEmbedding, embed, knn, CneInputError } from "../dist/index.js";
import { EMBEDDING_OPTIONS } from "../dist/options/embedding.js";
import { readLayout } from "../dist/core/abi.js";
import { hnswSeed } from "../dist/knn/hnsw.js";
import { loadDigits } from "./digits.ts";

const digits = loadDigits();
const n = 700, dim = digits.dim;
const data = digits.data.slice(0, n * dim);

describe("kNN backends", () => {
  for (const method of ["exact", "nndescent"] as const) {
    it(`knn() and the embedding's graph get the same ${method} neighbours`, async () => {
      const direct = await knn(data, { dim, k: 10, method, seed: 7, threads: 2 });
      const e = createEmbedding(data, { dim, k: 10, knn: method, seed: 7, nEpochs: 1, threads: 2 });
      await e.step(1);
      expect(e.knnGraph!.indices).toEqual(direct.indices);
      e.destroy();
    });
  }

  it("the metric option lists exactly the core's metrics, and another is rejected early", async () => {
    const { instance } = await WebAssembly.instantiate(readFileSync(new URL("../build/simd.wasm", import.meta.url)), {});
    expect([...EMBEDDING_OPTIONS.metric.values].sort()).toEqual(Object.keys(readLayout(instance.exports).metric).sort());
    await expect(knn(data, { dim, metric: "cosinus" as never })).rejects.toThrow(/metric must be one of "euclidean", "cosine"/);
    expect(() => createEmbedding(data, { dim, metric: "cosinus" as never })).toThrow(CneInputError);
  });

  it("a seed's high bits reach every seeded kernel (seeds 2^32 apart differ)", async () => {
    const options = { dim, nEpochs: 2, init: "random" as const, threads: 1 };
    const low = await embed(data, { ...options, seed: 3 });
    const high = await embed(data, { ...options, seed: 3 + 2 ** 32 });
    expect(low).not.toEqual(high);
    const a = await knn(data, { dim, method: "nndescent", seed: 3 });
    const b = await knn(data, { dim, method: "nndescent", seed: 3 + 2 ** 32 });
    const c = await knn(data, { dim, method: "nndescent", seed: 3 + 2 ** 32 });
    expect(c.indices).toEqual(b.indices);
    expect(a.indices).not.toEqual(b.indices);
    // hnswlib takes 32 bits: the high bits are folded in, seeds below 2^32 are passed as they are
    expect(hnswSeed(3)).toBe(3);
    expect(hnswSeed(2 ** 32 - 1)).toBe(2 ** 32 - 1);
    expect(hnswSeed(3 + 2 ** 32)).not.toBe(3);
    expect(hnswSeed(3 + 2 ** 33)).not.toBe(hnswSeed(3 + 2 ** 32));
  });
});
