import { describe, expect, it } from "vitest";
import {
  CneInputError,
  distanceCorrelation,
  distanceCorrelationWith,
  embeddingQuality,
  knn,
  knnAccuracy,
  knnRecall,
  sampleDistances,
} from "../dist/index.js";
import { randomMatrix, rng } from "./helpers.ts";

/** Spearman by the textbook: average ranks of ties, then Pearson of the ranks, on every pair of rows. */
function spearmanOracle(high: Float32Array, highDim: number, low: Float32Array, lowDim: number): number {
  const n = high.length / highDim;
  const dist = (x: Float32Array, dim: number) => {
    const out: number[] = [];
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        let s = 0;
        for (let t = 0; t < dim; t++) s += (x[a * dim + t] - x[b * dim + t]) ** 2;
        out.push(Math.fround(s));
      }
    }
    return out;
  };
  const ranks = (v: number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j < order.length && v[order[j]] === v[order[i]]) j++;
      for (let t = i; t < j; t++) r[order[t]] = (i + 1 + j) / 2;
      i = j;
    }
    return r;
  };
  const x = ranks(dist(high, highDim));
  const y = ranks(dist(low, lowDim));
  const mean = (x.length + 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mean) * (y[i] - mean);
    sxx += (x[i] - mean) ** 2;
    syy += (y[i] - mean) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe("knnRecall", () => {
  it("counts shared neighbours per row (hand-checked case)", () => {
    // rows 0..3, k = 2: found 1, 2, 1, 1 of 2 → 5 / 8
    const high = Int32Array.from([1, 2, 0, 2, 3, 1, 2, 0]);
    const low = Int32Array.from([2, 3, 0, 2, 0, 1, 1, 0]);
    expect(knnRecall(high, low, 4, 2)).toBe(5 / 8);
    expect(knnRecall(high, high, 4, 2)).toBe(1);
  });

  it("uses the first k columns of wider rows and ignores order within them", () => {
    // high has 3 columns, low 2; with k = 1 only the nearest of each is compared
    const high = Int32Array.from([1, 2, 3, 0, 2, 3, 3, 1, 0, 2, 0, 1]);
    const low = Int32Array.from([1, 2, 2, 0, 1, 0, 2, 0]);
    expect(knnRecall(high, low, 4, 1)).toBe(2 / 4); // rows 0 and 3 agree on the nearest
    expect(knnRecall(high, low, 4, 2)).toBe((2 + 2 + 1 + 2) / 8); // row 1 lists {0, 2} in the other order
  });

  it("rejects too few columns and out-of-range indices", () => {
    const ok = Int32Array.from([1, 0, 0, 1]);
    expect(() => knnRecall(ok, ok, 2, 3)).toThrow(CneInputError);
    expect(() => knnRecall(Int32Array.from([1, 5]), Int32Array.from([1, 0]), 2, 1)).toThrow(/out of range/);
    expect(() => knnRecall(Int32Array.from([1, 0, 0]), ok, 2, 1)).toThrow(/multiple of n/);
  });
});

describe("knnAccuracy", () => {
  it("classifies by the vote of the k nearest other points (hand-checked case)", async () => {
    // two clusters on a line and one point labelled 1 sitting next to cluster 0: only it is misclassified
    const x = Float32Array.from([0, 1, 2, 10, 11, 12, 3]);
    const labels = [0, 0, 0, 1, 1, 1, 1];
    expect(await knnAccuracy(x, 1, labels, { k: 2, threads: 1 })).toBeCloseTo(6 / 7, 12);
    // without the stray point everything is right
    expect(await knnAccuracy(x.subarray(0, 6), 1, labels.slice(0, 6), { k: 2, threads: 1 })).toBe(1);
  });

  it("breaks a tied vote in favour of the nearer neighbour's label", async () => {
    // point 0 at the origin: nearest is point 1 (label 5), then point 2 (label 9); 1 vote each
    const x = Float32Array.from([0, 0, 1, 0, 0, 2, 9, 9]);
    const asNear = await knnAccuracy(x, 2, [5, 5, 9, 9], { k: 2, threads: 1 });
    const asFar = await knnAccuracy(x, 2, [9, 5, 9, 9], { k: 2, threads: 1 });
    // point 0 is right in the first labelling and wrong in the second; the other points do not change
    expect(asNear - asFar).toBeCloseTo(1 / 4 - 0, 12);
  });

  it("accepts arbitrary numeric labels and rejects bad ones", async () => {
    const x = Float32Array.from([0, 1, 10, 11]);
    expect(await knnAccuracy(x, 1, [-3.5, -3.5, 7, 7], { k: 1, threads: 1 })).toBe(1);
    expect(await knnAccuracy(x, 1, [7, -3.5, 7, -3.5], { k: 1, threads: 1 })).toBe(0);
    await expect(knnAccuracy(x, 1, [1, 2, 3], { threads: 1 })).rejects.toThrow(/labels has 3 entries/);
    await expect(knnAccuracy(x, 1, [1, NaN, 1, 1], { k: 1, threads: 1 })).rejects.toThrow(CneInputError);
  });
});

describe("distanceCorrelation", () => {
  it("is 1 for a similar copy and -1 for a reversed order (hand-checked)", () => {
    const high = randomMatrix(40, 6, 2);
    const scaled = high.map((v) => v * 3 - 1);
    expect(distanceCorrelation(high, 6, scaled, 6)).toBeCloseTo(1, 12);
    // 1-D: pairs (0,1), (0,2), (1,2) have squared distances 1, 9, 4 in high and 9, 1, 4 in low
    expect(distanceCorrelation(Float32Array.from([0, 1, 3]), 1, Float32Array.from([0, 3, 1]), 1)).toBeCloseTo(-1, 12);
  });

  it("averages tied ranks (hand-checked)", () => {
    // high distances 1, 4, 1 → ranks 1.5, 3, 1.5; low 1, 9, 4 → ranks 1, 3, 2; ρ = 1.5 / √(1.5 · 2)
    const rho = distanceCorrelation(Float32Array.from([0, 1, 2]), 1, Float32Array.from([0, 1, 3]), 1);
    expect(rho).toBeCloseTo(1.5 / Math.sqrt(3), 12);
  });

  it("matches the textbook computation on data with many ties and wide value ranges", () => {
    const r = rng(11);
    const n = 120;
    const high = new Float32Array(n * 3).map(() => Math.floor(r() * 4)); // integer grid: many tied distances
    const low = new Float32Array(n * 2).map(() => (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4)); // many exponents
    expect(distanceCorrelation(high, 3, low, 2, { sample: n })).toBeCloseTo(spearmanOracle(high, 3, low, 2), 10);
  });

  it("samples reproducibly and agrees with the precomputed-sample path", () => {
    const n = 300;
    const high = randomMatrix(n, 8, 4);
    const low = randomMatrix(n, 2, 5);
    const a = sampleDistances(high, 8, { sample: 50, seed: 3 });
    const b = sampleDistances(high, 8, { sample: 50, seed: 3 });
    const c = sampleDistances(high, 8, { sample: 50, seed: 4 });
    expect(a.indices.length).toBe(50);
    expect(new Set(a.indices).size).toBe(50);
    for (let i = 1; i < 50; i++) expect(a.indices[i]).toBeGreaterThan(a.indices[i - 1]);
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(c.indices)).not.toEqual(Array.from(a.indices));
    expect(a.squaredDistances.length).toBe((50 * 49) / 2);
    expect(distanceCorrelationWith(a, low, 2)).toBe(distanceCorrelation(high, 8, low, 2, { sample: 50, seed: 3 }));
    // the sampled rows alone give the same value as the full computation on them
    const pick = (x: Float32Array, dim: number) => {
      const out = new Float32Array(50 * dim);
      a.indices.forEach((row, i) => out.set(x.subarray(row * dim, (row + 1) * dim), i * dim));
      return out;
    };
    expect(distanceCorrelationWith(a, low, 2)).toBeCloseTo(spearmanOracle(pick(high, 8), 8, pick(low, 2), 2), 10);
  });

  it("is NaN when one side has no spread, and checks shapes", () => {
    expect(distanceCorrelation(randomMatrix(10, 2, 1), 2, new Float32Array(10), 1)).toBeNaN();
    expect(() => distanceCorrelation(randomMatrix(10, 2, 1), 2, randomMatrix(9, 2, 1), 2)).toThrow(/10 rows but low has 9/);
    expect(() => distanceCorrelationWith(sampleDistances(randomMatrix(10, 2, 1), 2), randomMatrix(12, 2, 1), 2)).toThrow(CneInputError);
  });
});

describe("embeddingQuality", () => {
  it("gives the same numbers as the separate measures", async () => {
    const n = 400;
    const high = randomMatrix(n, 10, 6);
    const low = randomMatrix(n, 2, 7);
    const labels = Array.from({ length: n }, (_, i) => (high[i * 10] > 0 ? 1 : 0) + (low[i * 2] > 0 ? 2 : 0));
    const highKnn = await knn(high, { n, dim: 10, k: 15, threads: 1 });
    const lowKnn = await knn(low, { n, dim: 2, k: 15, threads: 1 });
    const q = await embeddingQuality(low, 2, { highIndices: highKnn.indices, labels, high, highDim: 10, sample: 100, seed: 1, threads: 1 });
    expect(q.recall).toBe(knnRecall(highKnn.indices, lowKnn.indices, n, 15));
    expect(q.accuracy).toBe(await knnAccuracy(low, 2, labels, { k: 10, threads: 1 }));
    expect(q.distanceCorrelation).toBe(distanceCorrelation(high, 10, low, 2, { sample: 100, seed: 1 }));
    // labels that follow the embedding's first axis are mostly predicted; the data's are at chance level or so
    expect(q.accuracy!).toBeGreaterThan(0.4);
    expect(await embeddingQuality(low, 2, {})).toEqual({});
  });
});
