// Memory of the edge worker (examples/edge) in workerd for the largest requests it accepts: the resident memory
// of the workerd process listening (VmRSS), its peak over one request (VmHWM), and what it keeps 2 s after the
// answer (VmRSS), for each example model: the digits (64 columns, as in the README) and a 784-column model
// (Fashion-MNIST's width: PCA-50 in the model). Each request runs in a fresh process, so each peak is its own.
//
//   node bench/edge-memory.js [--against <checkout>]   (--against: the same requests to another checkout's
//                                                       examples/edge, e.g. main, side by side)
//
// Needs the built package (npm run build). Prints a Markdown table.
import { mkdirSync, readFileSync, rmSync, copyFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { createParametricEmbedding } from "../dist/index.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";
import { startProcess } from "../test/runtimes/processes.js";
import { bundleEdgeWorker } from "../examples/edge/build.js";

const args = process.argv.slice(2);
const against = args.includes("--against") ? args[args.indexOf("--against") + 1] : undefined;
const LIMIT = 32 * 1024 * 1024;
const load1 = () => loadavg()[0].toFixed(2);
const status = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
const freePort = () => new Promise((ok) => { const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); }); });

/** The models: fitted briefly (the forward pass costs the same whatever the weights). */
async function models() {
  const text = gunzipSync(readFileSync(join(ROOT_DIR, "data/digits.csv.gz"))).toString().trim().split("\n");
  const digits = new Float32Array(text.length * 64);
  text.forEach((line, i) => digits.set(line.split(",").slice(0, 64).map(Number), i * 64));
  const wideN = 2000, wide = Float32Array.from({ length: wideN * 784 }, (_, i) => ((i * 2654435761) % 256) * ((i % 784) < 300 ? 1 : 0.1));
  const fit = async (data, dim) => {
    const p = createParametricEmbedding(data, { dim, nEpochs: 2, threads: 1 });
    await p.run();
    const bytes = p.save();
    p.destroy();
    return bytes;
  };
  return [
    { name: "digits (64 columns)", dim: 64, bytes: await fit(digits, 64), rows: digits },
    { name: "784 columns (PCA-50)", dim: 784, bytes: await fit(wide, 784), rows: wide },
  ];
}

/** The largest JSON body of real rows (repeated) under `limit` bytes, and the largest raw one. */
function bodies(model, limit) {
  const rowTexts = [];
  for (let i = 0; i * model.dim < model.rows.length; i++) rowTexts.push(JSON.stringify(Array.from(model.rows.subarray(i * model.dim, (i + 1) * model.dim))));
  const parts = [];
  let size = 2, rows = 0;
  for (let i = 0; ; i++) {
    const t = rowTexts[i % rowTexts.length];
    if (size + t.length + 1 > limit) break;
    parts.push(t);
    size += t.length + 1;
    rows++;
  }
  const rawRows = Math.floor(limit / (4 * model.dim));
  const raw = new Float32Array(rawRows * model.dim);
  for (let r = 0; r < rawRows; r++) raw.set(model.rows.subarray((r % (model.rows.length / model.dim)) * model.dim, ((r % (model.rows.length / model.dim)) + 1) * model.dim), r * model.dim);
  return { json: { body: `[${parts.join(",")}]`, rows }, raw: { body: new Uint8Array(raw.buffer), rows: rawRows } };
}

async function serve(checkout, modelBytes) {
  const work = join(CACHE_DIR, "edge-memory", checkout.replace(/\W/g, "_"));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await bundleEdgeWorker(join(checkout, "examples/edge"), join(work, "build"));
  copyFileSync(join(checkout, "examples/edge/config.capnp"), join(work, "config.capnp"));
  writeFileSync(join(work, "model.cne"), modelBytes);
  return work;
}

/** One request in a fresh workerd: the status, and RSS listening → peak → 2 s after the answer. */
async function measure(work, body, type) {
  const port = await freePort();
  const proc = startProcess(join(ROOT_DIR, "node_modules/.bin/workerd"), ["serve", join(work, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`]);
  const origin = `http://127.0.0.1:${port}`;
  try {
    for (let t = 0; ; t++) {
      try { await (await fetch(origin, { method: "HEAD" })).arrayBuffer(); break; } catch { if (t > 2000) throw new Error(proc.output().stderr); await new Promise((r) => setTimeout(r, 10)); }
    }
    // the model loads on the first request: one row first, so that "listening" includes the model
    await (await fetch(origin, { method: "POST", body: "[" + "[0" + ",0".repeat(body.dim - 1) + "]]", headers: { "content-type": "application/json" } })).text();
    const pid = proc.child.pid;
    const listening = status(pid, "VmRSS");
    const res = await fetch(origin, { method: "POST", body: body.data, headers: { "content-type": type } });
    const answer = await res.text();
    const peak = status(pid, "VmHWM");
    await new Promise((r) => setTimeout(r, 2000));
    const after = status(pid, "VmRSS");
    // two more of the same: memory a request kept would add up; memory it freed is reused
    for (let i = 0; i < 2; i++) await (await fetch(origin, { method: "POST", body: body.data, headers: { "content-type": type } })).arrayBuffer();
    return { status: res.status, error: res.status === 200 ? "" : JSON.parse(answer).error, listening, peak, after, peak3: status(pid, "VmHWM") };
  } finally {
    await proc.stop();
  }
}

const checkouts = [["this checkout", ROOT_DIR], ...(against ? [[against, against]] : [])];
const lines = [
  `Edge worker memory in workerd (VmRSS listening with the model loaded → VmHWM over one request → VmRSS 2 s after), load ${load1()} at start; \`node bench/edge-memory.js${args.length ? " " + args.join(" ") : ""}\`.`, "",
  "| model | request | handler | status | listening MB | peak MB | after MB | peak after 3 requests MB |", "|---|---|---|---|---|---|---|---|",
];
for (const model of await models()) {
  const b = bodies(model, LIMIT - 1024);
  // the largest JSON body this checkout's budget accepts, found from its 413 message
  for (const [label, checkout] of checkouts) {
    const work = await serve(checkout, model.bytes);
    const cases = [["raw, 32 MiB", b.raw.body, "application/octet-stream", b.raw.rows], ["JSON, 32 MiB", b.json.body, "application/json", b.json.rows]];
    for (const [what, data, type, rows] of cases) {
      const r = await measure(work, { data, dim: model.dim }, type);
      lines.push(`| ${model.name} | ${what} (${rows} rows) | ${label} | ${r.status}${r.error ? `: ${r.error.slice(0, 140)}` : ""} | ${r.listening.toFixed(0)} | ${r.peak.toFixed(0)} | ${r.after.toFixed(0)} | ${r.peak3.toFixed(0)} |`);
      const limit = /the limit is (\d+)/.exec(r.error)?.[1];
      if (r.status === 413 && limit) {
        const smaller = bodies(model, Number(limit) - 16);
        const s = type === "application/json" ? smaller.json : smaller.raw;
        const q = await measure(work, { data: s.body, dim: model.dim }, type);
        lines.push(`| ${model.name} | ${type === "application/json" ? "JSON" : "raw"}, the largest accepted: ${(Number(limit) / 2 ** 20).toFixed(1)} MiB (${s.rows} rows) | ${label} | ${q.status} | ${q.listening.toFixed(0)} | ${q.peak.toFixed(0)} | ${q.after.toFixed(0)} | ${q.peak3.toFixed(0)} |`);
      }
    }
  }
}
console.log(lines.join("\n"));
