// A bounded max-heap of (distance, index) pairs that keeps the k smallest, ordered by distance and then by
// index, so ties resolve the same way in every run and on every thread count. It lives in caller memory:
// distPtr: f32[k], idxPtr: i32[k]. `size` is the number of filled slots.

// @ts-ignore: decorator
@inline export function pairLess(d1: f32, i1: i32, d2: f32, i2: i32): bool {
  return d1 < d2 || (d1 == d2 && i1 < i2);
}

/** Sifts the root down in a max-heap of `size` elements. */
function siftDown(distPtr: usize, idxPtr: usize, size: i32, start: i32): void {
  let parent = start;
  const d = load<f32>(distPtr + (<usize>parent << 2));
  const id = load<i32>(idxPtr + (<usize>parent << 2));
  while (true) {
    let child = 2 * parent + 1;
    if (child >= size) break;
    let cd = load<f32>(distPtr + (<usize>child << 2));
    let ci = load<i32>(idxPtr + (<usize>child << 2));
    if (child + 1 < size) {
      const rd = load<f32>(distPtr + (<usize>(child + 1) << 2));
      const ri = load<i32>(idxPtr + (<usize>(child + 1) << 2));
      if (pairLess(cd, ci, rd, ri)) { child++; cd = rd; ci = ri; }
    }
    if (!pairLess(d, id, cd, ci)) break;
    store<f32>(distPtr + (<usize>parent << 2), cd);
    store<i32>(idxPtr + (<usize>parent << 2), ci);
    parent = child;
  }
  store<f32>(distPtr + (<usize>parent << 2), d);
  store<i32>(idxPtr + (<usize>parent << 2), id);
}

/**
 * Offers (d, index) to a heap holding `size` of at most `capacity` elements; returns the new size.
 * When full, the pair replaces the largest only if it is smaller.
 */
export function heapPush(distPtr: usize, idxPtr: usize, size: i32, capacity: i32, d: f32, index: i32): i32 {
  if (size < capacity) {
    // sift up
    let child = size;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const pd = load<f32>(distPtr + (<usize>parent << 2));
      const pi = load<i32>(idxPtr + (<usize>parent << 2));
      if (!pairLess(pd, pi, d, index)) break;
      store<f32>(distPtr + (<usize>child << 2), pd);
      store<i32>(idxPtr + (<usize>child << 2), pi);
      child = parent;
    }
    store<f32>(distPtr + (<usize>child << 2), d);
    store<i32>(idxPtr + (<usize>child << 2), index);
    return size + 1;
  }
  if (pairLess(d, index, load<f32>(distPtr), load<i32>(idxPtr))) {
    store<f32>(distPtr, d);
    store<i32>(idxPtr, index);
    siftDown(distPtr, idxPtr, size, 0);
  }
  return size;
}

/** Sorts a full max-heap of `size` elements in place into ascending order (heapsort's second half). */
export function heapSortAscending(distPtr: usize, idxPtr: usize, size: i32): void {
  for (let end = size - 1; end > 0; end--) {
    const d = load<f32>(distPtr);
    const id = load<i32>(idxPtr);
    store<f32>(distPtr, load<f32>(distPtr + (<usize>end << 2)));
    store<i32>(idxPtr, load<i32>(idxPtr + (<usize>end << 2)));
    store<f32>(distPtr + (<usize>end << 2), d);
    store<i32>(idxPtr + (<usize>end << 2), id);
    siftDown(distPtr, idxPtr, end, 0);
  }
}
