// The optimiser (SPEC §3): epochs over the directed edges in batches; per batch every head gets its positive
// partner and m negatives drawn from the batch's own endpoints; the loss is summed over the batch, each
// coordinate of the summed gradient is clipped to ±4, and plain SGD applies it with a linearly decaying rate.
//
// Threads split each batch statically and accumulate into their own gradient buffer, so nothing races; a
// barrier, then each thread applies a slice of the coordinates (summing the buffers in thread order), then a
// barrier again. Every random draw is keyed by (seed, phase, epoch, position), so the same seed and thread
// count reproduce the run bit for bit.

import { arg, argInt, argPtr, barrier, splitBegin, threadCount } from "../parallel/control";
import { draw, lcgNext, streamKey, uniformIndex } from "../rng";
import {
  attraction, repulsion, nceLogZAttraction, nceLogZRepulsion, LOSS_INFONCE, LOSS_NCE,
} from "./losses";
import { infoNceHead } from "./infonce";
import {
  ARG_BATCH, ARG_C, ARG_CLAMP, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_EPOCH_BEGIN, ARG_EPOCH_END, ARG_GRAD,
  ARG_GRAD_STRIDE, ARG_LEARNING_RATE, ARG_LOSS, ARG_N, ARG_NCE_LEARNING_RATE, ARG_NEGATIVES, ARG_PARTIAL,
  ARG_PHASE, ARG_PHASE_EPOCHS, ARG_SCRATCH, ARG_SEED, ARG_STATE, ARG_XI, ARG_Y, scratchBytes,
} from "./args";
import { batchNegative, edgeSlot, pushPair, squaredGap } from "./pairs";
import { accumulateBatchPlanar } from "./planar";

const GRAD_CLIP: f32 = 4;

/**
 * Gradient of this thread's share [begin, end) of one batch, for neg, nce and umap. Returns NCE's summed
 * ∂ℓ/∂log Z (0 for the other losses).
 */
export function accumulateBatch(
  ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32,
): f64 {
  const y = argPtr(ctrl, ARG_Y), dim = argInt(ctrl, ARG_DIM);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const loss = argInt(ctrl, ARG_LOSS), m = argInt(ctrl, ARG_NEGATIVES);
  const clamp = <f32>arg(ctrl, ARG_CLAMP);
  const isNce = loss == LOSS_NCE;
  const endpoints = <u32>(2 * batchLength - 1); // every endpoint of the batch but the head's own slot
  let logZGrad: f64 = 0;
  for (let p = begin; p < end; p++) {
    const slot = edgeSlot(edges, edgeCount, offset, p);
    const i = load<i32>(slot), j = load<i32>(slot, 4);
    const dPos = squaredGap(y, i, j, dim);
    pushPair(y, grad, i, j, dim, attraction(loss, dPos, xi, clamp));
    if (isNce) logZGrad += nceLogZAttraction(dPos, xi, clamp);
    const headSlot = (p - batchStart) << 1;
    let stream = draw(key, <u64>p); // this head's negatives: one LCG step each
    for (let r = 0; r < m; r++) {
      stream = lcgNext(stream);
      const k = batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream);
      const dNeg = squaredGap(y, i, k, dim);
      pushPair(y, grad, i, k, dim, repulsion(loss, dNeg, xi, clamp));
      if (isNce) logZGrad += nceLogZRepulsion(dNeg, xi, clamp);
    }
  }
  return logZGrad;
}

/**
 * Applies this thread's slice [begin, end) (in v128 groups of 4 floats) of the summed, clipped gradient:
 * y −= rate · clip(Σ_t grad_t), then zeroes the buffers for the next batch. y is padded like a gradient
 * buffer (n·dim rounded up to 4 floats), and the padding never receives a gradient.
 */
function applyGradients(y: usize, grad: usize, gradStride: i32, threads: i32, begin: i32, end: i32, rate: f32): void {
  const lo = f32x4.splat(-GRAD_CLIP), hi = f32x4.splat(GRAD_CLIP), lr = f32x4.splat(rate);
  const zero = f32x4.splat(0);
  const bufferBytes = <usize>gradStride << 2;
  for (let g = begin; g < end; g++) {
    const o = <usize>g << 4;
    let sum = v128.load(grad + o);
    v128.store(grad + o, zero);
    for (let t = 1; t < threads; t++) {
      const p = grad + <usize>t * bufferBytes + o;
      sum = f32x4.add(sum, v128.load(p));
      v128.store(p, zero);
    }
    const step = f32x4.mul(lr, f32x4.min(hi, f32x4.max(lo, sum)));
    v128.store(y + o, f32x4.sub(v128.load(y + o), step));
  }
}

/**
 * This thread's share [begin, end) of a batch's pair gradient, by loss and layout dimension: InfoNCE per head,
 * the SIMD path for 2-D layouts, the scalar path otherwise. Returns NCE's summed ∂ℓ/∂log Z (0 otherwise).
 * scratch: this thread's block of ARG_SCRATCH. Shared by the layout optimiser and the parametric trainer.
 */
export function accumulateShare(
  ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32, scratch: usize,
): f64 {
  if (argInt(ctrl, ARG_LOSS) == LOSS_INFONCE) {
    for (let p = begin; p < end; p++) infoNceHead(ctrl, grad, batchStart, batchLength, p, offset, key, scratch);
    return 0;
  }
  if (argInt(ctrl, ARG_DIM) == 2) {
    return accumulateBatchPlanar(ctrl, grad, batchStart, batchLength, begin, end, offset, key, xi, scratch);
  }
  return accumulateBatch(ctrl, grad, batchStart, batchLength, begin, end, offset, key, xi);
}

/** TASK_OPTIMIZE: runs epochs [ARG_EPOCH_BEGIN, ARG_EPOCH_END) of one phase on every thread. */
export function optimizeTask(ctrl: usize, thread: i32): void {
  const threads = threadCount(ctrl);
  const n = argInt(ctrl, ARG_N), dim = argInt(ctrl, ARG_DIM);
  const y = argPtr(ctrl, ARG_Y);
  const edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const gradBase = argPtr(ctrl, ARG_GRAD), gradStride = argInt(ctrl, ARG_GRAD_STRIDE);
  const grad = gradBase + (<usize>thread * <usize>gradStride << 2);
  const partial = argPtr(ctrl, ARG_PARTIAL), state = argPtr(ctrl, ARG_STATE);
  const loss = argInt(ctrl, ARG_LOSS), m = argInt(ctrl, ARG_NEGATIVES);
  const batch = argInt(ctrl, ARG_BATCH);
  const epochBegin = argInt(ctrl, ARG_EPOCH_BEGIN), epochEnd = argInt(ctrl, ARG_EPOCH_END);
  const phaseEpochs = argInt(ctrl, ARG_PHASE_EPOCHS);
  const rate0 = arg(ctrl, ARG_LEARNING_RATE);
  const seed = <u64>arg(ctrl, ARG_SEED), phase = <u64>argInt(ctrl, ARG_PHASE);
  const isNce = loss == LOSS_NCE;
  const nceRate = arg(ctrl, ARG_NCE_LEARNING_RATE);
  const pairsScale = <f64>m / (<f64>n * <f64>(n - 1));
  let xi = <f32>arg(ctrl, ARG_XI);
  let logZ = load<f64>(state);
  const groups = (n * dim + 3) >> 2;
  const applyBegin = splitBegin(groups, threads, thread), applyEnd = splitBegin(groups, threads, thread + 1);

  const scratch = argPtr(ctrl, ARG_SCRATCH) + <usize>thread * scratchBytes(m);
  for (let epoch = epochBegin; epoch < epochEnd; epoch++) {
    const rate = <f32>(rate0 * (1.0 - <f64>epoch / <f64>phaseEpochs));
    const key = streamKey(seed, (phase << 24) + <u64>epoch);
    const offset = <i32>uniformIndex(draw(key, 0x4000000000000000), <u32>edgeCount);
    for (let batchStart = 0; batchStart < edgeCount; batchStart += batch) {
      const batchLength = min(batch, edgeCount - batchStart);
      if (isNce) xi = <f32>(pairsScale * Math.exp(logZ));
      const begin = batchStart + splitBegin(batchLength, threads, thread);
      const end = batchStart + splitBegin(batchLength, threads, thread + 1);
      const logZGrad = accumulateShare(ctrl, grad, batchStart, batchLength, begin, end, offset, key, xi, scratch);
      if (isNce) store<f64>(partial + (<usize>thread << 3), logZGrad);
      barrier(ctrl);
      applyGradients(y, gradBase, gradStride, threads, applyBegin, applyEnd, rate);
      if (isNce) {
        let total: f64 = 0;
        for (let t = 0; t < threads; t++) total += load<f64>(partial + (<usize>t << 3));
        logZ -= nceRate * Math.min(GRAD_CLIP, Math.max(-GRAD_CLIP, total));
      }
      barrier(ctrl);
    }
  }
  if (thread == 0) store<f64>(state, logZ);
}
