// What a fit runs on, and no silent fallback: a handle's `runtime` reports the build and thread count; when more
// than one thread was asked for (or defaulted to) and the core runs on one, every fit says why exactly once through
// onWarning, and `runtime.fallback` and coreInfo() say the same. Here the fallback is made by registering only the
// single-thread build (as the workerd entry does); the browser's reasons (no isolation, a worker module a build left
// out) are checked in Chromium by test/runtimes and test/consumer.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { coreInfo, createEmbedding, createParametricEmbedding, embed, init, knn, pca } from "../dist/index.js";

// more than 501 points: on fewer, the spectrum slider runs backwards and every neg fit warns about it
const n = 600, dim = 6;
const data = Float32Array.from({ length: n * dim }, (_, i) => ((i * 2654435761) % 1000) / 1000 + (i % dim === Math.floor(i / dim) % 3 ? 2 : 0));
// batches of b · (1 + m) < 65,536 pair updates run on one thread, so 1 and 2 threads give the same bits
const options = { dim, nEpochs: 6, seed: 1, batchSize: 1024 };
const simdOnly = (threads: number) =>
  `threads: ${threads} asked for, but no threads build of the core is registered (the workerd entry, or init() without \`threads\`); running the single-thread build on 1 thread`;

describe("runtime and fallback warnings", () => {
  it("a handle reports what it runs on once the fit has started: 2 threads, or 1 on the simd build; no warning", async () => {
    for (const [threads, runtime] of [
      [2, { build: "threads", threads: 2 }],
      [1, { build: "simd", threads: 1 }],
    ] as const) {
      const warnings: string[] = [];
      const e = createEmbedding(data, { ...options, threads, onWarning: (m: string) => warnings.push(m) });
      expect(e.runtime).toBeUndefined();
      await e.run();
      expect(e.runtime).toEqual(runtime);
      e.destroy();
      expect(warnings).toEqual([]);
      expect(await coreInfo({ threads })).toEqual(runtime);
    }
  });

  // last: init() replaces the registered builds for the rest of this file
  it("without a threads build: 1 thread, and each fit says why once (embed, handle, parametric handle, coreInfo, knn, pca)", async () => {
    const threaded = await embed(data, { ...options, threads: 2 });
    init({ simd: readFileSync(new URL("../build/simd.wasm", import.meta.url)) });

    const fromEmbed: string[] = [];
    const single = await embed(data, { ...options, threads: 2, onWarning: (m: string) => fromEmbed.push(m) });
    expect(fromEmbed).toEqual([simdOnly(2)]);
    // the layout does not depend on the thread count
    expect(Buffer.from(single.buffer).equals(Buffer.from(threaded.buffer))).toBe(true);

    const fromHandle: string[] = [];
    const e = createEmbedding(data, { ...options, threads: 2, onWarning: (m: string) => fromHandle.push(m) });
    await e.run();
    await e.optimize({ s: 1, nEpochs: 3 }); // later calls on the same core do not warn again
    expect(e.runtime).toEqual({ build: "simd", threads: 1, fallback: simdOnly(2) });
    e.destroy();
    expect(fromHandle).toEqual([simdOnly(2)]);

    const fromParametric: string[] = [];
    const p = createParametricEmbedding(data, { ...options, nEpochs: 2, threads: 3, onWarning: (m: string) => fromParametric.push(m) });
    await p.run();
    expect(p.runtime).toEqual({ build: "simd", threads: 1, fallback: simdOnly(3) });
    p.destroy();
    expect(fromParametric).toEqual([simdOnly(3)]);

    expect(await coreInfo({ threads: 2 })).toEqual({ build: "simd", threads: 1, fallback: simdOnly(2) });
    // knn() and pca() say it alike
    const fromKnn: string[] = [], fromPca: string[] = [];
    await knn(data, { dim, k: 5, threads: 2, onWarning: (m: string) => fromKnn.push(m) });
    await pca(data, { dim, threads: 4, onWarning: (m: string) => fromPca.push(m) });
    expect([fromKnn, fromPca]).toEqual([[simdOnly(2)], [simdOnly(4)]]);
    // one thread asked for: nothing fell back, nothing to say
    const asked: string[] = [];
    await embed(data, { ...options, threads: 1, onWarning: (m: string) => asked.push(m) });
    // hnswlib-wasm is single-threaded by design: its search asks for one thread
    await knn(data, { dim, k: 5, threads: 2, method: "hnsw", onWarning: (m: string) => asked.push(m) });
    expect(asked).toEqual([]);
    expect(await coreInfo({ threads: 1 })).toEqual({ build: "simd", threads: 1 });
    // the default (one thread per core) falls back alike, and says it was the default
    if (availableParallelism() > 1) {
      expect((await coreInfo()).fallback).toMatch(new RegExp(`^${availableParallelism()} threads \\(one per core, the default\\) asked for, but no threads build`));
    }
  });
});
