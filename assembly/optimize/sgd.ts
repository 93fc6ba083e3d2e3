// The optimiser (SPEC §3): epochs over the directed edges in batches; per batch every head gets its positive
// partner and m negatives drawn from the batch's own endpoints; the loss is summed over the batch, each
// coordinate of the summed gradient is clipped to ±4, and plain SGD applies it with a linearly decaying rate.
//
// Threads split each batch statically (whole tiles, tile.ts), so nothing races; batches of little work run on one
// thread (MIN_SHARED_UPDATES). On large layouts (ARG_SLOTS set) the batch is staged (staging.ts): each thread
// clears its own slot gradients and lists the endpoint slots of its share by the owner of their point, a barrier,
// each sorts the slots of the points it owns by point and copies those points' rows into their slots, a barrier,
// each copies the staged rows into its own buffer, accumulates its share into its own slot gradients and packs
// them in each owner's sorted order, a barrier, then each sums the packed gradients of the points it owns and
// steps those points (the batch's points only, in point order), and a barrier again. One thread skips the copy
// and the packing and steps from its slot gradients.
// Otherwise each thread accumulates into its own gradient buffer of n rows, a barrier, then steps: on one thread
// the layout, clearing the buffer; on more, each thread all of its own copy of the layout from every buffer
// (summed in thread order), a barrier, and each clears its own buffer; or, for batches small against n, the
// touched points each thread owns. Every random draw is keyed by (seed, phase, epoch, position), so the same
// seed and thread count reproduce the run bit for bit.

import { argInt, argPtr, barrier, threadCount } from "../parallel/control";
import { withLoss } from "./losses";
import { GRAD_CLIP, keepLogZGradient, runEpochs } from "./epochs";
import { batchLengthOf, batchStartOf, EdgeBatches } from "./batches";
import {
  ARG_BATCH, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_GRAD, ARG_GRAD_STRIDE, ARG_LOSS, ARG_N, ARG_NEGATIVES,
  ARG_SCRATCH, ARG_SLOTS, ARG_Y, scratchBytes,
} from "./args";
import { accumulateAnyDim } from "./anydim";
import { accumulatePlanar, BatchRows, PointRows, SlotRows } from "./planar";
import {
  gatherOwned, listBytes, listSlots, ownerScale, packedGradient, packedGradient2, packedOffset, packForOwners, pairPoint,
  pointGradient, pointGradient2, runEnd, slotBytes, sortBytes, sortOwned,
} from "./staging";
import { batchEndpoint, contiguousOffset, isContiguousBatch } from "./pairs";
import { shareBegin } from "./tile";

/**
 * Applies the summed, clipped gradient to all `groups` v128 groups of 4 floats of y: y −= rate · clip(Σ_t grad_t),
 * the buffers summed in thread order; clear: zero them for the next batch. y is padded like a gradient buffer
 * (n·dim rounded up to 4 floats), and the padding never receives a gradient.
 */
function applyGradients(y: usize, grad: usize, gradStride: i32, threads: i32, groups: i32, rate: f32, clear: bool): void {
  const lo = f32x4.splat(-GRAD_CLIP), hi = f32x4.splat(GRAD_CLIP), lr = f32x4.splat(rate);
  const zero = f32x4.splat(0);
  const bufferBytes = <usize>gradStride << 2;
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 4;
    let sum = v128.load(grad + o);
    if (clear) v128.store(grad + o, zero);
    for (let t = 1; t < threads; t++) {
      const p = grad + <usize>t * bufferBytes + o;
      sum = f32x4.add(sum, v128.load(p));
      if (clear) v128.store(p, zero);
    }
    const step = f32x4.mul(lr, f32x4.min(hi, f32x4.max(lo, sum)));
    v128.store(y + o, f32x4.sub(v128.load(y + o), step));
  }
}

/**
 * The same step as applyGradients, for the points a batch touched only: every pair of a batch has both ends
 * among its 2b endpoint slots (negatives are drawn from them), so no other point has a gradient. Each thread
 * takes the points p with p mod threads = thread and visits the slots in order; a point listed twice has its
 * buffers zeroed after the first visit, so the later visits step by rate · 0 and leave it unchanged. The result
 * equals the dense pass bit for bit; its cost follows the batch, not n.
 */
function applyTouched(
  y: usize, grad: usize, gradStride: i32, threads: i32, thread: i32, dim: i32,
  edges: usize, edgeCount: i32, offset: i32, batchStart: i32, batchLength: i32, rate: f32,
): void {
  const bufferBytes = <usize>gradStride << 2;
  const slots = 2 * batchLength;
  for (let slot = 0; slot < slots; slot++) {
    const point = batchEndpoint(edges, edgeCount, offset, batchStart, slot);
    if (point % threads != thread) continue;
    const row = <usize>(point * dim) << 2;
    for (let t = 0; t < dim; t++) {
      const o = row + (<usize>t << 2);
      let sum = load<f32>(grad + o);
      store<f32>(grad + o, 0);
      for (let u = 1; u < threads; u++) {
        const p = grad + <usize>u * bufferBytes + o;
        sum += load<f32>(p);
        store<f32>(p, 0);
      }
      store<f32>(y + o, load<f32>(y + o) - rate * min(GRAD_CLIP, max(-GRAD_CLIP, sum)));
    }
  }
}

/**
 * The step of the points a staged batch touched that this thread owns, from their sorted (point, slot) pairs
 * (staging.ts), once per point at ascending addresses: y −= rate · clip(sum), the sum of each point's slot
 * gradients in slot order, on one thread from its slot gradients (zeroing them for the next batch), on more from
 * the T threads' packed gradients (packed: this owner's run in thread 0's buffer, packedStride bytes apart).
 */
function stepOwned(
  y: usize, slotGrad: usize, packed: usize, packedStride: usize, dim: i32, threads: i32, sorted: usize, count: i32, rate: f32,
): void {
  const lo = f32x4.splat(-GRAD_CLIP), hi = f32x4.splat(GRAD_CLIP), lr = f32x4.splat(rate);
  for (let i = 0; i < count;) {
    const next = runEnd(sorted, count, i), point = pairPoint(sorted, i);
    if (dim == 2) {
      const sum = threads == 1 ? pointGradient2(slotGrad, sorted, i, next) : packedGradient2(packed, packedStride, threads, i, next);
      const o = y + (<usize>point << 3);
      v128.store64_lane(o, f32x4.sub(v128.load64_zero(o), f32x4.mul(lr, f32x4.min(hi, f32x4.max(lo, sum)))), 0);
    } else {
      for (let c = 0; c < dim; c++) {
        const g = threads == 1
          ? pointGradient(slotGrad, dim, c, sorted, i, next)
          : packedGradient(packed, packedStride, dim, c, threads, i, next);
        const o = y + (<usize>(point * dim + c) << 2);
        store<f32>(o, load<f32>(o) - rate * min(GRAD_CLIP, max(-GRAD_CLIP, g)));
      }
    }
    i = next;
  }
}

/**
 * This thread's share [begin, end) of a batch's pair gradient (begin from shareBegin): the 2-D kernel or the
 * any-dimension one, both generic over the loss and over where an endpoint's row lives (rows: PointRows, y and
 * grad of n rows; SlotRows, a staged batch's slots and slot gradients, staging.ts). Returns NCE's summed
 * ∂ℓ/∂log Z (0 otherwise). scratch: this thread's block of ARG_SCRATCH. Shared by the layout optimiser (staged
 * or not) and the parametric trainer.
 */
// @ts-ignore: decorator
@inline export function accumulateShare<L, R>(
  loss: L, rows: R, ctrl: usize, y: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32, scratch: usize,
): f64 {
  if (argInt(ctrl, ARG_DIM) == 2) {
    return accumulatePlanar<L, R>(loss, rows, ctrl, y, grad, batchStart, batchLength, begin, end, offset, key, xi);
  }
  return accumulateAnyDim<L, R>(loss, rows, ctrl, y, grad, batchStart, batchLength, begin, end, offset, key, xi, scratch);
}

/**
 * accumulateShare on rows of the n points (the layout's, unstaged; or the network's outputs, parametric/train.ts):
 * a batch whose edges lie one after another in the edge list (pairs.ts isContiguousBatch: every batch of an epoch
 * but the one that straddles the end of its rotated order) reads its endpoints at plain offsets from its first
 * edge (planar.ts BatchRows), the other tests each endpoint for the wrap (PointRows). Same rows, same bits.
 */
// @ts-ignore: decorator
@inline export function accumulateLayoutShare<L>(
  loss: L, ctrl: usize, y: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32, scratch: usize,
): f64 {
  const edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  if (isContiguousBatch(edgeCount, offset, batchStart, batchLength)) {
    const batchOffset = contiguousOffset(edgeCount, offset, batchStart);
    return accumulateShare<L, BatchRows>(loss, changetype<BatchRows>(0), ctrl, y, grad, batchStart, batchLength, begin, end, batchOffset, key, xi, scratch);
  }
  return accumulateShare<L, PointRows>(loss, changetype<PointRows>(0), ctrl, y, grad, batchStart, batchLength, begin, end, offset, key, xi, scratch);
}

/**
 * Pair updates per batch (b · (1 + m)) below which one thread runs the whole optimiser and the others return:
 * below it the barriers of a batch cost more than half its work saves (measured on the first 70,000 points of the
 * synthetic mixture, 2 threads against 1: 2.5-3.4x slower at b = 1,024 and m = 5 (6,144 updates), no faster at
 * b = 8,192 and m = 5 (49,152), 1.3x faster at b = 32,768 and m = 5, 1.4x at b = 8,192 and m = 30). A run below it
 * has the bits of a one-thread run.
 */
const MIN_SHARED_UPDATES: i64 = 65536;

/** TASK_OPTIMIZE: runs epochs [ARG_EPOCH_BEGIN, ARG_EPOCH_END) of one phase on every thread (epochs.ts) with the
 * SGD rule below and the loss of ARG_LOSS. */
export function optimizeTask(ctrl: usize, thread: i32): void {
  withLoss<SgdPhase>(changetype<SgdPhase>(0), argInt(ctrl, ARG_LOSS), ctrl, thread);
}

@unmanaged class SgdPhase {
  run<L>(loss: L, ctrl: usize, thread: i32): f64 {
    runEpochs<Sgd, L>(changetype<Sgd>(0), loss, ctrl, thread);
    return 0;
  }
}

/** Thread count of a layout optimiser call: one below MIN_SHARED_UPDATES pair updates per batch. */
// @ts-ignore: decorator
@inline function sgdThreads(ctrl: usize): i32 {
  const batchUpdates = <i64>argInt(ctrl, ARG_BATCH) * <i64>(1 + argInt(ctrl, ARG_NEGATIVES));
  return batchUpdates < MIN_SHARED_UPDATES ? 1 : threadCount(ctrl);
}

/**
 * The touched points only when the batch is small against n (the paper's b = 1024 on large data): each thread
 * visits all 2b slots at random, which costs more than the dense pass's streaming through n · dim floats unless n
 * is many times b (measured on Fashion-MNIST 70k, b = 32,768: dense 2.5 ns per pair update, this 3.9, at 30
 * negatives and 2 threads); both give the same bits, so a short last batch may take either.
 */
// @ts-ignore: decorator
@inline function touchedOnly(ctrl: usize): bool {
  return 64 * argInt(ctrl, ARG_BATCH) < argInt(ctrl, ARG_N);
}

/**
 * Unstaged dense steps on more than one thread: each thread keeps a copy of the layout (thread 0's is y; the
 * others follow the T gradient buffers), reads only its own in the kernel and steps all of it from every buffer,
 * and then clears its own buffer. A step written by another core would otherwise move half of each thread's
 * cached layout and gradient lines across cores every batch; this way a thread only streams the other buffers
 * once. The copies get the same bits as y: the same sums in the same order.
 */
// @ts-ignore: decorator
@inline function replicated(ctrl: usize, threads: i32): bool {
  return argPtr(ctrl, ARG_SLOTS) == 0 && !touchedOnly(ctrl) && threads > 1;
}

/** This thread's view of the layout: y, or its copy when the layout is replicated. */
// @ts-ignore: decorator
@inline function layoutOf(ctrl: usize, thread: i32, threads: i32): usize {
  const y = argPtr(ctrl, ARG_Y);
  if (!replicated(ctrl, threads) || thread == 0) return y;
  return argPtr(ctrl, ARG_GRAD) + (<usize>(threads + thread - 1) * <usize>argInt(ctrl, ARG_GRAD_STRIDE) << 2);
}

/** The layout's update rule (epochs.ts): plain SGD of the clipped batch gradient, staged or not (see the top). */
@unmanaged class Sgd extends EdgeBatches {
  // @ts-ignore: decorator
  @inline threads(ctrl: usize): i32 { return sgdThreads(ctrl); }
  // @ts-ignore: decorator
  @inline firstStep(ctrl: usize): i32 { return 0; }
  // @ts-ignore: decorator
  @inline lastStepEnd(ctrl: usize, perEpoch: i32): i32 { return perEpoch; }

  begin(ctrl: usize, thread: i32, threads: i32): void {
    // y as the bindings left it (nothing writes y before the barrier after this thread's first kernel)
    const y = argPtr(ctrl, ARG_Y), layout = layoutOf(ctrl, thread, threads);
    if (layout != y) memory.copy(layout, y, <usize>argInt(ctrl, ARG_GRAD_STRIDE) << 2);
  }

  step<L>(
    loss: L, ctrl: usize, context: usize, thread: i32, threads: i32, unit: i32, epoch: i32, batchIndex: i32, offset: i32, key: u64,
    xi: f32, epochRate: f64, done: i32,
  ): void {
    const batchStart = batchStartOf(ctrl, batchIndex), batchLength = batchLengthOf(ctrl, batchIndex);
    const rate = <f32>epochRate;
    const n = argInt(ctrl, ARG_N), dim = argInt(ctrl, ARG_DIM);
    const y = argPtr(ctrl, ARG_Y);
    const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
    const gradBase = argPtr(ctrl, ARG_GRAD), gradStride = argInt(ctrl, ARG_GRAD_STRIDE);
    const grad = gradBase + (<usize>thread * <usize>gradStride << 2);
    const batch = argInt(ctrl, ARG_BATCH);
    const scratch = argPtr(ctrl, ARG_SCRATCH) + <usize>thread * scratchBytes(dim);
    const begin = shareBegin(batchStart, batchLength, threads, thread);
    const end = shareBegin(batchStart, batchLength, threads, thread + 1);
    // staged batches (the bindings' choice: large layouts): the batch's rows and their gradients in slots
    if (argPtr(ctrl, ARG_SLOTS) != 0) {
      const slotY = argPtr(ctrl, ARG_SLOTS), slotStride = slotBytes(batch, dim), slotGradBase = slotY + slotStride;
      const slotGrad = slotGradBase + <usize>thread * slotStride;
      const listBase = slotGradBase + <usize>threads * slotStride, listStride = listBytes(batch, threads);
      const list = listBase + <usize>thread * listStride, scale = ownerScale(n, threads);
      const sortBase = listBase + <usize>threads * listStride, sortStride = sortBytes(batch);
      const sort = sortBase + <usize>thread * sortStride;
      // more than one thread: this thread's copy of the staged rows for its kernel, and its packed gradients
      const rowsBase = sortBase + <usize>threads * sortStride, packedBase = rowsBase + <usize>threads * slotStride;
      const slotRows = threads > 1 ? rowsBase + <usize>thread * slotStride : slotY;
      const packed = packedBase + <usize>thread * slotStride;
      // this thread's slot gradients back to zero: only this thread reads them (packForOwners), so its lines stay
      // in this core's cache (measured at 1M points, 2 threads, when the stepping owners read them: zeroing them
      // here took 0.56-0.94 of the time per edge of zeroing them where they were read)
      if (threads > 1) memory.fill(slotGrad, 0, slotBytes(batchLength, dim));
      listSlots(list, threads, scale, edges, edgeCount, offset, batchStart, begin, end);
      if (threads > 1) barrier(ctrl);
      const owned = sortOwned(sort, batch, n, listBase, listStride, threads, thread, edges, edgeCount, offset, batchStart);
      gatherOwned(y, slotY, dim, sort, owned);
      if (threads > 1) {
        barrier(ctrl);
        // one sequential read of the rows the owners staged, so that the kernel's random reads hit this core's cache
        memory.copy(slotRows, slotY, slotBytes(batchLength, dim));
      }
      const logZGrad = accumulateShare<L, SlotRows>(loss, changetype<SlotRows>(0), ctrl, slotRows, slotGrad, batchStart, batchLength, begin, end, offset, key, xi, scratch);
      keepLogZGradient<L>(loss, ctrl, thread, logZGrad);
      let ownedPacked = packedBase;
      if (threads > 1) {
        packForOwners(slotGrad, packed, dim, listBase, listStride, sortBase, sortStride, threads);
        ownedPacked += <usize>packedOffset(listBase, listStride, threads, thread) * (<usize>dim << 2);
        barrier(ctrl);
      }
      stepOwned(y, slotGrad, ownedPacked, slotStride, dim, threads, sort, owned, rate);
    } else {
      const layout = layoutOf(ctrl, thread, threads);
      const logZGrad = accumulateLayoutShare<L>(loss, ctrl, layout, grad, batchStart, batchLength, begin, end, offset, key, xi, scratch);
      keepLogZGradient<L>(loss, ctrl, thread, logZGrad);
      if (threads > 1) barrier(ctrl);
      if (touchedOnly(ctrl)) {
        applyTouched(y, gradBase, gradStride, threads, thread, dim, edges, edgeCount, offset, batchStart, batchLength, rate);
      } else {
        // one thread: the layout itself, clearing its buffer; more: this thread's copy, each clearing its own in endBatch
        applyGradients(layout, gradBase, gradStride, threads, (n * dim + 3) >> 2, rate, !replicated(ctrl, threads));
      }
    }
  }

  endStep(ctrl: usize, thread: i32, threads: i32): void {
    if (threads > 1) barrier(ctrl);
    // every thread has read this thread's buffer
    if (replicated(ctrl, threads)) {
      const gradStride = argInt(ctrl, ARG_GRAD_STRIDE);
      memory.fill(argPtr(ctrl, ARG_GRAD) + (<usize>thread * <usize>gradStride << 2), 0, <usize>gradStride << 2);
    }
  }

  // @ts-ignore: decorator
  @inline end(ctrl: usize, thread: i32, done: i32): void {}
}
