// Tasks of approximate kNN (ids 20-29), run by every thread through assembly/tasks.ts. The binding
// (bindings/knn/nndescent.ts) runs them in order: trees, reorder, init leaves (once per tree), fill, then
// candidates + join per iteration, finish.

import { CTRL_CHUNKS, argInt, argPtr, argSeed, nextChunk, splitBegin } from "../parallel/control";
import { withMetric } from "./metric";
import { buildTree } from "./rpforest";
import { nndCandidates, nndJoinRows } from "./nndescent";
import { nndFillRows, nndFinishRows, nndInitLeaves, nndReorderRows } from "./nndescent_init";

export const TASK_NND_TREES: i32 = 20;
export const TASK_NND_REORDER: i32 = 21;
export const TASK_NND_INIT_LEAVES: i32 = 22;
export const TASK_NND_FILL: i32 = 23;
export const TASK_NND_CANDIDATES: i32 = 24;
export const TASK_NND_JOIN: i32 = 25;
export const TASK_NND_FINISH: i32 = 26;

// Argument slots of TASK_NND_TREES, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_TREES_DATA: i32 = 0;
export const ARG_NND_TREES_N: i32 = 1;
export const ARG_NND_TREES_STRIDE: i32 = 2;
export const ARG_NND_TREES_LEAF_SIZE: i32 = 3;
export const ARG_NND_TREES_SEED: i32 = 4;
export const ARG_NND_TREES_PERM: i32 = 5;
export const ARG_NND_TREES_LEAF_BEGIN: i32 = 6;
export const ARG_NND_TREES_LEAF_COUNT: i32 = 7;
export const ARG_NND_TREES_SCRATCH: i32 = 8;
export const ARG_NND_TREES_NORMAL: i32 = 9;
export const ARG_NND_TREES_FIRST_TREE: i32 = 10;

/**
 * TASK_NND_TREES args: 0 dataPtr, 1 n, 2 stride, 3 leafSize, 4 seed, 5 permPtr (i32[trees * n]),
 * 6 leafBeginPtr (i32[trees * (n + 1)]), 7 leafCountPtr (i32[trees]), 8 scratchPtr (i32[trees * n]),
 * 9 normalPtr (f32[trees * stride]), 10 firstTree. Chunk c builds tree firstTree + c.
 */
function treesTask(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, ARG_NND_TREES_DATA), n = argInt(ctrl, ARG_NND_TREES_N);
  const stride = argInt(ctrl, ARG_NND_TREES_STRIDE), leafSize = argInt(ctrl, ARG_NND_TREES_LEAF_SIZE);
  const seed = argSeed(ctrl, ARG_NND_TREES_SEED);
  const perm = argPtr(ctrl, ARG_NND_TREES_PERM), leafBegin = argPtr(ctrl, ARG_NND_TREES_LEAF_BEGIN);
  const leafCount = argPtr(ctrl, ARG_NND_TREES_LEAF_COUNT);
  const scratch = argPtr(ctrl, ARG_NND_TREES_SCRATCH), normal = argPtr(ctrl, ARG_NND_TREES_NORMAL);
  const firstTree = argInt(ctrl, ARG_NND_TREES_FIRST_TREE);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const t = firstTree + c;
    const rows = (<usize>t * <usize>n) << 2;
    const leaves = buildTree(
      dataPtr, n, stride, leafSize, seed, t, perm + rows, leafBegin + ((<usize>t * <usize>(n + 1)) << 2),
      scratch + rows, normal + ((<usize>t * <usize>stride) << 2),
    );
    store<i32>(leafCount + (<usize>t << 2), leaves);
  }
}

// Argument slots of TASK_NND_REORDER, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_REORDER_DATA: i32 = 0;
export const ARG_NND_REORDER_N: i32 = 1;
export const ARG_NND_REORDER_STRIDE: i32 = 2;
export const ARG_NND_REORDER_FIRST_PERM: i32 = 3;
export const ARG_NND_REORDER_ORDER: i32 = 4;
export const ARG_NND_REORDER_LOCAL_DATA: i32 = 5;
export const ARG_NND_REORDER_LOCAL_OF: i32 = 6;
export const ARG_NND_REORDER_GRAPH_DIST: i32 = 7;
export const ARG_NND_REORDER_GRAPH_IDX: i32 = 8;
export const ARG_NND_REORDER_GRAPH_FLAG: i32 = 9;
export const ARG_NND_REORDER_K: i32 = 10;
export const ARG_NND_REORDER_ROWS_PER_CHUNK: i32 = 11;

/**
 * TASK_NND_REORDER args: 0 dataPtr, 1 n, 2 stride, 3 firstPermPtr (i32[n]: the first tree's perm, replaced by
 * the identity), 4 orderPtr (i32[n], out), 5 localDataPtr, 6 localOfPtr (i32[n]), 7 graphDistPtr,
 * 8 graphIdxPtr, 9 graphFlagPtr, 10 k, 11 rowsPerChunk.
 */
function reorderTask(ctrl: usize): void {
  const n = argInt(ctrl, ARG_NND_REORDER_N), rowsPerChunk = argInt(ctrl, ARG_NND_REORDER_ROWS_PER_CHUNK);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    nndReorderRows(
      argPtr(ctrl, ARG_NND_REORDER_DATA), argInt(ctrl, ARG_NND_REORDER_STRIDE),
      argPtr(ctrl, ARG_NND_REORDER_FIRST_PERM), argPtr(ctrl, ARG_NND_REORDER_ORDER),
      argPtr(ctrl, ARG_NND_REORDER_LOCAL_DATA), argPtr(ctrl, ARG_NND_REORDER_LOCAL_OF),
      argPtr(ctrl, ARG_NND_REORDER_GRAPH_DIST), argPtr(ctrl, ARG_NND_REORDER_GRAPH_IDX),
      argPtr(ctrl, ARG_NND_REORDER_GRAPH_FLAG), argInt(ctrl, ARG_NND_REORDER_K), b, min(b + rowsPerChunk, n),
    );
  }
}

// Argument slots of TASK_NND_INIT_LEAVES, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_INIT_LEAVES_LOCAL_DATA: i32 = 0;
export const ARG_NND_INIT_LEAVES_STRIDE: i32 = 1;
export const ARG_NND_INIT_LEAVES_K: i32 = 2;
export const ARG_NND_INIT_LEAVES_PERM: i32 = 3;
export const ARG_NND_INIT_LEAVES_BOUNDS: i32 = 4;
export const ARG_NND_INIT_LEAVES_GRAPH_DIST: i32 = 5;
export const ARG_NND_INIT_LEAVES_GRAPH_IDX: i32 = 6;
export const ARG_NND_INIT_LEAVES_GRAPH_FLAG: i32 = 7;
export const ARG_NND_INIT_LEAVES_LEAVES: i32 = 8;
export const ARG_NND_INIT_LEAVES_LEAVES_PER_CHUNK: i32 = 9;

/**
 * TASK_NND_INIT_LEAVES (one tree) args: 0 localDataPtr, 1 stride, 2 k, 3 permPtr (i32[n], local rows),
 * 4 boundsPtr (i32[leaves + 1]), 5 graphDistPtr, 6 graphIdxPtr, 7 graphFlagPtr, 8 leaves, 9 leavesPerChunk.
 */
function initLeavesTask<M>(ctrl: usize): void {
  const leaves = argInt(ctrl, ARG_NND_INIT_LEAVES_LEAVES);
  const perChunk = argInt(ctrl, ARG_NND_INIT_LEAVES_LEAVES_PER_CHUNK);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * perChunk;
    nndInitLeaves<M>(
      argPtr(ctrl, ARG_NND_INIT_LEAVES_LOCAL_DATA), argInt(ctrl, ARG_NND_INIT_LEAVES_STRIDE),
      argInt(ctrl, ARG_NND_INIT_LEAVES_K), argPtr(ctrl, ARG_NND_INIT_LEAVES_PERM),
      argPtr(ctrl, ARG_NND_INIT_LEAVES_BOUNDS),
      argPtr(ctrl, ARG_NND_INIT_LEAVES_GRAPH_DIST), argPtr(ctrl, ARG_NND_INIT_LEAVES_GRAPH_IDX),
      argPtr(ctrl, ARG_NND_INIT_LEAVES_GRAPH_FLAG), b, min(b + perChunk, leaves),
    );
  }
}

// Argument slots of TASK_NND_FILL, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_FILL_LOCAL_DATA: i32 = 0;
export const ARG_NND_FILL_N: i32 = 1;
export const ARG_NND_FILL_STRIDE: i32 = 2;
export const ARG_NND_FILL_K: i32 = 3;
export const ARG_NND_FILL_GRAPH_DIST: i32 = 4;
export const ARG_NND_FILL_GRAPH_IDX: i32 = 5;
export const ARG_NND_FILL_GRAPH_FLAG: i32 = 6;
export const ARG_NND_FILL_STAMP: i32 = 7;
export const ARG_NND_FILL_SEED: i32 = 8;
export const ARG_NND_FILL_ROWS_PER_CHUNK: i32 = 9;

/**
 * TASK_NND_FILL args: 0 localDataPtr, 1 n, 2 stride, 3 k, 4 graphDistPtr, 5 graphIdxPtr, 6 graphFlagPtr,
 * 7 stampPtr (i32[threads * n]), 8 seed, 9 rowsPerChunk.
 */
function fillTask<M>(ctrl: usize, thread: i32): void {
  const n = argInt(ctrl, ARG_NND_FILL_N), rowsPerChunk = argInt(ctrl, ARG_NND_FILL_ROWS_PER_CHUNK);
  const stamp = argPtr(ctrl, ARG_NND_FILL_STAMP) + ((<usize>thread * <usize>n) << 2);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    nndFillRows<M>(
      argPtr(ctrl, ARG_NND_FILL_LOCAL_DATA), n, argInt(ctrl, ARG_NND_FILL_STRIDE), argInt(ctrl, ARG_NND_FILL_K),
      argPtr(ctrl, ARG_NND_FILL_GRAPH_DIST), argPtr(ctrl, ARG_NND_FILL_GRAPH_IDX),
      argPtr(ctrl, ARG_NND_FILL_GRAPH_FLAG),
      stamp, argSeed(ctrl, ARG_NND_FILL_SEED), b, min(b + rowsPerChunk, n),
    );
  }
}

// Argument slots of TASK_NND_CANDIDATES, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_CANDIDATES_N: i32 = 0;
export const ARG_NND_CANDIDATES_K: i32 = 1;
export const ARG_NND_CANDIDATES_GRAPH_IDX: i32 = 2;
export const ARG_NND_CANDIDATES_GRAPH_FLAG: i32 = 3;
export const ARG_NND_CANDIDATES_NEW_IDX: i32 = 4;
export const ARG_NND_CANDIDATES_NEW_PR: i32 = 5;
export const ARG_NND_CANDIDATES_NEW_COUNT: i32 = 6;
export const ARG_NND_CANDIDATES_OLD_IDX: i32 = 7;
export const ARG_NND_CANDIDATES_OLD_PR: i32 = 8;
export const ARG_NND_CANDIDATES_OLD_COUNT: i32 = 9;
export const ARG_NND_CANDIDATES_MAX_CANDIDATES: i32 = 10;
export const ARG_NND_CANDIDATES_SEED: i32 = 11;
export const ARG_NND_CANDIDATES_ITERATION: i32 = 12;

/**
 * TASK_NND_CANDIDATES args: 0 n, 1 k, 2 graphIdxPtr, 3 graphFlagPtr, 4 newIdxPtr, 5 newPrPtr, 6 newCountPtr,
 * 7 oldIdxPtr, 8 oldPrPtr, 9 oldCountPtr, 10 maxCand, 11 seed, 12 iteration. Chunk c of C builds the lists
 * of the c-th of C equal ranges of rows.
 */
function candidatesTask(ctrl: usize): void {
  const n = argInt(ctrl, ARG_NND_CANDIDATES_N);
  const chunks = load<i32>(ctrl + CTRL_CHUNKS);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    nndCandidates(
      n, argInt(ctrl, ARG_NND_CANDIDATES_K), argPtr(ctrl, ARG_NND_CANDIDATES_GRAPH_IDX),
      argPtr(ctrl, ARG_NND_CANDIDATES_GRAPH_FLAG), argPtr(ctrl, ARG_NND_CANDIDATES_NEW_IDX),
      argPtr(ctrl, ARG_NND_CANDIDATES_NEW_PR), argPtr(ctrl, ARG_NND_CANDIDATES_NEW_COUNT),
      argPtr(ctrl, ARG_NND_CANDIDATES_OLD_IDX), argPtr(ctrl, ARG_NND_CANDIDATES_OLD_PR),
      argPtr(ctrl, ARG_NND_CANDIDATES_OLD_COUNT), argInt(ctrl, ARG_NND_CANDIDATES_MAX_CANDIDATES),
      argSeed(ctrl, ARG_NND_CANDIDATES_SEED),
      argInt(ctrl, ARG_NND_CANDIDATES_ITERATION), splitBegin(n, chunks, c), splitBegin(n, chunks, c + 1),
    );
  }
}

// Argument slots of TASK_NND_JOIN, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_JOIN_LOCAL_DATA: i32 = 0;
export const ARG_NND_JOIN_N: i32 = 1;
export const ARG_NND_JOIN_STRIDE: i32 = 2;
export const ARG_NND_JOIN_K: i32 = 3;
export const ARG_NND_JOIN_GRAPH_DIST: i32 = 4;
export const ARG_NND_JOIN_GRAPH_IDX: i32 = 5;
export const ARG_NND_JOIN_GRAPH_FLAG: i32 = 6;
export const ARG_NND_JOIN_NEW_IDX: i32 = 7;
export const ARG_NND_JOIN_NEW_COUNT: i32 = 8;
export const ARG_NND_JOIN_OLD_IDX: i32 = 9;
export const ARG_NND_JOIN_OLD_COUNT: i32 = 10;
export const ARG_NND_JOIN_MAX_CANDIDATES: i32 = 11;
export const ARG_NND_JOIN_STAMP: i32 = 12;
export const ARG_NND_JOIN_ITERATION: i32 = 13;
export const ARG_NND_JOIN_ROWS_PER_CHUNK: i32 = 14;
export const ARG_NND_JOIN_UPDATES: i32 = 15;

/**
 * TASK_NND_JOIN args: 0 dataPtr, 1 n, 2 stride, 3 k, 4 graphDistPtr, 5 graphIdxPtr, 6 graphFlagPtr,
 * 7 newIdxPtr, 8 newCountPtr, 9 oldIdxPtr, 10 oldCountPtr, 11 maxCand, 12 stampPtr (i32[threads * n]),
 * 13 iteration, 14 rowsPerChunk, 15 updatesPtr (i32[chunks], out: heap updates per chunk).
 */
function joinTask<M>(ctrl: usize, thread: i32): void {
  const n = argInt(ctrl, ARG_NND_JOIN_N);
  const stamp = argPtr(ctrl, ARG_NND_JOIN_STAMP) + ((<usize>thread * <usize>n) << 2);
  const rowsPerChunk = argInt(ctrl, ARG_NND_JOIN_ROWS_PER_CHUNK);
  const updatesPtr = argPtr(ctrl, ARG_NND_JOIN_UPDATES);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    const updates = nndJoinRows<M>(
      argPtr(ctrl, ARG_NND_JOIN_LOCAL_DATA), n, argInt(ctrl, ARG_NND_JOIN_STRIDE), argInt(ctrl, ARG_NND_JOIN_K),
      argPtr(ctrl, ARG_NND_JOIN_GRAPH_DIST), argPtr(ctrl, ARG_NND_JOIN_GRAPH_IDX),
      argPtr(ctrl, ARG_NND_JOIN_GRAPH_FLAG),
      argPtr(ctrl, ARG_NND_JOIN_NEW_IDX), argPtr(ctrl, ARG_NND_JOIN_NEW_COUNT), argPtr(ctrl, ARG_NND_JOIN_OLD_IDX),
      argPtr(ctrl, ARG_NND_JOIN_OLD_COUNT), argInt(ctrl, ARG_NND_JOIN_MAX_CANDIDATES),
      stamp, argInt(ctrl, ARG_NND_JOIN_ITERATION), b, min(b + rowsPerChunk, n),
    );
    store<i32>(updatesPtr + (<usize>c << 2), updates);
  }
}

// Argument slots of TASK_NND_FINISH, written by name by the bindings (bindings/core/abi.ts).
export const ARG_NND_FINISH_GRAPH_DIST: i32 = 0;
export const ARG_NND_FINISH_GRAPH_IDX: i32 = 1;
export const ARG_NND_FINISH_N: i32 = 2;
export const ARG_NND_FINISH_K: i32 = 3;
export const ARG_NND_FINISH_ORDER: i32 = 4;
export const ARG_NND_FINISH_LOCAL_OF: i32 = 5;
export const ARG_NND_FINISH_OUT_INDICES: i32 = 6;
export const ARG_NND_FINISH_OUT_DISTANCES: i32 = 7;
export const ARG_NND_FINISH_ROWS_PER_CHUNK: i32 = 8;

/**
 * TASK_NND_FINISH args: 0 graphDistPtr, 1 graphIdxPtr, 2 n, 3 k, 4 orderPtr, 5 localOfPtr, 6 outIdxPtr
 * (i32[n * k]), 7 outDistPtr (f32[n * k]), 8 rowsPerChunk.
 */
function finishTask<M>(ctrl: usize): void {
  const n = argInt(ctrl, ARG_NND_FINISH_N), rowsPerChunk = argInt(ctrl, ARG_NND_FINISH_ROWS_PER_CHUNK);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    nndFinishRows<M>(
      argPtr(ctrl, ARG_NND_FINISH_GRAPH_DIST), argPtr(ctrl, ARG_NND_FINISH_GRAPH_IDX), argInt(ctrl, ARG_NND_FINISH_K),
      argPtr(ctrl, ARG_NND_FINISH_ORDER), argPtr(ctrl, ARG_NND_FINISH_LOCAL_OF),
      argPtr(ctrl, ARG_NND_FINISH_OUT_INDICES),
      argPtr(ctrl, ARG_NND_FINISH_OUT_DISTANCES), b, min(b + rowsPerChunk, n),
    );
  }
}

/** Runs a task of this concern; returns false when the id is not one of ours. */
export function runNndescentTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task < TASK_NND_TREES || task > TASK_NND_FINISH) return false;
  withMetric<NndescentTasks>(changetype<NndescentTasks>(0), task, ctrl, thread);
  return true;
}

/** The tasks instantiated for metric M (knn/metric.ts); the trees split by Euclidean hyperplanes for any metric. */
@unmanaged class NndescentTasks {
  run<M>(task: i32, ctrl: usize, thread: i32): void {
    if (task == TASK_NND_TREES) treesTask(ctrl);
    else if (task == TASK_NND_REORDER) reorderTask(ctrl);
    else if (task == TASK_NND_INIT_LEAVES) initLeavesTask<M>(ctrl);
    else if (task == TASK_NND_FILL) fillTask<M>(ctrl, thread);
    else if (task == TASK_NND_CANDIDATES) candidatesTask(ctrl);
    else if (task == TASK_NND_JOIN) joinTask<M>(ctrl, thread);
    else if (task == TASK_NND_FINISH) finishTask<M>(ctrl);
  }
}
