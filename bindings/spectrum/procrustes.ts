// Fitting the Procrustes map between two 2-D layouts from the core's sums: the similarity transform
// (rotation or reflection, uniform scale, shift) that moves layout B closest to layout A in least squares.
// The 2×2 SVD is solved in closed form.

/** y ↦ M·y + t, with M = scale · (a rotation or a reflection). */
export interface Similarity {
  m00: number;
  m01: number;
  m10: number;
  m11: number;
  tx: number;
  ty: number;
  /** the uniform scale factor */
  scale: number;
  /** true when the best orthogonal part is a reflection (det −1) */
  reflected: boolean;
}

/**
 * The sums of assembly/spectrum/procrustes.ts (Σa, Σb, Σa_x b_x, Σa_y b_y, Σa_x b_y, Σa_y b_x, Σ|b|²) → the map
 * moving b onto a. With the centred cross-covariance C = Σ (a − ā)(b − b̄)ᵀ = U Σ Vᵀ, the orthogonal part is
 * U Vᵀ (reflections allowed), the scale is (σ₁ + σ₂) / Σ|b − b̄|², and the shift puts b̄ on ā.
 */
export function fitSimilarity(sums: Float64Array, n: number): Similarity {
  const [sax, say, sbx, sby, axbx, ayby, axby, aybx, bb] = sums;
  const ax = sax / n, ay = say / n, bx = sbx / n, by = sby / n;
  // C[j][k] = Σ a_j b_k − n ā_j b̄_k
  const c00 = axbx - n * ax * bx, c01 = axby - n * ax * by;
  const c10 = aybx - n * ay * bx, c11 = ayby - n * ay * by;
  const spread = bb - n * (bx * bx + by * by);
  // 2×2 SVD in closed form: for a rotation R(θ), trace(Rᵀ C) peaks at hypot(c00 + c11, c10 − c01) (= σ₁ + σ₂
  // when det C ≥ 0); for a reflection it peaks at hypot(c00 − c11, c01 + c10) (= σ₁ + σ₂ when det C < 0).
  const rotation = Math.hypot(c00 + c11, c10 - c01);
  const reflection = Math.hypot(c00 - c11, c01 + c10);
  const reflected = reflection > rotation;
  let r00: number, r01: number, r10: number, r11: number;
  if (reflected) {
    const phi = Math.atan2(c01 + c10, c00 - c11);
    r00 = Math.cos(phi); r01 = Math.sin(phi); r10 = Math.sin(phi); r11 = -Math.cos(phi);
  } else {
    const theta = Math.atan2(c10 - c01, c00 + c11);
    r00 = Math.cos(theta); r01 = -Math.sin(theta); r10 = Math.sin(theta); r11 = Math.cos(theta);
  }
  const traceNorm = Math.max(rotation, reflection);
  // a layout collapsed to a point has no direction to align: leave it unscaled, only shifted
  const scale = spread > 0 && traceNorm > 0 ? traceNorm / spread : 1;
  const m00 = scale * r00, m01 = scale * r01, m10 = scale * r10, m11 = scale * r11;
  return { m00, m01, m10, m11, tx: ax - (m00 * bx + m01 * by), ty: ay - (m10 * bx + m11 * by), scale, reflected };
}
