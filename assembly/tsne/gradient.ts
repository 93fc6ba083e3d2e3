// The two halves of t-SNE's gradient in 2-D, row-range kernels over an interleaved layout y (f32[n·2]).
//
// Convention (SPEC §7): with w_ij = (1 + d²_ij/α)^(−α) (α = dof; α = 1 is the Cauchy kernel 1/(1 + d²)),
// q_ij = w_ij^(1/α) = 1/(1 + d²_ij/α) and Z = Σ_{k≠l} w_kl, the exact gradient of KL(P‖W/Z) is
//   ∂KL/∂y_i = 4 [ Σ_j p_ij q_ij (y_i − y_j) − Σ_j (w_ij q_ij / Z)(y_i − y_j) ].
// The core computes the bracket without the 4, as FIt-SNE and openTSNE do: attraction A_i = Σ_j p_ij q_ij (y_i − y_j)
// (times the exaggeration ρ), repulsion F_i = Σ_j w_ij q_ij (y_i − y_j), gradient g_i = ρ A_i − F_i / Z, so the
// learning rate n/12 is openTSNE's and FIt-SNE's (sklearn's n/48 with the 4).

/** Kernel of dof α: q = 1/(1 + d²/α), w = q^α. The Cauchy case skips the power. */
// @ts-ignore: decorator
@inline function kernelW(q: f32, alpha: f32): f32 {
  return alpha == 1 ? q : <f32>Math.exp(<f64>alpha * Math.log(<f64>q));
}

/**
 * Attraction of rows [begin, end): A_i = Σ_j p_ij q_ij (y_i − y_j) over row i of the CSR affinities, into
 * out f32[n·2]. klRows (f64[n], or 0): Σ_j p_ij log w_ij per row, the data-dependent part of the KL divergence.
 */
export function attractRows(
  y: usize, rowPtr: usize, cols: usize, vals: usize, begin: i32, end: i32, alpha: f32, out: usize, klRows: usize,
): void {
  const invAlpha = f32x4.splat(<f32>1 / alpha), one = f32x4.splat(1);
  for (let i = begin; i < end; i++) {
    const yi = i64x2.splat(load<i64>(y + (<usize>i << 3)));
    let acc = f32x4.splat(0);
    let kl: f64 = 0;
    const rb = load<i32>(rowPtr + (<usize>i << 2)), re = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    let e = rb;
    // two neighbours per v128: (x_j, y_j, x_l, y_l)
    for (; e + 1 < re; e += 2) {
      const j = load<i32>(cols + (<usize>e << 2)), l = load<i32>(cols + (<usize>(e + 1) << 2));
      let yj = i64x2.splat(load<i64>(y + (<usize>j << 3)));
      yj = i64x2.replace_lane(yj, 1, load<i64>(y + (<usize>l << 3)));
      const d = f32x4.sub(yi, yj);
      const s = f32x4.mul(d, d);
      const d2 = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
      const q = f32x4.div(one, f32x4.add(one, f32x4.mul(d2, invAlpha)));
      const p0 = load<f32>(vals + (<usize>e << 2)), p1 = load<f32>(vals + (<usize>(e + 1) << 2));
      const p = f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(p0), 2, p1), 3, p1);
      acc = f32x4.add(acc, f32x4.mul(f32x4.mul(p, q), d));
      if (klRows) {
        kl += <f64>p0 * <f64>alpha * Math.log(<f64>f32x4.extract_lane(q, 0));
        kl += <f64>p1 * <f64>alpha * Math.log(<f64>f32x4.extract_lane(q, 2));
      }
    }
    let ax = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 2);
    let ay = f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 3);
    if (e < re) {
      const j = load<i32>(cols + (<usize>e << 2));
      const dx = load<f32>(y + (<usize>i << 3)) - load<f32>(y + (<usize>j << 3));
      const dy = load<f32>(y + (<usize>i << 3) + 4) - load<f32>(y + (<usize>j << 3) + 4);
      const q = <f32>1 / (<f32>1 + (dx * dx + dy * dy) / alpha);
      const pq = load<f32>(vals + (<usize>e << 2)) * q;
      ax += pq * dx;
      ay += pq * dy;
      if (klRows) kl += <f64>load<f32>(vals + (<usize>e << 2)) * <f64>alpha * Math.log(<f64>q);
    }
    store<f32>(out + (<usize>i << 3), ax);
    store<f32>(out + (<usize>i << 3) + 4, ay);
    if (klRows) store<f64>(klRows + (<usize>i << 3), kl);
  }
}

/**
 * The exact O(n²) repulsion of rows [begin, end): F_i = Σ_{j≠i} w_ij q_ij (y_i − y_j) into force f32[n·2] and
 * Z_i = Σ_{j≠i} w_ij into rowZ f64[n]. Two points per v128; the i = j term (w = q = 1, no force) is
 * subtracted from Z_i. The small-n path and the oracle of the interpolated repulsion.
 */
export function repelRowsExact(y: usize, n: i32, begin: i32, end: i32, alpha: f32, force: usize, rowZ: usize): void {
  const invAlpha = f32x4.splat(<f32>1 / alpha), one = f32x4.splat(1);
  const cauchy = alpha == 1;
  const pairs = n & ~1;
  for (let i = begin; i < end; i++) {
    const xi = load<f32>(y + (<usize>i << 3)), yi = load<f32>(y + (<usize>i << 3) + 4);
    const pi = i64x2.splat(load<i64>(y + (<usize>i << 3)));
    let accF = f32x4.splat(0), accZ = f32x4.splat(0);
    for (let j = 0; j < pairs; j += 2) {
      const d = f32x4.sub(pi, v128.load(y + (<usize>j << 3)));
      const s = f32x4.mul(d, d);
      const d2 = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
      const q = f32x4.div(one, f32x4.add(one, f32x4.mul(d2, invAlpha)));
      let w = q;
      if (!cauchy) {
        w = f32x4.replace_lane(w, 0, kernelW(f32x4.extract_lane(q, 0), alpha));
        w = f32x4.replace_lane(w, 2, kernelW(f32x4.extract_lane(q, 2), alpha));
        w = v128.shuffle<f32>(w, w, 0, 0, 2, 2);
      }
      accZ = f32x4.add(accZ, w);
      accF = f32x4.add(accF, f32x4.mul(f32x4.mul(w, q), d));
    }
    // lanes 0 and 2 of accZ hold the two points' sums (1 and 3 repeat them)
    let z = <f64>f32x4.extract_lane(accZ, 0) + <f64>f32x4.extract_lane(accZ, 2);
    let fx = f32x4.extract_lane(accF, 0) + f32x4.extract_lane(accF, 2);
    let fy = f32x4.extract_lane(accF, 1) + f32x4.extract_lane(accF, 3);
    if (pairs < n) {
      const j = pairs;
      const dx = xi - load<f32>(y + (<usize>j << 3)), dy = yi - load<f32>(y + (<usize>j << 3) + 4);
      const q = <f32>1 / (<f32>1 + (dx * dx + dy * dy) / alpha);
      const w = kernelW(q, alpha);
      z += <f64>w;
      fx += w * q * dx;
      fy += w * q * dy;
    }
    store<f32>(force + (<usize>i << 3), fx);
    store<f32>(force + (<usize>i << 3) + 4, fy);
    store<f64>(rowZ + (<usize>i << 3), z - 1);
  }
}
