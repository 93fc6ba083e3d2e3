// The row distances of the metrics other than Euclidean (knn/metric.ts), v128 SIMD over rows whose stride is a
// multiple of 4 lanes. Binary rows are bit-packed (32 coordinates per u32 word, knn/binary.ts), so a stride of
// 4 words is 128 coordinates and one i8x16.popcnt counts them.

import { horizontalSum } from "../util/simd";

/** Sum of |a − b| over two rows of `stride` floats (the Manhattan distance). */
// @ts-ignore: decorator
@inline export function manhattanDistance(a: usize, b: usize, stride: i32): f32 {
  return manhattanSum(a, b, stride, false, 0);
}

/**
 * manhattanDistance, accumulated the same way (so a finished result has the same bits), that returns the partial
 * sum once it exceeds `bound` (checked every 16 floats): a sum of non-negative terms only grows.
 */
// @ts-ignore: decorator
@inline export function manhattanDistanceBounded(a: usize, b: usize, stride: i32, bound: f32): f32 {
  return manhattanSum(a, b, stride, true, bound);
}

/** The one loop of both: `bounded` is a constant at each inlined call, so the unbounded one compiles without the check. */
// @ts-ignore: decorator
@inline function manhattanSum(a: usize, b: usize, stride: i32, bounded: bool, bound: f32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const bytes = <usize>stride << 2;
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    acc0 = f32x4.add(acc0, f32x4.abs(f32x4.sub(v128.load(a + o), v128.load(b + o))));
    acc1 = f32x4.add(acc1, f32x4.abs(f32x4.sub(v128.load(a + o + 16), v128.load(b + o + 16))));
    if (bounded && (o & 63) == 32) {
      const partial = horizontalSum(f32x4.add(acc0, acc1));
      if (partial > bound) return partial;
    }
  }
  if (o < bytes) acc0 = f32x4.add(acc0, f32x4.abs(f32x4.sub(v128.load(a + o), v128.load(b + o))));
  return horizontalSum(f32x4.add(acc0, acc1));
}

/** Per-lane bit counts of a v128, widened to four u32 lanes (each at most 32, so sums never overflow). */
// @ts-ignore: decorator
@inline function popcount32x4(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(v)));
}

// @ts-ignore: decorator
@inline function laneSum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** Number of differing bits of two bit-packed rows of `stride` u32 words (a multiple of 4). */
// @ts-ignore: decorator
@inline export function hammingBits(a: usize, b: usize, stride: i32): f32 {
  let acc = i32x4.splat(0);
  const bytes = <usize>stride << 2;
  for (let o: usize = 0; o < bytes; o += 16) acc = i32x4.add(acc, popcount32x4(v128.xor(v128.load(a + o), v128.load(b + o))));
  return <f32>laneSum(acc);
}

/**
 * 1 − |a ∧ b| / |a ∨ b| of two bit-packed rows (the Jaccard distance); 0 for two all-zero rows (their sets are
 * equal: scipy's and umap-learn's rule), so no pair gives NaN. The quotient of two exact integers is correctly
 * rounded, so equal ratios give equal bits.
 */
// @ts-ignore: decorator
@inline export function jaccardDistance(a: usize, b: usize, stride: i32): f32 {
  let both = i32x4.splat(0);
  let either = i32x4.splat(0);
  const bytes = <usize>stride << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const x = v128.load(a + o), y = v128.load(b + o);
    both = i32x4.add(both, popcount32x4(v128.and(x, y)));
    either = i32x4.add(either, popcount32x4(v128.or(x, y)));
  }
  const union = laneSum(either);
  if (union == 0) return 0;
  return <f32>1 - <f32>laneSum(both) / <f32>union;
}
