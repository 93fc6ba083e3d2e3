// A plain scalar reference of one batch's pair gradient, exported by the test build only (assembly/testing.ts):
// pair by pair, with the loss's methods on one lane, no tiles in registers. With shared draws it must equal the kernels to float tolerance; with
// per-head draws it is SPEC §3's sampler, against which the tests compare the kernels' expected gradient.

import { argInt, argPtr, arg } from "../parallel/control";
import { draw, lcgNext, streamKey, uniformIndex } from "../rng";
import { ARG_BATCH, ARG_C, ARG_CLAMP, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_LOSS, ARG_N, ARG_NEGATIVES, ARG_SCRATCH, ARG_SLOTS, ARG_Y } from "./args";
import { withLoss } from "./losses";
import { batchEndpoint, edgeSlot, squaredGap } from "./pairs";
import { PointRows, SlotRows } from "./planar";
import { accumulateLayoutShare, accumulateShare } from "./sgd";
import { gatherOwned, listBytes, listSlots, mergeOwned, slotBytes, sortOwned } from "./staging";
import { TILE } from "./tile";

export const SAMPLER_KERNEL = 0; // the layout optimiser's kernels (tiles of shared negatives on staged slots)
export const SAMPLER_SHARED = 1; // this reference, the kernels' draws
export const SAMPLER_PER_HEAD = 2; // this reference, an independent stream per head (SPEC §3 as written)
export const SAMPLER_POINT_ROWS = 3; // the kernels on the layout's rows, unstaged, every endpoint tested for the wrap
export const SAMPLER_LAYOUT_ROWS = 4; // the unstaged optimiser's and the parametric trainer's choice (sgd.ts accumulateLayoutShare)

function addPair(y: usize, grad: usize, a: i32, b: i32, dim: i32, coef: f32): void {
  for (let t = 0; t < dim; t++) {
    const pa = (<usize>(a * dim + t)) << 2, pb = (<usize>(b * dim + t)) << 2;
    const g: f32 = coef * 2 * (load<f32>(y + pa) - load<f32>(y + pb));
    store<f32>(grad + pa, load<f32>(grad + pa) + g);
    store<f32>(grad + pb, load<f32>(grad + pb) - g);
  }
}

/** The negative r (0-based) of the head at position p: slot q of its stream, or q + 1 at or above its own slot. */
function negativeOf(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, batchLength: i32, p: i32, r: i32, key: u64, perHead: bool): i32 {
  const p0 = perHead ? p : batchStart + (p - batchStart) / TILE * TILE;
  let stream = draw(key, <u64>p0);
  for (let s = 0; s <= r; s++) stream = lcgNext(stream);
  const q = <i32>uniformIndex(stream, <u32>(2 * batchLength - 1));
  const own = (p - batchStart) << 1;
  return batchEndpoint(edges, edgeCount, offset, batchStart, q >= own ? q + 1 : q);
}

/**
 * The optimiser's kernels on one thread (one tile share covering the whole batch). staged: as the layout optimiser
 * runs large layouts, staging the batch's slots (ARG_SLOTS, laid out for batches of ARG_BATCH ≥ batchLength edges
 * and one thread), accumulating on slots and merging into grad (one thread owns every point: scale 0); otherwise
 * on the layout's rows, as unstaged layouts and the parametric trainer run.
 */
function kernelGradient<L>(
  loss: L, ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, offset: i32, key: u64, xi: f32, staged: bool,
): f64 {
  const end = batchStart + batchLength, y = argPtr(ctrl, ARG_Y), scratch = argPtr(ctrl, ARG_SCRATCH);
  if (!staged) {
    return accumulateShare<L, PointRows>(loss, changetype<PointRows>(0), ctrl, y, grad, batchStart, batchLength, batchStart, end, offset, key, xi, scratch);
  }
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const dim = argInt(ctrl, ARG_DIM), capacity = argInt(ctrl, ARG_BATCH);
  const slotY = argPtr(ctrl, ARG_SLOTS), stride = slotBytes(capacity, dim), slotGrad = slotY + stride, list = slotGrad + stride;
  const listStride = listBytes(capacity, 1), sort = list + listStride;
  listSlots(list, 1, 0, edges, edgeCount, offset, batchStart, batchStart, end);
  const owned = sortOwned(sort, capacity, argInt(ctrl, ARG_N), list, listStride, 1, 0, edges, edgeCount, offset, batchStart);
  gatherOwned(y, slotY, dim, sort, owned);
  const logZGrad = accumulateShare<L, SlotRows>(loss, changetype<SlotRows>(0), ctrl, slotY, slotGrad, batchStart, batchLength, batchStart, end, offset, key, xi, scratch);
  mergeOwned(grad, slotGrad, dim, sort, owned);
  return logZGrad;
}

// the arguments of one batchGradient call past ctrl, read by BatchGradient (the test build runs on one thread)
const CALL = memory.data(40, 8);
const CALL_GRAD = 0, CALL_START = 8, CALL_LENGTH = 12, CALL_OFFSET = 16, CALL_SAMPLER = 20, CALL_XI = 24, CALL_KEY = 32;
// @ts-ignore: decorator
@inline function lane0(v: v128): f32 { return f32x4.extract_lane(v, 0); }

@unmanaged class BatchGradient {
  run<L>(loss: L, ctrl: usize, thread: i32): f64 {
    const grad = load<usize>(CALL + CALL_GRAD), batchStart = load<i32>(CALL + CALL_START);
    const batchLength = load<i32>(CALL + CALL_LENGTH), offset = load<i32>(CALL + CALL_OFFSET);
    const sampler = load<i32>(CALL + CALL_SAMPLER), xi = load<f32>(CALL + CALL_XI), key = load<u64>(CALL + CALL_KEY);
    if (sampler == SAMPLER_LAYOUT_ROWS) {
      const y = argPtr(ctrl, ARG_Y), scratch = argPtr(ctrl, ARG_SCRATCH);
      return accumulateLayoutShare<L>(loss, ctrl, y, grad, batchStart, batchLength, batchStart, batchStart + batchLength, offset, key, xi, scratch);
    }
    if (sampler == SAMPLER_KERNEL || sampler == SAMPLER_POINT_ROWS) {
      return kernelGradient<L>(loss, ctrl, grad, batchStart, batchLength, offset, key, xi, sampler == SAMPLER_KERNEL);
    }
    return scalarGradient<L>(loss, ctrl, grad, batchStart, batchLength, offset, key, xi, sampler == SAMPLER_PER_HEAD);
  }
}

/** The scalar reference: per head, its positive and m negatives one pair at a time; a normalised loss first sums
 * its head's S = φ₊ + Σφ_k and passes norm = 1/(cS). Returns the summed ∂ℓ/∂log Z of a loss that learns Z. */
function scalarGradient<L>(
  loss: L, ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, offset: i32, key: u64, xi: f32, perHead: bool,
): f64 {
  const y = argPtr(ctrl, ARG_Y), dim = argInt(ctrl, ARG_DIM), end = batchStart + batchLength;
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const m = argInt(ctrl, ARG_NEGATIVES), clamp = f32x4.splat(<f32>arg(ctrl, ARG_CLAMP)), c = <f32>arg(ctrl, ARG_C);
  const xiV = f32x4.splat(xi);
  let logZGrad: f64 = 0;
  for (let p = batchStart; p < end; p++) {
    const slot = edgeSlot(edges, edgeCount, offset, p);
    const i = load<i32>(slot), j = load<i32>(slot, 4);
    const dPos = f32x4.splat(squaredGap(y, i, j, dim));
    let norm = f32x4.splat(0);
    if (loss.normalised()) {
      let total: f32 = lane0(loss.kernel(dPos));
      for (let r = 0; r < m; r++) {
        const k = negativeOf(edges, edgeCount, offset, batchStart, batchLength, p, r, key, perHead);
        total += lane0(loss.kernel(f32x4.splat(squaredGap(y, i, k, dim))));
      }
      norm = f32x4.splat(<f32>1 / (c * total));
    }
    addPair(y, grad, i, j, dim, lane0(loss.attraction(dPos, xiV, clamp, norm)));
    if (loss.learnsZ()) logZGrad += lane0(loss.zAttraction(dPos, xiV, clamp));
    for (let r = 0; r < m; r++) {
      const k = negativeOf(edges, edgeCount, offset, batchStart, batchLength, p, r, key, perHead);
      const dNeg = f32x4.splat(squaredGap(y, i, k, dim));
      addPair(y, grad, i, k, dim, lane0(loss.repulsion(dNeg, xiV, clamp, norm)));
      if (loss.learnsZ()) logZGrad += lane0(loss.zRepulsion(dNeg, xiV, clamp));
    }
  }
  return logZGrad;
}

/**
 * Adds the pair gradient of the whole batch [batchStart, batchStart + batchLength) into grad (f32[n · dim]) with
 * the sampler given, reading the optimiser's argument slots from ctrl. Returns NCE's ∂ℓ/∂log Z.
 */
export function batchGradient(ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, offset: i32, seed: i32, xi: f32, sampler: i32): f64 {
  store<usize>(CALL + CALL_GRAD, grad);
  store<i32>(CALL + CALL_START, batchStart);
  store<i32>(CALL + CALL_LENGTH, batchLength);
  store<i32>(CALL + CALL_OFFSET, offset);
  store<i32>(CALL + CALL_SAMPLER, sampler);
  store<f32>(CALL + CALL_XI, xi);
  store<u64>(CALL + CALL_KEY, streamKey(<u64>seed, 7));
  return withLoss<BatchGradient>(changetype<BatchGradient>(0), argInt(ctrl, ARG_LOSS), ctrl, 0);
}
