// Placing new points against a fixed layout (the non-parametric transform, openTSNE-style). Each new point
// starts at the coordinate-wise median of its training neighbours' positions, then moves with the fit's loss:
// per epoch, one step along the summed gradient of its k positive pairs (its training neighbours) and of m
// negatives drawn from the fit's noise distribution (rows ∝ their degree in the training graph, the heads of
// uniformly random directed edges), through an alias table (placeNoiseTable). The m negatives are shared by the k pairs, each standing for the k edges' own, so
// the expected step is that of the fit's per-edge estimator (k pairs with m negatives each) at 1/k of its
// distance evaluations: k + m per point and epoch instead of k·(1 + m), and one update instead of k.
// Training points never move, and each new point draws its negatives from a stream keyed by its own training
// neighbours (rowKey), so new points are independent of each other: any split of the rows into calls, chunks or
// threads, and any split of the epochs, gives each row the same bits. Repulsion coefficients are evaluated four
// negatives per v128. The loop is the epoch driver's (epochs.ts), with the placement rules below: one unit per new
// point, one step per epoch.

import { arg, argInt, argPtr, argSeed, nextChunk, threadCount } from "../parallel/control";
import { draw, mix64, streamKey, uniformIndex } from "../rng";
import { horizontalSum } from "../util/simd";
import { withLoss } from "./losses";
import { runEpochs } from "./epochs";

// Argument slots of TASK_PLACE.
export const ARG_P_TRAIN = 0; // f32[n × dim] the fixed training layout
export const ARG_P_N = 1;
export const ARG_P_DIM = 2;
export const ARG_P_NOISE = 3; // the noise distribution's alias table (placeNoiseTable)
export const ARG_P_Y = 4; // f32[rows × dim] the new points, updated in place
export const ARG_P_ROWS = 5;
export const ARG_P_NEIGHBOURS = 6; // i32[rows × k] training neighbours of each new point
export const ARG_P_K = 7;
export const ARG_P_LOSS = 8; // NCE places with its learned Z fixed (the binding passes ξ' from it; learnsZ is not read here)
export const ARG_P_XI = 9;
export const ARG_P_NEGATIVES = 10;
export const ARG_P_EPOCH_BEGIN = 11;
export const ARG_P_EPOCH_END = 12;
export const ARG_P_EPOCHS = 13; // epochs of the whole placement (the learning rate decays linearly over them)
export const ARG_P_LEARNING_RATE = 14;
export const ARG_P_SEED = 15;
export const ARG_P_CLAMP = 16;
export const ARG_P_C = 17;
export const ARG_P_SCRATCH = 18; // threads × placeScratchBytes(dim, negatives) bytes
export const ARG_P_CHUNK_ROWS = 19;

/** The gradient of each coordinate is clipped to ±4 per pair, as the optimiser clips a batch's (SPEC §2): ±4k per step. */
const CLIP: f32 = 4;
/** Separates the placement's random stream from the fit's phases. */
const PLACE_STREAM: u64 = 0x706c616365;

// @ts-ignore: decorator
@inline function squaredDistance(a: usize, b: usize, dim: i32): f32 {
  let s: f32 = 0;
  for (let d = 0; d < dim; d++) {
    const t = load<f32>(a + (<usize>d << 2)) - load<f32>(b + (<usize>d << 2));
    s += t * t;
  }
  return s;
}

// @ts-ignore: decorator
@inline function addScaled(g: usize, coef: f32, yi: usize, yj: usize, dim: i32): void {
  for (let d = 0; d < dim; d++) {
    const p = g + (<usize>d << 2);
    store<f32>(p, load<f32>(p) + coef * (load<f32>(yi + (<usize>d << 2)) - load<f32>(yj + (<usize>d << 2))));
  }
}

/**
 * The noise distribution (rows ∝ their degree in the training graph, as heads of uniformly random directed
 * edges) as an alias table (Walker; Vose's construction): per row a u32 threshold and an i32 alias, 8 bytes, so
 * a draw reads one record of n instead of one edge of the 2E-entry edge list, which does not fit in cache and
 * cost three quarters of the placement's time. rowPtr: i32[n + 1] CSR row starts of the graph. table: u64[n].
 * scratch: 16·n bytes. Sequential, O(n), the same table on every run.
 */
export function placeNoiseTable(rowPtr: usize, n: i32, table: usize, scratch: usize): void {
  const p = scratch; // f64[n]: n·degree/E, then the residual mass
  const small = scratch + (<usize>n << 3), large = small + (<usize>n << 2); // i32 stacks
  const total = <f64>(load<i32>(rowPtr + (<usize>n << 2)) - load<i32>(rowPtr));
  let smallCount = 0, largeCount = 0;
  for (let i = 0; i < n; i++) {
    const degree = <f64>(load<i32>(rowPtr + (<usize>(i + 1) << 2)) - load<i32>(rowPtr + (<usize>i << 2)));
    const v = (degree * <f64>n) / total;
    store<f64>(p + (<usize>i << 3), v);
    if (v < 1) store<i32>(small + (<usize>(smallCount++) << 2), i);
    else store<i32>(large + (<usize>(largeCount++) << 2), i);
  }
  while (smallCount > 0 && largeCount > 0) {
    const s = load<i32>(small + (<usize>(--smallCount) << 2));
    const l = load<i32>(large + (<usize>(largeCount - 1) << 2));
    const ps = load<f64>(p + (<usize>s << 3));
    writeAlias(table, s, ps, l);
    const pl = load<f64>(p + (<usize>l << 3)) + ps - 1;
    store<f64>(p + (<usize>l << 3), pl);
    if (pl < 1) {
      largeCount--;
      store<i32>(small + (<usize>(smallCount++) << 2), l);
    }
  }
  // what is left has mass 1 up to rounding: always itself
  while (largeCount > 0) writeAlias(table, load<i32>(large + (<usize>(--largeCount) << 2)), 1, 0);
  while (smallCount > 0) writeAlias(table, load<i32>(small + (<usize>(--smallCount) << 2)), 1, 0);
}

function writeAlias(table: usize, row: i32, keep: f64, alias: i32): void {
  // a draw keeps `row` when its low 32 bits are ≤ the threshold
  const threshold = keep >= 1 ? <u32>0xffffffff : <u32>(keep * 4294967296.0);
  store<u32>(table + (<usize>row << 3), threshold);
  store<i32>(table + (<usize>row << 3) + 4, alias);
}

/** The training row of the negative at draw stream position `counter`: a row ∝ its degree (alias table). */
// @ts-ignore: decorator
@inline function negativeRow(key: u64, counter: u64, table: usize, n: i32): i32 {
  const bits = draw(key, counter);
  const rec = table + (<usize>uniformIndex(bits, <u32>n) << 3);
  return <u32>bits <= load<u32>(rec) ? <i32>((rec - table) >> 3) : load<i32>(rec + 4);
}

/**
 * The key of a row's random stream: a hash of what defines the row here, its training neighbours in order
 * (which also fix its initial position), under the placement's key. A row's negatives then depend on the row
 * alone, not on its index in the call or on the other rows, so any split of the rows into calls, blocks or
 * threads gives the same bits (rows with the same neighbours share a stream, as they share a start).
 */
// @ts-ignore: decorator
@inline function rowKey(key: u64, nRow: usize, k: i32): u64 {
  let h = key;
  for (let t = 0; t < k; t++) h = mix64(h ^ (<u64>load<u32>(nRow + (<usize>t << 2)) + 0x9e3779b97f4a7c15));
  return h;
}

/**
 * What the two placement rules share (the epoch driver's rule contract, epochs.ts): every thread takes chunks of
 * ARG_P_CHUNK_ROWS rows, and each new point (a unit) runs all of the call's epochs in turn, one step each, while its
 * neighbours' rows stay in cache; its random stream is keyed by its training neighbours (rowKey), and each epoch's
 * m negatives are draws [e·m, (e + 1)·m) of it. The rate decays linearly over the ARG_P_EPOCHS epochs of the whole
 * placement. NCE places with its learned Z fixed: the binding passes ξ' from it, and the driver learns no Z here.
 */
// The context of a placement call on one thread (epochs.ts: decoded once, read by every step), at the start of
// the thread's scratch block: the constants of the steps and where the rest of the block begins.
const C_CLAMP = 0; // v128: the log clamp in every lane
const C_WEIGHT = 16; // v128: 2k in every lane (each negative stands for the k edges' own)
const C_TRAIN = 32; // u32: the fixed training layout
const C_NOISE = 36; // u32: the noise distribution's alias table
const C_N = 40; // i32
const C_Y = 44; // u32: the new points
const C_NEIGHBOURS = 48; // u32
const C_K = 52; // i32
const C_M = 56; // i32
const C_C = 60; // f32: InfoNCE's c
const C_CLIP = 64; // f32: ±4k
const C_WORK = 68; // u32: the rest of the block (placeScratchBytes)
const C_RATE = 72; // f32: the learning rate of the first epoch
const C_EPOCHS = 76; // f32: epochs of the whole placement
const CONTEXT_BYTES: usize = 80;

@unmanaged class Placement {
  // @ts-ignore: decorator
  @inline threads(ctrl: usize): i32 { return threadCount(ctrl); }
  // @ts-ignore: decorator
  @inline epochBegin(ctrl: usize): i32 { return argInt(ctrl, ARG_P_EPOCH_BEGIN); }
  // @ts-ignore: decorator
  @inline epochEnd(ctrl: usize): i32 { return argInt(ctrl, ARG_P_EPOCH_END); }
  // @ts-ignore: decorator
  @inline xi(ctrl: usize): f32 { return <f32>arg(ctrl, ARG_P_XI); }
  // @ts-ignore: decorator
  @inline learnsZ<L>(loss: L): bool { return false; }
  // @ts-ignore: decorator
  @inline begin(ctrl: usize, thread: i32, threads: i32): void {}

  /** Decodes the call's arguments once into this thread's context (above). */
  // @ts-ignore: decorator
  @inline context(ctrl: usize, thread: i32): usize {
    const k = argInt(ctrl, ARG_P_K), m = argInt(ctrl, ARG_P_NEGATIVES);
    const context = argPtr(ctrl, ARG_P_SCRATCH) + <usize>thread * placeScratchBytes(argInt(ctrl, ARG_P_DIM), m);
    v128.store(context, f32x4.splat(<f32>arg(ctrl, ARG_P_CLAMP)), C_CLAMP);
    v128.store(context, f32x4.splat(2 * <f32>k), C_WEIGHT);
    store<u32>(context, argPtr(ctrl, ARG_P_TRAIN), C_TRAIN);
    store<u32>(context, argPtr(ctrl, ARG_P_NOISE), C_NOISE);
    store<i32>(context, argInt(ctrl, ARG_P_N), C_N);
    store<u32>(context, argPtr(ctrl, ARG_P_Y), C_Y);
    store<u32>(context, argPtr(ctrl, ARG_P_NEIGHBOURS), C_NEIGHBOURS);
    store<i32>(context, k, C_K);
    store<i32>(context, m, C_M);
    store<f32>(context, <f32>arg(ctrl, ARG_P_C), C_C);
    store<f32>(context, CLIP * <f32>k, C_CLIP);
    store<u32>(context, context + CONTEXT_BYTES, C_WORK);
    store<f32>(context, <f32>arg(ctrl, ARG_P_LEARNING_RATE), C_RATE);
    store<f32>(context, <f32>argInt(ctrl, ARG_P_EPOCHS), C_EPOCHS);
    return context;
  }

  /** The next row of this thread's chunk, or the first of the next chunk it takes. */
  // @ts-ignore: decorator
  @inline nextUnit(ctrl: usize, unit: i32): i32 {
    const rows = argInt(ctrl, ARG_P_ROWS), chunkRows = argInt(ctrl, ARG_P_CHUNK_ROWS);
    const next = unit + 1;
    if (unit >= 0 && next % chunkRows != 0 && next < rows) return next;
    for (let ch = nextChunk(ctrl); ch >= 0; ch = nextChunk(ctrl)) {
      if (ch * chunkRows < rows) return ch * chunkRows;
    }
    return -1;
  }

  // @ts-ignore: decorator
  @inline unitKey(ctrl: usize, unit: i32): u64 {
    const k = argInt(ctrl, ARG_P_K);
    const key = streamKey(argSeed(ctrl, ARG_P_SEED), PLACE_STREAM);
    return rowKey(key, argPtr(ctrl, ARG_P_NEIGHBOURS) + ((<usize>unit * <usize>k) << 2), k);
  }
  // @ts-ignore: decorator
  @inline rate(ctrl: usize, context: usize, epoch: i32): f64 {
    return <f64>(load<f32>(context, C_RATE) * (1 - <f32>epoch / load<f32>(context, C_EPOCHS)));
  }
  // @ts-ignore: decorator
  @inline epochKey(ctrl: usize, rowKey: u64, epoch: i32): u64 { return rowKey; }
  // @ts-ignore: decorator
  @inline epochOffset(ctrl: usize, key: u64): i32 { return 0; }
  // @ts-ignore: decorator
  @inline steps(ctrl: usize): i32 { return 1; }
  // @ts-ignore: decorator
  @inline firstStep(ctrl: usize): i32 { return 0; }
  // @ts-ignore: decorator
  @inline lastStepEnd(ctrl: usize, perEpoch: i32): i32 { return perEpoch; }
  // @ts-ignore: decorator
  @inline endStep(ctrl: usize, thread: i32, threads: i32): void {}
  // @ts-ignore: decorator
  @inline end(ctrl: usize, thread: i32, done: i32): void {}
}

/**
 * The placement of layouts of any dimension: one epoch of new point `unit` is one step along the summed gradient
 * of its k positive pairs and of the epoch's m negatives (see the top); repulsion coefficients four negatives
 * per v128.
 */
@unmanaged class AnyDimPlacement extends Placement {
  // @ts-ignore: decorator
  @inline step<L>(
    loss: L, ctrl: usize, context: usize, thread: i32, threads: i32, unit: i32, epoch: i32, stepIndex: i32,
    offset: i32, keyI: u64, xi: f32, rate: f64, done: i32,
  ): void {
    const train = <usize>load<u32>(context, C_TRAIN), dim = argInt(ctrl, ARG_P_DIM);
    const noise = <usize>load<u32>(context, C_NOISE), n = load<i32>(context, C_N);
    const k = load<i32>(context, C_K), m = load<i32>(context, C_M);
    const xiV = f32x4.splat(xi), clampV = v128.load(context, C_CLAMP);
    const c = load<f32>(context, C_C);
    // per thread: the gradient (dim floats), then the m negatives' rows (i32) and squared distances (f32)
    const g = <usize>load<u32>(context, C_WORK);
    const negRows = g + (<usize>dim << 2);
    const negDist = negRows + ((<usize>(m + 3) & ~3) << 2);
    const rowBytes = <usize>dim << 2;
    const clip = load<f32>(context, C_CLIP);
    // each negative stands for the k edges' negatives: the k·m repulsions of the per-edge estimator, in expectation
    const weight = v128.load(context, C_WEIGHT);
    const yi = <usize>load<u32>(context, C_Y) + <usize>unit * rowBytes;
    const nRow = <usize>load<u32>(context, C_NEIGHBOURS) + ((<usize>unit * <usize>k) << 2);
    const lr = <f32>rate;
    const base = <u64>epoch * <u64>m;
    let phiNeg: f32 = 0;
    for (let r = 0; r < m; r++) {
      const q = negativeRow(keyI, base + <u64>r, noise, n);
      const d = squaredDistance(yi, train + <usize>q * rowBytes, dim);
      store<i32>(negRows + (<usize>r << 2), q);
      store<f32>(negDist + (<usize>r << 2), d);
      if (loss.normalised()) phiNeg += f32x4.extract_lane(loss.kernel(f32x4.splat(d)), 0);
    }
    for (let d = 0; d < dim; d++) store<f32>(g + (<usize>d << 2), 0);
    // attraction of each neighbour; InfoNCE's repulsion is linear in its edge's norm = 1/(c·S), so the
    // shared negatives carry the sum of the k norms
    let normSum: f32 = 0;
    for (let t = 0; t < k; t++) {
      const j = load<i32>(nRow + (<usize>t << 2));
      if (j < 0) continue;
      const yj = train + <usize>j * rowBytes;
      const dPos = f32x4.splat(squaredDistance(yi, yj, dim));
      let norm = f32x4.splat(0);
      if (loss.normalised()) {
        const nv: f32 = <f32>1 / (c * (f32x4.extract_lane(loss.kernel(dPos), 0) + phiNeg));
        normSum += nv;
        norm = f32x4.splat(nv);
      }
      addScaled(g, 2 * f32x4.extract_lane(loss.attraction(dPos, xiV, clampV, norm), 0), yi, yj, dim);
    }
    const normV = f32x4.splat(normSum);
    const repWeight = loss.normalised() ? f32x4.splat(2) : weight;
    for (let r = 0; r < m; r += 4) {
      const dv = v128.load(negDist + (<usize>r << 2)); // lanes past m are read but not used
      const coef = f32x4.mul(repWeight, loss.repulsion(dv, xiV, clampV, normV));
      const lanes = min(4, m - r);
      for (let l = 0; l < lanes; l++) {
        const q = load<i32>(negRows + (<usize>(r + l) << 2));
        addScaled(g, laneOf(coef, l), yi, train + <usize>q * rowBytes, dim);
      }
    }
    for (let d = 0; d < dim; d++) {
      const gd = min(clip, max(-clip, load<f32>(g + (<usize>d << 2))));
      const p = yi + (<usize>d << 2);
      store<f32>(p, load<f32>(p) - lr * gd);
    }
  }
}

// @ts-ignore: decorator
@inline function laneOf(v: v128, l: i32): f32 {
  return l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1) : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
}

/**
 * Bytes of one thread's scratch for the placement, a multiple of 16: its context (above), the gradient (dim
 * floats), then three arrays of m rounded up to a multiple of 4 (read a v128 at a time): the negatives' rows and
 * distances, or (2-d) their coordinates.
 */
export function placeScratchBytes(dim: i32, m: i32): usize {
  return (CONTEXT_BYTES + (<usize>dim << 2) + 3 * ((<usize>(m + 3) & ~3) << 2) + 15) & ~15;
}

/**
 * The placement of 2-d layouts, four negatives per v128 throughout: their coordinates are gathered into lanes,
 * and distances, coefficients and the gradient are computed lane-wise. Lanes past m are masked out.
 */
@unmanaged class PlanarPlacement extends Placement {
  // @ts-ignore: decorator
  @inline step<L>(
    loss: L, ctrl: usize, context: usize, thread: i32, threads: i32, unit: i32, epoch: i32, stepIndex: i32,
    offset: i32, keyI: u64, xi: f32, rate: f64, done: i32,
  ): void {
    const train = <usize>load<u32>(context, C_TRAIN);
    const noise = <usize>load<u32>(context, C_NOISE), n = load<i32>(context, C_N);
    const k = load<i32>(context, C_K), m = load<i32>(context, C_M);
    const xiV = f32x4.splat(xi), clampV = v128.load(context, C_CLAMP);
    const c = load<f32>(context, C_C);
    const mPadded = (m + 3) & ~3;
    const negX = <usize>load<u32>(context, C_WORK) + 8;
    const negY = negX + (<usize>mPadded << 2);
    const clip = load<f32>(context, C_CLIP);
    const weight = v128.load(context, C_WEIGHT);
    const zero = f32x4.splat(0);
    const yi = <usize>load<u32>(context, C_Y) + (<usize>unit << 3);
    const nRow = <usize>load<u32>(context, C_NEIGHBOURS) + ((<usize>unit * <usize>k) << 2);
    const lr = <f32>rate;
    const base = <u64>epoch * <u64>m;
    const px = load<f32>(yi), py = load<f32>(yi + 4);
    const pxV = f32x4.splat(px), pyV = f32x4.splat(py);
    for (let r = 0; r < mPadded; r++) {
      // padding lanes sit on the point itself: distance 0, masked below
      let qx = px, qy = py;
      if (r < m) {
        const q = train + (<usize>negativeRow(keyI, base + <u64>r, noise, n) << 3);
        qx = load<f32>(q);
        qy = load<f32>(q + 4);
      }
      store<f32>(negX + (<usize>r << 2), qx);
      store<f32>(negY + (<usize>r << 2), qy);
    }
    let phiNeg: f32 = 0;
    if (loss.normalised()) {
      let acc = zero;
      for (let r = 0; r < mPadded; r += 4) {
        const dx = f32x4.sub(pxV, v128.load(negX + (<usize>r << 2)));
        const dy = f32x4.sub(pyV, v128.load(negY + (<usize>r << 2)));
        const d = f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy));
        acc = f32x4.add(acc, v128.bitselect(loss.kernel(d), zero, laneMask(m - r)));
      }
      phiNeg = horizontalSum(acc);
    }
    let gx: f32 = 0, gy: f32 = 0;
    let normSum: f32 = 0;
    for (let t = 0; t < k; t++) {
      const j = load<i32>(nRow + (<usize>t << 2));
      if (j < 0) continue;
      const q = train + (<usize>j << 3);
      const dx = px - load<f32>(q), dy = py - load<f32>(q + 4);
      const dPos = f32x4.splat(dx * dx + dy * dy);
      let norm = zero;
      if (loss.normalised()) {
        const nv: f32 = <f32>1 / (c * (f32x4.extract_lane(loss.kernel(dPos), 0) + phiNeg));
        normSum += nv;
        norm = f32x4.splat(nv);
      }
      const coef: f32 = <f32>2 * f32x4.extract_lane(loss.attraction(dPos, xiV, clampV, norm), 0);
      gx += coef * dx;
      gy += coef * dy;
    }
    const normV = f32x4.splat(normSum);
    const repWeight = loss.normalised() ? f32x4.splat(2) : weight;
    let gxV = zero, gyV = zero;
    for (let r = 0; r < mPadded; r += 4) {
      const dx = f32x4.sub(pxV, v128.load(negX + (<usize>r << 2)));
      const dy = f32x4.sub(pyV, v128.load(negY + (<usize>r << 2)));
      const d = f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy));
      const coef = v128.bitselect(f32x4.mul(repWeight, loss.repulsion(d, xiV, clampV, normV)), zero, laneMask(m - r));
      gxV = f32x4.add(gxV, f32x4.mul(coef, dx));
      gyV = f32x4.add(gyV, f32x4.mul(coef, dy));
    }
    gx += horizontalSum(gxV);
    gy += horizontalSum(gyV);
    store<f32>(yi, px - lr * min(clip, max(-clip, gx)));
    store<f32>(yi + 4, py - lr * min(clip, max(-clip, gy)));
  }
}

/** All ones in the lanes below `count` (of 4), zero above. */
// @ts-ignore: decorator
@inline function laneMask(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

/** TASK_PLACE: the held-fixed placement of new points with the loss of ARG_P_LOSS (losses.ts), run by the epoch
 * driver (epochs.ts) with the placement rule of the layout's dimension. */
export function placeTask(ctrl: usize, thread: i32): void {
  if (argInt(ctrl, ARG_P_DIM) == 2) withLoss<PlanarPlacementPhase>(changetype<PlanarPlacementPhase>(0), argInt(ctrl, ARG_P_LOSS), ctrl, thread);
  else withLoss<AnyDimPlacementPhase>(changetype<AnyDimPlacementPhase>(0), argInt(ctrl, ARG_P_LOSS), ctrl, thread);
}

@unmanaged class PlanarPlacementPhase {
  run<L>(loss: L, ctrl: usize, thread: i32): f64 {
    runEpochs<PlanarPlacement, L>(changetype<PlanarPlacement>(0), loss, ctrl, thread);
    return 0;
  }
}

@unmanaged class AnyDimPlacementPhase {
  run<L>(loss: L, ctrl: usize, thread: i32): f64 {
    runEpochs<AnyDimPlacement, L>(changetype<AnyDimPlacement>(0), loss, ctrl, thread);
    return 0;
  }
}

/**
 * Initial positions of new points: each coordinate the median of its neighbours' (the mean of the two middle
 * values for even k), or their mean when `useMean`. Sequential: O(rows · k · dim).
 */
export function placeInitial(train: usize, dim: i32, nbrs: usize, k: i32, rows: i32, y: usize, scratch: usize, useMean: bool): void {
  for (let i = 0; i < rows; i++) {
    for (let d = 0; d < dim; d++) {
      let count = 0;
      for (let t = 0; t < k; t++) {
        const j = load<i32>(nbrs + ((<usize>i * <usize>k + <usize>t) << 2));
        if (j < 0) continue;
        // insertion into the sorted scratch
        const v = load<f32>(train + ((<usize>j * <usize>dim + <usize>d) << 2));
        let p = count++;
        while (p > 0 && load<f32>(scratch + (<usize>(p - 1) << 2)) > v) {
          store<f32>(scratch + (<usize>p << 2), load<f32>(scratch + (<usize>(p - 1) << 2)));
          p--;
        }
        store<f32>(scratch + (<usize>p << 2), v);
      }
      let out: f32 = 0;
      if (useMean) {
        for (let t = 0; t < count; t++) out += load<f32>(scratch + (<usize>t << 2));
        out /= <f32>max(1, count);
      } else if (count > 0) {
        const h = count >> 1;
        out = count & 1 ? load<f32>(scratch + (<usize>h << 2)) : (load<f32>(scratch + (<usize>(h - 1) << 2)) + load<f32>(scratch + (<usize>h << 2))) / 2;
      }
      store<f32>(y + ((<usize>i * <usize>dim + <usize>d) << 2), out);
    }
  }
}
