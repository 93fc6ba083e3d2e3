// A phase's target from its settings, and the layout's main-phase rate; fit/plan.ts puts phases together.

import type { Phase } from "./optimizer.ts";
import type { ResolvedParams } from "./params.ts";
import { xiFor, zBarAt } from "./spectrum.ts";
import { LOSSES } from "../loss/table.ts";
import type { UpdateRule } from "../fit/modes.ts";
import { fail } from "../errors.ts";
import { checkSpectrumBounds } from "../validate/spectrum.ts";

/**
 * The phase of settings p on n points run by `rule`, with the loss's target (loss table): Z̄ (given, or at s)
 * and from it ξ' for a loss placed by Z̄, InfoNCE's c = 4^s unless given. phaseId must be distinct per phase of
 * a fit (the handle counts them).
 */
export function phaseFor(p: ResolvedParams, n: number, epochs: number, batchSize: number, phaseId: number, rule: UpdateRule): Phase {
  checkSpectrumBounds(p, n, fail); // optimize()'s settings meet n here first
  const m = p.negativeSamples;
  const zBar = LOSSES[p.loss].target === "zBar" ? p.zBar ?? zBarAt(p.s, n) : undefined;
  const xi = zBar !== undefined ? xiFor(zBar, n, m) : 1;
  return {
    loss: p.loss, rule, xi, zBar, c: p.c ?? Math.pow(4, p.s), negativeSamples: m, batchSize, epochs,
    learningRate: p.learningRate, seed: p.seed, phaseId,
  };
}

/**
 * The main phase's default learning rate for a loss that follows ξ' (loss table rateFollowsXi: "neg"): max(1, 1/(10·ξ')). Near the t-SNE end the attraction of an
 * edge is ≈ ξ' = 100·m/(n − 1), so with a fixed rate the layout takes ever more epochs to expand as n grows.
 * Scaling the rate by 1/ξ' keeps the attractive step per edge from vanishing, and it keeps the steps the same
 * for any m at a fixed Z̄ (attraction ≈ rate·ξ' = 0.1 per edge, repulsion ≈ rate·m/u² = n(n − 1)/(10·Z̄·u²)
 * per head): the rule is 1 at the UMAP point (ξ' = m/5) and wherever ξ' ≥ 0.1 (digits at s = 0), 2.3 at
 * Fashion-MNIST 70k with 30 negatives (s = 0). Measured on Fashion-MNIST 70k, 5 negatives, 120 epochs: rate 1
 * throughout → recall 0.108, 10-NN accuracy 0.743; this rule → 0.132, 0.765, as 300 epochs at rate 3 (300 at
 * rate 1: 0.120, 0.755) (README, "Defaults"). An explicit learningRate is used as given, in every phase.
 */
export function mainLearningRate(base: number, given: boolean, loss: keyof typeof LOSSES, xi: number): number {
  if (given || !LOSSES[loss].rateFollowsXi) return base;
  return base * Math.max(1, 1 / (10 * xi));
}
