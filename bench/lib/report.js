// The measured rows: kept in bench/.cache/results.json (merged across invocations by row id) and rendered
// into bench/RESULTS.md between the embedding-benchmark markers, leaving the rest of the file alone.

import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, CACHE_DIR } from "./paths.js";
import { CONFIGS, rowId, SCALE, SCALING } from "./plan.js";
import { DATASETS } from "./data.js";

const STORE = join(CACHE_DIR, "results.json");
export const RESULTS_MD = join(BENCH_DIR, "RESULTS.md");
const BEGIN = "<!-- embed:begin -->";
const END = "<!-- embed:end -->";

export function loadStore() {
  return existsSync(STORE) ? JSON.parse(readFileSync(STORE, "utf8")) : { rows: {} };
}

/**
 * Writes the rows `ids` of `store` into the stored results, keeping rows that another invocation wrote in the
 * meantime, and refreshes `store` with them.
 */
export function saveStore(store, ids) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const disk = loadStore();
  for (const id of ids) disk.rows[id] = store.rows[id];
  disk.machine = store.machine ?? disk.machine;
  store.rows = disk.rows;
  writeFileSync(STORE, JSON.stringify(disk, null, 2));
}

/** Deletes the stored rows whose id contains `pattern`; returns their ids. */
export function forgetRows(pattern) {
  const disk = loadStore();
  const gone = Object.keys(disk.rows).filter((id) => id.includes(pattern));
  for (const id of gone) delete disk.rows[id];
  writeFileSync(STORE, JSON.stringify(disk, null, 2));
  return gone;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Phases of a run folded into the table's columns. */
function columns(run) {
  const p = run.phases ?? {};
  // a phase the tool does not have (or does not report) stays undefined and prints as "–"
  const col = { pca: undefined, knn: undefined, graph: undefined, init: undefined, optimize: undefined, other: undefined };
  const add = (key, seconds) => (col[key] = (col[key] ?? 0) + seconds);
  for (const [name, seconds] of Object.entries(p)) {
    if (name in col) add(name, seconds);
    else if (name === "early-exaggeration") add("optimize", seconds);
    else add("other", seconds);
  }
  return col;
}

/** Median per column over the successful runs of a row. */
export function summarise(entry) {
  const ok = entry.runs.filter((r) => r.ok);
  if (ok.length === 0) return null;
  const cols = ok.map(columns);
  const out = { seconds: median(ok.map((r) => r.seconds)), peakRssMB: median(ok.map((r) => r.peakRssMB ?? NaN)), runs: ok.length };
  for (const k of Object.keys(cols[0])) out[k] = cols[0][k] === undefined ? undefined : median(cols.map((c) => c[k] ?? 0));
  return out;
}

const fmt = (x, digits = 1) => (x === undefined || x === null || Number.isNaN(x) ? "–" : x < 10 && digits === 1 ? x.toFixed(2) : x.toFixed(digits));
const q3 = (x) => (x === undefined || x === null || Number.isNaN(x) ? "–" : x.toFixed(3));
const mb = (x) => (x ? `${Math.round(x)}` : "–");
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "–");
const day = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "–");

function failure(entry) {
  const bad = entry.runs.find((r) => !r.ok);
  if (!bad) return "failed";
  if (bad.unavailable) return `not available (${bad.error.split("\n")[0].replace(/^Error: /, "")})`;
  const after = bad.wallSeconds ? ` after ${Math.round(bad.wallSeconds)} s` : "";
  const rss = bad.peakRssMB ? `, peak RSS ${Math.round(bad.peakRssMB)} MB` : "";
  return `**failed**: ${bad.error.split("\n")[0].replace(/\|/g, "/")}${after}${rss}`;
}

function loadRange(entry) {
  const loads = entry.runs.flatMap((r) => [r.loadBefore, r.loadAfter]).filter((x) => typeof x === "number");
  return loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : "–";
}

function mainTable(store, n) {
  const lines = [
    `| tool | total s | PCA | kNN | graph | init | optimise | other | peak RSS MB | recall@15 | 10-NN acc | Spearman | scale | ours/peer time | ours/peer RSS | runs | load avg | measured |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  const ours = store.rows[rowId("default", "fashion-mnist", n, "node")];
  const oursSummary = ours ? summarise(ours) : null;
  let any = false;
  if (!ours) lines.push(`| ${CONFIGS.default.label} | not measured yet (\`node bench/run.js --configs default\`) | | | | | | | | | | | | | | | | |`);
  for (const config of Object.keys(CONFIGS)) {
    const entry = store.rows[rowId(config, "fashion-mnist", n, "node")];
    if (!entry) continue;
    any = true;
    const s = summarise(entry);
    const q = entry.quality ?? {};
    const peer = CONFIGS[config].tool !== "cne-wasm";
    if (!s) {
      lines.push(`| ${CONFIGS[config].label} | ${failure(entry)} | | | | | | | | | | | | | | ${entry.runs.length} | ${loadRange(entry)} | ${day(entry.measuredAt)} |`);
      continue;
    }
    lines.push(
      `| ${CONFIGS[config].label} | ${fmt(s.seconds)} | ${fmt(s.pca)} | ${fmt(s.knn)} | ${fmt(s.graph)} | ${fmt(s.init)} | ${fmt(s.optimize)} | ${fmt(s.other)} | ${mb(s.peakRssMB)} | ${q3(q.recall)} | ${q3(q.accuracy)} | ${q3(q.distanceCorrelation)} | ${fmt(q.scale)} | ${peer ? ratio(oursSummary?.seconds, s.seconds) : ""} | ${peer ? ratio(oursSummary?.peakRssMB, s.peakRssMB) : ""} | ${s.runs} | ${loadRange(entry)} | ${day(entry.measuredAt)} |`,
    );
  }
  return any ? lines.join("\n") : null;
}

/** Nanoseconds per pair update of our optimiser rows: optimise seconds / (edges × (1 + m) × epochs). */
function pairCosts(store, n) {
  const parts = [];
  for (const config of Object.keys(CONFIGS)) {
    const entry = store.rows[rowId(config, "fashion-mnist", n, "node")];
    if (!entry || CONFIGS[config].tool !== "cne-wasm") continue;
    const s = summarise(entry);
    const run = entry.runs.find((r) => r.ok && r.edges && r.epochs);
    if (!s || !run || !s.optimize) continue;
    const updates = run.edges * run.pairsPerEdge * run.epochs;
    parts.push(`${CONFIGS[config].label}: ${(run.edges / 1e6).toFixed(2)}M directed edges × ${run.pairsPerEdge} pairs × ${run.epochs} epochs in ${s.optimize.toFixed(1)} s = **${((s.optimize * 1e9) / updates).toFixed(1)} ns per pair update** (wall)`);
  }
  return parts.length ? `Optimiser cost: ${parts.join("; ")}.` : null;
}

function scalingTable(store) {
  const lines = [
    `| data | n | total s | PCA | kNN | graph | init | optimise | other | peak RSS MB | s per 10k points | ns per edge per epoch | runs | load avg | measured |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  let any = false;
  for (const { dataset, n } of [...SCALING, ...SCALE]) {
    const entry = store.rows[rowId("default", dataset, n, "node")];
    if (!entry) continue;
    any = true;
    const s = summarise(entry);
    const name = dataset === "fashion-mnist" ? "Fashion-MNIST (784-d)" : dataset === "mixture-1m" ? `${DATASETS[dataset].describe.replace(/, 1,000,000 points/, "")}, first ${n.toLocaleString("en")}` : DATASETS[dataset].describe;
    // optimiser wall time per directed edge and epoch (all 1 + m pairs of an edge): flat in n when the cost is linear
    const run = entry.runs.find((r) => r.ok && r.edges && r.epochs);
    const perEdge = s && run && s.optimize ? fmt((s.optimize * 1e9) / (run.edges * run.epochs), 0) : "–";
    if (!s) lines.push(`| ${name} | ${n} | ${failure(entry)} | | | | | | | | | | ${entry.runs.length} | ${loadRange(entry)} | ${day(entry.measuredAt)} |`);
    else lines.push(`| ${name} | ${n} | ${fmt(s.seconds)} | ${fmt(s.pca)} | ${fmt(s.knn)} | ${fmt(s.graph)} | ${fmt(s.init)} | ${fmt(s.optimize)} | ${fmt(s.other)} | ${mb(s.peakRssMB)} | ${fmt((s.seconds / n) * 10000, 2)} | ${perEdge} | ${s.runs} | ${loadRange(entry)} | ${day(entry.measuredAt)} |`);
  }
  return any ? lines.join("\n") : null;
}

function runtimesTable(store, n) {
  const lines = [
    `| runtime | build, threads | total s | PCA | kNN | graph | init | optimise | other | peak RSS MB | recall@15 | 10-NN acc | runs | measured |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  let any = false;
  for (const runtime of ["node", "deno", "bun", "chromium"]) {
    const entry = store.rows[rowId("default", "fashion-mnist", n, runtime)];
    if (!entry) continue;
    any = true;
    const s = summarise(entry);
    const first = entry.runs.find((r) => r.ok) ?? entry.runs[0];
    const version = first?.runtime ? `${first.runtime.name} ${first.runtime.version}` : runtime;
    const core = first?.core ? `${first.core.build}, ${first.core.threads}` : "–";
    const q = entry.quality ?? {};
    if (!s) lines.push(`| ${version} | ${core} | ${failure(entry)} | | | | | | | | | | ${entry.runs.length} | ${day(entry.measuredAt)} |`);
    else lines.push(`| ${version} | ${core} | ${fmt(s.seconds)} | ${fmt(s.pca)} | ${fmt(s.knn)} | ${fmt(s.graph)} | ${fmt(s.init)} | ${fmt(s.optimize)} | ${fmt(s.other)} | ${mb(s.peakRssMB)} | ${q3(q.recall)} | ${q3(q.accuracy)} | ${s.runs} | ${day(entry.measuredAt)} |`);
  }
  return any && lines.length > 3 ? lines.join("\n") : null;
}

/** The whole section, from the store and the machine. */
export function renderSection(store, machine, commands) {
  const out = [];
  out.push("## Embedding benchmark: cne-wasm against its peers");
  out.push("");
  out.push(`Written ${day(new Date().toISOString())} UTC by \`bench/run.js\`. Each row was measured on the date in its last column.`);
  out.push("");
  out.push(`**Machine**: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB memory, ${machine.os ?? "unknown OS"}; Node ${machine.node}` +
    `${machine.deno ? `, ${machine.deno.replace(/ \(.*/, "")}` : ""}${machine.bun ? `, bun ${machine.bun}` : ""}${machine.chromium ? `, ${machine.chromium.replace(/ built.*/, "")}` : ""}.`);
  out.push("");
  out.push(`**Commands**: ${commands.map((c) => `\`${c}\``).join(", ")}.`);
  out.push("");
  out.push(
    "**Method**: every run is a fresh process (`bench/lib/runner.js`) that loads the data, then times one call from a " +
      "Float32Array in to the 2-D embedding out (runtime start-up and data loading excluded); the median over the runs is " +
      "shown. Phases: ours from its progress stages (optimise = early exaggeration + main phase; other = validation, " +
      "copies and anything before the first progress call); Embedding Atlas from its progress stages (NN-descent = kNN, " +
      "fuzzy graph, spectral init, layout); umap-js by timing the methods its `initializeFit` calls (other = building the " +
      "number[][] input it needs). Peak RSS is the child's VmHWM. Quality is scored on the first run's embedding " +
      "(every tool is seeded, so repeats give the same layout): recall@15 against exact 15-NN in the PCA-50 space " +
      "(exact PCA, the library's exact `knn`, cached), leave-one-out 10-NN accuracy with the 10 classes, Spearman " +
      "correlation of pairwise distances (raw pixels vs embedding) on a 5000-point sample, and scale = the embedding's " +
      "standard deviation per axis. Ratios are ours (defaults row) over the peer: below 1 means ours is faster or smaller. " +
      "The load average column is the 1-minute load before and after each run: the machine's 2 cores were shared with " +
      "other work while measuring, so treat times as upper bounds and compare rows measured at similar load. " +
      "Each run has a time limit (900 s unless `--time-limit` says otherwise); a run that fails is shown with its " +
      "reason and is not repeated.",
  );
  const mainSizes = [...new Set(Object.values(store.rows).filter((e) => e.suite === "main").map((e) => e.n))].sort((a, b) => b - a);
  for (const n of mainSizes) {
    const title = n === 70000 ? "Fashion-MNIST 70,000 × 784 → 2-D (Node)" : `Fashion-MNIST, first ${n.toLocaleString("en")} images → 2-D (Node${n === 10000 ? ", quick mode" : ""})`;
    const table = mainTable(store, n);
    if (table) out.push("", `### ${title}`, "", table);
    const pairs = pairCosts(store, n);
    if (pairs) out.push("", pairs);
  }
  const scaling = scalingTable(store);
  if (scaling) out.push("", "### Scaling: cne-wasm defaults by size (Node)", "", scaling, "", "The synthetic set is timed only (no quality scores).");
  for (const n of mainSizes) {
    const rt = runtimesTable(store, n);
    if (rt) out.push("", `### Runtimes: cne-wasm defaults, Fashion-MNIST ${n.toLocaleString("en")}`, "", rt);
  }
  return out.join("\n");
}

/** Replaces the text between the markers (appending the markers if the file has none). */
export function writeSection(text) {
  const block = `${BEGIN}\n${text}\n${END}`;
  let md = existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, "utf8") : "# Benchmark results\n";
  const begin = md.indexOf(BEGIN);
  const end = md.indexOf(END);
  if (begin >= 0 && end > begin) md = md.slice(0, begin) + block + md.slice(end + END.length);
  else md = `${md.replace(/\s*$/, "")}\n\n${block}\n`;
  writeFileSync(RESULTS_MD, md);
}
