// Leave-one-out k-nearest-neighbour classification in the embedding: a point is classified by the labels of
// its k nearest other points. The search is the library's exact `knn`; the vote is O(n·k) bookkeeping.

import { fail } from "../errors.ts";
import { checkCount } from "../input.ts";
import { knn } from "../knn/index.ts";
import type { RunControl } from "../options/common.ts";
import { neighbourColumns } from "./recall.ts";

export interface KnnAccuracyOptions extends RunControl {
  /** Neighbours that vote (default 10). */
  k?: number;
  /** Threads for the neighbour search (default: all cores). */
  threads?: number;
}

/** Maps arbitrary numeric labels to 0..classes-1. */
export function labelIds(labels: ArrayLike<number>, n: number): { ids: Int32Array; classes: number } {
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    fail("labels must be an array of numbers");
  }
  if (labels.length !== n) fail(`labels has ${labels.length} entries for ${n} points`);
  const ids = new Int32Array(n);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (typeof label !== "number" || Number.isNaN(label)) fail(`labels[${i}] is not a number`);
    let id = seen.get(label);
    if (id === undefined) seen.set(label, (id = seen.size));
    ids[i] = id;
  }
  return { ids, classes: seen.size };
}

/**
 * Fraction of points whose label wins the vote of their k nearest neighbours (the first k of each row of
 * `indices`, n × k' row-major, nearest first). A tie between labels goes to the tied label met first, i.e.
 * held by the nearest neighbour among the tied ones.
 */
export function votedAccuracy(indices: Int32Array, n: number, k: number, labels: ArrayLike<number>): number {
  const columns = neighbourColumns(indices, n, k, "indices");
  const { ids, classes } = labelIds(labels, n);
  const votes = new Int32Array(classes);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * columns;
    let best = -1;
    let bestVotes = 0;
    for (let t = 0; t < k; t++) {
      const id = ids[indices[row + t]];
      const v = ++votes[id];
      // strictly more: on a tie the label that reached the count first (the nearer one) stays ahead
      if (v > bestVotes) {
        bestVotes = v;
        best = id;
      }
    }
    if (best === ids[i]) correct++;
    for (let t = 0; t < k; t++) votes[ids[indices[row + t]]] = 0;
  }
  return correct / n;
}

/**
 * Leave-one-out k-NN classifier accuracy on an embedding (n × outDim, row-major), with exact neighbours.
 * A common measure of how well an embedding keeps known classes apart (10-NN in the contrastive-NE paper).
 */
export async function knnAccuracy(
  embedding: Float32Array,
  outDim: number,
  labels: ArrayLike<number>,
  options: KnnAccuracyOptions = {},
): Promise<number> {
  if (!(embedding instanceof Float32Array)) fail("embedding must be a Float32Array");
  checkCount("outDim", outDim);
  const n = embedding.length / outDim;
  checkCount("n (embedding.length / outDim)", n);
  const k = options.k ?? 10;
  checkCount("k", k);
  labelIds(labels, n); // validate before the search
  const { indices } = await knn(embedding, {
    n,
    dim: outDim,
    k,
    threads: options.threads,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return votedAccuracy(indices, n, k, labels);
}
