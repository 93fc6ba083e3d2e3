// How the layout handle (Embedding) runs a phase of each update rule (fit/modes.ts UpdateRule). A rule gets the
// whole fit in the core (data, neighbours, graph, optimiser state), so an optimiser that is not per-pair SGD
// (exact-gradient t-SNE, say) finds what it needs there and keeps any state of its own per fit. A rule without an
// entry does not run on a layout; the network's Adam runs in parametric/trainer.ts (NETWORK_RULES).

import type { Core } from "../core/core.ts";
import type { PhaseControl } from "../options/common.ts";
import type { UpdateRule } from "../fit/modes.ts";
import type { Prepared } from "./pipeline.ts";
import { runPhaseEpochs, type Phase } from "./optimizer.ts";

/** Runs epochs [begin, end) of a phase; ranges that tile [0, epochs) must give the bits of one whole run. */
export type LayoutRule = (core: Core, fit: Prepared, phase: Phase, begin: number, end: number, ctl: PhaseControl) => Promise<void>;

export const LAYOUT_RULES: Partial<Record<UpdateRule, LayoutRule>> = {
  /** the layout's SGD with clipping over edge batches and negative samples (core task "optimize") */
  sgd: (core, fit, phase, begin, end, ctl) => runPhaseEpochs(core, fit.optimizer, phase, begin, end, ctl),
};
