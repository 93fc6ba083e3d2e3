// The kNN backends behind one interface, and the one dispatch that both knn() and the embedding pipeline use.
// A backend searches the rows of a matrix already in the core and leaves its result there; the distance is
// resolved once per search (an id in the task arguments, assembly/knn/metric.ts), never per pair. Adding a
// backend is one file implementing KnnBackend and one entry in KNN_BACKENDS (and in the options table's list).

import type { Core } from "../core/core.ts";
import { fail } from "../errors.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import type { PhaseControl } from "../options/common.ts";
import type { KnnMethod } from "../options/embedding.ts";
import { exactKnn, type KnnBuffers } from "./exact.ts";
import { nndescentKnn } from "./nndescent.ts";
import { hnswKnn } from "./hnsw.ts";
import { refineKnn, type RefineOptions } from "./refine.ts";
import { AUTO_EXACT_MAX_N } from "./auto.ts";
import { isBinaryMetric, type KnnMetric } from "./metric.ts";

export type { KnnBuffers, KnnMetric };
export { AUTO_EXACT_MAX_N };

/** The default target recall of NN-descent's check (the bar of docs/metrics.md): knn()'s, and a fit's that searches the full rows. */
export const DEFAULT_TARGET_RECALL = 0.95;

export interface KnnSearch extends PhaseControl {
  /** seeds the approximate methods' random choices; same seed, same result on any thread count */
  seed: number;
  metric: KnnMetric;
  /**
   * NN-descent only (not under hamming or jaccard): the recall@k to reach, estimated on sample rows against
   * their exact neighbours, with graph-search passes while it falls short (knn/refine.ts). Absent: no check.
   */
  targetRecall?: number;
  /** told when the target is not reached */
  warn?: (message: string) => void;
  /** diagnostics of the recall check */
  onRecall?: RefineOptions["onRecall"];
}

export interface KnnBackend {
  /** The k nearest rows of every row of `m` (self excluded): i32/f32[n × k] in the core, by (distance, index). */
  search(core: Core, m: CoreMatrix, k: number, opts: KnnSearch): Promise<KnnBuffers>;
}

/** hnswlib-wasm runs in JS memory: the rows are copied out of the core, the neighbours back in. */
const hnswBackend: KnnBackend = {
  async search(core, m, k, opts) {
    // hnswlib's l2 space on the unit rows that cosine and correlation search (knn/metric.ts) orders as its
    // cosine space does; it has no L1 or binary space
    const unitRows = opts.metric === "cosine" || opts.metric === "correlation";
    if (opts.metric !== "euclidean" && !unitRows) {
      fail(`the "hnsw" kNN method has no ${opts.metric} metric (hnswlib has l2, inner product and cosine): use knn "nndescent" or "exact"`);
    }
    const values = new Float32Array(m.n * m.dim);
    const mark = core.mark();
    const tmp = core.alloc(values.byteLength);
    core.kernels.packRows(m.ptr, m.n, m.dim, m.stride, tmp);
    values.set(core.f32(tmp, values.length));
    core.reset(mark);
    const r = await hnswKnn(values, m.n, m.dim, k, { seed: opts.seed, signal: opts.signal, progress: opts.progress });
    const indicesPtr = core.alloc(r.indices.byteLength);
    core.i32(indicesPtr, r.indices.length).set(r.indices);
    // on unit rows 1 − cos = |a − b|² / 2 (hnswlib's results are already read row by row in JS: hnsw.ts)
    if (unitRows) r.distances.forEach((d, i) => (r.distances[i] = (d * d) / 2));
    const distancesPtr = core.alloc(r.distances.byteLength);
    core.f32(distancesPtr, r.distances.length).set(r.distances);
    return { indicesPtr, distancesPtr };
  },
};

export const KNN_BACKENDS: Record<Exclude<KnnMethod, "auto">, KnnBackend> = {
  exact: { search: (core, m, k, opts) => exactKnn(core, m, k, opts) },
  nndescent: {
    async search(core, m, k, opts) {
      const { targetRecall, progress } = opts;
      // bit-packed rows are not floats, which the graph search's entry tree splits: no check under hamming/jaccard
      if (targetRecall === undefined || isBinaryMetric(opts.metric)) return nndescentKnn(core, m, k, opts);
      // progress: NN-descent 85%, the check and any passes the rest
      const found = await nndescentKnn(core, m, k, { ...opts, progress: progress && ((f) => progress(0.85 * f)) });
      await refineKnn(core, m, k, found, { ...opts, targetRecall, progress: progress && ((f) => progress(0.85 + 0.15 * f)) });
      return found;
    },
  },
  hnsw: hnswBackend,
};

export function chooseKnnMethod(method: KnnMethod, n: number): Exclude<KnnMethod, "auto"> {
  if (method !== "auto") return method;
  return n <= AUTO_EXACT_MAX_N ? "exact" : "nndescent";
}

/** The one dispatch: the backend of `method` (auto: by size) searches the rows of `m`. */
export function findNeighbours(core: Core, m: CoreMatrix, k: number, method: KnnMethod, opts: KnnSearch): Promise<KnnBuffers> {
  return KNN_BACKENDS[chooseKnnMethod(method, m.n)].search(core, m, k, opts);
}
