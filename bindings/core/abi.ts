// The core's ABI as the bindings see it, stated once: every exported function with its signature (one typed
// view of the exports), and the layout constants (control block, task ids, argument slots, the model record),
// read from the globals the core exports (assembly/abi.ts) instead of mirrored by hand.
// test/contract.test.ts checks both builds against this file: same export list, every name here present.

import { PAIR_LOSSES } from "../loss/table.ts";
import { METRIC_NAMES } from "../knn/distances.ts";

/**
 * The core's functions (assembly/index.ts). Addresses are byte offsets into linear memory. A seed is passed
 * as a number holding an integer in [0, 2^53), as in task arguments (assembly/rng.ts seedOf).
 */
export interface CoreFunctions {
  allocate(bytes: number): number;
  heapMark(): number;
  heapReset(mark: number): void;
  runTask(ctrl: number, thread: number): void;
  firstNonFinite(ptr: number, count: number): number;
  maxAbs(ptr: number, count: number): number;
  scaleByPowerOfTwo(ptr: number, count: number, exponent: number): void;
  countDistinctRows(ptr: number, n: number, dim: number, stride: number, limit: number, tablePtr: number, tableSize: number): number;
  padRows(ptr: number, n: number, dim: number, stride: number): void;
  packRows(src: number, n: number, dim: number, stride: number, dst: number): void;
  graphCountCandidates(knnPtr: number, n: number, k: number, rowCountPtr: number): number;
  graphBuild(knnPtr: number, n: number, k: number, rowPtr: number, colPtr: number, cursorPtr: number): number;
  graphShuffledEdges(rowPtr: number, colPtr: number, n: number, edgesPtr: number, seed: number): void;
  initGaussian(yPtr: number, count: number, seed: number): void;
  centerAndScaleByFirstColumn(yPtr: number, n: number, dim: number): number;
  sumF64(ptr: number, count: number): number;
  partitionSampled(y: number, n: number, dim: number, samples: number, seed: number): number;
  spectralLayoutKernel(
    rowPtr: number, colPtr: number, n: number, dim: number, iterations: number, v: number, w: number, out: number, seed: number,
  ): number;
  pcaReduceMeans(partialPtr: number, chunks: number, stride: number, n: number, meanPtr: number): void;
  pcaCrossF64(aPtr: number, bPtr: number, rows: number, stride: number, aCols: number, bCols: number, hPtr: number, symmetric: boolean): void;
  pcaCholeskyInverse(gPtr: number, l: number, tPtr: number, tStride: number, scratchPtr: number): number;
  pcaSymmetricEigen(aPtr: number, l: number, vecPtr: number, valPtr: number): void;
  pcaColumnsToF32(srcPtr: number, rows: number, srcCols: number, cols: number, dstPtr: number, dstStride: number): void;
  pcaSymmetrize(gPtr: number, stride: number): void;
  pcaGaussianBlock(ptr: number, rows: number, totalRows: number, cols: number, stride: number, seed: number): void;
  pcaIdentity(ptr: number, dim: number, stride: number): void;
  pcaFixSigns(loadingsPtr: number, rows: number, stride: number, cols: number, rotationPtr: number, rotRows: number): void;
  pcaF32ToF64(srcPtr: number, rows: number, cols: number, srcStride: number, dstPtr: number): void;
  pcaMultiplyScratchBytes(aStride: number): number;
  mlpInitParams(params: number, inDim: number, hidden: number, hiddenLayers: number, outDim: number, seed: number): void;
  mlpParamCount(inDim: number, hidden: number, hiddenLayers: number, outDim: number): number;
  mlpForwardRows(model: number, x: number, inStride: number, rows: number, out: number): void;
  mlpBackwardRows(model: number, x: number, inStride: number, rows: number, dy: number, weightGrad: number): void;
  optimizeScratchBytes(dim: number): number;
  optimizeSlotBytes(batch: number, threads: number, dim: number): number;
  mlpActStride(model: number): number;
  mlpScratchStride(model: number): number;
  procrustesSums(aPtr: number, bPtr: number, n: number, outPtr: number): void;
  affineApply2(srcPtr: number, dstPtr: number, n: number, m00: number, m01: number, m10: number, m11: number, tx: number, ty: number): void;
  placeInitial(train: number, dim: number, neighbours: number, k: number, rows: number, y: number, scratch: number, useMean: number): void;
  graphQueryScratchBytes(n: number, ef: number): number;
  searchTreeMaxNodes(n: number, leafSize: number): number;
  placeScratchBytes(dim: number, negatives: number): number;
  searchTreeQueryOrder(
    queries: number, rows: number, stride: number, nodes: number, offsets: number, normals: number, maxNodes: number, order: number, counts: number, leafOf: number,
  ): void;
  placeNoiseTable(rowPtr: number, n: number, table: number, scratch: number): void;
  searchTreeBuild(
    data: number, n: number, stride: number, leafSize: number, seed: number, perm: number, scratch: number, nodes: number, offsets: number, normals: number,
  ): number;
  // t-SNE (assembly/tsne)
  tsneSymmetricCount(knn: number, n: number, k: number, revPtr: number, revPos: number, rowPtr: number, stamp: number): number;
  tsneSymmetricFill(
    knn: number, cond: number, n: number, k: number, revPtr: number, revPos: number, rowPtr: number, cols: number, vals: number,
    slot: number, stamp: number, acc: number,
  ): number;
  tsneObjective(
    y: number, n: number, rowPtr: number, cols: number, vals: number, dof: number, exaggeration: number, plogp: number, grad: number,
    scratch: number, scratch64: number,
  ): number;
  tsneScale(y: number, count: number, factor: number): void;
  // t-SNE's repulsion (assembly/tsne/repulsion_exports.ts)
  tsneRepulsionExactWorkspaceBytes(n: number): number;
  tsneRepulsionFftWorkspaceBytes(n: number, maxIntervals: number, nodes: number, threads: number): number;
  tsneFftScratchBytes(n: number): number;
  tsneFftInPlace(dataPtr: number, n: number, scratchPtr: number): number;
  normalizeRows(ptr: number, n: number, dim: number, stride: number, centre: boolean): number;
  packBinaryRows(src: number, n: number, dim: number, stride: number, dst: number, outStride: number): number;
}

/**
 * Parameter counts of every function, checked by the type system against CoreFunctions (a wrong count does not
 * compile) and by the contract test against the wasm exports.
 */
export const FUNCTION_ARITY: { readonly [K in keyof CoreFunctions]: Parameters<CoreFunctions[K]>["length"] } = {
  allocate: 1, heapMark: 0, heapReset: 1, runTask: 2, firstNonFinite: 2, maxAbs: 2, scaleByPowerOfTwo: 3, countDistinctRows: 7,
  padRows: 4, packRows: 5, graphCountCandidates: 4, graphBuild: 6, graphShuffledEdges: 5, initGaussian: 3,
  centerAndScaleByFirstColumn: 3, sumF64: 2, partitionSampled: 5, spectralLayoutKernel: 9, pcaReduceMeans: 5,
  pcaCrossF64: 8, pcaCholeskyInverse: 5, pcaSymmetricEigen: 4, pcaColumnsToF32: 6, pcaSymmetrize: 2,
  pcaGaussianBlock: 6, pcaIdentity: 3, pcaFixSigns: 6, pcaF32ToF64: 5, pcaMultiplyScratchBytes: 1, mlpInitParams: 6,
  mlpParamCount: 4, mlpForwardRows: 5, mlpBackwardRows: 6, optimizeScratchBytes: 1, optimizeSlotBytes: 3, mlpActStride: 1,
  mlpScratchStride: 1, procrustesSums: 4, affineApply2: 9, placeInitial: 8,
  graphQueryScratchBytes: 2, searchTreeMaxNodes: 2, placeScratchBytes: 2, searchTreeQueryOrder: 10, placeNoiseTable: 4, searchTreeBuild: 10,
  tsneSymmetricCount: 7, tsneSymmetricFill: 12, tsneObjective: 11, tsneScale: 3,
  // t-SNE's repulsion
  tsneRepulsionExactWorkspaceBytes: 1, tsneRepulsionFftWorkspaceBytes: 4, tsneFftScratchBytes: 1, tsneFftInPlace: 3,
  normalizeRows: 5, packBinaryRows: 6,
};

/**
 * The layout constants, by group: each key k of a group is read from the core's global PREFIX + K, where K is k
 * in upper snake case (ctrl.nextChunk ← CTRL_NEXT_CHUNK, task.pcaGram ← TASK_PCA_GRAM).
 */
export const LAYOUT = {
  /** the control block through which a task is posted to every thread (assembly/parallel/control.ts) */
  ctrl: {
    prefix: "CTRL_",
    keys: ["generation", "task", "nextChunk", "chunks", "done", "threads", "barrierCount", "barrierSense", "error", "barrierSpins", "args", "maxArgs", "bytes"],
  },
  /** task ids: each concern owns a range (assembly/<concern>/tasks.ts) */
  task: {
    prefix: "TASK_",
    keys: [
      "knnExact", "knnQuery", "knnGraphQuery", "pcaColumnSums", "pcaGather", "pcaGram", "pcaMultiply", "nndTrees", "nndReorder", "nndInitLeaves",
      "nndFill", "nndCandidates", "nndJoin", "nndFinish", "optimize", "partition", "place", "parametricTrain", "parametricTransform",
      "tsneAffinities", "tsneIterate", "tsnePlaceGrid", "tsnePlace",
      // t-SNE's repulsion
      "tsneRepulsionExact", "tsneRepulsionFft",
    ],
  },
  /** argument slots of the optimiser task, shared by the parametric trainer (assembly/optimize/args.ts) */
  arg: {
    prefix: "ARG_",
    keys: [
      "y", "n", "dim", "edges", "edgeCount", "grad", "gradStride", "scratch", "partial", "state", "loss", "xi", "negatives",
      "batch", "epochBegin", "epochEnd", "phaseEpochs", "learningRate", "seed", "phase", "clamp", "c", "nceLearningRate",
      "model", "slots",
    ],
  },
  /** argument slots of the parametric transform task (assembly/parametric/transform.ts) */
  transformArg: { prefix: "ARG_T_", keys: ["model", "input", "inStride", "rows", "output", "chunkRows"] },
  /** argument slots of the placement of new points against a fixed layout (assembly/optimize/place.ts) */
  placeArg: {
    prefix: "ARG_P_",
    keys: [
      "train", "n", "dim", "noise", "y", "rows", "neighbours", "k", "loss", "xi", "negatives", "epochBegin",
      "epochEnd", "epochs", "learningRate", "seed", "clamp", "c", "scratch", "chunkRows",
    ],
  },
  /** argument slots of t-SNE's update rule (assembly/tsne/iterate.ts) */
  tsneArg: {
    prefix: "ARG_TSNE_",
    keys: [
      "y", "n", "rowPtr", "cols", "vals", "update", "gains", "attraction", "force", "rowZ", "rowKl", "blockSums", "stats",
      "exaggeration", "learningRate", "momentum", "dof", "maxStep", "iterBegin", "iterEnd", "phaseIters", "plogp", "klEvery",
      "fftWs", "intervalsPerUnit", "minIntervals", "maxIntervals", "nodes",
    ],
  },
  tsne: { prefix: "TSNE_", keys: ["blockRows", "placeScratchBytes"] },
  /** the placement of new points in a fixed t-SNE layout (assembly/tsne/place.ts): its grid's margin, then its slots */
  tsnePlaceGridArg: { prefix: "ARG_TSNE_GRID_", keys: ["pad"] },
  tsnePlaceArg: {
    prefix: "ARG_TSNE_PLACE_",
    keys: [
      "train", "n", "dof", "grid", "maxIntervals", "nodes", "repulsionScale", "y", "rows", "neighbours", "affinities", "k",
      "update", "gains", "exaggeration", "learningRate", "momentum", "maxGrad", "maxStep", "iterations", "chunkRows", "scratch",
    ],
  },
  /** byte offsets of the model record's fields, and its size (assembly/parametric/model.ts) */
  model: {
    prefix: "M_",
    keys: [
      "inDim", "inStride", "hidden", "hiddenLayers", "outDim", "params", "paramCount", "weightGrad", "adamM", "adamV",
      "step", "act", "maxRows", "rows", "rowCount", "seen", "scratch", "data", "batchBegin", "batchEnd",
    ],
  },
  modelRecord: { prefix: "MODEL_", keys: ["bytes"] },
  /** the optimiser's loss ids (assembly/optimize/losses.ts), one per per-pair loss of the loss table (loss/table.ts) */
  loss: { prefix: "LOSS_", keys: PAIR_LOSSES },
  pca: { prefix: "PCA_", keys: ["gramStripRows"] },
  /** the distances of kNN indexes, and the slot of every kNN task that holds one (assembly/knn/metric.ts) */
  metric: { prefix: "METRIC_", keys: METRIC_NAMES },
  /** where the repulsion task leaves Z, the intervals and the FFT length in its workspace (assembly/tsne/repulsion_fft.ts) */
  tsneRepulsionWs: { prefix: "TSNE_REPULSION_WS_", keys: ["z", "intervals", "fftSize"] },
  /** the slot of every kNN and NN-descent task that holds the metric id (assembly/knn/metric.ts) */
  metricArg: { prefix: "ARG_KNN_", keys: ["metric"] },
  /** argument slots of the exact and graph kNN searches (assembly/knn/tasks.ts) */
  knnArg: {
    prefix: "ARG_KNN_",
    keys: ["data", "n", "stride", "k", "rowBegin", "rowEnd", "outIndices", "outDistances", "rowsPerChunk", "query", "rowPtr", "colPtr", "ef", "entries", "scratch", "treeNodes", "treeOffsets", "treeNormals", "treePerm", "order"],
  },
  /** PCA: column sums (assembly/pca/tasks.ts) */
  pcaSumsArg: {
    prefix: "ARG_PCA_SUMS_",
    keys: ["data", "n", "stride", "rowsPerChunk", "partial"],
  },
  /** PCA: the centred sample panels */
  pcaGatherArg: {
    prefix: "ARG_PCA_GATHER_",
    keys: ["data", "n", "stride", "mean", "samples", "seed", "rowsPerChunk", "sample"],
  },
  /** PCA: a strip of the Gram matrix */
  pcaGramArg: {
    prefix: "ARG_PCA_GRAM_",
    keys: ["a", "rows", "cols", "kBytes", "panelBytes", "firstStrip", "gram"],
  },
  /** PCA: a product of rows and a matrix */
  pcaMultiplyArg: {
    prefix: "ARG_PCA_MULTIPLY_",
    keys: ["a", "aStride", "rowBegin", "rowEnd", "mean", "b", "bStride", "cols", "out", "outStride", "scratch", "rowsPerChunk"],
  },
  /** NN-descent (assembly/knn/nndescent_tasks.ts): the random projection trees */
  nndTreesArg: {
    prefix: "ARG_NND_TREES_",
    keys: ["data", "n", "stride", "leafSize", "seed", "perm", "leafBegin", "leafCount", "scratch", "normal", "firstTree"],
  },
  /** NN-descent: rows in the first tree's order */
  nndReorderArg: {
    prefix: "ARG_NND_REORDER_",
    keys: ["data", "n", "stride", "firstPerm", "order", "localData", "localOf", "graphDist", "graphIdx", "graphFlag", "k", "rowsPerChunk"],
  },
  /** NN-descent: the graph from one tree's leaves */
  nndInitLeavesArg: {
    prefix: "ARG_NND_INIT_LEAVES_",
    keys: ["localData", "stride", "k", "perm", "bounds", "graphDist", "graphIdx", "graphFlag", "leaves", "leavesPerChunk"],
  },
  /** NN-descent: random neighbours for rows left short */
  nndFillArg: {
    prefix: "ARG_NND_FILL_",
    keys: ["localData", "n", "stride", "k", "graphDist", "graphIdx", "graphFlag", "stamp", "seed", "rowsPerChunk"],
  },
  /** NN-descent: the candidate lists of an iteration */
  nndCandidatesArg: {
    prefix: "ARG_NND_CANDIDATES_",
    keys: ["n", "k", "graphIdx", "graphFlag", "newIdx", "newPr", "newCount", "oldIdx", "oldPr", "oldCount", "maxCandidates", "seed", "iteration"],
  },
  /** NN-descent: the local join of an iteration */
  nndJoinArg: {
    prefix: "ARG_NND_JOIN_",
    keys: ["localData", "n", "stride", "k", "graphDist", "graphIdx", "graphFlag", "newIdx", "newCount", "oldIdx", "oldCount", "maxCandidates", "stamp", "iteration", "rowsPerChunk", "updates"],
  },
  /** NN-descent: the sorted result in input order */
  nndFinishArg: {
    prefix: "ARG_NND_FINISH_",
    keys: ["graphDist", "graphIdx", "n", "k", "order", "localOf", "outIndices", "outDistances", "rowsPerChunk"],
  },
  /** the exact partition function (assembly/optimize/partition.ts) */
  partitionArg: {
    prefix: "ARG_Z_",
    keys: ["y", "n", "dim", "rowSums", "rowsPerChunk"],
  },
  /** t-SNE's perplexity calibration (assembly/tsne/affinities.ts) */
  tsneAffinitiesArg: { prefix: "ARG_TSNE_AFF_", keys: ["distances", "n", "k", "perplexity", "out", "rowsPerChunk"] },
  /** t-SNE's exact repulsion (assembly/tsne/repulsion_args.ts) */
  tsneExactArg: { prefix: "ARG_TSNE_EXACT_", keys: ["y", "n", "dof", "force", "workspace", "rowsPerChunk"] },
  /** t-SNE's interpolated repulsion */
  tsneFftArg: {
    prefix: "ARG_TSNE_FFT_",
    keys: ["y", "n", "dof", "force", "workspace", "intervalsPerUnit", "minIntervals", "maxIntervals", "nodes"],
  },
} as const;

type Layout = typeof LAYOUT;
export type CoreLayout = { readonly [G in keyof Layout]: { readonly [K in Layout[G]["keys"][number]]: number } };
export type TaskName = keyof CoreLayout["task"];

/**
 * The argument slots each task reads, as groups of LAYOUT: Core.run writes a task's arguments by these names
 * into the slots the core exports (test/contract.test.ts checks that every task has its groups and that their
 * slots are distinct and fit the control block). A new task adds its slot constants to the core, one group above
 * and one entry here.
 */
export const TASK_ARGS = {
  knnExact: ["knnArg", "metricArg"],
  knnQuery: ["knnArg", "metricArg"],
  knnGraphQuery: ["knnArg", "metricArg"],
  pcaColumnSums: ["pcaSumsArg"],
  pcaGather: ["pcaGatherArg"],
  pcaGram: ["pcaGramArg"],
  pcaMultiply: ["pcaMultiplyArg"],
  nndTrees: ["nndTreesArg", "metricArg"],
  nndReorder: ["nndReorderArg", "metricArg"],
  nndInitLeaves: ["nndInitLeavesArg", "metricArg"],
  nndFill: ["nndFillArg", "metricArg"],
  nndCandidates: ["nndCandidatesArg", "metricArg"],
  nndJoin: ["nndJoinArg", "metricArg"],
  nndFinish: ["nndFinishArg", "metricArg"],
  optimize: ["arg"],
  partition: ["partitionArg"],
  place: ["placeArg"],
  parametricTrain: ["arg"],
  parametricTransform: ["transformArg"],
  tsneAffinities: ["tsneAffinitiesArg"],
  tsneIterate: ["tsneArg"],
  tsnePlaceGrid: ["tsneFftArg", "tsnePlaceGridArg"],
  tsnePlace: ["tsnePlaceArg"],
  tsneRepulsionExact: ["tsneExactArg"],
  tsneRepulsionFft: ["tsneFftArg"],
} as const satisfies { readonly [T in TaskName]: readonly (keyof Layout)[] };

/** A task's arguments by name (addresses, sizes and scalars); a slot left out is 0. */
export type TaskArgs<T extends TaskName> = { [K in Layout[(typeof TASK_ARGS)[T][number]]["keys"][number]]?: number };

/** Slot of each argument name of a task, from an instance's layout. */
export function taskSlots(layout: CoreLayout, task: TaskName): Readonly<Record<string, number>> {
  return Object.assign({}, ...TASK_ARGS[task].map((group) => layout[group]));
}

/** The global's name in the core: prefix + key in upper snake case. */
export function globalName(prefix: string, key: string): string {
  return prefix + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Every global name the bindings read. */
export function layoutGlobalNames(): string[] {
  return Object.values(LAYOUT).flatMap((g) => g.keys.map((k) => globalName(g.prefix, k)));
}

/** Reads one exported constant; a missing one means the bindings and the core disagree. */
export function readGlobal(exports: WebAssembly.Exports, name: string): number {
  const g = exports[name];
  if (!(g instanceof WebAssembly.Global)) throw new Error(`cne-wasm: the core does not export ${name}`);
  return Number(g.value);
}

/** Reads every layout constant of an instance. */
export function readLayout(exports: WebAssembly.Exports): CoreLayout {
  const out: Record<string, Record<string, number>> = {};
  for (const [group, { prefix, keys }] of Object.entries(LAYOUT)) {
    out[group] = Object.fromEntries(keys.map((k) => [k, readGlobal(exports, globalName(prefix, k))]));
  }
  return out as CoreLayout;
}

/** The typed view of an instance's exports: its functions, memory and layout. */
export interface CoreExports extends CoreFunctions {
  memory: WebAssembly.Memory;
}

/** Checks that every function the bindings call is exported with the stated parameter count. */
export function checkFunctions(exports: WebAssembly.Exports): CoreExports {
  for (const [name, arity] of Object.entries(FUNCTION_ARITY)) {
    const f = exports[name];
    if (typeof f !== "function" || f.length !== arity) {
      throw new Error(`cne-wasm: the core's export ${name} is missing or has another signature`);
    }
  }
  const checked = exports as unknown as CoreExports;
  // the exports that return an address: wasm hands a u32 to JS as an i32, negative from 2 GiB up, so read it unsigned
  const { allocate, heapMark } = checked;
  // own properties over the (frozen) exports: assignment would hit their read-only ones
  return Object.create(checked, {
    allocate: { value: (bytes: number) => allocate(bytes) >>> 0 },
    heapMark: { value: () => heapMark() >>> 0 },
  }) as CoreExports;
}
