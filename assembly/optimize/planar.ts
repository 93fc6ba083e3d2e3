// The optimiser's hot loop for 2-D layouts, in v128 SIMD: a head's partners (its positive tail and its m
// negatives) are processed four lanes at a time — gather four (x, y) pairs, compute the four coefficients at
// once, accumulate the head's gradient in registers and scatter the partners' gradients. Lanes past the
// last partner point at the head itself with a zero coefficient. Same arithmetic as the scalar path per pair.

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, lcgNext } from "../rng";
import { ARG_CLAMP, ARG_EDGE_COUNT, ARG_EDGES, ARG_LOSS, ARG_NEGATIVES, ARG_Y } from "./args";
import { LOSS_NCE, LOSS_UMAP, UMAP_EPSILON } from "./losses";
import { batchNegative, edgeSlot } from "./pairs";

// @ts-ignore: decorator
@inline function gatherPoints(y: usize, k0: i32, k1: i32, k2: i32, k3: i32): v128 {
  // returns (x0, y0, x1, y1) — the caller gathers twice and de-interleaves
  let a = v128.load64_zero(y + (<usize>k0 << 3));
  a = v128.load64_lane(y + (<usize>k1 << 3), a, 1);
  return a;
}

// @ts-ignore: decorator
@inline function subtractPair(grad: usize, k: i32, g: v128): void {
  const p = grad + (<usize>k << 3);
  v128.store64_lane(p, f32x4.sub(v128.load64_zero(p), g), 0);
}

/**
 * 2-D gradient of this thread's share [begin, end) of one batch for neg, nce and umap. Returns NCE's summed
 * ∂ℓ/∂log Z (0 for the other losses).
 */
export function accumulateBatchPlanar(
  ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32,
): f64 {
  const y = argPtr(ctrl, ARG_Y);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const loss = argInt(ctrl, ARG_LOSS), m = argInt(ctrl, ARG_NEGATIVES);
  const clamp = <f32>arg(ctrl, ARG_CLAMP);
  const isUmap = loss == LOSS_UMAP, isNce = loss == LOSS_NCE;
  const endpoints = <u32>(2 * batchLength - 1);
  const partners = m + 1; // lane 0 of the first group is the positive tail
  const one = f32x4.splat(1), two = f32x4.splat(2), zero = f32x4.splat(0);
  const xiV = f32x4.splat(xi), clampV = f32x4.splat(clamp), epsV = f32x4.splat(UMAP_EPSILON);
  const laneIndex = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0); // i32x4 (0, 1, 2, 3)
  let logZGrad: f64 = 0;
  for (let p = begin; p < end; p++) {
    const slot = edgeSlot(edges, edgeCount, offset, p);
    const i = load<i32>(slot), j = load<i32>(slot, 4);
    const hx = f32x4.splat(load<f32>(y + (<usize>i << 3)));
    const hy = f32x4.splat(load<f32>(y + (<usize>i << 3), 4));
    const headSlot = (p - batchStart) << 1;
    let stream = draw(key, <u64>p); // this head's negatives: one LCG step each
    let accX = zero, accY = zero, accZ = zero;
    for (let g = 0; g < partners; g += 4) {
      // the four partners of this group
      let k0 = i, k1 = i, k2 = i, k3 = i;
      if (g == 0) k0 = j;
      else k0 = batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream = lcgNext(stream));
      if (g + 1 < partners) k1 = batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream = lcgNext(stream));
      if (g + 2 < partners) k2 = batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream = lcgNext(stream));
      if (g + 3 < partners) k3 = batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream = lcgNext(stream));
      const a = gatherPoints(y, k0, k1, k2, k3);
      const b = gatherPoints(y, k2, k3, k2, k3);
      const px = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
      const py = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const dx = f32x4.sub(hx, px), dy = f32x4.sub(hy, py);
      const d = f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy));
      const u = f32x4.add(one, d);
      // lanes: valid = partner exists; positive = lane 0 of group 0
      const lanes = i32x4.add(i32x4.splat(g), laneIndex);
      const valid = i32x4.lt_s(lanes, i32x4.splat(partners));
      const positive = i32x4.eq(lanes, i32x4.splat(0));
      let coef: v128, keep: v128;
      if (isUmap) {
        const phi = f32x4.div(one, u);
        const attract = phi;
        const repel = f32x4.div(f32x4.neg(one), f32x4.mul(f32x4.add(d, epsV), u));
        coef = v128.bitselect(attract, repel, positive);
        const logArg = v128.bitselect(phi, f32x4.div(d, u), positive); // φ or 1 − φ
        keep = f32x4.ge(logArg, clampV);
      } else {
        const q = f32x4.add(one, f32x4.mul(xiV, u));
        const r = f32x4.div(one, f32x4.mul(u, q)); // one division: e = u·r, repulsion = −r
        const e = f32x4.mul(u, r);
        const attract = f32x4.mul(xiV, e);
        const repel = f32x4.neg(r);
        coef = v128.bitselect(attract, repel, positive);
        const logArg = v128.bitselect(e, f32x4.sub(one, e), positive); // e or 1 − e
        keep = f32x4.ge(logArg, clampV);
        if (isNce) {
          // ∂ℓ⁺/∂log Z = 1 − e, ∂ℓ⁻/∂log Z = −e
          const dz = v128.bitselect(f32x4.sub(one, e), f32x4.neg(e), positive);
          accZ = f32x4.add(accZ, v128.and(dz, v128.and(keep, valid)));
        }
      }
      coef = v128.and(coef, v128.and(keep, valid));
      const c2 = f32x4.mul(two, coef);
      const gx = f32x4.mul(c2, dx), gy = f32x4.mul(c2, dy);
      accX = f32x4.add(accX, gx);
      accY = f32x4.add(accY, gy);
      // scatter −g to the partners, one (x, y) pair per lane, in lane order (duplicates accumulate correctly)
      const lo = v128.shuffle<f32>(gx, gy, 0, 4, 1, 5); // (gx0, gy0, gx1, gy1)
      const hi = v128.shuffle<f32>(gx, gy, 2, 6, 3, 7);
      subtractPair(grad, k0, lo);
      subtractPair(grad, k1, v128.shuffle<f32>(lo, lo, 2, 3, 0, 1));
      subtractPair(grad, k2, hi);
      subtractPair(grad, k3, v128.shuffle<f32>(hi, hi, 2, 3, 0, 1));
    }
    const sumX = f32x4.extract_lane(accX, 0) + f32x4.extract_lane(accX, 1) + f32x4.extract_lane(accX, 2) + f32x4.extract_lane(accX, 3);
    const sumY = f32x4.extract_lane(accY, 0) + f32x4.extract_lane(accY, 1) + f32x4.extract_lane(accY, 2) + f32x4.extract_lane(accY, 3);
    const gi = grad + (<usize>i << 3);
    store<f32>(gi, load<f32>(gi) + sumX);
    store<f32>(gi, load<f32>(gi, 4) + sumY, 4);
    if (isNce) {
      logZGrad += <f64>(f32x4.extract_lane(accZ, 0) + f32x4.extract_lane(accZ, 1) + f32x4.extract_lane(accZ, 2) + f32x4.extract_lane(accZ, 3));
    }
  }
  return logZGrad;
}
