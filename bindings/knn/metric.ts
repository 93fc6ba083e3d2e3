// The distance of a kNN search, as the bindings name it and hand it to the core: an id in a fixed argument
// slot of every kNN task, read once per task call (assembly/knn/metric.ts).

import type { Core, CoreLayout } from "../core/core.ts";

/** A distance the core knows. */
export type KnnMetric = keyof CoreLayout["metric"];

/** A kNN task's arguments with the metric's id in its slot (the other free slots zero). */
export function withMetric(core: Core, args: readonly number[], metric: KnnMetric = "euclidean"): number[] {
  const out = new Array<number>(Math.max(args.length, core.layout.knnArg.metric + 1)).fill(0);
  args.forEach((v, i) => { out[i] = v; });
  out[core.layout.knnArg.metric] = core.layout.metric[metric];
  return out;
}
