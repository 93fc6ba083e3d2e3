// The cost of a spectrum series against one default embedding, side by side: each run is a fresh Node process
// timing one call from a Float32Array in to the layouts out (data loading excluded), the two alternating so
// both see the same machine load. Prints a Markdown table with the ratio of the medians.
//
//   node bench/spectrum.js [--n 70000] [--repeats 3] [--s 0,0.25,0.5,0.75,1]

import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { DATASETS, ensureDataset, loadDataset } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";

const DATASET = "fashion-mnist";

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function child(kind, n, s) {
  const { embed, spectrum } = await import("../dist/index.js");
  const { values, dim } = loadDataset(DATASET, n);
  const started = performance.now();
  if (kind === "embed") await embed(values, { dim, seed: 1 });
  else await spectrum(values, { dim, seed: 1, s });
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000 }) + "\n");
}

function median(xs) {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

async function main() {
  const n = Number(flag("n", DATASETS[DATASET].n));
  const repeats = Number(flag("repeats", 3));
  const s = flag("s", "0,0.25,0.5,0.75,1").split(",").map(Number);
  ensureDataset(DATASET);
  const machine = machineInfo();
  const runs = { embed: [], spectrum: [] };
  const loads = [];
  for (let r = 0; r < repeats; r++) {
    for (const kind of ["embed", "spectrum"]) {
      loads.push(loadavg()[0]);
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", kind, "--n", String(n), "--s", s.join(",")], { encoding: "utf8" });
      const { seconds } = JSON.parse(out.trim().split("\n").pop());
      runs[kind].push(seconds);
      console.error(`${kind} run ${r + 1}: ${seconds.toFixed(1)} s (load ${loads[loads.length - 1].toFixed(1)})`);
    }
  }
  loads.push(loadavg()[0]);
  const e = median(runs.embed), sp = median(runs.spectrum);
  const fmt = (xs) => xs.map((x) => x.toFixed(1)).join(", ");
  console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-minute load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC\n`);
  console.log(`| Fashion-MNIST, n = ${n} | median s | runs (s) |`);
  console.log(`|---|---|---|`);
  console.log(`| one default embedding (neg, s = 0) | ${e.toFixed(1)} | ${fmt(runs.embed)} |`);
  console.log(`| spectrum s = ${s.join(", ")} (a fit at s = ${Math.max(...s)}, then ${s.length - 1} warm steps of 40 epochs down the list, aligned) | ${sp.toFixed(1)} | ${fmt(runs.spectrum)} |`);
  console.log(`\nSeries / one embedding: **${(sp / e).toFixed(2)}×**`);
}

if (process.argv.includes("--child")) await child(flag("child"), Number(flag("n")), flag("s").split(",").map(Number));
else await main();
