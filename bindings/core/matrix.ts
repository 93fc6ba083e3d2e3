// Copies a validated matrix into a core once, in the padded layout the kernels use, and checks its values.

import type { Core } from "./core.ts";
import type { Matrix } from "../input.ts";
import { paddedStride } from "../input.ts";
import { fail } from "../errors.ts";
import { bringIntoSafeRange, scaleByExponent } from "./magnitude.ts";

export interface CoreMatrix {
  ptr: number;
  n: number;
  dim: number;
  /** floats per row in the core (dim rounded up to 4) */
  stride: number;
  /** the core holds the values × 2^scaleExponent (0 unless their magnitude was outside the safe range) */
  scaleExponent?: number;
}

/**
 * `scale`: "safe" rescales data of extreme magnitude into the safe range (for computations whose result does
 * not depend on the data's scale, like an embedding); a number applies that exponent; default: as given.
 */
export function putMatrix(core: Core, m: Matrix, what = "data", scale: "safe" | number = 0): CoreMatrix {
  const stride = paddedStride(m.dim);
  const ptr = core.alloc(m.n * stride * 4);
  core.f32(ptr, m.values.length).set(m.values);
  const bad = core.kernels.firstNonFinite(ptr, m.values.length);
  if (bad >= 0) {
    const v = m.values[bad];
    fail(`${what} has a non-finite value (${v}) at row ${Math.floor(bad / m.dim)}, column ${bad % m.dim}`);
  }
  let scaleExponent = 0;
  if (scale === "safe") scaleExponent = bringIntoSafeRange(core, ptr, m.values.length);
  else if (scale !== 0) scaleByExponent(core, ptr, m.values.length, (scaleExponent = scale));
  core.kernels.padRows(ptr, m.n, m.dim, stride);
  return { ptr, n: m.n, dim: m.dim, stride, scaleExponent };
}

/** A copy of a core matrix without its padding (n × dim, row-major). */
export function readMatrix(core: Core, m: CoreMatrix): Float32Array {
  if (m.stride === m.dim) return core.f32(m.ptr, m.n * m.dim).slice();
  const mark = core.mark();
  try {
    const packed = core.alloc(m.n * m.dim * 4);
    core.kernels.packRows(m.ptr, m.n, m.dim, m.stride, packed);
    return core.f32(packed, m.n * m.dim).slice();
  } finally {
    core.reset(mark);
  }
}
