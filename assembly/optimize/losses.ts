// The contrastive losses as derivatives with respect to the squared embedding distance D of a pair.
// Every loss is the negative log of an estimator of "this pair is an edge"; the optimiser multiplies the
// coefficient by 2(y_i − y_j). Log arguments below `clamp` give no gradient (SPEC §2, "Clamps").
// A positive coefficient attracts, a negative one repels.

export const LOSS_NEG: i32 = 0; // Neg-t-SNE: fixed normalisation, ξ' = m·Z̄ / (n(n−1))
export const LOSS_NCE: i32 = 1; // NCVis: the same estimator with a learned log Z
export const LOSS_INFONCE: i32 = 2; // InfoNC-t-SNE: softmax over the positive and its negatives
export const LOSS_UMAP: i32 = 3; // UMAP with a = b = 1

/** UMAP's guard against the 1/D pole of its repulsion (umap-learn adds 0.001 to D too). */
export const UMAP_EPSILON: f32 = 0.001;

/**
 * ∂ℓ⁺/∂D for a positive pair. neg/nce: ℓ = −log e, e = 1/(1 + ξ'u), u = 1 + D → ξ'/(1 + ξ'u).
 * umap: ℓ = −log φ, φ = 1/u → φ.
 */
// @ts-ignore: decorator
@inline export function attraction(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  const u: f32 = 1 + d;
  if (loss == LOSS_UMAP) {
    const phi: f32 = 1 / u;
    return phi >= clamp ? phi : 0;
  }
  const q: f32 = 1 + xi * u;
  const e: f32 = 1 / q;
  return e >= clamp ? xi * e : 0;
}

/**
 * ∂ℓ⁻/∂D for a negative pair. neg/nce: ℓ = −log(1 − e) → −1/(u(1 + ξ'u)), bounded at D = 0.
 * umap: ℓ = −log(1 − φ) → −1/(D·u), guarded by ε.
 */
// @ts-ignore: decorator
@inline export function repulsion(loss: i32, d: f32, xi: f32, clamp: f32): f32 {
  const u: f32 = 1 + d;
  if (loss == LOSS_UMAP) {
    return d / u >= clamp ? -1 / ((d + UMAP_EPSILON) * u) : 0;
  }
  const q: f32 = 1 + xi * u;
  return (xi * u) / q >= clamp ? -1 / (u * q) : 0;
}

/** NCE's ∂ℓ⁺/∂log Z = 1 − e (0 where the log is clamped). */
// @ts-ignore: decorator
@inline export function nceLogZAttraction(d: f32, xi: f32, clamp: f32): f32 {
  const e: f32 = 1 / (1 + xi * (1 + d));
  return e >= clamp ? 1 - e : 0;
}

/** NCE's ∂ℓ⁻/∂log Z = −e (0 where the log is clamped). */
// @ts-ignore: decorator
@inline export function nceLogZRepulsion(d: f32, xi: f32, clamp: f32): f32 {
  const e: f32 = 1 / (1 + xi * (1 + d));
  return 1 - e >= clamp ? -e : 0;
}
