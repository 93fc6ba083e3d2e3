// Tasks of the kNN concern, run by every thread through parallel/tasks.ts.
import { argInt, argPtr, nextChunk } from "../parallel/control";
import { knnExactRowsWith, knnQueryRowsWith } from "./exact";
import { graphQueryScratchBytes, knnGraphQueryRowsWith } from "./graph_query";
import { ARG_KNN_METRIC, Euclidean, METRIC_EUCLIDEAN } from "./metric";

export const TASK_KNN_EXACT: i32 = 1;
export const TASK_KNN_QUERY: i32 = 2;
export const TASK_KNN_GRAPH_QUERY: i32 = 3;

/**
 * TASK_KNN_EXACT args: 0 dataPtr, 1 n, 2 stride, 3 k, 4 rowBegin, 5 rowEnd, 6 outIdxPtr, 7 outDistPtr,
 * 8 rowsPerChunk, ARG_KNN_METRIC the metric id. Chunks of rows are taken by work stealing.
 */
function knnExactTask<M>(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, 0), n = argInt(ctrl, 1), stride = argInt(ctrl, 2), k = argInt(ctrl, 3);
  const rowBegin = argInt(ctrl, 4), rowEnd = argInt(ctrl, 5);
  const outIdx = argPtr(ctrl, 6), outDist = argPtr(ctrl, 7), rowsPerChunk = argInt(ctrl, 8);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = rowBegin + c * rowsPerChunk;
    const e = min(b + rowsPerChunk, rowEnd);
    knnExactRowsWith<M>(dataPtr, n, stride, k, b, e, outIdx, outDist);
  }
}

/**
 * TASK_KNN_QUERY args: as TASK_KNN_EXACT, with 9 queryPtr (f32[rows × stride]): rows [rowBegin, rowEnd) of the
 * queries against the n rows at dataPtr, no row excluded.
 */
function knnQueryTask<M>(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, 0), n = argInt(ctrl, 1), stride = argInt(ctrl, 2), k = argInt(ctrl, 3);
  const rowBegin = argInt(ctrl, 4), rowEnd = argInt(ctrl, 5);
  const outIdx = argPtr(ctrl, 6), outDist = argPtr(ctrl, 7), rowsPerChunk = argInt(ctrl, 8), queryPtr = argPtr(ctrl, 9);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = rowBegin + c * rowsPerChunk;
    const e = min(b + rowsPerChunk, rowEnd);
    knnQueryRowsWith<M>(dataPtr, n, stride, k, queryPtr, b, e, outIdx, outDist);
  }
}

/**
 * TASK_KNN_GRAPH_QUERY args: as TASK_KNN_QUERY, with 10 rowPtr, 11 colPtr (the reference rows' graph, CSR),
 * 12 ef, 13 entries, 14 scratchPtr (threads × graphQueryScratchBytes(n, ef) bytes, stamps zeroed), the search
 * tree (knn/search_tree.ts): 15 nodes, 16 offsets, 17 normals, 18 perm; 19 order (i32[rows]: the query rows
 * in the order they are searched, rowBegin and rowEnd index it).
 */
function knnGraphQueryTask<M>(ctrl: usize, thread: i32): void {
  const dataPtr = argPtr(ctrl, 0), n = argInt(ctrl, 1), stride = argInt(ctrl, 2), k = argInt(ctrl, 3);
  const rowBegin = argInt(ctrl, 4), rowEnd = argInt(ctrl, 5);
  const outIdx = argPtr(ctrl, 6), outDist = argPtr(ctrl, 7), rowsPerChunk = argInt(ctrl, 8), queryPtr = argPtr(ctrl, 9);
  const rowPtr = argPtr(ctrl, 10), colPtr = argPtr(ctrl, 11), ef = argInt(ctrl, 12), entries = argInt(ctrl, 13);
  const scratch = argPtr(ctrl, 14) + <usize>thread * graphQueryScratchBytes(n, ef);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = rowBegin + c * rowsPerChunk;
    const e = min(b + rowsPerChunk, rowEnd);
    knnGraphQueryRowsWith<M>(
      dataPtr, n, stride, k, queryPtr, b, e, outIdx, outDist, rowPtr, colPtr, ef, entries, scratch,
      argPtr(ctrl, 15), argPtr(ctrl, 16), argPtr(ctrl, 17), argPtr(ctrl, 18), argPtr(ctrl, 19),
    );
  }
}

/** Runs a task of this concern; returns false when the id is not one of ours. */
export function runKnnTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task != TASK_KNN_EXACT && task != TASK_KNN_QUERY && task != TASK_KNN_GRAPH_QUERY) return false;
  const metric = argInt(ctrl, ARG_KNN_METRIC);
  if (metric != METRIC_EUCLIDEAN) unreachable(); // a metric id the core does not know
  if (task == TASK_KNN_EXACT) knnExactTask<Euclidean>(ctrl);
  else if (task == TASK_KNN_QUERY) knnQueryTask<Euclidean>(ctrl);
  else knnGraphQueryTask<Euclidean>(ctrl, thread);
  return true;
}
