// Forward and backward passes of the whole MLP for a block of four rows, layer by layer with the kernels of
// dense.ts. A row's activations (every hidden layer's output, then the network's output) live in one
// activation row of actStride floats, which the backward pass reads again.

import { denseBackward4, denseForward4 } from "./dense";
import {
  actStride, field, layerInputWidth, layerWeights, layerWidth, pad8, scratchOf, M_HIDDEN, M_HIDDEN_LAYERS,
  M_IN_DIM, M_OUT_DIM, M_PARAMS,
} from "./model";

// @ts-ignore: decorator
@inline function hiddenOut(a: usize, l: i32, hiddenBytes: usize): usize {
  return a + <usize>(l - 1) * hiddenBytes; // layer l's output inside an activation row
}

/**
 * Forwards four rows. x0…x3: f32[D] input rows; a0…a3: f32[actStride] activation rows (outputs, distinct).
 * The network's output of row r is at a_r + hiddenLayers · pad8(H) floats.
 */
export function forwardBlock(model: usize, x0: usize, x1: usize, x2: usize, x3: usize, a0: usize, a1: usize, a2: usize, a3: usize): void {
  const layers = field(model, M_HIDDEN_LAYERS) + 1;
  const hiddenBytes = <usize>pad8(field(model, M_HIDDEN)) << 2;
  let i0 = x0, i1 = x1, i2 = x2, i3 = x3;
  for (let l = 1; l <= layers; l++) {
    const w = layerWeights(model, l), inWidth = layerInputWidth(model, l), outStride = pad8(layerWidth(model, l));
    const bias = w + (<usize>inWidth * <usize>outStride << 2);
    const o0 = hiddenOut(a0, l, hiddenBytes), o1 = hiddenOut(a1, l, hiddenBytes);
    const o2 = hiddenOut(a2, l, hiddenBytes), o3 = hiddenOut(a3, l, hiddenBytes);
    denseForward4(i0, i1, i2, i3, inWidth, w, bias, outStride, o0, o1, o2, o3, l < layers);
    i0 = o0; i1 = o1; i2 = o2; i3 = o3;
  }
}

/**
 * Backpropagates ∂ℓ/∂output of four forwarded rows into the parameter gradient. x0…x3: f32[D] input rows;
 * a0…a3: their activation rows; g0…g3: f32[pad8(d)] each, ∂ℓ/∂output, zero in the padding (a row of zeros
 * contributes nothing); weightGrad: f32[paramCount], laid out like the parameters, accumulated.
 * Uses the hidden-delta buffers of `thread`'s scratch.
 */
export function backwardBlock(
  model: usize, thread: i32, x0: usize, x1: usize, x2: usize, x3: usize, a0: usize, a1: usize, a2: usize, a3: usize,
  g0: usize, g1: usize, g2: usize, g3: usize, weightGrad: usize,
): void {
  const layers = field(model, M_HIDDEN_LAYERS) + 1;
  const hidden8 = pad8(field(model, M_HIDDEN));
  const hiddenBytes = <usize>hidden8 << 2;
  const gradShift = weightGrad - <usize>field(model, M_PARAMS);
  const deltaA = scratchOf(model, thread) + (<usize>(pad8(field(model, M_IN_DIM)) + 4 * pad8(field(model, M_OUT_DIM))) << 2);
  const deltaB = deltaA + (hiddenBytes << 2);
  let h0 = g0, h1 = g1, h2 = g2, h3 = g3;
  let next = deltaA;
  for (let l = layers; l >= 1; l--) {
    const w = layerWeights(model, l), inWidth = layerInputWidth(model, l), outStride = pad8(layerWidth(model, l));
    const bias = w + (<usize>inWidth * <usize>outStride << 2);
    let i0 = x0, i1 = x1, i2 = x2, i3 = x3;
    let d0: usize = 0, d1: usize = 0, d2: usize = 0, d3: usize = 0;
    if (l > 1) {
      i0 = hiddenOut(a0, l - 1, hiddenBytes); i1 = hiddenOut(a1, l - 1, hiddenBytes);
      i2 = hiddenOut(a2, l - 1, hiddenBytes); i3 = hiddenOut(a3, l - 1, hiddenBytes);
      d0 = next; d1 = next + hiddenBytes; d2 = next + 2 * hiddenBytes; d3 = next + 3 * hiddenBytes;
    }
    denseBackward4(i0, i1, i2, i3, inWidth, w, w + gradShift, bias + gradShift, outStride, h0, h1, h2, h3, d0, d1, d2, d3);
    h0 = d0; h1 = d1; h2 = d2; h3 = d3;
    next = next == deltaA ? deltaB : deltaA;
  }
}

/** Address of the network's output inside an activation row. */
// @ts-ignore: decorator
@inline export function outputOf(model: usize, a: usize): usize {
  return a + (<usize>(field(model, M_HIDDEN_LAYERS) * pad8(field(model, M_HIDDEN))) << 2);
}

/** The four activation rows of `thread`'s scratch. */
export function scratchActivations(model: usize, thread: i32): usize {
  const m = pad8(field(model, M_IN_DIM)) + 4 * pad8(field(model, M_OUT_DIM)) + 8 * pad8(field(model, M_HIDDEN));
  return scratchOf(model, thread) + (<usize>m << 2);
}

/** The output-delta rows (4 × pad8(d)) of `thread`'s scratch. */
export function scratchOutputDeltas(model: usize, thread: i32): usize {
  return scratchOf(model, thread) + (<usize>pad8(field(model, M_IN_DIM)) << 2);
}

/** The zero row (f32[pad8(D)]) of `thread`'s scratch: the input of a missing row. */
export function scratchZeroRow(model: usize, thread: i32): usize {
  return scratchOf(model, thread);
}

export { actStride };
