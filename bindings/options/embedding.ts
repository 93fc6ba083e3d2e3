// The options of an embedding, defined once: one TSDoc line and one default per field. Everything else
// (the CLI, createEmbedding, embed, optimize) derives from this list.

import type { RunControl } from "./common.ts";

export type Loss = "neg" | "nce" | "infonce" | "umap";
export type KnnMethod = "auto" | "exact" | "nndescent" | "hnsw";
export type InitMethod = "pca" | "random" | "spectral";

export interface EmbeddingOptions {
  /** Number of rows, for flat Float32Array input (inferred for number[][]). */
  n?: number;
  /** Values per row, for flat input. */
  dim?: number;
  /** Output dimensions (default 2). */
  outDim?: number;
  /** The contrastive loss: "neg" (Neg-t-SNE, the spectrum), "nce" (NCVis), "infonce" (InfoNC-t-SNE), "umap". */
  loss?: Loss;
  /**
   * Position on the attraction–repulsion spectrum for "neg" (and c = 4^s for "infonce"):
   * s = 0 ≈ t-SNE, s = 1 = UMAP's normalisation (ξ' = 1); below 0 or above 1 extends it. Default 0.
   */
  s?: number;
  /** The fixed normalisation constant Z̄ of "neg", instead of s. */
  zBar?: number;
  /** InfoNCE's c (c = 1 targets t-SNE); default 4^s. */
  c?: number;
  /** Neighbours per point in the kNN graph (default 15). */
  k?: number;
  /** How to find neighbours: "auto" picks by size (default), or "exact", "nndescent", "hnsw". */
  knn?: KnnMethod;
  /** Precomputed neighbours: n × k indices, row-major, self excluded (skips PCA and kNN). */
  knnIndices?: Int32Array;
  /** Initial layout: "pca" (default; PC1 scaled to std 1), "random", "spectral", or an n × outDim array. */
  init?: InitMethod | Float32Array;
  /** Negative samples per positive edge (default 5). */
  negativeSamples?: number;
  /** Total epochs over the directed edges, split 1:2 between early exaggeration and the main phase. */
  nEpochs?: number;
  /** Edges per batch (the unit of gradient accumulation and of negative sampling). */
  batchSize?: number;
  /** SGD learning rate at the start of each phase, decayed linearly to 0 (default 1; 0.5 for infonce). */
  learningRate?: number;
  /** Run the early-exaggeration phase at the UMAP point first (default true). */
  earlyExaggeration?: boolean;
  /** Seed of every random choice: same seed and thread count give bit-identical output (default 0). */
  seed?: number;
  /** Threads (default: all cores; 1 where shared memory or workers are unavailable). */
  threads?: number;
  /** Receives warnings about the data (e.g. fewer distinct rows than k + 1); default: console.warn. */
  onWarning?: (message: string) => void;
}

export type EmbedOptions = EmbeddingOptions & RunControl;
