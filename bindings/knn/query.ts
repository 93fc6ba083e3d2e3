// kNN of query rows against reference rows (new points against a fitted embedding's rows), two ways:
// - exact: the core's knnQuery task, SIMD brute force on all threads;
// - graph: the core's knnGraphQuery task, a best-first search of the reference rows' own neighbour graph (the
//   fit's symmetrised kNN graph, which a saved model rebuilds from its neighbour indices), as PyNNDescent
//   queries its index. Both run in blocks so that progress and abort are checked between them.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import type { KnnMethod } from "../options/embedding.ts";
import { AUTO_EXACT_MAX_N } from "./auto.ts";
import type { KnnBuffers } from "./exact.ts";
import { withMetric, type KnnMetric } from "./metric.ts";

const ROWS_PER_CHUNK = 4;

/** How the neighbours of new rows are searched: "auto" picks by the number of reference rows. */
export type QueryMethod = "auto" | "exact" | "nndescent";
export const QUERY_METHODS: readonly QueryMethod[] = ["auto", "exact", "nndescent"];

/** The reference rows' neighbour graph in the core: CSR, i32[n + 1] row starts and i32[E] neighbours. */
export interface ReferenceGraph {
  rowPtr: number;
  colPtr: number;
}

/**
 * The graph search's settings, chosen with bench/transform.js --sweep (Fashion-MNIST, 10,000 test rows against
 * the 60,000 training rows in PCA-50, k = 15): `ef` rows kept while searching is the recall/speed knob (recall@15
 * 0.982, 0.990, 0.994, 0.996, 0.998, 0.999 at ef = 15, 20, 25, 30, 40, 60; time grows about linearly with it);
 * `entries` evenly spaced rows every search starts from besides its leaf's rows matter little there (16 to 64
 * within 0.0002 of recall) but reach pieces of the graph that the tree misroutes; leaves of at most `leafSize`
 * rows.
 */
export const GRAPH_QUERY_PARAMS = { ef: 30, entries: 32, leafSize: 32 };

/** The method a transform uses: its own choice, else the fit's ("hnsw" keeps no index: its graph is searched). */
export function chooseQueryMethod(method: QueryMethod | undefined, fitMethod: KnnMethod | undefined, n: number): "exact" | "nndescent" {
  const m = method ?? (fitMethod === "exact" ? "exact" : fitMethod === "nndescent" || fitMethod === "hnsw" ? "nndescent" : "auto");
  if (m !== "auto") return m;
  return n <= AUTO_EXACT_MAX_N ? "exact" : "nndescent";
}

function checkShapes(reference: CoreMatrix, queries: CoreMatrix, k: number): void {
  if (queries.stride !== reference.stride || queries.dim !== reference.dim) {
    fail(`query rows have ${queries.dim} values; the reference rows have ${reference.dim}`);
  }
  if (!Number.isInteger(k) || k < 1 || k > reference.n) fail(`k = ${k} must be an integer from 1 to the ${reference.n} reference rows`);
}

/** The k nearest reference rows of every query row (i32/f32[queries.n × k] in the core, ascending, ties by index). */
export async function queryKnn(
  core: Core, reference: CoreMatrix, queries: CoreMatrix, k: number, ctl: PhaseControl & { metric?: KnnMetric } = {},
): Promise<KnnBuffers> {
  checkShapes(reference, queries, k);
  const indicesPtr = core.alloc(queries.n * k * 4);
  const distancesPtr = core.alloc(queries.n * k * 4);
  // a block costs about blockRows × reference.n distances: ~1e8 of them between checks
  const blockRows = Math.max(16, Math.min(queries.n, Math.ceil(1e8 / (reference.n * reference.stride))));
  for (let begin = 0; begin < queries.n; begin += blockRows) {
    throwIfAborted(ctl.signal);
    const end = Math.min(queries.n, begin + blockRows);
    await core.run(
      "knnQuery",
      withMetric(core, {
        data: reference.ptr, n: reference.n, stride: reference.stride, k, rowBegin: begin, rowEnd: end,
        outIndices: indicesPtr, outDistances: distancesPtr, rowsPerChunk: ROWS_PER_CHUNK, query: queries.ptr,
      }, ctl.metric),
      Math.ceil((end - begin) / ROWS_PER_CHUNK),
    );
    ctl.progress?.(end / queries.n);
  }
  throwIfAborted(ctl.signal);
  return { indicesPtr, distancesPtr };
}

/**
 * The approximate k nearest reference rows of every query row by searching `graph` (the neighbour graph of the
 * reference rows). Same output as queryKnn; equal to it when every row is reached (ef ≥ n on a connected graph,
 * or entries ≥ n). Deterministic: the same bits on any thread count.
 */
export async function queryGraphKnn(
  core: Core, reference: CoreMatrix, graph: ReferenceGraph, queries: CoreMatrix, k: number,
  ctl: PhaseControl & { metric?: KnnMetric; ef?: number; entries?: number; seed?: number } = {},
): Promise<KnnBuffers> {
  checkShapes(reference, queries, k);
  const n = reference.n;
  const ef = Math.min(n, Math.max(k, ctl.ef ?? GRAPH_QUERY_PARAMS.ef));
  // at least k distinct entries, so that k rows are found even when the graph does not reach k more
  const entries = Math.min(n, Math.max(k, ctl.entries ?? GRAPH_QUERY_PARAMS.entries));
  if (!Number.isInteger(ef) || !Number.isInteger(entries)) fail(`ef and entries must be integers, got ${ef} and ${entries}`);
  const indicesPtr = core.alloc(queries.n * k * 4);
  const distancesPtr = core.alloc(queries.n * k * 4);
  const mark = core.mark();
  try {
    // the search tree of the reference rows, whose leaves give each query its first entry rows
    const maxNodes = core.kernels.searchTreeMaxNodes(n, GRAPH_QUERY_PARAMS.leafSize);
    const tree = {
      perm: core.alloc(n * 4), scratch: core.alloc(n * 4), nodes: core.alloc(maxNodes * 8), offsets: core.alloc(maxNodes * 4),
      normals: core.alloc(maxNodes * reference.stride * 4),
    };
    core.kernels.searchTreeBuild(
      reference.ptr, n, reference.stride, GRAPH_QUERY_PARAMS.leafSize, ctl.seed ?? 0, tree.perm, tree.scratch, tree.nodes, tree.offsets, tree.normals,
    );
    // queries are searched leaf by leaf, so that consecutive searches find their reference rows in cache
    const order = core.alloc(queries.n * 4);
    const sortMark = core.mark();
    core.kernels.searchTreeQueryOrder(
      queries.ptr, queries.n, queries.stride, tree.nodes, tree.offsets, tree.normals, maxNodes, order,
      core.alloc((maxNodes + 1) * 4), core.alloc(queries.n * 4),
    );
    core.reset(sortMark);
    const threadBytes = core.kernels.graphQueryScratchBytes(n, ef);
    const scratchPtr = core.alloc(core.threads * threadBytes);
    // the stamps must not hold tags of an earlier search that used the same memory
    for (let t = 0; t < core.threads; t++) core.i32(scratchPtr + t * threadBytes, n).fill(0);
    const blockRows = Math.max(64, Math.ceil(queries.n / 20));
    for (let begin = 0; begin < queries.n; begin += blockRows) {
      throwIfAborted(ctl.signal);
      const end = Math.min(queries.n, begin + blockRows);
      await core.run(
        "knnGraphQuery",
        withMetric(core, {
          data: reference.ptr, n, stride: reference.stride, k, rowBegin: begin, rowEnd: end, outIndices: indicesPtr,
          outDistances: distancesPtr, rowsPerChunk: ROWS_PER_CHUNK, query: queries.ptr, rowPtr: graph.rowPtr,
          colPtr: graph.colPtr, ef, entries, scratch: scratchPtr, treeNodes: tree.nodes, treeOffsets: tree.offsets,
          treeNormals: tree.normals, treePerm: tree.perm, order,
        }, ctl.metric),
        Math.ceil((end - begin) / ROWS_PER_CHUNK),
      );
      ctl.progress?.(end / queries.n);
    }
    throwIfAborted(ctl.signal);
  } finally {
    core.reset(mark);
  }
  return { indicesPtr, distancesPtr };
}
