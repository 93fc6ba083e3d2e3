// Pair-level helpers of the optimiser: where an edge lives in this epoch's order, the endpoints of a batch (and
// whether they lie one after another), and the squared distance of two rows.

// @ts-ignore: decorator
@inline export function edgeSlot(edges: usize, edgeCount: i32, offset: i32, position: i32): usize {
  let e = position + offset;
  if (e >= edgeCount) e -= edgeCount;
  return edges + (<usize>e << 3);
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
 * Whether the batch's edges lie one after another in the edge list: every batch of an epoch but the one that
 * straddles the end of its rotated order. batchStart and offset are below the edge count, so the index of the
 * batch's first edge, batchStart + offset, is below twice the count: the batch wraps whole or not at all.
 */
// @ts-ignore: decorator
@inline export function isContiguousBatch(edgeCount: i32, offset: i32, batchStart: i32, batchLength: i32): bool {
  const first = batchStart + offset;
  return first + batchLength <= edgeCount || first >= edgeCount;
}

/** For a contiguous batch (isContiguousBatch): the offset that makes batchStart + it the index of its first edge. */
// @ts-ignore: decorator
@inline export function contiguousOffset(edgeCount: i32, offset: i32, batchStart: i32): i32 {
  return batchStart + offset >= edgeCount ? offset - edgeCount : offset;
}
