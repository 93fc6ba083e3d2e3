// Row-range drivers over the MLP: forward rows into an output matrix (transform), and the sequential
// forward/backward exports the tests check against finite differences.

import { backwardBlock, forwardBlock, outputOf, scratchActivations, scratchOutputDeltas, scratchZeroRow } from "./mlp";
import { actStride, field, pad8, M_OUT_DIM } from "./model";

/**
 * Forwards rows [begin, end) of `x` and writes each output (d floats) to out. x: f32[rows × inStride];
 * out: f32[rows × d]. Uses `thread`'s scratch.
 */
export function forwardRows(model: usize, thread: i32, x: usize, inStride: i32, begin: i32, end: i32, out: usize): void {
  const d = field(model, M_OUT_DIM);
  const acts = scratchActivations(model, thread), actBytes = <usize>actStride(model) << 2;
  const zeroRow = scratchZeroRow(model, thread);
  const rowBytes = <usize>inStride << 2;
  for (let r = begin; r < end; r += 4) {
    const x0 = x + <usize>r * rowBytes;
    const x1 = r + 1 < end ? x0 + rowBytes : zeroRow;
    const x2 = r + 2 < end ? x0 + 2 * rowBytes : zeroRow;
    const x3 = r + 3 < end ? x0 + 3 * rowBytes : zeroRow;
    forwardBlock(model, x0, x1, x2, x3, acts, acts + actBytes, acts + 2 * actBytes, acts + 3 * actBytes);
    const rows = min(4, end - r);
    for (let q = 0; q < rows; q++) {
      const src = outputOf(model, acts + <usize>q * actBytes);
      const dst = out + (<usize>(r + q) * <usize>d << 2);
      memory.copy(dst, src, <usize>d << 2);
    }
  }
}

/** Forward pass of `rows` rows (sequential). x: f32[rows × inStride]; out: f32[rows × d]. */
export function mlpForwardRows(model: usize, x: usize, inStride: i32, rows: i32, out: usize): void {
  forwardRows(model, 0, x, inStride, 0, rows, out);
}

/**
 * Adds the gradient of ℓ = Σ_r ⟨dy_r, f(x_r)⟩ with respect to the parameters to weightGrad (sequential).
 * x: f32[rows × inStride]; dy: f32[rows × d]; weightGrad: f32[paramCount], laid out like the parameters.
 */
export function mlpBackwardRows(model: usize, x: usize, inStride: i32, rows: i32, dy: usize, weightGrad: usize): void {
  const d = field(model, M_OUT_DIM), d8 = pad8(d);
  const acts = scratchActivations(model, 0), actBytes = <usize>actStride(model) << 2;
  const deltas = scratchOutputDeltas(model, 0), deltaBytes = <usize>d8 << 2;
  const zeroRow = scratchZeroRow(model, 0);
  const rowBytes = <usize>inStride << 2;
  for (let r = 0; r < rows; r += 4) {
    const x0 = x + <usize>r * rowBytes;
    const x1 = r + 1 < rows ? x0 + rowBytes : zeroRow;
    const x2 = r + 2 < rows ? x0 + 2 * rowBytes : zeroRow;
    const x3 = r + 3 < rows ? x0 + 3 * rowBytes : zeroRow;
    const a0 = acts, a1 = acts + actBytes, a2 = acts + 2 * actBytes, a3 = acts + 3 * actBytes;
    forwardBlock(model, x0, x1, x2, x3, a0, a1, a2, a3);
    for (let q = 0; q < 4; q++) {
      for (let k = 0; k < d; k++) {
        const v: f32 = r + q < rows ? load<f32>(dy + (<usize>((r + q) * d + k) << 2)) : 0;
        store<f32>(deltas + <usize>q * deltaBytes + (<usize>k << 2), v);
      }
    }
    backwardBlock(model, 0, x0, x1, x2, x3, a0, a1, a2, a3,
      deltas, deltas + deltaBytes, deltas + 2 * deltaBytes, deltas + 3 * deltaBytes, weightGrad);
  }
}
