// The steps of approximate kNN around the NN-descent iterations: reorder the rows, build the initial graph
// from the forest's leaves, fill short rows, and map the graph back to the caller's row order.
//
// Why reorder: NN-descent reads rows at random, and at 70,000 × 50 the data (14 MB) does not fit in cache.
// Copying the rows in the leaf order of the first tree puts rows that are close in space close in memory, so
// a row's neighbours and their neighbours mostly sit near it. The graph and every list are kept in this
// "local" order (local index p is caller row order[p]); only the output is in the caller's order.

import { draw, streamKey, uniformIndex } from "../rng";
import { pairLess } from "../util/heap";
import { metricOf } from "./metric";
import { EMPTY, offer, replaceRoot } from "./nndescent";

const FILL_STREAM: u64 = 0x66696c6c00000000; // "fill": random neighbours for rows the forest left short

/**
 * For local rows [begin, end): copies caller row order[p] (the first tree's leaf order) to local row p, and
 * records order[p] and localOf[order[p]] = p; replaces the first tree's perm by the identity, since its leaves
 * are contiguous in the local order; empties the row's graph slots ((+inf, EMPTY), flag new).
 * dataPtr, localDataPtr: f32[n * stride]; firstPermPtr, orderPtr, localOfPtr: i32[n].
 * graphDistPtr: f32[n * k], graphIdxPtr: i32[n * k], graphFlagPtr: u8[n * k].
 */
export function nndReorderRows(
  dataPtr: usize, stride: i32, firstPermPtr: usize, orderPtr: usize, localDataPtr: usize, localOfPtr: usize,
  graphDistPtr: usize, graphIdxPtr: usize, graphFlagPtr: usize, k: i32, begin: i32, end: i32,
): void {
  const rowBytes = <usize>stride << 2;
  for (let p = begin; p < end; p++) {
    const row = load<i32>(firstPermPtr + (<usize>p << 2));
    store<i32>(firstPermPtr + (<usize>p << 2), p);
    store<i32>(orderPtr + (<usize>p << 2), row);
    store<i32>(localOfPtr + (<usize>row << 2), p);
    memory.copy(localDataPtr + <usize>p * rowBytes, dataPtr + <usize>row * rowBytes, rowBytes);
    const slot = <usize>p * <usize>k;
    for (let s = 0; s < k; s++) {
      store<f32>(graphDistPtr + ((slot + <usize>s) << 2), Infinity);
      store<i32>(graphIdxPtr + ((slot + <usize>s) << 2), EMPTY);
      store<u8>(graphFlagPtr + slot + <usize>s, 1);
    }
  }
}

// @ts-ignore: decorator
@inline function offerUnique(dRow: usize, iRow: usize, fRow: usize, k: i32, d: f32, index: i32): void {
  if (!pairLess(d, index, load<f32>(dRow), load<i32>(iRow))) return;
  for (let s = 0; s < k; s++) if (load<i32>(iRow + (<usize>s << 2)) == index) return;
  replaceRoot(dRow, iRow, fRow, k, d, index);
}

/**
 * Adds the pairs within leaves [leafBegin, leafEnd) of one tree to the graph: every distance is computed once
 * and offered to both rows. The leaves of a tree are disjoint, so chunks of leaves touch disjoint rows; trees
 * are run one after another, so each row sees its offers in the same order on any thread count.
 * localDataPtr: f32[n * stride]. permPtr: i32[n], this tree's local rows in leaf order; boundsPtr:
 * i32[leaves + 1], where each leaf starts in perm.
 */
export function nndInitLeaves<M>(
  localDataPtr: usize, stride: i32, k: i32, permPtr: usize, boundsPtr: usize,
  graphDistPtr: usize, graphIdxPtr: usize, graphFlagPtr: usize, leafBegin: i32, leafEnd: i32,
): void {
  const rowBytes = <usize>stride << 2;
  for (let leaf = leafBegin; leaf < leafEnd; leaf++) {
    const b = load<i32>(boundsPtr + (<usize>leaf << 2));
    const e = load<i32>(boundsPtr + (<usize>(leaf + 1) << 2));
    for (let a = b; a < e; a++) {
      const p = load<i32>(permPtr + (<usize>a << 2));
      const xp = localDataPtr + <usize>p * rowBytes;
      const pd = graphDistPtr + ((<usize>p * <usize>k) << 2);
      const pi = graphIdxPtr + ((<usize>p * <usize>k) << 2);
      const pf = graphFlagPtr + <usize>p * <usize>k;
      for (let c = a + 1; c < e; c++) {
        const q = load<i32>(permPtr + (<usize>c << 2));
        const qd = graphDistPtr + ((<usize>q * <usize>k) << 2);
        const bound = max(load<f32>(pd), load<f32>(qd)); // past both heaps' largest, neither takes it
        const d = metricOf<M>().rankBounded(xp, localDataPtr + <usize>q * rowBytes, stride, bound);
        offerUnique(pd, pi, pf, k, d, q);
        offerUnique(qd, graphIdxPtr + ((<usize>q * <usize>k) << 2), graphFlagPtr + <usize>q * <usize>k, k, d, p);
      }
    }
  }
}

/**
 * Completes rows [begin, end) that the forest left with empty slots (a row alone in small leaves) with rows
 * from a random start keyed by (seed, row). stampPtr: i32[n], this thread's stamps.
 */
export function nndFillRows<M>(
  localDataPtr: usize, n: i32, stride: i32, k: i32, graphDistPtr: usize, graphIdxPtr: usize,
  graphFlagPtr: usize, stampPtr: usize, seed: u64, begin: i32, end: i32,
): void {
  const rowBytes = <usize>stride << 2;
  for (let p = begin; p < end; p++) {
    const dRow = graphDistPtr + ((<usize>p * <usize>k) << 2);
    const iRow = graphIdxPtr + ((<usize>p * <usize>k) << 2);
    if (load<i32>(iRow) != EMPTY) continue; // the root is the largest pair: no EMPTY slot is left
    const fRow = graphFlagPtr + <usize>p * <usize>k;
    const tag = p + 1; // fill tags; the iterations use (iteration + 1) * n + p + 1
    store<i32>(stampPtr + (<usize>p << 2), tag);
    for (let s = 0; s < k; s++) {
      const j = load<i32>(iRow + (<usize>s << 2));
      if (j != EMPTY) store<i32>(stampPtr + (<usize>j << 2), tag);
    }
    const xp = localDataPtr + <usize>p * rowBytes;
    const start = uniformIndex(draw(streamKey(seed, FILL_STREAM), u64(p)), <u32>n);
    for (let t = 0; t < n && load<i32>(iRow) == EMPTY; t++) {
      const j = <i32>((start + <u32>t) % <u32>n);
      const sp = stampPtr + (<usize>j << 2);
      if (load<i32>(sp) == tag) continue;
      store<i32>(sp, tag);
      const d = metricOf<M>().rankBounded(xp, localDataPtr + <usize>j * rowBytes, stride, load<f32>(dRow));
      offer(dRow, iRow, fRow, k, d, j);
    }
  }
}

/**
 * Writes caller rows [begin, end) of the output from the graph: neighbours as caller indices, ascending by
 * (distance, index), the metric's distances.
 * orderPtr, localOfPtr: i32[n]; outIdxPtr: i32[n * k]; outDistPtr: f32[n * k].
 */
export function nndFinishRows<M>(
  graphDistPtr: usize, graphIdxPtr: usize, k: i32, orderPtr: usize, localOfPtr: usize,
  outIdxPtr: usize, outDistPtr: usize, begin: i32, end: i32,
): void {
  for (let i = begin; i < end; i++) {
    const p = load<i32>(localOfPtr + (<usize>i << 2));
    const gSlot = <usize>p * <usize>k;
    const oSlot = <usize>i * <usize>k;
    // insertion sort of k pairs (k is small)
    for (let s = 0; s < k; s++) {
      const d = load<f32>(graphDistPtr + ((gSlot + <usize>s) << 2));
      const j = load<i32>(orderPtr + (<usize>load<i32>(graphIdxPtr + ((gSlot + <usize>s) << 2)) << 2));
      let t = s;
      while (t > 0) {
        const od = load<f32>(outDistPtr + ((oSlot + <usize>(t - 1)) << 2));
        const oj = load<i32>(outIdxPtr + ((oSlot + <usize>(t - 1)) << 2));
        if (!pairLess(d, j, od, oj)) break;
        store<f32>(outDistPtr + ((oSlot + <usize>t) << 2), od);
        store<i32>(outIdxPtr + ((oSlot + <usize>t) << 2), oj);
        t--;
      }
      store<f32>(outDistPtr + ((oSlot + <usize>t) << 2), d);
      store<i32>(outIdxPtr + ((oSlot + <usize>t) << 2), j);
    }
    for (let s = 0; s < k; s++) {
      const at = outDistPtr + ((oSlot + <usize>s) << 2);
      store<f32>(at, metricOf<M>().reported(load<f32>(at)));
    }
  }
}
