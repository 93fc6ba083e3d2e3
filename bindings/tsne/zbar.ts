// zBar "tsne" (SPEC §2, §7): Neg-t-SNE at Z̄ = the partition function Σ_{i≠j} φ_ij of a converged t-SNE layout
// of the same data, the point of the spectrum where Neg-t-SNE reproduces t-SNE (the paper's Fig. 1f). The fit's
// preparation runs that t-SNE (its schedule and defaults; the fit's seed, kNN method and metric), reads Z as the
// t-SNE iterations computed it at their last iteration (exact below 5,000 points, interpolated on the grid
// above), takes the per-pair graph from the t-SNE's own neighbours and starts the Neg-t-SNE layout as a fit
// without zBar "tsne" would (PCA, then early exaggeration): its layout then owes its closeness to t-SNE to Z̄,
// not to a t-SNE start (bench/tsne-zbar.js measures both starts; optimize({ zBar: "tsne" }) on a t-SNE handle
// is the warm start).

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { FitControl } from "../handle/handle.ts";
import { initialLayout } from "../embedding/init.ts";
import type { ResolvedParams } from "../embedding/params.ts";
import type { Prepared } from "../embedding/pipeline.ts";
import { prepareTsne, tsneFitPhases } from "./fit.ts";
import { readStats } from "./optimizer.ts";
import { TSNE_ITERATIONS, tsneNeighbours } from "./params.ts";
import { usePairGraph } from "./pairs.ts";
import { DEFAULTS } from "../embedding/params.ts";

/** Refuses, when the handle is created, what a fit at zBar "tsne" cannot do. */
export function checkZBarTsne(p: ResolvedParams): void {
  if (!p.zBarFromTsne) return;
  if (p.outDim !== 2) fail(`zBar "tsne" needs outDim 2: the t-SNE fit whose Z it takes embeds in 2 dimensions (outDim is ${p.outDim})`);
  if (p.knnIndices) fail(`zBar "tsne" runs a t-SNE fit, whose affinities need the neighbours' distances: give no knnIndices with it`);
}

/**
 * The settings of the t-SNE fit behind a fit p at zBar "tsne": t-SNE's defaults (perplexity 30, 750 iterations
 * with early exaggeration, its own learning rate) with p's seed, kNN method, metric, init and threads; at least
 * p.k neighbours, so that the per-pair graph is the first p.k of them.
 */
export function tsneParamsFor(p: ResolvedParams, n: number): ResolvedParams {
  const neighbours = tsneNeighbours("perplexity", DEFAULTS.perplexity, undefined, n, p.warn);
  const widened = neighbours.k < p.k ? tsneNeighbours("perplexity", DEFAULTS.perplexity, p.k, n, p.warn) : neighbours;
  return {
    ...p, loss: "tsne", zBar: undefined, zBarFromTsne: false, outDim: 2, nEpochs: TSNE_ITERATIONS, learningRateGiven: false,
    earlyExaggeration: true, affinities: "perplexity", exaggeration: DEFAULTS.exaggeration, dof: DEFAULTS.dof, ...widened,
  };
}

/**
 * Prepares a per-pair fit of p (zBar "tsne") on the data in the core: the t-SNE fit (progress: its preparation's
 * stages, then stage "tsne" with its KL divergence), then the per-pair graph of p.k neighbours and the initial
 * layout. Resolves with the fit and Z.
 */
export async function prepareAtTsneZ(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: FitControl): Promise<{ fit: Prepared; z: number }> {
  const tp = tsneParamsFor(p, data.n);
  const t = await prepareTsne(core, data, tp, ctl);
  const phases = tsneFitPhases(() => core, t.state, tp);
  const total = phases.reduce((sum, phase) => sum + phase.epochs, 0);
  let done = 0;
  for (const phase of phases) {
    throwIfAborted(ctl.signal);
    const base = done;
    await phase.run(0, phase.epochs, { signal: ctl.signal, progress: (f, detail) => ctl.report((base + f * phase.epochs) / total, "tsne", detail) });
    done += phase.epochs;
  }
  const z = readStats(core, t.state).z;
  const fit = t.prepared;
  // the t-SNE's affinities and optimiser state have served: the per-pair graph takes their place in the arena
  core.free(t.workspaceMark);
  usePairGraph(core, fit, p.k, p.seed);
  // the per-pair fit's own start, as without zBar "tsne" (the PCA start reads the search space's scores)
  await initialLayout(core, p, data, fit.search ?? data, fit.graph, fit.optimizer, ctl);
  return { fit, z };
}
