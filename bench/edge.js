// The edge example (examples/edge) on Fashion-MNIST: a parametric model trained on Fashion-MNIST rows (a short
// training: the timings below do not depend on its quality), saved, then the 10,000 test rows transformed
//   - in Node, in process, on 2 threads and on 1 (workerd has one),
//   - by the example's worker in workerd: the POST round trip (raw float32 in and out) and, from its
//     Server-Timing header, the time inside the worker spent reading the body and in transform,
//   - by the example's Deno function, the same way.
// Also: the model's size in bytes (per section), and cold starts of the worker and of the Deno function:
// process start → listening, the first request after that (which loads the model), and process start → first
// answer. Every answer is checked against Node's transform bit for bit. The load average is reported next to
// every timing.
//
//   node bench/edge.js [--train 10000] [--epochs 5] [--runs 5] [--cold 5] [--no-deno] [--write]
//
// Needs the built package (npm run build). Prints a Markdown section; --write puts it into bench/RESULTS.md in
// place of the previous one (between its markers). The raw numbers go to bench/.cache/edge.json.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { createParametricEmbedding, loadModel } from "../dist/index.js";
import { ensureDataset, loadDataset } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";
import { startProcess } from "../test/runtimes/processes.js";
import { bundleEdgeWorker } from "../examples/edge/build.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const NTRAIN = Number(opt("train", "10000"));
const EPOCHS = Number(opt("epochs", "5"));
const RUNS = Number(opt("runs", "5"));
const COLD = Number(opt("cold", "5"));
const WITH_DENO = !args.includes("--no-deno");
const WRITE = args.includes("--write");
const BEGIN = "<!-- edge:begin -->", END = "<!-- edge:end -->";
const NTEST = 10000, DIM = 784, FIRST_TEST_ROW = 60000;
/** Rows of the JSON comparison (10,000 rows of JSON would pass the example's 32 MiB body limit). */
const JSON_ROWS = 1000;
const log = (m) => process.stderr.write(`${m}\n`);
const load1 = () => Math.round(loadavg()[0] * 100) / 100;
const bin = (name) => join(ROOT_DIR, "node_modules", ".bin", name);
const WORKERD_VERSION = JSON.parse(readFileSync(join(ROOT_DIR, "node_modules/workerd/package.json"), "utf8")).version;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });
const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmt = (s) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
const sameBits = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Times `fn` `RUNS` times after one warm-up; returns the summary (ms), the load around it, the last result. */
async function timed(fn) {
  let result = await fn();
  const times = [];
  const loadBefore = load1();
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  return { ...summary(times), load: [loadBefore, load1()], result };
}

// ---------------------------------------------------------------- data, training, Node
ensureDataset("fashion-mnist", log);
const all = loadDataset("fashion-mnist", FIRST_TEST_ROW + NTEST);
const train = all.values.slice(0, NTRAIN * DIM);
const test = all.values.slice(FIRST_TEST_ROW * DIM, (FIRST_TEST_ROW + NTEST) * DIM);

log(`training a parametric model on ${NTRAIN} Fashion-MNIST rows, ${EPOCHS} epochs (load ${load1()})`);
const trainLoad = load1();
let t = performance.now();
const fitted = createParametricEmbedding(train, { dim: DIM, nEpochs: EPOCHS, seed: 1 });
await fitted.run();
const trainSeconds = (performance.now() - t) / 1000;
const bytes = fitted.save();
// the sections as the file lists them (docs/model-format.md: the header's JSON starts at byte 20, its length at 16)
const header = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true))));
const sections = header.sections.map((e) => ({ name: e.name, bytes: e.length * 4 }));
fitted.destroy();

log(`Node: transform of ${NTEST} rows (load ${load1()})`);
const nodeModel = await loadModel(bytes);
const nodeModel1 = await loadModel(bytes, { threads: 1 });
const nodeThreads = await timed(() => nodeModel.transform(test));
const nodeOne = await timed(() => nodeModel1.transform(test));
const expected = nodeThreads.result;
if (!sameBits(expected, nodeOne.result)) throw new Error("Node's transform differs between 2 threads and 1");
t = performance.now();
await loadModel(bytes, { threads: 1 }).then((m) => m.destroy());
const nodeLoadMs = performance.now() - t;
nodeModel.destroy();
nodeModel1.destroy();

// ---------------------------------------------------------------- the servers
const work = join(CACHE_DIR, "edge");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
await bundleEdgeWorker(join(ROOT_DIR, "examples/edge"), join(work, "build"));
// 10,000 rows of 784 float32 (31.4 MB) pass the example's default memory budget of 64 MiB a request (a raw body
// costs about 3 times its size): this benchmark times them with a budget of 128 MiB
const BUDGET = String(128 * 1024 * 1024);
writeFileSync(join(work, "config.capnp"), readFileSync(join(ROOT_DIR, "examples/edge/config.capnp"), "utf8")
  .replace(/(name = "MEMORY_BUDGET_BYTES", text = ")\d+/, `$1${BUDGET}`));
writeFileSync(join(work, "model.cne"), bytes);

async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * POSTs `rows` of the test set from the first, as raw float32 (answer asked as raw float32) or as JSON (answer
 * in JSON); returns the round trip (ms), the answer as float32 and the Server-Timing entries.
 */
async function post(origin, rows, format = "raw") {
  const json = format === "json";
  const body = json ? jsonBody(rows) : Buffer.from(test.buffer, test.byteOffset, rows * DIM * 4);
  const headers = json
    ? { "content-type": "application/json" }
    : { "content-type": "application/octet-stream", accept: "application/octet-stream", "x-rows": String(rows) };
  const t0 = performance.now();
  const res = await fetch(`${origin}/`, { method: "POST", body, headers });
  const payload = json ? await res.text() : await res.arrayBuffer();
  const roundTrip = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${origin}: status ${res.status}: ${json ? payload : Buffer.from(payload).toString()}`);
  const answer = json ? Float32Array.from(JSON.parse(payload).coordinates.flat()) : new Float32Array(payload);
  if (!sameBits(answer, expected.subarray(0, rows * 2))) throw new Error(`${origin} (${format}): the answer differs from Node's transform`);
  const timing = Object.fromEntries(
    (res.headers.get("server-timing") ?? "").split(",").map((e) => /(\w+);dur=([\d.]+)/.exec(e)).filter(Boolean).map((m) => [m[1], Number(m[2])]),
  );
  return { roundTrip, timing };
}

const jsonBodies = new Map();
/** The first `rows` test rows as a JSON array of rows (made once). */
function jsonBody(rows) {
  if (!jsonBodies.has(rows)) jsonBodies.set(rows, JSON.stringify(Array.from({ length: rows }, (_, i) => Array.from(test.subarray(i * DIM, (i + 1) * DIM)))));
  return jsonBodies.get(rows);
}

/**
 * Starts a server and waits for it: `ready` resolves with the origin once it accepts requests (polled every
 * 5 ms: any answer to a HEAD counts, the model is not loaded by it), timed from the spawn.
 */
async function start(kind) {
  const port = await freePort();
  const t0 = performance.now();
  const proc = kind === "workerd"
    ? startProcess(bin("workerd"), ["serve", join(work, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`])
    : startProcess(bin("deno"), ["run", "--allow-read", "--allow-net", join(ROOT_DIR, "examples/edge/deno.js"), join(work, "model.cne"), "--port", String(port), "--memory-budget-bytes", BUDGET]);
  const origin = `http://127.0.0.1:${port}`;
  let exited = false;
  proc.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${kind} exited: ${proc.output().stderr}`);
    if (performance.now() - t0 > 60000) {
      await proc.stop();
      throw new Error(`${kind} did not answer within 60 s: ${proc.output().stderr}`);
    }
    try {
      const res = await fetch(`${origin}/`, { method: "HEAD" });
      await res.arrayBuffer();
      return { proc, origin, listeningMs: performance.now() - t0, t0 };
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** The process's peak (VmHWM) or current (VmRSS) resident memory in MB (Linux), or null where /proc has no answer. */
function peakRssMB(pid, field = "VmHWM") {
  try {
    const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return kb ? kb / 1024 : null;
  } catch {
    return null;
  }
}

/** Cold starts: spawn → listening, the first request (one row) after it, spawn → its answer. */
async function coldStarts(kind) {
  const listening = [], first = [], total = [], modelLoad = [];
  const loadBefore = load1();
  for (let c = 0; c < COLD; c++) {
    const s = await start(kind);
    try {
      const r = await post(s.origin, 1);
      listening.push(s.listeningMs);
      first.push(r.roundTrip);
      total.push(performance.now() - s.t0);
      modelLoad.push(r.timing.load ?? NaN);
    } finally {
      await s.proc.stop();
    }
  }
  return { listening: summary(listening), first: summary(first), total: summary(total), modelLoad: summary(modelLoad), load: [loadBefore, load1()] };
}

/** Warm requests of the 10,000 rows: round trip and the server's own parse and transform times. */
async function warm(kind) {
  const s = await start(kind);
  try {
    const idleRssMB = peakRssMB(s.proc.child.pid, "VmRSS");
    /** RUNS requests after a warm-up: round trip and the server's parse and transform times. */
    const series = async (rows, format) => {
      await post(s.origin, rows, format);
      const roundTrips = [], parse = [], transform = [];
      const loadBefore = load1();
      for (let r = 0; r < RUNS; r++) {
        const res = await post(s.origin, rows, format);
        roundTrips.push(res.roundTrip);
        parse.push(res.timing.parse);
        transform.push(res.timing.transform);
      }
      return { roundTrip: summary(roundTrips), parse: summary(parse), transform: summary(transform), load: [loadBefore, load1()] };
    };
    const raw = await series(NTEST, "raw");
    const peak = peakRssMB(s.proc.child.pid);
    const smallRaw = await series(JSON_ROWS, "raw");
    const smallJson = await series(JSON_ROWS, "json");
    return { ...raw, idleRssMB, peakRssMB: peak, small: { raw: smallRaw, json: smallJson } };
  } finally {
    await s.proc.stop();
  }
}

log(`workerd: ${RUNS} POSTs of ${NTEST} rows, ${COLD} cold starts (load ${load1()})`);
const servers = { workerd: { warm: await warm("workerd"), cold: await coldStarts("workerd") } };
if (WITH_DENO) {
  log(`Deno: ${RUNS} POSTs of ${NTEST} rows, ${COLD} cold starts (load ${load1()})`);
  servers.deno = { warm: await warm("deno"), cold: await coldStarts("deno") };
}

// ---------------------------------------------------------------- report
const machine = machineInfo();
const results = {
  date: new Date().toISOString(), machine, train: { n: NTRAIN, epochs: EPOCHS, seconds: trainSeconds, load: trainLoad },
  model: { bytes: bytes.length, sections, header: bytes.length - sections.reduce((a, s) => a + s.bytes, 0) },
  node: { threads2: { ...nodeThreads, result: undefined }, threads1: { ...nodeOne, result: undefined }, loadModelMs: nodeLoadMs },
  servers,
};
writeFileSync(join(CACHE_DIR, "edge.json"), JSON.stringify(results, null, 2));

const loads = (l) => `${l[0]} → ${l[1]}`;
const mb = (x) => (x === null ? "n/a" : `${x.toFixed(0)} MB`);
const lines = [];
lines.push(`## The edge: a saved parametric model served by workerd and Deno (\`bench/edge.js\`)`, "");
lines.push(
  `Transform of the 10,000 Fashion-MNIST test rows (784 columns) with a parametric model trained on the first ` +
    `${NTRAIN.toLocaleString("en")} training rows for ${EPOCHS} epochs (${trainSeconds.toFixed(1)} s, load ${trainLoad}; a short training: ` +
    `the forward pass costs the same whatever the weights). ${machine.cpu}, ${machine.cores} cores shared with other work, ` +
    `Node ${machine.node}, ${machine.deno?.split(" ").slice(0, 2).join(" ") ?? "Deno"}, workerd ${WORKERD_VERSION}. ` +
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Times in ms: median (min–max) of ${RUNS} runs after a warm-up; load = 1-min load average before → after. ` +
    `Command: \`node bench/edge.js${args.length ? ` ${args.join(" ")}` : ""}\`.`,
  "",
);
lines.push("| where | what | ms | ratio to Node, 1 thread | load |", "|---|---|---|---|---|");
const base = nodeOne.median;
const row = (where, what, s, l, ratio = true) => lines.push(`| ${where} | ${what} | ${fmt(s)} | ${ratio ? (s.median / base).toFixed(2) : ""} | ${l ? loads(l) : ""} |`);
row("Node (in process)", "`transform`, 2 threads", nodeThreads, nodeThreads.load);
row("Node (in process)", "`transform`, 1 thread", nodeOne, nodeOne.load);
for (const [kind, r] of Object.entries(servers)) {
  const name = kind === "workerd" ? "workerd (1 thread)" : "Deno (all threads)";
  row(name, "POST round trip, 31.4 MB raw float32 in, 80 kB out", r.warm.roundTrip, r.warm.load);
  row(name, "inside: reading the body (Server-Timing `parse`)", r.warm.parse, null, false);
  row(name, "inside: `transform` (Server-Timing)", r.warm.transform, null);
}
lines.push("", `The same servers with ${JSON_ROWS.toLocaleString("en")} rows, raw float32 against JSON (request and answer):`, "");
lines.push("| server | format | POST round trip | inside: reading and parsing the body | inside: `transform` | load |", "|---|---|---|---|---|---|");
for (const [kind, r] of Object.entries(servers)) {
  for (const [format, x] of Object.entries(r.warm.small)) {
    lines.push(`| ${kind} | ${format === "raw" ? "raw float32" : "JSON"} | ${fmt(x.roundTrip)} | ${fmt(x.parse)} | ${fmt(x.transform)} | ${loads(x.load)} |`);
  }
}
lines.push(
  "",
  `Resident memory of the server process, listening before any request (VmRSS) → its peak after these requests (VmHWM): ` +
    Object.entries(servers).map(([kind, r]) => `${kind} ${mb(r.warm.idleRssMB)} → ${mb(r.warm.peakRssMB)}`).join(", ") +
    ` (a request holds the 31.4 MB body and its copy in the core's memory).`,
);
const w = servers.workerd.warm;
const verdict = (x) => (x <= 1000 ? "met" : "missed");
lines.push(
  "",
  `Every answer equalled Node's \`transform\` bit for bit. Target ≤ 1 s for the 10,000 rows: Node ${ms(nodeOne.median)} ms on 1 thread ` +
    `(${verdict(nodeOne.median)}); workerd ${ms(w.roundTrip.median)} ms for the POST round trip, of which ${ms(w.transform.median)} ms ` +
    `in \`transform\` inside the worker (${verdict(w.roundTrip.median)}). workerd's clock moves in whole milliseconds.`,
  "",
);
lines.push("Cold starts (one row per first request; the first request loads the model and instantiates the wasm):", "");
lines.push("| server | spawn → listening | first request | spawn → first answer | model load inside (Server-Timing) | load |", "|---|---|---|---|---|---|");
for (const [kind, r] of Object.entries(servers)) {
  lines.push(`| ${kind} | ${fmt(r.cold.listening)} | ${fmt(r.cold.first)} | ${fmt(r.cold.total)} | ${fmt(r.cold.modelLoad)} | ${loads(r.cold.load)} |`);
}
lines.push(
  "",
  `(Deno loads the model before it listens, so its first request has no load; its "spawn → listening" includes it.) ` +
    `\`loadModel\` in Node takes ${ms(nodeLoadMs)} ms.`,
  "",
  `Model size: ${bytes.length.toLocaleString("en")} bytes for 784 input columns: ` +
    sections.map((s) => `${s.name} ${s.bytes.toLocaleString("en")}`).join(", ") +
    `, header and padding ${results.model.header.toLocaleString("en")}. The \`embedding\` section (the training layout, n × 2 float32) grows with the training rows; the rest does not.`,
  "",
);
const md = lines.join("\n");
console.log(md);
if (WRITE) {
  // replace this benchmark's own section of RESULTS.md (between its markers), or append it
  const file = join(ROOT_DIR, "bench/RESULTS.md");
  const section = `${BEGIN}\n${md}\n${END}`;
  const text = readFileSync(file, "utf8");
  const at = text.indexOf(BEGIN), end = text.indexOf(END);
  writeFileSync(file, at >= 0 && end > at ? text.slice(0, at) + section + text.slice(end + END.length) : `${text.trimEnd()}\n\n${section}\n`);
  log(`wrote the section into ${file}`);
}
