// The per-pair losses' view of a t-SNE fit: the binary kNN graph their optimiser walks (SPEC §1.4), built from
// the t-SNE fit's own neighbours, so that Neg-t-SNE and the others continue from a t-SNE layout (optimize(), the
// spectrum walk from its t-SNE end) or run at a t-SNE fit's Z̄ (zBar "tsne") without a second neighbour search.

import type { Core } from "../core/core.ts";
import { buildGraph } from "../embedding/graph.ts";
import { DEFAULTS } from "../embedding/params.ts";
import type { Prepared } from "../embedding/pipeline.ts";

/**
 * Neighbours of the per-pair graph: the per-pair losses' default k (15), or all of the fit's when it has fewer
 * (binary affinities with a smaller k).
 */
export function pairNeighbours(fitK: number): number {
  return Math.min(DEFAULTS.k, fitK);
}

/**
 * Turns a t-SNE fit's state into a per-pair fit's: the first k (at most the fit's) neighbours of each row (the search returns them
 * nearest first, so these are the k-NN), union-symmetrised with edges shuffled by `seed` (buildGraph, as a
 * per-pair fit builds it), and the optimiser pointed at those edges. The fit's knnPtr, k and graph become the
 * per-pair graph's; t-SNE's own affinities stay in its optimiser state. The layout is not touched.
 */
export function usePairGraph(core: Core, fit: Prepared, neighbours: number, seed: number): void {
  const k = Math.min(neighbours, fit.k);
  let knnPtr = fit.knnPtr;
  if (k < fit.k) {
    knnPtr = core.alloc(fit.n * k * 4);
    // a strided copy of i32 rows: the bytes move as they are
    core.kernels.packRows(fit.knnPtr, fit.n, k, fit.k, knnPtr);
  }
  const graph = buildGraph(core, knnPtr, fit.n, k, seed);
  if (k < fit.k && fit.knnDistancesPtr !== undefined) {
    // the search's distances (the handle's knnGraph) follow their neighbours: the first k of each row
    const distancesPtr = core.alloc(fit.n * k * 4);
    core.kernels.packRows(fit.knnDistancesPtr, fit.n, k, fit.k, distancesPtr);
    fit.knnDistancesPtr = distancesPtr;
  }
  fit.knnPtr = knnPtr;
  fit.k = k;
  fit.graph = graph;
  fit.optimizer.edgesPtr = graph.edgesPtr;
  fit.optimizer.edgeCount = graph.edgeCount;
}
