// The options of an embedding, defined once: each entry's TSDoc line is the option's documentation (the
// EmbeddingOptions type below is mapped from this table, so editors show it), and its type, default and range
// drive validation (embedding/params.ts), the list of accepted names, the enum types and the CLI's flags
// and choices (cli/args.ts). Adding an option or a kNN method is an edit of this table; the loss choices come
// from the loss table (loss/table.ts) and the metric choices from knn/distances.ts.

import type { RunControl } from "./common.ts";
import { LOSS_NAMES } from "../loss/table.ts";
import { METRIC_NAMES } from "../knn/distances.ts";

/** How an option is validated; `cli` (a flag and its help) exposes it on the command line. */
export type OptionSpec =
  | { type: "integer"; min: number; max: number; default?: number; orFalse?: true; cli?: CliFlag }
  | { type: "number"; min: number; max: number; default?: number; orValues?: readonly string[]; cli?: CliFlag }
  | { type: "boolean"; default: boolean; cli?: CliFlag }
  | { type: "enum"; values: readonly string[]; default?: string; orArray?: ArrayKind; cli?: CliFlag }
  | { type: "array"; array: ArrayKind };
type ArrayKind = "Float32Array" | "Int32Array";
export interface CliFlag {
  /** the flag without its value, e.g. "--epochs" */
  flag: string;
  /** the value's name in --help, e.g. "N" */
  value: string;
  help: string;
}

export const EMBEDDING_OPTIONS = {
  /** Number of rows, for flat Float32Array input (inferred for number[][]). */
  n: { type: "integer", min: 1, max: 2 ** 31 - 1 },
  /** Values per row, for flat input. */
  dim: { type: "integer", min: 1, max: 2 ** 31 - 1 },
  /** Output dimensions (default 2). */
  outDim: { type: "integer", min: 1, max: 64, default: 2 },
  /**
   * The loss, one of the loss table's (loss/table.ts): "neg" (Neg-t-SNE, the spectrum; default), "nce" (NCVis),
   * "infonce" (InfoNC-t-SNE), "umap", or "tsne": t-SNE itself, the exact KL gradient over perplexity-calibrated
   * affinities with momentum and gains (FIt-SNE's and openTSNE's schedule; SPEC §7), not per-pair SGD; nEpochs
   * then counts iterations.
   */
  loss: {
    type: "enum", values: LOSS_NAMES, default: "neg",
    cli: { flag: "--loss", value: "loss", help: "loss (tsne: exact-gradient t-SNE)" },
  },
  /**
   * Position on the attraction–repulsion spectrum for "neg" (and c = 4^s for "infonce"): Z̄ = 100·n at s = 0
   * (≈ t-SNE), UMAP's normalisation Z̄ = n(n − 1)/5 at s = 1 whatever negativeSamples is, log-linear between;
   * below 0 or above 1 extends it. Default 0. From −100 to 100, and on given data such that ξ' = m·Z̄/(n(n − 1))
   * lies in [1e-6, 1e30] ("neg") and c = 4^s in [1e-20, 1e20] ("infonce"): beyond, the layout grows past f32's
   * precision or the loss overflows.
   */
  s: { type: "number", min: -100, max: 100, default: 0, cli: { flag: "--s", value: "S", help: "position on the spectrum: 0 ≈ t-SNE, 1 = UMAP's normalisation" } },
  /**
   * The fixed normalisation constant Z̄ of "neg", instead of s: such that ξ' = m·Z̄/(n(n − 1)) lies in [1e-6, 1e30].
   * Or "tsne": Z̄ = the partition function Σ_{i≠j} φ_ij of a t-SNE fit of the same data (same seed, kNN, metric),
   * where Neg-t-SNE reproduces t-SNE (the paper's Fig. 1f): the fit runs that t-SNE first; in optimize(), the Z of
   * the handle's own t-SNE fit.
   */
  zBar: {
    type: "number", min: 1e-30, max: 1e38, orValues: ["tsne"],
    cli: { flag: "--z-bar", value: "Z", help: "fixed normalisation constant of the neg loss (instead of --s), or tsne: the Z of a t-SNE fit of the data" },
  },
  /** InfoNCE's c (c = 1 targets t-SNE); default 4^s. From 1e-20 to 1e20 (below ~1e-38 it is 0 in f32: NaN). */
  c: { type: "number", min: 1e-20, max: 1e20 },
  /** Neighbours per point in the kNN graph (default 15; for t-SNE's perplexity affinities 3·perplexity). */
  k: { type: "integer", min: 1, max: 1000, default: 15, cli: { flag: "--k", value: "K", help: "neighbours per point in the kNN graph" } },
  /** How to find neighbours: "auto" picks by size (default), or "exact", "nndescent", "hnsw". */
  knn: {
    type: "enum", values: ["auto", "exact", "nndescent", "hnsw"], default: "auto",
    cli: { flag: "--knn", value: "method", help: "nearest-neighbour search" },
  },
  /**
   * The distance of the neighbour search: "euclidean" (default), "cosine" (1 − cos), "correlation" (1 − Pearson
   * r), "manhattan" (L1), or on 0/1 data "hamming" (differing coordinates) and "jaccard" (1 − |a ∧ b| / |a ∨ b|).
   * Above 100 columns cosine and correlation search the first 50 principal components of the unit (centred) rows;
   * the others search the rows as given (docs/metrics.md). `pca` chooses otherwise.
   */
  metric: {
    type: "enum", values: METRIC_NAMES, default: "euclidean",
    cli: { flag: "--metric", value: "name", help: "distance of the neighbour search" },
  },
  /**
   * Where the neighbours are searched: in the first `pca` principal components of the metric's rows (default 50
   * above 100 columns, else none), or `false`: in the metric's full rows, as knn() searches them (PCA-50 keeps
   * only 0.55-0.65 of the full columns' cosine neighbours of image and text-embedding vectors: docs/metrics.md).
   * An integer from 2 to the data's columns; euclidean, cosine and correlation only (manhattan, hamming and
   * jaccard never search a PCA: false is accepted and changes nothing). A transform and a saved model search
   * the same space; the parametric network reads it too. Not with knnIndices, which skips the search (the
   * parametric mode: there it chooses the network's input alone).
   */
  pca: {
    type: "integer", min: 2, max: 8192, orFalse: true,
    cli: { flag: "--pca", value: "n|off", help: "principal components the neighbour search runs in (default 50 above 100 columns), or off: the full rows" },
  },
  /**
   * NN-descent's recall@k to reach in the fit's search, checked and refined as knn() does (docs/metrics.md): 0
   * skips the check. Default 0.95 with `pca: false`, else 0, so that fits without these options keep their
   * neighbours. Applies to knn "nndescent" (and "auto" above 3,000 rows); not under hamming or jaccard.
   */
  targetRecall: {
    type: "number", min: 0, max: 1,
    cli: { flag: "--target-recall", value: "R", help: "NN-descent's recall to reach, checked on sample rows (default 0.95 with --pca off, else 0: no check)" },
  },
  /** Precomputed neighbours: n × k indices, row-major, self excluded (skips PCA and kNN). */
  knnIndices: { type: "array", array: "Int32Array" },
  /**
   * Their distances (optional, with knnIndices): n × k finite, non-negative values, row-major. The graph uses only
   * the indices; the distances are checked and kept with them (the handle's knnGraph.distances).
   */
  knnDistances: { type: "array", array: "Float32Array" },
  /** Initial layout: "pca" (default; PC1 scaled to std 1), "random", "spectral", or an n × outDim array. */
  init: {
    type: "enum", values: ["pca", "random", "spectral"], default: "pca", orArray: "Float32Array",
    cli: { flag: "--init", value: "method", help: "initial layout" },
  },
  /** Negative samples per positive edge (default 30; 5 in the parametric mode): more lower the variance, s fixes Z̄. */
  negativeSamples: {
    type: "integer", min: 1, max: 4096, default: 30,
    cli: { flag: "--negatives", value: "M", help: "negative samples per positive edge" },
  },
  /**
   * Total epochs over the directed edges, split 1:2 between early exaggeration and the main phase (default 75);
   * for t-SNE, gradient-descent iterations, split the same way (default 750 = 250 + 500).
   */
  nEpochs: {
    type: "integer", min: 1, max: 1_000_000, default: 75,
    cli: { flag: "--epochs", value: "N", help: "epochs over the edges (early exaggeration and main phase together; t-SNE: iterations)" },
  },
  /** Edges per batch (the unit of gradient accumulation and of negative sampling; default about n/2, 8192 to 32768). */
  batchSize: { type: "integer", min: 1, max: 2 ** 30, cli: { flag: "--batch-size", value: "B", help: "edges per batch" } },
  /**
   * SGD learning rate at the start of each phase, decayed linearly to 0 (default: the loss's, loss/table.ts: 1; 2
   * for nce and infonce); for t-SNE the gradient-descent rate in openTSNE's convention, without the KL gradient's
   * factor 4 (default max(200, n/12)). From 1e-30 to 1e5: a step moves a point by up to 4 × the rate (clipped
   * gradient), and a layout must stay within the ±1e6 where f32 distances keep their precision.
   */
  learningRate: { type: "number", min: 1e-30, max: 1e5, default: 1 },
  /**
   * Run the early-exaggeration phase first (default true): at the UMAP point (Z̄ = n(n − 1)/5) for the per-pair
   * losses, at exaggeration 12 for t-SNE.
   */
  earlyExaggeration: { type: "boolean", default: true },
  // t-SNE (loss "tsne") only: options that other losses refuse, and that t-SNE refuses of theirs (tsne/params.ts)
  /** t-SNE: perplexity of the Gaussian affinities (default 30; 3·perplexity neighbours; capped at (n − 1)/3). */
  perplexity: {
    type: "number", min: 1e-3, max: 1e6, default: 30,
    cli: { flag: "--perplexity", value: "P", help: "t-SNE: perplexity of the affinities" },
  },
  /** t-SNE: "perplexity" (Gaussian, calibrated; default) or "binary" (the paper's uniform kNN affinities, k = 15). */
  affinities: {
    type: "enum", values: ["perplexity", "binary"], default: "perplexity",
    cli: { flag: "--affinities", value: "kind", help: "t-SNE: perplexity or binary kNN affinities" },
  },
  /** t-SNE: exaggeration of the attraction after early exaggeration (default 1; above 1 moves toward UMAP-like layouts). */
  exaggeration: {
    type: "number", min: 1e-6, max: 1e6, default: 1,
    cli: { flag: "--exaggeration", value: "R", help: "t-SNE: exaggeration after the early phase" },
  },
  /** t-SNE: degrees of freedom α of the kernel (1 + d²/α)^(−α) (default 1, the Cauchy kernel; below 1 heavier tails). */
  dof: { type: "number", min: 1e-3, max: 1e3, default: 1, cli: { flag: "--dof", value: "A", help: "t-SNE: kernel degrees of freedom" } },
  /** Seed of every random choice: same seed and thread count give bit-identical output (default 0). */
  seed: { type: "integer", min: 0, max: 2 ** 52, default: 0, cli: { flag: "--seed", value: "S", help: "seed of every random choice" } },
  /** Threads (default: all cores; 1 where shared memory or workers are unavailable). */
  threads: { type: "integer", min: 1, max: 256, cli: { flag: "--threads", value: "T", help: "threads (default: all cores)" } },
} as const satisfies Record<string, OptionSpec>;

type Table = typeof EMBEDDING_OPTIONS;
type ArrayOf<A> = A extends "Float32Array" ? Float32Array : A extends "Int32Array" ? Int32Array : never;
/** The value type an option entry accepts. */
export type OptionValue<E> = E extends { type: "enum"; values: readonly (infer V)[]; orArray: infer A }
  ? V | ArrayOf<A>
  : E extends { type: "enum"; values: readonly (infer V)[] }
    ? V
    : E extends { type: "array"; array: infer A }
      ? ArrayOf<A>
      : E extends { type: "boolean" }
        ? boolean
        : E extends { type: "number"; orValues: readonly (infer V)[] }
          ? number | V
          : E extends { type: "integer"; orFalse: true }
            ? number | false
            : number;

/** The options of an embedding, as documented in EMBEDDING_OPTIONS, and where its warnings go. */
export type EmbeddingOptions = { -readonly [K in keyof Table]?: OptionValue<Table[K]> } & WarningOption;

export interface WarningOption {
  /** Receives warnings about the data (e.g. fewer distinct rows than k + 1); default: console.warn. */
  onWarning?: (message: string) => void;
}
export type EmbedOptions = EmbeddingOptions & RunControl;

export type Loss = Table["loss"]["values"][number];
export type KnnMethod = Table["knn"]["values"][number];
export type InitMethod = Table["init"]["values"][number];
export type Metric = Table["metric"]["values"][number];
export type OptionName = keyof Table;
