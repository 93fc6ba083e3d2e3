// TASK_PARAMETRIC_TRANSFORM: a forward pass over rows in chunks that threads take by work stealing.

import { argInt, argPtr, nextChunk } from "../parallel/control";
import { forwardRows } from "./rows";

// Argument slots of the transform task.
export const ARG_T_MODEL = 0; // the model record
export const ARG_T_INPUT = 1; // f32[rows × inStride] input rows
export const ARG_T_IN_STRIDE = 2; // floats per input row (≥ D)
export const ARG_T_ROWS = 3;
export const ARG_T_OUTPUT = 4; // f32[rows × d] outputs
export const ARG_T_CHUNK_ROWS = 5; // rows per chunk (a multiple of 4)

export function transformTask(ctrl: usize, thread: i32): void {
  const model = argPtr(ctrl, ARG_T_MODEL), input = argPtr(ctrl, ARG_T_INPUT), inStride = argInt(ctrl, ARG_T_IN_STRIDE);
  const rows = argInt(ctrl, ARG_T_ROWS), output = argPtr(ctrl, ARG_T_OUTPUT), chunkRows = argInt(ctrl, ARG_T_CHUNK_ROWS);
  for (let c = nextChunk(ctrl); c >= 0; c = nextChunk(ctrl)) {
    const begin = c * chunkRows;
    forwardRows(model, thread, input, inStride, begin, min(rows, begin + chunkRows), output);
  }
}
