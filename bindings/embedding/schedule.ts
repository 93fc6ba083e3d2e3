// The optimisation schedule: how many epochs in each phase and how many edges per batch.

import type { ResolvedParams } from "./params.ts";

export interface Schedule {
  exaggerationEpochs: number;
  mainEpochs: number;
  batchSize: number;
}

/** Early exaggeration takes the first third of the epochs, as the paper's 250 of 750 (SPEC §3). */
const EXAGGERATION_SHARE = 1 / 3;

/**
 * Default edges per batch. The loss is summed over a batch with a per-edge rate of 1, so the batch size sets
 * how stale the layout is within a step, not the step size; 8192 gave the same quality as the paper's 1024 on
 * digits and Fashion-MNIST 10k at a fraction of the synchronisation cost (bench/RESULTS.md).
 */
export const DEFAULT_BATCH_SIZE = 8192;

export function defaultBatchSize(edgeCount: number): number {
  return Math.min(edgeCount, DEFAULT_BATCH_SIZE);
}

export function defaultSchedule(p: ResolvedParams, edgeCount: number): Schedule {
  const total = p.nEpochs;
  const exaggerationEpochs = p.earlyExaggeration ? Math.round(total * EXAGGERATION_SHARE) : 0;
  return {
    exaggerationEpochs,
    mainEpochs: Math.max(1, total - exaggerationEpochs),
    batchSize: p.batchSize ?? defaultBatchSize(edgeCount),
  };
}
