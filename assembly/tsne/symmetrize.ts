// The joint affinities p_ij = (p_{j|i} + p_{i|j}) / (2n) as a CSR matrix (SPEC §7): row i holds every j with
// j ∈ kNN(i) or i ∈ kNN(j), columns ascending, values summing to 1 over the whole matrix (each conditional row
// sums to 1). Sequential, O(n·k): two passes, count then fill, so that the binding allocates the exact size.

/**
 * Pass 1. Builds the transpose of the kNN lists (revPtr i32[n + 1]; revPos i32[n·k]: the flat position l·k + t
 * of every entry knn[l·k + t] = i, grouped by i, l ascending) and the row starts of the symmetric matrix
 * (rowPtr i32[n + 1]). stamp: i32[n] scratch, filled with −1 by the caller. Returns the number of entries.
 */
export function tsneSymmetricCount(knn: usize, n: i32, k: i32, revPtr: usize, revPos: usize, rowPtr: usize, stamp: usize): i32 {
  const nk = n * k;
  for (let i = 0; i <= n; i++) store<i32>(revPtr + (<usize>i << 2), 0);
  for (let e = 0; e < nk; e++) {
    const j = load<i32>(knn + (<usize>e << 2));
    const p = revPtr + (<usize>(j + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let i = 0; i < n; i++) {
    const p = revPtr + (<usize>(i + 1) << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  // stamp serves as the fill cursor here, then is set back to −1
  for (let i = 0; i < n; i++) store<i32>(stamp + (<usize>i << 2), load<i32>(revPtr + (<usize>i << 2)));
  for (let e = 0; e < nk; e++) {
    const j = load<i32>(knn + (<usize>e << 2));
    const c = stamp + (<usize>j << 2);
    const at = load<i32>(c);
    store<i32>(revPos + (<usize>at << 2), e);
    store<i32>(c, at + 1);
  }
  for (let i = 0; i < n; i++) store<i32>(stamp + (<usize>i << 2), -1);
  let total = 0;
  store<i32>(rowPtr, 0);
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let t = 0; t < k; t++) {
      const j = load<i32>(knn + ((<usize>i * <usize>k + <usize>t) << 2));
      if (load<i32>(stamp + (<usize>j << 2)) == i) continue;
      store<i32>(stamp + (<usize>j << 2), i);
      count++;
    }
    const rb = load<i32>(revPtr + (<usize>i << 2)), re = load<i32>(revPtr + (<usize>(i + 1) << 2));
    for (let r = rb; r < re; r++) {
      const l = load<i32>(revPos + (<usize>r << 2)) / k;
      if (load<i32>(stamp + (<usize>l << 2)) == i) continue;
      store<i32>(stamp + (<usize>l << 2), i);
      count++;
    }
    total += count;
    store<i32>(rowPtr + (<usize>(i + 1) << 2), total);
  }
  return total;
}

/**
 * Pass 2. Fills cols i32[nnz] and vals f32[nnz] from the conditional affinities cond f32[n·k] (row i sums to 1),
 * columns ascending. slot: i32[n] scratch; acc: scratch of nnz · 12 bytes; stamp: i32[n], filled with −1 by the
 * caller. Sums in f64 and rounds once. Returns Σ p log p over the entries (the constant part of the KL divergence).
 *
 * Rows are first filled unsorted (into acc); P is symmetric bit for bit (p_ij and p_ji are the same two terms
 * added in f64), so its transpose is P itself with every row's columns in ascending order: one O(nnz) pass
 * instead of sorting each row.
 */
export function tsneSymmetricFill(
  knn: usize, cond: usize, n: i32, k: i32, revPtr: usize, revPos: usize, rowPtr: usize, cols: usize, vals: usize,
  slot: usize, stamp: usize, acc: usize,
): f64 {
  const nnz = load<i32>(rowPtr + (<usize>n << 2));
  const unsortedCols = acc + (<usize>nnz << 3);
  const scale = 1.0 / (2.0 * <f64>n);
  let plogp: f64 = 0;
  for (let i = 0; i < n; i++) {
    const begin = load<i32>(rowPtr + (<usize>i << 2));
    let pos = begin;
    for (let t = 0; t < k; t++) {
      const e = i * k + t;
      if (add(load<i32>(knn + (<usize>e << 2)), <f64>load<f32>(cond + (<usize>e << 2)), i, unsortedCols, slot, stamp, acc, pos)) pos++;
    }
    const rb = load<i32>(revPtr + (<usize>i << 2)), re = load<i32>(revPtr + (<usize>(i + 1) << 2));
    for (let r = rb; r < re; r++) {
      const e = load<i32>(revPos + (<usize>r << 2));
      if (add(e / k, <f64>load<f32>(cond + (<usize>e << 2)), i, unsortedCols, slot, stamp, acc, pos)) pos++;
    }
  }
  // the transpose: row j of the result lists the rows i that hold column j, in ascending i
  for (let i = 0; i < n; i++) store<i32>(slot + (<usize>i << 2), load<i32>(rowPtr + (<usize>i << 2)));
  for (let i = 0; i < n; i++) {
    const end = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    for (let q = load<i32>(rowPtr + (<usize>i << 2)); q < end; q++) {
      const j = load<i32>(unsortedCols + (<usize>q << 2));
      const c = slot + (<usize>j << 2);
      const at = load<i32>(c);
      store<i32>(c, at + 1);
      const p = <f32>(load<f64>(acc + (<usize>q << 3)) * scale);
      store<i32>(cols + (<usize>at << 2), i);
      store<f32>(vals + (<usize>at << 2), p);
      if (p > 0) plogp += <f64>p * Math.log(<f64>p);
    }
  }
  return plogp;
}

/** Adds v to row i's entry for column j, appending it at pos when new; returns whether it appended. */
// @ts-ignore: decorator
@inline function add(j: i32, v: f64, i: i32, cols: usize, slot: usize, stamp: usize, acc: usize, pos: i32): bool {
  if (load<i32>(stamp + (<usize>j << 2)) == i) {
    const q = acc + (<usize>load<i32>(slot + (<usize>j << 2)) << 3);
    store<f64>(q, load<f64>(q) + v);
    return false;
  }
  store<i32>(stamp + (<usize>j << 2), i);
  store<i32>(slot + (<usize>j << 2), pos);
  store<i32>(cols + (<usize>pos << 2), j);
  store<f64>(acc + (<usize>pos << 3), v);
  return true;
}
