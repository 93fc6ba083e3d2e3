// A t-SNE fit's core state from a saved model: its neighbours, the affinities' sparsity (the graph that a
// transform's graph search walks: the union of the kNN lists, columns ascending, as the fit's P) and its layout.
// The affinities' values are not kept: a restored fit places new points, it does not optimise further.

import type { Core } from "../core/core.ts";
import { fail } from "../errors.ts";
import type { EmbeddingState } from "../handle/state.ts";
import type { GraphBuffers } from "../embedding/graph.ts";
import { allocateOptimizer } from "../embedding/optimizer.ts";
import type { Prepared } from "../embedding/pipeline.ts";
import { symmetricAffinities } from "./affinities.ts";

export function restoreTsnePrepared(core: Core, knnIndices: Int32Array, n: number, k: number, layout: Float32Array): Prepared {
  const knnPtr = core.alloc(knnIndices.byteLength);
  core.i32(knnPtr, knnIndices.length).set(knnIndices);
  const rowPtr = core.alloc((n + 1) * 4);
  const mark = core.mark();
  // the structure does not depend on the values: zeros stand in for the conditional affinities
  const cond = core.alloc(n * k * 4);
  core.f32(cond, n * k).fill(0);
  const p = symmetricAffinities(core, knnPtr, cond, n, k, rowPtr, mark);
  const graph: GraphBuffers = { n, rowPtr: p.rowPtr, colPtr: p.colPtr, edgesPtr: 0, edgeCount: p.nnz };
  const optimizer = allocateOptimizer(core, n, 2, 0, 0);
  core.f32(optimizer.yPtr, n * 2).set(layout);
  return { n, knnPtr, k, graph, optimizer };
}

/** A t-SNE layout's saved state against the options it was restored with (p: k, perplexity, dof resolved for n). */
export function checkTsneState(state: EmbeddingState, p: { loss: string; k: number; perplexity: number; dof: number }, n: number): void {
  if (p.loss !== "tsne" || state.lastLoss !== "tsne" || state.target?.loss !== "tsne") {
    fail(`a t-SNE layout has loss "tsne" in its options, lastLoss and target (got ${p.loss}, ${state.lastLoss}, ${state.target?.loss})`);
  }
  const t = state.tsne;
  if (t === null || typeof t !== "object") fail("state.tsne is missing: a t-SNE layout keeps its perplexity, dof and Z");
  if (t.perplexity !== p.perplexity) fail(`state.tsne.perplexity is ${t.perplexity}; the options give ${p.perplexity} for ${n} points`);
  if (t.dof !== p.dof) fail(`state.tsne.dof is ${t.dof}; the options give ${p.dof}`);
  if (t.z !== undefined && !(typeof t.z === "number" && t.z > 0 && t.z < Infinity)) fail(`state.tsne.z must be a positive finite number, got ${t.z}`);
  if (!(state.knnIndices instanceof Int32Array) || state.knnIndices.length !== n * p.k) {
    fail(`state.knnIndices must be an Int32Array of n × k = ${n} × ${p.k} row indices (k = 3·perplexity)`);
  }
  for (let i = 0; i < state.knnIndices.length; i++) {
    const j = state.knnIndices[i];
    if (!(j >= 0 && j < n)) fail(`state.knnIndices[${i}] = ${j} is not a row index in [0, ${n})`);
  }
}
