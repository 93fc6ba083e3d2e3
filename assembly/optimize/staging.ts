// A batch's endpoints staged into contiguous slots.
//
// The edges are shuffled and the negatives are drawn from the batch's endpoints (SPEC §3), so the layout rows a
// batch reads are random points; at 1M points the layout and a gradient buffer (8 MB each in 2-D) are several
// times a core's L2, and every gather and scatter of a tile misses. Staging reads each of the batch's 2b endpoint
// rows once into a buffer indexed by slot (2b rows: 512 KB in 2-D at b = 32,768), the kernel then works on slots
// only (a negative is the slot its draw names, so its coordinates and its gradient are in L2 or L3), and the slot
// gradients are summed per point once per batch.
// The draws, the slots they name and so the noise distribution are exactly those of SPEC §3 as tile.ts
// implements it: slot s holds the point of endpoint s, so a draw of slot s evaluates the same pair as before;
// only the order in which a point's gradient terms are summed changes.
//
// The gather, the merge and the step go by point owner (pointOwner: T contiguous ranges of points), so that no two
// threads touch one point's layout row: while listing, each thread lists its slots by the owner of their point;
// then each owner sorts the (point, slot) pairs listed for it by every thread by point (sortOwned, a stable LSD
// radix sort, so a point's slots stay in slot order) and walks them in point order: it copies each point's row
// into its slots (gatherOwned) and, after the kernel, sums each point's slot gradients in slot order and steps
// the point once (sgd.ts). In point order the layout is read and written once per distinct point at ascending
// addresses, which the hardware prefetches, instead of at random; no n-row gradient buffer is touched; and a
// point's gradient is summed in the same order as when it was merged slot by slot into such a buffer, so the
// bits are those.
//
// On more than one thread, no thread reads at random what another core last wrote: a cache line written by one
// core and read by the other costs a cross-core transfer, and random reads of such lines are not prefetched
// (measured at 1M points, 2 threads: the kernel ran at 0.6 and the step at 0.3 of one thread's speed per unit of
// work when they read the shared staged rows and the other thread's slot gradients at random). So each thread
// copies the staged rows, which the owners wrote, into its own slot buffer in one sequential pass before its
// kernel, and after its kernel packs its slot gradients for each owner in that owner's sorted order
// (packForOwners); the owner then reads every thread's packed gradients sequentially. The sums and their order
// are unchanged, so are the bits.
//
// Buffers at ARG_SLOTS, for batches of up to B edges, T threads and rows of dim floats: the staged rows
// (slotBytes(B, dim)); T slot-gradient buffers (slotBytes(B, dim) each, zero before each batch's kernel: one
// thread's step zeroes what it reads, more threads each clear their own buffer, sgd.ts); T slot lists
// (listBytes(B, T) each: starts i32[T + 1] by owner, cursors i32[T], then up to 2B slots); T sort buffers
// (sortBytes(B) each: two u64[2B] of (point << 32 | slot), then the radix counts); and, when T > 1, T copies of
// the staged rows and T packed-gradient buffers (slotBytes(B, dim) each).

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

/** Digits of the radix sort: at most 2^11 buckets (16 KB of counts per pass), at most 3 passes (31-bit points). */
const RADIX_BITS = 11;
const RADIX_PASSES = 3;

/** Bytes of one of a sort buffer's two arrays of (point, slot) pairs. */
// @ts-ignore: decorator
@inline function pairsBytes(batch: i32): usize {
  return <usize>batch << 4;
}

/** Bytes of one thread's sort buffer (see above). */
// @ts-ignore: decorator
@inline export function sortBytes(batch: i32): usize {
  return 2 * pairsBytes(batch) + (<usize>(RADIX_PASSES << RADIX_BITS) << 2);
}

/** Bytes of all the buffers at ARG_SLOTS. */
// @ts-ignore: decorator
@inline export function stagingBytes(batch: i32, threads: i32, dim: i32): usize {
  const copies = threads > 1 ? 3 * threads : threads;
  return <usize>(1 + copies) * slotBytes(batch, dim) + <usize>threads * (listBytes(batch, threads) + sortBytes(batch));
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
 * Lists the slots of the endpoints of edges [begin, end) of the batch in `list` (this thread's list region) by
 * the owner of their point, in slot order.
 */
export function listSlots(
  list: usize, threads: i32, scale: u64, edges: usize, edgeCount: i32, offset: i32, batchStart: i32, begin: i32, end: i32,
): void {
  const cursors = list + (<usize>(threads + 1) << 2), slots = listedSlots(list, threads);
  for (let t = 0; t <= threads; t++) store<i32>(list + (<usize>t << 2), 0);
  for (let p = begin; p < end; p++) {
    const e = edgeSlot(edges, edgeCount, offset, p);
    countOwner(list, pointOwner(load<i32>(e), scale));
    countOwner(list, pointOwner(load<i32>(e, 4), scale));
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
 * Sorts the slots that every thread listed for `owner` by their point, stably (ties stay in list order: threads,
 * then slots, which is slot order), into the first array of `sort` (this thread's sort buffer, for batches of up
 * to `batch` edges) as u64 (point << 32 | slot). Points are below n. Returns how many pairs it sorted.
 */
export function sortOwned(
  sort: usize, batch: i32, n: i32, listBase: usize, listStride: usize, threads: i32, owner: i32,
  edges: usize, edgeCount: i32, offset: i32, batchStart: i32,
): i32 {
  const bits = 32 - clz(max(n - 1, 1));
  const passes = (bits + RADIX_BITS - 1) / RADIX_BITS, width = (bits + passes - 1) / passes;
  const buckets = 1 << width, mask = <u32>buckets - 1;
  const counts = sort + 2 * pairsBytes(batch);
  memory.fill(counts, 0, <usize>(passes * buckets) << 2);
  // the pairs start in the array that the last of the passes (which alternate arrays) writes into the first
  let from = passes & 1 ? sort + pairsBytes(batch) : sort, to = passes & 1 ? sort : sort + pairsBytes(batch);
  let count = 0;
  for (let u = 0; u < threads; u++) {
    const list = listBase + <usize>u * listStride, slots = listedSlots(list, threads);
    const begin = listedBegin(list, owner), end = listedBegin(list, owner + 1);
    for (let i = begin; i < end; i++) {
      const slot = load<i32>(slots + (<usize>i << 2));
      const point = <u32>batchEndpoint(edges, edgeCount, offset, batchStart, slot);
      store<u64>(from + (<usize>count << 3), (<u64>point << 32) | <u64><u32>slot);
      count++;
      for (let d = 0; d < passes; d++) {
        const c = counts + (<usize>((d << width) + <i32>((point >> <u32>(d * width)) & mask)) << 2);
        store<i32>(c, load<i32>(c) + 1);
      }
    }
  }
  for (let d = 0; d < passes; d++) {
    const c = counts + (<usize>(d << width) << 2);
    let start = 0;
    for (let k = 0; k < buckets; k++) {
      const ck = c + (<usize>k << 2), size = load<i32>(ck);
      store<i32>(ck, start);
      start += size;
    }
    const shift = <u64>(32 + d * width);
    for (let i = 0; i < count; i++) {
      const pair = load<u64>(from + (<usize>i << 3));
      const ck = c + (<usize>(<i32>(pair >> shift) & <i32>mask) << 2), k = load<i32>(ck);
      store<u64>(to + (<usize>k << 3), pair);
      store<i32>(ck, k + 1);
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return count;
}

/** The point of a sorted pair. */
// @ts-ignore: decorator
@inline export function pairPoint(sorted: usize, i: i32): i32 {
  return <i32>(load<u64>(sorted + (<usize>i << 3)) >> 32);
}

/** The slot of a sorted pair. */
// @ts-ignore: decorator
@inline export function pairSlot(sorted: usize, i: i32): i32 {
  return <i32>load<u32>(sorted + (<usize>i << 3));
}

/** Copies the layout row of each point of the sorted pairs (sortOwned) into its slots of slotY: one read per
 * distinct point, at ascending addresses. */
export function gatherOwned(y: usize, slotY: usize, dim: i32, sorted: usize, count: i32): void {
  if (dim == 2) {
    let previous = -1, row = f32x4.splat(0);
    for (let i = 0; i < count; i++) {
      const point = pairPoint(sorted, i);
      if (point != previous) {
        row = v128.load64_zero(y + (<usize>point << 3));
        previous = point;
      }
      v128.store64_lane(slotY + (<usize>pairSlot(sorted, i) << 3), row, 0);
    }
    return;
  }
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < count; i++) {
    copyRow(slotY + <usize>pairSlot(sorted, i) * rowBytes, y + <usize>pairPoint(sorted, i) * rowBytes, dim);
  }
}

/**
 * One thread's 2-D gradient of sorted pairs [i, next) (one point's): its slot gradients summed in slot order from
 * zero, zeroing them for the next batch. Lanes 2 and 3 are zero.
 */
// @ts-ignore: decorator
@inline export function pointGradient2(slotGrad: usize, sorted: usize, i: i32, next: i32): v128 {
  let sum = f32x4.splat(0);
  for (let k = i; k < next; k++) {
    const o = slotGrad + (<usize>pairSlot(sorted, k) << 3);
    sum = f32x4.add(sum, v128.load64_zero(o));
    store<u64>(o, 0);
  }
  return sum;
}

/** pointGradient2 for coordinate c of rows of any dim. */
// @ts-ignore: decorator
@inline export function pointGradient(slotGrad: usize, dim: i32, c: i32, sorted: usize, i: i32, next: i32): f32 {
  let sum: f32 = 0;
  for (let k = i; k < next; k++) {
    const o = slotGrad + (<usize>(pairSlot(sorted, k) * dim + c) << 2);
    sum += load<f32>(o);
    store<f32>(o, 0);
  }
  return sum;
}

/** How many (point, slot) pairs the T threads listed for `owner`: the length of its sorted pairs. */
// @ts-ignore: decorator
@inline export function ownedCount(listBase: usize, listStride: usize, threads: i32, owner: i32): i32 {
  let count = 0;
  for (let u = 0; u < threads; u++) {
    const list = listBase + <usize>u * listStride;
    count += listedBegin(list, owner + 1) - listedBegin(list, owner);
  }
  return count;
}

/** Where `owner`'s pairs start in a packed-gradient buffer: after those that the T threads listed for lower owners. */
// @ts-ignore: decorator
@inline export function packedOffset(listBase: usize, listStride: usize, threads: i32, owner: i32): i32 {
  let offset = 0;
  for (let u = 0; u < threads; u++) offset += listedBegin(listBase + <usize>u * listStride, owner);
  return offset;
}

/**
 * Packs this thread's slot gradients for every owner: owner o's run of `packed` (from packedOffset) holds, row by
 * row, the gradient of the slot of each of o's sorted pairs (sortOwned, in o's sort buffer at sortBase + o ·
 * sortStride). The random reads are of this thread's own slot gradients; the owner reads the run in order.
 */
export function packForOwners(
  slotGrad: usize, packed: usize, dim: i32, listBase: usize, listStride: usize, sortBase: usize, sortStride: usize, threads: i32,
): void {
  const rowBytes = <usize>dim << 2;
  for (let owner = 0; owner < threads; owner++) {
    const sorted = sortBase + <usize>owner * sortStride, count = ownedCount(listBase, listStride, threads, owner);
    const out = packed + <usize>packedOffset(listBase, listStride, threads, owner) * rowBytes;
    if (dim == 2) {
      for (let i = 0; i < count; i++) {
        store<u64>(out + (<usize>i << 3), load<u64>(slotGrad + (<usize>pairSlot(sorted, i) << 3)));
      }
    } else {
      for (let i = 0; i < count; i++) copyRow(out + <usize>i * rowBytes, slotGrad + <usize>pairSlot(sorted, i) * rowBytes, dim);
    }
  }
}

/**
 * The 2-D gradient of packed pairs [i, next) (one point's): per pair summed over the T threads' packed buffers
 * (`packed`: the owner's run in thread 0's buffer; stride: bytes between buffers) in thread order, then over the
 * pairs in slot order, from zero: the sums of one thread's pointGradient2 over the T slot-gradient buffers.
 */
// @ts-ignore: decorator
@inline export function packedGradient2(packed: usize, stride: usize, threads: i32, i: i32, next: i32): v128 {
  let sum = f32x4.splat(0);
  for (let k = i; k < next; k++) {
    const o = packed + (<usize>k << 3);
    let g = v128.load64_zero(o);
    for (let t = 1; t < threads; t++) g = f32x4.add(g, v128.load64_zero(o + <usize>t * stride));
    sum = f32x4.add(sum, g);
  }
  return sum;
}

/** packedGradient2 for coordinate c of rows of any dim. */
// @ts-ignore: decorator
@inline export function packedGradient(packed: usize, stride: usize, dim: i32, c: i32, threads: i32, i: i32, next: i32): f32 {
  let sum: f32 = 0;
  for (let k = i; k < next; k++) {
    const o = packed + (<usize>(k * dim + c) << 2);
    let g = load<f32>(o);
    for (let t = 1; t < threads; t++) g += load<f32>(o + <usize>t * stride);
    sum += g;
  }
  return sum;
}

/** The end of the run of sorted pairs from i that share i's point. */
// @ts-ignore: decorator
@inline export function runEnd(sorted: usize, count: i32, i: i32): i32 {
  const point = pairPoint(sorted, i);
  let next = i + 1;
  while (next < count && pairPoint(sorted, next) == point) next++;
  return next;
}

/** Adds into grad (n rows) one thread's summed slot gradients of the sorted pairs' points (zeroing them). */
export function mergeOwned(grad: usize, slotGrad: usize, dim: i32, sorted: usize, count: i32): void {
  for (let i = 0; i < count;) {
    const next = runEnd(sorted, count, i), point = pairPoint(sorted, i);
    if (dim == 2) {
      const o = grad + (<usize>point << 3);
      v128.store64_lane(o, f32x4.add(v128.load64_zero(o), pointGradient2(slotGrad, sorted, i, next)), 0);
    } else {
      for (let c = 0; c < dim; c++) {
        const o = grad + (<usize>(point * dim + c) << 2);
        store<f32>(o, load<f32>(o) + pointGradient(slotGrad, dim, c, sorted, i, next));
      }
    }
    i = next;
  }
}
