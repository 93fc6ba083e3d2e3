// Times each stage of one embedding of Fashion-MNIST 70,000 × 784 (default options) with the build in the
// given folder (default: this checkout), so two builds can be compared side by side, process by process:
//   node bench/phase-times.js [root] [threads]
// Prints one JSON line: seconds per stage (from the first to the last progress report of the stage) and total.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { FASHION_DIR } from "./lib/data.js";

const root = resolve(process.argv[2] ?? new URL("..", import.meta.url).pathname);
const threads = process.argv[3] ? Number(process.argv[3]) : undefined;
const lib = await import(pathToFileURL(join(root, "dist/index.js")).href);

function images(file) {
  const bytes = gunzipSync(readFileSync(join(FASHION_DIR, file)));
  const count = bytes.readUInt32BE(4), pixels = bytes.readUInt32BE(8) * bytes.readUInt32BE(12);
  return { count, pixels, values: bytes.subarray(16, 16 + count * pixels) };
}
const parts = [images("train-images-idx3-ubyte.gz"), images("t10k-images-idx3-ubyte.gz")];
const n = parts[0].count + parts[1].count, dim = parts[0].pixels;
const data = new Float32Array(n * dim);
let at = 0;
for (const p of parts) for (const v of p.values) data[at++] = v / 255;

const first = {}, last = {};
const start = performance.now();
await lib.embed(data, {
  dim, threads,
  onProgress: (_f, stage) => {
    const t = performance.now();
    first[stage] ??= t;
    last[stage] = t;
  },
});
const total = (performance.now() - start) / 1000;
const stages = Object.fromEntries(Object.keys(first).map((s) => [s, +((last[s] - first[s]) / 1000).toFixed(3)]));
console.log(JSON.stringify({ root, n, dim, threads: threads ?? "all", total: +total.toFixed(3), stages }));
