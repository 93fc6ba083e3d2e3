// Copies a validated matrix into a core once, in the padded layout the kernels use, and checks its values.

import type { Core } from "./core.ts";
import type { Matrix } from "../input.ts";
import { paddedStride } from "../input.ts";
import { fail } from "../errors.ts";

export interface CoreMatrix {
  ptr: number;
  n: number;
  dim: number;
  /** floats per row in the core (dim rounded up to 4) */
  stride: number;
}

export function putMatrix(core: Core, m: Matrix, what = "data"): CoreMatrix {
  const stride = paddedStride(m.dim);
  const ptr = core.alloc(m.n * stride * 4);
  core.f32(ptr, m.values.length).set(m.values);
  const bad = core.kernels.firstNonFinite(ptr, m.values.length);
  if (bad >= 0) {
    const v = m.values[bad];
    fail(`${what} has a non-finite value (${v}) at row ${Math.floor(bad / m.dim)}, column ${bad % m.dim}`);
  }
  core.kernels.padRows(ptr, m.n, m.dim, stride);
  return { ptr, n: m.n, dim: m.dim, stride };
}
