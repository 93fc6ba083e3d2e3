// The public kNN entry point.

import { Core } from "../core/core.ts";
import { putMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput } from "../input.ts";
import { checkThreads, checkCallbacks, type RunControl } from "../options/common.ts";
import { exactKnn } from "./exact.ts";

export interface KnnOptions extends RunControl {
  /** Number of rows, for flat input. */
  n?: number;
  /** Values per row, for flat input. */
  dim?: number;
  /** Neighbours per point, self excluded (default 15). */
  k?: number;
  /** Threads (default: all cores; 1 where shared memory or workers are unavailable). */
  threads?: number;
}

export interface KnnResult {
  /** n × k neighbour indices, row-major, nearest first; ties broken by the smaller index */
  indices: Int32Array;
  /** n × k Euclidean distances, ascending */
  distances: Float32Array;
}

const KNN_KEYS = new Set(["n", "dim", "k", "threads", "signal", "onProgress"]);

/** Exact k-nearest neighbours of every row (self excluded), with SIMD and threads. */
export async function knn(data: DataInput, options: KnnOptions = {}): Promise<KnnResult> {
  if (options === null || typeof options !== "object") fail("options must be an object");
  for (const key of Object.keys(options)) if (!KNN_KEYS.has(key)) fail(`unknown option "${key}"`);
  const matrix = toMatrix(data, options);
  const k = options.k ?? 15;
  if (!Number.isInteger(k) || k < 1) fail(`k must be a positive integer, got ${k}`);
  if (matrix.n <= k) fail(`n = ${matrix.n} is too small for k = ${k}: need n > k`);
  checkThreads(options.threads);
  checkCallbacks(options);
  throwIfAborted(options.signal);
  const core = await Core.create(options.threads);
  try {
    const m = putMatrix(core, matrix);
    const buffers = await exactKnn(core, m, k, {
      signal: options.signal,
      progress: (f) => options.onProgress?.(f, "knn"),
    });
    return {
      indices: core.i32(buffers.indicesPtr, matrix.n * k).slice(),
      distances: core.f32(buffers.distancesPtr, matrix.n * k).slice(),
    };
  } finally {
    core.destroy();
  }
}
