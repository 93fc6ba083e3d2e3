// Internal v128 helpers shared by the kernels. Rows are laid out by the binding with a stride that is a
// multiple of 4 floats and zero padding, so a kernel can always step by whole v128 lanes.

// @ts-ignore: decorator
@inline export function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Squared Euclidean distance of two rows of `stride` floats (stride a multiple of 4). */
// @ts-ignore: decorator
@inline export function squaredDistance(a: usize, b: usize, stride: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const bytes = <usize>stride << 2;
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o + 16), v128.load(b + o + 16));
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
    acc1 = f32x4.add(acc1, f32x4.mul(d1, d1));
  }
  if (o < bytes) {
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
  }
  return horizontalSum(f32x4.add(acc0, acc1));
}

/** Dot product of two rows of `stride` floats (stride a multiple of 4). */
// @ts-ignore: decorator
@inline export function dot(a: usize, b: usize, stride: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const bytes = <usize>stride << 2;
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  if (o < bytes) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  return horizontalSum(f32x4.add(acc0, acc1));
}
