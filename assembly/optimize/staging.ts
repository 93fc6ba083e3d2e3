// A batch's endpoints staged into contiguous slots.
//
// The edges are shuffled and the negatives are drawn from the batch's endpoints (SPEC §3), so the layout rows a
// batch reads are random points; at 1M points the layout and a gradient buffer (8 MB each in 2-D) are several
// times a core's L2, and every gather and scatter of a tile misses. Staging reads each of the batch's 2b endpoint rows once into a buffer
// indexed by slot (2b rows: 512 KB in 2-D at b = 32,768), the kernel then works on slots only (a negative is the
// slot its draw names, so its coordinates and its gradient are in L2), and the slot gradients are merged per
// point once per batch. Random accesses per edge: about two gathers and two scatters, instead of 2 + m/8 of each.
// The draws, the slots they name and so the noise distribution are exactly those of SPEC §3 as tile.ts
// implements it: slot s holds the point of endpoint s, so a draw of slot s evaluates the same pair as before;
// only the order in which a point's gradient terms are summed changes.
//
// The merge and the step go by point owner (pointOwner: T contiguous ranges of points), so that no two threads
// write one point: while staging, each thread lists its slots by the owner of their point; after the kernel,
// each thread merges the slots listed for it by every thread (mergeSlots) and steps those points (sgd.ts).
//
// Buffers at ARG_SLOTS, for batches of up to B edges, T threads and rows of dim floats: the staged rows
// (slotBytes(B, dim)); T slot-gradient buffers (slotBytes(B, dim) each, kept zeroed between batches: mergeSlots
// zeroes what it reads); T slot lists (listBytes(B, T) each: starts i32[T + 1] by owner, cursors i32[T], then
// up to 2B slots).

import { batchEndpoint, edgeSlot } from "./pairs";

/** Bytes of one slot buffer for batches of up to `batch` edges: 2 slots per edge of dim floats each. */
// @ts-ignore: decorator
@inline export function slotBytes(batch: i32, dim: i32): usize {
  return <usize>batch * <usize>dim << 3;
}

/** Bytes of one thread's slot list (see above), a multiple of 16. */
// @ts-ignore: decorator
@inline export function listBytes(batch: i32, threads: i32): usize {
  return ((<usize>(2 * batch + 2 * threads + 1) << 2) + 15) & ~(<usize>15);
}

/** Bytes of all the buffers at ARG_SLOTS. */
// @ts-ignore: decorator
@inline export function stagingBytes(batch: i32, threads: i32, dim: i32): usize {
  return <usize>(1 + threads) * slotBytes(batch, dim) + <usize>threads * listBytes(batch, threads);
}

/** pointOwner's scale for n points and T threads: ⌊T · 2³² / n⌋, so that p · scale < T · 2³² for every p < n. */
// @ts-ignore: decorator
@inline export function ownerScale(n: i32, threads: i32): u64 {
  return (<u64>threads << 32) / <u64>max(n, 1);
}

/** The thread that merges and steps point p: one of T contiguous ranges of points. */
// @ts-ignore: decorator
@inline export function pointOwner(p: i32, scale: u64): i32 {
  return <i32>((<u64>p * scale) >> 32);
}

/** The slots of a thread's list, after its starts i32[T + 1] and cursors i32[T]. */
// @ts-ignore: decorator
@inline export function listedSlots(list: usize, threads: i32): usize {
  return list + (<usize>(2 * threads + 1) << 2);
}

/** Where the slots of points that `owner` owns start in a thread's list (they end at listedBegin(list, owner + 1)). */
// @ts-ignore: decorator
@inline export function listedBegin(list: usize, owner: i32): i32 {
  return load<i32>(list + (<usize>owner << 2));
}

// @ts-ignore: decorator
@inline function countOwner(list: usize, owner: i32): void {
  const c = list + (<usize>(owner + 1) << 2);
  store<i32>(c, load<i32>(c) + 1);
}

// @ts-ignore: decorator
@inline function placeSlot(cursors: usize, slots: usize, owner: i32, slot: i32): void {
  const c = cursors + (<usize>owner << 2), k = load<i32>(c);
  store<i32>(slots + (<usize>k << 2), slot);
  store<i32>(c, k + 1);
}

/**
 * Copies the layout rows of the endpoints of edges [begin, end) of the batch into their slots of slotY, and
 * lists those slots in `list` (this thread's list region) by the owner of their point, in slot order.
 */
export function stageSlots(
  y: usize, slotY: usize, dim: i32, list: usize, threads: i32, scale: u64, edges: usize, edgeCount: i32, offset: i32,
  batchStart: i32, begin: i32, end: i32,
): void {
  const rowBytes = <usize>dim << 2;
  const cursors = list + (<usize>(threads + 1) << 2), slots = listedSlots(list, threads);
  for (let t = 0; t <= threads; t++) store<i32>(list + (<usize>t << 2), 0);
  for (let p = begin; p < end; p++) {
    const e = edgeSlot(edges, edgeCount, offset, p);
    const head = load<i32>(e), tail = load<i32>(e, 4);
    if (dim == 2) {
      const rows = v128.load64_lane(y + (<usize>tail << 3), v128.load64_zero(y + (<usize>head << 3)), 1);
      v128.store(slotY + (<usize>(p - batchStart) << 4), rows);
    } else {
      const to = slotY + (<usize>(p - batchStart) << 1) * rowBytes;
      copyRow(to, y + <usize>head * rowBytes, dim);
      copyRow(to + rowBytes, y + <usize>tail * rowBytes, dim);
    }
    countOwner(list, pointOwner(head, scale));
    countOwner(list, pointOwner(tail, scale));
  }
  for (let t = 0; t < threads; t++) {
    const start = load<i32>(list + (<usize>t << 2));
    store<i32>(list + (<usize>(t + 1) << 2), start + load<i32>(list + (<usize>(t + 1) << 2)));
    store<i32>(cursors + (<usize>t << 2), start);
  }
  for (let p = begin; p < end; p++) {
    const e = edgeSlot(edges, edgeCount, offset, p), slot = (p - batchStart) << 1;
    placeSlot(cursors, slots, pointOwner(load<i32>(e), scale), slot);
    placeSlot(cursors, slots, pointOwner(load<i32>(e, 4), scale), slot + 1);
  }
}

// @ts-ignore: decorator
@inline function copyRow(to: usize, from: usize, dim: i32): void {
  for (let t = 0; t < dim; t++) store<f32>(to + (<usize>t << 2), load<f32>(from + (<usize>t << 2)));
}

/**
 * Adds into grad (n rows) the gradients of the slots that every thread listed for `owner`: per slot summed over
 * the T slot-gradient buffers in thread order (zeroing them), per point in list order (threads, then slots).
 */
export function mergeSlots(
  grad: usize, slotGrad: usize, slotStride: usize, dim: i32, listBase: usize, listStride: usize, threads: i32,
  owner: i32, edges: usize, edgeCount: i32, offset: i32, batchStart: i32,
): void {
  if (dim != 2) {
    mergeRows(grad, slotGrad, slotStride, dim, listBase, listStride, threads, owner, edges, edgeCount, offset, batchStart);
    return;
  }
  for (let u = 0; u < threads; u++) {
    const list = listBase + <usize>u * listStride, slots = listedSlots(list, threads);
    for (let i = listedBegin(list, owner), to = listedBegin(list, owner + 1); i < to; i++) {
      const slot = load<i32>(slots + (<usize>i << 2));
      const o = slotGrad + (<usize>slot << 3);
      let g = v128.load64_zero(o);
      store<u64>(o, 0);
      for (let t = 1; t < threads; t++) {
        const q = o + <usize>t * slotStride;
        g = f32x4.add(g, v128.load64_zero(q));
        store<u64>(q, 0);
      }
      const point = grad + (<usize>batchEndpoint(edges, edgeCount, offset, batchStart, slot) << 3);
      v128.store64_lane(point, f32x4.add(v128.load64_zero(point), g), 0);
    }
  }
}

/** mergeSlots for rows of any dim, coordinate by coordinate. */
function mergeRows(
  grad: usize, slotGrad: usize, slotStride: usize, dim: i32, listBase: usize, listStride: usize, threads: i32,
  owner: i32, edges: usize, edgeCount: i32, offset: i32, batchStart: i32,
): void {
  const rowBytes = <usize>dim << 2;
  for (let u = 0; u < threads; u++) {
    const list = listBase + <usize>u * listStride, slots = listedSlots(list, threads);
    for (let i = listedBegin(list, owner), to = listedBegin(list, owner + 1); i < to; i++) {
      const slot = load<i32>(slots + (<usize>i << 2));
      const o = slotGrad + <usize>slot * rowBytes;
      const point = grad + <usize>batchEndpoint(edges, edgeCount, offset, batchStart, slot) * rowBytes;
      for (let c = 0; c < dim; c++) {
        const oc = o + (<usize>c << 2);
        let g = load<f32>(oc);
        store<f32>(oc, 0);
        for (let t = 1; t < threads; t++) {
          const q = oc + <usize>t * slotStride;
          g += load<f32>(q);
          store<f32>(q, 0);
        }
        const pc = point + (<usize>c << 2);
        store<f32>(pc, load<f32>(pc) + g);
      }
    }
  }
}
