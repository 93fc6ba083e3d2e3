// The kNN graph in the core: union-symmetrised CSR and the shuffled directed edge list the optimiser walks.

import type { Core } from "../core/core.ts";

export interface GraphBuffers {
  n: number;
  /** i32[n + 1] */
  rowPtr: number;
  /** i32[E] column indices, sorted within each row */
  colPtr: number;
  /** i32[2E] (head, tail) pairs in a seeded random order */
  edgesPtr: number;
  /** directed edges E (each undirected edge counted twice) */
  edgeCount: number;
}

/** Builds the graph from kNN indices (i32[n·k] in the core). Sequential: O(n·k), a few ms at 70k. */
export function buildGraph(core: Core, knnPtr: number, n: number, k: number, seed: number): GraphBuffers {
  const kernels = core.kernels;
  const rowPtr = core.alloc((n + 1) * 4);
  const candidates = kernels.graphCountCandidates(knnPtr, n, k, rowPtr);
  const colPtr = core.alloc(candidates * 4);
  const mark = core.mark();
  const cursorPtr = core.alloc(n * 4);
  const edgeCount = kernels.graphBuild(knnPtr, n, k, rowPtr, colPtr, cursorPtr);
  core.reset(mark);
  const edgesPtr = core.alloc(edgeCount * 8);
  kernels.graphShuffledEdges(rowPtr, colPtr, n, edgesPtr, seed);
  return { n, rowPtr, colPtr, edgesPtr, edgeCount };
}
