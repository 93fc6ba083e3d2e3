// A plain scalar reference of one batch's pair gradient, for the tests: pair by pair, with the loss methods of
// derivatives.ts, no tiles in registers. With shared draws it must equal the kernels to float tolerance; with
// per-head draws it is SPEC §3's sampler, against which the tests compare the kernels' expected gradient.

import { argInt, argPtr, arg } from "../parallel/control";
import { draw, lcgNext, streamKey, uniformIndex } from "../rng";
import { ARG_BATCH, ARG_C, ARG_CLAMP, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_LOSS, ARG_N, ARG_NEGATIVES, ARG_SCRATCH, ARG_SLOTS, ARG_Y } from "./args";
import { attractionCoefficient, nceLogZGradient, repulsionCoefficient } from "./derivatives";
import { LOSS_INFONCE, LOSS_NCE, LOSS_NEG, LOSS_UMAP } from "./losses";
import { NegLoss } from "./loss/neg";
import { NceLoss } from "./loss/nce";
import { InfoNceLoss } from "./loss/infonce";
import { UmapLoss } from "./loss/umap";
import { batchEndpoint, edgeSlot, squaredGap } from "./pairs";
import { PointRows, SlotRows } from "./planar";
import { accumulateShare } from "./sgd";
import { gatherOwned, listBytes, listSlots, mergeOwned, slotBytes, sortOwned } from "./staging";
import { TILE } from "./tile";

export const SAMPLER_KERNEL = 0; // the layout optimiser's kernels (tiles of shared negatives on staged slots)
export const SAMPLER_SHARED = 1; // this reference, the kernels' draws
export const SAMPLER_PER_HEAD = 2; // this reference, an independent stream per head (SPEC §3 as written)
export const SAMPLER_POINT_ROWS = 3; // the kernels on the layout's rows, unstaged (the parametric trainer's)

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

/**
 * Adds the pair gradient of the whole batch [batchStart, batchStart + batchLength) into grad (f32[n · dim]) with
 * the sampler given, reading the optimiser's argument slots from ctrl. Returns NCE's ∂ℓ/∂log Z.
 */
export function batchGradient(ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, offset: i32, seed: i32, xi: f32, sampler: i32): f64 {
  const key = streamKey(<u64>seed, 7);
  const loss = argInt(ctrl, ARG_LOSS), end = batchStart + batchLength;
  if (sampler == SAMPLER_KERNEL || sampler == SAMPLER_POINT_ROWS) {
    const staged = sampler == SAMPLER_KERNEL;
    if (loss == LOSS_NEG) return kernelGradient<NegLoss>(changetype<NegLoss>(0), ctrl, grad, batchStart, batchLength, offset, key, xi, staged);
    if (loss == LOSS_NCE) return kernelGradient<NceLoss>(changetype<NceLoss>(0), ctrl, grad, batchStart, batchLength, offset, key, xi, staged);
    if (loss == LOSS_INFONCE) return kernelGradient<InfoNceLoss>(changetype<InfoNceLoss>(0), ctrl, grad, batchStart, batchLength, offset, key, xi, staged);
    if (loss == LOSS_UMAP) return kernelGradient<UmapLoss>(changetype<UmapLoss>(0), ctrl, grad, batchStart, batchLength, offset, key, xi, staged);
    return 0;
  }
  const y = argPtr(ctrl, ARG_Y), dim = argInt(ctrl, ARG_DIM);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const m = argInt(ctrl, ARG_NEGATIVES), clamp = <f32>arg(ctrl, ARG_CLAMP), c = <f32>arg(ctrl, ARG_C);
  const perHead = sampler == SAMPLER_PER_HEAD;
  let logZGrad: f64 = 0;
  for (let p = batchStart; p < end; p++) {
    const slot = edgeSlot(edges, edgeCount, offset, p);
    const i = load<i32>(slot), j = load<i32>(slot, 4);
    const dPos = squaredGap(y, i, j, dim);
    if (loss == LOSS_INFONCE) {
      // S = φ₊ + Σφ_k, then the coefficients −φ_k²/(cS) and φ₊ − φ₊²/(cS)
      let total: f32 = 1 / (1 + dPos);
      for (let r = 0; r < m; r++) {
        total += 1 / (1 + squaredGap(y, i, negativeOf(edges, edgeCount, offset, batchStart, batchLength, p, r, key, perHead), dim));
      }
      const inv: f32 = 1 / (c * total), phiPos: f32 = 1 / (1 + dPos);
      addPair(y, grad, i, j, dim, phiPos - phiPos * phiPos * inv);
      for (let r = 0; r < m; r++) {
        const k = negativeOf(edges, edgeCount, offset, batchStart, batchLength, p, r, key, perHead);
        const phi: f32 = 1 / (1 + squaredGap(y, i, k, dim));
        addPair(y, grad, i, k, dim, -phi * phi * inv);
      }
      continue;
    }
    addPair(y, grad, i, j, dim, attractionCoefficient(loss, dPos, xi, clamp));
    if (loss == LOSS_NCE) logZGrad += nceLogZGradient(true, dPos, xi, clamp);
    for (let r = 0; r < m; r++) {
      const k = negativeOf(edges, edgeCount, offset, batchStart, batchLength, p, r, key, perHead);
      const dNeg = squaredGap(y, i, k, dim);
      addPair(y, grad, i, k, dim, repulsionCoefficient(loss, dNeg, xi, clamp));
      if (loss == LOSS_NCE) logZGrad += nceLogZGradient(false, dNeg, xi, clamp);
    }
  }
  return logZGrad;
}
