// The same fit gives the same bits whichever V8 tier runs the core. With only the baseline compiler (Liftoff,
// no tier-up), with only the optimising compiler, and with the default lazy tiering (code replaced while the
// threads run), the first and second 2-thread fit of each loss in one process, and every process, must agree.
// An earlier build gave a different first fit for nce, infonce and umap under Liftoff: one thread's share of
// the gradient step was missed.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const child = fileURLToPath(new URL("./tiers-child.mjs", import.meta.url));
const run = promisify(execFile);

async function digests(flags: string[]): Promise<Record<string, string[]>> {
  const { stdout } = await run(process.execPath, [...flags, child], { timeout: 120_000 });
  return JSON.parse(stdout);
}

describe("V8 compiler tiers", () => {
  it("the first and second fit in a process, and every tier, give the same bits for every loss (2 threads)", async () => {
    const settings = {
      default: [],
      liftoffOnly: ["--liftoff", "--no-wasm-dynamic-tiering"],
      optimizingOnly: ["--no-liftoff"],
    };
    const results = await Promise.all(Object.values(settings).map(digests));
    const reference = results[0];
    for (const [name, result] of Object.keys(settings).map((k, i) => [k, results[i]] as const)) {
      for (const loss of ["neg", "nce", "infonce", "umap"]) {
        const [first, second] = result[loss];
        expect(first, `${name}: first vs second ${loss} fit`).toBe(second);
        expect(first, `${name} vs default: ${loss}`).toBe(reference[loss][0]);
      }
    }
  }, 180_000);
});
