// t-SNE's repulsion by FFT-accelerated interpolation (FIt-SNE, Linderman et al. 2019; openTSNE), 2-D.
//
// Interface (TASK_TSNE_REPULSION_FFT, repulsion_tasks.ts; the same outputs as the exact twin, repulsion_exact.ts):
//   args 0 y (f32[n × 2], row-major), 1 n, 2 dof α > 0, 3 force (f32[n × 2], written), 4 workspace
//   (fftWorkspaceBytes(n, maxIntervals, nodes, threads) bytes, 64-aligned), 5 intervalsPerUnit, 6 minIntervals,
//   7 maxIntervals and 8 nodes per interval p (1–8), both as the workspace was sized with. Post with 1 chunk.
//   y must be finite (the caller checks): a non-finite coordinate gives NaN outputs, never an access out of bounds.
//   Writes F_i = Σ_{j≠i} w_ij^{(α+1)/α} (y_i − y_j), w_ij = (1 + d_ij²/α)^(−α), into force, and at the
//   workspace: Z = Σ_{i≠j} w_ij (f64, offset WS_Z), the intervals per axis used (i32, WS_INTERVALS) and the FFT
//   length (i32, WS_FFT_SIZE). The caller divides F by Z.
//
// Method. The layout's bounding square is cut into B = clamp(ceil(extent · intervalsPerUnit), minIntervals,
// maxIntervals) intervals per axis with p nodes each: a uniform grid of G = pB nodes per axis, spacing δ = extent/G.
// With K(d²) = (1 + d²/α)^(−α−1) = w^{(α+1)/α}, the four potentials φ_c(i) = Σ_j K(d_ij²)·c_j of the charges
// c_j ∈ {1, y_j1, y_j2, ‖y_j‖²} (coordinates taken from the square's centre) give
//   F_i = y_i φ_1(i) − (φ_y1(i), φ_y2(i)),   Σ_j w_ij = φ_1 + (‖y_i‖² φ_1 − 2 y_i·φ_y + φ_‖y‖²)/α,
// the latter since K·(1 + d²/α) = w (the j = i term, 1, is subtracted). The charges are spread to the grid
// (interpolate.ts), convolved with K by FFT on an N × N circulant embedding (N ≥ 2G − 1, a multiple of 4 with
// factors 2, 3, 5: fft.ts), and read back. The four charges are one v128, two complex signals whose real kernel
// keeps real and imaginary parts apart, so one 2-D transform carries all four. K is real and even: its transform
// is real, computed each call (δ changes every iteration) from the G × G kernel values, four real rows per
// complex transform.
//
// Phases, separated by barriers; work units are taken by work stealing on counters in the workspace, and every
// unit's result (and the order of every sum) is the same whichever thread runs it, so any thread count gives
// the same bits:
//   0 bounding box (static split)            1 twiddles; each point's box
//   2 thread 0 sorts points by box (with their coordinates, so later phases read them in order); kernel rows' transforms
//   3 kernel columns' transforms; per box row: spread charges, row transforms of its p node rows
//   4 per 4 grid columns: transform, multiply by the kernel's transform, transform back (rows < G only)
//   5 per box row: inverse row transforms of its p rows, potentials → forces and Σ_j w_ij of its points
//   6 thread 0 adds the box rows' sums into Z.

import { arg, argInt, argPtr, barrier, splitBegin, threadCount } from "../parallel/control";
import {
  ARG_TSNE_FFT_DOF, ARG_TSNE_FFT_FORCE, ARG_TSNE_FFT_INTERVALS_PER_UNIT, ARG_TSNE_FFT_MAX_INTERVALS, ARG_TSNE_FFT_MIN_INTERVALS,
  ARG_TSNE_FFT_N, ARG_TSNE_FFT_NODES, ARG_TSNE_FFT_WORKSPACE, ARG_TSNE_FFT_Y,
} from "./repulsion_args";
import { FFT_PLAN_BYTES, fft, fftPlan, fftTwiddles, fftUpperHalfZero, smoothSize, twiddleBytes } from "./fft";
import { gatherPotentials, gatherPotentials3, lagrangeWeights, spreadCharges, spreadCharges3 } from "./interpolate";
import { sortByBox } from "./box_sort";

export const WS_Z: usize = 0; // f64
export const WS_INTERVALS: usize = 8; // i32
export const WS_FFT_SIZE: usize = 12; // i32
const WS_COUNTERS: usize = 64; // i32[8], one per phase's work units
const WS_BOUNDS: usize = 128; // f32[4] per thread (min1, min2, max1, max2), up to 64 threads
const WS_HEADER: usize = 128 + 64 * 16;
const MAX_THREADS: i32 = 64;

const POINTS_PER_UNIT: i32 = 4096;
const TWIDDLES_PER_UNIT: i32 = 512;

// geometry, computed identically by every thread into its own scratch
export const G_LO1: usize = 0; // f32
export const G_LO2: usize = 4;
export const G_H: usize = 8; // box width
export const G_C1: usize = 12; // centre of the square
export const G_C2: usize = 16;
export const G_B: usize = 20; // i32 intervals per axis
const G_GRID: usize = 24; // i32 nodes per axis G
export const G_N: usize = 28; // i32 FFT length
const G_HS: usize = 32; // i32 row stride (floats) of the kernel's half-spectrum rows
const G_BYTES: usize = 64;

// @ts-ignore: decorator
@inline function align64(b: usize): usize {
  return (b + 63) & ~<usize>63;
}

/** The largest FFT length of a workspace made for maxIntervals intervals of `nodes` nodes. */
function maxFftSize(maxIntervals: i32, nodes: i32): i32 {
  return smoothSize(2 * nodes * maxIntervals - 1);
}

// @ts-ignore: decorator
@inline function halfStride(n: i32): i32 {
  return ((n >> 1) + 1 + 3) & ~3;
}

/** Bytes of one thread's scratch: plan, geometry, weights, then six FFT buffers of N v128. */
function threadScratchBytes(nMax: i32): usize {
  return align64(FFT_PLAN_BYTES) + G_BYTES + 64 + 6 * (<usize>nMax << 4);
}

// @ts-ignore: decorator
@inline function region(at: usize, bytes: usize): usize {
  return at + align64(bytes);
}

// Offsets of the workspace's regions (each 64-aligned), by index: 0 boxOf (i32[n]), 1 order (i32[n]), 2 sorted
// (f32[n × 2], the points in box order), 3 starts (i32[B² + 1]), 4 zRows (f64[B]), 5 twiddles, 6 kernel rows
// (f32[G × halfStride(N)]), 7 kernel transform (f32[(N/2 + 1) × N], by column), 8 grid (v128[G × N]),
// 9 per-thread scratch, 10 total.
function layoutOffset(n: i32, maxIntervals: i32, nodes: i32, threads: i32, which: i32): usize {
  const nMax = maxFftSize(maxIntervals, nodes), gMax = nodes * maxIntervals;
  const boxOf = WS_HEADER;
  const order = region(boxOf, <usize>n << 2);
  const sorted = region(order, <usize>n << 2);
  const starts = region(sorted, <usize>n << 3);
  const zRows = region(starts, (<usize>maxIntervals * maxIntervals + 1) << 2);
  const twiddles = region(zRows, <usize>maxIntervals << 3);
  const rows = region(twiddles, twiddleBytes(nMax));
  const kernel = region(rows, (<usize>gMax * halfStride(nMax)) << 2);
  const grid = region(kernel, (<usize>((nMax >> 1) + 1) * nMax) << 2);
  const scratch = region(grid, (<usize>gMax * nMax) << 4);
  const total = scratch + <usize>threads * align64(threadScratchBytes(nMax));
  if (which == 0) return boxOf;
  if (which == 1) return order;
  if (which == 2) return sorted;
  if (which == 3) return starts;
  if (which == 4) return zRows;
  if (which == 5) return twiddles;
  if (which == 6) return rows;
  if (which == 7) return kernel;
  if (which == 8) return grid;
  if (which == 9) return scratch;
  return total;
}

/** Bytes of the interpolated repulsion's workspace for n points, grids up to maxIntervals, p nodes, `threads` threads. */
export function fftWorkspaceBytes(n: i32, maxIntervals: i32, nodes: i32, threads: i32): usize {
  return layoutOffset(n, maxIntervals, nodes, max(1, threads), 10);
}

/** Takes the next unit of phase counter k, or -1 when all `total` are taken. */
function takeUnit(ws: usize, k: i32, total: i32): i32 {
  const at = ws + WS_COUNTERS + (<usize>k << 2);
  let u: i32;
  if (ASC_FEATURE_THREADS) {
    u = atomic.add<i32>(at, 1);
  } else {
    u = load<i32>(at);
    store<i32>(at, u + 1);
  }
  return u < total ? u : -1;
}

// @ts-ignore: decorator
@inline function kernelValue(d2: f64, alpha: f64): f32 {
  if (alpha == 1) {
    const q = 1 / (1 + d2);
    return <f32>(q * q);
  }
  return <f32>Math.pow(1 + d2 / alpha, -alpha - 1);
}

/**
 * Every thread's view of the grid for this call, from the threads' bounds: written to `geo` (G_BYTES). `pad` > 0
 * widens the bounds by that fraction of the extent on every side (a grid read at points beyond the layout's).
 */
function computeGeometry(ws: usize, threads: i32, perUnit: f64, minB: i32, maxB: i32, p: i32, geo: usize, pad: f64): void {
  let lo1 = Infinity, lo2 = Infinity, hi1 = -Infinity, hi2 = -Infinity;
  for (let t = 0; t < threads; t++) {
    const b = ws + WS_BOUNDS + (<usize>t << 4);
    lo1 = min(lo1, <f64>load<f32>(b)); lo2 = min(lo2, <f64>load<f32>(b, 4));
    hi1 = max(hi1, <f64>load<f32>(b, 8)); hi2 = max(hi2, <f64>load<f32>(b, 12));
  }
  if (pad > 0) {
    const margin = max(hi1 - lo1, hi2 - lo2) * pad;
    lo1 -= margin; lo2 -= margin; hi1 += margin; hi2 += margin;
  }
  // a square a little larger than the layout, so that the largest coordinate falls inside its last box
  let extent = max(max(hi1 - lo1, hi2 - lo2), 1e-3);
  let b = <i32>Math.ceil(extent * perUnit);
  b = min(max(b, minB), maxB);
  extent *= 1 + 1e-5;
  const h = extent / <f64>b;
  const grid = p * b;
  const n = smoothSize(2 * grid - 1);
  store<f32>(geo + G_LO1, <f32>lo1);
  store<f32>(geo + G_LO2, <f32>lo2);
  store<f32>(geo + G_H, <f32>h);
  store<f32>(geo + G_C1, <f32>(lo1 + 0.5 * extent));
  store<f32>(geo + G_C2, <f32>(lo2 + 0.5 * extent));
  store<i32>(geo + G_B, b);
  store<i32>(geo + G_GRID, grid);
  store<i32>(geo + G_N, n);
  store<i32>(geo + G_HS, halfStride(n));
}

// @ts-ignore: decorator
@inline function boxIndex(v: f32, lo: f32, invH: f32, b: i32): i32 {
  return min(<i32>((v - lo) * invH), b - 1);
}

/**
 * Transform of kernel rows 4g .. 4g + 3 along the second axis: the real, even row x (values K((x² + y²)δ²) at
 * circular offset y, zero where x or |y| ≥ G) four at a time as the lanes of one complex-pair sequence; each
 * lane's transform is real, kept for u ≤ N/2 in rows (f32[G × hs]).
 */
function kernelRowUnit(g: i32, grid: i32, n: i32, hs: i32, delta2: f64, alpha: f64, rows: usize, buf: usize,
                       tmpA: usize, tmpB: usize, plan: usize, tw: usize): void {
  const x0 = 4 * g;
  // lanes of rows ≥ G stay zero; offsets y in [0, G) and their mirrors N − y, the rest zero. The values are
  // rounded from f64 once: Z's identity cancels large terms, and f32 arithmetic here moved Z by 1e-5.
  for (let y = 0; y < grid; y++) {
    const yy = <f64>y * <f64>y;
    const v = f32x4(
      kernelValue((<f64>x0 * <f64>x0 + yy) * delta2, alpha),
      x0 + 1 < grid ? kernelValue((<f64>(x0 + 1) * <f64>(x0 + 1) + yy) * delta2, alpha) : 0,
      x0 + 2 < grid ? kernelValue((<f64>(x0 + 2) * <f64>(x0 + 2) + yy) * delta2, alpha) : 0,
      x0 + 3 < grid ? kernelValue((<f64>(x0 + 3) * <f64>(x0 + 3) + yy) * delta2, alpha) : 0,
    );
    v128.store(buf + (<usize>y << 4), v);
    if (y > 0) v128.store(buf + (<usize>(n - y) << 4), v);
  }
  memory.fill(buf + (<usize>grid << 4), 0, <usize>(n - 2 * grid + 1) << 4);
  fft(buf, buf, tmpA, tmpB, n, plan, tw);
  const half = n >> 1;
  for (let l = 0; l < 4; l++) {
    const x = x0 + l;
    if (x >= grid) break;
    const out = rows + ((<usize>x * <usize>hs) << 2);
    for (let u = 0; u <= half; u++) store<f32>(out + (<usize>u << 2), load<f32>(buf + (<usize>u << 4) + (<usize>l << 2)));
    // the padding is read as a neighbouring lane by kernelColumnUnit: keep it zero (even), never stale
    for (let u = half + 1; u < hs; u++) store<f32>(out + (<usize>u << 2), 0);
  }
}

/**
 * Transform of the kernel's columns 4g .. 4g + 3 (u ≤ N/2) along the first axis, from the row transforms (real,
 * even in x): the 2-D transform, real, scaled by 1/N² (the inverse's factor), stored by column u (f32[N] each).
 */
function kernelColumnUnit(g: i32, grid: i32, n: i32, hs: i32, rows: usize, kernel: usize, buf: usize,
                          tmpA: usize, tmpB: usize, plan: usize, tw: usize): void {
  const u0 = 4 * g;
  for (let x = 0; x < n; x++) {
    const xx = x <= (n >> 1) ? x : n - x;
    const v = xx < grid ? v128.load(rows + ((<usize>xx * <usize>hs + <usize>u0) << 2)) : f32x4.splat(0);
    v128.store(buf + (<usize>x << 4), v);
  }
  fft(buf, buf, tmpA, tmpB, n, plan, tw);
  const scale = <f32>(1 / (<f64>n * <f64>n));
  const half = n >> 1;
  for (let l = 0; l < 4; l++) {
    const u = u0 + l;
    if (u > half) break;
    const out = kernel + ((<usize>u * <usize>n) << 2);
    for (let v = 0; v < n; v++) store<f32>(out + (<usize>v << 2), load<f32>(buf + (<usize>v << 4) + (<usize>l << 2)) * scale);
  }
}

/**
 * Box row by: clears its p node rows of the grid (v128[G × N]), spreads the charges of its points (sorted by box)
 * and transforms the p rows along the second axis.
 */
function spreadUnit(by: i32, sorted: usize, p: i32, geo: usize, starts: usize, grid: usize,
                    w: usize, tmpA: usize, tmpB: usize, plan: usize, tw: usize): void {
  const b = load<i32>(geo + G_B), n = load<i32>(geo + G_N);
  const lo1 = load<f32>(geo + G_LO1), lo2 = load<f32>(geo + G_LO2), invH = <f32>1 / load<f32>(geo + G_H);
  const c1 = load<f32>(geo + G_C1), c2 = load<f32>(geo + G_C2);
  const rowBytes = <usize>n << 4;
  const first = grid + <usize>(by * p) * rowBytes;
  // only columns < G hold charges; the transform never reads the upper half (≥ N/2 ≥ G)
  for (let r = 0; r < p; r++) memory.fill(first + <usize>r * rowBytes, 0, <usize>(n >> 1) << 4);
  const begin = load<i32>(starts + (<usize>(by * b) << 2)), end = load<i32>(starts + (<usize>((by + 1) * b) << 2));
  const wx = w, wy = w + 32;
  for (let s = begin; s < end; s++) {
    const v1 = load<f32>(sorted + (<usize>s << 3)), v2 = load<f32>(sorted + (<usize>s << 3), 4);
    const bx = boxIndex(v1, lo1, invH, b);
    const t1 = (v1 - lo1) * invH - <f32>bx, t2 = (v2 - lo2) * invH - <f32>by;
    const a1 = v1 - c1, a2 = v2 - c2;
    const q = f32x4(1, a1, a2, a1 * a1 + a2 * a2);
    if (p == 3) {
      spreadCharges3(first + (<usize>(bx * 3) << 4), rowBytes, t1, t2, q);
    } else {
      lagrangeWeights(t1, p, wx);
      lagrangeWeights(t2, p, wy);
      spreadCharges(first + (<usize>(bx * p) << 4), rowBytes, p, wx, wy, q);
    }
  }
  for (let r = 0; r < p; r++) {
    const row = first + <usize>r * rowBytes;
    fftUpperHalfZero(row, row, tmpA, tmpB, n, plan, tw);
  }
}

/**
 * Grid columns 4g .. 4g + 3: each transformed along the first axis (rows ≥ G are zero), multiplied by the kernel's
 * transform, transformed again (the inverse, index-reversed: only rows < G are kept) and written back in place.
 */
function columnUnit(g: i32, gridRows: i32, n: i32, grid: usize, kernel: usize, bufs: usize,
                    tmpA: usize, tmpB: usize, plan: usize, tw: usize): void {
  const u0 = 4 * g;
  const rowBytes = <usize>n << 4, bufBytes = <usize>n << 4;
  const b0 = bufs, b1 = bufs + bufBytes, b2 = bufs + 2 * bufBytes, b3 = bufs + 3 * bufBytes;
  let cell = grid + (<usize>u0 << 4);
  for (let x = 0; x < gridRows; x++, cell += rowBytes) {
    const o = <usize>x << 4;
    v128.store(b0 + o, v128.load(cell));
    v128.store(b1 + o, v128.load(cell, 16));
    v128.store(b2 + o, v128.load(cell, 32));
    v128.store(b3 + o, v128.load(cell, 48));
  }
  // rows G .. N/2 − 1 are zero; the transform never reads the upper half
  const zeroFrom = <usize>gridRows << 4, zeroBytes = (<usize>(n >> 1) << 4) - zeroFrom;
  for (let l = 0; l < 4; l++) {
    const buf = bufs + <usize>l * bufBytes;
    memory.fill(buf + zeroFrom, 0, zeroBytes);
    fftUpperHalfZero(buf, buf, tmpA, tmpB, n, plan, tw);
    const u = u0 + l;
    const k = kernel + ((<usize>(u <= (n >> 1) ? u : n - u) * <usize>n) << 2);
    for (let v = 0; v < n; v++) {
      const at = buf + (<usize>v << 4);
      v128.store(at, f32x4.mul(v128.load(at), f32x4.splat(load<f32>(k + (<usize>v << 2)))));
    }
    fft(buf, buf, tmpA, tmpB, n, plan, tw);
  }
  cell = grid + (<usize>u0 << 4);
  for (let x = 0; x < gridRows; x++, cell += rowBytes) {
    const o = <usize>(x == 0 ? 0 : n - x) << 4;
    v128.store(cell, v128.load(b0 + o));
    v128.store(cell, v128.load(b1 + o), 16);
    v128.store(cell, v128.load(b2 + o), 32);
    v128.store(cell, v128.load(b3 + o), 48);
  }
}

/**
 * Box row by: transforms its p node rows back (forward transform, read index-reversed), interpolates each of its
 * points' potentials, writes its force and returns Σ over its points of Σ_{j≠i} w_ij (in sorted order).
 */
function gatherUnit(by: i32, sorted: usize, alpha: f64, p: i32, geo: usize, order: usize, starts: usize, grid: usize,
                    force: usize, w: usize, tmpA: usize, tmpB: usize, plan: usize, tw: usize): f64 {
  const b = load<i32>(geo + G_B), n = load<i32>(geo + G_N);
  const lo1 = load<f32>(geo + G_LO1), lo2 = load<f32>(geo + G_LO2), invH = <f32>1 / load<f32>(geo + G_H);
  const c1 = load<f32>(geo + G_C1), c2 = load<f32>(geo + G_C2);
  const rowBytes = <usize>n << 4;
  const row0 = by * p;
  for (let r = 0; r < p; r++) {
    const row = grid + <usize>(row0 + r) * rowBytes;
    fft(row, row, tmpA, tmpB, n, plan, tw);
  }
  const begin = load<i32>(starts + (<usize>(by * b) << 2)), end = load<i32>(starts + (<usize>((by + 1) * b) << 2));
  const wx = w, wy = w + 32;
  const invAlpha = 1 / alpha;
  let z: f64 = 0;
  for (let s = begin; s < end; s++) {
    const i = load<i32>(order + (<usize>s << 2));
    const v1 = load<f32>(sorted + (<usize>s << 3)), v2 = load<f32>(sorted + (<usize>s << 3), 4);
    const bx = boxIndex(v1, lo1, invH, b);
    const t1 = (v1 - lo1) * invH - <f32>bx, t2 = (v2 - lo2) * invH - <f32>by;
    let phi: v128;
    if (p == 3) {
      phi = gatherPotentials3(grid, rowBytes, row0, bx * 3, n, t1, t2);
    } else {
      lagrangeWeights(t1, p, wx);
      lagrangeWeights(t2, p, wy);
      phi = gatherPotentials(grid, rowBytes, row0, bx * p, n, p, wx, wy);
    }
    const a1 = v1 - c1, a2 = v2 - c2;
    const phi0 = f32x4.extract_lane(phi, 0), phi1 = f32x4.extract_lane(phi, 1);
    const phi2 = f32x4.extract_lane(phi, 2), phi3 = f32x4.extract_lane(phi, 3);
    store<f32>(force + (<usize>i << 3), a1 * phi0 - phi1);
    store<f32>(force + (<usize>i << 3), a2 * phi0 - phi2, 4);
    const d1 = <f64>a1, d2 = <f64>a2;
    const spread = (d1 * d1 + d2 * d2) * <f64>phi0 - 2 * (d1 * <f64>phi1 + d2 * <f64>phi2) + <f64>phi3;
    z += <f64>phi0 + spread * invAlpha - 1;
  }
  return z;
}

/** TASK_TSNE_REPULSION_FFT (see the header for its arguments). */
export function repulsionFftTask(ctrl: usize, thread: i32): void {
  repulsionFft(
    ctrl, thread, argPtr(ctrl, ARG_TSNE_FFT_Y), argInt(ctrl, ARG_TSNE_FFT_N), arg(ctrl, ARG_TSNE_FFT_DOF), argPtr(ctrl, ARG_TSNE_FFT_FORCE),
    argPtr(ctrl, ARG_TSNE_FFT_WORKSPACE), arg(ctrl, ARG_TSNE_FFT_INTERVALS_PER_UNIT),
    argInt(ctrl, ARG_TSNE_FFT_MIN_INTERVALS), argInt(ctrl, ARG_TSNE_FFT_MAX_INTERVALS), argInt(ctrl, ARG_TSNE_FFT_NODES),
  );
}

/**
 * The task's work with its arguments given, for another task that every thread runs (t-SNE's update rule,
 * iterate.ts): ctrl serves the barriers and the thread count only. Z is at ws + WS_Z once every thread has
 * passed the caller's next barrier. With `pad` > 0 the grid covers the bounds widened by pad × extent per side;
 * afterwards the workspace holds the potentials at every node (fftGrid, fftGeometry), for reading elsewhere.
 */
export function repulsionFft(
  ctrl: usize, thread: i32, y: usize, n: i32, alpha: f64, force: usize, ws: usize, perUnit: f64, minB: i32, maxB: i32, p: i32,
  pad: f64 = 0,
): void {
  const threads = min(threadCount(ctrl), MAX_THREADS);
  const boxOf = ws + layoutOffset(n, maxB, p, 1, 0), order = ws + layoutOffset(n, maxB, p, 1, 1);
  const sorted = ws + layoutOffset(n, maxB, p, 1, 2), starts = ws + layoutOffset(n, maxB, p, 1, 3);
  const zRows = ws + layoutOffset(n, maxB, p, 1, 4), tw = ws + layoutOffset(n, maxB, p, 1, 5);
  const rows = ws + layoutOffset(n, maxB, p, 1, 6), kernel = ws + layoutOffset(n, maxB, p, 1, 7);
  const grid = ws + layoutOffset(n, maxB, p, 1, 8);
  const nMax = maxFftSize(maxB, p);
  const scratch = ws + layoutOffset(n, maxB, p, 1, 9) + <usize>thread * align64(threadScratchBytes(nMax));
  const plan = scratch, geo = scratch + align64(FFT_PLAN_BYTES), w = geo + G_BYTES;
  const bufs = w + 64, bufBytes = <usize>nMax << 4;
  const tmpA = bufs + 4 * bufBytes, tmpB = bufs + 5 * bufBytes;

  // 0: bounds of this thread's static share of the points
  if (thread == 0) memory.fill(ws + WS_COUNTERS, 0, 32);
  if (thread < MAX_THREADS) {
    let lo1 = Infinity, lo2 = Infinity, hi1 = -Infinity, hi2 = -Infinity;
    const end = splitBegin(n, threads, thread + 1);
    for (let i = splitBegin(n, threads, thread); i < end; i++) {
      const v1 = <f64>load<f32>(y + (<usize>i << 3)), v2 = <f64>load<f32>(y + (<usize>i << 3), 4);
      lo1 = min(lo1, v1); hi1 = max(hi1, v1); lo2 = min(lo2, v2); hi2 = max(hi2, v2);
    }
    const bnd = ws + WS_BOUNDS + (<usize>thread << 4);
    store<f32>(bnd, <f32>lo1); store<f32>(bnd, <f32>lo2, 4); store<f32>(bnd, <f32>hi1, 8); store<f32>(bnd, <f32>hi2, 12);
  }
  barrier(ctrl);

  // 1: geometry (each thread), twiddles and boxes
  computeGeometry(ws, threads, perUnit, minB, maxB, p, geo, pad);
  const b = load<i32>(geo + G_B), gridN = load<i32>(geo + G_GRID), fftN = load<i32>(geo + G_N), hs = load<i32>(geo + G_HS);
  fftPlan(fftN, plan);
  {
    const twUnits = (fftN + TWIDDLES_PER_UNIT - 1) / TWIDDLES_PER_UNIT;
    const pointUnits = (n + POINTS_PER_UNIT - 1) / POINTS_PER_UNIT;
    const lo1 = load<f32>(geo + G_LO1), lo2 = load<f32>(geo + G_LO2), invH = <f32>1 / load<f32>(geo + G_H);
    let u: i32;
    while ((u = takeUnit(ws, 0, twUnits + pointUnits)) >= 0) {
      if (u < twUnits) {
        fftTwiddles(fftN, tw, u * TWIDDLES_PER_UNIT, min(fftN, (u + 1) * TWIDDLES_PER_UNIT));
        continue;
      }
      const first = (u - twUnits) * POINTS_PER_UNIT, last = min(n, first + POINTS_PER_UNIT);
      for (let i = first; i < last; i++) {
        const bx = boxIndex(load<f32>(y + (<usize>i << 3)), lo1, invH, b);
        const by = boxIndex(load<f32>(y + (<usize>i << 3), 4), lo2, invH, b);
        store<i32>(boxOf + (<usize>i << 2), by * b + bx);
      }
    }
  }
  barrier(ctrl);

  // 2: sort by box (thread 0) while the others start on the kernel's rows
  if (thread == 0) {
    sortByBox(y, n, b * b, boxOf, order, sorted, starts);
    store<f64>(ws + WS_Z, 0);
    store<i32>(ws + WS_INTERVALS, b);
    store<i32>(ws + WS_FFT_SIZE, fftN);
  }
  const h = <f64>load<f32>(geo + G_H), delta = h / <f64>p;
  {
    let u: i32;
    while ((u = takeUnit(ws, 1, (gridN + 3) >> 2)) >= 0) {
      kernelRowUnit(u, gridN, fftN, hs, delta * delta, alpha, rows, bufs, tmpA, tmpB, plan, tw);
    }
  }
  barrier(ctrl);

  // 3: the kernel's columns, then the charges' rows
  {
    let u: i32;
    const columnGroups = ((fftN >> 1) + 1 + 3) >> 2;
    while ((u = takeUnit(ws, 2, columnGroups)) >= 0) {
      kernelColumnUnit(u, gridN, fftN, hs, rows, kernel, bufs, tmpA, tmpB, plan, tw);
    }
    while ((u = takeUnit(ws, 3, b)) >= 0) spreadUnit(u, sorted, p, geo, starts, grid, w, tmpA, tmpB, plan, tw);
  }
  barrier(ctrl);

  // 4: columns: convolution along the first axis
  {
    let u: i32;
    while ((u = takeUnit(ws, 4, fftN >> 2)) >= 0) columnUnit(u, gridN, fftN, grid, kernel, bufs, tmpA, tmpB, plan, tw);
  }
  barrier(ctrl);

  // 5: rows back, potentials, forces
  {
    let u: i32;
    while ((u = takeUnit(ws, 5, b)) >= 0) {
      const z = gatherUnit(u, sorted, alpha, p, geo, order, starts, grid, force, w, tmpA, tmpB, plan, tw);
      store<f64>(zRows + (<usize>u << 3), z);
    }
  }
  barrier(ctrl);

  // 6: Z in box-row order
  if (thread == 0) {
    let z: f64 = 0;
    for (let r = 0; r < b; r++) z += load<f64>(zRows + (<usize>r << 3));
    store<f64>(ws + WS_Z, z);
  }
}

/** After a call: the geometry it used (thread 0's record; the G_* offsets). */
export function fftGeometry(ws: usize, n: i32, maxB: i32, p: i32): usize {
  return ws + layoutOffset(n, maxB, p, 1, 9) + align64(FFT_PLAN_BYTES);
}

/** After a call: the potentials (v128 per node, rows of N cells, column c at (N − c) mod N: interpolate.ts). */
export function fftGrid(ws: usize, n: i32, maxB: i32, p: i32): usize {
  return ws + layoutOffset(n, maxB, p, 1, 8);
}
