// The settings a fit resolved (handle.settings): both handles resolve their defaults, checks and phases in one
// place (bindings/fit/), and what reads a fit's settings (the spectrum walk) reads them instead of recomputing.
import { describe, expect, it } from "vitest";
import { createEmbedding, createParametricEmbedding, createSpectrumWalk, LOSSES, zBarAt } from "../dist/index.js";
import { randomMatrix } from "./helpers.ts";

const n = 1001, dim = 4;
const data = randomMatrix(n, dim, 7);
const quiet = { onWarning: () => {} };

describe("a fit's resolved settings", () => {
  it("are undefined before run(), then hold the layout's every default for this n", async () => {
    const e = createEmbedding(data, { dim, nEpochs: 6, seed: 1, ...quiet });
    expect(e.settings).toBeUndefined();
    await e.run();
    const s = e.settings!;
    const m = 30; // the default at every n: the negatives do not move the slider
    expect(s).toMatchObject({ mode: "layout", loss: "neg", s: 0, negativeSamples: m, metric: "euclidean", seed: 1, rule: "sgd", epochs: 4, earlyEpochs: 2, k: 15 });
    expect(s.zBar).toBe(zBarAt(0, n));
    expect(s.zBar).toBeCloseTo(100 * n, 6);
    expect(s.xi).toBeCloseTo((m * s.zBar!) / (n * (n - 1)), 12);
    expect(s.c).toBeUndefined();
    // the main phase's rate toward the t-SNE end: max(1, 1/(10ξ'))
    expect(s.learningRate).toBeCloseTo(Math.max(1, 1 / (10 * s.xi)), 12);
    expect(s.batchSize).toBeGreaterThan(0);
    // optimize() moves them to the new phase
    await e.optimize({ loss: "infonce", s: 0.5, nEpochs: 2 });
    expect(e.settings).toMatchObject({ loss: "infonce", s: 0.5, c: 2, epochs: 2, earlyEpochs: 0, learningRate: LOSSES.infonce.learningRate });
    expect(e.settings!.zBar).toBeUndefined();
    e.destroy();
  });

  it("of the parametric mode hold its own defaults (5 negatives, Adam's rate, 256 edges per batch)", async () => {
    const p = createParametricEmbedding(data, { dim, nEpochs: 3, seed: 1, ...quiet });
    await p.run();
    expect(p.settings).toMatchObject({ mode: "network", rule: "adam", negativeSamples: 5, learningRate: 3e-3, batchSize: 256, epochs: 2, earlyEpochs: 1 });
    p.destroy();
  });

  it("the parametric optimize() checks the direction of s as the layout's does", async () => {
    const warnings: string[] = [];
    const p = createParametricEmbedding(data, { dim, nEpochs: 2, seed: 1, onWarning: (w) => warnings.push(w) });
    await p.run();
    await p.optimize({ s: 0.5, nEpochs: 1, negativeSamples: 20 });
    expect(warnings).toEqual([]); // 1,001 points: s runs forward whatever the negatives
    p.destroy();
    const small = createParametricEmbedding(randomMatrix(400, dim, 7), { dim, nEpochs: 2, seed: 1, onWarning: (w) => warnings.push(w) });
    await small.run();
    await small.optimize({ s: 0.5, nEpochs: 1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/on n = 400 points s runs backwards/);
    small.destroy();
  });

  it("the spectrum walk reports the c its fit used, not 4^s, when c was given", async () => {
    const walk = createSpectrumWalk(data, { dim, loss: "infonce", c: 3, nEpochs: 3, seed: 1, align: false, ...quiet });
    const first = await walk.start();
    expect(first.c).toBe(3);
    expect(walk.settings!.c).toBe(3);
    const next = await walk.moveTo(1, { nEpochs: 1 });
    expect(next.c).toBe(4);
    walk.destroy();
  });
});

describe("the update-rule seam", () => {
  it("a mode refuses a loss whose update rule it has no runner for, naming the loss, the mode and the rule", async () => {
    const { checkRunnable, ruleFor } = await import("../dist/fit/plan.js");
    const { LAYOUT_MODE, NETWORK_MODE } = await import("../dist/fit/modes.js");
    expect(ruleFor("neg", LAYOUT_MODE)).toBe("sgd");
    expect(ruleFor("neg", NETWORK_MODE)).toBe("adam");
    expect(() => checkRunnable("neg", NETWORK_MODE, { adam: () => undefined })).not.toThrow();
    expect(() => checkRunnable("neg", NETWORK_MODE, { sgd: () => undefined })).toThrow(/loss "neg" does not run in the network mode \(it has no update rule "adam" there\)/);
  });
});
