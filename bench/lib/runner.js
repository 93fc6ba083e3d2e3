// One benchmark run in a fresh process: `<runtime> bench/lib/runner.js <spec.json>`. Loads the data, runs one
// tool once, and writes the embedding (<out>.f32) and a report (<out>.json): wall time per phase, peak RSS,
// runtime. The same file runs under Node, Deno and Bun (node: built-ins only).

import { readFileSync, writeFileSync } from "node:fs";
import { loadDataset } from "./data.js";
import { PhaseClock } from "./clock.js";

const TOOLS = {
  "cne-wasm": "./cne.js",
  "embedding-atlas": "../peers/embedding-atlas.js",
  "umap-js": "../peers/umap-js.js",
  "umap-learn": "../peers/umap-learn.js",
};

function runtimeInfo() {
  if (globalThis.Deno) return { name: "deno", version: globalThis.Deno.version.deno };
  if (process.versions.bun) return { name: "bun", version: process.versions.bun };
  return { name: "node", version: process.versions.node };
}

/** Peak resident set of this process in MB: VmHWM from /proc (Linux, every runtime), else resourceUsage. */
function peakRssMB() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = Number(/VmHWM:\s+(\d+)\s*kB/.exec(status)?.[1]);
    if (kb > 0) return kb / 1024;
  } catch {
    // not Linux
  }
  try {
    return process.resourceUsage().maxRSS / 1024;
  } catch {
    return null;
  }
}

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const report = { tool: spec.tool, dataset: spec.dataset, n: spec.n, runtime: runtimeInfo(), options: spec.options };
let status = 0;
try {
  const adapter = await import(TOOLS[spec.tool]);
  let t = performance.now();
  const data = loadDataset(spec.dataset, spec.n);
  report.loadSeconds = (performance.now() - t) / 1000;
  report.dim = data.dim;
  const clock = new PhaseClock();
  const { embedding, outDim, info } = await adapter.run(data, spec, clock);
  Object.assign(report, clock.finish(), info ?? {});
  if (info?.childPhases) {
    // a peer in a child process: its fit is the optimise column, the rest (start-up, imports, copies) setup
    report.phases = { setup: report.seconds - info.childPhases.fit, optimize: info.childPhases.fit };
  }
  if (embedding.length !== data.n * outDim) throw new Error(`embedding has ${embedding.length} values, expected ${data.n} × ${outDim}`);
  let nonFinite = 0;
  for (let i = 0; i < embedding.length; i++) if (!Number.isFinite(embedding[i])) nonFinite++;
  report.nonFinite = nonFinite;
  report.outDim = outDim;
  writeFileSync(`${spec.out}.f32`, new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength));
  report.ok = true;
} catch (e) {
  report.ok = false;
  report.unavailable = e?.code === "UNAVAILABLE";
  report.error = String(e?.stack ?? e).split("\n").slice(0, 6).join("\n");
  status = 1;
}
report.peakRssMB = Math.max(peakRssMB() ?? 0, report.childPeakRssMB ?? 0) || null;
writeFileSync(`${spec.out}.json`, JSON.stringify(report, null, 2));
process.exit(status);
