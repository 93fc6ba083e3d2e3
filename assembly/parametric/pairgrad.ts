// The pair gradient of a batch for layouts of any dimension (the optimiser's SIMD path covers d = 2):
// the same draws and the same per-pair derivatives as the non-parametric optimiser, into a per-thread
// gradient buffer indexed by point.

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, lcgNext, uniformIndex } from "../rng";
import { ARG_CLAMP, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_LOSS, ARG_NEGATIVES, ARG_Y } from "../optimize/args";
import { attraction, repulsion, nceLogZAttraction, nceLogZRepulsion, LOSS_NCE } from "../optimize/losses";
import { batchEndpoint, edgeSlot, pushPair, squaredGap } from "../optimize/pairs";

/**
 * Gradient of heads [begin, end) of the batch at batchStart for neg, nce and umap into grad
 * (f32[n × d]); returns NCE's summed ∂ℓ/∂log Z (0 for the other losses).
 */
export function accumulateBatchAnyDim(
  ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32, offset: i32, key: u64, xi: f32,
): f64 {
  const y = argPtr(ctrl, ARG_Y), dim = argInt(ctrl, ARG_DIM);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const loss = argInt(ctrl, ARG_LOSS), m = argInt(ctrl, ARG_NEGATIVES);
  const clamp = <f32>arg(ctrl, ARG_CLAMP);
  const isNce = loss == LOSS_NCE;
  const endpoints = <u32>(2 * batchLength - 1);
  let logZGrad: f64 = 0;
  for (let p = begin; p < end; p++) {
    const slot = edgeSlot(edges, edgeCount, offset, p);
    const i = load<i32>(slot), j = load<i32>(slot, 4);
    const dPos = squaredGap(y, i, j, dim);
    pushPair(y, grad, i, j, dim, attraction(loss, dPos, xi, clamp));
    if (isNce) logZGrad += nceLogZAttraction(dPos, xi, clamp);
    const headSlot = (p - batchStart) << 1;
    let stream = draw(key, <u64>p);
    for (let r = 0; r < m; r++) {
      stream = lcgNext(stream);
      let q = <i32>uniformIndex(stream, endpoints);
      if (q >= headSlot) q++;
      const k = batchEndpoint(edges, edgeCount, offset, batchStart, q);
      const dNeg = squaredGap(y, i, k, dim);
      pushPair(y, grad, i, k, dim, repulsion(loss, dNeg, xi, clamp));
      if (isNce) logZGrad += nceLogZRepulsion(dNeg, xi, clamp);
    }
  }
  return logZGrad;
}
