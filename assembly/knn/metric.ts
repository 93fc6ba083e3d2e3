// The distance of a kNN index, resolved once per task call (hnswlib's habit): every kernel that compares rows
// is generic over a metric class and instantiated per metric at compile time, so no inner loop branches on
// it. A metric is one class: `rank` orders pairs (for Euclidean the squared distance), `rankBounded` may stop
// early once it exceeds a bound (NN-descent rejects most candidates), `reported` turns a rank into the distance
// the caller sees, and `hyperplanes` says whether the random-projection trees may split its rows by Euclidean
// hyperplanes (else they split by which of two random rows is nearer under the metric: knn/rpforest.ts).
// Adding a metric is one class here, its id, and one case in withMetric.
//
// Cosine and correlation rank rows that the bindings made unit (and centred, for correlation) once per fit
// (knn/rows.ts normalizeRows): on unit rows |a − b|² = 2 − 2 cos(a, b), so the squared Euclidean distance orders
// pairs exactly as 1 − cos does, and reports 1 − cos as half of it. Hamming and Jaccard read 0/1 rows packed into
// bits (knn/rows.ts packBinaryRows), `stride` counting u32 words.

import { argInt } from "../parallel/control";
import { squaredDistance } from "../util/simd";
import { squaredDistanceBounded } from "./bounded";
import { hammingBits, jaccardDistance, manhattanDistance, manhattanDistanceBounded } from "./distances";

export const METRIC_EUCLIDEAN: i32 = 0;
export const METRIC_COSINE: i32 = 1;
export const METRIC_CORRELATION: i32 = 2;
export const METRIC_MANHATTAN: i32 = 3;
export const METRIC_HAMMING: i32 = 4;
export const METRIC_JACCARD: i32 = 5;

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
  // @ts-ignore: decorator
  @inline hyperplanes(): bool {
    return true;
  }
}

/**
 * 1 − cos(a, b) on unit rows: half their squared Euclidean distance. Also correlation's class: 1 − Pearson
 * correlation is the cosine of rows the bindings centred first, the same arithmetic under its own id.
 */
@final export class Cosine {
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
    return rank * 0.5;
  }
  // @ts-ignore: decorator
  @inline hyperplanes(): bool {
    return true;
  }
}

@final export class Manhattan {
  // @ts-ignore: decorator
  @inline rank(a: usize, b: usize, stride: i32): f32 {
    return manhattanDistance(a, b, stride);
  }
  // @ts-ignore: decorator
  @inline rankBounded(a: usize, b: usize, stride: i32, bound: f32): f32 {
    return manhattanDistanceBounded(a, b, stride, bound);
  }
  // @ts-ignore: decorator
  @inline reported(rank: f32): f32 {
    return rank;
  }
  // @ts-ignore: decorator
  @inline hyperplanes(): bool {
    return false;
  }
}

/** The number of coordinates in which two 0/1 rows differ. */
@final export class Hamming {
  // @ts-ignore: decorator
  @inline rank(a: usize, b: usize, stride: i32): f32 {
    return hammingBits(a, b, stride);
  }
  // @ts-ignore: decorator
  @inline rankBounded(a: usize, b: usize, stride: i32, bound: f32): f32 {
    return hammingBits(a, b, stride);
  }
  // @ts-ignore: decorator
  @inline reported(rank: f32): f32 {
    return rank;
  }
  // @ts-ignore: decorator
  @inline hyperplanes(): bool {
    return false;
  }
}

@final export class Jaccard {
  // @ts-ignore: decorator
  @inline rank(a: usize, b: usize, stride: i32): f32 {
    return jaccardDistance(a, b, stride);
  }
  // @ts-ignore: decorator
  @inline rankBounded(a: usize, b: usize, stride: i32, bound: f32): f32 {
    return jaccardDistance(a, b, stride);
  }
  // @ts-ignore: decorator
  @inline reported(rank: f32): f32 {
    return rank;
  }
  // @ts-ignore: decorator
  @inline hyperplanes(): bool {
    return false;
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
  else if (metric == METRIC_COSINE) runner.run<Cosine>(task, ctrl, thread);
  else if (metric == METRIC_CORRELATION) runner.run<Cosine>(task, ctrl, thread); // rows centred by the bindings
  else if (metric == METRIC_MANHATTAN) runner.run<Manhattan>(task, ctrl, thread);
  else if (metric == METRIC_HAMMING) runner.run<Hamming>(task, ctrl, thread);
  else if (metric == METRIC_JACCARD) runner.run<Jaccard>(task, ctrl, thread);
  else unreachable(); // a metric id the core does not know
}
