// Spectral initial layout (Laplacian eigenmaps of the kNN graph): the eigenvectors after the trivial one of
// the normalised adjacency D^-½ A D^-½, found by subspace iteration on (I + D^-½ A D^-½)/2 (its spectrum lies
// in [0, 1], so iteration converges to the top of it), deflating the trivial vector √d each step.
// Sequential: O(E · dim) per iteration.

import { draw, gaussian, seedOf, streamKey } from "../rng";

// @ts-ignore: decorator
@inline function degree(rowPtr: usize, i: i32): f64 {
  return <f64>(load<i32>(rowPtr + (<usize>(i + 1) << 2)) - load<i32>(rowPtr + (<usize>i << 2)));
}

/**
 * rowPtr: i32[n + 1], colPtr: i32[E] (the CSR). v, w: f64[n * dim] scratch (column-major: column t at t·n).
 * out: f32[n * dim] row-major layout D^-½ v. Returns 0, or -1 when the graph has an isolated vertex.
 */
export function spectralLayoutKernel(
  rowPtr: usize, colPtr: usize, n: i32, dim: i32, iterations: i32, v: usize, w: usize, out: usize,
  seed: f64,
): i32 {
  for (let i = 0; i < n; i++) if (degree(rowPtr, i) == 0) return -1;
  const key = streamKey(seedOf(seed), 0x5350454354); // "SPECT"
  const count = n * dim;
  for (let x = 0; x < count; x++) store<f64>(v + (<usize>x << 3), gaussian(draw(key, <u64>x)));
  // √d / ‖√d‖ is the trivial eigenvector
  let total: f64 = 0;
  for (let i = 0; i < n; i++) total += degree(rowPtr, i);
  const trivialNorm = Math.sqrt(total);
  for (let it = 0; it <= iterations; it++) {
    for (let t = 0; t < dim; t++) {
      const col = v + (<usize>(t * n) << 3);
      // remove the trivial direction and the previous columns, then normalise (Gram–Schmidt)
      let proj: f64 = 0;
      for (let i = 0; i < n; i++) proj += load<f64>(col + (<usize>i << 3)) * Math.sqrt(degree(rowPtr, i));
      proj /= trivialNorm;
      for (let i = 0; i < n; i++) {
        const p = col + (<usize>i << 3);
        store<f64>(p, load<f64>(p) - (proj * Math.sqrt(degree(rowPtr, i))) / trivialNorm);
      }
      for (let s = 0; s < t; s++) {
        const prev = v + (<usize>(s * n) << 3);
        let d: f64 = 0;
        for (let i = 0; i < n; i++) d += load<f64>(col + (<usize>i << 3)) * load<f64>(prev + (<usize>i << 3));
        for (let i = 0; i < n; i++) {
          const p = col + (<usize>i << 3);
          store<f64>(p, load<f64>(p) - d * load<f64>(prev + (<usize>i << 3)));
        }
      }
      let norm: f64 = 0;
      for (let i = 0; i < n; i++) norm += load<f64>(col + (<usize>i << 3)) ** 2;
      norm = Math.sqrt(norm);
      if (norm > 0) for (let i = 0; i < n; i++) store<f64>(col + (<usize>i << 3), load<f64>(col + (<usize>i << 3)) / norm);
    }
    if (it == iterations) break;
    // w = (v + D^-½ A D^-½ v) / 2, then swap
    for (let t = 0; t < dim; t++) {
      const src = v + (<usize>(t * n) << 3), dst = w + (<usize>(t * n) << 3);
      for (let i = 0; i < n; i++) {
        const b = load<i32>(rowPtr + (<usize>i << 2)), e = load<i32>(rowPtr + (<usize>(i + 1) << 2));
        let s: f64 = 0;
        for (let p = b; p < e; p++) {
          const j = load<i32>(colPtr + (<usize>p << 2));
          s += load<f64>(src + (<usize>j << 3)) / Math.sqrt(degree(rowPtr, j));
        }
        store<f64>(dst + (<usize>i << 3), 0.5 * (load<f64>(src + (<usize>i << 3)) + s / Math.sqrt(degree(rowPtr, i))));
      }
    }
    const tmp = v; v = w; w = tmp;
  }
  for (let i = 0; i < n; i++) {
    const scale = 1 / Math.sqrt(degree(rowPtr, i));
    for (let t = 0; t < dim; t++) {
      store<f32>(out + ((<usize>i * <usize>dim + <usize>t) << 2), <f32>(load<f64>(v + (<usize>(t * n + i) << 3)) * scale));
    }
  }
  return 0;
}
