// How the layout handle (Embedding) runs each update rule (fit/modes.ts UpdateRule). A rule whose phases a
// per-pair Phase describes is a runner: it gets the whole fit in the core (data, neighbours, graph, optimiser
// state) and runs epochs of a phase. A rule with state of its own beside the layout and phases of its own
// (t-SNE: affinities, momentum and gains; exaggeration, momentum and dof per phase) is a SessionRule: the handle
// prepares, continues, hands over, saves and restores its fit through its hooks and one session per handle,
// never by the rule's name. A rule without an entry does not run on a layout; the network's Adam runs in
// parametric/trainer.ts (NETWORK_RULES).

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import type { PhaseControl } from "../options/common.ts";
import type { UpdateRule } from "../fit/modes.ts";
import type { FitSettings } from "../fit/settings.ts";
import type { FitControl, FitPhase } from "../handle/handle.ts";
import type { EmbeddingState, TsneState } from "../handle/state.ts";
import type { ResolvedParams } from "./params.ts";
import type { Prepared } from "./pipeline.ts";
import { runPhaseEpochs, type Phase } from "./optimizer.ts";
import { TsneSession } from "../tsne/session.ts";
import { checkTsneState } from "../tsne/restore.ts";
import { tsneNeighbours } from "../tsne/params.ts";

/** Runs epochs [begin, end) of a phase; ranges that tile [0, epochs) must give the bits of one whole run. */
export type LayoutRule = (core: Core, fit: Prepared, phase: Phase, begin: number, end: number, ctl: PhaseControl) => Promise<void>;

/** A rule with state of its own beside the layout: how its fits begin, in a handle's session. */
export interface SessionRule {
  /** its name in messages */
  name: string;
  /** completes the options that depend on the number of points n (t-SNE: its neighbours from the perplexity) */
  resolve(p: ResolvedParams, n: number, warn: (message: string) => void): void;
  /** prepares a fit of the data in the core: the session, the fit's state, its phases and its settings */
  prepare(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: FitControl, getCore: () => Core): Promise<SessionFit>;
  /** checks a saved state's fields of the rule against the options it is restored with, before any core work */
  check(state: EmbeddingState, p: ResolvedParams, n: number): void;
  /** the core's state of a saved fit (neighbours, layout); the handle restores the rows and PCA, then calls resume */
  restore(core: Core, state: EmbeddingState, p: ResolvedParams, n: number): { session: LayoutSession; fit: Prepared };
}

export interface SessionFit {
  session: LayoutSession;
  fit: Prepared;
  phases: FitPhase[];
  settings: FitSettings;
}

/** A fit of a SessionRule behind one handle; `own` below means: this rule moved (or moves) the layout. */
export interface LayoutSession {
  /** after a restore: the fit's graph of the rule that optimised the layout last */
  resume(core: Core, fit: Prepared, ownLast: boolean, seed: number): void;
  /** one more phase of the rule from the current layout (its optimize()) */
  continue(core: Core, fit: Prepared, p: ResolvedParams, afterOtherLoss: boolean, ctl: FitControl, getCore: () => Core): Promise<{ phase: FitPhase; settings: FitSettings }>;
  /** a per-pair loss takes the layout: the fit gets the per-pair graph, the rule frees what only it needs */
  leave(core: Core, fit: Prepared, seed: number, fromOwn: boolean): void;
  /** what a saved model keeps of the fit: its neighbours and the rule's fields */
  saved(core: Core, ownLast: boolean): { knnIndices: Int32Array; tsne: TsneState };
  /** the partition function of the rule's last iteration (t-SNE's Z: zBar "tsne") */
  partitionFunction(core: Core): number | undefined;
  /** the rule's objective at its last measurement (t-SNE's KL divergence) */
  divergence(core: Core): number | undefined;
}

export const LAYOUT_RULES: Partial<Record<UpdateRule, LayoutRule | SessionRule>> = {
  /** the layout's SGD with clipping over edge batches and negative samples (core task "optimize") */
  sgd: (core, fit, phase, begin, end, ctl) => runPhaseEpochs(core, fit.optimizer, phase, begin, end, ctl),
  /** t-SNE's gradient descent (core task "tsneIterate") on its affinities, with momentum and gains (tsne/session.ts) */
  tsne: {
    name: "t-SNE",
    resolve: (p, n, warn) => {
      Object.assign(p, tsneNeighbours(p.affinities, p.perplexity, p.kGiven ? p.k : undefined, n, warn));
    },
    prepare: (core, data, p, ctl, getCore) => TsneSession.prepare(core, data, p, ctl, getCore),
    check: checkTsneState,
    restore: (core, state, p, n) => TsneSession.restore(core, state, p, n),
  },
};

/** The session rule that runs `rule` on a layout (undefined: a runner of per-pair phases, or none). */
export function sessionRule(rule: UpdateRule): SessionRule | undefined {
  const entry = LAYOUT_RULES[rule];
  return typeof entry === "object" ? entry : undefined;
}

/** The runner of `rule`'s per-pair phases on a layout (undefined: a session rule, or none). */
export function phaseRunner(rule: UpdateRule): LayoutRule | undefined {
  const entry = LAYOUT_RULES[rule];
  return typeof entry === "function" ? entry : undefined;
}
