// Row layout helpers: the binding copies data in packed (n × dim) and the core widens it in place to the
// padded stride that every SIMD kernel expects.

/**
 * Spreads n packed rows of `dim` f32 at `ptr` to rows of `stride` f32 (stride ≥ dim), zero-filling the
 * padding. Works from the last row backwards so the move is in place; the buffer must hold n × stride.
 */
export function padRows(ptr: usize, n: i32, dim: i32, stride: i32): void {
  if (stride == dim) return;
  const packed = <usize>dim << 2;
  const padded = <usize>stride << 2;
  for (let i = n - 1; i >= 0; i--) {
    const dst = ptr + <usize>i * padded;
    memory.copy(dst, ptr + <usize>i * packed, packed);
    memory.fill(dst + packed, 0, padded - packed);
  }
}

/** Copies n rows of `dim` f32 from rows of `stride` f32 at `src` to packed rows at `dst` (no overlap). */
export function packRows(src: usize, n: i32, dim: i32, stride: i32, dst: usize): void {
  const packed = <usize>dim << 2;
  const padded = <usize>stride << 2;
  for (let i = 0; i < n; i++) memory.copy(dst + <usize>i * packed, src + <usize>i * padded, packed);
}
