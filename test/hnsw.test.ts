import { afterEach, describe, expect, it, vi } from "vitest";
import { knn, CneInputError } from "../dist/index.js";
import { hnswKnn } from "../dist/knn/hnsw.js";
import { neighbourRecall, rng } from "./helpers.ts";

/** Gaussian blobs: `clusters` centres spread with sd 4, points around them with sd 1. */
function clusteredMatrix(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: clusters * dim }, () => 4 * gauss());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let t = 0; t < dim; t++) out[i * dim + t] = centres[c * dim + t] + gauss();
  }
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hnswKnn (hnswlib-wasm backend)", () => {
  const n = 3000, dim = 24, k = 15;
  const data = clusteredMatrix(n, dim, 12, 5);

  it("reaches recall@15 ≥ 0.95 against the exact kernel on clustered data, with true distances, ascending, self excluded", async () => {
    const exact = await knn(data, { n, dim, k, threads: 1 });
    const res = await hnswKnn(data, n, dim, k, { seed: 1 });
    expect(res.indices.length).toBe(n * k);
    expect(res.distances.length).toBe(n * k);
    expect(neighbourRecall(res.indices, exact.indices, n, k)).toBeGreaterThanOrEqual(0.95);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < k; t++) {
        const j = res.indices[i * k + t];
        expect(j).not.toBe(i);
        let s = 0;
        for (let c = 0; c < dim; c++) s += (data[i * dim + c] - data[j * dim + c]) ** 2;
        expect(Math.abs(res.distances[i * k + t] - Math.sqrt(s))).toBeLessThan(1e-4 * (1 + Math.sqrt(s)));
        if (t > 0) expect(res.distances[i * k + t]).toBeGreaterThanOrEqual(res.distances[i * k + t - 1]);
      }
      // no neighbour may be closer than the exact k-th one by more than rounding
      expect(res.distances[i * k]).toBeGreaterThanOrEqual(exact.distances[i * k] * (1 - 1e-5));
    }
  });

  it("is reproducible for a fixed seed", async () => {
    const a = await hnswKnn(data, n, dim, k, { seed: 9 });
    const b = await hnswKnn(data, n, dim, k, { seed: 9 });
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(b.distances)).toEqual(Array.from(a.distances));
  });

  it("handles duplicates: never returns self, finds the duplicate at distance 0, orders ties by index", async () => {
    const half = 400, d = 6, kk = 5;
    const base = clusteredMatrix(half, d, 4, 11);
    const dup = new Float32Array(2 * half * d);
    dup.set(base, 0);
    dup.set(base, half * d);
    const res = await hnswKnn(dup, 2 * half, d, kk, { seed: 3 });
    for (let i = 0; i < 2 * half; i++) {
      const row = Array.from(res.indices.subarray(i * kk, (i + 1) * kk));
      expect(row).not.toContain(i);
      const twin = i < half ? i + half : i - half;
      expect(row[0]).toBe(twin);
      expect(res.distances[i * kk]).toBe(0);
      for (let t = 1; t < kk; t++) {
        const prev = res.distances[i * kk + t - 1], cur = res.distances[i * kk + t];
        expect(cur).toBeGreaterThanOrEqual(prev);
        if (cur === prev) expect(row[t]).toBeGreaterThan(row[t - 1]);
      }
    }
  });

  it("reports monotone progress up to 1, logs nothing and leaves no window global behind", async () => {
    const log = vi.spyOn(console, "log");
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    const seen: number[] = [];
    await hnswKnn(data.subarray(0, 1000 * dim), 1000, dim, k, { seed: 2, progress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(1);
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect((globalThis as { window?: unknown }).window).toBeUndefined();
  });

  it("rejects bad input with a clear error", async () => {
    const small = clusteredMatrix(20, 3, 2, 1);
    const bad = small.slice();
    bad[7] = NaN;
    await expect(hnswKnn(bad, 20, 3, 5, { seed: 1 })).rejects.toThrow(/non-finite value \(NaN\) at row 2, column 1/);
    const inf = small.slice();
    inf[59] = -Infinity;
    await expect(hnswKnn(inf, 20, 3, 5, { seed: 1 })).rejects.toThrow(CneInputError);
    await expect(hnswKnn(small, 21, 3, 5, { seed: 1 })).rejects.toThrow(/60 entries but n × dim = 21 × 3 = 63/);
    await expect(hnswKnn(small, 20, 3, 20, { seed: 1 })).rejects.toThrow(/n = 20 is too small for k = 20/);
    await expect(hnswKnn(small, 20, 3, 0, { seed: 1 })).rejects.toThrow(/k must be an integer/);
    await expect(hnswKnn(small, 20, 3, 2.5, { seed: 1 })).rejects.toThrow(/k must be an integer/);
    await expect(hnswKnn(small, 20, 3, 5, { seed: 0.5 })).rejects.toThrow(/seed must be an integer/);
    await expect(hnswKnn(small, 20, 3, 5, { seed: 1, M: 1 })).rejects.toThrow(/M must be an integer ≥ 2/);
    await expect(hnswKnn(small, 20, 3, 5, { seed: 1, efSearch: 0 })).rejects.toThrow(/efSearch/);
    await expect(hnswKnn(Array.from(small) as unknown as Float32Array, 20, 3, 5, { seed: 1 })).rejects.toThrow(/Float32Array/);
  });

  it("stops when aborted, rejecting with an AbortError", async () => {
    const pre = new AbortController();
    pre.abort();
    await expect(hnswKnn(data, n, dim, k, { seed: 1, signal: pre.signal })).rejects.toMatchObject({ name: "AbortError" });

    // abort from the progress callback, during the build, and check that no more work is reported
    const mid = new AbortController();
    const seen: number[] = [];
    const run = hnswKnn(data, n, dim, k, {
      seed: 1,
      signal: mid.signal,
      progress: (f) => {
        seen.push(f);
        if (f > 0.2) mid.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(seen.at(-1)).toBeLessThan(0.5);

    // abort from a timer: blocks yield to the event loop, so the timer fires before the work ends
    const timed = new AbortController();
    setTimeout(() => timed.abort(), 20);
    await expect(hnswKnn(data, n, dim, k, { seed: 1, signal: timed.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("is reachable through knn({ method: \"hnsw\" }), rows or flat, with progress by stage and abort", async () => {
    const m = 600, d = 8, kk = 10;
    const flat = clusteredMatrix(m, d, 5, 21);
    const rows = Array.from({ length: m }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
    const stages = new Set<string>();
    const viaKnn = await knn(rows, { k: kk, method: "hnsw", seed: 4, onProgress: (_f: number, stage: string) => stages.add(stage) });
    const direct = await hnswKnn(flat, m, d, kk, { seed: 4 });
    expect(Array.from(viaKnn.indices)).toEqual(Array.from(direct.indices));
    expect(Array.from(viaKnn.distances)).toEqual(Array.from(direct.distances));
    expect([...stages]).toEqual(["knn"]);
    const exact = await knn(flat, { n: m, dim: d, k: kk, threads: 1 });
    expect(neighbourRecall(viaKnn.indices, exact.indices, m, kk)).toBeGreaterThanOrEqual(0.95);
    await expect(knn(flat, { n: m, dim: d, k: kk, method: "hnsw" as never, seed: -1 })).rejects.toThrow(/seed/);
    await expect(knn(flat, { n: m, dim: d, k: kk, method: "hsnw" as never })).rejects.toThrow(/method must be .*"hnsw"/);
    const pre = new AbortController();
    pre.abort();
    await expect(knn(flat, { n: m, dim: d, k: kk, method: "hnsw", signal: pre.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("fails with a clear error from an entry that does not import hnswlib-wasm (the workerd entry's case)", async () => {
    vi.resetModules();
    // this module alone, without the default entry that hands it the import
    const bare = (await import("../dist/knn/hnsw.js")) as typeof import("../dist/knn/hnsw.js");
    await expect(bare.hnswKnn(data, n, dim, k, { seed: 1 })).rejects.toThrow(/not available from this entry point.*use method "exact"/);
  });

  it("fails with a clear error where it cannot run (workerd)", async () => {
    const had = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", { value: { userAgent: "Cloudflare-Workers" }, configurable: true });
    try {
      await expect(hnswKnn(data, n, dim, k, { seed: 1 })).rejects.toThrow(/cannot run in workerd.*use method "exact"/);
    } finally {
      if (had) Object.defineProperty(globalThis, "navigator", had);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});
