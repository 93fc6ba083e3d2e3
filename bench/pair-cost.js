// Cost of the optimiser per pair update: wall time of optimize() on a fixed kNN graph divided by
// (directed edges × (1 + m) × epochs), for m = 5, 20, 50 and 1 and 2 threads, on Fashion-MNIST (or its first
// n rows). With --against <dir>, a second build of the library (its dist/) runs the same settings in the same
// process, interleaved, and the ratios are printed: that is how kernel changes are compared on a shared machine.
//
//   node bench/pair-cost.js [--n 70000] [--epochs 10] [--m 5,20,50] [--threads 1,2] [--loss neg] [--out-dim 2] [--batch B] [--against DIR]

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const { values: opts } = parseArgs({
  options: {
    n: { type: "string", default: "70000" },
    epochs: { type: "string", default: "10" },
    m: { type: "string", default: "5,20,50" },
    threads: { type: "string", default: "1,2" },
    loss: { type: "string", default: "neg" },
    against: { type: "string" },
    repeats: { type: "string", default: "1" },
    "out-dim": { type: "string", default: "2" },
    batch: { type: "string" },
  },
});
const outDim = Number(opts["out-dim"]);
const n = Number(opts.n), epochs = Number(opts.epochs), repeats = Number(opts.repeats);
const ms = opts.m.split(",").map(Number), threadCounts = opts.threads.split(",").map(Number);

ensureDataset("fashion-mnist");
const data = loadDataset("fashion-mnist", n);
const libs = [["this", await import(join(ROOT_DIR, "dist/index.js"))]];
if (opts.against) libs.push(["against", await import(join(opts.against, "dist/index.js"))]);

// the kNN graph once (cached): every build then optimises the very same graph
const knnPath = join(CACHE_DIR, `fashion-mnist-${n}.knn15.i32`);
let knnIndices;
if (existsSync(knnPath)) knnIndices = new Int32Array(readFileSync(knnPath).buffer.slice(0));
else {
  const lib = libs[0][1];
  const scores = await lib.pca(data.values, { n, dim: data.dim, nComponents: 50 });
  knnIndices = (await lib.knn(scores, { n, dim: 50, k: 15, method: "nndescent" })).indices;
  writeFileSync(knnPath, new Uint8Array(knnIndices.buffer, knnIndices.byteOffset, knnIndices.byteLength));
}

const loadBefore = loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`Fashion-MNIST ${n} × 784, ${outDim}-D layout, ${epochs} epochs per timing, loss ${opts.loss}, load ${loadBefore}`);
// Every thread count's handles first, then rounds that time every (threads, m) setting and build in turn, the
// best of the rounds kept per setting: this machine's memory speed drifts by tens of percent within a minute,
// so settings timed one after another for all their repeats would compare different machines.
const setups = [];
for (const threads of threadCounts) {
  const handles = [];
  for (const [name, lib] of libs) {
    const e = lib.createEmbedding(data.values, { n, dim: data.dim, knnIndices, threads, nEpochs: 2, seed: 1, loss: opts.loss, outDim });
    await e.run();
    handles.push([name, e]);
  }
  for (const m of ms) setups.push({ threads, m, handles, best: {}, cpuBest: {} });
}
for (let r = 0; r < repeats; r++) {
  for (const setup of setups) {
    const { m } = setup;
    for (const [name, e] of setup.handles) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      await e.optimize({ negativeSamples: m, nEpochs: epochs, learningRate: 0.1, ...(opts.batch ? { batchSize: Number(opts.batch) } : {}) });
      const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(c0);
      const updates = e.knnGraph.colIndices.length * (1 + m) * epochs;
      setup.best[name] = Math.min(setup.best[name] ?? Infinity, (seconds * 1e9) / updates);
      // CPU time of the whole process (every worker thread) per update: less sensitive to other work on a
      // shared machine than wall time, and with threads it counts the time spent spinning at barriers too
      setup.cpuBest[name] = Math.min(setup.cpuBest[name] ?? Infinity, ((cpu.user + cpu.system) * 1e3) / updates);
    }
  }
}
const rows = [];
for (const { threads, m, best, cpuBest } of setups) {
  rows.push({ threads, m, ...best, cpuThis: cpuBest.this, cpuAgainst: cpuBest.against });
  const ratio = best.against ? `  against/this ${(best.against / best.this).toFixed(2)}×` : "";
  const cpuRatio = cpuBest.against ? `  CPU against/this ${(cpuBest.against / cpuBest.this).toFixed(2)}×` : "";
  console.log(`threads ${threads}  m ${String(m).padStart(2)}  this ${best.this.toFixed(2)} ns/pair${best.against ? `  against ${best.against.toFixed(2)} ns/pair` : ""}${ratio}  CPU this ${cpuBest.this.toFixed(2)}${cpuBest.against ? ` against ${cpuBest.against.toFixed(2)}` : ""} ns/pair${cpuRatio}`);
}
for (const setup of setups) for (const [, e] of setup.handles) e.destroy(); // safe twice: a handle serves every m of its thread count
const loadAfter = loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`load after ${loadAfter}`);

// the table, into bench/RESULTS.md between its own markers
const { machineInfo } = await import("./lib/machine.js");
const machine = machineInfo();
const lines = [
  "## Optimiser cost per pair update",
  "",
  `Written ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`node bench/pair-cost.js ${process.argv.slice(2).join(" ")}\`: ` +
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadBefore} before, ${loadAfter} after. ` +
    `Fashion-MNIST ${n.toLocaleString("en")} × 784 into ${outDim}-D on a fixed kNN graph (NN-descent, k = 15); wall time of ` +
    `\`optimize({ negativeSamples: m, nEpochs: ${epochs} })\` over (directed edges × (1 + m) × epochs), best of ${repeats} rounds, each round timing every setting in turn` +
    (opts.against ? `; "against" is the build in \`${opts.against}\`, run in the same process` : "") + ".",
  "",
  `| threads | m | ns per pair update${opts.against ? " | against | against / this" : ""} | CPU ns per pair update (all threads)${opts.against ? " | against | against / this" : ""} |`,
  `|---|---|---${opts.against ? "|---|---" : ""}|---${opts.against ? "|---|---" : ""}|`,
  ...rows.map((r) => `| ${r.threads} | ${r.m} | ${r.this.toFixed(2)}${opts.against ? ` | ${r.against.toFixed(2)} | ${(r.against / r.this).toFixed(2)}×` : ""} | ${r.cpuThis.toFixed(2)}${opts.against ? ` | ${r.cpuAgainst.toFixed(2)} | ${(r.cpuAgainst / r.cpuThis).toFixed(2)}×` : ""} |`),
];
const BEGIN = "<!-- pairs:begin -->", END = "<!-- pairs:end -->";
const resultsPath = join(ROOT_DIR, "bench", "RESULTS.md");
let md = readFileSync(resultsPath, "utf8");
const block = `${BEGIN}\n${lines.join("\n")}\n${END}`;
const b = md.indexOf(BEGIN), e = md.indexOf(END);
md = b >= 0 && e > b ? md.slice(0, b) + block + md.slice(e + END.length) : `${md.replace(/\s*$/, "")}\n\n${block}\n`;
writeFileSync(resultsPath, md);
process.exit(0);
