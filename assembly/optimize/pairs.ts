// Pair-level helpers of the optimiser: where an edge lives in this epoch's order, the endpoints of a batch, and
// the squared distance of two rows.

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

