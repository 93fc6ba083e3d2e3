// The optimisation schedule: how many epochs in each phase and how many edges per batch.

import type { ResolvedParams } from "./params.ts";

export interface Schedule {
  exaggerationEpochs: number;
  mainEpochs: number;
  batchSize: number;
}

/** Early exaggeration takes the first third of the epochs, as the paper's 250 of 750 (SPEC §3). */
const EXAGGERATION_SHARE = 1 / 3;

/** Default edges per batch. */
export function defaultBatchSize(edgeCount: number, n: number): number {
  void n;
  return Math.min(edgeCount, 1024);
}

export function defaultSchedule(p: ResolvedParams, edgeCount: number, n: number): Schedule {
  const total = p.nEpochs;
  const exaggerationEpochs = p.earlyExaggeration ? Math.round(total * EXAGGERATION_SHARE) : 0;
  return {
    exaggerationEpochs,
    mainEpochs: Math.max(1, total - exaggerationEpochs),
    batchSize: p.batchSize ?? defaultBatchSize(edgeCount, n),
  };
}
