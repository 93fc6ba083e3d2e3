// Prepare a fit: data in → the neighbour search (search.ts: the metric's rows, the PCA the `pca` option chooses,
// kNN) → graph → initial layout. Each stage reports its progress and checks the signal; everything stays in the
// core's memory.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { throwIfAborted } from "../errors.ts";
import type { StageControl } from "../options/common.ts";
import { isBinaryMetric } from "../knn/metric.ts";
import type { PcaBasis } from "../pca/index.ts";
import { buildGraph, type GraphBuffers } from "./graph.ts";
import { initialLayout } from "./init.ts";
import type { ResolvedParams } from "./params.ts";
import type { OptimizerState } from "./optimizer.ts";
import { allocateOptimizer } from "./optimizer.ts";
import { searchNeighbours } from "./search.ts";
import { checkDegenerate } from "../validate/degenerate.ts";

export interface Prepared {
  n: number;
  /** the data in the core (absent in a fit restored from saved state) */
  data?: CoreMatrix;
  /** the rows the neighbours were searched among: the data, or its PCA scores (absent with precomputed neighbours) */
  search?: CoreMatrix;
  /** the 0/1 rows that `search` packs into bits (binary metrics), which a saved model keeps */
  searchSource?: CoreMatrix;
  /** the PCA of the search space (by default above 100 columns: search.ts), to project new rows the same way */
  pca?: PcaBasis;
  knnPtr: number;
  /** f32[n × k] in the core: the search's distances to knnPtr's neighbours, in the search space's units (the
   * scaled data's, or its PCA scores'); absent with precomputed neighbours */
  knnDistancesPtr?: number;
  k: number;
  graph: GraphBuffers;
  optimizer: OptimizerState;
}

/** Copies precomputed neighbours (checked when the handle was created: params.ts checkShapes). */
function putPrecomputed(core: Core, indices: Int32Array): number {
  const ptr = core.alloc(indices.byteLength);
  core.i32(ptr, indices.length).set(indices);
  return ptr;
}

/** A fit's neighbours: the given ones (p.knnIndices), or those of the search (search.ts) with the rows it searched. */
export interface FitNeighbours {
  /** the rows searched (absent with precomputed neighbours) */
  search?: CoreMatrix;
  pca?: PcaBasis;
  knnPtr: number;
  knnDistancesPtr?: number;
}

/** The given neighbours copied into the core, or the search's (which makes cosine and correlation rows unit in place). */
export async function fitNeighbours(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: StageControl): Promise<FitNeighbours> {
  if (p.knnIndices) {
    const knnPtr = putPrecomputed(core, p.knnIndices);
    ctl.report(1, "knn");
    return { knnPtr };
  }
  const found = await searchNeighbours(core, data, p, ctl);
  return { search: found.rows, pca: found.pca, knnPtr: found.indicesPtr, knnDistancesPtr: found.distancesPtr };
}

/**
 * `data` is the input already in the core (putMatrix with scale "safe"), so that callers can let go of their JS
 * copy before the fit grows memory.
 */
export async function prepare(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: StageControl): Promise<Prepared> {
  checkDegenerate(core, data, p.k, p.warn);
  const { search, pca, knnPtr, knnDistancesPtr } = await fitNeighbours(core, data, p, ctl);
  throwIfAborted(ctl.signal);
  ctl.report(0, "graph");
  const graph = buildGraph(core, knnPtr, data.n, p.k, p.seed);
  ctl.report(1, "graph");
  const optimizer = allocateOptimizer(core, data.n, p.outDim, graph.edgesPtr, graph.edgeCount);
  throwIfAborted(ctl.signal);
  // the PCA init reads the PCA scores when the search had them, else the data (never packed bits)
  await initialLayout(core, p, data, pca ? search! : data, graph, optimizer, ctl);
  const searchSource = isBinaryMetric(p.metric) && search ? data : undefined;
  return { n: data.n, data, search, searchSource, pca, knnPtr, knnDistancesPtr, k: p.k, graph, optimizer };
}

/**
 * The core's state of a fit restored from saved state: its neighbours (p.knnIndices) give the same graph and
 * edge order as the original fit's, its layout (p.init) is copied as is.
 */
export function restorePrepared(core: Core, p: ResolvedParams, n: number): Prepared {
  const knnPtr = putPrecomputed(core, p.knnIndices!);
  const graph = buildGraph(core, knnPtr, n, p.k, p.seed);
  const optimizer = allocateOptimizer(core, n, p.outDim, graph.edgesPtr, graph.edgeCount);
  core.f32(optimizer.yPtr, n * p.outDim).set(p.init as Float32Array);
  return { n, knnPtr, k: p.k, graph, optimizer };
}
