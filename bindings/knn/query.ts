// Exact kNN of query rows against reference rows (new points against a fitted embedding's rows): the core's
// knnQuery task, SIMD brute force on all threads, in blocks so progress and abort are checked between them.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import type { KnnBuffers } from "./exact.ts";
import { withMetric, type KnnMetric } from "./metric.ts";

const ROWS_PER_CHUNK = 4;

/** The k nearest reference rows of every query row (i32/f32[queries.n × k] in the core, ascending, ties by index). */
export async function queryKnn(
  core: Core, reference: CoreMatrix, queries: CoreMatrix, k: number, ctl: PhaseControl & { metric?: KnnMetric } = {},
): Promise<KnnBuffers> {
  if (queries.stride !== reference.stride || queries.dim !== reference.dim) {
    fail(`query rows have ${queries.dim} values; the reference rows have ${reference.dim}`);
  }
  if (k > reference.n) fail(`k = ${k} exceeds the ${reference.n} reference rows`);
  const indicesPtr = core.alloc(queries.n * k * 4);
  const distancesPtr = core.alloc(queries.n * k * 4);
  // a block costs about blockRows × reference.n distances: ~1e8 of them between checks
  const blockRows = Math.max(16, Math.min(queries.n, Math.ceil(1e8 / (reference.n * reference.stride))));
  for (let begin = 0; begin < queries.n; begin += blockRows) {
    throwIfAborted(ctl.signal);
    const end = Math.min(queries.n, begin + blockRows);
    await core.run(
      "knnQuery",
      withMetric(core, [reference.ptr, reference.n, reference.stride, k, begin, end, indicesPtr, distancesPtr, ROWS_PER_CHUNK, queries.ptr], ctl.metric),
      Math.ceil((end - begin) / ROWS_PER_CHUNK),
    );
    ctl.progress?.(end / queries.n);
  }
  throwIfAborted(ctl.signal);
  return { indicesPtr, distancesPtr };
}
