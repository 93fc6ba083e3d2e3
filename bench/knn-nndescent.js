// Tuning and timing of the approximate kNN (random-projection forest + NN-descent, bindings/knn/nndescent.ts):
// recall@15 against our exact kernel (all rows) and wall/CPU time, on clustered 50-d data (bench/lib/knn-data.js),
// Fashion-MNIST projected to 50 dimensions, Fashion-MNIST's raw 784 pixels, and the 768-column sphere mixtures
// of bench/lib/sphere-data.js (vMF, low-rank), with hnswlib-wasm's recall and time beside it.
//
//   node bench/knn-nndescent.js                    defaults, 10k and 70k, 1 and 2 threads
//   node bench/knn-nndescent.js --n 10000 --sweep  a grid over trees, leaf size and candidates (1 thread)
//   node bench/knn-nndescent.js --data vmf --n 20000 --metric cosine --threads 2 \
//     --params '[{},{"maxCandidates":30}]' --hnsw '[{},{"efSearch":128}]'
//   options: --params '{"trees":6}' or a JSON array of such overrides, --data clusters|fmnist|both|fmnist784|vmf|lowrank,
//     --n N[,N...], --repeats R, --threads T[,T...], --metric euclidean|cosine, --clusters C (sphere data; default
//     n / 2,000 so that a cluster has the 2,000 rows it has at 100,000 × 50 clusters), --hnsw (a JSON array of
//     hnsw option overrides: one row each, 1 thread), --verbose (NN-descent's changes per iteration), --target R
//     (the recall check and graph-search passes of bindings/knn/refine.ts after NN-descent, aiming at R)
//
// Fashion-MNIST: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), train then t10k, pixels/255,
// projected on its top 50 principal directions, estimated here in plain JS by subspace iteration on the
// covariance of 10,000 rows (a stand-in for the library's PCA; distances in any orthonormal basis of the same
// subspace are the same). Exact neighbours and the projection are cached in the OS temp directory.
// Needs the built package (npm run build).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { knn } from "../dist/index.js";
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { NNDESCENT_PARAMS, nndescentKnn } from "../dist/knn/nndescent.js";
import { hnswKnn } from "../dist/knn/hnsw.js";
import { prepareRows } from "../dist/knn/metric.js";
import { refineKnn } from "../dist/knn/refine.js";
import { clusteredData } from "./lib/knn-data.js";
import { lowRankMixture, vmfMixture } from "./lib/sphere-data.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const K = 15, DIM = 50;
const sizes = opt("n", "10000,70000").split(",").map(Number);
const which = opt("data", "both");
const repeats = Number(opt("repeats", "1"));
const metric = opt("metric", "euclidean");
const verbose = args.includes("--verbose");
// --target R: NN-descent's recall check and graph-search passes (bindings/knn/refine.ts) after each run
const targetRecall = args.includes("--target") ? Number(opt("target")) : undefined;
const log = (m) => process.stderr.write(`${m}\n`);
const cache = (name) => join(os.tmpdir(), `cne-knn-bench-${name}`);

function fashionMnistPca50() {
  const file = cache("fmnist-pca50.f32");
  if (existsSync(file)) return new Float32Array(readFileSync(file).buffer.slice(0));
  log("Fashion-MNIST: projecting to 50 principal directions (cached afterwards)");
  const dir = "/usr/share/datasets/fashion-mnist";
  const parts = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"].map((f) => gunzipSync(readFileSync(join(dir, f))).subarray(16));
  const n = parts.reduce((s, p) => s + p.length / 784, 0), D = 784;
  const x = new Float32Array(n * D);
  let o = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) x[o++] = p[i] / 255;
  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let t = 0; t < D; t++) mean[t] += x[i * D + t] / n;
  const sample = 10000, step = Math.floor(n / sample);
  const cov = new Float64Array(D * D), row = new Float64Array(D);
  for (let s = 0; s < sample; s++) {
    for (let t = 0; t < D; t++) row[t] = x[s * step * D + t] - mean[t];
    for (let a = 0; a < D; a++) { const ra = row[a]; if (ra === 0) continue; for (let b = a; b < D; b++) cov[a * D + b] += ra * row[b]; }
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) cov[a * D + b] = cov[b * D + a];
  let q = Float64Array.from({ length: D * DIM }, (_, i) => Math.sin(i * 12.9898 + 78.233) * 43758.5453 % 1);
  for (let it = 0; it < 60; it++) {
    const z = new Float64Array(D * DIM);
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) { const c = cov[a * D + b]; for (let j = 0; j < DIM; j++) z[a * DIM + j] += c * q[b * DIM + j]; }
    for (let j = 0; j < DIM; j++) { // Gram-Schmidt on columns
      for (let p = 0; p < j; p++) { let d = 0; for (let a = 0; a < D; a++) d += z[a * DIM + j] * z[a * DIM + p]; for (let a = 0; a < D; a++) z[a * DIM + j] -= d * z[a * DIM + p]; }
      let nr = 0; for (let a = 0; a < D; a++) nr += z[a * DIM + j] ** 2; nr = Math.sqrt(nr);
      for (let a = 0; a < D; a++) z[a * DIM + j] /= nr;
    }
    q = z;
  }
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) { let s = 0; for (let a = 0; a < D; a++) s += (x[i * D + a] - mean[a]) * q[a * DIM + j]; out[i * DIM + j] = s; }
  writeFileSync(file, out);
  return out;
}

function fashionMnistRaw(n) {
  const dir = "/usr/share/datasets/fashion-mnist";
  const parts = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"].map((f) => gunzipSync(readFileSync(join(dir, f))).subarray(16));
  const out = new Float32Array(n * 784);
  let o = 0;
  for (const p of parts) for (let i = 0; i < p.length && o < out.length; i++) out[o++] = p[i] / 255;
  return out;
}

/** Sphere data, cached in the temp directory (generating 100,000 × 768 takes ~30 s). */
function sphereData(kind, n) {
  const clusters = Number(opt("clusters", String(Math.max(1, Math.round(n / 2000)))));
  const file = cache(`${kind}-${n}-${clusters}.f32`);
  if (existsSync(file)) return new Float32Array(readFileSync(file).buffer.slice(0));
  const { values } = (kind === "vmf" ? vmfMixture : lowRankMixture)(n, 768, 42, { clusters });
  writeFileSync(file, values);
  return values;
}

async function exactOf(name, data, n, dim) {
  const file = cache(`exact-${name}-${metric}-${n}.i32`);
  if (existsSync(file)) return new Int32Array(readFileSync(file).buffer.slice(0));
  log(`  exact kNN of ${name} ${n} under ${metric} (cached afterwards)`);
  const { indices } = await knn(data, { n, dim, k: K, threads: 2, metric, method: "exact" });
  writeFileSync(file, indices);
  return indices;
}

function recall(approx, exact, n) {
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const s = new Set(exact.subarray(i * K, i * K + K));
    for (let t = 0; t < K; t++) if (s.has(approx[i * K + t])) hit++;
  }
  return hit / (n * K);
}

/** Times nndescentKnn alone (data already in the core and prepared for the metric, workers started). */
async function run(data, n, dim, threads, params, seed = 0) {
  const core = await Core.create(threads);
  try {
    const m = prepareRows(core, putMatrix(core, { values: data, n, dim }), metric);
    const times = [], cpu = [];
    let indices, iterations = 0;
    for (let r = 0; r < repeats; r++) {
      iterations = 0;
      const onIteration = (it, changed) => {
        iterations = it + 1;
        if (verbose) log(`  iteration ${it}: ${(100 * changed).toFixed(2)}% of slots changed`);
      };
      const t0 = performance.now(), c0 = process.cpuUsage();
      const b = await nndescentKnn(core, m, K, { seed, metric, onIteration }, params);
      if (targetRecall !== undefined) {
        const t1 = performance.now();
        await refineKnn(core, m, K, b, {
          seed, metric, targetRecall, warn: log,
          onRecall: (pass, ef, rec) => log(`  ${pass ? `pass ${pass} (ef ${ef})` : "NN-descent"}: estimated recall ${rec.toFixed(4)} at ${((performance.now() - t1) / 1000).toFixed(1)} s`),
        });
      }
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      indices = core.i32(b.indicesPtr, n * K).slice();
    }
    const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    return { ms: med(times), cpuMs: med(cpu), indices, iterations, threads: core.threads };
  } finally {
    core.destroy();
  }
}

/** hnswlib-wasm (one thread) on the same rows: cosine searches the unit rows in its l2 space, as knn() does. */
async function runHnsw(data, n, dim, params) {
  let rows = data;
  if (metric === "cosine") {
    rows = new Float32Array(data.length);
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let t = 0; t < dim; t++) sq += data[i * dim + t] ** 2;
      for (let t = 0; t < dim; t++) rows[i * dim + t] = data[i * dim + t] / Math.sqrt(sq);
    }
  } else if (metric !== "euclidean") throw new Error(`--hnsw runs euclidean or cosine only, not ${metric}`);
  const t0 = performance.now(), c0 = process.cpuUsage();
  const r = await hnswKnn(rows, n, dim, K, { seed: 0, ...params });
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, indices: r.indices };
}

const datasets = [];
if (which === "clusters" || which === "both") datasets.push(["clusters", DIM, (n) => clusteredData(n, DIM, 42)]);
if (which === "fmnist" || which === "both") {
  let all;
  datasets.push(["fmnist", DIM, (n) => (all ??= fashionMnistPca50()).subarray(0, n * DIM)]);
}
if (which === "fmnist784") datasets.push(["fmnist784", 784, fashionMnistRaw]);
if (which === "vmf" || which === "lowrank") datasets.push([which, 768, (n) => sphereData(which, n)]);
if (datasets.length === 0) throw new Error(`unknown --data ${which}`);
const grid = [];
if (args.includes("--sweep")) {
  for (const trees of [4, 6, 8, 12]) for (const leafSize of [16, 24, 32, 48]) for (const maxCandidates of [10, 15, 20]) {
    grid.push({ ...NNDESCENT_PARAMS, trees, leafSize, maxCandidates });
  }
} else {
  const overrides = JSON.parse(opt("params", "{}"));
  for (const o of Array.isArray(overrides) ? overrides : [overrides]) grid.push({ ...NNDESCENT_PARAMS, ...o });
}
const hnswGrid = args.includes("--hnsw") ? JSON.parse(opt("hnsw", "[{}]")) : [];
const threadList = opt("threads", args.includes("--sweep") ? "1" : "1,2").split(",").map(Number);

log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, metric ${metric}`);
console.log("| data | n | threads | method | trees | leaf | maxCand | maxIter | delta | iterations | wall s | CPU s | recall@15 |");
console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const [name, dim, make] of datasets) {
  for (const n of sizes) {
    const data = make(n);
    const exact = await exactOf(name === "vmf" || name === "lowrank" ? `${name}-${opt("clusters", "auto")}` : name, data, n, dim);
    for (const params of grid) {
      for (const threads of threadList) {
        const r = await run(data, n, dim, threads, params);
        console.log(`| ${name} | ${n} | ${r.threads} | nndescent | ${params.trees} | ${params.leafSize} | ${params.maxCandidates} | ${params.maxIterations} | ${params.delta} | ${r.iterations} | ${(r.ms / 1000).toFixed(3)} | ${(r.cpuMs / 1000).toFixed(3)} | ${recall(r.indices, exact, n).toFixed(4)} |`);
      }
    }
    for (const h of hnswGrid) {
      const r = await runHnsw(data, n, dim, h);
      const label = `hnsw M ${h.M ?? 16} efC ${h.efConstruction ?? 200} ef ${h.efSearch ?? 64}`;
      console.log(`| ${name} | ${n} | 1 | ${label} |  |  |  |  |  |  | ${(r.ms / 1000).toFixed(3)} | ${(r.cpuMs / 1000).toFixed(3)} | ${recall(r.indices, exact, n).toFixed(4)} |`);
    }
  }
}
