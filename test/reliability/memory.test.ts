// Long runs hold memory flat: fits in a loop (2 threads) must not grow the resident set after a warm-up. Each
// loop runs in a fresh node with fixed flags and no forced garbage collection, as a user's process would.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const LOOP = fileURLToPath(new URL("./memory-loop.mjs", import.meta.url));
const FITS = 60;
const WARMUP = 20;
/** Allowed growth of the resident set from fit WARMUP to the last fit (the bound for 200 fits). */
const MAX_GROWTH_MB = 10;

function rssAfterEachFit(mode: "embed" | "handle"): number[] {
  const r = spawnSync(process.execPath, ["--max-old-space-size=512", "--max-semi-space-size=16", LOOP, mode, String(FITS)], {
    encoding: "utf8",
    timeout: 240_000,
  });
  // the process must also end by itself: idle workers may not keep it alive
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").map((line) => JSON.parse(line).rss / 2 ** 20);
}

describe("memory over many fits (2000 × 10, 2 threads)", () => {
  for (const mode of ["embed", "handle"] as const) {
    it(`${mode === "embed" ? "embed()" : "createEmbedding → run → destroy"}: RSS grows < ${MAX_GROWTH_MB} MB after fit ${WARMUP} over ${FITS} fits`, () => {
      const rss = rssAfterEachFit(mode);
      expect(rss).toHaveLength(FITS);
      const growth = Math.max(...rss.slice(WARMUP)) - rss[WARMUP - 1];
      expect(growth).toBeLessThan(MAX_GROWTH_MB);
    }, 300_000);
  }
});
