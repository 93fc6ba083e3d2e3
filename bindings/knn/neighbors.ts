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

/** A column of n lists in columnar form (as Arrow stores a list column): row i is [offsets[i], offsets[i + 1]). */
export interface NeighborLists {
  n: number;
  offsets: ArrayLike<number>;
  ids: ArrayLike<number | bigint>;
  /** the distances' own offsets and values (each row as long as its ids) */
  distanceOffsets?: ArrayLike<number>;
  distances?: ArrayLike<number>;
}

export interface ListRules {
  /** neighbours to keep per row (default: the fewest any row has besides itself) */
  k?: number;
  /** refuse rows of different lengths (a file's column); the API's cells may differ */
  sameLength?: boolean;
}

/** Reports a problem of row `row`; `problem` reads after "row i " ("has id 54, …"). */
export type RejectRow = (problem: string, row: number) => never;

const rejectCell: RejectRow = (problem, row) => fail(`neighbors row ${row} ${problem}`);

/**
 * knnIndices (and knnDistances when the lists have distances) from n lists of neighbour ids. A row's own id is
 * dropped where it lists itself; each row keeps its first k others. Ids must be integers in [0, n), distances
 * finite and non-negative, and every row must have k others: anything else goes to `reject` with the row.
 */
export function neighboursFromLists(lists: NeighborLists, rules: ListRules = {}, reject: RejectRow = rejectCell): PrecomputedNeighbours {
  const { n, offsets, ids, distanceOffsets, distances } = lists;
  const others = new Int32Array(n);
  let fewest = Infinity, fewestRow = 0;
  const length0 = n > 0 ? offsets[1] - offsets[0] : 0;
  for (let i = 0; i < n; i++) {
    const begin = offsets[i], end = offsets[i + 1];
    if (rules.sameLength && end - begin !== length0) reject(`lists ${end - begin} ids, but row 0 lists ${length0}: every row needs the same number of neighbours`, i);
    const dBegin = distanceOffsets ? distanceOffsets[i] : 0;
    if (distanceOffsets && distanceOffsets[i + 1] - dBegin !== end - begin) reject(`has ${end - begin} ids but ${distanceOffsets[i + 1] - dBegin} distances`, i);
    let count = 0;
    for (let t = begin; t < end; t++) {
      const j = Number(ids[t]);
      if (!(Number.isInteger(j) && j >= 0 && j < n)) reject(`has id ${ids[t]}, not a row number in [0, ${n})`, i);
      if (j === i) continue;
      count++;
      if (distances) {
        const d = distances[dBegin + t - begin];
        if (!(d >= 0 && d < Infinity)) reject(`has distance ${d}, not a finite non-negative number`, i);
      }
    }
    others[i] = count;
    if (count < fewest) (fewest = count), (fewestRow = i);
  }
  if (rules.k !== undefined && !(Number.isInteger(rules.k) && rules.k >= 1)) fail(`k must be a positive integer, got ${rules.k}`);
  const k = rules.k ?? fewest;
  if (k < 1) reject(`has no neighbour besides itself: every row needs at least one`, fewestRow);
  if (k > fewest) reject(`lists only ${fewest} neighbours besides itself, fewer than k = ${k}`, fewestRow);
  const knnIndices = new Int32Array(n * k);
  const knnDistances = distances ? new Float32Array(n * k) : undefined;
  for (let i = 0; i < n; i++) {
    const begin = offsets[i], end = offsets[i + 1];
    const dBegin = distanceOffsets ? distanceOffsets[i] : 0;
    for (let t = begin, kept = 0; t < end && kept < k; t++) {
      const j = Number(ids[t]);
      if (j === i) continue;
      knnIndices[i * k + kept] = j;
      if (knnDistances) knnDistances[i * k + kept] = distances![dBegin + t - begin];
      kept++;
    }
  }
  return { k, knnIndices, ...(knnDistances && { knnDistances }) };
}

/**
 * knnIndices (and knnDistances when every row has distances) from a `neighbors` column of n rows. A row's own
 * id is dropped where it lists itself; each row keeps its first k others (default: the fewest any row has).
 * Ids must be integers in [0, n), distances finite and non-negative: anything else is an error naming the row.
 */
export function neighboursFromColumn(column: ArrayLike<NeighborsCell | null | undefined>, k?: number): PrecomputedNeighbours {
  const n = column.length;
  if (n < 2) fail(`a neighbors column needs at least 2 rows, got ${n}`);
  const offsets = new Int32Array(n + 1);
  let withDistances = true;
  for (let i = 0; i < n; i++) {
    const cell = column[i];
    if (cell === null || typeof cell !== "object" || cell.ids == null) rejectCell("has no ids", i);
    const d = cell.distances ?? undefined;
    if (d !== undefined && d.length !== cell.ids.length) rejectCell(`has ${cell.ids.length} ids but ${d.length} distances`, i);
    if (d === undefined) withDistances = false;
    offsets[i + 1] = offsets[i] + cell.ids.length;
  }
  const ids = new Float64Array(offsets[n]);
  const distances = withDistances ? new Float64Array(offsets[n]) : undefined;
  for (let i = 0; i < n; i++) {
    const cell = column[i]!;
    for (let t = 0; t < cell.ids.length; t++) {
      ids[offsets[i] + t] = Number(cell.ids[t]);
      if (distances) distances[offsets[i] + t] = Number(cell.distances![t]);
    }
  }
  return neighboursFromLists({ n, offsets, ids, ...(distances && { distanceOffsets: offsets, distances }) }, { k });
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
