// Precomputed neighbours in the shape Embedding Atlas stores them: a `neighbors` column whose row i is
// { ids, distances } (nearest first, ids are row numbers). A table reader that finds such a column turns it into
// the knnIndices / knnDistances options here; a writer turns a fit's neighbours back into such a column.

import { fail } from "../errors.ts";

/** One row of a `neighbors` column: neighbour row numbers, nearest first, and optionally their distances. */
export interface NeighborsCell {
  ids: ArrayLike<number>;
  distances?: ArrayLike<number> | null;
}

export interface PrecomputedNeighbours {
  /** neighbours per row */
  k: number;
  /** n × k row numbers, row-major, self excluded */
  knnIndices: Int32Array;
  /** n × k distances, when every row had them */
  knnDistances?: Float32Array;
}

/**
 * knnIndices (and knnDistances when every row has distances) from a `neighbors` column of n rows. A row's own
 * id is dropped where it lists itself; each row keeps its first k others (default: the fewest any row has).
 * Ids must be integers in [0, n), distances finite and non-negative: anything else is an error naming the row.
 */
export function neighboursFromColumn(column: ArrayLike<NeighborsCell | null | undefined>, k?: number): PrecomputedNeighbours {
  const n = column.length;
  if (n < 2) fail(`a neighbors column needs at least 2 rows, got ${n}`);
  const others: number[][] = [];
  const dists: (number[] | undefined)[] = [];
  let fewest = Infinity;
  for (let i = 0; i < n; i++) {
    const cell = column[i];
    if (cell === null || typeof cell !== "object" || cell.ids == null) fail(`neighbors row ${i} has no ids`);
    const ids = cell.ids, d = cell.distances ?? undefined;
    if (d !== undefined && d.length !== ids.length) fail(`neighbors row ${i} has ${ids.length} ids but ${d.length} distances`);
    const keptIds: number[] = [], keptD: number[] = [];
    for (let t = 0; t < ids.length; t++) {
      const j = Number(ids[t]);
      if (!(Number.isInteger(j) && j >= 0 && j < n)) fail(`neighbors row ${i} has id ${ids[t]}, not a row number in [0, ${n})`);
      if (j === i) continue;
      keptIds.push(j);
      if (d !== undefined) {
        const v = Number(d[t]);
        if (!(v >= 0 && v < Infinity)) fail(`neighbors row ${i} has distance ${d[t]}, not a finite non-negative number`);
        keptD.push(v);
      }
    }
    others.push(keptIds);
    dists.push(d === undefined ? undefined : keptD);
    fewest = Math.min(fewest, keptIds.length);
  }
  const kk = k ?? fewest;
  if (!Number.isInteger(kk) || kk < 1) fail(`every row of a neighbors column needs at least one neighbour besides itself (k = ${kk})`);
  if (kk > fewest) fail(`k = ${kk} but a row of the neighbors column lists only ${fewest} neighbours besides itself`);
  const knnIndices = new Int32Array(n * kk);
  const withDistances = dists.every((d) => d !== undefined);
  const knnDistances = withDistances ? new Float32Array(n * kk) : undefined;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) {
      knnIndices[i * kk + t] = others[i][t];
      if (knnDistances) knnDistances[i * kk + t] = dists[i]![t];
    }
  }
  return { k: kk, knnIndices, ...(knnDistances && { knnDistances }) };
}

/** A `neighbors` column (one { ids, distances } per row) from n × k indices and distances, as a writer stores it. */
export function neighboursToColumn(indices: Int32Array, distances: Float32Array | undefined, n: number, k: number): { ids: number[]; distances?: number[] }[] {
  if (indices.length !== n * k) fail(`indices has ${indices.length} entries but n × k = ${n * k}`);
  if (distances && distances.length !== n * k) fail(`distances has ${distances.length} entries but n × k = ${n * k}`);
  return Array.from({ length: n }, (_, i) => ({
    ids: Array.from(indices.subarray(i * k, (i + 1) * k)),
    ...(distances && { distances: Array.from(distances.subarray(i * k, (i + 1) * k)) }),
  }));
}
