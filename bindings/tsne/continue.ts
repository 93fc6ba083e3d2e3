// Further phases of a t-SNE fit (Embedding.optimize): more t-SNE iterations from the current layout, and the
// settings of a per-pair phase that continues from it.

import type { Core } from "../core/core.ts";
import type { FitPhase } from "../handle/handle.ts";
import type { ResolvedParams } from "../embedding/params.ts";
import type { FitSettings } from "../fit/settings.ts";
import { checkFiniteLayout } from "../validate/finite.ts";
import { runTsneIterations, type TsnePhase, type TsneState } from "./optimizer.ts";
import { MAIN_MOMENTUM, tsneLearningRate } from "./params.ts";

/** Iterations of optimize({ loss: "tsne" }) unless nEpochs is given: half of a fit's main phase. */
export const TSNE_CONTINUE_ITERATIONS = 250;

/**
 * One phase of t-SNE iterations from the current layout at the fit's exaggeration and dof, momentum 0.8, the
 * given rate or max(200, n/12). When the layout was last moved by another loss, the momentum and gains start
 * afresh (0 and 1): the last t-SNE update says nothing about that layout; after t-SNE they carry over, as
 * openTSNE's optimize() keeps its optimiser state.
 */
export function tsneContinuation(core: () => Core, st: TsneState, p: ResolvedParams, afterOtherLoss: boolean): { phase: FitPhase; settings: FitSettings; tsne: TsnePhase } {
  const tsne: TsnePhase = {
    iterations: p.given.nEpochs ?? TSNE_CONTINUE_ITERATIONS,
    exaggeration: p.exaggeration,
    momentum: MAIN_MOMENTUM,
    learningRate: p.learningRateGiven ? p.learningRate : tsneLearningRate(st.n),
    dof: p.dof,
  };
  let fresh = afterOtherLoss;
  const phase: FitPhase = {
    stage: "optimize",
    epochs: tsne.iterations,
    run: async (begin, end, ctl) => {
      const c = core();
      if (fresh) {
        c.f32(st.updatePtr, 2 * st.n).fill(0);
        c.f32(st.gainsPtr, 2 * st.n).fill(1);
        fresh = false;
      }
      await runTsneIterations(c, st, tsne, begin, end, ctl);
      checkFiniteLayout(c, st.yPtr, st.n, 2, "optimize");
    },
  };
  const settings: FitSettings = {
    mode: "layout", outDim: 2, k: p.k, knn: p.knn, metric: p.metric, init: p.init instanceof Float32Array ? "given" : p.init,
    seed: p.seed, earlyExaggeration: false, loss: "tsne", s: p.s, xi: 1, negativeSamples: 0, learningRate: tsne.learningRate,
    rule: "tsne", batchSize: 0, epochs: tsne.iterations, earlyEpochs: 0,
  };
  return { phase, settings, tsne };
}
