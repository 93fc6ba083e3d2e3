// NN-descent (Dong, Moses & Li 2011) in a "pull" form: every row updates only its own neighbour heap, from
// candidates gathered through its neighbours and reverse neighbours. Candidate lists are built in a separate
// step, deterministically, before the rows read them, so no locks are needed and the result does not depend on
// how rows are split between threads.
//
// The graph: per row a max-heap of k (squared distance, index) pairs ordered by distance then index, with a
// flag per slot (1 = new: not yet used to find candidates). Empty slots hold (+inf, EMPTY), the largest pair.
// graphDistPtr: f32[n * k], graphIdxPtr: i32[n * k], graphFlagPtr: u8[n * k].
//
// Stamps: stampPtr is i32[n], one array per thread. A row's tag marks the candidates it already evaluated in
// this iteration, so each distance is computed once per row; stamps only skip repeated work, never change it.

import { ByteTag, heapPush, LargestFirst, pairLess, siftDown } from "../util/heap";
import { draw, streamKey, uniformUnit } from "../rng";
import { metricOf } from "./metric";

export const EMPTY: i32 = 0x7fffffff;

/** Replaces the root of a full k-slot heap by (d, index, flag = new) and restores the heap order. */
export function replaceRoot(dRow: usize, iRow: usize, fRow: usize, k: i32, d: f32, index: i32): void {
  store<f32>(dRow, d);
  store<i32>(iRow, index);
  store<u8>(fRow, 1);
  siftDown<LargestFirst, ByteTag>(dRow, iRow, fRow, k, 0);
}

/** Offers (d, index) to a row's heap; returns 1 when it entered. The caller ensures index is not in it. */
// @ts-ignore: decorator
@inline export function offer(dRow: usize, iRow: usize, fRow: usize, k: i32, d: f32, index: i32): i32 {
  if (!pairLess(d, index, load<f32>(dRow), load<i32>(iRow))) return 0;
  replaceRoot(dRow, iRow, fRow, k, d, index);
  return 1;
}

/**
 * Offers `cand` with priority `pr` to row `row`'s bounded candidate list (a max-heap on (pr, index) of
 * `capacity` slots at prBase/idxBase + row * capacity, its size at countBase + row), skipping repeats.
 */
function offerCandidate(
  prBase: usize, idxBase: usize, countBase: usize, row: i32, capacity: i32, pr: f32, cand: i32,
): void {
  const prRow = prBase + ((<usize>row * <usize>capacity) << 2);
  const idxRow = idxBase + ((<usize>row * <usize>capacity) << 2);
  const countPtr = countBase + (<usize>row << 2);
  const size = load<i32>(countPtr);
  if (size == capacity && !pairLess(pr, cand, load<f32>(prRow), load<i32>(idxRow))) return;
  for (let s = 0; s < size; s++) if (load<i32>(idxRow + (<usize>s << 2)) == cand) return;
  store<i32>(countPtr, heapPush(prRow, idxRow, size, capacity, pr, cand));
}

/**
 * Candidate lists of the target rows [targetBegin, targetEnd) for one iteration: each graph edge i → j offers
 * j to i's list and i to j's list (new edges to the new lists, old edges to the old lists), each list keeping
 * the `maxCand` offers of smallest random priority. Scans every edge in row order, so a list's content and
 * layout do not depend on how targets are split.
 * newIdxPtr, oldIdxPtr: i32[n * maxCand]; newPrPtr, oldPrPtr: f32[n * maxCand]; newCountPtr, oldCountPtr: i32[n].
 */
export function nndCandidates(
  n: i32, k: i32, graphIdxPtr: usize, graphFlagPtr: usize,
  newIdxPtr: usize, newPrPtr: usize, newCountPtr: usize,
  oldIdxPtr: usize, oldPrPtr: usize, oldCountPtr: usize,
  maxCand: i32, seed: u64, iteration: i32, targetBegin: i32, targetEnd: i32,
): void {
  for (let t = targetBegin; t < targetEnd; t++) {
    store<i32>(newCountPtr + (<usize>t << 2), 0);
    store<i32>(oldCountPtr + (<usize>t << 2), 0);
  }
  const key = streamKey(seed, u64(iteration));
  for (let i = 0; i < n; i++) {
    const iMine = i >= targetBegin && i < targetEnd;
    const iRow = graphIdxPtr + ((<usize>i * <usize>k) << 2);
    const fRow = graphFlagPtr + <usize>i * <usize>k;
    for (let s = 0; s < k; s++) {
      const j = load<i32>(iRow + (<usize>s << 2));
      const jMine = j >= targetBegin && j < targetEnd;
      if (!iMine && !jMine) continue;
      const pr = uniformUnit(draw(key, (u64(i) << 32) | u64(j)));
      const isNew = load<u8>(fRow + <usize>s) != 0;
      const idxBase = isNew ? newIdxPtr : oldIdxPtr;
      const prBase = isNew ? newPrPtr : oldPrPtr;
      const countBase = isNew ? newCountPtr : oldCountPtr;
      if (iMine) offerCandidate(prBase, idxBase, countBase, i, maxCand, pr, j);
      if (jMine) offerCandidate(prBase, idxBase, countBase, j, maxCand, pr, i);
    }
  }
}

// @ts-ignore: decorator
@inline function listHas(idxRow: usize, count: i32, value: i32): bool {
  for (let s = 0; s < count; s++) if (load<i32>(idxRow + (<usize>s << 2)) == value) return true;
  return false;
}

/**
 * Row i evaluates candidate c once per iteration (stamps skip repeats): the distance, bounded by the row's
 * current largest, then the heap. Returns 1 when c entered the heap.
 */
// @ts-ignore: decorator
@inline function evaluate<M>(
  x: usize, dataPtr: usize, stride: i32, k: i32, dRow: usize, iRow: usize, fRow: usize,
  stampPtr: usize, tag: i32, c: i32,
): i32 {
  const sp = stampPtr + (<usize>c << 2);
  if (load<i32>(sp) == tag) return 0;
  store<i32>(sp, tag);
  const d = metricOf<M>().rankBounded(x, dataPtr + <usize>c * (<usize>stride << 2), stride, load<f32>(dRow));
  return offer(dRow, iRow, fRow, k, d, c);
}

/**
 * One NN-descent step for rows [rowBegin, rowEnd): row i evaluates every row met through a new candidate r
 * (r itself and r's new and old candidates) and the new candidates of its old candidates, keeping the k
 * nearest. Its neighbours picked as new candidates this iteration become old. Returns the heap updates.
 */
export function nndJoinRows<M>(
  dataPtr: usize, n: i32, stride: i32, k: i32,
  graphDistPtr: usize, graphIdxPtr: usize, graphFlagPtr: usize,
  newIdxPtr: usize, newCountPtr: usize, oldIdxPtr: usize, oldCountPtr: usize, maxCand: i32,
  stampPtr: usize, iteration: i32, rowBegin: i32, rowEnd: i32,
): i32 {
  const rowBytes = <usize>stride << 2;
  const listBytes = <usize>maxCand << 2;
  let updates = 0;
  for (let i = rowBegin; i < rowEnd; i++) {
    const dRow = graphDistPtr + ((<usize>i * <usize>k) << 2);
    const iRow = graphIdxPtr + ((<usize>i * <usize>k) << 2);
    const fRow = graphFlagPtr + <usize>i * <usize>k;
    const myNew = newIdxPtr + <usize>i * listBytes;
    const myNewCount = load<i32>(newCountPtr + (<usize>i << 2));
    const myOld = oldIdxPtr + <usize>i * listBytes;
    const myOldCount = load<i32>(oldCountPtr + (<usize>i << 2));
    // tags are unique per (iteration, row), so stamps never need clearing; the fill step used 1..n
    const tag = (iteration + 1) * n + i + 1;
    store<i32>(stampPtr + (<usize>i << 2), tag);
    for (let s = 0; s < k; s++) {
      const j = load<i32>(iRow + (<usize>s << 2));
      store<i32>(stampPtr + (<usize>j << 2), tag);
      if (load<u8>(fRow + <usize>s) != 0 && listHas(myNew, myNewCount, j)) store<u8>(fRow + <usize>s, 0);
    }
    const x = dataPtr + <usize>i * rowBytes;
    for (let a = 0; a < myNewCount; a++) {
      const r = load<i32>(myNew + (<usize>a << 2));
      updates += evaluate<M>(x, dataPtr, stride, k, dRow, iRow, fRow, stampPtr, tag, r);
      const rNew = newIdxPtr + <usize>r * listBytes;
      const rNewCount = load<i32>(newCountPtr + (<usize>r << 2));
      for (let b = 0; b < rNewCount; b++) {
        updates += evaluate<M>(x, dataPtr, stride, k, dRow, iRow, fRow, stampPtr, tag, load<i32>(rNew + (<usize>b << 2)));
      }
      const rOld = oldIdxPtr + <usize>r * listBytes;
      const rOldCount = load<i32>(oldCountPtr + (<usize>r << 2));
      for (let b = 0; b < rOldCount; b++) {
        updates += evaluate<M>(x, dataPtr, stride, k, dRow, iRow, fRow, stampPtr, tag, load<i32>(rOld + (<usize>b << 2)));
      }
    }
    for (let a = 0; a < myOldCount; a++) {
      const r = load<i32>(myOld + (<usize>a << 2));
      const rNew = newIdxPtr + <usize>r * listBytes;
      const rNewCount = load<i32>(newCountPtr + (<usize>r << 2));
      for (let b = 0; b < rNewCount; b++) {
        updates += evaluate<M>(x, dataPtr, stride, k, dRow, iRow, fRow, stampPtr, tag, load<i32>(rNew + (<usize>b << 2)));
      }
    }
  }
  return updates;
}
