#!/usr/bin/env node
// The embedding benchmark: cne-wasm and its peers on Fashion-MNIST, each run in a fresh process, several
// repeats, medians; quality scored with the library's own metrics; results written to bench/RESULTS.md.
//
//   npm run bench                      all suites at 70,000 (main, scaling, runtimes), 3 runs each
//   npm run bench:quick                the first 10,000 images, 2 runs each
//   node bench/run.js --configs embedding-atlas,umap-js --repeats 1      selected rows only
//   node bench/run.js --render         rewrite RESULTS.md from the stored results, run nothing
//
// Options: --quick, --n N (main and runtimes suites at the first N images), --suites main,scaling,scale,runtimes, --configs <names>, --repeats N, --time-limit SECONDS,
// --rescore (score the stored embeddings again), --render, --forget <text> (drop stored rows whose id
// contains it, e.g. "fashion-mnist:2000:"; then re-render).

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runChild } from "./lib/child.js";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { ROOT_DIR } from "./lib/paths.js";
import { CONFIGS, planRows } from "./lib/plan.js";
import { ensureBenchPackages } from "./lib/setup.js";
import { ensureDistanceSample, ensureReference } from "./lib/reference.js";
import { forgetRows, loadStore, renderSection, saveStore, writeSection } from "./lib/report.js";
import { runInBrowser } from "./lib/browser.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    n: { type: "string" },
    suites: { type: "string" },
    configs: { type: "string" },
    repeats: { type: "string" },
    "time-limit": { type: "string" },
    rescore: { type: "boolean", default: false },
    render: { type: "boolean", default: false },
    forget: { type: "string" },
  },
});
const log = (...m) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...m);
const suites = (args.suites ?? "main,scaling,scale,runtimes").split(",");
const configs = args.configs?.split(",");
for (const c of configs ?? []) if (!CONFIGS[c]) throw new Error(`unknown config ${c}; known: ${Object.keys(CONFIGS).join(", ")}`);
const repeats = Number(args.repeats ?? (args.quick ? 2 : 3));
const timeLimit = Number(args["time-limit"] ?? 900);
const commands = ["npm run bench", "npm run bench:quick", "node bench/run.js --configs <names> --repeats N"];

/** Installs what the harness needs that a clean clone lacks: bench's own packages and the built library. */
function ensureSetup() {
  ensureBenchPackages(log);
  try {
    execFileSync("/usr/bin/python3", ["-c", "import umap"], { stdio: "ignore" });
  } catch {
    // umap-learn is a peer of the benchmark only: Debian's package, never a dependency of the library
    log("installing umap-learn (apt-get install -y umap-learn)");
    try {
      execFileSync("apt-get", ["install", "-y", "umap-learn"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    } catch {
      log("could not install umap-learn: its rows will say not available");
    }
  }
  if (!existsSync(join(ROOT_DIR, "dist", "index.js"))) {
    log("building the library (npm run build)");
    execFileSync("npm", ["run", "build"], { stdio: "inherit", cwd: ROOT_DIR });
  }
}

const dataCache = new Map();
function data(dataset, n) {
  const key = `${dataset}:${n}`;
  if (!dataCache.has(key)) {
    dataCache.clear(); // one data set in memory at a time
    dataCache.set(key, loadDataset(dataset, n));
  }
  return dataCache.get(key);
}

function readEmbedding(path) {
  const bytes = readFileSync(path);
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** recall@15, 10-NN accuracy, Spearman and scale of a row's first successful embedding (Fashion-MNIST only). */
async function score(lib, entry) {
  const run = entry.runs.find((r) => r.ok && r.embeddingPath && existsSync(r.embeddingPath));
  if (!run || entry.dataset !== "fashion-mnist") return null;
  const d = data(entry.dataset, entry.n);
  const reference = await ensureReference(lib, entry.dataset, d, log);
  const highSample = ensureDistanceSample(lib, entry.dataset, d, log);
  const embedding = readEmbedding(run.embeddingPath);
  const outDim = run.outDim ?? 2;
  const t = performance.now();
  const quality = await lib.embeddingQuality(embedding, outDim, { highIndices: reference.indices, recallK: 15, labels: d.labels, accuracyK: 10, highSample });
  let sum = 0;
  let sumSq = 0;
  for (const v of embedding) {
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / embedding.length;
  quality.scale = Math.sqrt(Math.max(0, sumSq / embedding.length - mean * mean));
  quality.nonFinite = run.nonFinite;
  quality.reference = reference.meta.space;
  log(`  scored in ${((performance.now() - t) / 1000).toFixed(1)} s:`, JSON.stringify(quality));
  return quality;
}

async function runRow(row, store) {
  ensureDataset(row.dataset, log);
  const entry = { ...row, runs: [], timeLimit, measuredAt: new Date().toISOString() };
  for (let r = 0; r < repeats; r++) {
    log(`${row.id} run ${r + 1}/${repeats}: ${row.label}`);
    const spec = { tool: row.tool, dataset: row.dataset, n: row.n, seed: 0, options: row.options };
    const id = `${row.id.replace(/:/g, "_")}_r${r}`;
    const report = row.runtime === "chromium"
      ? await runInBrowser({ spec, id, timeLimit, log })
      : await runChild({ runtime: row.runtime, spec, timeLimit, heapMB: row.heapMB, id });
    entry.runs.push(report);
    log(report.ok
      ? `  ${report.seconds.toFixed(2)} s, peak RSS ${Math.round(report.peakRssMB)} MB, phases ${JSON.stringify(Object.fromEntries(Object.entries(report.phases).map(([k, v]) => [k, +v.toFixed(2)])))}`
      : `  failed: ${report.error}`);
    store.rows[row.id] = entry;
    saveStore(store, [row.id]);
    if (!report.ok) break; // a failure (out of memory, time limit, not available) would only repeat
  }
  return entry;
}

async function main() {
  ensureSetup();
  if (args.forget) log(`forgot ${forgetRows(args.forget).join(", ") || "nothing"}`);
  const machine = machineInfo();
  const store = loadStore();
  store.machine = machine;
  const lib = await import(join(ROOT_DIR, "dist", "index.js"));
  if (!args.render && !args.rescore && !args.forget) {
    const rows = planRows({ quick: args.quick, suites, configs, n: args.n ? Number(args.n) : undefined });
    log(`${rows.length} rows × up to ${repeats} runs, time limit ${timeLimit} s per run, machine: ${machine.cpu}, ${machine.cores} cores`);
    for (const row of rows) {
      const entry = await runRow(row, store);
      entry.quality = await score(lib, entry);
      store.rows[row.id] = entry;
      saveStore(store, [row.id]);
      writeSection(renderSection(store, machine, commands));
    }
  }
  if (args.rescore) {
    for (const entry of Object.values(store.rows)) entry.quality = (await score(lib, entry)) ?? entry.quality;
    saveStore(store, Object.keys(store.rows));
  }
  writeSection(renderSection(store, machine, commands));
  log("wrote bench/RESULTS.md");
  process.exit(0); // the library's worker threads (if any) must not keep the process alive
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
