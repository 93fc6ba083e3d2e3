// The MLP of the parametric mode (SPEC §4): widths D → H → … → H → d, ReLU after every hidden layer, a linear
// output. Its buffers are described by one record in linear memory (the model record, i32 fields below),
// written once by the binding and read by every task, so the control block keeps the optimiser's slots.
//
// Parameters are one f32 array. Layer l (1-based, inputs w_{l-1}, outputs w_l) stores its weights transposed,
// w_{l-1} rows × pad8(w_l) floats (a row holds the weights from one input to every output, so the forward pass
// is a sum of scaled rows, SIMD over the outputs), then its bias, pad8(w_l) floats. Padding lanes stay 0.

import { draw, seedOf, streamKey, uniformUnit } from "../rng";

export const M_IN_DIM: usize = 0; // i32: D, values per input row
export const M_IN_STRIDE: usize = 4; // i32: floats per row of the training input (≥ D)
export const M_HIDDEN: usize = 8; // i32: H, units per hidden layer
export const M_HIDDEN_LAYERS: usize = 12; // i32: hidden layers (≥ 1)
export const M_OUT_DIM: usize = 16; // i32: d
export const M_PARAMS: usize = 20; // ptr f32[paramCount]
export const M_PARAM_COUNT: usize = 24; // i32: floats of the parameter array (a multiple of 8)
export const M_WEIGHT_GRAD: usize = 28; // ptr f32[threads × paramCount]: one zeroed gradient per thread
export const M_ADAM_M: usize = 32; // ptr f32[paramCount]: Adam's first moment
export const M_ADAM_V: usize = 36; // ptr f32[paramCount]: Adam's second moment
export const M_STEP: usize = 40; // i32: Adam steps taken in this phase
export const M_ACT: usize = 44; // ptr f32[maxRows × actStride]: activations of the batch's rows
export const M_MAX_ROWS: usize = 48; // i32: distinct points a batch can hold, min(n, 2b)
export const M_ROWS: usize = 52; // ptr i32[maxRows]: the batch's distinct points
export const M_ROW_COUNT: usize = 56; // i32
export const M_SEEN: usize = 60; // ptr i32[n]: 1 while a point is in the current batch's list, else 0
export const M_SCRATCH: usize = 64; // ptr f32[threads × scratchStride]: per-thread rows (see scratch* below)
export const M_DATA: usize = 68; // ptr f32[n × inStride]: the training input
// A training call runs epochs [ARG_EPOCH_BEGIN, ARG_EPOCH_END), from batch M_BATCH_BEGIN of its first epoch to
// batch M_BATCH_END (exclusive) of its last, so that the binding can split an epoch across calls.
export const M_BATCH_BEGIN: usize = 72; // i32
export const M_BATCH_END: usize = 76; // i32: ≤ batches per epoch
export const MODEL_BYTES: usize = 128;

// @ts-ignore: decorator
@inline export function pad8(width: i32): i32 {
  return (width + 7) & ~7;
}

// @ts-ignore: decorator
@inline export function field(model: usize, offset: usize): i32 {
  return load<i32>(model + offset);
}

/** Width of layer l's output (l = 1 … hiddenLayers + 1). */
export function layerWidth(model: usize, l: i32): i32 {
  return l > field(model, M_HIDDEN_LAYERS) ? field(model, M_OUT_DIM) : field(model, M_HIDDEN);
}

/** Width of layer l's input. */
export function layerInputWidth(model: usize, l: i32): i32 {
  return l == 1 ? field(model, M_IN_DIM) : field(model, M_HIDDEN);
}

/** Float offset of layer l's transposed weights in the parameter array; its bias follows them. */
export function layerOffset(inDim: i32, hidden: i32, hiddenLayers: i32, outDim: i32, l: i32): i32 {
  let offset = 0, w = inDim;
  for (let k = 1; k < l; k++) {
    const out = k > hiddenLayers ? outDim : hidden;
    offset += (w + 1) * pad8(out);
    w = out;
  }
  return offset;
}

/** Floats of the parameter array. */
export function mlpParamCount(inDim: i32, hidden: i32, hiddenLayers: i32, outDim: i32): i32 {
  return layerOffset(inDim, hidden, hiddenLayers, outDim, hiddenLayers + 2);
}

/** Address of layer l's transposed weights (f32[w_{l-1} × pad8(w_l)]). */
export function layerWeights(model: usize, l: i32): usize {
  const o = layerOffset(field(model, M_IN_DIM), field(model, M_HIDDEN), field(model, M_HIDDEN_LAYERS), field(model, M_OUT_DIM), l);
  return <usize>field(model, M_PARAMS) + (<usize>o << 2);
}

/** Floats of one row's activations: every hidden layer's output, then the network's output. */
export function actStride(model: usize): i32 {
  return field(model, M_HIDDEN_LAYERS) * pad8(field(model, M_HIDDEN)) + pad8(field(model, M_OUT_DIM));
}

// Per-thread scratch, in floats: zero row [pad8(D)] | output deltas [4 × pad8(d)] | hidden deltas A and B
// [4 × pad8(H) each] | activation rows [4 × actStride] (the rows of a transform, or stand-ins for the missing
// rows of a partial block in training).
export function scratchStride(model: usize): i32 {
  return pad8(field(model, M_IN_DIM)) + 4 * pad8(field(model, M_OUT_DIM)) + 8 * pad8(field(model, M_HIDDEN)) + 4 * actStride(model);
}
export function scratchOf(model: usize, thread: i32): usize {
  return <usize>field(model, M_SCRATCH) + (<usize>thread * <usize>scratchStride(model) << 2);
}

/**
 * Initialises the parameters as PyTorch's nn.Linear does (the reference's default): every weight and bias of
 * a layer with fan-in f uniform in [−1/√f, 1/√f), drawn from (seed, parameter index). Padding stays 0.
 * params: f32[mlpParamCount(...)].
 */
export function mlpInitParams(
  params: usize, inDim: i32, hidden: i32, hiddenLayers: i32, outDim: i32, seed: f64,
): void {
  const key = streamKey(seedOf(seed), 0x6d6c70); // "mlp"
  let p = params, w = inDim, index: u64 = 0;
  for (let l = 1; l <= hiddenLayers + 1; l++) {
    const out = l > hiddenLayers ? outDim : hidden, stride = pad8(out);
    const bound: f32 = 1 / Mathf.sqrt(<f32>w);
    for (let r = 0; r <= w; r++) { // w weight rows, then the bias row
      for (let c = 0; c < stride; c++) {
        const v: f32 = c < out ? (2 * uniformUnit(draw(key, index++)) - 1) * bound : 0;
        store<f32>(p + (<usize>c << 2), v);
      }
      p += <usize>stride << 2;
    }
    w = out;
  }
}
