// Runs one training phase of the parametric mode: the optimiser's argument slots (the pair-gradient code
// reads them) plus the model record in slot 23, a few epochs per call so that progress is reported and the
// signal checked between calls.

import type { Core } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { OptimizerState, Phase } from "../embedding/optimizer.ts";
import { LOG_CLAMP, NCE_LEARNING_RATE } from "../embedding/optimizer.ts";
import type { Loss } from "../options/embedding.ts";
import { resetAdam, TASK_PARAMETRIC_TRAIN, type Network } from "./network.ts";

// Slots mirrored from assembly/optimize/args.ts; ARG_MODEL from assembly/parametric/train.ts.
const ARG = {
  y: 0, n: 1, dim: 2, edges: 3, edgeCount: 4, grad: 5, gradStride: 6, scratch: 7, partial: 8, state: 9,
  loss: 10, xi: 11, negatives: 12, batch: 13, epochBegin: 14, epochEnd: 15, phaseEpochs: 16, learningRate: 17,
  seed: 18, phase: 19, clamp: 20, c: 21, nceLearningRate: 22, model: 23,
} as const;
const ARG_COUNT = 24;
const LOSS_IDS: Record<Loss, number> = { neg: 0, nce: 1, infonce: 2, umap: 3 };

/** Rows of training work per call: enough to amortise waking the threads, small enough for smooth progress. */
const ROWS_PER_CALL = 2e5;

export async function trainPhase(
  core: Core, st: OptimizerState, net: Network, phase: Phase,
  ctl: { signal?: AbortSignal; progress?: (fraction: number) => void },
): Promise<void> {
  if (phase.loss === "infonce" && st.scratchNegatives < phase.negativeSamples) {
    st.scratchPtr = core.alloc(core.threads * phase.negativeSamples * 8); // i32[m] + f32[m] per thread
    st.scratchNegatives = phase.negativeSamples;
  }
  resetAdam(core, net);
  const args = new Array<number>(ARG_COUNT).fill(0);
  args[ARG.y] = st.yPtr;
  args[ARG.n] = st.n;
  args[ARG.dim] = st.dim;
  args[ARG.edges] = st.edgesPtr;
  args[ARG.edgeCount] = st.edgeCount;
  args[ARG.grad] = st.gradPtr;
  args[ARG.gradStride] = st.gradStride;
  args[ARG.scratch] = st.scratchPtr;
  args[ARG.partial] = st.partialPtr;
  args[ARG.state] = st.statePtr;
  args[ARG.loss] = LOSS_IDS[phase.loss];
  args[ARG.xi] = phase.xi;
  args[ARG.negatives] = phase.negativeSamples;
  args[ARG.batch] = Math.min(phase.batchSize, st.edgeCount);
  args[ARG.phaseEpochs] = phase.epochs;
  args[ARG.learningRate] = phase.learningRate;
  args[ARG.seed] = phase.seed;
  args[ARG.phase] = phase.phaseId;
  args[ARG.clamp] = LOG_CLAMP;
  args[ARG.c] = phase.c;
  args[ARG.nceLearningRate] = NCE_LEARNING_RATE;
  args[ARG.model] = net.modelPtr;
  // an epoch forwards each batch's distinct endpoints: about ⌈E/b⌉ · min(2b, n) rows
  const batch = Math.min(phase.batchSize, st.edgeCount);
  const rowsPerEpoch = Math.ceil(st.edgeCount / batch) * Math.min(2 * batch, st.n);
  const step = Math.max(1, Math.min(phase.epochs, Math.floor(ROWS_PER_CALL / rowsPerEpoch)));
  ctl.progress?.(0);
  for (let e = 0; e < phase.epochs; e += step) {
    throwIfAborted(ctl.signal);
    args[ARG.epochBegin] = e;
    args[ARG.epochEnd] = Math.min(phase.epochs, e + step);
    await core.run(TASK_PARAMETRIC_TRAIN, args, 1);
    ctl.progress?.(args[ARG.epochEnd] / phase.epochs);
  }
}
