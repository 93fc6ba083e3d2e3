// Failures mid-run release what they hold and leave the library usable: a compute thread that dies rejects the
// run with a clear error, and the next fit works; a destroyed handle gives up its memory.
import { describe, expect, it } from "vitest";
import { createEmbedding, embed } from "../../dist/index.js";
import { randomMatrix } from "../helpers.ts";

const n = 2000, dim = 10;
const data = randomMatrix(n, dim, 5);

/** The worker handles of a running embedding's pool (internals: a test stands in for a crash or a kill). */
function workersOf(e: object): { terminate(): void }[] {
  return (e as { core: { pool: { workers: { terminate(): void }[] } } }).core.pool.workers;
}

describe("a compute thread killed mid-run", () => {
  it("rejects the run with an error naming it, and the next fit succeeds", async () => {
    const e = createEmbedding(data, { n, dim, threads: 2, nEpochs: 400, seed: 1 });
    let killed = false;
    const run = e.run({
      onProgress: (fraction, stage) => {
        if (stage === "optimize" && fraction > 0 && !killed) {
          killed = true;
          workersOf(e)[0].terminate();
        }
      },
    });
    await expect(run).rejects.toThrow(/a compute thread stopped during the run \(worker 0 ended unexpectedly\)/);
    expect(killed).toBe(true);
    e.destroy();
    const y = await embed(data, { n, dim, threads: 2, nEpochs: 20, seed: 1 });
    expect(y.length).toBe(n * 2);
    expect(y.every(Number.isFinite)).toBe(true);
  }, 60_000);
});

describe("destroy", () => {
  it("drops the handle's view of the core: the layout and graph read as empty afterwards", async () => {
    const e = createEmbedding(data, { n, dim, threads: 2, nEpochs: 10 });
    const y = await e.run();
    expect(e.embedding).toEqual(y);
    e.destroy();
    await new Promise((r) => setTimeout(r, 0));
    expect(e.embedding.length).toBe(0);
    expect(e.knnGraph).toBeUndefined();
  });

  it("a reused core gives the same bits as a fresh one (same seed, same threads)", async () => {
    const a = await embed(data, { n, dim, threads: 2, nEpochs: 10, seed: 9 });
    const b = await embed(data, { n, dim, threads: 2, nEpochs: 10, seed: 9 });
    const c = await embed(randomMatrix(500, 3, 2), { dim: 3, threads: 2, nEpochs: 10, seed: 9 }); // dirties the memory
    expect(c.every(Number.isFinite)).toBe(true);
    const d = await embed(data, { n, dim, threads: 2, nEpochs: 10, seed: 9 });
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(Buffer.from(d.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });
});
