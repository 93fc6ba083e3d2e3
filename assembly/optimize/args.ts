// Argument slots of the optimiser task in the control block (mirrored in bindings/embedding/optimizer.ts).

export const ARG_Y = 0; // f32[gradStride] embedding (n × dim, zero-padded to a multiple of 4), updated in place
export const ARG_N = 1;
export const ARG_DIM = 2;
export const ARG_EDGES = 3; // i32[2 * E] (head, tail) pairs in a fixed shuffled order
export const ARG_EDGE_COUNT = 4;
export const ARG_GRAD = 5; // f32[(2 · threads − 1) · gradStride]: one zeroed gradient buffer per thread, then a layout copy per thread after the first (sgd.ts; unused by staged batches, 0 when every phase so far staged)
export const ARG_GRAD_STRIDE = 6; // floats per gradient buffer: n * dim rounded up to a multiple of 4
export const ARG_SCRATCH = 7; // per-thread scratch of scratchBytes(dim) each: a tile's heads and tails for layouts other than 2-D
export const ARG_PARTIAL = 8; // f64[threads]: per-thread partial sums (NCE's ∂/∂log Z)
export const ARG_STATE = 9; // f64[4]: [0] log Z (NCE), read and written
export const ARG_LOSS = 10;
export const ARG_XI = 11; // ξ' for neg (the estimator's m·Z̄ / (n(n−1)))
export const ARG_NEGATIVES = 12; // m
export const ARG_BATCH = 13; // edges per batch
export const ARG_EPOCH_BEGIN = 14; // first epoch of this call, 0-based within the phase
export const ARG_EPOCH_END = 15;
export const ARG_PHASE_EPOCHS = 16; // epochs of the whole phase (for the learning-rate decay)
export const ARG_LEARNING_RATE = 17;
export const ARG_SEED = 18;
export const ARG_PHASE = 19; // phase id: separates the random streams of successive phases
export const ARG_CLAMP = 20; // lower clamp of every log argument
export const ARG_C = 21; // InfoNCE's c
export const ARG_NCE_LEARNING_RATE = 22; // SGD rate of log Z
// (23 is the parametric trainer's model record, ARG_MODEL)
export const ARG_SLOTS = 24; // the layout optimiser's staging buffers for batches of ARG_BATCH edges (staging.ts), or 0: no staging

/** Bytes of one thread's scratch: the any-dimension kernel's tile of heads, tails and their gradients
 * (f32[3 · dim · 8]), the tile's point ids (i32[16]) and one draw's distances to the tile's heads (f32[8]).
 * Read by the bindings through optimizeScratchBytes (abi.ts). */
// @ts-ignore: decorator
@inline export function scratchBytes(dim: i32): usize {
  return (<usize>(3 * dim * 8 + 16 + 8) << 2);
}
