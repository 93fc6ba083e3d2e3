// A t-SNE fit (SPEC §7) on a core: data → the neighbour search (embedding/search.ts: PCA-50 when wide, or as the
// `pca` option says) → 3·perplexity neighbours → affinities → PCA init
// at std 1e-4 → early exaggeration (ρ = 12, momentum 0.5) → the main phase (ρ = exaggeration, momentum 0.8).
// The handle runs the phases it returns like any other (step/run, progress, abort).

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { throwIfAborted } from "../errors.ts";
import type { FitControl, FitPhase } from "../handle/handle.ts";
import { isBinaryMetric } from "../knn/metric.ts";
import { checkDegenerate } from "../validate/degenerate.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import type { GraphBuffers } from "../embedding/graph.ts";
import { initialLayout } from "../embedding/init.ts";
import { allocateOptimizer } from "../embedding/optimizer.ts";
import type { ResolvedParams } from "../embedding/params.ts";
import { fitNeighbours, type Prepared } from "../embedding/pipeline.ts";
import { computeAffinities } from "./affinities.ts";
import { allocateTsne, runTsneIterations, type TsnePhase, type TsneState } from "./optimizer.ts";
import { EARLY_EXAGGERATION, EARLY_MOMENTUM, MAIN_MOMENTUM, tsneLearningRate } from "./params.ts";
import type { FitSettings } from "../fit/settings.ts";

/** t-SNE's initial layouts are the library's (PC1 at std 1) times this: openTSNE's and FIt-SNE's 1e-4. */
export const INIT_SCALE = 1e-4;

export interface TsneFit {
  prepared: Prepared;
  state: TsneState;
  /** f32[n × k] the neighbours' distances in the search space's units (0: precomputed neighbours) */
  distancesPtr: number;
  /** the arena's top before the affinities: from here up lies only what the t-SNE iterations need */
  workspaceMark: number;
}

/** Prepares a fit of the data already in the core (p.k and p.perplexity resolved for its size: tsneNeighbours). */
export async function prepareTsne(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: FitControl): Promise<TsneFit> {
  checkDegenerate(core, data, p.k, p.warn);
  // given neighbours come with binary affinities only (tsne/params.ts): no distances needed
  const { search, pca, knnPtr, knnDistancesPtr: distPtr = 0 } = await fitNeighbours(core, data, p, ctl);
  throwIfAborted(ctl.signal);
  // the layout below the affinities, so that everything above them can be freed when t-SNE stops (tsne/session.ts)
  const optimizer = allocateOptimizer(core, data.n, 2, 0, 0);
  const workspaceMark = core.mark();
  const perplexity = p.affinities === "binary" ? 0 : p.perplexity;
  const affinities = await computeAffinities(core, knnPtr, distPtr, data.n, p.k, perplexity, {
    signal: ctl.signal, progress: (f) => ctl.report(f, "affinities"),
  });
  throwIfAborted(ctl.signal);
  const graph: GraphBuffers = { n: data.n, rowPtr: affinities.rowPtr, colPtr: affinities.colPtr, edgesPtr: 0, edgeCount: affinities.nnz };
  // the PCA init reads the PCA scores when the search had them, else the data (never packed bits)
  await initialLayout(core, p, data, pca ? search! : data, graph, optimizer, ctl);
  if (!(p.init instanceof Float32Array)) core.kernels.tsneScale(optimizer.yPtr, 2 * data.n, INIT_SCALE);
  const state = allocateTsne(core, optimizer.yPtr, affinities);
  const searchSource = isBinaryMetric(p.metric) && search ? data : undefined;
  // the search's distances stay for the handle's knnGraph (--write-neighbors), as a per-pair fit's do
  const knnDistancesPtr = p.knnIndices ? undefined : distPtr;
  const prepared: Prepared = { n: data.n, data, search, searchSource, pca, knnPtr, knnDistancesPtr, k: p.k, graph, optimizer };
  return { prepared, state, distancesPtr: distPtr, workspaceMark };
}

/** The phases of a fit of p.nEpochs iterations: a third at ρ = 12 (when p.earlyExaggeration), the rest at p.exaggeration. */
export function tsnePhases(p: ResolvedParams, n: number): { stage: "early-exaggeration" | "optimize"; phase: TsnePhase }[] {
  const total = p.nEpochs;
  const early = p.earlyExaggeration ? Math.round(total / 3) : 0;
  const learningRate = p.learningRateGiven ? p.learningRate : tsneLearningRate(n);
  const out: { stage: "early-exaggeration" | "optimize"; phase: TsnePhase }[] = [];
  if (early > 0) {
    out.push({ stage: "early-exaggeration", phase: { iterations: early, exaggeration: EARLY_EXAGGERATION, momentum: EARLY_MOMENTUM, learningRate, dof: p.dof } });
  }
  out.push({ stage: "optimize", phase: { iterations: Math.max(1, total - early), exaggeration: p.exaggeration, momentum: MAIN_MOMENTUM, learningRate, dof: p.dof } });
  return out;
}

/** The handle's phases for a prepared fit. */
export function tsneFitPhases(core: () => Core, st: TsneState, p: ResolvedParams): FitPhase[] {
  return tsnePhases(p, st.n).map(({ stage, phase }) => ({
    stage,
    epochs: phase.iterations,
    run: async (begin, end, ctl) => {
      await runTsneIterations(core(), st, phase, begin, end, ctl);
      checkFiniteLayout(core(), st.yPtr, st.n, 2, stage);
    },
  }));
}

/** The resolved settings of a t-SNE fit (Embedding.settings): its main phase's. */
export function tsneSettings(p: ResolvedParams, n: number): FitSettings {
  const phases = tsnePhases(p, n);
  const main = phases[phases.length - 1].phase;
  return {
    mode: "layout", outDim: p.outDim, k: p.k, knn: p.knn, metric: p.metric,
    init: p.init instanceof Float32Array ? "given" : p.init, seed: p.seed, earlyExaggeration: p.earlyExaggeration,
    loss: "tsne", s: p.s, xi: 1, negativeSamples: 0, learningRate: main.learningRate, rule: "tsne", batchSize: 0,
    epochs: main.iterations, earlyEpochs: phases.length > 1 ? phases[0].phase.iterations : 0,
  };
}
