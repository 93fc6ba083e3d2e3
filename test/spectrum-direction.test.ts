// With more than (n − 1)/100 negatives, Neg-t-SNE's slider runs backwards (Z_u = n(n − 1)/m < Z_t = 100·n):
// the caller who asked for that many negatives is told, at creation and at optimize(); defaults never warn.
import { describe, expect, it } from "vitest";
import { createEmbedding } from "../dist/index.js";
import { randomMatrix } from "./helpers.ts";

const n = 1001, dim = 4;
const data = randomMatrix(n, dim, 7);

function collect(): { warnings: string[]; onWarning: (m: string) => void } {
  const warnings: string[] = [];
  return { warnings, onWarning: (m: string) => warnings.push(m) };
}

describe("the direction of the s slider", () => {
  it("warns when the given negatives put s = 0 beyond the UMAP point, and names the bound", () => {
    const { warnings, onWarning } = collect();
    createEmbedding(data, { dim, negativeSamples: 11, onWarning }).destroy();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/negativeSamples = 11 is more than \(n − 1\)\/100 = 10\.00 for n = 1001/);
    expect(warnings[0]).toMatch(/use at most 10 negatives/);
  });

  it("is silent at the bound, with zBar, for other losses and at the defaults", () => {
    const { warnings, onWarning } = collect();
    for (const options of [{ negativeSamples: 10 }, { negativeSamples: 50, zBar: 1e5 }, { negativeSamples: 50, loss: "nce" as const }, {}]) {
      createEmbedding(data, { dim, ...options, onWarning }).destroy();
    }
    expect(warnings).toEqual([]);
  });

  it("warns when optimize() is given that many negatives", async () => {
    const { warnings, onWarning } = collect();
    const e = createEmbedding(data, { dim, nEpochs: 2, seed: 1, onWarning });
    await e.run();
    await e.optimize({ s: 0.5, nEpochs: 1 });
    expect(warnings).toEqual([]);
    await e.optimize({ s: 0.5, nEpochs: 1, negativeSamples: 20 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/negativeSamples = 20/);
    e.destroy();
  });
});
