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
 * Completes a fit's checked options for a mode and n points: negatives and learning rate (given, else the
 * mode's default for this n and loss), then the checks that need n (shapes; the direction of s on small data
 * when the caller placed the layout by s).
 */
export function resolveFitParams(p: ResolvedParams, n: number, mode: FitMode, check = true): ResolvedParams {
  const out: ResolvedParams = {
    ...p,
    negativeSamples: p.given.negativeSamples ?? mode.negativeSamples(n),
    learningRate: p.given.learningRate ?? mode.learningRate(p.loss),
  };
  checkShapes(out, n);
  checkLayoutOnly(out, mode);
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
