// t-SNE's affinities in the core (SPEC §7): conditional rows from the neighbours' distances (perplexity-
// calibrated Gaussians, or binary), threaded over rows; then the symmetric, normalised CSR matrix P.

import type { Core } from "../core/core.ts";
import { throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";

export interface Affinities {
  n: number;
  /** i32[n + 1] */
  rowPtr: number;
  /** i32[nnz] columns, ascending within each row */
  colPtr: number;
  /** f32[nnz] p_ij, summing to 1 */
  valPtr: number;
  nnz: number;
  /** Σ p log p, the constant part of the KL divergence */
  plogp: number;
}

const ROWS_PER_CHUNK = 64;

/**
 * The conditional affinities p_{j|i} (f32[n·k], each row summing to 1) of the neighbours knnPtr (i32[n·k]) at
 * distances distPtr (f32[n·k], ascending): Gaussian at `perplexity`, or uniform (1/k) when perplexity is 0.
 */
export async function conditionalAffinities(core: Core, distPtr: number, n: number, k: number, perplexity: number): Promise<number> {
  const out = core.alloc(n * k * 4);
  await core.run("tsneAffinities", { distances: distPtr, n, k, perplexity, out, rowsPerChunk: ROWS_PER_CHUNK }, Math.ceil(n / ROWS_PER_CHUNK));
  return out;
}

/**
 * p_ij = (p_{j|i} + p_{i|j}) / (2n) over the union of the kNN lists. Sequential, O(n·k). Everything allocated
 * from `mark` on (the conditional rows and this step's scratch) is freed: the matrix is moved down to `mark`.
 */
export function symmetricAffinities(core: Core, knnPtr: number, condPtr: number, n: number, k: number, rowPtr: number, mark: number): Affinities {
  const kernels = core.kernels;
  const revPtr = core.alloc((n + 1) * 4);
  const revPos = core.alloc(n * k * 4);
  const stamp = core.alloc(n * 4);
  const slot = core.alloc(n * 4);
  core.i32(stamp, n).fill(-1);
  const nnz = kernels.tsneSymmetricCount(knnPtr, n, k, revPtr, revPos, rowPtr, stamp);
  const cols = core.alloc(nnz * 4);
  const vals = core.alloc(nnz * 4);
  const acc = core.alloc(nnz * 12);
  core.i32(stamp, n).fill(-1);
  const plogp = kernels.tsneSymmetricFill(knnPtr, condPtr, n, k, revPtr, revPos, rowPtr, cols, vals, slot, stamp, acc);
  core.reset(mark);
  // the new blocks start at mark, below the old ones: a forward copy never overwrites what it has yet to read
  const colPtr = core.alloc(nnz * 4);
  core.i32(colPtr, nnz).set(core.i32(cols, nnz));
  const valPtr = core.alloc(nnz * 4);
  core.f32(valPtr, nnz).set(core.f32(vals, nnz));
  return { n, rowPtr, colPtr, valPtr, nnz, plogp };
}

/** Both steps, reporting progress; the conditional rows and the scratch are freed, the matrix kept. */
export async function computeAffinities(
  core: Core, knnPtr: number, distPtr: number, n: number, k: number, perplexity: number, ctl: PhaseControl,
): Promise<Affinities> {
  ctl.progress?.(0);
  const rowPtr = core.alloc((n + 1) * 4);
  const mark = core.mark();
  const cond = await conditionalAffinities(core, distPtr, n, k, perplexity);
  throwIfAborted(ctl.signal);
  ctl.progress?.(0.5);
  const p = symmetricAffinities(core, knnPtr, cond, n, k, rowPtr, mark);
  ctl.progress?.(1);
  return p;
}
