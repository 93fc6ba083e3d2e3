// The optimisation schedule: how many epochs in each phase, how many edges per batch, and each phase's settings.

import type { Phase } from "./optimizer.ts";
import type { ResolvedParams } from "./params.ts";
import { xiFor, zBarAt } from "./spectrum.ts";

export interface Schedule {
  exaggerationEpochs: number;
  mainEpochs: number;
  batchSize: number;
}

/** Early exaggeration takes the first third of the epochs, as the paper's 250 of 750 (SPEC §3). */
const EXAGGERATION_SHARE = 1 / 3;

/**
 * Default edges per batch: about n/2 as a power of two, from 8192 to 32768. The loss is summed over a batch
 * with a per-edge rate of 1, so the batch size sets how stale the layout is within a step, not the step size;
 * 8192 gave the same quality as the paper's 1024 on digits and Fashion-MNIST 10k, and larger batches cut the
 * per-batch synchronisation, which grows with n (bench/RESULTS.md).
 */
export function defaultBatchSize(edgeCount: number, n: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, n / 2)));
  return Math.min(edgeCount, Math.max(8192, Math.min(32768, target)));
}

/**
 * The optimiser phase of settings p on n points, for both modes: ξ' of "neg" from Z̄ (given, or at s), InfoNCE's
 * c = 4^s unless given. phaseId must be distinct per phase of a fit (the handle counts them).
 */
export function phaseFor(p: ResolvedParams, n: number, epochs: number, batchSize: number, phaseId: number): Phase {
  const m = p.negativeSamples;
  const xi = p.loss === "neg" ? xiFor(p.zBar ?? zBarAt(p.s, n), n, m) : 1;
  return {
    loss: p.loss, xi, c: p.c ?? Math.pow(4, p.s), negativeSamples: m, batchSize, epochs, learningRate: p.learningRate,
    seed: p.seed, phaseId,
  };
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

/**
 * The main phase's default learning rate for "neg": max(1, 1/(10·ξ')). Near the t-SNE end the attraction of an
 * edge is ≈ ξ' = 100·m/(n − 1), so with a fixed rate the layout takes ever more epochs to expand as n grows.
 * Scaling the rate by 1/ξ' keeps the attractive step per edge from vanishing, and it keeps the steps the same
 * for any m at a fixed Z̄ (attraction ≈ rate·ξ' = 0.1 per edge, repulsion ≈ rate·m/u² = n(n − 1)/(10·Z̄·u²)
 * per head): the rule is 1 at the UMAP point (ξ' = m/5) and wherever ξ' ≥ 0.1 (digits at s = 0), 2.3 at
 * Fashion-MNIST 70k with 30 negatives (s = 0). Measured on Fashion-MNIST 70k, 5 negatives, 120 epochs: rate 1 throughout → recall 0.108, 10-NN accuracy 0.743; this rule → 0.132,
 * 0.765, as 300 epochs at rate 3 (300 at rate 1: 0.120, 0.755) (README, "Defaults"). An explicit learningRate
 * is used as given, in every phase.
 */
export function mainLearningRate(base: number, given: boolean, loss: string, xi: number): number {
  if (given || loss !== "neg") return base;
  return base * Math.max(1, 1 / (10 * xi));
}
