// Instructions per epoch of the optimiser under callgrind (valgrind --tool=callgrind): a count that other work on
// the machine does not move, for comparing kernel changes on a shared machine. Each build runs in a child
// process twice, for e1 and e2 epochs of optimize() after the same short fit on a fixed kNN graph of the seeded
// cluster data (bench/lib/knn-data.js), on 1 thread; (I(e2) − I(e1)) / (e2 − e1) cancels Node's start, the wasm
// compilation (TurboFan only, --no-liftoff, so no tier-up lands in the epochs) and the fit. With --against DIR,
// that checkout's dist/ is counted the same way and the ratio printed.
//
//   node bench/instructions.js [--mode layout|parametric] [--n 20000] [--dim 50] [--out-dim 3] [--m 5]
//                              [--epochs 2,6] [--against DIR] [--prepare: write the cached input only]

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clusteredData } from "./lib/knn-data.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const { values: opts } = parseArgs({
  options: {
    mode: { type: "string", default: "layout" },
    n: { type: "string", default: "20000" },
    dim: { type: "string", default: "50" },
    "out-dim": { type: "string", default: "3" },
    m: { type: "string", default: "5" },
    epochs: { type: "string", default: "2,6" },
    against: { type: "string" },
    prepare: { type: "boolean", default: false },
    child: { type: "string" },
  },
});

/** The fixed input of every run: the data and its kNN graph (k = 15), cached. */
function inputPaths(n, dim) {
  const base = join(CACHE_DIR, `instructions-${n}x${dim}`);
  return { data: `${base}.f32`, knn: `${base}.knn15.i32` };
}

if (opts.child) {
  // the measured process: one fit and one optimize() of `epochs` epochs with the build in `dist`
  const { dist, mode, n, dim, outDim, m, epochs } = JSON.parse(opts.child);
  const lib = await import(join(dist, "index.js"));
  const paths = inputPaths(n, dim);
  const data = new Float32Array(readFileSync(paths.data).buffer.slice(0));
  const knnIndices = new Int32Array(readFileSync(paths.knn).buffer.slice(0));
  const common = { n, dim, knnIndices, outDim, threads: 1, seed: 1, nEpochs: 3, negativeSamples: m, onWarning: () => {} };
  const handle = mode === "parametric" ? lib.createParametricEmbedding(data, common) : lib.createEmbedding(data, { ...common, init: "random" });
  await handle.run();
  const y = await handle.optimize({ nEpochs: epochs, negativeSamples: m });
  handle.destroy();
  if (!y.every(Number.isFinite)) throw new Error("the layout is not finite");
  process.exit(0);
}

const n = Number(opts.n), dim = Number(opts.dim), outDim = Number(opts["out-dim"]), m = Number(opts.m);
const [e1, e2] = opts.epochs.split(",").map(Number);
if (!(e2 > e1)) throw new Error("--epochs e1,e2 needs e2 > e1");

const paths = inputPaths(n, dim);
if (!existsSync(paths.knn)) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const data = clusteredData(n, dim, 1);
  const { knn } = await import(join(ROOT_DIR, "dist/index.js"));
  const { indices } = await knn(data, { n, dim, k: 15, method: "nndescent", seed: 1 });
  writeFileSync(paths.data, new Uint8Array(data.buffer));
  writeFileSync(paths.knn, new Uint8Array(indices.buffer));
}
if (opts.prepare) process.exit(0);

/** Instructions of one child run under callgrind (every thread of the process). */
function instructions(dist, epochs) {
  const child = JSON.stringify({ dist, mode: opts.mode, n, dim, outDim, m, epochs });
  const args = ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--no-liftoff", "bench/instructions.js", "--child", child];
  const run = spawnSync("valgrind", args, { cwd: ROOT_DIR, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  const stderr = run.stderr ?? "";
  if (run.status !== 0) throw new Error(`valgrind ${args.join(" ")} failed (${run.status ?? run.error}):\n${stderr}`);
  const collected = /Collected : (\d+)/.exec(stderr);
  if (!collected) throw new Error(`no instruction count in callgrind's output:\n${stderr}`);
  return Number(collected[1]);
}

const builds = [["this", join(ROOT_DIR, "dist")]];
if (opts.against) builds.push(["against", join(opts.against, "dist")]);
console.log(
  `${opts.mode}: ${n} × ${dim} cluster data, outDim ${outDim}, m = ${m}, 1 thread, optimize() of ${e1} and ${e2} epochs; ` +
    `load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`,
);
const perEpoch = {};
for (const [name, dist] of builds) {
  const i1 = instructions(dist, e1), i2 = instructions(dist, e2);
  perEpoch[name] = (i2 - i1) / (e2 - e1);
  console.log(`${name.padEnd(8)} ${(i1 / 1e6).toFixed(1)} M at ${e1} epochs, ${(i2 / 1e6).toFixed(1)} M at ${e2}: ${(perEpoch[name] / 1e6).toFixed(2)} M per epoch`);
}
if (opts.against) console.log(`against / this: ${(perEpoch.against / perEpoch.this).toFixed(3)}`);
