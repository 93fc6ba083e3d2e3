// The ABI of the core: this file lists every export and nothing else. Both builds (simd and threads) compile
// this one entry, so they export the same list. Addresses are byte offsets into linear memory. Hooks that only
// tests call live in the test build's entry (testing.ts), which re-exports this one.

export { allocate, heapMark, heapReset } from "./mem";
export { runTask } from "./tasks";
export * from "./abi";
export { firstNonFinite } from "./util/finite";
export { maxAbs, scaleByPowerOfTwo } from "./util/magnitude";
export { countDistinctRows } from "./util/distinct";
export { searchTreeBuild, searchTreeQueryOrder } from "./knn/search_tree";
export { padRows } from "./util/layout";
export { graphCountCandidates, graphBuild, graphShuffledEdges } from "./graph/symmetrize";
export { packRows } from "./util/layout";
export { initGaussian, centerAndScaleByFirstColumn } from "./init/layout";
export { sumF64, partitionSampled } from "./optimize/partition";
export { spectralLayoutKernel } from "./init/spectral";
export * from "./pca/exports";
export * from "./parametric/exports";
export { procrustesSums, affineApply2 } from "./spectrum/procrustes";
export { placeInitial, placeNoiseTable } from "./optimize/place";
// t-SNE's repulsion: workspace sizes for the bindings (assembly/tsne/repulsion_tasks.ts)
export { tsneRepulsionExactWorkspaceBytes, tsneRepulsionFftWorkspaceBytes, tsneFftScratchBytes, tsneFftInPlace } from "./tsne/repulsion_exports";
