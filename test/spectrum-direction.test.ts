// The slider's ends are fixed in Z̄ (Z_t = 100·n at s = 0, UMAP's Z_u = n(n − 1)/5 at s = 1), whatever the number
// of negatives, so its direction depends on n alone: on n ≤ 501 points Z_u ≤ Z_t and s runs backwards. A caller
// who places a layout by s on such data is told once per handle; the defaults, zBar and other losses never warn.
import { describe, expect, it } from "vitest";
import { createEmbedding } from "../dist/index.js";
import { randomMatrix } from "./helpers.ts";

const dim = 4;
const small = randomMatrix(400, dim, 7), large = randomMatrix(1001, dim, 7);

function collect(): { warnings: string[]; onWarning: (m: string) => void } {
  const warnings: string[] = [];
  return { warnings, onWarning: (m: string) => warnings.push(m) };
}

describe("the direction of the s slider", () => {
  it("warns when s places a layout on data of 501 points or fewer, and names the bound", () => {
    const { warnings, onWarning } = collect();
    createEmbedding(small, { dim, s: 0.5, onWarning }).destroy();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/on n = 400 points s runs backwards/);
    expect(warnings[0]).toMatch(/n\(n − 1\)\/5 = 3\.19e\+4\) is not above Z̄ at s = 0 \(100·n = 40000\), which needs n > 501/);
  });

  it("does not depend on the number of negatives: many negatives on 1,001 points are silent", () => {
    const { warnings, onWarning } = collect();
    for (const negativeSamples of [5, 11, 50, 500]) createEmbedding(large, { dim, s: 1, negativeSamples, onWarning }).destroy();
    expect(warnings).toEqual([]);
  });

  it("is silent on small data without s, with zBar, for other losses", () => {
    const { warnings, onWarning } = collect();
    for (const options of [{}, { negativeSamples: 50 }, { zBar: 1e5 }, { s: 1, loss: "nce" as const }]) {
      createEmbedding(small, { dim, ...options, onWarning }).destroy();
    }
    expect(warnings).toEqual([]);
  });

  it("warns at an optimize() that gives s on small data, unless the fit was placed by s (and told) already", async () => {
    const { warnings, onWarning } = collect();
    const e = createEmbedding(small, { dim, nEpochs: 2, seed: 1, onWarning });
    await e.run();
    await e.optimize({ nEpochs: 1 });
    expect(warnings).toEqual([]);
    await e.optimize({ s: 0.5, nEpochs: 1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/n = 400/);
    e.destroy();
    // a walk: told at creation, silent as it moves along s
    const walk = createEmbedding(small, { dim, s: 0, nEpochs: 2, seed: 1, onWarning });
    expect(warnings).toHaveLength(2);
    await walk.run();
    await walk.optimize({ s: 1, nEpochs: 1 });
    await walk.optimize({ s: 0.5, nEpochs: 1 });
    expect(warnings).toHaveLength(2);
    walk.destroy();
  });
});
