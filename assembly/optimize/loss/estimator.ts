// The estimator shared by neg (Neg-t-SNE) and nce (NCVis): e = φ/(φ + ξ') = 1/(1 + ξ'u) with u = 1 + D.

// @ts-ignore: decorator
@inline export function estimatorAttraction(d: v128, xi: v128, clamp: v128): v128 {
  // ℓ⁺ = −log e → ∂ℓ⁺/∂D = ξ'e; no gradient where e is below the clamp
  const u = f32x4.add(f32x4.splat(1), d);
  const e = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(xi, u)));
  return v128.and(f32x4.mul(xi, e), f32x4.ge(e, clamp));
}

// @ts-ignore: decorator
@inline export function estimatorRepulsion(d: v128, xi: v128, clamp: v128): v128 {
  // ℓ⁻ = −log(1 − e) → ∂ℓ⁻/∂D = −1/(u(1 + ξ'u)), bounded at D = 0
  const one = f32x4.splat(1);
  const u = f32x4.add(one, d);
  const xu = f32x4.mul(xi, u);
  const q = f32x4.add(one, xu);
  const r = f32x4.div(f32x4.splat(-1), f32x4.mul(u, q));
  // the log argument 1 − e = ξ'u/q, compared without forming 1 − e (which rounds to 0 when ξ'u is tiny)
  return v128.and(r, f32x4.ge(xu, f32x4.mul(clamp, q)));
}
