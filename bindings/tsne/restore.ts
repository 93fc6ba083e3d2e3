// A t-SNE fit's core state from a saved model (tsne/session.ts restores through it): its neighbours, their
// distances when the model keeps them (the affinities are rebuilt from them to optimise further) and its layout;
// the affinities' sparsity alone (the graph a transform's graph search walks); and the checks of a saved state's
// t-SNE fields against the options it is restored with.

import type { Core } from "../core/core.ts";
import { fail } from "../errors.ts";
import type { EmbeddingState } from "../handle/state.ts";
import type { GraphBuffers } from "../embedding/graph.ts";
import { allocateOptimizer } from "../embedding/optimizer.ts";
import type { Prepared } from "../embedding/pipeline.ts";
import { symmetricAffinities } from "./affinities.ts";

/** The neighbours, their distances (0 when the model has none) and the layout; the graph is the session's to set. */
export function restoreTsneFit(core: Core, state: EmbeddingState, n: number, k: number): { fit: Prepared; distancesPtr: number } {
  const knnPtr = core.alloc(state.knnIndices.byteLength);
  core.i32(knnPtr, state.knnIndices.length).set(state.knnIndices);
  const distances = state.tsne?.distances;
  const distancesPtr = distances ? core.putF32(distances) : 0;
  const optimizer = allocateOptimizer(core, n, 2, 0, 0);
  core.f32(optimizer.yPtr, n * 2).set(state.embedding);
  const graph: GraphBuffers = { n, rowPtr: 0, colPtr: 0, edgesPtr: 0, edgeCount: 0 };
  return { fit: { n, knnPtr, k, graph, optimizer }, distancesPtr };
}

/**
 * The affinities' sparsity (the union of the kNN lists, columns ascending, as the fit's P) without their
 * values: what a transform of a restored t-SNE layout walks. Allocated at the arena's top.
 */
export function affinitySparsity(core: Core, knnPtr: number, n: number, k: number): GraphBuffers {
  const rowPtr = core.alloc((n + 1) * 4);
  const mark = core.mark();
  // the structure does not depend on the values: zeros stand in for the conditional affinities
  const cond = core.alloc(n * k * 4);
  core.f32(cond, n * k).fill(0);
  const p = symmetricAffinities(core, knnPtr, cond, n, k, rowPtr, mark);
  return { n, rowPtr: p.rowPtr, colPtr: p.colPtr, edgesPtr: 0, edgeCount: p.nnz };
}

const finiteArray = (a: unknown, length: number): boolean => a instanceof Float32Array && a.length === length && a.every(Number.isFinite);

/** A t-SNE fit's saved state against the options it was restored with (p: k, perplexity, dof resolved for n). */
export function checkTsneState(state: EmbeddingState, p: { loss: string; k: number; perplexity: number; dof: number }, n: number): void {
  if (p.loss !== "tsne") fail(`a t-SNE fit has loss "tsne" in its options (got ${p.loss})`);
  const t = state.tsne;
  if (t === null || typeof t !== "object") fail("state.tsne is missing: a t-SNE fit keeps its perplexity and dof");
  if (t.perplexity !== p.perplexity) fail(`state.tsne.perplexity is ${t.perplexity}; the options give ${p.perplexity} for ${n} points`);
  if (t.dof !== p.dof) fail(`state.tsne.dof is ${t.dof}; the options give ${p.dof}`);
  const positive = (x: unknown) => typeof x === "number" && x > 0 && x < Infinity;
  if (t.z !== undefined && !positive(t.z)) fail(`state.tsne.z must be a positive finite number, got ${t.z}`);
  if (t.iterationZ !== undefined && !positive(t.iterationZ)) fail(`state.tsne.iterationZ must be a positive finite number, got ${t.iterationZ}`);
  if (!(state.knnIndices instanceof Int32Array) || state.knnIndices.length !== n * p.k) {
    fail(`state.knnIndices must be an Int32Array of n × k = ${n} × ${p.k} row indices (k = 3·perplexity)`);
  }
  for (let i = 0; i < state.knnIndices.length; i++) {
    const j = state.knnIndices[i];
    if (!(j >= 0 && j < n)) fail(`state.knnIndices[${i}] = ${j} is not a row index in [0, ${n})`);
  }
  if (t.distances !== undefined && !(finiteArray(t.distances, n * p.k) && t.distances.every((d) => d >= 0))) {
    fail(`state.tsne.distances must be a Float32Array of n × k = ${n} × ${p.k} finite non-negative distances`);
  }
  if ((t.update === undefined) !== (t.gains === undefined)) fail("state.tsne.update and state.tsne.gains come together (the optimiser's momentum and gains)");
  if (t.update !== undefined && !(finiteArray(t.update, 2 * n) && finiteArray(t.gains, 2 * n))) {
    fail(`state.tsne.update and state.tsne.gains must be Float32Arrays of n × 2 = ${2 * n} finite values`);
  }
}
