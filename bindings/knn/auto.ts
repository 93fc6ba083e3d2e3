// Where "auto" switches from the exact search to the approximate one: the fit's kNN (backend.ts) and transform's
// query search (query.ts) both decide by it.

/**
 * Largest n for which "auto" uses the exact kNN: up to here it costs at most about twice NN-descent (under
 * 0.2 s) and has no approximation; above, NN-descent wins by a growing factor (bench/knn-auto.js).
 */
export const AUTO_EXACT_MAX_N = 3000;
