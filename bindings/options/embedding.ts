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
  | { type: "integer"; min: number; max: number; default?: number; cli?: CliFlag }
  | { type: "number"; min: number; max: number; default?: number; cli?: CliFlag }
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
   * The contrastive loss, one of the loss table's (loss/table.ts): "neg" (Neg-t-SNE, the spectrum; default),
   * "nce" (NCVis), "infonce" (InfoNC-t-SNE), "umap".
   */
  loss: {
    type: "enum", values: LOSS_NAMES, default: "neg",
    cli: { flag: "--loss", value: "loss", help: "contrastive loss" },
  },
  /**
   * Position on the attraction–repulsion spectrum for "neg" (and c = 4^s for "infonce"): Z̄ = 100·n at s = 0
   * (≈ t-SNE), UMAP's normalisation Z̄ = n(n − 1)/5 at s = 1 whatever negativeSamples is, log-linear between;
   * below 0 or above 1 extends it. Default 0. From −100 to 100, and on given data such that ξ' = m·Z̄/(n(n − 1))
   * lies in [1e-6, 1e30] ("neg") and c = 4^s in [1e-20, 1e20] ("infonce"): beyond, the layout grows past f32's
   * precision or the loss overflows.
   */
  s: { type: "number", min: -100, max: 100, default: 0, cli: { flag: "--s", value: "S", help: "position on the spectrum: 0 ≈ t-SNE, 1 = UMAP's normalisation" } },
  /** The fixed normalisation constant Z̄ of "neg", instead of s: such that ξ' = m·Z̄/(n(n − 1)) lies in [1e-6, 1e30]. */
  zBar: {
    type: "number", min: 1e-30, max: 1e38,
    cli: { flag: "--z-bar", value: "Z", help: "fixed normalisation constant of the neg loss (instead of --s)" },
  },
  /** InfoNCE's c (c = 1 targets t-SNE); default 4^s. From 1e-20 to 1e20 (below ~1e-38 it is 0 in f32: NaN). */
  c: { type: "number", min: 1e-20, max: 1e20 },
  /** Neighbours per point in the kNN graph (default 15). */
  k: { type: "integer", min: 1, max: 1000, default: 15, cli: { flag: "--k", value: "K", help: "neighbours per point in the kNN graph" } },
  /** How to find neighbours: "auto" picks by size (default), or "exact", "nndescent", "hnsw". */
  knn: {
    type: "enum", values: ["auto", "exact", "nndescent", "hnsw"], default: "auto",
    cli: { flag: "--knn", value: "method", help: "nearest-neighbour search" },
  },
  /** The distance of the neighbour search: "euclidean" (default; the one the core has so far). */
  metric: { type: "enum", values: METRIC_NAMES, default: "euclidean" },
  /** Precomputed neighbours: n × k indices, row-major, self excluded (skips PCA and kNN). */
  knnIndices: { type: "array", array: "Int32Array" },
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
  /** Total epochs over the directed edges, split 1:2 between early exaggeration and the main phase (default 75). */
  nEpochs: {
    type: "integer", min: 1, max: 1_000_000, default: 75,
    cli: { flag: "--epochs", value: "N", help: "epochs over the edges (early exaggeration and main phase together)" },
  },
  /** Edges per batch (the unit of gradient accumulation and of negative sampling; default about n/2, 8192 to 32768). */
  batchSize: { type: "integer", min: 1, max: 2 ** 30, cli: { flag: "--batch-size", value: "B", help: "edges per batch" } },
  /**
   * SGD learning rate at the start of each phase, decayed linearly to 0 (default: the loss's, loss/table.ts: 1; 2
   * for nce and infonce). From 1e-30 to 1e5: a step moves a point by up to 4 × the rate (clipped gradient), and a
   * layout must stay within the ±1e6 where f32 distances keep their precision.
   */
  learningRate: { type: "number", min: 1e-30, max: 1e5, default: 1 },
  /** Run the early-exaggeration phase at the UMAP point (Z̄ = n(n − 1)/5) first (default true). */
  earlyExaggeration: { type: "boolean", default: true },
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
