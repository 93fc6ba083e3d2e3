// Data whose rows alone exceed what a wasm32 memory can hold is refused before anything is allocated, with an
// error naming the limit and the size asked for (never a trap or an out-of-memory crash).
import { describe, expect, it } from "vitest";
import { CneInputError, createEmbedding, embed, knn, pca } from "../dist/index.js";
import { randomMatrix } from "./helpers.ts";

const n = 600_000;
const dim = 2_000; // 600,000 × 2,000 float32 = 4.5 GiB
/** Flat "data" that only reports its length: nothing of that size is ever allocated. */
const flat = { length: n * dim } as ArrayLike<number>;
/** Rows: only the first exists, which is all the shape check reads. */
const rows = Object.assign(new Array<Float32Array>(n), { 0: new Float32Array(dim) });
const message = /n × dim = 600000 × 2000 needs 4\.5 GiB .* beyond the 4\.0 GiB a WebAssembly \(wasm32\) memory can hold; reduce dim \(e\.g\. PCA first\), or fit on a sample of the rows and stream-transform the rest/;

describe("inputs past the wasm32 memory limit", () => {
  it("embed and createEmbedding refuse flat data and rows up front", async () => {
    await expect(embed(flat, { n })).rejects.toThrow(message);
    await expect(embed(rows)).rejects.toThrow(CneInputError);
    expect(() => createEmbedding(flat, { dim })).toThrow(message);
  });

  it("knn and pca refuse them too", async () => {
    await expect(knn(flat, { n, dim })).rejects.toThrow(message);
    await expect(Promise.resolve().then(() => pca(rows, { nComponents: 2 }))).rejects.toThrow(message);
  });
});

describe("an allocation past the core's memory limit", () => {
  for (const threads of [1, 2]) {
    it(`${threads} thread(s): names the limit and the size asked for`, async () => {
      const { Core } = await import("../dist/core/core.js");
      const core = await Core.create(threads);
      try {
        expect(core.build).toBe(threads === 1 ? "simd" : "threads");
        // the threads build's shared memory reserves 4 GiB here (2 GiB only where an engine cannot)
        expect(core.memoryLimit).toBe(2 ** 32);
        expect(() => core.alloc(4.5 * 2 ** 30)).toThrow(/out of memory allocating 4\.5 GiB with .* in use: the core's memory \((simd|threads) build\) holds at most 4\.0 GiB; for more rows, fit on a sample and stream-transform the rest/);
        // an allocation that fits in 32 bits but would end past 4 GiB must not wrap around
        core.alloc(2 ** 31);
        expect(() => core.alloc(2 ** 31 + 2 ** 30)).toThrow(/out of memory allocating 3\.0 GiB/);
      } finally {
        core.reset(); // the filler was never touched: nothing to clear when the core is reused
        core.destroy();
      }
    });
  }
});

describe("addresses from 2 GiB up (negative as a signed 32-bit integer)", () => {
  for (const threads of [1, 2]) {
    it(`${threads} thread(s): a matrix placed above 2 GiB gives the exact kNN of the same matrix placed low`, async () => {
      const { Core } = await import("../dist/core/core.js");
      const { putMatrix } = await import("../dist/core/matrix.js");
      const { exactKnn } = await import("../dist/knn/exact.js");
      const n = 400, dim = 12, k = 6;
      const matrix = { values: randomMatrix(n, dim, 3), n, dim };
      const core = await Core.create(threads);
      try {
        const low = await exactKnn(core, putMatrix(core, matrix), k);
        const lowIndices = core.i32(low.indicesPtr, n * k).slice();
        core.alloc(2 ** 31); // untouched filler: it costs address space, not resident memory
        const m = putMatrix(core, matrix);
        expect(m.ptr).toBeGreaterThanOrEqual(2 ** 31);
        const high = await exactKnn(core, m, k);
        expect(high.indicesPtr).toBeGreaterThanOrEqual(2 ** 31);
        expect(core.i32(high.indicesPtr, n * k)).toEqual(lowIndices);
        expect(core.f32(high.distancesPtr, n * k)).toEqual(core.f32(low.distancesPtr, n * k));
      } finally {
        core.reset();
        core.destroy();
      }
    });
  }
});
