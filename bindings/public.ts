// Every public name of cne-wasm. The entry points (index.ts, workerd.ts) register where the wasm comes from
// and re-export this file.

export { knn } from "./knn/index.ts";
export { neighboursFromColumn, neighboursToColumn } from "./knn/neighbors.ts";
export type { NeighborsCell, PrecomputedNeighbours } from "./knn/neighbors.ts";
export { createEmbedding, embed, Embedding } from "./embedding/embedding.ts";
export type { OptimizeOptions, KnnGraph, EmbeddingState, LayoutTarget } from "./embedding/embedding.ts";
export type { PcaBasisState } from "./pca/index.ts";
export type { FitHandle } from "./handle/handle.ts";
export type { EmbeddingOptions, EmbedOptions, Loss, KnnMethod, InitMethod } from "./options/embedding.ts";
export { zBarAt, xiFor } from "./embedding/spectrum.ts";
export { embeddingDefaults } from "./embedding/params.ts";
export type { KnnOptions, KnnResult } from "./knn/index.ts";
export { pca, type PcaOptions } from "./pca/index.ts";
export type { DataInput } from "./input.ts";
export type { RunControl, Stage } from "./options/common.ts";
export { CneInputError, CneNumericError, CneModelError } from "./errors.ts";
export { loadModel } from "./model/load.ts";
export { init } from "./init.ts";
export { coreInfo } from "./info.ts";
export type { CoreInfo } from "./info.ts";
export type { CoreSources, WasmSource } from "./core/source.ts";
export { knnRecall } from "./metrics/recall.ts";
export { knnAccuracy } from "./metrics/accuracy.ts";
export type { KnnAccuracyOptions } from "./metrics/accuracy.ts";
export { distanceCorrelation, distanceCorrelationWith, sampleDistances } from "./metrics/spearman.ts";
export type { DistanceSample, DistanceSampleOptions } from "./metrics/spearman.ts";
export { embeddingQuality } from "./metrics/quality.ts";
export type { EmbeddingQuality, EmbeddingQualityOptions } from "./metrics/quality.ts";
export { createParametricEmbedding, ParametricEmbedding } from "./parametric/parametric.ts";
export type { ParametricState } from "./parametric/parametric.ts";
export { spectrum } from "./spectrum/series.ts";
export type { SpectrumOptions, SpectrumSeries } from "./spectrum/series.ts";
export { createSpectrumWalk, SpectrumWalk } from "./spectrum/walk.ts";
export type { SpectrumLayout, SpectrumWalkOptions } from "./spectrum/walk.ts";
