// t-SNE (loss "tsne") on Fashion-MNIST end to end, side by side in the same run with native FIt-SNE 1.2.1
// (C++, FFTW; built as /work/shared/peers/README.md says, given PCA-50 scores of the same data, as its README
// runs it): time, phase split, ms per iteration against the layout's extent, recall@15 (against exact 15-NN in
// the PCA-50 space, bench/lib/reference.js) and leave-one-out 10-NN accuracy. The machine's load is printed
// before and after each tool.
//   node bench/tsne.js [--n 70000] [--threads 2] [--fitsne DIR] [--no-fitsne] [--runs 1] [--nodes P]
//     [--intervals-per-unit U] [--max-intervals B] [--synthetic NxD]
// --synthetic NxD (e.g. 250000x50, 1000000x50) runs on a generated mixture instead of Fashion-MNIST: n points in
// D dimensions, 20 clusters of intrinsic dimension 5 with a little isotropic noise (bench/lib/data.js
// lowDimensionalMixture, seed 7: the first rows of the mixture-1m set at D = 50), given to both tools as they are
// (no PCA). Its timings (total, phase split, ms per iteration against the extent) are what it is for: recall and
// accuracy are not measured on it (an exact kNN reference of 10^6 points is out of reach), only the KL divergence.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureDataset, loadDataset, lowDimensionalMixture } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { CACHE_DIR, BENCH_DIR, ROOT_DIR } from "./lib/paths.js";
import { ensureReference } from "./lib/reference.js";

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const synthetic = flag("synthetic");
const syntheticShape = synthetic && /^(\d+)x(\d+)$/.exec(synthetic);
if (synthetic && !syntheticShape) throw new Error(`--synthetic takes NxD, e.g. 250000x50; got ${synthetic}`);
const n = syntheticShape ? Number(syntheticShape[1]) : Number(flag("n", 70000));
const threads = Number(flag("threads", 2));
const runs = Number(flag("runs", 1));
const fitsneDir = flag("fitsne", "/tmp/fitsne");
const withFitsne = !argv.includes("--no-fitsne");
const seed = 42;

const lib = await import(pathToFileURL(join(ROOT_DIR, "dist/index.js")).href);
// the interpolation grid's settings, to measure others than the library's (bindings/tsne/optimizer.ts)
const { tsneTuning } = await import(pathToFileURL(join(ROOT_DIR, "dist/tsne/optimizer.js")).href);
if (flag("nodes")) tsneTuning.grid.nodesPerInterval = Number(flag("nodes"));
if (flag("intervals-per-unit")) tsneTuning.grid.intervalsPerUnit = Number(flag("intervals-per-unit"));
if (flag("max-intervals")) tsneTuning.grid.maxIntervals = Number(flag("max-intervals"));
let data, reference;
if (syntheticShape) {
  const dim = Number(syntheticShape[2]);
  data = { ...lowDimensionalMixture(n, dim), n, dim };
} else {
  ensureDataset("fashion-mnist");
  data = loadDataset("fashion-mnist", n);
  reference = await ensureReference(lib, "fashion-mnist", data);
}
const dataName = syntheticShape ? `synthetic mixture ${n}x${data.dim}` : `Fashion-MNIST ${n}`;
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");

async function quality(y) {
  if (!reference) return {};
  const q = await lib.embeddingQuality(y, 2, { highIndices: reference.indices, labels: data.labels, threads });
  return { recall: q.recall, accuracy: q.accuracy };
}

function extentOf(y) {
  let lo0 = Infinity, hi0 = -Infinity, lo1 = Infinity, hi1 = -Infinity;
  for (let i = 0; i < y.length; i += 2) {
    lo0 = Math.min(lo0, y[i]); hi0 = Math.max(hi0, y[i]);
    lo1 = Math.min(lo1, y[i + 1]); hi1 = Math.max(hi1, y[i + 1]);
  }
  return Math.max(hi0 - lo0, hi1 - lo1);
}

async function runOurs() {
  const loadBefore = load();
  const first = {}, last = {};
  const segments = [];
  let mark = null;
  const buffer = new Float32Array(2 * n);
  const start = performance.now();
  const e = lib.createEmbedding(data.values, { n, dim: data.dim, loss: "tsne", threads, seed });
  await e.run({
    onProgress: (_f, stage, detail) => {
      const t = performance.now();
      first[stage] ??= t;
      last[stage] = t;
      if (stage !== "early-exaggeration" && stage !== "optimize") return;
      if (mark === null || mark.stage !== stage) mark = { stage, t: first[stage], iteration: 0 };
      if (detail) {
        segments.push({
          stage, iteration: detail.iteration, kl: detail.klDivergence, extent: extentOf(e.embeddingInto(buffer)),
          msPerIteration: (t - mark.t) / (detail.iteration - mark.iteration),
        });
        mark = { stage, t, iteration: detail.iteration };
      }
    },
  });
  const seconds = (performance.now() - start) / 1000;
  const y = e.embedding;
  const kl = e.klDivergence;
  e.destroy();
  const stages = Object.fromEntries(Object.keys(first).map((s) => [s, (last[s] - first[s]) / 1000]));
  return { tool: "cne-wasm tsne", seconds, stages, segments, kl, ...(await quality(y)), extent: extentOf(y), loadBefore, loadAfter: load() };
}

async function runFitsne() {
  mkdirSync(CACHE_DIR, { recursive: true });
  const tag = syntheticShape ? `synthetic-${n}x${data.dim}` : `${n}`;
  const input = join(CACHE_DIR, `fitsne-input-${tag}.f32`), output = join(CACHE_DIR, `fitsne-output-${tag}.f32`);
  // FIt-SNE's README runs it on PCA-50 scores; the library's PCA gives them (not timed as FIt-SNE's); data of
  // at most 50 columns (the synthetic mixture) goes as it is, as it does to ours
  const columns = Math.min(50, data.dim);
  const scores = data.dim > 50 ? await lib.pca(data.values, { n, dim: data.dim, nComponents: 50, seed: 0, threads }) : data.values;
  writeFileSync(input, new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength));
  const loadBefore = load();
  const start = performance.now();
  const out = execFileSync("python3", [join(BENCH_DIR, "peers", "fitsne.py"), fitsneDir, input, String(n), String(columns), output, String(threads), String(seed)], {
    encoding: "utf8", maxBuffer: 1 << 26, cwd: CACHE_DIR,
  });
  const seconds = (performance.now() - start) / 1000;
  const bytes = readFileSync(output);
  const y = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
  // its own progress: "Iteration 50 (50 iterations in 1.23 seconds), cost 5.4"
  const segments = [...out.matchAll(/Iteration (\d+) \((\d+) iterations in ([\d.]+) seconds\), cost ([\d.]+)/g)].map((m) => ({
    iteration: Number(m[1]), msPerIteration: (1000 * Number(m[3])) / Number(m[2]), kl: Number(m[4]),
  }));
  const iterationSeconds = segments.reduce((s, g) => s + (g.msPerIteration * 50) / 1000, 0);
  return {
    tool: "FIt-SNE 1.2.1 (native)", seconds, stages: { iterations: iterationSeconds, "before iterations": seconds - iterationSeconds },
    segments, kl: segments.at(-1)?.kl, ...(await quality(y)), extent: extentOf(y), loadBefore, loadAfter: load(),
  };
}

const results = [];
console.log(JSON.stringify({ machine: machineInfo(), data: dataName, n, threads, grid: tsneTuning.grid, load: load() }));
for (let r = 0; r < runs; r++) {
  // alternate the order so that a drift of the machine's load hits both
  const order = r % 2 === 0 ? ["ours", "fitsne"] : ["fitsne", "ours"];
  for (const tool of order) {
    if (tool === "fitsne" && !withFitsne) continue;
    const result = tool === "ours" ? await runOurs() : await runFitsne();
    results.push({ run: r, ...result });
    console.log(JSON.stringify({ run: r, ...result }));
  }
}

const f = (v, d = 2) => (v === undefined ? "" : v.toFixed(d));
console.log(`\n${dataName}, ${threads} threads`);
console.log("| tool | total s | phases (s) | recall@15 | 10-NN acc | KL | extent | load before → after |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const phases = Object.entries(r.stages).map(([s, v]) => `${s} ${f(v, 1)}`).join(", ");
  console.log(`| ${r.tool} | ${f(r.seconds, 1)} | ${phases} | ${f(r.recall, 3)} | ${f(r.accuracy, 3)} | ${f(r.kl, 3)} | ${f(r.extent, 0)} | ${r.loadBefore} → ${r.loadAfter} |`);
}
const ours = results.filter((r) => r.tool.startsWith("cne")), peer = results.filter((r) => r.tool.startsWith("FIt"));
for (let i = 0; i < Math.min(ours.length, peer.length); i++) console.log(`run ${i}: cne-wasm / FIt-SNE time ${f(ours[i].seconds / peer[i].seconds)}`);
console.log("\nms per iteration (ours: measured between KL reports; extent at the segment's end):");
for (const r of results) console.log(r.tool, r.segments.map((s) => `${s.iteration}:${f(s.msPerIteration, 0)}${s.extent ? `@${f(s.extent, 0)}` : ""}`).join(" "));
