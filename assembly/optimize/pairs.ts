// Pair-level helpers of the optimiser: where an edge lives in this epoch's order, the negatives of a head, and
// the gradient of one pair.

import { uniformIndex } from "../rng";

// @ts-ignore: decorator
@inline export function edgeSlot(edges: usize, edgeCount: i32, offset: i32, position: i32): usize {
  let e = position + offset;
  if (e >= edgeCount) e -= edgeCount;
  return edges + (<usize>e << 3);
}

/** Adds coef · 2(y_a − y_b) to grad[a] and subtracts it from grad[b]. */
// @ts-ignore: decorator
@inline export function pushPair(y: usize, grad: usize, a: i32, b: i32, dim: i32, coef: f32): void {
  const pa = <usize>a * <usize>dim << 2;
  const pb = <usize>b * <usize>dim << 2;
  const c2 = coef * 2;
  for (let t = 0; t < dim; t++) {
    const o = <usize>t << 2;
    const g = c2 * (load<f32>(y + pa + o) - load<f32>(y + pb + o));
    store<f32>(grad + pa + o, load<f32>(grad + pa + o) + g);
    store<f32>(grad + pb + o, load<f32>(grad + pb + o) - g);
  }
}

// @ts-ignore: decorator
@inline export function squaredGap(y: usize, a: i32, b: i32, dim: i32): f32 {
  const pa = y + (<usize>a * <usize>dim << 2);
  const pb = y + (<usize>b * <usize>dim << 2);
  let s: f32 = 0;
  for (let t = 0; t < dim; t++) {
    const d = load<f32>(pa + (<usize>t << 2)) - load<f32>(pb + (<usize>t << 2));
    s += d * d;
  }
  return s;
}

/** Endpoint number `slot` of the batch starting at `batchStart` (even: a head, odd: a tail). */
// @ts-ignore: decorator
@inline export function batchEndpoint(edges: usize, edgeCount: i32, offset: i32, batchStart: i32, slot: i32): i32 {
  return load<i32>(edgeSlot(edges, edgeCount, offset, batchStart + (slot >> 1)) + ((<usize>slot & 1) << 2));
}


/**
 * A negative of the head at `headSlot` in the batch starting at `batchStart`: a uniform endpoint of the batch
 * (2·length slots, heads and tails) other than the head's own slot. `bits`: one fresh LCG state per negative.
 */
// @ts-ignore: decorator
@inline export function batchNegative(
  edges: usize, edgeCount: i32, offset: i32, batchStart: i32, headSlot: i32, endpoints: u32, bits: u64,
): i32 {
  let q = <i32>uniformIndex(bits, endpoints);
  if (q >= headSlot) q++;
  return batchEndpoint(edges, edgeCount, offset, batchStart, q);
}
