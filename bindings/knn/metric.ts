// The distance of a kNN search, as the bindings name it and hand it to the core: an id in a fixed argument
// slot of every kNN task, read once per task call (assembly/knn/metric.ts).

import type { Core, CoreLayout } from "../core/core.ts";

/** A distance the core knows. */
export type KnnMetric = keyof CoreLayout["metric"];

/** A kNN or NN-descent task's arguments with the metric's id in its slot. */
export function withMetric<A extends object>(core: Core, args: A, metric: KnnMetric = "euclidean"): A & { metric: number } {
  return { ...args, metric: core.layout.metric[metric] };
}
