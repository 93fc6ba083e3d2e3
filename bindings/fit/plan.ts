// The phases of a fit, planned once for both handles: how many epochs each, which update rule runs it and what
// it optimises for (its target: ξ′ from Z̄, c, or a learned Z), from the loss table (loss/table.ts) and the
// mode (fit/modes.ts). A handle only runs the phases by their rule. A loss whose early phase or optimiser is of
// a new kind adds its case to earlyPhase or ruleFor here, not to the handles.

import { fail } from "../errors.ts";
import { LOSSES, type Loss } from "../loss/table.ts";
import type { Phase } from "../embedding/optimizer.ts";
import type { ResolvedParams } from "../embedding/params.ts";
import { mainLearningRate, phaseFor } from "../embedding/schedule.ts";
import { umapXi } from "../embedding/spectrum.ts";
import type { LayoutTarget } from "../handle/state.ts";
import type { FitMode, UpdateRule } from "./modes.ts";
import type { FitSettings } from "./settings.ts";

/** Early exaggeration takes the first third of the epochs, as the paper's 250 of 750 (SPEC §3). */
const EXAGGERATION_SHARE = 1 / 3;

export interface PlannedPhase {
  stage: "early-exaggeration" | "optimize";
  phase: Phase;
}

export interface FitPlan {
  phases: PlannedPhase[];
  /** the settings of the main phase: the fit's layout */
  settings: FitSettings;
}

/** The update rule that runs a loss in a mode. */
export function ruleFor(loss: Loss, mode: FitMode): UpdateRule {
  const optimiser = LOSSES[loss].optimiser;
  switch (optimiser) {
    case "pairs":
      return mode.pairRule;
  }
  return fail(`loss "${loss}" has no update rule in the ${mode.name} mode`);
}

/**
 * Refuses, when a handle is created or optimize() called, a loss whose update rule in this mode the handle
 * cannot run (`rules`: the handle's runners), rather than after the fit's preparation.
 */
export function checkRunnable(loss: Loss, mode: FitMode, rules: Partial<Record<UpdateRule, unknown>>): void {
  const rule = ruleFor(loss, mode);
  if (!rules[rule]) fail(`loss "${loss}" does not run in the ${mode.name} mode (it has no update rule "${rule}" there)`);
}

/** The early-exaggeration phase of a loss, from its main phase (SPEC §3). */
function earlyPhase(main: Phase, p: ResolvedParams, epochs: number, phaseId: number): Phase {
  const kind = LOSSES[p.loss].earlyPhase;
  switch (kind) {
    case "umap-point": {
      // the loss at UMAP's point in Z̄, n(n−1)/5 whatever m (ξ′ = m/5; Z̄/ξ′ = n(n−1)/m), at the base rate
      const xi = umapXi(main.negativeSamples);
      return { ...main, xi, zBar: main.zBar && (main.zBar / main.xi) * xi, learningRate: p.learningRate, epochs, phaseId };
    }
    case "own":
      return { ...main, epochs, phaseId };
  }
}

/**
 * The main phase of settings p: ξ′ and c from the loss's target (phaseFor), the mode's update rule, and the rate
 * (for the layout, scaled toward the t-SNE end for the losses that ask for it: mainLearningRate).
 */
function mainPhase(p: ResolvedParams, n: number, epochs: number, batchSize: number, phaseId: number, mode: FitMode): Phase {
  const phase = phaseFor(p, n, epochs, batchSize, phaseId, ruleFor(p.loss, mode));
  if (mode.scalesRate) phase.learningRate = mainLearningRate(p.learningRate, p.learningRateGiven, p.loss, phase.xi);
  return phase;
}

/**
 * A whole fit of settings p (resolveFitParams) on n points whose graph has edgeCount edges: the early phase
 * (when p.earlyExaggeration) and the main phase. `nextId` hands out the handle's phase ids.
 */
export function planFit(p: ResolvedParams, n: number, edgeCount: number, mode: FitMode, nextId: () => number): FitPlan {
  const batchSize = Math.min(p.batchSize ?? mode.batchSize(edgeCount, n), edgeCount);
  const total = p.given.nEpochs ?? mode.epochs(edgeCount, batchSize);
  const earlyEpochs = p.earlyExaggeration ? Math.round(total * EXAGGERATION_SHARE) : 0;
  const mainEpochs = Math.max(1, total - earlyEpochs);
  const earlyId = earlyEpochs > 0 && !mode.sharedEarlyStreams ? nextId() : 0;
  const main = mainPhase(p, n, mainEpochs, batchSize, nextId(), mode);
  const phases: PlannedPhase[] = [];
  if (earlyEpochs > 0) {
    const id = mode.sharedEarlyStreams ? main.phaseId : earlyId;
    phases.push({ stage: "early-exaggeration", phase: earlyPhase(main, p, earlyEpochs, id) });
  }
  phases.push({ stage: "optimize", phase: main });
  return { phases, settings: settingsOf(p, main, mode, earlyEpochs) };
}

/**
 * A further phase (optimize()) of settings p (resolveWarmParams): one phase of the given epochs, or the mode's
 * default after a main phase of fitMainEpochs, no early exaggeration.
 */
export function planWarm(
  p: ResolvedParams, n: number, edgeCount: number, mode: FitMode, fitMainEpochs: number, nextId: () => number,
): FitPlan {
  const batchSize = Math.min(p.batchSize ?? mode.batchSize(edgeCount, n), edgeCount);
  const epochs = Math.max(1, p.given.nEpochs ?? mode.warmEpochs(fitMainEpochs));
  const phase = mainPhase(p, n, epochs, batchSize, nextId(), mode);
  return { phases: [{ stage: "optimize", phase }], settings: settingsOf(p, phase, mode, 0) };
}

/** Whether a phase of `loss` after one of `previous` starts its learned Z afresh (at initialLogZ). */
export function startsLearnedZ(loss: Loss, previous: Loss | undefined): boolean {
  return LOSSES[loss].learnsZ && previous !== loss;
}

/** The settings of the fit p as its phase `main` makes the layout. */
function settingsOf(p: ResolvedParams, main: Phase, mode: FitMode, earlyEpochs: number): FitSettings {
  const target = LOSSES[p.loss].target;
  return {
    mode: mode.name, outDim: p.outDim, k: p.k, knn: p.knn, metric: p.metric,
    init: p.init instanceof Float32Array ? "given" : p.init, seed: p.seed, earlyExaggeration: p.earlyExaggeration,
    loss: p.loss, s: p.s,
    zBar: target === "zBar" ? main.zBar : undefined,
    c: target === "c" ? main.c : undefined,
    xi: main.xi, negativeSamples: main.negativeSamples, learningRate: main.learningRate, rule: main.rule,
    batchSize: main.batchSize, epochs: main.epochs, earlyEpochs,
  };
}

/** What a saved model keeps of the settings of its layout (docs/model-format.md: the header's `target`). */
export function layoutTargetOf(p: ResolvedParams, main: Phase): LayoutTarget {
  return { loss: p.loss, s: p.s, zBar: p.zBar, xi: main.xi, c: main.c };
}
