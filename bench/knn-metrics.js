// kNN per metric on Fashion-MNIST 70k (784 pixels/255, no PCA: knn() searches the rows as given): NN-descent's
// time and recall@15 against an exact float64 oracle on sampled query rows (plain JS, written from each metric's
// definition), for euclidean, cosine, correlation, manhattan, and hamming / jaccard on the pixels thresholded at
// 0.5. Recall on the sample counts a found neighbour as right when it is no farther than the oracle's 15th
// (ties of the integer Hamming distances).
//
//   node bench/knn-metrics.js [--n 70000] [--samples 100] [--threads 2] [--metrics cosine,correlation,...] [--target R]
//   node bench/knn-metrics.js --data sphere [--n 100000] --metrics cosine,euclidean
//   node bench/knn-metrics.js --data lowrank [--n 100000] --metrics cosine,euclidean
//
// --data sphere: n × 768 rows of 50 von Mises–Fisher clusters (Wood's sampler, cosine to the cluster mean
// 0.5-0.8), each row at a random norm in [0.5, 2] so that cosine and Euclidean-on-raw differ; --data lowrank: the
// same means and spread in a rank-16 factor plus 10% isotropic noise (bench/lib/sphere-data.js). NN-descent here
// is knn()'s default: with its recall check and graph-search passes (targetRecall 0.95); --target 0 runs
// NN-descent alone.
//
// Data: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist). Needs the built package (npm run build).
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { knn } from "../dist/index.js";
import { sampleQueryRows } from "./lib/sample.js";
import { lowRankMixture, vmfMixture } from "./lib/sphere-data.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const DATA = opt("data", "fmnist"), SPHERE = DATA === "sphere" || DATA === "lowrank";
const TARGET = args.includes("--target") ? { targetRecall: Number(opt("target")) } : {};
const K = 15, D = SPHERE ? 768 : 784;
const N = Number(opt("n", SPHERE ? "100000" : "70000")), SAMPLES = Number(opt("samples", "100")), THREADS = Number(opt("threads", "2"));
const METRICS = opt("metrics", "euclidean,cosine,correlation,manhattan,hamming,jaccard").split(",");
const log = (m) => process.stderr.write(`${m}\n`);

function sphereMixture() {
  return (DATA === "sphere" ? vmfMixture : lowRankMixture)(N, D, 7).values;
}

function fashionMnist() {
  const dir = "/usr/share/datasets/fashion-mnist";
  const parts = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"].map((f) => gunzipSync(readFileSync(join(dir, f))).subarray(16));
  const pixels = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((o, p) => (pixels.set(p, o), o + p.length), 0);
  const grey = new Float32Array(N * D);
  for (let i = 0; i < N * D; i++) grey[i] = pixels[i] / 255;
  return grey;
}

const grey = SPHERE ? sphereMixture() : fashionMnist();
const binary = SPHERE ? grey : grey.map((v) => (v >= 0.5 ? 1 : 0));

/** Rows prepared so that each metric is a simple sum: unit rows for cosine, centred unit rows for correlation. */
function prepared(metric, x) {
  if (metric !== "cosine" && metric !== "correlation") return x;
  const out = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    let mean = 0;
    if (metric === "correlation") { for (let j = 0; j < D; j++) mean += x[i * D + j]; mean /= D; }
    let sq = 0;
    for (let j = 0; j < D; j++) sq += (x[i * D + j] - mean) ** 2;
    const inv = 1 / Math.sqrt(sq);
    for (let j = 0; j < D; j++) out[i * D + j] = (x[i * D + j] - mean) * inv;
  }
  return out;
}

function distance(metric, x, a, b) {
  let s = 0, both = 0, either = 0;
  const oa = a * D, ob = b * D;
  switch (metric) {
    case "euclidean": for (let j = 0; j < D; j++) s += (x[oa + j] - x[ob + j]) ** 2; return Math.sqrt(s);
    case "cosine": case "correlation": for (let j = 0; j < D; j++) s += x[oa + j] * x[ob + j]; return 1 - s;
    case "manhattan": for (let j = 0; j < D; j++) s += Math.abs(x[oa + j] - x[ob + j]); return s;
    case "hamming": for (let j = 0; j < D; j++) s += x[oa + j] !== x[ob + j] ? 1 : 0; return s;
    case "jaccard":
      for (let j = 0; j < D; j++) { both += x[oa + j] && x[ob + j] ? 1 : 0; either += x[oa + j] || x[ob + j] ? 1 : 0; }
      return either === 0 ? 0 : 1 - both / either;
  }
}

const rows = [];
const sample = sampleQueryRows(N, SAMPLES);
log(`${SPHERE ? `${DATA} mixture` : "Fashion-MNIST"} ${N} × ${D}, ${SAMPLES} sampled query rows, ${THREADS} threads, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (const metric of METRICS) {
  const data = metric === "hamming" || metric === "jaccard" ? binary : grey;
  const t0 = performance.now();
  const res = await knn(data, { n: N, dim: D, k: K, metric, method: "nndescent", threads: THREADS, seed: 1, ...TARGET });
  const seconds = (performance.now() - t0) / 1000;
  const x = prepared(metric, data);
  let hit = 0;
  for (const i of sample) {
    const d = new Float64Array(N);
    for (let j = 0; j < N; j++) d[j] = j === i ? Infinity : distance(metric, x, i, j);
    const kth = Float64Array.from(d).sort()[K - 1];
    for (let t = 0; t < K; t++) if (d[res.indices[i * K + t]] <= kth + 1e-6 * (1 + kth)) hit++;
  }
  const recall = hit / (SAMPLES * K);
  rows.push({ metric, seconds, recall });
  log(`${metric.padEnd(12)} nndescent ${seconds.toFixed(1)} s  recall@15 ${recall.toFixed(4)}`);
}
console.log(JSON.stringify({ data: DATA, ...TARGET, n: N, dim: D, k: K, threads: THREADS, samples: SAMPLES, cpus: os.cpus().length, load: os.loadavg(), rows }));
