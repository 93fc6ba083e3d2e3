// Neighbourhood preservation: how many of each point's high-dimensional neighbours are among its neighbours in
// the embedding. O(n·k) bookkeeping on index arrays that `knn` produced.

import { fail } from "../errors.ts";
import { checkCount } from "../input.ts";

/** Columns per row of an n-row index array, checked to hold at least k. */
export function neighbourColumns(indices: Int32Array, n: number, k: number, what: string): number {
  if (!(indices instanceof Int32Array)) fail(`${what} must be an Int32Array`);
  const columns = indices.length / n;
  if (!Number.isInteger(columns)) fail(`${what} has ${indices.length} entries, not a multiple of n = ${n}`);
  if (columns < k) fail(`${what} has ${columns} neighbours per row, fewer than k = ${k}`);
  return columns;
}

/**
 * Mean over points of |high kNN ∩ low kNN| / k: the fraction of each point's k nearest neighbours in the data
 * (`highIndices`) found among its k nearest neighbours in the embedding (`lowIndices`). Both are row-major
 * n × k' index arrays, nearest first, with k' ≥ k (the first k of each row are used), as `knn` returns them.
 */
export function knnRecall(highIndices: Int32Array, lowIndices: Int32Array, n: number, k: number): number {
  checkCount("n", n);
  checkCount("k", k);
  const highColumns = neighbourColumns(highIndices, n, k, "highIndices");
  const lowColumns = neighbourColumns(lowIndices, n, k, "lowIndices");
  // stamp[j] === i + 1 marks j as a high-dimensional neighbour of i: no clearing between rows
  const stamp = new Int32Array(n);
  let found = 0;
  for (let i = 0; i < n; i++) {
    const mark = i + 1;
    for (let t = 0; t < k; t++) {
      const j = highIndices[i * highColumns + t];
      if (j < 0 || j >= n) fail(`highIndices[${i * highColumns + t}] = ${j} is out of range [0, ${n})`);
      stamp[j] = mark;
    }
    for (let t = 0; t < k; t++) {
      const j = lowIndices[i * lowColumns + t];
      if (j < 0 || j >= n) fail(`lowIndices[${i * lowColumns + t}] = ${j} is out of range [0, ${n})`);
      if (stamp[j] === mark) found++;
    }
  }
  return found / (n * k);
}
