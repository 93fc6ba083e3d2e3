// What the handles (Embedding, ParametricEmbedding) and the model codec share: the state a fitted handle is made
// of, as a handle returns it (`state`), a saved model stores it and `fromState` restores it. It sits below both,
// so the codec needs no handle and the handles need no codec types of their own.

import type { EmbeddingOptions, Loss } from "../options/embedding.ts";
import type { PcaBasisState } from "../pca/index.ts";
import type { NetworkShape } from "../parametric/network.ts";

export interface KnnGraph {
  /** n × k neighbour indices of the search (row-major) */
  indices: Int32Array;
  /** CSR of the symmetrised graph: rowPtr (n + 1) and colIndices (E) */
  rowPtr: Int32Array;
  colIndices: Int32Array;
  /** n × k distances of `indices`: the search's under the metric (in the data's units; of the PCA rows when the
   * search ran in a PCA: by default above 100 columns under cosine, correlation and euclidean, the `pca` option),
   * or those given with knnIndices (knnDistances) */
  distances?: Float32Array;
}

/**
 * What a fitted embedding is made of: enough to continue it (optimize, partitionFunction) in another handle
 * with the same bits, without the data. `Embedding.fromState` takes it; saved models store it.
 */
export interface EmbeddingState {
  /** n × outDim, row-major */
  embedding: Float32Array;
  /** n × k neighbour indices, row-major */
  knnIndices: Int32Array;
  /** the fit's options (without data, init, knnIndices and threads) */
  options: EmbeddingOptions;
  /** NCE's log Z after a phase with loss "nce" */
  logZ?: number;
  /** the loss of the last phase */
  lastLoss: Loss;
  /** phases run so far: later phases draw independent random streams from it */
  phases: number;
  /** the loss and spectrum position the current layout was optimised for (transform uses them) */
  target?: LayoutTarget;
  /** columns of the training data */
  inputDim?: number;
  /** the training data was scaled by 2^inputScaleExponent (core/matrix.ts); new points are scaled alike */
  inputScaleExponent?: number;
  /**
   * The rows the neighbours were searched among, n × (inputDim, or the PCA's nComponents), row-major: what a
   * transform searches new rows against. Absent when the neighbours were given (knnIndices).
   */
  reference?: Float32Array;
  /** the PCA that gave the reference rows (by default data wider than 100 columns; the `pca` option) */
  pca?: PcaBasisState;
  /** a t-SNE fit's (options.loss "tsne"): what placing new points in its layout and optimising it further need */
  tsne?: TsneState;
}

/**
 * What a t-SNE fit keeps besides its layout, neighbours (its 3·perplexity, knnIndices) and rows: enough to place
 * new points in its layout and to optimise it further (its affinities are rebuilt from the distances).
 */
export interface TsneState {
  /** the perplexity the fit used (0: binary affinities), after its caps for small n */
  perplexity: number;
  /** the kernel's degrees of freedom α */
  dof: number;
  /**
   * Σ_{i≠j} w_ij of the layout, which transform normalises the new points' repulsion by (absent when it was
   * saved before the fit finished: then measured on load; and when a per-pair loss moved the layout last)
   */
  z?: number;
  /** Z as the t-SNE iterations computed it at their last iteration (tsnePartitionFunction, zBar "tsne") */
  iterationZ?: number;
  /**
   * n × k distances of knnIndices in the search space's units (the reference rows'), from which the affinities
   * are rebuilt; absent for binary affinities, which need none (and in models saved before they were kept)
   */
  distances?: Float32Array;
  /** n × 2 momentum (the last update) and gains of the optimiser, when t-SNE moved the layout last */
  update?: Float32Array;
  gains?: Float32Array;
}

/** The settings of the phase that produced a layout. */
export interface LayoutTarget {
  loss: Loss;
  s: number;
  zBar?: number;
  /** ξ' of "neg" (1 for the other losses) */
  xi: number;
  /** InfoNCE's c */
  c: number;
}

/**
 * What a trained parametric embedding is made of: enough to transform new points in another handle with the
 * same bits, without the training data. `ParametricEmbedding.fromState` takes it; saved models store it.
 */
export interface ParametricState {
  /** the network's widths; shape.inDim is the PCA's nComponents when there is a PCA, else the input's columns */
  shape: NetworkShape;
  /** the network's parameters (the core's layout, assembly/parametric/model.ts) */
  parameters: Float32Array;
  /** f(X) of the training data, n × outDim */
  embedding: Float32Array;
  /** the fit's options (without data and threads) */
  options: EmbeddingOptions;
  /** the training data was scaled by 2^inputScaleExponent (core/matrix.ts); new points are scaled alike */
  inputScaleExponent: number;
  /**
   * The PCA the network's input goes through (by default data wider than 100 columns; the `pca` option): new
   * rows are centred and projected with it, in the scaled units, before the forward pass. Absent: the network
   * reads the rows as given.
   */
  pca?: PcaBasisState;
}
