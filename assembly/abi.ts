// The layout constants of the ABI, exported as globals so that the bindings read them from the core instead of
// mirroring them: control-block offsets, task ids, argument slots and the model record. assembly/index.ts
// re-exports this list; test/contract.test.ts checks that the bindings read every one and that both builds agree.

export {
  CTRL_GENERATION, CTRL_TASK, CTRL_NEXT_CHUNK, CTRL_CHUNKS, CTRL_DONE, CTRL_THREADS, CTRL_BARRIER_COUNT,
  CTRL_BARRIER_SENSE, CTRL_ERROR, CTRL_BARRIER_SPINS, CTRL_ARGS, CTRL_MAX_ARGS, CTRL_BYTES,
} from "./parallel/control";

export { TASK_KNN_EXACT, TASK_KNN_QUERY, TASK_KNN_GRAPH_QUERY } from "./knn/tasks";
export { TASK_PCA_COLUMN_SUMS, TASK_PCA_GATHER, TASK_PCA_GRAM, TASK_PCA_MULTIPLY } from "./pca/tasks";
export {
  TASK_NND_TREES, TASK_NND_REORDER, TASK_NND_INIT_LEAVES, TASK_NND_FILL, TASK_NND_CANDIDATES, TASK_NND_JOIN,
  TASK_NND_FINISH,
} from "./knn/nndescent_tasks";
export { TASK_OPTIMIZE, TASK_PARTITION, TASK_PLACE } from "./optimize/tasks";
export {
  ARG_P_TRAIN, ARG_P_N, ARG_P_DIM, ARG_P_NOISE, ARG_P_Y, ARG_P_ROWS, ARG_P_NEIGHBOURS, ARG_P_K,
  ARG_P_LOSS, ARG_P_XI, ARG_P_NEGATIVES, ARG_P_EPOCH_BEGIN, ARG_P_EPOCH_END, ARG_P_EPOCHS, ARG_P_LEARNING_RATE,
  ARG_P_SEED, ARG_P_CLAMP, ARG_P_C, ARG_P_SCRATCH, ARG_P_CHUNK_ROWS,
} from "./optimize/place";
export { TASK_PARAMETRIC_TRAIN, TASK_PARAMETRIC_TRANSFORM } from "./parametric/tasks";
// t-SNE's repulsion (assembly/tsne/repulsion_tasks.ts)
export { TASK_TSNE_REPULSION_EXACT, TASK_TSNE_REPULSION_FFT } from "./tsne/repulsion_tasks";
export * from "./tsne/repulsion_args";
export { WS_Z as TSNE_REPULSION_WS_Z, WS_INTERVALS as TSNE_REPULSION_WS_INTERVALS, WS_FFT_SIZE as TSNE_REPULSION_WS_FFT_SIZE } from "./tsne/repulsion_fft";

// the optimiser's slots (also read by the parametric trainer, which adds the model record's slot)
export {
  ARG_Y, ARG_N, ARG_DIM, ARG_EDGES, ARG_EDGE_COUNT, ARG_GRAD, ARG_GRAD_STRIDE, ARG_SCRATCH, ARG_PARTIAL, ARG_STATE,
  ARG_LOSS, ARG_XI, ARG_NEGATIVES, ARG_BATCH, ARG_EPOCH_BEGIN, ARG_EPOCH_END, ARG_PHASE_EPOCHS, ARG_LEARNING_RATE,
  ARG_SEED, ARG_PHASE, ARG_CLAMP, ARG_C, ARG_NCE_LEARNING_RATE, ARG_SLOTS,
} from "./optimize/args";
export { ARG_MODEL } from "./parametric/train";
export { ARG_T_MODEL, ARG_T_INPUT, ARG_T_IN_STRIDE, ARG_T_ROWS, ARG_T_OUTPUT, ARG_T_CHUNK_ROWS } from "./parametric/transform";

// the named argument slots of the other tasks (each read by its task alone)
export {
  ARG_KNN_DATA, ARG_KNN_N, ARG_KNN_STRIDE, ARG_KNN_K, ARG_KNN_ROW_BEGIN, ARG_KNN_ROW_END, ARG_KNN_OUT_INDICES,
  ARG_KNN_OUT_DISTANCES, ARG_KNN_ROWS_PER_CHUNK, ARG_KNN_QUERY, ARG_KNN_ROW_PTR, ARG_KNN_COL_PTR, ARG_KNN_EF,
  ARG_KNN_ENTRIES, ARG_KNN_SCRATCH, ARG_KNN_TREE_NODES, ARG_KNN_TREE_OFFSETS, ARG_KNN_TREE_NORMALS,
  ARG_KNN_TREE_PERM, ARG_KNN_ORDER,
} from "./knn/tasks";
export {
  ARG_PCA_SUMS_DATA, ARG_PCA_SUMS_N, ARG_PCA_SUMS_STRIDE, ARG_PCA_SUMS_ROWS_PER_CHUNK, ARG_PCA_SUMS_PARTIAL,
} from "./pca/tasks";
export {
  ARG_PCA_GATHER_DATA, ARG_PCA_GATHER_N, ARG_PCA_GATHER_STRIDE, ARG_PCA_GATHER_MEAN, ARG_PCA_GATHER_SAMPLES,
  ARG_PCA_GATHER_SEED, ARG_PCA_GATHER_ROWS_PER_CHUNK, ARG_PCA_GATHER_SAMPLE,
} from "./pca/tasks";
export {
  ARG_PCA_GRAM_A, ARG_PCA_GRAM_ROWS, ARG_PCA_GRAM_COLS, ARG_PCA_GRAM_K_BYTES, ARG_PCA_GRAM_PANEL_BYTES,
  ARG_PCA_GRAM_FIRST_STRIP, ARG_PCA_GRAM_GRAM,
} from "./pca/tasks";
export {
  ARG_PCA_MULTIPLY_A, ARG_PCA_MULTIPLY_A_STRIDE, ARG_PCA_MULTIPLY_ROW_BEGIN, ARG_PCA_MULTIPLY_ROW_END,
  ARG_PCA_MULTIPLY_MEAN, ARG_PCA_MULTIPLY_B, ARG_PCA_MULTIPLY_B_STRIDE, ARG_PCA_MULTIPLY_COLS,
  ARG_PCA_MULTIPLY_OUT, ARG_PCA_MULTIPLY_OUT_STRIDE, ARG_PCA_MULTIPLY_SCRATCH, ARG_PCA_MULTIPLY_ROWS_PER_CHUNK,
} from "./pca/tasks";
export {
  ARG_NND_TREES_DATA, ARG_NND_TREES_N, ARG_NND_TREES_STRIDE, ARG_NND_TREES_LEAF_SIZE, ARG_NND_TREES_SEED,
  ARG_NND_TREES_PERM, ARG_NND_TREES_LEAF_BEGIN, ARG_NND_TREES_LEAF_COUNT, ARG_NND_TREES_SCRATCH,
  ARG_NND_TREES_NORMAL, ARG_NND_TREES_FIRST_TREE,
} from "./knn/nndescent_tasks";
export {
  ARG_NND_REORDER_DATA, ARG_NND_REORDER_N, ARG_NND_REORDER_STRIDE, ARG_NND_REORDER_FIRST_PERM,
  ARG_NND_REORDER_ORDER, ARG_NND_REORDER_LOCAL_DATA, ARG_NND_REORDER_LOCAL_OF, ARG_NND_REORDER_GRAPH_DIST,
  ARG_NND_REORDER_GRAPH_IDX, ARG_NND_REORDER_GRAPH_FLAG, ARG_NND_REORDER_K, ARG_NND_REORDER_ROWS_PER_CHUNK,
} from "./knn/nndescent_tasks";
export {
  ARG_NND_INIT_LEAVES_LOCAL_DATA, ARG_NND_INIT_LEAVES_STRIDE, ARG_NND_INIT_LEAVES_K, ARG_NND_INIT_LEAVES_PERM,
  ARG_NND_INIT_LEAVES_BOUNDS, ARG_NND_INIT_LEAVES_GRAPH_DIST, ARG_NND_INIT_LEAVES_GRAPH_IDX,
  ARG_NND_INIT_LEAVES_GRAPH_FLAG, ARG_NND_INIT_LEAVES_LEAVES, ARG_NND_INIT_LEAVES_LEAVES_PER_CHUNK,
} from "./knn/nndescent_tasks";
export {
  ARG_NND_FILL_LOCAL_DATA, ARG_NND_FILL_N, ARG_NND_FILL_STRIDE, ARG_NND_FILL_K, ARG_NND_FILL_GRAPH_DIST,
  ARG_NND_FILL_GRAPH_IDX, ARG_NND_FILL_GRAPH_FLAG, ARG_NND_FILL_STAMP, ARG_NND_FILL_SEED,
  ARG_NND_FILL_ROWS_PER_CHUNK,
} from "./knn/nndescent_tasks";
export {
  ARG_NND_CANDIDATES_N, ARG_NND_CANDIDATES_K, ARG_NND_CANDIDATES_GRAPH_IDX, ARG_NND_CANDIDATES_GRAPH_FLAG,
  ARG_NND_CANDIDATES_NEW_IDX, ARG_NND_CANDIDATES_NEW_PR, ARG_NND_CANDIDATES_NEW_COUNT, ARG_NND_CANDIDATES_OLD_IDX,
  ARG_NND_CANDIDATES_OLD_PR, ARG_NND_CANDIDATES_OLD_COUNT, ARG_NND_CANDIDATES_MAX_CANDIDATES,
  ARG_NND_CANDIDATES_SEED, ARG_NND_CANDIDATES_ITERATION,
} from "./knn/nndescent_tasks";
export {
  ARG_NND_JOIN_LOCAL_DATA, ARG_NND_JOIN_N, ARG_NND_JOIN_STRIDE, ARG_NND_JOIN_K, ARG_NND_JOIN_GRAPH_DIST,
  ARG_NND_JOIN_GRAPH_IDX, ARG_NND_JOIN_GRAPH_FLAG, ARG_NND_JOIN_NEW_IDX, ARG_NND_JOIN_NEW_COUNT,
  ARG_NND_JOIN_OLD_IDX, ARG_NND_JOIN_OLD_COUNT, ARG_NND_JOIN_MAX_CANDIDATES, ARG_NND_JOIN_STAMP,
  ARG_NND_JOIN_ITERATION, ARG_NND_JOIN_ROWS_PER_CHUNK, ARG_NND_JOIN_UPDATES,
} from "./knn/nndescent_tasks";
export {
  ARG_NND_FINISH_GRAPH_DIST, ARG_NND_FINISH_GRAPH_IDX, ARG_NND_FINISH_N, ARG_NND_FINISH_K, ARG_NND_FINISH_ORDER,
  ARG_NND_FINISH_LOCAL_OF, ARG_NND_FINISH_OUT_INDICES, ARG_NND_FINISH_OUT_DISTANCES, ARG_NND_FINISH_ROWS_PER_CHUNK,
} from "./knn/nndescent_tasks";
export { ARG_Z_Y, ARG_Z_N, ARG_Z_DIM, ARG_Z_ROW_SUMS, ARG_Z_ROWS_PER_CHUNK } from "./optimize/partition";

export {
  M_IN_DIM, M_IN_STRIDE, M_HIDDEN, M_HIDDEN_LAYERS, M_OUT_DIM, M_PARAMS, M_PARAM_COUNT, M_WEIGHT_GRAD, M_ADAM_M,
  M_ADAM_V, M_STEP, M_ACT, M_MAX_ROWS, M_ROWS, M_ROW_COUNT, M_SEEN, M_SCRATCH, M_DATA, M_BATCH_BEGIN, M_BATCH_END, MODEL_BYTES,
} from "./parametric/model";

import { scratchBytes } from "./optimize/args";
import { stagingBytes } from "./optimize/staging";
import { actStride, scratchStride } from "./parametric/model";

/** Bytes of one thread's optimiser scratch for a layout of `dim` dimensions (the binding allocates threads × this). */
export function optimizeScratchBytes(dim: i32): usize {
  return scratchBytes(dim);
}

/** Bytes of the optimiser's staging buffers (ARG_SLOTS) for batches of up to `batch` edges, `threads` threads
 * and a layout of `dim` dimensions. */
export function optimizeSlotBytes(batch: i32, threads: i32, dim: i32): usize {
  return stagingBytes(batch, threads, dim);
}

/** Floats of one row's activations in a model record whose shape fields are written. */
export function mlpActStride(model: usize): i32 {
  return actStride(model);
}

/** Floats of one thread's scratch in a model record whose shape fields are written. */
export function mlpScratchStride(model: usize): i32 {
  return scratchStride(model);
}

/** Bytes of one thread's scratch for the graph search of n reference rows keeping ef (knn/graph_query.ts). */
export { graphQueryScratchBytes } from "./knn/graph_query";
export { searchTreeMaxNodes } from "./knn/search_tree";
export { placeScratchBytes } from "./optimize/place";

export { GRAM_STRIP_ROWS as PCA_GRAM_STRIP_ROWS } from "./pca/gemm";

// every loss id (LOSS_<NAME>), stated in its file of optimize/loss/ and gathered by scripts/build-wasm.js
export * from "./optimize/loss/ids";

export { ARG_KNN_METRIC, METRIC_EUCLIDEAN } from "./knn/metric";
