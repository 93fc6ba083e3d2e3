// Data whose rows alone exceed what a wasm32 memory can hold is refused before anything is allocated, with an
// error naming the limit and the size asked for (never a trap or an out-of-memory crash).
import { describe, expect, it } from "vitest";
import { CneInputError, createEmbedding, embed, knn, pca } from "../dist/index.js";

const n = 600_000;
const dim = 2_000; // 600,000 × 2,000 float32 = 4.5 GiB
/** Flat "data" that only reports its length: nothing of that size is ever allocated. */
const flat = { length: n * dim } as ArrayLike<number>;
/** Rows: only the first exists, which is all the shape check reads. */
const rows = Object.assign(new Array<Float32Array>(n), { 0: new Float32Array(dim) });
const message = /n × dim = 600000 × 2000 needs 4\.5 GiB .* beyond the 4\.0 GiB a WebAssembly \(wasm32\) memory can hold/;

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
  it("names the build's limit and the size asked for", async () => {
    const { Core } = await import("../dist/core/core.js");
    const core = await Core.create(2);
    try {
      expect(core.build).toBe("threads");
      expect(() => core.alloc(2.5 * 2 ** 30)).toThrow(
        /out of memory allocating 2\.5 GiB with .* in use: the core's memory \(threads build\) holds at most 2\.0 GiB; with threads: 1/,
      );
    } finally {
      core.destroy();
    }
  });
});
