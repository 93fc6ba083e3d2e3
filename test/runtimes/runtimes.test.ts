// The same built package computes kNN of one fixed dataset (fixture.js) in every runtime, and each result must
// equal Node's bit for bit. Each test also checks, and prints, which build and how many threads it ran on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import * as lib from "../../dist/index.js";
import { DIM, K, N, fixtureData, runFixture } from "./fixture.js";
import { runProcess } from "./processes.js";
import { startServer } from "./server.js";
import { startWorkerd } from "./workerd.js";
import { launchChromium, pageResult } from "./chromium.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const PROBE = "test/runtimes/probe.mjs";
/** Threads asked for wherever threads are possible. */
const THREADS = 2;

interface SmokeResult {
  runtime: string;
  build: "simd" | "threads";
  threads: number;
  /** coreInfo's reason for running on one thread when more were asked for */
  fallback?: string;
  ms: number;
  indices: string;
  distances: string;
  embedding: string;
  crossOriginIsolated?: boolean;
  error?: string;
}

const decode = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));

function report(label: string, r: SmokeResult): void {
  console.log(`${label}: build=${r.build} threads=${r.threads} knn=${r.ms} ms`);
}

/** Parses the last JSON line a probe printed. */
function parseProbe(out: { code: unknown; stdout: string; stderr: string }): SmokeResult {
  const line = out.stdout.trim().split("\n").pop() ?? "";
  if (out.code !== 0 || !line.startsWith("{")) {
    throw new Error(`probe failed (exit ${String(out.code)}):\n${out.stderr}\n${out.stdout.slice(0, 2000)}`);
  }
  return JSON.parse(line) as SmokeResult;
}

let node: SmokeResult;
/** Node's embeddings by thread count: the optimiser is reproducible for a given seed and thread count. */
const nodeEmbedding = new Map<number, string>();

/** Equal to Node's result byte for byte; on a mismatch, names the first differing neighbour slot. */
function expectSameAsNode(r: SmokeResult): void {
  expect(r.error).toBeUndefined();
  for (const field of ["indices", "distances"] as const) {
    const got = decode(r[field]);
    const want = decode(node[field]);
    expect(got.length, `${field} length`).toBe(want.length);
    const at = got.findIndex((b, i) => b !== want[i]);
    const slot = at >> 2;
    expect(at, `${field} differ first at point ${Math.floor(slot / K)}, neighbour ${slot % K}`).toBe(-1);
  }
  const want = nodeEmbedding.get(r.threads);
  expect(want, `Node's embedding with ${r.threads} thread(s)`).toBeDefined();
  const got = decode(r.embedding);
  const ref = decode(want!);
  expect(got.length).toBe(ref.length);
  const at = got.findIndex((b, i) => b !== ref[i]);
  expect(at, `embedding differs first at point ${Math.floor((at >> 2) / 2)}`).toBe(-1);
}

beforeAll(async () => {
  node = parseProbe(await runProcess(process.execPath, [PROBE, String(THREADS)], { cwd: root, timeoutMs: 60000 }));
  nodeEmbedding.set(THREADS, node.embedding);
  nodeEmbedding.set(1, parseProbe(await runProcess(process.execPath, [PROBE, "1"], { cwd: root, timeoutMs: 60000 })).embedding);
});

describe("runtime smoke tests: kNN of 2000 × 32 (k = 15) and an embedding of 500 rows, equal to Node's bit for bit", () => {
  it("Node: threads build, 2 threads; a sane result that 1 thread reproduces", async () => {
    report("node", node);
    expect(node.build).toBe("threads");
    expect(node.threads).toBe(THREADS);
    const indices = new Int32Array(decode(node.indices).buffer);
    const distances = new Float32Array(decode(node.distances).buffer);
    expect(indices.length).toBe(N * K);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < K; t++) {
        expect(indices[i * K + t]).not.toBe(i);
        if (t > 0) expect(distances[i * K + t]).toBeGreaterThanOrEqual(distances[i * K + t - 1]);
      }
    }
    // the fixture duplicates every 50th row: its twin is the nearest neighbour, at distance 0
    expect(indices[50 * K]).toBe(49);
    expect(distances[50 * K]).toBe(0);
    expect(fixtureData().length).toBe(N * DIM);

    const single = await runFixture(lib, 1);
    report("node (in-process, 1 thread)", single);
    expect(single.build).toBe("simd");
    expect(single.threads).toBe(1);
    expectSameAsNode(single);
  });

  it("Deno: threads build, 2 threads (built package)", async () => {
    const r = parseProbe(
      await runProcess(bin("deno"), ["run", "--allow-read", PROBE, String(THREADS)], { cwd: root, timeoutMs: 60000 }),
    );
    report("deno", r);
    expect(r.runtime).toBe("deno");
    expect([r.build, r.threads]).toEqual(["threads", THREADS]);
    expectSameAsNode(r);
  });

  it("Deno: threads build, 2 threads (TypeScript source through deno.json)", async () => {
    const r = parseProbe(
      await runProcess(bin("deno"), ["run", "--allow-read", PROBE, String(THREADS), "source"], {
        cwd: root,
        timeoutMs: 60000,
      }),
    );
    report("deno (source)", r);
    expect([r.build, r.threads]).toEqual(["threads", THREADS]);
    expectSameAsNode(r);
  });

  it("Deno: the source entry named in deno.json type-checks (deno check)", async () => {
    const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8")) as { exports: { ".": string } };
    const out = await runProcess(bin("deno"), ["check", denoJson.exports["."]], { cwd: root, timeoutMs: 90000 });
    expect(out.code, out.stderr + out.stdout).toBe(0);
  });

  it("Bun: threads build, 2 threads", async () => {
    const r = parseProbe(await runProcess(bin("bun"), [PROBE, String(THREADS)], { cwd: root, timeoutMs: 60000 }));
    report("bun", r);
    expect(r.runtime).toBe("bun");
    expect([r.build, r.threads]).toEqual(["threads", THREADS]);
    expectSameAsNode(r);
  });

  it("workerd: simd build, 1 thread (wasm imported as a module)", async () => {
    const server = await startWorkerd({ timeoutMs: 20000 });
    try {
      const res = await fetch(`${server.origin}/?threads=${THREADS}`, { signal: AbortSignal.timeout(30000) });
      const r = (await res.json()) as SmokeResult;
      expect(r.error, server.log()).toBeUndefined();
      report("workerd", r);
      expect(r.runtime).toBe("workerd");
      expect([r.build, r.threads]).toEqual(["simd", 1]);
      expectSameAsNode(r);
    } finally {
      await server.close();
    }
  });

  describe("headless Chromium", () => {
    let browser: Browser | undefined;

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function runPage(isolated: boolean): Promise<{ result: SmokeResult; problems: string[] }> {
      const server = await startServer({ isolated });
      try {
        const url = `${server.origin}/test/runtimes/page.html?threads=${THREADS}`;
        return (await pageResult(browser!, url, "smokeResult")) as { result: SmokeResult; problems: string[] };
      } finally {
        await server.close();
      }
    }

    it("page with COOP/COEP (crossOriginIsolated): threads build, 2 threads", async () => {
      const { result, problems } = await runPage(true);
      expect(result.error).toBeUndefined();
      report("chromium (isolated)", result);
      expect(result.crossOriginIsolated).toBe(true);
      expect([result.build, result.threads]).toEqual(["threads", THREADS]);
      expect(result.fallback).toBeUndefined();
      expect(problems).toEqual([]);
      expectSameAsNode(result);
    });

    it("page without COOP/COEP: the simd build on 1 thread, and each call says why once (console.warn, the default onWarning)", async () => {
      const { result, problems } = await runPage(false);
      expect(result.error).toBeUndefined();
      report("chromium (not isolated)", result);
      expect(result.crossOriginIsolated).toBe(false);
      expect([result.build, result.threads]).toEqual(["simd", 1]);
      const why = /^threads: 2 asked for, but the page is not cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp .*; running the single-thread build on 1 thread$/;
      expect(result.fallback).toMatch(why);
      // one warning from the fixture's knn() and one from its embed(); nothing else on the page
      expect(problems).toEqual([`warning: cne-wasm: ${result.fallback}`, `warning: cne-wasm: ${result.fallback}`]);
      expectSameAsNode(result);
    });
  });
});
