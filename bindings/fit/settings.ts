// A fit's settings with every default resolved, for both handles: the checked options (embedding/params.ts)
// completed with the defaults that depend on the mode and on the number of points (fit/modes.ts), checked
// against n, and, once the phases are planned (fit/plan.ts), the settings of the phase that made the current
// layout. Handles, transform, save/load, the spectrum walk, the CLI and the page read these instead of
// recomputing a default.

import type { InitMethod, KnnMethod, Metric } from "../options/embedding.ts";
import type { OptimizeOptions } from "../options/optimize.ts";
import type { Loss } from "../loss/table.ts";
import { fail } from "../errors.ts";
import { checkSpectrumDirection } from "../validate/spectrum.ts";
import { checkShapes, resolvePhaseParams, type ResolvedParams } from "../embedding/params.ts";
import type { FitMode, FitModeName, UpdateRule } from "./modes.ts";

/** The settings of a fit and of the phase that made its current layout, every default resolved. */
export interface FitSettings {
  /** "layout": the layout is optimised (Embedding); "network": an MLP is trained (ParametricEmbedding) */
  mode: FitModeName;
  outDim: number;
  k: number;
  knn: KnnMethod;
  metric: Metric;
  /** the layout's start (the parametric mode has none: "random", unused) */
  init: InitMethod | "given";
  seed: number;
  earlyExaggeration: boolean;
  /** the loss of the phase that made the current layout */
  loss: Loss;
  /** its spectrum position (for the losses that s places: loss table `target`) */
  s: number;
  /** Neg-t-SNE's normalisation constant Z̄ (given as zBar, or Z̄ at s for this n and m); losses with target Z̄ only */
  zBar?: number;
  /** InfoNCE's c (given, or 4^s); losses with target c only */
  c?: number;
  /** the estimator's ξ′ = m·Z̄/(n(n−1)) for Neg-t-SNE (1 for the other losses; NCE learns its own) */
  xi: number;
  negativeSamples: number;
  /** the rate the phase started at (decayed linearly to 0 over it): SGD's for the layout, Adam's for the network */
  learningRate: number;
  /** its update rule */
  rule: UpdateRule;
  /** edges per batch (at most the number of edges) */
  batchSize: number;
  /** epochs of the phase (the fit's main phase, or the last optimize()) */
  epochs: number;
  /** epochs of the fit's early-exaggeration phase before it (0 for a later phase, or without one) */
  earlyEpochs: number;
}

/** zBar "tsne" runs a t-SNE fit of the layout first (tsne/zbar.ts): the network's mode has none. */
function checkLayoutOnly(p: ResolvedParams, mode: FitMode): void {
  if (p.zBarFromTsne && mode.name !== "layout") fail(`zBar "tsne" applies to layout fits (createEmbedding) only; give the ${mode.name} mode a number`);
}

/**
 * The search options against the data and the given neighbours: pca at most the data's columns; knnIndices skip
 * the search, so a layout fit refuses pca with them (a parametric fit's network still reads through it) and
 * every fit refuses targetRecall.
 */
function checkSearchOptions(p: ResolvedParams, mode: FitMode, dim: number | undefined): void {
  if (p.knnIndices && p.pca !== undefined && mode.name === "layout") {
    fail("pca chooses the space the neighbours are searched in, but knnIndices are given and no search runs: drop pca");
  }
  if (p.knnIndices && p.targetRecall !== undefined) {
    fail("targetRecall checks the neighbour search, but knnIndices are given and no search runs: drop targetRecall");
  }
  if (typeof p.pca === "number" && dim !== undefined && p.pca > dim) {
    fail(`pca = ${p.pca} asks for more principal components than the data's ${dim} columns: give at most ${dim}, or false to search the rows themselves`);
  }
}

/**
 * Completes a fit's checked options for a mode and n points of `dim` columns: negatives and learning rate
 * (given, else the mode's default for this n and loss), then the checks that need n or dim (shapes; the search
 * options; the direction of s on small data when the caller placed the layout by s). `check` false: a fit
 * restored from saved state, checked when it was made.
 */
export function resolveFitParams(p: ResolvedParams, n: number, mode: FitMode, check = true, dim?: number): ResolvedParams {
  const out: ResolvedParams = {
    ...p,
    negativeSamples: p.given.negativeSamples ?? mode.negativeSamples(n),
    learningRate: p.given.learningRate ?? mode.learningRate(p.loss),
  };
  checkShapes(out, n);
  checkLayoutOnly(out, mode);
  if (check) checkSearchOptions(out, mode, dim);
  if (check && p.given.s !== undefined) checkSpectrumDirection(out, n, out.warn);
  return out;
}

/**
 * The parameters of a further phase (optimize()): the fit's, with the phase's options applied
 * (resolvePhaseParams) and the mode's learning rate when none is given; checked like the fit's (the direction
 * of s only when the fit itself was not placed by s, which was checked then: a walk is told once).
 */
export function resolveWarmParams(fit: ResolvedParams, options: OptimizeOptions, n: number, mode: FitMode): ResolvedParams {
  const merged = resolvePhaseParams(fit, options);
  const out = { ...merged, learningRate: merged.given.learningRate ?? mode.learningRate(merged.loss) };
  checkLayoutOnly(out, mode);
  if (merged.given.s !== undefined && fit.given.s === undefined) checkSpectrumDirection(out, n, out.warn);
  return out;
}
