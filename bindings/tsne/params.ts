// t-SNE's settings (SPEC §7): which options apply to it and which do not, its size-dependent defaults
// (neighbours from the perplexity, the perplexity capped for small n, the learning rate n/12) and its schedule.

import { fail } from "../errors.ts";

/** Iterations of a t-SNE fit: 250 of early exaggeration, then 500 (both libraries' defaults). */
export const TSNE_ITERATIONS = 750;
/** The early phase's exaggeration ρ and momentum, then the main phase's momentum (FIt-SNE's). */
export const EARLY_EXAGGERATION = 12;
export const EARLY_MOMENTUM = 0.5;
export const MAIN_MOMENTUM = 0.8;
/** Neighbours of the paper's binary affinities. */
export const BINARY_K = 15;
/** Neighbours per unit of perplexity (openTSNE's and FIt-SNE's 3). */
const NEIGHBOURS_PER_PERPLEXITY = 3;
/** Largest norm of one point's update per iteration (openTSNE's max_step_norm). */
export const MAX_STEP_NORM = 5;
/** The KL divergence is measured after every this many iterations (and after a phase's last). */
export const KL_EVERY = 50;

/** Options of the per-pair losses that t-SNE has no use for. */
const PER_PAIR_ONLY = ["s", "zBar", "c", "negativeSamples", "batchSize"] as const;
/** Options of t-SNE that the per-pair losses have no use for. */
const TSNE_ONLY = ["perplexity", "affinities", "exaggeration", "dof"] as const;

type Given = Partial<Record<(typeof PER_PAIR_ONLY)[number] | (typeof TSNE_ONLY)[number] | "k" | "outDim" | "knnIndices", unknown>>;

/** Refuses options given for the other kind of loss, early and by name. */
export function checkTsneOptions(o: Given, loss: string): void {
  if (loss !== "tsne") {
    for (const name of TSNE_ONLY) if (o[name] !== undefined) fail(`${name} applies to loss "tsne" only (loss is "${loss}")`);
    return;
  }
  for (const name of PER_PAIR_ONLY) {
    if (o[name] !== undefined) fail(`${name} does not apply to loss "tsne" (it has no negative samples, batches or spectrum position)`);
  }
  const binary = o.affinities === "binary";
  if (o.perplexity !== undefined && binary) fail(`perplexity does not apply to binary affinities (give k instead)`);
  if (o.knnIndices !== undefined && !binary) fail(`precomputed knnIndices have no distances: loss "tsne" needs affinities: "binary" with them`);
  if (o.outDim !== undefined && o.outDim !== 2) fail(`loss "tsne" embeds in 2 dimensions only (outDim is ${String(o.outDim)})`);
}

/**
 * Neighbours and perplexity on n points. Gaussian affinities: k = 3·perplexity, the perplexity capped at (n − 1)/3
 * as openTSNE does (with a warning); a given k is used as given (at most n − 1), the perplexity capped at k/3.
 * Binary affinities: the given k (default 15).
 */
export function tsneNeighbours(
  affinities: "perplexity" | "binary", perplexity: number, k: number | undefined, n: number, warn: (m: string) => void,
): { k: number; perplexity: number } {
  if (affinities === "binary") return { k: k ?? BINARY_K, perplexity: 0 };
  let p = perplexity;
  if (NEIGHBOURS_PER_PERPLEXITY * p > n - 1) {
    p = (n - 1) / NEIGHBOURS_PER_PERPLEXITY;
    warn(`perplexity ${perplexity} is too large for ${n} points: using ${p.toFixed(2)} ((n − 1)/3)`);
  }
  if (k !== undefined && NEIGHBOURS_PER_PERPLEXITY * p > k) {
    const capped = k / NEIGHBOURS_PER_PERPLEXITY;
    warn(`perplexity ${p.toFixed(2)} needs ${Math.ceil(NEIGHBOURS_PER_PERPLEXITY * p)} neighbours, k is ${k}: using ${capped.toFixed(2)} (k/3)`);
    p = capped;
  }
  return { k: k ?? Math.max(1, Math.floor(NEIGHBOURS_PER_PERPLEXITY * p)), perplexity: p };
}

/**
 * The default learning rate: max(200, n/12) in FIt-SNE's and openTSNE's convention (the gradient without its
 * factor 4; sklearn's n/48 with it), in both phases as FIt-SNE does.
 */
export function tsneLearningRate(n: number): number {
  return Math.max(n / EARLY_EXAGGERATION, 200);
}
