// The partition function of a layout, exact (threads split rows) or sampled.

import type { Core } from "../core/core.ts";

const SAMPLED_PAIRS = 1_000_000;
const ROWS_PER_CHUNK = 64;

export async function partitionFunction(core: Core, yPtr: number, n: number, dim: number, exact: boolean, seed: number): Promise<number> {
  const kernels = core.kernels;
  if (!exact) return kernels.partitionSampled(yPtr, n, dim, SAMPLED_PAIRS, seed);
  const mark = core.mark();
  const rowSums = core.alloc(n * 8);
  await core.run("partition", { y: yPtr, n, dim, rowSums, rowsPerChunk: ROWS_PER_CHUNK }, Math.ceil(n / ROWS_PER_CHUNK));
  const z = kernels.sumF64(rowSums, n);
  core.reset(mark);
  return z;
}
