// Runs the training phases of the parametric mode: the optimiser's argument slots (the pair-gradient code
// reads them) plus the model record's slot, a bounded number of batches per call so that progress is reported
// and the signal checked between calls, within an epoch too (an epoch of 60,000 points is over 1,000 batches).

import type { Core } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import type { OptimizerState, Phase } from "../embedding/optimizer.ts";
import { ensureGradients, ensureScratch, phaseArgs } from "../embedding/optimizer.ts";
import type { UpdateRule } from "../fit/modes.ts";
import { resetAdam, type Network } from "./network.ts";

/**
 * Rows of training work per call: enough to amortise waking the threads, small enough for smooth progress and
 * a prompt abort. Tests lower it to split the epochs of small data across calls.
 */
export const trainingCalls = { rowsPerCall: 2e5 };

/** Starts a phase: Adam's moments and step count back to 0 (the learning rate restarts too, SPEC §3). */
export function startTrainPhase(core: Core, st: OptimizerState, net: Network, phase: Phase): void {
  ensureScratch(core, st, phase);
  resetAdam(core, net);
}

/** Batches of one epoch of a phase. */
export function batchesPerEpoch(st: OptimizerState, phase: Phase): number {
  return Math.ceil(st.edgeCount / Math.min(phase.batchSize, st.edgeCount));
}

/**
 * Trains epochs [begin, end) of a started phase; ranges that tile [0, epochs) give the bits of one whole run,
 * and so does any split of them into calls (`batchesPerCall`, default: about trainingCalls.rowsPerCall rows forwarded).
 */
export async function trainEpochs(
  core: Core, st: OptimizerState, net: Network, phase: Phase, begin: number, end: number, ctl: PhaseControl,
  batchesPerCall?: number,
): Promise<void> {
  ensureScratch(core, st, phase);
  ensureGradients(core, st, false);
  const args = phaseArgs(core, st, phase);
  const M = core.layout.model;
  args.model = net.modelPtr;
  // a batch forwards its distinct endpoints: at most min(2b, n) rows
  const batch = Math.min(phase.batchSize, st.edgeCount);
  const perEpoch = batchesPerEpoch(st, phase);
  const perCall = batchesPerCall ?? Math.max(1, Math.floor(trainingCalls.rowsPerCall / Math.min(2 * batch, st.n)));
  const total = phase.epochs * perEpoch;
  const record = () => core.i32(net.modelPtr, core.layout.modelRecord.bytes >> 2);
  ctl.progress?.((begin * perEpoch) / total);
  // global batch indices within the phase: [first, last) covers epochs [begin, end)
  for (let g = begin * perEpoch, last = end * perEpoch; g < last; ) {
    throwIfAborted(ctl.signal);
    const gEnd = Math.min(last, g + perCall);
    const epochBegin = Math.floor(g / perEpoch), epochEnd = Math.floor((gEnd - 1) / perEpoch) + 1;
    args.epochBegin = epochBegin;
    args.epochEnd = epochEnd;
    const r = record();
    r[M.batchBegin >> 2] = g - epochBegin * perEpoch;
    r[M.batchEnd >> 2] = gEnd - (epochEnd - 1) * perEpoch;
    await core.run("parametricTrain", args, 1);
    g = gEnd;
    ctl.progress?.(g / total);
  }
}

/**
 * How the parametric handle runs a phase of each update rule (fit/modes.ts UpdateRule): the network's Adam. A
 * rule without an entry does not train a network.
 */
export const NETWORK_RULES: Partial<Record<UpdateRule, { start: typeof startTrainPhase; run: typeof trainEpochs }>> = {
  adam: { start: startTrainPhase, run: trainEpochs },
};
