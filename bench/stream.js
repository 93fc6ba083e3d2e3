// Data past one machine: fit on a sample, then stream-transform every row, here or on a fleet of workerd
// transform workers on this machine. Every fit and transform is a `cne` process under /usr/bin/time -v (wall
// time and peak RSS of the whole process); the rows are bench/lib/data.js's 50-d mixture of low intrinsic
// dimension, written a block at a time into bench/.cache/stream-<n>.npy (never held whole: 10M rows are 2 GB).
//
//   node bench/stream.js [--rows 1000000,10000000] [--train 100000] [--workers 1,2,4] [--threads 1,2]
//                        [--chunk-rows 65536] [--quality] [--parts local,fleet,end-to-end,quality] [--write]
//   (end-to-end is end-to-end-parametric plus end-to-end-non-parametric, each a part of its own too)
//
// Parts (all by default; quality only with --quality or when named in --parts):
//   local       rows/s and peak RSS of `cne transform` of each row count at each thread count, with a
//               parametric model fitted on the first --train rows
//   fleet       rows/s through 1, 2 and 4 workerd processes (examples/edge, one thread each; the client on the
//               same cores) for the smallest row count
//   end-to-end  fit on the smallest row count (a sample: the first rows), transform the largest, for a
//               parametric and a non-parametric model (2 threads)
//   quality     recall@15 (exact neighbours in the data's space) of 10,000 held-out rows among themselves:
//               placed by a model fitted on the first --train rows, against a fit of those rows plus the
//               held-out ones (the same size), for both modes
// --write appends what was measured to bench/RESULTS.md; run the parts separately with --parts, each --write
// adds its own table.
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, openAsBlob, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { dump } from "npyjs";
import { knn } from "../dist/index.js";
import { npyBlocks } from "../dist/io/npy-blocks.js";
import { mixtureBlocks } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { BENCH_DIR, CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const list = (name, fallback) => opt(name, fallback).split(",").map(Number);
const rowCounts = list("rows", "1000000,10000000").sort((a, b) => a - b);
const trainRows = Number(opt("train", "100000"));
const workerCounts = list("workers", "1,2,4");
const threadCounts = list("threads", "1,2");
const chunkRows = Number(opt("chunk-rows", "65536"));
const PARTS = ["local", "fleet", "end-to-end", "end-to-end-parametric", "end-to-end-non-parametric", "quality"];
const parts = new Set(opt("parts", args.includes("--quality") ? "local,fleet,end-to-end,quality" : "local,fleet,end-to-end").split(","));
for (const p of parts) if (!PARTS.includes(p)) throw new Error(`--parts: unknown part "${p}" (${PARTS.join(", ")})`);
if (parts.has("end-to-end")) parts.add("end-to-end-parametric").add("end-to-end-non-parametric");
const DIM = 50;
const HELD_OUT = 10000;
const K = 15;
const log = (m) => process.stderr.write(`${m}\n`);
const load1 = () => loadavg()[0].toFixed(2);
const CLI = join(ROOT_DIR, "dist", "cli", "main.js");
mkdirSync(CACHE_DIR, { recursive: true });
const started = performance.now();

/** The mixture's first n rows as float32 .npy, written a block at a time. */
function mixtureFile(n) {
  const file = join(CACHE_DIR, `stream-${n}.npy`);
  if (existsSync(file)) return file;
  log(`writing ${file}`);
  const fd = openSync(`${file}.tmp`, "w");
  // npyjs writes the header of an n × 50 float32 array (given no values: the blocks follow it)
  writeSync(fd, new Uint8Array(dump(new Float32Array(0), [n, DIM])));
  for (const block of mixtureBlocks(n, 100000, DIM)) writeSync(fd, new Uint8Array(block.values.buffer));
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Rows [from, to) of a .npy, read through the package's block reader. */
async function readRows(file, from, to) {
  const source = await npyBlocks(await openAsBlob(file));
  const out = new Float32Array((to - from) * source.dim);
  let at = 0;
  for await (const block of source.blocks(from)) {
    const take = Math.min(block.n, to - from - at);
    out.set(block.values.subarray(0, take * source.dim), at * source.dim);
    at += take;
    if (at === to - from) break;
  }
  return out;
}

/** The float32 values of a .npy written by `cne`. */
async function readAll(file) {
  const source = await npyBlocks(await openAsBlob(file));
  return readRows(file, 0, source.rows);
}

/** Runs `cne …` under /usr/bin/time -v: wall seconds and peak RSS (MB) of the process. */
function cne(cliArgs) {
  return new Promise((resolve, reject) => {
    const p = spawn("/usr/bin/time", ["-v", process.execPath, CLI, ...cliArgs], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`cne ${cliArgs.join(" ")} exited ${code}: ${err.slice(-800)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
      const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
      const rssMB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN) / 1024;
      resolve({ seconds, rssMB, load: load1() });
    });
  });
}

const fmt = (n) => Math.round(n).toLocaleString("en");
const throughput = [];
const record = (what, n, r) => {
  throughput.push({ what, n, ...r });
  log(`${what}: ${fmt(n)} rows in ${r.seconds.toFixed(1)} s = ${fmt(n / r.seconds)} rows/s, peak RSS ${fmt(r.rssMB)} MB, load ${r.load}`);
};
const timings = {};
async function part(name, body) {
  if (!parts.has(name)) return;
  const t0 = performance.now();
  await body();
  timings[name] = (performance.now() - t0) / 1000;
  log(`part ${name}: ${timings[name].toFixed(0)} s`);
}

/** A model fitted by `cne fit` on the first `n` rows (cached), with the fit's time when it ran now. */
async function fittedModel(n, parametric, extra = []) {
  const file = join(CACHE_DIR, `stream-model-${parametric ? "parametric" : "embedding"}-${n}.cne`);
  if (existsSync(file)) return { file, fit: null };
  const fit = await cne(["fit", mixtureFile(n), ...(parametric ? ["--parametric"] : []), "--save-model", file, "--seed", "0", "--threads", "2", "--quiet", ...extra]);
  log(`${parametric ? "parametric" : "non-parametric"} fit on ${fmt(n)} rows: ${fit.seconds.toFixed(1)} s, peak RSS ${fmt(fit.rssMB)} MB`);
  return { file, fit };
}

const smallest = rowCounts[0], largest = rowCounts[rowCounts.length - 1];
let throughputModel;

await part("local", async () => {
  throughputModel ??= await fittedModel(trainRows, true);
  for (const n of rowCounts) {
    for (const threads of threadCounts) {
      const out = join(CACHE_DIR, `stream-out-${n}-${threads}.npy`);
      record(`local, ${threads} thread${threads > 1 ? "s" : ""}`, n, await cne(["transform", throughputModel.file, mixtureFile(n), "--out", out, "--chunk-rows", String(chunkRows), "--threads", String(threads), "--quiet", "--no-resume"]));
      rmSync(out, { force: true });
    }
  }
});

await part("fleet", async () => {
  throughputModel ??= await fittedModel(trainRows, true);
  // the edge example bundled against this repository's built package
  const edgeDir = join(CACHE_DIR, "stream-edge");
  rmSync(edgeDir, { recursive: true, force: true });
  cpSync(join(ROOT_DIR, "examples", "edge"), edgeDir, { recursive: true, filter: (s) => !/[/\\](build|model\.cne)$/.test(s) });
  cpSync(throughputModel.file, join(edgeDir, "model.cne"));
  mkdirSync(join(edgeDir, "node_modules"), { recursive: true });
  symlinkSync(ROOT_DIR, join(edgeDir, "node_modules", "cne-wasm"));
  const { bundleEdgeWorker } = await import(join(ROOT_DIR, "examples", "edge", "build.js"));
  await bundleEdgeWorker(edgeDir);
  const { serveWorkerdConfig } = await import(join(ROOT_DIR, "test", "runtimes", "workerd.js"));
  for (const count of workerCounts) {
    const workers = await Promise.all(Array.from({ length: count }, () => serveWorkerdConfig(join(edgeDir, "config.capnp"), { timeoutMs: 60000 })));
    try {
      const out = join(CACHE_DIR, `stream-fleet-${count}.npy`);
      const endpoints = workers.flatMap((w) => ["--endpoint", `${w.origin}/`]);
      // blocks of 8,192 rows × 50 float32 = 1.6 MB a request, well inside the worker's body limit and memory budget
      record(`fleet of ${count} workerd`, smallest, await cne(["transform", throughputModel.file, mixtureFile(smallest), "--out", out, "--chunk-rows", "8192", "--concurrency", "2", "--quiet", "--no-resume", ...endpoints]));
      rmSync(out, { force: true });
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  }
});

const endToEnd = [];
for (const parametric of [true, false]) await part(`end-to-end-${parametric ? "" : "non-"}parametric`, async () => {
  if (smallest === largest) throw new Error("end-to-end: give two row counts (--rows SAMPLE,ALL): fit on the first, transform the second");
  const model = join(CACHE_DIR, `stream-e2e-${parametric ? "parametric" : "embedding"}.cne`);
  const input = mixtureFile(smallest), all = mixtureFile(largest);
  const fit = await cne(["fit", input, ...(parametric ? ["--parametric"] : []), "--save-model", model, "--seed", "0", "--threads", "2", "--quiet"]);
  const out = join(CACHE_DIR, "stream-e2e-out.npy");
  const transform = await cne(["transform", model, all, "--out", out, "--chunk-rows", String(chunkRows), "--threads", "2", "--quiet", "--no-resume"]);
  rmSync(out, { force: true });
  rmSync(model, { force: true });
  endToEnd.push({ mode: parametric ? "parametric" : "non-parametric", fit, transform });
  log(`end to end, ${parametric ? "parametric" : "non-parametric"}: fit ${fmt(smallest)} rows ${fit.seconds.toFixed(1)} s (peak ${fmt(fit.rssMB)} MB), transform ${fmt(largest)} rows ${transform.seconds.toFixed(1)} s (peak ${fmt(transform.rssMB)} MB), total ${(fit.seconds + transform.seconds).toFixed(1)} s`);
});

/** recall@K of each row's K nearest among the rows in `low` (2-D) against their K nearest in the data. */
function recall(high, low) {
  let hit = 0;
  for (let i = 0; i < high.length / K; i++) {
    const s = new Set(high.subarray(i * K, i * K + K));
    for (let t = 0; t < K; t++) if (s.has(low[i * K + t])) hit++;
  }
  return hit / high.length;
}

const quality = [];
await part("quality", async () => {
  const n = trainRows + HELD_OUT;
  const heldOut = await readRows(mixtureFile(n), trainRows, n);
  const heldFile = join(CACHE_DIR, `stream-heldout-${trainRows}.npy`);
  writeFileSync(heldFile, new Uint8Array(dump(heldOut, [HELD_OUT, DIM])));
  const high = await knn(heldOut, { dim: DIM, k: K, method: "exact", threads: 2 });
  for (const parametric of [true, false]) {
    const model = await fittedModel(trainRows, parametric);
    const placedFile = join(CACHE_DIR, "stream-heldout-placed.npy");
    await cne(["transform", model.file, heldFile, "--out", placedFile, "--threads", "2", "--quiet", "--no-resume"]);
    const placed = await readAll(placedFile);
    // the same mode fitted on the training rows and the held-out ones: its layout of the held-out rows
    const layoutFile = join(CACHE_DIR, "stream-heldout-fit.npy");
    const whole = join(CACHE_DIR, "stream-heldout-fit.cne");
    await cne(["fit", mixtureFile(n), ...(parametric ? ["--parametric"] : []), "--save-model", whole, "--out", layoutFile, "--seed", "0", "--threads", "2", "--quiet"]);
    const fitted = (await readAll(layoutFile)).slice(trainRows * 2);
    const transformed = recall(high.indices, (await knn(placed, { dim: 2, k: K, method: "exact", threads: 2 })).indices);
    const inFit = recall(high.indices, (await knn(fitted, { dim: 2, k: K, method: "exact", threads: 2 })).indices);
    quality.push({ mode: parametric ? "parametric" : "non-parametric", transformed, inFit });
    log(`quality, ${parametric ? "parametric" : "non-parametric"}: recall@${K} of the held-out rows, transformed ${transformed.toFixed(3)}, in a fit that saw them ${inFit.toFixed(3)}`);
    for (const f of [placedFile, layoutFile, whole]) rmSync(f, { force: true });
  }
});

const total = (performance.now() - started) / 1000;
log(`bench/stream.js: ${total.toFixed(0)} s in all (${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(", ")})`);

if (args.includes("--write")) {
  const m = machineInfo();
  const results = readFileSync(join(BENCH_DIR, "RESULTS.md"), "utf8");
  const title = "## Data past one machine: the streamed transform (`bench/stream.js`)";
  const lines = [
    ...(results.includes(title) ? [] : ["", title, "", "Each figure is one `cne` process under /usr/bin/time -v (wall time, peak RSS of the process), on the 50-d mixture of low intrinsic dimension (bench/lib/data.js) written as float32 .npy. Load is the 1-minute load average when the process ended."]),
    "",
    `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: \`node bench/stream.js ${args.filter((a) => a !== "--write").join(" ")}\``,
    "",
    `${m.cpu}, ${m.cores} cores, Node ${process.versions.node}; ${total.toFixed(0)} s in all.`,
  ];
  if (throughput.length > 0) {
    lines.push(
      "",
      `Throughput: a parametric model fitted on the first ${fmt(trainRows)} rows${throughputModel?.fit ? ` (${throughputModel.fit.seconds.toFixed(1)} s)` : ""}; blocks of ${fmt(chunkRows)} rows here, 8,192 to the fleet (2 in flight per worker; the workers and the client share the machine's cores).`,
      "",
      "| run | rows | time | rows/s | peak RSS | load |",
      "|---|---|---|---|---|---|",
      ...throughput.map((r) => `| ${r.what} | ${fmt(r.n)} | ${r.seconds.toFixed(1)} s | ${fmt(r.n / r.seconds)} | ${fmt(r.rssMB)} MB | ${r.load} |`),
    );
  }
  if (endToEnd.length > 0) {
    lines.push(
      "",
      `End to end: fit on the first ${fmt(smallest)} rows of the ${fmt(largest)}-row mixture, then transform all ${fmt(largest)} (2 threads, blocks of ${fmt(chunkRows)}).`,
      "",
      "| model | fit | its peak RSS | transform | its peak RSS | total | transform rows/s |",
      "|---|---|---|---|---|---|---|",
      ...endToEnd.map((r) => `| ${r.mode} | ${r.fit.seconds.toFixed(1)} s | ${fmt(r.fit.rssMB)} MB | ${r.transform.seconds.toFixed(1)} s | ${fmt(r.transform.rssMB)} MB | ${(r.fit.seconds + r.transform.seconds).toFixed(1)} s | ${fmt(largest / r.transform.seconds)} |`),
    );
  }
  if (quality.length > 0) {
    lines.push(
      "",
      `Held-out quality: ${fmt(HELD_OUT)} rows after the first ${fmt(trainRows)}; recall@${K} of each one's ${K} nearest held-out rows (exact, in the data's space) among its ${K} nearest in 2-D.`,
      "",
      `| model | placed by a model fitted on ${fmt(trainRows)} | in a fit of all ${fmt(trainRows + HELD_OUT)} |`,
      "|---|---|---|",
      ...quality.map((q) => `| ${q.mode} | ${q.transformed.toFixed(3)} | ${q.inFit.toFixed(3)} |`),
    );
  }
  appendFileSync(join(BENCH_DIR, "RESULTS.md"), lines.join("\n") + "\n");
}
