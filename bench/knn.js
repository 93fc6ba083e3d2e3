// kNN benchmark: exact kNN (k = 15) of every row on 10,000 × 50 and 70,000 × 50 clustered data, for our exact
// SIMD kernel on 1 thread (simd build) and 2 threads (threads build), a plain-JS brute-force loop, hnswlib-wasm
// (build and queries timed apart, recall against our exact result) and our approximate kNN when the build
// has it. Every method runs in the same process on the same data; each call is timed with performance.now().
//
//   node bench/knn.js            full run; writes the kNN section of bench/RESULTS.md
//   node bench/knn.js --quick    10,000 rows only, one repeat each; prints, writes nothing
//   options: --note "text"       a line added under the table (e.g. what else ran on the machine)
//
// Needs the built package (npm run build).
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { knn } from "../dist/index.js";
import { Core } from "../dist/core/core.js";
import { buildHnswIndex, HNSW_DEFAULTS, loadHnswlib, queryHnswIndex } from "../dist/knn/hnsw.js";
import { CLUSTER_DATA, clusteredData } from "./lib/knn-data.js";
import { plainJsKnn } from "./lib/knn-plainjs.js";
import { machine, recallAtK, timed, writeSection } from "./lib/knn-report.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const noteAt = args.indexOf("--note");
const note = noteAt >= 0 ? args[noteAt + 1] : undefined;

const DIM = 50;
const K = 15;
const SEED = 42;
/** Per size: repeats for the fast methods (median taken), and how many query rows the plain-JS loop does. */
const PLAN = quick
  ? [{ n: 10_000, repeats: 1, jsRows: 1_000 }]
  : [
      { n: 10_000, repeats: 3, jsRows: 10_000 },
      { n: 70_000, repeats: 1, jsRows: 2_000 },
    ];
const resultsPath = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const nndescentBuilt = existsSync(fileURLToPath(new URL("../dist/knn/nndescent.js", import.meta.url)));

const s = (ms) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const log = (msg) => process.stderr.write(`${msg}\n`);

async function benchSize({ n, repeats, jsRows }) {
  const rows = [];
  const notes = [];
  log(`n = ${n}: generating data`);
  const data = clusteredData(n, DIM, SEED);
  const opts = { n, dim: DIM, k: K };

  log("  exact, 1 thread");
  const one = await timed(repeats, () => knn(data, { ...opts, threads: 1 }));
  rows.push({ method: "cne-wasm exact, simd build", threads: 1, total: one.ms, recall: 1 });
  log("  exact, 2 threads");
  const two = await timed(repeats, () => knn(data, { ...opts, threads: 2 }));
  rows.push({ method: "cne-wasm exact, threads build", threads: 2, total: two.ms, recall: 1 });
  const exact = one.result;
  const same = two.result.indices.every((v, i) => v === exact.indices[i]) && two.result.distances.every((v, i) => v === exact.distances[i]);
  if (!same) notes.push("the 2-thread exact result differed from the 1-thread one (it should be bit-identical)");

  log(`  plain JS, ${jsRows} query rows`);
  const js = await timed(1, () => plainJsKnn(data, n, DIM, K, 0, jsRows));
  const jsExtrapolated = jsRows < n;
  rows.push({
    method: jsExtrapolated ? `plain JS loop (${jsRows.toLocaleString("en")} rows timed, ×${(n / jsRows).toFixed(0)} extrapolated)` : "plain JS loop",
    threads: 1,
    total: (js.ms * n) / jsRows,
    recall: recallAtK(js.result.indices, exact.indices, jsRows, K),
    estimated: jsExtrapolated,
  });

  log("  hnswlib-wasm");
  const lib = await loadHnswlib();
  let build = [], query = [], hnswRecall = 0;
  for (let r = 0; r < repeats; r++) {
    let t0 = performance.now();
    const index = await buildHnswIndex(lib, data, n, DIM, { seed: SEED });
    build.push(performance.now() - t0);
    t0 = performance.now();
    const res = await queryHnswIndex(index, data, n, DIM, K, {});
    query.push(performance.now() - t0);
    index.delete();
    hnswRecall = recallAtK(res.indices, exact.indices, n, K);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  rows.push({
    method: `hnswlib-wasm 0.8.2 (M ${HNSW_DEFAULTS.M}, efC ${HNSW_DEFAULTS.efConstruction}, ef ${HNSW_DEFAULTS.efSearch})`,
    threads: 1,
    build: med(build),
    query: med(query),
    total: med(build) + med(query),
    recall: hnswRecall,
  });

  if (nndescentBuilt) {
    log("  cne-wasm nndescent");
    try {
      const nd = await timed(repeats, () => knn(data, { ...opts, threads: 2, method: "nndescent" }));
      rows.push({ method: "cne-wasm NN-descent", threads: 2, total: nd.ms, recall: recallAtK(nd.result.indices, exact.indices, n, K) });
    } catch (e) {
      notes.push(`NN-descent is built but knn({ method: "nndescent" }) failed: ${e.message}`);
    }
  }
  return { n, repeats, rows, notes, exact2: two.ms };
}

function table(results) {
  const lines = [
    "| n | method | threads | build s | query s | total s | × exact 2 threads | recall@15 |",
    "|---:|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { n, rows, exact2 } of results) {
    for (const r of rows) {
      const tilde = r.estimated ? "≈ " : "";
      lines.push(
        `| ${n.toLocaleString("en")} | ${r.method} | ${r.threads} | ${r.build === undefined ? "" : s(r.build)} | ` +
          `${r.query === undefined ? "" : s(r.query)} | ${tilde}${s(r.total)} | ${tilde}${(r.total / exact2).toFixed(2)} | ${r.recall.toFixed(3)} |`,
      );
    }
  }
  return lines.join("\n");
}

// The rows name the build each thread count runs on: check that 2 threads really get the threads build.
for (const [threads, build] of [[1, "simd"], [2, "threads"]]) {
  const core = await Core.create(threads);
  const got = `${core.build}/${core.threads}`;
  core.destroy();
  if (got !== `${build}/${threads}`) throw new Error(`expected the ${build} build with ${threads} thread(s), got ${got}`);
}

// Warm-up: compile both builds and load hnswlib-wasm once, outside the timings.
await knn(clusteredData(200, DIM, 1), { n: 200, dim: DIM, k: K, threads: 1 });
await knn(clusteredData(200, DIM, 1), { n: 200, dim: DIM, k: K, threads: 2 });
let t0 = performance.now();
await loadHnswlib();
const hnswLoadMs = performance.now() - t0;

const m = machine();
const loadBefore = os.loadavg();
const started = new Date();
const results = [];
for (const plan of PLAN) results.push(await benchSize(plan));
const loadAfter = os.loadavg();

const command = `node bench/knn.js${quick ? " --quick" : ""}`;
const body = [
  "## kNN: exact and approximate, k = 15",
  "",
  `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`${command}\` on ${m.cpu}, ` +
    `${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB memory, Node ${m.node} (${m.platform}). ` +
    `Load average (1 min) ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after.`,
  "",
  `Data: ${CLUSTER_DATA.clusters} Gaussian clusters in ${DIM} dimensions, each a random linear image of a ` +
    `${CLUSTER_DATA.latentDim}-dimensional standard Gaussian around a centre drawn from N(0, ${CLUSTER_DATA.centreSd}²), ` +
    `plus N(0, ${CLUSTER_DATA.noiseSd}²) noise (bench/lib/knn-data.js, seed ${SEED}). All neighbours of every row, self excluded.`,
  "",
  table(results),
  "",
  `- Each time is the median of ${results.map((r) => `${r.repeats} at ${r.n.toLocaleString("en")}`).join(", ")} ` +
    "call(s), wall clock with `performance.now()` around the call, in one Node process. Our rows time the public " +
    "`knn()` call, including copying the data in and starting the 2 workers; the builds are compiled once before timing.",
  "- × exact 2 threads: the row's total time divided by our 2-thread exact time at the same n.",
  "- Plain JS: the straightforward double loop with a sorted top-k array (bench/lib/knn-plainjs.js). Where rows " +
    "are marked extrapolated, only the first rows were timed against all n rows and the time scaled linearly to n " +
    "(each query row costs the same); its recall is over the timed rows.",
  `- hnswlib-wasm: through bindings/knn/hnsw.ts (one point per \`addPoint\`, one \`searchKnn\` of k + 1 per row, ` +
    `self dropped), single thread; loading its wasm took ${s(hnswLoadMs)} s once and is not in the table. ` +
    "Recall@15 is against our exact result.",
  nndescentBuilt ? "" : "- Our approximate kNN (NN-descent) was not in the build when this was measured.",
  ...results.flatMap((r) => r.notes.map((x) => `- n = ${r.n}: ${x}`)),
  note ? `- ${note}` : "",
]
  .filter((line, i, all) => line !== "" || (i > 0 && all[i - 1] !== "" && !all[i - 1].startsWith("- ")))
  .join("\n");

console.log(body);
if (!quick) {
  writeSection(resultsPath, body);
  log(`\nwritten to ${resultsPath}`);
}
