// Exact k-nearest neighbours by brute force: for each query row, the metric's rank (e.g. squared distance) to
// every other row with v128 SIMD, the k smallest kept in a bounded heap that lives in the output row itself (no scratch memory).
// The distance of a pair is computed the same way whichever thread handles it, so any thread count gives
// bit-identical results.

import { heapPush, heapSortAscending } from "../util/heap";
import { metricOf } from "./metric";

/**
 * Neighbours among the n reference rows at refPtr of query rows [rowBegin, rowEnd) at queryPtr, under metric M
 * (knn/metric.ts). Both are f32[· × stride], rows zero-padded to `stride` (a multiple of 4).
 * outIdxPtr: i32[rows × k]; outDistPtr: f32[rows × k], the metric's distance, ascending, ties by index.
 * `excludeSelf`: the queries are the reference rows, and row i is not its own neighbour.
 */
// @ts-ignore: decorator
@inline function knnRowsWith<M>(
  refPtr: usize, n: i32, stride: i32, k: i32, queryPtr: usize,
  rowBegin: i32, rowEnd: i32, outIdxPtr: usize, outDistPtr: usize, excludeSelf: bool,
): void {
  const metric = metricOf<M>();
  const rowBytes = <usize>stride << 2;
  for (let i = rowBegin; i < rowEnd; i++) {
    const q = queryPtr + <usize>i * rowBytes;
    const dRow = outDistPtr + ((<usize>i * <usize>k) << 2);
    const iRow = outIdxPtr + ((<usize>i * <usize>k) << 2);
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (excludeSelf && j == i) continue;
      const d = metric.rank(q, refPtr + <usize>j * rowBytes, stride);
      if (size == k && d > load<f32>(dRow)) continue; // cheap reject before the heap
      size = heapPush(dRow, iRow, size, k, d, j);
    }
    heapSortAscending(dRow, iRow, size);
    for (let t = 0; t < k; t++) {
      const p = dRow + (<usize>t << 2);
      store<f32>(p, metric.reported(load<f32>(p)));
    }
  }
}

/** Neighbours of rows [rowBegin, rowEnd) of dataPtr (f32[n × stride]) among the others. */
export function knnExactRowsWith<M>(
  dataPtr: usize, n: i32, stride: i32, k: i32,
  rowBegin: i32, rowEnd: i32, outIdxPtr: usize, outDistPtr: usize,
): void {
  knnRowsWith<M>(dataPtr, n, stride, k, dataPtr, rowBegin, rowEnd, outIdxPtr, outDistPtr, true);
}

/** Neighbours among the reference rows of query rows of another matrix (placing new points): none excluded. */
export function knnQueryRowsWith<M>(
  refPtr: usize, n: i32, stride: i32, k: i32, queryPtr: usize,
  rowBegin: i32, rowEnd: i32, outIdxPtr: usize, outDistPtr: usize,
): void {
  knnRowsWith<M>(refPtr, n, stride, k, queryPtr, rowBegin, rowEnd, outIdxPtr, outDistPtr, false);
}
