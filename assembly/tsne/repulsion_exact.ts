// The exact O(n²) repulsion of t-SNE: the small-n path and the oracle of the interpolated one
// (repulsion_fft.ts). Same outputs as that kernel, for a 2-D layout y (f32[n × 2], row-major) and dof α:
//   F_i = Σ_{j≠i} w_ij^{(α+1)/α} (y_i − y_j) written to force (f32[n × 2]), and Z = Σ_{i≠j} w_ij (f64),
//   with w_ij = (1 + ‖y_i − y_j‖²/α)^(−α) (α = 1: the Cauchy kernel 1/(1 + d²), and w^{(α+1)/α} = w²).
// The caller divides F by Z. Rows are split into chunks that threads take; each chunk's Σ_j w_ij lands in its
// own f64 slot and one thread adds the slots in chunk order, so 1 and 2 threads give the same bits.

import { arg, argInt, argPtr, barrier, nextChunk } from "../parallel/control";
import { ARG_TSNE_EXACT_DOF, ARG_TSNE_EXACT_FORCE, ARG_TSNE_EXACT_N, ARG_TSNE_EXACT_ROWS_PER_CHUNK, ARG_TSNE_EXACT_WORKSPACE, ARG_TSNE_EXACT_Y } from "./repulsion_args";

/** Workspace bytes of the exact task for n points: Z (f64) at offset 0, then one f64 per chunk (at most n). */
export function exactWorkspaceBytes(n: i32): usize {
  return 64 + (<usize>n << 3);
}

/**
 * Rows [begin, end) of the Cauchy repulsion (α = 1): force_i = Σ_j w_ij² (y_i − y_j). Returns Σ_{i in rows}
 * Σ_{j≠i} w_ij. Two rows at a time share each load of four points (two v128, de-interleaved by shuffles).
 */
export function exactRowsCauchy(y: usize, n: i32, begin: i32, end: i32, force: usize): f64 {
  let z: f64 = 0;
  const n4 = n & ~3;
  let i = begin;
  for (; i + 1 < end; i += 2) {
    const xa = f32x4.splat(load<f32>(y + (<usize>i << 3)));
    const ya = f32x4.splat(load<f32>(y + (<usize>i << 3), 4));
    const xb = f32x4.splat(load<f32>(y + (<usize>(i + 1) << 3)));
    const yb = f32x4.splat(load<f32>(y + (<usize>(i + 1) << 3), 4));
    const one = f32x4.splat(1);
    let fxa = f32x4.splat(0), fya = f32x4.splat(0), za = f32x4.splat(0);
    let fxb = f32x4.splat(0), fyb = f32x4.splat(0), zb = f32x4.splat(0);
    for (let j = 0; j < n4; j += 4) {
      const p = y + (<usize>j << 3);
      const v0 = v128.load(p), v1 = v128.load(p, 16);
      const xj = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
      const yj = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
      const dxa = f32x4.sub(xa, xj), dya = f32x4.sub(ya, yj);
      const dxb = f32x4.sub(xb, xj), dyb = f32x4.sub(yb, yj);
      const wa = f32x4.div(one, f32x4.add(one, f32x4.add(f32x4.mul(dxa, dxa), f32x4.mul(dya, dya))));
      const wb = f32x4.div(one, f32x4.add(one, f32x4.add(f32x4.mul(dxb, dxb), f32x4.mul(dyb, dyb))));
      const wa2 = f32x4.mul(wa, wa), wb2 = f32x4.mul(wb, wb);
      fxa = f32x4.add(fxa, f32x4.mul(wa2, dxa));
      fya = f32x4.add(fya, f32x4.mul(wa2, dya));
      za = f32x4.add(za, wa);
      fxb = f32x4.add(fxb, f32x4.mul(wb2, dxb));
      fyb = f32x4.add(fyb, f32x4.mul(wb2, dyb));
      zb = f32x4.add(zb, wb);
    }
    let sa = <f64>sum4(za), sb = <f64>sum4(zb);
    let gxa = sum4(fxa), gya = sum4(fya), gxb = sum4(fxb), gyb = sum4(fyb);
    const xa0 = f32x4.extract_lane(xa, 0), ya0 = f32x4.extract_lane(ya, 0);
    const xb0 = f32x4.extract_lane(xb, 0), yb0 = f32x4.extract_lane(yb, 0);
    for (let j = n4; j < n; j++) {
      const xj = load<f32>(y + (<usize>j << 3)), yj = load<f32>(y + (<usize>j << 3), 4);
      let dx = xa0 - xj, dy = ya0 - yj;
      let w: f32 = 1 / (1 + dx * dx + dy * dy);
      gxa += w * w * dx; gya += w * w * dy; sa += <f64>w;
      dx = xb0 - xj; dy = yb0 - yj;
      w = 1 / (1 + dx * dx + dy * dy);
      gxb += w * w * dx; gyb += w * w * dy; sb += <f64>w;
    }
    // the loops included j = i, whose w is exactly 1 and force exactly 0
    z += sa - 1 + sb - 1;
    store<f32>(force + (<usize>i << 3), gxa);
    store<f32>(force + (<usize>i << 3), gya, 4);
    store<f32>(force + (<usize>(i + 1) << 3), gxb);
    store<f32>(force + (<usize>(i + 1) << 3), gyb, 4);
  }
  if (i < end) z += exactRowsDof(y, n, 1, i, end, force);
  return z;
}

/** Rows [begin, end) for any dof α > 0 (scalar, f64 powers): the general oracle. Returns Σ_{rows} Σ_{j≠i} w_ij. */
export function exactRowsDof(y: usize, n: i32, alpha: f64, begin: i32, end: i32, force: usize): f64 {
  let z: f64 = 0;
  for (let i = begin; i < end; i++) {
    const xi = <f64>load<f32>(y + (<usize>i << 3)), yi = <f64>load<f32>(y + (<usize>i << 3), 4);
    let fx: f64 = 0, fy: f64 = 0, s: f64 = 0;
    for (let j = 0; j < n; j++) {
      if (j == i) continue;
      const dx = xi - <f64>load<f32>(y + (<usize>j << 3)), dy = yi - <f64>load<f32>(y + (<usize>j << 3), 4);
      const q = 1 / (1 + (dx * dx + dy * dy) / alpha);
      const w = alpha == 1 ? q : Math.pow(q, alpha);
      // w^{(α+1)/α} = w · q
      fx += w * q * dx;
      fy += w * q * dy;
      s += w;
    }
    store<f32>(force + (<usize>i << 3), <f32>fx);
    store<f32>(force + (<usize>i << 3), <f32>fy, 4);
    z += s;
  }
  return z;
}

// @ts-ignore: decorator
@inline function sum4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * TASK_TSNE_REPULSION_EXACT args: 0 y (f32[n × 2]), 1 n, 2 dof α, 3 force (f32[n × 2], written), 4 workspace
 * (exactWorkspaceBytes(n) bytes; Z is written as f64 at its offset 0), 5 rowsPerChunk. Post with
 * ceil(n / rowsPerChunk) chunks.
 */
export function repulsionExactTask(ctrl: usize, thread: i32): void {
  const y = argPtr(ctrl, ARG_TSNE_EXACT_Y), n = argInt(ctrl, ARG_TSNE_EXACT_N), alpha = arg(ctrl, ARG_TSNE_EXACT_DOF);
  const force = argPtr(ctrl, ARG_TSNE_EXACT_FORCE), ws = argPtr(ctrl, ARG_TSNE_EXACT_WORKSPACE);
  const rows = argInt(ctrl, ARG_TSNE_EXACT_ROWS_PER_CHUNK);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rows, e = min(n, b + rows);
    const z = alpha == 1 ? exactRowsCauchy(y, n, b, e, force) : exactRowsDof(y, n, alpha, b, e, force);
    store<f64>(ws + 64 + (<usize>c << 3), z);
  }
  barrier(ctrl);
  if (thread == 0) {
    const chunks = (n + rows - 1) / rows;
    let z: f64 = 0;
    for (let k = 0; k < chunks; k++) z += load<f64>(ws + 64 + (<usize>k << 3));
    store<f64>(ws, z);
  }
}
