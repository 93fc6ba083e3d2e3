// Approximate kNN of query rows against reference rows by searching the reference rows' own neighbour graph
// (PyNNDescent's query, HNSW's search on one layer): best-first from entry rows (the reference rows of the
// query's leaf in a random-projection tree, knn/search_tree.ts, and a fixed, evenly spaced sample), keeping the
// `ef` nearest rows met; a frontier row is expanded (its graph neighbours evaluated) until the nearest
// unexpanded one is farther than the ef-th nearest found. Each query is searched on its own by one
// thread, in a fixed order, with the same distance arithmetic as the exact search (knn/exact.ts), so results
// do not depend on the thread count, and when every row is reached the answer is the exact one, ties included.
// When the queries are the reference rows themselves (the same pointer: NN-descent's refinement pass,
// bindings/knn/refine.ts), a row never finds itself and its own graph neighbours are entries too, so the k it
// keeps are never worse than the graph's.

import { heapPush, heapSortAscending, minHeapPop, minHeapPush, pairLess } from "../util/heap";
import { metricOf } from "./metric";
import { searchTreeLeaf } from "./search_tree";

/** At most this many rows of a leaf start a search (a leaf is larger only when the tree ran out of nodes). */
const MAX_LEAF_ENTRIES: i32 = 64;

/** Bytes of one thread's scratch for a search of n reference rows with `ef` kept: stamps, frontier, pool. */
export function graphQueryScratchBytes(n: i32, ef: i32): usize {
  return (<usize>n * 12) + (<usize>ef << 3);
}

/**
 * Searches the query rows order[rowBegin, rowEnd) (i32 row indices) of queryPtr among the n reference rows at
 * refPtr (both f32[· × stride], zero-padded) through the graph rowPtr (i32[n + 1]) / colPtr (i32[E]): CSR rows of graph neighbours.
 * Every search starts from the rows of the query's leaf in the tree (treeNodes, treeOffsets, treeNormals,
 * treePerm: knn/search_tree.ts) and from `entries` (≤ n) evenly spaced rows; `ef` (≥ k) nearest rows are kept.
 * scratch: graphQueryScratchBytes(n, ef) bytes owned by this thread, its first n i32 (the stamps) zeroed by the
 * binding once per search: a row met by query i is stamped i + 1, unique within the search, so never cleared.
 * outIdxPtr: i32[rows × k], outDistPtr: f32[rows × k], the metric's distance, ascending, ties by index.
 * queryPtr == refPtr searches the reference rows' own neighbours: row i is excluded and its graph row joins the entries.
 */
export function knnGraphQueryRowsWith<M>(
  refPtr: usize, n: i32, stride: i32, k: i32, queryPtr: usize, rowBegin: i32, rowEnd: i32,
  outIdxPtr: usize, outDistPtr: usize, rowPtr: usize, colPtr: usize, ef: i32, entries: i32, scratch: usize,
  treeNodes: usize, treeOffsets: usize, treeNormals: usize, treePerm: usize, order: usize,
): void {
  const metric = metricOf<M>();
  const rowBytes = <usize>stride << 2;
  const stamps = scratch;
  const frontierDist = stamps + (<usize>n << 2);
  const frontierIdx = frontierDist + (<usize>n << 2);
  const poolDist = frontierIdx + (<usize>n << 2);
  const poolIdx = poolDist + (<usize>ef << 2);
  const selfSearch = queryPtr == refPtr;
  for (let at = rowBegin; at < rowEnd; at++) {
    const i = load<i32>(order + (<usize>at << 2));
    const q = queryPtr + <usize>i * rowBytes;
    const tag = i + 1;
    let pool = 0;
    let frontier = 0;
    // the entry rows: the leaf's rows, then rows floor((2t + 1)·n / (2·entries)), distinct while entries ≤ n;
    // a self search stamps its row first and starts from its graph neighbours as well
    let own: usize = 0, ownCount = 0;
    if (selfSearch) {
      store<i32>(stamps + (<usize>i << 2), tag);
      const ownBegin = load<i32>(rowPtr + (<usize>i << 2));
      own = colPtr + (<usize>ownBegin << 2);
      ownCount = load<i32>(rowPtr + (<usize>(i + 1) << 2)) - ownBegin;
    }
    const leaf = searchTreeLeaf(q, stride, treeNodes, treeOffsets, treeNormals);
    const leafRows = treePerm + (<usize>(-1 - load<i32>(leaf)) << 2);
    const leafCount = min(load<i32>(leaf + 4), MAX_LEAF_ENTRIES);
    for (let t = 0; t < ownCount + leafCount + entries; t++) {
      const e = t < ownCount
        ? load<i32>(own + (<usize>t << 2))
        : t < ownCount + leafCount
        ? load<i32>(leafRows + (<usize>(t - ownCount) << 2))
        : <i32>((<i64>(2 * (t - ownCount - leafCount) + 1) * <i64>n) / (<i64>(2 * entries)));
      const sp = stamps + (<usize>e << 2);
      if (load<i32>(sp) == tag) continue;
      store<i32>(sp, tag);
      const d = metric.rank(q, refPtr + <usize>e * rowBytes, stride);
      if (pool == ef && !pairLess(d, e, load<f32>(poolDist), load<i32>(poolIdx))) continue;
      pool = heapPush(poolDist, poolIdx, pool, ef, d, e);
      frontier = minHeapPush(frontierDist, frontierIdx, frontier, d, e);
    }
    while (frontier > 0) {
      const cd = load<f32>(frontierDist);
      const c = load<i32>(frontierIdx);
      // the nearest unexpanded row is farther than every kept one: nothing nearer is reachable through it
      if (pool == ef && !pairLess(cd, c, load<f32>(poolDist), load<i32>(poolIdx))) break;
      frontier = minHeapPop(frontierDist, frontierIdx, frontier);
      const begin = load<i32>(rowPtr + (<usize>c << 2));
      const end = load<i32>(rowPtr + (<usize>(c + 1) << 2));
      for (let p = begin; p < end; p++) {
        const j = load<i32>(colPtr + (<usize>p << 2));
        const sp = stamps + (<usize>j << 2);
        if (load<i32>(sp) == tag) continue;
        store<i32>(sp, tag);
        const row = refPtr + <usize>j * rowBytes;
        if (pool < ef) {
          const d = metric.rank(q, row, stride);
          pool = heapPush(poolDist, poolIdx, pool, ef, d, j);
          frontier = minHeapPush(frontierDist, frontierIdx, frontier, d, j);
        } else {
          // a partial sum above the worst kept rank rejects j as the full distance would (knn/bounded.ts)
          const worst = load<f32>(poolDist);
          const d = metric.rankBounded(q, row, stride, worst);
          if (!pairLess(d, j, worst, load<i32>(poolIdx))) continue;
          heapPush(poolDist, poolIdx, pool, ef, d, j);
          frontier = minHeapPush(frontierDist, frontierIdx, frontier, d, j);
        }
      }
    }
    heapSortAscending(poolDist, poolIdx, pool);
    const dRow = outDistPtr + ((<usize>i * <usize>k) << 2);
    const iRow = outIdxPtr + ((<usize>i * <usize>k) << 2);
    for (let t = 0; t < k; t++) {
      store<i32>(iRow + (<usize>t << 2), load<i32>(poolIdx + (<usize>t << 2)));
      store<f32>(dRow + (<usize>t << 2), metric.reported(load<f32>(poolDist + (<usize>t << 2))));
    }
  }
}
