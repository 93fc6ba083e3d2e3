// Binary heaps of (distance, index) pairs, ordered by distance and then by index, so ties resolve the same way
// in every run and on every thread count. They live in caller memory: distPtr: f32[capacity],
// idxPtr: i32[capacity]; `size` is the number of filled slots. One sift up and one sift down serve both
// orders (a class says which pair sits nearer the root) and an optional byte that moves with each pair:
// - the largest pair at the root: a bounded heap that keeps the k smallest (heapPush, heapSortAscending;
//   NN-descent's neighbour heaps, whose slots carry a new/old flag);
// - the smallest pair at the root: a queue that hands out the nearest first (minHeapPush, minHeapPop).

// @ts-ignore: decorator
@inline export function pairLess(d1: f32, i1: i32, d2: f32, i2: i32): bool {
  return d1 < d2 || (d1 == d2 && i1 < i2);
}

/** The largest pair at the root. */
@final export class LargestFirst {
  /** Whether (d1, i1) belongs nearer the root than (d2, i2). */
  // @ts-ignore: decorator
  @inline above(d1: f32, i1: i32, d2: f32, i2: i32): bool {
    return pairLess(d2, i2, d1, i1);
  }
}

/** The smallest pair at the root. */
@final export class SmallestFirst {
  /** Whether (d1, i1) belongs nearer the root than (d2, i2). */
  // @ts-ignore: decorator
  @inline above(d1: f32, i1: i32, d2: f32, i2: i32): bool {
    return pairLess(d1, i1, d2, i2);
  }
}

/** Nothing moves with the pairs (tagPtr is unused). */
@final export class NoTag {
  // @ts-ignore: decorator
  @inline get(_tagPtr: usize, _slot: i32): u8 {
    return 0;
  }
  // @ts-ignore: decorator
  @inline set(_tagPtr: usize, _slot: i32, _tag: u8): void {}
}

/** A byte per slot at tagPtr (u8[capacity]) moves with its pair. */
@final export class ByteTag {
  // @ts-ignore: decorator
  @inline get(tagPtr: usize, slot: i32): u8 {
    return load<u8>(tagPtr + <usize>slot);
  }
  // @ts-ignore: decorator
  @inline set(tagPtr: usize, slot: i32, tag: u8): void {
    store<u8>(tagPtr + <usize>slot, tag);
  }
}

/** The order or tag rule of a function instantiated for C: no allocation, its methods never read `this`. */
// @ts-ignore: decorator
@inline function rule<C>(): C {
  return changetype<C>(0);
}

/** Stores (d, id) in a heap ordered by O, starting at the free slot `child` and moving it up to its place. */
function siftUp<O>(distPtr: usize, idxPtr: usize, child: i32, d: f32, id: i32): void {
  while (child > 0) {
    const parent = (child - 1) >> 1;
    const pd = load<f32>(distPtr + (<usize>parent << 2));
    const pi = load<i32>(idxPtr + (<usize>parent << 2));
    if (!rule<O>().above(d, id, pd, pi)) break;
    store<f32>(distPtr + (<usize>child << 2), pd);
    store<i32>(idxPtr + (<usize>child << 2), pi);
    child = parent;
  }
  store<f32>(distPtr + (<usize>child << 2), d);
  store<i32>(idxPtr + (<usize>child << 2), id);
}

/** Moves the pair at slot `start` (and its tag, T) down to its place in a heap of `size` pairs ordered by O. */
export function siftDown<O, T>(distPtr: usize, idxPtr: usize, tagPtr: usize, size: i32, start: i32): void {
  let parent = start;
  const d = load<f32>(distPtr + (<usize>parent << 2));
  const id = load<i32>(idxPtr + (<usize>parent << 2));
  const tag = rule<T>().get(tagPtr, parent);
  while (true) {
    let child = 2 * parent + 1;
    if (child >= size) break;
    let cd = load<f32>(distPtr + (<usize>child << 2));
    let ci = load<i32>(idxPtr + (<usize>child << 2));
    if (child + 1 < size) {
      const rd = load<f32>(distPtr + (<usize>(child + 1) << 2));
      const ri = load<i32>(idxPtr + (<usize>(child + 1) << 2));
      if (rule<O>().above(rd, ri, cd, ci)) { child++; cd = rd; ci = ri; }
    }
    if (!rule<O>().above(cd, ci, d, id)) break;
    store<f32>(distPtr + (<usize>parent << 2), cd);
    store<i32>(idxPtr + (<usize>parent << 2), ci);
    rule<T>().set(tagPtr, parent, rule<T>().get(tagPtr, child));
    parent = child;
  }
  store<f32>(distPtr + (<usize>parent << 2), d);
  store<i32>(idxPtr + (<usize>parent << 2), id);
  rule<T>().set(tagPtr, parent, tag);
}

/**
 * Offers (d, index) to a heap (largest at the root) holding `size` of at most `capacity` elements; returns the
 * new size. When full, the pair replaces the largest only if it is smaller.
 */
export function heapPush(distPtr: usize, idxPtr: usize, size: i32, capacity: i32, d: f32, index: i32): i32 {
  if (size < capacity) {
    siftUp<LargestFirst>(distPtr, idxPtr, size, d, index);
    return size + 1;
  }
  if (pairLess(d, index, load<f32>(distPtr), load<i32>(idxPtr))) {
    store<f32>(distPtr, d);
    store<i32>(idxPtr, index);
    siftDown<LargestFirst, NoTag>(distPtr, idxPtr, 0, size, 0);
  }
  return size;
}

/** Sorts a full heap (largest at the root) of `size` elements in place into ascending order (heapsort's second half). */
export function heapSortAscending(distPtr: usize, idxPtr: usize, size: i32): void {
  for (let end = size - 1; end > 0; end--) {
    const d = load<f32>(distPtr);
    const id = load<i32>(idxPtr);
    store<f32>(distPtr, load<f32>(distPtr + (<usize>end << 2)));
    store<i32>(idxPtr, load<i32>(idxPtr + (<usize>end << 2)));
    store<f32>(distPtr + (<usize>end << 2), d);
    store<i32>(idxPtr + (<usize>end << 2), id);
    siftDown<LargestFirst, NoTag>(distPtr, idxPtr, 0, end, 0);
  }
}

/** Pushes (d, index) on a heap of `size` pairs with the smallest at the root; returns the new size. */
export function minHeapPush(distPtr: usize, idxPtr: usize, size: i32, d: f32, index: i32): i32 {
  siftUp<SmallestFirst>(distPtr, idxPtr, size, d, index);
  return size + 1;
}

/** Removes the root of a heap of `size` ≥ 1 pairs with the smallest at the root (the caller read it first); returns the new size. */
export function minHeapPop(distPtr: usize, idxPtr: usize, size: i32): i32 {
  const last = size - 1;
  if (last > 0) {
    store<f32>(distPtr, load<f32>(distPtr + (<usize>last << 2)));
    store<i32>(idxPtr, load<i32>(idxPtr + (<usize>last << 2)));
    siftDown<SmallestFirst, NoTag>(distPtr, idxPtr, 0, last, 0);
  }
  return last;
}
