// Runs fits in a loop and prints the resident set size after each, as JSON lines, for memory.test.ts.
// Usage: node memory-loop.mjs <embed|handle> <fits> — embed(): the one-shot API; handle: createEmbedding → run → destroy.
import { createEmbedding, embed } from "../../dist/index.js";

const [mode, fitsArg] = process.argv.slice(2);
const fits = Number(fitsArg);
const n = 2000, dim = 10;
let state = 1;
const data = new Float32Array(n * dim).map(() => (state = (state * 16807) % 2147483647) / 2147483647);
const options = { n, dim, threads: 2, nEpochs: 10, seed: 1 };

for (let i = 0; i < fits; i++) {
  // a caller's signal each time: its listeners must not pile up either
  const signal = new AbortController().signal;
  if (mode === "embed") {
    await embed(data, { ...options, signal });
  } else {
    const e = createEmbedding(data, options);
    await e.run({ signal });
    e.destroy();
  }
  process.stdout.write(JSON.stringify({ fit: i + 1, rss: process.memoryUsage().rss }) + "\n");
}
