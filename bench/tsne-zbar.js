// Neg-t-SNE at t-SNE's partition function (zBar "tsne"; the paper's Fig. 1f): how close its layout lies to the
// t-SNE layout of the same data, against Neg-t-SNE at the default Z̄ (s = 0, Z̄ = 100·n). For each data set and
// seed: a t-SNE fit (loss "tsne"), then Neg-t-SNE four ways, each compared with that t-SNE layout by
//  - the 15-NN overlap: the fraction of each point's 15 nearest neighbours in the t-SNE layout that are among
//    its 15 nearest in the other layout (exact search in 2-D), averaged over points;
//  - the scale ratio: the layout's standard deviation (over both coordinates, about its mean), and its median
//    distance between 20,000 random pairs, each divided by the t-SNE layout's;
// and with the data by recall@15 (against the exact 15-NN of the data, in its PCA-50 space when wider than
// 100 columns, both from the library's pca() and exact knn()) and leave-one-out 10-NN accuracy.
//   node bench/tsne-zbar.js [--data digits,fashion-mnist] [--n 10000] [--seeds 1] [--threads 2]
// The rows: "neg s = 0" is embed() with the defaults; "neg zBar tsne" is embed({ zBar: "tsne" }) (its own
// t-SNE fit, then the usual PCA start and early exaggeration at Z̄ = that t-SNE's Z); the two "from t-SNE"
// rows continue the t-SNE handle with optimize({ loss: "neg", … }) for the default 75 epochs, at t-SNE's Z and
// at s = 0, so that the start's share and Z̄'s share of the closeness can be told apart.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { mulberry32 } from "./lib/knn-data.js";
import { machineInfo } from "./lib/machine.js";
import { ROOT_DIR } from "./lib/paths.js";

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const datasets = flag("data", "digits,fashion-mnist").split(",");
const fashionN = Number(flag("n", 10000));
const seeds = flag("seeds", "1").split(",").map(Number);
const threads = Number(flag("threads", 2));
const lib = await import(pathToFileURL(join(ROOT_DIR, "dist/index.js")).href);
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");
const quiet = { onWarning: () => {} };

function digits() {
  const text = gunzipSync(readFileSync(join(ROOT_DIR, "data/digits.csv.gz"))).toString("utf8").trim();
  const rows = text.split("\n");
  const dim = 64, n = rows.length;
  const values = new Float32Array(n * dim), labels = new Int32Array(n);
  rows.forEach((line, i) => {
    const fields = line.split(",").map(Number);
    values.set(fields.slice(0, dim), i * dim);
    labels[i] = fields[dim];
  });
  return { name: "digits", values, labels, n, dim };
}

function fashion(n) {
  ensureDataset("fashion-mnist");
  const d = loadDataset("fashion-mnist", n);
  return { name: `Fashion-MNIST ${n / 1000}k`, values: d.values, labels: Int32Array.from(d.labels), n, dim: d.dim };
}

/** The exact 15-NN of the data (in its PCA-50 space above 100 columns): recall@15's oracle. */
async function dataNeighbours(d) {
  const space = d.dim > 100 ? await lib.pca(d.values, { n: d.n, dim: d.dim, nComponents: 50, seed: 0, threads }) : d.values;
  const found = await lib.knn(space, { n: d.n, dim: d.dim > 100 ? 50 : d.dim, k: 15, method: "exact", threads });
  return found.indices;
}

const layoutNeighbours = async (y) => (await lib.knn(y, { dim: 2, k: 15, method: "exact", threads })).indices;

function std(y) {
  const n = y.length / 2;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += y[2 * i]; my += y[2 * i + 1]; }
  mx /= n; my /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (y[2 * i] - mx) ** 2 + (y[2 * i + 1] - my) ** 2;
  return Math.sqrt(s / (2 * n));
}

/** Median distance between the same 20,000 random pairs (seeded) of every layout. */
function medianPairDistance(y) {
  const n = y.length / 2, next = mulberry32(7), d = new Float64Array(20000);
  for (let t = 0; t < d.length; t++) {
    const i = Math.floor(next() * n);
    let j = Math.floor(next() * (n - 1));
    if (j >= i) j++;
    d[t] = Math.hypot(y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]);
  }
  d.sort();
  return (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
}

async function timed(run) {
  const start = performance.now();
  const out = await run();
  return { ...out, seconds: (performance.now() - start) / 1000 };
}

const rows = [];
console.log(JSON.stringify({ machine: machineInfo(), threads, seeds, load: load() }));
for (const name of datasets) {
  const d = name === "digits" ? digits() : fashion(fashionN);
  const high = await dataNeighbours(d);
  const base = { dim: d.dim, threads, ...quiet };
  for (const seed of seeds) {
    const loadBefore = load();
    // t-SNE, then the two warm starts from its layout on the same handle
    const tsne = lib.createEmbedding(d.values, { ...base, loss: "tsne", seed });
    const t = await timed(async () => ({ y: await tsne.run(), zBar: tsne.tsnePartitionFunction }));
    const tsneLayout = t.y;
    const warmAtZ = await timed(async () => {
      const y = await tsne.optimize({ loss: "neg", zBar: "tsne" });
      return { y, zBar: tsne.settings.zBar };
    });
    tsne.destroy();
    const warm0 = await timed(async () => {
      const again = lib.createEmbedding(d.values, { ...base, loss: "tsne", seed });
      await again.run();
      const y = await again.optimize({ loss: "neg", s: 0 });
      const zBar = again.settings.zBar;
      again.destroy();
      return { y, zBar };
    });
    const cold0 = await timed(async () => {
      const e = lib.createEmbedding(d.values, { ...base, seed });
      const y = await e.run();
      const zBar = e.settings.zBar;
      e.destroy();
      return { y, zBar };
    });
    const coldAtZ = await timed(async () => {
      const e = lib.createEmbedding(d.values, { ...base, zBar: "tsne", seed });
      const y = await e.run();
      const zBar = e.settings.zBar;
      e.destroy();
      return { y, zBar };
    });
    // the t-SNE fit's time is counted in both "from t-SNE" rows' (the second refits it: same seed, same bits)
    warmAtZ.seconds += t.seconds;
    const tsneNeighbours = await layoutNeighbours(tsneLayout);
    const tsneStd = std(tsneLayout), tsneMedian = medianPairDistance(tsneLayout);
    const runs = [
      ["t-SNE (loss \"tsne\")", t],
      ["neg s = 0 (Z̄ = 100·n)", cold0],
      ["neg zBar \"tsne\" (PCA start)", coldAtZ],
      ["neg at t-SNE's Z from the t-SNE layout", warmAtZ],
      ["neg s = 0 from the t-SNE layout", warm0],
    ];
    for (const [method, r] of runs) {
      const q = await lib.embeddingQuality(r.y, 2, { highIndices: high, labels: d.labels, threads });
      const row = {
        data: d.name, n: d.n, seed, method, seconds: r.seconds, zBar: r.zBar,
        overlap: r === t ? 1 : lib.knnRecall(tsneNeighbours, await layoutNeighbours(r.y), d.n, 15),
        stdRatio: std(r.y) / tsneStd, medianRatio: medianPairDistance(r.y) / tsneMedian, std: std(r.y),
        recall: q.recall, accuracy: q.accuracy, loadBefore, loadAfter: load(),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
}

const f = (v, digits = 3) => (v === undefined ? "–" : v.toFixed(digits));
console.log("\n| data | seed | layout | Z̄ (/n) | 15-NN overlap with t-SNE | std ratio | median-distance ratio | recall@15 | 10-NN acc | s |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const z = r.zBar === undefined ? "–" : `${r.zBar.toExponential(2)} (${f(r.zBar / r.n, 1)})`;
  console.log(`| ${r.data} | ${r.seed} | ${r.method} | ${z} | ${f(r.overlap)} | ${f(r.stdRatio, 2)} | ${f(r.medianRatio, 2)} | ${f(r.recall)} | ${f(r.accuracy)} | ${f(r.seconds, 1)} |`);
}
console.log(`load at the end: ${load()}`);
