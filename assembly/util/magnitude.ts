// The data's magnitude, and an exact power-of-two rescale: squared distances of f32 data overflow above
// |x| ≈ 1e19 and underflow below ≈ 1e-19, so the binding brings data of extreme magnitude into a safe range.
// Scaling by 2^e changes no bit of the mantissas, so layouts (kNN, graph, PCA init scaled to std 1) are the
// same as for the unscaled data.

/** The largest |x| among `count` f32 at `ptr` (all finite: the binding checks that first). */
export function maxAbs(ptr: usize, count: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) acc = f32x4.max(acc, f32x4.abs(v128.load(ptr + (<usize>i << 2))));
  let m = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; i < count; i++) m = max(m, abs(load<f32>(ptr + (<usize>i << 2))));
  return m;
}

/**
 * Multiplies `count` f32 at `ptr` by 2^exponent in place. The factor is applied in steps of at most 2^100 so
 * that every step's factor is a normal f32; each step is exact unless a value leaves the f32 range.
 */
export function scaleByPowerOfTwo(ptr: usize, count: i32, exponent: i32): void {
  while (exponent != 0) {
    const step = exponent > 100 ? 100 : exponent < -100 ? -100 : exponent;
    exponent -= step;
    const f = <f32>Math.pow(2, <f64>step);
    const fv = f32x4.splat(f);
    let i = 0;
    for (; i + 4 <= count; i += 4) {
      const p = ptr + (<usize>i << 2);
      v128.store(p, f32x4.mul(v128.load(p), fv));
    }
    for (; i < count; i++) {
      const p = ptr + (<usize>i << 2);
      store<f32>(p, load<f32>(p) * f);
    }
  }
}
