// Tasks of the PCA concern (ids 10–19), run by every thread through parallel/tasks.ts. Each chunk owns its
// output (a row range, a Gram strip, a partial sum), so any thread count gives bit-identical results.
import { argInt, argPtr, argSeed, nextChunk } from "../parallel/control";
import { gramUpperStrip, GRAM_STRIP_ROWS, multiplyRows, multiplyScratchBytes } from "./gemm";
import { columnSumsRows, gatherCenteredPanels } from "./stats";

export const TASK_PCA_COLUMN_SUMS: i32 = 10;
export const TASK_PCA_GATHER: i32 = 11;
export const TASK_PCA_GRAM: i32 = 12;
export const TASK_PCA_MULTIPLY: i32 = 13;

/** args: 0 dataPtr, 1 n, 2 stride, 3 rowsPerChunk, 4 partialPtr (f64[chunks × stride]). */
function columnSumsTask(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, 0), n = argInt(ctrl, 1), stride = argInt(ctrl, 2), rowsPerChunk = argInt(ctrl, 3);
  const partialPtr = argPtr(ctrl, 4);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    columnSumsRows(dataPtr, stride, b, min(n, b + rowsPerChunk), partialPtr + (<usize>c * <usize>stride << 3));
  }
}

/** args: 0 dataPtr, 1 n, 2 stride, 3 meanPtr, 4 samples, 5 seed, 6 rowsPerChunk, 7 samplePtr (panel layout). */
function gatherTask(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, 0), n = argInt(ctrl, 1), stride = argInt(ctrl, 2), meanPtr = argPtr(ctrl, 3);
  const samples = argInt(ctrl, 4), seed = argSeed(ctrl, 5), rowsPerChunk = argInt(ctrl, 6), samplePtr = argPtr(ctrl, 7);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    gatherCenteredPanels(dataPtr, n, stride, meanPtr, samples, seed, b, min(samples, b + rowsPerChunk), samplePtr);
  }
}

/**
 * args: 0 aPtr, 1 rows, 2 cols, 3 kBytes, 4 panelBytes (see gramUpperStrip), 5 firstStrip,
 * 6 gPtr (f32[cols × cols]). One chunk per strip.
 */
function gramTask(ctrl: usize): void {
  const aPtr = argPtr(ctrl, 0), rows = argInt(ctrl, 1), cols = argInt(ctrl, 2);
  const kBytes = argPtr(ctrl, 3), panelBytes = argPtr(ctrl, 4), firstStrip = argInt(ctrl, 5), gPtr = argPtr(ctrl, 6);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    gramUpperStrip(aPtr, rows, cols, kBytes, panelBytes, (firstStrip + c) * GRAM_STRIP_ROWS, gPtr);
  }
}

/**
 * args: 0 aPtr, 1 aStride, 2 rowBegin, 3 rowEnd, 4 meanPtr (0: none), 5 bPtr, 6 bStride, 7 cols, 8 outPtr,
 * 9 outStride, 10 scratchPtr (threads × multiplyScratchBytes(aStride)), 11 rowsPerChunk.
 */
function multiplyTask(ctrl: usize, thread: i32): void {
  const aPtr = argPtr(ctrl, 0), aStride = argInt(ctrl, 1), rowBegin = argInt(ctrl, 2), rowEnd = argInt(ctrl, 3);
  const meanPtr = argPtr(ctrl, 4), bPtr = argPtr(ctrl, 5), bStride = argInt(ctrl, 6), cols = argInt(ctrl, 7);
  const outPtr = argPtr(ctrl, 8), outStride = argInt(ctrl, 9), rowsPerChunk = argInt(ctrl, 11);
  const scratchPtr = argPtr(ctrl, 10) + <usize>thread * multiplyScratchBytes(aStride);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = rowBegin + c * rowsPerChunk;
    multiplyRows(aPtr, aStride, b, min(rowEnd, b + rowsPerChunk), meanPtr, bPtr, bStride, cols, outPtr, outStride, scratchPtr);
  }
}

/** Runs a task of this concern; returns false when the id is not one of ours. */
export function runPcaTask(task: i32, ctrl: usize, thread: i32): bool {
  if (task == TASK_PCA_COLUMN_SUMS) { columnSumsTask(ctrl); return true; }
  if (task == TASK_PCA_GATHER) { gatherTask(ctrl); return true; }
  if (task == TASK_PCA_GRAM) { gramTask(ctrl); return true; }
  if (task == TASK_PCA_MULTIPLY) { multiplyTask(ctrl, thread); return true; }
  return false;
}
