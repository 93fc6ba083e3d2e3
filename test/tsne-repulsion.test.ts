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
