// CPU time of reading a CSV: the streamed transform's block reader (bindings/io/delimited-blocks.ts through
// cli/stream/source.ts, in blocks of --chunk-rows rows), the whole-file reader of `cne embed` (cli/read.ts), and
// the line-splitting reader the streamed transform had before it read through bindings/io (kept here as it was,
// as the reference). All run in this one process, interleaved round by round in a rotating order, each timed by
// process.cpuUsage() (user + system: the work of the reader and of what it leaves to the collector); a run ends
// with a full collection when node runs with --expose-gc, so that one reader's garbage is not billed to the next.
// With --base DIR[,DIR…], the block and whole-file readers of other builds' dist/ (e.g. main's, built into DIR)
// run beside this build's, labelled by the folders' names, for a paired before/after.
//
//   node --expose-gc bench/read-csv.js [--shapes 1000000x50,70000x784] [--rounds 5] [--base DIR[,DIR…]]
//        [--readers stream,whole,lines] [--chunk-rows 65536] [--profile stream]
//
// Files (written once into bench/.cache, then reused): N × 50 rows of bench/lib/data.js's mixture, each value in
// its shortest float32 spelling (~450 MB for a million rows); 70,000 × 784 Fashion-MNIST pixels as integers
// 0-255 (~170 MB; Debian's dataset-fashion-mnist). Other shapes N×D: the mixture (D = 50) or random integers.
// --profile READER runs that reader once under the inspector's CPU profiler and prints its top functions.
import { createReadStream, existsSync, mkdirSync, closeSync, openSync, renameSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { FASHION_DIR, mixtureBlocks } from "./lib/data.js";
import { machineInfo } from "./lib/machine.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const shapes = opt("shapes", "1000000x50,70000x784").split(",").map((s) => s.split("x").map(Number));
const rounds = Number(opt("rounds", "5"));
const chunkRows = Number(opt("chunk-rows", "65536"));
const base = opt("base", undefined);
const readerNames = opt("readers", "stream,whole,lines").split(",");
const profile = opt("profile", undefined);
const log = (m) => process.stderr.write(`${m}\n`);
const load1 = () => loadavg()[0].toFixed(2);

const dist = (dir) => (file) => import(pathToFileURL(join(dir, file)).href);
const builds = [["", dist(join(ROOT_DIR, "dist"))], ...(base ? base.split(",").map((dir) => [`@${basename(resolve(dir))}`, dist(resolve(dir))]) : [])];

// ---- the files ----

function writeLines(file, lines) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const fd = openSync(`${file}.tmp`, "w");
  let buffered = [];
  let size = 0;
  const flush = () => {
    writeSync(fd, buffered.join(""));
    buffered = [];
    size = 0;
  };
  for (const line of lines) {
    buffered.push(line);
    size += line.length;
    if (size > 1 << 24) flush();
  }
  flush();
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
}

async function csvFile(n, dim) {
  const file = join(CACHE_DIR, `read-csv-${n}x${dim}.csv`);
  if (existsSync(file)) return file;
  log(`writing ${file}`);
  const { formatFloat32 } = await import(pathToFileURL(join(ROOT_DIR, "dist", "io", "index.js")).href);
  if (dim === 784 && n <= 70000) {
    const idx = (name) => {
      const bytes = gunzipSync(readFileSync(join(FASHION_DIR, name)));
      return bytes.subarray(16);
    };
    const pixels = Buffer.concat([idx("train-images-idx3-ubyte.gz"), idx("t10k-images-idx3-ubyte.gz")]);
    writeLines(file, (function* () {
      for (let i = 0; i < n; i++) yield Array.from(pixels.subarray(i * 784, (i + 1) * 784)).join(",") + "\n";
    })());
  } else if (dim === 50) {
    writeLines(file, (function* () {
      for (const block of mixtureBlocks(n, 10000, dim)) {
        for (let r = 0; r < block.rows; r++) yield Array.from(block.values.subarray(r * dim, (r + 1) * dim), formatFloat32).join(",") + "\n";
      }
    })());
  } else {
    let a = 12345;
    writeLines(file, (function* () {
      for (let i = 0; i < n; i++) yield Array.from({ length: dim }, () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) % 256)).join(",") + "\n";
    })());
  }
  return file;
}

// ---- the readers; each returns [rows, a checksum of the values] ----

/** The streamed transform's reader before it went through bindings/io (commit 5657aed^, source.ts), as it was. */
function cellsOf(line, delimiter) {
  if (!line.includes('"')) return line.split(delimiter);
  const cells = [];
  let cell = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) { cells.push(cell); cell = ""; }
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}

async function* linesOf(file) {
  const input = createReadStream(file);
  let offset = 0;
  let pending = Buffer.alloc(0);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for await (const piece of input) {
    pending = pending.length === 0 ? piece : Buffer.concat([pending, piece]);
    let startOfLine = 0;
    for (let nl = pending.indexOf(10, 0); nl >= 0; nl = pending.indexOf(10, startOfLine)) {
      const lineBytes = pending.subarray(startOfLine, nl);
      const end = offset + nl + 1;
      startOfLine = nl + 1;
      yield { line: decoder.decode(lineBytes).replace(/\r$/, ""), end };
    }
    offset += startOfLine;
    pending = pending.subarray(startOfLine);
  }
  if (pending.length > 0) yield { line: decoder.decode(pending).replace(/\r$/, ""), end: offset + pending.length };
}

async function readLines(file, dim) {
  const delimiter = ",";
  let values = new Float32Array(chunkRows * dim), n = 0, rows = 0, check = 0;
  for await (const { line } of linesOf(file)) {
    if (line.trim() === "") continue;
    const cells = cellsOf(line, delimiter);
    if (cells.length !== dim) throw new Error(`row ${rows} has ${cells.length} fields`);
    for (let c = 0; c < dim; c++) {
      const s = cells[c].trim();
      const v = Number(s);
      if (s === "" || Number.isNaN(v) || !Number.isFinite(v)) throw new Error(`${s} is not a finite number`);
      values[n * dim + c] = v;
    }
    n++;
    rows++;
    if (n === chunkRows) {
      check += values[0] + values[n * dim - 1];
      values = new Float32Array(chunkRows * dim);
      n = 0;
    }
  }
  if (n > 0) check += values[0] + values[n * dim - 1];
  return [rows, check];
}

async function readerOf(name, load) {
  if (name === "lines") return (file, dim) => readLines(file, dim);
  if (name === "stream") {
    const { openRowSource } = await load("cli/stream/source.js");
    return async (file) => {
      const source = await openRowSource(file, {});
      let rows = 0, check = 0;
      for await (const block of source.blocks(source.start, chunkRows)) {
        rows += block.n;
        check += block.values[0] + block.values[block.n * source.dim - 1];
      }
      return [rows, check];
    };
  }
  if (name === "whole") {
    const { readTable } = await load("cli/read.js");
    return async (file) => {
      const table = await readTable(file, undefined, {});
      let check = 0;
      for (let at = 0; at < table.n; at += chunkRows) check += table.values[at * table.dim] + table.values[(Math.min(table.n, at + chunkRows)) * table.dim - 1];
      return [table.n, check];
    };
  }
  throw new Error(`unknown reader ${name} (stream, whole, lines)`);
}

// ---- the runs ----

const readers = [];
for (const name of readerNames) {
  for (const [suffix, load] of builds) {
    if (name === "lines" && suffix) continue;
    readers.push({ label: name + suffix, read: await readerOf(name, load) });
  }
}

async function measure(reader, file, dim) {
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const [rows, check] = await reader.read(file, dim);
  const wall = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const used = process.cpuUsage(cpu);
  return { rows, check, cpu: (used.user + used.system) / 1e6, wall };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (profile) {
  const { Session } = await import("node:inspector/promises");
  const [n, dim] = shapes[0];
  const file = await csvFile(n, dim);
  const reader = readers.find((r) => r.label === profile);
  if (!reader) throw new Error(`--profile: no reader ${profile}`);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  await reader.read(file, dim);
  const { profile: cpu } = await session.post("Profiler.stop");
  const self = new Map();
  const dt = new Map(cpu.samples.map((id, i) => [i, cpu.timeDeltas[i]]));
  const byId = new Map(cpu.nodes.map((node) => [node.id, node]));
  const total = cpu.timeDeltas.reduce((a, b) => a + b, 0);
  cpu.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt.get(i));
  });
  console.log(`self time of ${profile} on ${n} × ${dim} (${(total / 1e6).toFixed(2)} s sampled, load ${load1()}):`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
  process.exit(0);
}

const machine = machineInfo();
console.log(`CSV reading, CPU seconds (user + system) of ${rounds} interleaved rounds; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; gc between runs: ${globalThis.gc ? "yes" : "no (run with --expose-gc)"}${base ? `; other builds: ${base}` : ""}`);
for (const [n, dim] of shapes) {
  const file = await csvFile(n, dim);
  const times = new Map(readers.map((r) => [r.label, []]));
  const walls = new Map(readers.map((r) => [r.label, []]));
  const loads = [];
  let expected;
  for (let round = 0; round < rounds; round++) {
    // a rotating order, so that no reader always runs first (or after the same one)
    const order = readers.map((_, i) => readers[(i + round) % readers.length]);
    for (const reader of order) {
      const r = await measure(reader, file, dim);
      expected ??= [r.rows, r.check];
      if (r.rows !== expected[0] || Math.abs(r.check - expected[1]) > 1e-6 * Math.abs(expected[1]) + 1e-9) {
        throw new Error(`${reader.label} read ${r.rows} rows (checksum ${r.check}), others ${expected[0]} (${expected[1]})`);
      }
      times.get(reader.label).push(r.cpu);
      walls.get(reader.label).push(r.wall);
      log(`${n} × ${dim}, round ${round + 1}: ${reader.label} ${r.cpu.toFixed(2)} s CPU, ${r.wall.toFixed(2)} s wall, load ${load1()}`);
    }
    loads.push(Number(load1()));
  }
  const reference = median(times.get(readers[readers.length - 1].label));
  console.log(`\n${n} × ${dim} (${file}), load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`);
  // on a busy machine other processes only add to a run's CPU time (caches, memory bandwidth): the least of
  // the runs is the steadier figure, the median the usual one
  const least = Math.min(...times.get(readers[readers.length - 1].label));
  const ref = readers[readers.length - 1].label;
  console.log(`| reader | CPU s (median) | CPU s (least) | all runs | wall s (median) | median vs ${ref} | least vs ${ref} |`);
  console.log("|---|---|---|---|---|---|---|");
  for (const r of readers) {
    const t = times.get(r.label);
    console.log(`| ${r.label} | ${median(t).toFixed(2)} | ${Math.min(...t).toFixed(2)} | ${t.map((x) => x.toFixed(2)).join(" ")} | ${median(walls.get(r.label)).toFixed(2)} | ${(median(t) / reference).toFixed(2)} | ${(Math.min(...t) / least).toFixed(2)} |`);
  }
}
