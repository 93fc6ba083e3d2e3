// All the embedding quality measures at once, with a single neighbour search in the embedding.

import { fail } from "../errors.ts";
import { checkCount } from "../input.ts";
import { knn } from "../knn/index.ts";
import type { RunControl } from "../options/common.ts";
import { labelIds, votedAccuracy } from "./accuracy.ts";
import { knnRecall, neighbourColumns } from "./recall.ts";
import { distanceCorrelationWith, sampleDistances, type DistanceSample, type DistanceSampleOptions } from "./spearman.ts";

export interface EmbeddingQualityOptions extends RunControl, DistanceSampleOptions {
  /** The data's neighbours (n × k' indices, nearest first, e.g. from `knn`): enables `recall`. */
  highIndices?: Int32Array;
  /** Neighbours compared for `recall` (default 15). */
  recallK?: number;
  /** Class labels, one per point: enables `accuracy`. */
  labels?: ArrayLike<number>;
  /** Neighbours that vote for `accuracy` (default 10). */
  accuracyK?: number;
  /** The data (n × highDim): enables `distanceCorrelation` (sampled with `sample` and `seed`). */
  high?: Float32Array;
  highDim?: number;
  /** The data side of `distanceCorrelation` computed before with `sampleDistances`, instead of `high`. */
  highSample?: DistanceSample;
  /** Threads for the neighbour search (default: all cores). */
  threads?: number;
}

export interface EmbeddingQuality {
  /** kNN recall (see `knnRecall`), if `highIndices` was given */
  recall?: number;
  /** leave-one-out kNN classifier accuracy (see `knnAccuracy`), if `labels` were given */
  accuracy?: number;
  /** Spearman correlation of sampled distances (see `distanceCorrelation`), if `high` or `highSample` was given */
  distanceCorrelation?: number;
}

/** kNN recall, kNN accuracy and distance correlation of an embedding (n × outDim), for the inputs given. */
export async function embeddingQuality(
  embedding: Float32Array,
  outDim: number,
  options: EmbeddingQualityOptions,
): Promise<EmbeddingQuality> {
  if (!(embedding instanceof Float32Array)) fail("embedding must be a Float32Array");
  checkCount("outDim", outDim);
  const n = embedding.length / outDim;
  checkCount("n (embedding.length / outDim)", n);
  const recallK = options.recallK ?? 15;
  const accuracyK = options.accuracyK ?? 10;
  checkCount("recallK", recallK);
  checkCount("accuracyK", accuracyK);
  if (options.highIndices) neighbourColumns(options.highIndices, n, recallK, "highIndices");
  if (options.labels) labelIds(options.labels, n);
  const result: EmbeddingQuality = {};
  const k = Math.max(options.highIndices ? recallK : 0, options.labels ? accuracyK : 0);
  if (k > 0) {
    const { indices } = await knn(embedding, {
      n,
      dim: outDim,
      k,
      threads: options.threads,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    if (options.highIndices) result.recall = knnRecall(options.highIndices, indices, n, recallK);
    if (options.labels) result.accuracy = votedAccuracy(indices, n, accuracyK, options.labels);
  }
  let sample = options.highSample;
  if (!sample && options.high) {
    if (options.highDim === undefined) fail("high needs highDim");
    sample = sampleDistances(options.high, options.highDim, options);
  }
  if (sample) result.distanceCorrelation = distanceCorrelationWith(sample, embedding, outDim);
  return result;
}
