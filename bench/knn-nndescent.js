// Tuning and timing of the approximate kNN (random-projection forest + NN-descent, bindings/knn/nndescent.ts):
// recall@15 against our exact kernel and wall time, on clustered 50-d data (bench/lib/knn-data.js) and on
// Fashion-MNIST projected to 50 dimensions.
//
//   node bench/knn-nndescent.js                    defaults, 10k and 70k, 1 and 2 threads
//   node bench/knn-nndescent.js --n 10000 --sweep  a grid over trees, leaf size and candidates (1 thread)
//   options: --params '{"trees":6}' (overrides), --data clusters|fmnist|both, --n N[,N...], --repeats R, --threads T[,T...]
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
import { clusteredData } from "./lib/knn-data.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const K = 15, DIM = 50;
const sizes = opt("n", "10000,70000").split(",").map(Number);
const which = opt("data", "both");
const repeats = Number(opt("repeats", "1"));
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

async function exactOf(name, data, n) {
  const file = cache(`exact-${name}-${n}.i32`);
  if (existsSync(file)) return new Int32Array(readFileSync(file).buffer.slice(0));
  log(`  exact kNN of ${name} ${n} (cached afterwards)`);
  const { indices } = await knn(data, { n, dim: DIM, k: K, threads: 2 });
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

/** Times nndescentKnn alone (data already in the core, workers started). */
async function run(data, n, threads, params, seed = 0) {
  const core = await Core.create(threads);
  try {
    const m = putMatrix(core, { values: data, n, dim: DIM });
    const times = [], cpu = [];
    let indices, steps = 0;
    for (let r = 0; r < repeats; r++) {
      steps = 0;
      const t0 = performance.now(), c0 = process.cpuUsage();
      const b = await nndescentKnn(core, m, K, { seed, progress: () => steps++, onIteration: (it, changed) => log(`  iteration ${it}: ${(100 * changed).toFixed(2)}% of slots changed`) }, params);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      indices = core.i32(b.indicesPtr, n * K).slice();
    }
    const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    return { ms: med(times), cpuMs: med(cpu), indices, iterations: steps - 3, threads: core.threads };
  } finally {
    core.destroy();
  }
}

const datasets = [];
if (which !== "fmnist") datasets.push(["clusters", (n) => clusteredData(n, DIM, 42)]);
if (which !== "clusters") {
  let all;
  datasets.push(["fmnist", (n) => (all ??= fashionMnistPca50()).subarray(0, n * DIM)]);
}
const grid = [];
if (args.includes("--sweep")) {
  for (const trees of [4, 6, 8, 12]) for (const leafSize of [16, 24, 32, 48]) for (const maxCandidates of [10, 15, 20]) {
    grid.push({ ...NNDESCENT_PARAMS, trees, leafSize, maxCandidates });
  }
} else grid.push({ ...NNDESCENT_PARAMS, ...JSON.parse(opt("params", "{}")) });
const threadList = opt("threads", args.includes("--sweep") ? "1" : "1,2").split(",").map(Number);

console.log("| data | n | threads | trees | leaf | maxCand | delta | iterations | wall s | CPU s | recall@15 |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const [name, make] of datasets) {
  for (const n of sizes) {
    const data = make(n);
    const exact = await exactOf(name, data, n);
    for (const params of grid) {
      for (const threads of threadList) {
        const r = await run(data, n, threads, params);
        console.log(`| ${name} | ${n} | ${r.threads} | ${params.trees} | ${params.leafSize} | ${params.maxCandidates} | ${params.delta} | ${r.iterations} | ${(r.ms / 1000).toFixed(3)} | ${(r.cpuMs / 1000).toFixed(3)} | ${recall(r.indices, exact, n).toFixed(4)} |`);
      }
    }
  }
}
