// t-SNE's update rule (SPEC §7): gradient descent with momentum and per-coordinate gains on the exact KL
// gradient (gradient.ts for the convention), iterations [begin, end) of a phase per call.
//
// Every thread takes a fixed range of blocks of rows; per iteration: the repulsion (exact: of its rows; by
// interpolation: all threads together, repulsion_fft.ts) and the attraction of its rows, a barrier, Z summed from the per-row sums in row order (by every thread, the same bits), the step of its rows and
// their block sums, a barrier, the layout's mean from the block sums in block order and its subtraction from its
// rows, a barrier. Nothing depends on which thread did a row, so a seed gives the same bits on any thread count
// (t-SNE draws no random numbers after the initial layout).

import { arg, argInt, argPtr, barrier, splitBegin, threadCount } from "../parallel/control";
import { attractRows, repelRowsExact } from "./gradient";
import { momentumStep } from "./momentum";
import { repulsionFft, WS_Z } from "./repulsion_fft";

export const ARG_TSNE_Y: i32 = 0; // f32[n·2] the layout
export const ARG_TSNE_N: i32 = 1;
export const ARG_TSNE_ROW_PTR: i32 = 2; // i32[n + 1] affinities (CSR)
export const ARG_TSNE_COLS: i32 = 3; // i32[nnz]
export const ARG_TSNE_VALS: i32 = 4; // f32[nnz], summing to 1
export const ARG_TSNE_UPDATE: i32 = 5; // f32[n·2] the last update (momentum), 0 at the start
export const ARG_TSNE_GAINS: i32 = 6; // f32[n·2] per-coordinate gains, 1 at the start
export const ARG_TSNE_ATTRACTION: i32 = 7; // f32[n·2] scratch
export const ARG_TSNE_FORCE: i32 = 8; // f32[n·2] scratch: the unnormalised repulsion
export const ARG_TSNE_ROW_Z: i32 = 9; // f64[n] scratch
export const ARG_TSNE_ROW_KL: i32 = 10; // f64[n] scratch
export const ARG_TSNE_BLOCK_SUMS: i32 = 11; // f64[blocks·2] scratch, blocks = ceil(n / TSNE_BLOCK_ROWS)
export const ARG_TSNE_STATS: i32 = 12; // f64[4] out: [0] Z of the last iteration, [1] KL, [2] the iteration it was measured after
export const ARG_TSNE_EXAGGERATION: i32 = 13;
export const ARG_TSNE_LEARNING_RATE: i32 = 14; // without the factor 4 (gradient.ts)
export const ARG_TSNE_MOMENTUM: i32 = 15;
export const ARG_TSNE_DOF: i32 = 16;
export const ARG_TSNE_MAX_STEP: i32 = 17; // largest norm of one point's update (0: no clipping)
export const ARG_TSNE_ITER_BEGIN: i32 = 18;
export const ARG_TSNE_ITER_END: i32 = 19;
export const ARG_TSNE_PHASE_ITERS: i32 = 20;
export const ARG_TSNE_PLOGP: i32 = 21; // Σ p log p of the affinities
export const ARG_TSNE_KL_EVERY: i32 = 22; // measure the KL after every this many iterations and after the last (0: never)
// the repulsion: exact by rows when ARG_TSNE_FFT_WS is 0, else interpolated on a grid (repulsion_fft.ts, its workspace)
export const ARG_TSNE_FFT_WS: i32 = 23;
export const ARG_TSNE_INTERVALS_PER_UNIT: i32 = 24;
export const ARG_TSNE_MIN_INTERVALS: i32 = 25;
export const ARG_TSNE_MAX_INTERVALS: i32 = 26;
export const ARG_TSNE_NODES: i32 = 27;

/** Rows per block of the static split (and of the mean's partial sums). */
export const TSNE_BLOCK_ROWS: i32 = 256;

export function tsneIterateTask(ctrl: usize, thread: i32): void {
  const y = argPtr(ctrl, ARG_TSNE_Y), n = argInt(ctrl, ARG_TSNE_N);
  const rowPtr = argPtr(ctrl, ARG_TSNE_ROW_PTR), cols = argPtr(ctrl, ARG_TSNE_COLS), vals = argPtr(ctrl, ARG_TSNE_VALS);
  const update = argPtr(ctrl, ARG_TSNE_UPDATE), gains = argPtr(ctrl, ARG_TSNE_GAINS);
  const attraction = argPtr(ctrl, ARG_TSNE_ATTRACTION), force = argPtr(ctrl, ARG_TSNE_FORCE);
  const rowZ = argPtr(ctrl, ARG_TSNE_ROW_Z), rowKl = argPtr(ctrl, ARG_TSNE_ROW_KL);
  const blockSums = argPtr(ctrl, ARG_TSNE_BLOCK_SUMS), stats = argPtr(ctrl, ARG_TSNE_STATS);
  const rho = <f32>arg(ctrl, ARG_TSNE_EXAGGERATION), rate = <f32>arg(ctrl, ARG_TSNE_LEARNING_RATE);
  const momentum = <f32>arg(ctrl, ARG_TSNE_MOMENTUM), alpha = <f32>arg(ctrl, ARG_TSNE_DOF);
  const maxStep = <f32>arg(ctrl, ARG_TSNE_MAX_STEP);
  const begin = argInt(ctrl, ARG_TSNE_ITER_BEGIN), end = argInt(ctrl, ARG_TSNE_ITER_END);
  const phaseIters = argInt(ctrl, ARG_TSNE_PHASE_ITERS), klEvery = argInt(ctrl, ARG_TSNE_KL_EVERY);
  const plogp = arg(ctrl, ARG_TSNE_PLOGP);
  const fftWs = argPtr(ctrl, ARG_TSNE_FFT_WS), perUnit = arg(ctrl, ARG_TSNE_INTERVALS_PER_UNIT);
  const minB = argInt(ctrl, ARG_TSNE_MIN_INTERVALS), maxB = argInt(ctrl, ARG_TSNE_MAX_INTERVALS), nodes = argInt(ctrl, ARG_TSNE_NODES);
  const threads = threadCount(ctrl);
  const blocks = (n + TSNE_BLOCK_ROWS - 1) / TSNE_BLOCK_ROWS;
  const bb = splitBegin(blocks, threads, thread), be = splitBegin(blocks, threads, thread + 1);
  const rb = min(n, bb * TSNE_BLOCK_ROWS), re = min(n, be * TSNE_BLOCK_ROWS);
  for (let it = begin; it < end; it++) {
    const measure = klEvery > 0 && ((it + 1) % klEvery == 0 || it + 1 == phaseIters);
    if (fftWs) repulsionFft(ctrl, thread, y, n, <f64>alpha, force, fftWs, perUnit, minB, maxB, nodes);
    else repelRowsExact(y, n, rb, re, alpha, force, rowZ);
    attractRows(y, rowPtr, cols, vals, rb, re, alpha, attraction, measure ? rowKl : 0);
    barrier(ctrl);
    let z: f64 = 0;
    if (fftWs) z = load<f64>(fftWs + WS_Z);
    else for (let i = 0; i < n; i++) z += load<f64>(rowZ + (<usize>i << 3));
    if (thread == 0) {
      store<f64>(stats, z);
      if (measure) {
        let s: f64 = 0;
        for (let i = 0; i < n; i++) s += load<f64>(rowKl + (<usize>i << 3));
        store<f64>(stats + 8, plogp - s + Math.log(z));
        store<f64>(stats + 16, <f64>(it + 1));
      }
    }
    stepRows(y, attraction, force, update, gains, rb, re, rho, <f32>(1.0 / z), rate, momentum, maxStep);
    for (let b = bb; b < be; b++) blockSum(y, b, n, blockSums);
    barrier(ctrl);
    let mx: f64 = 0, my: f64 = 0;
    for (let b = 0; b < blocks; b++) {
      mx += load<f64>(blockSums + (<usize>b << 4));
      my += load<f64>(blockSums + (<usize>b << 4) + 8);
    }
    const cx = <f32>(mx / <f64>n), cy = <f32>(my / <f64>n);
    for (let i = rb; i < re; i++) {
      const p = y + (<usize>i << 3);
      store<f32>(p, load<f32>(p) - cx);
      store<f32>(p + 4, load<f32>(p + 4) - cy);
    }
    barrier(ctrl);
  }
}

/**
 * g = ρ·A − F/Z per coordinate; gains +0.2 where g's sign differs from the last update's, ×0.8 where it does
 * not, floored at 0.01; update = μ·update − rate·gain·g, its norm per point clipped at maxStep; y += update.
 */
function stepRows(
  y: usize, attraction: usize, force: usize, update: usize, gains: usize, begin: i32, end: i32,
  rho: f32, invZ: f32, rate: f32, momentum: f32, maxStep: f32,
): void {
  for (let i = begin; i < end; i++) {
    const o = <usize>i << 3;
    const ux = stepCoordinate(attraction + o, force + o, update + o, gains + o, rho, invZ, rate, momentum);
    const uy = stepCoordinate(attraction + o + 4, force + o + 4, update + o + 4, gains + o + 4, rho, invZ, rate, momentum);
    let sx = ux, sy = uy;
    if (maxStep > 0) {
      const norm = Mathf.sqrt(ux * ux + uy * uy);
      if (norm > maxStep) {
        const f = maxStep / norm;
        sx = ux * f;
        sy = uy * f;
        store<f32>(update + o, sx);
        store<f32>(update + o + 4, sy);
      }
    }
    store<f32>(y + o, load<f32>(y + o) + sx);
    store<f32>(y + o + 4, load<f32>(y + o + 4) + sy);
  }
}

// @ts-ignore: decorator
@inline function stepCoordinate(a: usize, f: usize, u: usize, gp: usize, rho: f32, invZ: f32, rate: f32, momentum: f32): f32 {
  return momentumStep(rho * load<f32>(a) - load<f32>(f) * invZ, u, gp, rate, momentum);
}

function blockSum(y: usize, b: i32, n: i32, out: usize): void {
  const end = min(n, (b + 1) * TSNE_BLOCK_ROWS);
  let sx: f64 = 0, sy: f64 = 0;
  for (let i = b * TSNE_BLOCK_ROWS; i < end; i++) {
    sx += <f64>load<f32>(y + (<usize>i << 3));
    sy += <f64>load<f32>(y + (<usize>i << 3) + 4);
  }
  store<f64>(out + (<usize>b << 4), sx);
  store<f64>(out + (<usize>b << 4) + 8, sy);
}

/**
 * The objective at layout y, sequentially (tests and KL on demand): the gradient in the convention of
 * gradient.ts (ρ·A − F/Z, without the factor 4) into grad f32[n·2], scratch f32[n·2] and f64[2n]; returns
 * KL(P‖Q) = Σ p log p − Σ p log w + log Z.
 */
export function tsneObjective(
  y: usize, n: i32, rowPtr: usize, cols: usize, vals: usize, dof: f32, exaggeration: f32, plogp: f64, grad: usize,
  scratch: usize, scratch64: usize,
): f64 {
  const rowZ = scratch64, rowKl = scratch64 + (<usize>n << 3);
  repelRowsExact(y, n, 0, n, dof, scratch, rowZ);
  attractRows(y, rowPtr, cols, vals, 0, n, dof, grad, rowKl);
  let z: f64 = 0, s: f64 = 0;
  for (let i = 0; i < n; i++) {
    z += load<f64>(rowZ + (<usize>i << 3));
    s += load<f64>(rowKl + (<usize>i << 3));
  }
  const invZ = <f32>(1.0 / z);
  for (let c = 0; c < 2 * n; c++) {
    const o = <usize>c << 2;
    store<f32>(grad + o, exaggeration * load<f32>(grad + o) - load<f32>(scratch + o) * invZ);
  }
  return plogp - s + Math.log(z);
}
