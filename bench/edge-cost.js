// Cost of the optimiser per edge per epoch as n grows: wall time of optimize() with the default negatives and
// batch size on a fixed kNN graph (k = 15, NN-descent, cached) divided by (directed edges × epochs), on the first
// n points of the synthetic mixture (bench/lib/data.js, "mixture-1m"). Flat from 70k to 1M means the optimiser
// scales with the work, not with where the points lie in memory. With --against <dir>, a second build (its
// dist/) runs the same graph in the same process, interleaved, and the ratios are printed. --threads takes a
// list: each thread count gets its own handles, timed in the same rounds.
//
//   node bench/edge-cost.js [--n 70000,1000000] [--epochs 3] [--threads 1,2] [--repeats 1] [--against DIR]

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const { values: opts } = parseArgs({
  options: {
    n: { type: "string", default: "70000,1000000" },
    epochs: { type: "string", default: "3" },
    threads: { type: "string", default: "1,2" },
    against: { type: "string" },
    repeats: { type: "string", default: "1" },
    write: { type: "boolean", default: false },
    batch: { type: "string" },
  },
});
const ns = opts.n.split(",").map(Number), epochs = Number(opts.epochs), repeats = Number(opts.repeats);
const threadCounts = opts.threads.split(",").map(Number);
const DATASET = "mixture-1m";

ensureDataset(DATASET);
const libs = [["this", await import(join(ROOT_DIR, "dist/index.js"))]];
if (opts.against) libs.push(["against", await import(join(opts.against, "dist/index.js"))]);

const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");
const loadBefore = load();
console.log(`${DATASET}, ${epochs} epochs per timing, ${threadCounts.join(" and ")} threads, load ${loadBefore}`);
// Every size's handles first, then the timings in rounds that visit every size and build in turn: this
// machine's speed drifts by tens of percent over minutes, so sizes timed minutes apart are not comparable,
// while the ratio of the largest size to the smallest within one round is.
const sizes = []; // one per (threads, n), sizes of one thread count in a row
const datasets = new Map();
for (const threads of threadCounts) {
  for (const n of ns) {
    if (!datasets.has(n)) {
      const data = loadDataset(DATASET, n);
      // the kNN graph once (cached): every build and thread count then optimises the very same graph
      const knnPath = join(CACHE_DIR, `${DATASET}-${n}.knn15.i32`);
      let knnIndices;
      if (existsSync(knnPath)) knnIndices = new Int32Array(readFileSync(knnPath).buffer.slice(0));
      else {
        knnIndices = (await libs[0][1].knn(data.values, { n, dim: data.dim, k: 15, method: "nndescent" })).indices;
        writeFileSync(knnPath, new Uint8Array(knnIndices.buffer, knnIndices.byteOffset, knnIndices.byteLength));
      }
      datasets.set(n, { data, knnIndices });
    }
    const { data, knnIndices } = datasets.get(n);
    const handles = [];
    for (const [name, lib] of libs) {
      const e = lib.createEmbedding(data.values, { n, dim: data.dim, knnIndices, threads, nEpochs: 1, seed: 1 });
      await e.run();
      handles.push([name, e]);
    }
    sizes.push({ n, threads, edges: handles[0][1].knnGraph.colIndices.length, handles, wall: {}, cpu: {} });
  }
}
// per thread count and build: (largest n's ns per edge) / (smallest n's), one per round
const roundRatios = Object.fromEntries(threadCounts.map((t) => [t, {}]));
const ofThreads = (t) => sizes.filter((z) => z.threads === t);
for (let r = 0; r < repeats; r++) {
  for (const size of sizes) {
    // The first optimize() after switching size or thread count runs slower (seen at 70k, 2 threads: 64.6 against
    // 47.3 ns per edge on identical code, by position in the round alone), so every timing follows one untimed
    // epoch of the same handle, and the builds swap order every round.
    const order = r % 2 ? [...size.handles].reverse() : size.handles;
    for (const [name, e] of order) {
      const batch = opts.batch ? { batchSize: Number(opts.batch) } : {};
      await e.optimize({ nEpochs: 1, ...batch });
      const t0 = performance.now(), c0 = process.cpuUsage();
      await e.optimize({ nEpochs: epochs, ...batch });
      const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(c0);
      (size.wall[name] ??= []).push((seconds * 1e9) / (size.edges * epochs));
      // CPU time of every thread: steadier than wall time on a shared machine; it counts memory stalls too
      (size.cpu[name] ??= []).push(((cpu.user + cpu.system) * 1e3) / (size.edges * epochs));
    }
  }
  for (const t of threadCounts) {
    const own = ofThreads(t), first = own[0], last = own[own.length - 1];
    for (const [name] of libs) (roundRatios[t][name] ??= []).push(last.wall[name][r] / first.wall[name][r]);
  }
  console.log(`round ${r + 1}: ` + sizes.map((z) => `${z.threads}t n ${z.n} ${libs.map(([name]) => `${name} ${z.wall[name][r].toFixed(1)}`).join(" ")}`).join("  |  ") + `  load ${load()}`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rows = [];
for (const size of sizes) {
  for (const [, e] of size.handles) e.destroy();
  const best = Object.fromEntries(libs.map(([name]) => [name, Math.min(...size.wall[name])]));
  const cpuBest = Object.fromEntries(libs.map(([name]) => [name, Math.min(...size.cpu[name])]));
  // the two builds timed back to back in each round: their ratio per round is steadier than best against best,
  // since the machine's speed (on 2 threads especially) changes between periods of a few minutes
  const paired = best.against ? size.wall.against.map((a, r) => a / size.wall.this[r]) : [];
  const pairedText = paired.length ? `${median(paired).toFixed(2)}× (${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)})` : "";
  rows.push({ threads: size.threads, n: size.n, edges: size.edges, ...best, cpuThis: cpuBest.this, cpuAgainst: cpuBest.against, pairedText });
  const ratio = best.against ? `  against ${best.against.toFixed(1)}  against/this ${(best.against / best.this).toFixed(2)}×, per round median ${pairedText}` : "";
  const cpuRatio = best.against ? ` against ${cpuBest.against.toFixed(1)} (${(cpuBest.against / cpuBest.this).toFixed(2)}×)` : "";
  console.log(`${size.threads} threads  n ${size.n}  edges ${size.edges}  this ${best.this.toFixed(1)} ns per edge per epoch${ratio}  CPU this ${cpuBest.this.toFixed(1)}${cpuRatio}`);
}
// the flatness ratio needs two sizes
const flatness = ns.length > 1 ? threadCounts.map((t) => `${t} thread${t > 1 ? "s" : ""}: ` + libs.map(([name]) =>
  `${name} ${median(roundRatios[t][name]).toFixed(2)}× (rounds: ${roundRatios[t][name].map((x) => x.toFixed(2)).join(", ")})`).join("; ")) : [];
for (const line of flatness) console.log(`n ${ns[ns.length - 1]} against n ${ns[0]}, wall per edge, median of the rounds, ${line}`);
const loadAfter = load();
console.log(`load after ${loadAfter}`);
if (!opts.write) process.exit(0);

const { machineInfo } = await import("./lib/machine.js");
const machine = machineInfo();
// the other build by its commit, not by a directory of this machine
const commitOf = (dir) => {
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
};
const againstCommit = opts.against ? commitOf(opts.against) : null;
const againstName = againstCommit ? `the build of ${againstCommit}` : "another build";
const command = process.argv.slice(2).join(" ").replace(opts.against ?? "\0", "<dir>");
const lines = [
  "## Optimiser cost per edge per epoch, 70k to 1M",
  "",
  `Written ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`node bench/edge-cost.js ${command}\`: ` +
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadBefore} before, ${loadAfter} after. ` +
    `The first n points of the synthetic mixture (20 clusters of intrinsic dimension 5 in 50-d) on a fixed kNN graph ` +
    `(NN-descent, k = 15); wall time of \`optimize({ nEpochs: ${epochs} })\` with the default negatives and batch size, ` +
    `${threadCounts.join(" and ")} threads, over (directed edges × epochs), best of ${repeats} rounds; each round times every thread count, size and build in turn, ` +
    `each timing after one untimed epoch of the same handle, the builds in alternating order` +
    (opts.against ? `; "against" is ${againstName} (its dist/ in <dir>), run in the same process` : "") + ".",
  "",
  `| threads | n | directed edges | ns per edge per epoch${opts.against ? " | against | against / this, best rounds | against / this, median of the rounds (range)" : ""} | CPU ns per edge per epoch (all threads)${opts.against ? " | against" : ""} |`,
  `|---|---|---|---${opts.against ? "|---|---|---" : ""}|---${opts.against ? "|---" : ""}|`,
  ...rows.map((r) => `| ${r.threads} | ${r.n.toLocaleString("en")} | ${r.edges.toLocaleString("en")} | ${r.this.toFixed(1)}${opts.against ? ` | ${r.against.toFixed(1)} | ${(r.against / r.this).toFixed(2)}× | ${r.pairedText}` : ""} | ${r.cpuThis.toFixed(1)}${opts.against ? ` | ${r.cpuAgainst.toFixed(1)}` : ""} |`),
  ...(flatness.length
    ? ["", `Wall time per edge per epoch at n = ${ns[ns.length - 1].toLocaleString("en")} over n = ${ns[0].toLocaleString("en")}, ` +
      `median of the rounds (1 would be flat):`, "", ...flatness.map((line) => `- ${line}`)]
    : []),
];
const BEGIN = "<!-- edges:begin -->", END = "<!-- edges:end -->";
const resultsPath = join(ROOT_DIR, "bench", "RESULTS.md");
let md = readFileSync(resultsPath, "utf8");
const block = `${BEGIN}\n${lines.join("\n")}\n${END}`;
const b = md.indexOf(BEGIN), e = md.indexOf(END);
md = b >= 0 && e > b ? md.slice(0, b) + block + md.slice(e + END.length) : `${md.replace(/\s*$/, "")}\n\n${block}\n`;
writeFileSync(resultsPath, md);
process.exit(0);
