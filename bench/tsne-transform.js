// The transform of new points into a t-SNE layout (loss "tsne"), and the choice of its schedule: fit t-SNE on
// Fashion-MNIST's first --n training rows (or digits' first 1,500 rows), place --held test rows (digits: the
// other 297), and report for each schedule the held-out rows' 10-NN label accuracy against the training layout
// (next to the training layout's own leave-one-out accuracy), their mean distance to their nearest training
// point's position, the time, and the load average. The fitted model is cached in bench/.cache.
//
//   node bench/tsne-transform.js [--data fashion-mnist|digits] [--n 10000] [--held 2000] [--threads 2] [--refit]
//
// Needs the built package (npm run build).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { createEmbedding, loadModel } from "../dist/index.js";
import { TSNE_TRANSFORM_DEFAULTS } from "../dist/tsne/place.js";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const which = opt("data", "fashion-mnist");
const threads = Number(opt("threads", "2"));
const log = (m) => process.stderr.write(`${m}\n`);
const load1 = () => loadavg()[0].toFixed(2);

let dim, train, held, trainLabels, heldLabels;
if (which === "digits") {
  const rows = gunzipSync(readFileSync(join(ROOT_DIR, "data/digits.csv.gz"))).toString("utf8").trim().split("\n");
  dim = 64;
  const values = new Float32Array(rows.length * dim);
  const labels = rows.map((l) => Number(l.split(",")[dim]));
  rows.forEach((l, i) => values.set(l.split(",").slice(0, dim).map(Number), i * dim));
  train = values.subarray(0, 1500 * dim);
  held = values.slice(1500 * dim);
  trainLabels = labels.slice(0, 1500);
  heldLabels = labels.slice(1500);
} else {
  const n = Number(opt("n", "10000")), m = Number(opt("held", "2000"));
  ensureDataset("fashion-mnist", log);
  const all = loadDataset("fashion-mnist", 70000);
  dim = 784;
  train = all.values.subarray(0, n * dim);
  trainLabels = Array.from(all.labels.subarray(0, n));
  // held-out rows from the test part (rows 60,000 on)
  held = all.values.slice(60000 * dim, (60000 + m) * dim);
  heldLabels = Array.from(all.labels.subarray(60000, 60000 + m));
}
const nTrain = trainLabels.length;

const file = join(CACHE_DIR, `tsne-transform-${which}-${nTrain}.cne`);
let bytes;
if (!args.includes("--refit") && existsSync(file)) {
  bytes = new Uint8Array(readFileSync(file));
} else {
  log(`fitting t-SNE on ${nTrain} rows (${threads} threads)`);
  const e = createEmbedding(train, { dim, loss: "tsne", threads, seed: 0, onWarning: () => {} });
  const t0 = performance.now();
  await e.run();
  log(`fit: ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${load1()}`);
  bytes = e.save();
  e.destroy();
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, bytes);
}
const model = await loadModel(bytes, { threads });
const layout = model.embedding;

/** Majority label of each query's 10 nearest layout points (skipping itself when `self`): O(n) per query. */
function accuracy(queries, labels, self) {
  let correct = 0, nearest = 0;
  const bestD = new Float64Array(10), bestJ = new Int32Array(10);
  for (let i = 0; i < labels.length; i++) {
    const x = queries[2 * i], y = queries[2 * i + 1];
    bestD.fill(Infinity);
    for (let j = 0; j < nTrain; j++) {
      if (self && j === i) continue;
      const dx = x - layout[2 * j], dy = y - layout[2 * j + 1], d = dx * dx + dy * dy;
      if (d >= bestD[9]) continue;
      let t = 9;
      for (; t > 0 && bestD[t - 1] > d; t--) { bestD[t] = bestD[t - 1]; bestJ[t] = bestJ[t - 1]; }
      bestD[t] = d;
      bestJ[t] = j;
    }
    const votes = new Map();
    for (let t = 0; t < 10; t++) votes.set(trainLabels[bestJ[t]], (votes.get(trainLabels[bestJ[t]]) ?? 0) + 1);
    let best = -1, count = -1;
    for (const [label, c] of votes) if (c > count || (c === count && label < best)) { best = label; count = c; }
    correct += best === labels[i] ? 1 : 0;
    nearest += Math.sqrt(bestD[0]);
  }
  return { accuracy: correct / labels.length, nearest: nearest / labels.length };
}

const own = accuracy(layout, trainLabels, true);
console.log(`# t-SNE transform, ${which}: ${nTrain} fitted rows, ${heldLabels.length} held out; ${threads} threads; ${JSON.stringify(machineInfo())}`);
console.log(`fitted layout's own 10-NN accuracy (leave-one-out): ${own.accuracy.toFixed(4)}`);
console.log("| schedule | iterations | rate | early (fraction × ρ) | exaggeration | max grad | perplexity | held-out 10-NN acc | mean distance to nearest | s | load |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");

const base = { ...TSNE_TRANSFORM_DEFAULTS };
const schedules = [
  ["defaults", {}, {}],
  ["no optimisation (median start)", {}, { nEpochs: 0 }],
  ["no early phase", { earlyFraction: 0 }, {}],
  ["openTSNE's (ρ 1.5, no early phase, perplexity 5)", { earlyFraction: 0, exaggeration: 1.5 }, { perplexity: 5 }],
  ["perplexity 5", {}, { perplexity: 5 }],
  ["100 iterations", {}, { nEpochs: 100 }],
  ["500 iterations", {}, { nEpochs: 500 }],
  ["rate 0.05", {}, { learningRate: 0.05 }],
  ["rate 0.5", {}, { learningRate: 0.5 }],
  ["early ρ 12", { earlyExaggeration: 12 }, {}],
  ["no gradient clipping", { maxGrad: 0 }, {}],
  ["mean start", {}, { init: "mean" }],
];
for (const [name, schedule, options] of schedules) {
  Object.assign(TSNE_TRANSFORM_DEFAULTS, base, schedule);
  const t0 = performance.now();
  const placed = await model.transform(held, options);
  const seconds = (performance.now() - t0) / 1000;
  const s = { ...TSNE_TRANSFORM_DEFAULTS };
  const r = accuracy(placed, heldLabels, false);
  console.log(`| ${name} | ${options.nEpochs ?? s.nEpochs} | ${options.learningRate ?? s.learningRate} | ${s.earlyFraction} × ${s.earlyExaggeration} | ${s.exaggeration} | ${s.maxGrad} | ${options.perplexity ?? "fit's"} | ${r.accuracy.toFixed(4)} | ${r.nearest.toFixed(3)} | ${seconds.toFixed(2)} | ${load1()} |`);
}
Object.assign(TSNE_TRANSFORM_DEFAULTS, base);
model.destroy();
