// The non-parametric transform (openTSNE-style): new rows are projected like the fitted rows (PCA when the fit
// used it), their k nearest fitted rows found (exact search, or a search of the fit's neighbour graph: see
// knn/query.ts and the `knn` option), each new point starts at the median (or mean) of
// those rows' positions, then only the new points are optimised against the fixed layout with the fit's loss
// and s (assembly/optimize/place.ts), or, for a t-SNE layout, with t-SNE's gradient at the fit's perplexity
// (tsne/place.ts). The fitted layout is read, never written.

import type { Core } from "../core/core.ts";
import { putMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { Matrix } from "../input.ts";
import type { PhaseControl } from "../options/common.ts";
import { projectRows } from "../pca/index.ts";
import { isBinaryMetric, prepareRows } from "../knn/metric.ts";
import { chooseQueryMethod, queryGraphKnn, queryKnn, QUERY_METHODS, type QueryMethod } from "../knn/query.ts";
import type { KnnMethod, Metric } from "../options/embedding.ts";
import { LOSSES } from "../loss/table.ts";
import type { Prepared } from "./pipeline.ts";
import type { LayoutTarget } from "../handle/state.ts";
import { LOG_CLAMP } from "./optimizer.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { placeTsnePoints, tsnePlaceSchedule, TSNE_TRANSFORM_DEFAULTS, type TsneLayoutSettings } from "../tsne/place.ts";

export interface TransformOptions {
  /** Epochs of the placement (default 30; a t-SNE layout: iterations, default 250); 0 keeps the initial positions. */
  nEpochs?: number;
  /** SGD rate at the first epoch, decayed linearly to 0 (default 0.1; a t-SNE layout: the gradient step's rate, 0.1). */
  learningRate?: number;
  /**
   * A t-SNE layout only: the perplexity of the new points' affinities to their 3·perplexity fitted neighbours
   * (default: the fit's).
   */
  perplexity?: number;
  /** Where a new point starts: the coordinate-wise "median" (default) or "mean" of its neighbours' positions. */
  init?: "median" | "mean";
  /** Neighbours per new point (default: the fit's k). */
  k?: number;
  /**
   * How the new rows' neighbours among the fitted rows are found: "exact" (brute force), "nndescent"
   * (approximate: a best-first search of the fit's neighbour graph, as PyNNDescent queries its index; recall@15
   * ≈ 0.99 on Fashion-MNIST, bench/RESULTS.md) or "auto" (exact up to 3,000 fitted rows). Default: as the fit
   * searched (its `knn` option: "exact" → "exact", "nndescent" and "hnsw" → "nndescent", "auto" → "auto").
   */
  knn?: QueryMethod;
  signal?: AbortSignal;
  /** (fraction, stage) for the stages "pca", "knn" and "optimize". */
  onProgress?: (fraction: number, stage: "pca" | "knn" | "optimize") => void;
}

export const TRANSFORM_DEFAULTS = { nEpochs: 30, learningRate: 0.1, init: "median" as const };
const TRANSFORM_KEYS = new Set(["nEpochs", "learningRate", "init", "k", "knn", "perplexity", "signal", "onProgress"]);
const ROWS_PER_CHUNK = 16;
/** Epochs per call into the core: progress and abort are checked between calls. */
const EPOCHS_PER_CALL = 5;

export type CheckedTransformOptions = Required<Pick<TransformOptions, "nEpochs" | "learningRate" | "init" | "k" | "perplexity">> & {
  knn: "exact" | "nndescent";
};

/**
 * The options of a transform into a layout of n points fitted with k neighbours. `tsnePerplexity` is the fit's
 * perplexity for a t-SNE layout (0: binary affinities), undefined for the others.
 */
export function checkTransformOptions(
  options: TransformOptions, fitK: number, n: number, fitKnn?: KnnMethod, tsnePerplexity?: number,
): CheckedTransformOptions {
  if (options === null || typeof options !== "object") fail("transform options must be an object");
  for (const key of Object.keys(options)) if (!TRANSFORM_KEYS.has(key)) fail(`unknown transform option "${key}"`);
  const tsne = tsnePerplexity !== undefined;
  const nEpochs = options.nEpochs ?? (tsne ? TSNE_TRANSFORM_DEFAULTS.nEpochs : TRANSFORM_DEFAULTS.nEpochs);
  if (!Number.isInteger(nEpochs) || nEpochs < 0 || nEpochs > 100000) fail(`transform nEpochs must be an integer in [0, 100000], got ${nEpochs}`);
  const learningRate = options.learningRate ?? TRANSFORM_DEFAULTS.learningRate;
  if (!(typeof learningRate === "number" && learningRate > 0 && learningRate < Infinity)) fail(`transform learningRate must be a positive number, got ${learningRate}`);
  const init = options.init ?? TRANSFORM_DEFAULTS.init;
  if (init !== "median" && init !== "mean") fail(`transform init must be "median" or "mean", got ${String(init)}`);
  let perplexity = 0;
  if (options.perplexity !== undefined) {
    if (!tsne) fail("transform perplexity applies to a t-SNE layout only (loss \"tsne\")");
    if (tsnePerplexity === 0) fail("transform perplexity does not apply to a t-SNE fit with binary affinities (give k instead)");
    if (!(typeof options.perplexity === "number" && options.perplexity > 0 && options.perplexity <= (n - 1) / 3)) {
      fail(`transform perplexity must be a positive number of at most (n − 1)/3 = ${((n - 1) / 3).toFixed(2)}, got ${options.perplexity}`);
    }
    perplexity = options.perplexity;
  } else if (tsne) perplexity = tsnePerplexity;
  // a t-SNE layout's new points have 3·perplexity neighbours, as its fitted points had
  const k = options.k ?? (tsne && options.perplexity !== undefined ? Math.max(1, Math.floor(3 * perplexity)) : fitK);
  if (!Number.isInteger(k) || k < 1 || k > n) fail(`transform k must be an integer from 1 to n = ${n}, got ${k}`);
  if (perplexity > 0 && 3 * perplexity > k) perplexity = k / 3;
  if (options.knn !== undefined && !QUERY_METHODS.includes(options.knn)) {
    fail(`transform knn must be one of ${QUERY_METHODS.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(options.knn)}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") fail("onProgress must be a function");
  return { nEpochs, learningRate, init, k, perplexity, knn: chooseQueryMethod(options.knn, fitKnn, n) };
}

export interface PlaceSettings {
  target: LayoutTarget;
  /** NCE's learned log Z (its ξ' is fixed from it), else undefined */
  logZ?: number;
  negativeSamples: number;
  seed: number;
  /** the fit's distance: the new rows' neighbours are searched with it */
  metric: Metric;
  /** the fitted data's scale exponent (core/matrix.ts): new rows are scaled alike */
  inputScaleExponent: number;
  /** a t-SNE layout's dof and partition function (its perplexity is the checked options') */
  tsne?: Omit<TsneLayoutSettings, "perplexity">;
}

/** m × outDim positions of the new rows, row-major. */
export async function placeNewPoints(
  core: Core, fit: Prepared, matrix: Matrix, s: PlaceSettings, o: CheckedTransformOptions,
  ctl: PhaseControl & { report: (fraction: number, stage: "pca" | "knn" | "optimize") => void },
): Promise<Float32Array> {
  const loss = s.target.loss;
  // the placement is the held-fixed update of the per-pair losses (assembly/optimize/place.ts) or of t-SNE
  if (LOSSES[loss].optimiser !== "pairs" && !(loss === "tsne" && s.tsne)) fail(`transform cannot place new points in a layout of loss "${loss}"`);
  const reference = fit.search;
  if (!reference) fail("this embedding was fitted on precomputed neighbours (knnIndices): it has no rows to place new points against");
  const layout = fit.optimizer, outDim = layout.dim, n = fit.n, rows = matrix.n;
  const mark = core.mark();
  try {
    let queries = prepareRows(core, putMatrix(core, matrix, "transform data", s.inputScaleExponent), s.metric, "transform data");
    if (fit.pca) queries = await projectRows(core, fit.pca, queries, { signal: ctl.signal, progress: (f) => ctl.report(f, "pca") });
    throwIfAborted(ctl.signal);
    // the graph search's tree draws from the fit's seed, as every random choice does
    const search = { signal: ctl.signal, progress: (f: number) => ctl.report(f, "knn"), seed: s.seed, metric: s.metric };
    // the graph search's entry tree splits by Euclidean hyperplanes, which packed bits do not have
    const found = o.knn === "exact" || isBinaryMetric(s.metric)
      ? await queryKnn(core, reference, queries, o.k, search)
      : await queryGraphKnn(core, reference, fit.graph, queries, o.k, search);
    const y = core.alloc(rows * outDim * 4);
    if (s.tsne) {
      core.kernels.placeInitial(layout.yPtr, outDim, found.indicesPtr, o.k, rows, y, core.alloc(o.k * 4), o.init === "mean" ? 1 : 0);
      await placeTsnePoints(core, layout.yPtr, n, found, o.k, y, rows, { ...s.tsne, perplexity: o.perplexity },
        tsnePlaceSchedule(o.nEpochs, o.learningRate), { signal: ctl.signal, progress: (f) => ctl.report(f, "optimize") });
    } else {
      await placePairs(core, fit, found.indicesPtr, y, rows, s, o, ctl);
    }
    throwIfAborted(ctl.signal);
    checkFiniteLayout(core, y, rows, outDim, "transform");
    return core.f32(y, rows * outDim).slice();
  } finally {
    core.reset(mark);
  }
}

/** The per-pair losses' placement of the rows at y from their neighbours (assembly/optimize/place.ts). */
async function placePairs(
  core: Core, fit: Prepared, neighbours: number, y: number, rows: number, s: PlaceSettings, o: CheckedTransformOptions,
  ctl: PhaseControl & { report: (fraction: number, stage: "pca" | "knn" | "optimize") => void },
): Promise<void> {
  const layout = fit.optimizer, outDim = layout.dim, n = fit.n;
  // placeInitial's sorting room (k floats), then each thread's placement scratch
  const scratch = core.alloc(Math.max(o.k * 4, core.threads * core.kernels.placeScratchBytes(outDim, s.negativeSamples)));
  core.kernels.placeInitial(layout.yPtr, outDim, neighbours, o.k, rows, y, scratch, o.init === "mean" ? 1 : 0);
  const { target } = s, m = s.negativeSamples;
  // a loss that learns Z (NCE) places with its learned Z fixed: the same estimator as neg at ξ' = m·Z/(n(n−1))
  const xi = LOSSES[target.loss].learnsZ && s.logZ !== undefined ? (m * Math.exp(s.logZ)) / (n * (n - 1)) : target.xi;
  // the fit's noise distribution (rows ∝ degree) as an alias table of n records that stays in cache
  const noise = core.alloc(n * 8);
  const tableMark = core.mark();
  core.kernels.placeNoiseTable(fit.graph.rowPtr, n, noise, core.alloc(n * 16));
  core.reset(tableMark);
  const args = {
    train: layout.yPtr, n, dim: outDim, noise, y, rows, neighbours, k: o.k,
    loss: core.layout.loss[target.loss], xi, negatives: m, epochs: o.nEpochs, learningRate: o.learningRate,
    seed: s.seed, clamp: LOG_CLAMP, c: target.c, scratch, chunkRows: ROWS_PER_CHUNK,
  };
  for (let e = 0; e < o.nEpochs; e += EPOCHS_PER_CALL) {
    throwIfAborted(ctl.signal);
    const epochEnd = Math.min(o.nEpochs, e + EPOCHS_PER_CALL);
    await core.run("place", { ...args, epochBegin: e, epochEnd }, Math.ceil(rows / ROWS_PER_CHUNK));
    ctl.report(epochEnd / o.nEpochs, "optimize");
  }
}
