// PCA on a core, deterministic for a seed and identical for any thread count.
//
// 1. Column means over all rows.
// 2. The covariance of a stratified random sample of rows (all rows when that is cheap): a D × D Gram matrix.
// 3. Its top eigenvectors by subspace iteration (block of l = k + oversampling vectors, Cholesky QR between
//    products, Rayleigh–Ritz at the end); when D ≤ 128 the block is the identity and Rayleigh–Ritz is exact.
// 4. The l0 ≥ k leading directions are projected on all rows (the one big pass over the data), and a
//    Rayleigh–Ritz step on those scores, with the covariance of ALL rows, picks the final components: they are
//    exactly uncorrelated on the data and ordered by their true variance, so the sample only chooses the
//    subspace, not the variances.
// All O(n·D) work runs in the core as tasks; only l × l matrices are handled by sequential kernels.

import type { Core } from "../core/core.ts";
import type { CoreMatrix } from "../core/matrix.ts";
import { fail, throwIfAborted } from "../errors.ts";
import type { PhaseControl } from "../options/common.ts";

export interface PcaTuning {
  /** Rows whose covariance picks the subspace; default: all rows when n·D² ≤ 2^33, else 2^33 / D² (≥ 2048). */
  sampleRows?: number;
  /** Subspace iterations on the sample covariance (default 10). */
  iterations?: number;
  /** Directions projected on all rows for the final Rayleigh–Ritz step (default k + 8, rounded up to 4). */
  projectedComponents?: number;
}

export interface PcaControl extends PcaTuning, PhaseControl {
  seed: number;
}

/**
 * The fitted projection, kept in the core so that new rows are projected as the training rows were
 * (bindings/pca/project.ts): scores = (x − mean)·components.
 */
export interface PcaBasis {
  /** input values per row, and the padded stride of rows and of the mean */
  dim: number;
  stride: number;
  /** f32[stride]: the column means (padding 0) */
  meanPtr: number;
  /** f32[stride × componentStride]: column c is component c (padding rows and columns 0) */
  componentsPtr: number;
  nComponents: number;
  /** nComponents rounded up to 4 */
  componentStride: number;
}

export interface PcaFit {
  /** (X − mean)·V, n × k with stride rounded up to 4, components by decreasing variance */
  scores: CoreMatrix;
  /** variance of each component on the data (denominator n − 1), decreasing */
  variances: Float64Array;
  /** the mean and components, for projecting new rows */
  basis: PcaBasis;
}

const MAX_DIM = 8192;
/** Below this padded width the covariance is diagonalised exactly instead of iterated. */
const EXACT_MAX_STRIDE = 128;
/** Twice the multiply-adds the sample covariance may cost before rows are subsampled (≈ 0.5 s on one thread). */
const COVARIANCE_BUDGET = 2 ** 33;
const MIN_SAMPLE_ROWS = 2048;
const SUM_ROWS_PER_CHUNK = 1024;
const GATHER_ROWS_PER_CHUNK = 256;
const PROJECT_ROWS_PER_CHUNK = 64;
/** Progress and abort are checked between blocks of about this many multiply-adds. */
const BLOCK_WORK = 2e8;

const pad4 = (x: number) => (x + 3) & ~3;

export async function fitPca(core: Core, m: CoreMatrix, k: number, ctl: PcaControl): Promise<PcaFit> {
  const { n, dim, stride } = m;
  if (!Number.isInteger(k) || k < 1 || k > dim) fail(`nComponents must be an integer from 1 to dim = ${dim}, got ${k}`);
  if (n < 2) fail(`PCA needs at least 2 rows, got ${n}`);
  // the D × D covariance and its products grow as D²: beyond this the solver would need a sample-space variant
  if (dim > MAX_DIM) fail(`PCA supports up to ${MAX_DIM} columns, got ${dim}`);
  const kernels = core.kernels;
  const kp = pad4(k);
  const exact = stride <= EXACT_MAX_STRIDE;
  const l = exact ? stride : Math.min(stride, pad4(k + Math.max(16, Math.ceil(k / 2))));
  const l0 = Math.min(l, pad4(ctl.projectedComponents ?? k + 8));
  const iterations = exact ? 0 : (ctl.iterations ?? 10);
  const samples = Math.min(n, ctl.sampleRows ?? Math.max(MIN_SAMPLE_ROWS, Math.floor(COVARIANCE_BUDGET / (stride * stride))));

  // progress is the share of multiply-adds done
  const work = {
    sample: (samples * stride * stride) / 2,
    iterate: (iterations + 1) * stride * stride * l,
    project: n * stride * l0,
    finish: n * l0 * (l0 / 2 + kp),
  };
  const total = work.sample + work.iterate + work.project + work.finish;
  let done = 0;
  const advance = (w: number) => {
    done += w;
    ctl.progress?.(Math.min(1, done / total));
  };

  const scoresPtr = core.alloc(n * kp * 4);
  // the basis outlives the fit's scratch: new rows are projected with it
  const mean = core.alloc(stride * 4);
  const loadings = core.alloc(stride * kp * 4);
  const mark = core.mark();
  try {
    const threads = core.threads;
    const scratch = core.alloc(threads * kernels.pcaMultiplyScratchBytes(Math.max(stride, l, l0)));
    // out[rows] = (a[rows] − mean)·b, in blocks for progress and abort
    const multiply = async (
      aPtr: number, aStride: number, rows: number, meanPtr: number, bPtr: number, bStride: number, cols: number,
      outPtr: number, outStride: number, weight: number,
    ) => {
      const blockRows = Math.max(PROJECT_ROWS_PER_CHUNK, Math.ceil(BLOCK_WORK / (aStride * cols)));
      for (let begin = 0; begin < rows; begin += blockRows) {
        throwIfAborted(ctl.signal);
        const end = Math.min(rows, begin + blockRows);
        const rowsPerChunk = Math.min(PROJECT_ROWS_PER_CHUNK, Math.ceil((end - begin) / (4 * threads)));
        await core.run(
          "pcaMultiply",
          {
            a: aPtr, aStride, rowBegin: begin, rowEnd: end, mean: meanPtr, b: bPtr, bStride, cols, out: outPtr, outStride,
            scratch, rowsPerChunk,
          },
          Math.ceil((end - begin) / rowsPerChunk),
        );
        advance((weight * (end - begin)) / rows);
      }
    };
    // the upper triangle of AᵀA by strips of rows, mirrored; A is row-major (panelBytes 32) or in panels
    const gram = async (aPtr: number, rows: number, cols: number, kBytes: number, panelBytes: number, gPtr: number, weight: number) => {
      const stripRows = core.layout.pca.gramStripRows;
      const strips = Math.ceil(cols / stripRows);
      const perRun = Math.max(2 * core.threads, Math.floor(BLOCK_WORK / (rows * stripRows * cols * 0.5)));
      for (let first = 0; first < strips; first += perRun) {
        throwIfAborted(ctl.signal);
        const count = Math.min(perRun, strips - first);
        await core.run("pcaGram", { a: aPtr, rows, cols, kBytes, panelBytes, firstStrip: first, gram: gPtr }, count);
        advance((weight * count) / strips);
      }
      kernels.pcaSymmetrize(gPtr, cols);
    };

    // 1. means
    const sumChunks = Math.ceil(n / SUM_ROWS_PER_CHUNK);
    const partial = core.alloc(sumChunks * stride * 8);
    await core.run("pcaColumnSums", { data: m.ptr, n, stride, rowsPerChunk: SUM_ROWS_PER_CHUNK, partial }, sumChunks);
    kernels.pcaReduceMeans(partial, sumChunks, stride, n, mean);

    // 2. covariance (unscaled) of the centered sample, gathered in panels of 8 columns
    const sample = core.alloc(Math.ceil(stride / 8) * samples * 32);
    await core.run(
      "pcaGather",
      { data: m.ptr, n, stride, mean, samples, seed: ctl.seed, rowsPerChunk: GATHER_ROWS_PER_CHUNK, sample },
      Math.ceil(samples / GATHER_ROWS_PER_CHUNK),
    );
    const cov = core.alloc(stride * stride * 4);
    await gram(sample, samples, stride, 32, samples * 32, cov, work.sample);

    // 3. top-l eigenvectors of the sample covariance
    const basis = core.alloc(stride * l * 4);
    const product = core.alloc(stride * l * 4);
    const small = core.alloc(l * l * 8);
    const small2 = core.alloc(l * l * 8);
    const values = core.alloc(l * 8);
    const rotation = core.alloc(l * l * 4);
    const orthonormalise = async (src: number, dst: number) => {
      kernels.pcaCrossF64(src, src, stride, l, l, l, small, true);
      kernels.pcaCholeskyInverse(small, l, rotation, l, small2);
      await multiply(src, l, stride, 0, rotation, l, l, dst, l, 0);
    };
    if (exact) {
      kernels.pcaIdentity(basis, stride, l);
    } else {
      kernels.pcaGaussianBlock(product, dim, stride, l, l, ctl.seed);
      await orthonormalise(product, basis);
      for (let it = 0; it < iterations; it++) {
        await multiply(cov, stride, stride, 0, basis, l, l, product, l, stride * stride * l);
        await orthonormalise(product, basis);
      }
      await orthonormalise(basis, product); // a second Cholesky QR pass (CholQR2) for orthogonality to f32 rounding
      await orthonormalise(product, basis);
    }
    // Rayleigh–Ritz: H = Vᵀ C V, V ← V·eigvecs(H)
    await multiply(cov, stride, stride, 0, basis, l, l, product, l, stride * stride * l);
    kernels.pcaCrossF64(basis, product, stride, l, l, l, small, false);
    kernels.pcaSymmetricEigen(small, l, small2, values);
    kernels.pcaColumnsToF32(small2, l, l, l0, rotation, l0);
    const directions = core.alloc(stride * l0 * 4);
    await multiply(basis, l, stride, 0, rotation, l0, l0, directions, l0, 0);

    // 4. project every row, then Rayleigh–Ritz with the covariance of all rows
    const projected = core.alloc(n * l0 * 4);
    await multiply(m.ptr, stride, n, mean, directions, l0, l0, projected, l0, work.project);
    const g = core.alloc(l0 * l0 * 4);
    await gram(projected, n, l0, l0 * 4, 32, g, (work.finish * l0) / (l0 + 2 * kp));
    kernels.pcaF32ToF64(g, l0, l0, l0, small);
    kernels.pcaSymmetricEigen(small, l0, small2, values);
    const variances = core.f64(values, k).map((v) => Math.max(0, v) / (n - 1));
    const finalRotation = core.alloc(l0 * kp * 4);
    kernels.pcaColumnsToF32(small2, l0, l0, k, finalRotation, kp);
    await multiply(directions, l0, stride, 0, finalRotation, kp, kp, loadings, kp, 0);
    kernels.pcaFixSigns(loadings, stride, kp, k, finalRotation, l0);
    // the signs were fixed on the rotation: the kept components take them too
    await multiply(directions, l0, stride, 0, finalRotation, kp, kp, loadings, kp, 0);
    await multiply(projected, l0, n, 0, finalRotation, kp, kp, scoresPtr, kp, (work.finish * 2 * kp) / (l0 + 2 * kp));
    throwIfAborted(ctl.signal);
    ctl.progress?.(1);
    const kept: PcaBasis = { dim, stride, meanPtr: mean, componentsPtr: loadings, nComponents: k, componentStride: kp };
    return { scores: { ptr: scoresPtr, n, dim: k, stride: kp }, variances, basis: kept };
  } finally {
    core.reset(mark);
  }
}
