// Keeps the core's copy of the data in a range where squared distances, Gram matrices and the PCA are safe in
// f32: data whose largest |x| lies outside [2^-40, 2^40] is multiplied in place by a power of two that brings
// it to [1, 2). Ordinary data keeps every bit; scaled data keeps its mantissas, so it gives the same layout.

import type { Core } from "./core.ts";

/** Largest |x| left as is: 2^40 ≈ 1.1e12, so (2·|x|)² × 2^20 dimensions stays far below f32's 3.4e38. */
export const SAFE_MAX = 2 ** 40;
/** Smallest largest-|x| left as is: 2^-40 ≈ 9e-13, whose square stays far above f32's smallest normal 1.2e-38. */
export const SAFE_MIN = 2 ** -40;

/** The exponent e that brings a largest |x| of `m` into [1, 2) when it lies outside the safe range; else 0. */
export function safeExponent(m: number): number {
  if (m === 0 || !Number.isFinite(m) || (m >= SAFE_MIN && m <= SAFE_MAX)) return 0;
  return -Math.floor(Math.log2(m));
}

/**
 * Rescales `count` finite f32 at `ptr` when their magnitude is outside the safe range and returns the
 * exponent e applied (stored = given × 2^e; 0 when untouched, including all-zero data).
 */
export function bringIntoSafeRange(core: Core, ptr: number, count: number): number {
  const kernels = core.kernels;
  const exponent = safeExponent(kernels.maxAbs(ptr, count));
  if (exponent !== 0) kernels.scaleByPowerOfTwo(ptr, count, exponent);
  return exponent;
}

/** Applies a known exponent (e.g. the training data's, to points given to a parametric transform). */
export function scaleByExponent(core: Core, ptr: number, count: number, exponent: number): void {
  if (exponent !== 0) core.kernels.scaleByPowerOfTwo(ptr, count, exponent);
}
