// The optimiser's hot loop for 2-D layouts, in v128 SIMD: partners (a head's positive tail and its m
// negatives) are processed four lanes at a time — gather four (x, y) pairs, compute the four coefficients at
// once, accumulate the heads' gradients in registers and scatter the partners' gradients. Lanes past the
// last partner point at a head with a zero coefficient. Same draws and per-pair arithmetic as the scalar path.

import { arg, argInt, argPtr } from "../parallel/control";
import { draw, lcgNext } from "../rng";
import { ARG_CLAMP, ARG_EDGE_COUNT, ARG_EDGES, ARG_LOSS, ARG_NEGATIVES, ARG_Y } from "./args";
import { LOSS_NCE, LOSS_UMAP, UMAP_EPSILON } from "./losses";
import { batchNegative, edgeSlot } from "./pairs";
import { horizontalSum } from "../util/simd";

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
 *
 * Heads go two at a time: their 2(m + 1) partners (tail, then negatives, for head A then head B) are listed in
 * this thread's scratch and processed four lanes at a time, so with the default m = 5 two heads fill three
 * groups exactly instead of four half-empty ones. A lane knows its head by its position in the list.
 */
export function accumulateBatchPlanar(
  ctrl: usize, grad: usize, batchStart: i32, batchLength: i32, begin: i32, end: i32,
  offset: i32, key: u64, xi: f32, scratch: usize,
): f64 {
  const y = argPtr(ctrl, ARG_Y);
  const edges = argPtr(ctrl, ARG_EDGES), edgeCount = argInt(ctrl, ARG_EDGE_COUNT);
  const loss = argInt(ctrl, ARG_LOSS), m = argInt(ctrl, ARG_NEGATIVES);
  const clamp = <f32>arg(ctrl, ARG_CLAMP);
  const isUmap = loss == LOSS_UMAP, isNce = loss == LOSS_NCE;
  const endpoints = <u32>(2 * batchLength - 1);
  const perHead = m + 1; // the positive tail, then m negatives
  const one = f32x4.splat(1), two = f32x4.splat(2), zero = f32x4.splat(0);
  const xiV = f32x4.splat(xi), clampV = f32x4.splat(clamp), epsV = f32x4.splat(UMAP_EPSILON);
  const laneIndex = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0); // i32x4 (0, 1, 2, 3)
  const perHeadV = i32x4.splat(perHead);
  let logZGrad: f64 = 0;
  for (let p = begin; p < end; p += 2) {
    const pairOfHeads = p + 1 < end;
    const slotA = edgeSlot(edges, edgeCount, offset, p);
    const a = load<i32>(slotA);
    const slotB = pairOfHeads ? edgeSlot(edges, edgeCount, offset, p + 1) : slotA;
    const b = load<i32>(slotB);
    // the partner list: A's tail and negatives, then B's; padded to whole groups with A itself (masked off)
    const total = pairOfHeads ? 2 * perHead : perHead;
    listPartners(scratch, load<i32>(slotA, 4), draw(key, <u64>p), (p - batchStart) << 1, m, edges, edgeCount, offset, batchStart, endpoints);
    if (pairOfHeads) {
      listPartners(scratch + (<usize>perHead << 2), load<i32>(slotB, 4), draw(key, <u64>(p + 1)), (p + 1 - batchStart) << 1, m, edges, edgeCount, offset, batchStart, endpoints);
    }
    const groupsEnd = (total + 3) & ~3;
    for (let f = total; f < groupsEnd; f++) store<i32>(scratch + (<usize>f << 2), a);
    const ax = f32x4.splat(load<f32>(y + (<usize>a << 3))), ay = f32x4.splat(load<f32>(y + (<usize>a << 3), 4));
    const bx = f32x4.splat(load<f32>(y + (<usize>b << 3))), by = f32x4.splat(load<f32>(y + (<usize>b << 3), 4));
    let accAX = zero, accAY = zero, accBX = zero, accBY = zero, accZ = zero;
    const totalV = i32x4.splat(total);
    for (let g = 0; g < total; g += 4) {
      const ks = v128.load(scratch + (<usize>g << 2));
      const k0 = i32x4.extract_lane(ks, 0), k1 = i32x4.extract_lane(ks, 1);
      const k2 = i32x4.extract_lane(ks, 2), k3 = i32x4.extract_lane(ks, 3);
      const lanes = i32x4.add(i32x4.splat(g), laneIndex);
      const valid = i32x4.lt_s(lanes, totalV);
      const isB = i32x4.ge_s(lanes, perHeadV);
      const positive = v128.or(i32x4.eq(lanes, i32x4.splat(0)), i32x4.eq(lanes, perHeadV));
      const hx = v128.bitselect(bx, ax, isB), hy = v128.bitselect(by, ay, isB);
      const lo4 = gatherPoints(y, k0, k1, k2, k3);
      const hi4 = gatherPoints(y, k2, k3, k2, k3);
      const px = v128.shuffle<f32>(lo4, hi4, 0, 2, 4, 6);
      const py = v128.shuffle<f32>(lo4, hi4, 1, 3, 5, 7);
      const dx = f32x4.sub(hx, px), dy = f32x4.sub(hy, py);
      const d = f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy));
      const u = f32x4.add(one, d);
      let coef: v128, keep: v128;
      if (isUmap) {
        const phi = f32x4.div(one, u);
        const repel = f32x4.div(f32x4.neg(one), f32x4.mul(f32x4.add(d, epsV), u));
        coef = v128.bitselect(phi, repel, positive);
        const logArg = v128.bitselect(phi, f32x4.div(d, u), positive); // φ or 1 − φ
        keep = f32x4.ge(logArg, clampV);
      } else {
        const q = f32x4.add(one, f32x4.mul(xiV, u));
        const r = f32x4.div(one, f32x4.mul(u, q)); // one division: e = u·r, repulsion = −r
        const e = f32x4.mul(u, r);
        coef = v128.bitselect(f32x4.mul(xiV, e), f32x4.neg(r), positive);
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
      accAX = f32x4.add(accAX, v128.andnot(gx, isB));
      accAY = f32x4.add(accAY, v128.andnot(gy, isB));
      accBX = f32x4.add(accBX, v128.and(gx, isB));
      accBY = f32x4.add(accBY, v128.and(gy, isB));
      // scatter −g to the partners, one (x, y) pair per lane, in lane order (duplicates accumulate correctly)
      const lo = v128.shuffle<f32>(gx, gy, 0, 4, 1, 5); // (gx0, gy0, gx1, gy1)
      const hi = v128.shuffle<f32>(gx, gy, 2, 6, 3, 7);
      subtractPair(grad, k0, lo);
      subtractPair(grad, k1, v128.shuffle<f32>(lo, lo, 2, 3, 0, 1));
      subtractPair(grad, k2, hi);
      subtractPair(grad, k3, v128.shuffle<f32>(hi, hi, 2, 3, 0, 1));
    }
    addPair(grad, a, horizontalSum(accAX), horizontalSum(accAY));
    if (pairOfHeads) addPair(grad, b, horizontalSum(accBX), horizontalSum(accBY));
    if (isNce) logZGrad += <f64>horizontalSum(accZ);
  }
  return logZGrad;
}

/** Writes a head's partners to list (i32[m + 1]): its tail, then m negatives drawn from its own stream. */
// @ts-ignore: decorator
@inline function listPartners(
  list: usize, tail: i32, stream: u64, headSlot: i32, m: i32,
  edges: usize, edgeCount: i32, offset: i32, batchStart: i32, endpoints: u32,
): void {
  store<i32>(list, tail);
  for (let r = 1; r <= m; r++) {
    stream = lcgNext(stream);
    store<i32>(list + (<usize>r << 2), batchNegative(edges, edgeCount, offset, batchStart, headSlot, endpoints, stream));
  }
}

// @ts-ignore: decorator
@inline function addPair(grad: usize, k: i32, gx: f32, gy: f32): void {
  const p = grad + (<usize>k << 3);
  store<f32>(p, load<f32>(p) + gx);
  store<f32>(p, load<f32>(p, 4) + gy, 4);
}
