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
export { WS_Z as TSNE_REPULSION_WS_Z, WS_INTERVALS as TSNE_REPULSION_WS_INTERVALS, WS_FFT_SIZE as TSNE_REPULSION_WS_FFT_SIZE } from "./tsne/repulsion_fft";

// the optimiser's slots (also read by the parametric trainer, which adds the model record's slot)
export {
  ARG_Y, ARG_N, ARG_DIM, ARG_EDGES, ARG_EDGE_COUNT, ARG_GRAD, ARG_GRAD_STRIDE, ARG_SCRATCH, ARG_PARTIAL, ARG_STATE,
  ARG_LOSS, ARG_XI, ARG_NEGATIVES, ARG_BATCH, ARG_EPOCH_BEGIN, ARG_EPOCH_END, ARG_PHASE_EPOCHS, ARG_LEARNING_RATE,
  ARG_SEED, ARG_PHASE, ARG_CLAMP, ARG_C, ARG_NCE_LEARNING_RATE, ARG_SLOTS,
} from "./optimize/args";
export { ARG_MODEL } from "./parametric/train";
export { ARG_T_MODEL, ARG_T_INPUT, ARG_T_IN_STRIDE, ARG_T_ROWS, ARG_T_OUTPUT, ARG_T_CHUNK_ROWS } from "./parametric/transform";

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

export { LOSS_NEG, LOSS_NCE, LOSS_INFONCE, LOSS_UMAP } from "./optimize/losses";

export { ARG_KNN_METRIC, METRIC_EUCLIDEAN } from "./knn/metric";
