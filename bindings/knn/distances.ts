// The distances a neighbour search can use, named once: the options table's `metric` choices
// (options/embedding.ts) and the core's metric ids (core/abi.ts, METRIC_<NAME> of assembly/knn/metric.ts) are
// read from this list.

export const METRIC_NAMES = ["euclidean", "cosine", "correlation", "manhattan", "hamming", "jaccard"] as const;
