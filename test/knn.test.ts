import { describe, expect, it } from "vitest";
import { knn, CneInputError } from "../dist/index.js";
import { knnOracle, randomMatrix, rng } from "./helpers.ts";

/** Checks a kNN result against the float64 oracle: distances agree closely and neighbour sets agree except
 * where two candidates are tied within float32 rounding at the k-th place. */
function expectMatchesOracle(res: { indices: Int32Array; distances: Float32Array }, data: Float32Array, n: number, dim: number, k: number) {
  const o = knnOracle(data, n, dim, k);
  for (let i = 0; i < n * k; i++) {
    expect(Math.abs(res.distances[i] - o.distances[i])).toBeLessThan(1e-4 * (1 + o.distances[i]));
  }
  let mismatched = 0;
  for (let i = 0; i < n * k; i++) if (res.indices[i] !== o.indices[i]) mismatched++;
  // float32 vs float64 may swap near-equal neighbours; on random data this is rare
  expect(mismatched / (n * k)).toBeLessThan(0.01);
}

describe("knn (exact)", () => {
  for (const [n, dim, k] of [[50, 3, 5], [300, 7, 15], [513, 33, 10], [1000, 64, 15]] as const) {
    it(`matches the JS oracle for n=${n}, dim=${dim}, k=${k}`, async () => {
      const data = randomMatrix(n, dim, n + dim);
      const res = await knn(data, { n, dim, k, threads: 1 });
      expect(res.indices.length).toBe(n * k);
      expectMatchesOracle(res, data, n, dim, k);
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < k; t++) expect(res.indices[i * k + t]).not.toBe(i);
        for (let t = 1; t < k; t++) expect(res.distances[i * k + t]).toBeGreaterThanOrEqual(res.distances[i * k + t - 1]);
      }
    });
  }

  it("handles duplicates and ties deterministically (ties by index)", async () => {
    // points on a small integer grid, each present twice: many exact ties
    const r = rng(7);
    const n = 200, dim = 5, k = 8;
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n / 2; i++) {
      for (let t = 0; t < dim; t++) {
        const v = Math.floor(r() * 3);
        data[i * dim + t] = v;
        data[(i + n / 2) * dim + t] = v;
      }
    }
    const res = await knn(data, { n, dim, k, threads: 1 });
    const o = knnOracle(data, n, dim, k);
    expect(Array.from(res.indices)).toEqual(Array.from(o.indices)); // integers: distances exact, ties by index
    for (let i = 0; i < n / 2; i++) {
      // the duplicate is among the neighbours at distance 0 (other grid points may coincide too)
      const row = Array.from(res.indices.subarray(i * k, (i + 1) * k));
      const at = row.indexOf(i + n / 2);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(res.distances[i * k + at]).toBe(0);
    }
  });

  it("accepts number[][] and gives the same as Float32Array", async () => {
    const n = 120, dim = 6;
    const flat = randomMatrix(n, dim, 3);
    const rows = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * dim, (i + 1) * dim)));
    const a = await knn(flat, { n, dim, k: 5, threads: 1 });
    const b = await knn(rows, { k: 5, threads: 1 });
    expect(b.indices).toEqual(a.indices);
    expect(b.distances).toEqual(a.distances);
  });

  it("gives bit-identical results with 2 and 3 threads as with 1", async () => {
    const n = 1500, dim = 21, k = 15;
    const data = randomMatrix(n, dim, 11);
    const one = await knn(data, { n, dim, k, threads: 1 });
    for (const threads of [2, 3]) {
      const many = await knn(data, { n, dim, k, threads });
      expect(Buffer.from(many.indices.buffer).equals(Buffer.from(one.indices.buffer))).toBe(true);
      expect(Buffer.from(many.distances.buffer).equals(Buffer.from(one.distances.buffer))).toBe(true);
    }
  });

  it("reports progress for the kNN stage, ending at 1", async () => {
    const seen: [number, string][] = [];
    await knn(randomMatrix(3000, 8, 5), { dim: 8, k: 5, threads: 2, onProgress: (f, s) => seen.push([f, s]) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every(([, s]) => s === "knn")).toBe(true);
    expect(seen.at(-1)![0]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
  });

  it("stops on abort and rejects with an AbortError", async () => {
    const controller = new AbortController();
    let calls = 0;
    const p = knn(randomMatrix(8000, 16, 9), {
      dim: 16, k: 10, threads: 2, signal: controller.signal,
      onProgress: () => { if (++calls === 2) controller.abort(); },
    });
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toBeLessThan(10); // it stopped well before the ~50 blocks
  });

  it("rejects an already-aborted signal before any work", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(knn(randomMatrix(100, 4), { dim: 4, k: 3, signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  describe("bad input", () => {
    const good = randomMatrix(40, 4, 2);
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ["NaN", () => { const d = good.slice(); d[4 * 7 + 2] = NaN; return knn(d, { dim: 4, k: 3 }); }, /non-finite value \(NaN\) at row 7, column 2/],
      ["Infinity", () => { const d = good.slice(); d[5] = Infinity; return knn(d, { dim: 4, k: 3 }); }, /non-finite value \(Infinity\) at row 1, column 1/],
      ["ragged rows", () => knn([[1, 2], [3, 4], [5], [6, 7]], { k: 1 }), /ragged rows: row 2 has 1 values, row 0 has 2/],
      ["n <= k", () => knn(good, { dim: 4, k: 40 }), /n = 40 is too small for k = 40/],
      ["k < 1", () => knn(good, { dim: 4, k: 0 }), /k must be a positive integer/],
      ["non-integer k", () => knn(good, { dim: 4, k: 2.5 }), /k must be a positive integer/],
      ["wrong length", () => knn(good, { n: 41, dim: 4, k: 3 }), /data has 160 values but n × dim = 41 × 4 = 164/],
      ["length not divisible", () => knn(good, { dim: 7, k: 3 }), /n must be a positive integer/],
      ["no shape for flat data", () => knn(good, { k: 3 }), /needs its shape/],
      ["empty", () => knn(new Float32Array(0), { dim: 4 }), /data is empty/],
      ["unknown option", () => knn(good, { dim: 4, kk: 3 } as never), /unknown option "kk"/],
      ["bad threads", () => knn(good, { dim: 4, threads: 0 }), /threads must be an integer/],
      ["non-number cell", () => knn([[1, 2], [3, "x"]] as never, { k: 1 }), /row 1, column 1 is not a number/],
    ];
    for (const [name, call, message] of cases) {
      it(`rejects ${name} with a clear error`, async () => {
        await expect(call()).rejects.toThrow(message);
        await expect(call()).rejects.toBeInstanceOf(CneInputError);
      });
    }
  });
});
