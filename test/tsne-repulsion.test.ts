// t-SNE's repulsion (assembly/tsne/repulsion_*.ts through bindings/tsne/repulsion.ts): the exact O(n²) kernel
// against a plain double loop, and thread counts giving the same bits.
import { describe, expect, it } from "vitest";
import "../dist/index.js"; // registers the wasm builds
import { Core } from "../dist/core/core.js";
import { TsneRepulsion, type RepulsionOptions } from "../dist/tsne/repulsion.js";
import { rng } from "./helpers.ts";

/** n points in a few Gaussian clusters spread over about `extent` units: a t-SNE-like layout. */
export function clusteredLayout(n: number, extent: number, seed: number): Float32Array {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: 10 }, () => [(r() - 0.5) * extent * 0.8, (r() - 0.5) * extent * 0.8]);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = centres[i % centres.length];
    y[2 * i] = c[0] + gauss() * extent * 0.05;
    y[2 * i + 1] = c[1] + gauss() * extent * 0.05;
  }
  return y;
}

/** The definition, in float64: force_i = Σ_{j≠i} w^{(α+1)/α} (y_i − y_j), Z = Σ_{i≠j} w. */
function repulsionOracle(y: Float32Array, n: number, dof: number): { force: Float64Array; z: number } {
  const force = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      const w = Math.pow(1 + (dx * dx + dy * dy) / dof, -dof);
      const wf = Math.pow(w, (dof + 1) / dof);
      force[2 * i] += wf * dx;
      force[2 * i + 1] += wf * dy;
      z += w;
    }
  }
  return { force, z };
}

export async function runRepulsion(
  y: Float32Array, threads: number, opts: RepulsionOptions,
): Promise<{ force: Float32Array; z: number; threads: number }> {
  const n = y.length / 2;
  const core = await Core.create(threads);
  try {
    const yPtr = core.putF32(y);
    const forcePtr = core.alloc(y.byteLength);
    const repulsion = TsneRepulsion.create(core, n, opts);
    const z = await repulsion.compute(yPtr, forcePtr);
    return { force: core.f32(forcePtr, 2 * n).slice(), z, threads: core.threads };
  } finally {
    core.destroy();
  }
}

/** max_i ‖F_i − G_i‖ / max_i ‖G_i‖: the error relative to the force's scale. */
export function relativeForceError(force: ArrayLike<number>, oracle: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < oracle.length; i += 2) {
    err = Math.max(err, Math.hypot(force[i] - oracle[i], force[i + 1] - oracle[i + 1]));
    scale = Math.max(scale, Math.hypot(oracle[i], oracle[i + 1]));
  }
  return err / scale;
}

describe("exact t-SNE repulsion", () => {
  for (const dof of [1, 0.6]) {
    it(`equals the float64 double loop on 301 points (dof ${dof})`, async () => {
      const n = 301; // odd: the two-row kernel's last row runs alone
      const y = clusteredLayout(n, 8, 3);
      const oracle = repulsionOracle(y, n, dof);
      const { force, z } = await runRepulsion(y, 1, { method: "exact", dof });
      expect(Math.abs(z - oracle.z) / oracle.z).toBeLessThan(1e-6);
      expect(relativeForceError(force, oracle.force)).toBeLessThan(1e-5);
    });
  }

  it("gives the same bits on 1 and 2 threads", async () => {
    const y = clusteredLayout(1001, 20, 5);
    const one = await runRepulsion(y, 1, { method: "exact" });
    const two = await runRepulsion(y, 2, { method: "exact" });
    expect(two.threads).toBe(2);
    expect(two.z).toBe(one.z);
    expect(Buffer.from(two.force.buffer).equals(Buffer.from(one.force.buffer))).toBe(true);
  });
});

describe("FFT of the interpolated repulsion (assembly/tsne/fft.ts)", () => {
  // lengths covering each radix alone (4, 2, 3, 5), a single stage, and mixed plans
  for (const n of [2, 3, 4, 5, 8, 9, 25, 16, 12, 30, 64, 120, 360]) {
    it(`equals a plain DFT at length ${n}, both complex pairs of each element`, async () => {
      const core = await Core.create(1);
      try {
        const k = core.kernels;
        const data = core.alloc(16 * n), scratch = core.alloc(k.tsneFftScratchBytes(n));
        const r = rng(n);
        const x = Float32Array.from({ length: 4 * n }, () => r() * 2 - 1);
        core.f32(data, 4 * n).set(x);
        expect(k.tsneFftInPlace(data, n, scratch)).toBeGreaterThan(0);
        const out = core.f32(data, 4 * n);
        let err = 0, scale = 0;
        for (let f = 0; f < n; f++) {
          for (let pair = 0; pair < 2; pair++) {
            let re = 0, im = 0;
            for (let j = 0; j < n; j++) {
              const a = (-2 * Math.PI * j * f) / n, xr = x[4 * j + 2 * pair], xi = x[4 * j + 2 * pair + 1];
              re += xr * Math.cos(a) - xi * Math.sin(a);
              im += xr * Math.sin(a) + xi * Math.cos(a);
            }
            err = Math.max(err, Math.hypot(re - out[4 * f + 2 * pair], im - out[4 * f + 2 * pair + 1]));
            scale = Math.max(scale, Math.hypot(re, im));
          }
        }
        expect(err / scale).toBeLessThan(1e-6);
      } finally {
        core.destroy();
      }
    });
  }

  it("refuses a length with a prime factor other than 2, 3 and 5", async () => {
    const core = await Core.create(1);
    try {
      const k = core.kernels;
      expect(k.tsneFftInPlace(core.alloc(16 * 14), 14, core.alloc(k.tsneFftScratchBytes(14)))).toBe(0);
    } finally {
      core.destroy();
    }
  });
});

describe("interpolated t-SNE repulsion", () => {
  // Bounds: the errors measured on these layouts (bench/tsne-repulsion.js's measure, 3,000 points), times ~3.
  // extent 10 on the default grid: 50 intervals of 0.2, force 5.0e-4, Z 4e-7; extent 40: intervals of 0.8,
  // force 3.0e-2, Z 3.8e-4 (dof 0.5: 2.4e-2, 2.8e-4). A broken spread, kernel or read-back errs by O(1).
  const cases = [
    { extent: 10, dof: 1, force: 2e-3, z: 1e-5 },
    { extent: 40, dof: 1, force: 0.1, z: 1.5e-3 },
    { extent: 40, dof: 0.5, force: 0.1, z: 1.5e-3 },
  ];
  for (const c of cases) {
    it(`matches the exact repulsion on 3,000 points of extent ${c.extent}, dof ${c.dof}`, async () => {
      const y = clusteredLayout(3000, c.extent, 7);
      const exact = await runRepulsion(y, 1, { method: "exact", dof: c.dof });
      const fft = await runRepulsion(y, 1, { method: "fft", dof: c.dof });
      expect(Math.abs(fft.z / exact.z - 1)).toBeLessThan(c.z);
      expect(relativeForceError(fft.force, exact.force)).toBeLessThan(c.force);
    });
  }

  it("a finer grid is more accurate (the error is the interpolation's, not a fixed bias)", async () => {
    const y = clusteredLayout(3000, 40, 7);
    const exact = await runRepulsion(y, 1, { method: "exact" });
    const coarse = await runRepulsion(y, 1, { method: "fft", intervalsPerUnit: 1, minIntervals: 20 });
    const fine = await runRepulsion(y, 1, { method: "fft", intervalsPerUnit: 4, minIntervals: 20, maxIntervals: 200 });
    expect(relativeForceError(fine.force, exact.force)).toBeLessThan(relativeForceError(coarse.force, exact.force) / 8);
  });

  it("gives the same bits on 1 and 2 threads", async () => {
    const y = clusteredLayout(5000, 60, 9);
    const one = await runRepulsion(y, 1, { method: "fft" });
    const two = await runRepulsion(y, 2, { method: "fft" });
    expect(two.threads).toBe(2);
    expect(two.z).toBe(one.z);
    expect(Buffer.from(two.force.buffer).equals(Buffer.from(one.force.buffer))).toBe(true);
  });

  it("all points in one place: no force, Z = n(n − 1)", async () => {
    const n = 500;
    const y = new Float32Array(2 * n).fill(3);
    const fft = await runRepulsion(y, 1, { method: "fft" });
    expect(Math.abs(fft.z / (n * (n - 1)) - 1)).toBeLessThan(1e-4);
    for (const f of fft.force) expect(Math.abs(f)).toBeLessThan(1e-3 * n);
  });
});
