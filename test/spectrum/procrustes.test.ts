import { describe, expect, it } from "vitest";
import "../../dist/index.js"; // registers the core's builds
import { rawCore } from "../core.ts";
import { randomMatrix } from "../helpers.ts";
import { LayoutAligner } from "../../dist/spectrum/aligner.js";
import { fitSimilarity } from "../../dist/spectrum/procrustes.js";

type Kernels = {
  procrustesSums(a: number, b: number, n: number, out: number): void;
  affineApply2(src: number, dst: number, n: number, m00: number, m01: number, m10: number, m11: number, tx: number, ty: number): void;
};

/** A = c·Q·B + t for a rotation (or a reflection) Q by theta. */
function transformed(b: Float32Array, theta: number, c: number, tx: number, ty: number, reflect: boolean): Float32Array {
  const q = reflect
    ? [Math.cos(theta), Math.sin(theta), Math.sin(theta), -Math.cos(theta)]
    : [Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta)];
  const a = new Float32Array(b.length);
  for (let i = 0; i < b.length; i += 2) {
    a[i] = c * (q[0] * b[i] + q[1] * b[i + 1]) + tx;
    a[i + 1] = c * (q[2] * b[i] + q[3] * b[i + 1]) + ty;
  }
  return a;
}

describe("Procrustes kernels", () => {
  it("procrustesSums equals a float64 JS oracle, odd n (the padding point adds nothing)", async () => {
    const core = await rawCore<Kernels>();
    const n = 1001, floats = (2 * n + 3) & ~3;
    const a = randomMatrix(n, 2, 3), b = randomMatrix(n, 2, 4);
    const aPtr = core.allocate(floats * 4), bPtr = core.allocate(floats * 4), out = core.allocate(80);
    new Float32Array(core.memory.buffer, aPtr, floats).fill(0).set(a);
    new Float32Array(core.memory.buffer, bPtr, floats).fill(0).set(b);
    core.procrustesSums(aPtr, bPtr, n, out);
    const got = new Float64Array(core.memory.buffer, out, 10);
    const want = new Float64Array(10);
    for (let i = 0; i < n; i++) {
      const ax = a[2 * i], ay = a[2 * i + 1], bx = b[2 * i], by = b[2 * i + 1];
      want[0] += ax; want[1] += ay; want[2] += bx; want[3] += by;
      want[4] += ax * bx; want[5] += ay * by; want[6] += ax * by; want[7] += ay * bx;
      want[8] += bx * bx + by * by; want[9] += ax * ax + ay * ay;
    }
    for (let t = 0; t < 10; t++) expect(got[t]).toBeCloseTo(want[t], 9);
  });

  it("affineApply2 maps every point and leaves the padding point at zero", async () => {
    const core = await rawCore<Kernels>();
    const n = 7, floats = 16;
    const src = randomMatrix(n, 2, 5);
    const ptr = core.allocate(floats * 4);
    const view = new Float32Array(core.memory.buffer, ptr, floats);
    view.fill(0).set(src);
    core.affineApply2(ptr, ptr, n, 2, -1, 0.5, 3, 10, -20);
    for (let i = 0; i < n; i++) {
      expect(view[2 * i]).toBeCloseTo(2 * src[2 * i] - src[2 * i + 1] + 10, 5);
      expect(view[2 * i + 1]).toBeCloseTo(0.5 * src[2 * i] + 3 * src[2 * i + 1] - 20, 5);
    }
    expect([view[14], view[15]]).toEqual([0, 0]);
  });
});

describe("fitting and aligning", () => {
  for (const reflect of [false, true]) {
    it(`recovers a known ${reflect ? "reflection" : "rotation"}, scale and shift`, async () => {
      const n = 999;
      const b = randomMatrix(n, 2, 11);
      const a = transformed(b, 2.1, 0.37, 5, -3, reflect);
      const aligner = await LayoutAligner.create(n);
      try {
        expect(aligner.align(a).map.scale).toBe(1); // the first layout is the reference, unchanged
        const { aligned, map } = aligner.align(b);
        expect(map.reflected).toBe(reflect);
        expect(map.scale).toBeCloseTo(0.37, 5);
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(aligned[i] - a[i]));
        expect(worst).toBeLessThan(1e-5);
      } finally {
        aligner.destroy();
      }
    });
  }

  it("is the least-squares fit: perturbing the fitted map never lowers the residual", async () => {
    const n = 500;
    const a = randomMatrix(n, 2, 21);
    const b = transformed(randomMatrix(n, 2, 21), 0.4, 2, 1, 1, false);
    for (let i = 0; i < b.length; i++) b[i] += (randomMatrix(1, 1, i + 100)[0]) * 0.3; // noise: no exact fit
    const sums = new Float64Array(10);
    for (let i = 0; i < n; i++) {
      const ax = a[2 * i], ay = a[2 * i + 1], bx = b[2 * i], by = b[2 * i + 1];
      sums[0] += ax; sums[1] += ay; sums[2] += bx; sums[3] += by;
      sums[4] += ax * bx; sums[5] += ay * by; sums[6] += ax * by; sums[7] += ay * bx; sums[8] += bx * bx + by * by;
    }
    const m = fitSimilarity(sums, n);
    const residual = (p: { m00: number; m01: number; m10: number; m11: number; tx: number; ty: number }) => {
      let r = 0;
      for (let i = 0; i < n; i++) {
        const x = p.m00 * b[2 * i] + p.m01 * b[2 * i + 1] + p.tx - a[2 * i];
        const y = p.m10 * b[2 * i] + p.m11 * b[2 * i + 1] + p.ty - a[2 * i + 1];
        r += x * x + y * y;
      }
      return r;
    };
    const best = residual(m);
    for (const dTheta of [-0.01, 0.01]) {
      for (const dScale of [0.99, 1.01]) {
        const c = Math.cos(dTheta), s = Math.sin(dTheta);
        const p = {
          m00: dScale * (c * m.m00 - s * m.m10), m01: dScale * (c * m.m01 - s * m.m11),
          m10: dScale * (s * m.m00 + c * m.m10), m11: dScale * (s * m.m01 + c * m.m11), tx: m.tx, ty: m.ty,
        };
        expect(residual(p)).toBeGreaterThan(best);
      }
    }
    expect(residual({ ...m, tx: m.tx + 0.01 })).toBeGreaterThan(best);
  });
});
