// Small dense linear algebra for PCA, sequential and in f64 where accuracy matters: Gram matrices of a tall
// block, the Cholesky factor that orthonormalises it, a cyclic Jacobi eigensolver for ≤ a few hundred
// columns, and the routines that move small matrices between f64 and the padded f32 layout of the products.

import { gaussian, draw, streamKey } from "../rng";

/** Address of element (i, j) of a square f64[l × l] matrix. */
// @ts-ignore: decorator
@inline function at(base: usize, l: i32, i: i32, j: i32): usize {
  return base + ((<usize>i * <usize>l + <usize>j) << 3);
}

/**
 * h[i][j] = Σ_r a[r][i] · b[r][j] in f64 for i < aCols, j < bCols (bCols a multiple of 4).
 * aPtr, bPtr: f32[rows × stride]; hPtr: f64[aCols × bCols].
 * symmetric (a = b): only j ≥ i (by groups of 4) is summed, then mirrored.
 */
export function pcaCrossF64(
  aPtr: usize, bPtr: usize, rows: i32, stride: i32, aCols: i32, bCols: i32, hPtr: usize, symmetric: bool,
): void {
  memory.fill(hPtr, 0, <usize>aCols * <usize>bCols << 3);
  const rowBytes = <usize>stride << 2;
  const hRowBytes = <usize>bCols << 3;
  // two rows per pass halve the loads and stores of h
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const aRow = aPtr + <usize>r * rowBytes;
    const bRow = bPtr + <usize>r * rowBytes;
    for (let i = 0; i < aCols; i++) {
      const a0 = f64x2.splat(<f64>load<f32>(aRow + (<usize>i << 2)));
      const a1 = f64x2.splat(<f64>load<f32>(aRow + rowBytes + (<usize>i << 2)));
      const hRow = hPtr + <usize>i * hRowBytes;
      for (let j = symmetric ? i & ~3 : 0; j < bCols; j += 4) {
        const b0 = v128.load(bRow + (<usize>j << 2));
        const b1 = v128.load(bRow + rowBytes + (<usize>j << 2));
        const h = hRow + (<usize>j << 3);
        const lo = f64x2.add(f64x2.mul(a0, f64x2.promote_low_f32x4(b0)), f64x2.mul(a1, f64x2.promote_low_f32x4(b1)));
        const hi = f64x2.add(
          f64x2.mul(a0, f64x2.promote_low_f32x4(i32x4.shuffle(b0, b0, 2, 3, 0, 1))),
          f64x2.mul(a1, f64x2.promote_low_f32x4(i32x4.shuffle(b1, b1, 2, 3, 0, 1))),
        );
        v128.store(h, f64x2.add(v128.load(h), lo));
        v128.store(h + 16, f64x2.add(v128.load(h + 16), hi));
      }
    }
  }
  for (; r < rows; r++) {
    const aRow = aPtr + <usize>r * rowBytes;
    const bRow = bPtr + <usize>r * rowBytes;
    for (let i = 0; i < aCols; i++) {
      const ai = f64x2.splat(<f64>load<f32>(aRow + (<usize>i << 2)));
      const hRow = hPtr + <usize>i * hRowBytes;
      for (let j = symmetric ? i & ~3 : 0; j < bCols; j += 4) {
        const b = v128.load(bRow + (<usize>j << 2));
        const h = hRow + (<usize>j << 3);
        v128.store(h, f64x2.add(v128.load(h), f64x2.mul(ai, f64x2.promote_low_f32x4(b))));
        const hi = i32x4.shuffle(b, b, 2, 3, 0, 1);
        v128.store(h + 16, f64x2.add(v128.load(h + 16), f64x2.mul(ai, f64x2.promote_low_f32x4(hi))));
      }
    }
  }
  if (symmetric) {
    for (let i = 0; i < aCols; i++) {
      for (let j = 0; j < i; j++) {
        store<f64>(hPtr + ((<usize>i * <usize>bCols + <usize>j) << 3), load<f64>(hPtr + ((<usize>j * <usize>bCols + <usize>i) << 3)));
      }
    }
  }
}

/**
 * Given G = WᵀW (f64[l × l], overwritten by its Cholesky factor L), writes T = L⁻ᵀ (upper triangular) as f32
 * into tPtr[l × tStride] (columns ≥ l zeroed), so that W·T has orthonormal columns (Cholesky QR).
 * A pivot below 1e-12 of the largest diagonal marks a column dependent on earlier ones: its column of T is
 * zero, so that direction is dropped rather than amplified. scratchPtr: f64[l × l]. Returns the rank.
 */
export function pcaCholeskyInverse(gPtr: usize, l: i32, tPtr: usize, tStride: i32, scratchPtr: usize): i32 {
  let maxDiag: f64 = 0;
  for (let i = 0; i < l; i++) maxDiag = max(maxDiag, load<f64>(at(gPtr, l, i, i)));
  const tol = maxDiag * 1e-12;
  let rank = 0;
  for (let j = 0; j < l; j++) {
    let d = load<f64>(at(gPtr, l, j, j));
    for (let k = 0; k < j; k++) d -= load<f64>(at(gPtr, l, j, k)) * load<f64>(at(gPtr, l, j, k));
    const ok = d > tol && maxDiag > 0;
    const ljj = ok ? Math.sqrt(d) : 0.0;
    store<f64>(at(gPtr, l, j, j), ljj);
    if (ok) rank++;
    for (let i = j + 1; i < l; i++) {
      let s = load<f64>(at(gPtr, l, i, j));
      for (let k = 0; k < j; k++) s -= load<f64>(at(gPtr, l, i, k)) * load<f64>(at(gPtr, l, j, k));
      store<f64>(at(gPtr, l, i, j), ok ? s / ljj : 0.0);
    }
  }
  // M = L⁻¹ (lower), column by column by forward substitution; dropped pivots give zero rows and columns
  memory.fill(scratchPtr, 0, <usize>l * <usize>l << 3);
  for (let c = 0; c < l; c++) {
    const lcc = load<f64>(at(gPtr, l, c, c));
    if (lcc == 0) continue;
    store<f64>(at(scratchPtr, l, c, c), 1.0 / lcc);
    for (let i = c + 1; i < l; i++) {
      const lii = load<f64>(at(gPtr, l, i, i));
      if (lii == 0) continue;
      let s: f64 = 0;
      for (let k = c; k < i; k++) s += load<f64>(at(gPtr, l, i, k)) * load<f64>(at(scratchPtr, l, k, c));
      store<f64>(at(scratchPtr, l, i, c), -s / lii);
    }
  }
  for (let r = 0; r < l; r++) {
    const tRow = tPtr + (<usize>r * <usize>tStride << 2);
    memory.fill(tRow, 0, <usize>tStride << 2);
    for (let c = r; c < l; c++) store<f32>(tRow + (<usize>c << 2), <f32>load<f64>(at(scratchPtr, l, c, r)));
  }
  return rank;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (accurate to f64 rounding, and a fixed
 * sequence of operations, so deterministic). aPtr: f64[l × l], destroyed. vecPtr: f64[l × l], column c is
 * the eigenvector of valPtr[c]. valPtr: f64[l], in decreasing order (ties keep the lower index first).
 */
export function pcaSymmetricEigen(aPtr: usize, l: i32, vecPtr: usize, valPtr: usize): void {
  memory.fill(vecPtr, 0, <usize>l * <usize>l << 3);
  for (let i = 0; i < l; i++) store<f64>(at(vecPtr, l, i, i), 1.0);
  let scale: f64 = 0;
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) scale += load<f64>(at(aPtr, l, i, j)) * load<f64>(at(aPtr, l, i, j));
  for (let sweep = 0; sweep < 60; sweep++) {
    let off: f64 = 0;
    for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) off += load<f64>(at(aPtr, l, i, j)) * load<f64>(at(aPtr, l, i, j));
    if (off <= scale * 1e-24) break; // off-diagonal norm 1e-12 of the whole: eigenvalues exact to f64, vectors far below f32
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = load<f64>(at(aPtr, l, p, q));
        if (apq == 0) continue;
        const app = load<f64>(at(aPtr, l, p, p)), aqq = load<f64>(at(aPtr, l, q, q));
        // the rotation angle that zeroes A[p][q] (Numerical Recipes' stable form)
        const theta = (aqq - app) / (2.0 * apq);
        const t = (theta >= 0 ? 1.0 : -1.0) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
        const c = 1.0 / Math.sqrt(t * t + 1.0), s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = load<f64>(at(aPtr, l, k, p)), akq = load<f64>(at(aPtr, l, k, q));
          store<f64>(at(aPtr, l, k, p), c * akp - s * akq);
          store<f64>(at(aPtr, l, k, q), s * akp + c * akq);
        }
        for (let k = 0; k < l; k++) {
          const apk = load<f64>(at(aPtr, l, p, k)), aqk = load<f64>(at(aPtr, l, q, k));
          store<f64>(at(aPtr, l, p, k), c * apk - s * aqk);
          store<f64>(at(aPtr, l, q, k), s * apk + c * aqk);
        }
        store<f64>(at(aPtr, l, p, q), 0.0);
        store<f64>(at(aPtr, l, q, p), 0.0);
        for (let k = 0; k < l; k++) {
          const vkp = load<f64>(at(vecPtr, l, k, p)), vkq = load<f64>(at(vecPtr, l, k, q));
          store<f64>(at(vecPtr, l, k, p), c * vkp - s * vkq);
          store<f64>(at(vecPtr, l, k, q), s * vkp + c * vkq);
        }
      }
    }
  }
  for (let i = 0; i < l; i++) store<f64>(valPtr + (<usize>i << 3), load<f64>(at(aPtr, l, i, i)));
  // selection sort, decreasing; strict comparison keeps ties in index order
  for (let i = 0; i < l; i++) {
    let best = i;
    for (let j = i + 1; j < l; j++) {
      if (load<f64>(valPtr + (<usize>j << 3)) > load<f64>(valPtr + (<usize>best << 3))) best = j;
    }
    if (best == i) continue;
    const vi = load<f64>(valPtr + (<usize>i << 3));
    store<f64>(valPtr + (<usize>i << 3), load<f64>(valPtr + (<usize>best << 3)));
    store<f64>(valPtr + (<usize>best << 3), vi);
    for (let k = 0; k < l; k++) {
      const x = load<f64>(at(vecPtr, l, k, i));
      store<f64>(at(vecPtr, l, k, i), load<f64>(at(vecPtr, l, k, best)));
      store<f64>(at(vecPtr, l, k, best), x);
    }
  }
}

/** Copies the first `cols` columns of a f64[rows × srcCols] matrix to f32[rows × dstStride], zeroing the rest. */
export function pcaColumnsToF32(srcPtr: usize, rows: i32, srcCols: i32, cols: i32, dstPtr: usize, dstStride: i32): void {
  for (let r = 0; r < rows; r++) {
    const dst = dstPtr + (<usize>r * <usize>dstStride << 2);
    memory.fill(dst, 0, <usize>dstStride << 2);
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + (<usize>c << 2), <f32>load<f64>(srcPtr + ((<usize>r * <usize>srcCols + <usize>c) << 3)));
    }
  }
}

/** dstPtr f64[rows × cols] = the first cols columns of srcPtr f32[rows × srcStride]. */
export function pcaF32ToF64(srcPtr: usize, rows: i32, cols: i32, srcStride: i32, dstPtr: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f64>(dstPtr + ((<usize>r * <usize>cols + <usize>c) << 3), <f64>load<f32>(srcPtr + ((<usize>r * <usize>srcStride + <usize>c) << 2)));
    }
  }
}

/** Copies the upper triangle of a square f32[dim × stride] matrix (dim = stride) onto its lower triangle. */
export function pcaSymmetrize(gPtr: usize, stride: i32): void {
  for (let i = 0; i < stride; i++) {
    for (let j = 0; j < i; j++) {
      store<f32>(gPtr + ((<usize>i * <usize>stride + <usize>j) << 2), load<f32>(gPtr + ((<usize>j * <usize>stride + <usize>i) << 2)));
    }
  }
}

/**
 * A random start for subspace iteration: f32[totalRows × stride], rows < rows and columns < cols standard
 * normal from (seed, stream 0x9cb), the rest zero (rows past the data's width must not inject directions).
 */
export function pcaGaussianBlock(ptr: usize, rows: i32, totalRows: i32, cols: i32, stride: i32, seed: f64): void {
  memory.fill(ptr, 0, <usize>totalRows * <usize>stride << 2);
  const key = streamKey(<u64>seed, 0x9cb); // seed: a non-negative integer below 2^53 (f64 keeps JS free of BigInt)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const counter = <u64>r * <u64>cols + <u64>c;
      store<f32>(ptr + ((<usize>r * <usize>stride + <usize>c) << 2), <f32>gaussian(draw(key, counter)));
    }
  }
}

/** f32[dim × stride] identity in its first dim columns (stride ≥ dim), zero elsewhere. */
export function pcaIdentity(ptr: usize, dim: i32, stride: i32): void {
  memory.fill(ptr, 0, <usize>dim * <usize>stride << 2);
  for (let i = 0; i < dim; i++) store<f32>(ptr + ((<usize>i * <usize>stride + <usize>i) << 2), 1.0);
}

/**
 * The sign convention: each component's loading with the largest magnitude (first such row on ties) is made
 * positive. loadingsPtr: f32[rows × stride], column c the loadings of component c. For every column c < cols
 * whose largest entry is negative, column c of rotationPtr (f32[rotRows × stride]) is negated.
 */
export function pcaFixSigns(loadingsPtr: usize, rows: i32, stride: i32, cols: i32, rotationPtr: usize, rotRows: i32): void {
  for (let c = 0; c < cols; c++) {
    let best: f32 = 0, bestAbs: f32 = -1;
    for (let r = 0; r < rows; r++) {
      const v = load<f32>(loadingsPtr + ((<usize>r * <usize>stride + <usize>c) << 2));
      if (Mathf.abs(v) > bestAbs) { bestAbs = Mathf.abs(v); best = v; }
    }
    if (best >= 0) continue;
    for (let r = 0; r < rotRows; r++) {
      const p = rotationPtr + ((<usize>r * <usize>stride + <usize>c) << 2);
      store<f32>(p, -load<f32>(p));
    }
  }
}

