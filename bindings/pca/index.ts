// PCA: the internal entry the embedding pipeline uses on a core (pcaScores), and the public one-shot `pca`.

import { Core } from "../core/core.ts";
import { putMatrix, type CoreMatrix } from "../core/matrix.ts";
import { scaleByExponent } from "../core/magnitude.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { toMatrix, type DataInput } from "../input.ts";
import { checkCallbacks, checkThreads, type RunControl } from "../options/common.ts";
import type { EmbeddingOptions } from "../options/embedding.ts";
import { seedOption, warningSink } from "../embedding/params.ts";
import { fitPca, type PcaControl } from "./solver.ts";

export { fitPca, type PcaFit, type PcaControl, type PcaBasis } from "./solver.ts";
export { projectRows, readBasis, writeBasis, type PcaBasisState } from "./project.ts";

/**
 * Centered principal-component scores (X − mean)·V of the rows of `m`, as a new matrix in the core (n ×
 * nComponents, stride rounded up to 4), components by decreasing variance, each signed so that its largest
 * loading is positive. Deterministic for a seed; the same for any thread count.
 */
export async function pcaScores(
  core: Core,
  m: CoreMatrix,
  nComponents: number,
  opts: PcaControl,
): Promise<CoreMatrix> {
  return (await fitPca(core, m, nComponents, opts)).scores;
}

/**
 * pca()'s options: the shape, seed and threads as the options table documents them (the seed picks the random
 * sample and start vectors), and the number of components.
 */
export interface PcaOptions extends RunControl, Pick<EmbeddingOptions, "n" | "dim" | "seed" | "threads"> {
  /** Components to keep (default 2; at most dim). */
  nComponents?: number;
  /** Receives why PCA runs on one thread when more were asked for (default: console.warn). */
  onWarning?: (message: string) => void;
}

const PCA_KEYS = new Set(["n", "dim", "nComponents", "seed", "threads", "signal", "onProgress", "onWarning"]);

/**
 * Principal-component scores of the rows: an n × nComponents Float32Array, row-major, centered, components by
 * decreasing variance, each signed so that its largest loading is positive. Large inputs use a randomised
 * solver (a row sample picks the subspace, all rows fix the components and their variances).
 */
export async function pca(data: DataInput, options: PcaOptions = {}): Promise<Float32Array> {
  if (options === null || typeof options !== "object") fail("options must be an object");
  for (const key of Object.keys(options)) if (!PCA_KEYS.has(key)) fail(`unknown option "${key}"`);
  const matrix = toMatrix(data, options);
  const k = options.nComponents ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > matrix.dim) fail(`nComponents must be an integer from 1 to dim = ${matrix.dim}, got ${k}`);
  if (matrix.n < 2) fail(`PCA needs at least 2 rows, got ${matrix.n}`);
  const seed = seedOption(options.seed);
  checkThreads(options.threads);
  checkCallbacks(options);
  const warn = warningSink(options.onWarning);
  throwIfAborted(options.signal);
  const core = await Core.create(options.threads, warn);
  try {
    // scores are linear in the data: compute on data of extreme magnitude rescaled, report them in its units
    const m = putMatrix(core, matrix, "data", "safe");
    const scores = await pcaScores(core, m, k, {
      seed,
      signal: options.signal,
      progress: (f) => options.onProgress?.(f, "pca"),
    });
    // rows packed in place (the copy runs forwards, never overtaking its source)
    core.kernels.packRows(scores.ptr, matrix.n, k, scores.stride, scores.ptr);
    scaleByExponent(core, scores.ptr, matrix.n * k, -(m.scaleExponent ?? 0));
    return core.f32(scores.ptr, matrix.n * k).slice();
  } finally {
    core.destroy();
  }
}
