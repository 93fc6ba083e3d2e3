// Prepare a fit: data in → the metric's rows (knn/metric.ts) → (PCA-50 when dim > 100 and the metric allows it)
// → kNN → graph → initial layout. Each stage reports its
// progress and checks the signal; everything stays in the core's memory.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { throwIfAborted } from "../errors.ts";
import type { StageControl } from "../options/common.ts";
import { findNeighbours } from "../knn/backend.ts";
import { isBinaryMetric, metricAllowsPca, prepareRows } from "../knn/metric.ts";
import { fitPca, type PcaBasis } from "../pca/index.ts";
import { buildGraph, type GraphBuffers } from "./graph.ts";
import { initialLayout } from "./init.ts";
import type { ResolvedParams } from "./params.ts";
import type { OptimizerState } from "./optimizer.ts";
import { allocateOptimizer } from "./optimizer.ts";
import { checkDegenerate } from "../validate/degenerate.ts";

/** Dimensions above which the neighbour search runs on the first 50 principal components (SPEC §1.2). */
export const PCA_SEARCH_THRESHOLD = 100;
export const PCA_SEARCH_COMPONENTS = 50;

export interface Prepared {
  n: number;
  /** the data in the core (absent in a fit restored from saved state) */
  data?: CoreMatrix;
  /** the rows the neighbours were searched among: the data, or its PCA scores (absent with precomputed neighbours) */
  search?: CoreMatrix;
  /** the 0/1 rows that `search` packs into bits (binary metrics), which a saved model keeps */
  searchSource?: CoreMatrix;
  /** the PCA of the search space (dim > 100), to project new rows the same way */
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

/**
 * `data` is the input already in the core (putMatrix with scale "safe"), so that callers can let go of their JS
 * copy before the fit grows memory.
 */
export async function prepare(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: StageControl): Promise<Prepared> {
  checkDegenerate(core, data, p.k, p.warn);
  let search = data;
  let pca: PcaBasis | undefined;
  let knnPtr: number;
  let knnDistancesPtr: number | undefined;
  if (p.knnIndices) {
    knnPtr = putPrecomputed(core, p.knnIndices);
    ctl.report(1, "knn");
  } else {
    // cosine and correlation make the data's rows unit in place (the initial layout then reads those rows)
    search = prepareRows(core, data, p.metric);
    if (metricAllowsPca(p.metric) && data.dim > PCA_SEARCH_THRESHOLD) {
      const fitted = await fitPca(core, search, PCA_SEARCH_COMPONENTS, {
        seed: p.seed, signal: ctl.signal, progress: (f) => ctl.report(f, "pca"),
      });
      search = fitted.scores;
      pca = fitted.basis;
    }
    throwIfAborted(ctl.signal);
    const found = await findNeighbours(core, search, p.k, p.knn, {
      seed: p.seed, metric: p.metric, signal: ctl.signal, progress: (f) => ctl.report(f, "knn"),
    });
    knnPtr = found.indicesPtr;
    knnDistancesPtr = found.distancesPtr;
  }
  throwIfAborted(ctl.signal);
  ctl.report(0, "graph");
  const graph = buildGraph(core, knnPtr, data.n, p.k, p.seed);
  ctl.report(1, "graph");
  const optimizer = allocateOptimizer(core, data.n, p.outDim, graph.edgesPtr, graph.edgeCount);
  throwIfAborted(ctl.signal);
  // the PCA init reads the PCA scores when the search had them, else the data (never packed bits)
  await initialLayout(core, p, data, pca ? search : data, graph, optimizer, ctl);
  const searchSource = isBinaryMetric(p.metric) && !p.knnIndices ? data : undefined;
  return { n: data.n, data, search: p.knnIndices ? undefined : search, searchSource, pca, knnPtr, knnDistancesPtr, k: p.k, graph, optimizer };
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
