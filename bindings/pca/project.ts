// A fitted PCA as a reusable stage: project new rows with the kept mean and components (the core's pcaMultiply
// task, SIMD and threads), and move the basis in and out of a core for saved models.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";
import type { PcaBasis } from "./solver.ts";

const ROWS_PER_CHUNK = 64;
/** Progress and abort are checked between blocks of about this many multiply-adds. */
const BLOCK_WORK = 2e8;

/** A PCA basis outside a core: what a saved model stores. */
export interface PcaBasisState {
  /** input values per row */
  dim: number;
  nComponents: number;
  /** f32[dim]: the column means the rows are centred by */
  mean: Float32Array;
  /** f32[dim × nComponents], row-major: entry (d, c) is the loading of input column d on component c */
  components: Float32Array;
}

/**
 * (rows − mean)·components of the rows of `input` (in the basis's units: the same scale exponent as the fitted
 * data), as a new matrix in the core: n × nComponents with stride rounded up to 4, padding 0.
 */
export async function projectRows(core: Core, basis: PcaBasis, input: CoreMatrix, ctl: PhaseControl = {}): Promise<CoreMatrix> {
  if (input.dim !== basis.dim) fail(`the data has ${input.dim} columns; the PCA was fitted on ${basis.dim}`);
  const { n } = input, cols = basis.componentStride;
  const out = core.alloc(n * cols * 4);
  const mark = core.mark();
  try {
    const scratch = core.alloc(core.threads * core.kernels.pcaMultiplyScratchBytes(Math.max(basis.stride, cols)));
    const blockRows = Math.max(ROWS_PER_CHUNK, Math.ceil(BLOCK_WORK / (basis.stride * cols)));
    for (let begin = 0; begin < n; begin += blockRows) {
      throwIfAborted(ctl.signal);
      const end = Math.min(n, begin + blockRows);
      const rowsPerChunk = Math.min(ROWS_PER_CHUNK, Math.ceil((end - begin) / (4 * core.threads)));
      await core.run(
        "pcaMultiply",
        {
          a: input.ptr, aStride: input.stride, rowBegin: begin, rowEnd: end, mean: basis.meanPtr, b: basis.componentsPtr,
          bStride: cols, cols, out, outStride: cols, scratch, rowsPerChunk,
        },
        Math.ceil((end - begin) / rowsPerChunk),
      );
      ctl.progress?.(end / n);
    }
  } finally {
    core.reset(mark);
  }
  return { ptr: out, n, dim: basis.nComponents, stride: cols, scaleExponent: input.scaleExponent };
}

/** A copy of the basis, unpadded. */
export function readBasis(core: Core, basis: PcaBasis): PcaBasisState {
  const { dim, nComponents: k, componentStride: kp } = basis;
  const padded = core.f32(basis.componentsPtr, dim * kp);
  const components = new Float32Array(dim * k);
  for (let d = 0; d < dim; d++) components.set(padded.subarray(d * kp, d * kp + k), d * k);
  return { dim, nComponents: k, mean: core.f32(basis.meanPtr, dim).slice(), components };
}

/** Puts a saved basis into the core, padded as the projection reads it. */
export function writeBasis(core: Core, state: PcaBasisState): PcaBasis {
  const { dim, nComponents: k } = state;
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(k) || k < 1 || k > dim) fail(`a PCA basis needs 1 ≤ nComponents ≤ dim, got ${k} and ${dim}`);
  if (state.mean.length !== dim || state.components.length !== dim * k) fail(`a PCA basis of ${dim} × ${k} needs ${dim} means and ${dim * k} loadings`);
  const stride = (dim + 3) & ~3, kp = (k + 3) & ~3;
  const meanPtr = core.alloc(stride * 4);
  core.f32(meanPtr, stride).fill(0).set(state.mean);
  const componentsPtr = core.alloc(stride * kp * 4);
  const padded = core.f32(componentsPtr, stride * kp).fill(0);
  for (let d = 0; d < dim; d++) padded.set(state.components.subarray(d * k, d * k + k), d * kp);
  return { dim, stride, meanPtr, componentsPtr, nComponents: k, componentStride: kp };
}
