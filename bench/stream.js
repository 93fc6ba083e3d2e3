// Data past one machine: fit on a sample, then stream-transform every row, here or on a fleet of workerd
// transform workers on this machine. Each `cne transform` runs as its own process under /usr/bin/time -v (wall
// time and peak RSS of the whole process); the rows are a 50-d mixture of low intrinsic dimension (bench/lib/data.js's
// lowDimensionalMixture, generated in blocks into bench/.cache/stream-<n>.npy).
//
//   node bench/stream.js [--rows 1000000,10000000] [--train 100000] [--workers 1,2,4] [--threads 1,2] [--chunk-rows 65536]
//                        [--quality] [--write]
//
// Reports rows per second and peak RSS of local streaming (1 and 2 threads) for each row count, rows per second
// through 1, 2 and 4 workerd processes (each one thread; the client on the same 2 cores), the fit's time, and with
// --quality the kNN recall@15 (in the data's space, exact neighbours) of transformed held-out rows against a fit of
// the same size that saw them. --write appends the tables to bench/RESULTS.md.
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createParametricEmbedding, knn } from "../dist/index.js";
import { mulberry32 } from "./lib/knn-data.js";
import { machineInfo } from "./lib/machine.js";
import { BENCH_DIR, CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const list = (name, fallback) => opt(name, fallback).split(",").map(Number);
const rowCounts = list("rows", "1000000,10000000");
const trainRows = Number(opt("train", "100000"));
const workerCounts = list("workers", "1,2,4");
const threadCounts = list("threads", "1,2");
const chunkRows = Number(opt("chunk-rows", "65536"));
const DIM = 50;
const log = (m) => process.stderr.write(`${m}\n`);
const load1 = () => loadavg()[0].toFixed(2);
const CLI = join(ROOT_DIR, "dist", "cli", "main.js");
mkdirSync(CACHE_DIR, { recursive: true });

/** The mixture's rows, written as float32 .npy in blocks (the same rows as lowDimensionalMixture(n) for any n). */
function mixtureFile(n) {
  const file = join(CACHE_DIR, `stream-${n}.npy`);
  if (existsSync(file)) return file;
  log(`writing ${file}`);
  const next = mulberry32(7);
  const uniform = () => next() + 2 ** -33;
  const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const clusters = 20, intrinsic = 5;
  const centres = Float32Array.from({ length: clusters * DIM }, () => gaussian() * 3);
  const bases = Float32Array.from({ length: clusters * intrinsic * DIM }, () => (gaussian() * 2) / Math.sqrt(DIM));
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${DIM}), }`;
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const head = Buffer.alloc(10 + headerLength, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(headerLength, 8);
  head.write(dict, 10, "latin1");
  head[10 + headerLength - 1] = 0x0a;
  const fd = openSync(`${file}.tmp`, "w");
  writeSync(fd, head);
  const block = 100000, values = new Float32Array(block * DIM), z = new Float32Array(intrinsic);
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    for (let r = 0; r < rows; r++) {
      const c = (start + r) % clusters;
      for (let a = 0; a < intrinsic; a++) z[a] = gaussian();
      for (let t = 0; t < DIM; t++) {
        let v = centres[c * DIM + t] + 0.05 * gaussian();
        for (let a = 0; a < intrinsic; a++) v += z[a] * bases[(c * intrinsic + a) * DIM + t];
        values[r * DIM + t] = v;
      }
    }
    writeSync(fd, new Uint8Array(values.buffer, 0, rows * DIM * 4));
  }
  closeSync(fd);
  execFileSync("mv", [`${file}.tmp`, file]);
  return file;
}

/** The first `n` rows of a cached .npy as a Float32Array. */
function readRows(file, n) {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + 10 + headerLength + n * DIM * 4));
}

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS (MB) of the process. */
function timed(cmd, cmdArgs, opts = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn("/usr/bin/time", ["-v", cmd, ...cmdArgs], { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${cmdArgs.join(" ")} exited ${code}: ${err.slice(-800)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
      const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
      const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN) / 1024;
      resolve({ seconds, rssMB: rss });
    });
  });
}

const rows = [];
const record = (what, n, r, extra = "") => {
  const line = { what, n, seconds: r.seconds, rowsPerSecond: n / r.seconds, rssMB: r.rssMB, load: load1(), extra };
  rows.push(line);
  log(`${what}: ${n.toLocaleString("en")} rows in ${r.seconds.toFixed(1)} s = ${Math.round(n / r.seconds).toLocaleString("en")} rows/s, peak RSS ${Math.round(r.rssMB)} MB, load ${line.load} ${extra}`);
};

// 1. the model: a parametric fit on the first `trainRows` rows
const biggest = Math.max(...rowCounts);
const source = mixtureFile(biggest);
const modelFile = join(CACHE_DIR, `stream-model-${trainRows}.cne`);
let fitSeconds = null;
if (!existsSync(modelFile)) {
  const train = readRows(source, trainRows);
  const t0 = performance.now();
  const p = createParametricEmbedding(train, { dim: DIM, seed: 0, threads: 2 });
  await p.run();
  fitSeconds = (performance.now() - t0) / 1000;
  log(`parametric fit on ${trainRows} rows: ${fitSeconds.toFixed(1)} s`);
  const { writeFileSync } = await import("node:fs");
  writeFileSync(modelFile, p.save());
  p.destroy();
}

// 2. local streaming
for (const n of rowCounts) {
  const input = n === biggest ? source : mixtureFile(n);
  for (const threads of threadCounts) {
    const out = join(CACHE_DIR, `stream-out-${n}-${threads}.npy`);
    rmSync(`${out}.partial.json`, { force: true });
    record(`local, ${threads} thread${threads > 1 ? "s" : ""}`, n, await timed(process.execPath, [CLI, "transform", modelFile, input, "--out", out, "--chunk-rows", String(chunkRows), "--threads", String(threads), "--quiet", "--no-resume"]));
  }
}

// 3. a fleet of workerd processes on this machine (the edge example bundled against the built package)
const edgeDir = join(CACHE_DIR, "stream-edge");
rmSync(edgeDir, { recursive: true, force: true });
cpSync(join(ROOT_DIR, "examples", "edge"), edgeDir, { recursive: true, filter: (s) => !/[/\\](build|model\.cne)$/.test(s) });
cpSync(modelFile, join(edgeDir, "model.cne"));
// the example imports "cne-wasm": let it resolve to this repository's built package
mkdirSync(join(edgeDir, "node_modules"), { recursive: true });
symlinkSync(ROOT_DIR, join(edgeDir, "node_modules", "cne-wasm"));
const { bundleEdgeWorker } = await import(join(ROOT_DIR, "examples", "edge", "build.js"));
await bundleEdgeWorker(edgeDir);
const { serveWorkerdConfig } = await import(join(ROOT_DIR, "test", "runtimes", "workerd.js"));
const fleetRows = Math.min(...rowCounts);
for (const count of workerCounts) {
  const workers = await Promise.all(Array.from({ length: count }, () => serveWorkerdConfig(join(edgeDir, "config.capnp"), { timeoutMs: 60000 })));
  try {
    const out = join(CACHE_DIR, `stream-fleet-${count}.npy`);
    const endpoints = workers.flatMap((w) => ["--endpoint", `${w.origin}/`]);
    // blocks of 8,192 rows × 50 float32 = 1.6 MB a request, well inside the worker's 32 MiB body limit
    record(`fleet of ${count} workerd`, fleetRows, await timed(process.execPath, [CLI, "transform", modelFile, mixtureFile(fleetRows), "--out", out, "--chunk-rows", "8192", "--concurrency", "2", "--quiet", "--no-resume", ...endpoints]));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

// 4. quality: held-out rows transformed by the model against a fit that saw them
let quality = null;
if (args.includes("--quality")) {
  const n = Math.min(trainRows + 10000, biggest);
  const all = readRows(source, n);
  const heldOut = all.slice(trainRows * DIM);
  const model = (await import("../dist/index.js")).loadModel(new Uint8Array(readFileSync(modelFile)));
  const m = await model;
  const placed = await m.transform(heldOut);
  m.destroy();
  const high = await knn(heldOut, { dim: DIM, k: 15, threads: 2 });
  const low = await knn(placed, { dim: 2, k: 15, threads: 2 });
  const recall = (a, b) => { let hit = 0; for (let i = 0; i < a.length / 15; i++) { const s = new Set(a.subarray(i * 15, i * 15 + 15)); for (let t = 0; t < 15; t++) if (s.has(b[i * 15 + t])) hit++; } return hit / a.length; };
  const p = createParametricEmbedding(all, { dim: DIM, seed: 0, threads: 2 });
  const y = await p.run();
  p.destroy();
  const fitted = y.slice(trainRows * 2);
  const lowFit = await knn(fitted, { dim: 2, k: 15, threads: 2 });
  quality = { heldOut: 10000, transformed: recall(high.indices, low.indices), fitted: recall(high.indices, lowFit.indices) };
  log(`quality: recall@15 among the held-out rows, transformed ${quality.transformed.toFixed(3)}, fitted with them ${quality.fitted.toFixed(3)}`);
}

if (args.includes("--write")) {
  const m = machineInfo();
  const lines = [
    "",
    `### Streaming transform (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, \`node bench/stream.js ${args.filter((a) => a !== "--write").join(" ")}\`)`,
    "",
    `${m.cpu}, ${m.cores} cores, Node ${process.versions.node}. Parametric model fitted on the first ${trainRows.toLocaleString("en")} rows of the 50-d mixture${fitSeconds ? ` (${fitSeconds.toFixed(1)} s)` : ""}; each row is one \`cne transform\` process under /usr/bin/time -v; blocks of ${chunkRows.toLocaleString("en")} rows locally, 8,192 to the fleet.`,
    "",
    "| run | rows | time | rows/s | peak RSS | load |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.what} | ${r.n.toLocaleString("en")} | ${r.seconds.toFixed(1)} s | ${Math.round(r.rowsPerSecond).toLocaleString("en")} | ${Math.round(r.rssMB)} MB | ${r.load} |`),
    ...(quality ? ["", `Held-out quality: recall@15 of 10,000 held-out rows among themselves, transformed ${quality.transformed.toFixed(3)}, in a fit that saw them ${quality.fitted.toFixed(3)}.`] : []),
  ];
  appendFileSync(join(BENCH_DIR, "RESULTS.md"), lines.join("\n") + "\n");
}
