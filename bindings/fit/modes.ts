// The two ways a fit is optimised, and every default that depends on the mode or on the size of the data, in
// one place: the layout's SGD (Embedding) and the network's Adam (ParametricEmbedding). fit/settings.ts and
// fit/plan.ts resolve a fit's settings and phases through these; the handles never compute a default.

import { LOSSES, type Loss } from "../loss/table.ts";
import { EMBEDDING_OPTIONS } from "../options/embedding.ts";

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
 * Default negatives per edge of a layout fit, the options table's 30 at every n (measured: on Fashion-MNIST 70k,
 * 30 negatives and 75 epochs beat 5 negatives and 120 epochs on recall and accuracy at the cost of 3× the pair
 * updates, and again after the slider's ends were fixed in Z̄; README "Defaults"). The number of negatives does
 * not move the spectrum (s fixes Z̄); the former cap of (n − 1)/200 kept the old slider, whose UMAP end was
 * n(n−1)/m, from running backwards on small data, and without it the digits gain a little (bench/RESULTS.md).
 */
const LAYOUT_NEGATIVES = EMBEDDING_OPTIONS.negativeSamples.default;

/** Default epochs of a layout fit (the options table's), split 1:2 between the early and main phases. */
const LAYOUT_EPOCHS = EMBEDDING_OPTIONS.nEpochs.default;

/**
 * Defaults of the parametric mode where they differ from the non-parametric one, set by measurement on
 * Fashion-MNIST (bench/parametric.js, bench/RESULTS.md "Parametric mode"; loss neg, s = 0, 5 negatives). On the
 * first 10,000 training rows, recall@15 against the non-parametric layout's 0.289: b = 1024, rate 1e-3 and the
 * former 2,000 steps 0.191; b = 256 (10 epochs) 0.220; rate 3e-3 (b = 1024, 10 epochs) 0.221; both 0.230 (no
 * early exaggeration: 0.220); 20 epochs 0.246; 30 epochs (≈ 25,000 steps) 0.252.
 */
export const PARAMETRIC_DEFAULTS = {
  /**
   * Adam's learning rate: SPEC §4 gives 1e-3; over the same 10 epochs (b = 1024) 3e-3 gave recall 0.221
   * against 0.191, and steps are what a parametric fit pays for (each forwards and backpropagates up to 2b rows).
   */
  learningRate: 3e-3,
  /**
   * Edges per batch: a step costs about 2b rows through the network, so smaller batches buy more Adam steps for
   * the same work.
   */
  batchSize: 256,
  /** Negatives per edge, the paper's 5: the layout's default of 30 was measured for the non-parametric optimiser. */
  negativeSamples: 5,
  /**
   * Adam steps the default number of epochs aims at (about 30 epochs at n = 10,000); every step costs the same
   * whatever n, so the default is set in steps, within [minEpochs, maxEpochs] epochs (60,000 points: 5 epochs,
   * ≈ 25,000 steps).
   */
  targetSteps: 25000,
  minEpochs: 5,
  maxEpochs: 100,
};

/** Default epochs of a parametric fit: about targetSteps batches in all, within [minEpochs, maxEpochs]. */
export function defaultParametricEpochs(edgeCount: number, batchSize: number): number {
  const d = PARAMETRIC_DEFAULTS;
  const stepsPerEpoch = Math.ceil(edgeCount / Math.min(batchSize, edgeCount));
  return Math.min(d.maxEpochs, Math.max(d.minEpochs, Math.ceil(d.targetSteps / stepsPerEpoch)));
}

/**
 * The update rule of a phase: "sgd", the layout's SGD with clipping (core task "optimize"); "adam", the
 * network's Adam (core task "parametricTrain"). A handle runs a phase by its rule (Embedding: LAYOUT_RULES in
 * embedding/rules.ts; ParametricEmbedding: NETWORK_RULES in parametric/trainer.ts). An optimiser that is not
 * per-pair SGD adds its rule here, its runner (or session rule) in LAYOUT_RULES and its case in fit/plan.ts
 * ruleFor; "tsne", t-SNE's gradient descent with momentum and gains (core task "tsneIterate"), runs on a layout only.
 */
export type UpdateRule = "sgd" | "adam" | "tsne";

export type FitModeName = "layout" | "network";

export interface FitMode {
  name: FitModeName;
  /** the update rule of a per-pair loss's phases in this mode */
  pairRule: UpdateRule;
  /** negatives per edge when not given, for n points */
  negativeSamples(n: number): number;
  /** the learning rate of a phase when not given */
  learningRate(loss: Loss): number;
  /** edges per batch when not given (before clamping to the edge count) */
  batchSize(edgeCount: number, n: number): number;
  /** epochs of a whole fit (early and main phases) when not given */
  epochs(edgeCount: number, batchSize: number): number;
  /** epochs of a further phase (optimize()) when not given, from the fit's main phase */
  warmEpochs(fitMainEpochs: number): number;
  /** whether the main phase's rate follows 1/(10ξ′) for losses that ask for it (loss table rateFollowsXi) */
  scalesRate: boolean;
  /**
   * Whether the early phase draws the main phase's random streams (its phase id) instead of its own: so the
   * layout optimiser has always done, and its layouts' bits depend on it.
   */
  sharedEarlyStreams: boolean;
}

/** Embedding: the layout itself is optimised by SGD. */
export const LAYOUT_MODE: FitMode = {
  name: "layout",
  pairRule: "sgd",
  negativeSamples: () => LAYOUT_NEGATIVES,
  learningRate: (loss) => LOSSES[loss].learningRate,
  batchSize: defaultBatchSize,
  epochs: () => LAYOUT_EPOCHS,
  warmEpochs: () => LAYOUT_EPOCHS,
  scalesRate: true,
  sharedEarlyStreams: true,
};

/** ParametricEmbedding: an MLP is trained by Adam and the layout is its output (SPEC §4). */
export const NETWORK_MODE: FitMode = {
  name: "network",
  pairRule: "adam",
  negativeSamples: () => PARAMETRIC_DEFAULTS.negativeSamples,
  learningRate: () => PARAMETRIC_DEFAULTS.learningRate,
  batchSize: () => PARAMETRIC_DEFAULTS.batchSize,
  epochs: defaultParametricEpochs,
  warmEpochs: (fitMainEpochs) => fitMainEpochs,
  scalesRate: false,
  sharedEarlyStreams: false,
};
