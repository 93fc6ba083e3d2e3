// The public kNN entry point: validation, then the one backend dispatch (backend.ts) on a core.

import { Core } from "../core/core.ts";
import { putMatrix } from "../core/matrix.ts";
import { scaleByExponent } from "../core/magnitude.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput } from "../input.ts";
import { checkThreads, checkCallbacks, type RunControl } from "../options/common.ts";
import { EMBEDDING_OPTIONS, type EmbeddingOptions, type KnnMethod } from "../options/embedding.ts";
import { choiceList, DEFAULTS, seedOption, warningSink } from "../embedding/params.ts";
import { findNeighbours } from "./backend.ts";

/** knn()'s options: the shape, k, threads, seed and metric as the options table documents them, and the method. */
export interface KnnOptions extends RunControl, Pick<EmbeddingOptions, "n" | "dim" | "k" | "threads" | "seed" | "metric"> {
  /**
   * "exact" brute force (default) or "nndescent": approximate (random-projection forest + NN-descent), or
   * "hnsw": approximate, through hnswlib-wasm (loaded on first use; one thread; not in workerd).
   */
  method?: Exclude<KnnMethod, "auto">;
  /** Receives why the search runs on one thread when more were asked for (default: console.warn). */
  onWarning?: (message: string) => void;
}

export interface KnnResult {
  /** n × k neighbour indices, row-major, nearest first; ties broken by the smaller index */
  indices: Int32Array;
  /** n × k Euclidean distances, ascending */
  distances: Float32Array;
}

const KNN_KEYS = new Set(["n", "dim", "k", "threads", "signal", "onProgress", "onWarning", "method", "seed", "metric"]);
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
  checkThreads(options.threads);
  checkCallbacks(options);
  const warn = warningSink(options.onWarning);
  throwIfAborted(options.signal);
  // hnswlib-wasm has no threads: no workers for it
  const core = await Core.create(method === "hnsw" ? 1 : options.threads, warn);
  try {
    // neighbours do not depend on scale: search data of extreme magnitude rescaled, report distances in its units
    const m = putMatrix(core, matrix, "data", "safe");
    const progress = (f: number) => options.onProgress?.(f, "knn");
    const buffers = await findNeighbours(core, m, k, method, { seed, metric, signal: options.signal, progress });
    scaleByExponent(core, buffers.distancesPtr, matrix.n * k, -(m.scaleExponent ?? 0));
    return {
      indices: core.i32(buffers.indicesPtr, matrix.n * k).slice(),
      distances: core.f32(buffers.distancesPtr, matrix.n * k).slice(),
    };
  } finally {
    core.destroy();
  }
}
