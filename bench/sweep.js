// Quality against time of optimiser settings, for choosing defaults: each setting is a full createEmbedding +
// run() on a fixed kNN graph (so the settings differ only in the optimisation), timed, then scored by
// recall@15 against that graph (the NN-descent 15-NN of the PCA-50 scores, recall ≈ 0.996 against exact) and
// 10-NN accuracy. Appends one JSON line per run to bench/.cache/sweep.jsonl, with the pair updates the run made
// (directed edges × (1 + m) × epochs).
//
//   node bench/sweep.js --data fashion-mnist --n 70000 --set '{"negativeSamples":20}' --set '{...}' [--threads 2]
//   data: fashion-mnist (first n rows), digits (the bundled set), mixture (first n rows of mixture-1m, 50-d)
//   --builds this,/path/to/other/checkout: runs every setting on each build in turn, in the same process (paired
//   rounds on a loaded machine); "this" is this checkout, another is a directory holding dist/ and build/.

import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const { values: opts } = parseArgs({
  options: {
    data: { type: "string", default: "fashion-mnist" },
    n: { type: "string", default: "70000" },
    set: { type: "string", multiple: true, default: ["{}"] },
    threads: { type: "string", default: "2" },
    seeds: { type: "string", default: "0" },
    builds: { type: "string", default: "this" },
  },
});
const builds = [];
for (const name of opts.builds.split(",")) {
  const root = name === "this" ? ROOT_DIR : resolve(name);
  builds.push({ name, lib: await import(pathToFileURL(join(root, "dist/index.js")).href) });
}
const lib = builds[0].lib;

function digits() {
  const rows = gunzipSync(readFileSync(join(ROOT_DIR, "data/digits.csv.gz"))).toString("utf8").trim().split("\n");
  const parsed = rows.filter((r) => /^[-\d.]/.test(r)).map((r) => r.split(",").map(Number));
  const dim = parsed[0].length - 1, n = parsed.length;
  const values = new Float32Array(n * dim), labels = new Uint8Array(n);
  parsed.forEach((r, i) => { values.set(r.slice(0, dim), i * dim); labels[i] = r[dim]; });
  return { values, labels, n, dim };
}

let data;
if (opts.data === "digits") data = digits();
else if (opts.data === "mixture") { ensureDataset("mixture-1m"); data = loadDataset("mixture-1m", Number(opts.n)); }
else { ensureDataset("fashion-mnist"); data = loadDataset("fashion-mnist", Number(opts.n)); }
const { n, dim } = data;

const knnPath = join(CACHE_DIR, `${opts.data}-${n}.knn15.i32`);
let knnIndices;
if (existsSync(knnPath)) knnIndices = new Int32Array(readFileSync(knnPath).buffer.slice(0));
else {
  const high = dim > 100 ? await lib.pca(data.values, { n, dim, nComponents: 50 }) : data.values;
  knnIndices = (await lib.knn(high, { n, dim: dim > 100 ? 50 : dim, k: 15, method: n > 3000 ? "nndescent" : "exact" })).indices;
  writeFileSync(knnPath, new Uint8Array(knnIndices.buffer, knnIndices.byteOffset, knnIndices.byteLength));
}

const threads = Number(opts.threads);
console.log(`${opts.data} ${n} × ${dim}, ${threads} threads, load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
for (const set of opts.set) {
  for (const seed of opts.seeds.split(",").map(Number)) {
    for (const build of builds) {
      const options = JSON.parse(set);
      const e = build.lib.createEmbedding(data.values, { n, dim, knnIndices, threads, seed, ...options });
      let tOpt = 0;
      const t0 = performance.now();
      const y = await e.run({ onProgress: (f, stage) => { if (stage === "early-exaggeration" && f === 0 && !tOpt) tOpt = performance.now(); } });
      const seconds = (performance.now() - t0) / 1000, optimize = (performance.now() - (tOpt || t0)) / 1000;
      const epochs = options.nEpochs ?? build.lib.embeddingDefaults.nEpochs;
      const pairUpdates = e.knnGraph.colIndices.length * (1 + e.negativeSamples) * epochs;
      const negatives = e.negativeSamples;
      e.destroy();
      const q = await build.lib.embeddingQuality(y, options.outDim ?? 2, { highIndices: knnIndices, labels: data.labels, threads });
      const row = { data: opts.data, n, threads, seed, build: build.name, options, negatives, pairUpdates, seconds, optimize, recall: q.recall, accuracy: q.accuracy, load: loadavg()[0] };
      appendFileSync(join(CACHE_DIR, "sweep.jsonl"), JSON.stringify(row) + "\n");
      const label = builds.length > 1 ? `${build.name}  ${set}` : set;
      console.log(`${label.padEnd(60)} seed ${seed}  m ${negatives}  ${(pairUpdates / 1e9).toFixed(2)}e9 pairs  ${seconds.toFixed(1)} s (optimise ${optimize.toFixed(1)})  recall ${q.recall.toFixed(3)}  acc ${q.accuracy.toFixed(3)}  load ${loadavg()[0].toFixed(1)}`);
    }
  }
}
