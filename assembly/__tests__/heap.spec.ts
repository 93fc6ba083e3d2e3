// The bounded heap keeps the k smallest (distance, index) pairs with ties by index, whatever order the pairs
// arrive in; heapSortAscending then lists them nearest first. Checked against a plain selection of the k
// smallest over every pair. The min-heap (smallest at the root) hands pairs out in the same order.
import { heapPush, heapSortAscending, minHeapPop, minHeapPush, pairLess } from "../util/heap";
import { draw, streamKey, uniformIndex } from "../rng";

/** Offers every pair to a heap of `capacity`, sorts it, and returns the size it reached. */
function fillHeap(d: StaticArray<f32>, idx: StaticArray<i32>, heapD: StaticArray<f32>, heapI: StaticArray<i32>): i32 {
  const capacity = heapD.length;
  const dPtr = changetype<usize>(heapD);
  const iPtr = changetype<usize>(heapI);
  let size = 0;
  let wrongSizes = 0;
  for (let t = 0; t < d.length; t++) {
    const next = heapPush(dPtr, iPtr, size, capacity, d[t], idx[t]);
    if (next != min(size + 1, capacity)) wrongSizes++; // grows by one until full
    size = next;
  }
  expect<i32>(wrongSizes).toBe(0, "the size grows by one until the heap is full");
  heapSortAscending(dPtr, iPtr, size);
  return size;
}

/** The k smallest pairs by (distance, index), found by repeated selection: slow and obviously right. */
function expectKSmallest(d: StaticArray<f32>, idx: StaticArray<i32>, heapD: StaticArray<f32>, heapI: StaticArray<i32>, size: i32): void {
  const taken = new StaticArray<bool>(d.length);
  let wrong = 0;
  for (let r = 0; r < size; r++) {
    let best = -1;
    for (let t = 0; t < d.length; t++) {
      if (taken[t]) continue;
      if (best < 0 || pairLess(d[t], idx[t], d[best], idx[best])) best = t;
    }
    taken[best] = true;
    if (heapD[r] != d[best] || heapI[r] != idx[best]) wrong++;
  }
  expect<i32>(wrong).toBe(0, "pairs that differ from the k smallest, by rank");
}

/** `count` pairs with distances drawn from `levels` values (few levels: many ties) and shuffled indices. */
function randomPairs(count: i32, levels: u32, seed: u64, d: StaticArray<f32>, idx: StaticArray<i32>): void {
  const key = streamKey(seed, 1);
  for (let t = 0; t < count; t++) {
    d[t] = f32(uniformIndex(draw(key, u64(t)), levels)) * 0.25;
    idx[t] = t;
  }
  // Fisher-Yates on the indices so ties arrive in no particular index order
  for (let t = count - 1; t > 0; t--) {
    const j = i32(uniformIndex(draw(key, u64(count + t)), u32(t + 1)));
    const a = idx[t];
    idx[t] = idx[j];
    idx[j] = a;
  }
}

describe("pairLess", () => {
  it("orders by distance, then by index", () => {
    expect<bool>(pairLess(1.0, 9, 2.0, 0)).toBe(true);
    expect<bool>(pairLess(2.0, 0, 1.0, 9)).toBe(false);
    expect<bool>(pairLess(1.0, 3, 1.0, 4)).toBe(true);
    expect<bool>(pairLess(1.0, 4, 1.0, 3)).toBe(false);
    expect<bool>(pairLess(1.0, 4, 1.0, 4)).toBe(false);
  });
});

describe("bounded heap", () => {
  it("keeps the k smallest of random pairs, nearest first", () => {
    for (let seed: u64 = 1; seed <= 20; seed++) {
      const count = 200;
      const d = new StaticArray<f32>(count);
      const idx = new StaticArray<i32>(count);
      randomPairs(count, 1000, seed, d, idx);
      const k = 1 + i32(seed % 17);
      const heapD = new StaticArray<f32>(k);
      const heapI = new StaticArray<i32>(k);
      const size = fillHeap(d, idx, heapD, heapI);
      expect<i32>(size).toBe(k);
      expectKSmallest(d, idx, heapD, heapI, size);
    }
  });

  it("breaks ties by the smaller index, whatever the arrival order", () => {
    for (let seed: u64 = 1; seed <= 20; seed++) {
      const count = 120;
      const d = new StaticArray<f32>(count);
      const idx = new StaticArray<i32>(count);
      randomPairs(count, 3, seed, d, idx); // three distances only: ties everywhere, also at the k-th place
      const heapD = new StaticArray<f32>(15);
      const heapI = new StaticArray<i32>(15);
      const size = fillHeap(d, idx, heapD, heapI);
      expectKSmallest(d, idx, heapD, heapI, size);
    }
  });

  it("holds all pairs, sorted, when there are fewer than its capacity", () => {
    const d = new StaticArray<f32>(5);
    const idx = new StaticArray<i32>(5);
    randomPairs(5, 4, 7, d, idx);
    const heapD = new StaticArray<f32>(8);
    const heapI = new StaticArray<i32>(8);
    const size = fillHeap(d, idx, heapD, heapI);
    expect<i32>(size).toBe(5);
    expectKSmallest(d, idx, heapD, heapI, size);
  });

  it("with capacity 1 keeps the single nearest pair", () => {
    const d = new StaticArray<f32>(50);
    const idx = new StaticArray<i32>(50);
    randomPairs(50, 10, 3, d, idx);
    const heapD = new StaticArray<f32>(1);
    const heapI = new StaticArray<i32>(1);
    const size = fillHeap(d, idx, heapD, heapI);
    expect<i32>(size).toBe(1);
    expectKSmallest(d, idx, heapD, heapI, size);
  });

  it("rejects a pair that equals the current largest (ties keep the smaller index)", () => {
    const heapD = new StaticArray<f32>(2);
    const heapI = new StaticArray<i32>(2);
    const dPtr = changetype<usize>(heapD);
    const iPtr = changetype<usize>(heapI);
    let size = heapPush(dPtr, iPtr, 0, 2, 1.0, 4);
    size = heapPush(dPtr, iPtr, size, 2, 2.0, 5);
    size = heapPush(dPtr, iPtr, size, 2, 2.0, 6); // same distance, larger index: stays out
    size = heapPush(dPtr, iPtr, size, 2, 2.0, 3); // same distance, smaller index: replaces 5
    heapSortAscending(dPtr, iPtr, size);
    expect<i32>(heapI[0]).toBe(4);
    expect<i32>(heapI[1]).toBe(3);
    expect<f32>(heapD[1]).toBe(2.0);
  });
});

describe("min-heap", () => {
  it("hands out every pair nearest first, ties by index, also when pushes and pops interleave", () => {
    for (let seed: u64 = 1; seed <= 20; seed++) {
      const count = 150;
      const d = new StaticArray<f32>(count);
      const idx = new StaticArray<i32>(count);
      randomPairs(count, 5 + u32(seed % 3) * 100, seed, d, idx); // few levels for some seeds: many ties
      const heapD = new StaticArray<f32>(count);
      const heapI = new StaticArray<i32>(count);
      const dPtr = changetype<usize>(heapD);
      const iPtr = changetype<usize>(heapI);
      const taken = new StaticArray<bool>(count);
      let size = 0;
      let wrong = 0;
      for (let t = 0; t < count; t++) {
        size = minHeapPush(dPtr, iPtr, size, d[t], idx[t]);
        if (t % 3 != 2) continue;
        // pop one: it must be the smallest pair pushed and not yet popped
        let best = -1;
        for (let s = 0; s <= t; s++) {
          if (!taken[s] && (best < 0 || pairLess(d[s], idx[s], d[best], idx[best]))) best = s;
        }
        taken[best] = true;
        if (heapD[0] != d[best] || heapI[0] != idx[best]) wrong++;
        size = minHeapPop(dPtr, iPtr, size);
      }
      let lastD: f32 = -1;
      let lastI: i32 = -1;
      while (size > 0) {
        if (!pairLess(lastD, lastI, heapD[0], heapI[0])) wrong++;
        lastD = heapD[0];
        lastI = heapI[0];
        size = minHeapPop(dPtr, iPtr, size);
      }
      expect<i32>(wrong).toBe(0, "pairs handed out out of order");
    }
  });
});
