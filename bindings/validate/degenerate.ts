// Degenerate data, reported instead of embedded silently: rows that are all identical (zero variance) are an
// error; fewer distinct rows than k + 1 is a warning, because every neighbour list is then mostly duplicates.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail } from "../errors.ts";

/** Checks the data in the core before any neighbour search; `warn` receives one sentence. */
export function checkDegenerate(core: Core, data: CoreMatrix, k: number, warn: (message: string) => void): void {
  let tableSize = 4;
  while (tableSize < 2 * (k + 1)) tableSize *= 2;
  const mark = core.mark();
  let distinct: number;
  try {
    const table = core.alloc(tableSize * 4);
    distinct = core.kernels.countDistinctRows(data.ptr, data.n, data.dim, data.stride, k, table, tableSize);
  } finally {
    core.reset(mark);
  }
  if (distinct === 1) fail(`data has zero variance: all ${data.n} rows are identical, so there is nothing to embed`);
  if (distinct <= k) {
    warn(
      `data has only ${distinct} distinct rows, fewer than k + 1 = ${k + 1}: the neighbours of every point are mostly ` +
        `exact duplicates, so the layout can show at most ${distinct} separate groups`,
    );
  }
}

/**
 * Warns when the kNN graph is nearly complete (k + 1 > n/2): every point is then attracted to most others and
 * the layout collapses toward a point (measured: n = 16, 20, 31 at k = 15 give layouts 0.01–0.4 across, n = 60
 * gives 12).
 */
export function checkNeighbourFraction(n: number, k: number, warn: (message: string) => void): void {
  if (2 * (k + 1) <= n) return;
  warn(
    `k = ${k} neighbours of n = ${n} points: each point's neighbours are ${Math.round((100 * k) / (n - 1))}% of the data, ` +
      `so the layout collapses toward a point; use k ≤ ${Math.max(1, Math.floor(n / 2) - 1)} (k + 1 ≤ n/2)`,
  );
}
