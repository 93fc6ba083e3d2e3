// The parametric mode on Fashion-MNIST (SPEC §4), three measurements:
//   quality: recall@15 of the parametric layout against the non-parametric one on the first 10,000 training
//            rows, at the same loss, s and negatives (exact PCA-50 neighbours as the reference);
//   heldout: train on the 60,000 training rows, transform the 10,000 test rows, 10-NN accuracy of each test
//            point classified by the training points in 2-D; training time on the given threads;
//   threads: forward (transform) and training rows per second on 1 and 2 threads, in the same process.
// Prints a Markdown report; --write puts it into bench/RESULTS.md between its markers.
//
//   node bench/parametric.js [--suites quality,heldout,threads] [--threads 2] [--epochs E] [--batch B]
//                            [--lr R] [--negatives M] [--ee true|false] [--seed S] [--write]

import { loadavg } from "node:os";
import { join } from "node:path";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { BENCH_DIR } from "./lib/paths.js";
import { ensureReference } from "./lib/reference.js";
import { writeMarkedSection } from "./lib/knn-report.js";

const DATASET = "fashion-mnist";
const TRAIN = 60000, TEST = 10000, QUALITY_N = 10000;

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const numberFlag = (name) => (flag(name) === undefined ? undefined : Number(flag(name)));

const lib = await import("../dist/index.js");
const threads = Number(flag("threads", 2));
const seed = Number(flag("seed", 1));
const suites = flag("suites", "quality,heldout,threads").split(",");
// parametric settings given on the command line (the defaults otherwise)
const tuned = Object.fromEntries(
  [["nEpochs", numberFlag("epochs")], ["batchSize", numberFlag("batch")], ["learningRate", numberFlag("lr")], ["negativeSamples", numberFlag("negatives")],
   ["earlyExaggeration", flag("ee") === undefined ? undefined : flag("ee") === "true"]]
    .filter(([, v]) => v !== undefined),
);
const log = (...a) => console.error(...a);
const load = () => loadavg()[0].toFixed(1);
const lines = [];
const out = (s = "") => {
  lines.push(s);
  console.log(s);
};

/** Rows [begin, end) of the cached data set. */
function rows(all, begin, end) {
  return { values: all.values.subarray(begin * all.dim, end * all.dim), labels: all.labels.subarray(begin, end), n: end - begin, dim: all.dim };
}

async function timedRun(handle) {
  const stages = {};
  let last = performance.now(), stage = "setup";
  const t0 = last;
  const y = await handle.run({
    onProgress: (_f, s) => {
      if (s === stage) return;
      const now = performance.now();
      stages[stage] = (stages[stage] ?? 0) + (now - last) / 1000;
      last = now;
      stage = s;
    },
  });
  const now = performance.now();
  stages[stage] = (stages[stage] ?? 0) + (now - last) / 1000;
  return { y, seconds: (now - t0) / 1000, stages };
}

async function recall(reference, y, n) {
  const low = await lib.knn(y, { n, dim: 2, k: 15, threads });
  return lib.knnRecall(reference, low.indices, n, 15);
}

/** 10-NN majority vote of each query point among the base points (2-D, exact; ties to the smaller label). */
function classify(base, baseLabels, query, queryLabels, k = 10) {
  const nb = baseLabels.length, nq = queryLabels.length;
  const bestD = new Float64Array(k), bestI = new Int32Array(k), votes = new Int32Array(256);
  let correct = 0;
  for (let q = 0; q < nq; q++) {
    const x = query[2 * q], yq = query[2 * q + 1];
    bestD.fill(Infinity);
    for (let j = 0; j < nb; j++) {
      const dx = base[2 * j] - x, dy = base[2 * j + 1] - yq, d = dx * dx + dy * dy;
      if (d >= bestD[k - 1]) continue;
      let t = k - 1;
      while (t > 0 && bestD[t - 1] > d) {
        bestD[t] = bestD[t - 1];
        bestI[t] = bestI[t - 1];
        t--;
      }
      bestD[t] = d;
      bestI[t] = j;
    }
    let best = -1, bestVotes = 0;
    for (let t = 0; t < k; t++) {
      const l = baseLabels[bestI[t]];
      votes[l]++;
      if (votes[l] > bestVotes || (votes[l] === bestVotes && l < best)) {
        bestVotes = votes[l];
        best = l;
      }
    }
    for (let t = 0; t < k; t++) votes[baseLabels[bestI[t]]] = 0;
    if (best === queryLabels[q]) correct++;
  }
  return correct / nq;
}

const settingsText = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ") || "defaults";

async function quality(all) {
  const data = rows(all, 0, QUALITY_N);
  const reference = (await ensureReference(lib, DATASET, data, log)).indices;
  const negatives = tuned.negativeSamples ?? 5;
  out(`### Recall@15 on the first ${QUALITY_N.toLocaleString("en")} training rows (loss neg, s = 0, ${negatives} negatives, seed ${seed}, ${threads} threads)`);
  out();
  out("| layout | settings | recall@15 | 10-NN accuracy | seconds | load |");
  out("|---|---|---|---|---|---|");
  const runs = [
    ["non-parametric", () => lib.createEmbedding(data.values, { dim: data.dim, seed, threads, negativeSamples: negatives }), `negativeSamples ${negatives}, other defaults`],
    ["parametric", () => lib.createParametricEmbedding(data.values, { dim: data.dim, seed, threads, ...tuned }), settingsText(tuned)],
  ];
  const results = {};
  for (const [name, make, text] of runs) {
    const before = load();
    const h = make();
    const { y, seconds } = await timedRun(h);
    h.destroy();
    const r = await recall(reference, y, data.n);
    const acc = await lib.knnAccuracy(y, 2, data.labels, { k: 10 });
    results[name] = r;
    out(`| ${name} | ${text} | ${r.toFixed(3)} | ${acc.toFixed(3)} | ${seconds.toFixed(1)} | ${before}–${load()} |`);
  }
  out();
  out(`Difference (non-parametric − parametric): ${(results["non-parametric"] - results.parametric).toFixed(3)}`);
  out();
}

async function heldout(all) {
  const train = rows(all, 0, TRAIN), test = rows(all, TRAIN, TRAIN + TEST);
  out(`### Train on ${TRAIN.toLocaleString("en")}, transform the ${TEST.toLocaleString("en")} test rows (${threads} threads, seed ${seed}, ${settingsText(tuned)})`);
  out();
  const before = load();
  const h = lib.createParametricEmbedding(train.values, { dim: train.dim, seed, threads, ...tuned });
  const { y, seconds, stages } = await timedRun(h);
  const t0 = performance.now();
  const yTest = await h.transform(test.values);
  const transformSeconds = (performance.now() - t0) / 1000;
  h.destroy();
  const accuracy = classify(y, train.labels, yTest, test.labels);
  const trainAccuracy = await lib.knnAccuracy(y, 2, train.labels, { k: 10 });
  const stageText = Object.entries(stages).map(([s, v]) => `${s} ${v.toFixed(1)}`).join(", ");
  out("| training s (stages) | transform 10k s | test 10-NN accuracy (by training points) | training 10-NN accuracy (leave-one-out) | load |");
  out("|---|---|---|---|---|");
  out(`| ${seconds.toFixed(1)} (${stageText}) | ${transformSeconds.toFixed(2)} | **${accuracy.toFixed(3)}** | ${trainAccuracy.toFixed(3)} | ${before}–${load()} |`);
  out();
}

async function threadScaling(all) {
  const data = rows(all, 0, QUALITY_N), test = rows(all, TRAIN, TRAIN + TEST);
  out(`### Threads (forward = transform of the ${TEST.toLocaleString("en")} test rows, 5 times; training = one epoch on ${QUALITY_N.toLocaleString("en")} rows, b = 1,024: each batch forwards and backpropagates its ≤ 2,048 distinct endpoints)`);
  out();
  out("| threads | forward rows/s | training epoch s | load |");
  out("|---|---|---|---|");
  const rates = {};
  for (const t of [1, 2, 1, 2]) {
    const before = load();
    const h = lib.createParametricEmbedding(data.values, { dim: data.dim, seed, threads: t, nEpochs: 2, batchSize: 1024, earlyExaggeration: false });
    await h.step(1); // prepare (PCA, kNN, graph) and one epoch, untimed
    let started = performance.now();
    await h.step(1); // includes the forward pass of the 10,000 training rows after the step
    const epochSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    for (let r = 0; r < 5; r++) await h.transform(test.values);
    const forwardSeconds = (performance.now() - started) / 1000;
    h.destroy();
    const f = (5 * TEST) / forwardSeconds;
    (rates[t] ??= []).push([f, 1 / epochSeconds]);
    out(`| ${t} | ${Math.round(f).toLocaleString("en")} | ${epochSeconds.toFixed(2)} | ${before}–${load()} |`);
  }
  const best = (t, i) => Math.max(...rates[t].map((r) => r[i]));
  out();
  out(`2 threads / 1 thread (best of two runs each): forward ${(best(2, 0) / best(1, 0)).toFixed(2)}×, training ${(best(2, 1) / best(1, 1)).toFixed(2)}×`);
  out();
}

async function main() {
  ensureDataset(DATASET, log);
  const all = loadDataset(DATASET, TRAIN + TEST);
  const m = machineInfo();
  out(`Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; command: node bench/parametric.js ${process.argv.slice(2).join(" ")}`);
  out();
  // the timed 60,000-row fit first, then the thread comparison, then the 10,000-row quality runs
  if (suites.includes("heldout")) await heldout(all);
  if (suites.includes("threads")) await threadScaling(all);
  if (suites.includes("quality")) await quality(all);
  if (process.argv.includes("--write")) writeMarkedSection(join(BENCH_DIR, "RESULTS.md"), "parametric", ["## Parametric mode (bench/parametric.js)", "", ...lines].join("\n"));
}

await main();
