// The distance of a kNN index, resolved once per task call (hnswlib's habit): every kernel that compares rows
// is generic over a metric class and instantiated per metric at compile time, so no inner loop branches on
// it. A metric is one class: `rank` orders pairs (here the squared distance), `rankBounded` may stop early
// once it exceeds a bound (NN-descent rejects most candidates), `reported` turns a rank into the distance the
// caller sees. Adding a metric (cosine, inner product) is one class here, its id, and one case in withMetric.

import { argInt } from "../parallel/control";
import { squaredDistance } from "../util/simd";
import { squaredDistanceBounded } from "./bounded";

export const METRIC_EUCLIDEAN: i32 = 0;

/** The argument slot of every kNN task that holds the metric id (the last slot, free in all of them). */
export const ARG_KNN_METRIC: i32 = 23;

@final export class Euclidean {
  // @ts-ignore: decorator
  @inline rank(a: usize, b: usize, stride: i32): f32 {
    return squaredDistance(a, b, stride);
  }
  // @ts-ignore: decorator
  @inline rankBounded(a: usize, b: usize, stride: i32, bound: f32): f32 {
    return squaredDistanceBounded(a, b, stride, bound);
  }
  // @ts-ignore: decorator
  @inline reported(rank: f32): f32 {
    return Mathf.sqrt(rank);
  }
}

/** The metric object of a kernel instantiated for M: no allocation, its methods never read `this`. */
// @ts-ignore: decorator
@inline export function metricOf<M>(): M {
  return changetype<M>(0);
}

/**
 * Runs `runner.run<M>(task, ctrl, thread)` with M the metric class of the id in ARG_KNN_METRIC: the one
 * dispatch from a metric id to its class, for every task that compares rows (knn/tasks.ts,
 * knn/nndescent_tasks.ts). A runner is an unmanaged class with no fields and one generic method
 * `run<M>(task: i32, ctrl: usize, thread: i32): void`. Traps on an id the core does not know.
 */
export function withMetric<R>(runner: R, task: i32, ctrl: usize, thread: i32): void {
  const metric = argInt(ctrl, ARG_KNN_METRIC);
  if (metric == METRIC_EUCLIDEAN) runner.run<Euclidean>(task, ctrl, thread);
  else unreachable(); // a metric id the core does not know
}
