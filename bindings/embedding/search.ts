// The neighbour search of every fit (embed and createEmbedding, t-SNE, the parametric mode): the metric's rows
// (knn/metric.ts), then the PCA the `pca` option chooses (by default the first 50 components above 100 columns,
// SPEC §1.2; `false`: none), then the search itself (knn/backend.ts), with NN-descent's recall check
// (knn/refine.ts) when the fit's `targetRecall` asks for it.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { throwIfAborted } from "../errors.ts";
import type { StageControl } from "../options/common.ts";
import { DEFAULT_TARGET_RECALL, findNeighbours } from "../knn/backend.ts";
import { metricAllowsPca, prepareRows } from "../knn/metric.ts";
import { fitPca, type PcaBasis } from "../pca/index.ts";
import type { ResolvedParams } from "./params.ts";

/** Columns above which a fit reads the data through PCA-50 unless its `pca` option says otherwise (SPEC §1.2). */
export const PCA_SEARCH_THRESHOLD = 100;
export const PCA_SEARCH_COMPONENTS = 50;

/** What the search reads of a fit's parameters. */
export type SearchParams = Pick<ResolvedParams, "k" | "knn" | "metric" | "seed" | "pca" | "targetRecall" | "warn">;

export interface FoundNeighbours {
  /** the rows searched: the metric's rows of the data (the data itself, made unit in place for cosine and
   * correlation; bits for hamming and jaccard), or their PCA scores */
  rows: CoreMatrix;
  /** the PCA that gave `rows`, to project new rows the same way */
  pca?: PcaBasis;
  /** i32[n × k] in the core: each row's neighbours, nearest first */
  indicesPtr: number;
  /** f32[n × k] in the core: their distances in the units of `rows` */
  distancesPtr: number;
}

/**
 * Components of the PCA a fit reads `dim`-column data through, from its `pca` option: the number given, 0 for
 * false (the rows themselves), by default 50 above 100 columns. The parametric network's input follows it too.
 */
export function pcaComponents(pca: number | false | undefined, dim: number): number {
  if (pca === false) return 0;
  if (pca !== undefined) return pca;
  return dim > PCA_SEARCH_THRESHOLD ? PCA_SEARCH_COMPONENTS : 0;
}

/** Components of the PCA the neighbour search runs in (0: the metric's rows; manhattan and the binary metrics never use one). */
export function searchComponents(p: Pick<SearchParams, "metric" | "pca">, dim: number): number {
  return metricAllowsPca(p.metric) ? pcaComponents(p.pca, dim) : 0;
}

/**
 * The recall NN-descent's result is checked against (undefined: no check): `targetRecall` as given (0: none);
 * by default knn()'s 0.95 for a search of the full rows that the caller asked for (pca false), and no check
 * otherwise, so that the fits made without these options keep their neighbours and bits.
 */
export function fitTargetRecall(p: Pick<SearchParams, "pca" | "targetRecall">): number | undefined {
  const target = p.targetRecall ?? (p.pca === false ? DEFAULT_TARGET_RECALL : 0);
  return target > 0 ? target : undefined;
}

/**
 * The k nearest neighbours of every row of `data` (in the core, scaled "safe"; cosine and correlation make its
 * rows unit in place) under p.metric, searched in the space that p.pca chooses. Reports the stages "pca" and "knn".
 */
export async function searchNeighbours(core: Core, data: CoreMatrix, p: SearchParams, ctl: StageControl): Promise<FoundNeighbours> {
  let rows = prepareRows(core, data, p.metric);
  let pca: PcaBasis | undefined;
  const components = searchComponents(p, data.dim);
  if (components > 0) {
    const fitted = await fitPca(core, rows, components, { seed: p.seed, signal: ctl.signal, progress: (f) => ctl.report(f, "pca") });
    rows = fitted.scores;
    pca = fitted.basis;
  }
  throwIfAborted(ctl.signal);
  const found = await findNeighbours(core, rows, p.k, p.knn, {
    seed: p.seed, metric: p.metric, signal: ctl.signal, progress: (f) => ctl.report(f, "knn"),
    targetRecall: fitTargetRecall(p), warn: p.warn,
  });
  return { rows, pca, indicesPtr: found.indicesPtr, distancesPtr: found.distancesPtr };
}
