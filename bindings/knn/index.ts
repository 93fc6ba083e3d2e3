// The public kNN entry point: validation, then the one backend dispatch (backend.ts) on a core.

import { Core } from "../core/core.ts";
import { putMatrix } from "../core/matrix.ts";
import { scaleByExponent } from "../core/magnitude.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput } from "../input.ts";
import { checkThreads, checkCallbacks, type RunControl } from "../options/common.ts";
import { EMBEDDING_OPTIONS, type EmbeddingOptions, type KnnMethod } from "../options/embedding.ts";
import { choiceList, DEFAULTS, seedOption, warningSink } from "../embedding/params.ts";
import { DEFAULT_TARGET_RECALL, findNeighbours } from "./backend.ts";
import { metricScalesWithData, prepareRows } from "./metric.ts";

/** knn()'s options: the shape, k, threads, seed and metric as the options table documents them, and the method. */
export interface KnnOptions extends RunControl, Pick<EmbeddingOptions, "n" | "dim" | "k" | "threads" | "seed" | "metric"> {
  /**
   * "exact" brute force (default) or "nndescent": approximate (random-projection forest + NN-descent), or
   * "hnsw": approximate, through hnswlib-wasm (loaded on first use; one thread; not in workerd).
   */
  method?: Exclude<KnnMethod, "auto">;
  /**
   * NN-descent's recall@k to reach (default 0.95; 0 skips the check; hamming and jaccard are never checked): the
   * exact neighbours of 64 random rows (seeded) estimate it, and while it falls short every row is searched again
   * through the neighbour graph with a wider beam (at most 3 passes; a warning says when the target is still not
   * reached). On images and text embeddings NN-descent alone passes it and the check costs about 64 / n of an
   * exact search; on data of high intrinsic dimension the passes cost several times NN-descent's own time
   * (docs/metrics.md). Fits check when their own targetRecall asks (by default only with pca: false).
   */
  targetRecall?: number;
  /**
   * Receives why the search runs on one thread when more were asked for, or that NN-descent's recall stayed
   * below targetRecall (default: console.warn).
   */
  onWarning?: (message: string) => void;
}

export interface KnnResult {
  /** n × k neighbour indices, row-major, nearest first; ties broken by the smaller index */
  indices: Int32Array;
  /** n × k distances under the metric (knn/metric.ts), ascending */
  distances: Float32Array;
}

const KNN_KEYS = new Set(["n", "dim", "k", "threads", "signal", "onProgress", "onWarning", "method", "seed", "metric", "targetRecall"]);
/** The options table's methods (its `knn` entry) but "auto", which picks by size inside a fit. */
const METHODS = EMBEDDING_OPTIONS.knn.values.filter((m): m is Exclude<KnnMethod, "auto"> => m !== "auto");
const METRICS: readonly string[] = EMBEDDING_OPTIONS.metric.values;

/** k-nearest neighbours of every row (self excluded), exact or approximate, with SIMD and threads. */
export async function knn(data: DataInput, options: KnnOptions = {}): Promise<KnnResult> {
  if (options === null || typeof options !== "object") fail("options must be an object");
  for (const key of Object.keys(options)) if (!KNN_KEYS.has(key)) fail(`unknown option "${key}"`);
  const matrix = toMatrix(data, options);
  const k = options.k ?? DEFAULTS.k;
  if (!Number.isInteger(k) || k < 1) fail(`k must be a positive integer, got ${k}`);
  if (matrix.n <= k) fail(`n = ${matrix.n} is too small for k = ${k}: need n > k`);
  const method = options.method ?? "exact";
  if (!METHODS.includes(method)) fail(`method must be ${choiceList(METHODS)}, got ${String(method)}`);
  const metric = options.metric ?? DEFAULTS.metric;
  if (!METRICS.includes(metric)) fail(`metric must be one of ${METRICS.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(metric)}`);
  const seed = seedOption(options.seed);
  const targetRecall = options.targetRecall ?? DEFAULT_TARGET_RECALL;
  if (typeof targetRecall !== "number" || !(targetRecall >= 0 && targetRecall <= 1)) {
    fail(`targetRecall must be a number from 0 to 1, got ${String(targetRecall)}`);
  }
  checkThreads(options.threads);
  checkCallbacks(options);
  const warn = warningSink(options.onWarning);
  throwIfAborted(options.signal);
  // hnswlib-wasm has no threads: no workers for it
  const core = await Core.create(method === "hnsw" ? 1 : options.threads, warn);
  try {
    // neighbours do not depend on scale: search data of extreme magnitude rescaled, report distances in its units
    const m = putMatrix(core, matrix, "data", "safe");
    const rows = prepareRows(core, m, metric);
    const progress = (f: number) => options.onProgress?.(f, "knn");
    const buffers = await findNeighbours(core, rows, k, method, {
      seed, metric, signal: options.signal, progress, warn, targetRecall: targetRecall > 0 ? targetRecall : undefined,
    });
    if (metricScalesWithData(metric)) scaleByExponent(core, buffers.distancesPtr, matrix.n * k, -(m.scaleExponent ?? 0));
    return {
      indices: core.i32(buffers.indicesPtr, matrix.n * k).slice(),
      distances: core.f32(buffers.distancesPtr, matrix.n * k).slice(),
    };
  } finally {
    core.destroy();
  }
}
