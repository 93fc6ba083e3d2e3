// The MLP of the parametric mode in a core: its parameters, Adam state, training buffers and the model
// record that every task reads (field offsets read from the core, assembly/parametric/model.ts).

import type { CoreFunctions } from "../core/abi.ts";
import type { Core } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";

/** Rows per work-stealing chunk of a transform (a multiple of 4: the kernels forward four rows at once). */
const TRANSFORM_CHUNK_ROWS = 256;

export interface NetworkShape {
  /** input values per row */
  inDim: number;
  /** units per hidden layer (SPEC §4: 100) */
  hidden: number;
  /** hidden layers (SPEC §4: 3) */
  hiddenLayers: number;
  outDim: number;
}

/** The sequential kernels of assembly/parametric/exports.ts. */
export type NetworkKernels = Pick<CoreFunctions, "mlpInitParams" | "mlpParamCount" | "mlpForwardRows" | "mlpBackwardRows">;

export interface Network {
  shape: NetworkShape;
  /** the model record */
  modelPtr: number;
  /** f32[paramCount] */
  paramsPtr: number;
  paramCount: number;
}

const pad8 = (x: number) => (x + 7) & ~7;

/**
 * Allocates a network for `threads` threads with room for batches of up to `maxRows` distinct training rows
 * (0 when it only transforms), and initialises its parameters from the seed. `data` is the training input
 * (f32[n × inStride]) or 0.
 */
export function allocateNetwork(
  core: Core, shape: NetworkShape, seed: number, training?: { dataPtr: number; inStride: number; n: number; maxRows: number },
): Network {
  const kernels = core.kernels, M = core.layout.model;
  const { inDim, hidden, hiddenLayers, outDim } = shape;
  const paramCount = kernels.mlpParamCount(inDim, hidden, hiddenLayers, outDim);
  const zeroed = (floats: number) => {
    const ptr = core.alloc(floats * 4);
    core.f32(ptr, floats).fill(0);
    return ptr;
  };
  const modelPtr = zeroed(core.layout.modelRecord.bytes / 4);
  const record = () => core.i32(modelPtr, core.layout.modelRecord.bytes / 4);
  const set = (offset: number, value: number) => { record()[offset >> 2] = value; };
  // the shape first: the core derives the strides of activations and scratch from it
  set(M.inDim, inDim); set(M.hidden, hidden); set(M.hiddenLayers, hiddenLayers); set(M.outDim, outDim);
  const actStride = kernels.mlpActStride(modelPtr);
  const scratchStride = kernels.mlpScratchStride(modelPtr);
  const paramsPtr = zeroed(paramCount);
  const scratchPtr = zeroed(core.threads * scratchStride);
  let weightGrad = 0, adamM = 0, adamV = 0, act = 0, rows = 0, seen = 0;
  const maxRows = training?.maxRows ?? 0;
  if (training) {
    weightGrad = zeroed(core.threads * paramCount);
    adamM = zeroed(paramCount);
    adamV = zeroed(paramCount);
    act = zeroed(maxRows * actStride);
    rows = zeroed(maxRows);
    seen = zeroed(training.n);
  }
  set(M.inStride, training?.inStride ?? pad8(inDim)); set(M.params, paramsPtr); set(M.paramCount, paramCount);
  set(M.weightGrad, weightGrad); set(M.adamM, adamM); set(M.adamV, adamV); set(M.act, act);
  set(M.maxRows, maxRows); set(M.rows, rows); set(M.seen, seen); set(M.scratch, scratchPtr);
  set(M.data, training?.dataPtr ?? 0);
  kernels.mlpInitParams(paramsPtr, inDim, hidden, hiddenLayers, outDim, seed);
  return { shape, modelPtr, paramsPtr, paramCount };
}

/**
 * Makes room for batches of up to `maxRows` distinct rows (optimize() may use a larger batch than the fit): new
 * activation and row-list buffers when the current ones are smaller. Only for a network allocated for training.
 */
export function ensureBatchRows(core: Core, net: Network, maxRows: number): void {
  const M = core.layout.model;
  const words = core.layout.modelRecord.bytes / 4;
  if (core.i32(net.modelPtr, words)[M.maxRows >> 2] >= maxRows) return;
  const act = core.alloc(maxRows * core.kernels.mlpActStride(net.modelPtr) * 4);
  const rows = core.alloc(maxRows * 4);
  const record = core.i32(net.modelPtr, words); // after alloc: the memory may have grown
  record[M.act >> 2] = act;
  record[M.rows >> 2] = rows;
  record[M.maxRows >> 2] = maxRows;
}

/** Starts a phase: Adam's moments and step count back to 0 (the learning rate restarts too, SPEC §3). */
export function resetAdam(core: Core, net: Network): void {
  const M = core.layout.model;
  const record = core.i32(net.modelPtr, core.layout.modelRecord.bytes / 4);
  // addresses held as i32 read as negative from 2 GiB up: >>> 0
  core.f32(record[M.adamM >> 2] >>> 0, net.paramCount).fill(0);
  core.f32(record[M.adamV >> 2] >>> 0, net.paramCount).fill(0);
  record[M.step >> 2] = 0;
}

/**
 * Forward pass of `rows` rows at inputPtr (f32[rows × inStride]) into outputPtr (f32[rows × outDim]), on all
 * threads, in blocks of rows so that progress is reported and the signal checked between them.
 */
export async function forwardAll(
  core: Core, net: Network, inputPtr: number, inStride: number, rows: number, outputPtr: number,
  ctl: PhaseControl = {},
): Promise<void> {
  const block = TRANSFORM_CHUNK_ROWS * 64;
  for (let begin = 0; begin < rows; begin += block) {
    throwIfAborted(ctl.signal);
    const count = Math.min(block, rows - begin);
    const args = {
      model: net.modelPtr,
      input: inputPtr + begin * inStride * 4,
      inStride,
      rows: count,
      output: outputPtr + begin * net.shape.outDim * 4,
      chunkRows: TRANSFORM_CHUNK_ROWS,
    };
    await core.run("parametricTransform", args, Math.ceil(count / TRANSFORM_CHUNK_ROWS));
    ctl.progress?.((begin + count) / rows);
  }
}
