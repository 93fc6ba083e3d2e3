// The O(n) parts of aligning one 2-D layout to another by Procrustes (rotation, reflection, scale, shift):
// the sums that give both means and the 2×2 cross-covariance, and applying the fitted affine map. The 2×2
// SVD between the two is a handful of scalars and lives in the bindings.
//
// Layouts are n × 2 f32, row-major, zero-padded to a multiple of 4 floats (two points per v128); a padding
// point is (0, 0) and adds nothing to any sum.

/**
 * Writes ten f64 sums to outPtr, over the n points of a (the reference) and b (the layout to move):
 * [Σa_x, Σa_y, Σb_x, Σb_y, Σa_x b_x, Σa_y b_y, Σa_x b_y, Σa_y b_x, Σ(b_x² + b_y²), Σ(a_x² + a_y²)].
 * aPtr, bPtr: f32[(2n + 3) & ~3]; outPtr: f64[10]. Accumulates in f64 so 70,000 points lose no precision.
 */
export function procrustesSums(aPtr: usize, bPtr: usize, n: i32, outPtr: usize): void {
  let sumA = f64x2.splat(0), sumB = f64x2.splat(0);
  let diag = f64x2.splat(0), cross = f64x2.splat(0);
  let bb = f64x2.splat(0), aa = f64x2.splat(0);
  const bytes = <usize>((2 * n + 3) & ~3) << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const va = v128.load(aPtr + o), vb = v128.load(bPtr + o);
    // each v128 holds two points: promote the low one and the high one to f64x2 (x, y)
    const a0 = f64x2.promote_low_f32x4(va), a1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 0, 1));
    const b0 = f64x2.promote_low_f32x4(vb), b1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 0, 1));
    sumA = f64x2.add(sumA, f64x2.add(a0, a1));
    sumB = f64x2.add(sumB, f64x2.add(b0, b1));
    diag = f64x2.add(diag, f64x2.add(f64x2.mul(a0, b0), f64x2.mul(a1, b1)));
    // (a_x b_y, a_y b_x): b with its lanes swapped
    const s0 = v128.shuffle<f64>(b0, b0, 1, 0), s1 = v128.shuffle<f64>(b1, b1, 1, 0);
    cross = f64x2.add(cross, f64x2.add(f64x2.mul(a0, s0), f64x2.mul(a1, s1)));
    bb = f64x2.add(bb, f64x2.add(f64x2.mul(b0, b0), f64x2.mul(b1, b1)));
    aa = f64x2.add(aa, f64x2.add(f64x2.mul(a0, a0), f64x2.mul(a1, a1)));
  }
  v128.store(outPtr, sumA);
  v128.store(outPtr + 16, sumB);
  v128.store(outPtr + 32, diag);
  v128.store(outPtr + 48, cross);
  store<f64>(outPtr + 64, f64x2.extract_lane(bb, 0) + f64x2.extract_lane(bb, 1));
  store<f64>(outPtr + 72, f64x2.extract_lane(aa, 0) + f64x2.extract_lane(aa, 1));
}

/**
 * dst = M · src + t for each point, M = [[m00, m01], [m10, m11]]. srcPtr, dstPtr: f32[(2n + 3) & ~3] (may be
 * the same buffer); the padding point of an odd n stays (0, 0), so dst can be summed again.
 */
export function affineApply2(srcPtr: usize, dstPtr: usize, n: i32, m00: f32, m01: f32, m10: f32, m11: f32, tx: f32, ty: f32): void {
  // (x, y) → (m00 x + m01 y, m10 x + m11 y): the lanes times (m00, m11) plus the swapped lanes times (m01, m10)
  const diag = f32x4(m00, m11, m00, m11);
  const off = f32x4(m01, m10, m01, m10);
  const shift = f32x4(tx, ty, tx, ty);
  const pairs = <usize>(n >> 1) << 4;
  for (let o: usize = 0; o < pairs; o += 16) {
    const v = v128.load(srcPtr + o);
    const swapped = v128.shuffle<f32>(v, v, 1, 0, 3, 2);
    v128.store(dstPtr + o, f32x4.add(f32x4.add(f32x4.mul(v, diag), f32x4.mul(swapped, off)), shift));
  }
  if (n & 1) {
    const x = load<f32>(srcPtr + pairs), y = load<f32>(srcPtr + pairs + 4);
    store<f32>(dstPtr + pairs, m00 * x + m01 * y + tx);
    store<f32>(dstPtr + pairs + 4, m10 * x + m11 * y + ty);
    store<f32>(dstPtr + pairs + 8, 0);
    store<f32>(dstPtr + pairs + 12, 0);
  }
}
