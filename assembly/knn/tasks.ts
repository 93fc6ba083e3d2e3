// Tasks of the kNN concern, run by every thread through assembly/tasks.ts.
import { argInt, argPtr, nextChunk } from "../parallel/control";
import { knnExactRowsWith, knnQueryRowsWith } from "./exact";
import { graphQueryScratchBytes, knnGraphQueryRowsWith } from "./graph_query";
import { withMetric } from "./metric";

export const TASK_KNN_EXACT: i32 = 1;
export const TASK_KNN_QUERY: i32 = 2;
export const TASK_KNN_GRAPH_QUERY: i32 = 3;

// Argument slots of TASK_KNN_EXACT, TASK_KNN_QUERY and TASK_KNN_GRAPH_QUERY (and ARG_KNN_METRIC, knn/metric.ts),
// written by name by the bindings (bindings/core/abi.ts).
export const ARG_KNN_DATA: i32 = 0;
export const ARG_KNN_N: i32 = 1;
export const ARG_KNN_STRIDE: i32 = 2;
export const ARG_KNN_K: i32 = 3;
export const ARG_KNN_ROW_BEGIN: i32 = 4;
export const ARG_KNN_ROW_END: i32 = 5;
export const ARG_KNN_OUT_INDICES: i32 = 6;
export const ARG_KNN_OUT_DISTANCES: i32 = 7;
export const ARG_KNN_ROWS_PER_CHUNK: i32 = 8;
export const ARG_KNN_QUERY: i32 = 9;
export const ARG_KNN_ROW_PTR: i32 = 10;
export const ARG_KNN_COL_PTR: i32 = 11;
export const ARG_KNN_EF: i32 = 12;
export const ARG_KNN_ENTRIES: i32 = 13;
export const ARG_KNN_SCRATCH: i32 = 14;
export const ARG_KNN_TREE_NODES: i32 = 15;
export const ARG_KNN_TREE_OFFSETS: i32 = 16;
export const ARG_KNN_TREE_NORMALS: i32 = 17;
export const ARG_KNN_TREE_PERM: i32 = 18;
export const ARG_KNN_ORDER: i32 = 19;

/**
 * TASK_KNN_EXACT args: 0 dataPtr, 1 n, 2 stride, 3 k, 4 rowBegin, 5 rowEnd, 6 outIdxPtr, 7 outDistPtr,
 * 8 rowsPerChunk, ARG_KNN_METRIC the metric id. Chunks of rows are taken by work stealing.
 */
function knnExactTask<M>(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, ARG_KNN_DATA), n = argInt(ctrl, ARG_KNN_N), stride = argInt(ctrl, ARG_KNN_STRIDE);
  const k = argInt(ctrl, ARG_KNN_K);
  const rowBegin = argInt(ctrl, ARG_KNN_ROW_BEGIN), rowEnd = argInt(ctrl, ARG_KNN_ROW_END);
  const outIdx = argPtr(ctrl, ARG_KNN_OUT_INDICES), outDist = argPtr(ctrl, ARG_KNN_OUT_DISTANCES);
  const rowsPerChunk = argInt(ctrl, ARG_KNN_ROWS_PER_CHUNK);
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
  const dataPtr = argPtr(ctrl, ARG_KNN_DATA), n = argInt(ctrl, ARG_KNN_N), stride = argInt(ctrl, ARG_KNN_STRIDE);
  const k = argInt(ctrl, ARG_KNN_K);
  const rowBegin = argInt(ctrl, ARG_KNN_ROW_BEGIN), rowEnd = argInt(ctrl, ARG_KNN_ROW_END);
  const outIdx = argPtr(ctrl, ARG_KNN_OUT_INDICES), outDist = argPtr(ctrl, ARG_KNN_OUT_DISTANCES);
  const rowsPerChunk = argInt(ctrl, ARG_KNN_ROWS_PER_CHUNK), queryPtr = argPtr(ctrl, ARG_KNN_QUERY);
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
  const dataPtr = argPtr(ctrl, ARG_KNN_DATA), n = argInt(ctrl, ARG_KNN_N), stride = argInt(ctrl, ARG_KNN_STRIDE);
  const k = argInt(ctrl, ARG_KNN_K);
  const rowBegin = argInt(ctrl, ARG_KNN_ROW_BEGIN), rowEnd = argInt(ctrl, ARG_KNN_ROW_END);
  const outIdx = argPtr(ctrl, ARG_KNN_OUT_INDICES), outDist = argPtr(ctrl, ARG_KNN_OUT_DISTANCES);
  const rowsPerChunk = argInt(ctrl, ARG_KNN_ROWS_PER_CHUNK), queryPtr = argPtr(ctrl, ARG_KNN_QUERY);
  const rowPtr = argPtr(ctrl, ARG_KNN_ROW_PTR), colPtr = argPtr(ctrl, ARG_KNN_COL_PTR), ef = argInt(ctrl, ARG_KNN_EF);
  const entries = argInt(ctrl, ARG_KNN_ENTRIES);
  const scratch = argPtr(ctrl, ARG_KNN_SCRATCH) + <usize>thread * graphQueryScratchBytes(n, ef);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = rowBegin + c * rowsPerChunk;
    const e = min(b + rowsPerChunk, rowEnd);
    knnGraphQueryRowsWith<M>(
      dataPtr, n, stride, k, queryPtr, b, e, outIdx, outDist, rowPtr, colPtr, ef, entries, scratch,
      argPtr(ctrl, ARG_KNN_TREE_NODES), argPtr(ctrl, ARG_KNN_TREE_OFFSETS), argPtr(ctrl, ARG_KNN_TREE_NORMALS),
      argPtr(ctrl, ARG_KNN_TREE_PERM), argPtr(ctrl, ARG_KNN_ORDER),
    );
  }
}

/** Runs a task of this concern; returns false when the id is not one of ours. */
export function runKnnTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task != TASK_KNN_EXACT && task != TASK_KNN_QUERY && task != TASK_KNN_GRAPH_QUERY) return false;
  withMetric<KnnTasks>(changetype<KnnTasks>(0), task, ctrl, thread);
  return true;
}

/** The tasks instantiated for metric M (knn/metric.ts). */
@unmanaged class KnnTasks {
  run<M>(task: i32, ctrl: usize, thread: i32): void {
    if (task == TASK_KNN_EXACT) knnExactTask<M>(ctrl);
    else if (task == TASK_KNN_QUERY) knnQueryTask<M>(ctrl);
    else knnGraphQueryTask<M>(ctrl, thread);
  }
}
