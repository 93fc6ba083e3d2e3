// Runs the training phases of the parametric mode: the optimiser's argument slots (the pair-gradient code
// reads them) plus the model record's slot, a few epochs per call so that progress is reported and the
// signal checked between calls.

import type { Core } from "../core/core.ts";
import type { PhaseControl } from "../options/common.ts";
import type { OptimizerState, Phase } from "../embedding/optimizer.ts";
import { ensureScratch, phaseArgs, runEpochs } from "../embedding/optimizer.ts";
import { resetAdam, type Network } from "./network.ts";

/** Rows of training work per call: enough to amortise waking the threads, small enough for smooth progress. */
const ROWS_PER_CALL = 2e5;

/** Starts a phase: Adam's moments and step count back to 0 (the learning rate restarts too, SPEC §3). */
export function startTrainPhase(core: Core, st: OptimizerState, net: Network, phase: Phase): void {
  ensureScratch(core, st, phase);
  resetAdam(core, net);
}

/** Trains epochs [begin, end) of a started phase; ranges that tile [0, epochs) give the bits of one whole run. */
export async function trainEpochs(
  core: Core, st: OptimizerState, net: Network, phase: Phase, begin: number, end: number, ctl: PhaseControl,
): Promise<void> {
  ensureScratch(core, st, phase);
  const args = phaseArgs(core, st, phase);
  args[core.layout.arg.model] = net.modelPtr;
  // an epoch forwards each batch's distinct endpoints: about ⌈E/b⌉ · min(2b, n) rows
  const batch = Math.min(phase.batchSize, st.edgeCount);
  const rowsPerEpoch = Math.ceil(st.edgeCount / batch) * Math.min(2 * batch, st.n);
  const step = Math.max(1, Math.min(phase.epochs, Math.floor(ROWS_PER_CALL / rowsPerEpoch)));
  await runEpochs(core, "parametricTrain", args, phase.epochs, step, ctl, begin, end);
}
