// Real-shaped vectors end to end: kNN time, recall@15 and peak RSS per data set, metric and method, and embed()
// runs of each data set under cosine (time, phases, peak RSS, and the recall@15 of the neighbours the fit used
// against the exact ones under cosine on the full columns): "embed()" with the defaults (the search in PCA-50 of
// the unit rows), "embed(full)" with pca: false (the search among the full unit rows, with NN-descent's recall
// check at its default 0.95).
//
//   node bench/vectors.js [--n 100000] [--data vmf,lowrank,fmnist] [--metrics cosine,euclidean]
//     [--methods exact,nndescent-alone,nndescent,hnsw] [--samples 200] [--threads 2] [--clusters 50]
//     [--embeds defaults,full] [--no-embed]
//
// Data (bench/lib/sphere-data.js; 768 columns, each row at a random norm in [0.5, 2]):
// - vmf: the issue's benchmark, von Mises–Fisher clusters (Wood's sampler), cosine to the cluster mean 0.5-0.8;
// - lowrank: the same means and spread, but the spread in a rank-16 factor plus 10% isotropic noise;
// - fmnist: Fashion-MNIST's 70,000 × 784 raw pixels / 255 (at most 70,000 rows), cosine only.
// Methods: exact (SIMD brute force, `threads`), nndescent (knn()'s default: NN-descent with its recall check and
// graph-search passes, targetRecall 0.95), nndescent-alone (targetRecall 0: NN-descent only), hnsw (hnswlib-wasm,
// M 16, efConstruction 200, efSearch 64, one thread).
// Recall@15 on `samples` random query rows (seeded; bench/lib/sample.js) against a float64 oracle written from
// the metric's definition (plain JS); a found neighbour counts when no farther than the oracle's 15th. Every run is a fresh child process
// (`--child`), so its peak RSS (VmHWM) is its own: it holds the data (n × dim × 4 bytes) and the core's copy.
// Needs the built package (npm run build); Fashion-MNIST from /usr/share/datasets/fashion-mnist.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { sampleQueryRows } from "./lib/sample.js";
import { lowRankMixture, vmfMixture } from "./lib/sphere-data.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const K = 15;
const log = (m) => process.stderr.write(`${m}\n`);
const peakMB = () => Math.round(Number(/VmHWM:\s+(\d+)\s*kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024);
const readF32 = (file) => { const b = readFileSync(file); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };

/** One run in this (child) process: a knn() or an embed(), its indices written to `out`. */
async function child({ task, file, n, dim, metric, method, threads, out }) {
  const lib = await import("../dist/index.js");
  const values = readF32(file);
  const warnings = [];
  const onWarning = (m) => warnings.push(m);
  const t0 = performance.now();
  let indices, phases;
  if (task === "knn") {
    const targetRecall = method === "nndescent-alone" ? 0 : undefined;
    const knnMethod = method === "nndescent-alone" ? "nndescent" : method;
    ({ indices } = await lib.knn(values, { n, dim, k: K, metric, method: knnMethod, threads, seed: 1, onWarning, ...(targetRecall === 0 && { targetRecall }) }));
  } else {
    const first = {}, last = {};
    const e = lib.createEmbedding(values, { n, dim, metric, threads, seed: 1, onWarning, ...(method === "embed(full)" && { pca: false }) });
    await e.run({ onProgress: (_f, stage) => { const t = performance.now(); first[stage] ??= t; last[stage] = t; } });
    indices = e.knnGraph.indices;
    if (e.knnGraph.indices.length !== n * K) throw new Error(`the fit's k is not ${K}`);
    e.destroy();
    phases = Object.fromEntries(Object.keys(first).map((s) => [s, (last[s] - first[s]) / 1000]));
  }
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(out, indices);
  return { seconds, peakMB: peakMB(), phases, warnings };
}

if (args[0] === "--child") {
  console.log(JSON.stringify(await child(JSON.parse(args[1]))));
  process.exit(0);
}

const N = Number(opt("n", "100000")), SAMPLES = Number(opt("samples", "200")), THREADS = Number(opt("threads", "2"));
const DATA = opt("data", "vmf,lowrank,fmnist").split(",");
const METRICS = opt("metrics", "cosine,euclidean").split(",");
const METHODS = opt("methods", "exact,nndescent-alone,nndescent,hnsw").split(",");
const CLUSTERS = Number(opt("clusters", "50"));
const EMBEDS = args.includes("--no-embed") ? [] : opt("embeds", "defaults,full").split(",").map((e) => (e === "full" ? "embed(full)" : "embed()"));
const dir = join(os.tmpdir(), "cne-vectors-bench");
mkdirSync(dir, { recursive: true });

/** The data set's rows in a file the children read (cached: generating 100,000 × 768 takes ~30-50 s). */
function dataFile(name) {
  if (name === "fmnist") {
    const n = Math.min(N, 70000), file = join(dir, `fmnist-${n}.f32`);
    if (!existsSync(file)) {
      const src = "/usr/share/datasets/fashion-mnist";
      const parts = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"].map((f) => gunzipSync(readFileSync(join(src, f))).subarray(16));
      const out = new Float32Array(n * 784);
      let o = 0;
      for (const p of parts) for (let i = 0; i < p.length && o < out.length; i++) out[o++] = p[i] / 255;
      writeFileSync(file, out);
    }
    return { file, n, dim: 784 };
  }
  const file = join(dir, `${name}-${N}-${CLUSTERS}.f32`);
  if (!existsSync(file)) {
    log(`generating ${name} ${N} × 768, ${CLUSTERS} clusters`);
    writeFileSync(file, (name === "vmf" ? vmfMixture : lowRankMixture)(N, 768, 42, { clusters: CLUSTERS }).values);
  }
  return { file, n: N, dim: 768 };
}

/** Random query rows (bench/lib/sample.js) and their exact neighbour distances under `metric` (float64, from the definition). */
function oracle(values, n, dim, metric) {
  const sample = sampleQueryRows(n, SAMPLES);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let t = 0; t < dim; t++) s += values[i * dim + t] ** 2; norms[i] = Math.sqrt(s); }
  const distance = (a, b) => {
    let s = 0;
    if (metric === "cosine") { for (let t = 0; t < dim; t++) s += values[a * dim + t] * values[b * dim + t]; return 1 - s / (norms[a] * norms[b]); }
    for (let t = 0; t < dim; t++) s += (values[a * dim + t] - values[b * dim + t]) ** 2;
    return Math.sqrt(s);
  };
  return sample.map((i) => {
    const d = new Float64Array(n);
    for (let j = 0; j < n; j++) d[j] = j === i ? Infinity : distance(i, j);
    return { i, d, kth: Float64Array.from(d).sort()[K - 1] };
  });
}

function recallOf(indices, truth) {
  let hit = 0;
  for (const { i, d, kth } of truth) for (let t = 0; t < K; t++) if (d[indices[i * K + t]] <= kth + 1e-6 * (1 + kth)) hit++;
  return hit / (truth.length * K);
}

function runChild(spec) {
  const out = join(dir, `indices-${process.pid}.i32`); // per run of this script: two runs at once must not share it
  const load = os.loadavg()[0];
  const text = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", JSON.stringify({ ...spec, out })], {
    encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"],
  });
  const r = JSON.parse(text.trim().split("\n").at(-1));
  const b = readFileSync(out);
  return { ...r, indices: new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4), loadBefore: load, loadAfter: os.loadavg()[0] };
}

const f = (v, d = 1) => (v === undefined ? "" : v.toFixed(d));
const rows = [];
log(`${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log("| data | n × dim | metric | run | time s | recall@15 | peak RSS MB | load before → after | notes |");
console.log("|---|---|---|---|---:|---:|---:|---|---|");
for (const name of DATA) {
  const { file, n, dim } = dataFile(name);
  const values = readF32(file);
  for (const metric of name === "fmnist" ? ["cosine"] : METRICS) {
    const truth = oracle(values, n, dim, metric);
    const runs = METHODS.map((method) => ({ task: "knn", method }));
    if (metric === "cosine") for (const method of EMBEDS) runs.push({ task: "embed", method });
    for (const { task, method } of runs) {
      const r = runChild({ task, file, n, dim, metric, method, threads: method === "hnsw" ? 1 : THREADS });
      const recall = recallOf(r.indices, truth);
      const notes = [
        r.phases && Object.entries(r.phases).map(([s, v]) => `${s} ${f(v)}`).join(", "),
        ...r.warnings.map((w) => `warning: ${w.slice(0, 120)}`),
      ].filter(Boolean).join("; ");
      rows.push({ data: name, n, dim, metric, method, seconds: r.seconds, recall, peakMB: r.peakMB, phases: r.phases, warnings: r.warnings, load: [r.loadBefore, r.loadAfter] });
      console.log(`| ${name} | ${n} × ${dim} | ${metric} | ${task === "embed" ? (method === "embed()" ? "embed() defaults" : "embed() pca: false") : `knn ${method}`} | ${f(r.seconds)} | ${f(recall, 3)} | ${r.peakMB} | ${f(r.loadBefore)} → ${f(r.loadAfter)} | ${notes} |`);
    }
  }
}
console.log(JSON.stringify({ n: N, samples: SAMPLES, threads: THREADS, clusters: CLUSTERS, cpus: os.cpus().length, rows }));
