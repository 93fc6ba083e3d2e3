// The kNN graph as the paper uses it: binary, symmetrised by union (i–j is an edge when j ∈ kNN(i) or
// i ∈ kNN(j)), stored as CSR whose entries double as the directed edge list (each undirected edge twice).

/**
 * Counts directed edges of the union graph per row, before de-duplication.
 * knnPtr: i32[n * k] neighbour indices. rowCountPtr: i32[n + 1] (output, zeroed here). Returns Σ counts.
 * Every kNN entry i→j contributes to row i and to row j.
 */
export function graphCountCandidates(knnPtr: usize, n: i32, k: i32, rowCountPtr: usize): i32 {
  memory.fill(rowCountPtr, 0, <usize>(n + 1) << 2);
  const total = n * k;
  for (let e = 0; e < total; e++) {
    const i = e / k;
    const j = load<i32>(knnPtr + (<usize>e << 2));
    const pi = rowCountPtr + (<usize>i << 2);
    const pj = rowCountPtr + (<usize>j << 2);
    store<i32>(pi, load<i32>(pi) + 1);
    store<i32>(pj, load<i32>(pj) + 1);
  }
  return 2 * total;
}

function insertionSortUnique(ptr: usize, count: i32): i32 {
  for (let a = 1; a < count; a++) {
    const v = load<i32>(ptr + (<usize>a << 2));
    let b = a - 1;
    while (b >= 0 && load<i32>(ptr + (<usize>b << 2)) > v) {
      store<i32>(ptr + (<usize>(b + 1) << 2), load<i32>(ptr + (<usize>b << 2)));
      b--;
    }
    store<i32>(ptr + (<usize>(b + 1) << 2), v);
  }
  let w = 0;
  for (let a = 0; a < count; a++) {
    const v = load<i32>(ptr + (<usize>a << 2));
    if (w == 0 || load<i32>(ptr + (<usize>(w - 1) << 2)) != v) {
      store<i32>(ptr + (<usize>w << 2), v);
      w++;
    }
  }
  return w;
}

/**
 * Builds the CSR of the union graph, sorted and without duplicates or self-loops. Returns the number of
 * directed edges E.
 * knnPtr: i32[n * k]. rowCountPtr: i32[n + 1] from graphCountCandidates (overwritten: becomes rowPtr, i32[n+1]).
 * colPtr: i32[2 * n * k] scratch and output: the first E entries are the column indices, row by row.
 * cursorPtr: i32[n] scratch.
 */
export function graphBuild(knnPtr: usize, n: i32, k: i32, rowCountPtr: usize, colPtr: usize, cursorPtr: usize): i32 {
  // exclusive prefix sums → bucket starts
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const c = load<i32>(rowCountPtr + (<usize>i << 2));
    store<i32>(rowCountPtr + (<usize>i << 2), acc);
    store<i32>(cursorPtr + (<usize>i << 2), acc);
    acc += c;
  }
  store<i32>(rowCountPtr + (<usize>n << 2), acc);
  const total = n * k;
  for (let e = 0; e < total; e++) {
    const i = e / k;
    const j = load<i32>(knnPtr + (<usize>e << 2));
    if (i == j) continue;
    const ci = cursorPtr + (<usize>i << 2);
    const cj = cursorPtr + (<usize>j << 2);
    store<i32>(colPtr + (<usize>load<i32>(ci) << 2), j);
    store<i32>(ci, load<i32>(ci) + 1);
    store<i32>(colPtr + (<usize>load<i32>(cj) << 2), i);
    store<i32>(cj, load<i32>(cj) + 1);
  }
  // sort and de-duplicate each bucket, compacting rows to the front
  let write = 0;
  for (let i = 0; i < n; i++) {
    const begin = load<i32>(rowCountPtr + (<usize>i << 2));
    const filled = load<i32>(cursorPtr + (<usize>i << 2)) - begin;
    const unique = insertionSortUnique(colPtr + (<usize>begin << 2), filled);
    if (write != begin) memory.copy(colPtr + (<usize>write << 2), colPtr + (<usize>begin << 2), <usize>unique << 2);
    store<i32>(rowCountPtr + (<usize>i << 2), write);
    write += unique;
  }
  store<i32>(rowCountPtr + (<usize>n << 2), write);
  return write;
}

/**
 * Writes the directed edge list in a seeded random order: (head, tail) i32 pairs, edgesPtr: i32[2 * E].
 * The optimiser walks this order with a new random rotation each epoch, so the shuffle is paid once.
 * rowPtr: i32[n + 1], colPtr: i32[E].
 */
export function graphShuffledEdges(rowPtr: usize, colPtr: usize, n: i32, edgesPtr: usize, seed: f64): void {
  for (let i = 0; i < n; i++) {
    const b = load<i32>(rowPtr + (<usize>i << 2));
    const e = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    for (let p = b; p < e; p++) {
      store<i32>(edgesPtr + (<usize>p << 3), i);
      store<i32>(edgesPtr + (<usize>p << 3) + 4, load<i32>(colPtr + (<usize>p << 2)));
    }
  }
  const edges = load<i32>(rowPtr + (<usize>n << 2));
  const key = streamKey(seedOf(seed), 0x5348554646); // "SHUFF"
  for (let p = edges - 1; p > 0; p--) {
    const q = <i32>uniformIndex(draw(key, <u64>p), <u32>(p + 1));
    const a = load<u64>(edgesPtr + (<usize>p << 3));
    store<u64>(edgesPtr + (<usize>p << 3), load<u64>(edgesPtr + (<usize>q << 3)));
    store<u64>(edgesPtr + (<usize>q << 3), a);
  }
}

import { draw, seedOf, streamKey, uniformIndex } from "../rng";
