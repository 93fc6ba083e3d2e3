// Tasks of approximate kNN (ids 20-29), run by every thread through parallel/tasks.ts. The binding
// (bindings/knn/nndescent.ts) runs them in order: trees, reorder, init leaves (once per tree), fill, then
// candidates + join per iteration, finish.

import { CTRL_CHUNKS, argInt, argPtr, argSeed, nextChunk, splitBegin } from "../parallel/control";
import { ARG_KNN_METRIC, Euclidean, METRIC_EUCLIDEAN } from "./metric";
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

/**
 * TASK_NND_TREES args: 0 dataPtr, 1 n, 2 stride, 3 leafSize, 4 seed, 5 permPtr (i32[trees * n]),
 * 6 leafBeginPtr (i32[trees * (n + 1)]), 7 leafCountPtr (i32[trees]), 8 scratchPtr (i32[trees * n]),
 * 9 normalPtr (f32[trees * stride]), 10 firstTree. Chunk c builds tree firstTree + c.
 */
function treesTask(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, 0), n = argInt(ctrl, 1), stride = argInt(ctrl, 2), leafSize = argInt(ctrl, 3);
  const seed = argSeed(ctrl, 4);
  const perm = argPtr(ctrl, 5), leafBegin = argPtr(ctrl, 6), leafCount = argPtr(ctrl, 7);
  const scratch = argPtr(ctrl, 8), normal = argPtr(ctrl, 9), firstTree = argInt(ctrl, 10);
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

/**
 * TASK_NND_REORDER args: 0 dataPtr, 1 n, 2 stride, 3 firstPermPtr (i32[n]: the first tree's perm, replaced by
 * the identity), 4 orderPtr (i32[n], out), 5 localDataPtr, 6 localOfPtr (i32[n]), 7 graphDistPtr,
 * 8 graphIdxPtr, 9 graphFlagPtr, 10 k, 11 rowsPerChunk.
 */
function reorderTask(ctrl: usize): void {
  const n = argInt(ctrl, 1), rowsPerChunk = argInt(ctrl, 11);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    nndReorderRows(
      argPtr(ctrl, 0), argInt(ctrl, 2), argPtr(ctrl, 3), argPtr(ctrl, 4), argPtr(ctrl, 5), argPtr(ctrl, 6),
      argPtr(ctrl, 7), argPtr(ctrl, 8), argPtr(ctrl, 9), argInt(ctrl, 10), b, min(b + rowsPerChunk, n),
    );
  }
}

/**
 * TASK_NND_INIT_LEAVES (one tree) args: 0 localDataPtr, 1 stride, 2 k, 3 permPtr (i32[n], local rows),
 * 4 boundsPtr (i32[leaves + 1]), 5 graphDistPtr, 6 graphIdxPtr, 7 graphFlagPtr, 8 leaves, 9 leavesPerChunk.
 */
function initLeavesTask<M>(ctrl: usize): void {
  const leaves = argInt(ctrl, 8), perChunk = argInt(ctrl, 9);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * perChunk;
    nndInitLeaves<M>(
      argPtr(ctrl, 0), argInt(ctrl, 1), argInt(ctrl, 2), argPtr(ctrl, 3), argPtr(ctrl, 4),
      argPtr(ctrl, 5), argPtr(ctrl, 6), argPtr(ctrl, 7), b, min(b + perChunk, leaves),
    );
  }
}

/**
 * TASK_NND_FILL args: 0 localDataPtr, 1 n, 2 stride, 3 k, 4 graphDistPtr, 5 graphIdxPtr, 6 graphFlagPtr,
 * 7 stampPtr (i32[threads * n]), 8 seed, 9 rowsPerChunk.
 */
function fillTask<M>(ctrl: usize, thread: i32): void {
  const n = argInt(ctrl, 1), rowsPerChunk = argInt(ctrl, 9);
  const stamp = argPtr(ctrl, 7) + ((<usize>thread * <usize>n) << 2);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    nndFillRows<M>(
      argPtr(ctrl, 0), n, argInt(ctrl, 2), argInt(ctrl, 3), argPtr(ctrl, 4), argPtr(ctrl, 5), argPtr(ctrl, 6),
      stamp, argSeed(ctrl, 8), b, min(b + rowsPerChunk, n),
    );
  }
}

/**
 * TASK_NND_CANDIDATES args: 0 n, 1 k, 2 graphIdxPtr, 3 graphFlagPtr, 4 newIdxPtr, 5 newPrPtr, 6 newCountPtr,
 * 7 oldIdxPtr, 8 oldPrPtr, 9 oldCountPtr, 10 maxCand, 11 seed, 12 iteration. Chunk c of C builds the lists
 * of the c-th of C equal ranges of rows.
 */
function candidatesTask(ctrl: usize): void {
  const n = argInt(ctrl, 0);
  const chunks = load<i32>(ctrl + CTRL_CHUNKS);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    nndCandidates(
      n, argInt(ctrl, 1), argPtr(ctrl, 2), argPtr(ctrl, 3), argPtr(ctrl, 4), argPtr(ctrl, 5), argPtr(ctrl, 6),
      argPtr(ctrl, 7), argPtr(ctrl, 8), argPtr(ctrl, 9), argInt(ctrl, 10), argSeed(ctrl, 11),
      argInt(ctrl, 12), splitBegin(n, chunks, c), splitBegin(n, chunks, c + 1),
    );
  }
}

/**
 * TASK_NND_JOIN args: 0 dataPtr, 1 n, 2 stride, 3 k, 4 graphDistPtr, 5 graphIdxPtr, 6 graphFlagPtr,
 * 7 newIdxPtr, 8 newCountPtr, 9 oldIdxPtr, 10 oldCountPtr, 11 maxCand, 12 stampPtr (i32[threads * n]),
 * 13 iteration, 14 rowsPerChunk, 15 updatesPtr (i32[chunks], out: heap updates per chunk).
 */
function joinTask<M>(ctrl: usize, thread: i32): void {
  const n = argInt(ctrl, 1);
  const stamp = argPtr(ctrl, 12) + ((<usize>thread * <usize>n) << 2);
  const rowsPerChunk = argInt(ctrl, 14);
  const updatesPtr = argPtr(ctrl, 15);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    const updates = nndJoinRows<M>(
      argPtr(ctrl, 0), n, argInt(ctrl, 2), argInt(ctrl, 3), argPtr(ctrl, 4), argPtr(ctrl, 5), argPtr(ctrl, 6),
      argPtr(ctrl, 7), argPtr(ctrl, 8), argPtr(ctrl, 9), argPtr(ctrl, 10), argInt(ctrl, 11),
      stamp, argInt(ctrl, 13), b, min(b + rowsPerChunk, n),
    );
    store<i32>(updatesPtr + (<usize>c << 2), updates);
  }
}

/**
 * TASK_NND_FINISH args: 0 graphDistPtr, 1 graphIdxPtr, 2 n, 3 k, 4 orderPtr, 5 localOfPtr, 6 outIdxPtr
 * (i32[n * k]), 7 outDistPtr (f32[n * k]), 8 rowsPerChunk.
 */
function finishTask<M>(ctrl: usize): void {
  const n = argInt(ctrl, 2), rowsPerChunk = argInt(ctrl, 8);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    nndFinishRows<M>(
      argPtr(ctrl, 0), argPtr(ctrl, 1), argInt(ctrl, 3), argPtr(ctrl, 4), argPtr(ctrl, 5), argPtr(ctrl, 6),
      argPtr(ctrl, 7), b, min(b + rowsPerChunk, n),
    );
  }
}

/** Runs a task of this concern; returns false when the id is not one of ours. */
export function runNndescentTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task < TASK_NND_TREES || task > TASK_NND_FINISH) return false;
  const metric = argInt(ctrl, ARG_KNN_METRIC);
  if (metric == METRIC_EUCLIDEAN) runWith<Euclidean>(task, ctrl, thread);
  else unreachable(); // a metric id the core does not know
  return true;
}

/** The tasks instantiated for metric M (knn/metric.ts); the trees split by Euclidean hyperplanes for any metric. */
function runWith<M>(task: i32, ctrl: usize, thread: i32): void {
  if (task == TASK_NND_TREES) treesTask(ctrl);
  else if (task == TASK_NND_REORDER) reorderTask(ctrl);
  else if (task == TASK_NND_INIT_LEAVES) initLeavesTask<M>(ctrl);
  else if (task == TASK_NND_FILL) fillTask<M>(ctrl, thread);
  else if (task == TASK_NND_CANDIDATES) candidatesTask(ctrl);
  else if (task == TASK_NND_JOIN) joinTask<M>(ctrl, thread);
  else if (task == TASK_NND_FINISH) finishTask<M>(ctrl);
}
