// InfoNCE (InfoNC-t-SNE): for a head with positive φ₊ and negatives φ_k, S = φ₊ + Σφ_k and
// ℓ = −[log φ₊ − (1/c) log S]. Unlike neg/nce the gradient of each pair depends on all of the head's pairs,
// so the negatives' kernels are computed first (into per-thread scratch), then the gradients.
//   ∂ℓ/∂D₊ = φ₊ − φ₊²/(cS)   ∂ℓ/∂D_k = −φ_k²/(cS)

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, lcgNext } from "../rng";
import { ARG_C, ARG_DIM, ARG_EDGE_COUNT, ARG_EDGES, ARG_NEGATIVES, ARG_Y } from "./args";
import { batchEndpoint, batchNegative, pushPair, squaredGap } from "./pairs";

/**
 * Accumulates the InfoNCE gradient of the head at epoch position p into `grad`.
 * scratch: this thread's block of ARG_SCRATCH, i32[m] negative indices then f32[m] kernels.
 */
export function infoNceHead(
  ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, p: i32, offset: i32, key: u64, scratch: usize,
): void {
  const y = argPtr(ctrl, ARG_Y), dim = argInt(ctrl, ARG_DIM);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const m = argInt(ctrl, ARG_NEGATIVES);
  const c = <f32>arg(ctrl, ARG_C);
  const headSlot = (p - batchStart) << 1;
  const i = batchEndpoint(edges, edgeCount, offset, batchStart, headSlot);
  const j = batchEndpoint(edges, edgeCount, offset, batchStart, headSlot + 1);
  const indices = scratch, kernels = scratch + (<usize>m << 2);
  const phiPos: f32 = 1 / (1 + squaredGap(y, i, j, dim));
  let total: f32 = phiPos;
  const endpoints = <u32>(2 * batchLength - 1);
  let stream = draw(key, <u64>p); // this head's negatives: one LCG step each
  for (let r = 0; r < m; r++) {
    stream = lcgNext(stream);
    const k = batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream);
    const phi: f32 = 1 / (1 + squaredGap(y, i, k, dim));
    store<i32>(indices + (<usize>r << 2), k);
    store<f32>(kernels + (<usize>r << 2), phi);
    total += phi;
  }
  const attract = infoNceCoefficients(kernels, m, phiPos, total, c);
  pushPair(y, grad, i, j, dim, attract);
  for (let r = 0; r < m; r++) {
    pushPair(y, grad, i, load<i32>(indices + (<usize>r << 2)), dim, load<f32>(kernels + (<usize>r << 2)));
  }
}

/**
 * Turns the kernels φ_k (f32[m] at kernelsPtr, overwritten) into the coefficients ∂ℓ/∂D_k = −φ_k²/(cS) and
 * returns ∂ℓ/∂D₊ = φ₊ − φ₊²/(cS), where S = φ₊ + Σφ_k is passed as `total`.
 */
export function infoNceCoefficients(kernelsPtr: usize, m: i32, phiPos: f32, total: f32, c: f32): f32 {
  const inv: f32 = 1 / (c * total);
  for (let r = 0; r < m; r++) {
    const p = kernelsPtr + (<usize>r << 2);
    const phi = load<f32>(p);
    store<f32>(p, -phi * phi * inv);
  }
  return phiPos - phiPos * phiPos * inv;
}
