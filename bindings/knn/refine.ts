// A recall check after NN-descent, and a second pass where it falls short. NN-descent's local joins converge to
// a good graph when the data's intrinsic dimension is low (images, text embeddings: recall@15 ≥ 0.99), but on
// data whose neighbours differ by little in many directions (clusters of isotropic noise: vMF mixtures in 768
// dimensions) they stop at a recall near 0.8 however long they run (bench/RESULTS.md, "kNN on 768-column
// sphere mixtures"). The check: the exact neighbours of seeded random sample rows (SIMD brute force), against
// which the found ones are counted. Random, not evenly spaced: on rows ordered with a period (row i in cluster
// i mod 10), evenly spaced rows fell in 4 of the clusters and estimated 0.998 where all rows had 0.93. The pass:
// every row searched again, best-first through the symmetrised graph from its own neighbours
// (assembly/knn/graph_query.ts), keeping `ef` rows; it never loses a neighbour it had.
// Passes repeat with a beam twice as wide until the estimate reaches the target or the passes run out.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import type { KnnBuffers } from "./exact.ts";
import type { KnnMetric } from "./metric.ts";
import { sampleRows as drawSampleRows } from "../sample.ts";
import { queryGraphKnn, queryKnn } from "./query.ts";

/**
 * Chosen on 20,000 × 768 vMF clusters (bench/knn-nndescent.js --data vmf --target; cosine; NN-descent alone
 * 0.79): one pass keeping ef = 30, 64, 128 rows reached 0.90, 0.965, 0.994. `sampleRows` rows cost sampleRows / n
 * of an exact search; their estimate's standard error is 0.005-0.015 (rows' recalls differ), so a pass runs
 * unless the estimate is two standard errors above the target.
 */
export const REFINE_PARAMS = {
  /** rows whose exact neighbours estimate the recall */
  sampleRows: 64,
  /** the first pass keeps this many times k rows; each further pass twice as many */
  firstEfPerK: 4,
  /** at most this many passes */
  maxPasses: 3,
};

export interface RefineOptions extends PhaseControl {
  /** the estimated recall@k to reach, in (0, 1] */
  targetRecall: number;
  seed: number;
  metric: KnnMetric;
  /** told when the last pass still leaves the estimate below the target */
  warn?: (message: string) => void;
  /** diagnostics: the estimate after NN-descent (pass 0, ef 0) and after each pass */
  onRecall?: (pass: number, ef: number, recall: number) => void;
}

/**
 * Recall@k of `found` (i32[n × k] in caller order, with its distances) on the sample rows, against `exact`
 * (each sample row's k + 1 nearest rows and distances, itself among them): a found neighbour counts when it is no
 * farther than the sample row's exact k-th neighbour other than itself, so ties count whichever index was kept.
 * Returns the mean over the sample rows and its standard error (rows differ: the error is that of their mean).
 */
export function sampledRecall(
  sample: Int32Array, k: number, foundIdx: Int32Array, foundDist: Float32Array, exactIdx: Int32Array, exactDist: Float32Array,
): { recall: number; standardError: number } {
  let sum = 0, sumSq = 0;
  for (let s = 0; s < sample.length; s++) {
    const row = sample[s];
    // the k-th exact distance without the row itself (a duplicate of it may come first)
    let seen = 0, kth = Infinity;
    for (let t = 0; t <= k && seen < k; t++) {
      if (exactIdx[s * (k + 1) + t] === row) continue;
      kth = exactDist[s * (k + 1) + t];
      seen++;
    }
    const bound = kth + 1e-6 * (1 + Math.abs(kth));
    let hit = 0;
    for (let t = 0; t < k; t++) if (foundIdx[row * k + t] !== row && foundDist[row * k + t] <= bound) hit++;
    sum += hit / k;
    sumSq += (hit / k) ** 2;
  }
  const s = sample.length, recall = sum / s;
  const variance = s > 1 ? Math.max(0, (sumSq - s * recall * recall) / (s - 1)) : 0;
  return { recall, standardError: Math.sqrt(variance / s) };
}

/**
 * Checks NN-descent's neighbours of the rows of `m` (`found`, replaced in place) and refines them while the
 * estimated recall@k is below opts.targetRecall. `m` must be the rows the search compared (knn/metric.ts).
 */
export async function refineKnn(core: Core, m: CoreMatrix, k: number, found: KnnBuffers, opts: RefineOptions): Promise<void> {
  const { n, stride } = m;
  const { sampleRows, firstEfPerK, maxPasses } = REFINE_PARAMS;
  const mark = core.mark();
  try {
    const sample = drawSampleRows(n, Math.min(n, sampleRows), opts.seed);
    const queries = core.alloc(sample.length * stride * 4);
    const rows = core.f32(m.ptr, n * stride), into = core.f32(queries, sample.length * stride);
    sample.forEach((row, s) => into.set(rows.subarray(row * stride, (row + 1) * stride), s * stride));
    const exact = await queryKnn(core, m, { ...m, ptr: queries, n: sample.length }, Math.min(n, k + 1), { metric: opts.metric, signal: opts.signal });
    const exactIdx = core.i32(exact.indicesPtr, sample.length * (k + 1)).slice();
    const exactDist = core.f32(exact.distancesPtr, sample.length * (k + 1)).slice();
    const estimate = () => sampledRecall(sample, k, core.i32(found.indicesPtr, n * k), core.f32(found.distancesPtr, n * k), exactIdx, exactDist);
    let { recall, standardError } = estimate();
    opts.onRecall?.(0, 0, recall);
    let ef = 0;
    // a pass unless the estimate is clearly (two standard errors) at or above the target
    for (let pass = 1; pass <= maxPasses && recall - 2 * standardError < opts.targetRecall; pass++) {
      throwIfAborted(opts.signal);
      ef = Math.min(n - 1, firstEfPerK * k * 2 ** (pass - 1));
      const passMark = core.mark();
      // the union-symmetrised graph of the current neighbours (assembly/graph/symmetrize.ts)
      const rowPtr = core.alloc((n + 1) * 4);
      const colPtr = core.alloc(core.kernels.graphCountCandidates(found.indicesPtr, n, k, rowPtr) * 4);
      core.kernels.graphBuild(found.indicesPtr, n, k, rowPtr, colPtr, core.alloc(n * 4));
      const searched = await queryGraphKnn(core, m, { rowPtr, colPtr }, m, k, {
        metric: opts.metric, ef, seed: opts.seed, signal: opts.signal,
        progress: (f) => opts.progress?.((pass - 1 + f) / maxPasses),
      });
      core.i32(found.indicesPtr, n * k).set(core.i32(searched.indicesPtr, n * k));
      core.f32(found.distancesPtr, n * k).set(core.f32(searched.distancesPtr, n * k));
      core.reset(passMark);
      ({ recall, standardError } = estimate());
      opts.onRecall?.(pass, ef, recall);
    }
    if (recall < opts.targetRecall && ef > 0) {
      opts.warn?.(
        `NN-descent's recall@${k} is about ${recall.toFixed(3)} (estimated on ${sample.length} rows) after ${maxPasses} graph searches keeping up to ${ef} rows, below the target ${opts.targetRecall}: the data's neighbours are hard to find (high intrinsic dimension); method "exact" finds them all`,
      );
    }
    opts.progress?.(1);
  } finally {
    core.reset(mark);
  }
}
