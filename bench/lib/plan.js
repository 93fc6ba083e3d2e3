// What a benchmark invocation runs: rows of (tool, configuration, data, size, runtime). Row ids are stable,
// so the results of different invocations merge into one table.

export const MAIN_N = { full: 70000, quick: 10000 };
export const SCALING = [
  { dataset: "fashion-mnist", n: 10000 },
  { dataset: "fashion-mnist", n: 20000 },
  { dataset: "fashion-mnist", n: 35000 },
  { dataset: "fashion-mnist", n: 70000 },
  { dataset: "gaussians-250k", n: 250000 },
];
/** The scale suite: the same synthetic kind at 70k and 1M, for the optimiser's cost per edge per epoch. */
export const SCALE = [
  { dataset: "mixture-1m", n: 70000 },
  { dataset: "mixture-1m", n: 1000000 },
];
export const UMAP_JS_HEAP_MB = 8192;

/** The configurations, by name: tool, options, a label for the table. */
export const CONFIGS = {
  default: { tool: "cne-wasm", options: {}, label: "cne-wasm, defaults (neg, s = 0), all threads" },
  quality: { tool: "cne-wasm", options: { negativeSamples: 100, nEpochs: 100 }, label: "cne-wasm, quality set: 100 negatives, 100 epochs" },
  "threads-1": { tool: "cne-wasm", options: { threads: 1 }, label: "cne-wasm, 1 thread (simd build)" },
  "s-1": { tool: "cne-wasm", options: { s: 1 }, label: "cne-wasm, neg at s = 1 (the UMAP point, Z̄ = n(n − 1)/5)" },
  paper: { tool: "cne-wasm", options: { nEpochs: 750, batchSize: 1024, learningRate: 1 }, label: "cne-wasm, the paper's schedule (750 epochs, batch 1024, rate 1)" },
  "embedding-atlas": { tool: "embedding-atlas", options: {}, label: "Embedding Atlas UMAP 0.26.0 (Rust→WASM SIMD, 1 thread)" },
  "umap-learn": { tool: "umap-learn", options: {}, label: "umap-learn 0.5.3 (Python/numba, Debian, all threads, unseeded)" },
  "umap-js": { tool: "umap-js", options: {}, label: `umap-js 1.4.0 (JS, heap limit ${UMAP_JS_HEAP_MB / 1024} GB)`, heapMB: UMAP_JS_HEAP_MB },
};
export const MAIN_CONFIGS = ["default", "quality", "threads-1", "s-1", "paper", "embedding-atlas", "umap-learn", "umap-js"];

export function rowId(config, dataset, n, runtime) {
  return `${config}:${dataset}:${n}:${runtime}`;
}

function row(suite, config, dataset, n, runtime) {
  const c = CONFIGS[config];
  return { id: rowId(config, dataset, n, runtime), suite, config, label: c.label, tool: c.tool, options: c.options, heapMB: c.heapMB, dataset, n, runtime };
}

/** Rows for the chosen suites and configurations, without duplicates (a scaling row may be a main row). */
export function planRows({ quick, suites, configs, n: chosenN }) {
  const n = chosenN ?? (quick ? MAIN_N.quick : MAIN_N.full);
  const rows = [];
  const wantConfig = (c) => !configs || configs.includes(c);
  if (suites.includes("main")) for (const c of MAIN_CONFIGS) if (wantConfig(c)) rows.push(row("main", c, "fashion-mnist", n, "node"));
  if (suites.includes("scaling") && wantConfig("default")) {
    for (const s of SCALING) if (!quick || s.n <= 20000) rows.push(row("scaling", "default", s.dataset, s.n, "node"));
  }
  if (suites.includes("scale") && wantConfig("default")) for (const s of SCALE) rows.push(row("scale", "default", s.dataset, s.n, "node"));
  if (suites.includes("runtimes") && wantConfig("default")) {
    for (const runtime of ["deno", "bun", "chromium"]) rows.push(row("runtimes", "default", "fashion-mnist", n, runtime));
  }
  const seen = new Set();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
}
