// A longer fuzz of what a stranger can hand the library, for a few minutes: mutated saved models (header
// fields set to random JSON, bit flips, truncations, section lists rewritten), random option values on small
// data, random requests to `cne serve` (request lines, Host headers, methods) and to the edge worker's handler
// (JSON and raw bodies, content types). Each case has its allowed outcomes; anything else is reported: a crash
// (an error of another class, or a stack trace on the server's stderr), a hang (a case over its time limit), a
// server that stops answering, or resident memory past a bound.
//
//   node bench/fuzz.js [--minutes 3] [--seed 1] [--rss-mb 1500]
//
// Needs the built package (npm run build). Exits 1 when anything was reported.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { CneInputError, CneModelError, createEmbedding, createParametricEmbedding, embed, loadModel } from "../dist/index.js";
import { createHandler } from "../examples/edge/handler.js";
import { ROOT_DIR } from "./lib/paths.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const MINUTES = opt("minutes", 3), RSS_MB = opt("rss-mb", 1500);
let seed = opt("seed", 1) >>> 0;
const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const problems = [];
const counts = {};
const report = (cls, what, detail) => {
  problems.push(`${cls}: ${what}: ${detail}`);
  process.stderr.write(`PROBLEM ${cls}: ${what}: ${String(detail).split("\n").slice(0, 4).join(" | ")}\n`);
};
const tally = (cls, outcome) => { counts[cls] ??= {}; counts[cls][outcome] = (counts[cls][outcome] ?? 0) + 1; };

/** Runs `work` with a time limit; a case over it is a hang. */
async function bounded(cls, what, ms, work) {
  let timer;
  const limit = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`HANG: over ${ms} ms`)), ms); });
  try {
    return await Promise.race([work(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** A random JSON value, biased to the edges of every type. */
function hostileValue() {
  return pick([
    () => pick([0, -1, 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 1e308, -1e308, 5e-324, 0.5, 1e-320, 2 ** 28, 2 ** 20]),
    () => int(-5, 200),
    () => random() * 10 ** int(-40, 40) * (random() < 0.3 ? -1 : 1),
    () => pick(["", "neg", "umap", "NaN", "Infinity", "f32", "x".repeat(int(1, 300))]),
    () => pick([null, true, false, [], {}, [1, 2], { a: 1 }]),
  ])();
}

// ------------------------------------------------------------------------------------------------ models
const rows = (n, dim) => Float32Array.from({ length: n * dim }, (_, i) => ((i * 7919) % 101) / 10 + (i % dim) * (Math.floor(i / dim) % 3));
const models = [];
for (const [make, n, dim] of [[createEmbedding, 80, 5], [createEmbedding, 50, 120], [createParametricEmbedding, 80, 5]]) {
  const h = make(rows(n, dim), { n, dim, k: 5, nEpochs: 3, threads: 1 });
  await h.run();
  models.push({ bytes: h.save(), dim });
  h.destroy();
}

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) { c ^= bytes[i]; for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
  return (c ^ 0xffffffff) >>> 0;
}
/** A mutated model: its header JSON changed (length and CRC kept right), bits flipped, or cut short. */
function mutateModel(bytes) {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const kind = pick(["field", "field", "field", "sections", "bits", "truncate"]);
  if (kind === "bits") {
    for (let i = int(1, 8); i > 0; i--) out[int(0, out.length - 1)] ^= 1 << int(0, 7);
    return { kind, bytes: out };
  }
  if (kind === "truncate") return { kind, bytes: out.slice(0, int(0, out.length - 1)) };
  const headerLength = view.getUint32(16, true);
  const header = JSON.parse(new TextDecoder().decode(out.subarray(20, 20 + headerLength)));
  let detail = kind;
  if (kind === "field") {
    const paths = [["n"], ["k"], ["outDim"], ["inputDim"], ["referenceDim"], ["phases"], ["inputScaleExponent"], ["logZ"], ["lastLoss"], ["kind"],
      ["target", "loss"], ["target", "s"], ["target", "xi"], ["target", "c"], ["target", "zBar"], ["pca", "dim"], ["pca", "nComponents"],
      ["network", "inDim"], ["network", "hidden"], ["network", "hiddenLayers"], ["network", "outDim"], ["options", pick(["k", "s", "loss", "outDim", "learningRate", "nEpochs", "zBar", "c"])]];
    const path = pick(paths);
    let at = header;
    for (const key of path.slice(0, -1)) at = at[key] !== null && typeof at[key] === "object" ? at[key] : (at[key] = {});
    at[path.at(-1)] = hostileValue();
    detail = `${path.join(".")} = ${JSON.stringify(at[path.at(-1)])?.slice(0, 40)}`;
  } else {
    const s = header.sections;
    const e = pick(s);
    pick([
      () => s.push({ ...e }),
      () => { e.offset = hostileValue(); },
      () => { e.length = hostileValue(); },
      () => { e.type = hostileValue(); },
      () => { e.name = pick(s).name; },
      () => s.splice(s.indexOf(e), 1),
    ])();
  }
  const text = new TextEncoder().encode(JSON.stringify(header));
  if (text.length > headerLength) return { kind, bytes: out.slice(0, 8) }; // does not fit in place: a plain bad file
  out.fill(0x20, 20, 20 + headerLength);
  out.set(text, 20);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return { kind, bytes: out, detail };
}

async function modelCase() {
  const m = pick(models);
  const { kind, bytes, detail = kind } = mutateModel(m.bytes);
  try {
    await bounded("model", kind, 10_000, async () => {
      const handle = await loadModel(bytes, { threads: 1 });
      try {
        const y = await handle.transform(rows(3, handle.dim));
        if (!y.every(Number.isFinite)) report("model", kind, "a loaded model transformed to non-finite values");
      } finally {
        handle.destroy();
      }
    });
    tally("model", `${kind}: loaded`);
  } catch (e) {
    if (e instanceof CneModelError) tally("model", `${kind}: CneModelError`);
    else if (e instanceof CneInputError) tally("model", `${kind}: CneInputError (transform: ${e.message.slice(10, 90)})`);
    else report("model", detail, e?.stack ?? e);
  }
}

// ------------------------------------------------------------------------------------------------ options
const OPTION_VALUES = {
  s: () => pick([hostileValue(), random() * 200 - 100, random() * 4 - 1]),
  zBar: () => pick([hostileValue(), 10 ** (random() * 60 - 30)]),
  c: () => pick([hostileValue(), 10 ** (random() * 40 - 20)]),
  learningRate: () => pick([hostileValue(), 10 ** (random() * 40 - 30)]),
  k: () => pick([hostileValue(), int(1, 60)]),
  negativeSamples: () => pick([hostileValue(), int(1, 200)]),
  nEpochs: () => pick([hostileValue(), int(1, 6)]),
  batchSize: () => pick([hostileValue(), int(1, 5000)]),
  outDim: () => pick([hostileValue(), int(1, 5)]),
  loss: () => pick(["neg", "nce", "infonce", "umap", hostileValue()]),
  init: () => pick(["pca", "random", "spectral", hostileValue()]),
  earlyExaggeration: () => pick([true, false, hostileValue()]),
  seed: () => pick([hostileValue(), int(0, 1000)]),
};
async function optionCase() {
  const n = int(5, 120), dim = int(1, 6);
  const options = { n, dim, nEpochs: 3, threads: 1, onWarning: () => {} };
  for (let i = int(1, 3); i > 0; i--) {
    const name = pick(Object.keys(OPTION_VALUES));
    options[name] = OPTION_VALUES[name]();
  }
  if (typeof options.nEpochs !== "number" || options.nEpochs > 6) options.nEpochs = 3;
  const label = JSON.stringify(options);
  try {
    const y = await bounded("options", label, 20_000, () => embed(rows(n, dim), options));
    if (!y.every(Number.isFinite)) report("options", label, "non-finite layout resolved");
    tally("options", "finite layout");
  } catch (e) {
    if (e instanceof CneInputError) tally("options", "CneInputError");
    else report("options", label, e?.stack ?? e);
  }
}

// ------------------------------------------------------------------------------------------------ cne serve
const server = spawn(process.execPath, [`${ROOT_DIR}/dist/cli/main.js`, "serve", "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
let serverErr = "";
const port = await new Promise((ok, fail) => {
  server.stderr.on("data", (c) => { serverErr += c; const m = /127\.0\.0\.1:(\d+)/.exec(serverErr); if (m) ok(Number(m[1])); });
  server.on("exit", (code) => fail(new Error(`cne serve exited (${code}): ${serverErr}`)));
});
const serverRss = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
function rawRequest(text) {
  return new Promise((ok) => {
    const socket = connect(port, "127.0.0.1");
    let head = "";
    socket.setTimeout(10_000, () => { socket.destroy(); ok("HANG"); });
    socket.on("data", (c) => { head += c.toString("latin1"); const m = /^HTTP\/1\.1 (\d{3})/.exec(head); if (m) { socket.destroy(); ok(Number(m[1])); } });
    socket.on("error", () => ok(0));
    socket.on("close", () => ok(0));
    socket.end(Buffer.from(text, "latin1"));
  });
}
const PIECES = ["explorer", "data", "file", "start.json", "digits.csv.gz", "..", ".", "%", "%Z", "%ZZ", "%C0%AE", "%00", "%2f", "%ED%A0%80", "%E0%A4%A", "%FF", "\u00ff", "a b", "?", "#", "//", "main.js"];
async function serveCase() {
  const path = "/" + Array.from({ length: int(0, 5) }, () => pick(PIECES)).join(pick(["/", "", "/./"]));
  const method = pick(["GET", "GET", "HEAD", "POST", "PUT", "OPTIONS", "GE T", "get", "X".repeat(int(1, 40))]);
  const host = pick([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "evil.example", `evil.example:${port}`, "", "127.0.0.1", "a".repeat(int(1, 3000))]);
  const extra = pick(["", `Range: bytes=${int(-5, 99999)}-${int(-5, 9)}\r\n`, "Transfer-Encoding: chunked\r\n", `Content-Length: ${int(0, 10)}\r\n`, "Expect: 100-continue\r\n"]);
  const status = await rawRequest(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`);
  if (status === "HANG") report("serve", `${method} ${path} Host ${host.slice(0, 40)}`, "no answer in 10 s");
  else if (status === 500) report("serve", `${method} ${path}`, "500");
  tally("serve", String(status));
  if (server.exitCode !== null) report("serve", `${method} ${path}`, `the server exited (${server.exitCode}): ${serverErr}`);
}

// ------------------------------------------------------------------------------------------------ edge handler
const edge = createHandler({ load: () => loadModel(models[2].bytes, { threads: 1 }), maxBodyBytes: 1 << 20, memoryBudgetBytes: 4 << 20 });
async function edgeCase() {
  const dim = models[2].dim;
  const type = pick(["application/json", "application/json; charset=utf-8", "application/octet-stream", "text/plain", ""]);
  let body;
  if (type.startsWith("application/json")) {
    body = pick([
      () => JSON.stringify(Array.from({ length: int(0, 50) }, () => Array.from({ length: pick([dim, dim, dim - 1, 0]) }, () => pick([random() * 10, hostileValue()])))),
      () => JSON.stringify({ rows: Array.from({ length: int(1, 5) }, () => Array.from({ length: dim }, () => random())) }),
      () => "[".repeat(int(1, 5000)),
      () => `[[1e999${",0".repeat(dim - 1)}]]`,
      () => JSON.stringify(hostileValue()),
      () => "[" + Array.from({ length: int(1, 40000) }, () => `[${Array(dim).fill(0).join(",")}]`).join(",") + "]",
    ])();
  } else {
    const n = pick([int(0, 5) * dim * 4, int(0, 200), int(1, 70000) * dim * 4]);
    body = new Uint8Array(n).map(() => int(0, 255));
  }
  const headers = { "content-type": type };
  if (random() < 0.2) headers["x-rows"] = pick(["1", "0", "abc", "-1", String(int(0, 100))]);
  const method = pick(["POST", "POST", "POST", "GET", "PUT"]);
  const request = new Request("http://edge.test/", { method, headers, body: method === "GET" ? undefined : body });
  try {
    const res = await bounded("edge", type, 20_000, () => edge(request));
    await res.arrayBuffer();
    if (res.status === 500) report("edge", `${method} ${type}`, `500: ${await res.clone().text().catch(() => "")}`);
    tally("edge", String(res.status));
  } catch (e) {
    report("edge", `${method} ${type}`, e?.stack ?? e);
  }
}

// ------------------------------------------------------------------------------------------------ the loop
const started = Date.now(), deadline = started + MINUTES * 60_000;
const startRss = rssMB();
let peakRss = startRss, peakServer = 0, cases = 0;
process.stderr.write(`fuzzing for ${MINUTES} min (load ${loadavg()[0].toFixed(2)}), seed ${opt("seed", 1)}\n`);
try {
  while (Date.now() < deadline) {
    await pick([modelCase, modelCase, optionCase, serveCase, serveCase, edgeCase, edgeCase])();
    cases++;
    peakRss = Math.max(peakRss, rssMB());
    if (cases % 50 === 0) {
      peakServer = Math.max(peakServer, serverRss());
      if (peakRss > RSS_MB) report("memory", "this process", `RSS ${peakRss.toFixed(0)} MB > ${RSS_MB} MB`);
      if (peakServer > 300) report("memory", "cne serve", `peak RSS ${peakServer.toFixed(0)} MB > 300 MB`);
    }
  }
} finally {
  server.kill("SIGINT");
}
if (/\n\s+at /.test(serverErr)) report("serve", "stderr", serverErr);
console.log(`${cases} cases in ${((Date.now() - started) / 1000).toFixed(0)} s (load ${loadavg()[0].toFixed(2)}); RSS ${startRss.toFixed(0)} → peak ${peakRss.toFixed(0)} MB; cne serve peak ${peakServer.toFixed(0)} MB`);
for (const [cls, outcomes] of Object.entries(counts)) console.log(`  ${cls}: ${Object.entries(outcomes).map(([o, c]) => `${o} ${c}`).join(", ")}`);
console.log(problems.length === 0 ? "no crash, hang, stack trace or memory past its bound" : `${problems.length} problems:\n${problems.join("\n")}`);
process.exit(problems.length === 0 ? 0 : 1);
