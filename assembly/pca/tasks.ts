// Tasks of the PCA concern (ids 10–19), run by every thread through assembly/tasks.ts. Each chunk owns its
// output (a row range, a Gram strip, a partial sum), so any thread count gives bit-identical results.
import { argInt, argPtr, argSeed, nextChunk } from "../parallel/control";
import { gramUpperStrip, GRAM_STRIP_ROWS, multiplyRows, multiplyScratchBytes } from "./gemm";
import { columnSumsRows, gatherCenteredPanels } from "./stats";

export const TASK_PCA_COLUMN_SUMS: i32 = 10;
export const TASK_PCA_GATHER: i32 = 11;
export const TASK_PCA_GRAM: i32 = 12;
export const TASK_PCA_MULTIPLY: i32 = 13;

// Argument slots of TASK_PCA_COLUMN_SUMS, written by name by the bindings (bindings/core/abi.ts).
export const ARG_PCA_SUMS_DATA: i32 = 0;
export const ARG_PCA_SUMS_N: i32 = 1;
export const ARG_PCA_SUMS_STRIDE: i32 = 2;
export const ARG_PCA_SUMS_ROWS_PER_CHUNK: i32 = 3;
export const ARG_PCA_SUMS_PARTIAL: i32 = 4;

/** args: 0 dataPtr, 1 n, 2 stride, 3 rowsPerChunk, 4 partialPtr (f64[chunks × stride]). */
function columnSumsTask(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, ARG_PCA_SUMS_DATA), n = argInt(ctrl, ARG_PCA_SUMS_N);
  const stride = argInt(ctrl, ARG_PCA_SUMS_STRIDE), rowsPerChunk = argInt(ctrl, ARG_PCA_SUMS_ROWS_PER_CHUNK);
  const partialPtr = argPtr(ctrl, ARG_PCA_SUMS_PARTIAL);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    columnSumsRows(dataPtr, stride, b, min(n, b + rowsPerChunk), partialPtr + (<usize>c * <usize>stride << 3));
  }
}

// Argument slots of TASK_PCA_GATHER, written by name by the bindings (bindings/core/abi.ts).
export const ARG_PCA_GATHER_DATA: i32 = 0;
export const ARG_PCA_GATHER_N: i32 = 1;
export const ARG_PCA_GATHER_STRIDE: i32 = 2;
export const ARG_PCA_GATHER_MEAN: i32 = 3;
export const ARG_PCA_GATHER_SAMPLES: i32 = 4;
export const ARG_PCA_GATHER_SEED: i32 = 5;
export const ARG_PCA_GATHER_ROWS_PER_CHUNK: i32 = 6;
export const ARG_PCA_GATHER_SAMPLE: i32 = 7;

/** args: 0 dataPtr, 1 n, 2 stride, 3 meanPtr, 4 samples, 5 seed, 6 rowsPerChunk, 7 samplePtr (panel layout). */
function gatherTask(ctrl: usize): void {
  const dataPtr = argPtr(ctrl, ARG_PCA_GATHER_DATA), n = argInt(ctrl, ARG_PCA_GATHER_N);
  const stride = argInt(ctrl, ARG_PCA_GATHER_STRIDE), meanPtr = argPtr(ctrl, ARG_PCA_GATHER_MEAN);
  const samples = argInt(ctrl, ARG_PCA_GATHER_SAMPLES), seed = argSeed(ctrl, ARG_PCA_GATHER_SEED);
  const rowsPerChunk = argInt(ctrl, ARG_PCA_GATHER_ROWS_PER_CHUNK), samplePtr = argPtr(ctrl, ARG_PCA_GATHER_SAMPLE);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    const b = c * rowsPerChunk;
    gatherCenteredPanels(dataPtr, n, stride, meanPtr, samples, seed, b, min(samples, b + rowsPerChunk), samplePtr);
  }
}

// Argument slots of TASK_PCA_GRAM, written by name by the bindings (bindings/core/abi.ts).
export const ARG_PCA_GRAM_A: i32 = 0;
export const ARG_PCA_GRAM_ROWS: i32 = 1;
export const ARG_PCA_GRAM_COLS: i32 = 2;
export const ARG_PCA_GRAM_K_BYTES: i32 = 3;
export const ARG_PCA_GRAM_PANEL_BYTES: i32 = 4;
export const ARG_PCA_GRAM_FIRST_STRIP: i32 = 5;
export const ARG_PCA_GRAM_GRAM: i32 = 6;

/**
 * args: 0 aPtr, 1 rows, 2 cols, 3 kBytes, 4 panelBytes (see gramUpperStrip), 5 firstStrip,
 * 6 gPtr (f32[cols × cols]). One chunk per strip.
 */
function gramTask(ctrl: usize): void {
  const aPtr = argPtr(ctrl, ARG_PCA_GRAM_A), rows = argInt(ctrl, ARG_PCA_GRAM_ROWS);
  const cols = argInt(ctrl, ARG_PCA_GRAM_COLS);
  const kBytes = argPtr(ctrl, ARG_PCA_GRAM_K_BYTES), panelBytes = argPtr(ctrl, ARG_PCA_GRAM_PANEL_BYTES);
  const firstStrip = argInt(ctrl, ARG_PCA_GRAM_FIRST_STRIP), gPtr = argPtr(ctrl, ARG_PCA_GRAM_GRAM);
  let c: i32;
  while ((c = nextChunk(ctrl)) >= 0) {
    gramUpperStrip(aPtr, rows, cols, kBytes, panelBytes, (firstStrip + c) * GRAM_STRIP_ROWS, gPtr);
  }
}

// Argument slots of TASK_PCA_MULTIPLY, written by name by the bindings (bindings/core/abi.ts).
export const ARG_PCA_MULTIPLY_A: i32 = 0;
export const ARG_PCA_MULTIPLY_A_STRIDE: i32 = 1;
export const ARG_PCA_MULTIPLY_ROW_BEGIN: i32 = 2;
export const ARG_PCA_MULTIPLY_ROW_END: i32 = 3;
export const ARG_PCA_MULTIPLY_MEAN: i32 = 4;
export const ARG_PCA_MULTIPLY_B: i32 = 5;
export const ARG_PCA_MULTIPLY_B_STRIDE: i32 = 6;
export const ARG_PCA_MULTIPLY_COLS: i32 = 7;
export const ARG_PCA_MULTIPLY_OUT: i32 = 8;
export const ARG_PCA_MULTIPLY_OUT_STRIDE: i32 = 9;
export const ARG_PCA_MULTIPLY_SCRATCH: i32 = 10;
export const ARG_PCA_MULTIPLY_ROWS_PER_CHUNK: i32 = 11;

/**
 * args: 0 aPtr, 1 aStride, 2 rowBegin, 3 rowEnd, 4 meanPtr (0: none), 5 bPtr, 6 bStride, 7 cols, 8 outPtr,
 * 9 outStride, 10 scratchPtr (threads × multiplyScratchBytes(aStride)), 11 rowsPerChunk.
 */
function multiplyTask(ctrl: usize, thread: i32): void {
  const aPtr = argPtr(ctrl, ARG_PCA_MULTIPLY_A), aStride = argInt(ctrl, ARG_PCA_MULTIPLY_A_STRIDE);
  const rowBegin = argInt(ctrl, ARG_PCA_MULTIPLY_ROW_BEGIN), rowEnd = argInt(ctrl, ARG_PCA_MULTIPLY_ROW_END);
  const meanPtr = argPtr(ctrl, ARG_PCA_MULTIPLY_MEAN), bPtr = argPtr(ctrl, ARG_PCA_MULTIPLY_B);
  const bStride = argInt(ctrl, ARG_PCA_MULTIPLY_B_STRIDE), cols = argInt(ctrl, ARG_PCA_MULTIPLY_COLS);
  const outPtr = argPtr(ctrl, ARG_PCA_MULTIPLY_OUT), outStride = argInt(ctrl, ARG_PCA_MULTIPLY_OUT_STRIDE);
  const rowsPerChunk = argInt(ctrl, ARG_PCA_MULTIPLY_ROWS_PER_CHUNK);
  const scratchPtr = argPtr(ctrl, ARG_PCA_MULTIPLY_SCRATCH) + <usize>thread * multiplyScratchBytes(aStride);
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
