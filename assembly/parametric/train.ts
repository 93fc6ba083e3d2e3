// Training of the parametric mode (SPEC §4): the optimiser's epochs and batches (same edge order, same
// in-batch negatives, same losses), but the layout rows of a batch are the MLP's outputs and the step is
// Adam on the MLP's parameters. Per batch, on every thread:
//   1. thread 0 lists the batch's distinct endpoints;               barrier
//   2. each thread forwards its share of them (rows → layout y);    barrier
//   3. each thread accumulates the pair gradient of its heads into its own ∂ℓ/∂y buffer;  barrier
//   4. each thread takes its share of rows: ∂ℓ/∂y summed over the buffers in thread order and clipped to ±4,
//      then backpropagated into its own parameter-gradient buffer;                         barrier
//   5. each thread sums a slice of the parameter gradients in thread order and takes the Adam step; barrier
// so the result depends on the seed and the thread count only.

import { argInt, argPtr, barrier, splitBegin, threadCount } from "../parallel/control";
import {
  ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_GRAD, ARG_GRAD_STRIDE, ARG_LOSS, ARG_SCRATCH, ARG_Y, scratchBytes,
} from "../optimize/args";
import { withLoss } from "../optimize/losses";
import { GRAD_CLIP, keepLogZGradient, runEpochs } from "../optimize/epochs";
import { batchLengthOf, batchStartOf, EdgeBatches } from "../optimize/batches";
import { contiguousOffset, isContiguousBatch } from "../optimize/pairs";
import { accumulateLayoutShare } from "../optimize/sgd";
import { BatchRows, PointRows } from "../optimize/planar";
import { shareBegin } from "../optimize/tile";
import { backwardBlock, forwardBlock, outputOf, scratchActivations, scratchOutputDeltas, scratchZeroRow } from "./mlp";
import {
  actStride, field, pad8, M_ACT, M_ADAM_M, M_ADAM_V, M_BATCH_BEGIN, M_BATCH_END, M_DATA, M_IN_STRIDE, M_PARAM_COUNT,
  M_PARAMS, M_ROW_COUNT, M_ROWS, M_SEEN, M_STEP, M_WEIGHT_GRAD,
} from "./model";

/** Control-block slot of the model record's address (the optimiser's slots 0–22 keep their meaning). */
export const ARG_MODEL = 23;

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

/**
 * Lists the distinct endpoints of the batch in order of first appearance (thread 0 only), each read as `endpoints`
 * says (optimize/planar.ts: BatchRows for a batch whose edges lie one after another, else PointRows).
 */
function collectRows<R>(
  endpoints: R, model: usize, edges: usize, edgeCount: i32, offset: i32, batchStart: i32, batchLength: i32,
): void {
  const rows = <usize>field(model, M_ROWS), seen = <usize>field(model, M_SEEN);
  let count = 0;
  for (let slot = 0; slot < 2 * batchLength; slot++) {
    const point = endpoints.row(edges, edgeCount, offset, batchStart, slot);
    const flag = seen + (<usize>point << 2);
    if (load<i32>(flag) != 0) continue;
    store<i32>(flag, 1);
    store<i32>(rows + (<usize>count << 2), point);
    count++;
  }
  store<i32>(model + M_ROW_COUNT, count);
}

/**
 * The input row of listed row u + q (rows: i32 point indices into data, rows of inBytes), or zeroRow past `end`:
 * the lanes of a block of four that hold no row.
 */
// @ts-ignore: decorator
@inline function listedInput(rows: usize, data: usize, inBytes: usize, zeroRow: usize, u: i32, q: i32, end: i32): usize {
  return u + q < end ? data + <usize>load<i32>(rows + (<usize>(u + q) << 2)) * inBytes : zeroRow;
}

/** The activation slot of listed row u + q (act: actBytes per listed row), or the thread's spare slot q past `end`. */
// @ts-ignore: decorator
@inline function listedActivation(act: usize, actBytes: usize, spare: usize, u: i32, q: i32, end: i32): usize {
  return u + q < end ? act + <usize>(u + q) * actBytes : spare + <usize>q * actBytes;
}

/** Forwards listed rows [begin, end) and writes their outputs into the layout y (f32[n × d]). */
function forwardListed(model: usize, thread: i32, y: usize, d: i32, begin: i32, end: i32): void {
  const rows = <usize>field(model, M_ROWS), data = <usize>field(model, M_DATA);
  const inBytes = <usize>field(model, M_IN_STRIDE) << 2;
  const act = <usize>field(model, M_ACT), actBytes = <usize>actStride(model) << 2;
  const spare = scratchActivations(model, thread), zeroRow = scratchZeroRow(model, thread);
  for (let u = begin; u < end; u += 4) {
    const x0 = listedInput(rows, data, inBytes, zeroRow, u, 0, end), x1 = listedInput(rows, data, inBytes, zeroRow, u, 1, end);
    const x2 = listedInput(rows, data, inBytes, zeroRow, u, 2, end), x3 = listedInput(rows, data, inBytes, zeroRow, u, 3, end);
    const a0 = listedActivation(act, actBytes, spare, u, 0, end), a1 = listedActivation(act, actBytes, spare, u, 1, end);
    const a2 = listedActivation(act, actBytes, spare, u, 2, end), a3 = listedActivation(act, actBytes, spare, u, 3, end);
    forwardBlock(model, x0, x1, x2, x3, a0, a1, a2, a3);
    for (let q = u; q < min(end, u + 4); q++) {
      const point = load<i32>(rows + (<usize>q << 2));
      memory.copy(y + (<usize>(point * d) << 2), outputOf(model, act + <usize>q * actBytes), <usize>d << 2);
    }
  }
}

/**
 * For listed rows [begin, end): ∂ℓ/∂y (summed over the threads' buffers in order, clipped, buffers zeroed),
 * backpropagated into weightGrad (f32[paramCount]). Also clears the rows' "seen" flags for the next batch.
 * grad: f32[threads × gradStride].
 */
function backwardListed(
  model: usize, thread: i32, grad: usize, gradStride: i32, threads: i32, d: i32, begin: i32, end: i32, weightGrad: usize,
): void {
  const rows = <usize>field(model, M_ROWS), seen = <usize>field(model, M_SEEN), data = <usize>field(model, M_DATA);
  const inBytes = <usize>field(model, M_IN_STRIDE) << 2;
  const act = <usize>field(model, M_ACT), actBytes = <usize>actStride(model) << 2;
  const spare = scratchActivations(model, thread), zeroRow = scratchZeroRow(model, thread);
  const deltas = scratchOutputDeltas(model, thread), deltaBytes = <usize>pad8(d) << 2;
  const bufferBytes = <usize>gradStride << 2;
  for (let u = begin; u < end; u += 4) {
    for (let q = 0; q < 4; q++) {
      const g = deltas + <usize>q * deltaBytes;
      if (u + q >= end) { memory.fill(g, 0, <usize>d << 2); continue; }
      const point = load<i32>(rows + (<usize>(u + q) << 2));
      store<i32>(seen + (<usize>point << 2), 0);
      const at = <usize>(point * d) << 2;
      for (let k = 0; k < d; k++) {
        const o = at + (<usize>k << 2);
        let sum: f32 = 0;
        for (let t = 0; t < threads; t++) {
          const p = grad + <usize>t * bufferBytes + o;
          sum += load<f32>(p);
          store<f32>(p, 0);
        }
        store<f32>(g + (<usize>k << 2), min(GRAD_CLIP, max(-GRAD_CLIP, sum)));
      }
    }
    const x0 = listedInput(rows, data, inBytes, zeroRow, u, 0, end), x1 = listedInput(rows, data, inBytes, zeroRow, u, 1, end);
    const x2 = listedInput(rows, data, inBytes, zeroRow, u, 2, end), x3 = listedInput(rows, data, inBytes, zeroRow, u, 3, end);
    const a0 = listedActivation(act, actBytes, spare, u, 0, end), a1 = listedActivation(act, actBytes, spare, u, 1, end);
    const a2 = listedActivation(act, actBytes, spare, u, 2, end), a3 = listedActivation(act, actBytes, spare, u, 3, end);
    backwardBlock(model, thread, x0, x1, x2, x3, a0, a1, a2, a3,
      deltas, deltas + deltaBytes, deltas + 2 * deltaBytes, deltas + 3 * deltaBytes, weightGrad);
  }
}

/**
 * Adam on parameter floats [begin, end) (multiples of 4): the gradient is the sum of the threads' buffers in
 * thread order (zeroed afterwards). rate already includes the bias corrections' ratio (see trainTask).
 */
function adamStep(model: usize, threads: i32, begin: i32, end: i32, rate: f32, correction2: f32): void {
  const params = <usize>field(model, M_PARAMS), grads = <usize>field(model, M_WEIGHT_GRAD);
  const mPtr = <usize>field(model, M_ADAM_M), vPtr = <usize>field(model, M_ADAM_V);
  const bufferBytes = <usize>field(model, M_PARAM_COUNT) << 2;
  const b1 = f32x4.splat(BETA1), c1 = f32x4.splat(1 - BETA1), b2 = f32x4.splat(BETA2), c2 = f32x4.splat(1 - BETA2);
  const eps = f32x4.splat(EPSILON), lr = f32x4.splat(rate), vScale = f32x4.splat(correction2), zero = f32x4.splat(0);
  for (let f = begin; f < end; f += 4) {
    const o = <usize>f << 2;
    let g = v128.load(grads + o);
    v128.store(grads + o, zero);
    for (let t = 1; t < threads; t++) {
      const p = grads + <usize>t * bufferBytes + o;
      g = f32x4.add(g, v128.load(p));
      v128.store(p, zero);
    }
    const m = f32x4.add(f32x4.mul(b1, v128.load(mPtr + o)), f32x4.mul(c1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(vPtr + o)), f32x4.mul(c2, f32x4.mul(g, g)));
    v128.store(mPtr + o, m);
    v128.store(vPtr + o, v);
    // θ −= lr · m̂ / (√v̂ + ε), with m̂ = m / (1 − β1^t) folded into rate and v̂ = v · correction2
    const step = f32x4.div(f32x4.mul(lr, m), f32x4.add(f32x4.sqrt(f32x4.mul(v, vScale)), eps));
    v128.store(params + o, f32x4.sub(v128.load(params + o), step));
  }
}

/** TASK_PARAMETRIC_TRAIN: epochs [ARG_EPOCH_BEGIN, ARG_EPOCH_END) of one phase on every thread (optimize/epochs.ts)
 * with the Adam rule below, from batch M_BATCH_BEGIN of the first to batch M_BATCH_END of the last (model.ts),
 * and the loss of ARG_LOSS (optimize/losses.ts). */
export function trainTask(ctrl: usize, thread: i32): void {
  withLoss<AdamPhase>(changetype<AdamPhase>(0), argInt(ctrl, ARG_LOSS), ctrl, thread);
}

@unmanaged class AdamPhase {
  run<L>(loss: L, ctrl: usize, thread: i32): f64 {
    runEpochs<Adam, L>(changetype<Adam>(0), loss, ctrl, thread);
    return 0;
  }
}

/** The network's update rule (optimize/epochs.ts): steps 1-5 at the top, Adam on the MLP's parameters. */
@unmanaged class Adam extends EdgeBatches {
  // @ts-ignore: decorator
  @inline threads(ctrl: usize): i32 { return threadCount(ctrl); }
  // @ts-ignore: decorator
  @inline firstStep(ctrl: usize): i32 { return field(argPtr(ctrl, ARG_MODEL), M_BATCH_BEGIN); }
  // @ts-ignore: decorator
  @inline lastStepEnd(ctrl: usize, perEpoch: i32): i32 { return field(argPtr(ctrl, ARG_MODEL), M_BATCH_END); }
  // @ts-ignore: decorator
  @inline begin(ctrl: usize, thread: i32, threads: i32): void {}

  step<L>(
    loss: L, ctrl: usize, context: usize, thread: i32, threads: i32, unit: i32, epoch: i32, batchIndex: i32, offset: i32, key: u64,
    xi: f32, rate: f64, done: i32,
  ): void {
    const batchStart = batchStartOf(ctrl, batchIndex), batchLength = batchLengthOf(ctrl, batchIndex);
    const model = argPtr(ctrl, ARG_MODEL);
    const d = argInt(ctrl, ARG_DIM), y = argPtr(ctrl, ARG_Y);
    const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
    const gradBase = argPtr(ctrl, ARG_GRAD), gradStride = argInt(ctrl, ARG_GRAD_STRIDE);
    const grad = gradBase + (<usize>thread * <usize>gradStride << 2);
    const pairScratch = argPtr(ctrl, ARG_SCRATCH) + <usize>thread * scratchBytes(d);
    const weightGrad = <usize>field(model, M_WEIGHT_GRAD) + (<usize>thread * <usize>field(model, M_PARAM_COUNT) << 2);
    const paramGroups = field(model, M_PARAM_COUNT) >> 2;
    const adamBegin = splitBegin(paramGroups, threads, thread) << 2, adamEnd = splitBegin(paramGroups, threads, thread + 1) << 2;
    if (thread == 0) {
      if (isContiguousBatch(edgeCount, offset, batchStart, batchLength)) {
        const batchOffset = contiguousOffset(edgeCount, offset, batchStart);
        collectRows<BatchRows>(changetype<BatchRows>(0), model, edges, edgeCount, batchOffset, batchStart, batchLength);
      } else {
        collectRows<PointRows>(changetype<PointRows>(0), model, edges, edgeCount, offset, batchStart, batchLength);
      }
    }
    barrier(ctrl);
    const blocks = (field(model, M_ROW_COUNT) + 3) >> 2, count = field(model, M_ROW_COUNT);
    const rowBegin = splitBegin(blocks, threads, thread) << 2;
    const rowEnd = min(count, splitBegin(blocks, threads, thread + 1) << 2);
    forwardListed(model, thread, y, d, rowBegin, rowEnd);
    barrier(ctrl);
    const begin = shareBegin(batchStart, batchLength, threads, thread);
    const end = shareBegin(batchStart, batchLength, threads, thread + 1);
    const logZGrad = accumulateLayoutShare<L>(loss, ctrl, y, grad, batchStart, batchLength, begin, end, offset, key, xi, pairScratch);
    keepLogZGradient<L>(loss, ctrl, thread, logZGrad);
    barrier(ctrl);
    backwardListed(model, thread, gradBase, gradStride, threads, d, rowBegin, rowEnd, weightGrad);
    barrier(ctrl);
    // the step count of the model record, written back once the call ends (end)
    const adamStepCount = field(model, M_STEP) + done + 1;
    const correction1 = 1.0 - Math.pow(<f64>BETA1, <f64>adamStepCount);
    const correction2 = 1.0 / (1.0 - Math.pow(<f64>BETA2, <f64>adamStepCount));
    adamStep(model, threads, adamBegin, adamEnd, <f32>(rate / correction1), <f32>correction2);
  }

  // @ts-ignore: decorator
  @inline endStep(ctrl: usize, thread: i32, threads: i32): void { barrier(ctrl); }

  end(ctrl: usize, thread: i32, done: i32): void {
    // every thread has passed the last batch's barrier, so none reads M_STEP any more
    if (thread == 0) {
      const model = argPtr(ctrl, ARG_MODEL);
      store<i32>(model + M_STEP, field(model, M_STEP) + done);
    }
  }
}
