// Input checks that would be a JS loop over every value: done here, once, on the copied-in data.

/** Index of the first NaN or ±Infinity among `count` f32 at `ptr`, or -1 when all are finite. */
export function firstNonFinite(ptr: usize, count: i32): i32 {
  // x - x is 0 for finite x and NaN for NaN and ±Infinity; NaN != NaN flags it, 4 lanes at a time.
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(ptr + (<usize>i << 2));
    const z = f32x4.sub(v, v);
    if (v128.any_true(f32x4.ne(z, z))) break;
  }
  for (; i < count; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    if (!isFinite(x)) return i;
  }
  return -1;
}
