// Peak memory of a whole process embedding Fashion-MNIST 70,000 × 784 with the defaults, through the API (a
// Float32Array in memory → embed) and through the command line (`cne embed` on a float32 .npy). Each runs as
// its own process under `/usr/bin/time -v`, whose "Maximum resident set size" is the figure reported.
// Usage: node bench/memory.js [--runs R]   (prepares bench/.cache/fashion-mnist.{f32,npy} when missing)
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { DATASETS, ensureDataset } from "./lib/data.js";
import { CACHE_DIR, ROOT_DIR } from "./lib/paths.js";

const { n, dim } = DATASETS["fashion-mnist"];

/** The child of the API measurement: read the raw float32 rows into one Float32Array, then embed them. */
async function apiChild(f32Path) {
  const { embed } = await import(join(ROOT_DIR, "dist/index.js"));
  const bytes = readFileSync(f32Path);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const y = await embed(values, { dim });
  if (y.length !== n * 2) throw new Error(`unexpected output length ${y.length}`);
}

/** A .npy (version 1.0, '<f4', C order) of the prepared float32 rows: header, then the bytes as they are. */
async function ensureNpy(f32Path) {
  const npyPath = join(CACHE_DIR, "fashion-mnist.npy");
  if (existsSync(npyPath) && statSync(npyPath).size > statSync(f32Path).size) return npyPath;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const out = createWriteStream(npyPath);
  const preamble = Buffer.alloc(10);
  preamble.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  preamble.writeUInt16LE(header.length, 8);
  out.write(preamble);
  out.write(header, "latin1");
  await pipeline(createReadStream(f32Path), out);
  return npyPath;
}

/** Runs `args` under /usr/bin/time -v; returns peak RSS (MB = 2^20 bytes) and wall time (s). */
function measure(args) {
  const started = Date.now();
  const r = spawnSync("/usr/bin/time", ["-v", ...args], { cwd: ROOT_DIR, encoding: "utf8", maxBuffer: 1 << 26 });
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  if (r.status !== 0 || !kb) throw new Error(`${args.join(" ")} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return { mb: kb / 1024, seconds: (Date.now() - started) / 1000 };
}

async function main() {
  const runsAt = process.argv.indexOf("--runs");
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 1;
  const { values: f32Path } = ensureDataset("fashion-mnist");
  const npyPath = await ensureNpy(f32Path);
  const out = join(tmpdir(), "cne-memory-bench.npy");
  const paths = {
    api: [process.execPath, "bench/memory.js", "--api-child", f32Path],
    cli: [process.execPath, "dist/cli/main.js", "embed", npyPath, "--out", out, "--quiet"],
  };
  const shown = (args) => ["/usr/bin/time -v", "node", ...args.slice(1)].join(" ").replaceAll(ROOT_DIR + "/", "");
  console.log(`| path | command | peak RSS MB (min–max of ${runs}) | wall s | load avg before |`);
  console.log("|---|---|---|---|---|");
  for (const [name, args] of Object.entries(paths)) {
    const results = [];
    const load = loadavg()[0].toFixed(1);
    for (let i = 0; i < runs; i++) results.push(measure(args));
    const mbs = results.map((r) => r.mb);
    const secs = results.map((r) => r.seconds).sort((a, b) => a - b);
    console.log(`| ${name} | \`${shown(args)}\` | ${Math.min(...mbs).toFixed(0)}–${Math.max(...mbs).toFixed(0)} | ${secs[secs.length >> 1].toFixed(1)} | ${load} |`);
  }
}

if (process.argv[2] === "--api-child") await apiChild(process.argv[3]);
else await main();
