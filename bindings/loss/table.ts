// Every loss of the library, described once for the bindings: what its phases optimise for, whether it learns
// its normalisation, whether s places it on the spectrum, its default rate, its early phase and how it is
// optimised. The options table's `loss` choices (options/embedding.ts), the core's loss ids (core/abi.ts) and
// every per-loss decision of the bindings (fit/plan.ts, fit/settings.ts, the transform, the spectrum walk) are
// read from here. A loss that is only per-pair coefficients is its AS file (assembly/optimize/loss/) plus one
// entry here; test/loss-table.test.ts then covers it without being edited.

/**
 * What s sets for a loss, and the option that gives it directly: Neg-t-SNE's normalisation constant Z̄ (hence
 * the estimator's ξ′ = m·Z̄/(n(n−1)), option zBar), InfoNCE's c (c = 4^s, option c), or nothing (s has no effect).
 */
export type LossTarget = "zBar" | "c" | "none";

/**
 * How a loss is optimised. "pairs": per-pair coefficients of the edges and negative samples of a batch, in the
 * core's epoch driver; each mode runs it with its update rule (fit/plan.ts: the layout's SGD, the network's
 * Adam, transform's held-fixed placement). An optimiser that is not per-pair SGD (e.g. exact-gradient t-SNE) is
 * a new kind here, mapped to its own update rule in fit/plan.ts.
 */
export type LossOptimiser = "pairs";

/**
 * The early-exaggeration phase of a loss (SPEC §3). "umap-point": the loss at UMAP's normalisation Z̄ = n(n−1)/5
 * (ξ′ = m/5) at the base learning rate; "own": the main phase's settings. A new kind is one case in fit/plan.ts.
 */
export type EarlyPhase = "umap-point" | "own";

/**
 * The form of a loss's terms: "independent", a sum of one term per pair (an edge, or an edge's negative sample);
 * "normalised", each edge's term normalised over the edge and its negatives (InfoNCE). Tests check a loss's
 * derivatives against finite differences of its value in this form (test/loss-table.test.ts).
 */
export type LossTerms = "independent" | "normalised";

export interface LossSpec {
  target: LossTarget;
  terms: LossTerms;
  /** learns its normalisation Z during a phase (NCE's log Z, from Z = n(n−1)); a transform holds the learned Z */
  learnsZ: boolean;
  /** the layout's default SGD learning rate (the network's Adam has its own: fit/modes.ts) */
  learningRate: number;
  /** the layout's main-phase rate grows as 1/(10ξ′) toward the t-SNE end unless a rate is given (fit/plan.ts) */
  rateFollowsXi: boolean;
  earlyPhase: EarlyPhase;
  optimiser: LossOptimiser;
}

export const LOSSES = {
  /** Neg-t-SNE (the spectrum): negative sampling with a fixed normalisation Z̄, placed by s or given as zBar. */
  neg: {
    target: "zBar", terms: "independent", learnsZ: false,
    learningRate: 1, rateFollowsXi: true, earlyPhase: "umap-point", optimiser: "pairs",
  },
  /**
   * NCVis: noise-contrastive estimation, which learns log Z. The rate of 2 (the reference's is 1) and InfoNCE's
   * below were chosen by a sweep of quality against the rate on the digits, Fashion-MNIST 10k and 70k and the
   * synthetic mixture 10k (bench/RESULTS.md, "Learning rates of nce and infonce"): higher rates helped both on
   * every set of 10k points or more; on the digits nce at 2 lost 0.008 recall (accuracy equal), so it stays
   * below the 3 that was best at 70k.
   */
  nce: {
    target: "none", terms: "independent", learnsZ: true,
    learningRate: 2, rateFollowsXi: false, earlyPhase: "own", optimiser: "pairs",
  },
  /** InfoNC-t-SNE: the InfoNCE loss over each edge and its negatives, c = 4^s (c = 1 targets t-SNE); reference rate 0.5. */
  infonce: {
    target: "c", terms: "normalised", learnsZ: false,
    learningRate: 2, rateFollowsXi: false, earlyPhase: "own", optimiser: "pairs",
  },
  /** UMAP's loss (a = b = 1). */
  umap: {
    target: "none", terms: "independent", learnsZ: false,
    learningRate: 1, rateFollowsXi: false, earlyPhase: "own", optimiser: "pairs",
  },
} as const satisfies Record<string, LossSpec>;

export type Loss = keyof typeof LOSSES;

/** The loss names, in the table's order. */
export const LOSS_NAMES = Object.keys(LOSSES) as Loss[];

/** The losses the core optimises per pair: each has an id the core exports (LOSS_<NAME>, assembly/optimize/losses.ts). */
export const PAIR_LOSSES: Loss[] = LOSS_NAMES.filter((l) => LOSSES[l].optimiser === "pairs");

/** The losses whose target is `target`, quoted for a message: `"neg"`, or `"a" or "b"`. */
export function lossesWith(target: LossTarget): string {
  return LOSS_NAMES.filter((l) => LOSSES[l].target === target).map((l) => `"${l}"`).join(" or ");
}
