// Squared distance that gives up once it exceeds a bound. NN-descent rejects most candidates, and on PCA
// output the leading columns carry most of the variance, so the partial sum usually passes the bound early.

import { horizontalSum } from "../util/simd";

/**
 * Squared Euclidean distance of two rows of `stride` floats (a multiple of 4), accumulated exactly as
 * util/simd.ts squaredDistance does, so a finished result is bit-identical to it. After every 16 floats,
 * returns the partial sum if it already exceeds `bound`: sums of non-negative terms only grow under rounding,
 * so the full distance would exceed `bound` too, and a caller that only compares against `bound` decides the
 * same either way.
 */
// @ts-ignore: decorator
@inline export function squaredDistanceBounded(a: usize, b: usize, stride: i32, bound: f32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const bytes = <usize>stride << 2;
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o + 16), v128.load(b + o + 16));
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
    acc1 = f32x4.add(acc1, f32x4.mul(d1, d1));
    if ((o & 63) == 32) {
      const partial = horizontalSum(f32x4.add(acc0, acc1));
      if (partial > bound) return partial;
    }
  }
  if (o < bytes) {
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
  }
  return horizontalSum(f32x4.add(acc0, acc1));
}
