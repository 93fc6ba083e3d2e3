// The installed package in a web app built by each mainstream bundler: the app in test/consumer/web (its own
// package.json pins the bundlers), the packed tarball installed into it, built with each bundler's ordinary
// configuration (no hand-named worker entry), served cross-origin isolated and run in headless Chromium with
// `threads: 2`. Each page must run on 2 threads (`runtime`), warn about nothing, and give the bits of Node's run
// of the same app at 2 threads; so must the dev servers of Vite and webpack, Deno importing `npm:cne-wasm` and
// Bun. The app also searches its rows with knn "hnsw": every build must carry hnswlib-wasm, which the package
// imports on first use, and those that split code must keep it in a chunk of its own. A build that leaves the
// worker out must say so (onWarning, `runtime.fallback`) instead of falling back in silence.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { runProcess, startProcess } from "../runtimes/processes.js";
import { startServer } from "../runtimes/server.js";
import { launchChromium, pageResult } from "../runtimes/chromium.js";
import { appPage } from "./web/page.js";

const { dir, tarball, repo } = inject("consumer");
const web = join(dir, "web");
const tool = (name: string) => join(web, "node_modules", ".bin", name);
const repoBin = (name: string) => join(repo, "node_modules", ".bin", name);
// the npm that runs this suite, not an older one some dev dependencies install into node_modules/.bin
const PATH = (process.env.PATH ?? "").split(delimiter).filter((p) => !p.endsWith(join("node_modules", ".bin"))).join(delimiter);
const THREADS = 2;

interface AppResult {
  runtime?: { build: "simd" | "threads"; threads: number; fallback?: string };
  warnings: string[];
  embedding: string;
  run: string;
  /** knn "hnsw" indices (300 × 10 i32) */
  hnsw: string;
  crossOriginIsolated?: boolean;
  error?: string;
}

/** Node's run of the same app, per thread count. */
const node = new Map<number, AppResult>();
let browser: Browser | undefined;

async function run(cmd: string, args: string[], timeoutMs = 180000): Promise<string> {
  const out = await runProcess(cmd, args, { cwd: web, env: { ...process.env, PATH }, timeoutMs });
  if (out.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${String(out.code)}:\n${out.stderr}\n${out.stdout.slice(-3000)}`);
  return out.stdout;
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as AppResult;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Opens the app at `url` (which must be cross-origin isolated) and returns its result and the page's problems. */
async function openApp(url: string): Promise<{ result: AppResult; problems: string[] }> {
  const { result, problems } = (await pageResult(browser!, `${url}?threads=${THREADS}`, "cneResult", { timeoutMs: 90000 })) as {
    result: AppResult;
    problems: string[];
  };
  expect(result.error).toBeUndefined();
  expect(result.crossOriginIsolated, "the page is cross-origin isolated").toBe(true);
  return { result, problems };
}

/** What every threaded run must show: 2 threads, no warning, and the bits of Node's 2-thread run. */
function expectThreaded(r: AppResult, problems: string[] = []): void {
  expect(r.runtime).toEqual({ build: "threads", threads: THREADS });
  expect(r.warnings).toEqual([]);
  expect(problems).toEqual([]);
  const want = node.get(THREADS)!;
  expect(r.embedding === want.embedding, "embed(): the bits of Node's run at 2 threads").toBe(true);
  expect(r.run === want.run, "handle.run(): the bits of Node's run at 2 threads").toBe(true);
  expect(r.hnsw === want.hnsw, "knn hnsw: Node's neighbours").toBe(true);
}

/** The built .js files of a folder (and its subfolders), as text. */
function builtScripts(folder: string): string[] {
  const root = join(web, folder);
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(root, f), "utf8"));
}

/** hnswlib-wasm (its Emscripten chunk, about 880 KB, the wasm inside as a data: URL) is in exactly one file of the build, apart from the app's own. */
function expectHnswlibApart(folder: string): void {
  const scripts = builtScripts(folder);
  const hnswlib = scripts.filter((text) => text.includes("data:application/octet-stream;base64,"));
  expect(hnswlib, "one file holds hnswlib-wasm").toHaveLength(1);
  expect(hnswlib[0].includes("cneResult"), "hnswlib-wasm is not in the app's own bundle").toBe(false);
  expect(scripts.some((text) => text.includes("cneResult"))).toBe(true);
}

/** Serves a built folder with COOP/COEP and runs the app's page in it. */
async function servedBuild(folder: string, page = "index.html"): Promise<{ result: AppResult; problems: string[] }> {
  const server = await startServer({ isolated: true, dir: join(web, folder) });
  try {
    return await openApp(`${server.origin}/${page}`);
  } finally {
    await server.close();
  }
}

/** A bundler's build of src/main.js into `folder`, with the app's page loading it beside it (bundlers without HTML entries). */
function withPage(folder: string): void {
  writeFileSync(join(web, folder, "index.html"), appPage("./main.js"));
}

/** Starts a dev server (`args` get `--port`), waits until it answers, runs the app in it, and stops it. */
async function devServer(cmd: string, args: string[]): Promise<{ result: AppResult; problems: string[] }> {
  const port = await freePort();
  const server = startProcess(cmd, [...args, "--port", String(port)], { cwd: web, env: { ...process.env, PATH } });
  try {
    const origin = `http://localhost:${port}`;
    const deadline = Date.now() + 150000;
    for (;;) {
      const up = await fetch(`${origin}/`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
      if (up) break;
      const exited = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r(undefined), 500))]);
      if (exited !== undefined || Date.now() > deadline) throw new Error(`${cmd} did not start (${String(exited)}): ${server.output().stderr}\n${server.output().stdout}`);
    }
    return await openApp(`${origin}/`);
  } finally {
    await server.stop();
  }
}

beforeAll(async () => {
  cpSync(join(repo, "test/consumer/web"), web, { recursive: true });
  cpSync(join(repo, "test/runtimes/fixture.js"), join(web, "src/fixture.js"));
  // the bundlers (pinned in web/package.json) from the registry, and the packed package
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], 600000);
  for (const threads of [THREADS, 1]) node.set(threads, lastJson(await run(process.execPath, ["run.mjs", String(threads)])));
  browser = await launchChromium();
}, 900000);

afterAll(async () => {
  await browser?.close();
});

describe("a web app built with each bundler, in headless Chromium (COOP/COEP): 2 threads, Node's bits", () => {
  it("Node's run of the app: 2 threads on the threads build, 1 on the simd build, no warnings", () => {
    expect(node.get(THREADS)!.runtime).toEqual({ build: "threads", threads: THREADS });
    expect(node.get(1)!.runtime).toEqual({ build: "simd", threads: 1 });
    for (const r of node.values()) {
      expect(r.warnings).toEqual([]);
      expect(r.run, "embed() and a handle's run() agree").toBe(r.embedding);
      expect(Buffer.from(r.embedding, "base64").length).toBe(300 * 2 * 4);
      // 10 neighbours of each of the 300 rows, each another row
      const hnsw = new Int32Array(new Uint8Array(Buffer.from(r.hnsw, "base64")).buffer);
      expect(hnsw.length).toBe(300 * 10);
      hnsw.forEach((j, i) => expect(j >= 0 && j < 300 && j !== Math.floor(i / 10)).toBe(true));
    }
    expect(node.get(1)!.hnsw, "hnsw runs on one thread whatever was asked").toBe(node.get(THREADS)!.hnsw);
  });

  it("Vite: vite build (the worker is emitted as an asset of its own)", async () => {
    await run(tool("vite"), ["build", "--logLevel", "warn"]);
    expect(readdirSync(join(web, "dist-vite/assets")).filter((f) => /^worker-.*\.js$/.test(f))).toHaveLength(1);
    expectHnswlibApart("dist-vite");
    const { result, problems } = await servedBuild("dist-vite");
    expectThreaded(result, problems);
  });

  it("webpack 5: webpack --mode production", async () => {
    await run(tool("webpack"), ["--mode", "production"]);
    expectHnswlibApart("dist-webpack");
    const { result, problems } = await servedBuild("dist-webpack");
    expectThreaded(result, problems);
  });

  it("Rollup 4: rollup -c (node-resolve and import-meta-assets, which copies worker.js)", async () => {
    await run(tool("rollup"), ["-c", "--silent"]);
    expectHnswlibApart("dist-rollup");
    withPage("dist-rollup");
    const { result, problems } = await servedBuild("dist-rollup");
    expectThreaded(result, problems);
  });

  it("Parcel 2: parcel build index.html", async () => {
    await run(tool("parcel"), ["build", "index.html", "--dist-dir", "dist-parcel", "--no-cache", "--log-level", "warn"]);
    expectHnswlibApart("dist-parcel");
    const { result, problems } = await servedBuild("dist-parcel");
    expectThreaded(result, problems);
  });

  it("esbuild: bundle with --splitting, then copy the package's worker.js beside the bundle (esbuild does not follow new URL)", async () => {
    await run(tool("esbuild"), ["src/main.js", "--bundle", "--splitting", "--format=esm", "--outdir=dist-esbuild", "--log-level=warning"]);
    expectHnswlibApart("dist-esbuild");
    withPage("dist-esbuild");
    copyFileSync(join(web, "node_modules/cne-wasm/dist/threads/worker.js"), join(web, "dist-esbuild/worker.js"));
    const { result, problems } = await servedBuild("dist-esbuild");
    expectThreaded(result, problems);
  });

  it("Bun: bun build --target browser --splitting, then the same copy of worker.js", async () => {
    await run(repoBin("bun"), ["build", "src/main.js", "--outdir", "dist-bun", "--target", "browser", "--splitting"]);
    expectHnswlibApart("dist-bun");
    withPage("dist-bun");
    copyFileSync(join(web, "node_modules/cne-wasm/dist/threads/worker.js"), join(web, "dist-bun/worker.js"));
    const { result, problems } = await servedBuild("dist-bun");
    expectThreaded(result, problems);
  });

  it("a build without the worker (esbuild, no copy, no --splitting: hnswlib-wasm inside the one bundle): 1 thread, and every fit says why, once", async () => {
    await run(tool("esbuild"), ["src/main.js", "--bundle", "--format=esm", "--outdir=dist-no-worker", "--log-level=warning"]);
    withPage("dist-no-worker");
    expect(existsSync(join(web, "dist-no-worker/worker.js"))).toBe(false);
    expect(builtScripts("dist-no-worker")).toHaveLength(1);
    const { result } = await servedBuild("dist-no-worker");
    const why = /^threads: 2 asked for, but the compute worker failed to start: its module .* could not be loaded; running the single-thread build on 1 thread$/;
    expect(result.runtime?.build).toBe("simd");
    expect(result.runtime?.threads).toBe(1);
    expect(result.runtime?.fallback).toMatch(why);
    // one warning from embed() and one from the handle's fit
    expect(result.warnings).toEqual([result.runtime!.fallback, result.runtime!.fallback]);
    expect(result.embedding === node.get(1)!.embedding, "the bits of Node's 1-thread run").toBe(true);
    expect(result.hnsw === node.get(1)!.hnsw, "knn hnsw: Node's neighbours").toBe(true);
  });

  it("Vite's dev server (vite, optimizeDeps.exclude of the package)", async () => {
    const { result, problems } = await devServer(tool("vite"), ["--strictPort", "--logLevel", "warn"]);
    expectThreaded(result, problems);
  });

  it("webpack's dev server (webpack serve --mode development)", async () => {
    const { result, problems } = await devServer(tool("webpack"), ["serve", "--mode", "development", "--no-client-overlay"]);
    // the dev server's client relays the build's warnings to the console: none are expected
    expectThreaded(result, problems);
  });
});

describe("the same app outside the browser", () => {
  it("Deno importing npm:cne-wasm (resolved in the app's node_modules): 2 threads, Node's bits", async () => {
    const r = lastJson(await run(repoBin("deno"), ["run", "--allow-read", "deno-npm.mjs", String(THREADS)]));
    expectThreaded(r);
  });

  it("Bun: 2 threads, Node's bits", async () => {
    const r = lastJson(await run(repoBin("bun"), ["run.mjs", String(THREADS)]));
    expectThreaded(r);
  });
});
