// Every public name of cne-wasm. The entry points (index.ts, workerd.ts) register where the wasm comes from
// and re-export this file.

export { knn } from "./knn/index.ts";
export { neighboursFromColumn, neighboursToColumn } from "./knn/neighbors.ts";
export type { NeighborsCell, PrecomputedNeighbours } from "./knn/neighbors.ts";
export { createEmbedding, embed, Embedding } from "./embedding/embedding.ts";
export type { OptimizeOptions } from "./embedding/embedding.ts";
export type { KnnGraph, EmbeddingState, LayoutTarget, ParametricState } from "./handle/state.ts";
export type { PcaBasisState } from "./pca/index.ts";
export type { FitHandle } from "./handle/handle.ts";
export type { EmbeddingOptions, EmbedOptions, Loss, KnnMethod, InitMethod } from "./options/embedding.ts";
// the options table and its flag metadata, for front ends (the CLI derives its flags from it)
export { EMBEDDING_OPTIONS, type OptionSpec, type CliFlag } from "./options/embedding.ts";
export { LOSSES, type LossSpec, type LossTarget } from "./loss/table.ts";
export type { FitSettings } from "./fit/settings.ts";
export { zBarAt, xiFor } from "./embedding/spectrum.ts";
export { embeddingDefaults, checkEmbeddingOptions } from "./embedding/params.ts";
export type { KnnOptions, KnnResult } from "./knn/index.ts";
export { QUERY_METHODS, type QueryMethod } from "./knn/query.ts";
export { pca, type PcaOptions } from "./pca/index.ts";
export type { DataInput } from "./input.ts";
export type { ProgressDetail, RunControl, Stage } from "./options/common.ts";
export { CneInputError, CneNumericError, CneModelError } from "./errors.ts";
export { loadModel } from "./load.ts";
export { transformStream } from "./stream/transform.ts";
export type { TransformStreamOptions, Transformer } from "./stream/transform.ts";
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
export { spectrum } from "./spectrum/series.ts";
export type { SpectrumOptions, SpectrumSeries } from "./spectrum/series.ts";
export { createSpectrumWalk, SpectrumWalk } from "./spectrum/walk.ts";
export type { SpectrumLayout, SpectrumWalkOptions } from "./spectrum/walk.ts";
