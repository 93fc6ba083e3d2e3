// Global structure: Spearman's rank correlation between pairwise distances in the data and in the embedding,
// over all pairs of a random sample of points. O(s²·dim) distances and O(s²) ranking in plain JS; with the
// default s = 5000 that is 12.5 M pairs, so a caller scoring several embeddings of the same data computes the
// data side once with `sampleDistances` and passes it to `distanceCorrelationWith`.

import { fail } from "../errors.ts";
import { checkCount } from "../input.ts";
import { safeExponent } from "../core/magnitude.ts";
import { sampleRows } from "../sample.ts";

export interface DistanceSampleOptions {
  /** Points in the sample (default 5000; all points if there are fewer). */
  sample?: number;
  /** Seed of the sample (default 0). */
  seed?: number;
}

/** Squared distances between all pairs of a sample of points. */
export interface DistanceSample {
  /** number of points in the data the sample was drawn from */
  n: number;
  /** the sampled row indices, ascending */
  indices: Int32Array;
  /** squared Euclidean distance of every pair (a < b) of sampled rows, in the order (0,1), (0,2), …, (1,2), … */
  squaredDistances: Float32Array;
}

function rowsOf(data: Float32Array, dim: number, what: string): number {
  if (!(data instanceof Float32Array)) fail(`${what} must be a Float32Array`);
  checkCount(`${what} dim`, dim);
  const n = data.length / dim;
  checkCount(`${what} rows (length / dim)`, n);
  return n;
}

/** Squared distances of all pairs of the rows `rows` of `data` (n × dim, row-major). */
function pairDistances(data: Float32Array, dim: number, rows: Int32Array, what: string): Float32Array {
  const s = rows.length;
  const out = new Float32Array((s * (s - 1)) / 2);
  // ranks do not change under a power-of-two scale, which keeps squared distances of data at 1e±30 within f32
  let largest = 0;
  for (let a = 0; a < s; a++) for (let t = 0; t < dim; t++) largest = Math.max(largest, Math.abs(data[rows[a] * dim + t]));
  const scale = 2 ** safeExponent(largest);
  let p = 0;
  for (let a = 0; a < s; a++) {
    const i = rows[a] * dim;
    for (let b = a + 1; b < s; b++) {
      const j = rows[b] * dim;
      let sum = 0;
      for (let t = 0; t < dim; t++) {
        const d = (data[i + t] - data[j + t]) * scale;
        sum += d * d;
      }
      if (!Number.isFinite(sum)) fail(`${what} has a non-finite value in row ${rows[a]} or ${rows[b]}`);
      out[p++] = sum;
    }
  }
  return out;
}

/** Squared distances between all pairs of a random sample of the rows of `data` (n × dim, row-major). */
export function sampleDistances(data: Float32Array, dim: number, options: DistanceSampleOptions = {}): DistanceSample {
  const n = rowsOf(data, dim, "data");
  const sample = options.sample ?? 5000;
  if (!Number.isInteger(sample) || sample < 3) fail(`sample must be an integer ≥ 3, got ${sample}`);
  if (n < 3) fail(`need at least 3 points, got ${n}`);
  const indices = sampleRows(n, sample, options.seed ?? 0);
  return { n, indices, squaredDistances: pairDistances(data, dim, indices, "data") };
}

const RADIX_BITS = 11;
const BUCKETS = 1 << RADIX_BITS;

/**
 * The permutation that sorts non-negative floats ascending: LSD radix sort on their bit patterns (which order
 * like the values for x ≥ 0), 3 passes of 11 bits. Stable, O(m).
 */
function ascendingOrder(values: Float32Array): Int32Array {
  const m = values.length;
  let keys = new Uint32Array(m);
  keys.set(new Uint32Array(values.buffer, values.byteOffset, m));
  let order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  let keysOut = new Uint32Array(m);
  let orderOut = new Int32Array(m);
  const counts = new Int32Array(BUCKETS);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[(keys[i] >>> shift) & (BUCKETS - 1)]++;
    let start = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b];
      counts[b] = start;
      start += c;
    }
    for (let i = 0; i < m; i++) {
      const at = counts[(keys[i] >>> shift) & (BUCKETS - 1)]++;
      keysOut[at] = keys[i];
      orderOut[at] = order[i];
    }
    [keys, keysOut] = [keysOut, keys];
    [order, orderOut] = [orderOut, order];
  }
  return order;
}

/**
 * Visits the tie groups of `values` in ascending order, giving each its average rank minus the mean rank
 * (ranks 1..m, so the mean is (m + 1) / 2) and the positions in it.
 */
function forEachTieGroup(values: Float32Array, visit: (centredRank: number, order: Int32Array, begin: number, end: number) => void): void {
  const m = values.length;
  const order = ascendingOrder(values);
  const mean = (m + 1) / 2;
  let begin = 0;
  while (begin < m) {
    const v = values[order[begin]];
    let end = begin + 1;
    while (end < m && values[order[end]] === v) end++;
    visit((begin + 1 + end) / 2 - mean, order, begin, end);
    begin = end;
  }
}

/** Spearman correlation of the sample's data distances with the same pairs' distances in `low` (n × lowDim). */
export function distanceCorrelationWith(sample: DistanceSample, low: Float32Array, lowDim: number): number {
  const n = rowsOf(low, lowDim, "low");
  if (n !== sample.n) fail(`the sample was drawn from ${sample.n} points but low has ${n}`);
  const lowDistances = pairDistances(low, lowDim, sample.indices, "low");
  const m = lowDistances.length;
  const highRank = new Float64Array(m);
  let highSquares = 0;
  forEachTieGroup(sample.squaredDistances, (rank, order, begin, end) => {
    for (let p = begin; p < end; p++) highRank[order[p]] = rank;
    highSquares += rank * rank * (end - begin);
  });
  let lowSquares = 0;
  let cross = 0;
  forEachTieGroup(lowDistances, (rank, order, begin, end) => {
    let highSum = 0;
    for (let p = begin; p < end; p++) highSum += highRank[order[p]];
    cross += rank * highSum;
    lowSquares += rank * rank * (end - begin);
  });
  // a constant side has no ranking to agree with
  if (highSquares === 0 || lowSquares === 0) return NaN;
  return cross / Math.sqrt(highSquares * lowSquares);
}

/**
 * Spearman's rank correlation between pairwise Euclidean distances in the data (`high`, n × highDim) and in
 * the embedding (`low`, n × lowDim) over all pairs of `sample` random points: 1 when the embedding orders all
 * distances as the data does. NaN if all sampled distances on one side are equal.
 */
export function distanceCorrelation(
  high: Float32Array,
  highDim: number,
  low: Float32Array,
  lowDim: number,
  options: DistanceSampleOptions = {},
): number {
  const n = rowsOf(high, highDim, "high");
  const nLow = rowsOf(low, lowDim, "low");
  if (n !== nLow) fail(`high has ${n} rows but low has ${nLow}`);
  return distanceCorrelationWith(sampleDistances(high, highDim, options), low, lowDim);
}
