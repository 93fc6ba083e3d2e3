// Placing new points in a fixed t-SNE layout (openTSNE's transform, made independent of the batch): each new
// point i has conditional affinities p_j|i (a row summing to 1) to its k training neighbours and moves by the
// t-SNE gradient against the n training points alone, which never move:
//   g_i = ρ Σ_j p_j|i q_ij (y_i − y_j) − (n / Z) Σ_j w_ij q_ij (y_i − y_j)        (gradient.ts's kernels and convention)
// i.e. the gradient of a training point whose row of P (summing to 1/n on average) is p_j|i / n, scaled by n,
// with Z the training layout's partition function, which one point does not change. New points do not interact,
// so a row's path depends on its own inputs only: not on the other rows of a call, the chunking or the threads.
//
// The repulsion from the training points: read from the potentials the training layout leaves on a grid
// (TASK_TSNE_PLACE_GRID: the interpolated repulsion of the training layout over a square padded beyond it,
// computed once per transform), p² nodes per point and iteration; a point outside that square, or every point
// when there is no grid, sums it exactly over the n training points.
//
// The update is the fit's (iterate.ts): per-coordinate gains, momentum, each point's step clipped at maxStep;
// its gradient is clipped at norm maxGrad first (openTSNE's max_grad_norm, for points that start on top of
// training points). Iterations [0, iterations) of one call run row by row: a chunk of rows at a time per thread.

import { arg, argInt, argPtr, nextChunk } from "../parallel/control";
import { momentumStep } from "./momentum";
import { fftGeometry, fftGrid, G_B, G_C1, G_C2, G_H, G_LO1, G_LO2, G_N, repulsionFft } from "./repulsion_fft";
import { gatherPotentials, gatherPotentials3, lagrangeWeights } from "./interpolate";
import {
  ARG_TSNE_FFT_DOF, ARG_TSNE_FFT_FORCE, ARG_TSNE_FFT_INTERVALS_PER_UNIT, ARG_TSNE_FFT_MAX_INTERVALS, ARG_TSNE_FFT_MIN_INTERVALS,
  ARG_TSNE_FFT_N, ARG_TSNE_FFT_NODES, ARG_TSNE_FFT_WORKSPACE, ARG_TSNE_FFT_Y,
} from "./repulsion_args";

// TASK_TSNE_PLACE_GRID: the repulsion task's slots (repulsion_args.ts) and this one
export const ARG_TSNE_GRID_PAD: i32 = 9; // the square's margin beyond the layout, as a fraction of its extent per side

// TASK_TSNE_PLACE
export const ARG_TSNE_PLACE_TRAIN: i32 = 0; // f32[n × 2] the training layout
export const ARG_TSNE_PLACE_N: i32 = 1;
export const ARG_TSNE_PLACE_DOF: i32 = 2;
export const ARG_TSNE_PLACE_GRID: i32 = 3; // the grid task's workspace, or 0: exact repulsion
export const ARG_TSNE_PLACE_MAX_INTERVALS: i32 = 4; // as the grid's workspace was sized with
export const ARG_TSNE_PLACE_NODES: i32 = 5;
export const ARG_TSNE_PLACE_REPULSION_SCALE: i32 = 6; // n / Z
export const ARG_TSNE_PLACE_Y: i32 = 7; // f32[rows × 2] the new points, updated in place
export const ARG_TSNE_PLACE_ROWS: i32 = 8;
export const ARG_TSNE_PLACE_NEIGHBOURS: i32 = 9; // i32[rows × k] training rows
export const ARG_TSNE_PLACE_AFFINITIES: i32 = 10; // f32[rows × k] p_j|i
export const ARG_TSNE_PLACE_K: i32 = 11;
export const ARG_TSNE_PLACE_UPDATE: i32 = 12; // f32[rows × 2] the last update, 0 at the start
export const ARG_TSNE_PLACE_GAINS: i32 = 13; // f32[rows × 2] gains, 1 at the start
export const ARG_TSNE_PLACE_EXAGGERATION: i32 = 14;
export const ARG_TSNE_PLACE_LEARNING_RATE: i32 = 15;
export const ARG_TSNE_PLACE_MOMENTUM: i32 = 16;
export const ARG_TSNE_PLACE_MAX_GRAD: i32 = 17; // 0: no clipping
export const ARG_TSNE_PLACE_MAX_STEP: i32 = 18; // 0: no clipping
export const ARG_TSNE_PLACE_ITERATIONS: i32 = 19;
export const ARG_TSNE_PLACE_CHUNK_ROWS: i32 = 20;
export const ARG_TSNE_PLACE_SCRATCH: i32 = 21; // TSNE_PLACE_SCRATCH_BYTES per thread

/** Scratch bytes per thread of TASK_TSNE_PLACE: the Lagrange weights of both axes (p ≤ 8). */
export const TSNE_PLACE_SCRATCH_BYTES: i32 = 64;

/** TASK_TSNE_PLACE_GRID: the interpolated repulsion of the training layout on a padded square (force is scratch). */
export function placeGridTask(ctrl: usize, thread: i32): void {
  repulsionFft(
    ctrl, thread, argPtr(ctrl, ARG_TSNE_FFT_Y), argInt(ctrl, ARG_TSNE_FFT_N), arg(ctrl, ARG_TSNE_FFT_DOF), argPtr(ctrl, ARG_TSNE_FFT_FORCE),
    argPtr(ctrl, ARG_TSNE_FFT_WORKSPACE), arg(ctrl, ARG_TSNE_FFT_INTERVALS_PER_UNIT), argInt(ctrl, ARG_TSNE_FFT_MIN_INTERVALS),
    argInt(ctrl, ARG_TSNE_FFT_MAX_INTERVALS), argInt(ctrl, ARG_TSNE_FFT_NODES), arg(ctrl, ARG_TSNE_GRID_PAD),
  );
}

/** TASK_TSNE_PLACE (see the slots above). Chunks of chunkRows rows; each row runs every iteration of the call. */
export function placeTask(ctrl: usize, thread: i32): void {
  const train = argPtr(ctrl, ARG_TSNE_PLACE_TRAIN), n = argInt(ctrl, ARG_TSNE_PLACE_N);
  const alpha = <f32>arg(ctrl, ARG_TSNE_PLACE_DOF), gridWs = argPtr(ctrl, ARG_TSNE_PLACE_GRID);
  const maxB = argInt(ctrl, ARG_TSNE_PLACE_MAX_INTERVALS), p = argInt(ctrl, ARG_TSNE_PLACE_NODES);
  const scale = <f32>arg(ctrl, ARG_TSNE_PLACE_REPULSION_SCALE);
  const y = argPtr(ctrl, ARG_TSNE_PLACE_Y), rows = argInt(ctrl, ARG_TSNE_PLACE_ROWS);
  const neighbours = argPtr(ctrl, ARG_TSNE_PLACE_NEIGHBOURS), affinities = argPtr(ctrl, ARG_TSNE_PLACE_AFFINITIES);
  const k = argInt(ctrl, ARG_TSNE_PLACE_K);
  const update = argPtr(ctrl, ARG_TSNE_PLACE_UPDATE), gains = argPtr(ctrl, ARG_TSNE_PLACE_GAINS);
  const rho = <f32>arg(ctrl, ARG_TSNE_PLACE_EXAGGERATION), rate = <f32>arg(ctrl, ARG_TSNE_PLACE_LEARNING_RATE);
  const momentum = <f32>arg(ctrl, ARG_TSNE_PLACE_MOMENTUM), maxGrad = <f32>arg(ctrl, ARG_TSNE_PLACE_MAX_GRAD);
  const maxStep = <f32>arg(ctrl, ARG_TSNE_PLACE_MAX_STEP), iterations = argInt(ctrl, ARG_TSNE_PLACE_ITERATIONS);
  const chunkRows = argInt(ctrl, ARG_TSNE_PLACE_CHUNK_ROWS);
  const geo = gridWs ? fftGeometry(gridWs, n, maxB, p) : 0;
  const grid = gridWs ? fftGrid(gridWs, n, maxB, p) : 0;
  // the Lagrange weights of p ≠ 3 (f32[8] per axis)
  const weights = argPtr(ctrl, ARG_TSNE_PLACE_SCRATCH) + <usize>thread * <usize>TSNE_PLACE_SCRATCH_BYTES;
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const end = min(rows, (c + 1) * chunkRows);
    for (let i = c * chunkRows; i < end; i++) {
      const o = <usize>i << 3;
      const nb = neighbours + ((<usize>i * <usize>k) << 2), af = affinities + ((<usize>i * <usize>k) << 2);
      for (let it = 0; it < iterations; it++) {
        const v1 = load<f32>(y + o), v2 = load<f32>(y + o, 4);
        const a = attraction(train, nb, af, k, v1, v2, alpha);
        let f: v128;
        if (grid) f = gridForce(grid, geo, p, weights, v1, v2);
        else f = f32x4.splat(<f32>NaN);
        // outside the grid's square (NaN lanes), or without a grid: the exact sum
        if (f32x4.extract_lane(f, 0) != f32x4.extract_lane(f, 0)) f = exactForce(train, n, v1, v2, alpha);
        let gx = rho * f32x4.extract_lane(a, 0) - scale * f32x4.extract_lane(f, 0);
        let gy = rho * f32x4.extract_lane(a, 1) - scale * f32x4.extract_lane(f, 1);
        if (maxGrad > 0) {
          const norm = Mathf.sqrt(gx * gx + gy * gy);
          if (norm > maxGrad) {
            const s = maxGrad / norm;
            gx *= s;
            gy *= s;
          }
        }
        let ux = momentumStep(gx, update + o, gains + o, rate, momentum);
        let uy = momentumStep(gy, update + o + 4, gains + o + 4, rate, momentum);
        if (maxStep > 0) {
          const norm = Mathf.sqrt(ux * ux + uy * uy);
          if (norm > maxStep) {
            const s = maxStep / norm;
            ux *= s;
            uy *= s;
            store<f32>(update + o, ux);
            store<f32>(update + o, uy, 4);
          }
        }
        store<f32>(y + o, v1 + ux);
        store<f32>(y + o, v2 + uy, 4);
      }
    }
  }
}

/** Σ_t p_t q_t (y − y_{j_t}) over a row's k neighbours (lanes 0, 1), two neighbours per v128. */
function attraction(train: usize, nb: usize, af: usize, k: i32, v1: f32, v2: f32, alpha: f32): v128 {
  const yi = f32x4(v1, v2, v1, v2);
  const invAlpha = f32x4.splat(<f32>1 / alpha), one = f32x4.splat(1);
  let acc = f32x4.splat(0);
  let t = 0;
  for (; t + 1 < k; t += 2) {
    const j = load<i32>(nb + (<usize>t << 2)), l = load<i32>(nb + (<usize>t << 2), 4);
    let yj = i64x2.splat(load<i64>(train + (<usize>j << 3)));
    yj = i64x2.replace_lane(yj, 1, load<i64>(train + (<usize>l << 3)));
    const d = f32x4.sub(yi, yj);
    const s = f32x4.mul(d, d);
    const d2 = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
    const q = f32x4.div(one, f32x4.add(one, f32x4.mul(d2, invAlpha)));
    const p0 = load<f32>(af + (<usize>t << 2)), p1 = load<f32>(af + (<usize>t << 2), 4);
    acc = f32x4.add(acc, f32x4.mul(f32x4.mul(f32x4(p0, p0, p1, p1), q), d));
  }
  let ax = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 2);
  let ay = f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 3);
  if (t < k) {
    const j = load<i32>(nb + (<usize>t << 2));
    const dx = v1 - load<f32>(train + (<usize>j << 3)), dy = v2 - load<f32>(train + (<usize>j << 3), 4);
    const pq = load<f32>(af + (<usize>t << 2)) / (<f32>1 + (dx * dx + dy * dy) / alpha);
    ax += pq * dx;
    ay += pq * dy;
  }
  return f32x4(ax, ay, 0, 0);
}

/**
 * The unnormalised repulsion at (v1, v2) read from the grid (lanes 0, 1): y φ_1 − φ_y about the square's centre,
 * as repulsion_fft.ts's read-back; NaN lanes when the point lies outside the square.
 */
function gridForce(grid: usize, geo: usize, p: i32, weights: usize, v1: f32, v2: f32): v128 {
  const b = load<i32>(geo + G_B), n = load<i32>(geo + G_N);
  const invH = <f32>1 / load<f32>(geo + G_H);
  const s1 = (v1 - load<f32>(geo + G_LO1)) * invH, s2 = (v2 - load<f32>(geo + G_LO2)) * invH;
  if (!(s1 >= 0 && s2 >= 0 && s1 < <f32>b && s2 < <f32>b)) return f32x4.splat(<f32>NaN);
  const bx = min(<i32>s1, b - 1), by = min(<i32>s2, b - 1);
  const t1 = s1 - <f32>bx, t2 = s2 - <f32>by;
  const rowBytes = <usize>n << 4;
  let phi: v128;
  if (p == 3) {
    phi = gatherPotentials3(grid, rowBytes, by * 3, bx * 3, n, t1, t2);
  } else {
    lagrangeWeights(t1, p, weights);
    lagrangeWeights(t2, p, weights + 32);
    phi = gatherPotentials(grid, rowBytes, by * p, bx * p, n, p, weights, weights + 32);
  }
  const a1 = v1 - load<f32>(geo + G_C1), a2 = v2 - load<f32>(geo + G_C2);
  const phi0 = f32x4.extract_lane(phi, 0);
  return f32x4(a1 * phi0 - f32x4.extract_lane(phi, 1), a2 * phi0 - f32x4.extract_lane(phi, 2), 0, 0);
}

/** Σ_j w_j q_j (y − y_j) over all n training points (lanes 0, 1): two points per v128. */
function exactForce(train: usize, n: i32, v1: f32, v2: f32, alpha: f32): v128 {
  const yi = f32x4(v1, v2, v1, v2);
  const invAlpha = f32x4.splat(<f32>1 / alpha), one = f32x4.splat(1);
  const cauchy = alpha == 1;
  const pairs = n & ~1;
  let acc = f32x4.splat(0);
  for (let j = 0; j < pairs; j += 2) {
    const d = f32x4.sub(yi, v128.load(train + (<usize>j << 3)));
    const s = f32x4.mul(d, d);
    const d2 = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
    const q = f32x4.div(one, f32x4.add(one, f32x4.mul(d2, invAlpha)));
    let wq = f32x4.mul(q, q);
    if (!cauchy) {
      const w0 = kernelW(f32x4.extract_lane(q, 0), alpha), w2 = kernelW(f32x4.extract_lane(q, 2), alpha);
      wq = f32x4.mul(f32x4(w0, w0, w2, w2), q);
    }
    acc = f32x4.add(acc, f32x4.mul(wq, d));
  }
  let fx = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 2);
  let fy = f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 3);
  if (pairs < n) {
    const dx = v1 - load<f32>(train + (<usize>pairs << 3)), dy = v2 - load<f32>(train + (<usize>pairs << 3), 4);
    const q = <f32>1 / (<f32>1 + (dx * dx + dy * dy) / alpha);
    const wq = kernelW(q, alpha) * q;
    fx += wq * dx;
    fy += wq * dy;
  }
  return f32x4(fx, fy, 0, 0);
}

// @ts-ignore: decorator
@inline function kernelW(q: f32, alpha: f32): f32 {
  return alpha == 1 ? q : <f32>Math.exp(<f64>alpha * Math.log(<f64>q));
}

