// The partition function Σ_{i≠j} φ_ij = Σ 1/(1 + ‖y_i − y_j‖²) of an embedding: t-SNE's normaliser, and what
// NCE's learned Z approaches. Exact by rows (O(n²), threads split rows), or estimated from random pairs.

import { argInt, argPtr, nextChunk } from "../parallel/control";
import { draw, seedOf, streamKey, uniformIndex } from "../rng";
import { squaredGap } from "./pairs";

/** Per-row sums Σ_{j≠i} φ_ij of rows [begin, end) into rowSumPtr (f64[n]). y: f32[n * dim]. */
export function partitionRows(y: usize, n: i32, dim: i32, begin: i32, end: i32, rowSumPtr: usize): void {
  for (let i = begin; i < end; i++) {
    let s: f64 = 0;
    for (let j = 0; j < n; j++) {
      if (j == i) continue;
      s += <f64>(<f32>1 / (1 + squaredGap(y, i, j, dim)));
    }
    store<f64>(rowSumPtr + (<usize>i << 3), s);
  }
}

// Argument slots of TASK_PARTITION, written by name by the bindings (bindings/core/abi.ts).
export const ARG_Z_Y: i32 = 0;
export const ARG_Z_N: i32 = 1;
export const ARG_Z_DIM: i32 = 2;
export const ARG_Z_ROW_SUMS: i32 = 3;
export const ARG_Z_ROWS_PER_CHUNK: i32 = 4;

/** TASK_PARTITION args: 0 y, 1 n, 2 dim, 3 rowSumPtr, 4 rowsPerChunk. */
export function partitionTask(ctrl: usize): void {
  const y = argPtr(ctrl, ARG_Z_Y), n = argInt(ctrl, ARG_Z_N), dim = argInt(ctrl, ARG_Z_DIM);
  const out = argPtr(ctrl, ARG_Z_ROW_SUMS);
  const rows = argInt(ctrl, ARG_Z_ROWS_PER_CHUNK);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) partitionRows(y, n, dim, c * rows, min(n, (c + 1) * rows), out);
}

/** Σ of f64[count] at ptr, in index order (so the result does not depend on how rows were split). */
export function sumF64(ptr: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < count; i++) s += load<f64>(ptr + (<usize>i << 3));
  return s;
}

/** Estimates Σ_{i≠j} φ_ij from `samples` uniformly drawn ordered pairs i ≠ j: n(n−1) · mean φ. */
export function partitionSampled(y: usize, n: i32, dim: i32, samples: i32, seed: f64): f64 {
  const key = streamKey(seedOf(seed), 0x5a); // "Z"
  let s: f64 = 0;
  for (let t = 0; t < samples; t++) {
    const bits = draw(key, <u64>t);
    const i = <i32>uniformIndex(bits, <u32>n);
    let j = <i32>uniformIndex(bits << 32 | (bits >> 32), <u32>(n - 1));
    if (j >= i) j++;
    s += <f64>(<f32>1 / (1 + squaredGap(y, i, j, dim)));
  }
  return (s / <f64>samples) * <f64>n * <f64>(n - 1);
}
