// t-SNE's repulsion: ms per call of the interpolated (FFT) kernel against the layout's extent and n, on 1 and 2
// threads, and its error against the exact sum: relative error of Z (exact Z from the O(n²) task, for n up to
// --exact-z-max) and of the forces on a sample of rows (float64 sums in JS over all n points).
//   node bench/tsne-repulsion.js [--n 10000,70000,250000] [--extent 10,30,60,100,150] [--threads 1,2]
//     [--grid ipu:nodes:min:max,...] [--reps 7] [--sample 300] [--exact-z-max 70000]
// Synthetic layouts: 10 Gaussian clusters, centres uniform in 0.8·extent, std 0.05·extent, fixed seed.
import os from "node:os";
import "../dist/index.js";
import { Core } from "../dist/core/core.js";
import { TsneRepulsion } from "../dist/tsne/repulsion.js";

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const list = (s) => s.split(",").map(Number);
const ns = list(opt("n", "10000,70000,250000"));
const extents = list(opt("extent", "10,30,60,100,150"));
const threadCounts = list(opt("threads", "1,2"));
const grids = opt("grid", "1:3:50:256").split(",").map((g) => {
  const [intervalsPerUnit, nodesPerInterval, minIntervals, maxIntervals] = g.split(":").map(Number);
  return { intervalsPerUnit, nodesPerInterval, minIntervals, maxIntervals };
});
const reps = Number(opt("reps", "7"));
const sample = Number(opt("sample", "300"));
const exactZMax = Number(opt("exact-z-max", "70000"));
const exactTimeMax = Number(opt("exact-time-max", "20000")); // also time the exact task up to this n

function layout(n, extent, seed) {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const cs = Array.from({ length: 10 }, () => [(r() - 0.5) * extent * 0.8, (r() - 0.5) * extent * 0.8]);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = cs[i % 10];
    y[2 * i] = c[0] + g() * extent * 0.05;
    y[2 * i + 1] = c[1] + g() * extent * 0.05;
  }
  return y;
}

/** Exact forces of rows `rows` against all points, float64. */
function oracleRows(y, n, rows) {
  const out = new Float64Array(2 * rows.length);
  rows.forEach((i, k) => {
    const xi = y[2 * i], yi = y[2 * i + 1];
    let fx = 0, fy = 0;
    for (let j = 0; j < n; j++) {
      const dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      fx += w * w * dx;
      fy += w * w * dy;
    }
    out[2 * k] = fx;
    out[2 * k + 1] = fy;
  });
  return out;
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const cores = new Map();
for (const t of threadCounts) cores.set(t, await Core.create(t));
console.log(`# ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log("ms: median wall time per call (least CPU time of the process in one call, all threads)");
console.log("| n | extent | grid (ipu:p:min:max) | B | N | " + threadCounts.map((t) => `ms ${t}T`).join(" | ") + " | rel. err Z | force err max | force err rms | exact: " + threadCounts.map((t) => `ms ${t}T`).join(" | ") + " |");
console.log("|---|---|---|---|---|" + threadCounts.map(() => "---|").join("") + "---|---|---|" + threadCounts.map(() => "---|").join(""));
for (const n of ns) {
  for (const extent of extents) {
    const y = layout(n, extent, 12345);
    const rows = Array.from({ length: Math.min(sample, n) }, (_, k) => Math.floor((k * n) / Math.min(sample, n)));
    const oracle = oracleRows(y, n, rows);
    let zExact = NaN;
    if (n <= exactZMax) {
      const core = cores.get(Math.max(...threadCounts));
      const mark = core.mark();
      const yp = core.putF32(y), fp = core.alloc(8 * n);
      zExact = await TsneRepulsion.create(core, n, { method: "exact" }).compute(yp, fp);
      core.reset(mark);
    }
    // the exact task's time, for the choice of the small-n path
    const exactMs = [];
    for (const t of threadCounts) {
      if (n > exactTimeMax) {
        exactMs.push("–");
        continue;
      }
      const core = cores.get(t);
      const mark = core.mark();
      const yp = core.putF32(y), fp = core.alloc(8 * n);
      const rep = TsneRepulsion.create(core, n, { method: "exact" });
      await rep.compute(yp, fp);
      const times = [], cpu = [];
      for (let r = 0; r < Math.min(reps, 3); r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await rep.compute(yp, fp);
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      exactMs.push(`${median(times).toFixed(1)} (${Math.min(...cpu).toFixed(1)})`);
      core.reset(mark);
    }
    for (const grid of grids) {
      const ms = [];
      let z = NaN, force, shape;
      for (const t of threadCounts) {
        const core = cores.get(t);
        const mark = core.mark();
        const yp = core.putF32(y), fp = core.alloc(8 * n);
        const rep = TsneRepulsion.create(core, n, { method: "fft", ...grid });
        await rep.compute(yp, fp); // warm-up
        const times = [], cpu = [];
        for (let r = 0; r < reps; r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          z = await rep.compute(yp, fp);
          times.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpu.push((c.user + c.system) / 1000);
        }
        ms.push(`${median(times).toFixed(1)} (${Math.min(...cpu).toFixed(1)})`);
        force = core.f32(fp, 2 * n).slice();
        shape = rep.lastGrid();
        core.reset(mark);
      }
      let errMax = 0, scale = 0, e2 = 0, s2 = 0;
      rows.forEach((i, k) => {
        const d = Math.hypot(force[2 * i] - oracle[2 * k], force[2 * i + 1] - oracle[2 * k + 1]);
        const s = Math.hypot(oracle[2 * k], oracle[2 * k + 1]);
        errMax = Math.max(errMax, d);
        scale = Math.max(scale, s);
        e2 += d * d;
        s2 += s * s;
      });
      const g = `${grid.intervalsPerUnit}:${grid.nodesPerInterval}:${grid.minIntervals}:${grid.maxIntervals}`;
      const zErr = Number.isNaN(zExact) ? "–" : Math.abs(z / zExact - 1).toExponential(1);
      console.log(
        `| ${n} | ${extent} | ${g} | ${shape.intervals} | ${shape.fftSize} | ${ms.join(" | ")} | ${zErr} | ${(errMax / scale).toExponential(1)} | ${Math.sqrt(e2 / s2).toExponential(1)} | ${exactMs.join(" | ")} |`,
      );
    }
  }
}
for (const c of cores.values()) c.destroy();
