// Prepare a fit: data in → (PCA-50 when dim > 100) → kNN → graph → initial layout. Each stage reports its
// progress and checks the signal; everything stays in the core's memory.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { KnnMethod } from "../options/embedding.ts";
import type { Stage } from "../options/common.ts";
import { exactKnn, type KnnBuffers } from "../knn/exact.ts";
import { nndescentKnn } from "../knn/nndescent.ts";
import { hnswKnn } from "../knn/hnsw.ts";
import { pcaScores } from "../pca/index.ts";
import { buildGraph, type GraphBuffers } from "./graph.ts";
import { initialLayout } from "./init.ts";
import type { ResolvedParams } from "./params.ts";
import type { OptimizerState } from "./optimizer.ts";
import { allocateOptimizer } from "./optimizer.ts";
import { checkDegenerate } from "../validate/degenerate.ts";

/** Dimensions above which the neighbour search runs on the first 50 principal components (SPEC §1.2). */
export const PCA_SEARCH_THRESHOLD = 100;
export const PCA_SEARCH_COMPONENTS = 50;
/**
 * Largest n for which "auto" uses the exact kNN: up to here it costs at most about twice NN-descent (under
 * 0.2 s) and has no approximation; above, NN-descent wins by a growing factor (bench/knn-auto.js).
 */
export const AUTO_EXACT_MAX_N = 3000;

export interface Control {
  signal?: AbortSignal;
  report: (fraction: number, stage: Stage) => void;
}

export interface Prepared {
  data: CoreMatrix;
  /** the space the neighbours were searched in (data, or its PCA-50 scores) */
  search: CoreMatrix;
  knnPtr: number;
  k: number;
  graph: GraphBuffers;
  optimizer: OptimizerState;
}

export function chooseKnnMethod(method: KnnMethod, n: number): Exclude<KnnMethod, "auto"> {
  if (method !== "auto") return method;
  return n <= AUTO_EXACT_MAX_N ? "exact" : "nndescent";
}

async function findNeighbours(core: Core, search: CoreMatrix, p: ResolvedParams, ctl: Control): Promise<KnnBuffers> {
  const method = chooseKnnMethod(p.knn, search.n);
  const phase = { signal: ctl.signal, progress: (f: number) => ctl.report(f, "knn") };
  if (method === "exact") return exactKnn(core, search, p.k, phase);
  if (method === "nndescent") return nndescentKnn(core, search, p.k, { seed: p.seed, ...phase });
  // hnswlib-wasm runs in JS memory: copy the search space out, the neighbours back in
  const values = new Float32Array(search.n * search.dim);
  const kernels = core.kernels;
  const tmp = core.alloc(values.byteLength);
  kernels.packRows(search.ptr, search.n, search.dim, search.stride, tmp);
  values.set(core.f32(tmp, values.length));
  const r = await hnswKnn(values, search.n, search.dim, p.k, { seed: p.seed, ...phase });
  const indicesPtr = core.alloc(r.indices.byteLength);
  core.i32(indicesPtr, r.indices.length).set(r.indices);
  const distancesPtr = core.alloc(r.distances.byteLength);
  core.f32(distancesPtr, r.distances.length).set(r.distances);
  return { indicesPtr, distancesPtr };
}

function putPrecomputed(core: Core, indices: Int32Array, n: number, k: number): number {
  if (!(indices instanceof Int32Array)) fail("knnIndices must be an Int32Array (n × k, row-major)");
  if (indices.length !== n * k) fail(`knnIndices has ${indices.length} entries but n × k = ${n} × ${k} = ${n * k}`);
  const ptr = core.alloc(indices.byteLength);
  const view = core.i32(ptr, indices.length);
  view.set(indices);
  for (let i = 0; i < indices.length; i++) {
    const j = view[i];
    if (!(j >= 0 && j < n)) fail(`knnIndices[${i}] = ${j} is not a row index in [0, ${n})`);
  }
  return ptr;
}

/**
 * `data` is the input already in the core (putMatrix with scale "safe"), so that callers can let go of their JS
 * copy before the fit grows memory.
 */
export async function prepare(core: Core, data: CoreMatrix, p: ResolvedParams, ctl: Control): Promise<Prepared> {
  checkDegenerate(core, data, p.k, p.warn);
  let search = data;
  let knnPtr: number;
  if (p.knnIndices) {
    knnPtr = putPrecomputed(core, p.knnIndices, data.n, p.k);
    ctl.report(1, "knn");
  } else {
    if (data.dim > PCA_SEARCH_THRESHOLD) {
      search = await pcaScores(core, data, PCA_SEARCH_COMPONENTS, {
        seed: p.seed, signal: ctl.signal, progress: (f) => ctl.report(f, "pca"),
      });
    }
    throwIfAborted(ctl.signal);
    knnPtr = (await findNeighbours(core, search, p, ctl)).indicesPtr;
  }
  throwIfAborted(ctl.signal);
  ctl.report(0, "graph");
  const graph = buildGraph(core, knnPtr, data.n, p.k, p.seed);
  ctl.report(1, "graph");
  const optimizer = allocateOptimizer(core, data.n, p.outDim, graph.edgesPtr, graph.edgeCount);
  throwIfAborted(ctl.signal);
  await initialLayout(core, p, data, search, graph, optimizer, ctl);
  return { data, search, knnPtr, k: p.k, graph, optimizer };
}
