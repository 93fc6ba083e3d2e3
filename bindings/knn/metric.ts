// The distance of a kNN search, as the bindings name it and hand it to the core: an id in a fixed argument
// slot of every kNN task, read once per task call (assembly/knn/metric.ts), and the one preparation of the rows
// each metric needs before any search (assembly/knn/rows.ts), shared by the fit, knn() and transform's queries.
//
// What each metric searches (docs/metrics.md):
// - euclidean: the rows; in a fit above 100 columns their first 50 principal components (the fit's `pca` option
//   chooses another number, or the rows themselves: embedding/search.ts).
// - cosine / correlation: the rows scaled to unit norm (correlation: each row's mean subtracted first). On unit
//   rows |a − b|² = 2 − 2 cos, so Euclidean ranking is exactly cosine ranking and 1 − cos = |a − b|² / 2. Above
//   100 columns, PCA-50 of the unit rows then Euclidean, which approximates that order as PCA-50 does for
//   Euclidean data (reported distances are then |a − b|² / 2 in the PCA space). A zero row (correlation: a
//   constant row) has no direction: an error names it.
// - manhattan: the rows as given, never PCA (a rotation does not keep L1 distances).
// - hamming / jaccard: 0/1 rows packed into bits (32 per u32 word), never PCA; any other value is an error.
//   Jaccard's distance of two all-zero rows is 0 (equal empty sets), of an all-zero and another row 1.

import type { Core, CoreLayout } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail } from "../errors.ts";

/** A distance the core knows. */
export type KnnMetric = keyof CoreLayout["metric"];

/** A kNN or NN-descent task's arguments with the metric's id in its slot. */
export function withMetric<A extends object>(core: Core, args: A, metric: KnnMetric = "euclidean"): A & { metric: number } {
  return { ...args, metric: core.layout.metric[metric] };
}

/** Metrics on 0/1 data, searched on bit-packed rows. */
export function isBinaryMetric(metric: KnnMetric): boolean {
  return metric === "hamming" || metric === "jaccard";
}

/** Whether a fit's search may run in a PCA of the rows (PCA-50 above 100 columns by default; see the table above). */
export function metricAllowsPca(metric: KnnMetric): boolean {
  return metric === "euclidean" || metric === "cosine" || metric === "correlation";
}

/** Whether the reported distances scale with the data (so a rescaled input's are scaled back). */
export function metricScalesWithData(metric: KnnMetric): boolean {
  return metric === "euclidean" || metric === "manhattan";
}

/**
 * The rows a search under `metric` compares, from rows in the core (`what` names them in errors): cosine and
 * correlation scale them to unit norm in place (centred first for correlation); hamming and jaccard pack them
 * into bits in a new matrix (stride in u32 words); the others return `m` unchanged.
 */
export function prepareRows(core: Core, m: CoreMatrix, metric: KnnMetric, what = "data"): CoreMatrix {
  if (metric === "cosine" || metric === "correlation") {
    const bad = core.kernels.normalizeRows(m.ptr, m.n, m.dim, m.stride, metric === "correlation");
    if (bad >= 0) {
      fail(metric === "cosine"
        ? `${what} row ${bad} is all zeros: the cosine distance is undefined for it (remove the row or use another metric)`
        : `${what} row ${bad} is constant: the correlation distance is undefined for it (remove the row or use another metric)`);
    }
    return m;
  }
  if (isBinaryMetric(metric)) {
    const stride = Math.ceil(m.dim / 128) * 4;
    const ptr = core.alloc(m.n * stride * 4);
    const bad = core.kernels.packBinaryRows(m.ptr, m.n, m.dim, m.stride, ptr, stride);
    if (bad >= 0) {
      const row = core.f32(m.ptr + bad * m.stride * 4, m.dim);
      const col = row.findIndex((v) => v !== 0 && v !== 1);
      fail(`the ${metric} metric needs 0/1 data: ${what} has ${row[col]} at row ${bad}, column ${col}`);
    }
    return { ptr, n: m.n, dim: stride, stride, scaleExponent: 0 };
  }
  return m;
}
