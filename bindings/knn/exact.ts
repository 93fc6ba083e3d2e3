// Exact kNN on a core: rows are split into blocks so progress and abort are checked between blocks, and
// each block into small chunks that threads take by work stealing.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import { withMetric, type KnnMetric } from "./metric.ts";

export interface KnnBuffers {
  /** i32[n * k] in the core */
  indicesPtr: number;
  /** f32[n * k] in the core, the metric's distances, ascending */
  distancesPtr: number;
}

export type { PhaseControl };

const ROWS_PER_CHUNK = 4;

export async function exactKnn(core: Core, m: CoreMatrix, k: number, ctl: PhaseControl & { metric?: KnnMetric } = {}): Promise<KnnBuffers> {
  const indicesPtr = core.alloc(m.n * k * 4);
  const distancesPtr = core.alloc(m.n * k * 4);
  // ~50 blocks, but at least 256 rows each so a block is worth a wake-up of the workers
  const blockRows = Math.max(256, Math.ceil(m.n / 50));
  for (let begin = 0; begin < m.n; begin += blockRows) {
    throwIfAborted(ctl.signal);
    const end = Math.min(m.n, begin + blockRows);
    const chunks = Math.ceil((end - begin) / ROWS_PER_CHUNK);
    await core.run(
      "knnExact",
      withMetric(core, {
        data: m.ptr, n: m.n, stride: m.stride, k, rowBegin: begin, rowEnd: end, outIndices: indicesPtr,
        outDistances: distancesPtr, rowsPerChunk: ROWS_PER_CHUNK,
      }, ctl.metric),
      chunks,
    );
    ctl.progress?.(end / m.n);
  }
  throwIfAborted(ctl.signal);
  return { indicesPtr, distancesPtr };
}
