// Lagrange interpolation on the repulsion's grid (repulsion_fft.ts). Each box (interval × interval) of width h
// holds p × p nodes of its own, at offsets (k + 1/2)·h/p, so the nodes of all boxes form one uniform grid of
// spacing h/p. A point spreads its four charges (1, y1, y2, ‖y‖², one v128) to its box's p × p nodes with the
// weights L_a(t1)·L_b(t2), and reads its four potentials back with the same weights.

/** Writes the p Lagrange weights of position t ∈ [0, 1] (in box widths) for the nodes (k + 1/2)/p into w (f32[p]). */
// @ts-ignore: decorator
@inline export function lagrangeWeights(t: f32, p: i32, w: usize): void {
  const inv = <f32>1 / <f32>p;
  for (let k = 0; k < p; k++) {
    const xk = (<f32>k + 0.5) * inv;
    let num: f32 = 1, den: f32 = 1;
    for (let m = 0; m < p; m++) {
      if (m == k) continue;
      const xm = (<f32>m + 0.5) * inv;
      num *= t - xm;
      den *= xk - xm;
    }
    store<f32>(w + (<usize>k << 2), num / den);
  }
}

/**
 * Adds the charges q (v128) of one point to the p × p nodes whose top-left node is `node` in a grid of rows of
 * `rowBytes` bytes, weighted by wx[a]·wy[b] (f32[p] each).
 */
// @ts-ignore: decorator
@inline export function spreadCharges(node: usize, rowBytes: usize, p: i32, wx: usize, wy: usize, q: v128): void {
  for (let b = 0; b < p; b++) {
    const qb = f32x4.mul(q, f32x4.splat(load<f32>(wy + (<usize>b << 2))));
    let cell = node + <usize>b * rowBytes;
    for (let a = 0; a < p; a++, cell += 16) {
      v128.store(cell, f32x4.add(v128.load(cell), f32x4.mul(qb, f32x4.splat(load<f32>(wx + (<usize>a << 2))))));
    }
  }
}

/**
 * The interpolated potentials of one point: Σ_{a,b} wx[a]·wy[b]·Φ(node a, b), where node (a, b) of the box is
 * read at column (n − (col0 + a)) mod n of row row0 + b: the grid after the inverse transform done as a forward
 * one, whose output index is reversed (fft.ts).
 */
// @ts-ignore: decorator
@inline export function gatherPotentials(grid: usize, rowBytes: usize, row0: i32, col0: i32, n: i32, p: i32, wx: usize, wy: usize): v128 {
  let acc = f32x4.splat(0);
  for (let b = 0; b < p; b++) {
    const row = grid + <usize>(row0 + b) * rowBytes;
    let rowAcc = f32x4.splat(0);
    for (let a = 0; a < p; a++) {
      const col = col0 + a;
      const cell = row + (<usize>(col == 0 ? 0 : n - col) << 4);
      rowAcc = f32x4.add(rowAcc, f32x4.mul(v128.load(cell), f32x4.splat(load<f32>(wx + (<usize>a << 2)))));
    }
    acc = f32x4.add(acc, f32x4.mul(rowAcc, f32x4.splat(load<f32>(wy + (<usize>b << 2)))));
  }
  return acc;
}

// p = 3, the default, unrolled: nodes at 1/6, 1/2, 5/6 of the box; 1/denominators 4.5, −9, 4.5.
// @ts-ignore: decorator
@inline function weights3(t: f32): v128 {
  const d0 = t - <f32>(1.0 / 6.0), d1 = t - 0.5, d2 = t - <f32>(5.0 / 6.0);
  return f32x4(4.5 * d1 * d2, -9 * d0 * d2, 4.5 * d0 * d1, 0);
}

/** spreadCharges for p = 3 from the positions t1, t2 ∈ [0, 1] in the box. */
// @ts-ignore: decorator
@inline export function spreadCharges3(node: usize, rowBytes: usize, t1: f32, t2: f32, q: v128): void {
  const wx = weights3(t1);
  let wy = weights3(t2);
  const x0 = f32x4.splat(f32x4.extract_lane(wx, 0)), x1 = f32x4.splat(f32x4.extract_lane(wx, 1));
  const x2 = f32x4.splat(f32x4.extract_lane(wx, 2));
  let row = node;
  for (let b = 0; b < 3; b++, row += rowBytes) {
    const qb = f32x4.mul(q, f32x4.splat(f32x4.extract_lane(wy, 0)));
    v128.store(row, f32x4.add(v128.load(row), f32x4.mul(qb, x0)));
    v128.store(row, f32x4.add(v128.load(row, 16), f32x4.mul(qb, x1)), 16);
    v128.store(row, f32x4.add(v128.load(row, 32), f32x4.mul(qb, x2)), 32);
    wy = v128.shuffle<f32>(wy, wy, 1, 2, 3, 0);
  }
}

/** gatherPotentials for p = 3 from the positions t1, t2 ∈ [0, 1] in the box. */
// @ts-ignore: decorator
@inline export function gatherPotentials3(grid: usize, rowBytes: usize, row0: i32, col0: i32, n: i32, t1: f32, t2: f32): v128 {
  let wy = weights3(t2);
  const wx = weights3(t1);
  const x0 = f32x4.splat(f32x4.extract_lane(wx, 0)), x1 = f32x4.splat(f32x4.extract_lane(wx, 1));
  const x2 = f32x4.splat(f32x4.extract_lane(wx, 2));
  // columns col0, col0 + 1, col0 + 2 read at (n − col) mod n: descending addresses, the first wrapping at 0
  const o0 = <usize>(col0 == 0 ? 0 : n - col0) << 4, o1 = <usize>(n - col0 - 1) << 4, o2 = <usize>(n - col0 - 2) << 4;
  let acc = f32x4.splat(0);
  let row = grid + <usize>row0 * rowBytes;
  for (let b = 0; b < 3; b++, row += rowBytes) {
    const r = f32x4.add(f32x4.add(f32x4.mul(v128.load(row + o0), x0), f32x4.mul(v128.load(row + o1), x1)), f32x4.mul(v128.load(row + o2), x2));
    acc = f32x4.add(acc, f32x4.mul(r, f32x4.splat(f32x4.extract_lane(wy, 0))));
    wy = v128.shuffle<f32>(wy, wy, 1, 2, 3, 0);
  }
  return acc;
}
