// The installed package in every runtime: a consumer's script (app/run.mjs) in Node, Deno and Bun, the same
// computation bundled into a Cloudflare worker and into a web page. Every result must equal Node's bit for
// bit at the same thread count.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../runtimes/processes.js";
import { startServer } from "../runtimes/server.js";
import { startWorkerd } from "../runtimes/workerd.js";
import { launchChromium, pageResult } from "../runtimes/chromium.js";
import { bundlePage, bundleWorker } from "./bundle.js";

const { app, repo } = inject("consumer");
const bin = (name: string) => join(repo, "node_modules", ".bin", name);
const THREADS = 2;
const N = 2000;
const OUTPUTS = ["indices", "distances", "embedding", "run", "umapPoint", "transformed", "reloaded"] as const;

interface Result {
  runtime: string;
  build: "simd" | "threads";
  threads: number;
  /** coreInfo's reason for running on one thread when more were asked for */
  fallback?: string;
  n: number;
  indices: string;
  distances: string;
  embedding: string;
  run: string;
  umapPoint: string;
  transformed: string;
  reloaded: string;
  modelBytes: number;
  stages: string[];
  crossOriginIsolated?: boolean;
  error?: string;
}

function parse(out: { code: unknown; stdout: string; stderr: string }): Result {
  const line = out.stdout.trim().split("\n").pop() ?? "";
  if (out.code !== 0 || !line.startsWith("{")) throw new Error(`exit ${String(out.code)}:\n${out.stderr}\n${out.stdout.slice(0, 2000)}`);
  return JSON.parse(line) as Result;
}

const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, "base64")).buffer);
const i32 = (b64: string) => new Int32Array(new Uint8Array(Buffer.from(b64, "base64")).buffer);

const node = new Map<number, Result>();

function expectSameAsNode(r: Result): void {
  expect(r.error).toBeUndefined();
  const want = node.get(r.threads);
  expect(want, `Node's result with ${r.threads} thread(s)`).toBeDefined();
  for (const field of OUTPUTS) expect(r[field] === want![field], `${field} equal to Node's (${r.threads} thread(s))`).toBe(true);
}

beforeAll(async () => {
  for (const threads of [THREADS, 1]) {
    node.set(threads, parse(await runProcess(process.execPath, ["run.mjs", String(threads)], { cwd: app, timeoutMs: 90000 })));
  }
});

describe("the installed package: embed, knn, createEmbedding and a saved model read back, on 2,000 × 32 rows", () => {
  it("Node: 2 threads on the threads build, 1 thread on the simd build, sane results", () => {
    const two = node.get(THREADS)!;
    const one = node.get(1)!;
    expect([two.build, two.threads]).toEqual(["threads", THREADS]);
    expect([one.build, one.threads]).toEqual(["simd", 1]);
    expect([two.fallback, one.fallback]).toEqual([undefined, undefined]);
    // kNN does not depend on the thread count; the optimiser is reproducible per thread count
    expect(one.indices).toBe(two.indices);
    const indices = i32(two.indices);
    expect(indices.length).toBe(N * 15);
    for (let i = 0; i < N; i++) expect(indices[i * 15]).not.toBe(i);
    for (const field of ["embedding", "run", "umapPoint"] as const) {
      const y = f32(two[field]);
      expect(y.length, field).toBe(N * 2);
      expect(y.every(Number.isFinite), field).toBe(true);
    }
    // embed() and a handle's run() with the same options and seed give the same layout
    expect(two.run).toBe(two.embedding);
    expect(two.umapPoint).not.toBe(two.run);
    // 200 rows placed into the layout: finite, and the model saved and read back places them with the same bits
    for (const r of [one, two]) {
      const placed = f32(r.transformed);
      expect(placed.length).toBe(200 * 2);
      expect(placed.every(Number.isFinite)).toBe(true);
      expect(r.reloaded === r.transformed, `loadModel(save()) transforms like the live handle (${r.threads} thread(s))`).toBe(true);
      expect(r.modelBytes).toBeGreaterThan(N * 2 * 4);
    }
    expect(two.stages).toEqual(expect.arrayContaining(["knn", "graph", "init", "optimize"]));
  });

  it("Deno (npm package resolved through the consumer's node_modules): 2 threads, same bits as Node", async () => {
    const r = parse(await runProcess(bin("deno"), ["run", "--allow-read", "run.mjs", String(THREADS)], { cwd: app, timeoutMs: 90000 }));
    expect([r.runtime, r.build, r.threads]).toEqual(["deno", "threads", THREADS]);
    expectSameAsNode(r);
  });

  it("Bun: 2 threads, same bits as Node", async () => {
    const r = parse(await runProcess(bin("bun"), ["run.mjs", String(THREADS)], { cwd: app, timeoutMs: 90000 }));
    expect([r.runtime, r.build, r.threads]).toEqual(["bun", "threads", THREADS]);
    expectSameAsNode(r);
  });

  it("workerd: a worker bundled with the workerd condition (.wasm imported as a module), same bits as Node's single thread, and coreInfo says why one", async () => {
    const modules = await bundleWorker(app);
    expect(modules.some((m) => m.kind === "wasm"), "the bundle imports a .wasm module").toBe(true);
    // hnswlib-wasm cannot run in workerd: its Emscripten chunk (the wasm inside as a data: URL) stays out of the bundle
    expect(readFileSync(modules[0].path, "utf8").includes("data:application/octet-stream;base64,"), "no hnswlib-wasm in the worker").toBe(false);
    const server = await startWorkerd({ modules, timeoutMs: 20000 });
    try {
      const res = await fetch(`${server.origin}/?threads=${THREADS}`, { signal: AbortSignal.timeout(90000) });
      const r = (await res.json()) as Result;
      expect(r.error, server.log()).toBeUndefined();
      expect([r.runtime, r.build, r.threads]).toEqual(["workerd", "simd", 1]);
      expect(r.fallback).toBe("threads: 2 asked for, but no threads build of the core is registered (the workerd entry, or init() without `threads`); running the single-thread build on 1 thread");
      expectSameAsNode(r);
    } finally {
      await server.close();
    }
  });

  describe("a web page bundled with esbuild, in headless Chromium", () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("served with COOP/COEP: threads on (2), same bits as Node", async () => {
      const dir = await bundlePage(app);
      const server = await startServer({ isolated: true, dir });
      try {
        const { result: r, problems } = (await pageResult(browser!, `${server.origin}/page.html?threads=${THREADS}`, "consumerResult", {
          timeoutMs: 90000,
        })) as { result: Result; problems: string[] };
        expect(r.error).toBeUndefined();
        expect(r.crossOriginIsolated).toBe(true);
        expect([r.build, r.threads]).toEqual(["threads", THREADS]);
        expect(problems).toEqual([]);
        expectSameAsNode(r);
      } finally {
        await server.close();
      }
    });
  });
});
