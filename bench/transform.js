// The non-parametric transform on Fashion-MNIST: fit on the 60,000 training rows, transform the 10,000 test rows,
// with the exact query search and the graph search (bindings/knn/query.ts) in the same run.
// Reports per phase (PCA projection, query kNN, placement) wall times, the exact/graph time ratio, recall@k of
// the graph search against the exact one, 10-NN accuracy of the placed test points classified by the training
// layout, the saved model's size and its load time, and the load average next to every timing.
//
//   node bench/transform.js [--threads 2] [--repeats 3] [--refit] [--sweep] [--knn exact,nndescent] [--against DIR]
//
// The fitted model is saved in bench/.cache/transform-fmnist.cne and reused (--refit fits again). --sweep also
// measures recall and query time of the graph search over a grid of (ef, entries). --knn limits the query searches
// timed. --against DIR loads the same model into a second build of the library (DIR/dist) in the same process and
// times both builds' transforms interleaved (alternating which goes first), reporting per phase the ratio of the
// medians, against / this, and whether both placed every row with the same bits.
// Needs the built package (npm run build).
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { createEmbedding, loadModel } from "../dist/index.js";
import { Core } from "../dist/core/core.js";
import { putMatrix } from "../dist/core/matrix.js";
import { projectRows } from "../dist/pca/index.js";
import { GRAPH_QUERY_PARAMS, queryGraphKnn, queryKnn } from "../dist/knn/query.js";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { CACHE_DIR } from "./lib/paths.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const threads = Number(opt("threads", "2"));
const repeats = Number(opt("repeats", "3"));
const methods = opt("knn", "exact,nndescent").split(",");
const againstDir = opt("against", null);
const log = (m) => process.stderr.write(`${m}\n`);
const load1 = () => Math.round(loadavg()[0] * 100) / 100;
const NTRAIN = 60000, NTEST = 10000, DIM = 784;

ensureDataset("fashion-mnist", log);
const all = loadDataset("fashion-mnist", NTRAIN + NTEST);
const train = all.values.subarray(0, NTRAIN * DIM), test = all.values.slice(NTRAIN * DIM);
const trainLabels = all.labels.subarray(0, NTRAIN), testLabels = all.labels.subarray(NTRAIN);

const modelFile = join(CACHE_DIR, "transform-fmnist.cne");
let fitSeconds = null, fitLoad = null;
let bytes;
if (!args.includes("--refit") && existsSync(modelFile)) {
  bytes = new Uint8Array(readFileSync(modelFile));
} else {
  log(`fitting on ${NTRAIN} rows (${threads} threads)`);
  const e = createEmbedding(train, { dim: DIM, threads, seed: 0 });
  const t0 = performance.now();
  await e.run();
  fitSeconds = (performance.now() - t0) / 1000;
  fitLoad = load1();
  log(`fit: ${fitSeconds.toFixed(1)} s, load ${fitLoad}`);
  bytes = e.save();
  e.destroy();
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(modelFile, bytes);
}

const loadStart = performance.now();
const model = await loadModel(bytes, { threads });
const against = againstDir ? await (await import(join(resolve(againstDir), "dist/index.js"))).loadModel(bytes, { threads }) : null;
const loadSeconds = (performance.now() - loadStart) / 1000;
const loadLoad = load1();

/** One transform, timed per phase: each phase ends at its last progress report (the end of its last block). */
async function timedTransform(knn, handle = model) {
  const ends = {};
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const z = await handle.transform(test, { knn, onProgress: (f, stage) => { if (f === 1) ends[stage] = performance.now(); } });
  const t1 = performance.now();
  const cpu = process.cpuUsage(c0);
  const pca = ends.pca - t0, query = ends.knn - ends.pca, place = t1 - ends.knn;
  // CPU time of all threads: about 2 × wall on 2 free cores, about 1 × wall when other work takes one
  return { z, total: (t1 - t0) / 1000, pca: pca / 1000, knn: query / 1000, optimize: place / 1000, cpu: (cpu.user + cpu.system) / 1e6, load: load1() };
}

/** 10-NN accuracy of the test points placed at z, classified by the training layout (exact 2-d search). */
async function accuracy(z) {
  const core = await Core.create(threads);
  try {
    const found = await queryKnn(core, putMatrix(core, { values: model.embedding, n: NTRAIN, dim: 2 }), putMatrix(core, { values: z, n: NTEST, dim: 2 }), 10);
    const idx = core.i32(found.indicesPtr, NTEST * 10);
    let good = 0;
    const votes = new Int32Array(10);
    for (let i = 0; i < NTEST; i++) {
      votes.fill(0);
      for (let t = 0; t < 10; t++) votes[trainLabels[idx[i * 10 + t]]]++;
      let best = 0;
      for (let c = 1; c < 10; c++) if (votes[c] > votes[best]) best = c;
      good += best === testLabels[i] ? 1 : 0;
    }
    return good / NTEST;
  } finally {
    core.destroy();
  }
}

/** The training layout's own 10-NN accuracy, leave-one-out, on every 12th training point (5,000 of them). */
async function trainingAccuracy() {
  const y = model.embedding, step = 12, rows = NTRAIN / step;
  const sample = new Float32Array(rows * 2);
  for (let s = 0; s < rows; s++) sample.set(y.subarray(s * step * 2, s * step * 2 + 2), s * 2);
  const core = await Core.create(threads);
  try {
    const found = await queryKnn(core, putMatrix(core, { values: y, n: NTRAIN, dim: 2 }), putMatrix(core, { values: sample, n: rows, dim: 2 }), 11);
    const idx = core.i32(found.indicesPtr, rows * 11);
    let good = 0;
    const votes = new Int32Array(10);
    for (let s = 0; s < rows; s++) {
      votes.fill(0);
      let used = 0;
      for (let t = 0; t < 11 && used < 10; t++) {
        if (idx[s * 11 + t] === s * step) continue;
        votes[trainLabels[idx[s * 11 + t]]]++;
        used++;
      }
      let best = 0;
      for (let c = 1; c < 10; c++) if (votes[c] > votes[best]) best = c;
      good += best === trainLabels[s * step] ? 1 : 0;
    }
    return good / rows;
  } finally {
    core.destroy();
  }
}

/** The query search alone, on the handle's own core (its fitted rows, graph and PCA): recall and time. */
async function querySearches(k, settings) {
  const core = model.core, fit = model.fit;
  const mark = core.mark();
  try {
    const queries = await projectRows(core, fit.pca, putMatrix(core, { values: test, n: NTEST, dim: DIM }, "transform data", model.inputScaleExponent));
    let t = performance.now();
    const exact = await queryKnn(core, fit.search, queries, k);
    const exactSeconds = (performance.now() - t) / 1000;
    const truth = core.i32(exact.indicesPtr, NTEST * k).slice();
    const rows = [];
    for (const s of settings) {
      t = performance.now();
      const graph = await queryGraphKnn(core, fit.search, fit.graph, queries, k, s);
      const seconds = (performance.now() - t) / 1000;
      const got = core.i32(graph.indicesPtr, NTEST * k);
      let hits = 0;
      for (let i = 0; i < NTEST; i++) {
        const want = new Set(truth.subarray(i * k, i * k + k));
        for (let j = 0; j < k; j++) if (want.has(got[i * k + j])) hits++;
      }
      rows.push({ ...s, recall: hits / (NTEST * k), seconds, exactSeconds, ratio: exactSeconds / seconds, load: load1() });
    }
    return rows;
  } finally {
    core.reset(mark);
  }
}

const info = machineInfo();
log(`${info.cpu}, ${info.cores} cores, Node ${info.node}, load ${load1()}`);
const result = { machine: info, threads, fitSeconds, fitLoad, modelBytes: bytes.length, loadSeconds, loadLoad, runs: [] };

result.trainingAccuracy = await trainingAccuracy();
log(`training layout's own 10-NN accuracy (leave-one-out, 5,000 sampled points): ${result.trainingAccuracy.toFixed(4)}`);
const k = model.fit.k;
const recall = await querySearches(k, [GRAPH_QUERY_PARAMS]);
result.recall = recall[0];
log(`query search alone, k = ${k}: graph ${recall[0].seconds.toFixed(3)} s, exact ${recall[0].exactSeconds.toFixed(3)} s (×${recall[0].ratio.toFixed(1)}), recall ${recall[0].recall.toFixed(4)}, load ${recall[0].load}`);
if (args.includes("--sweep")) {
  const grid = [];
  for (const entries of [16, 32, 64]) for (const ef of [15, 20, 25, 30, 40, 60]) grid.push({ ef, entries });
  result.sweep = await querySearches(k, grid);
  for (const r of result.sweep) log(`  ef ${r.ef} entries ${r.entries}: recall ${r.recall.toFixed(4)}, ${r.seconds.toFixed(3)} s, load ${r.load}`);
}

const sameBits = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
const phaseText = (run) => `total ${run.total.toFixed(3)} s (pca ${run.pca.toFixed(3)}, knn ${run.knn.toFixed(3)}, optimize ${run.optimize.toFixed(3)}; CPU ${run.cpu.toFixed(3)} s)`;
result.againstRuns = [];
for (let r = 0; r < repeats; r++) {
  for (const knn of methods) {
    // with a second build: both builds in turn, the first alternating by round
    const againstFirst = against && r % 2 === 1;
    const before = againstFirst ? await timedTransform(knn, against) : null;
    const run = await timedTransform(knn);
    const other = against ? before ?? await timedTransform(knn, against) : null;
    if (r === 0) run.accuracy = await accuracy(run.z);
    if (other) {
      other.sameBits = sameBits(run.z, other.z);
      delete other.z;
      result.againstRuns.push({ method: knn, ...other });
    }
    delete run.z;
    result.runs.push({ method: knn, ...run });
    log(`${knn}: ${phaseText(run)}${run.accuracy ? `, 10-NN accuracy ${run.accuracy.toFixed(4)}` : ""}, load ${run.load}`);
    if (other) log(`${knn} against: ${phaseText(other)}, same bits ${other.sameBits}, load ${other.load}`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const PHASES = ["total", "pca", "knn", "optimize", "cpu"];
result.summary = {};
for (const knn of methods) {
  const runs = result.runs.filter((r) => r.method === knn);
  result.summary[knn] = Object.fromEntries(PHASES.map((f) => [f, median(runs.map((r) => r[f]))]));
  if (against) {
    const others = result.againstRuns.filter((r) => r.method === knn);
    const medians = Object.fromEntries(PHASES.map((f) => [f, median(others.map((r) => r[f]))]));
    result.summary[`${knn} against`] = { ...medians, sameBits: others.every((r) => r.sameBits) };
    const ratios = PHASES.map((f) => `${f} ${(medians[f] / result.summary[knn][f]).toFixed(2)}×`).join(", ");
    log(`${knn}, medians of ${repeats}, against / this: ${ratios}; same bits in every run: ${result.summary[`${knn} against`].sameBits}`);
  }
}
if (result.summary.exact && result.summary.nndescent) {
  result.summary.ratioTotal = result.summary.exact.total / result.summary.nndescent.total;
  result.summary.ratioKnn = result.summary.exact.knn / result.summary.nndescent.knn;
  log(`medians of ${repeats}: exact ${result.summary.exact.total.toFixed(3)} s, graph ${result.summary.nndescent.total.toFixed(3)} s; exact/graph ×${result.summary.ratioTotal.toFixed(2)} total, ×${result.summary.ratioKnn.toFixed(1)} kNN`);
}
log(`model ${(bytes.length / 2 ** 20).toFixed(1)} MiB, load ${loadSeconds.toFixed(3)} s`);
console.log(JSON.stringify(result, null, 1));
model.destroy();
against?.destroy();
