import { describe, expect, it } from "vitest";
import { CneInputError, createEmbedding, createSpectrumWalk, spectrum, zBarAt } from "../../dist/index.js";
import { loadDigits, scale } from "../digits.ts";

const digits = loadDigits();
const base = { dim: digits.dim, seed: 5, nEpochs: 60 };

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Mean squared distance between two layouts, point by point. */
function meanSquaredGap(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / (a.length / 2);
}

describe("spectrum(): a series along s on digits", () => {
  it("unaligned, it is exactly a fit at the highest s followed by warm-started optimize() calls down the list", async () => {
    const series = await spectrum(digits.data, { ...base, s: [0, 0.5, 1], stepEpochs: 20, align: false });
    expect(series.computed).toEqual([2, 1, 0]);
    const e = createEmbedding(digits.data, { ...base, s: 1 });
    try {
      const want = [await e.run(), await e.optimize({ s: 0.5, nEpochs: 20 }), await e.optimize({ s: 0, nEpochs: 20 })];
      series.computed.forEach((i, k) => expect(sameBits(series.layouts[i].layout, want[k]), `layout ${i}`).toBe(true));
    } finally {
      e.destroy();
    }
    expect(series.layouts.map((l) => l.s)).toEqual([0, 0.5, 1]);
    // each layout names the Z̄ its fit used: 100·n at s = 0, UMAP's n(n − 1)/5 at s = 1, whatever the negatives
    expect(series.layouts.map((l) => l.zBar)).toEqual([0, 0.5, 1].map((s) => zBarAt(s, digits.n)));
    expect(series.layouts[0].zBar).toBeCloseTo(100 * digits.n, 6);
    expect(series.layouts[2].zBar).toBeCloseTo((digits.n * (digits.n - 1)) / 5, 6);
    // the spectrum itself: the UMAP end is tighter than the t-SNE end
    expect(scale(series.layouts[2].layout, 2)).toBeLessThan(scale(series.layouts[0].layout, 2));
  });

  it("aligned layouts are similarity transforms of the raw ones, closer to their predecessor", async () => {
    const s = [0, 0.5, 1];
    const raw = await spectrum(digits.data, { ...base, s, stepEpochs: 20, align: false });
    const aligned = await spectrum(digits.data, { ...base, s, stepEpochs: 20 });
    const [first, ...rest] = aligned.computed;
    expect(sameBits(aligned.layouts[first].layout, raw.layouts[first].layout)).toBe(true);
    let previous = aligned.layouts[first].layout;
    for (const i of rest) {
      const a = aligned.layouts[i].layout, r = raw.layouts[i].layout;
      // distances between any two points scale by the same factor: no distortion
      for (const [p, q] of [[0, 1], [10, 900], [500, 1700], [3, 1234]]) {
        const da = Math.hypot(a[2 * p] - a[2 * q], a[2 * p + 1] - a[2 * q + 1]);
        const dr = Math.hypot(r[2 * p] - r[2 * q], r[2 * p + 1] - r[2 * q + 1]);
        expect(da / dr).toBeCloseTo(aligned.layouts[i].scale, 3);
      }
      expect(meanSquaredGap(a, previous)).toBeLessThan(meanSquaredGap(r, previous));
      previous = a;
    }
    // the scale brings the wider t-SNE-end layout down to the size of the UMAP-end one it started from
    expect(aligned.layouts[0].scale).toBeLessThan(1);
  });

  it("each layout starts from the one before: a 1-epoch step stays close to it", async () => {
    const series = await spectrum(digits.data, { ...base, s: [0, 0.05], stepEpochs: 1 });
    const [a, b] = series.layouts.map((l) => l.layout);
    const spread = scale(a, 2) ** 2 * 2;
    expect(meanSquaredGap(a, b)).toBeLessThan(0.05 * spread);
  });

  it("reports one monotone fraction over the whole series, ending at 1, with each layout's index", async () => {
    const seen: [number, string, number][] = [];
    await spectrum(digits.data, { ...base, s: [0, 1, 0.5], stepEpochs: 10, onProgress: (f, stage, i) => seen.push([f, stage, i]) });
    for (let t = 1; t < seen.length; t++) expect(seen[t][0]).toBeGreaterThanOrEqual(seen[t - 1][0]);
    expect(seen[seen.length - 1][0]).toBeCloseTo(1, 9);
    expect(new Set(seen.map((x) => x[2]))).toEqual(new Set([0, 1, 2]));
    expect(seen.some((x) => x[1] === "knn")).toBe(true);
    // computed from the highest s down: s = 1 (index 1), then 0.5 (index 2), then 0 (index 0)
    expect(seen[0][2]).toBe(1);
    expect(seen[seen.length - 1][2]).toBe(0);
    const startOfSecond = seen.find((x) => x[2] === 2)![0];
    expect(startOfSecond).toBeGreaterThan(0.6);
    expect(startOfSecond).toBeLessThan(0.95);
  });

  it("an AbortSignal stops the series with an AbortError", async () => {
    const controller = new AbortController();
    const run = spectrum(digits.data, {
      ...base, s: [0, 0.5, 1], onProgress: (_f, _stage, i) => { if (i === 1) controller.abort(); }, signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
  });

  it("bad options are rejected early, naming the problem", async () => {
    const cases: [object, RegExp][] = [
      [{ s: [] }, /s must be a non-empty array/],
      [{ s: 0.5 }, /s must be a non-empty array/],
      [{ s: [0, Number.NaN] }, /s\[1\] must be a finite number/],
      [{ s: [0, 1], loss: "umap" }, /needs loss "neg" or "infonce"/],
      [{ s: [0, 1], zBar: 1e6 }, /give s, not zBar/],
      [{ s: [0, 1], stepEpochs: 0 }, /stepEpochs must be an integer/],
      [{ s: [0, 1], perplexity: 30 }, /unknown option "perplexity"/],
    ];
    for (const [options, message] of cases) {
      const run = spectrum(digits.data, { dim: digits.dim, ...options } as never);
      await expect(run).rejects.toThrow(CneInputError);
      await expect(run).rejects.toThrow(message);
    }
  });
});

describe("createSpectrumWalk: the handle behind the series", () => {
  it("moves back and forth along s; moveTo before start is an error; destroy is safe twice", async () => {
    const walk = createSpectrumWalk(digits.data, { ...base, stepEpochs: 10 });
    try {
      await expect(walk.moveTo(1)).rejects.toThrow(/call start\(\) before moveTo\(\)/);
      const first = await walk.start();
      expect(first.s).toBe(0);
      const right = await walk.moveTo(1);
      const back = await walk.moveTo(0, { nEpochs: 5 });
      expect(walk.s).toBe(0);
      expect(right.layout.every(Number.isFinite) && back.layout.every(Number.isFinite)).toBe(true);
      expect(sameBits(right.layout, back.layout)).toBe(false);
    } finally {
      walk.destroy();
      walk.destroy();
    }
  });
});
