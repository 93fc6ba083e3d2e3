// UMAP's loss with a = b = 1 (SPEC §2): q = φ = 1/(1 + D); ℓ⁺ = −log φ → ∂/∂D = φ;
// ℓ⁻ = −log(1 − φ) → −1/(D·u), guarded by ε against its pole at D = 0. Method contract: see neg.ts.

/** UMAP's guard against the 1/D pole of its repulsion (umap-learn adds 0.001 to D too). */
export const UMAP_EPSILON: f32 = 0.001;

/** The id of UMAP in the core's ABI (read by the bindings as LOSS_UMAP; ids are distinct, test/contract.test.ts). */
export const LOSS_UMAP: i32 = 3;

@unmanaged export class UmapLoss {
  // @ts-ignore: decorator
  @inline normalised(): bool { return false; }
  // @ts-ignore: decorator
  @inline learnsZ(): bool { return false; }
  // @ts-ignore: decorator
  @inline kernel(d: v128): v128 { return d; }
  // @ts-ignore: decorator
  @inline attraction(d: v128, xi: v128, clamp: v128, norm: v128): v128 {
    const phi = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), d));
    return v128.and(phi, f32x4.ge(phi, clamp));
  }
  // @ts-ignore: decorator
  @inline repulsion(d: v128, xi: v128, clamp: v128, norm: v128): v128 {
    const u = f32x4.add(f32x4.splat(1), d);
    const coef = f32x4.div(f32x4.splat(-1), f32x4.mul(f32x4.add(d, f32x4.splat(UMAP_EPSILON)), u));
    return v128.and(coef, f32x4.ge(f32x4.div(d, u), clamp)); // 1 − φ = D/u
  }
  // @ts-ignore: decorator
  @inline zAttraction(d: v128, xi: v128, clamp: v128): v128 { return f32x4.splat(0); }
  // @ts-ignore: decorator
  @inline zRepulsion(d: v128, xi: v128, clamp: v128): v128 { return f32x4.splat(0); }
  /** ℓ of one pair: see neg.ts. */
  pairValue(positive: bool, d: f64, xi: f64): f64 {
    const u = 1 + d;
    return positive ? Math.log(u) : -Math.log((d + <f64>UMAP_EPSILON) / u);
  }
}
